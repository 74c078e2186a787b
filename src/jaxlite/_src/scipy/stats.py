"""jax.scipy.stats distributions, one namespace class per distribution (their
public modules, jaxlite.scipy.stats.<name>, re-export the functions).

Each function promotes its arguments to a common inexact dtype, as JAX does, and
follows JAX's formulas, so values and derivatives match.

    >>> from jaxlite.scipy.stats import norm
    >>> print(round(float(norm.cdf(1.96)), 6), round(float(norm.ppf(0.975)), 5))
    0.975002 1.95996
"""
import numpy as np

from ..numpy_api import ufuncs
from ..numpy_api import reductions
from ..numpy_api import shapes
from ..numpy_api.indexing import diagonal
from ..numpy_api.linalg import cholesky
from ..lax.linalg import triangular_solve
from ..conversion import asarray
from ..prims.util import const_like
from . import special
from .logsumexp import _promote

_where = ufuncs.where


def _c(x, value):
    return const_like(x, value)


class norm:
    """The normal distribution with mean `loc` and standard deviation `scale`."""

    @staticmethod
    def logpdf(x, loc=0, scale=1):
        x, loc, scale = _promote("norm.logpdf", x, loc, scale)
        scale_sqrd = scale * scale
        log_normalizer = ufuncs.log(_c(x, 2 * np.pi) * scale_sqrd)
        quadratic = ufuncs.square(x - loc) / scale_sqrd
        return (log_normalizer + quadratic) / _c(x, -2)

    @staticmethod
    def pdf(x, loc=0, scale=1):
        return ufuncs.exp(norm.logpdf(x, loc, scale))

    @staticmethod
    def cdf(x, loc=0, scale=1):
        x, loc, scale = _promote("norm.cdf", x, loc, scale)
        return special.ndtr((x - loc) / scale)

    @staticmethod
    def logcdf(x, loc=0, scale=1):
        x, loc, scale = _promote("norm.logcdf", x, loc, scale)
        return special.log_ndtr((x - loc) / scale)

    @staticmethod
    def ppf(q, loc=0, scale=1):
        (q,) = _promote("norm.ppf", q)
        return asarray(special.ndtri(q) * scale + loc, dtype=float)

    @staticmethod
    def logsf(x, loc=0, scale=1):
        x, loc, scale = _promote("norm.logsf", x, loc, scale)
        return norm.logcdf(-x, -loc, scale)

    @staticmethod
    def sf(x, loc=0, scale=1):
        x, loc, scale = _promote("norm.sf", x, loc, scale)
        return norm.cdf(-x, -loc, scale)

    @staticmethod
    def isf(q, loc=0, scale=1):
        (q,) = _promote("norm.isf", q)
        return norm.ppf(_c(q, 1) - q, loc, scale)


class uniform:
    """The uniform distribution on [loc, loc + scale]."""

    @staticmethod
    def logpdf(x, loc=0, scale=1):
        x, loc, scale = _promote("uniform.logpdf", x, loc, scale)
        log_probs = -ufuncs.log(scale)
        return _where((x > loc + scale) | (x < loc), _c(x, -np.inf), log_probs)

    @staticmethod
    def pdf(x, loc=0, scale=1):
        return ufuncs.exp(uniform.logpdf(x, loc, scale))

    @staticmethod
    def cdf(x, loc=0, scale=1):
        x, loc, scale = _promote("uniform.cdf", x, loc, scale)
        inside = (x - loc) / scale
        out = _where(x > loc + scale, _c(x, 1), _where(x >= loc, inside, _c(x, 0)))
        return _where(x < loc, _c(x, 0), out)

    @staticmethod
    def ppf(q, loc=0, scale=1):
        q, loc, scale = _promote("uniform.ppf", q, loc, scale)
        return _where(ufuncs.isnan(q) | (q < 0) | (q > 1), _c(q, np.nan), loc + scale * q)


