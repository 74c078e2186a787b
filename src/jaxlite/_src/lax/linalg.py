"""jax.lax.linalg functions: thin wrappers binding the linear-algebra primitives with
JAX's argument conventions (symmetrize_input, vector right-hand sides, ...)."""
import numpy as np

from ..conversion import asarray
from ..prims import linalg_solve as ls
from ..prims import linalg_decomp as ld


def permutation_matrix(permutation, dtype):
    """P with (P @ x)[i] = x[permutation[i]] (one-hot rows; differentiable in x)."""
    n = permutation.shape[-1]
    # Equal ranks on both sides: jax_numpy_rank_promotion="raise" allows no implicit one.
    columns = np.arange(n, dtype=np.int32).reshape((1,) * permutation.ndim + (n,))
    return (permutation[..., :, None] == columns).astype(dtype)


def _symmetrize(x):
    """(x + x^H) / 2: the Hermitian part (symmetric for real x), as JAX's symmetrize."""
    return (x + ls.mH(x)) / 2


def cholesky(x, *, symmetrize_input=True):
    """Lower Cholesky factor; NaN where x is not positive definite."""
    x = asarray(x)
    return ld.cholesky_p.bind(_symmetrize(x) if symmetrize_input else x)


def eigh(x, *, lower=True, symmetrize_input=True, sort_eigenvalues=True, subset_by_index=None,
         implementation=None):
    """(v, w): eigenvectors (columns) and ascending eigenvalues of symmetric matrices."""
    x = asarray(x)
    if symmetrize_input:
        x = _symmetrize(x)
    v, w = ld.eigh_p.bind(x, lower=lower, sort_eigenvalues=sort_eigenvalues,
                          subset_by_index=None if subset_by_index is None
                          else tuple(subset_by_index))
    return v, w


def eig(x, *, compute_left_eigenvectors=True, compute_right_eigenvectors=True,
        enable_eigvec_derivs=False, implementation=None):
    """Eigenvalues (and left/right eigenvectors) of general matrices, complex. Eigenvalues
    are differentiable; eigenvectors only with enable_eigvec_derivs=True (as JAX: the
    derivative assumes distinct eigenvalues)."""
    return ld.eig_p.bind(asarray(x), compute_left_eigenvectors=compute_left_eigenvectors,
                         compute_right_eigenvectors=compute_right_eigenvectors,
                         enable_eigvec_derivs=bool(enable_eigvec_derivs))


def lu(x):
    """(lu, pivots, permutation): LU with partial pivoting, P A = L U."""
    return tuple(ld.lu_p.bind(asarray(x)))


def qr(x, *, pivoting=False, full_matrices=True, use_magma=None):
    """(q, r) with x = q @ r."""
    if pivoting:
        raise NotImplementedError("qr: pivoting=True is not supported by jaxlite")
    return tuple(ld.qr_p.bind(asarray(x), full_matrices=full_matrices))


def svd(x, *, full_matrices=True, compute_uv=True, subset_by_index=None, algorithm=None):
    """(u, s, vh), or s alone with compute_uv=False."""
    out = ld.svd_p.bind(asarray(x), full_matrices=full_matrices, compute_uv=compute_uv,
                        subset_by_index=None if subset_by_index is None
                        else tuple(subset_by_index))
    if compute_uv:
        s, u, vh = out
        return u, s, vh
    return out[0]


def geqrf(a):
    """(a, taus): Householder QR in LAPACK's packed form (forward only)."""
    return tuple(ld.geqrf_p.bind(asarray(a)))


def hessenberg(a):
    """(a, taus): reduction to upper Hessenberg form in LAPACK's packed form (forward only)."""
    return tuple(ld.hessenberg_p.bind(asarray(a)))


def _reflector(a, i):
    """v_i of geqrf's packed form (an m x 1 column): zeros above row i, 1 at row i,
    a[i+1:, i] below."""
    rows = np.arange(a.shape[-2])[:, None]
    # NumPy masks of a's dtype: no bool/float promotion (strict promotion allows none).
    below, diagonal = (rows > i).astype(a.dtype), (rows == i).astype(a.dtype)
    return below * a[..., :, i:i + 1] + diagonal


def householder_product(a, taus):
    """Q from geqrf's reflectors: Q = H_1 ... H_k with H_i = I - tau_i v_i v_i^H."""
    a, taus = asarray(a), asarray(taus)
    m, n = a.shape[-2:]
    k = taus.shape[-1]
    q = None
    for i in reversed(range(k)):
        v = _reflector(a, i)
        h_q = v * taus[..., i, None, None]
        if q is None:
            q = ls.eye_like(a, m)[..., :, :n] - ls.matmul(h_q, ls.mH(v)[..., :, :n])
        else:
            q = q - ls.matmul(h_q, ls.matmul(ls.mH(v), q))
    return q if q is not None else ls.eye_like(a, m)[..., :, :n]


