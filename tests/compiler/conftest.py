import pytest

import jaxlite as jax
from jaxlite._src.config import flags

_SETTINGS = ("jaxlite_fusion", "jaxlite_fusion_hot_calls", "jaxlite_fusion_background",
             "jaxlite_fusion_min_size", "jaxlite_fusion_min_ops", "jax_log_compiles",
             "jaxlite_fusion_fast_math", "jaxlite_fusion_min_saved_calls")


@pytest.fixture
def small_array_fusion():
    """Fusion of small arrays, compiled synchronously at the first call; restored after."""
    saved = {name: getattr(flags, name) for name in _SETTINGS}
    jax.config.update("jaxlite_fusion", "auto")
    jax.config.update("jaxlite_fusion_min_size", 2)
    jax.config.update("jaxlite_fusion_hot_calls", 1)
    jax.config.update("jaxlite_fusion_background", False)
    try:
        yield
    finally:
        for name, value in saved.items():
            jax.config.update(name, value)