class expon:
    """The exponential distribution with rate 1 / scale, shifted by loc."""

    @staticmethod
    def logpdf(x, loc=0, scale=1):
        x, loc, scale = _promote("expon.logpdf", x, loc, scale)
        log_probs = -((x - loc) / scale + ufuncs.log(scale))
        return _where(x < loc, _c(x, -np.inf), log_probs)

    @staticmethod
    def pdf(x, loc=0, scale=1):
        return ufuncs.exp(expon.logpdf(x, loc, scale))

    @staticmethod
    def cdf(x, loc=0, scale=1):
        x, loc, scale = _promote("expon.cdf", x, loc, scale)
        neg_scaled_x = (loc - x) / scale
        return _where(x < loc, _c(neg_scaled_x, 0), -ufuncs.expm1(neg_scaled_x))

    @staticmethod
    def logsf(x, loc=0, scale=1):
        x, loc, scale = _promote("expon.logsf", x, loc, scale)
        neg_scaled_x = (loc - x) / scale
        return _where(x < loc, _c(neg_scaled_x, 0), neg_scaled_x)

    @staticmethod
    def sf(x, loc=0, scale=1):
        return ufuncs.exp(expon.logsf(x, loc, scale))

    @staticmethod
    def logcdf(x, loc=0, scale=1):
        return ufuncs.log1p(-expon.sf(x, loc, scale))

    @staticmethod
    def ppf(q, loc=0, scale=1):
        q, loc, scale = _promote("expon.ppf", q, loc, scale)
        return _where(ufuncs.isnan(q) | (q < 0) | (q > 1), _c(q, np.nan),
                      loc - scale * ufuncs.log1p(-q))


class logistic:
    """The logistic distribution."""

    @staticmethod
    def logpdf(x, loc=0, scale=1):
        x, loc, scale = _promote("logistic.logpdf", x, loc, scale)
        x = (x - loc) / scale
        half_x = x / _c(x, 2)
        return _c(x, -2) * ufuncs.logaddexp(half_x, -half_x) - ufuncs.log(scale)

    @staticmethod
    def pdf(x, loc=0, scale=1):
        return ufuncs.exp(logistic.logpdf(x, loc, scale))

    @staticmethod
    def ppf(x, loc=0, scale=1):
        x, loc, scale = _promote("logistic.ppf", x, loc, scale)
        return special.logit(x) * scale + loc

    @staticmethod
    def sf(x, loc=0, scale=1):
        x, loc, scale = _promote("logistic.sf", x, loc, scale)
        return special.expit(-((x - loc) / scale))

    @staticmethod
    def isf(x, loc=0, scale=1):
        x, loc, scale = _promote("logistic.isf", x, loc, scale)
        return -special.logit(x) * scale + loc

    @staticmethod
    def cdf(x, loc=0, scale=1):
        x, loc, scale = _promote("logistic.cdf", x, loc, scale)
        return special.expit((x - loc) / scale)


class laplace:
    """The Laplace (double exponential) distribution."""

    @staticmethod
    def logpdf(x, loc=0, scale=1):
        x, loc, scale = _promote("laplace.logpdf", x, loc, scale)
        return -(ufuncs.abs(x - loc) / scale + ufuncs.log(_c(x, 2) * scale))

    @staticmethod
    def pdf(x, loc=0, scale=1):
        return ufuncs.exp(laplace.logpdf(x, loc, scale))

    @staticmethod
    def cdf(x, loc=0, scale=1):
        x, loc, scale = _promote("laplace.cdf", x, loc, scale)
        diff = (x - loc) / scale
        return _where(diff <= 0, 0.5 * ufuncs.exp(diff), 1 - 0.5 * ufuncs.exp(-diff))


