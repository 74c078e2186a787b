"""jax.lax's functions: thin wrappers over the primitives, one module per family
(lax.py: elementwise, shape and reduction wrappers; control_flow, convolution, slicing, ...).

`control_flow` and `convolution` load at their first use, as attributes of this package
(PEP 562), so that the layers above can name them without `import jaxlite.numpy` loading them."""
import importlib

_lazy_submodules = {"control_flow", "convolution"}


def __getattr__(name):
    # Once imported, a submodule is an ordinary attribute of the package: this runs once.
    if name in _lazy_submodules:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
