"""NumPy kernels of the incomplete gamma and beta functions (XLA's algorithms: the series
and continued fractions JAX lowers igamma, igammac, igamma_grad_a, random_gamma_grad and
betainc to) and of the exponentially scaled Bessel functions i0e, i1e (Cephes Chebyshev
expansions), for the primitives of prims/special.py. special_math.py holds the rest
(erf, lgamma, digamma, zeta) and the shared helpers.
"""
import numpy as np

from .special_math import _F64, _EPS, _scatter_series, _float_kernel, lgamma, digamma


# ---- incomplete gamma (XLA's algorithm) -------------------------------------------------------------
VALUE, DERIVATIVE, SAMPLE_DERIVATIVE = 1, 2, 3


def _igamma_series(ax, x, a, enabled, mode):
    """Power series of the lower incomplete gamma (and of its derivative in a)."""
    shape = ax.shape
    idx = np.nonzero(enabled.ravel())[0]
    x_e, a_e = x.ravel()[idx], a.ravel()[idx]
    r = a_e.copy()
    c = np.ones_like(r)
    ans = np.ones_like(r)
    dc_da = np.zeros_like(r)
    dans_da = np.zeros_like(r)
    active = np.ones(r.shape, bool)
    for _ in range(100000):
        if not active.any():
            break
        r_new = r + 1.0
        dc_da_new = dc_da * (x_e / r_new) - (c * x_e) / (r_new * r_new)
        dans_da_new = dans_da + dc_da_new
        c_new = c * (x_e / r_new)
        ans_new = ans + c_new
        if mode == VALUE:
            keep_going = active & (c_new / ans_new > _EPS)
        else:
            keep_going = active & (np.abs(dc_da_new / dans_da_new) > _EPS)
        r = np.where(active, r_new, r)
        c = np.where(active, c_new, c)
        ans = np.where(active, ans_new, ans)
        dc_da = np.where(active, dc_da_new, dc_da)
        dans_da = np.where(active, dans_da_new, dans_da)
        active = keep_going
    ans, dans_da = _scatter_series(ans, dans_da, idx, ax.size, shape)
    if mode == VALUE:
        return ans * ax / a
    dlogax_da = np.log(x) - digamma.f64(a + 1.0)
    if mode == DERIVATIVE:
        return ax * (ans * dlogax_da + dans_da) / a
    return -(dans_da + ans * dlogax_da) * x / a


