"""lax.reduce: XLA's generic reduction of one or more operands with a Python computation.

When the computation is one of lax's monoids (add, mul, max, min, bitwise and/or/xor) with
its identity as the (concrete, scalar) init value, it becomes the matching reduce_*
primitive, as in JAX. Otherwise the reduced axes are moved to the front and flattened into
one of length n, and the computation is applied to whole arrays (the kept dimensions), so it
must work elementwise, which lax/jnp code written for scalars does:

  n <= 32: folded in order, `acc = computation(acc, element)` from the init values: the
           order XLA's CPU backend uses for such short reductions, so even a
           non-associative computation gives JAX's numbers;
  n > 32:  a pairwise tree combining neighbours (log2(n) calls; the order of an associative,
           non-commutative computation is kept), then `computation(init, result)`. XLA
           requires an associative computation and its own order for long reductions is
           unspecified, so only associative computations are expected to agree.
"""
import numpy as np

from .. import dtypes
from ..core import Tracer
from ..conversion import asarray
from ..prims.elementwise import convert_element_type_p
from ..tree import tree_flatten, tree_unflatten
from . import lax

__all__ = ["reduce"]


def _identity(name, dtype):
    if name == "add" or name == "bitwise_or" or name == "bitwise_xor":
        return 0
    if name == "mul":
        return 1
    if name == "bitwise_and":
        return True if dtype == np.bool_ else -1 if dtype.kind == "i" else np.iinfo(dtype).max
    if dtype == np.bool_:
        return name == "min"  # max over booleans starts at False, min at True
    if dtypes.is_inexact(dtype):
        return -np.inf if name == "max" else np.inf
    info = np.iinfo(dtype)
    return info.min if name == "max" else info.max


def _monoid_reducer(computation, inits):
    if len(inits) != 1:
        return None
    init = inits[0]
    if isinstance(init, Tracer) or np.ndim(init) != 0:
        return None
    dtype = dtypes.canonicalize_dtype(np.result_type(init)) if not hasattr(init, "dtype") \
        else init.dtype
    int_like = dtype == np.bool_ or dtype.kind in "iu"
    monoids = {lax.add: ("add", lax.reduce_sum), lax.mul: ("mul", lax.reduce_prod),
               lax.max: ("max", lax.reduce_max), lax.min: ("min", lax.reduce_min)}
    if int_like:
        monoids.update({lax.bitwise_or: ("bitwise_or", lax.reduce_or),
                        lax.bitwise_and: ("bitwise_and", lax.reduce_and),
                        lax.bitwise_xor: ("bitwise_xor", lax.reduce_xor)})
    for op, (name, reducer) in monoids.items():
        if computation is op:
            value = np.asarray(getattr(init, "_value", init))
            identity = _identity(name, np.dtype(dtype))
            if name == "bitwise_and" and dtype.kind in "iu" and dtype != np.bool_:
                return reducer if (value.astype(dtype) == np.array(identity).astype(dtype)) \
                    else None
            return reducer if np.equal(value, identity) else None
    return None


