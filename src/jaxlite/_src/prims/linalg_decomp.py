"""Matrix decompositions: cholesky, eigh, svd, qr, lu, eig — JAX's primitives with
JAX's derivative rules, on NumPy's LAPACK (same routines as XLA's CPU backend,
so eigenvector signs and QR/SVD conventions agree with JAX's).

Every primitive takes (..., m, n) matrices; leading dimensions are batch
dimensions, so the batching rule only moves the vmapped axis to the front.
The JVP rules are written with primitives (triangular_solve, dot_general,
select...), so they are themselves differentiable, batchable and jittable.
"""
import functools

import numpy as np

from .. import core
from ..core import ShapedArray
from ..ad import Zero
from . import linalg_kernels as kernels
from .util import shape_of, const_like
from .linalg_solve import (mT, mH, conj, real_part, matmul, tril, triu, eye_like, expand,
                           diagonal, diag_embed, triangular_solve_p, linear_solve_p,
                           define_linalg, _check_matrix, permute_rows)
from .elementwise import (add_p, sub_p, mul_p, div_p, eq_p, neg_p,
                          convert_element_type_p)
from .complex import real_p, imag_p, complex_p
from .transcendental import abs_p
from .reduce import reduce_sum_p, argmax_p
from .shape import slice_p, concatenate_p, pad_p
from .elementwise import integer_pow_p


_define = functools.partial(define_linalg, multiple_results=True)  # factorizations: several


def _real_dtype(dtype):
    return np.empty((), dtype).real.dtype


def _cast(x, dtype):
    """x converted to `dtype` (real eigen/singular values to the matrix's complex dtype)."""
    if core.get_aval(x).dtype == dtype:
        return x
    return convert_element_type_p.bind(x, new_dtype=dtype, weak_type=False)


def _slice_last2(x, rows=None, cols=None):
    """x[..., r0:r1, c0:c1] with (start, stop) pairs (None keeps the axis)."""
    shape = shape_of(x)
    starts = [0] * len(shape)
    limits = list(shape)
    if rows is not None:
        starts[-2], limits[-2] = rows
    if cols is not None:
        starts[-1], limits[-1] = cols
    if starts == [0] * len(shape) and limits == list(shape):
        return x
    return slice_p.bind(x, start_indices=tuple(starts), limit_indices=tuple(limits), strides=None)


# ---- cholesky -----------------------------------------------------------------------------------
def _cholesky_impl(x):
    x = np.asarray(x)
    try:
        out = np.linalg.cholesky(x)
    except np.linalg.LinAlgError:
        out = _cholesky_each(x)
    # A matrix that is not positive definite gives NaN in the lower triangle and zeros above,
    # as in JAX. NumPy raises for it where the FPU flags "invalid", but returns all NaNs,
    # without raising, where there are no floating-point flags (wasm32: Pyodide); a true
    # factor has exact zeros above the diagonal, so NaN there marks such a failure.
    failed = np.isnan(np.triu(out, 1)).any(axis=(-2, -1))
    if failed.any():
        nan_lower = np.tril(np.full(x.shape[-2:], np.nan, out.dtype))
        out = np.where(failed[..., None, None], nan_lower, out)
    return out


def _cholesky_each(x):
    flat = x.reshape((-1,) + x.shape[-2:])
    out = np.empty_like(flat)
    for i, m in enumerate(flat):
        try:
            out[i] = np.linalg.cholesky(m)
        except np.linalg.LinAlgError:
            out[i] = np.nan
    return out.reshape(x.shape)


def _cholesky_abstract(x):
    _check_matrix("cholesky", x)
    return x.strip_weak_type()


def _cholesky_jvp(primals, tangents):
    # Forward-mode rule from https://arxiv.org/pdf/1602.07527.pdf, as JAX.
    (x,), (sigma_dot,) = primals, tangents
    L = cholesky_p.bind(x)
    tmp = triangular_solve_p.bind(L, sigma_dot, left_side=False, lower=True, transpose_a=True,
                                  conjugate_a=True, unit_diagonal=False)
    inner = triangular_solve_p.bind(L, tmp, left_side=True, lower=True, transpose_a=False,
                                    conjugate_a=False, unit_diagonal=False)
    phi = div_p.bind(tril(inner), add_p.bind(const_like(inner, 1), eye_like(inner)))
    return L, matmul(L, phi)


