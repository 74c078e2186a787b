"""jax.scipy.linalg's special matrices (SciPy's _special_matrices): block_diag, toeplitz,
hankel, circulant, leslie, companion, fiedler, convolution_matrix, hilbert, pascal,
helmert, hadamard, dft and their inverses, built with jax.numpy gathers and selects.

    >>> jax.scipy.linalg.toeplitz(jnp.array([1, 2, 3]))
    Array([[1, 2, 3],
           [2, 1, 2],
           [3, 2, 1]], dtype=int32)
"""
import math
import operator

import numpy as np

from .. import dtypes
from ..array import Array
from ..numpy_api import ufuncs as uf
from ..numpy_api import shapes as sh
from ..conversion import asarray, promote, check_arraylike
from ..numpy_api.creation import eye, zeros, zeros_like
from .linalg import _batch_broadcast, _inexact


def block_diag(*arrs):
    """Block-diagonal matrix from 0-, 1- or 2-d blocks."""
    if len(arrs) == 0:
        arrs = (zeros((1, 0)),)
    arrs = promote(*[asarray(a) for a in arrs])
    for i, a in enumerate(arrs):
        if a.ndim > 2:
            raise ValueError("Arguments to jax.scipy.linalg.block_diag must have at most 2 "
                             f"dimensions, got {a} at argument {i}.")
    arrs = [sh.atleast_2d(a) for a in arrs]
    total = sum(a.shape[1] for a in arrs)
    rows, col = [], 0
    for a in arrs:
        rows.append(sh.concatenate([zeros((a.shape[0], col), a.dtype), a,
                                    zeros((a.shape[0], total - col - a.shape[1]), a.dtype)],
                                   axis=1))
        col += a.shape[1]
    return sh.concatenate(rows, axis=0)


def _from_elements(elems, index):
    """elems[..., index] for a static 2-d integer index."""
    return elems[..., np.asarray(index, np.int32)]


def toeplitz(c, r=None):
    """Toeplitz matrix with first column c and first row r (default conj(c))."""
    if r is None:
        check_arraylike("toeplitz", c)
        c = sh.atleast_1d(asarray(c))
        r = uf.conj(c)
    else:
        check_arraylike("toeplitz", c, r)
        c, r = sh.atleast_1d(asarray(c)), sh.atleast_1d(asarray(r))
    c, r = promote(c, r)
    c, r = _batch_broadcast(c, r, 1, 1)
    nc, nr = c.shape[-1], r.shape[-1]
    if nc == 0 or nr == 0:
        return zeros(tuple(c.shape[:-1]) + (nc, nr), c.dtype)
    elems = sh.concatenate([sh.flip(c, -1), r[..., 1:]], axis=-1)
    i, j = np.arange(nc)[:, None], np.arange(nr)[None, :]
    return _from_elements(elems, nc - 1 - i + j)


def hankel(c, r=None):
    """Hankel matrix with first column c and last row r (default zeros)."""
    check_arraylike("hankel", c) if r is None else check_arraylike("hankel", c, r)
    c = asarray(c)
    r = zeros_like(c) if r is None else asarray(r)
    if c.ndim == 0:
        raise ValueError("hankel: c must be at least 1-dimensional, got a scalar.")
    if r.ndim == 0:
        raise ValueError("hankel: r must be at least 1-dimensional, got a scalar.")
    c, r = promote(c, r)
    c, r = _batch_broadcast(c, r, 1, 1)
    nc, nr = c.shape[-1], r.shape[-1]
    if nc == 0 or nr == 0:
        return zeros(tuple(c.shape[:-1]) + (nc, nr), c.dtype)
    elems = sh.concatenate([c, r[..., 1:]], axis=-1)
    return _from_elements(elems, np.arange(nc)[:, None] + np.arange(nr)[None, :])


def circulant(c):
    """Circulant matrix with first column c."""
    check_arraylike("circulant", c)
    c = sh.atleast_1d(asarray(c))
    n = c.shape[-1]
    return _from_elements(c, (np.arange(n)[:, None] - np.arange(n)[None, :]) % n)


def _first_row_set(matrix, row):
    """matrix with row 0 replaced by `row` (batched)."""
    n = matrix.shape[-2]
    first = np.zeros((n, 1), bool)
    first[0] = True
    return uf.where(first, row[..., None, :], matrix)


