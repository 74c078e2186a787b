"""`jaxlite.config`: JAX's configuration object, e.g.

    jaxlite.config.update("jax_enable_x64", True)
    jaxlite.config.jax_enable_x64  # -> True

Every option name of JAX's `jax.config` is accepted (see `jaxlite._src.config`).
"""
from ._src import config as _config
from ._src.config import (flags as _flags, update, read, config_with_absl,
                          parse_flags_with_absl)


def __getattr__(name):
    # `values` and `use_absl` are read live, as attributes of JAX's Config object.
    if name == "values":
        return _config.values()
    if name == "use_absl":
        return _config.use_absl
    if name == "x64_enabled":
        return _flags.jax_enable_x64
    try:
        return getattr(_flags, name)
    except AttributeError:
        raise AttributeError(f"'Config' object has no attribute {name!r}") from None
