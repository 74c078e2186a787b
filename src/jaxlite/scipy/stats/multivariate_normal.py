"""jaxlite.scipy.stats.multivariate_normal: the multivariate normal distribution."""
from ..._src.scipy.stats import multivariate_normal as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
