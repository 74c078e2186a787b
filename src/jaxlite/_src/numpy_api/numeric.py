"""Differences, integrals and geometry: diff, ediff1d, gradient, trapezoid, unwrap, interp,
cross, kron, vander, matvec, vecmat, geomspace and the window functions (bartlett,
blackman, hamming, hanning, kaiser)."""
import builtins

import numpy as np

from .. import dtypes
from ..array import Array
from ..conversion import asarray, convert, promote, promote_inexact, check_arraylike
from .shapes import canonical_axes, broadcast_to, ravel, reshape, moveaxis, stack, broadcast_arrays
from .manipulation import slice_in_dim, static_int, _concat
from . import ufuncs as uf
from .reductions import sum
from .ufuncs import remainder, where, logical_and, equal, greater, less, absolute, clip, less_equal
from .cumulative import cumsum
from .sorting import searchsorted, argsort
from .contractions import matmul
from .creation import logspace
from .mathfuncs import i0


def _axis(axis, ndim):
    return canonical_axes(axis, ndim)[0]


# ---- differences --------------------------------------------------------------------------------
def diff(a, n=1, axis=-1, prepend=None, append=None):
    """The n-th discrete difference along `axis` (`not_equal` for booleans, as in NumPy)."""
    check_arraylike("diff", a)
    x = asarray(a)
    n = static_int(n, "the n argument of jnp.diff")
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    if n == 0:
        return x
    if x.ndim == 0:
        raise ValueError(f"diff requires input that is at least one dimensional; got {a}")
    axis = _axis(axis, x.ndim)

    def as_block(extra):
        e = asarray(extra)
        if e.ndim == 0:
            shape = list(x.shape)
            shape[axis] = 1
            e = broadcast_to(e, tuple(shape))
        return e

    pieces = ([as_block(prepend)] if prepend is not None else []) + [x] + \
        ([as_block(append)] if append is not None else [])
    if len(pieces) > 1:
        x = _concat(promote(*pieces), axis)
    op = uf.not_equal if x.dtype == np.bool_ else uf.subtract
    for _ in range(n):
        m = x.shape[axis]
        x = op(slice_in_dim(x, 1, m, axis), slice_in_dim(x, 0, builtins.max(m - 1, 0), axis))
    return x


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of consecutive elements of the flattened array, with optional ends."""
    x = ravel(asarray(ary))
    result = diff(x) if x.shape[0] else x
    pieces = []
    if to_begin is not None:
        pieces.append(convert(ravel(asarray(to_begin)), x.dtype))
    pieces.append(result)
    if to_end is not None:
        pieces.append(convert(ravel(asarray(to_end)), x.dtype))
    return _concat(pieces, 0) if len(pieces) > 1 else result


def gradient(f, *varargs, axis=None, edge_order=None):
    """Central differences inside, one-sided at the edges (JAX supports edge_order 1 only).
    Spacing per axis: a scalar or a coordinate array. A list for several axes."""
    if edge_order is not None:
        raise NotImplementedError("The 'edge_order' argument to jnp.gradient is not supported.")
    (x,) = promote_inexact(f)
    axes = canonical_axes(axis, x.ndim) if axis is not None else tuple(range(x.ndim))
    if isinstance(axis, int):
        axes = (_axis(axis, x.ndim),)
    elif axis is not None:
        axes = tuple(_axis(a, x.ndim) for a in axis)
    if not varargs:
        spacings = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        spacings = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        spacings = list(varargs)
    else:
        raise TypeError("Invalid number of spacing arguments for jnp.gradient")
    results = []
    for ax, h in zip(axes, spacings):
        if x.shape[ax] < 2:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least 2 elements are required.")
        s = lambda start, stop: slice_in_dim(x, start, stop, ax)
        upper = uf.subtract(s(1, 2), s(0, 1))
        lower = uf.subtract(s(-1, None), s(-2, -1))
        if np.ndim(h) == 0:
            (h,) = promote_inexact(h)
            h = convert(h, x.dtype, True) if type(h) is float else h
            inner = uf.divide(uf.multiply(uf.subtract(s(2, None), s(None, -2)), 0.5), h)
            upper, lower = uf.divide(upper, h), uf.divide(lower, h)
        else:
            h = convert(asarray(h), x.dtype)
            if h.ndim != 1 or h.shape[0] != x.shape[ax]:
                raise ValueError("Spacing arrays must be 1-D with the length of the axis")
            shape = [1] * x.ndim
            shape[ax] = h.shape[0]
            h = reshape(h, tuple(shape))
            hs = lambda start, stop: slice_in_dim(h, start, stop, ax)
            upper = uf.divide(upper, uf.subtract(hs(1, 2), hs(0, 1)))
            lower = uf.divide(lower, uf.subtract(hs(-1, None), hs(-2, -1)))
            dx1 = uf.subtract(hs(1, -1), hs(0, -2))
            dx2 = uf.subtract(hs(2, None), hs(1, -1))
            a = uf.divide(uf.negative(dx2), uf.multiply(dx1, uf.add(dx1, dx2)))
            b = uf.divide(uf.subtract(dx2, dx1), uf.multiply(dx1, dx2))
            c = uf.divide(dx1, uf.multiply(dx2, uf.add(dx1, dx2)))
            inner = uf.add(uf.add(uf.multiply(a, s(0, -2)), uf.multiply(b, s(1, -1))),
                           uf.multiply(c, s(2, None)))
        results.append(_concat([upper, inner, lower], ax))
    return results[0] if len(results) == 1 else results


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of `y` along `axis` by the trapezoidal rule (samples at `x`, or spaced `dx`)."""
    if x is None:
        (y,) = promote_inexact(y)
        d = asarray(dx)
        if d.ndim:
            raise ValueError("dx must be a scalar")
        d = convert(dx, y.dtype, True) if type(dx) in (int, float) else convert(d, y.dtype)
    else:
        y, x = promote_inexact(y, x)
        if x.ndim == 1:
            d = diff(x)
        else:
            d = moveaxis(diff(x, axis=axis), axis, -1)
    y = moveaxis(y, axis, -1)
    return uf.multiply(0.5, sum(uf.multiply(d, uf.add(y[..., 1:], y[..., :-1])), axis=-1))


