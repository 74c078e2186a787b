"""jax.interpreters.ad: differentiation rules. `primitive_jvps` and
`primitive_transposes` are views of each primitive's own `jvp` / `transpose` rule."""
from .._src.extend.interpreters import (
    primitive_jvps, primitive_transposes, UndefinedPrimal, is_undefined_primal,
    instantiate_zeros, add_jaxvals, zeros_like_jaxval, defjvp, defjvp2, defjvp_zero,
    deflinear, deflinear2, get_primitive_transpose)
from .._src.ad import Zero, JVPTracer, JVPTrace, zeros_like_aval
