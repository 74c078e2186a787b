"""NumPy kernels of the special-function primitives (prims/special.py).

NumPy has no erf, gamma or Bessel functions, so they are computed here from
well-known approximations, vectorized over arrays. Every kernel takes NumPy
arrays of one float dtype, computes in float64 and rounds once to the input
dtype, so float32 results are correctly rounded or within an ulp, and float64
results are within a few ulps of SciPy's over the tested ranges:

  erf              XLA:CPU's own: its float32 rational approximation, the C
                   library's erf for float64 (bit-identical to JAX)
  erfc, erfcx      Cephes ndtr.c rational approximations (S. L. Moshier), with
                   exp(-x^2) evaluated in two parts as in W. J. Cody's CALERF
  lgamma           Cephes lgam: recurrence to [2, 3) and a rational
                   approximation there, Stirling's series above 13, reflection
                   below -34
  digamma          Cephes psi: reflection, recurrence, a rational
                   approximation on [1, 2] (Boost) and the asymptotic series
  zeta, polygamma  Hurwitz zeta by Euler-Maclaurin summation (Cephes zeta);
                   polygamma(n, x) = (-1)^(n+1) n! zeta(n+1, x)
  igamma family    XLA's series / continued fraction (the algorithm JAX lowers
                   igamma, igammac, igamma_grad_a and random_gamma_grad to)
  betainc          XLA's Lentz continued fraction (as JAX's betainc)
  bessel_i0e/i1e   Cephes Chebyshev expansions
  erf_inv          XLA:CPU's polynomial, bit for bit (xla_math.py)

Special values follow JAX (e.g. lgamma at poles is inf, digamma at poles NaN).
"""
import math

import numpy as np

from . import numpy_ops, xla_math

_F64 = np.float64
_EPS = np.finfo(_F64).eps



def _scatter_series(ans, dans_da, idx, size, shape):
    """Series results computed for the still-active elements `idx`, put back in full
    arrays (value 1 and derivative 0 elsewhere)."""
    full_ans, full_dans = np.ones(size), np.zeros(size)
    full_ans[idx] = ans
    full_dans[idx] = dans_da
    return full_ans.reshape(shape), full_dans.reshape(shape)

def _float_kernel(fn):
    """Wrap a float64 kernel: inputs broadcast and go to float64, the result
    returns in the inputs' dtype (0-d results as NumPy scalars of that dtype)."""
    def kernel(*args, **params):
        arrays = [np.asarray(a) for a in args]
        dtype = arrays[0].dtype
        wide = [a.astype(_F64) for a in np.broadcast_arrays(*arrays)]
        with np.errstate(all="ignore"):
            out = fn(*wide, **params)
        out = np.asarray(out, _F64).astype(dtype)
        return out
    kernel.__name__ = fn.__name__
    kernel.__doc__ = fn.__doc__
    kernel.f64 = fn  # the float64 core, for kernels that call each other
    return kernel


def _polevl(x, coefficients):
    """Horner: coefficients from the highest degree down."""
    result = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        result = result * x + c
    return result


def _p1evl(x, coefficients):
    """Horner with an implicit leading coefficient 1."""
    result = x + coefficients[0]
    for c in coefficients[1:]:
        result = result * x + c
    return result


# ---- erf, erfc ------------------------------------------------------------------------------
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_ERFC_Q = (1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)
_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
_ERFC_S = (2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)
_ERF_U = (3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)


def _erf_small(x):
    """erf for |x| <= 1."""
    z = x * x
    return x * _polevl(z, _ERF_T) / _p1evl(z, _ERF_U)


def _exp_minus_square(ax):
    """exp(-x*x) without the rounding error of x*x (Cody): split x at 1/16ths."""
    head = np.trunc(ax * 16.0) / 16.0
    return np.exp(-head * head) * np.exp(-(ax - head) * (ax + head))


def _erfc_large(ax):
    """erfc for |x| >= 1 (ax = |x|)."""
    near = ax < 8.0
    p = np.where(near, _polevl(ax, _ERFC_P), _polevl(ax, _ERFC_R))
    q = np.where(near, _p1evl(ax, _ERFC_Q), _p1evl(ax, _ERFC_S))
    return np.where(ax > 27.3, 0.0, _exp_minus_square(ax) * p / q)


