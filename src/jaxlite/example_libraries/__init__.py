"""jaxlite.example_libraries: jax.example_libraries, the `stax` neural-network and
`optimizers` libraries (re-exports of jaxlite._src.example_libraries).

`stax` and `optimizers` load on first use (PEP 562 `__getattr__`), so that
`import jax.example_libraries` alone stays cheap."""
import importlib as _importlib

_submodules = {"stax", "optimizers"}


def __getattr__(name):
    if name in _submodules:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _submodules)
