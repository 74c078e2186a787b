"""Several processes over MPI: jax.distributed.initialize and the operations between them.

Under `mpiexec -n K`, `initialize()` joins the K processes through mpi4py (an optional
dependency: `pip install jaxlite[mpi]` brings mpi4py and MPICH's wheel). Each process
keeps its local devices; jax.devices() lists all processes' devices. Collectives whose
named axis spans processes (pmap's) finish their work with the operations here:
allreduce, allgather, broadcast and barrier on NumPy buffers.

A collective must not hang when a process has died or called another collective.
Each operation first compares a small header (which operation, dtype, shape) across the
processes, and waits on nonblocking MPI requests for at most `timeout` seconds
(JAXLITE_COLLECTIVE_TIMEOUT, default 300). A mismatch or a time-out raises
JaxRuntimeError; such a process then aborts the MPI job when it exits, so the others
stop too instead of waiting for ever. MPI cannot tell a slow process from a dead one:
a process still computing when the time-out passes is taken for dead.
"""
import atexit
import os
import time
import zlib

import numpy as np

from . import config as _config
from .errors import JaxRuntimeError


class _World:
    def __init__(self, comm, timeout):
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self.timeout = timeout
        self.failed = False
        self.mpi = _mpi()


_state = {"world": None}


def _mpi():
    try:
        from mpi4py import MPI  # noqa: PLC0415 (optional dependency, loaded when used)
    except ImportError:
        raise RuntimeError("jax.distributed.initialize over MPI needs mpi4py: install it "
                           "with `pip install jaxlite[mpi]` (mpi4py and MPICH's wheel)") \
            from None
    return MPI


def initialize(coordinator_address=None, num_processes=None, process_id=None,
               local_device_ids=None, cluster_detection_method=None,
               initialization_timeout=300, coordinator_bind_address=None, **unused):
    """Join the processes started by `mpiexec -n K` (through mpi4py).

    The coordinator address is not needed: MPI already connects the processes. Must be
    called before the first use of devices, as in JAX."""
    if _state["world"] is not None:
        raise RuntimeError("distributed.initialize should only be called once.")
    if _config.backend_initialized[0]:
        raise RuntimeError("jax.distributed.initialize() must be called before any JAX "
                           "computations are executed.")
    if cluster_detection_method not in (None, "mpi4py"):
        raise NotImplementedError(f"jaxlite joins processes through MPI only "
                                  f"(cluster_detection_method='mpi4py'), got "
                                  f"{cluster_detection_method!r}")
    MPI = _mpi()
    comm = MPI.COMM_WORLD
    if num_processes is not None and num_processes != comm.Get_size():
        raise ValueError(f"num_processes={num_processes} but MPI started "
                         f"{comm.Get_size()} processes")
    if process_id is not None and process_id != comm.Get_rank():
        raise ValueError(f"process_id={process_id} but this is MPI rank {comm.Get_rank()}")
    timeout = float(os.environ.get("JAXLITE_COLLECTIVE_TIMEOUT", 300))
    _state["world"] = _World(comm, timeout)


def shutdown():
    """Leave the group of processes (MPI itself is finalized at exit)."""
    world = _state["world"]
    if world is not None:
        barrier("shutdown")
    _state["world"] = None


def is_initialized():
    return _state["world"] is not None


class _GlobalState:
    """JAX's `jax._src.distributed.global_state`, as a live view (orbax-checkpoint reads
    `.process_id`, and `.client` to decide whether a coordination service can
    synchronize the processes). Processes here join over MPI, with no coordination
    service: `client` and `service` are None, so libraries take their paths that need
    no key-value store."""
    client = None
    service = None
    preemption_sync_manager = None
    coordinator_address = None
    slice_index = None

    @property
    def process_id(self):
        return process_index()

    @property
    def num_processes(self):
        return process_count()


global_state = _GlobalState()


def process_index():
    world = _state["world"]
    return 0 if world is None else world.rank


def process_count():
    world = _state["world"]
    return 1 if world is None else world.size


@atexit.register
def _abort_after_failure():
    # A process whose collective failed must not leave the others waiting on it.
    world = _state["world"]
    if world is not None and world.failed:
        world.comm.Abort(1)


