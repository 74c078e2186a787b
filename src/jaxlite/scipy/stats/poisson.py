"""jaxlite.scipy.stats.poisson: the Poisson distribution with mean `mu`."""
from ..._src.scipy.stats import poisson as _distribution

logpmf = _distribution.logpmf
pmf = _distribution.pmf
cdf = _distribution.cdf
