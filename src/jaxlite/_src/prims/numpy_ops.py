"""XLA's elementwise semantics on eager NumPy arrays, exactly rounded: the NumPy
namespace the XLA-exact kernels (xla_math.py) and the PRNG (random/) are written on.

`fma` rounds x * y + z once, as XLA:CPU's fused multiply-adds do; integer ops wrap;
shifts past the width give 0; `rem` keeps x where y == 0, as XLA does.

    >>> from jaxlite._src.prims.numpy_ops import ops
    >>> ops.fma(np.float32(0.1), np.float32(10.0), np.float32(-1.0))
    np.float32(1.4901161e-08)
"""
import math

import numpy as np


class NumpyOps:
    """The array namespace of the XLA kernels on eager NumPy arrays: each op has the
    semantics of the matching lax operation (random/ops_numpy.py documents them all)."""

    # -- creation and shape ------------------------------------------------
    @staticmethod
    def asarray(x, dtype=None):
        if dtype is None:
            return np.asarray(x)
        dtype = np.dtype(dtype)
        if isinstance(x, np.ndarray) or isinstance(x, np.generic):
            return np.asarray(x).astype(dtype)
        return np.asarray(x, dtype=dtype)

    @staticmethod
    def full(shape, value, dtype):
        return np.full(tuple(shape), value, dtype=np.dtype(dtype))

    @staticmethod
    def iota(dtype, size):
        return np.arange(size, dtype=np.dtype(dtype))

    @staticmethod
    def reshape(x, shape):
        return np.reshape(x, tuple(shape))

    @staticmethod
    def concatenate(xs, axis=0):
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def stack(xs, axis=0):
        return np.stack(xs, axis=axis)

    @staticmethod
    def index_axis(x, i, axis):
        return np.take(np.asarray(x), i, axis=axis)

    @staticmethod
    def slice_axis(x, start, stop, axis):
        x = np.asarray(x)
        index = [slice(None)] * x.ndim
        index[axis] = slice(start, stop)
        return x[tuple(index)]

    @staticmethod
    def broadcast_to(x, shape):
        return np.broadcast_to(x, tuple(shape))

    # -- conversions -------------------------------------------------------
    @staticmethod
    def convert_element_type(x, dtype):
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(x).astype(np.dtype(dtype))

    @staticmethod
    def bitcast_convert_type(x, dtype):
        x = np.asarray(x, order="C")  # view() needs C order; keeps 0-d (no copy: ops
        # never write into their operands)
        dtype = np.dtype(dtype)
        if x.dtype.itemsize != dtype.itemsize:
            raise TypeError(
                f"bitcast_convert_type needs equal widths, got {x.dtype} -> {dtype}")
        return x.view(dtype)

    # -- integer / bitwise -------------------------------------------------
    @staticmethod
    def add(x, y):
        with np.errstate(over="ignore"):
            return np.add(x, y)

    @staticmethod
    def subtract(x, y):
        with np.errstate(over="ignore"):
            return np.subtract(x, y)

    @staticmethod
    def multiply(x, y):
        with np.errstate(over="ignore"):
            return np.multiply(x, y)

    @staticmethod
    def divide(x, y):
        with np.errstate(divide="ignore", invalid="ignore"):  # silent like JAX
            return np.divide(x, y)

    @staticmethod
    def rem(x, y):
        return integer_rem(np.asarray(x), np.asarray(y))

    @staticmethod
    def bitwise_and(x, y):
        return np.bitwise_and(x, y)

    @staticmethod
    def bitwise_or(x, y):
        return np.bitwise_or(x, y)

    @staticmethod
    def bitwise_xor(x, y):
        return np.bitwise_xor(x, y)

    @staticmethod
    def shift_left(x, n):
        x = np.asarray(x)
        bits = x.dtype.itemsize * 8
        if np.ndim(n) == 0:  # the common case: a constant shift
            n = int(n)
            return np.left_shift(x, x.dtype.type(n)) if n < bits else np.zeros_like(x)
        n = np.asarray(n).astype(x.dtype)
        ok = n < bits
        return np.where(ok, np.left_shift(x, np.where(ok, n, 0).astype(x.dtype)),
                        np.zeros((), x.dtype))

    @staticmethod
    def shift_right_logical(x, n):
        x = np.asarray(x)
        bits = x.dtype.itemsize * 8
        unsigned = np.dtype(f"uint{bits}")
        ux = x.view(unsigned) if x.dtype != unsigned else x
        if np.ndim(n) == 0:
            n = int(n)
            out = np.right_shift(ux, unsigned.type(n)) if n < bits else np.zeros_like(ux)
        else:
            n = np.asarray(n).astype(unsigned)
            ok = n < bits
            out = np.where(ok, np.right_shift(ux, np.where(ok, n, 0).astype(unsigned)),
                           np.zeros((), unsigned))
        return out.view(x.dtype) if x.dtype != unsigned else out

    # -- floating point ----------------------------------------------------
    @staticmethod
    def fma(x, y, z):
        x, y, z = np.asarray(x), np.asarray(y), np.asarray(z)
        dtype = np.result_type(x, y, z)
        if dtype == np.float64:
            return _fma_float64(x, y, z)
        if dtype in (np.float32, np.float16) or dtype.name == "bfloat16":
            return _fma_via_float64(x, y, z, dtype)
        raise TypeError(f"fma: unsupported dtype {dtype}")

    @staticmethod
    def sqrt(x):
        return np.sqrt(x)

    @staticmethod
    def log(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x)

    @staticmethod
    def abs(x):
        return np.abs(x)

    @staticmethod
    def negative(x):
        return np.negative(x)

    @staticmethod
    def maximum(x, y):
        return np.maximum(x, y)

    @staticmethod
    def minimum(x, y):
        return np.minimum(x, y)

    @staticmethod
    def floor(x):
        return np.floor(x)

    @staticmethod
    def exp(x):
        with np.errstate(over="ignore", under="ignore"):
            return np.exp(x)

    @staticmethod
    def tan(x):
        return np.tan(x)

    @staticmethod
    def nextafter(x, y):
        return np.nextafter(x, y)

    @staticmethod
    def power(x, y):
        with np.errstate(all="ignore"):
            return np.power(x, y)

    @staticmethod
    def rsqrt(x):
        x = np.asarray(x)
        if x.dtype == np.float64:
            return 1.0 / np.sqrt(x)
        return (1.0 / np.sqrt(x.astype(np.float64))).astype(x.dtype)

    @staticmethod
    def any(x):
        return np.any(x)

    @staticmethod
    def while_loop(cond, body, init):
        state = init
        while cond(state):
            state = body(state)
        return state

    # -- comparisons and selection -----------------------------------------
    @staticmethod
    def less(x, y):
        return np.less(x, y)

    @staticmethod
    def less_equal(x, y):
        return np.less_equal(x, y)

    @staticmethod
    def greater(x, y):
        return np.greater(x, y)

    @staticmethod
    def equal(x, y):
        return np.equal(x, y)

    @staticmethod
    def logical_and(x, y):
        return np.logical_and(x, y)

    @staticmethod
    def logical_or(x, y):
        return np.logical_or(x, y)

    @staticmethod
    def logical_not(x):
        return np.logical_not(x)

    @staticmethod
    def where(cond, x, y):
        return np.where(cond, x, y)


