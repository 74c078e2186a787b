"""jaxlite.experimental: the jax.experimental API. Submodules load on first use."""
import importlib as _importlib

_submodules = {"checkify"}


def __getattr__(name):
    if name in _submodules:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'jaxlite.experimental' has no attribute {name!r}")
