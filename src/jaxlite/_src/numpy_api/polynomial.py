"""Polynomials as coefficient arrays, highest power first: polyval, poly, polyadd, polysub,
polymul, polydiv, polyder, polyint, polyfit, roots."""
import numpy as np

from .. import core
from ..array import Array
from ..conversion import asarray, convert, promote, promote_inexact, check_arraylike
from .. import numpy_api  # linalg loads at first use (PEP 562)
from .manipulation import static_int, _concat, trim_zeros
from .padding import pad
from . import ufuncs as uf
from .shapes import broadcast_to
from .reductions import sum
from .numeric import vander
from .contractions import matmul, outer


def _check_1d(name, *arrays):
    for a in arrays:
        if a.ndim != 1:
            raise ValueError(f"jnp.{name}: input arrays must be 1-D, got shape {a.shape}")


def polyval(p, x, *, unroll=16):
    """Evaluate the polynomial with coefficients `p` at `x` (Horner's scheme)."""
    check_arraylike("polyval", p, x)
    p, x = promote(p, x)
    if p.ndim == 0:
        raise IndexError("polyval: p must have at least one axis (the coefficients run "
                         "along axis 0), got a scalar")
    # Coefficients along axis 0; the rest broadcast with x (diffrax evaluates a stack of
    # polynomials, one per state element, at one time).
    shape = np.broadcast_shapes(p.shape[1:], x.shape)
    y = broadcast_to(convert(Array(np.zeros((), x.dtype), False), x.dtype), shape)
    for i in range(p.shape[0]):
        y = uf.add(uf.multiply(y, x), p[i])
    return y


def _full_convolution(a, b):
    """Coefficients of the product polynomial: sum of shifted, scaled copies of b."""
    n, m = a.shape[0], b.shape[0]
    if n == 0 or m == 0:
        return convert(Array(np.zeros(0), False), a.dtype)
    total = None
    for i in range(n):
        term = pad(uf.multiply(a[i], b), (i, n - 1 - i))
        total = term if total is None else uf.add(total, term)
    return total


def polymul(a1, a2, *, trim_leading_zeros=False):
    """Product of two polynomials."""
    check_arraylike("polymul", a1, a2)
    a, b = promote_inexact(a1, a2)
    if trim_leading_zeros and (a.shape[0] > 1 or b.shape[0] > 1):
        a, b = trim_zeros(a, trim="f"), trim_zeros(b, trim="f")
    if a.ndim == 0:
        a = a.reshape((1,))
    if b.ndim == 0:
        b = b.reshape((1,))
    return _full_convolution(a, b)


def _aligned(a1, a2):
    a, b = promote(a1, a2)
    a, b = a.reshape((-1,)) if a.ndim == 0 else a, b.reshape((-1,)) if b.ndim == 0 else b
    n = max(a.shape[0], b.shape[0])
    return pad(a, (n - a.shape[0], 0)), pad(b, (n - b.shape[0], 0))


def polyadd(a1, a2):
    """Sum of two polynomials (the shorter is padded with leading zeros)."""
    check_arraylike("polyadd", a1, a2)
    a, b = _aligned(a1, a2)
    return uf.add(a, b)


def polysub(a1, a2):
    """Difference of two polynomials."""
    check_arraylike("polysub", a1, a2)
    a, b = _aligned(a1, a2)
    return uf.subtract(a, b)


def polydiv(u, v, *, trim_leading_zeros=False):
    """(quotient, remainder) of polynomial division."""
    check_arraylike("polydiv", u, v)
    u, v = promote_inexact(u, v)
    m, n = u.shape[0] - 1, v.shape[0] - 1
    scale = uf.divide(1.0, v[0])
    q = convert(Array(np.zeros(max(m - n + 1, 1)), False), u.dtype)
    r = u
    for k in range(0, m - n + 1):
        d = uf.multiply(scale, r[k])
        q = q.at[k].set(d)
        r = r.at[k:k + n + 1].add(uf.negative(uf.multiply(d, v)))
    if trim_leading_zeros:
        value = np.asarray(core.concrete_or_error(r, "jnp.polydiv with trim_leading_zeros"))
        tol = np.sqrt(np.finfo(value.dtype).eps)
        nonzero = np.nonzero(np.abs(value) > tol)[0]
        r = r[nonzero[0]:] if nonzero.size else r[:0]
    return q, r