def ormqr(a, taus, c, *, left=True, transpose=False):
    """Q @ c (or Q^H @ c, c @ Q, c @ Q^H) for the m x m Q = H_1 ... H_k of geqrf's
    reflectors, applied one reflector at a time as LAPACK's ormqr does (Q is never
    formed). Q^H applies each H_i^H = I - conj(tau_i) v_i v_i^H in the reverse order."""
    a, taus, c = asarray(a), asarray(taus), asarray(c)
    if a.ndim != c.ndim or a.ndim < 2:
        raise ValueError(f"ormqr: a and c must be matrices of the same rank, got shapes "
                         f"{a.shape} and {c.shape}")
    m = a.shape[-2]
    if (c.shape[-2] if left else c.shape[-1]) != m:
        raise ValueError(f"ormqr: c of shape {c.shape} does not match Q of size {m} "
                         f"(left={left})")
    k = taus.shape[-1]
    order = range(k) if left == transpose else reversed(range(k))
    for i in order:
        v = _reflector(a, i)
        tau = taus[..., i, None, None]
        if transpose:
            tau = tau.conj()
        if left:    # H c = c - tau v (v^H c)
            c = c - tau * ls.matmul(v, ls.matmul(ls.mH(v), c))
        else:       # c H = c - tau (c v) v^H
            c = c - tau * ls.matmul(ls.matmul(c, v), ls.mH(v))
    return c


def triangular_solve(a, b, *, left_side=False, lower=False, transpose_a=False,
                     conjugate_a=False, unit_diagonal=False):
    """Solve op(a) x = b (left_side) or x op(a) = b for triangular a; b may be a vector."""
    a, b = asarray(a), asarray(b)
    singleton = b.ndim == a.ndim - 1
    if singleton:
        b = b[..., None] if left_side else b[..., None, :]
    out = ls.triangular_solve_p.bind(a, b, left_side=left_side, lower=lower,
                                     transpose_a=transpose_a, conjugate_a=conjugate_a,
                                     unit_diagonal=unit_diagonal)
    if singleton:
        out = out[..., 0] if left_side else out[..., 0, :]
    return out


def lu_solve(lu, permutation, b, trans=0):
    """Solve a x = b (trans=0), a^T x = b (1) or a^H x = b (2) with an LU factorization
    given as (lu, permutation)."""
    lu, b = asarray(lu), asarray(b)
    vector = lu.ndim == b.ndim + 1
    if vector:
        b = b[..., None]
    P = permutation_matrix(asarray(permutation), lu.dtype)
    params = dict(left_side=True, conjugate_a=False)
    if trans == 0:
        x = ls.triangular_solve_p.bind(lu, ls.matmul(P, b), lower=True, transpose_a=False,
                                       unit_diagonal=True, **params)
        x = ls.triangular_solve_p.bind(lu, x, lower=False, transpose_a=False,
                                       unit_diagonal=False, **params)
    elif trans in (1, 2):
        params["conjugate_a"] = trans == 2
        x = ls.triangular_solve_p.bind(lu, b, lower=False, transpose_a=True, unit_diagonal=False,
                                       **params)
        x = ls.triangular_solve_p.bind(lu, x, lower=True, transpose_a=True, unit_diagonal=True,
                                       **params)
        x = ls.matmul(ls.mT(P), x)
    else:
        raise ValueError(f"'trans' value must be 0, 1, or 2, got {trans}")
    return x[..., 0] if vector else x


def tridiagonal_solve(dl, d, du, b, *, perturb_singular=False):
    """Solve the tridiagonal system with sub-diagonal dl (dl[0] = 0), diagonal d and
    super-diagonal du (du[-1] = 0) for right-hand sides b (..., m, k), densely."""
    dl, d, du, b = asarray(dl), asarray(d), asarray(du), asarray(b)
    m = d.shape[-1]
    # Row i holds dl[i], d[i], du[i] at columns i-1, i, i+1.
    dense = (np.eye(m, dtype=bool) * d[..., :, None] + np.eye(m, k=1, dtype=bool) * du[..., :, None]
             + np.eye(m, k=-1, dtype=bool) * dl[..., :, None])
    return ls.linear_solve_p.bind(dense, b, transpose_a=False)
