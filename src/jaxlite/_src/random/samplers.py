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
`xla_erf`, `xla_log` and `xla_log1p` (prims/xla_math.py) reproduce them (exhaustively
checked against JAX on samples of a few hundred thousand points), so samplers built on
them match JAX bit for bit. Where XLA calls the C library instead (float64 log, tan, sqrt,
pow, erf), NumPy's results are the same.
"""

import numpy as np

from .. import dtypes
from ..prims.xla_math import F32, _c, xla_exp, xla_erf, xla_log, xla_log1p
from . import ops_numpy
from .threefry import uniform, normal, split, bernoulli

_DEFAULT_OPS = ops_numpy.ops


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
    u = uniform(key, shape, dtype, -1.0 + float(dtypes.finfo(dtype).epsneg), 1.0, ops=ops)
    return ops.multiply(_sign(ops, u), xla_log1p(ops, ops.negative(ops.abs(u))))


def logistic(key, shape, dtype, *, ops=_DEFAULT_OPS):
    """log(u) - log1p(-u), u uniform in [tiny, 1)."""
    dtype = np.dtype(dtype)
    x = uniform(key, shape, dtype, float(dtypes.finfo(dtype).tiny), 1.0, ops=ops)
    return ops.subtract(xla_log(ops, x), xla_log1p(ops, ops.negative(x)))


def gumbel(key, shape, dtype, mode="low", *, ops=_DEFAULT_OPS):
    """-log(-log(u)); mode "high" resolves u near 1 with a second uniform draw."""
    dtype = np.dtype(dtype)
    info = dtypes.finfo(dtype)
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
    u = uniform(key, shape, dtype, float(dtypes.finfo(dtype).eps), 1.0, ops=ops)
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
    out = ops.multiply(sqrt2, ops.erf_inv(u))
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


# ---- Gamma: Marsaglia and Tsang's rejection sampler, one key per element -----------------
def _split3(ops, keys):
    parts = split(keys, 3, ops=ops)
    return [ops.index_axis(parts, i, -2) for i in range(3)]


def _split2(ops, keys):
    parts = split(keys, 2, ops=ops)
    return ops.index_axis(parts, 0, -2), ops.index_axis(parts, 1, -2)


def gamma_one(keys, alpha, log_space=False, *, ops=_DEFAULT_OPS):
    """Gamma(alpha) samples, one per key (keys: (n, 2), alpha: (n,)), each equal to JAX's
    `_gamma_one(key_i, alpha_i)`: the elements run their rejection loops side by side,
    each element's draws coming from its own key exactly as in JAX's sequential map.

    For alpha < 1 the sample is boosted from alpha + 1 by u ** (1 / alpha) (or, with
    log_space, log(u) / alpha is added, which keeps tiny samples representable)."""
    dtype = np.dtype(alpha.dtype)
    c_ = lambda v: _c(ops, v, dtype)  # noqa: E731
    zero, one = c_(0), c_(1)
    boost_mask = ops.less_equal(one, alpha)
    alpha_orig = alpha
    alpha = ops.where(boost_mask, alpha, ops.add(alpha, one))
    d = ops.subtract(alpha, c_(1.0 / 3.0))
    # XLA rewrites (1/3) / sqrt(d) as (1/3) * rsqrt(d) (its rsqrt is within 2 ulps of
    # the correctly rounded one we use, so some alphas draw samples a few ulps apart).
    c = ops.multiply(c_(1.0 / 3.0), ops.rsqrt(d))
    keys, subkeys = _split2(ops, keys)

    def accept(X, V, U):
        # Keep looping (reject) while U >= 1 - 0.0331 X^2 and log U >= X/2 + d (1 - V + log V).
        squeeze = ops.fma(c_(-0.0331), ops.multiply(X, X), one)
        bound = ops.fma(X, c_(0.5), ops.multiply(d, ops.add(ops.subtract(one, V),
                                                            xla_log(ops, V))))
        return ops.logical_and(ops.less_equal(squeeze, U),
                               ops.less_equal(bound, xla_log(ops, U)))

    def body(state):
        keys, X, V, U, active = state
        new_keys, x_keys, u_keys = _split3(ops, keys)

        def inner_cond(inner):
            _, _, v, pending = inner
            return ops.any(pending)

        def inner_body(inner):
            xk, x, v, pending = inner
            xk_next, sub = _split2(ops, xk)
            x_new = normal(sub, (), dtype, ops=ops)
            v_new = ops.fma(x_new, c, one)
            x = ops.where(pending, x_new, x)
            v = ops.where(pending, v_new, v)
            xk = ops.where(ops.reshape(pending, tuple(pending.shape) + (1,)), xk_next, xk)
            return xk, x, v, ops.logical_and(pending, ops.less_equal(v, zero))

        _, x, v, _ = ops.while_loop(inner_cond, inner_body,
                                    (x_keys, ops.full(alpha.shape, 0, dtype),
                                     ops.full(alpha.shape, -1, dtype), active))
        X_new = ops.multiply(x, x)
        V_new = ops.multiply(ops.multiply(v, v), v)
        U_new = uniform(u_keys, (), dtype, ops=ops)
        X = ops.where(active, X_new, X)
        V = ops.where(active, V_new, V)
        U = ops.where(active, U_new, U)
        keys = ops.where(ops.reshape(active, tuple(active.shape) + (1,)), new_keys, keys)
        return keys, X, V, U, ops.logical_and(active, accept(X, V, U))

    state = (keys, ops.full(alpha.shape, 0, dtype), ops.full(alpha.shape, 1, dtype),
             ops.full(alpha.shape, 2, dtype), ops.full(alpha.shape, True, np.bool_))
    _, _, V, _, _ = ops.while_loop(lambda s: ops.any(s[4]), body, state)
    if log_space:
        log_samples = ops.negative(exponential(subkeys, (), dtype, ops=ops))
        no_boost = ops.logical_or(boost_mask, ops.equal(log_samples, zero))
        log_boost = ops.where(no_boost, zero,
                              ops.multiply(log_samples, ops.divide(one, alpha_orig)))
        return ops.add(ops.add(xla_log(ops, d), xla_log(ops, V)), log_boost)
    samples = ops.subtract(one, uniform(subkeys, (), dtype, ops=ops))
    boost = ops.where(boost_mask, one, ops.power(samples, ops.divide(one, alpha_orig)))
    return ops.multiply(ops.multiply(d, V), boost)


# ---- Poisson: Knuth's product of uniforms (lam < 10), Hormann's PTRS otherwise ---------------
def _poisson_knuth(ops, key, lam, shape, dtype, max_iters):
    f32 = F32

    def cond(carry):
        i, _, _, log_prod = carry
        return ops.logical_and(ops.any(ops.greater(log_prod, ops.negative(lam))),
                               ops.less(i, ops.asarray(max_iters, np.int64)))

    def body(carry):
        i, k, rng, log_prod = carry
        rng, subkey = _split2(ops, rng)
        k = ops.where(ops.greater(log_prod, ops.negative(lam)), ops.add(k, _c(ops, 1, dtype)), k)
        u = uniform(subkey, shape, f32, ops=ops)
        return ops.add(i, ops.asarray(1, np.int64)), k, rng, ops.add(log_prod, xla_log(ops, u))

    init = (ops.asarray(0, np.int64), ops.full(shape, 0, dtype), key, ops.full(shape, 0, f32))
    k = ops.while_loop(cond, body, init)[1]
    return ops.subtract(k, _c(ops, 1, dtype))


def _poisson_rejection(ops, key, lam, shape, dtype, max_iters):
    f32 = F32
    c = lambda v: _c(ops, v, f32)  # noqa: E731
    log_lam = xla_log(ops, lam)
    b = ops.fma(c(2.53), ops.sqrt(lam), c(0.931))
    a = ops.fma(c(0.02483), b, c(-0.059))
    inv_alpha = ops.add(c(1.1239), ops.divide(c(1.1328), ops.subtract(b, c(3.4))))
    v_r = ops.subtract(c(0.9277), ops.divide(c(3.6224), ops.subtract(b, c(2))))

    def cond(carry):
        i, _, accepted, _ = carry
        return ops.logical_and(ops.any(ops.logical_not(accepted)),
                               ops.less(i, ops.asarray(max_iters, np.int64)))

    def body(carry):
        i, k_out, accepted, key = carry
        key, subkey_0, subkey_1 = _split3(ops, key)
        u = ops.subtract(uniform(subkey_0, shape, f32, ops=ops), c(0.5))
        v = uniform(subkey_1, shape, f32, ops=ops)
        u_shifted = ops.subtract(c(0.5), ops.abs(u))
        k = ops.floor(ops.add(ops.fma(ops.add(ops.divide(ops.multiply(c(2), a), u_shifted), b),
                                      u, lam), c(0.43)))
        s = xla_log(ops, ops.divide(ops.multiply(v, inv_alpha),
                                    ops.add(ops.divide(a, ops.multiply(u_shifted, u_shifted)),
                                            b)))
        t = ops.subtract(ops.fma(k, log_lam, ops.negative(lam)),
                         ops.lgamma(ops.add(k, c(1))))
        accept1 = ops.logical_and(ops.less_equal(c(0.07), u_shifted), ops.less_equal(v, v_r))
        reject = ops.logical_or(ops.less(k, c(0)), ops.logical_and(
            ops.less(u_shifted, c(0.013)), ops.greater(v, u_shifted)))
        accept2 = ops.less_equal(s, t)
        accept = ops.logical_or(accept1, ops.logical_and(ops.logical_not(reject), accept2))
        k_out = ops.where(accept, k, k_out)
        return (ops.add(i, ops.asarray(1, np.int64)), k_out, ops.logical_or(accepted, accept),
                key)

    init = (ops.asarray(0, np.int64), ops.full(shape, -1, f32), ops.full(shape, False, np.bool_),
            key)
    k = ops.while_loop(cond, body, init)[1]
    return ops.convert_element_type(k, dtype)


def poisson(key, lam, shape, dtype, *, ops=_DEFAULT_OPS):
    """Poisson(lam) counts as integer `dtype`; lam (float32) already has `shape`."""
    dtype = np.dtype(dtype)
    nan = ops.logical_not(ops.equal(lam, lam))
    use_knuth = ops.logical_or(nan, ops.less(lam, _c(ops, 10, F32)))
    lam_knuth = ops.where(use_knuth, lam, _c(ops, 0.0, F32))
    lam_rejection = ops.where(use_knuth, _c(ops, 1e5, F32), lam)
    max_iters = int(np.iinfo(dtype).max)
    result = ops.where(use_knuth, _poisson_knuth(ops, key, lam_knuth, shape, dtype, max_iters),
                       _poisson_rejection(ops, key, lam_rejection, shape, dtype, max_iters))
    return ops.where(ops.equal(lam, _c(ops, 0, F32)), _c(ops, 0, dtype), result)


# ---- Binomial: inversion for small count * p, Kachitvichyanukul-Schmeiser BTRS otherwise ------
_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                  0.00833056343336287)


def _ceil(ops, x):
    return ops.negative(ops.floor(ops.negative(x)))


def _stirling_approx_tail(ops, k):
    dtype = np.dtype(k.dtype)
    c = lambda v: _c(ops, v, dtype)  # noqa: E731
    use_table = ops.less_equal(k, c(9))
    k = ops.minimum(ops.maximum(k, c(0)), c(9))
    kp1 = ops.add(k, c(1))
    kp1sq = ops.multiply(kp1, kp1)
    approx = ops.divide(ops.subtract(c(1.0 / 12), ops.divide(
        ops.subtract(c(1.0 / 360), ops.divide(c(1.0 / 1260), kp1sq)), kp1sq)), kp1)
    table = c(0)
    index = ops.floor(k)
    for i, value in enumerate(_STIRLING_TAIL):
        table = ops.where(ops.equal(index, c(i)), c(value), table)
    return ops.where(use_table, table, approx)


def _binomial_inversion(ops, key, count, prob, shape, prob_broadcast, max_iters):
    dtype = np.dtype(prob.dtype)
    c = lambda v: _c(ops, v, dtype)  # noqa: E731
    log1minusprob = xla_log1p(ops, ops.negative(prob))

    def cond(carry):
        i, _, geom_sum, _ = carry
        return ops.logical_and(ops.any(ops.less_equal(geom_sum, count)),
                               ops.less(i, ops.asarray(max_iters, np.float64)))

    def body(carry):
        i, num_geom, geom_sum, key = carry
        subkey, key = _split2(ops, key)
        num_geom_out = ops.where(ops.less_equal(geom_sum, count), ops.add(num_geom, c(1)),
                                 num_geom)
        u = uniform(subkey, shape, dtype, ops=ops)
        log_u = xla_log(ops, u)
        geom = _ceil(ops, ops.multiply(log_u, ops.divide(c(1), log1minusprob))
                     if prob_broadcast else ops.divide(log_u, log1minusprob))
        return ops.add(i, ops.asarray(1, np.float64)), num_geom_out, ops.add(geom_sum, geom), key

    init = (ops.asarray(0, np.float64), ops.full(shape, 0, dtype), ops.full(shape, 0, dtype),
            key)
    k = ops.while_loop(cond, body, init)[1]
    return ops.subtract(k, c(1))


def _btrs(ops, key, count, prob, shape, max_iters):
    dtype = np.dtype(prob.dtype)
    c = lambda v: _c(ops, v, dtype)  # noqa: E731
    one = c(1)
    stddev = ops.sqrt(ops.multiply(ops.multiply(count, prob), ops.subtract(one, prob)))
    b = ops.fma(c(2.53), stddev, c(1.15))
    a = ops.fma(c(0.01), prob, ops.fma(c(0.0248), b, c(-0.0873)))
    cc = ops.fma(count, prob, c(0.5))
    v_r = ops.subtract(c(0.92), ops.divide(c(4.2), b))
    r = ops.divide(prob, ops.subtract(one, prob))
    alpha = ops.multiply(ops.add(c(2.83), ops.divide(c(5.1), b)), stddev)
    m = ops.floor(ops.multiply(ops.add(count, one), prob))
    log = lambda v: xla_log(ops, v)  # noqa: E731
    tail = lambda v: _stirling_approx_tail(ops, v)  # noqa: E731

    def cond(carry):
        i, _, accepted, _ = carry
        return ops.logical_and(ops.any(ops.logical_not(accepted)),
                               ops.less(i, ops.asarray(max_iters, np.float64)))

    def body(carry):
        i, k_out, accepted, key = carry
        key, subkey_0, subkey_1 = _split3(ops, key)
        u = uniform(subkey_0, shape, dtype, ops=ops)
        v = uniform(subkey_1, shape, dtype, ops=ops)
        u = ops.subtract(u, c(0.5))
        us = ops.subtract(c(0.5), ops.abs(u))
        accept1 = ops.logical_and(ops.less_equal(c(0.07), us), ops.less_equal(v, v_r))
        k = ops.floor(ops.fma(ops.add(ops.divide(ops.multiply(c(2), a), us), b), u, cc))
        reject = ops.logical_or(ops.less(k, c(0)), ops.greater(k, count))
        v = log(ops.divide(ops.multiply(v, alpha), ops.add(ops.divide(a, ops.multiply(us, us)),
                                                            b)))
        count_m1 = ops.add(ops.subtract(count, m), one)
        count_k1 = ops.add(ops.subtract(count, k), one)
        ub = ops.multiply(ops.add(m, c(0.5)),
                          log(ops.divide(ops.add(m, one), ops.multiply(r, count_m1))))
        ub = ops.fma(ops.add(count, one), log(ops.divide(count_m1, count_k1)), ub)
        ub = ops.fma(ops.add(k, c(0.5)),
                     log(ops.divide(ops.multiply(r, count_k1), ops.add(k, one))), ub)
        ub = ops.subtract(ops.subtract(ops.add(ops.add(ub, tail(m)), tail(ops.subtract(count, m))),
                                       tail(k)), tail(ops.subtract(count, k)))
        accept = ops.logical_or(accept1, ops.logical_and(ops.logical_not(reject),
                                                         ops.less_equal(v, ub)))
        k_out = ops.where(accept, k, k_out)
        return (ops.add(i, ops.asarray(1, np.float64)), k_out, ops.logical_or(accepted, accept),
                key)

    init = (ops.asarray(0, np.float64), ops.full(shape, -1, dtype),
            ops.full(shape, False, np.bool_), key)
    return ops.while_loop(cond, body, init)[1]


def binomial(key, count, prob, shape, dtype, prob_broadcast=False, *, ops=_DEFAULT_OPS):
    """Binomial(count, prob) samples as floats of `dtype`; count and prob (floats of one
    dtype) already have `shape`. prob_broadcast says prob was broadcast up to `shape`
    (XLA then divides by its logarithm as times the reciprocal)."""
    fdtype = np.dtype(prob.dtype)
    c = lambda v: _c(ops, v, fdtype)  # noqa: E731
    p_lt_half = ops.less(prob, c(0.5))
    q = ops.where(p_lt_half, prob, ops.subtract(c(1.0), prob))
    count_nan_or_neg = ops.logical_or(ops.logical_not(ops.equal(count, count)),
                                      ops.less(count, c(0.0)))
    count_inf = ops.equal(ops.abs(count), c(np.inf))
    q_is_nan = ops.logical_not(ops.equal(q, q))
    q_l_0 = ops.less(q, c(0.0))
    q = ops.where(ops.logical_or(q_is_nan, q_l_0), c(0.01), q)
    use_inversion = ops.logical_or(count_nan_or_neg,
                                   ops.less_equal(ops.multiply(count, q), c(10.0)))
    count = ops.floor(count)
    count_inv = ops.where(use_inversion, count, c(0.0))
    count_btrs = ops.where(use_inversion, c(1e4), count)
    q_btrs = ops.where(use_inversion, c(0.5), q)
    max_iters = float(dtypes.finfo(dtype).max)
    samples = ops.where(use_inversion,
                        _binomial_inversion(ops, key, count_inv, q, shape, prob_broadcast,
                                            max_iters),
                        _btrs(ops, key, count_btrs, q_btrs, shape, max_iters))
    samples = ops.convert_element_type(samples, dtype)
    invalid = ops.logical_or(ops.logical_or(q_l_0, q_is_nan), count_nan_or_neg)
    samples = ops.where(invalid, _c(ops, np.nan, dtype), samples)
    samples = ops.where(ops.logical_and(count_inf, ops.logical_not(invalid)),
                        _c(ops, np.inf, dtype), samples)
    keep = ops.logical_or(ops.logical_or(p_lt_half, count_nan_or_neg),
                          ops.logical_or(q_is_nan, count_inf))
    return ops.where(keep, samples,
                     ops.subtract(ops.convert_element_type(count, dtype), samples))
