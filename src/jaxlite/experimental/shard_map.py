"""jax.experimental.shard_map: the older home of jax.shard_map."""
from .._src.spmd import shard_map
