"""Primitives behind custom derivative rules: custom_jvp_call, custom_vjp_call, custom_lin.

Each call primitive holds the traced function (`call_jaxpr`, what runs when nothing
differentiates it) and the user's rule as a flat Python callable:

  custom_jvp_call  jvp(primals, tangents) -> (primal_out, tangent_out)
  custom_vjp_call  fwd(primals, perturbed) -> (primal_out, residuals);
                   bwd(residuals, cts) -> cts

The JVP of custom_vjp_call runs `fwd` and emits `custom_lin`, a primitive linear
in the tangents whose transpose is `bwd`: reverse mode works, forward mode raises
JAX's error. Under vmap the Jaxpr and the rules are batched together.

`call_custom_jvp` and `call_custom_vjp` are what a custom function's call does, as JAX's
`process_custom_jvp_call` per trace: the trace that owns the arguments decides. With
none (outside any transformation), the function runs on the values as given, so Python
control flow on values works and Python scalars stay Python scalars; a JVP trace calls
the rule with its primals (concrete under grad/jvp/vjp of concrete values); vmap batches
the function and its rules and passes them on; only jit-like staging traces the
function to a Jaxpr and binds the primitives above.
"""
import numpy as np

from .. import core
from ..core import Primitive
from ..ad import Zero, instantiate, JVPTrace, JVPTracer, split_tangents
from ..batching import BatchTrace, BatchTracer, batch_jaxpr, vmap_flat
from ..conversion import asarray
from ..jaxpr import eval_jaxpr
from ..compiler import compile_jaxpr
from ..prims.shape import moveaxis, broadcast_batch, move_batch_dim
from ..prims.program_rules import inline_call_code
from ..staging import StagingTrace, StagingTracer, trace_to_jaxpr, close_over_tracer_consts


def _wrap(values, avals):
    return [core.Array(np.asarray(v, a.dtype), a.weak_type) for v, a in zip(values, avals)]


def _call_values(*args, call_jaxpr, **_):
    return compile_jaxpr(call_jaxpr)(*args)


def _call_impl(*args, call_jaxpr, **_):
    return _wrap(_call_values(*args, call_jaxpr=call_jaxpr), call_jaxpr.out_avals)


def _call_abstract(*avals, call_jaxpr, **_):
    return call_jaxpr.out_avals


def _inline(trace, args, params):
    # Partial evaluation meets these only with the rule already applied above it
    # (the JVP trace sits above the partial evaluator); evaluating inline is exact.
    jaxpr = params["call_jaxpr"]
    with core.set_current_trace(trace):
        return eval_jaxpr(jaxpr, jaxpr.consts, *args)


def _batch_size(values, dims):
    return next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)


def _all_batched(values, dims, size):
    return [broadcast_batch(v, size) if d is None else moveaxis(v, d, 0)
            for v, d in zip(values, dims)]


def _check_tangent(t, aval, what):
    t_aval = core.get_aval(t)
    if t_aval.shape != aval.shape:
        raise TypeError(f"{what}: the tangent output has shape {t_aval.shape}, but the primal "
                        f"output has shape {aval.shape}; they must match")


# ---- custom_jvp_call ------------------------------------------------------------------
custom_jvp_call_p = Primitive("custom_jvp_call", multiple_results=True)


def _custom_jvp_jvp(primals, tangents, call_jaxpr, jvp, num_consts, symbolic_zeros):
    for t in tangents[:num_consts]:
        if type(t) is not Zero:
            raise TypeError(
                "A custom_jvp function closes over a value that is being differentiated. "
                "Pass that value as an argument instead (see jax.closure_convert).")
    args, arg_tangents = primals[num_consts:], tangents[num_consts:]
    if not symbolic_zeros:
        arg_tangents = [instantiate(t) for t in arg_tangents]
    outs, touts = jvp(list(args), list(arg_tangents))
    touts = [Zero(o) if t is None or type(t) is Zero else t for o, t in zip(outs, touts)]
    for t, aval in zip(touts, call_jaxpr.out_avals):
        if type(t) is not Zero:
            _check_tangent(t, aval, "custom_jvp rule")
    return outs, touts


