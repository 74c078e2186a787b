"""Structured control flow: cond (switch), scan and while, primitives holding Jaxprs.

Each transformation applies to the held Jaxprs:
  jvp      the branch/body Jaxprs are differentiated (jvp_jaxpr) and the primitive
           bound again with the tangents as extra operands;
  vmap     the Jaxprs are batched; a batched `cond` index becomes a select of all
           branches, a batched `while` predicate runs until every lane is done;
  linearize  partial_eval_jaxpr splits the Jaxprs into a known primitive (run now,
           emitting residuals) and an unknown, linear one (staged);
  transpose  the linear Jaxprs are transposed (transpose_jaxpr); scan runs backwards.
Reverse mode through `while` is refused, as in JAX (its trip count is unknown).
"""
import itertools

import numpy as np

from .. import core, dtypes
from ..core import Primitive
from ..ad import (Zero, is_linear, jvp_jaxpr, transpose_jaxpr, instantiate,
                  nonzero_tangent_outputs)
from ..batching import batch_jaxpr, batched_outputs
from ..jaxpr import Jaxpr, Var, eval_jaxpr
from ..staging import StagingTracer, partial_eval_jaxpr, trace_closed_jaxpr
from ..compiler import compile_jaxpr
from ..compiler.dce import dead_code_elimination, has_effects
from ..prims.shape import (moveaxis, broadcast_batch, move_batch_dim, reshape_p,
                           broadcast_in_dim_p)
from ..prims.elementwise import select_n_p, add_any, eq_p, stop_gradient_p
from ..prims.util import const_like, shape_of
from ..prims.reduce import reduce_or_p
from ..prims.program_rules import assign, new_carries, dtype_code


def _wrap(values, avals):
    return [core.Array(np.asarray(v, a.dtype), a.weak_type) for v, a in zip(values, avals)]


def _permute(jaxpr, in_order=None, out_order=None):
    """The same Jaxpr with its inputs/outputs reordered (no retracing)."""
    invars = jaxpr.invars if in_order is None else [jaxpr.invars[i] for i in in_order]
    outvars = jaxpr.outvars if out_order is None else [jaxpr.outvars[i] for i in out_order]
    return Jaxpr(jaxpr.constvars, jaxpr.consts, invars, jaxpr.eqns, outvars)


def _with_unused_inputs(jaxpr, avals, position):
    """The Jaxpr taking extra, ignored inputs of `avals` at `position`."""
    extra = [Var(a) for a in avals]
    invars = jaxpr.invars[:position] + extra + jaxpr.invars[position:]
    return Jaxpr(jaxpr.constvars, jaxpr.consts, invars, jaxpr.eqns, jaxpr.outvars)


def _zeros(aval):
    return np.zeros(aval.shape, aval.dtype)


def _broadcast_zeros(aval):
    """Zeros of `aval` as JAX stages them (a broadcast scalar, not a captured array)."""
    zero = core.Array(np.zeros((), aval.dtype), aval.weak_type)
    if not aval.shape:
        return zero
    return broadcast_in_dim_p.bind(zero, shape=tuple(aval.shape), broadcast_dimensions=())


def _symbolic_zero(ct):
    return ct is None or type(ct) is Zero


def _instantiate_ct(ct, aval):
    return _zeros(aval) if _symbolic_zero(ct) else ct


def _unknown(trace, x):
    return type(x) is StagingTracer and x._trace is trace


# ==== cond / switch ========================================================================
cond_p = Primitive("cond", multiple_results=True)


def _cond_values(index, *args, branches):
    jaxpr = branches[int(np.clip(index, 0, len(branches) - 1))]
    return compile_jaxpr(jaxpr)(*args)


def _cond_impl(index, *args, branches):
    return _wrap(_cond_values(index, *args, branches=branches), _cond_out_avals(branches))


def _cond_out_avals(branches):
    # JAX's: the first branch's (cond's false_fun), weak types included, whatever the
    # others' are (equinox's error_if keeps a weak dt0 weak through such a cond)
    return branches[0].out_avals


def _cond_abstract(index, *args, branches):
    return _cond_out_avals(branches)


def _cond_jvp(primals, tangents, branches):
    index, args = primals[0], primals[1:]
    arg_tangents = tangents[1:]
    nonzero = tuple(type(t) is not Zero for t in arg_tangents)
    new = tuple(jvp_jaxpr(b, nonzero) for b in branches)
    outs = cond_p.bind(index, *args, *[t for t in arg_tangents if type(t) is not Zero],
                       branches=new)
    n = len(branches[0].outvars)
    return outs[:n], outs[n:]


def _cond_batch(values, dims, branches):
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    index, args = values[0], values[1:]
    index_dim, arg_dims = dims[0], dims[1:]
    if index_dim is None:
        # As JAX does: an output is batched only if some branch batches it (equinox checks
        # with nonbatchable that a step counter passed through a cond stays unbatched).
        out_b = [any(flags) for flags in zip(*(batched_outputs(b, arg_dims, size)
                                                 for b in branches))]
        out_dims = [0 if b else None for b in out_b]
        batched = tuple(batch_jaxpr(b, arg_dims, size, out_dims=out_dims) for b in branches)
        return cond_p.bind(index, *args, branches=batched), out_dims
    # A per-lane branch choice: run every branch on every lane, then select per lane (as
    # JAX does). Each branch sees its inexact operands through stop_gradient in the lanes
    # that do not take it, so that reverse mode sends nothing back through a branch where
    # it was not taken: there its derivative may be inf or nan (sqrt, log of a negative,
    # an overflowing exp), and the zero cotangent the select gives it would become nan.
    index = moveaxis(index, index_dim, 0)
    args = [move_batch_dim(a, d, 0, size) for a, d in zip(args, arg_dims)]
    batched = tuple(batch_jaxpr(b, (0,) * len(args), size) for b in branches)

    def lane_mask(mask, value):
        return reshape_p.bind(mask, new_sizes=(size,) + (1,) * (len(shape_of(value)) - 1))

    outs_per_branch = []
    for i, branch in enumerate(batched):
        taken = eq_p.bind(index, const_like(index, i))
        inputs = [select_n_p.bind(lane_mask(taken, a), stop_gradient_p.bind(a), a)
                  if dtypes.is_inexact(core.get_aval(a).dtype) else a for a in args]
        outs_per_branch.append(eval_jaxpr(branch, branch.consts, *inputs))
    results = [select_n_p.bind(lane_mask(index, outs[0]), *outs) for outs in zip(*outs_per_branch)]
    return results, [0] * len(results)