def unwrap(p, discont=None, axis=-1, period=2 * np.pi):
    """Unwrap phase jumps larger than `discont` (default period/2) along `axis`."""
    check_arraylike("unwrap", p)
    (x,) = promote_inexact(p)
    axis = _axis(axis, x.ndim)
    if discont is None:
        discont = uf.divide(period, 2)
    interval = uf.divide(period, 2)
    dd = diff(x, axis=axis)
    ddmod = uf.subtract(remainder(uf.add(dd, interval), period), interval)
    ddmod = where(logical_and(equal(ddmod, uf.negative(interval)), greater(dd, 0)), interval,
                  ddmod)
    correction = where(less(absolute(dd), discont), convert(0, x.dtype, True),
                       uf.subtract(ddmod, dd))
    rest = uf.add(slice_in_dim(x, 1, None, axis), cumsum(correction, axis=axis))
    return _concat([slice_in_dim(x, 0, 1, axis), convert(rest, x.dtype)], axis)


def interp(x, xp, fp, left=None, right=None, period=None):
    """One-dimensional piecewise-linear interpolation of (xp, fp) at `x`."""
    check_arraylike("interp", x, xp, fp)
    x, xp, fp = promote_inexact(x, xp, fp)
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("xp and fp must be one-dimensional")
    if xp.shape[0] != fp.shape[0]:
        raise ValueError("xp and fp must have the same length")
    if period is not None:
        if np.ndim(period):
            raise ValueError(f"period must be a scalar; got {period}")
        period = absolute(asarray(period))
        x = remainder(x, period)
        xp = remainder(xp, period)
        order = argsort(xp, stable=True)
        xp, fp = xp[order], fp[order]
        xp = _concat([uf.subtract(xp[-1:], period), xp, uf.add(xp[:1], period)], 0)
        fp = _concat([fp[-1:], fp, fp[:1]], 0)
    i = clip(searchsorted(xp, x, side="right"), 1, xp.shape[0] - 1)
    df = uf.subtract(fp[i], fp[i - 1])
    dx = uf.subtract(xp[i], xp[i - 1])
    delta = uf.subtract(x, xp[i - 1])
    epsilon = np.spacing(np.finfo(xp.dtype).eps)
    dx0 = less_equal(absolute(dx), epsilon)  # keeps gradients free of 0/0
    f = where(dx0, fp[i - 1],
              uf.add(fp[i - 1], uf.multiply(uf.divide(delta, where(dx0, 1, dx)), df)))
    if period is None:
        f = where(less(x, xp[0]), fp[0] if left is None else left, f)
        f = where(greater(x, xp[-1]), fp[-1] if right is None else right, f)
    return f


