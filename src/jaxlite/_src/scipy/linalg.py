"""jax.scipy.linalg: SciPy's linear-algebra API on jaxlite's linalg primitives.

Factorizations and solves bind the primitives of prims/linalg_*.py (JAX's
derivative rules); expm is JAX's Padé scaling-and-squaring written with
jax.numpy, so it is differentiable through its operations; the special
matrices (toeplitz, hankel, ...) are in special_matrices.py.

    >>> a = jnp.array([[4., 2.], [2., 3.]])
    >>> c = jax.scipy.linalg.cho_factor(a)
    >>> print(jnp.round(jax.scipy.linalg.cho_solve(c, jnp.array([1., 2.])), 4))
    [-0.125  0.75 ]
"""
import numpy as np

from .. import core
from ..prims import linalg_solve as ls
from ..prims import linalg_decomp as ld
from ..numpy_api import linalg as jla
from ..api import jvp
from ..lax.linalg import householder_product, permutation_matrix
from ..numpy_api import ufuncs as uf
from ..numpy_api import reductions as rd
from ..numpy_api import shapes as sh
from ..conversion import asarray, promote_inexact, check_arraylike
from ..numpy_api.creation import eye, zeros, full_like


def _inexact(*args):
    out = promote_inexact(*[asarray(a) for a in args])
    return out if len(out) > 1 else out[0]


def _batch_broadcast(a, b, a_core, b_core):
    """Broadcast the leading dims of a and b (with a_core / b_core trailing core dims)."""
    batch = np.broadcast_shapes(tuple(a.shape[:a.ndim - a_core]), tuple(b.shape[:b.ndim - b_core]))
    a = sh.broadcast_to(a, batch + tuple(a.shape[a.ndim - a_core:]))
    b = sh.broadcast_to(b, batch + tuple(b.shape[b.ndim - b_core:]))
    return a, b


def _vector_or_matrix_rhs(name, a, b):
    """b as (..., n, k) matching a's batch dims; returns (a, b, was_vector)."""
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape[-1] == a.shape[-1]
                             and (b.ndim < 2 or b.shape[-2] != a.shape[-1]))
    if vector:
        b = b[..., None]
    if b.shape[-2] != a.shape[-1]:
        raise ValueError(f"{name}: incompatible shapes {tuple(a.shape)} and {tuple(b.shape)}")
    a, b = _batch_broadcast(a, b, 2, 2)
    return a, b, vector


# ---- Cholesky --------------------------------------------------------------------------------------
def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """Cholesky factor (upper by default, a = U^H U, as SciPy), reading one triangle of `a`."""
    a = _inexact(a)
    L = ld.cholesky_p.bind(a if lower else ls.mH(a))
    return L if lower else ls.mH(L)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """(c, lower) for cho_solve."""
    return (cholesky(a, lower=lower), lower)


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """Solve a @ x = b given cho_factor(a)."""
    c, lower = c_and_lower
    c, b = _inexact(c, b)
    c, b, vector = _vector_or_matrix_rhs("cho_solve", c, b)
    # a = L L^H (lower) or U^H U: solve with the factor and its conjugate transpose.
    params = dict(left_side=True, lower=lower, unit_diagonal=False)
    b = ls.triangular_solve_p.bind(c, b, transpose_a=not lower, conjugate_a=not lower, **params)
    b = ls.triangular_solve_p.bind(c, b, transpose_a=lower, conjugate_a=lower, **params)
    return b[..., 0] if vector else b