def _pad_outputs(jaxpr, before, after):
    """The Jaxpr with zero outputs of avals `before` prepended and `after` appended."""
    def padded(*args):
        outs = eval_jaxpr(jaxpr, jaxpr.consts, *args)
        return [_zeros(a) for a in before] + list(outs) + [_zeros(a) for a in after]
    return trace_closed_jaxpr(padded, jaxpr.in_avals)


def _cond_partial_eval(trace, args, params):
    branches = params["branches"]
    index, ops = args[0], args[1:]
    if _unknown(trace, index):
        # As JAX does: the whole cond is staged (a scan hoisting its loop-invariant work
        # out sees a branch index that varies per iteration as unknown).
        return trace.stage(cond_p, args, params)
    unknowns = [_unknown(trace, a) for a in ops]
    # Outputs are unknown if unknown in any branch; then split each branch alike.
    out_unknowns = [False] * len(branches[0].outvars)
    for b in branches:
        _, _, u, _ = partial_eval_jaxpr(b, unknowns)
        out_unknowns = [x or y for x, y in zip(out_unknowns, u)]
    splits = [partial_eval_jaxpr(b, unknowns, instantiate=out_unknowns) for b in branches]
    # Branches have different residuals: every known branch returns all of them
    # (zeros for the others'), every unknown branch accepts all of them.
    res_avals = [s[0].out_avals[len(s[0].out_avals) - s[3]:] for s in splits]
    known_branches, unknown_branches = [], []
    for i, (known, unknown, _, n_res) in enumerate(splits):
        before = [a for r in res_avals[:i] for a in r]
        after = [a for r in res_avals[i + 1:] for a in r]
        if before or after:
            n_known_out = len(known.outvars) - n_res
            known = _pad_outputs(known, before, after)
            # move the known outputs (now after `before`) to the front
            order = (list(range(len(before), len(before) + n_known_out))
                     + list(range(len(before)))
                     + list(range(len(before) + n_known_out, len(known.outvars))))
            known = _permute(known, out_order=order)
            unknown = _with_unused_inputs(unknown, after, n_res)
            unknown = _with_unused_inputs(unknown, before, 0)
        known_branches.append(known)
        unknown_branches.append(unknown)
    known_args = [a for a, u in zip(ops, unknowns) if not u]
    known_outs = core.bind_under(trace.parent, cond_p, [index] + known_args,
                                 dict(branches=tuple(known_branches)))
    n_res = sum(len(r) for r in res_avals)
    residuals = known_outs[len(known_outs) - n_res:]
    unknown_args = [a for a, u in zip(ops, unknowns) if u]
    unknown_outs = trace.stage(cond_p, [index] + list(residuals) + unknown_args,
                               dict(branches=tuple(unknown_branches)))
    known_iter, unknown_iter = iter(known_outs), iter(unknown_outs)
    return [next(unknown_iter) if u else next(known_iter) for u in out_unknowns]


def _cond_transpose(cts, index, *args, branches):
    linear = [is_linear(a) for a in args]
    has_cotangent = [not _symbolic_zero(c) for c in cts]
    transposed = tuple(transpose_jaxpr(b, linear, has_cotangent) for b in branches)
    nonlinear = [a for a, l in zip(args, linear) if not l]
    cts = [c for c in cts if not _symbolic_zero(c)]
    outs = iter(cond_p.bind(index, *nonlinear, *cts, branches=transposed))
    return [None] + [next(outs) if l else None for l in linear]


cond_p.impl = _cond_impl
cond_p.numpy_impl = _cond_values
cond_p.abstract_eval = _cond_abstract
cond_p.jvp = _cond_jvp
cond_p.batch = _cond_batch
cond_p.partial_eval = _cond_partial_eval
cond_p.transpose = _cond_transpose


# ==== scan ===================================================================================
scan_p = Primitive("scan", multiple_results=True)


def _scan_impl(*args, **params):
    return _wrap(_scan_values(*args, **params),
                 _scan_out_avals(params["jaxpr"], params["length"], params["num_carry"]))