class cauchy:
    """The Cauchy distribution."""

    @staticmethod
    def logpdf(x, loc=0, scale=1):
        x, loc, scale = _promote("cauchy.logpdf", x, loc, scale)
        scaled_x = (x - loc) / scale
        return -(ufuncs.log(_c(x, np.pi) * scale) + ufuncs.log1p(scaled_x * scaled_x))

    @staticmethod
    def pdf(x, loc=0, scale=1):
        return ufuncs.exp(cauchy.logpdf(x, loc, scale))

    @staticmethod
    def cdf(x, loc=0, scale=1):
        x, loc, scale = _promote("cauchy.cdf", x, loc, scale)
        scaled_x = (x - loc) / scale
        return _c(x, 0.5) + _c(x, 1 / np.pi) * ufuncs.arctan(scaled_x)

    @staticmethod
    def logcdf(x, loc=0, scale=1):
        return ufuncs.log(cauchy.cdf(x, loc, scale))

    @staticmethod
    def sf(x, loc=0, scale=1):
        x, loc, scale = _promote("cauchy.sf", x, loc, scale)
        return cauchy.cdf(-x, -loc, scale)

    @staticmethod
    def logsf(x, loc=0, scale=1):
        x, loc, scale = _promote("cauchy.logsf", x, loc, scale)
        return cauchy.logcdf(-x, -loc, scale)

    @staticmethod
    def isf(q, loc=0, scale=1):
        q, loc, scale = _promote("cauchy.isf", q, loc, scale)
        return ufuncs.tan(_c(q, np.pi / 2) - _c(q, np.pi) * q) * scale + loc

    @staticmethod
    def ppf(q, loc=0, scale=1):
        q, loc, scale = _promote("cauchy.ppf", q, loc, scale)
        return ufuncs.tan(_c(q, np.pi) * q - _c(q, np.pi / 2)) * scale + loc


class gamma:
    """The gamma distribution with shape `a`."""

    @staticmethod
    def logpdf(x, a, loc=0, scale=1):
        x, a, loc, scale = _promote("gamma.logpdf", x, a, loc, scale)
        ok = x >= loc
        one = _c(x, 1)
        y = _where(ok, (x - loc) / scale, one)
        log_linear_term = special.xlogy(a - one, y) - y
        shape_terms = special.gammaln(a) + ufuncs.log(scale)
        return _where(ok, log_linear_term - shape_terms, _c(x, -np.inf))

    @staticmethod
    def pdf(x, a, loc=0, scale=1):
        return ufuncs.exp(gamma.logpdf(x, a, loc, scale))

    @staticmethod
    def cdf(x, a, loc=0, scale=1):
        x, a, loc, scale = _promote("gamma.cdf", x, a, loc, scale)
        return special.gammainc(a, ufuncs.clip((x - loc) / scale, 0, np.inf))

    @staticmethod
    def logcdf(x, a, loc=0, scale=1):
        return ufuncs.log(gamma.cdf(x, a, loc, scale))

    @staticmethod
    def sf(x, a, loc=0, scale=1):
        x, a, loc, scale = _promote("gamma.sf", x, a, loc, scale)
        y = (x - loc) / scale
        return _where(y < 0, _c(y, 1), special.gammaincc(a, y))

    @staticmethod
    def logsf(x, a, loc=0, scale=1):
        return ufuncs.log(gamma.sf(x, a, loc, scale))