def _igammac_continued_fraction(ax, x, a, enabled, mode):
    """Continued fraction of the upper incomplete gamma (and of its derivative in a)."""
    shape = ax.shape
    idx = np.nonzero(enabled.ravel())[0]
    x_e, a_e = x.ravel()[idx], a.ravel()[idx]
    y = 1.0 - a_e
    z = x_e + y + 1.0
    c = 0.0
    pkm2 = np.ones_like(x_e)
    qkm2 = x_e.copy()
    pkm1 = x_e + 1.0
    qkm1 = z * x_e
    ans = pkm1 / qkm1
    dpkm2_da = np.zeros_like(x_e)
    dqkm2_da = np.zeros_like(x_e)
    dpkm1_da = np.zeros_like(x_e)
    dqkm1_da = -x_e
    dans_da = (dpkm1_da - ans * dqkm1_da) / qkm1
    active = np.ones(x_e.shape, bool)
    while c < 2000 and active.any():
        c += 1.0
        y_new = y + 1.0
        z_new = z + 2.0
        yc = y_new * c
        pk = pkm1 * z_new - pkm2 * yc
        qk = qkm1 * z_new - qkm2 * yc
        nonzero = qk != 0
        r = pk / np.where(nonzero, qk, 1.0)
        t = np.where(nonzero, np.abs((ans - r) / r), 1.0)
        ans_new = np.where(nonzero, r, ans)
        dpk_da = dpkm1_da * z_new - pkm1 - dpkm2_da * yc + pkm2 * c
        dqk_da = dqkm1_da * z_new - qkm1 - dqkm2_da * yc + qkm2 * c
        dans_da_new = np.where(nonzero, (dpk_da - ans_new * dqk_da) / np.where(nonzero, qk, 1.0),
                               dans_da)
        grad_conditional = np.where(nonzero, np.abs(dans_da_new - dans_da), 1.0)
        n_pkm2, n_pkm1, n_qkm2, n_qkm1 = pkm1, pk, qkm1, qk
        n_dpkm2, n_dqkm2, n_dpkm1, n_dqkm1 = dpkm1_da, dqkm1_da, dpk_da, dqk_da
        rescale = np.abs(pk) > 1.0 / _EPS
        scale = np.where(rescale, _EPS, 1.0)
        n_pkm2, n_pkm1, n_qkm2, n_qkm1 = (n_pkm2 * scale, n_pkm1 * scale, n_qkm2 * scale,
                                          n_qkm1 * scale)
        n_dpkm2, n_dqkm2, n_dpkm1, n_dqkm1 = (n_dpkm2 * scale, n_dqkm2 * scale, n_dpkm1 * scale,
                                              n_dqkm1 * scale)
        if mode == VALUE:
            keep_going = active & (t > _EPS)
        else:
            keep_going = active & (grad_conditional > _EPS)
        sel = lambda new, old: np.where(active, new, old)  # noqa: E731
        ans, y, z = sel(ans_new, ans), sel(y_new, y), sel(z_new, z)
        pkm1, qkm1, pkm2, qkm2 = sel(n_pkm1, pkm1), sel(n_qkm1, qkm1), sel(n_pkm2, pkm2), \
            sel(n_qkm2, qkm2)
        dpkm2_da, dqkm2_da = sel(n_dpkm2, dpkm2_da), sel(n_dqkm2, dqkm2_da)
        dpkm1_da, dqkm1_da = sel(n_dpkm1, dpkm1_da), sel(n_dqkm1, dqkm1_da)
        dans_da = sel(dans_da_new, dans_da)
        active = keep_going
    ans, dans_da = _scatter_series(ans, dans_da, idx, ax.size, shape)
    if mode == VALUE:
        return ans * ax
    dlogax_da = np.log(x) - digamma.f64(a)
    if mode == DERIVATIVE:
        return ax * (ans * dlogax_da + dans_da)
    return -(dans_da + ans * dlogax_da) * x


_LOG_MAX = np.log(np.finfo(_F64).max)


def _log_ax(a, x):
    return a * np.log(x) - x - lgamma.f64(a)


@_float_kernel
def igamma(a, x):
    is_nan = np.isnan(a) | np.isnan(x)
    x_inf = x == np.inf
    x_zero = x == 0
    domain_error = (x < 0) | (a < 0) | ((a == 0) & x_zero) | is_nan
    use_igammac = (x >= 1) & (x > a)
    log_ax = _log_ax(a, x)
    underflow = log_ax < -_LOG_MAX
    ax = np.exp(log_ax)
    enabled = ~(x_zero | domain_error | underflow | x_inf)
    upper = 1.0 - _igammac_continued_fraction(ax, x, a, enabled & use_igammac, VALUE)
    lower = _igamma_series(ax, x, a, enabled & ~use_igammac, VALUE)
    out = np.where(use_igammac, upper, lower)
    out = np.where(x_zero, 0.0, out)
    out = np.where(x_inf, 1.0, out)
    return np.where(domain_error, np.nan, out)


@_float_kernel
def igammac(a, x):
    is_nan = np.isnan(a) | np.isnan(x)
    a_zero = a == 0
    x_zero = x == 0
    x_inf = x == np.inf
    domain_error = (x < 0) | (a < 0) | (a_zero & x_zero) | is_nan
    use_igamma = (x < 1) | (x < a)
    log_ax = _log_ax(a, x)
    underflow = log_ax < -_LOG_MAX
    enabled = ~(domain_error | underflow | x_inf | a_zero)
    ax = np.exp(log_ax)
    lower = _igamma_series(ax, x, a, enabled & use_igamma, VALUE)
    upper = _igammac_continued_fraction(ax, x, a, enabled & ~use_igamma, VALUE)
    out = np.where(use_igamma, 1.0 - lower, upper)
    out = np.where(x_inf | a_zero, 0.0, out)
    return np.where(domain_error, np.nan, out)


