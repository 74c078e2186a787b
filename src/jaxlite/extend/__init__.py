"""jax.extend: the API for extending JAX (new primitives, interpreters of Jaxprs).

`core` (Primitive, Jaxpr, ClosedJaxpr, Var, Literal, primitives, ...),
`linear_util` and `source_info_util` work here; `ifrt_programs` can be imported (its
functions raise NotImplementedError). The backend-facing modules
(backend, mlir, lowering, xla, sharding, pallas, random) raise
NotImplementedError: jaxlite has no XLA backend.
"""
import importlib as _importlib

_submodules = {"core", "linear_util", "source_info_util", "ifrt_programs"}
_no_backend = {"backend", "mlir", "lowering", "xla", "sharding", "pallas", "random"}


def __getattr__(name):
    if name in _submodules:
        return _importlib.import_module(f"{__name__}.{name}")
    if name in _no_backend:
        raise NotImplementedError(
            f"jax.extend.{name}: jaxlite compiles Jaxprs to Python over NumPy, with no XLA "
            "backend, MLIR lowering or devices to extend.")
    raise AttributeError(f"module 'jax.extend' has no attribute {name!r}")


def __dir__():
    return sorted(_submodules | _no_backend)