def _wait(world, request, what):
    # Polls without sleeping for the first 2 ms, as MPICH's blocking calls do (yielding
    # at every poll cost 2.4x on a 1 MB all-reduce); then yields the CPU between polls,
    # so that a process waiting long for a peer does not take that peer's core.
    start = time.monotonic()
    spin_until, deadline = start + 0.002, start + world.timeout
    while not request.Test():
        now = time.monotonic()
        if now > deadline:
            world.failed = True
            raise JaxRuntimeError(
                f"{what} across {world.size} processes timed out after {world.timeout:g} s "
                f"in process {world.rank}: another process has died, is stuck, or called a "
                f"different collective (set JAXLITE_COLLECTIVE_TIMEOUT to wait longer). "
                f"The MPI job is aborted when this process exits.")
        if now > spin_until:
            time.sleep(0)


def _check_same(world, what, x):
    """Every process must call the same operation on the same shape and dtype."""
    signature = f"{what}|{x.dtype.str}|{x.shape}".encode()
    code = np.array([zlib.crc32(signature)], np.int64)
    both = np.concatenate([code, -code])
    out = np.empty_like(both)
    _wait(world, world.comm.Iallreduce(both, out, op=world.mpi.MAX), what)
    if out[0] != -out[1]:
        world.failed = True
        raise JaxRuntimeError(
            f"mismatched collectives across processes: process {world.rank} called {what} on "
            f"{x.dtype.name}{list(x.shape)}, and another process called something else (a "
            f"different collective, shape or dtype). Every process must run the same "
            f"collectives in the same order.")


def _world(what):
    world = _state["world"]
    if world is None:
        raise RuntimeError(f"{what} across processes needs jax.distributed.initialize()")
    return world


_OPS = {"sum": "SUM", "max": "MAX", "min": "MIN"}


def allreduce(x, op="sum"):
    """The elementwise sum (max, min) of `x` over all processes."""
    world = _world("allreduce")
    x = np.asarray(x, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    _check_same(world, f"allreduce-{op}", x)
    out = np.empty_like(x)
    _wait(world, world.comm.Iallreduce(x, out, op=getattr(world.mpi, _OPS[op])),
          f"allreduce-{op}")
    return out


def allgather(x):
    """Every process's `x`, stacked along a new leading axis in process order."""
    world = _world("allgather")
    x = np.asarray(x, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    _check_same(world, "allgather", x)
    out = np.empty((world.size,) + x.shape, x.dtype)
    _wait(world, world.comm.Iallgather(x, out), "allgather")
    return out


def broadcast(x, root=0):
    """Process `root`'s `x` on every process (same shape and dtype everywhere)."""
    world = _world("broadcast")
    x = np.array(x, copy=True, order="C")
    _check_same(world, "broadcast", x)
    _wait(world, world.comm.Ibcast(x, root=root), "broadcast")
    return x


def barrier(name="barrier"):
    world = _world("barrier")
    _check_same(world, f"barrier {name}", np.zeros(0))
    _wait(world, world.comm.Ibarrier(), f"barrier {name}")


def permute_lanes(x, perm, lanes):
    """pmap's ppermute across processes: `x` holds this process's `lanes` lanes (axis 0)
    of an axis whose lane g lives on process g // lanes; lane dst receives lane src for
    each (src, dst) of `perm`, others zeros. Only the lanes that change process move,
    each process exchanging with its peers by nonblocking sends and receives."""
    world = _world("ppermute")
    x = np.asarray(x, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    _check_same(world, f"ppermute {sorted(perm)} {lanes}", x)
    rank = world.rank
    out = np.zeros_like(x)
    sends, receives = {}, {}
    for src, dst in perm:
        p_src, p_dst = src // lanes, dst // lanes
        if p_src == rank and p_dst == rank:
            out[dst % lanes] = x[src % lanes]
        elif p_src == rank:
            sends.setdefault(p_dst, []).append(src % lanes)
        elif p_dst == rank:
            receives.setdefault(p_src, []).append(dst % lanes)
    requests, buffers = [], []
    for peer, rows in sorted(receives.items()):
        buffer = np.empty((len(rows),) + x.shape[1:], x.dtype)
        buffers.append((rows, buffer))
        requests.append(world.comm.Irecv(buffer, source=peer, tag=7))
    for peer, rows in sorted(sends.items()):
        requests.append(world.comm.Isend(np.asarray(x[rows], order="C"), dest=peer, tag=7))
    for request in requests:
        _wait(world, request, "ppermute")
    for rows, buffer in buffers:
        out[rows] = buffer
    return out


def alltoall(x):
    """Block q of `x` (axis 0, one block per process) goes to process q; block p of the
    result is what process p sent here."""
    world = _world("all_to_all")
    x = np.asarray(x, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    _check_same(world, "all_to_all", x)
    out = np.empty_like(x)
    _wait(world, world.comm.Ialltoall(x, out), "all_to_all")
    return out
