"""`jax._src.ad_util` for lineax: `stop_gradient_p` (lineax registers a transpose rule
for it through `jax.interpreters.ad.primitive_transposes`) and the symbolic `Zero`."""
from jaxlite._src.prims.elementwise import stop_gradient_p  # noqa: F401
from jaxlite._src.ad import Zero  # noqa: F401