def leslie(f, s):
    """Leslie matrix: fecundities f in the first row, survivals s on the subdiagonal."""
    check_arraylike("leslie", f, s)
    f, s = promote(sh.atleast_1d(asarray(f)), sh.atleast_1d(asarray(s)))
    if f.shape[-1] < 2:
        raise ValueError("The length of f along the last axis must be at least 2; got shape "
                         f"{tuple(f.shape)}.")
    if s.shape[-1] != f.shape[-1] - 1:
        raise ValueError("Incorrect lengths for f and s. The length of s along the last axis "
                         "must be one less than the length of f; got f shape "
                         f"{tuple(f.shape)} and s shape {tuple(s.shape)}.")
    f, s = _batch_broadcast(f, s, 1, 1)
    n = f.shape[-1]
    sub = sh.concatenate([zeros(tuple(s.shape[:-1]) + (1,), s.dtype), s], axis=-1)
    matrix = uf.where(np.eye(n, k=-1, dtype=bool), sub[..., :, None], zeros((), f.dtype))
    return _first_row_set(matrix, f)


def companion(a):
    """Companion matrix of the polynomial with coefficients a (a[0] != 0)."""
    check_arraylike("companion", a)
    a = sh.atleast_1d(_inexact(a))
    if a.shape[-1] < 2:
        raise ValueError("The length of `a` along the last axis must be at least 2; got shape "
                         f"{tuple(a.shape)}.")
    first_row = -a[..., 1:] / a[..., :1]
    m = a.shape[-1] - 1
    out = sh.broadcast_to(eye(m, k=-1, dtype=first_row.dtype), tuple(a.shape[:-1]) + (m, m))
    return _first_row_set(out, first_row)


def fiedler(a):
    """Symmetric Fiedler matrix |a_i - a_j|."""
    check_arraylike("fiedler", a)
    a = sh.atleast_1d(asarray(a))
    return uf.abs(a[..., :, None] - a[..., None, :])


def fiedler_companion(a):
    """Fiedler companion matrix (pentadiagonal) of the polynomial with coefficients a."""
    check_arraylike("fiedler_companion", a)
    a = sh.atleast_1d(_inexact(a))
    if a.shape[-1] == 0:
        raise ValueError("fiedler_companion requires the last axis of 'a' to have nonzero "
                         f"length, but got an array of shape {tuple(a.shape)}.")
    n = a.shape[-1] - 1
    batch = tuple(a.shape[:-1])
    if n == 0:
        return zeros(batch + (0, 0), a.dtype)
    a = a / a[..., :1]
    if n == 1:
        return sh.reshape(-a[..., 1:], batch + (1, 1))
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    super_val = -_from_elements(a, np.broadcast_to(np.minimum(i + 2, n), (n, n)))
    sub_val = -_from_elements(a, np.broadcast_to(np.minimum(i + 1, n), (n, n)))
    even, odd = i % 2 == 0, i % 2 == 1
    out = zeros((), a.dtype)
    choices = [((i == 0) & (j == 0), -a[..., 1:2, None]), ((i == 1) & (j == 0), 1.0),
               ((j == i + 1) & even, super_val), ((j == i + 2) & even, 1.0),
               ((j == i - 1) & even & (i >= 2), sub_val), ((j == i - 2) & odd & (i >= 3), 1.0)]
    for cond, value in reversed(choices):  # the first matching condition wins
        out = uf.where(cond, value, out)
    return sh.broadcast_to(out, batch + (n, n)).astype(a.dtype)


def convolution_matrix(a, n, mode="full"):
    """Matrix A with A @ v == convolve(a, v, mode) for vectors v of length n."""
    n = operator.index(n)
    if n <= 0:
        raise ValueError(f"n must be a positive integer; got {n}.")
    check_arraylike("convolution_matrix", a)
    a = asarray(a)
    if a.ndim == 0:
        raise ValueError("convolution_matrix: a must be at least 1-dimensional, got a scalar.")
    m = a.shape[-1]
    if m < 1:
        raise ValueError(f"len(a) must be at least 1; got shape {tuple(a.shape)}.")
    if mode not in ("full", "valid", "same"):
        raise ValueError(f"mode must be one of 'full', 'valid', 'same'; got {mode!r}.")
    L = m + n - 1
    if mode == "same":
        trim = min(n, m) - 1
        tb, te = trim // 2, trim - trim // 2
    elif mode == "valid":
        tb = te = min(n, m) - 1
    else:
        tb = te = 0
    rows = np.arange(tb, L - te)[:, None]
    k = rows - np.arange(n)[None, :]  # A[i, j] = a[i - j]
    valid = (k >= 0) & (k < m)
    return uf.where(valid, _from_elements(a, np.clip(k, 0, m - 1)), zeros((), a.dtype))


