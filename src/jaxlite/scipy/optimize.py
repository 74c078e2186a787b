"""jaxlite.scipy.optimize: the jax.scipy.optimize API."""
from .._src.scipy.optimize.minimize import OptimizeResults, minimize
