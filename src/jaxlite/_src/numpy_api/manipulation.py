"""Array manipulation: tile, repeat, roll, rot90, append, insert, delete, resize,
trim_zeros, rollaxis, unstack, block (pad, in every JAX mode, is in padding.py).

Everything is written on slices, concatenations, gathers and scatters, so each function
is differentiable, batchable and jittable. Sizes that NumPy reads from array *values*
(repeat counts, insert/delete positions, trim_zeros) must be concrete, as in JAX;
`repeat` takes `total_repeat_length=` to fix its output size under jit.
"""
import builtins
import math
import operator

import numpy as np

from .. import core, dtypes
from ..array import Array
from ..core import Tracer
from ..prims import shape as sp
from ..conversion import asarray, convert
from .shapes import (canonical_axes, concatenate, reshape, broadcast_to, ravel, moveaxis, flip,
                     swapaxes)
from .indexing import take, getitem
from .ufuncs import (less_equal, minimum, remainder, subtract, where,
                     less, add, greater_equal, clip)
from .reductions import sum
from .cumulative import cumsum
from .creation import zeros
from .sorting import sort


def static_int(x, what):
    """A Python int from a concrete value, or JAX's concretization error."""
    if isinstance(x, Tracer):
        x = core.concrete_or_error(x, what)
    return operator.index(np.asarray(x).item() if isinstance(x, (np.ndarray, Array)) else x)


def _int_array(values):
    return Array(np.asarray(values, dtype=dtypes.default_int_dtype()), False)


def slice_in_dim(x, start, stop, axis):
    n = x.shape[axis]
    start, stop, _ = slice(start, stop).indices(n)
    stop = builtins.max(stop, start)
    starts = [0] * x.ndim
    limits = list(x.shape)
    starts[axis], limits[axis] = start, stop
    return sp.slice_p.bind(x, start_indices=tuple(starts), limit_indices=tuple(limits),
                           strides=None)


def _concat(parts, axis):
    parts = [p for p in parts if p.shape[axis] or len(parts) == 1]
    return concatenate(parts, axis=axis) if len(parts) > 1 else parts[0]


# ---- tile, repeat ---------------------------------------------------------------------------
def tile(A, reps):
    """Repeat the whole array `reps` times along each axis (like `np.tile`).

    >>> jnp.tile(jnp.array([1, 2]), (2, 2))
    Array([[1, 2, 1, 2],
           [1, 2, 1, 2]], dtype=int32)
    """
    x = asarray(A)
    reps = tuple(reps) if isinstance(reps, (tuple, list)) else (reps,)
    reps = tuple(static_int(r, "the reps argument of jnp.tile") for r in reps)
    n = builtins.max(len(reps), x.ndim)
    shape = (1,) * (n - x.ndim) + tuple(x.shape)
    reps = (1,) * (n - len(reps)) + reps
    if builtins.all(r == 1 for r in reps):
        return reshape(x, shape)
    expanded = reshape(x, tuple(d for s in shape for d in (1, s)))
    tiled = broadcast_to(expanded, tuple(d for r, s in zip(reps, shape) for d in (r, s)))
    return reshape(tiled, tuple(r * s for r, s in zip(reps, shape)))