def _custom_jvp_batch(values, dims, call_jaxpr, jvp, num_consts, symbolic_zeros):
    size = _batch_size(values, dims)
    # Unbatched operands stay unbatched, as in JAX: the function may branch on them (a
    # lax.cond on an unbatched predicate still runs one branch; equinox's error_if relies
    # on it), and their tangents keep the same dims.
    in_dims = [None if d is None else 0 for d in dims]
    values = [v if d is None else moveaxis(v, d, 0) for v, d in zip(values, dims)]
    n_out = len(call_jaxpr.outvars)
    batched = batch_jaxpr(call_jaxpr, in_dims, size)

    def batched_jvp(primals, tangents):
        n = len(primals)
        # Symbolic zero tangents stay symbolic through the batching (a rule defined with
        # symbolic_zeros=True tells them apart: equinox asserts the undifferentiated
        # inputs' tangents are zeros); the others are mapped with their primal's dims.
        if not symbolic_zeros:
            tangents = [instantiate(t) for t in tangents]
        zero = [type(t) is Zero for t in tangents]
        mapped = [t for t, z in zip(tangents, zero) if not z]
        mapped_dims = [d for d, z in zip(in_dims, zero) if not z]

        def flat(*xs):
            rest = iter(xs[n:])
            ts = [Zero(p) if z else next(rest) for p, z in zip(xs[:n], zero)]
            outs, touts = jvp(list(xs[:n]), ts)
            return list(outs) + [instantiate(t) if t is not None else np.zeros(
                core.get_aval(o).shape, core.get_aval(o).dtype) for o, t in zip(outs, touts)]

        res = vmap_flat(flat, list(primals) + mapped, in_dims + mapped_dims, size,
                        [0] * (2 * n_out))
        return res[:n_out], res[n_out:]

    outs = custom_jvp_call_p.bind(*values, call_jaxpr=batched, jvp=batched_jvp,
                                  num_consts=num_consts, symbolic_zeros=symbolic_zeros)
    return outs, [0] * n_out


custom_jvp_call_p.impl = _call_impl
custom_jvp_call_p.numpy_impl = _call_values
custom_jvp_call_p.numba_code = inline_call_code  # the whole-program tier
custom_jvp_call_p.abstract_eval = _call_abstract
custom_jvp_call_p.jvp = _custom_jvp_jvp
custom_jvp_call_p.batch = _custom_jvp_batch
custom_jvp_call_p.partial_eval = _inline


# ---- custom_vjp_call and custom_lin ------------------------------------------------------
custom_vjp_call_p = Primitive("custom_vjp_call", multiple_results=True)
custom_lin_p = Primitive("custom_lin", multiple_results=True)


def _custom_vjp_jvp(primals, tangents, call_jaxpr, fwd, bwd, num_consts, symbolic_zeros):
    for t in tangents[:num_consts]:
        if type(t) is not Zero:
            raise TypeError(
                "A custom_vjp function closes over a value that is being differentiated. "
                "Pass that value as an argument instead (see jax.closure_convert).")
    return _jvp_of_custom_vjp(list(primals[num_consts:]), list(tangents[num_consts:]), fwd, bwd)


def _jvp_of_custom_vjp(primals, tangents, fwd, bwd):
    """Run fwd now; the tangents' map is custom_lin, linear, transposed by bwd. Without a
    trace to stage custom_lin (forward mode), evaluating it raises JAX's error, after fwd
    ran, as in JAX."""
    outs, residuals = fwd(primals, [type(t) is not Zero for t in tangents])
    out_avals = [core.get_aval(o).strip_weak_type() for o in outs]
    arg_avals = [core.get_aval(a) for a in primals]
    touts = custom_lin_p.bind(*residuals, *[instantiate(t) for t in tangents], bwd=bwd,
                              num_res=len(residuals), out_avals=tuple(out_avals),
                              arg_avals=tuple(arg_avals))
    return outs, touts


def _custom_vjp_batch(values, dims, call_jaxpr, fwd, bwd, num_consts, symbolic_zeros):
    size = _batch_size(values, dims)
    values = _all_batched(values, dims, size)
    n_out = len(call_jaxpr.outvars)
    batched = batch_jaxpr(call_jaxpr, [0] * len(values), size)

    def batched_fwd(args, perturbed):
        def flat(*xs):
            outs, res = fwd(list(xs), perturbed)
            return list(outs) + list(res)
        res = vmap_flat(flat, list(args), [0] * len(args), size, lambda n: [0] * n)
        return res[:n_out], res[n_out:]

    def batched_bwd(residuals, cts):
        def flat(*xs):
            return bwd(list(xs[:len(residuals)]), list(xs[len(residuals):]))
        return vmap_flat(flat, list(residuals) + list(cts),
                         [0] * (len(residuals) + len(cts)), size, lambda n: [0] * n)

    outs = custom_vjp_call_p.bind(*values, call_jaxpr=batched, fwd=batched_fwd, bwd=batched_bwd,
                                  num_consts=num_consts, symbolic_zeros=symbolic_zeros)
    return outs, [0] * n_out


def _custom_lin_impl(*args, **params):
    # JAX's message, word for word: programs print it (the custom-derivatives tutorial does).
    raise TypeError("can't apply forward-mode autodiff (jvp) to a custom_vjp function.")


def _custom_lin_batch(values, dims, **params):
    # Only forward mode evaluates custom_lin under vmap (e.g. jacfwd); reverse mode
    # transposes it instead. Same error as evaluating it.
    _custom_lin_impl()


