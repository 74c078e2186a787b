"""erf_inv as XLA:CPU evaluates it, bit for bit: the generic kernel over an *ops*
namespace (xla_math.py's convention), a fast NumPy schedule of the same float32
arithmetic for large arrays, and the fused tier's scalar code.

XLA lowers erf_inv for float32 to M. Giles' single-precision approximation
("Approximating the erfinv function", GPU Computing Gems, 2011):

    w = -log1p(-x*x);  erfinv(x) = x * P(w - 2.5)        if w < 5
                                 = x * Q(sqrt(w) - 3)    otherwise

with degree-8 polynomials evaluated by Horner's rule in float32. XLA:CPU contracts
every Horner step into a fused multiply-add and computes log1p with its own float32
code (xla_math's Cephes log1p and log), so those are reproduced step by step; any other
log1p or unfused arithmetic is off by an ulp or two for a few percent of inputs.

    >>> from jaxlite._src.prims.erf_inv import erf_inv
    >>> erf_inv(np.array([0.0, 0.5], np.float32))
    array([0.        , 0.47693628], dtype=float32)
"""
import functools

import numpy as np

from .. import dtypes
from . import numpy_ops
from .rounded import fma_p
from .scalar_source import kernel_source
from .xla_math import (_LOG1P_DENOMINATOR, _LOG1P_NUMERATOR, _LOG1P_SMALL, _LOG_LN2_HIGH,
                       _LOG_LN2_LOW, _LOG_P, _f32, _f64, _log1p_f32, _log1p_f64)

_ERF_INV_P = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
              0.00021858087, -0.00125372503, -0.00417768164, 0.246640727,
              1.50140941)
_ERF_INV_Q = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
              0.00573950773, -0.0076224613, 0.00943887047, 1.00167406,
              2.83297682)


def _erf_inv_f32(ops, x):
    w = ops.negative(_log1p_f32(ops, ops.multiply(x, ops.negative(x))))
    central = ops.less(w, _f32(ops, 5.0))
    w = ops.where(central, ops.subtract(w, _f32(ops, 2.5)),
                  ops.subtract(ops.sqrt(w), _f32(ops, 3.0)))
    poly = ops.where(central, _f32(ops, _ERF_INV_P[0]), _f32(ops, _ERF_INV_Q[0]))
    for p, q in zip(_ERF_INV_P[1:], _ERF_INV_Q[1:]):
        poly = ops.fma(poly, w, ops.where(central, _f32(ops, p), _f32(ops, q)))
    result = ops.multiply(poly, x)
    # erf_inv(+-1) = +-inf; the polynomial is indeterminate there.
    return ops.where(ops.equal(ops.abs(x), _f32(ops, 1.0)),
                     ops.multiply(x, _f32(ops, np.inf)), result)


_BLOCK = 1 << 16  # elements per block of an elementwise function run block by block


def _in_blocks(fn, ops, x):
    """fn(ops, x), an elementwise function of many NumPy passes, one block of a large
    array at a time: each block's temporaries stay in the CPU cache instead of a dozen
    whole-array buffers streaming through memory. Elementwise, so the same values."""
    if not isinstance(ops, numpy_ops.NumpyOps) or not isinstance(x, np.ndarray) or \
            x.size <= 2 * _BLOCK:
        return fn(ops, x)
    flat = x.reshape(-1)
    out = None
    for start in range(0, flat.size, _BLOCK):
        part = np.asarray(fn(ops, flat[start:start + _BLOCK]))
        if out is None:
            out = np.empty(flat.size, part.dtype)
        out[start:start + part.size] = part
    return out.reshape(x.shape)


