"""jax.experimental.hijax: declarations of high-level types (see jaxlite._src.hijax:
jaxlite has none; using one raises NotImplementedError)."""
from .._src.hijax import (HiPrimitive, HiType, MutableHiType, AvalQDD, AbstractValue, Zero,
                          aval_property, aval_method, register_hitype,
                          control_flow_allowed_effects)
