"""jax.interpreters.pxla: jaxlite has no multi-device XLA executables. The old array
name libraries test against is jax.Array; other names raise NotImplementedError."""
from .._src.array import AnyArray as ShardedDeviceArray  # chex: isinstance checks


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise NotImplementedError(f"jax.interpreters.pxla.{name}: jaxlite has no multi-device "
                              "XLA executables.")