def integer_rem(x, y):
    """XLA's integer remainder: truncating toward zero like C (np.fmod; np.remainder
    floors), and x rem 0 == x. A constant unsigned divisor (randint's span) takes
    x - (x // y) * y: NumPy divides by a scalar with a precomputed reciprocal, ~10x
    faster than fmod, and for unsigned integers floor and truncation agree."""
    if np.ndim(y) == 0:
        if y == 0:
            return np.array(np.broadcast_to(x, np.broadcast_shapes(np.shape(x), np.shape(y))),
                            np.result_type(x, y))
        if np.result_type(x, y).kind == "u":
            # one fresh array, not three: randint reduces three 10^6 arrays this way
            remainder = np.floor_divide(x, y)
            if not isinstance(remainder, np.ndarray):
                return np.subtract(x, np.multiply(remainder, y))
            np.multiply(remainder, y, out=remainder)
            return np.subtract(x, remainder, out=remainder)
        return np.fmod(x, y)
    zero = np.equal(y, 0)
    out = np.where(zero, x, np.fmod(x, np.where(zero, np.ones((), np.result_type(y)), y)))
    return out


def _round_to_odd_sum(a, b):
    """a + b in float64, rounded to odd instead of to nearest.

    Rounding to odd keeps a sticky bit of everything that was discarded, so a
    later rounding to a precision at least two bits narrower is the correct
    rounding of the exact sum (Boldo & Melquiond).
    """
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)  # TwoSum: a + b == s + err exactly
    even = (s.view(np.uint64) & np.uint64(1)) == 0
    nudge = (err != 0) & even & np.isfinite(s)
    toward = np.where(err > 0, np.inf, -np.inf)
    return np.where(nudge, np.nextafter(s, toward), s)


