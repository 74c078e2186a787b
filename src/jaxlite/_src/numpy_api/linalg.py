"""jax.numpy.linalg: decompositions, solves, inverses, determinants and norms
(matrix_power, multi_dot, tensorinv, tensorsolve and the array-API products are in
linalg_products.py).

Each function promotes integer inputs to floats and binds the primitives of
prims/linalg_{solve,decomp,custom}.py, whose rules give JAX's derivatives; the
rest (norms, pinv's cutoff, lstsq, matrix_power, ...) is jax.numpy on top.
Inputs may have any leading batch dimensions, as in JAX.

    >>> x = jnp.array([[2., 1.], [1., 2.]])
    >>> jnp.linalg.cholesky(x)
    Array([[1.4142135 , 0.        ],
           [0.70710677, 1.2247449 ]], dtype=float32)
"""
import builtins
import operator
from typing import NamedTuple

import numpy as np

from ..array import Array
from ..prims import linalg_solve as ls
from ..prims import linalg_decomp as ld
from ..prims import linalg_custom as lc
from ..conversion import asarray, promote_inexact, check_arraylike
from . import ufuncs as uf
from . import reductions as rd
from . import shapes as sh
from . import contractions as ct
from .creation import eye, zeros


class EighResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class EigResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class QRResult(NamedTuple):
    Q: Array
    R: Array


class SlogdetResult(NamedTuple):
    sign: Array
    logabsdet: Array


class SVDResult(NamedTuple):
    U: Array
    S: Array
    Vh: Array


def _inexact(name, *args):
    check_arraylike(name, *args)
    out = promote_inexact(*args)
    return out if len(out) > 1 else out[0]


def _square(name, a):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        # cholesky and eigh symmetrize their argument first, so JAX's error is a TypeError
        error = TypeError if name in ("cholesky", "eigh") else ValueError
        raise error(f"{name}: argument must have shape [..., n, n], got {tuple(a.shape)}")


def _matrix(name, a):
    if a.ndim < 2:
        raise ValueError(f"{name}: argument must have at least 2 dimensions, got shape "
                         f"{tuple(a.shape)}")


def _symmetrize(x):
    """(x + x^H) / 2: the Hermitian part (symmetric for real x), as JAX."""
    return (x + ls.mH(x)) / 2


# ---- decompositions -----------------------------------------------------------------------------
def cholesky(a, *, upper=False, symmetrize_input=True):
    """Cholesky factor L (lower; U = L^H with upper=True) of Hermitian positive-definite
    matrices.
    Matrices that are not positive definite give NaN, as in JAX."""
    a = _inexact("jnp.linalg.cholesky", a)
    _square("cholesky", a)
    if symmetrize_input:
        a = _symmetrize(a)
    L = ld.cholesky_p.bind(a)
    return ls.mH(L) if upper else L


def eigh(a, UPLO=None, symmetrize_input=True):
    """Eigenvalues (ascending, real) and eigenvectors (columns) of Hermitian matrices."""
    if UPLO is None or UPLO == "L":
        lower = True
    elif UPLO == "U":
        lower = False
    else:
        raise ValueError(f"UPLO must be one of None, 'L', or 'U', got {UPLO}")
    a = _inexact("jnp.linalg.eigh", a)
    _square("eigh", a)
    if symmetrize_input:
        a = _symmetrize(a)
    v, w = ld.eigh_p.bind(a, lower=lower, sort_eigenvalues=True, subset_by_index=None)
    return EighResult(w, v)


def eigvalsh(a, UPLO="L", *, symmetrize_input=True):
    """Eigenvalues (ascending) of symmetric matrices."""
    return eigh(a, UPLO, symmetrize_input=symmetrize_input).eigenvalues


def eig(a):
    """Eigenvalues and right eigenvectors of general square matrices (complex outputs).
    As in JAX, differentiating the eigenvectors raises NotImplementedError (use
    jax.lax.linalg.eig with enable_eigvec_derivs=True); eigvals is differentiable."""
    a = _inexact("jnp.linalg.eig", a)
    _square("eig", a)
    w, v = ld.eig_p.bind(a, compute_left_eigenvectors=False, compute_right_eigenvectors=True,
                         enable_eigvec_derivs=False)
    return EigResult(w, v)


