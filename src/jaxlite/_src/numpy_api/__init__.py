"""jax.numpy functions written on lax primitives."""
