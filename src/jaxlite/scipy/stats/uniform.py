"""jaxlite.scipy.stats.uniform: the uniform distribution on [loc, loc + scale]."""
from ..._src.scipy.stats import uniform as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
cdf = _distribution.cdf
ppf = _distribution.ppf
