"""jax.interpreters.batching: vmap rules. `primitive_batchers` and
`fancy_primitive_batchers` are views of each primitive's own `batch` / `axis_batch` rule
(`axis_primitive_batchers` sets the latter from JAX's older signature)."""
from .._src.extend.interpreters import (
    primitive_batchers, axis_primitive_batchers, fancy_primitive_batchers, not_mapped,
    moveaxis, bdim_at_front, broadcast, matchaxis, defvectorized, defbroadcasting)
from .._src.batching import BatchTracer, BatchTrace, AxisData
