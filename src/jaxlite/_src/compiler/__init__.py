"""jit's back end: passes over a Jaxpr, then Python source over NumPy, cached.

`import jaxlite` loads only the code generator (codegen.py) and dead-code elimination
(dce.py). The pass pipeline (passes.py and its passes) and the fused tier (tiers.py,
fusion.py, kernels.py, with logging, hashlib and Numba behind them) load at their first
use, as attributes of this package (PEP 562): `compiler.passes`, `compiler.tiers`."""
import importlib

from .codegen import compile_jaxpr, generated_source

_lazy_submodules = {"passes", "tiers", "fusion", "kernels", "program"}


def __getattr__(name):
    # Once imported, a submodule is an ordinary attribute of the package: this runs once.
    if name in _lazy_submodules:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
