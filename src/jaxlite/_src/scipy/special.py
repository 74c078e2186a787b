"""jax.scipy.special: special functions on the primitives of prims/special.py and jnp.

Arguments are promoted to a common inexact dtype as in JAX; every function is
differentiable (with JAX's derivative conventions), batchable and jittable.

    >>> from jaxlite.scipy.special import logsumexp, gammaln
    >>> print(round(float(logsumexp(jnp.array([1.0, 2.0, 3.0]))), 5))
    3.40761
    >>> print(round(float(gammaln(5.0)), 5))   # log(24)
    3.17805
"""
import operator
from fractions import Fraction

import numpy as np

from .. import core, dtypes
from ..lax import lax
from ..lax.control_flow import fori_loop
from ..custom_derivatives import custom_jvp
from ..numpy_api import ufuncs, reductions, shapes, creation
from ..conversion import asarray
from ..prims import special as sp
from ..nn.functions import softmax as nn_softmax, log_softmax as nn_log_softmax
from .logsumexp import _promote, _const, _where, logsumexp  # noqa: F401 (exported)


# ---- gamma function family ------------------------------------------------------------------
def gammaln(x):
    """log|Gamma(x)|. `gammaln(5.0)` is log(24)."""
    (x,) = _promote("gammaln", x)
    return sp.lgamma_p.bind(x)


def gammasgn(x):
    """The sign of Gamma(x): NaN at poles and for NaN, -1 where Gamma(x) < 0."""
    (x,) = _promote("gammasgn", x)
    floor_x = ufuncs.floor(x)
    negative = x < 0
    nan_case = (negative & (x == floor_x)) | ufuncs.isnan(x)
    minus_case = (negative & (ufuncs.remainder(floor_x, 2) != 0)) | ((x == 0) & ufuncs.signbit(x))
    # Strongly typed constants: JAX's result is never weak.
    strong = lambda v: asarray(np.asarray(v, x.dtype))  # noqa: E731
    return _where(nan_case, strong(np.nan), _where(minus_case, strong(-1.0), strong(1.0)))


def gamma(x):
    """The gamma function, gammasgn(x) * exp(gammaln(x))."""
    (x,) = _promote("gamma", x)
    return gammasgn(x) * ufuncs.exp(sp.lgamma_p.bind(x))


def loggamma(x):
    """Principal branch of log Gamma(x) for real x: gammaln(x) for x > 0, else NaN."""
    (x,) = _promote("loggamma", x)
    return _where(x > 0, sp.lgamma_p.bind(x), _const(x, np.nan))


def _algdiv(a, b):
    """log(Gamma(b) / Gamma(a + b)) for b >= 8 (a <= b), from SciPy's cdflib algdiv."""
    c0, c1, c2 = 0.833333333333333e-01, -0.277777777760991e-02, 0.793650666825390e-03
    c3, c4, c5 = -0.595202931351870e-03, 0.837308034031215e-03, -0.165322962780713e-02
    h = a / b
    c = h / (1 + h)
    x = h / (1 + h)
    d = b + (a - 0.5)
    x2 = x * x
    s3 = 1.0 + (x + x2)
    s5 = 1.0 + (x + x2 * s3)
    s7 = 1.0 + (x + x2 * s5)
    s9 = 1.0 + (x + x2 * s7)
    s11 = 1.0 + (x + x2 * s9)
    t = (1.0 / b) ** 2
    w = ((((c5 * s11 * t + c4 * s9) * t + c3 * s7) * t + c2 * s5) * t + c1 * s3) * t + c0
    w = w * (c / b)
    u = d * ufuncs.log1p(a / b)
    v = a * (ufuncs.log(b) - 1.0)
    return _where(u <= v, (w - v) - u, (w - u) - v)


def betaln(a, b):
    """log|B(a, b)|, accurate for large arguments (SciPy's algdiv above b = 8)."""
    a, b = _promote("betaln", a, b)
    a, b = ufuncs.minimum(a, b), ufuncs.maximum(a, b)
    small_b = gammaln(a) + (gammaln(b) - gammaln(a + b))
    large_b = gammaln(a) + _algdiv(a, b)
    return _where(b < 8, small_b, large_b)


