"""`jax._src.compiler` for chex, which imports it at import time: jaxlite compiles
Jaxprs to Python over NumPy, with no XLA compiler to patch (chex.restrict_backends)."""


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise NotImplementedError(f"jax._src.compiler.{name}: jaxlite has no XLA compiler "
                              "(it compiles Jaxprs to Python over NumPy).")
