"""jaxlite.scipy.stats.beta: the beta distribution with shapes `a`, `b`."""
from ..._src.scipy.stats import beta as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
cdf = _distribution.cdf
logcdf = _distribution.logcdf
sf = _distribution.sf
logsf = _distribution.logsf