def _custom_lin_abstract(*avals, bwd, num_res, out_avals, arg_avals):
    return list(out_avals)


def _custom_lin_transpose(cts, *args, bwd, num_res, out_avals, arg_avals):
    residuals = args[:num_res]
    # bwd sees zero cotangents as arrays, as in JAX (flax.nnx's bwd rules write into them
    # with `.at[...]`-style Variable updates that a NumPy array would take in place).
    cts = [asarray(np.zeros(a.shape, a.dtype)) if c is None or type(c) is Zero else c
           for c, a in zip(cts, out_avals)]
    cts_in = bwd(list(residuals), cts)
    out = []
    for ct, aval in zip(cts_in, arg_avals):
        if ct is None:
            out.append(None)
            continue
        ct_aval = core.get_aval(ct)
        if ct_aval.shape != aval.shape:
            raise ValueError(f"custom_vjp bwd returned a cotangent of shape {ct_aval.shape} for "
                             f"an input of shape {aval.shape}; they must match")
        out.append(ct)
    return [None] * num_res + out


custom_vjp_call_p.impl = _call_impl
custom_vjp_call_p.numpy_impl = _call_values
custom_vjp_call_p.numba_code = inline_call_code  # the whole-program tier
custom_vjp_call_p.abstract_eval = _call_abstract
custom_vjp_call_p.jvp = _custom_vjp_jvp
custom_vjp_call_p.batch = _custom_vjp_batch
custom_vjp_call_p.partial_eval = _inline

custom_lin_p.impl = _custom_lin_impl
custom_lin_p.abstract_eval = _custom_lin_abstract
custom_lin_p.transpose = _custom_lin_transpose
custom_lin_p.batch = _custom_lin_batch
custom_lin_p.transpose_zero_cotangents = True  # bwd runs, with zeros, as in JAX


# ---- calls of custom functions: which trace handles them ------------------------------------

def _handling_trace(leaves):
    """(trace, leaves): the trace that handles a custom call on `leaves`, found as bind would
    find it, and the leaves as that trace sees them. JVP traces and partial evaluators pass
    on calls none of whose arguments they own (a JVP tracer with a zero tangent passes its
    primal); vmap and jit-like staging handle every call made under them (vmap so that a
    function closing over a batched value is batched)."""
    trace = core.current_trace()
    while type(trace) is not core.EvalTrace:
        kind = type(trace)
        if kind is JVPTrace:
            owned = False
            for i, x in enumerate(leaves):
                if type(x) is JVPTracer and x._trace is trace:
                    if type(x.tangent) is Zero:
                        leaves = leaves[:i] + [x.primal] + leaves[i + 1:]
                    else:
                        owned = True
            if owned:
                return trace, leaves
        elif kind is StagingTrace and trace.partial:
            if any(type(x) is StagingTracer and x._trace is trace for x in leaves):
                return trace, leaves
        else:
            return trace, leaves
        trace = trace.parent
    return trace, leaves


def _jvp_tracers(trace, primals, tangents):
    return [p if type(t) is Zero else JVPTracer(trace, p, t) for p, t in zip(primals, tangents)]


def _stage(trace, primitive, fun, leaves, name, params):
    leaves = [asarray(x) for x in leaves]
    with core.set_current_trace(trace):
        jaxpr = trace_to_jaxpr(lambda *xs: [asarray(o) for o in fun(*xs)],
                               [core.get_aval(x) for x in leaves], name)
    jaxpr, consts = close_over_tracer_consts(jaxpr)
    return core.bind_under(trace, primitive, [*consts, *leaves],
                           dict(params, call_jaxpr=jaxpr, num_consts=len(consts)))


def _batched_leaves(trace, leaves):
    size = trace.axis_size
    with core.set_current_trace(trace.parent):
        return [moveaxis(x.val, x.batch_dim, 0) if type(x) is BatchTracer and x._trace is trace
                else broadcast_batch(asarray(x), size) for x in leaves]


def _under_batch(trace, fn, xs):
    """fn run under the vmap trace itself on values batched at axis 0, so that values fn
    closes over are batched too; its outputs (None kept) batched at axis 0. The trace
    computes under the caller's current trace meanwhile (JAX's subtrace with the same tag):
    a rule may run at a level below the one the vmap started at (e.g. inside jit)."""
    tracers = [BatchTracer(trace, x, 0) for x in xs]
    previous = trace.parent
    trace.parent = core.current_trace()
    try:
        with core.set_current_trace(trace):
            outs = fn(*tracers)
    finally:
        trace.parent = previous
    size, result = trace.axis_size, []
    for o in outs:
        if o is None or type(o) is Zero:
            result.append(None)
        elif type(o) is BatchTracer and o._trace is trace:
            result.append(move_batch_dim(o.val, o.batch_dim, 0, size))
        else:
            result.append(move_batch_dim(asarray(o), None, 0, size))
    return result