def erf_inv(x, *, ops=numpy_ops.ops):
    """Inverse error function with XLA:CPU's float32 rounding, bit for bit.

    float16 (and other narrow floats) are computed in float32 and rounded, as
    XLA does; float64 uses Giles' double-precision approximation.
    """
    dtype = np.dtype(x.dtype)
    if dtype == np.float32:
        if isinstance(ops, numpy_ops.NumpyOps) and isinstance(x, (np.ndarray, np.generic)):
            if x.size <= _PYTHON_MAX_SIZE:
                return _erf_inv_f32_python(x)
            if x.size >= _FAST_MIN_SIZE:
                return _erf_inv_f32_numpy(x)
        return _erf_inv_f32(ops, x)
    if dtype == np.float64:
        return _in_blocks(_erf_inv_f64, ops, x)
    if dtypes.kind(dtype) == "f":  # bfloat16 too
        wide = ops.convert_element_type(x, np.float32)
        return ops.convert_element_type(_erf_inv_f32(ops, wide), dtype)
    raise TypeError(f"erf_inv requires a float dtype, got {dtype}")


def scalar_helper():
    """The fused tier's helpers for erf_inv_p (compiler/fusion.py): `erf_inv_float32(x)`,
    _erf_inv_f32's ops written out for one element, and the fma it calls."""
    return {"erf_inv_float32": kernel_source("erf_inv_float32", _erf_inv_f32, np.float32),
            "fma_float32": fma_p.scalar_helpers["fma_float32"]}


# ---- float32, a few elements: Python scalars ----------------------------------------------
# A scalar draw (normal(key)) would pay ~100 us for the fast schedule's ~200 NumPy calls
# on tiny arrays; the fused tier's scalar code of _erf_inv_f32, run as plain Python on
# NumPy float32 scalars, costs ~20 us an element.
_PYTHON_MAX_SIZE = 4


def _fma_float32_python(a, b, c):
    """fma(a, b, c) of float32 scalars, rounded once: the float64 product is exact, so
    only the float64 sum s rounds before float32's; that double rounding errs only where
    s lies halfway between two float32 values (s + (s - r) is then the other one) and the
    sum was inexact, toward the side its rounding error points to."""
    p, z = float(a) * float(b), float(c)
    s = p + z
    r = np.float32(s)
    half = s - float(r)
    if half:
        other = s + half
        if float(np.float32(other)) == other:
            b_virtual = s - p
            error = (p - (s - b_virtual)) + (z - b_virtual)  # TwoSum: p + z == s + error
            if error and (error > 0) == (half > 0):
                return np.float32(other)
    return r


@functools.cache
def _python_kernel():
    namespace = {"np": np, "fma_float32": _fma_float32_python}
    exec(kernel_source("erf_inv_float32", _erf_inv_f32, np.float32, numba=False), namespace)
    return namespace["erf_inv_float32"]


def _erf_inv_f32_python(x):
    kernel = _python_kernel()
    with np.errstate(all="ignore"):  # NaN and +-1 inputs make inf/NaN intermediates
        values = [kernel(v) for v in np.asarray(x, np.float32).reshape(-1)]
    return np.array(values, np.float32).reshape(np.shape(x))


# ---- float32 on NumPy, fast --------------------------------------------------------------
# The same arithmetic as _erf_inv_f32, scheduled for NumPy: blocks that stay in the
# cache, buffers written in place, each log1p branch and each polynomial computed only on
# the elements that take it, the Horner steps of several polynomials in one pass (rows of
# one array), and a cheaper exact fused multiply-add (_fma_rows). Elements outside
# [2**-20, 1) in magnitude (+-1, NaN, tiny inputs: rare in normal()'s draws) take the
# generic kernel, so the fast path never meets tiny or non-finite intermediates. Small
# arrays take it too: ~100 us for a few elements against the generic kernel's ~400 us of
# NumPy calls on tiny arrays.
_FAST_MIN_SIZE = 1
_FAST_BLOCK = 1 << 16  # measured best on a 1 MB L2 (32K: 5% slower, 16K: 15%)
# Regular: x * x in [2**-40, 1) (|x| in about [2**-20, 1)), as float32 bits; w =
# -log1p(-x*x) is then finite, below 5 (the P branch) up to x * x ~ 0.9933, else Q's.
_SQUARE_LOW = np.float32(2.0 ** -40).view(np.uint32)
_SQUARE_SMALL = np.float32(_LOG1P_SMALL).view(np.uint32)
_SQUARE_HIGH = np.nextafter(np.float32(1), np.float32(0)).view(np.uint32)
_SMALL_SPAN = _SQUARE_SMALL - _SQUARE_LOW
_LARGE_SPAN = _SQUARE_HIGH - _SQUARE_SMALL
_REGULAR_SPAN = _SQUARE_HIGH - _SQUARE_LOW
_TIE_SHIFT = np.uint64(35)  # float64 has 29 mantissa bits more than float32; a sum whose
_TIE_SHIFTED = np.uint64(1 << 63)  # 29 low bits are 1000...0 is exactly halfway
_TIE_AT_TOP = np.iinfo(np.int64).min


