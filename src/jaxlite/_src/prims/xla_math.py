"""XLA:CPU's float32 algorithms as exactly-rounded NumPy: what makes samplers and
special functions bit-identical to JAX.

XLA:CPU evaluates float32 transcendental functions with its own polynomial
approximations, fused multiply-adds and denormals flushed to zero. Each kernel
here reproduces one of them step by step over an *ops* namespace (the PRNG's array
namespace: `numpy_ops.ops` on NumPy arrays, random/ops_lax.py's on traced arrays), so
the same code gives JAX's bits eagerly, under jit and under vmap. Where XLA calls the
C library instead (float64 log, tan, sqrt, pow, erf), NumPy's results are the same.

    >>> from jaxlite._src.prims.numpy_ops import ops
    >>> from jaxlite._src.prims.xla_math import xla_log1p
    >>> xla_log1p(ops, np.array([0.0, 0.5], np.float32))
    array([0.       , 0.4054651], dtype=float32)
"""
import numpy as np


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


# -- log1p and log: Cephes as XLA:CPU evaluates them (erf_inv.py builds on them) --
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
