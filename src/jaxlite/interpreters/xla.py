"""jax.interpreters.xla: jaxlite has no XLA backend. `canonicalize_dtype_handlers` is
the table asarray consults for array-like types libraries register; any other name
raises NotImplementedError saying so (an AttributeError too, so `hasattr` is False)."""
from .._src.conversion import canonicalize_dtype_handlers
from .._src.errors import UnsupportedAttributeError


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise UnsupportedAttributeError(f"jax.interpreters.xla.{name}: jaxlite compiles Jaxprs "
                                    "to Python over NumPy and has no XLA backend.")