def _column(values):
    """float32 constants as a float64 column (one per row of a Horner step)."""
    return np.array(values, np.float32).astype(np.float64).reshape(-1, 1)


# (2, 7); the denominator leads with 1 (_minus_log1p_small's first step relies on it)
_LOG1P_ROWS = np.array([_LOG1P_NUMERATOR, _LOG1P_DENOMINATOR], np.float32)
_LOG_ROWS = np.array(_LOG_P, np.float32).reshape(3, 3)  # Cephes' three interleaved parts
_P32 = np.array(_ERF_INV_P, np.float32)
_Q32 = np.array(_ERF_INV_Q, np.float32)


class _Scratch:
    """float64 sums, their low bits and tie flags for up to three rows of a block."""

    def __init__(self, size):
        self.sums = np.empty(3 * size)
        self.low = np.empty(3 * size, np.uint64)
        self.tie = np.empty(3 * size, np.bool_)

    def views(self, shape, size):
        return (self.sums[:size].reshape(shape), self.low[:size].reshape(shape),
                self.tie[:size].reshape(shape))


def _fma_rows(acc, multiplier, addend, scratch):
    """acc <- fma(acc, multiplier, addend) rounded once to float32, in place.

    acc is float32 (rows, n) or (n,); multiplier float64 (n,) holding float32 values,
    shared by the rows; addend a float64 scalar or column, or a float32 (n,) row. The
    float64 product of two float32 values is exact, so the float64 sum is the only
    rounding before float32's; that double rounding can err only where the float64 sum
    lies exactly halfway between two float32 values and was itself inexact. Those sums
    are rounded to odd instead (Boldo & Melquiond), then every element rounds right."""
    if not acc.size:  # a block whose elements all take the other branch
        return
    sums, low, tie = scratch.views(acc.shape, acc.size)
    np.copyto(sums, acc)
    np.multiply(sums, multiplier, out=sums)
    np.add(sums, addend, out=sums)
    # A tie has low bits 1000...0: shifted to the top, the most negative int64, so one
    # shift and one min find whether there is any (no pass writing flags).
    np.left_shift(sums.view(np.uint64), _TIE_SHIFT, out=low)
    if low.view(np.int64).min() == _TIE_AT_TOP:
        np.equal(low, _TIE_SHIFTED, out=tie)
        where = np.nonzero(tie)
        columns = where[-1]
        if np.ndim(addend) == 0:
            terms = addend
        elif np.ndim(addend) == 2:  # one constant per row
            terms = addend[where[0], 0]
        else:
            terms = addend[columns].astype(np.float64)
        product = acc[where].astype(np.float64) * multiplier[columns]
        sums[where] = numpy_ops.round_sum_to_odd(product, terms, sums[where])
    np.copyto(acc, sums, casting="unsafe")


def _minus_log1p_small(t, scratch):
    """-log1p(t) by the Cephes rational function (|t| < sqrt(2) - 1, t float32)."""
    x2 = t * t
    rows = np.empty((2, t.size), np.float32)
    t64 = t.astype(np.float64)
    # First Horner steps: the numerator's fused; the denominator's leading coefficient
    # is 1, so its product is exact and one float32 add is the fused result.
    rows[0] = _LOG1P_ROWS[0, 0]
    _fma_rows(rows[0], t64, np.float64(_LOG1P_ROWS[0, 1]), scratch)
    np.add(t, _LOG1P_ROWS[1, 1], out=rows[1])
    for k in range(2, _LOG1P_ROWS.shape[1]):
        _fma_rows(rows, t64, _column(_LOG1P_ROWS[:, k]), scratch)
    ratio = rows[0] / rows[1]
    y = (t * x2) * ratio
    # fma(-0.5, x2, y): the product is exact in float32 (x2 is normal here), so one
    # float32 addition is the fused result.
    tail = np.float32(-0.5) * x2 + y
    return -(t + tail)


