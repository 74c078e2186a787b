"""jaxlite.scipy.stats.chi2: the chi-squared distribution with `df` degrees of freedom."""
from ..._src.scipy.stats import chi2 as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
cdf = _distribution.cdf
logcdf = _distribution.logcdf
sf = _distribution.sf
logsf = _distribution.logsf