def _default_float():
    return dtypes.default_float_dtype()


def hilbert(n):
    """Hilbert matrix 1 / (i + j + 1)."""
    a = np.arange(n, dtype=_default_float())[:, None]
    return asarray(1 / (a + a.T + 1))


def invhilbert(n):
    """Inverse of the Hilbert matrix (exact integers, rounded to the float dtype)."""
    out = np.empty((n, n), dtype=object)
    for i in range(n):
        for j in range(n):
            s = i + j
            out[i, j] = ((-1) ** s * (s + 1) * math.comb(n + i, n - j - 1)
                         * math.comb(n + j, n - i - 1) * math.comb(s, i) ** 2)
    return asarray(out.astype(np.float64).astype(_default_float()))


def _binomials(n):
    return np.array([[math.comb(i, j) for j in range(n)] for i in range(n)], dtype=object)


def pascal(n, kind=None):
    """Pascal matrix ('symmetric', 'lower' or 'upper'), float32 as in JAX."""
    kind = "symmetric" if kind is None else kind
    if kind not in ("symmetric", "lower", "upper"):
        raise ValueError(f"Expected kind to be on of: ['symmetric', 'lower', 'upper']; got {kind}")
    L = _binomials(n)
    out = L if kind == "lower" else L.T if kind == "upper" else L.dot(L.T)
    return asarray(out.astype(np.float64).astype(np.float32))


def invpascal(n, kind=None):
    """Inverse of the Pascal matrix."""
    kind = "symmetric" if kind is None else kind
    if kind not in ("symmetric", "lower", "upper"):
        raise ValueError(f"Expected kind to be one of: ['symmetric', 'lower', 'upper']; got "
                         f"{kind}")
    L = _binomials(n)
    sign = np.array([[(-1) ** (i - j) for j in range(n)] for i in range(n)], dtype=object)
    L_inv = L * sign
    out = L_inv if kind == "lower" else L_inv.T if kind == "upper" else L_inv.T.dot(L_inv)
    return asarray(out.astype(np.float64).astype(_default_float()))


def helmert(n, full=False):
    """Helmert matrix (orthonormal rows orthogonal to the ones vector)."""
    if n < 1:
        raise ValueError(f"n must be a positive integer; got {n}.")
    i = np.arange(n - 1)[:, None]
    j = np.arange(n)[None, :]
    k = (i + 1).astype(np.float64)
    denom = np.sqrt(k * (k + 1))
    H = np.where(j <= i, 1.0 / denom, np.where(j == i + 1, -k / denom, 0.0))
    if full:
        H = np.concatenate([np.full((1, n), 1.0 / np.sqrt(n)), H], axis=0)
    return asarray(H.astype(_default_float()))


def hadamard(n, dtype=int):
    """Sylvester-construction Hadamard matrix of order n (a power of 2)."""
    if n < 1 or not math.log2(n).is_integer():
        raise ValueError(f"n must be a positive power of 2; got {n}.")
    H = np.ones((1, 1), dtype=np.int64)
    for _ in range(int(math.log2(n))):
        H = np.block([[H, H], [H, -H]])
    return asarray(H, dtype=dtype)


def dft(n, scale=None, *, dtype=None):
    """Discrete Fourier transform matrix exp(-2 pi i j k / n) (complex)."""
    if scale is not None and scale not in ("sqrtn", "n"):
        raise ValueError(f"scale must be None, 'sqrtn', or 'n'; got {scale!r}.")
    dtype = dtypes.default_complex_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "c":
        raise ValueError(f"dtype must be a complex floating-point type; got {dtype}.")
    a = np.arange(n)
    omegas = np.exp(-2j * np.pi * a[:, None] * a[None, :] / n)
    if scale == "sqrtn":
        omegas = omegas / np.sqrt(n)
    elif scale == "n":
        omegas = omegas / n
    return Array(omegas.astype(dtype), False)
