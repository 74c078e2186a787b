"""jaxlite.scipy.stats.bernoulli: the Bernoulli distribution with success probability `p`."""
from ..._src.scipy.stats import bernoulli as _distribution

logpmf = _distribution.logpmf
pmf = _distribution.pmf
cdf = _distribution.cdf
ppf = _distribution.ppf
