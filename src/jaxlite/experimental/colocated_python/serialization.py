"""jax.experimental.colocated_python.serialization: DeviceList (named in orbax's
signatures); constructing one raises NotImplementedError (see the package)."""
from ..._src.errors import unavailable as _unavailable

DeviceList = _unavailable(
    "jax.experimental.colocated_python.serialization.DeviceList",
    "jaxlite has no remote (Pathways/IFRT) runtime to colocate Python with")
