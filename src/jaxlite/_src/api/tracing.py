"""Tracing without differentiating or mapping: make_jaxpr, eval_shape and
ShapeDtypeStruct, the pytree tracing jit builds on, and the device utilities
(block_until_ready, device_get, device_put)."""
import functools

import numpy as np

from .. import core, dtypes
from ..core import Tracer, ShapedArray
from ..array import Array, place_tree
from ..tree import tree_flatten, tree_unflatten, tree_map, tree_leaves
from ..staging import trace_to_jaxpr
from ..jaxpr import ClosedJaxpr
from ..conversion import asarray
from .arguments import _as_array_leaf


class ShapeDtypeStruct:
    """A shape and dtype standing in for an array (eval_shape's outputs, jit.lower's inputs)."""
    __slots__ = ("shape", "dtype", "weak_type", "sharding")

    def __new__(cls, shape, dtype, weak_type=False, sharding=None):
        # An extended dtype may name its own class of abstract arrays (a typed key's is a
        # pytree node over its key data's ShapeDtypeStruct, so jit and eval_shape take it).
        return object.__new__(getattr(dtype, "abstract_array_type", None) or cls)

    def __init__(self, shape, dtype, weak_type=False, sharding=None):
        self.shape = tuple(shape)
        # An extended dtype (a typed key's key<fry>: eval_shape of a key array) stays as is.
        self.dtype = dtype if dtypes._extended_type(dtype) else np.dtype(dtype)
        self.weak_type = weak_type
        self.sharding = sharding

    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(np.prod(self.shape, dtype=np.int64)))

    @classmethod
    def like(cls, x):
        """The ShapeDtypeStruct of `x` (an array, a scalar, or another ShapeDtypeStruct).

        >>> jax.ShapeDtypeStruct.like(3.0)
        ShapeDtypeStruct(shape=(), dtype=float32, weak_type=True)
        """
        if isinstance(x, ShapeDtypeStruct):
            return cls(x.shape, x.dtype, x.weak_type, x.sharding)
        aval = leaf_aval(x)
        return cls(aval.shape, aval.dtype, aval.weak_type)

    @property
    def aval(self):
        return ShapedArray(self.shape, dtypes.canonicalize_dtype(self.dtype, True),
                           self.weak_type)

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{weak})"

    def __eq__(self, other):
        return (isinstance(other, ShapeDtypeStruct) and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))


def leaf_aval(x):
    if isinstance(x, ShapeDtypeStruct):
        return x.aval
    if isinstance(x, (Array, Tracer)):
        return x.aval
    if isinstance(x, ShapedArray):  # flax passes avals to eval_shape
        return x
    return core.get_aval(asarray(x) if not isinstance(x, np.ndarray) else
                         np.asarray(x, dtypes.canonicalize_dtype(x.dtype)))


def trace_pytree_function(fun, args, kwargs, static_argnums=(), name=None):
    """Trace fun(*args, **kwargs) to a Jaxpr over the array leaves of the non-static args.

    Returns (jaxpr, in_tree, out_tree)."""
    dyn = tuple(a for i, a in enumerate(args) if i not in static_argnums)
    leaves, in_tree = tree_flatten((dyn, kwargs))
    avals = [leaf_aval(x) for x in leaves]
    store = {}

    def flat_fun(*xs):
        d, kw = tree_unflatten(in_tree, xs)
        d = iter(d)
        full = [a if i in static_argnums else next(d) for i, a in enumerate(args)]
        out = fun(*full, **kw)
        out_leaves, out_tree = tree_flatten(out)
        store["out_tree"] = out_tree
        return [_as_array_leaf(o, "output") for o in out_leaves]

    jaxpr = trace_to_jaxpr(flat_fun, avals, name=name or getattr(fun, "__name__", None))
    return jaxpr, in_tree, store["out_tree"]


def make_jaxpr(fun, static_argnums=(), axis_env=None, return_shape=False, abstracted_axes=None):
    """A function returning the Jaxpr that `fun` stages for the given arguments.

    >>> print(jax.make_jaxpr(lambda x, y: jnp.sin(x) * y + 2)(1.0, 3.0))
    { lambda ; a:f32[] b:f32[]. let
        c:f32[] = sin a
        d:f32[] = mul c b
        e:f32[] = add d 2.0:f32[]
      in (e,) }
    """
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def make(*args, **kwargs):
        jaxpr, _, out_tree = trace_pytree_function(fun, args, kwargs, static)
        closed = ClosedJaxpr(jaxpr)
        if return_shape:
            shapes = tree_unflatten(out_tree, [ShapeDtypeStruct(a.shape, a.dtype, a.weak_type)
                                               for a in jaxpr.out_avals])
            return closed, shapes
        return closed

    return make


def eval_shape(fun, *args, **kwargs):
    """The shapes and dtypes of fun's outputs, as ShapeDtypeStructs, without computing.

    Arguments may be ShapeDtypeStructs (or ShapedArrays); outputs that already are
    ShapeDtypeStructs come back as they are."""
    given = {}

    def staged_outputs(*a, **k):
        leaves, tree = tree_flatten(fun(*a, **k))
        given.clear()
        given["tree"] = tree
        kept = []
        for i, leaf in enumerate(leaves):
            if isinstance(leaf, ShapeDtypeStruct):
                given[i] = leaf
            else:
                kept.append(leaf)
        return kept

    jaxpr, _, _ = trace_pytree_function(staged_outputs, args, kwargs,
                                        name=getattr(fun, "__name__", None))
    staged = iter(ShapeDtypeStruct(a.shape, a.dtype, a.weak_type) for a in jaxpr.out_avals)
    tree = given["tree"]
    return tree_unflatten(tree, [given[i] if i in given else next(staged)
                                 for i in range(tree.num_leaves)])


def block_until_ready(x):
    """Wait for every array in a pytree (computation here is synchronous) and return it."""
    for leaf in tree_leaves(x):
        if hasattr(leaf, "block_until_ready"):
            leaf.block_until_ready()
    return x


def device_get(x):
    """Pytree of Arrays -> pytree of NumPy arrays."""
    return tree_map(lambda l: np.asarray(l) if isinstance(l, Array) else l, x)


def device_put(x, device=None, *, src=None, donate=False, may_alias=None):
    """Arrays of the pytree `x`, placed on `device` or laid out by a Sharding (or a pytree
    prefix of them).

    >>> jax.device_put(np.arange(2.0), jax.devices()[0])
    Array([0., 1.], dtype=float32)
    """
    x = tree_map(lambda l: asarray(l) if isinstance(l, (np.ndarray, np.generic, int, float,
                                                         complex, bool)) else l, x)
    return place_tree(x, device, "device_put")