def erf(x):
    """erf as XLA:CPU computes it, so results are JAX's bit for bit: float32 (and
    narrower, via float32) with XLA's rational approximation, float64 with the C
    library's erf (which XLA calls)."""
    x = np.asarray(x)
    if x.dtype == np.float64:
        return np.asarray(_libm_erf(x), np.float64).reshape(x.shape)
    wide = x.astype(np.float32)
    with np.errstate(all="ignore"):
        out = xla_math._erf_f32(numpy_ops.ops, wide)
    return np.asarray(out, np.float32).astype(x.dtype)


_libm_erf = np.frompyfunc(math.erf, 1, 1)


@_float_kernel
def erfc(x):
    ax = np.abs(x)
    small = ax < 1.0
    tail = _erfc_large(np.where(small, 1.0, ax))
    out = np.where(small, 1.0 - _erf_small(np.where(small, x, 0.0)),
                   np.where(x < 0, 2.0 - tail, tail))
    return np.where(np.isnan(x), np.nan, out)


def _erfcx_nonnegative(ax):
    """exp(x^2) erfc(x) for x >= 0, without forming the underflowing erfc."""
    small = ax < 1.0
    head = np.trunc(ax * 16.0) / 16.0
    exp_square = np.exp(head * head) * np.exp((ax - head) * (ax + head))
    near = np.where(small, exp_square * (1.0 - _erf_small(np.where(small, ax, 0.0))), 0.0)
    mid_x = np.clip(ax, 1.0, 1e3)
    mid = np.where(mid_x < 8.0, _polevl(mid_x, _ERFC_P) / _p1evl(mid_x, _ERFC_Q),
                   _polevl(mid_x, _ERFC_R) / _p1evl(mid_x, _ERFC_S))
    # Beyond 1e3 the asymptotic series 1/(x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4)) is exact.
    inv2 = 1.0 / np.maximum(ax, 1e3) ** 2
    far = (1.0 - 0.5 * inv2 + 0.75 * inv2 * inv2) / (np.maximum(ax, 1e3) * np.sqrt(np.pi))
    return np.where(small, near, np.where(ax < 1e3, mid, far))


@_float_kernel
def erfcx(x):
    """Scaled complementary error function exp(x^2) erfc(x)."""
    positive = _erfcx_nonnegative(np.abs(x))
    head = np.trunc(x * 16.0) / 16.0
    exp_square = np.exp(head * head) * np.exp((x - head) * (x + head))
    out = np.where(x >= 0, positive, 2.0 * exp_square - positive)
    out = np.where(x == np.inf, 0.0, out)
    return np.where(np.isnan(x), np.nan, out)


@_float_kernel
def log_ndtr(x):
    """log of the standard normal CDF, accurate in both tails."""
    ax = np.abs(x)
    # erfc(|x|/sqrt 2) = exp(-x^2/2) erfcx(|x|/sqrt 2): the rounding of x/sqrt(2) barely
    # moves the smooth erfcx, while x^2/2 is formed from an exact head and a small tail.
    head = np.trunc(ax * 16.0) / 16.0
    half_head, half_tail = 0.5 * head * head, 0.5 * (ax - head) * (ax + head)
    scaled = 0.5 * _erfcx_nonnegative(ax / np.sqrt(2.0))
    upper = np.log1p(-np.exp(-half_head) * np.exp(-half_tail) * scaled)
    lower = np.log(scaled) - half_head - half_tail
    out = np.where(x >= 0, upper, lower)
    out = np.where(x == -np.inf, -np.inf, np.where(x == np.inf, 0.0, out))
    return np.where(np.isnan(x), np.nan, out)


def erf_inv(x):
    """XLA:CPU's erf_inv (bit-identical to JAX for float32)."""
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        out = xla_math.erf_inv(x, ops=numpy_ops.ops)
        # Outside [-1, 1] the polynomial is meaningless: NaN, as in JAX.
        return np.where(np.abs(x) > 1, np.array(np.nan, x.dtype), out).astype(x.dtype)


# ---- lgamma -----------------------------------------------------------------------------------
_LGAMMA_A = (8.11614167470508450300e-4, -5.95061904284301438324e-4, 7.93650340457716943945e-4,
             -2.77777777730099687205e-3, 8.33333333333331927722e-2)
_LGAMMA_B = (-1.37825152569120859100e3, -3.88016315134637840924e4, -3.31612992738871184744e5,
             -1.16237097492762307383e6, -1.72173700820839662146e6, -8.53555664245765465627e5)