def _minus_log(v, scratch):
    """-log(v) by Cephes logf for positive normal float32 v (xla_math._log_f32)."""
    # v = mantissa * 2**exponent, mantissa in [0.5, 1): the exponent and mantissa bits
    # Cephes reads off, split exactly in one call.
    mantissa, exponent = np.frexp(v)
    below = mantissa < np.float32(0.707106781186547524)
    exponent = (exponent - below).astype(np.float32)
    m = (mantissa - np.float32(1)) + mantissa * below  # times 0 or 1: exact
    m2 = m * m
    m3 = m2 * m
    rows = np.empty((3, v.size), np.float32)
    rows[...] = _LOG_ROWS[:, :1]
    m64 = m.astype(np.float64)
    _fma_rows(rows, m64, _column(_LOG_ROWS[:, 1]), scratch)
    _fma_rows(rows, m64, _column(_LOG_ROWS[:, 2]), scratch)
    y = rows[0]
    m3 = m3.astype(np.float64)
    _fma_rows(y, m3, rows[1], scratch)
    _fma_rows(y, m3, rows[2], scratch)
    _fma_rows(y, m3, np.float32(_LOG_LN2_LOW) * exponent, scratch)
    result = m - np.float32(0.5) * m2
    return -((result + y) + np.float32(_LOG_LN2_HIGH) * exponent)


def _erf_inv_f32_block(x, out, w, scratch):
    """out <- erf_inv(x) for the regular elements of a block; returns the others' indices."""
    square = x * x  # -t, where t = x * -x is log1p's argument
    # Non-negative float32 order as their bits do: each range test is one unsigned
    # comparison of the bits' offset (NaN's bits lie above every range).
    above_low = square.view(np.uint32) - _SQUARE_LOW
    small = np.flatnonzero(above_low < _SMALL_SPAN)  # the rational branch, |t| < sqrt(2) - 1
    above_small = square.view(np.uint32) - _SQUARE_SMALL
    large = np.flatnonzero(above_small <= _LARGE_SPAN)  # log(1 + t)
    if small.size:
        w[small] = _minus_log1p_small(-square[small], scratch)
    if large.size:
        w[large] = _minus_log(np.float32(1) - square[large], scratch)  # t + 1, exact
    shifted = (w - np.float32(2.5)).astype(np.float64)
    poly = np.full(x.shape, _P32[0], np.float32)
    for c in _P32[1:]:
        _fma_rows(poly, shifted, np.float64(c), scratch)
    np.multiply(poly, x, out=out)
    tail = large[w[large] >= np.float32(5)]  # the Q branch, in sqrt(w) - 3
    if tail.size:
        shifted = (np.sqrt(w[tail]) - np.float32(3)).astype(np.float64)
        poly = np.full(tail.size, _Q32[0], np.float32)
        for c in _Q32[1:]:
            _fma_rows(poly, shifted, np.float64(c), scratch)
        out[tail] = poly * x[tail]
    return np.flatnonzero(above_low > _REGULAR_SPAN)


def _erf_inv_f32_numpy(x):
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(flat)
    block = min(_FAST_BLOCK, flat.size)
    scratch, w = _Scratch(block), np.empty(block, np.float32)
    others = []
    with np.errstate(all="ignore"):  # the rare elements' lanes compute garbage, overwritten
        for start in range(0, flat.size, block):
            part = slice(start, start + block)
            rare = _erf_inv_f32_block(flat[part], out[part], w[:flat[part].size], scratch)
            if rare.size:
                others.append(rare + start)
        if others:
            others = np.concatenate(others)
            out[others] = _erf_inv_f32(numpy_ops.ops, flat[others])
    return out.reshape(x.shape)


