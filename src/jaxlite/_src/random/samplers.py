"""More of jax.random's samplers, bit-identical to JAX where XLA's arithmetic can be
reproduced: the elementwise transforms of uniform/normal draws (exponential,
laplace, logistic, gumbel, cauchy, truncated_normal, rademacher, rayleigh, pareto,
lognormal, maxwell, triangular, wald, geometric, ...) and the Gamma rejection sampler.

Like threefry.py, every function takes raw key data and a keyword `ops`, the array
namespace of ops_numpy (NumPy, for concrete keys) or ops_lax (traced). Shapes and
dtypes are static. Argument checking, typed keys and the samplers built from these
with sorting or linear algebra live in the public layer (sampler_api.py).

XLA:CPU evaluates float32 transcendental functions with its own polynomial
approximations, fused multiply-adds and denormals flushed to zero; `xla_exp`,
`xla_erf`, `xla_log` and `xla_log1p` reproduce them (exhaustively checked against
JAX on samples of a few hundred thousand points), so samplers built on them match
JAX bit for bit. Where XLA calls the C library instead (float64 log, tan, sqrt,
pow, erf), NumPy's results are the same.
"""
import math

import numpy as np

from . import ops_numpy, threefry
from .threefry import uniform, normal, random_bits, split, bernoulli, UINT32

_DEFAULT_OPS = ops_numpy.ops
F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)


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


# ---- log, log1p (threefry.py has XLA's float32 versions) -----------------------------------------------
def xla_log(ops, x):
    dtype = np.dtype(x.dtype)
    if dtype == F32:
        return threefry._log_f32(ops, x)
    if _is_narrow(dtype):
        return _via_f32(ops, threefry._log_f32, x)
    return ops.log(x)


def xla_log1p(ops, x):
    dtype = np.dtype(x.dtype)
    if dtype == F32:
        return threefry._log1p_f32(ops, x)
    if dtype == F64:
        return threefry._log1p_f64(ops, x)
    return _via_f32(ops, threefry._log1p_f32, x)


def _sign(ops, x):
    zero = _c(ops, 0, x.dtype)
    return ops.where(ops.greater(x, zero), _c(ops, 1, x.dtype),
                     ops.where(ops.less(x, zero), _c(ops, -1, x.dtype), x))


# ---- samplers --------------------------------------------------------------------------------------------
def exponential(key, shape, dtype, *, ops=_DEFAULT_OPS):
    """-log1p(-u), u uniform in [0, 1)."""
    u = uniform(key, shape, dtype, ops=ops)
    return ops.negative(xla_log1p(ops, ops.negative(u)))


def laplace(key, shape, dtype, *, ops=_DEFAULT_OPS):
    """sign(u) log1p(-|u|), u uniform in (-1, 1)."""
    dtype = np.dtype(dtype)
    u = uniform(key, shape, dtype, -1.0 + float(np.finfo(dtype).epsneg), 1.0, ops=ops)
    return ops.multiply(_sign(ops, u), xla_log1p(ops, ops.negative(ops.abs(u))))


def logistic(key, shape, dtype, *, ops=_DEFAULT_OPS):
    """log(u) - log1p(-u), u uniform in [tiny, 1)."""
    dtype = np.dtype(dtype)
    x = uniform(key, shape, dtype, float(np.finfo(dtype).tiny), 1.0, ops=ops)
    return ops.subtract(xla_log(ops, x), xla_log1p(ops, ops.negative(x)))


def gumbel(key, shape, dtype, mode="low", *, ops=_DEFAULT_OPS):
    """-log(-log(u)); mode "high" resolves u near 1 with a second uniform draw."""
    dtype = np.dtype(dtype)
    info = np.finfo(dtype)
    if mode == "low":
        u = uniform(key, shape, dtype, float(info.tiny), 1.0, ops=ops)
        return ops.negative(xla_log(ops, ops.negative(xla_log(ops, u))))
    if mode == "high":
        both = uniform(key, (2,) + tuple(shape), dtype, 0.0, 1.0, ops=ops)
        high, low = ops.index_axis(both, 0, 0), ops.index_axis(both, 1, 0)
        refined = ops.add(ops.add(high, ops.multiply(_c(ops, 2.0 ** -info.nmant, dtype), low)),
                          _c(ops, info.tiny, dtype))
        x = ops.where(ops.less(high, _c(ops, 0.5, dtype)), refined, high)
        return ops.negative(xla_log(ops, ops.negative(xla_log1p(ops, ops.negative(x)))))
    raise NotImplementedError(f"gumbel mode {mode!r}")


