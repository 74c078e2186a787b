"""jax.interpreters: the rule tables and helpers JAX code uses to give a primitive its
transformation rules (`ad`, `batching`, `mlir`, `partial_eval`), onto jaxlite's own
rule attributes; `xla` and `pxla` keep the few names libraries read."""
import importlib as _importlib

_submodules = {"ad", "batching", "mlir", "partial_eval", "xla", "pxla"}


def __getattr__(name):
    if name in _submodules:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'jax.interpreters' has no attribute {name!r}")
