"""jaxlite.scipy.stats.norm: the normal distribution with mean `loc` and standard deviation `scale`."""
from ..._src.scipy.stats import norm as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
cdf = _distribution.cdf
logcdf = _distribution.logcdf
ppf = _distribution.ppf
logsf = _distribution.logsf
sf = _distribution.sf
isf = _distribution.isf