def _scan_values(*args, jaxpr, length, reverse, num_consts, num_carry, unroll=1):
    # NumPy values throughout: an Array operand (a jit argument, another loop's result)
    # would go through jax.numpy's indexing and __array__ on every iteration.
    args = [a if type(a) is np.ndarray else np.asarray(a) for a in args]
    consts = args[:num_consts]
    carry = args[num_consts:num_consts + num_carry]
    xs = [x[::-1] for x in args[num_consts + num_carry:]] if reverse else \
        args[num_consts + num_carry:]
    body = compile_jaxpr(jaxpr).fn
    carry_dtypes = [a.dtype for a in jaxpr.out_avals[:num_carry]]
    # Each step writes its ys into preallocated stacks (no lists to stack at the end).
    stacked = [np.empty((length,) + a.shape, a.dtype) for a in jaxpr.out_avals[num_carry:]]
    steps = range(length - 1, -1, -1) if reverse else range(length)
    # Iterating an array yields its rows as views, in C: cheaper than indexing each step.
    rows = zip(*xs) if xs else itertools.repeat((), length)
    numpy_carries = None
    for i, x in zip(steps, rows):
        outs = body(*consts, *carry, *x)
        carry = outs[:num_carry]
        if not numpy_carries:
            carry, numpy_carries = _as_loop_values(carry, carry_dtypes, numpy_carries)
        for stack, y in zip(stacked, outs[num_carry:]):
            stack[i] = y
    return list(carry) + stacked


def _as_loop_values(values, dtypes, checked):
    """A loop body's carries as its next inputs: NumPy arrays or scalars of their dtypes
    (a nested loop returns Arrays, a Literal may be a Python scalar). The first
    iteration tells (`checked` is None): generated code returns each output as the same
    kind of value every iteration, so when all are already NumPy values of the right
    dtype, later iterations skip the check (returned as True)."""
    if checked is None and all(isinstance(v, (np.ndarray, np.generic)) and v.dtype == d
                               for v, d in zip(values, dtypes)):
        return values, True
    return [v if type(v) is np.ndarray and v.dtype == d else np.asarray(v, d)
            for v, d in zip(values, dtypes)], False


def _scan_out_avals(jaxpr, length, num_carry):
    outs = jaxpr.out_avals
    return list(outs[:num_carry]) + [a.update(shape=(length,) + a.shape)
                                      for a in outs[num_carry:]]


def _scan_abstract(*avals, jaxpr, length, reverse, num_consts, num_carry, unroll=1):
    return _scan_out_avals(jaxpr, length, num_carry)


def _split(seq, *sizes):
    out, start = [], 0
    for n in sizes:
        out.append(list(seq[start:start + n]))
        start += n
    out.append(list(seq[start:]))
    return out


def _nonzero_carries(jaxpr, before, k_nz, after):
    """Fixed point, as JAX: a carry's tangent is nonzero if its initial one is or the body
    makes it so (the body's first outputs are the carries). The others stay symbolic
    zeros, so what they feed (log(x) * 0 of a pow's exponent, a loop's reverse mode) is
    not computed."""
    n_k = len(k_nz)
    while True:
        out = nonzero_tangent_outputs(jaxpr, before + k_nz + after)[:n_k]
        new = [a or b for a, b in zip(k_nz, out)]
        if new == k_nz:
            return k_nz
        k_nz = new


def _scan_jvp(primals, tangents, jaxpr, length, reverse, num_consts, num_carry, unroll=1):
    n_c, n_k = num_consts, num_carry
    n_x = len(primals) - n_c - n_k
    c_t, k_t, x_t = _split(tangents, n_c, n_k)
    c_nz = [type(t) is not Zero for t in c_t]
    x_nz = [type(t) is not Zero for t in x_t]
    k_nz = _nonzero_carries(jaxpr, c_nz, [type(t) is not Zero for t in k_t], x_nz)
    jj = jvp_jaxpr(jaxpr, c_nz + k_nz + x_nz)
    n_ct, n_kt = sum(c_nz), sum(k_nz)
    # jj inputs: (consts, carry, xs, consts_t, carry_t, xs_t); outputs: (carry, ys, carry_t
    # (every carry's), ys_t); the loop carries only the nonzero carry tangents.
    n_in = n_c + n_k + n_x
    order_in = (list(range(n_c)) + list(range(n_in, n_in + n_ct))
                + list(range(n_c, n_c + n_k)) + list(range(n_in + n_ct, n_in + n_ct + n_kt))
                + list(range(n_c + n_k, n_in)) + list(range(n_in + n_ct + n_kt, len(jj.invars))))
    n_y = len(jaxpr.outvars) - n_k
    n_out = n_k + n_y
    order_out = (list(range(n_k)) + [n_out + i for i in range(n_k) if k_nz[i]]
                 + list(range(n_k, n_out)) + list(range(n_out + n_k, 2 * n_out)))
    body = _permute(jj, order_in, order_out)
    c, k, x = _split(primals, n_c, n_k)
    args = (c + [t for t in c_t if type(t) is not Zero] + k
            + [instantiate(t) for t, nz in zip(k_t, k_nz) if nz]
            + x + [t for t in x_t if type(t) is not Zero])
    outs = scan_p.bind(*args, jaxpr=body, length=length, reverse=reverse,
                       num_consts=n_c + n_ct, num_carry=n_k + n_kt, unroll=unroll)
    carry, carry_t, ys, ys_t = _split(outs, n_k, n_kt, n_y)
    carry_t = iter(carry_t)
    carry_t = [next(carry_t) if nz else Zero(v) for v, nz in zip(carry, k_nz)]
    return carry + ys, carry_t + ys_t