_LGAMMA_C = (-3.51815701436523470549e2, -1.70642106651881159223e4, -2.20528590553854454839e5,
             -1.13933444367982507207e6, -2.53252307177582951285e6, -2.01889141433532773231e6)
_LOG_SQRT_2PI = 0.91893853320467274178
_LOG_PI = 1.14472988584940017414


def _lgamma_stirling(x):
    """log|Gamma(x)| for x >= 13."""
    q = (x - 0.5) * np.log(x) - x + _LOG_SQRT_2PI
    p = 1.0 / (x * x)
    return np.where(x > 1e8, q, q + _polevl(p, _LGAMMA_A) / x)


def _lgamma_reduced(x):
    """log|Gamma(x)| for -34 <= x < 13 (not a pole): recurrence to [2, 3)."""
    z = np.ones_like(x)
    shift = np.zeros_like(x)
    u = x.copy()
    while True:
        down = u >= 3.0
        if not down.any():
            break
        shift = np.where(down, shift - 1.0, shift)
        u = np.where(down, x + shift, u)
        z = np.where(down, z * u, z)
    while True:
        up = u < 2.0
        if not up.any():
            break
        z = np.where(up, z / u, z)
        shift = np.where(up, shift + 1.0, shift)
        u = np.where(up, x + shift, u)
    p = x + (shift - 2.0)
    return np.where(u == 2.0, np.log(np.abs(z)),
                    np.log(np.abs(z)) + p * _polevl(p, _LGAMMA_B) / _p1evl(p, _LGAMMA_C))


def _lgamma_positive(x):
    middle = x < 13.0
    return np.where(middle, _lgamma_reduced(np.where(middle, x, 2.5)),
                    _lgamma_stirling(np.where(middle, 13.0, x)))


@_float_kernel
def lgamma(x):
    finite = np.isfinite(x)
    pole = (x <= 0) & (x == np.floor(x))
    very_negative = x < -34.0
    xs = np.where(finite & ~pole, x, 2.5)
    # Reflection for x < -34: log|Gamma(x)| = log(pi / |q sin(pi z)|) - lgamma(q), q = -x.
    q = np.where(very_negative, -xs, 40.0)
    p = np.floor(q)
    z = q - p
    z = np.where(z > 0.5, (p + 1.0) - q, z)
    reflected = _LOG_PI - np.log(np.abs(q * np.sin(np.pi * z))) - _lgamma_positive(q)
    out = np.where(very_negative, reflected, _lgamma_positive(np.where(very_negative, 2.5, xs)))
    out = np.where(pole | np.isinf(x), np.inf, out)
    return np.where(np.isnan(x), np.nan, out)


# ---- digamma --------------------------------------------------------------------------------------
_PSI_A = (8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
          -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
          8.33333333333333333333e-2)
_PSI_P = (-0.0020713321167745952, -0.045251321448739056, -0.28919126444774784,
          -0.65031853770896507, -0.32555031186804491, 0.25479851061131551)
_PSI_Q = (-0.55789841321675513e-6, 0.0021284987017821144, 0.054151797245674225,
          0.43593529692665969, 1.4606242909763515, 2.0767117023730469, 1.0)
_PSI_Y = 0.99558162689208984
_PSI_ROOTS = (1569415565.0 / 1073741824.0, (381566830.0 / 1073741824.0) / 1073741824.0,
              0.9016312093258695918615325266959189453125e-19)
_EULER = 0.57721566490153286061


def _digamma_1_2(x):
    g = x - _PSI_ROOTS[0] - _PSI_ROOTS[1] - _PSI_ROOTS[2]
    r = _polevl(x - 1.0, _PSI_P) / _polevl(x - 1.0, _PSI_Q)
    return g * _PSI_Y + g * r


def _digamma_asymptotic(x):
    z = 1.0 / (x * x)
    y = np.where(x < 1e17, z * _polevl(z, _PSI_A), 0.0)
    return np.log(x) - 0.5 / x - y