# ---- LU ------------------------------------------------------------------------------------------
def lu_factor(a, overwrite_a=False, check_finite=True):
    """(lu, piv): LAPACK-style packed LU with 0-based row-swap pivots."""
    a = _inexact(a)
    lu, pivots, _ = ld.lu_p.bind(a)
    return lu, pivots


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """Solve a @ x = b (trans=0), a^T @ x = b (trans=1) or a^H @ x = b (trans=2) given
    lu_factor(a)."""
    lu, pivots = lu_and_piv
    lu, b = _inexact(lu, b)
    m = lu.shape[-2]
    perm = ld.lu_pivots_to_permutation(asarray(pivots), m)
    lu, b, vector = _vector_or_matrix_rhs("lu_solve", lu, b)
    perm = sh.broadcast_to(perm, tuple(lu.shape[:-1]))
    P = permutation_matrix(perm, lu.dtype)
    params = dict(left_side=True, conjugate_a=trans == 2)
    if trans == 0:
        x = ls.matmul(P, b)
        x = ls.triangular_solve_p.bind(lu, x, lower=True, transpose_a=False, unit_diagonal=True,
                                       **params)
        x = ls.triangular_solve_p.bind(lu, x, lower=False, transpose_a=False,
                                       unit_diagonal=False, **params)
    elif trans in (1, 2):
        x = ls.triangular_solve_p.bind(lu, b, lower=False, transpose_a=True, unit_diagonal=False,
                                       **params)
        x = ls.triangular_solve_p.bind(lu, x, lower=True, transpose_a=True, unit_diagonal=True,
                                       **params)
        x = ls.matmul(ls.mT(P), x)
    else:
        raise ValueError(f"'trans' value must be 0, 1, or 2, got {trans}")
    return x[..., 0] if vector else x


def lu(a, permute_l=False, overwrite_a=False, check_finite=True):
    """(p, l, u) with a = p @ l @ u (p real), or (p @ l, u) with permute_l=True."""
    a = _inexact(a)
    packed, _, permutation = ld.lu_p.bind(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    p = ls.mT(permutation_matrix(permutation, a.dtype))
    l = ls.tril(packed, -1)[..., :, :k] + eye(m, k, dtype=a.dtype)
    u = ls.triu(packed)[..., :k, :]
    if permute_l:
        return ls.matmul(p, l), u
    return uf.real(p), l, u  # a real permutation matrix for complex `a` too, as JAX


# ---- triangular and general solves ---------------------------------------------------------------
def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     debug=None, check_finite=True):
    """Solve op(a) @ x = b for triangular `a` (trans: 0/'N' a, 1/'T' a^T, 2/'C' a^H)."""
    if trans in (0, "N"):
        transpose_a = conjugate_a = False
    elif trans in (1, "T"):
        transpose_a, conjugate_a = True, False
    elif trans in (2, "C"):
        transpose_a = conjugate_a = True
    else:
        raise ValueError(f"Invalid 'trans' value {trans}")
    a, b = _inexact(a, b)
    a, b, vector = _vector_or_matrix_rhs("solve_triangular", a, b)
    x = ls.triangular_solve_p.bind(a, b, left_side=True, lower=lower, transpose_a=transpose_a,
                                   conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)
    return x[..., 0] if vector else x


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, debug=False,
          check_finite=True, assume_a="gen"):
    """Solve a @ x = b. assume_a ('gen', 'sym', 'her', 'pos') does not change the
    result; the derivatives are those of a general solve, as in JAX."""
    valid = ["gen", "sym", "her", "pos"]
    if assume_a not in valid:
        raise ValueError(f"Expected assume_a to be one of {valid}; got {assume_a!r}")
    return jla.solve(a, b)


def inv(a, overwrite_a=False, check_finite=True):
    """Matrix inverse."""
    return jla.inv(a)


def det(a, overwrite_a=False, check_finite=True):
    """Determinant."""
    return jla.det(a)


# ---- decompositions ------------------------------------------------------------------------------
def eigh(a, b=None, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         turbo=True, eigvals=None, type=1, check_finite=True):
    """Eigenvalues (ascending) and eigenvectors of a Hermitian matrix (b=None only)."""
    if b is not None:
        raise NotImplementedError("Only the b=None case of eigh is implemented")
    if type != 1:
        raise NotImplementedError("Only the type=1 case of eigh is implemented.")
    if eigvals is not None:
        raise NotImplementedError("Only the eigvals=None case of eigh is implemented.")
    a = _inexact(a)
    a = (a + ls.mH(a)) / 2
    v, w = ld.eigh_p.bind(a, lower=lower, sort_eigenvalues=True, subset_by_index=None)
    return w if eigvals_only else (w, v)