# ---- float64: Giles' double-precision approximation, three ranges of w -------------------
_ERF_INV_F64_CENTRAL = (  # w < 6.25, in w - 3.125
    -3.6444120640178196996e-21, -1.685059138182016589e-19,
    1.2858480715256400167e-18, 1.115787767802518096e-17,
    -1.333171662854620906e-16, 2.0972767875968561637e-17,
    6.6376381343583238325e-15, -4.0545662729752068639e-14,
    -8.1519341976054721522e-14, 2.6335093153082322977e-12,
    -1.2975133253453532498e-11, -5.4154120542946279317e-11,
    1.051212273321532285e-09, -4.1126339803469836976e-09,
    -2.9070369957882005086e-08, 4.2347877827932403518e-07,
    -1.3654692000834678645e-06, -1.3882523362786468719e-05,
    0.0001867342080340571352, -0.00074070253416626697512,
    -0.0060336708714301490533, 0.24015818242558961693,
    1.6536545626831027356)
_ERF_INV_F64_MIDDLE = (  # 6.25 <= w < 16, in sqrt(w) - 3.25
    2.2137376921775787049e-09, 9.0756561938885390979e-08,
    -2.7517406297064545428e-07, 1.8239629214389227755e-08,
    1.5027403968909827627e-06, -4.013867526981545969e-06,
    2.9234449089955446044e-06, 1.2475304481671778723e-05,
    -4.7318229009055733981e-05, 6.8284851459573175448e-05,
    2.4031110387097893999e-05, -0.0003550375203628474796,
    0.00095328937973738049703, -0.0016882755560235047313,
    0.0024914420961078508066, -0.0037512085075692412107,
    0.005370914553590063617, 1.0052589676941592334,
    3.0838856104922207635)
_ERF_INV_F64_TAIL = (  # w >= 16, in sqrt(w) - 5
    -2.7109920616438573243e-11, -2.5556418169965252055e-10,
    1.5076572693500548083e-09, -3.7894654401267369937e-09,
    7.6157012080783393804e-09, -1.4960026627149240478e-08,
    2.9147953450901080826e-08, -6.7711997758452339498e-08,
    2.2900482228026654717e-07, -9.9298272942317002539e-07,
    4.5260625972231537039e-06, -1.9681778105531670567e-05,
    7.5995277030017761139e-05, -0.00021503011930044477347,
    -0.00013871931833623122026, 1.0103004648645343977,
    4.8499064014085844221)


def _erf_inv_f64(ops, x):
    w = ops.negative(_log1p_f64(ops, ops.multiply(x, ops.negative(x))))
    central = ops.less(w, _f64(ops, 6.25))
    middle = ops.less(w, _f64(ops, 16.0))
    shift = ops.where(middle, _f64(ops, 3.25), _f64(ops, 5.0))
    t = ops.where(central, ops.subtract(w, _f64(ops, 3.125)),
                  ops.subtract(ops.sqrt(w), shift))

    def coefficient(i):
        c = _f64(ops, _ERF_INV_F64_CENTRAL[i])
        if i < len(_ERF_INV_F64_MIDDLE):
            c = ops.where(central, c, _f64(ops, _ERF_INV_F64_MIDDLE[i]))
        if i < len(_ERF_INV_F64_TAIL):
            c = ops.where(middle, c, _f64(ops, _ERF_INV_F64_TAIL[i]))
        return c

    # The three polynomials have 17, 19 and 23 coefficients: run Horner over
    # the longest and let the shorter ones stop early.
    poly = coefficient(0)
    for i in range(1, 23):
        step = ops.fma(poly, t, coefficient(i))
        if i >= len(_ERF_INV_F64_MIDDLE):
            poly = ops.where(central, step, poly)
        elif i >= len(_ERF_INV_F64_TAIL):
            poly = ops.where(middle, step, poly)
        else:
            poly = step
    result = ops.multiply(poly, x)
    return ops.where(ops.equal(ops.abs(x), _f64(ops, 1.0)),
                     ops.multiply(x, _f64(ops, np.inf)), result)