def _igamma_derivative(a, x, mode):
    is_nan = np.isnan(a) | np.isnan(x)
    x_zero = x == 0
    domain_error = (x < 0) | (a <= 0)
    use_igammac = (x > 1) & (x > a)
    log_ax = _log_ax(a, x)
    underflow = log_ax < -_LOG_MAX
    ax = np.exp(log_ax)
    enabled = ~(x_zero | domain_error | underflow | is_nan)
    upper = -_igammac_continued_fraction(ax, x, a, enabled & use_igammac, mode)
    lower = _igamma_series(ax, x, a, enabled & ~use_igammac, mode)
    out = np.where(use_igammac, upper, lower)
    out = np.where(x_zero, 0.0, out)
    return np.where(domain_error | is_nan, np.nan, out)


@_float_kernel
def igamma_grad_a(a, x):
    return _igamma_derivative(a, x, DERIVATIVE)


@_float_kernel
def random_gamma_grad(a, x):
    return _igamma_derivative(a, x, SAMPLE_DERIVATIVE)


# ---- regularized incomplete beta (XLA's algorithm) ----------------------------------------------------
@_float_kernel
def betainc(a, b, x):
    a_zero = (a == 0) | (b == np.inf)
    b_zero = (b == 0) | (a == np.inf)
    x_zero = x == 0
    x_one = x == 1
    is_nan = np.isnan(a) | np.isnan(b) | np.isnan(x)
    result_zero = (b_zero & ~x_one) | (a_zero & x_zero)
    result_one = (a_zero & ~x_zero) | (b_zero & x_one)
    result_nan = (a < 0) | (b < 0) | (x < 0) | (x > 1) | (a_zero & b_zero) | is_nan

    rapid = x < (a + 1.0) / (a + b + 2.0)
    a, b = np.where(rapid, a, b), np.where(rapid, b, a)
    x = np.where(rapid, x, 1.0 - x)

    # Lentz's algorithm over the continued fraction of DLMF 8.17.22.
    small = 1e-300
    threshold = _EPS / 2
    h = np.full_like(x, small)  # partial denominator 0 at step 0
    c = h.copy()
    d = np.zeros_like(x)
    active = np.ones(x.shape, bool)
    for n in range(1, 600):
        if not active.any():
            break
        if n == 1:
            numerator = np.ones_like(x)
        else:
            m = float((n - 1) // 2)
            if n % 2 == 0:
                if m == 0:
                    numerator = -(a + b) * x / (a + 1.0)
                else:
                    numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0))
            else:
                numerator = m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m))
        c_new = 1.0 + numerator / c
        c_new = np.where(np.abs(c_new) < small, small, c_new)
        d_new = 1.0 + numerator * d
        d_new = 1.0 / np.where(np.abs(d_new) < small, small, d_new)
        delta = c_new * d_new
        c = np.where(active, c_new, c)
        d = np.where(active, d_new, d)
        h = np.where(active, h * delta, h)
        active = active & (np.abs(delta - 1.0) >= threshold)
    lbeta_small_a = lgamma.f64(b) - lgamma.f64(a + b)
    lbeta = lgamma.f64(a) + lbeta_small_a
    very_small = np.finfo(_F64).tiny * 2
    factor = np.where(a < very_small, np.exp(np.log1p(-x) * b - lbeta_small_a),
                      np.exp(np.log(x) * a + np.log1p(-x) * b - lbeta) / a)
    result = h * factor
    result = np.where(rapid, result, 1.0 - result)
    result = np.where(result_zero, 0.0, result)
    result = np.where(result_one, 1.0, result)
    return np.where(result_nan, np.nan, result)


# ---- Bessel functions i0e, i1e ------------------------------------------------------------------------
_I0E_A = (-4.41534164647933937950e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16,
          1.71539128555513303061e-15, -1.16853328779934516808e-14, 7.67618549860493561688e-14,
          -4.85644678311192946090e-13, 2.95505266312963983461e-12, -1.72682629144155570723e-11,
          9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-9,
          -1.30002500998624804212e-8, 6.04699502254191894932e-8, -2.67079385394061173391e-7,
          1.11738753912010371815e-6, -4.41673835845875056359e-6, 1.64484480707288970893e-5,
          -5.75419501008210370398e-5, 1.88502885095841655729e-4, -5.76375574538582365885e-4,
          1.63947561694133579842e-3, -4.32430999505057594430e-3, 1.05464603945949983183e-2,
          -2.37374148058994688156e-2, 4.93052842396707084878e-2, -9.49010970480476444210e-2,
          1.71620901522208775349e-1, -3.04682672343198398683e-1, 6.76795274409476084995e-1)
