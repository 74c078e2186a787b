"""More elementwise math: frexp, ldexp, modf, gcd, lcm, nan_to_num, spacing, i0, fabs,
angle, iscomplex/isreal, bitwise aliases and bit packing (packbits, unpackbits,
bitwise_count), and array comparisons (array_equiv, array_equal, allclose, isclose).
"""
import numpy as np

from .. import core, dtypes
from ..array import Array
from ..core import Tracer
from ..prims import elementwise as ew
from ..prims import transcendental as tr
from ..prims.bits import bitcast_convert_type_p
from ..conversion import asarray, convert, promote_inexact, promote_numeric, \
    check_arraylike, extended_dispatch
from . import ufuncs as uf
from .shapes import broadcast_arrays, ravel, reshape, moveaxis
from .manipulation import slice_in_dim
from .padding import pad
from .reductions import sum, all


def _int_dtype_for(dtype):
    return np.dtype(f"int{np.dtype(dtype).itemsize * 8}")


def _exponent_of(x):
    """floor(log2(|x|)) + 1 for finite non-zero x, read from the bits (subnormals too)."""
    dtype = x.dtype
    info = np.finfo(dtype)
    int_dtype = _int_dtype_for(dtype)
    # Scale subnormals into the normal range first (exact: a power of two).
    tiny = uf.less(uf.absolute(x), convert(info.tiny, dtype, True))
    scaled = uf.where(tiny, uf.multiply(x, convert(2.0 ** info.nmant, dtype, True)), x)
    bits = bitcast_convert_type_p.bind(scaled, new_dtype=int_dtype)
    mask = (1 << info.nexp) - 1
    biased = uf.bitwise_and(uf.right_shift(bits, convert(info.nmant, int_dtype, True)),
                            convert(mask, int_dtype, True))
    exponent = uf.subtract(biased, convert(-info.minexp, int_dtype, True))
    exponent = uf.where(tiny, uf.subtract(exponent, convert(info.nmant, int_dtype, True)),
                        exponent)
    return convert(exponent, dtypes.canonicalize_dtype(np.int32))


def _times_power_of_two(x, e):
    """x * 2**e exactly, splitting 2**e so that no factor overflows."""
    e = convert(e, x.dtype)
    half = uf.trunc(uf.multiply(e, 0.5))
    return uf.multiply(uf.multiply(x, uf.exp2(half)), uf.exp2(uf.subtract(e, half)))


def frexp(x, /):
    """(mantissa, exponent) with x = mantissa * 2**exponent and |mantissa| in [0.5, 1)."""
    check_arraylike("frexp", x)
    (x,) = promote_inexact(x)
    special = uf.logical_or(uf.logical_or(uf.isinf(x), uf.isnan(x)),
                            uf.equal(x, convert(0, x.dtype, True)))
    exponent = ew.stop_gradient_p.bind(_exponent_of(x))
    exponent = uf.where(special, convert(0, exponent.dtype, True), exponent)
    mantissa = _times_power_of_two(x, uf.negative(exponent))
    return uf.where(special, x, mantissa), exponent


def ldexp(x1, x2, /):
    """x1 * 2**x2 (x2 integer)."""
    check_arraylike("ldexp", x1, x2)
    x2 = asarray(x2)
    if not dtypes.is_integer(x2.dtype):
        raise ValueError(f"ldexp got a non-integer exponent of dtype {x2.dtype}")
    (x1,) = promote_inexact(x1)
    return _times_power_of_two(x1, x2)


def modf(x, /, out=None):
    """(fractional part, integral part), both with the sign of x."""
    check_arraylike("modf", x)
    (x,) = promote_inexact(x)
    whole = uf.where(uf.greater_equal(x, convert(0, x.dtype, True)), uf.floor(x), uf.ceil(x))
    return uf.subtract(x, whole), whole


def _euclid_step(a, b):
    zero = convert(0, a.dtype, True)
    nonzero = uf.not_equal(b, zero)
    a, b = (uf.where(nonzero, b, a),
            uf.where(nonzero, tr.rem_p.bind(a, uf.where(nonzero, b, convert(1, b.dtype, True))),
                     zero))
    swap = uf.less(a, b)
    return uf.where(swap, b, a), uf.where(swap, a, b)


