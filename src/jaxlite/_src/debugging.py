"""jax.debug: print and callback from inside transformed functions."""
import builtins
import string

from . import dtypes
from .core import ShapedArray
from .tree import tree_flatten, tree_unflatten
from .conversion import asarray
from .prims.debug import debug_callback_p
from .prims.callback import io_callback_p, pure_callback_p


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
        builtins.print(fmt.format(*a, **kw))

    callback(formatted, *args, ordered=ordered, **kwargs)


def _flat_callback(callback, args, kwargs, result_shape_dtypes):
    """What a callback primitive binds: the argument leaves as arrays, the callback on flat
    leaves, the declared result avals, and the tree to rebuild its results."""
    leaves, tree = tree_flatten((args, kwargs))
    result_leaves, result_tree = tree_flatten(result_shape_dtypes)
    result_avals = tuple(ShapedArray(r.shape, dtypes.canonicalize_dtype(r.dtype), False)
                         for r in result_leaves)

    def flat_callback(*values):
        a, kw = tree_unflatten(tree, list(values))
        return tree_flatten(callback(*a, **kw))[0]

    return [asarray(x) for x in leaves], flat_callback, result_avals, result_tree


def pure_callback(callback, result_shape_dtypes, *args, sharding=None, vmap_method=None,
                  **kwargs):
    """Call a host function returning arrays of the declared shapes/dtypes, from inside
    jit and vmap (vmap_method: "sequential" (default), "expand_dims", "broadcast_all")."""
    leaves, flat_callback, result_avals, result_tree = _flat_callback(
        callback, args, kwargs, result_shape_dtypes)
    outs = pure_callback_p.bind(*leaves, callback=flat_callback, result_avals=result_avals,
                                vmap_method=vmap_method)
    return tree_unflatten(result_tree, outs)


def io_callback(callback, result_shape_dtypes, *args, sharding=None, ordered=False, **kwargs):
    """Call a host function that may have side effects, from inside jit/vmap/scan
    (`jax.experimental.io_callback`). Unlike pure_callback it is never dropped when its
    results are unused; `ordered=True` keeps the calls in program order (and cannot be
    vmapped). Not differentiable.

    >>> seen = []
    >>> def log(x):
    ...     seen.append(float(x))
    ...     return np.float32(x * 2)
    >>> f = jax.jit(lambda x: jax.experimental.io_callback(
    ...     log, jax.ShapeDtypeStruct((), jnp.float32), x, ordered=True))
    >>> f(1.5), seen
    (Array(3., dtype=float32), [1.5])
    """
    leaves, flat_callback, result_avals, result_tree = _flat_callback(
        callback, args, kwargs, result_shape_dtypes)
    outs = io_callback_p.bind(*leaves, callback=flat_callback, result_avals=result_avals,
                              ordered=bool(ordered))
    return tree_unflatten(result_tree, outs)
