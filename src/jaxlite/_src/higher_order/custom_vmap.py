"""custom_vmap_call: a function whose batching rule the user wrote (jax.custom_batching).

The primitive holds the traced function (`call_jaxpr`, what runs when nothing maps it)
and the user's rule as a flat callable

  rule(axis_size, in_batched, *args) -> (outs, out_batched)

where batched arguments carry their batch axis first and `in_batched`/`out_batched` are
lists of bools. Under vmap the rule runs in place of the function; differentiation goes
through the function itself (its Jaxpr), as JAX's does for the primal.
"""
import numpy as np

from .. import core
from ..core import Primitive
from ..ad import instantiate, jvp_flat
from ..batching import vmap_flat
from ..jaxpr import eval_jaxpr
from ..compiler import compile_jaxpr
from ..prims.shape import moveaxis

custom_vmap_call_p = Primitive("custom_vmap_call", multiple_results=True)


def _impl(*args, call_jaxpr, **_):
    avals = call_jaxpr.out_avals
    return [core.Array(np.asarray(v, a.dtype), a.weak_type)
            for v, a in zip(compile_jaxpr(call_jaxpr)(*args), avals)]


def _abstract(*avals, call_jaxpr, **_):
    return call_jaxpr.out_avals


def _eval(call_jaxpr):
    return lambda *xs: eval_jaxpr(call_jaxpr, call_jaxpr.consts, *xs)


def _jvp(primals, tangents, call_jaxpr, rule, num_consts):
    return jvp_flat(_eval(call_jaxpr), list(primals), [instantiate(t) for t in tangents])


def _batch(values, dims, call_jaxpr, rule, num_consts):
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    if any(d is not None for d in dims[:num_consts]):
        # The function closes over a batched value, which the rule cannot see: map the
        # function itself.
        return vmap_flat(_eval(call_jaxpr), values, dims, size,
                         [0] * len(call_jaxpr.outvars)), [0] * len(call_jaxpr.outvars)
    args = values[num_consts:]
    args = [a if d is None else moveaxis(a, d, 0) for a, d in zip(args, dims[num_consts:])]
    in_batched = [d is not None for d in dims[num_consts:]]
    outs, out_batched = rule(size, in_batched, *args)
    for o, b, aval in zip(outs, out_batched, call_jaxpr.out_avals):
        expected = ((size,) if b else ()) + aval.shape
        if tuple(core.get_aval(o).shape) != expected:
            raise ValueError(
                f"custom_vmap rule returned an output of shape {core.get_aval(o).shape} "
                f"{'marked batched' if b else 'marked unbatched'}; expected {expected}")
    return list(outs), [0 if b else None for b in out_batched]


def _inline(trace, args, params):
    with core.set_current_trace(trace):
        return _eval(params["call_jaxpr"])(*args)


custom_vmap_call_p.impl = _impl
custom_vmap_call_p.abstract_eval = _abstract
custom_vmap_call_p.jvp = _jvp
custom_vmap_call_p.batch = _batch
custom_vmap_call_p.partial_eval = _inline
