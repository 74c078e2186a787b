"""jax.experimental.colocated_python: running Python functions on the CPU hosts
colocated with remote accelerators (Pathways/IFRT). jaxlite has one local CPU device and
no remote runtime: the names exist (orbax imports them for its multihost dispatcher),
and using one raises NotImplementedError."""
from ..._src.errors import unavailable as _unavailable
from . import func, serialization

_REASON = "jaxlite has no remote (Pathways/IFRT) runtime to colocate Python with"
colocated_python = _unavailable("jax.experimental.colocated_python.colocated_python", _REASON)
colocated_python_class = _unavailable(
    "jax.experimental.colocated_python.colocated_python_class", _REASON)
colocated_cpu_devices = _unavailable(
    "jax.experimental.colocated_python.colocated_cpu_devices", _REASON)