cholesky_p = _define("cholesky", _cholesky_impl, _cholesky_abstract, _cholesky_jvp,
                     multiple_results=False)


# ---- eigh -----------------------------------------------------------------------------------------
def _subset(subset_by_index, n):
    return (0, n) if subset_by_index is None else tuple(subset_by_index)


def _eigh_impl(x, *, lower=True, sort_eigenvalues=True, subset_by_index=None):
    x = np.asarray(x)
    w, v = np.linalg.eigh(x, UPLO="L" if lower else "U")  # ascending, as LAPACK syevd
    lo, hi = _subset(subset_by_index, x.shape[-1])
    return [v[..., :, lo:hi], w[..., lo:hi].astype(_real_dtype(x.dtype))]


def _eigh_abstract(x, *, lower=True, sort_eigenvalues=True, subset_by_index=None):
    _check_matrix("eigh", x)
    lo, hi = _subset(subset_by_index, x.shape[-1])
    batch = x.shape[:-2]
    return [ShapedArray(batch + (x.shape[-2], hi - lo), x.dtype),
            ShapedArray(batch + (hi - lo,), _real_dtype(x.dtype))]


def _eigh_jvp(primals, tangents, *, lower=True, sort_eigenvalues=True, subset_by_index=None):
    (a,), (a_dot,) = primals, tangents
    n = shape_of(a)[-1]
    if _subset(subset_by_index, n) != (0, n):
        raise NotImplementedError("Derivatives not defined for partial eigen decomposition.")
    # Non-degenerate perturbation theory, as JAX (see Giles, "An extended collection of
    # matrix derivative results", 2008). Complex Hermitian matrices: the conjugate
    # transposes below, real eigenvalue tangents (the diagonal of the Hermitian V^H dA V,
    # for Hermitian dA, is real; JAX takes its real part for any dA).
    sym = div_p.bind(add_p.bind(a, mH(a)), const_like(a, 2))
    v, w = eigh_p.bind(sym, lower=lower, sort_eigenvalues=sort_eigenvalues,
                       subset_by_index=subset_by_index)
    eye = eye_like(a)
    w_full = _cast(w, core.get_aval(a).dtype)
    # F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it.
    diffs = sub_p.bind(expand(w_full, -2), expand(w_full, -1))
    fmat = sub_p.bind(integer_pow_p.bind(add_p.bind(eye, diffs), y=-1), eye)
    vh_adot_v = matmul(matmul(mH(v), a_dot), v)
    dv = matmul(v, mul_p.bind(fmat, vh_adot_v))
    dw = real_part(diagonal(vh_adot_v))
    return [v, w], [dv, dw]


eigh_p = _define("eigh", _eigh_impl, _eigh_abstract, _eigh_jvp)


# ---- svd ------------------------------------------------------------------------------------------
def _svd_impl(x, *, full_matrices=True, compute_uv=True, subset_by_index=None):
    x = np.asarray(x)
    m, n = x.shape[-2:]
    lo, hi = _subset(subset_by_index, min(m, n))
    if not compute_uv:
        s = np.linalg.svd(x, compute_uv=False) if x.size else np.zeros(x.shape[:-2] + (0,))
        return [s[..., lo:hi].astype(_real_dtype(x.dtype))]
    u, s, vt = np.linalg.svd(x, full_matrices=full_matrices)
    if (lo, hi) != (0, min(m, n)):
        u, s, vt = u[..., :, lo:hi], s[..., lo:hi], vt[..., lo:hi, :]
    return [s.astype(_real_dtype(x.dtype)), u, vt]


def _svd_abstract(x, *, full_matrices=True, compute_uv=True, subset_by_index=None):
    _check_matrix("svd", x, square=False)
    *batch, m, n = x.shape
    batch = tuple(batch)
    lo, hi = _subset(subset_by_index, min(m, n))
    rank = hi - lo
    s = ShapedArray(batch + (rank,), _real_dtype(x.dtype))
    if not compute_uv:
        return [s]
    if full_matrices and subset_by_index is None:
        return [s, ShapedArray(batch + (m, m), x.dtype), ShapedArray(batch + (n, n), x.dtype)]
    return [s, ShapedArray(batch + (m, rank), x.dtype), ShapedArray(batch + (rank, n), x.dtype)]


