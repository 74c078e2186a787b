"""jaxlite.experimental.compilation_cache: `set_cache_dir` and `reset_cache`, as JAX's."""
from . import compilation_cache
