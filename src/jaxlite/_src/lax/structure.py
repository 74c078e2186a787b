"""jax.lax's structural helpers, composed of the shape primitives (so differentiation,
vmap and jit come from theirs): split, tile, stack, unstack, collapse, broadcast_to_rank,
broadcast_like, broadcast_shapes, empty, shape_as_value, stage, dtype."""
import builtins
import math

import numpy as np

from .. import core, dtypes
from ..core import Tracer
from ..array import Array
from ..conversion import asarray
from .lax import (_lax_operands, _shape, broadcast, broadcast_in_dim, concatenate, expand_dims,
                  index_in_dim, reshape, slice_in_dim)
from .utils import broadcast_to

__all__ = ["split", "tile", "stack", "unstack", "collapse", "broadcast_to_rank",
           "broadcast_like", "broadcast_shapes", "empty", "shape_as_value", "stage", "dtype"]


def _axis(axis, ndim, what):
    if not -ndim <= axis < ndim:
        raise ValueError(f"{what}: axis {axis} is out of bounds for an array of rank {ndim}")
    return axis % ndim


def split(operand, sizes, axis=0):
    """Pieces of `operand` along `axis`, of the given sizes (which must sum to its size).

    >>> lax.split(jnp.arange(5), (2, 3))
    [Array([0, 1], dtype=int32), Array([2, 3, 4], dtype=int32)]
    """
    x = asarray(operand)
    axis = _axis(axis, x.ndim, "split")
    sizes = [int(s) for s in sizes]
    if any(s < 0 for s in sizes):
        raise ValueError(f"Sizes must be nonnegative, got {sizes}")
    if sum(sizes) != x.shape[axis]:
        raise ValueError(f"Sum of sizes {sum(sizes)} must be equal to dimension {axis} of the "
                         f"operand shape {list(x.shape)}")
    pieces, start = [], 0
    for s in sizes:
        pieces.append(slice_in_dim(x, start, start + s, axis=axis))
        start += s
    return pieces


def tile(operand, reps):
    """`operand` repeated reps[i] times along each dimension i (len(reps) == ndim)."""
    x = asarray(operand)
    reps = tuple(int(r) for r in reps)
    if len(reps) != x.ndim:
        raise TypeError(f"reps length must be equal to the ndim of x, got len(reps)={len(reps)} "
                        f"and x.ndim={x.ndim}.")
    if any(r < 0 for r in reps):
        raise ValueError(f"reps must be nonnegative, got {reps}")
    # (r0, n0, r1, n1, ...) then merge each pair: the copies vary slowest.
    shape = tuple(d for pair in zip(reps, x.shape) for d in pair)
    tiled = broadcast_in_dim(x, shape, tuple(range(1, 2 * x.ndim, 2)))
    return reshape(tiled, tuple(r * n for r, n in zip(reps, x.shape)))


def stack(operands, axis=0):
    """Arrays of one shape and dtype joined along a new axis.

    >>> lax.stack([jnp.array([1, 2]), jnp.array([3, 4])], axis=1)
    Array([[1, 3],
           [2, 4]], dtype=int32)
    """
    arrays = _lax_operands("stack", *operands)
    if not arrays:
        raise ValueError("lax.stack requires at least one operand")
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise TypeError(f"lax.stack requires operands of one shape, got {sorted(shapes)}")
    axis = _axis(axis, arrays[0].ndim + 1, "stack")
    return concatenate([expand_dims(a, (axis,)) for a in arrays], axis)


def unstack(x, axis=0):
    """The slices of `x` along `axis`, as a tuple."""
    x = asarray(x)
    axis = _axis(axis, x.ndim, "unstack")
    return tuple(index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis]))


def collapse(operand, start_dimension, stop_dimension=None):
    """Dimensions [start, stop) merged into one (row-major).

    >>> lax.collapse(jnp.ones((2, 3, 4)), 0, 2).shape
    (6, 4)
    """
    x = asarray(operand)
    lo, hi, _ = builtins.slice(start_dimension, stop_dimension).indices(x.ndim)
    if hi < lo:
        raise ValueError(f"Invalid dimension range passed to collapse: {x.shape}"
                         f"[{start_dimension}:{stop_dimension}]")
    size = math.prod(x.shape[lo:hi])
    return reshape(x, x.shape[:lo] + (size,) + x.shape[hi:])


def broadcast_to_rank(x, rank):
    """`x` with leading dimensions of size 1 added up to rank `rank`."""
    x = asarray(x)
    if x.ndim == rank:
        return x
    return broadcast(x, (1,) * (rank - x.ndim))


def broadcast_shapes(*shapes):
    """The NumPy broadcast of shapes, as a tuple.

    >>> lax.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    shapes = [tuple(int(d) for d in s) for s in shapes]
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: shapes={shapes}") from None


def broadcast_like(arr, like_arr):
    """`arr` broadcast (NumPy rules) to the shape of `like_arr`."""
    return broadcast_to(arr, core.get_aval(asarray(like_arr)).shape)


def empty(shape, dtype, *, out_sharding=None):
    """An array of the given shape and dtype whose values are unspecified (zeros here)."""
    dtype = (dtypes.default_float_dtype() if dtype is None
             else dtypes.python_type_dtype(dtype) or dtypes.canonicalize_dtype(dtype))
    return Array(np.zeros(_shape(shape), dtype), False)


def shape_as_value(shape):
    """A (static) shape as an integer array."""
    if len(shape) == 0:
        return Array(np.zeros((0,), dtypes.int32), False)
    return np.asarray(shape, dtype=dtypes.int32 if builtins.max(shape) < 2 ** 31
                      else dtypes.int64)


def stage(x):
    """`x` as an array of the current trace (a Python scalar or NumPy array becomes a JAX
    array, a traced value stays as it is)."""
    return asarray(x)


def dtype(x):
    """The canonical dtype of a value or type: Python scalars and their types take the
    default dtypes (float32, int32 unless x64 is enabled); arrays keep theirs.

    >>> lax.dtype(1.0)
    dtype('float32')
    """
    if x is None:
        raise ValueError(f"Invalid argument to dtype: {x}.")
    if isinstance(x, type):
        if x in (bool, int, float, complex):
            return dtypes.python_type_dtype(x)
        if issubclass(x, np.generic):
            return dtypes.canonicalize_dtype(np.dtype(x))
    elif type(x) in (bool, int, float, complex):
        return dtypes.python_type_dtype(type(x))
    elif isinstance(x, (Array, Tracer)):
        return x.dtype
    if isinstance(x, (str, np.dtype)):
        return dtypes.canonicalize_dtype(np.dtype(x))
    found = getattr(x, "dtype", None)
    try:
        found = np.dtype(found) if found is not None else np.result_type(x)
    except TypeError as err:
        raise TypeError(f"Cannot determine dtype of {x}") from err
    return dtypes.canonicalize_dtype(found)
