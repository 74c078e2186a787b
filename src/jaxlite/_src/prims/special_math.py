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
                   igamma, igammac, igamma_grad_a and random_gamma_grad to),
                   in special_math_incomplete.py
  betainc          XLA's Lentz continued fraction (as JAX's betainc), ditto
  bessel_i0e/i1e   Cephes Chebyshev expansions, ditto
  erf_inv          XLA:CPU's polynomial, bit for bit (erf_inv.py)

Special values follow JAX (e.g. lgamma at poles is inf, digamma at poles NaN).
"""
import math

import numpy as np

from . import erf_inv as erf_inv_kernels, numpy_ops, xla_math

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
    """XLA:CPU's erf_inv (bit-identical to JAX for float32). Outside [-1, 1] the
    kernel's log1p of a number below -1 is NaN, as in JAX."""
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        return np.asarray(erf_inv_kernels.erf_inv(x, ops=numpy_ops.ops))


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
# written out (the nearest doubles of the exact rationals, as tests/prims/test_special.py checks)
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