def eigh_tridiagonal(d, e, *, eigvals_only=False, select="a", select_range=None, tol=None,
                     key=None):
    """Eigenvalues (and vectors) of the symmetric tridiagonal matrix with diagonal d and
    off-diagonal e (a dense eigh; select 'a' or 'i')."""
    d, e = asarray(d), asarray(e)
    if d.dtype != e.dtype:
        raise TypeError("diagonal and off-diagonal values must have same dtype, got "
                        f"{d.dtype} and {e.dtype}")
    n = d.shape[0]
    t = sh.reshape(d, (n, 1)) * eye(n, dtype=d.dtype) + _offdiag(e, n, d.dtype)
    w, v = eigh(t)
    if select == "i":
        lo, hi = select_range
        w, v = w[lo:hi + 1], v[:, lo:hi + 1]
    elif select != "a":
        raise NotImplementedError(f"eigh_tridiagonal: select={select!r} is not supported")
    return w if eigvals_only else (w, v)


def _offdiag(e, n, dtype):
    """The symmetric matrix with e on the first super- and sub-diagonals."""
    if n < 2:
        return zeros((n, n), dtype)
    upper = sh.concatenate([zeros((n - 1, 1), dtype), e[:, None] * eye(n - 1, dtype=dtype)],
                           axis=1)
    upper = sh.concatenate([upper, zeros((1, n), dtype)], axis=0)
    return upper + upper.T


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver="gesdd"):
    """Singular value decomposition (u, s, vh), or s if compute_uv=False."""
    a = _inexact(a)
    if compute_uv:
        s, u, vh = ld.svd_p.bind(a, full_matrices=full_matrices, compute_uv=True,
                                 subset_by_index=None)
        return u, s, vh
    return ld.svd_p.bind(a, full_matrices=full_matrices, compute_uv=False,
                         subset_by_index=None)[0]


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """QR decomposition; mode 'full', 'economic' or 'r' (pivoting is not supported)."""
    if pivoting:
        raise NotImplementedError("qr: pivoting=True is not supported by jaxlite")
    if mode in ("full", "r"):
        full_matrices = True
    elif mode == "economic":
        full_matrices = False
    else:
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    a = _inexact(a)
    q, r = ld.qr_p.bind(a, full_matrices=full_matrices)
    return (r,) if mode == "r" else (q, r)


def qr_multiply(a, c, mode="right", pivoting=False, conjugate=False, overwrite_a=False,
                overwrite_c=False):
    """(Q @ c, R) for mode='left' or (c @ Q, R) for mode='right', with the economic Q
    (conj(Q) with conjugate=True)."""
    if pivoting:
        raise NotImplementedError("qr_multiply: pivoting=True is not supported by jaxlite")
    if mode not in ("right", "left"):
        raise ValueError(f"mode must be 'right' or 'left', got {mode!r}")
    a, c = _inexact(a, c)
    onedim = c.ndim == 1
    if onedim:
        c = c[:, None] if mode == "left" else c[None, :]
    m, n = a.shape[-2:]
    k = min(m, n)
    if mode == "left" and c.shape[-2] != k:
        raise ValueError(f"Array shapes are not compatible for Q @ c operation: a has shape "
                         f"{tuple(a.shape)} so Q has {k} columns, but c has {c.shape[-2]} rows "
                         f"(expected {k}).")
    if mode == "right" and c.shape[-1] != m:
        raise ValueError(f"Array shapes are not compatible for c @ Q operation: a has shape "
                         f"{tuple(a.shape)} so Q has {m} rows, but c has {c.shape[-1]} columns "
                         f"(expected {m}).")
    a, c = _batch_broadcast(a, c, 2, 2)
    q, r = ld.qr_p.bind(a, full_matrices=False)
    if conjugate:
        q = ls.conj(q)
    out = ls.matmul(q, c) if mode == "left" else ls.matmul(c, q)
    if onedim:
        out = sh.ravel(out)
    return out, r


def hessenberg(a, *, calc_q=False, overwrite_a=False, check_finite=True):
    """Upper Hessenberg form h = q^H a q (and q with calc_q=True), as LAPACK gehrd/orghr.
    Forward only, as in JAX."""
    a = _inexact(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"hessenberg: expected a (batch of) square matrices, got shape "
                         f"{tuple(a.shape)}")
    n = a.shape[-1]
    if n == 0:
        return (a, a) if calc_q else a
    packed, taus = ld.hessenberg_p.bind(a)
    h = ls.triu(packed, -1)
    if not calc_q:
        return h
    batch = tuple(a.shape[:-2])
    q = eye(n, dtype=a.dtype)
    if n > 1:
        inner = householder_product(packed[..., 1:, :-1], taus)
        top = sh.broadcast_to(eye(1, n, dtype=a.dtype), batch + (1, n))
        rest = sh.concatenate([zeros(batch + (n - 1, 1), a.dtype), inner], axis=-1)
        q = sh.concatenate([top, rest], axis=-2)
    return h, sh.broadcast_to(q, batch + (n, n))