def eigvals(a):
    """Eigenvalues of general square matrices (complex)."""
    a = _inexact("jnp.linalg.eigvals", a)
    _square("eigvals", a)
    return ld.eig_p.bind(a, compute_left_eigenvectors=False, compute_right_eigenvectors=False,
                         enable_eigvec_derivs=False)[0]


def _descending_order(s):
    """One-hot (..., n, n) matrix P with (P @ s)[k] the k-th largest of s: JAX's stable
    ascending sort reversed (so ties come last index first), from comparisons only."""
    n = s.shape[-1]
    si, sj = s[..., :, None], s[..., None, :]
    later = np.triu(np.ones((n, n), bool), 1)  # later[i, j]: j > i
    rank = rd.sum(uf.greater(sj, si) | (uf.equal(sj, si) & later), axis=-1)
    return (rank[..., None, :] == np.arange(n, dtype=np.int32)[:, None]).astype(s.dtype)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False, subset_by_index=None):
    """Singular value decomposition: U, S (descending), Vh with a = U @ diag(S) @ Vh."""
    a = _inexact("jnp.linalg.svd", a)
    _matrix("svd", a)
    if hermitian:
        w, v = eigh(a)  # symmetrized, as JAX's lax.linalg.eigh
        order = _descending_order(uf.abs(w))
        s = ls.matmul(order, uf.abs(w)[..., None])[..., 0]
        if not compute_uv:
            return s
        u = ls.matmul(v, ls.mT(order).astype(v.dtype))
        sign = ls.matmul(order, uf.sign(w)[..., None])[..., 0]
        return SVDResult(u, s, ls.mH(u * sign[..., None, :]))
    if compute_uv:
        s, u, vh = ld.svd_p.bind(a, full_matrices=full_matrices, compute_uv=True,
                                 subset_by_index=subset_by_index)
        return SVDResult(u, s, vh)
    return ld.svd_p.bind(a, full_matrices=full_matrices, compute_uv=False,
                         subset_by_index=subset_by_index)[0]


def svdvals(x, /):
    """Singular values, descending."""
    return svd(x, compute_uv=False)


def qr(a, mode="reduced"):
    """QR decomposition; mode is "reduced", "complete", "r" or "raw"."""
    a = _inexact("jnp.linalg.qr", a)
    _matrix("qr", a)
    if mode == "raw":
        h, tau = ld.geqrf_p.bind(a)
        return QRResult(ls.mT(h), tau)
    if mode in ("reduced", "r", "full"):
        full_matrices = False
    elif mode == "complete":
        full_matrices = True
    else:
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    q, r = ld.qr_p.bind(a, full_matrices=full_matrices)
    return r if mode == "r" else QRResult(q, r)


# ---- solves and inverses ------------------------------------------------------------------------
def _broadcast_batch(x, batch, core_shape):
    shape = tuple(batch) + tuple(core_shape)
    return x if tuple(x.shape) == shape else sh.broadcast_to(x, shape)


