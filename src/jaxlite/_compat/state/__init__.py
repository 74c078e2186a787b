"""`jax._src.state` for flax.nnx (`from jax._src.state.types import AbstractRef`)."""
