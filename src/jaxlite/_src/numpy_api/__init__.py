"""jax.numpy functions written on lax primitives.

`linalg` and `fft` load at their first use, as attributes of this package (PEP 562), as
`jaxlite.numpy.linalg` and `jaxlite.numpy.fft` do."""
import importlib

_lazy_submodules = {"linalg", "fft"}


def __getattr__(name):
    # Once imported, a submodule is an ordinary attribute of the package: this runs once.
    if name in _lazy_submodules:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
