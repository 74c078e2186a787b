"""linear_solve: the primitive behind lax.custom_linear_solve.

It holds four Jaxprs (matvec, vecmat, solve, transpose_solve; the last two may be absent)
whose closed-over tracers come first among the inputs (`const_lengths` of them each),
followed by the right-hand side b. Evaluating it runs `solve`. Its rules are those of
a linear map of b that depends on matvec's constants, as in JAX:

  jvp        x = solve(b);  dx = solve(db - dA x)  (dA x: matvec's JVP in its constants)
  transpose  ct_b = transpose_solve(ct_x), with matvec and vecmat swapped
  batch      every Jaxpr batched, all inputs carrying the batch axis first
"""
import numpy as np

from .. import core
from ..core import Primitive
from ..ad import Zero, instantiate, is_linear, jvp_flat
from ..batching import batch_jaxpr
from ..compiler import compile_jaxpr
from ..jaxpr import eval_jaxpr
from ..prims.shape import moveaxis, broadcast_batch
from ..prims.elementwise import sub_p

linear_solve_p = Primitive("linear_solve", multiple_results=True)

MATVEC, VECMAT, SOLVE, TRANSPOSE_SOLVE = range(4)


def _split(args, const_lengths):
    out, start = [], 0
    for n in const_lengths:
        out.append(list(args[start:start + n]))
        start += n
    return out, list(args[start:])


def _impl(*args, const_lengths, jaxprs):
    consts, b = _split(args, const_lengths)
    solve = jaxprs[SOLVE]
    outs = compile_jaxpr(solve)(*consts[SOLVE], *b)
    return [core.Array(np.asarray(o, a.dtype), a.weak_type)
            for o, a in zip(outs, solve.out_avals)]


def _abstract(*avals, const_lengths, jaxprs):
    return jaxprs[SOLVE].out_avals


def _jvp(primals, tangents, const_lengths, jaxprs):
    params = dict(const_lengths=const_lengths, jaxprs=jaxprs)
    x = linear_solve_p.bind(*primals, **params)
    consts, b = _split(primals, const_lengths)
    const_tangents, b_dot = _split(tangents, const_lengths)
    n = len(b)
    x_leaves = x[:n]
    rhs = [instantiate(t) for t in b_dot]
    if any(type(t) is not Zero for t in const_tangents[MATVEC]):
        matvec = jaxprs[MATVEC]
        zeros = [Zero(v) for v in x_leaves]
        _, dA_x = jvp_flat(lambda *a: eval_jaxpr(matvec, matvec.consts, *a),
                           list(consts[MATVEC]) + list(x_leaves),
                           list(const_tangents[MATVEC]) + zeros)
        rhs = [r if type(t) is Zero else sub_p.bind(r, instantiate(t))
               for r, t in zip(rhs, dA_x)]
    flat_consts = [c for group in consts for c in group]
    x_dot = linear_solve_p.bind(*flat_consts, *rhs, **params)
    return x, list(x_dot[:n]) + [Zero(a) for a in x[n:]]


def _transpose(cts, *args, const_lengths, jaxprs):
    consts, b = _split(args, const_lengths)
    if jaxprs[TRANSPOSE_SOLVE] is None:
        raise TypeError("transpose_solve required for backwards mode automatic "
                        "differentiation of custom_linear_solve")
    if any(is_linear(c) for group in consts for c in group):
        raise NotImplementedError("custom_linear_solve: transposing with respect to the "
                                  "linear map's constants")
    n = len(b)
    ct_x = [np.zeros(v.aval.shape, v.aval.dtype) if c is None or type(c) is Zero else c
            for c, v in zip(cts[:n], b)]
    swapped = (jaxprs[VECMAT], jaxprs[MATVEC], jaxprs[TRANSPOSE_SOLVE], jaxprs[SOLVE])
    lengths = (const_lengths[VECMAT], const_lengths[MATVEC], const_lengths[TRANSPOSE_SOLVE],
               const_lengths[SOLVE])
    flat = consts[VECMAT] + consts[MATVEC] + consts[TRANSPOSE_SOLVE] + consts[SOLVE]
    ct_b = linear_solve_p.bind(*flat, *ct_x, const_lengths=lengths, jaxprs=swapped)
    return [None] * sum(const_lengths) + list(ct_b[:n])


def _batch(values, dims, const_lengths, jaxprs):
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    values = [broadcast_batch(v, size) if d is None else moveaxis(v, d, 0)
              for v, d in zip(values, dims)]
    consts, b = _split(values, const_lengths)
    batched = tuple(None if j is None else batch_jaxpr(j, [0] * len(j.invars), size)
                    for j in jaxprs)
    outs = linear_solve_p.bind(*values, const_lengths=const_lengths, jaxprs=batched)
    return outs, [0] * len(outs)


linear_solve_p.impl = _impl
linear_solve_p.abstract_eval = _abstract
linear_solve_p.jvp = _jvp
linear_solve_p.transpose = _transpose
linear_solve_p.batch = _batch