def repeat(a, repeats, axis=None, *, total_repeat_length=None, out_sharding=None):
    """Repeat each element `repeats` times along `axis` (flattened when None).

    With per-element `repeats` that are traced (inside jit), pass `total_repeat_length`:
    longer results repeat the last element, shorter ones are cut, as in JAX.
    """
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    axis = canonical_axes(axis, x.ndim)[0] if x.ndim else 0
    if x.ndim == 0:
        x = reshape(x, (1,))
    n = x.shape[axis]
    scalar_repeats = np.ndim(repeats) == 0 and not (isinstance(repeats, (Tracer, Array))
                                                   and repeats.ndim)
    if scalar_repeats and (not isinstance(repeats, Tracer) or core.is_concrete(repeats)):
        r = static_int(repeats, "the repeats argument of jnp.repeat")
        if r < 0:
            raise ValueError("repeats may not contain negative values")
        if total_repeat_length is None or total_repeat_length == n * r:
            moved = moveaxis(x, axis, -1)
            out = reshape(broadcast_to(reshape(moved, moved.shape + (1,)),
                                       moved.shape + (r,)), moved.shape[:-1] + (n * r,))
            return moveaxis(out, -1, axis)
    repeats = asarray(repeats)
    if repeats.ndim == 0:
        repeats = broadcast_to(repeats, (n,))
    if repeats.shape != (n,):
        raise ValueError(f"jnp.repeat: repeats of shape {repeats.shape} do not match axis "
                         f"{axis} of size {n}")
    if total_repeat_length is None:
        if not core.is_concrete(repeats):
            raise core.ConcretizationTypeError(
                "jnp.repeat with non-scalar repeats needs concrete repeats: the output "
                "size depends on their values. Inside jit, pass total_repeat_length=N.")
        counts = np.asarray(core.concrete_or_error(repeats, "repeats"))
        if (counts < 0).any():
            raise ValueError("repeats may not contain negative values")
        return take(x, _int_array(np.repeat(np.arange(n), counts)), axis=axis)
    total = static_int(total_repeat_length, "total_repeat_length")
    if n == 0 or total == 0:
        shape = list(x.shape)
        shape[axis] = total
        return convert(zeros(tuple(shape), x.dtype), x.dtype)
    ends = cumsum(convert(repeats, dtypes.default_int_dtype()))
    positions = _int_array(np.arange(total))
    # Output position p takes the element whose block contains p: the number of blocks
    # ending at or before p (clamped, so a short total repeats the last element).
    index = sum(less_equal(reshape(ends, (1, n)), reshape(positions, (total, 1))), axis=1)
    index = minimum(index, n - 1)
    return take(x, index, axis=axis, mode="clip")


# ---- roll, rot90, rollaxis --------------------------------------------------------------------
def _roll_static(x, shift, axis):
    n = x.shape[axis]
    if n == 0:
        return x
    shift %= n
    if shift == 0:
        return x
    return _concat([slice_in_dim(x, n - shift, n, axis), slice_in_dim(x, 0, n - shift, axis)],
                   axis)


