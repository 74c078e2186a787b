"""XLA:CPU's float32 algorithms as exactly-rounded NumPy: what makes samplers and
special functions bit-identical to JAX.

XLA:CPU evaluates float32 transcendental functions with its own polynomial
approximations, fused multiply-adds and denormals flushed to zero. Each kernel
here reproduces one of them step by step over an *ops* namespace (the PRNG's array
namespace: `numpy_ops.ops` on NumPy arrays, random/ops_lax.py's on traced arrays), so
the same code gives JAX's bits eagerly, under jit and under vmap. Where XLA calls the
C library instead (float64 log, tan, sqrt, pow, erf), NumPy's results are the same.

    >>> from jaxlite._src.prims.xla_math import erf_inv
    >>> erf_inv(np.array([0.0, 0.5], np.float32))
    array([0.        , 0.47693628], dtype=float32)
"""
import numpy as np

from .. import dtypes
from . import numpy_ops

UINT32 = np.dtype(np.uint32)
F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)


def _u32(ops, value):
    return ops.asarray(value, UINT32)


def _c(ops, value, dtype):
    return ops.asarray(value, dtype)


def _is_narrow(dtype):
    """float16/bfloat16: XLA computes transcendental functions in float32 and rounds."""
    return np.dtype(dtype).kind == "f" and np.dtype(dtype).itemsize < 4


def _via_f32(ops, fn, x):
    dtype = np.dtype(x.dtype)
    return ops.convert_element_type(fn(ops, ops.convert_element_type(x, F32)), dtype)


def flush_denormals(ops, x):
    """XLA:CPU flushes subnormal float32 results to zero."""
    tiny = _c(ops, np.finfo(x.dtype).tiny, x.dtype)
    return ops.where(ops.less(ops.abs(x), tiny), _c(ops, 0, x.dtype), x)


# ---- exp ------------------------------------------------------------------------------------------
# XLA:CPU's float32 exp (Cephes): x = n ln2 + a, n = floor(x log2e + 1/2) clamped to
# [-127, 127], e^a by a degree-6 polynomial in fused multiply-adds, times 2^n built in
# the exponent bits; subnormal results flush to zero.
_EXP_P = (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
          1.6666665459e-1, 5.0000001201e-1)


def _exp_f32(ops, x):
    f = lambda v: _c(ops, v, F32)  # noqa: E731
    clamped = ops.maximum(f(-87.8), ops.minimum(x, f(88.8)))
    n = ops.floor(ops.fma(clamped, f(1.44269504088896341), f(0.5)))
    n = ops.maximum(f(-127.0), ops.minimum(n, f(127.0)))
    a = ops.fma(ops.negative(n), f(0.693359375), clamped)
    a = ops.fma(ops.negative(n), f(-2.12194440e-4), a)
    z = ops.fma(a, f(_EXP_P[0]), f(_EXP_P[1]))
    for c in _EXP_P[2:]:
        z = ops.fma(z, a, f(c))
    z = ops.fma(z, ops.multiply(a, a), a)
    z = ops.add(f(1.0), z)
    n_int = ops.convert_element_type(n, np.int32)
    scale = ops.bitcast_convert_type(
        ops.shift_left(ops.add(n_int, ops.asarray(127, np.int32)), ops.asarray(23, np.int32)),
        F32)
    out = flush_denormals(ops, ops.multiply(z, scale))
    return ops.where(ops.equal(x, x), out, x)  # NaN stays NaN


def xla_exp(ops, x):
    dtype = np.dtype(x.dtype)
    if dtype == F32:
        return _exp_f32(ops, x)
    if _is_narrow(dtype):
        return _via_f32(ops, _exp_f32, x)
    return ops.exp(x)


# ---- erf --------------------------------------------------------------------------------------------
# XLA:CPU's float32 erf: x clamped to +-erfinv(1 - 2^-24), then x P(x^2) / Q(x^2) with
# Horner steps fused.
_ERF_ALPHA = (0.00022905065861350646, 0.0034082910107109506, 0.050955695062380861,
              0.18520832239976145, 1.128379143519084)
_ERF_BETA = (-1.1791602954361697e-7, 0.000023547966471313185, 0.0010179625278914885,
             0.014070470171167667, 0.11098505178285362, 0.49746925110067538, 1.0)
_ERF_CLAMP = 3.832506856900711


