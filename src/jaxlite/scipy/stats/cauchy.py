"""jaxlite.scipy.stats.cauchy: the Cauchy distribution."""
from ..._src.scipy.stats import cauchy as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
cdf = _distribution.cdf
logcdf = _distribution.logcdf
sf = _distribution.sf
logsf = _distribution.logsf
isf = _distribution.isf
ppf = _distribution.ppf