def solve(a, b):
    """x with a @ x = b; b is a vector (b.ndim == 1) or a (batch of) matrices (..., n, k).
    Derivatives as JAX's LU-based custom_linear_solve."""
    a, b = _inexact("jnp.linalg.solve", a, b)
    if a.ndim < 2:
        raise ValueError(f"left hand array must be at least two dimensional; got a.shape="
                         f"{tuple(a.shape)}")
    _square("solve", a)
    n = a.shape[-1]
    if (b.ndim > 1 and a.ndim == b.ndim + 1 and a.shape[-1] == b.shape[-1]
            and a.shape[-1] != b.shape[-2]):
        raise ValueError(
            f"Invalid shapes for solve: {tuple(a.shape)}, {tuple(b.shape)}. Prior to JAX v0.5.0,"
            " this would have been treated as a batched 1-dimensional solve. To recover this "
            "behavior, use solve(a, b[..., None]).squeeze(-1).")
    vector = b.ndim == 1
    if vector:
        b = sh.reshape(b, (b.shape[0], 1))
    if b.shape[-2] != n:
        raise ValueError(f"solve: b has {b.shape[-2]} rows, a is {n}x{n} "
                         f"(shapes {tuple(a.shape)} and {tuple(b.shape)})")
    batch = np.broadcast_shapes(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
    a = _broadcast_batch(a, batch, a.shape[-2:])
    b = _broadcast_batch(b, batch, b.shape[-2:])
    x = ls.linear_solve_p.bind(a, b, transpose_a=False)
    return sh.reshape(x, x.shape[:-1]) if vector else x


def inv(a):
    """Matrix inverse, solve(a, I)."""
    check_arraylike("jnp.linalg.inv", a)
    arr = asarray(a)
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2]:
        raise ValueError(f"Argument to inv must have shape [..., n, n], got {tuple(arr.shape)}.")
    arr = _inexact("jnp.linalg.inv", arr)
    identity = sh.broadcast_to(eye(arr.shape[-1], dtype=arr.dtype), arr.shape)
    return ls.linear_solve_p.bind(arr, identity, transpose_a=False)


def pinv(a, rtol=None, hermitian=False, *, rcond=None):
    """Moore-Penrose pseudo-inverse; singular values <= rtol * largest are dropped
    (default rtol: 10 * max(m, n) * eps). Differentiable for rank-deficient inputs."""
    if rcond is not None:
        if rtol is not None:
            raise ValueError("pinv: only one of rtol and rcond may be specified.")
        rtol = rcond
    arr = _inexact("jnp.linalg.pinv", a)
    _matrix("pinv", arr)
    if rtol is None:
        rtol = 10. * builtins.max(arr.shape[-2:]) * np.finfo(arr.dtype).eps
    rtol = asarray(rtol, dtype=arr.dtype)
    return lc.pinv_p.bind(arr, rtol, hermitian=bool(hermitian))


def lstsq(a, b, rcond=None, *, numpy_resid=False):
    """Least-squares solution of a @ x = b via the SVD: (x, residuals, rank, s)."""
    check_arraylike("jnp.linalg.lstsq", a, b)
    a, b = promote_inexact(a, b)
    if a.shape[0] != b.shape[0]:
        raise ValueError("Leading dimensions of input arrays must match")
    b_orig_ndim = b.ndim
    if b_orig_ndim == 1:
        b = b[:, None]
    if a.ndim != 2:
        raise TypeError(f"{a.ndim}-dimensional array given. Array must be two-dimensional")
    if b.ndim != 2:
        raise TypeError(f"{b.ndim}-dimensional array given. Array must be one or "
                        "two-dimensional")
    m, n = a.shape
    dtype = a.dtype
    if a.size == 0:
        s = zeros((0,), dtype)
        rank = asarray(0)
        x = zeros((n,) + tuple(b.shape[1:]), dtype)
    else:
        eps = float(np.finfo(dtype).eps)
        rcond = eps * builtins.max(n, m) if rcond is None else uf.where(
            asarray(rcond) < 0, eps, rcond)
        u, s, vt = svd(a, full_matrices=False)
        mask = (s > 0) & (s >= asarray(rcond, dtype=s.dtype) * s[0])
        rank = rd.sum(mask)
        safe_s = uf.where(mask, s, 1).astype(dtype)
        s_inv = uf.where(mask, 1 / safe_s, 0)[:, None]
        x = ct.matmul(ls.mH(vt), s_inv * ct.matmul(ls.mH(u), b))
    if numpy_resid and (int(rank) < n or m <= n):
        resid = asarray(np.zeros((0,), dtype))
    else:
        resid = norm(b - ct.matmul(a, x), axis=0) ** 2
    if b_orig_ndim == 1:
        x = sh.ravel(x)
    return x, resid, rank, s