@_float_kernel
def digamma(x):
    pole = (x <= 0) & (x == np.floor(x))
    bad = pole | np.isnan(x) | (x == -np.inf)
    x0 = np.where(bad, 1.5, x)
    negative = x0 < 0
    y = np.where(negative, -np.pi / np.tan(np.pi * (x0 - np.trunc(x0))), 0.0)
    x1 = np.where(negative, 1.0 - x0, x0)
    below_one = x1 < 1.0
    y = np.where(below_one, y - 1.0 / x1, y)
    x1 = np.where(below_one, x1 + 1.0, x1)
    medium = x1 < 10.0
    while True:
        down = medium & (x1 > 2.0)
        if not down.any():
            break
        x1 = np.where(down, x1 - 1.0, x1)
        y = np.where(down, y + 1.0 / x1, y)
    out = np.where(medium, y + _digamma_1_2(np.where(medium, x1, 1.5)),
                   y + _digamma_asymptotic(np.where(medium, 10.0, x1)))
    # Exact values at small positive integers (harmonic numbers).
    integer = (x0 > 0) & (x0 <= 10) & (x0 == np.floor(x0))
    harmonic = np.cumsum([0.0] + [1.0 / k for k in range(1, 10)]) - _EULER
    out = np.where(integer, harmonic[np.clip(x0, 1, 10).astype(int) - 1], out)
    out = np.where(x == np.inf, np.inf, out)
    return np.where(bad, np.nan, out)


# ---- zeta, polygamma --------------------------------------------------------------------------------
# Euler-Maclaurin coefficients (2k)! / B_2k, k = 1..16, with B_2k the Bernoulli numbers;
# written out (the nearest doubles of the exact rationals, as tests/test_special.py checks)
# rather than derived with Fractions at import.
_ZETA_EULER_MACLAURIN = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1892437580.3183792,
                         74724249600.0, -2950130727918.164, 116467828143500.67,
                         -4597978722407473.0, 1.8152105401943546e+17, -7.166165256175667e+18,
                         2.82908877253043e+20, -1.1168794925000445e+22, 4.4092635141854666e+23,
                         -1.7407074646225822e+25)
# k = 1..12 for zeta's sum (Cephes zeta's A[]); all 16 for the differentiable series of
# prims/special.py.
_ZETA_A = _ZETA_EULER_MACLAURIN[:12]


def _hurwitz_zeta(x, q):
    """zeta(x, q) = sum_k (k + q)^-x for arrays of equal shape (x > 1)."""
    s = np.power(q, -x)
    a = q.copy()
    # Sum directly until a > 9 and at least 9 terms; elements whose terms
    # already vanish need no Euler-Maclaurin tail.
    finite_q = q[np.isfinite(q)]
    steps = 9 + int(max(0.0, math.ceil(9.0 - finite_q.min()))) if finite_q.size else 9
    done = np.zeros(s.shape, bool)
    b = np.zeros_like(s)
    for _ in range(min(steps, 100000)):
        a = a + 1.0
        b = np.where(done, b, np.power(a, -x))
        s = np.where(done, s, s + b)
        done = done | (np.abs(b / s) < _EPS)
    w = a
    tail = s + b * w / (x - 1.0) - 0.5 * b
    s = np.where(done, s, tail)
    coeff = np.ones_like(s)
    k = 0.0
    for A in _ZETA_A:
        coeff = coeff * (x + k)
        b = b / w
        t = coeff * b / A
        s = np.where(done, s, s + t)
        done = done | (np.abs(t / s) < _EPS)
        k += 1.0
        coeff = coeff * (x + k)
        b = b / w
        k += 1.0
    return s


@_float_kernel
def zeta(x, q):
    pole_q = (q <= 0) & (q == np.floor(q))
    domain = (x < 1) | ((q <= 0) & ~pole_q & (x != np.floor(x))) | np.isnan(x) | np.isnan(q)
    infinite = (x == 1) | pole_q
    ok = ~(domain | infinite)
    value = _hurwitz_zeta(np.where(ok, x, 2.0), np.where(ok, q, 1.0))
    out = np.where(infinite, np.inf, value)
    out = np.where(domain & ~(x == 1), np.nan, out)
    return out


_FACTORIALS = np.array([float(math.factorial(k)) for k in range(171)] + [np.inf])


@_float_kernel
def polygamma(n, x):
    integer = (n == np.floor(n)) & (n >= 0)
    order = np.where(integer, n, 1.0)
    sign = np.where(np.fmod(order, 2.0) == 0, -1.0, 1.0)  # (-1)^(n+1)
    factorial = _FACTORIALS[np.clip(order, 0, 171).astype(np.int64)]
    z = zeta.f64(order + 1.0, x)
    out = sign * factorial * z
    out = np.where(n == 0, digamma.f64(x), out)
    return np.where(integer, out, np.nan)


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

