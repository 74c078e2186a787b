"""jaxlite.example_libraries.stax: jax.example_libraries.stax (layers as
(init_fun, apply_fun) pairs), re-exported from jaxlite._src.example_libraries.stax."""
from .._src.example_libraries.stax import *  # noqa: F403
from .._src.example_libraries.stax import __all__, _pooling_layer  # noqa: F401