# ---- determinants -------------------------------------------------------------------------------
def _det_2x2(a):
    return a[..., 0, 0] * a[..., 1, 1] - a[..., 0, 1] * a[..., 1, 0]


def _det_3x3(a):
    return (a[..., 0, 0] * a[..., 1, 1] * a[..., 2, 2] +
            a[..., 0, 1] * a[..., 1, 2] * a[..., 2, 0] +
            a[..., 0, 2] * a[..., 1, 0] * a[..., 2, 1] -
            a[..., 0, 2] * a[..., 1, 1] * a[..., 2, 0] -
            a[..., 0, 0] * a[..., 1, 2] * a[..., 2, 1] -
            a[..., 0, 1] * a[..., 1, 0] * a[..., 2, 2])


def det(a):
    """Determinant. 2x2 and 3x3 use the closed forms (as JAX); larger matrices an LU
    factorization, with a gradient (the adjugate) that is right for singular matrices."""
    a = _inexact("jnp.linalg.det", a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"Argument to _det() must have shape [..., n, n], got {tuple(a.shape)}")
    if a.shape[-1] == 2:
        return _det_2x2(a)
    if a.shape[-1] == 3:
        return _det_3x3(a)
    return lc.det_p.bind(a)


def slogdet(a, *, method=None):
    """(sign, log|det|) of square matrices; singular ones give (0, -inf)."""
    a = _inexact("jnp.linalg.slogdet", a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"Argument to slogdet() must have shape [..., n, n], got "
                         f"{tuple(a.shape)}")
    if method not in (None, "lu", "qr"):
        raise ValueError(f"Unknown slogdet method '{method}'. Supported methods are 'lu' "
                         "(`None`), and 'qr'.")
    sign, logdet = lc.slogdet_p.bind(a)
    return SlogdetResult(sign, logdet)


