"""`jax.api_util`: flattening a WrappedFun's pytree inputs and outputs, as JAX's own
transformations (and flax's and numpyro's, written like them) do.

    >>> from jaxlite.extend.linear_util import wrap_init
    >>> from jaxlite.api_util import flatten_fun_nokwargs
    >>> _, in_tree = jax.tree_util.tree_flatten(((1.0, 2.0),))
    >>> flat, out_tree = flatten_fun_nokwargs(wrap_init(lambda xy: {"s": xy[0] + xy[1]}),
    ...                                       in_tree)
    >>> flat.call_wrapped(1.0, 2.0), out_tree()
    ([3.0], PyTreeDef({'s': *}))
"""
import inspect

from ..tree import tree_flatten, tree_unflatten
from .linear_util import transformation_with_aux2


def _flatten_fun(f, store, in_tree, *flat_args):
    args, kwargs = tree_unflatten(in_tree, flat_args)
    out_flat, out_tree = tree_flatten(f(*args, **kwargs))
    store.store(out_tree)
    return out_flat


def _flatten_fun_nokwargs(f, store, in_tree, *flat_args):
    out_flat, out_tree = tree_flatten(f(*tree_unflatten(in_tree, flat_args)))
    store.store(out_tree)
    return out_flat


def flatten_fun(fun, in_tree):
    """`fun` of flat leaves of (args, kwargs) with tree `in_tree`, returning flat outputs;
    also a thunk giving the outputs' tree once it has run."""
    return transformation_with_aux2(_flatten_fun, fun, in_tree)


def flatten_fun_nokwargs(fun, in_tree):
    """As flatten_fun, for `in_tree` the tree of the positional arguments alone."""
    return transformation_with_aux2(_flatten_fun_nokwargs, fun, in_tree)


class DebugInfo:
    """What a traced function was: what traced it, its name, its argument names."""
    __slots__ = ("traced_for", "func_src_info", "arg_names", "result_paths")

    def __init__(self, traced_for, func_src_info, arg_names, result_paths=None):
        self.traced_for = traced_for
        self.func_src_info = func_src_info
        self.arg_names = arg_names
        self.result_paths = result_paths

    @property
    def func_name(self):
        return self.func_src_info.split(" ")[0] if self.func_src_info else "<unknown>"

    def __repr__(self):
        return (f"DebugInfo(traced_for={self.traced_for!r}, "
                f"func_src_info={self.func_src_info!r}, arg_names={self.arg_names!r})")


def fun_signature(fun):
    try:
        return inspect.signature(fun)
    except (ValueError, TypeError):
        return None


def debug_info(traced_for, fun, args, kwargs, *, static_argnums=(), static_argnames=(),
               result_paths_thunk=None, sourceinfo=None, signature=None):
    """The DebugInfo of tracing `fun` for `traced_for` on these arguments."""
    name = getattr(fun, "__qualname__", getattr(fun, "__name__", repr(fun)))
    try:
        filename = inspect.getsourcefile(fun)
        line = inspect.getsourcelines(fun)[1]
        source = f"{name} at {filename}:{line}"
    except (TypeError, OSError):
        source = name
    arg_names = None
    signature = signature if signature is not None else fun_signature(fun)
    if signature is not None:
        try:
            bound = signature.bind(*args, **kwargs)
            arg_names = tuple(bound.arguments)
        except TypeError:
            pass
    return DebugInfo(traced_for, source, arg_names)
