"""jaxlite.experimental: `jax.experimental` — io_callback, and the submodules jaxlite
implements (compilation_cache, checkify). Names load on first use.

EArray, cur_qdd and primal_tangent_dtype (extended dtypes and mutable-array internals)
cannot work here: calling them raises NotImplementedError with the reason.
"""
import importlib as _importlib

_lazy_attributes = {"io_callback": "jaxlite._src.debugging"}
_unavailable = {
    "EArray": "extended-dtype arrays are not implemented (jaxlite arrays hold NumPy values)",
    "cur_qdd": "mutable arrays and their quasi-dynamic data are not implemented",
    "primal_tangent_dtype": "extended dtypes with custom tangent dtypes are not implemented",
}


def __getattr__(name):
    if name in _lazy_attributes:
        value = getattr(_importlib.import_module(_lazy_attributes[name]), name)
    elif name in _unavailable:
        errors = _importlib.import_module("jaxlite._src.errors")
        value = errors.unavailable(f"jax.experimental.{name}", _unavailable[name])
    else:
        try:
            value = _importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'jaxlite.experimental' has no attribute {name!r}") \
                from None
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_lazy_attributes) | set(_unavailable))
