"""jaxlite.scipy.stats.gamma: the gamma distribution with shape `a`."""
from ..._src.scipy.stats import gamma as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
cdf = _distribution.cdf
logcdf = _distribution.logcdf
sf = _distribution.sf
logsf = _distribution.logsf
