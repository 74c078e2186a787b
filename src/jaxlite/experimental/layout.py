"""jax.experimental.layout: Layout, Format, with_layout_constraint (see
jaxlite._src.layout: descriptions only; jaxlite's arrays are row-major)."""
from .._src.layout import Layout, Format, with_layout_constraint
