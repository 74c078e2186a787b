"""What `jax.extend` exposes: the core objects for writing interpreters and new
primitives, and the table of jaxlite's primitives by JAX's names."""