_FMA_CHUNK = 1 << 15  # elements per pass over a large array, in float64 buffers allocated
# once per call and reused (fresh whole-array temporaries are mmapped: page faults dominate)


def _fma_via_float64(x, y, z, dtype):
    # A product of two float32 (or float16) values is exact in float64, so
    # only the float64 sum rounds before the final rounding to `dtype`.  That
    # double rounding can only go wrong when the float64 sum lands exactly
    # halfway between two `dtype` values (a value is then on the wrong side of
    # the midpoint only if the float64 sum rounded onto it); blocks holding such
    # elements (or results too small to be normal, whose midpoints lie elsewhere)
    # are redone with a round-to-odd sum, which is correct for every element.
    exact = _fma_scaling_by_power_of_two(x, y, z, dtype)
    if exact is not None:
        return exact
    if x.size * y.size * z.size <= _FMA_CHUNK:  # bounds the broadcast size: small at once
        return _fma_via_float64_block(x, y, z, dtype)
    shape = np.broadcast_shapes(x.shape, y.shape, z.shape)
    size = math.prod(shape)
    if size <= _FMA_CHUNK:
        return _fma_via_float64_block(x, y, z, dtype)
    # Large arrays go in blocks through buffers reused from block to block, with the
    # ufuncs writing into them (out=): the same values as the one-block path.
    flat = [np.float64(a.reshape(())) if a.size == 1 else np.broadcast_to(a, shape).reshape(-1)
            for a in (x, y, z)]  # scalars (Horner's coefficients) stay scalars
    out = np.empty(size, dtype)
    n = _FMA_CHUNK
    product, total, low, flag = (np.empty(n, np.float64), np.empty(n, np.float64),
                                 np.empty(n, np.uint64), np.empty(n, bool))
    info = np.finfo(dtype)
    dropped = 52 - info.nmant
    low_mask, half = np.uint64((1 << dropped) - 1), np.uint64(1 << (dropped - 1))
    magnitude = np.uint64((1 << 63) - 1)
    tiny_bits = np.float64(info.tiny).view(np.uint64)
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, size, n):
            m = min(n, size - start)
            xs, ys, zs = [a if a.ndim == 0 else a[start:start + m] for a in flat]
            p, s, lb, fb = product[:m], total[:m], low[:m], flag[:m]
            r = out[start:start + m]
            np.multiply(xs, ys, out=p, dtype=np.float64)
            np.add(p, zs, out=s, dtype=np.float64)
            r[...] = s  # rounds to nearest
            bits = s.view(np.uint64)
            np.bitwise_and(bits, low_mask, out=lb)
            np.equal(lb, half, out=fb)
            midpoint = fb.any()
            np.bitwise_and(bits, magnitude, out=lb)
            np.less(lb, tiny_bits, out=fb)
            tiny = fb.any()
            if midpoint or tiny:
                _round_suspects_to_odd(p, zs, s, r, low_mask, half, fb)
    return out.reshape(shape)


def _round_suspects_to_odd(p, z, s, r, low_mask, half, tiny):
    """Fix `r` (the rounding of s = fl64(p + z)) where double rounding can err: where
    s is a midpoint of r's dtype or tiny (`tiny` flags those). Only those elements
    are redone, rounded to odd (round_sum_to_odd)."""
    bits = s.view(np.uint64)
    suspect = ((bits & low_mask) == half) | tiny
    where = np.flatnonzero(suspect)
    if where.size:
        zs = z if np.ndim(z) == 0 else z[where]
        r[where] = round_sum_to_odd(p[where], zs, s[where])


def round_sum_to_odd(p, z, s):
    """s = fl64(p + z) rounded to odd instead: where the float64 sum was inexact and s
    is even, s nudged one ulp toward the exact sum. Rounding that to a format at least
    two bits narrower is the correct rounding of p + z (Boldo & Melquiond); exact sums,
    frequent for short operands, stay as they are."""
    with np.errstate(invalid="ignore"):
        b = s - p
        error = (p - (s - b)) + (z - b)  # TwoSum: p + z == s + error exactly
        nudge = (error != 0) & ((s.view(np.uint64) & np.uint64(1)) == 0) & np.isfinite(s)
        if not nudge.any():
            return s
        return np.where(nudge, np.nextafter(s, np.where(error > 0, np.inf, -np.inf)), s)


