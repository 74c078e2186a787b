"""Rematerialization: checkpoint (a call that recomputes instead of saving), its
linear half, and checkpoint_name.

Under linearize, an ordinary function leaves every intermediate its derivative
needs as a residual, held until the backward pass. A checkpoint call instead
splits its Jaxpr (partial_eval_jaxpr): the known part runs now and keeps only
the residuals the policy saves; the staged `remat_linear` equation holds the
known Jaxpr and recomputes the other residuals from the call's inputs when it
is transposed, right before they are needed.
"""
import numpy as np

from .. import core
from ..core import Primitive
from ..ad import Zero, is_linear, jvp_jaxpr, backward_pass
from ..batching import batch_jaxpr
from ..jaxpr import Jaxpr, eval_jaxpr
from ..staging import StagingTracer, partial_eval_jaxpr, trace_closed_jaxpr
from ..compiler import compile_jaxpr
from ..compiler.dce import dead_code_elimination

checkpoint_p = Primitive("checkpoint", multiple_results=True)
remat_linear_p = Primitive("remat_linear", multiple_results=True)
name_p = Primitive("name")


def _wrap(values, avals):
    return [core.Array(np.asarray(v, a.dtype), a.weak_type) for v, a in zip(values, avals)]


def _checkpoint_values(*args, jaxpr, policy, prevent_cse):
    return compile_jaxpr(jaxpr)(*args)


def _checkpoint_impl(*args, jaxpr, policy, prevent_cse):
    return _wrap(_checkpoint_values(*args, jaxpr=jaxpr, policy=policy, prevent_cse=prevent_cse),
                 jaxpr.out_avals)


def _checkpoint_jvp(primals, tangents, jaxpr, policy, prevent_cse):
    nonzero = tuple(type(t) is not Zero for t in tangents)
    new = jvp_jaxpr(jaxpr, nonzero)
    outs = checkpoint_p.bind(*primals, *[t for t in tangents if type(t) is not Zero],
                             jaxpr=new, policy=policy, prevent_cse=prevent_cse)
    n = len(jaxpr.outvars)
    return outs[:n], outs[n:]


def _checkpoint_batch(values, dims, jaxpr, policy, prevent_cse):
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    new = batch_jaxpr(jaxpr, dims, size)
    outs = checkpoint_p.bind(*values, jaxpr=new, policy=policy, prevent_cse=prevent_cse)
    return outs, [0] * len(outs)


def _split_residuals(known, n_res, policy):
    """Which values the forward pass keeps, and how the backward pass gets the residuals.

    As in JAX, the policy judges every equation of the known Jaxpr, not only those that
    produce residuals: e.g. under dots_saveable the output of `x @ W` is kept and only
    the `tanh` after it is recomputed. Returns (saved_vars, recompute) with
    recompute: (known inputs..., saved values...) -> every residual."""
    key = ("remat", n_res, policy)
    hit = known.cache.get(key)
    if hit is not None:
        return hit
    res_vars = known.outvars[len(known.outvars) - n_res:]
    saveable = []
    if policy is not None:
        for eqn in known.eqns:
            if policy(eqn.primitive, **eqn.params):
                saveable.extend(eqn.outputs)
    saveable_set = set(saveable)
    eqns = [e for e in known.eqns if not (e.outputs and all(v in saveable_set
                                                            for v in e.outputs))]
    recompute = dead_code_elimination(Jaxpr(known.constvars, known.consts,
                                            list(known.invars) + saveable, eqns, res_vars))
    # Keep only the saveable values the recomputation reads.
    used = {v for e in recompute.eqns for v in e.inputs} | set(recompute.outvars)
    saved_vars = [v for v in saveable if v in used]
    recompute = Jaxpr(recompute.constvars, recompute.consts,
                      list(known.invars) + saved_vars, recompute.eqns, recompute.outvars)
    result = (saved_vars, recompute)
    known.cache[key] = result
    return result


def _checkpoint_partial_eval(trace, args, params):
    jaxpr, policy = params["jaxpr"], params["policy"]
    unknowns = [type(a) is StagingTracer and a._trace is trace for a in args]
    known, unknown, out_unknowns, n_res = partial_eval_jaxpr(jaxpr, unknowns)
    saved_vars, recompute = _split_residuals(known, n_res, policy)
    n_known_out = len(known.outvars) - n_res
    # The known call returns its outputs and only the values the policy saves.
    forward = dead_code_elimination(Jaxpr(known.constvars, known.consts, known.invars,
                                          known.eqns, known.outvars[:n_known_out] + saved_vars))
    known_args = [a for a, u in zip(args, unknowns) if not u]
    known_outs = core.bind_under(trace.parent, checkpoint_p, known_args, dict(
        jaxpr=forward, policy=policy, prevent_cse=params["prevent_cse"]))
    saved_values = known_outs[n_known_out:]
    # The staged half recomputes the residuals from the known inputs and saved values.
    unknown_args = [a for a, u in zip(args, unknowns) if u]
    unknown_outs = trace.stage(remat_linear_p, known_args + list(saved_values) + unknown_args,
                               dict(recompute=recompute, unknown=unknown, n_res=n_res,
                                    n_saved=len(saved_vars), n_known_args=len(known_args)))
    known_iter, unknown_iter = iter(known_outs[:n_known_out]), iter(unknown_outs)
    return [next(unknown_iter) if u else next(known_iter) for u in out_unknowns]