def polar(a, side="right", *, method="qdwh", eps=None, max_iterations=None):
    """Polar decomposition a = u @ p (side='right') or p @ u (side='left'), from the SVD
    (the result of JAX's QDWH iteration, computed directly)."""
    if side not in ("right", "left"):
        raise ValueError("The argument `side` must be either 'right' or 'left'.")
    a = _inexact(a)
    if a.ndim < 2:
        raise ValueError("The input `a` must be at least a 2-D array.")
    s, w, vh = ld.svd_p.bind(a, full_matrices=False, compute_uv=True, subset_by_index=None)
    u = ls.matmul(w, vh)
    s = s.astype(a.dtype)
    if side == "right":
        p = ls.matmul(ls.mH(vh) * s[..., None, :], vh)
    else:
        p = ls.matmul(w * s[..., None, :], ls.mH(w))
    return u, p


def solve_sylvester(A, B, C, *, method="schur", tol=1e-8):
    """X with A @ X + X @ B = C, as one (m n) x (m n) solve of the Kronecker form."""
    A, B, C = _inexact(A, B, C)
    m, n = C.shape[-2:]
    if A.shape[-2:] != (m, m) or B.shape[-2:] != (n, n):
        raise ValueError(f"Incompatible shapes for Sylvester equation:\nA: {tuple(A.shape)}\n"
                         f"B: {tuple(B.shape)}\nC: {tuple(C.shape)}")
    # Row-major vec: vec(A X) = (A kron I) vec(X), vec(X B) = (I kron B^T) vec(X).
    kron_a = (A[..., :, None, :, None] * eye(n, dtype=A.dtype)[:, None, :])
    kron_b = (eye(m, dtype=A.dtype)[:, None, :, None] * ls.mT(B)[..., None, :, None, :])
    batch = tuple(np.broadcast_shapes(tuple(A.shape[:-2]), tuple(B.shape[:-2]),
                                      tuple(C.shape[:-2])))
    K = sh.reshape(sh.broadcast_to(kron_a + kron_b, batch + (m, n, m, n)), batch + (m * n, m * n))
    c = sh.reshape(sh.broadcast_to(C, batch + (m, n)), batch + (m * n,))
    x = jla.solve(K, c[..., None])[..., 0] if batch else jla.solve(K, c)
    return sh.reshape(x, batch + (m, n))


# ---- matrix exponential ----------------------------------------------------------------------------
_PADE = {
    3: (120., 60., 12., 1.),
    5: (30240., 15120., 3360., 420., 30., 1.),
    7: (17297280., 8648640., 1995840., 277200., 25200., 1512., 56., 1.),
    9: (17643225600., 8821612800., 2075673600., 302702400., 30270240., 2162160., 110880.,
        3960., 90., 1.),
    13: (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
         129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
         40840800., 960960., 16380., 182., 1.),
}


