"""jaxlite.experimental.compilation_cache.compilation_cache: JAX's persistent cache of XLA
executables. jaxlite compiles to Python over NumPy in milliseconds and keeps no such cache;
`set_cache_dir` records the directory in `jax_compilation_cache_dir`, as JAX does."""
from ..._src.config import set_cache_dir, reset_cache