# ---- products ----------------------------------------------------------------------------------------
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors along the given axes (2-vectors give a scalar)."""
    a, b = promote(a, b)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError("Dimension must be either 2 or 3 for cross product")
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return uf.subtract(uf.multiply(a[..., 0], b[..., 1]), uf.multiply(a[..., 1], b[..., 0]))
    a0, a1 = a[..., 0], a[..., 1]
    a2 = a[..., 2] if a.shape[-1] == 3 else uf.multiply(a0, 0)
    b0, b1 = b[..., 0], b[..., 1]
    b2 = b[..., 2] if b.shape[-1] == 3 else uf.multiply(b0, 0)
    c = stack(broadcast_arrays(uf.subtract(uf.multiply(a1, b2), uf.multiply(a2, b1)),
                               uf.subtract(uf.multiply(a2, b0), uf.multiply(a0, b2)),
                               uf.subtract(uf.multiply(a0, b1), uf.multiply(a1, b0))), axis=-1)
    return moveaxis(c, -1, axisc)


def kron(a, b):
    """Kronecker product: blocks a[i, j] * b."""
    a, b = promote(a, b)
    n = builtins.max(a.ndim, b.ndim)
    a = reshape(a, (1,) * (n - a.ndim) + tuple(a.shape))
    b = reshape(b, (1,) * (n - b.ndim) + tuple(b.shape))
    a_ = reshape(a, tuple(d for s in a.shape for d in (s, 1)))
    b_ = reshape(b, tuple(d for s in b.shape for d in (1, s)))
    return reshape(uf.multiply(a_, b_), tuple(p * q for p, q in zip(a.shape, b.shape)))


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-D `x`: columns are powers of x (decreasing by default)."""
    x = asarray(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array")
    n = x.shape[0] if N is None else static_int(N, "N")
    if n < 0:
        raise ValueError("N must be nonnegative")
    powers = np.arange(n)
    if not increasing:
        powers = powers[::-1]
    exponent = convert(Array(powers.copy(), False), x.dtype)
    return uf.power(reshape(x, (x.shape[0], 1)), exponent)


def matvec(x1, x2, /):
    """Matrix-vector products over the leading (broadcast) dimensions."""
    x1, x2 = asarray(x1), asarray(x2)
    return matmul(x1, x2[..., None])[..., 0]


def vecmat(x1, x2, /):
    """Vector-matrix products (the vector conjugated) over the leading dimensions."""
    x1, x2 = asarray(x1), asarray(x2)
    return matmul(uf.conjugate(x1)[..., None, :], x2)[..., 0, :]


# ---- spaces and windows ------------------------------------------------------------------------------
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Numbers spaced evenly on a log scale between start and stop (same sign, non-zero)."""
    check_arraylike("geomspace", start, stop)
    start_, stop_ = promote_inexact(start, stop)
    sign = uf.sign(start_)
    res = logspace(uf.log10(uf.multiply(start_, sign)), uf.log10(uf.multiply(stop_, sign)),
                   num, endpoint=endpoint, base=10.0, axis=0)
    res = uf.multiply(res, sign)
    if num > 0:
        res = res.at[0].set(start_)
    if num > 1 and endpoint:
        res = res.at[-1].set(stop_)
    res = moveaxis(res, 0, axis) if res.ndim > 1 else res
    if dtype is not None:
        res = convert(res, dtypes.canonicalize_dtype(dtype))
    return res


def _window_positions(M):
    M = static_int(M, "M")
    return M, np.arange(M, dtype=np.float64)


def _window(values):
    return Array(np.asarray(values, dtypes.default_float_dtype()), False)


def bartlett(M):
    M, _ = _window_positions(M)
    return _window(np.bartlett(M))


def blackman(M):
    M, _ = _window_positions(M)
    return _window(np.blackman(M))


def hamming(M):
    M, _ = _window_positions(M)
    return _window(np.hamming(M))


def hanning(M):
    M, _ = _window_positions(M)
    return _window(np.hanning(M))


def kaiser(M, beta):
    """The Kaiser window; `beta` may be traced (and differentiated)."""
    M = static_int(M, "M")
    if M <= 0:
        return _window(np.zeros(0))
    if M == 1:
        return _window(np.ones(1))
    (beta,) = promote_inexact(beta)
    dtype = dtypes.default_float_dtype()
    alpha = 0.5 * (M - 1)
    ratio = convert(Array((np.arange(M) - alpha) / alpha, False), dtype)
    inside = uf.sqrt(uf.subtract(1.0, uf.multiply(ratio, ratio)))
    return uf.divide(i0(uf.multiply(convert(beta, dtype), inside)), i0(convert(beta, dtype)))