def _pade(order, A):
    """(U, V) of the [order/order] Padé approximant of exp(A), as JAX's _padeN."""
    b = _PADE[order]
    ident = eye(A.shape[-1], dtype=A.dtype)
    mm = ls.matmul
    A2 = mm(A, A)
    if order == 3:
        return mm(A, b[3] * A2 + b[1] * ident), b[2] * A2 + b[0] * ident
    A4 = mm(A2, A2)
    if order == 5:
        return (mm(A, b[5] * A4 + b[3] * A2 + b[1] * ident),
                b[4] * A4 + b[2] * A2 + b[0] * ident)
    A6 = mm(A4, A2)
    if order == 7:
        return (mm(A, b[7] * A6 + b[5] * A4 + b[3] * A2 + b[1] * ident),
                b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * ident)
    if order == 9:
        A8 = mm(A6, A2)
        return (mm(A, b[9] * A8 + b[7] * A6 + b[5] * A4 + b[3] * A2 + b[1] * ident),
                b[8] * A8 + b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * ident)
    U = mm(A, mm(A6, b[13] * A6 + b[11] * A4 + b[9] * A2) + b[7] * A6 + b[5] * A4
           + b[3] * A2 + b[1] * ident)
    V = mm(A6, b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 \
        + b[0] * ident
    return U, V


def _concrete(x):
    """The NumPy value of `x` if it is known now (eager, or only differentiated)."""
    if isinstance(x, core.Tracer):
        value = x.to_concrete_value()
        return None if value is None else np.asarray(value)
    return np.asarray(x)


def expm(A, *, upper_triangular=False, max_squarings=16):
    """Matrix exponential by Padé approximation with scaling and squaring (JAX's
    algorithm: degree chosen from the 1-norm, then `n_squarings` squarings; NaN if
    more than `max_squarings` would be needed). Batched over leading dims."""
    check_arraylike("expm", A)
    A = _inexact(A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"Expected A to be a (batched) square matrix, got A.shape="
                         f"{tuple(A.shape)}.")
    if A.dtype in (np.float64, np.complex128):
        maxnorm, conds, orders = 5.371920351148152, (1.495585217958292e-002,
                                                      2.539398330063230e-001,
                                                      9.504178996162932e-001,
                                                      2.097847961257068e+000), (3, 5, 7, 9, 13)
    elif A.dtype in (np.float32, np.complex64):
        maxnorm, conds, orders = 3.925724783138660, (4.258730016922831e-001,
                                                      1.880152677804762e+000), (3, 5, 7)
    else:
        raise TypeError(f"A.dtype={A.dtype} is not supported.")
    A_L1 = rd.max(rd.sum(uf.abs(A), axis=-2), axis=-1)  # norm(A, 1) per matrix
    n_squarings = uf.maximum(0, uf.floor(uf.log2(A_L1 / maxnorm)))
    A = A / (2 ** n_squarings.astype(A.dtype))[..., None, None]
    idx = rd.sum(A_L1[..., None] >= np.asarray(conds, A_L1.dtype), axis=-1)
    known_idx, known_squarings = _concrete(idx), _concrete(n_squarings)
    if known_idx is not None and known_idx.ndim == 0:  # one matrix, known norm: one branch
        U, V = _pade(orders[int(known_idx)], A)
    else:  # a select over every degree, as lax.switch under vmap
        U = V = None
        for i, order in enumerate(orders):
            Ui, Vi = _pade(order, A)
            chosen = (idx == i)[..., None, None]
            U = Ui if U is None else uf.where(chosen, Ui, U)
            V = Vi if V is None else uf.where(chosen, Vi, V)
    P, Q = U + V, -U + V
    if upper_triangular:
        R = solve_triangular(Q, P)
    else:
        R = jla.solve(Q, P)
    if known_squarings is not None and known_squarings.ndim == 0:
        count = int(known_squarings)
        if count > max_squarings:
            return full_like(A, np.nan)
        for _ in range(count):
            R = ls.matmul(R, R)
        return R
    for i in range(max_squarings):
        R = uf.where((i < n_squarings)[..., None, None], ls.matmul(R, R), R)
    return uf.where((n_squarings > max_squarings)[..., None, None], np.nan, R)


def expm_frechet(A, E, *, method=None, compute_expm=True):
    """Frechet derivative of expm at A in direction E (a JVP of expm)."""
    A, E = asarray(A), asarray(E)
    if A.ndim < 2 or A.shape[-2] != A.shape[-1]:
        raise ValueError(f"expected A to be a (batched) square matrix, got A.shape="
                         f"{tuple(A.shape)}")
    if E.ndim < 2 or E.shape[-2] != E.shape[-1]:
        raise ValueError(f"expected E to be a (batched) square matrix, got E.shape="
                         f"{tuple(E.shape)}")
    if tuple(A.shape) != tuple(E.shape):
        raise ValueError(f"expected A and E to be the same shape, got A.shape={tuple(A.shape)} "
                         f"E.shape={tuple(E.shape)}")
    expm_A, frechet = jvp(expm, (A,), (E,))
    return (expm_A, frechet) if compute_expm else frechet
