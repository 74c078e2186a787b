"""`jaxlite.config`: JAX's configuration object, e.g.

    jaxlite.config.update("jax_enable_x64", True)
    jaxlite.config.jax_enable_x64  # -> True
"""
from ._src.config import flags as _flags, update, read


def __getattr__(name):
    try:
        return getattr(_flags, name)
    except AttributeError:
        raise AttributeError(f"jaxlite.config has no option {name!r}") from None


def values():
    return dict(vars(_flags))
