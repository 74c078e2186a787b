"""jax.interpreters.xla: jaxlite has no XLA backend; using a name from here raises
NotImplementedError saying so."""


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise NotImplementedError(f"jax.interpreters.xla.{name}: jaxlite compiles Jaxprs to "
                              "Python over NumPy and has no XLA backend.")