def _svd_jvp(primals, tangents, *, full_matrices=True, compute_uv=True, subset_by_index=None):
    (A,), (dA,) = primals, tangents
    m, n = shape_of(A)[-2:]
    s, U, Vt = svd_p.bind(A, full_matrices=False, compute_uv=True,
                          subset_by_index=subset_by_index)
    if compute_uv and full_matrices and m != n:
        raise NotImplementedError(
            "Singular value decomposition JVP not implemented for full matrices")
    # As JAX: conjugate transposes, so that complex matrices work too.
    dtype = core.get_aval(A).dtype
    Ut, V = mH(U), mH(Vt)
    s_row = expand(s, -2)  # s[..., None, :]
    dS = matmul(matmul(Ut, dA), V)
    ds = real_part(diagonal(dS))
    if not compute_uv:
        return [s], [ds]
    s_col = mT(s_row)
    eye = eye_like(s_row, shape_of(s)[-1])
    s_diffs = mul_p.bind(add_p.bind(s_row, s_col), sub_p.bind(s_row, s_col))
    F = _cast(sub_p.bind(div_p.bind(const_like(s, 1), add_p.bind(s_diffs, eye)), eye), dtype)
    s_row_c = _cast(s_row, dtype)
    dSS = mul_p.bind(s_row_c, dS)   # dS @ diag(s)
    SdS = mul_p.bind(mT(s_row_c), dS)   # diag(s) @ dS
    s_zero = convert_element_type_p.bind(eq_p.bind(s, const_like(s, 0)), new_dtype=s.dtype,
                                         weak_type=False)
    s_inv = sub_p.bind(div_p.bind(const_like(s, 1), add_p.bind(s, s_zero)), s_zero)
    dUdV_diag = mul_p.bind(mul_p.bind(const_like(dS, 0.5), sub_p.bind(dS, mH(dS))),
                           _cast(diag_embed(s_inv), dtype))
    dU = matmul(U, add_p.bind(mul_p.bind(F, add_p.bind(dSS, mH(dSS))), dUdV_diag))
    dV = matmul(V, mul_p.bind(F, add_p.bind(SdS, mH(SdS))))
    if m > n:
        dAV = matmul(dA, V)
        dU = add_p.bind(dU, div_p.bind(sub_p.bind(dAV, matmul(U, matmul(Ut, dAV))), s_row_c))
    if n > m:
        dAHU = matmul(mH(dA), U)
        dV = add_p.bind(dV, div_p.bind(sub_p.bind(dAHU, matmul(V, matmul(Vt, dAHU))),
                                       s_row_c))
    return [s, U, Vt], [ds, dU, mH(dV)]


svd_p = _define("svd", _svd_impl, _svd_abstract, _svd_jvp)


# ---- qr -------------------------------------------------------------------------------------------
def _qr_impl(x, *, full_matrices=True):
    q, r = np.linalg.qr(np.asarray(x), mode="complete" if full_matrices else "reduced")
    return [q, r]


def _qr_abstract(x, *, full_matrices=True):
    _check_matrix("qr", x, square=False)
    *batch, m, n = x.shape
    k = m if full_matrices else min(m, n)
    return [ShapedArray(tuple(batch) + (m, k), x.dtype), ShapedArray(tuple(batch) + (k, n), x.dtype)]


def _thin_qr_jvp(q, r, dx):
    """JVP of the QR decomposition of (..., m, n) matrices with m >= n (as JAX; see
    j-towns.github.io/papers/qr-derivative.pdf)."""
    dx_rinv = triangular_solve_p.bind(r, dx, left_side=False, lower=False, transpose_a=False,
                                      conjugate_a=False, unit_diagonal=False)
    qt_dx_rinv = matmul(mH(q), dx_rinv)
    lower = tril(qt_dx_rinv, -1)
    do = sub_p.bind(lower, mH(lower))  # skew-Hermitian
    if core.get_aval(q).dtype.kind == "c":
        # Complex inputs: the imaginary part of the diagonal too (R's diagonal stays real).
        imag_diag = sub_p.bind(qt_dx_rinv, _cast(real_part(qt_dx_rinv), core.get_aval(q).dtype))
        do = add_p.bind(do, mul_p.bind(eye_like(do), imag_diag))
    dq = add_p.bind(matmul(q, sub_p.bind(do, qt_dx_rinv)), dx_rinv)
    dr = matmul(sub_p.bind(qt_dx_rinv, do), r)
    return dq, dr