def _scan_batch(values, dims, jaxpr, length, reverse, num_consts, num_carry, unroll=1):
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    c, k, x = _split(values, num_consts, num_carry)
    c_d, k_d, x_d = _split(dims, num_consts, num_carry)
    c = [v if d is None else moveaxis(v, d, 0) for v, d in zip(c, c_d)]
    # Carries are batched (a batched input usually makes them so; this keeps it simple).
    k = [broadcast_batch(v, size) if d is None else moveaxis(v, d, 0) for v, d in zip(k, k_d)]
    # xs: axis 0 is the scan axis, the batch axis goes to 1 (axis 0 inside the body).
    x = [v if d is None else moveaxis(v, d, 1) for v, d in zip(x, x_d)]
    body_dims = ([None if d is None else 0 for d in c_d] + [0] * num_carry
                 + [None if d is None else 0 for d in x_d])
    body = batch_jaxpr(jaxpr, body_dims, size)
    outs = scan_p.bind(*c, *k, *x, jaxpr=body, length=length, reverse=reverse,
                       num_consts=num_consts, num_carry=num_carry, unroll=unroll)
    n_y = len(jaxpr.outvars) - num_carry
    return outs, [0] * num_carry + [1] * n_y


def _scan_partial_eval(trace, args, params):
    jaxpr, length, reverse = params["jaxpr"], params["length"], params["reverse"]
    unroll = params.get("unroll", 1)
    n_c, n_k = params["num_consts"], params["num_carry"]
    unknowns = [_unknown(trace, a) for a in args]
    c_u, k_u, x_u = _split(unknowns, n_c, n_k)
    # Fixed point: a carry is unknown if its initial value or its update is.
    while True:
        _, _, out_u, _ = partial_eval_jaxpr(jaxpr, c_u + k_u + x_u)
        new_k_u = [a or b for a, b in zip(k_u, out_u[:n_k])]
        if new_k_u == k_u:
            break
        k_u = new_k_u
    split = _split_scan_body(jaxpr, c_u, k_u, x_u)
    c, k, x = _split(args, n_c, n_k)
    known_c = [v for v, u in zip(c, c_u) if not u]
    known_k = [v for v, u in zip(k, k_u) if not u]
    known_x = [v for v, u in zip(x, x_u) if not u]
    # The known body's loop-invariant work runs once, before the loop.
    hoisted = core.call_under(trace.parent, eval_jaxpr, split.hoist, split.hoist.consts,
                              *known_c)
    n_invariant = len(hoisted) - split.num_loop_consts
    invariant, loop_consts = hoisted[:n_invariant], hoisted[n_invariant:]
    known_outs = core.bind_under(trace.parent, scan_p, loop_consts + known_k + known_x, dict(
        jaxpr=split.loop, length=length, reverse=reverse, num_consts=len(loop_consts),
        num_carry=n_k - sum(k_u), unroll=unroll))
    n_known_out = len(known_outs) - split.num_stacked
    sources = {"const": known_c, "xs": known_x, "invariant": invariant,
               "stacked": known_outs[n_known_out:]}
    residuals = [sources[kind][i] for kind, i in split.residuals]
    n_int = split.num_intensive
    # (a carry the fixed point made unknown may still arrive as a known value)
    unknown_args = [v for v, u in zip(args, c_u + k_u + x_u) if u]
    unknown_outs = trace.stage(
        scan_p, residuals[:n_int] + unknown_args + residuals[n_int:],
        dict(jaxpr=split.unknown, length=length, reverse=reverse, num_consts=n_int + sum(c_u),
             num_carry=sum(k_u), unroll=unroll))
    known_iter, unknown_iter = iter(known_outs[:n_known_out]), iter(unknown_outs)
    return [next(unknown_iter) if u else next(known_iter) for u in split.out_unknowns]


class _ScanSplit:
    """A scan body split by partial evaluation, as JAX splits it:
      hoist    known consts -> (loop-invariant residuals, consts of `loop`), run once;
      loop     the known scan's body: (its consts, known carries, known xs) ->
               (known carries, known ys, residuals of each iteration);
      unknown  the staged scan's body: (intensive residuals, unknown consts, carries,
               xs, extensive residuals) -> unknown outputs.
    `residuals` names each residual the unknown body reads, intensive ones (consts of
    the staged scan) first: ("const", i) a known const passed on, ("invariant", i) an
    output of `hoist`, ("xs", i) a known xs passed on, ("stacked", i) an output of the
    known scan. A residual that depends only on consts is thus computed once rather than
    stacked `length` times, and one the unknown body does not read is not kept at all."""
    __slots__ = ("hoist", "num_loop_consts", "loop", "num_stacked", "residuals",
                 "num_intensive", "unknown", "out_unknowns")


