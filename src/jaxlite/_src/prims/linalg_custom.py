"""det, slogdet and pinv: matrix functions that JAX differentiates with custom JVP
rules rather than through their implementation, here primitives with those rules.

- det: the JVP is trace(adj(A) dA), computed from an LU factorization so that it
  is right for singular matrices too (rank n-1: the adjugate; lower rank: 0).
- slogdet: d log|det A| = trace(A^-1 dA); the sign has a zero derivative.
- pinv: the Golub-Pereyra formula, which stays finite for rank-deficient inputs
  where differentiating through the SVD would not.
"""
import functools

import numpy as np

from .. import core
from ..core import ShapedArray
from ..ad import Zero
from .util import shape_of, const_like
from .linalg_solve import (mH, expand, diagonal, triangular_solve_p,
                           linear_solve_p, define_linalg, _check_matrix)
from .linalg_decomp import lu_p
from .linalg_solve import permute_rows
from .elementwise import sub_p, mul_p, div_p, select_n_p, ne_p, is_finite_p, not_p, convert_element_type_p
from .complex import real_p
from .transcendental import rem_p
from .reduce import reduce_sum_p, reduce_prod_p, reduce_or_p
from .shape import slice_p, concatenate_p, broadcast_in_dim_p


_define = functools.partial(define_linalg, multiple_results=False)  # det, pinv: one result


def _trace(x):
    return reduce_sum_p.bind(diagonal(x), axes=(len(shape_of(x)) - 2,))


def _last_axis_slice(x, start, stop, axis=-1):
    shape = shape_of(x)
    axis = axis % len(shape)
    starts = [0] * len(shape)
    limits = list(shape)
    starts[axis], limits[axis] = start, stop
    return slice_p.bind(x, start_indices=tuple(starts), limit_indices=tuple(limits), strides=None)


# ---- slogdet ---------------------------------------------------------------------------------------
def _slogdet_impl(a):
    a = np.asarray(a)
    n = a.shape[-1]
    with np.errstate(all="ignore"):
        if n in (1, 2):  # closed forms, as JAX (no factorization)
            det = a[..., 0, 0] if n == 1 else a[..., 0, 0] * a[..., 1, 1] - a[..., 0, 1] * a[..., 1, 0]
            # np.sign of a complex number is its phase, det / |det|, as jnp.sign.
            return [np.sign(det), np.log(np.abs(det))]
        sign, logdet = np.linalg.slogdet(a)
    return [sign.astype(a.dtype), logdet.astype(_real_dtype(a.dtype))]


def _real_dtype(dtype):
    return np.empty((), dtype).real.dtype


def _slogdet_abstract(a):
    _check_matrix("slogdet", a)
    return [ShapedArray(a.shape[:-2], a.dtype), ShapedArray(a.shape[:-2], _real_dtype(a.dtype))]


def _slogdet_jvp(primals, tangents):
    # d log det A = trace(A^-1 dA): its real part is d log|det A|, and for complex A its
    # imaginary part turns the phase, d sign = i Im(trace(A^-1 dA)) sign (as JAX).
    (x,), (g,) = primals, tangents
    sign, logdet = slogdet_p.bind(x)
    dlog = _trace(linear_solve_p.bind(x, g, transpose_a=False))
    if core.get_aval(x).dtype.kind != "c":
        return [sign, logdet], [Zero(sign), dlog]
    dlog_re = real_p.bind(dlog)
    dphase = sub_p.bind(dlog, convert_element_type_p.bind(dlog_re, new_dtype=core.get_aval(x).dtype,
                                                          weak_type=False))
    return [sign, logdet], [mul_p.bind(dphase, sign), dlog_re]


slogdet_p = _define("slogdet", _slogdet_impl, _slogdet_abstract, _slogdet_jvp,
                    multiple_results=True)


# ---- det -------------------------------------------------------------------------------------------
def _det_impl(a):
    sign, logdet = _slogdet_impl(a)
    with np.errstate(all="ignore"):
        return (sign * np.exp(logdet).astype(sign.dtype)).astype(np.asarray(a).dtype)


def _det_abstract(a):
    _check_matrix("det", a)
    return ShapedArray(a.shape[:-2], a.dtype)


