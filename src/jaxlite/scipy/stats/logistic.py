"""jaxlite.scipy.stats.logistic: the logistic distribution."""
from ..._src.scipy.stats import logistic as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
ppf = _distribution.ppf
sf = _distribution.sf
isf = _distribution.isf
cdf = _distribution.cdf