def beta(a, b):
    """The beta function B(a, b) = Gamma(a) Gamma(b) / Gamma(a + b)."""
    a, b = _promote("beta", a, b)
    sign = gammasgn(a) * gammasgn(b) * gammasgn(a + b)
    return sign * ufuncs.exp(betaln(a, b))


def factorial(n, exact=False):
    """n! as exp(gammaln(n + 1)); 0 for n < 0. exact=True is not supported (as in JAX)."""
    if exact:
        raise NotImplementedError("factorial with exact=True")
    (n,) = _promote("factorial", n)
    return _where(n < 0, _const(n, 0), ufuncs.exp(gammaln(n + 1)))


def comb(N, k, *, repetition=False):
    """N choose k (floating point); 0 where k > N, N < 0 or k < 0."""
    N, k = _promote("comb", N, k)
    if repetition:
        return comb(N + k - 1, k)
    cond = (k <= N) & (N >= 0) & (k >= 0)
    safe_N = _where(cond, N, _const(N, 0.0))
    safe_k = _where(cond, k, _const(k, 0.0))
    result = ufuncs.exp(gammaln(safe_N + 1) - gammaln(safe_k + 1) - gammaln(safe_N + 1 - safe_k))
    return _where(cond, result, _const(result, 0.0))


def poch(z, m):
    """The Pochhammer symbol (z)_m = Gamma(z + m) / Gamma(z)."""
    z, m = _promote("poch", z, m)
    return _where(m == 0.0, _const(z, 1), gamma(z + m) / gamma(z))


def digamma(x):
    """The digamma function psi(x) = d/dx gammaln(x); NaN at poles."""
    (x,) = _promote("digamma", x)
    return sp.digamma_p.bind(x)


def polygamma(n, x):
    """The n-th derivative of digamma; n must have an integer dtype."""
    n_dtype = core.get_aval(n).dtype if not isinstance(n, (int, float)) else \
        np.dtype(type(n))
    if np.dtype(n_dtype).kind not in "iu":
        raise ValueError(f"Argument `n` to polygamma must be of integer type. Got dtype "
                         f"{np.dtype(n_dtype).name}.")
    n, x = _promote("polygamma", n, x)
    return sp.polygamma_p.bind(n, x)


def multigammaln(a, d):
    """log of the multivariate gamma function of dimension d (a static int)."""
    d = operator.index(core.concrete_or_error(d, "d argument of multigammaln").item()
                       if not isinstance(d, int) else d)
    a, d_ = _promote("multigammaln", a, d)
    constant = 0.25 * d_ * (d_ - 1) * ufuncs.log(_const(a, np.pi))
    b = creation.arange(d, dtype=d_.dtype) / _const(a, 2)
    terms = gammaln(shapes.expand_dims(a, -1) - shapes.expand_dims(b, tuple(range(a.ndim))))
    return reductions.sum(terms, axis=-1) + constant


def gammainc(a, x):
    """Regularized lower incomplete gamma function P(a, x)."""
    a, x = _promote("gammainc", a, x)
    return sp.igamma_p.bind(a, x)


