"""jaxlite.custom_batching: the jax.custom_batching API."""
from ._src.custom_batching import custom_vmap, sequential_vmap