def roll(a, shift, axis=None):
    """Roll elements along `axis` (of the flattened array when None); `shift` may be traced."""
    x = asarray(a)
    if axis is None:
        return reshape(roll(ravel(x), shift, 0), x.shape)
    axes = (axis,) if not isinstance(axis, (tuple, list)) else tuple(axis)
    axes = [canonical_axes(ax, x.ndim)[0] for ax in axes]
    if isinstance(shift, (Tracer, Array)) and shift.ndim == 0 or np.ndim(shift) == 0:
        shifts = [shift] * len(axes)
    else:
        shifts = list(shift) if not isinstance(shift, (Tracer, Array)) else \
            [shift[i] for i in range(shift.shape[0])]
    if len(shifts) == 1 and len(axes) > 1:
        shifts = shifts * len(axes)
    if len(axes) == 1 and len(shifts) > 1:
        axes = axes * len(shifts)
    if len(shifts) != len(axes):
        raise ValueError("jnp.roll: shift and axis must have the same length")
    for s, ax in zip(shifts, axes):
        if not isinstance(s, Tracer) or core.is_concrete(s):
            x = _roll_static(x, static_int(s, "shift"), ax)
        else:
            n = x.shape[ax]
            if n:
                index = remainder(subtract(_int_array(np.arange(n)),
                                           convert(s, dtypes.default_int_dtype())), n)
                x = take(x, index, axis=ax, mode="clip")
    return x


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees `k` times in the plane of `axes` (from the first towards the second)."""
    x = asarray(m)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    ax1, ax2 = (canonical_axes(ax, x.ndim)[0] for ax in axes)
    if ax1 == ax2:
        raise ValueError("Axes must be different")
    k = static_int(k, "the k argument of jnp.rot90") % 4
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, ax1), ax2)
    if k == 1:
        return swapaxes(flip(x, ax2), ax1, ax2)
    return flip(swapaxes(x, ax1, ax2), ax2)


def rollaxis(a, axis, start=0):
    x = asarray(a)
    n = x.ndim
    axis = canonical_axes(axis, n)[0]
    if not -n <= start <= n:
        raise ValueError(f"start={start} must satisfy {-n} <= start <= {n}")
    start = start + n if start < 0 else start
    if axis < start:
        start -= 1
    return moveaxis(x, axis, start)


def unstack(x, /, *, axis=0):
    """The slices of `x` along `axis`, as a tuple."""
    x = asarray(x)
    if x.ndim == 0:
        raise ValueError("Unstack requires arrays with rank > 0, however a scalar array was "
                         "passed.")
    axis = canonical_axes(axis, x.ndim)[0]
    return tuple(getitem(x, (slice(None),) * axis + (i,)) for i in range(x.shape[axis]))


# ---- append, insert, delete, resize, trim_zeros ---------------------------------------------------
def append(arr, values, axis=None):
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], axis=0)
    return concatenate([arr, values], axis=axis)


def _concrete_index_array(obj, name):
    if isinstance(obj, Tracer):
        obj = core.concrete_or_error(obj, f"the 'obj' argument of jnp.{name}()")
    return np.asarray(obj)


def delete(arr, obj, axis=None, *, assume_unique_indices=False):
    """`arr` without the entries `obj` (an int, slice, integer array or boolean mask) along
    `axis`. Traced integer `obj` needs `assume_unique_indices=True`, as in JAX."""
    x = asarray(arr)
    if axis is None:
        x, axis = ravel(x), 0
    axis = canonical_axes(axis, x.ndim)[0]
    n = x.shape[axis]
    lead = (slice(None),) * axis
    if isinstance(obj, (int, np.integer)):
        i = int(obj)
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
        i %= n
        return _concat([slice_in_dim(x, 0, i, axis), slice_in_dim(x, i + 1, n, axis)], axis)
    if isinstance(obj, slice):
        keep = np.ones(n, bool)
        keep[np.arange(n)[obj]] = False
        return getitem(x, lead + (_int_array(np.nonzero(keep)[0]),))
    if isinstance(obj, Tracer) and not core.is_concrete(obj) and assume_unique_indices \
            and dtypes.is_integer(obj.dtype):
        idx = ravel(obj)
        idx = sort(clip(where(less(idx, 0), add(idx, n), idx), 0, n))
        idx = idx - _int_array(np.arange(idx.shape[0])).astype(idx.dtype)
        base = _int_array(np.arange(n - idx.shape[0])).astype(idx.dtype)
        shift = sum(greater_equal(reshape(base, (1, -1)), reshape(idx, (-1, 1))), axis=0,
                    dtype=idx.dtype)
        return getitem(x, lead + (base + shift,))
    value = _concrete_index_array(obj, "delete")
    if value.dtype == np.bool_:
        if value.shape != (n,):
            raise ValueError("np.delete(arr, obj): for boolean indices, obj must be "
                             "one-dimensional with length matching specified axis.")
        keep = ~value
    elif value.dtype.kind in "iu":
        keep = np.ones(n, bool)
        keep[value] = False
    else:
        raise ValueError(f"np.delete(arr, obj): got obj.dtype={value.dtype}; must be integer "
                         "or bool.")
    return getitem(x, lead + (_int_array(np.nonzero(keep)[0]),))


def insert(arr, obj, values, axis=None):
    """`arr` with `values` inserted before the positions `obj` along `axis`; positions must
    be concrete (the output size depends on them)."""
    x = asarray(arr)
    if axis is None:
        x, axis = ravel(x), 0
    axis = canonical_axes(axis, x.ndim)[0]
    n = x.shape[axis]
    values = convert(asarray(values), x.dtype, x.weak_type)
    if isinstance(obj, slice):
        index = np.arange(n)[obj]
    else:
        index = _concrete_index_array(obj, "insert")
        if index.dtype.kind not in "iu":
            raise ValueError(f"jnp.insert(): index array must be integer typed; got "
                             f"{index.dtype}")
    scalar_index = index.ndim == 0
    index = np.atleast_1d(index).astype(np.int64)
    index = np.where(index < 0, index + n, index)
    if ((index < 0) | (index > n)).any():
        raise IndexError(f"index out of bounds for axis {axis} with size {n}")
    if scalar_index:
        # Like NumPy: a scalar position inserts `values` as a block (moved onto the axis).
        values = asarray(values)
        if values.ndim <= 1 and x.ndim > 0:
            values = reshape(values, (-1,) + (1,) * (x.ndim - 1)) if values.ndim else values
            values = moveaxis(values, 0, axis) if values.ndim else values
        count = values.shape[axis] if values.ndim == x.ndim else 1
    else:
        count = len(index)
    target = list(x.shape)
    target[axis] = count
    values = broadcast_to(values, tuple(target)) if values.ndim <= x.ndim else values
    if scalar_index:
        index = np.repeat(index, count)
    # Positions in the output: inserted values (stable-sorted by index) go before the
    # originals at the same index.
    order = np.argsort(index, kind="stable")
    new_positions = np.empty(count, np.int64)
    new_positions[order] = index[order] + np.arange(count)
    old_mask = np.ones(n + count, bool)
    old_mask[new_positions] = False
    old_positions = np.nonzero(old_mask)[0]
    # out = concat(x, values) gathered by where each output element comes from.
    source = np.empty(n + count, np.int64)
    source[old_positions] = np.arange(n)
    source[new_positions] = n + np.arange(count)
    both = _concat([x, values], axis)
    return getitem(both, (slice(None),) * axis + (_int_array(source),))


def resize(a, new_shape):
    """A new array of `new_shape` filled by cycling through the elements of `a`."""
    x = asarray(a)
    new_shape = (new_shape,) if isinstance(new_shape, (int, np.integer)) else tuple(new_shape)
    new_shape = tuple(static_int(d, "new_shape") for d in new_shape)
    if builtins.any(d < 0 for d in new_shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    size = math.prod(new_shape)
    flat = ravel(x)
    if flat.size == 0 or size == 0:
        return reshape(convert(zeros(new_shape, x.dtype), x.dtype, x.weak_type), new_shape)
    reps = -(-size // flat.size)
    return reshape(slice_in_dim(tile(flat, reps), 0, size, 0), new_shape)


def trim_zeros(filt, trim="fb", axis=None):
    """Trim leading ('f') and/or trailing ('b') zeros; needs a concrete input (the output
    size depends on its values)."""
    x = asarray(filt)
    value = np.asarray(core.concrete_or_error(x, "the filt argument of jnp.trim_zeros()"))
    axes = set(canonical_axes(axis, x.ndim))
    trim = trim.lower()
    if not axes or ("f" not in trim and "b" not in trim):
        return x
    index = []
    for ax in range(x.ndim):
        if ax not in axes:
            index.append(slice(None))
            continue
        mask = value.any(axis=tuple(i for i in range(x.ndim) if i != ax)) if x.ndim > 1 \
            else value != 0
        if not mask.any():
            index.append(slice(0, 0))
            continue
        start = int(mask.argmax()) if "f" in trim else None
        stop = x.shape[ax] - int(mask[::-1].argmax()) if "b" in trim else None
        index.append(slice(start, stop))
    return getitem(x, tuple(index))


# ---- block -----------------------------------------------------------------------------------
def block(arrays):
    """Assemble an array from nested lists of blocks (like `np.block`)."""

    def depth(x):
        if isinstance(x, tuple):
            raise TypeError("jnp.block: tuples are not allowed, use lists")
        if isinstance(x, list):
            if not x:
                raise ValueError("jnp.block: lists cannot be empty")
            depths = {depth(e) for e in x}
            if len(depths) != 1:
                raise ValueError("jnp.block: list depths are mismatched")
            return depths.pop() + 1
        return 0

    list_depth = depth(arrays)

    def leaves(x):
        return [v for e in x for v in leaves(e)] if isinstance(x, list) else [asarray(x)]

    result_ndim = builtins.max([list_depth] + [v.ndim for v in leaves(arrays)])

    def assemble(x, level):
        if level == list_depth:
            v = asarray(x)
            return v.reshape((1,) * (result_ndim - v.ndim) + tuple(v.shape)) \
                if v.ndim < result_ndim else v
        parts = [assemble(e, level + 1) for e in x]
        return concatenate(parts, axis=-(list_depth - level))

    return assemble(arrays, 0)
