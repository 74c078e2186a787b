"""jaxlite.scipy.stats.t: student's t distribution with `df` degrees of freedom."""
from ..._src.scipy.stats import t as _distribution

logpdf = _distribution.logpdf
pdf = _distribution.pdf