def _qr_jvp(primals, tangents, *, full_matrices=True):
    (x,), (dx,) = primals, tangents
    q, r = qr_p.bind(x, full_matrices=full_matrices)
    m, n = shape_of(x)[-2:]
    if m < n:  # wide: X = [X1 X2], X1 = Q R1 is square, R2 = Q^T X2
        x2 = _slice_last2(x, cols=(m, n))
        dx1, dx2 = _slice_last2(dx, cols=(0, m)), _slice_last2(dx, cols=(m, n))
        dq, dr1 = _thin_qr_jvp(q, _slice_last2(r, cols=(0, m)), dx1)
        dr2 = add_p.bind(matmul(mH(dq), x2), matmul(mH(q), dx2))
        return [q, r], [dq, concatenate_p.bind(dr1, dr2, dimension=len(shape_of(dr1)) - 1)]
    q_mn = _slice_last2(q, cols=(0, n)) if full_matrices else q
    r_nn = _slice_last2(r, rows=(0, n)) if full_matrices else r
    dq_mn, dr_nn = _thin_qr_jvp(q_mn, r_nn, dx)
    if not full_matrices or m == n:
        return [q, r], [dq_mn, dr_nn]
    # Tall with full matrices: https://arxiv.org/pdf/2409.13374 (eqs. 32-33), as JAX.
    q_nn, q_pn = _slice_last2(q_mn, rows=(0, n)), _slice_last2(q_mn, rows=(n, m))
    q_mp = _slice_last2(q, cols=(n, m))
    dq_nn, dq_pn = _slice_last2(dq_mn, rows=(0, n)), _slice_last2(dq_mn, rows=(n, m))
    # Z_pn^H = (Q_nn - I)^-H Q_pn^H: a transposed solve with the conjugated matrix.
    z_pn_h = linear_solve_p.bind(conj(sub_p.bind(q_nn, eye_like(q_nn))), mH(q_pn),
                                 transpose_a=True)
    z_pn = mH(z_pn_h)
    dq_mp = sub_p.bind(matmul(dq_mn, z_pn_h),
                       matmul(add_p.bind(q_mn, matmul(q_mp, z_pn)),
                              mH(sub_p.bind(dq_pn, matmul(z_pn, dq_nn)))))
    last = len(shape_of(dq_mn)) - 1
    dq = concatenate_p.bind(dq_mn, dq_mp, dimension=last)
    dr = pad_p.bind(dr_nn, const_like(dr_nn, 0),
                    padding_config=((0, 0, 0),) * (last - 1) + ((0, m - n, 0), (0, 0, 0)))
    return [q, r], [dq, dr]


qr_p = _define("qr", _qr_impl, _qr_abstract, _qr_jvp)


# ---- lu -------------------------------------------------------------------------------------------
def _lu_impl(x):
    return list(kernels.lu_factor(x))


def _lu_abstract(x):
    _check_matrix("lu", x, square=False)
    *batch, m, n = x.shape
    batch = tuple(batch)
    return [x.strip_weak_type(), ShapedArray(batch + (min(m, n),), np.int32),
            ShapedArray(batch + (m,), np.int32)]


def _lu_jvp(primals, tangents):
    # De Hoog, Anderssen & Lukas, "Differentiation of matrix functionals using
    # triangular factorization", as JAX:  L' = L tril(L^-1 P A' U^-1, -1),
    # U' = triu(L^-1 P A' U^-1) U.
    (a,), (a_dot,) = primals, tangents
    lu, pivots, permutation = lu_p.bind(a)
    m, n = shape_of(a)[-2:]
    k = min(m, n)
    nb = len(shape_of(a)) - 2
    zero = const_like(lu, 0)
    l = tril(_slice_last2(lu, cols=(0, k)), -1)
    if m > k:
        l = pad_p.bind(l, zero, padding_config=((0, 0, 0),) * (nb + 1) + ((0, m - k, 0),))
    l = add_p.bind(l, eye_like(lu, m))
    u = triu(_slice_last2(lu, rows=(0, k)))
    if n > k:
        u = pad_p.bind(u, zero, padding_config=((0, 0, 0),) * nb + ((0, n - k, 0), (0, 0, 0)))
        u_eye = np.zeros((n, n), core.get_aval(lu).dtype)
        u_eye[k:, k:] = np.eye(n - k)
        u = add_p.bind(u, core.Array(u_eye, False))
    x = permute_rows(a_dot, permutation)
    la = triangular_solve_p.bind(l, x, left_side=True, lower=True, transpose_a=False,
                                 conjugate_a=False, unit_diagonal=True)
    lau = triangular_solve_p.bind(u, la, left_side=False, lower=False, transpose_a=False,
                                  conjugate_a=False, unit_diagonal=False)
    l_dot = matmul(l, tril(lau, -1))
    u_dot = matmul(triu(lau), u)
    return [lu, pivots, permutation], [add_p.bind(l_dot, u_dot), Zero(pivots), Zero(permutation)]