def _split_scan_body(jaxpr, c_u, k_u, x_u):
    key = ("scan partial_eval", tuple(c_u), tuple(k_u), tuple(x_u))
    hit = jaxpr.cache.get(key)
    if hit is not None:
        return hit
    n_y = len(jaxpr.outvars) - len(k_u)
    known, unknown, out_u, n_res = partial_eval_jaxpr(
        jaxpr, c_u + k_u + x_u, instantiate=k_u + [False] * n_y)
    n_kc, n_kk = c_u.count(False), k_u.count(False)
    n_kx = len(known.invars) - n_kc - n_kk
    n_known_out = len(known.outvars) - n_res
    unknown = dead_code_elimination(unknown)
    read = {v for e in unknown.eqns for v in e.inputs} | set(unknown.outvars)
    position = {v: i for i, v in enumerate(known.invars)}
    kinds, per_iteration = [], []
    for var_in, var_out in zip(unknown.invars[:n_res], known.outvars[n_known_out:]):
        i = position.get(var_out)
        if var_in not in read:
            kinds.append(None)
        elif i is not None and i < n_kc:
            kinds.append(("const", i))
        elif i is not None and i >= n_kc + n_kk:
            kinds.append(("xs", i - n_kc - n_kk))
        else:
            kinds.append(("loop", len(per_iteration)))
            per_iteration.append(var_out)
    known = dead_code_elimination(Jaxpr(known.constvars, known.consts, known.invars,
                                        known.eqns, known.outvars[:n_known_out] + per_iteration))
    split = _ScanSplit()
    if any(has_effects(e) for e in known.eqns):
        # Effects run once per iteration: nothing moves out of the loop.
        consts = known.invars[:n_kc]
        split.hoist = Jaxpr([], [], consts, [], consts)
        split.loop, varies = known, [True] * len(per_iteration)
        split.num_loop_consts = n_kc
    else:
        split.hoist, split.loop, loop_u, split.num_loop_consts = partial_eval_jaxpr(
            known, [False] * n_kc + [True] * (n_kk + n_kx),
            instantiate=[True] * n_known_out + [False] * len(per_iteration))
        varies = loop_u[n_known_out:]
    n_invariant = varies.count(False)
    slot = [("stacked", varies[:j].count(True)) if v else ("invariant", varies[:j].count(False))
            for j, v in enumerate(varies)]
    kinds = [slot[k[1]] if k and k[0] == "loop" else k for k in kinds]
    split.num_stacked = len(per_iteration) - n_invariant
    intensive = [j for j, k in enumerate(kinds) if k and k[0] in ("const", "invariant")]
    extensive = [j for j, k in enumerate(kinds) if k and k[0] in ("xs", "stacked")]
    split.residuals = [kinds[j] for j in intensive + extensive]
    split.num_intensive = len(intensive)
    res_in, rest = unknown.invars[:n_res], unknown.invars[n_res:]
    split.unknown = Jaxpr(unknown.constvars, unknown.consts,
                          [res_in[j] for j in intensive] + rest + [res_in[j] for j in extensive],
                          unknown.eqns, unknown.outvars)
    split.out_unknowns = out_u
    jaxpr.cache[key] = split
    return split


def _read_inputs(jaxpr, live):
    """The inputs of `jaxpr` that its outputs flagged in `live` depend on. Conservative
    (an equation reads all its inputs), except that a scan reads only what its own live
    outputs need, so that a dead carry of a nested scan stays dead."""
    needed = {v for v, l in zip(jaxpr.outvars, live) if l and type(v) is Var}
    for eqn in reversed(jaxpr.eqns):
        used = [v in needed for v in eqn.outputs]
        if not any(used):
            continue
        if eqn.primitive is scan_p:
            n_c, n_k = eqn.params["num_consts"], eqn.params["num_carry"]
            body_live = _live_outputs(eqn.params["jaxpr"], used, n_c, n_k)
            reads = _read_inputs(eqn.params["jaxpr"], body_live)
            body_inputs = eqn.params["jaxpr"].invars
            needed.update(v for v, b in zip(eqn.inputs, body_inputs)
                          if type(v) is Var and b in reads)
        else:
            needed.update(v for v in eqn.inputs if type(v) is Var)
    return needed


def _live_outputs(jaxpr, live, num_consts, num_carry):
    """Which outputs of a scan body matter, given those the caller uses (`live`): to a
    fixed point, also the carries that the body reads to compute those."""
    live = list(live)
    carries_in = jaxpr.invars[num_consts:num_consts + num_carry]
    while True:
        read = _read_inputs(jaxpr, live)
        new = [l or v in read for l, v in zip(live[:num_carry], carries_in)] + live[num_carry:]
        if new == live:
            return live
        live = new


def _scan_prune(eqn, used):
    """The scan without the outputs nobody reads: dead ys are not stacked, and a carry
    that neither leaves the loop read nor feeds a live output (a fori_loop's unused
    counter) is not carried. None when every output matters."""
    params = eqn.params
    jaxpr, n_c, n_k = params["jaxpr"], params["num_consts"], params["num_carry"]
    live = _live_outputs(jaxpr, used, n_c, n_k)
    if all(live):
        return None
    keep_k = live[:n_k]
    carries_in = jaxpr.invars[n_c:n_c + n_k]
    dropped = {v for v, k in zip(carries_in, keep_k) if not k}
    body = dead_code_elimination(Jaxpr(
        jaxpr.constvars, jaxpr.consts,
        [v for v in jaxpr.invars if v not in dropped],
        jaxpr.eqns, [v for v, l in zip(jaxpr.outvars, live) if l]))
    if any(v in dropped for e in body.eqns for v in e.inputs) or any(
            v in dropped for v in body.outvars):
        return None  # a kept equation still lists a dropped carry (conservative DCE)
    inputs = eqn.inputs[:n_c] + [v for v, k in zip(eqn.inputs[n_c:n_c + n_k], keep_k) if k] \
        + eqn.inputs[n_c + n_k:]
    new_params = dict(params, jaxpr=body, num_carry=sum(keep_k))
    return type(eqn)(eqn.primitive, inputs, new_params,
                     [v for v, l in zip(eqn.outputs, live) if l], eqn.source)


