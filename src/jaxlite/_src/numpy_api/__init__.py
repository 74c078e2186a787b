"""jax.numpy functions written on lax primitives.

`linalg` and `fft` load at their first use, as attributes of this package (PEP 562), as
`jaxlite.numpy.linalg` and `jaxlite.numpy.fft` do."""
import importlib

from .. import core

# JAX jits jax.numpy's functions: a NaN they compute under jax_debug_nans is reported as
# the output of a jit (core.check_floating_point prints JAX's notice first).
core.jitted_in_jax_modules.append(__name__ + ".")

_lazy_submodules = {"linalg", "fft"}


def __getattr__(name):
    # Once imported, a submodule is an ordinary attribute of the package: this runs once.
    if name in _lazy_submodules:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
