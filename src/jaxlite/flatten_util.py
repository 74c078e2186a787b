"""jaxlite.flatten_util: `jax.flatten_util.ravel_pytree`."""
from ._src.flatten_util import ravel_pytree