def polyder(p, m=1):
    """The m-th derivative of a polynomial."""
    check_arraylike("polyder", p)
    m = static_int(m, "the m argument of jnp.polyder")
    if m < 0:
        raise ValueError("Order of derivative must be positive")
    (p,) = promote_inexact(p)
    if m == 0:
        return p
    n = p.shape[0]
    if m >= n:
        return convert(Array(np.zeros(0), False), p.dtype)
    coeff = np.prod(np.arange(m, n)[None] - np.arange(m)[:, None], axis=0)[::-1]
    return uf.multiply(p[:-m], convert(Array(coeff.astype(np.float64), False), p.dtype))


def polyint(p, m=1, k=None):
    """The m-th antiderivative, with integration constants `k` (default zeros)."""
    check_arraylike("polyint", p)
    m = static_int(m, "the m argument of jnp.polyint")
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    k_arr = Array(np.zeros(m), False) if k is None else asarray(k)
    if k_arr.ndim == 0:
        k_arr = broadcast_to(k_arr, (m,))
    if k_arr.shape != (m,):
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or m.")
    p, k_arr = promote_inexact(p, k_arr)
    if m == 0:
        return p
    grid = np.arange(p.shape[0] + m)[None] - np.arange(m)[:, None]
    coeff = np.maximum(1, grid).prod(0)[::-1]
    return uf.true_divide(_concat([p, k_arr], 0), convert(Array(coeff.astype(np.float64), False),
                                                          p.dtype))


def poly(seq_of_zeros):
    """Coefficients of the monic polynomial with the given roots (1-D input)."""
    check_arraylike("poly", seq_of_zeros)
    (z,) = promote_inexact(seq_of_zeros)
    if z.ndim == 2 and z.shape[0] == z.shape[1] and z.shape[0]:
        z = numpy_api.linalg.eigvals(z)
    elif z.ndim != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    a = convert(Array(np.ones(1), False), z.dtype)
    for i in range(z.shape[0]):
        a = _full_convolution(a, _concat([convert(Array(np.ones(1), False), z.dtype),
                                          uf.negative(z[i:i + 1])], 0))
    return a


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least-squares polynomial fit of degree `deg` (columns scaled as in JAX)."""
    check_arraylike("polyfit", x, y)
    deg = static_int(deg, "deg")
    if deg < 0:
        raise ValueError("expected deg >= 0")
    x, y = promote_inexact(x, y)
    if x.ndim != 1 or x.shape[0] == 0:
        raise ValueError("expected 1D vector for x")
    if y.ndim < 1 or y.ndim > 2 or y.shape[0] != x.shape[0]:
        raise ValueError("expected y to be 1D or 2D with the length of x")
    lhs = vander(x, deg + 1)
    rhs = y
    if w is not None:
        (w,) = promote_inexact(w)
        lhs = uf.multiply(lhs, w[:, None])
        rhs = uf.multiply(rhs, w if rhs.ndim == 1 else w[:, None])
    scale = uf.sqrt(sum(uf.multiply(lhs, lhs), axis=0))
    lhs = uf.divide(lhs, scale)
    linalg = numpy_api.linalg
    if rcond is None:
        rcond = x.shape[0] * float(np.finfo(x.dtype).eps)
    c, resids, rank, s = linalg.lstsq(lhs, rhs, rcond)
    c = uf.divide(c.T, scale).T
    if full:
        return c, resids, rank, s, rcond
    if cov:
        base = uf.divide(linalg.inv(matmul(lhs.T, lhs)), outer(scale, scale))
        fac = uf.divide(resids, (x.shape[0] - deg - 1) if cov != "unscaled" else 1.0)
        if cov == "unscaled":
            return c, base
        return c, (uf.multiply(base, fac) if y.ndim == 1 else
                   uf.multiply(base[:, :, None], fac[None, None, :]))
    return c


def roots(p, *, strip_zeros=True):
    """Roots of a polynomial (needs complex eigenvalues: not supported yet)."""
    raise NotImplementedError("jnp.roots needs complex eigenvalues, which jaxlite does not "
                              "support yet")