def cauchy(key, shape, dtype, *, ops=_DEFAULT_OPS):
    """tan(pi (u - 1/2)), u uniform in [eps, 1)."""
    dtype = np.dtype(dtype)
    u = uniform(key, shape, dtype, float(np.finfo(dtype).eps), 1.0, ops=ops)
    return ops.tan(ops.multiply(_c(ops, np.pi, dtype), ops.subtract(u, _c(ops, 0.5, dtype))))


def broadcast_divide(ops, x, y, shape):
    """x / y as XLA:CPU computes it: a divisor that is broadcast (a scalar, or of lower
    rank than the result) becomes a multiplication by its reciprocal."""
    if tuple(y.shape) != tuple(shape):
        return ops.multiply(x, ops.divide(_c(ops, 1, y.dtype), y))
    return ops.divide(x, y)


def truncated_normal(key, lower, upper, shape, dtype, *, ops=_DEFAULT_OPS):
    """sqrt(2) erfinv(u), u uniform between erf(lower/sqrt 2) and erf(upper/sqrt 2),
    clipped strictly inside (lower, upper). `lower`/`upper` broadcast to `shape`."""
    dtype = np.dtype(dtype)
    sqrt2 = _c(ops, np.sqrt(2), dtype)

    inv_sqrt2 = ops.divide(_c(ops, 1, dtype), sqrt2)

    def erf_bound(bound):
        # bound / sqrt2: XLA divides by the broadcast constant as times its reciprocal.
        bound = ops.convert_element_type(ops.asarray(bound), dtype)
        return xla_erf(ops, ops.multiply(bound, inv_sqrt2))

    a = erf_bound(lower)
    b = erf_bound(upper)
    lower = ops.convert_element_type(ops.asarray(lower), dtype)
    upper = ops.convert_element_type(ops.asarray(upper), dtype)
    u = uniform(key, shape, dtype, a, b, ops=ops)
    out = ops.multiply(sqrt2, threefry.erf_inv(u, ops=ops))
    low = ops.nextafter(lower, _c(ops, np.inf, dtype))
    high = ops.nextafter(upper, _c(ops, -np.inf, dtype))
    return ops.minimum(ops.maximum(out, low), high)


def rademacher(key, shape, dtype, float_dtype=F32, *, ops=_DEFAULT_OPS):
    """-1 or +1 with equal probability (2 * bernoulli(0.5) - 1); the Bernoulli draw is in
    `float_dtype` (JAX's default float: float64 under x64)."""
    half = ops.asarray(0.5, float_dtype)
    b = ops.convert_element_type(bernoulli(key, half, shape, ops=ops), dtype)
    return ops.subtract(ops.multiply(_c(ops, 2, dtype), b), _c(ops, 1, dtype))


def rayleigh(key, scale, shape, dtype, *, ops=_DEFAULT_OPS):
    """scale * sqrt(-2 log u)."""
    u = uniform(key, shape, dtype, ops=ops)
    scale = ops.broadcast_to(ops.convert_element_type(ops.asarray(scale), dtype), shape)
    root = ops.sqrt(ops.multiply(xla_log(ops, u), _c(ops, -2, dtype)))
    return ops.multiply(scale, root)


def pareto(key, b, shape, dtype, *, ops=_DEFAULT_OPS):
    """exp(e / b), e exponential."""
    e = exponential(key, shape, dtype, ops=ops)
    b = ops.convert_element_type(ops.asarray(b), dtype)
    return xla_exp(ops, broadcast_divide(ops, e, b, shape))