def _residuals(recompute, args, n_known_args, n_saved):
    """The residuals, recomputed from the known inputs and the saved values in `args`."""
    return eval_jaxpr(recompute, recompute.consts, *args[:n_known_args + n_saved])


def _remat_linear_impl(*args, recompute, unknown, n_res, n_saved, n_known_args):
    res = _residuals(recompute, args, n_known_args, n_saved)
    return _wrap(compile_jaxpr(unknown)(*res, *args[n_known_args + n_saved:]),
                 unknown.out_avals)


def _remat_linear_abstract(*avals, recompute, unknown, n_res, n_saved, n_known_args):
    return unknown.out_avals


def _remat_linear_transpose(cts, *args, recompute, unknown, n_res, n_saved, n_known_args):
    linear = args[n_known_args + n_saved:]
    res = _residuals(recompute, args, n_known_args, n_saved)  # recomputed now
    res_vars = unknown.invars[:n_res]
    cts = [np.zeros(v.aval.shape, v.aval.dtype) if c is None or type(c) is Zero else c
           for c, v in zip(cts, unknown.outvars)]
    cts_in = backward_pass(unknown, cts, dict(zip(res_vars, res)))[n_res:]
    return [None] * (n_known_args + n_saved) + [
        ct if is_linear(a) else None for ct, a in zip(cts_in, linear)]


checkpoint_p.impl = _checkpoint_impl
checkpoint_p.numpy_impl = _checkpoint_values
checkpoint_p.abstract_eval = lambda *avals, jaxpr, policy, prevent_cse: jaxpr.out_avals
checkpoint_p.jvp = _checkpoint_jvp
checkpoint_p.batch = _checkpoint_batch
checkpoint_p.partial_eval = _checkpoint_partial_eval

def _remat_linear_call(recompute, unknown, n_res, n_saved, n_known_args):
    """The whole `remat_linear` equation as one Jaxpr of all its inputs (recompute the
    residuals, then apply the linear part). Differentiating or batching the linear
    function of a checkpoint (jvp of linearize, vmap of a pullback) treats it as a
    checkpoint call of this Jaxpr, whose rules already exist."""
    key = ("remat_linear_call", n_res, n_saved, n_known_args)
    hit = unknown.cache.get(key)
    if hit is not None and hit[0] is recompute:
        return hit[1]
    n_fixed = n_known_args + n_saved
    avals = [v.aval for v in recompute.invars[:n_fixed]] + [v.aval for v in unknown.invars[n_res:]]

    def call(*args):
        res = _residuals(recompute, args, n_known_args, n_saved)
        return eval_jaxpr(unknown, unknown.consts, *res, *args[n_fixed:])
    jaxpr = trace_closed_jaxpr(call, avals, name="remat_linear")
    unknown.cache[key] = (recompute, jaxpr)
    return jaxpr


def _remat_linear_jvp(primals, tangents, **params):
    return _checkpoint_jvp(primals, tangents, jaxpr=_remat_linear_call(**params), policy=None,
                           prevent_cse=True)


def _remat_linear_batch(values, dims, **params):
    return _checkpoint_batch(values, dims, jaxpr=_remat_linear_call(**params), policy=None,
                             prevent_cse=True)


remat_linear_p.impl = _remat_linear_impl
remat_linear_p.jvp = _remat_linear_jvp
remat_linear_p.batch = _remat_linear_batch
remat_linear_p.abstract_eval = _remat_linear_abstract
remat_linear_p.transpose = _remat_linear_transpose

# checkpoint_name: an identity that tags a value for save_only_these_names policies.
name_p.impl = lambda x, name: x
name_p.abstract_eval = lambda x, name: x
name_p.jvp = lambda primals, tangents, name: (name_p.bind(primals[0], name=name),
                                              tangents[0] if type(tangents[0]) is Zero
                                              else name_p.bind(tangents[0], name=name))
name_p.transpose = lambda ct, x, name: [ct]
name_p.batch = lambda values, dims, name: (name_p.bind(values[0], name=name), dims[0])
name_p.lower = lambda names, params, avals=None: names[0]