class beta:
    """The beta distribution with shapes `a`, `b`."""

    @staticmethod
    def logpdf(x, a, b, loc=0, scale=1):
        x, a, b, loc, scale = _promote("beta.logpdf", x, a, b, loc, scale)
        one = _c(x, 1)
        shape_term = -special.betaln(a, b)
        y = (x - loc) / scale
        log_linear_term = special.xlogy(a - one, y) + special.xlog1py(b - one, -y)
        log_probs = shape_term + log_linear_term - ufuncs.log(scale)
        result = _where((x > loc + scale) | (x < loc), _c(x, -np.inf), log_probs)
        return _where((a <= 0) | (b <= 0) | (scale <= 0), _c(x, np.nan), result)

    @staticmethod
    def pdf(x, a, b, loc=0, scale=1):
        return ufuncs.exp(beta.logpdf(x, a, b, loc, scale))

    @staticmethod
    def cdf(x, a, b, loc=0, scale=1):
        x, a, b, loc, scale = _promote("beta.cdf", x, a, b, loc, scale)
        return special.betainc(a, b, ufuncs.clip((x - loc) / scale, 0, 1))

    @staticmethod
    def logcdf(x, a, b, loc=0, scale=1):
        return ufuncs.log(beta.cdf(x, a, b, loc, scale))

    @staticmethod
    def sf(x, a, b, loc=0, scale=1):
        x, a, b, loc, scale = _promote("beta.sf", x, a, b, loc, scale)
        return special.betainc(b, a, 1 - ufuncs.clip((x - loc) / scale, 0, 1))

    @staticmethod
    def logsf(x, a, b, loc=0, scale=1):
        return ufuncs.log(beta.sf(x, a, b, loc, scale))


class t:
    """Student's t distribution with `df` degrees of freedom."""

    @staticmethod
    def logpdf(x, df, loc=0, scale=1):
        x, df, loc, scale = _promote("t.logpdf", x, df, loc, scale)
        two = _c(x, 2)
        scaled_x = (x - loc) / scale
        df_over_two = df / two
        df_plus_one_over_two = df_over_two + _c(x, 0.5)
        normalize_term_const = scale * scale * _c(x, np.pi)
        normalize_term_tmp = ufuncs.log(normalize_term_const * df) / two
        normalize_term = (special.gammaln(df_over_two) + normalize_term_tmp
                          - special.gammaln(df_plus_one_over_two))
        quadratic = scaled_x * scaled_x / df
        return -(normalize_term + df_plus_one_over_two * ufuncs.log1p(quadratic))

    @staticmethod
    def pdf(x, df, loc=0, scale=1):
        return ufuncs.exp(t.logpdf(x, df, loc, scale))


class chi2:
    """The chi-squared distribution with `df` degrees of freedom."""

    @staticmethod
    def logpdf(x, df, loc=0, scale=1):
        x, df, loc, scale = _promote("chi2.logpdf", x, df, loc, scale)
        one, two = _c(x, 1), _c(x, 2)
        y = (x - loc) / scale
        df_on_two = df / two
        kernel = (df_on_two - one) * ufuncs.log(y) - y / two
        normalizer = -(special.gammaln(df_on_two) + ufuncs.log(two) * df / two)
        return _where(x < loc, _c(x, -np.inf), normalizer - ufuncs.log(scale) + kernel)

    @staticmethod
    def pdf(x, df, loc=0, scale=1):
        return ufuncs.exp(chi2.logpdf(x, df, loc, scale))

    @staticmethod
    def cdf(x, df, loc=0, scale=1):
        x, df, loc, scale = _promote("chi2.cdf", x, df, loc, scale)
        return special.gammainc(df / 2, ufuncs.clip((x - loc) / (scale * 2), 0, np.inf))

    @staticmethod
    def logcdf(x, df, loc=0, scale=1):
        return ufuncs.log(chi2.cdf(x, df, loc, scale))

    @staticmethod
    def sf(x, df, loc=0, scale=1):
        x, df, loc, scale = _promote("chi2.sf", x, df, loc, scale)
        return special.gammaincc(df / 2, ufuncs.clip((x - loc) / (scale * 2), 0, np.inf))

    @staticmethod
    def logsf(x, df, loc=0, scale=1):
        return ufuncs.log(chi2.sf(x, df, loc, scale))


