"""jaxlite.typing: `jax.typing` — the annotations ArrayLike and DTypeLike."""
from ._src.typing import ArrayLike, DTypeLike