def _scan_transpose(cts, *args, jaxpr, length, reverse, num_consts, num_carry, unroll=1):
    c, k, x = _split(args, num_consts, num_carry)
    # Carries of a linear scan are linear; one may arrive as a known value (e.g. a zero
    # initial tangent carry), whose cotangent is then simply dropped. Consts and xs that
    # are known are residuals: the transposed scan takes them as its own consts and xs.
    c_linear = [is_linear(a) for a in c]
    x_linear = [is_linear(a) for a in x]
    c_res = [a for a, l in zip(c, c_linear) if not l]
    res = [a for a, l in zip(x, x_linear) if not l]
    # Outputs whose cotangent is zero throughout are left out of the transposed body: a
    # carry that never reaches a differentiated output may overflow, and its zero
    # cotangent times its inf or nan derivative would turn into nan and spread.
    live = _live_outputs(jaxpr, [not _symbolic_zero(ct) for ct in cts], num_consts, num_carry)
    ct_carry = [_instantiate_ct(ct, v.aval) for ct, v in zip(cts[:num_carry],
                                                             jaxpr.outvars[:num_carry])]
    ct_ys = [_instantiate_ct(ct, a) for ct, a in zip(cts[num_carry:], _scan_out_avals(
        jaxpr, length, num_carry)[num_carry:])]
    linear = c_linear + [True] * num_carry + x_linear
    # (c_res..., res..., live ct_carry..., live ct_y...) -> (ct_c, ct_k, ct_x) (linear ones)
    body_t = transpose_jaxpr(jaxpr, linear, live)
    c_res_avals = [core.get_aval(a) for a in c_res]
    c_avals = [a.aval for a in c if is_linear(a)]
    k_avals = [v.aval for v in jaxpr.invars[num_consts:num_consts + num_carry]]
    res_avals = [v.aval for v, l in zip(jaxpr.invars[num_consts + num_carry:], x_linear)
                 if not l]
    y_avals = [v.aval for v in jaxpr.outvars[num_carry:]]
    n_cres, n_clin = len(c_res), len(c_avals)

    def step(*args_):
        c_res_, acc, ct_k, ct_y, res_i = _split(args_, n_cres, n_clin, num_carry,
                                                len(y_avals))
        live_cts = [ct for ct, l in zip(ct_k + ct_y, live) if l]
        outs = eval_jaxpr(body_t, body_t.consts, *c_res_, *res_i, *live_cts)
        ct_c, ct_k_prev, ct_x = _split(outs, n_clin, num_carry)
        return [add_any(a, b) for a, b in zip(acc, ct_c)] + ct_k_prev + ct_x

    # As JAX orders them: (residual consts; const and carry cotangents; ys' cotangents,
    # residual xs).
    body = trace_closed_jaxpr(step, c_res_avals + c_avals + k_avals + y_avals + res_avals)
    outs = scan_p.bind(*c_res, *[_broadcast_zeros(a) for a in c_avals], *ct_carry, *ct_ys, *res,
                       jaxpr=body, length=length, reverse=not reverse, num_consts=n_cres,
                       num_carry=n_clin + num_carry, unroll=unroll)
    ct_c, ct_k, ct_x = _split(outs, n_clin, num_carry)
    ct_c, ct_x = iter(ct_c), iter(ct_x)
    return ([next(ct_c) if l else None for l in c_linear]
            + [ct if is_linear(a) else None for ct, a in zip(ct_k, k)]
            + [next(ct_x) if l else None for l in x_linear])


scan_p.impl = _scan_impl
scan_p.numpy_impl = _scan_values
scan_p.abstract_eval = _scan_abstract
scan_p.jvp = _scan_jvp
scan_p.batch = _scan_batch
scan_p.partial_eval = _scan_partial_eval
scan_p.transpose = _scan_transpose
scan_p.prune_outputs = _scan_prune


# ==== while ===================================================================================
while_p = Primitive("while", multiple_results=True)


def _while_impl(*args, **params):
    return _wrap(_while_values(*args, **params), params["body_jaxpr"].out_avals)


