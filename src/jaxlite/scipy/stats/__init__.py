"""jaxlite.scipy.stats: distributions as submodules (norm, uniform, expon, ...), as in
jax.scipy.stats. They load on first use."""
import importlib as _importlib

from ..._src.scipy.kde import gaussian_kde

_distributions = {"norm", "uniform", "expon", "logistic", "laplace", "cauchy", "gamma", "beta",
                  "t", "chi2", "poisson", "bernoulli", "multivariate_normal"}


def __getattr__(name):
    if name in _distributions:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
