"""jax.version: `__version__` is jaxlite's own version; `__version_info__` the JAX
release whose API jaxlite implements, which libraries compare against JAX releases."""
from ._src.config import __version__, JAX_API_VERSION_INFO as __version_info__

_version = __version__