def _while_values(*args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    args = [a if type(a) is np.ndarray else np.asarray(a) for a in args]  # as in scan
    cond_consts = args[:cond_nconsts]
    body_consts = args[cond_nconsts:cond_nconsts + body_nconsts]
    carry = list(args[cond_nconsts + body_nconsts:])
    cond = compile_jaxpr(cond_jaxpr).fn
    body = compile_jaxpr(body_jaxpr).fn
    avals = body_jaxpr.out_avals
    dtypes = [a.dtype for a in avals]
    numpy_carries = None
    while cond(*cond_consts, *carry)[0]:
        carry = body(*body_consts, *carry)
        if not numpy_carries:
            carry, numpy_carries = _as_loop_values(carry, dtypes, numpy_carries)
    return list(carry)


def _while_abstract(*avals, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    return body_jaxpr.out_avals


def _while_jvp(primals, tangents, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cc, bc, k = _split(primals, cond_nconsts, body_nconsts)
    _, bc_t, k_t = _split(tangents, cond_nconsts, body_nconsts)
    bc_nz = [type(t) is not Zero for t in bc_t]
    k_nz = _nonzero_carries(body_jaxpr, bc_nz, [type(t) is not Zero for t in k_t], [])
    n_k = len(k)
    jj = jvp_jaxpr(body_jaxpr, bc_nz + k_nz)
    n_bc, n_bct = body_nconsts, sum(bc_nz)
    # jj inputs: (bconsts, carry, bconsts_t, carry_t) -> want (bconsts, bconsts_t, carry, carry_t);
    # its outputs (carry, every carry's tangent) -> (carry, the nonzero carry tangents).
    order = (list(range(n_bc)) + list(range(n_bc + n_k, n_bc + n_k + n_bct))
             + list(range(n_bc, n_bc + n_k)) + list(range(n_bc + n_k + n_bct, len(jj.invars))))
    body = _permute(jj, order, list(range(n_k)) + [n_k + i for i in range(n_k) if k_nz[i]])
    cond = _with_unused_inputs(cond_jaxpr, [v.aval for v, nz in zip(body_jaxpr.outvars, k_nz)
                                            if nz], len(cond_jaxpr.invars))
    outs = while_p.bind(*cc, *bc, *[t for t in bc_t if type(t) is not Zero], *k,
                        *[instantiate(t) for t, nz in zip(k_t, k_nz) if nz], cond_jaxpr=cond,
                        body_jaxpr=body, cond_nconsts=cond_nconsts, body_nconsts=n_bc + n_bct)
    carry, carry_t = outs[:n_k], iter(outs[n_k:])
    return carry, [next(carry_t) if nz else Zero(v) for v, nz in zip(carry, k_nz)]


def _while_batch(values, dims, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    cc, bc, k = _split(values, cond_nconsts, body_nconsts)
    cc_d, bc_d, k_d = _split(dims, cond_nconsts, body_nconsts)
    cc = [v if d is None else moveaxis(v, d, 0) for v, d in zip(cc, cc_d)]
    bc = [v if d is None else moveaxis(v, d, 0) for v, d in zip(bc, bc_d)]
    # As JAX does: a carry is batched only if its initial value or its update is, and when
    # the predicate is not, every lane runs the same iterations: no masking, and a carry the
    # body passes through stays the body's input (so partial evaluation still sees it as
    # loop-invariant and reverse mode works through it).
    cc_dims = [None if d is None else 0 for d in cc_d]
    bc_dims = [None if d is None else 0 for d in bc_d]
    k_b = [d is not None for d in k_d]
    while True:
        out_b = batched_outputs(body_jaxpr, bc_dims + [0 if b else None for b in k_b], size)
        new_k_b = [a or b for a, b in zip(k_b, out_b)]
        if new_k_b == k_b:
            break
        k_b = new_k_b
    k_dims = [0 if b else None for b in k_b]
    if not batched_outputs(cond_jaxpr, cc_dims + k_dims, size)[0]:
        k = [v if d is None and not b else broadcast_batch(v, size) if d is None
             else moveaxis(v, d, 0) for v, d, b in zip(k, k_d, k_b)]
        cond_b = batch_jaxpr(cond_jaxpr, cc_dims + k_dims, size, out_dims=[None])
        body_b = batch_jaxpr(body_jaxpr, bc_dims + k_dims, size, out_dims=k_dims)
        outs = while_p.bind(*cc, *bc, *k, cond_jaxpr=cond_b, body_jaxpr=body_b,
                            cond_nconsts=cond_nconsts, body_nconsts=body_nconsts)
        return outs, k_dims
    k = [broadcast_batch(v, size) if d is None else moveaxis(v, d, 0) for v, d in zip(k, k_d)]
    cond_b = batch_jaxpr(cond_jaxpr, cc_dims + [0] * len(k), size)
    body_b = batch_jaxpr(body_jaxpr, bc_dims + [0] * len(k), size)
    k_avals = [core.get_aval(v) for v in k]
    cc_avals = [core.get_aval(v) for v in cc]
    bc_avals = [core.get_aval(v) for v in bc]

    # Run while any lane's predicate holds; finished lanes keep their values.
    def any_lane(*args):
        (pred,) = eval_jaxpr(cond_b, cond_b.consts, *args)
        return [reduce_or_p.bind(pred, axes=(0,))]

    def masked_body(*args):
        ccs, bcs, carry = _split(args, len(cc), len(bc))
        (pred,) = eval_jaxpr(cond_b, cond_b.consts, *ccs, *carry)
        new = eval_jaxpr(body_b, body_b.consts, *bcs, *carry)
        out = []
        for old, upd in zip(carry, new):
            if upd is old:  # passed through: no select, so it stays visibly loop-invariant
                out.append(old)
                continue
            nd = len(core.get_aval(old).shape)
            which = reshape_p.bind(pred, new_sizes=(size,) + (1,) * (nd - 1))
            out.append(select_n_p.bind(which, old, upd))
        return out

    new_cond = trace_closed_jaxpr(any_lane, cc_avals + k_avals)
    new_body = trace_closed_jaxpr(masked_body, cc_avals + bc_avals + k_avals)
    outs = while_p.bind(*cc, *cc, *bc, *k, cond_jaxpr=new_cond, body_jaxpr=new_body,
                        cond_nconsts=len(cc), body_nconsts=len(cc) + len(bc))
    return outs, [0] * len(outs)


class ReverseModeWhileError(ValueError):
    pass


_REVERSE_WHILE_MESSAGE = (
    "Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with "
    "dynamic start/stop values (the number of iterations is unknown when tracing). Try "
    "using lax.scan, or lax.fori_loop with static (Python int) start and stop.")


def _restrict_inputs(jaxpr, keep):
    """The Jaxpr without the inputs not flagged in `keep` (which it must not use)."""
    invars = [v for v, k in zip(jaxpr.invars, keep) if k]
    return Jaxpr(jaxpr.constvars, jaxpr.consts, invars, jaxpr.eqns, jaxpr.outvars)


def _while_partial_eval(trace, args, params):
    # As in JAX: the known carries come from a loop over the known part of the body, run
    # now; the unknown ones from the whole loop, staged (it recomputes the known part).
    # linearize therefore works; transposing the staged loop raises JAX's error.
    cond_jaxpr, body_jaxpr = params["cond_jaxpr"], params["body_jaxpr"]
    n_cc, n_bc = params["cond_nconsts"], params["body_nconsts"]
    unknowns = [_unknown(trace, a) for a in args]
    cc_u, bc_u, k_u = _split(unknowns, n_cc, n_bc)
    while True:  # a carry is unknown if its initial value or its update is
        _, _, out_u, _ = partial_eval_jaxpr(body_jaxpr, bc_u + k_u)
        new_k_u = [a or b for a, b in zip(k_u, out_u)]
        if new_k_u == k_u:
            break
        k_u = new_k_u
    _, _, pred_u, _ = partial_eval_jaxpr(cond_jaxpr, cc_u + k_u)
    if pred_u[0]:
        # As JAX does: the whole loop is staged (transposing it raises JAX's error).
        return trace.stage(while_p, list(args), params)
    # As JAX forwards them: an unknown carry the body passes through unchanged (a parameter
    # carried along, or its tangent) leaves the loop as it entered, so when every unknown
    # carry is such, nothing is staged and the loop transposes (grad works).
    n_bc_invars = len(body_jaxpr.invars) - len(k_u)
    invariant = [out is body_jaxpr.invars[n_bc_invars + i]
                 for i, out in enumerate(body_jaxpr.outvars)]
    if all(inv for inv, u in zip(invariant, k_u) if u):
        staged = list(args[n_cc + n_bc:])
    else:
        staged = trace.stage(while_p, list(args), params)
    if all(k_u):
        return staged
    known_body, _, _, _ = partial_eval_jaxpr(body_jaxpr, bc_u + k_u, instantiate=k_u)
    n_known = k_u.count(False)
    known_body = dead_code_elimination(Jaxpr(
        known_body.constvars, known_body.consts, known_body.invars, known_body.eqns,
        known_body.outvars[:n_known]))
    known_cond = _restrict_inputs(cond_jaxpr, [not u for u in cc_u + k_u])
    cc, bc, k = _split(args, n_cc, n_bc)
    known_cc = [a for a, u in zip(cc, cc_u) if not u]
    known_bc = [a for a, u in zip(bc, bc_u) if not u]
    known_k = [a for a, u in zip(k, k_u) if not u]
    known_outs = iter(core.bind_under(trace.parent, while_p, known_cc + known_bc + known_k, dict(
        cond_jaxpr=known_cond, body_jaxpr=known_body, cond_nconsts=len(known_cc),
        body_nconsts=len(known_bc))))
    return [s if u else next(known_outs) for s, u in zip(staged, k_u)]


def _while_transpose(cts, *args, **params):
    raise ReverseModeWhileError(_REVERSE_WHILE_MESSAGE)


while_p.impl = _while_impl
while_p.numpy_impl = _while_values
while_p.abstract_eval = _while_abstract
while_p.jvp = _while_jvp
while_p.batch = _while_batch
while_p.partial_eval = _while_partial_eval
while_p.transpose = _while_transpose


# ==== the whole-program tier (compiler/program.py; prims/program_rules.py) =================

def _cond_program(ctx, eqn, ins, outs):
    branches = eqn.params["branches"]
    index = ctx.fresh("b")
    ctx.emit(f"{index} = min(max(np.int64({ins[0]}), 0), {len(branches) - 1})")
    avals = [v.aval for v in eqn.outputs]
    for b, branch in enumerate(branches):
        ctx.emit("else:" if b == len(branches) - 1 else f"{'if' if b == 0 else 'elif'} {index} == {b}:")
        with ctx.indent():
            assign(ctx, outs, ctx.jaxpr(branch, ins[1:]), avals)
    return True


def _scan_program(ctx, eqn, ins, outs):
    params = eqn.params
    jaxpr, length, n_c, n_k = params["jaxpr"], params["length"], params["num_consts"], params["num_carry"]
    consts, init, xs = _split(ins, n_c, n_k)
    avals = [v.aval for v in eqn.outputs]
    carry = new_carries(ctx, init, avals[:n_k])
    for y, aval in zip(outs[n_k:], avals[n_k:]):
        ctx.emit(f"{y} = np.empty({tuple(aval.shape)!r}, {dtype_code(aval.dtype)})")
        ctx.writable.add(y)
    step, i = ctx.fresh("step"), ctx.fresh("i")
    ctx.emit(f"for {step} in range({length}):")
    with ctx.indent():
        ctx.emit(f"{i} = {length - 1} - {step}" if params["reverse"] else f"{i} = {step}")
        slices = []
        for x in xs:
            slices.append(ctx.fresh("x"))
            ctx.emit(f"{slices[-1]} = {x}[{i}]")
            ctx.view_of(slices[-1], x)
        results = ctx.jaxpr(jaxpr, consts + carry + slices,
                            carries={n_c + j: j for j in range(n_k)})
        for y, r in zip(outs[n_k:], results[n_k:]):
            ctx.emit(f"{y}[{i}] = {r}")
        assign(ctx, carry, results[:n_k], avals[:n_k])
    for out, k in zip(outs[:n_k], carry):
        ctx.emit(f"{out} = {k}")
        ctx.view_of(out, k)
    return True


def _while_program(ctx, eqn, ins, outs):
    params = eqn.params
    cond_consts, body_consts, init = _split(ins, params["cond_nconsts"], params["body_nconsts"])
    avals = [v.aval for v in eqn.outputs]
    carry = new_carries(ctx, init, avals)
    ctx.emit("while True:")
    with ctx.indent():
        (predicate,) = ctx.jaxpr(params["cond_jaxpr"], cond_consts + carry)
        ctx.emit(f"if not {predicate}:")
        with ctx.indent():
            ctx.emit("break")
        carries = {len(body_consts) + j: j for j in range(len(carry))}
        assign(ctx, carry, ctx.jaxpr(params["body_jaxpr"], body_consts + carry, carries), avals)
    for out, k in zip(outs, carry):
        ctx.emit(f"{out} = {k}")
        ctx.view_of(out, k)
    return True


cond_p.numba_code = _cond_program
scan_p.numba_code = _scan_program
while_p.numba_code = _while_program
