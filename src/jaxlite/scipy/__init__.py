"""jaxlite.scipy: the jax.scipy API. Submodules (linalg, special, stats, ...) load on
first use, so `import jaxlite.scipy` stays cheap."""
import importlib as _importlib

_submodules = {"linalg", "special", "stats", "optimize", "signal", "integrate", "interpolate",
               "ndimage", "fft", "sparse", "spatial", "cluster"}


def __getattr__(name):
    if name in _submodules:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'jaxlite.scipy' has no attribute {name!r}")