def gcd(x1, x2):
    """Greatest common divisor of integers (elementwise, non-negative)."""
    check_arraylike("gcd", x1, x2)
    x1, x2 = promote_numeric(x1, x2)
    if not dtypes.is_integer(x1.dtype):
        raise ValueError("Arguments to jax.numpy.gcd must be integers.")
    a, b = broadcast_arrays(uf.absolute(x1), uf.absolute(x2))
    # Euclid's algorithm: a concrete input stops when done; a traced one runs the worst
    # case for its width (consecutive Fibonacci numbers take ~1.44 * bits steps).
    steps = int(1.45 * np.dtype(a.dtype).itemsize * 8) + 3
    for _ in range(steps):
        if core.is_concrete(b) and not np.asarray(
                b.to_concrete_value() if isinstance(b, Tracer) else b).any():
            break
        a, b = _euclid_step(a, b)
    return a


def lcm(x1, x2):
    """Least common multiple of integers (0 if either is 0)."""
    check_arraylike("lcm", x1, x2)
    x1, x2 = promote_numeric(x1, x2)
    d = gcd(x1, x2)
    zero = convert(0, d.dtype, True)
    safe = uf.where(uf.equal(d, zero), convert(1, d.dtype, True), d)
    return uf.where(uf.equal(d, zero), zero,
                    uf.absolute(uf.multiply(x1, uf.floor_divide(x2, safe))))


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Replace NaN by `nan` and infinities by `posinf`/`neginf` (default: the dtype's extremes)."""
    check_arraylike("nan_to_num", x)
    x = asarray(x)
    if not dtypes.is_inexact(x.dtype):
        return x
    info = np.finfo(x.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = uf.where(uf.isnan(x), convert(nan, x.dtype, True), x)
    out = uf.where(uf.isposinf(x), convert(posinf, x.dtype, True), out)
    return uf.where(uf.isneginf(x), convert(neginf, x.dtype, True), out)


def spacing(x, /):
    """Distance to the next representable number away from zero (signed like x)."""
    check_arraylike("spacing", x)
    (x,) = promote_inexact(x)
    inf = convert(np.inf, x.dtype, True)
    away = uf.where(uf.less(x, convert(0, x.dtype, True)), uf.negative(inf), inf)
    return uf.subtract(uf.nextafter(x, away), x)


def fabs(x, /):
    """Absolute value as a float."""
    check_arraylike("fabs", x)
    (x,) = promote_inexact(x)
    return uf.absolute(x)


# ---- Bessel i0 ---------------------------------------------------------------------------------
# Cephes' Chebyshev coefficients for i0e (as JAX uses them), on [0, 8] and (8, inf).
_I0E_A = (-4.41534164647933937950E-18, 3.33079451882223809783E-17,
          -2.43127984654795469359E-16, 1.71539128555513303061E-15,
          -1.16853328779934516808E-14, 7.67618549860493561688E-14,
          -4.85644678311192946090E-13, 2.95505266312963983461E-12,
          -1.72682629144155570723E-11, 9.67580903537323691224E-11,
          -5.18979560163526290666E-10, 2.65982372468238665035E-9,
          -1.30002500998624804212E-8, 6.04699502254191894932E-8,
          -2.67079385394061173391E-7, 1.11738753912010371815E-6,
          -4.41673835845875056359E-6, 1.64484480707288970893E-5,
          -5.75419501008210370398E-5, 1.88502885095841655729E-4,
          -5.76375574538582365885E-4, 1.63947561694133579842E-3,
          -4.32430999505057594430E-3, 1.05464603945949983183E-2,
          -2.37374148058994688156E-2, 4.93052842396707084878E-2,
          -9.49010970480476444210E-2, 1.71620901522208775349E-1,
          -3.04682672343198398683E-1, 6.76795274409476084995E-1)
_I0E_B = (-7.23318048787475395456E-18, -4.83050448594418207126E-18,
          4.46562142029675999901E-17, 3.46122286769746109310E-17,
          -2.82762398051658348494E-16, -3.42548561967721913462E-16,
          1.77256013305652638360E-15, 3.81168066935262242075E-15,
          -9.55484669882830764870E-15, -4.15056934728722208663E-14,
          1.54008621752140982691E-14, 3.85277838274214270114E-13,
          7.18012445138366623367E-13, -1.79417853150680611778E-12,
          -1.32158118404477131188E-11, -3.14991652796324136454E-11,
          1.18891471078464383424E-11, 4.94060238822496958910E-10,
          3.39623202570838634515E-9, 2.26666899049817806459E-8,
          2.04891858946906374183E-7, 2.89137052083475648297E-6,
          6.88975834691682398426E-5, 3.36911647825569408990E-3,
          8.04490411014108831608E-1)


def _chebyshev(x, coefficients):
    b0 = b1 = b2 = convert(0, x.dtype, True)
    for c in coefficients:
        b2, b1 = b1, b0
        b0 = uf.add(uf.subtract(uf.multiply(x, b1), b2), convert(c, x.dtype, True))
    return uf.multiply(uf.subtract(b0, b2), 0.5)


def i0e(x):
    """exp(-|x|) * I0(x), the exponentially scaled modified Bessel function of order 0."""
    (x,) = promote_inexact(x)
    ax = uf.absolute(x)
    small = uf.less_equal(ax, convert(8.0, x.dtype, True))
    # Each branch sees only inputs in its own range (keeps gradients free of inf * 0).
    ax_small = uf.where(small, ax, convert(0.0, x.dtype, True))
    ax_large = uf.where(small, convert(9.0, x.dtype, True), ax)
    near = _chebyshev(uf.subtract(uf.multiply(ax_small, 0.5), 2.0), _I0E_A)
    far = uf.divide(_chebyshev(uf.subtract(uf.divide(32.0, ax_large), 2.0), _I0E_B),
                    uf.sqrt(ax_large))
    return uf.where(small, near, far)


def i0(x):
    """The modified Bessel function of the first kind, order 0."""
    check_arraylike("i0", x)
    (x,) = promote_inexact(x)
    return uf.multiply(uf.exp(uf.absolute(x)), i0e(x))


# ---- complex-number predicates on real arrays ----------------------------------------------------
def angle(z, deg=False):
    """The argument of z, atan2(imag(z), real(z)), in radians (degrees if `deg`).

    >>> jnp.angle(1j, deg=True)
    Array(90., dtype=float32, weak_type=True)
    """
    check_arraylike("angle", z)
    z = asarray(z)
    if z.dtype.kind == "c":
        out = uf.arctan2(uf.imag(z), uf.real(z))
        return uf.rad2deg(out) if deg else out
    (z,) = promote_inexact(z)
    out = uf.arctan2(convert(0, z.dtype, True), z)
    return uf.rad2deg(out) if deg else out


def iscomplex(x):
    """Elementwise: has a non-zero imaginary part (always False for real dtypes)."""
    x = asarray(x)
    return uf.not_equal(uf.imag(x), 0)


def isreal(x):
    """Elementwise: has a zero imaginary part."""
    x = asarray(x)
    return uf.equal(uf.imag(x), 0)


# ---- bits ---------------------------------------------------------------------------------------
def bitwise_count(x, /):
    """The number of 1 bits in the absolute value of each integer, as uint8 (like NumPy)."""
    check_arraylike("bitwise_count", x)
    x = asarray(x)
    if not (dtypes.is_integer(x.dtype) or x.dtype == np.bool_):
        raise TypeError(f"bitwise_count requires integer input, got {x.dtype}")
    if x.dtype == np.bool_:
        return convert(x, np.dtype(np.uint8))
    magnitude = uf.absolute(x) if x.dtype.kind == "i" else x
    return convert(ew.population_count_p.bind(magnitude), np.dtype(np.uint8))


def bitwise_invert(x, /):
    return uf.bitwise_not(x)


def bitwise_left_shift(x1, x2, /):
    return uf.left_shift(x1, x2)


def bitwise_right_shift(x1, x2, /):
    return uf.right_shift(x1, x2)


def pow(x1, x2, /):
    return uf.power(x1, x2)


def atan2(x1, x2, /):
    return uf.arctan2(x1, x2)


def packbits(a, axis=None, bitorder="big"):
    """Pack the truthiness of elements into uint8 bits along `axis` (flattened if None)."""
    x = asarray(a)
    if not (dtypes.is_integer(x.dtype) or x.dtype == np.bool_):
        raise TypeError("Expected an input array of integer or boolean data type")
    if bitorder not in ("little", "big"):
        raise ValueError("'order' must be either 'little' or 'big'")
    bits = convert(uf.not_equal(x, 0), np.dtype(np.uint8))
    if axis is None:
        bits, axis = ravel(bits), 0
    bits = moveaxis(bits, axis, -1)
    n = bits.shape[-1]
    remainder = (-n) % 8
    if remainder:
        bits = pad(bits, [(0, 0)] * (bits.ndim - 1) + [(0, remainder)])
    bits = reshape(bits, bits.shape[:-1] + (bits.shape[-1] // 8, 8))
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1]
    packed = sum(uf.left_shift(bits, Array(shifts.copy(), False)), axis=-1,
                 dtype=np.dtype(np.uint8))
    return moveaxis(packed, -1, axis)


def unpackbits(a, axis=None, count=None, bitorder="big"):
    """Unpack uint8 elements into their bits (as uint8) along `axis` (flattened if None)."""
    x = asarray(a)
    if x.dtype != np.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    if bitorder not in ("little", "big"):
        raise ValueError("'order' must be either 'little' or 'big'")
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1]
    bits = uf.bitwise_and(uf.right_shift(reshape(x, x.shape + (1,)), Array(shifts.copy(), False)),
                          convert(1, np.dtype(np.uint8)))
    if axis is None:
        bits, axis = ravel(bits), 0
    else:
        bits = moveaxis(bits, -1, axis + 1 if axis >= 0 else axis + x.ndim + 1)
        bits = reshape(bits, tuple(x.shape[:axis % x.ndim]) + (-1,)
                       + tuple(x.shape[axis % x.ndim + 1:]))
    if count is not None:
        axis = axis % bits.ndim
        n = bits.shape[axis]
        if count <= n:
            bits = slice_in_dim(bits, 0, count, axis)
        else:
            widths = [(0, 0)] * bits.ndim
            widths[axis] = (0, count - n)
            bits = pad(bits, widths)
    return bits


# ---- whole-array comparisons ----------------------------------------------------------------------
def array_equiv(a1, a2):
    """True when the arrays broadcast together and are equal everywhere."""
    a1, a2 = asarray(a1), asarray(a2)
    try:
        np.broadcast_shapes(a1.shape, a2.shape)
    except ValueError:
        return asarray(False)
    return all(uf.equal(a1, a2))


@extended_dispatch(positions=(0, 1))
def array_equal(a1, a2, equal_nan=False):
    """True when the arrays have one shape and equal elements (NaNs equal with `equal_nan`).

    >>> jnp.array_equal(jnp.array([1.0, np.nan]), jnp.array([1.0, np.nan]), equal_nan=True)
    Array(True, dtype=bool)
    """
    a1, a2 = asarray(a1), asarray(a2)
    if a1.shape != a2.shape:
        return asarray(False)
    eq = uf.equal(a1, a2)
    if equal_nan:
        eq = uf.logical_or(eq, uf.logical_and(uf.isnan(a1), uf.isnan(a2)))
    return all(eq)


@extended_dispatch(positions=(0, 1))
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return all(isclose(a, b, rtol, atol, equal_nan))


@extended_dispatch(positions=(0, 1))
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise |a - b| <= atol + rtol * |b|, in the inexact type of a and b.

    >>> jnp.isclose(jnp.array([1.0, 2.0]), jnp.array([1.0 + 1e-7, 2.1]))
    Array([ True, False], dtype=bool)
    """
    a, b = promote_inexact_pair(a, b)
    close = uf.less_equal(uf.absolute(uf.subtract(a, b)),
                          uf.add(atol, uf.multiply(rtol, uf.absolute(b))))
    close = uf.logical_or(close, uf.equal(a, b))
    if equal_nan:
        close = uf.logical_or(close, uf.logical_and(uf.isnan(a), uf.isnan(b)))
    return close


def promote_inexact_pair(a, b):
    return promote_inexact(a, b)