lu_p = _define("lu", _lu_impl, _lu_abstract, _lu_jvp)


def lu_pivots_to_permutation(pivots, permutation_size):
    """The permutation (int32, (..., permutation_size)) that applying the row swaps
    `pivots` to the identity gives, as jax.lax.linalg.lu_pivots_to_permutation."""
    return lu_pivots_to_permutation_p.bind(pivots, permutation_size=permutation_size)


def _pivots_to_permutation_impl(pivots, *, permutation_size):
    pivots = np.asarray(pivots)
    batch = pivots.shape[:-1]
    flat = pivots.reshape((-1, pivots.shape[-1]))
    perm = np.tile(np.arange(permutation_size, dtype=np.int32), (flat.shape[0], 1))
    rows = np.arange(flat.shape[0])
    for i in range(flat.shape[1]):
        j = flat[:, i]
        a, b = perm[rows, i].copy(), perm[rows, j].copy()
        perm[rows, i], perm[rows, j] = b, a
    return perm.reshape(batch + (permutation_size,))


def _pivots_to_permutation_abstract(pivots, *, permutation_size):
    if pivots.shape[-1] > permutation_size:
        raise ValueError(f"Output permutation size {permutation_size} has to exceed the "
                         f"trailing dimension of the pivots. Got pivots size {pivots.shape[-1]}")
    return ShapedArray(pivots.shape[:-1] + (permutation_size,), np.int32)


lu_pivots_to_permutation_p = _define(
    "lu_pivots_to_permutation", _pivots_to_permutation_impl, _pivots_to_permutation_abstract,
    None, multiple_results=False)


# ---- eig -----------------------------------------------------------------------------------------
def _complex_dtype(dtype):
    return np.result_type(dtype, np.complex64)


def _eig_impl(x, *, compute_left_eigenvectors=False, compute_right_eigenvectors=True,
              enable_eigvec_derivs=False):
    x = np.asarray(x)
    dtype = _complex_dtype(x.dtype)
    w, vr = np.linalg.eig(x)
    out = [w.astype(dtype)]
    if compute_left_eigenvectors:
        # Left eigenvectors: eigenvectors of A^H, matched to w's order by conj(w).
        wl, vl = np.linalg.eig(np.conj(np.swapaxes(x, -1, -2)))
        order = np.argmin(np.abs(np.conj(wl)[..., None, :] - w[..., :, None]), axis=-1)
        out.append(np.take_along_axis(vl, order[..., None, :], axis=-1).astype(dtype))
    if compute_right_eigenvectors:
        out.append(vr.astype(dtype))
    return out


def _eig_abstract(x, *, compute_left_eigenvectors=False, compute_right_eigenvectors=True,
                  enable_eigvec_derivs=False):
    _check_matrix("eig", x)
    dtype = _complex_dtype(x.dtype)
    w = ShapedArray(x.shape[:-1], dtype)
    v = ShapedArray(x.shape, dtype)
    return [w] + [v] * compute_left_eigenvectors + [v] * compute_right_eigenvectors


