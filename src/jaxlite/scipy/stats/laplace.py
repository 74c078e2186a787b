"""jaxlite.scipy.stats.laplace: the Laplace (double exponential) distribution."""
from ..._src.scipy.stats import laplace as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
cdf = _distribution.cdf
