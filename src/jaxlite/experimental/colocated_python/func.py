"""jax.experimental.colocated_python.func: see the package (nothing here runs in
jaxlite)."""