# ---- norms --------------------------------------------------------------------------------------
def _canonical_axis(axis, ndim):
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """Vector p-norm over `axis` (all axes by default)."""
    check_arraylike("jnp.linalg.vector_norm", x)
    x = _inexact("jnp.linalg.vector_norm", x)
    if ord is None or ord == 2:
        return uf.sqrt(rd.sum(uf.real(x * uf.conj(x)), axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        msg = f"Invalid order '{ord}' for vector norm."
        if ord in ("inf", "-inf"):
            msg += f"Use '{'-' if ord[0] == '-' else ''}jax.numpy.inf' instead."
        raise ValueError(msg)
    if ord == np.inf:
        return rd.max(uf.abs(x), axis=axis, keepdims=keepdims, initial=0)
    if ord == -np.inf:
        return rd.min(uf.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return rd.sum(x != 0, dtype=x.dtype, axis=axis, keepdims=keepdims)
    if ord == 1:
        return rd.sum(uf.abs(x), axis=axis, keepdims=keepdims)
    abs_x = uf.abs(x)
    ord_arr = asarray(np.asarray(ord, abs_x.dtype))
    ord_inv = asarray(np.asarray(1. / np.asarray(ord, abs_x.dtype), abs_x.dtype))
    return uf.power(rd.sum(abs_x ** ord_arr, axis=axis, keepdims=keepdims), ord_inv)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as numpy.linalg.norm (ord: None, 'fro', 'nuc', inf, -inf,
    1, -1, 2, -2 for matrices; any real p for vectors)."""
    x = _inexact("jnp.linalg.norm", x)
    ndim = x.ndim
    if axis is None:
        if ord is None:
            return uf.sqrt(rd.sum(uf.real(x * uf.conj(x)), keepdims=keepdims))
        axis = tuple(range(ndim))
    elif isinstance(axis, tuple):
        axis = tuple(_canonical_axis(operator.index(a), ndim) for a in axis)
    else:
        axis = (_canonical_axis(operator.index(axis), ndim),)
    if len(axis) == 1:
        return vector_norm(x, ord=2 if ord is None else ord, axis=axis, keepdims=keepdims)
    if len(axis) != 2:
        raise ValueError(f"Improper number of axes for norm: axis={axis}. Pass one axis to "
                         "compute a vector-norm, or two axes to compute a matrix-norm.")
    row_axis, col_axis = axis
    if ord is None or ord in ("f", "fro"):
        return uf.sqrt(rd.sum(uf.real(x * uf.conj(x)), axis=axis, keepdims=keepdims))
    if ord in (1, -1):
        if not keepdims and col_axis > row_axis:
            col_axis -= 1
        sums = rd.sum(uf.abs(x), axis=row_axis, keepdims=keepdims)
        return (rd.max(sums, axis=col_axis, keepdims=keepdims, initial=0) if ord == 1
                else rd.min(sums, axis=col_axis, keepdims=keepdims))
    if ord in (np.inf, -np.inf):
        if not keepdims and row_axis > col_axis:
            row_axis -= 1
        sums = rd.sum(uf.abs(x), axis=col_axis, keepdims=keepdims)
        return (rd.max(sums, axis=row_axis, keepdims=keepdims, initial=0) if ord == np.inf
                else rd.min(sums, axis=row_axis, keepdims=keepdims))
    if ord in ("nuc", 2, -2):
        s = svd(sh.moveaxis(x, axis, (-2, -1)), compute_uv=False)
        if ord == 2:
            y = rd.max(s, axis=-1, initial=0)
        elif ord == -2:
            y = rd.min(s, axis=-1)
        else:
            y = rd.sum(s, axis=-1)
        return sh.expand_dims(y, axis) if keepdims else y
    raise ValueError(f"Invalid order '{ord}' for matrix norm.")


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """Matrix norm over the last two axes."""
    check_arraylike("jnp.linalg.matrix_norm", x)
    return norm(x, ord=ord, keepdims=keepdims, axis=(-2, -1))


def cond(x, p=None):
    """Condition number: ratio of extreme singular values (p None/2/-2) or
    norm(x, p) * norm(inv(x), p)."""
    check_arraylike("cond", x)
    arr = asarray(x)
    if arr.ndim < 2:
        raise ValueError(f"jnp.linalg.cond: input array must be at least 2D; got "
                         f"arr.shape={tuple(arr.shape)}")
    if arr.shape[-1] == 0 or arr.shape[-2] == 0:
        raise ValueError(f"jnp.linalg.cond: input array must not be empty; got "
                         f"arr.shape={tuple(arr.shape)}")
    if p is None or p == 2:
        s = svdvals(arr)
        return s[..., 0] / s[..., -1]
    if p == -2:
        s = svdvals(arr)
        r = s[..., -1] / s[..., 0]
    else:
        if arr.shape[-2] != arr.shape[-1]:
            raise ValueError(f"jnp.linalg.cond: for p={p}, array must be square; got "
                             f"arr.shape={tuple(arr.shape)}")
        r = norm(arr, ord=p, axis=(-2, -1)) * norm(inv(arr), ord=p, axis=(-2, -1))
    # NaNs from singular inputs become inf (unless the input itself has NaNs).
    return uf.where(uf.isnan(r) & ~rd.any(uf.isnan(arr), axis=(-2, -1)), np.inf, r)


def matrix_rank(M, rtol=None, *, hermitian=False, tol=None):
    """Number of singular values above rtol * largest (default max(m, n) * eps)."""
    check_arraylike("jnp.linalg.matrix_rank", M)
    if tol is not None:
        if rtol is not None:
            raise ValueError("matrix_rank: only one of tol or rtol may be specified.")
        rtol = tol
    M = _inexact("jnp.linalg.matrix_rank", M)
    if M.ndim < 2:
        return rd.any(M != 0).astype(np.int32)
    S = svd(M, full_matrices=False, compute_uv=False, hermitian=hermitian)
    if rtol is None:
        rtol = rd.max(S, axis=-1) * builtins.max(M.shape[-2:]) * float(np.finfo(S.dtype).eps)
    rtol = sh.expand_dims(asarray(rtol), np.ndim(rtol))
    return rd.sum(S > rtol, axis=-1)