def _zeros_for(outs, touts):
    return [np.zeros(core.get_aval(o).shape, core.get_aval(o).dtype) if t is None else t
            for o, t in zip(outs, touts)]


def call_custom_jvp(fun, jvp, leaves, symbolic_zeros, name):
    """Call a custom_jvp function: fun(*leaves) -> output leaves; jvp(primals, tangents) ->
    (output leaves, tangent leaves, None for a zero)."""
    trace, leaves = _handling_trace(list(leaves))
    kind = type(trace)
    if kind is core.EvalTrace:
        with core.set_current_trace(trace):
            return list(fun(*leaves))
    if kind is JVPTrace:
        primals, tangents = split_tangents(trace, leaves)
        with core.set_current_trace(trace.parent):
            if not symbolic_zeros:
                tangents = [instantiate(t) for t in tangents]
            outs, touts = jvp(primals, tangents)
        touts = [Zero(o) if t is None or type(t) is Zero else t for o, t in zip(outs, touts)]
        for o, t in zip(outs, touts):
            if type(t) is not Zero:
                _check_tangent(t, core.get_aval(o), "custom_jvp rule")
        return _jvp_tracers(trace, outs, touts)
    if kind is BatchTrace:
        def batched_fun(*xs):
            return _under_batch(trace, fun, xs)

        def batched_jvp(primals, tangents):
            n = len(primals)
            # Symbolic zero tangents stay symbolic (as in _custom_jvp_batch).
            if not symbolic_zeros:
                tangents = [instantiate(t) for t in tangents]
            zero = [type(t) is Zero for t in tangents]

            def flat(*xs):
                rest = iter(xs[n:])
                ts = [Zero(p) if z else next(rest) for p, z in zip(xs[:n], zero)]
                outs, touts = jvp(list(xs[:n]), ts)
                return list(outs) + _zeros_for(outs, touts)
            res = _under_batch(trace, flat,
                               [*primals, *[t for t, z in zip(tangents, zero) if not z]])
            return res[:len(res) // 2], res[len(res) // 2:]

        values = _batched_leaves(trace, leaves)
        with core.set_current_trace(trace.parent):
            outs = call_custom_jvp(batched_fun, batched_jvp, values, symbolic_zeros, name)
        return [BatchTracer(trace, o, 0) for o in outs]
    if kind is StagingTrace and trace.partial:
        # Partial evaluation meets a custom function of unknown values only inside a
        # linear (tangent) computation, where the rule is no longer needed (as in JAX).
        with core.set_current_trace(trace):
            return list(fun(*leaves))
    return _stage(trace, custom_jvp_call_p, fun, leaves, name,
                  dict(jvp=jvp, symbolic_zeros=symbolic_zeros))


def call_custom_vjp(fun, fwd, bwd, leaves, symbolic_zeros, name):
    """Call a custom_vjp function: fun(*leaves) -> output leaves; fwd(primals, perturbed) ->
    (output leaves, residual leaves); bwd(residuals, cotangents) -> cotangent leaves (None:
    zero)."""
    trace, leaves = _handling_trace(list(leaves))
    kind = type(trace)
    if kind is core.EvalTrace:
        with core.set_current_trace(trace):
            return list(fun(*leaves))
    if kind is JVPTrace:
        primals, tangents = split_tangents(trace, leaves)
        with core.set_current_trace(trace.parent):
            outs, touts = _jvp_of_custom_vjp(primals, tangents, fwd, bwd)
        return _jvp_tracers(trace, outs, touts)
    if kind is BatchTrace:
        counts = {}

        def batched_fun(*xs):
            return _under_batch(trace, fun, xs)

        def batched_fwd(primals, perturbed):
            def flat(*xs):
                outs, res = fwd(list(xs), perturbed)
                counts["outs"] = len(outs)
                return list(outs) + list(res)
            res = _under_batch(trace, flat, primals)
            return res[:counts["outs"]], res[counts["outs"]:]

        def batched_bwd(residuals, cts):
            n = len(residuals)
            return _under_batch(trace, lambda *xs: bwd(list(xs[:n]), list(xs[n:])),
                                [*residuals, *cts])

        values = _batched_leaves(trace, leaves)
        with core.set_current_trace(trace.parent):
            outs = call_custom_vjp(batched_fun, batched_fwd, batched_bwd, values,
                                   symbolic_zeros, name)
        return [BatchTracer(trace, o, 0) for o in outs]
    if kind is StagingTrace and trace.partial:
        with core.set_current_trace(trace):
            return list(fun(*leaves))
    return _stage(trace, custom_vjp_call_p, fun, leaves, name,
                  dict(fwd=fwd, bwd=bwd, symbolic_zeros=symbolic_zeros))
