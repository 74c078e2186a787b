"""jax.experimental.array_serialization: the interface of asynchronous array
checkpointing (see `serialization`)."""