def _erf_f32(ops, x):
    f = lambda v: _c(ops, v, F32)  # noqa: E731
    x = ops.minimum(ops.maximum(x, f(-_ERF_CLAMP)), f(_ERF_CLAMP))
    x2 = ops.multiply(x, x)

    def horner(coefficients):
        out = f(coefficients[0])
        for c in coefficients[1:]:
            out = ops.fma(out, x2, f(c))
        return out

    return ops.divide(ops.multiply(horner(_ERF_ALPHA), x), horner(_ERF_BETA))


def xla_erf(ops, x):
    dtype = np.dtype(x.dtype)
    if dtype == F32:
        return _erf_f32(ops, x)
    if _is_narrow(dtype):
        return _via_f32(ops, _erf_f32, x)
    return ops.erf(x)


# ---- log, log1p (XLA's float32 versions above) ----------------------------------------------------
def xla_log(ops, x):
    dtype = np.dtype(x.dtype)
    if dtype == F32:
        return _log_f32(ops, x)
    if _is_narrow(dtype):
        return _via_f32(ops, _log_f32, x)
    return ops.log(x)


def xla_log1p(ops, x):
    dtype = np.dtype(x.dtype)
    if dtype == F32:
        return _log1p_f32(ops, x)
    if dtype == F64:
        return _log1p_f64(ops, x)
    return _via_f32(ops, _log1p_f32, x)


# -- erf_inv as XLA:CPU evaluates it ------------------------------------------
# XLA lowers erf_inv for float32 to M. Giles' single-precision approximation
# ("Approximating the erfinv function", GPU Computing Gems, 2011):
#     w = -log1p(-x*x);  erfinv(x) = x * P(w - 2.5)        if w < 5
#                                  = x * Q(sqrt(w) - 3)    otherwise
# with degree-8 polynomials evaluated by Horner's rule in float32.  XLA:CPU
# contracts every Horner step into a fused multiply-add and computes log1p
# with its own float32 code (a Cephes rational function for |x| < sqrt(2)-1,
# a Cephes-style log(1 + x) elsewhere), so those are reproduced here step by
# step; any other log1p or unfused arithmetic is off by an ulp or two for a
# few percent of inputs.

_ERF_INV_P = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
              0.00021858087, -0.00125372503, -0.00417768164, 0.246640727,
              1.50140941)
_ERF_INV_Q = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
              0.00573950773, -0.0076224613, 0.00943887047, 1.00167406,
              2.83297682)

# Cephes log1p: log1p(x) ~ x - x^2/2 + x^3 * N(x) / D(x) for small |x|.
_LOG1P_NUMERATOR = (4.5270000862445199635215e-5, 4.9854102823193375972212e-1,
                    6.5787325942061044846969e0, 2.9911919328553073277375e1,
                    6.0949667980987787057556e1, 5.7112963590585538103336e1,
                    2.0039553499201281259648e1)
_LOG1P_DENOMINATOR = (1.0, 1.5062909083469192043167e1, 8.3047565967967209469434e1,
                      2.2176239823732856465394e2, 3.0909872225312059774938e2,
                      2.1642788614495947685003e2, 6.0118660497603843919306e1)
_LOG1P_SMALL = 0.41421356237309504880  # sqrt(2) - 1

# Cephes logf: log(m) for m in [sqrt(1/2), sqrt(2)) as m-1 - (m-1)^2/2 +
# (m-1)^3 P(m-1), plus the exponent times ln 2 split in two parts.
_LOG_P = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
          1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
          3.3333331174e-1)
_LOG_LN2_LOW = -2.12194440e-4
_LOG_LN2_HIGH = 0.693359375


def _f32(ops, value):
    return ops.asarray(value, np.float32)


def _horner_fma(ops, x, coefficients):
    result = _f32(ops, coefficients[0])
    for c in coefficients[1:]:
        result = ops.fma(result, x, _f32(ops, c))
    return result


