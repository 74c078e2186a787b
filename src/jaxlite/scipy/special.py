"""jaxlite.scipy.special: the jax.scipy.special API."""
from .._src.scipy.special import (  # noqa: F401
    bernoulli, beta, betainc, betaln, boxcox, boxcox1p, comb, digamma, entr, erf, erfc, erfcx,
    erfinv, exp1, expi, expit, factorial, gamma, gammainc, gammaincc, gammaln, gammasgn, i0, i0e, i1, i1e,
    kl_div, log_ndtr, log_softmax, loggamma, logit, logsumexp, multigammaln, ndtr, ndtri, poch,
    polygamma, rel_entr, softmax, xlog1py, xlogy, zeta)
