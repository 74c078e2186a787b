"""jaxlite.scipy.stats.expon: the exponential distribution with rate 1 / scale, shifted by loc."""
from ..._src.scipy.stats import expon as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
cdf = _distribution.cdf
logsf = _distribution.logsf
sf = _distribution.sf
logcdf = _distribution.logcdf
ppf = _distribution.ppf