def _eig_vec_jvp(w, v, da):
    """(dw, dv) by nondegenerate perturbation theory, as JAX: LAPACK's geev normalizes
    each eigenvector to unit norm with its largest-magnitude entry real, and the free
    multiple c_j of v_j in dv_j = u_j + c_j v_j is fixed by those two real constraints."""
    n = shape_of(w)[-1]
    eye = eye_like(v)
    rank = len(shape_of(v))
    # F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it.
    fmat = sub_p.bind(integer_pow_p.bind(add_p.bind(eye, sub_p.bind(expand(w, -2), expand(w, -1))),
                                         y=-1), eye)
    p = matmul(linear_solve_p.bind(v, da, transpose_a=False), v)
    dw = diagonal(p)
    u = matmul(v, mul_p.bind(fmat, p))
    k = argmax_p.bind(abs_p.bind(v), axis=rank - 2, index_dtype=np.dtype(np.int32))
    rows = core.Array(np.arange(n, dtype=np.int32).reshape(n, 1), False)
    mask = _cast(eq_p.bind(rows, expand(k, -2)), core.get_aval(v).dtype)
    axis = (rank - 2,)
    re = neg_p.bind(real_p.bind(reduce_sum_p.bind(mul_p.bind(conj(v), u), axes=axis)))
    im = neg_p.bind(div_p.bind(imag_p.bind(reduce_sum_p.bind(mul_p.bind(mask, u), axes=axis)),
                               real_p.bind(reduce_sum_p.bind(mul_p.bind(mask, v), axes=axis))))
    c = complex_p.bind(re, im)
    return dw, add_p.bind(u, mul_p.bind(v, expand(c, -2)))


def _eig_jvp(primals, tangents, *, compute_left_eigenvectors=False,
             compute_right_eigenvectors=True, enable_eigvec_derivs=False):
    (a,), (da,) = primals, tangents
    if (compute_left_eigenvectors or compute_right_eigenvectors) and not enable_eigvec_derivs:
        raise NotImplementedError(
            "Derivatives of non-symmetric eigenvectors are only valid under assumptions on "
            "the input that JAX cannot check (see the enable_eigvec_derivs argument to "
            "jax.lax.linalg.eig). Pass enable_eigvec_derivs=True to jax.lax.linalg.eig to "
            "opt in. See https://github.com/jax-ml/jax/issues/2748 for discussion.")
    outs = eig_p.bind(a, compute_left_eigenvectors=compute_left_eigenvectors,
                      compute_right_eigenvectors=True,
                      enable_eigvec_derivs=enable_eigvec_derivs)
    w, vr = outs[0], outs[-1]
    da = _cast(da, core.get_aval(vr).dtype)
    if not (compute_left_eigenvectors or compute_right_eigenvectors):
        # dw_i = (V^-1 dA V)_ii
        dw = reduce_sum_p.bind(mul_p.bind(linear_solve_p.bind(vr, da, transpose_a=False),
                                          mT(vr)), axes=(len(shape_of(vr)) - 1,))
        return [w], [dw]
    dw, dvr = _eig_vec_jvp(w, vr, da)
    primal_out, tangent_out = [w], [dw]
    if compute_left_eigenvectors:
        _, dvl = _eig_vec_jvp(conj(w), outs[1], mH(da))
        primal_out.append(outs[1])
        tangent_out.append(dvl)
    if compute_right_eigenvectors:
        primal_out.append(vr)
        tangent_out.append(dvr)
    return primal_out, tangent_out


eig_p = _define("eig", _eig_impl, _eig_abstract, _eig_jvp)


# ---- geqrf (forward only): Householder reflectors and scales, as LAPACK ----------------------------
def _geqrf_impl(x):
    h, taus = np.linalg.qr(np.asarray(x), mode="raw")  # NumPy returns the reflectors transposed
    return [np.swapaxes(h, -1, -2).astype(x.dtype), taus.astype(x.dtype)]


def _geqrf_abstract(x):
    _check_matrix("geqrf", x, square=False)
    *batch, m, n = x.shape
    return [x.strip_weak_type(), ShapedArray(tuple(batch) + (min(m, n),), x.dtype)]


geqrf_p = _define("geqrf", _geqrf_impl, _geqrf_abstract, None)


# ---- hessenberg (forward only, as in JAX): packed Householder reduction, as LAPACK gehrd -------
def _hessenberg_impl(x):
    return list(kernels.hessenberg(x))


def _hessenberg_abstract(x):
    _check_matrix("hessenberg", x)
    n = x.shape[-1]
    return [x.strip_weak_type(), ShapedArray(x.shape[:-2] + (max(n - 1, 0),), x.dtype)]


hessenberg_p = _define("hessenberg", _hessenberg_impl, _hessenberg_abstract, None)