def cofactor_solve(a, b):
    """(det(a), adj(a) @ b) for (..., n, n) a and b, well defined for singular `a`
    (JAX's `_cofactor_solve`): with P A = L U, the last pivot u_nn is replaced by
    1 / prod(u_11..u_{n-1,n-1}), so a rank n-1 matrix still gives its adjugate;
    lower ranks give 0."""
    n = shape_of(a)[-1]
    nb = len(shape_of(a)) - 2
    if n == 1:
        return reduce_sum_p.bind(a, axes=(nb, nb + 1)), b
    lu, pivots, permutation = lu_p.bind(a)
    dtype = core.get_aval(a).dtype
    diag = diagonal(lu)
    # Sign of the permutation from the number of actual row swaps.
    swaps = ne_p.bind(pivots, core.Array(np.arange(n, dtype=np.int32), False))
    parity = reduce_sum_p.bind(convert_element_type_p.bind(swaps, new_dtype=np.int32,
                                                           weak_type=False), axes=(nb,))
    odd = convert_element_type_p.bind(rem_p.bind(parity, core.Array(np.int32(2), False)),
                                      new_dtype=dtype, weak_type=False)
    sign = sub_p.bind(const_like(odd, 1), mul_p.bind(const_like(odd, 2), odd))
    det_all = mul_p.bind(reduce_prod_p.bind(diag, axes=(nb,)), sign)
    det_but_last = mul_p.bind(reduce_prod_p.bind(_last_axis_slice(diag, 0, n - 1), axes=(nb,)),
                              sign)
    corner = np.zeros((n, n), bool)
    corner[-1, -1] = True
    lu = select_n_p.bind(corner, lu, expand(expand(div_p.bind(const_like(det_but_last, 1),
                                                              det_but_last), -1), -1))
    # Matrices of rank < n-1 still give inf/NaN here: their adjugate is 0.
    ones = broadcast_in_dim_p.bind(core.Array(np.ones((), dtype), False),
                                   shape=tuple(shape_of(a)[:-1]) + (1,), broadcast_dimensions=())
    probe = triangular_solve_p.bind(lu, ones, left_side=True, lower=False,
                                    transpose_a=False, conjugate_a=False, unit_diagonal=False)
    bad = reduce_or_p.bind(not_p.bind(is_finite_p.bind(probe)), axes=(nb, nb + 1))
    bad = expand(expand(bad, -1), -1)
    zero = const_like(b, 0)
    x = select_n_p.bind(bad, b, zero)
    x = permute_rows(x, permutation)
    x = triangular_solve_p.bind(lu, x, left_side=True, lower=True, transpose_a=False,
                                conjugate_a=False, unit_diagonal=True)
    x = concatenate_p.bind(
        mul_p.bind(_last_axis_slice(x, 0, n - 1, axis=-2), expand(expand(det_all, -1), -1)),
        _last_axis_slice(x, n - 1, n, axis=-2), dimension=nb)
    x = triangular_solve_p.bind(lu, x, left_side=True, lower=False, transpose_a=False,
                                conjugate_a=False, unit_diagonal=False)
    x = select_n_p.bind(bad, x, zero)
    return det_all, x


def _det_jvp(primals, tangents):
    (x,), (g,) = primals, tangents
    y = det_p.bind(x)
    _, z = cofactor_solve(x, g)
    return y, _trace(z)


det_p = _define("det", _det_impl, _det_abstract, _det_jvp)


# ---- pinv ------------------------------------------------------------------------------------------
def _pinv_impl(a, rtol, *, hermitian=False):
    a = np.conj(np.asarray(a))
    m, n = a.shape[-2:]
    if m == 0 or n == 0:
        return np.empty(a.shape[:-2] + (n, m), a.dtype)
    if hermitian:  # JAX's hermitian SVD symmetrizes its input (NumPy's reads one triangle)
        a = (a + np.conj(np.swapaxes(a, -1, -2))) / 2
    u, s, vh = np.linalg.svd(a, full_matrices=False, hermitian=hermitian)
    rtol = np.asarray(rtol)
    rtol = rtol.reshape(rtol.shape + (1,) * (s.ndim - rtol.ndim))
    cutoff = rtol * s[..., 0:1]
    with np.errstate(all="ignore"):
        s = np.where(s > cutoff, s, np.inf).astype(u.dtype)
        res = np.matmul(np.swapaxes(vh, -1, -2), np.swapaxes(u, -1, -2) / s[..., None])
    return res.astype(a.dtype)


def _pinv_abstract(a, rtol, *, hermitian=False):
    _check_matrix("pinv", a, square=False)
    return ShapedArray(a.shape[:-2] + (a.shape[-1], a.shape[-2]), a.dtype)


def _pinv_jvp(primals, tangents, *, hermitian=False):
    # Golub & Pereyra (1973), via JAX's _pinv_jvp.
    a, rtol = primals
    a_dot = tangents[0]
    p = pinv_p.bind(a, rtol, hermitian=hermitian)
    if type(a_dot) is Zero:
        return p, Zero(p)
    if hermitian:  # svd(hermitian=True) symmetrizes its input; the JVP must match
        a = (a + mH(a)) * 0.5
        a_dot = (a_dot + mH(a_dot)) * 0.5
    # Array operators (jax.numpy semantics) keep the formulas readable.
    m, n = shape_of(a)[-2:]
    if m >= n:
        s = (p @ mH(p)) @ mH(a_dot)
        t = (mH(a_dot) @ mH(p)) @ p
        p_dot = -(p @ a_dot) @ p + s - (s @ a) @ p + t - (p @ a) @ t
    else:
        s = p @ (mH(p) @ mH(a_dot))
        t = mH(a_dot) @ (mH(p) @ p)
        p_dot = -p @ (a_dot @ p) + s - s @ (a @ p) + t - p @ (a @ t)
    return p, p_dot


pinv_p = _define("pinv", _pinv_impl, _pinv_abstract, _pinv_jvp)
