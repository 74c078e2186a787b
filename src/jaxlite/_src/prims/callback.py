"""pure_callback and io_callback: a host Python function with declared result shapes,
callable inside jit and vmap (not differentiable, as in JAX). io_callback's is effectful:
never dropped when its results go unused, nor merged, nor reordered."""
import numpy as np

from .. import core
from ..core import Primitive
from .shape import moveaxis, broadcast_batch, concatenate_p, reshape_p
from .index import gather_p

pure_callback_p = Primitive("pure_callback", multiple_results=True)
pure_callback_p.runs_user_code = True


def _impl(*args, callback, result_avals, vmap_method, what="pure_callback"):
    outs = callback(*[np.asarray(getattr(a, "_value", a)) for a in args])
    results = []
    for out, aval in zip(outs, result_avals):
        out = np.asarray(out)
        if out.shape != aval.shape:
            raise ValueError(f"{what}: the callback returned shape {out.shape}, but "
                             f"result_shape_dtypes declared {aval.shape}")
        results.append(core.Array(out.astype(aval.dtype, copy=False), False))
    return results


def _batch(values, dims, callback, result_avals, vmap_method):
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    if vmap_method in ("expand_dims", "broadcast_all", "legacy_vectorized"):
        values = [broadcast_batch(v, size) if d is None else moveaxis(v, d, 0)
                  for v, d in zip(values, dims)]
        batched = tuple(a.update(shape=(size,) + a.shape) for a in result_avals)
        return pure_callback_p.bind(*values, callback=callback, result_avals=batched,
                                    vmap_method=vmap_method), [0] * len(result_avals)
    if vmap_method not in (None, "sequential"):
        raise ValueError(f"pure_callback: unknown vmap_method {vmap_method!r}")
    return _one_call_per_lane(pure_callback_p, values, dims, size, callback=callback,
                              result_avals=result_avals, vmap_method=vmap_method)


def _one_call_per_lane(primitive, values, dims, size, **params):
    """A callback primitive under vmap, run sequentially: one call per lane, in order,
    on that lane's values, the results stacked along a new leading axis."""
    lanes = []
    for i in range(size):
        lane = [v if d is None else gather_p.bind(moveaxis(v, d, 0), index_spec=(("int", i),))
                for v, d in zip(values, dims)]
        outs = primitive.bind(*lane, **params)
        lanes.append([reshape_p.bind(o, new_sizes=(1,) + a.shape)
                      for o, a in zip(outs, params["result_avals"])])
    return ([concatenate_p.bind(*col, dimension=0) for col in zip(*lanes)],
            [0] * len(params["result_avals"]))

def _jvp(primals, tangents, **params):
    raise ValueError("Pure callbacks do not support JVP: pure_callback functions cannot be "
                     "differentiated; wrap the callback in jax.custom_jvp or jax.custom_vjp to "
                     "give it a derivative rule.")


pure_callback_p.impl = _impl
pure_callback_p.abstract_eval = lambda *avals, callback, result_avals, vmap_method: list(
    result_avals)
pure_callback_p.batch = _batch
pure_callback_p.jvp = _jvp


io_callback_p = Primitive("io_callback", multiple_results=True)
io_callback_p.effectful = True
io_callback_p.runs_user_code = True


def _io_impl(*args, callback, result_avals, ordered):
    return _impl(*args, callback=callback, result_avals=result_avals, vmap_method=None,
                 what="io_callback")


def _io_batch(values, dims, callback, result_avals, ordered):
    if ordered:
        raise ValueError("Cannot `vmap` ordered IO callback.")
    # One call per lane, in order, as JAX's unordered io_callback under vmap.
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    return _one_call_per_lane(io_callback_p, values, dims, size, callback=callback,
                              result_avals=result_avals, ordered=ordered)


def _io_jvp(primals, tangents, **params):
    raise ValueError("IO callbacks do not support JVP.")


io_callback_p.impl = _io_impl
io_callback_p.abstract_eval = lambda *avals, callback, result_avals, ordered: list(result_avals)
io_callback_p.batch = _io_batch
io_callback_p.jvp = _io_jvp
