"""jax.experimental.multihost_utils: data between the processes of jax.distributed.

process_allgather, broadcast_one_to_all and sync_global_devices work in one process
too (there they gather, broadcast and wait among one)."""
import numpy as np

from . import distributed
from .tree import tree_map


def process_allgather(in_tree, tiled=False):
    """Every process's value of each leaf, stacked along a new leading axis in process order
    (concatenated along axis 0 if `tiled`), as NumPy arrays.

    >>> from jaxlite.experimental import multihost_utils
    >>> multihost_utils.process_allgather(jnp.arange(2.0))
    array([[0., 1.]], dtype=float32)
    """
    def gather(x):
        split = _process_dims(x)
        x = np.asarray(x)
        stacked = distributed.allgather(x) if distributed.process_count() > 1 else x[None]
        if split:  # an array across processes: the whole global array, as JAX returns
            (dim,) = split
            return np.concatenate(list(stacked), axis=dim)
        return np.concatenate(list(stacked), axis=0) if tiled else stacked
    return tree_map(gather, in_tree)


def _process_dims(x):
    sharding = getattr(x, "sharding", None)
    dims = sharding.process_dims() if hasattr(sharding, "process_dims") else {}
    if len(dims) > 1:
        raise NotImplementedError("process_allgather of an array split across processes "
                                  "along several dimensions")
    return list(dims)


def broadcast_one_to_all(in_tree, is_source=None):
    """Process 0's value of each leaf (or the process where `is_source` is True) on every
    process, as NumPy arrays; the other processes pass values of the same shapes."""
    if is_source is None:
        is_source = distributed.process_index() == 0
    if distributed.process_count() == 1:
        return tree_map(np.asarray, in_tree)
    flags = distributed.allgather(np.asarray(bool(is_source)))
    sources = np.flatnonzero(flags)
    if len(sources) != 1:
        raise ValueError(f"broadcast_one_to_all needs exactly one source process, got "
                         f"{len(sources)}")
    root = int(sources[0])
    return tree_map(lambda x: distributed.broadcast(np.asarray(x), root), in_tree)


def sync_global_devices(name):
    """Wait until every process reaches this point with the same `name` (a mismatch raises
    instead of waiting)."""
    if distributed.process_count() > 1:
        distributed.barrier(name)


def host_local_array_to_global_array(*args, **kwargs):
    raise NotImplementedError("host_local_array_to_global_array: arrays spanning processes "
                              "are not implemented in jaxlite; use pmap over each process's "
                              "devices, whose collectives span the processes")


global_array_to_host_local_array = host_local_array_to_global_array


def reached_preemption_sync_point(step_id):
    """Whether every process has reached the step at which to checkpoint after a
    preemption notice. As in JAX with no coordination service (jaxlite's processes join
    over MPI, which has none, and no preemption notices reach them): False."""
    if distributed.global_state.client is None:
        return False
    raise RuntimeError("Preemption sync manager has not been initialized.")
