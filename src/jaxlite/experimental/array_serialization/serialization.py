"""jax.experimental.array_serialization.serialization: GlobalAsyncCheckpointManagerBase,
the interface an asynchronous checkpoint manager implements (orbax tells its async
checkpointers by it). JAX's tensorstore-backed implementations are not part of jaxlite:
orbax-checkpoint brings its own."""
from ..._src.serialization import GlobalAsyncCheckpointManagerBase