def reduce(operands, init_values, computation, dimensions, out_sharding=None):
    """Reduces `operands` (an array or a pytree of arrays of one shape) over `dimensions`
    with `computation(accumulated, element)` starting from `init_values` (same structure).

    >>> lax.reduce(jnp.arange(6.).reshape(2, 3), 0., lax.add, (1,))
    Array([ 3., 12.], dtype=float32)
    >>> def argmax_pair(best, candidate):   # a variadic reduction: (value, index) pairs
    ...     take = candidate[0] > best[0]
    ...     return tuple(jnp.where(take, c, b) for b, c in zip(best, candidate))
    >>> lax.reduce((jnp.array([1., 5., 3.]), jnp.arange(3)), (-jnp.inf, 0), argmax_pair, (0,))
    (Array(5., dtype=float32), Array(1, dtype=int32))
    """
    flat, tree = tree_flatten(operands)
    flat_inits, init_tree = tree_flatten(init_values)
    if tree != init_tree:
        raise ValueError(f"Operands must have the same tree structure as init_values: {tree} "
                         f"vs. {init_tree}")
    if len(flat) != len(flat_inits):
        raise ValueError(f"Must have same total number of operands as init_values:  "
                         f"{len(flat)} vs. {len(flat_inits)}")
    dimensions = tuple(int(d) for d in dimensions)
    reducer = _monoid_reducer(computation, flat_inits)
    if reducer is not None:
        x = asarray(flat[0])
        weak = bool(x.weak_type and dtypes.dtype_and_weak(flat_inits[0])[1])
        out = reducer(x, dimensions) if dimensions else x
        if out.weak_type != weak:
            out = convert_element_type_p.bind(out, new_dtype=out.dtype, weak_type=weak)
        return tree_unflatten(tree, [out])
    return tree_unflatten(tree, _sequential_reduce(flat, flat_inits, computation, dimensions, tree))


def _sequential_reduce(operands, inits, computation, dimensions, tree):
    xs = [asarray(x) for x in operands]
    shape = xs[0].shape
    for x in xs:
        if x.shape != shape:
            raise ValueError(f"lax.reduce: operands must have one shape, got {x.shape} and "
                             f"{shape}")
    ndim = len(shape)
    dimensions = tuple(sorted(d % ndim for d in dimensions)) if ndim else ()
    kept = [d for d in range(ndim) if d not in dimensions]
    kept_shape = tuple(shape[d] for d in kept)
    n = int(np.prod([shape[d] for d in dimensions], dtype=np.int64))
    xs = [lax.reshape(lax.transpose(x, list(dimensions) + kept), (n,) + kept_shape) for x in xs]
    inits = [asarray(v) for v in inits]
    for v in inits:
        if v.shape != ():
            raise TypeError(f"lax.reduce: init values must be scalars, got shape {v.shape}")
    # Weakly typed inits (Python scalars) take their operand's dtype and strength.
    inits = [lax.convert_element_type(v, x.dtype) if v.weak_type and not x.weak_type else v
             for v, x in zip(inits, xs)]
    starts = [lax.broadcast_in_dim(v, kept_shape, ()) for v in inits]
    if n == 0:
        return starts
    dtypes_in = [v.dtype for v in starts]

    def combine(accumulated, element):
        out = computation(tree_unflatten(tree, accumulated), tree_unflatten(tree, element))
        leaves, out_tree = tree_flatten(out)
        if out_tree != tree:
            raise TypeError(f"lax.reduce: the computation returned a value of structure "
                            f"{out_tree}, but the operands have structure {tree}")
        leaves = [asarray(v) for v in leaves]
        for v, dtype in zip(leaves, dtypes_in):
            if v.dtype != dtype:
                raise TypeError(f"lax.reduce: the computation returned dtype {v.dtype} where "
                                f"the init value has dtype {dtype}")
        return leaves

    if n <= _SEQUENTIAL_MAX:
        accumulated = starts
        for i in range(n):
            accumulated = combine(accumulated, [lax.index_in_dim(x, i, 0, False) for x in xs])
        return accumulated
    while n > 1:
        pairs = n // 2
        merged = combine([lax.slice_in_dim(x, 0, 2 * pairs, 2, 0) for x in xs],
                         [lax.slice_in_dim(x, 1, 2 * pairs, 2, 0) for x in xs])
        if n % 2:
            merged = [lax.concatenate([m, lax.slice_in_dim(x, n - 1, n, 1, 0)], 0)
                      for m, x in zip(merged, xs)]
        xs, n = merged, pairs + n % 2
    return combine(starts, [lax.index_in_dim(x, 0, 0, False) for x in xs])


_SEQUENTIAL_MAX = 32  # reductions up to this length fold in order, as XLA:CPU's do