_I0E_B = (-7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17,
          3.46122286769746109310e-17, -2.82762398051658348494e-16, -3.42548561967721913462e-16,
          1.77256013305652638360e-15, 3.81168066935262242075e-15, -9.55484669882830764870e-15,
          -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13,
          7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11,
          -3.14991652796324136454e-11, 1.18891471078464383424e-11, 4.94060238822496958910e-10,
          3.39623202570838634515e-9, 2.26666899049817806459e-8, 2.04891858946906374183e-7,
          2.89137052083475648297e-6, 6.88975834691682398426e-5, 3.36911647825569408990e-3,
          8.04490411014108831608e-1)
_I1E_A = (2.77791411276104639959e-18, -2.11142121435816608115e-17, 1.55363195773620046921e-16,
          -1.10559694773538630805e-15, 7.60068429473540693410e-15, -5.04218550472791168711e-14,
          3.22379336594557470981e-13, -1.98397439776494371520e-12, 1.17361862988909016308e-11,
          -6.66348972350202774223e-11, 3.62559028155211703701e-10, -1.88724975172282928790e-9,
          9.38153738649577178388e-9, -4.44505912879632808065e-8, 2.00329475355213526229e-7,
          -8.56872026469545474066e-7, 3.47025130813767847674e-6, -1.32731636560394358279e-5,
          4.78156510755005422638e-5, -1.61760815825896745588e-4, 5.12285956168575772895e-4,
          -1.51357245063125314899e-3, 4.15642294431288815669e-3, -1.05640848946261981558e-2,
          2.47264490306265168283e-2, -5.29459812080949914269e-2, 1.02643658689847095384e-1,
          -1.76416518357834055153e-1, 2.52587186443633654823e-1)
_I1E_B = (7.51729631084210481353e-18, 4.41434832307170791151e-18, -4.65030536848935832153e-17,
          -3.20952592199342395980e-17, 2.96262899764595013876e-16, 3.30820231092092828324e-16,
          -1.88035477551078244854e-15, -3.81440307243700780478e-15, 1.04202769841288027642e-14,
          4.27244001671195135429e-14, -2.10154184277266431302e-14, -4.08355111109219731823e-13,
          -7.19855177624590851209e-13, 2.03562854414708950722e-12, 1.41258074366137813316e-11,
          3.25260358301548823856e-11, -1.89749581235054123450e-11, -5.58974346219658380687e-10,
          -3.83538038596423702205e-9, -2.63146884688951950684e-8, -2.51223623787020892529e-7,
          -3.88256480887769039346e-6, -1.10588938762623716291e-4, -9.76109749136146840777e-3,
          7.78576235018280120474e-1)


def _chebyshev(x, coefficients):
    """Clenshaw's recurrence for a Chebyshev series (Cephes chbevl)."""
    b0 = np.zeros_like(x)
    b1 = np.zeros_like(x)
    b2 = b1
    for c in coefficients:
        b2 = b1
        b1 = b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


@_float_kernel
def bessel_i0e(x):
    ax = np.abs(x)
    near = ax <= 8.0
    small = _chebyshev(np.where(near, ax, 0.0) / 2.0 - 2.0, _I0E_A)
    far_x = np.where(near, 16.0, ax)
    large = _chebyshev(32.0 / far_x - 2.0, _I0E_B) / np.sqrt(far_x)
    return np.where(near, small, large)


@_float_kernel
def bessel_i1e(x):
    ax = np.abs(x)
    near = ax <= 8.0
    small = _chebyshev(np.where(near, ax, 0.0) / 2.0 - 2.0, _I1E_A) * ax
    far_x = np.where(near, 16.0, ax)
    large = _chebyshev(32.0 / far_x - 2.0, _I1E_B) / np.sqrt(far_x)
    return np.copysign(np.where(near, small, large), x)

