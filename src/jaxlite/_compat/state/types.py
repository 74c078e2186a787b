"""`jax._src.state.types` for flax.nnx: AbstractRef, the type of a Ref."""
from jaxlite._src.state import AbstractRef  # noqa: F401
