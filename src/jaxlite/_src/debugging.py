"""jax.debug: print and callback from inside transformed functions."""
import string

import numpy as np

from .tree import tree_flatten, tree_unflatten
from .numpy_api.conversion import asarray
from .prims.debug import debug_callback_p


def callback(callback, *args, ordered=False, **kwargs):
    """Call callback(*args, **kwargs) with concrete NumPy values when the program runs."""
    leaves, tree = tree_flatten((args, kwargs))
    arrays = [asarray(x) for x in leaves]

    def flat_callback(*values):
        a, kw = tree_unflatten(tree, list(values))
        callback(*a, **kw)

    debug_callback_p.bind(*arrays, callback=flat_callback, ordered=ordered)


def print(fmt, *args, ordered=False, **kwargs):
    """Like print(fmt.format(*args, **kwargs)), with runtime values, inside jit/vmap/grad.

    >>> jax.jit(lambda x: jax.debug.print("x = {}", x))(1.0)
    x = 1.0
    """
    fields = [name for _, name, _, _ in string.Formatter().parse(fmt) if name]
    del fields  # formatting errors surface when the values arrive, as in JAX

    def formatted(*a, **kw):
        import builtins
        builtins.print(fmt.format(*a, **kw))

    callback(formatted, *args, ordered=ordered, **kwargs)


def breakpoint(*args, **kwargs):
    raise NotImplementedError("jax.debug.breakpoint is not supported; use jax.debug.callback")
