"""jax.extend.core.primitives: jaxlite's primitives by JAX's names (add_p, mul_p, jit_p
and pjit_p, cond_p, scan_p, while_p, ...). A JAX primitive jaxlite expresses with
others raises NotImplementedError saying so."""
from ..._src.extend.primitives import PRIMITIVES as _PRIMITIVES, MISSING as _MISSING, primitive

globals().update(_PRIMITIVES)


def __getattr__(name):
    return primitive(name)


def __dir__():
    return sorted(set(_PRIMITIVES) | set(_MISSING))
