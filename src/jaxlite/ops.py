"""jaxlite.ops: `jax.ops` — segment_sum, segment_max, segment_min, segment_prod."""
from ._src.ops import segment_max, segment_min, segment_prod, segment_sum