def _log_f32(ops, x):
    """Natural log in float32, as XLA:CPU computes it (Cephes, fused)."""
    f32, i32, u32 = np.dtype(np.float32), np.dtype(np.int32), UINT32
    smallest_normal = _f32(ops, np.finfo(np.float32).tiny)
    bits = ops.bitcast_convert_type(ops.maximum(x, smallest_normal), u32)
    biased = ops.convert_element_type(ops.shift_right_logical(bits, _u32(ops, 23)), i32)
    exponent = ops.convert_element_type(
        ops.subtract(biased, ops.asarray(126, i32)), f32)
    # Mantissa in [0.5, 1) (sign bit kept; inputs here are positive).
    mantissa = ops.bitcast_convert_type(
        ops.bitwise_or(ops.bitwise_and(bits, _u32(ops, 0x807FFFFF)),
                       _u32(ops, 0x3F000000)), f32)
    below = ops.less(mantissa, _f32(ops, 0.707106781186547524))
    one = _f32(ops, 1.0)
    zero = _f32(ops, 0.0)
    exponent = ops.subtract(exponent, ops.where(below, one, zero))
    m = ops.add(ops.subtract(mantissa, one), ops.where(below, mantissa, zero))
    m2 = ops.multiply(m, m)
    m3 = ops.multiply(m2, m)
    p = _LOG_P
    y = ops.fma(m, _f32(ops, p[0]), _f32(ops, p[1]))
    y1 = ops.fma(m, _f32(ops, p[3]), _f32(ops, p[4]))
    y2 = ops.fma(m, _f32(ops, p[6]), _f32(ops, p[7]))
    y = ops.fma(y, m, _f32(ops, p[2]))
    y1 = ops.fma(y1, m, _f32(ops, p[5]))
    y2 = ops.fma(y2, m, _f32(ops, p[8]))
    y = ops.fma(y, m3, y1)
    y = ops.fma(y, m3, y2)
    y = ops.fma(y, m3, ops.multiply(_f32(ops, _LOG_LN2_LOW), exponent))
    result = ops.subtract(m, ops.multiply(_f32(ops, 0.5), m2))
    result = ops.add(ops.add(result, y),
                     ops.multiply(_f32(ops, _LOG_LN2_HIGH), exponent))
    # log(+-0) = -inf, log(inf) = inf, log(negative or NaN) = NaN.
    nan = _f32(ops, np.nan)
    result = ops.where(ops.equal(x, x), result, nan)
    result = ops.where(ops.less(x, zero), nan, result)
    result = ops.where(ops.equal(x, _f32(ops, np.inf)), _f32(ops, np.inf), result)
    return ops.where(ops.equal(x, zero), _f32(ops, -np.inf), result)


def _log1p_f32(ops, x):
    """log(1 + x) in float32, as XLA:CPU computes it."""
    x2 = ops.multiply(x, x)
    ratio = ops.divide(_horner_fma(ops, x, _LOG1P_NUMERATOR),
                       _horner_fma(ops, x, _LOG1P_DENOMINATOR))
    tail = ops.fma(_f32(ops, -0.5), x2, ops.multiply(ops.multiply(x, x2), ratio))
    small = ops.add(x, tail)
    large = _log_f32(ops, ops.add(x, _f32(ops, 1.0)))
    return ops.where(ops.less(ops.abs(x), _f32(ops, _LOG1P_SMALL)), small, large)


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


def erf_inv(x, *, ops=numpy_ops.ops):
    """Inverse error function with XLA:CPU's float32 rounding, bit for bit.

    float16 (and other narrow floats) are computed in float32 and rounded, as
    XLA does; float64 uses Giles' double-precision approximation.
    """
    dtype = np.dtype(x.dtype)
    if dtype == np.float32:
        return _erf_inv_f32(ops, x)
    if dtype == np.float64:
        return _erf_inv_f64(ops, x)
    if dtypes.is_float(dtype):  # float16, bfloat16 (kind "V" to NumPy), ...
        wide = ops.convert_element_type(x, np.float32)
        return ops.convert_element_type(_erf_inv_f32(ops, wide), dtype)
    raise TypeError(f"erf_inv requires a float dtype, got {dtype}")


# float64: Giles' double-precision approximation, three ranges of w.
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


def _f64(ops, value):
    return ops.asarray(value, np.float64)


def _log1p_f64(ops, x):
    """log(1 + x) in float64 as XLA:CPU computes it (fused Cephes + libm log)."""
    x2 = ops.multiply(x, x)
    numerator = _f64(ops, _LOG1P_NUMERATOR[0])
    for c in _LOG1P_NUMERATOR[1:]:
        numerator = ops.fma(numerator, x, _f64(ops, c))
    denominator = _f64(ops, _LOG1P_DENOMINATOR[0])
    for c in _LOG1P_DENOMINATOR[1:]:
        denominator = ops.fma(denominator, x, _f64(ops, c))
    ratio = ops.divide(numerator, denominator)
    tail = ops.fma(_f64(ops, -0.5), x2, ops.multiply(ops.multiply(x, x2), ratio))
    small = ops.add(x, tail)
    large = ops.log(ops.add(x, _f64(ops, 1.0)))
    return ops.where(ops.less(ops.abs(x), _f64(ops, _LOG1P_SMALL)), small, large)


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