def gammaincc(a, x):
    """Regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    a, x = _promote("gammaincc", a, x)
    return sp.igammac_p.bind(a, x)


def betainc(a, b, x):
    """Regularized incomplete beta function I_x(a, b) (differentiable in x)."""
    a, b, x = _promote("betainc", a, b, x)
    return sp.regularized_incomplete_beta_p.bind(a, b, x)


def zeta(x, q=None):
    """The Hurwitz zeta function sum_k (k + q)^-x (differentiable in q)."""
    if q is None:
        raise NotImplementedError("Riemann zeta function not implemented; pass q != None to "
                                  "compute the Hurwitz Zeta function.")
    x, q = _promote("zeta", x, q)
    return sp.zeta_p.bind(x, q)


def bernoulli_numbers(count):
    """B_0 ... B_{count-1} as exact Fractions (Akiyama-Tanigawa; B_1 = +1/2)."""
    out = []
    a = [Fraction(0)] * count
    for m in range(count):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        out.append(a[0])
    return out


def bernoulli(n):
    """The Bernoulli numbers B_0 ... B_n (with B_1 = -1/2)."""
    n = core.concrete_or_error(n, "Argument n of bernoulli").item() \
        if not isinstance(n, int) else n
    n = operator.index(n)
    if n < 0:
        raise ValueError("n must be a non-negative integer.")
    values = [float(b) for b in bernoulli_numbers(n + 1)]
    if n >= 1:
        values[1] = -0.5
    return asarray(np.array(values, dtypes.default_float_dtype()))


# ---- exponential integral ---------------------------------------------------------------------
_EULER_GAMMA = 0.5772156649015329


def _expi_series(x):
    """gamma + log|x| + sum_k x^k / (k k!): for x > 0 (positive terms) and -1 <= x < 0.
    200 terms reach x = 88, past which Ei overflows float32."""
    def body(k, carry):
        term, total = carry
        kf = lax.convert_element_type(k, x.dtype)
        term = term * x / kf
        return term, total + term / kf
    _, total = fori_loop(1, 200, body, (creation.ones_like(x), creation.zeros_like(x)))
    return _const(x, _EULER_GAMMA) + ufuncs.log(ufuncs.abs(x)) + total


def _expi_continued_fraction(x):
    """-E1(-x) for x < -1, by the continued fraction of E1 (modified Lentz)."""
    z = -x
    def body(i, carry):
        b, c, d, h = carry
        a = -lax.convert_element_type(i * i, x.dtype)
        b = b + 2
        d = 1 / (a * d + b)
        c = b + a / c
        return b, c, d, h * c * d
    b = z + 1
    init = (b, creation.full_like(z, 1e30), 1 / b, 1 / b)
    _, _, _, h = fori_loop(1, 60, body, init)
    return -h * ufuncs.exp(-z)


@custom_jvp
def _expi(x):
    small = x >= -1
    series = _expi_series(_where(small, x, _const(x, 1)))
    fraction = _expi_continued_fraction(_where(small, _const(x, -2), x))
    out = _where(small, series, fraction)
    out = _where(x == 0, _const(x, np.nan), out)  # as JAX (SciPy gives -inf)
    return _where(x > 88.73 if x.dtype == np.float32 else x > 709.79, _const(x, np.inf), out)


@_expi.defjvp
def _expi_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _expi(x), t * ufuncs.exp(x) / x


def expi(x):
    """The exponential integral Ei(x) = -PV integral from -x to inf of exp(-t)/t dt."""
    (x,) = _promote("expi", x)
    return _expi(x)


def exp1(x):
    """The exponential integral E1(x) = integral from 1 to inf of exp(-x t)/t dt, x > 0."""
    (x,) = _promote("exp1", x)
    return _where(x < 0, _const(x, np.nan), -_expi(-x))


# ---- error function family -------------------------------------------------------------------
def erf(x):
    """The error function."""
    (x,) = _promote("erf", x)
    return sp.erf_p.bind(x)


def erfc(x):
    """The complementary error function 1 - erf(x), accurate for large x."""
    (x,) = _promote("erfc", x)
    return sp.erfc_p.bind(x)


def erfinv(x):
    """The inverse error function (XLA's polynomial: bit-identical to JAX in float32)."""
    (x,) = _promote("erfinv", x)
    return sp.erf_inv_p.bind(x)


def erfcx(x):
    """The scaled complementary error function exp(x^2) erfc(x)."""
    (x,) = _promote("erfcx", x)
    return sp.erfcx_p.bind(x)


def _normal_dtype(name, x):
    x = asarray(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"x.dtype={x.dtype} is not supported, see docstring for supported types.")
    return x


def ndtr(x):
    """The standard normal CDF, (1 + erf(x / sqrt(2))) / 2."""
    x = _normal_dtype("ndtr", x)
    half_sqrt_2 = _const(x, 0.5 * np.sqrt(2.0))
    w = x * half_sqrt_2
    z = ufuncs.abs(w)
    y = _where(z < half_sqrt_2, 1.0 + erf(w), _where(w > 0, 2.0 - erfc(z), erfc(z)))
    return 0.5 * y


_NDTRI_P0 = (-5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1,
             1.39312609387279679503e1, -1.23916583867381258016e0)
_NDTRI_Q0 = (1.0, 1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1,
             -2.25462687854119370527e2, 2.00260212380060660359e2, -8.20372256168333339912e1,
             1.59056225126211695515e1, -1.18331621121330003142e0)
_NDTRI_P1 = (4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1,
             4.40805073893200834700e1, 1.46849561928858024014e1, 2.18663306850790267539e0,
             -1.40256079171354495875e-1, -3.50424626827848203418e-2, -8.57456785154685413611e-4)
_NDTRI_Q1 = (1.0, 1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1,
             1.50425385692907503408e1, 2.50464946208309415979e0, -1.42182922854787788574e-1,
             -3.80806407691578277194e-2, -9.33259480895457427372e-4)
_NDTRI_P2 = (3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0,
             1.33303460815807542389e0, 2.01485389549179081538e-1, 1.23716634817820021358e-2,
             3.01581553508235416007e-4, 2.65806974686737550832e-6, 6.23974539184983293730e-9)
_NDTRI_Q2 = (1.0, 6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0,
             2.16236993594496635890e-1, 1.34204006088543189037e-2, 3.28014464682127739104e-4,
             2.89247864745380683936e-6, 6.79019408009981274425e-9)


def _polyval(coefficients, x):
    out = _const(x, coefficients[0])
    for c in coefficients[1:]:
        out = out * x + _const(x, c)
    return out


def ndtri(p):
    """The inverse of ndtr (Cephes' ndtri, as in JAX): ndtri(0.975) = 1.959964."""
    p = _normal_dtype("ndtri", p)
    maybe_complement = _where(p > _const(p, -np.expm1(-2.0)), 1.0 - p, p)
    sanitized = _where(maybe_complement == 0, _const(p, 0.5), maybe_complement)
    w = sanitized - 0.5
    ww = w * w
    x_big = w + w * ww * (_polyval(_NDTRI_P0, ww) / _polyval(_NDTRI_Q0, ww))
    x_big = x_big * _const(p, -np.sqrt(2.0 * np.pi))
    z = ufuncs.sqrt(-2.0 * ufuncs.log(sanitized))
    first = z - ufuncs.log(z) / z
    inv_z = 1 / z
    x_small = first - _polyval(_NDTRI_P2, inv_z) / _polyval(_NDTRI_Q2, inv_z) / z
    x_other = first - _polyval(_NDTRI_P1, inv_z) / _polyval(_NDTRI_Q1, inv_z) / z
    x = _where(sanitized > _const(p, np.exp(-2.0)), x_big, _where(z >= 8.0, x_small, x_other))
    x = _where(p > _const(p, 1.0 - np.exp(-2.0)), x, -x)
    inf = _const(p, np.inf)
    return _where(p == 0, -inf, _where(p == 1, inf, x))


def log_ndtr(x, series_order=3):
    """log of the standard normal CDF, accurate far into both tails.

    (jaxlite evaluates it in float64 for every `series_order`; the argument is
    checked as in JAX.)"""
    if not isinstance(series_order, int):
        raise TypeError("series_order must be a Python integer.")
    if series_order < 0:
        raise ValueError("series_order must be non-negative.")
    if series_order > 30:
        raise ValueError("series_order must be <= 30.")
    x = _normal_dtype("log_ndtr", x)
    return sp.log_ndtr_p.bind(x)


# ---- logistic, entropies, x log y ------------------------------------------------------------------
def expit(x):
    """The logistic sigmoid 1 / (1 + exp(-x))."""
    (x,) = _promote("expit", x)
    return lax.logistic(x)


def _logit(x):
    return ufuncs.log(x / (1 - x))


_logit = custom_jvp(_logit)
# JAX's rule, t / (x (1 - x)): at 0 and 1 the slope is +inf (with 0's sign), at +-inf
# -0.0, where differentiating log(x / (1 - x)) gives nan.
_logit.defjvps(lambda t, ans, x: t / (x * (1 - x)))


def logit(x):
    """log(x / (1 - x)), the inverse of expit."""
    (x,) = _promote("logit", x)
    return _logit(x)


def xlogy(x, y):
    """x * log(y), 0 where x == 0; derivative log(y) in x, x / y in y."""
    x, y = _promote("xlogy", x, y)
    return sp.xlogy_p.bind(x, y)


def xlog1py(x, y):
    """x * log1p(y), 0 where x == 0."""
    x, y = _promote("xlog1py", x, y)
    return sp.xlog1py_p.bind(x, y)


def entr(x):
    """-x log x for x > 0, 0 at 0, -inf for x < 0."""
    (x,) = _promote("entr", x)
    return _where(x < 0, _const(x, -np.inf), -sp.xlogx_p.bind(x))


def rel_entr(p, q):
    """p log(p / q) for p, q > 0; 0 at p == 0, q >= 0; inf elsewhere."""
    p, q = _promote("rel_entr", p, q)
    zero = _const(p, 0.0)
    both_positive = (p > zero) & (q > zero)
    one_zero = (p == zero) & (q >= zero)
    safe_p = _where(both_positive, p, _const(p, 1))
    safe_q = _where(both_positive, q, _const(q, 1))
    log_val = sp.xlogx_p.bind(safe_p) - sp.xlogy_p.bind(safe_p, safe_q)
    return _where(both_positive, log_val, _where(one_zero, zero, _const(p, np.inf)))


def kl_div(p, q):
    """p log(p / q) - p + q (elementwise Kullback-Leibler divergence)."""
    p, q = _promote("kl_div", p, q)
    return rel_entr(p, q) - p + q


def boxcox(x, lmbda):
    """Box-Cox transform (x^lmbda - 1) / lmbda, log(x) at lmbda == 0."""
    x, lmbda = _promote("boxcox", x, lmbda)
    is_zero = lmbda == 0
    safe = _where(is_zero, _const(lmbda, 1), lmbda)
    log_x = ufuncs.log(x)
    return _where(is_zero, log_x, ufuncs.expm1(safe * log_x) / safe)


def boxcox1p(x, lmbda):
    """Box-Cox transform of 1 + x."""
    x, lmbda = _promote("boxcox1p", x, lmbda)
    is_zero = lmbda == 0
    safe = _where(is_zero, _const(lmbda, 1), lmbda)
    log1p_x = ufuncs.log1p(x)
    return _where(is_zero, log1p_x, ufuncs.expm1(safe * log1p_x) / safe)


# ---- Bessel functions -------------------------------------------------------------------------------
def i0e(x):
    """exp(-|x|) I0(x)."""
    (x,) = _promote("i0e", x)
    return sp.bessel_i0e_p.bind(x)


def i0(x):
    """Modified Bessel function of order 0."""
    (x,) = _promote("i0", x)
    return ufuncs.exp(ufuncs.abs(x)) * sp.bessel_i0e_p.bind(x)


def i1e(x):
    """exp(-|x|) I1(x)."""
    (x,) = _promote("i1e", x)
    return sp.bessel_i1e_p.bind(x)


def i1(x):
    """Modified Bessel function of order 1."""
    (x,) = _promote("i1", x)
    return ufuncs.exp(ufuncs.abs(x)) * sp.bessel_i1e_p.bind(x)


# ---- reductions ---------------------------------------------------------------------------------------
def softmax(x, /, *, axis=None):
    """exp(x) / sum(exp(x)) along `axis` (all axes by default, as SciPy)."""
    return nn_softmax(x, axis=axis)


def log_softmax(x, /, *, axis=None):
    """x - logsumexp(x) along `axis` (all axes by default, as SciPy)."""
    return nn_log_softmax(x, axis=axis)
