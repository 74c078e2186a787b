"""jax.interpreters.mlir: jaxlite has no MLIR. `register_lowering` records nothing (jit
runs the primitive's impl); `lower_fun` returns the function."""
from .._src.extend.interpreters import register_lowering, lower_fun