def _power_of_two_at_least_one(a):
    """Whether the one-element array `a` is 0 or +-2**k with k >= 0."""
    if a.size != 1:
        return False
    value = float(a.reshape(()))
    mantissa, _ = math.frexp(value)
    return value == 0 or (abs(mantissa) == 0.5 and abs(value) >= 1)


def _fma_scaling_by_power_of_two(x, y, z, dtype):
    """x * y + z when one factor is one element equal to 0 or +-2**k, k >= 0 (uniform's
    scale: maxval - minval is 1 or 2 for uniform and normal), else None. The product in
    `dtype` is then exact unless it overflows (its bits only shift up), so `dtype`'s own
    rounded add is the fused result. Overflow and NaN fall back to the general path."""
    if _power_of_two_at_least_one(y):
        array, scale = x, y
    elif _power_of_two_at_least_one(x):
        array, scale = y, x
    else:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        if float(scale.reshape(())) == 1:  # x * 1 is x: one add, nothing can overflow
            return np.add(array, z, dtype=dtype)
        product = np.multiply(array, scale.astype(dtype).reshape(()), dtype=dtype)
        # all finite iff the largest and smallest are (NaN propagates): no flag array
        if product.size and not (np.isfinite(product.max()) and np.isfinite(product.min())):
            return None
        out = np.add(product, z, out=product if product.shape == np.broadcast_shapes(
            product.shape, z.shape) and product.ndim else None, dtype=dtype)
    return out


_ROUNDING = {}  # dtype -> (mask of the float64 bits it drops, their midpoint, its tiny)


def _rounding(dtype):
    constants = _ROUNDING.get(dtype)
    if constants is None:
        info = np.finfo(dtype)
        dropped = 52 - info.nmant
        constants = _ROUNDING[dtype] = (np.uint64((1 << dropped) - 1),
                                        np.uint64(1 << (dropped - 1)), np.float64(info.tiny))
    return constants


def _fma_via_float64_block(x, y, z, dtype):
    # Lean on purpose: the XLA-exact kernels (xla_math, erf_inv's generic path) call this
    # ~20-30 times per draw, on arrays of a few elements in scalar draws, where each NumPy
    # call and each constant made costs as much as the arithmetic.
    low_mask, half, tiny = _rounding(dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        # the ufuncs cast their float32 operands as they go: no float64 copies of x, y, z
        s = np.multiply(x, y, dtype=np.float64)
        if s.ndim and (np.ndim(z) == 0 or np.shape(z) == s.shape):
            np.add(s, z, out=s, dtype=np.float64)
        else:
            s = np.asarray(np.add(s, z, dtype=np.float64))
        out = np.asarray(s.astype(dtype))
        suspect = (np.bitwise_and(s.view(np.uint64), low_mask) == half) | (np.abs(s) < tiny)
        if suspect.any():
            xs, ys, zs, out = np.broadcast_arrays(x, y, z, out)
            out = out.copy()
            product = xs[suspect].astype(np.float64) * ys[suspect].astype(np.float64)
            out[suspect] = _round_to_odd_sum(product, zs[suspect].astype(np.float64)).astype(dtype)
        return out[()] if out.ndim == 0 else out


def _two_product(a, b):
    """Dekker's exact product: a * b == hi + lo (no overflow assumed)."""
    hi = a * b
    split = 134217729.0  # 2**27 + 1 (Veltkamp splitting of 53-bit mantissas)
    ca = split * a
    a_hi = ca - (ca - a)
    a_lo = a - a_hi
    cb = split * b
    b_hi = cb - (cb - b)
    b_lo = b - b_hi
    lo = ((a_hi * b_hi - hi) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return hi, lo


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fma_float64(x, y, z):
    # x*y + z = hi + lo + z exactly; sum three floats correctly rounded with
    # the round-to-odd algorithm of Boldo & Melquiond.
    with np.errstate(over="ignore", invalid="ignore"):
        x, y, z = np.broadcast_arrays(x.astype(np.float64), y.astype(np.float64),
                                      z.astype(np.float64))
        hi, lo = _two_product(x, y)
        s_hi, s_lo = _two_sum(z, hi)
        v = _round_to_odd_sum(s_lo, lo)
        out = s_hi + v
        naive = x * y + z
        # Fall back to the plain expression where the error-free transforms
        # are invalid (infinities, NaNs, overflow of the partial products).
        # ... and where the result is zero: its sign then follows IEEE addition of
        # x*y (exact in that case) and z, which the naive expression gets right.
        return np.where(np.isfinite(out) & np.isfinite(hi) & (out != 0), out, naive)


ops = NumpyOps()