class poisson:
    """The Poisson distribution with mean `mu`."""

    @staticmethod
    def logpmf(k, mu, loc=0):
        k, mu, loc = _promote("poisson.logpmf", k, mu, loc)
        x = k - loc
        log_probs = special.xlogy(x, mu) - special.gammaln(x + 1) - mu
        return _where((x < 0) | (ufuncs.round(k) != k), _c(k, -np.inf), log_probs)

    @staticmethod
    def pmf(k, mu, loc=0):
        return ufuncs.exp(poisson.logpmf(k, mu, loc))

    @staticmethod
    def cdf(k, mu, loc=0):
        k, mu, loc = _promote("poisson.cdf", k, mu, loc)
        x = k - loc
        p = special.gammaincc(ufuncs.floor(1 + x), mu)
        return _where(x < 0, _c(k, 0), p)


class bernoulli:
    """The Bernoulli distribution with success probability `p`."""

    @staticmethod
    def logpmf(k, p, loc=0):
        k, p, loc = _promote("bernoulli.logpmf", k, p, loc)
        x = k - loc
        log_probs = special.xlogy(x, p) + special.xlog1py(_c(k, 1) - x, -p)
        return _where((x < 0) | (x > 1), _c(k, -np.inf), log_probs)

    @staticmethod
    def pmf(k, p, loc=0):
        return ufuncs.exp(bernoulli.logpmf(k, p, loc))

    @staticmethod
    def cdf(k, p):
        k, p = _promote("bernoulli.cdf", k, p)
        zero, one = _c(k, 0), _c(k, 1)
        out = _where(k >= one, one, _where(k >= zero, one - p, zero))
        invalid = ufuncs.isnan(k) | ufuncs.isnan(p) | (p < zero) | (p > one)
        return _where(invalid, _c(k, np.nan), out)

    @staticmethod
    def ppf(q, p):
        q, p = _promote("bernoulli.ppf", q, p)
        zero, one = _c(q, 0), _c(q, 1)
        invalid = (ufuncs.isnan(q) | ufuncs.isnan(p) | (p < zero) | (p > one) | (q < zero)
                   | (q > one))
        return _where(invalid, _c(q, np.nan), _where(q <= one - p, zero, one))


class multivariate_normal:
    """The multivariate normal distribution with mean `mean` (last axis: the dimension)
    and covariance `cov` (a scalar times the identity, or a positive definite matrix)."""

    @staticmethod
    def logpdf(x, mean=None, cov=1, allow_singular=None):
        if allow_singular is not None:
            raise NotImplementedError("multivariate_normal.logpdf: allow_singular is not "
                                      "supported (as in JAX)")
        if mean is None:
            mean = 0.0
        x, mean, cov = _promote("multivariate_normal.logpdf", x, mean, cov)
        log_2pi = _c(x, np.log(2 * np.pi))
        if not mean.shape:  # one dimension: the normal density with variance cov
            return (ufuncs.square(x - mean) / cov + log_2pi + ufuncs.log(cov)) / _c(x, -2)
        n = mean.shape[-1]
        y = x - mean
        if not cov.shape:
            quadratic = reductions.sum(y * y, axis=-1) / cov
            return (quadratic + n * (log_2pi + ufuncs.log(cov))) / _c(x, -2)
        if cov.ndim < 2 or cov.shape[-2:] != (n, n):
            raise ValueError(f"multivariate_normal.logpdf got incompatible shapes: mean "
                             f"{mean.shape}, cov {cov.shape}")
        # log N(x) = -(|L^-1 y|^2 + n log 2 pi) / 2 - sum(log diag L), cov = L L^T
        factor = cholesky(cov)
        batch = np.broadcast_shapes(y.shape[:-1], factor.shape[:-2])
        z = triangular_solve(shapes.broadcast_to(factor, batch + (n, n)),
                             shapes.broadcast_to(y, batch + (n,)), left_side=True, lower=True)
        log_det = reductions.sum(ufuncs.log(diagonal(factor, axis1=-2, axis2=-1)), axis=-1)
        return (reductions.sum(z * z, axis=-1) + n * log_2pi) / _c(x, -2) - log_det

    @staticmethod
    def pdf(x, mean=None, cov=1):
        return ufuncs.exp(multivariate_normal.logpdf(x, mean, cov))
