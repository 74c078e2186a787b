"""jax.experimental.pjit: `pjit`, JAX's deprecated name for `jit` (with in_shardings /
out_shardings); it warns as JAX's does."""
import warnings as _warnings

from .._src.jit_api import jit as _jit


def __getattr__(name):
    if name == "pjit":
        _warnings.warn("jax.experimental.pjit.pjit has been deprecated. Please use `jax.jit` "
                       "instead.", DeprecationWarning, stacklevel=2)
        return _jit
    raise AttributeError(f"module 'jax.experimental.pjit' has no attribute {name!r}")