def lognormal(key, sigma, shape, dtype, *, ops=_DEFAULT_OPS):
    """exp(sigma * n), n standard normal."""
    sigma = ops.convert_element_type(ops.asarray(sigma), dtype)
    return xla_exp(ops, ops.multiply(normal(key, shape, dtype, ops=ops), sigma))


def maxwell(key, shape, dtype, *, ops=_DEFAULT_OPS):
    """The norm of a 3-vector of standard normals."""
    n = normal(key, tuple(shape) + (3,), dtype, ops=ops)
    x0, x1, x2 = [ops.index_axis(n, i, -1) for i in range(3)]
    # XLA:CPU's fused reduction of the squares adds them in this order (found against
    # JAX; it depends on the vector width, so on the dtype).
    if np.dtype(dtype) == F32:
        x0, x1 = x1, x0
    total = ops.fma(x2, x2, ops.fma(x1, x1, ops.multiply(x0, x0)))
    return ops.sqrt(total)


def triangular(key, left, mode, right, shape, dtype, *, ops=_DEFAULT_OPS):
    """Inverse-CDF sampling of the triangular distribution."""
    cast = lambda v: ops.broadcast_to(ops.convert_element_type(ops.asarray(v), dtype),  # noqa
                                      shape)
    left, mode, right = cast(left), cast(mode), cast(right)
    fc = ops.divide(ops.subtract(mode, left), ops.subtract(right, left))
    u = uniform(key, shape, dtype, ops=ops)
    one = _c(ops, 1, dtype)
    out1 = ops.add(left, ops.sqrt(ops.multiply(ops.multiply(u, ops.subtract(right, left)),
                                               ops.subtract(mode, left))))
    out2 = ops.subtract(right, ops.sqrt(ops.multiply(
        ops.multiply(ops.subtract(one, u), ops.subtract(right, left)),
        ops.subtract(right, mode))))
    return ops.where(ops.less(u, fc), out1, out2)


def geometric(key, p, shape, dtype, *, ops=_DEFAULT_OPS):
    """floor(log(u) / log1p(-p)) + 1 as integer `dtype` (u == 0 replaced by 1)."""
    p = ops.asarray(p)
    float_dtype = np.dtype(p.dtype)
    u = uniform(key, shape, float_dtype, ops=ops)
    u = ops.where(ops.equal(u, _c(ops, 0, float_dtype)), _c(ops, 1, float_dtype), u)
    log_one_minus_p = xla_log1p(ops, ops.negative(p))
    g = ops.add(ops.floor(broadcast_divide(ops, xla_log(ops, u), log_one_minus_p, shape)),
                _c(ops, 1, float_dtype))
    return ops.convert_element_type(g, dtype)


def wald(key, mean, shape, dtype, *, ops=_DEFAULT_OPS):
    """Inverse Gaussian samples by Michael, Schucany and Haas' transformation."""
    k1, k2 = ops.index_axis(split(key, 2, ops=ops), 0, 0), \
        ops.index_axis(split(key, 2, ops=ops), 1, 0)
    mean = ops.broadcast_to(ops.convert_element_type(ops.asarray(mean), dtype), shape)
    v = normal(k1, shape, dtype, ops=ops)
    z = uniform(k2, shape, dtype, ops=ops)
    y = ops.multiply(v, v)
    y_sq = ops.multiply(y, y)
    mean_sq = ops.multiply(mean, mean)
    sqrt_term = ops.sqrt(ops.fma(ops.multiply(_c(ops, 4, dtype), mean), y,
                                 ops.multiply(mean_sq, y_sq)))
    # mean + mean_sq * y / 2 - mean / 2 * sqrt_term, the last product fused (as XLA:CPU).
    half = _c(ops, 0.5, dtype)
    x = ops.fma(ops.negative(ops.multiply(mean, half)), sqrt_term,
                ops.add(mean, ops.multiply(ops.multiply(mean_sq, y), half)))
    return ops.where(ops.less_equal(z, ops.divide(mean, ops.add(mean, x))), x,
                     ops.divide(mean_sq, x))
