"""Indexing: `x[...]`, `x.at[...]`, take, take_along_axis, nonzero, diagonal."""
import builtins
import operator
from collections.abc import Sequence

import numpy as np

from .. import core, dtypes
from ..core import Tracer
from ..array import Array
from ..errors import NonConcreteBooleanIndexError
from ..prims.index import gather_p, scatter_p, in_bounds_mask, spec_array_axes
from ..conversion import asarray, convert, extended_dispatch
from ..prims.shape import reshape_p, slice_p, squeeze_p, rev_p, broadcast_in_dim_p
from ..prims.cumulative import cumsum_p
from .. import lax as lax_modules  # control_flow loads at first use (PEP 562)
from ..lax.lax import gt, select, reduce_max
from ..lax import utils as lax_utils
from .shapes import ravel, stack, moveaxis
from .ufuncs import (less, logical_and, greater_equal, remainder, clip, where, not_equal,
                     negative, divide, power, multiply)
from .reductions import sum


_LIST_INDEX_MESSAGE = (
    "Using a non-tuple sequence for multidimensional indexing is not allowed; use "
    "`arr[{}]` instead of `arr[seq]`. See https://github.com/jax-ml/jax/issues/4564 for more "
    "information.")


def _reject_list_index(index):
    """JAX raises TypeError for every non-tuple sequence used as an index (NumPy guesses
    whether `x[[0, 1]]` means `x[(0, 1)]` or `x[array([0, 1])]`)."""
    t = type(index)
    if t is tuple or t is int or t is slice:  # the usual indices, decided without ABC checks
        return
    if t is list or t is range or (isinstance(index, Sequence) and not isinstance(index, str)
                                   and not isinstance(index, tuple)):
        multidim = builtins.any(isinstance(i, (Sequence, slice)) or i is None or i is Ellipsis
                                or (isinstance(i, (Array, Tracer, np.ndarray)) and np.ndim(i))
                                for i in index)
        raise TypeError(_LIST_INDEX_MESSAGE.format("tuple(seq)" if multidim else "array(seq)"))


def _normalize_index(index, shape, out_of_bounds="clamp", wrap_negative=True):
    """Split a user index into (static spec, dynamic index arrays).

    A static int beyond its axis clamps to the axis' end when `out_of_bounds` is "clamp"
    (reads, and writes in mode='clip', as JAX's gather does); with "array" it becomes a 0-d
    index array, which scatter drops and `get(mode='fill')` fills. With `wrap_negative`
    False (JAX's `wrap_negative_indices=False` of `x.at[...]`) a negative int or array
    element does not count from the end: it is out of bounds below 0 (slices keep Python's
    meaning)."""
    _reject_list_index(index)
    if not isinstance(index, tuple):
        index = (index,)
    spec, arrays = [], []
    consumed = builtins.sum(1 for i in index if i is not None and i is not Ellipsis
                            and not _is_bool_mask(i)) + builtins.sum(
        np.ndim(i) for i in index if _is_bool_mask(i))
    if builtins.sum(1 for i in index if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > len(shape):
        raise IndexError(f"too many indices for array: array is {len(shape)}-dimensional, but "
                         f"{consumed} were indexed")
    axis = 0
    for item in index:
        if item is None:
            spec.append(("none",))
        elif item is Ellipsis:
            spec.append(("ellipsis",))
            axis += len(shape) - consumed
        elif isinstance(item, slice):
            parts = [_static_slice_part(p) for p in (item.start, item.stop, item.step)]
            spec.append(("slice",) + tuple(parts))
            axis += 1
        elif isinstance(item, (bool, np.bool_)):
            raise IndexError("indexing with a Python bool is not supported; use a boolean array")
        elif isinstance(item, (int, np.integer)):
            n = shape[axis]
            i = int(item)
            if n == 0:
                raise IndexError(f"index {i} is out of bounds for axis {axis} with size 0")
            if not wrap_negative and i < 0:
                i = -n - 1  # below the axis whichever way it is read
            if -n <= i < n:
                spec.append(("int", i % n))
            elif out_of_bounds == "clamp":
                spec.append(("int", n - 1 if i >= n else 0))
            else:
                spec.append(("array",))
                arrays.append(Array(np.asarray(i, dtypes.default_int_dtype()), False))
            axis += 1
        elif isinstance(item, str):
            raise TypeError(f"JAX does not support string indexing; got idx={item!r}")
        elif _is_bool_mask(item):
            for idx in _mask_to_indices(item):
                spec.append(("array",))
                arrays.append(idx)
                axis += 1
        else:
            if isinstance(item, (Array, Tracer)):
                arr = item
            elif isinstance(item, (list, tuple)) and not len(item):
                arr = Array(np.zeros(0, dtypes.default_int_dtype()), False)
            else:
                arr = asarray(item)
            if arr.dtype.kind not in "iu":
                kind = (np.float64 if isinstance(item, float) else
                        np.result_type(item) if isinstance(item, (np.ndarray, np.generic))
                        else arr.dtype)
                raise TypeError(f"Indexer must have integer or boolean type, got indexer with "
                                f"type {np.dtype(kind).name}")
            if not wrap_negative and arr.dtype.kind == "i":
                # -n - 1 wraps to -1: still below the axis, so clamped, filled or dropped
                arr = where(less(arr, 0), convert(-shape[axis] - 1, arr.dtype, True), arr)
            spec.append(("array",))
            arrays.append(arr)
            axis += 1
    return tuple(spec), arrays


def _static_slice_part(p):
    if p is None:
        return None
    if isinstance(p, Tracer):
        p = core.concrete_or_error(p, "a slice bound (use lax.dynamic_slice for traced starts)")
    return operator.index(p)  # a float bound is a TypeError, as in Python and JAX


def _is_bool_mask(item):
    if isinstance(item, (bool, np.bool_)):
        return False
    if isinstance(item, (list, tuple)):
        a = np.asarray(item)
        return a.dtype == np.bool_ and a.ndim > 0
    return getattr(item, "dtype", None) == np.bool_ and np.ndim(item) > 0


def _mask_to_indices(mask):
    if isinstance(mask, Tracer) and mask.to_concrete_value() is None:
        raise NonConcreteBooleanIndexError(
            f"Array boolean indices must be concrete; got {mask!r}.\nThe shape of x[mask] "
            "depends on the values in mask, which are unknown inside jit/vmap. Use "
            "jnp.where(mask, x, fill) to keep the shape, or jnp.nonzero(mask, size=N) to get a "
            "fixed number of indices.")
    value = np.asarray(mask.to_concrete_value() if isinstance(mask, Tracer) else mask)
    return [Array(i.astype(dtypes.default_int_dtype()), False) for i in np.nonzero(value)]


def getitem(x, index, wrap_negative=True):
    x = asarray(x)
    if isinstance(index, (Array, Tracer)) and index.dtype.kind in "iu" and index.ndim == 0 \
            and x.ndim > 0 and not isinstance(index, Tracer):
        index = int(index)
    spec, arrays = _normalize_index(index, x.shape, wrap_negative=wrap_negative)
    if not arrays and builtins.all(item[0] == "slice" and item[1:] == (None, None, None)
                                   for item in spec):
        return x
    if not arrays and core.current_trace() is not core.eval_trace:
        return _static_take(x, spec)
    return gather_p.bind(x, *arrays, index_spec=spec)


def _static_take(x, spec):
    """A static basic index under a transformation, staged as JAX stages it: one `slice`
    (strides=None when all are 1; omitted when it keeps everything), `rev` for negative
    steps, `squeeze` for the integer indices, `broadcast_in_dim` for the `None`s. (Eager
    indexing keeps the single gather, one NumPy index.)"""
    shape = x.shape
    starts, limits, strides, rev, squeezed, kept = [], [], [], [], [], []
    axis = 0
    for item in spec:
        kind = item[0]
        if kind == "ellipsis":
            for _ in range(len(shape) - builtins.sum(i[0] in ("int", "slice") for i in spec)):
                starts.append(0), limits.append(shape[axis]), strides.append(1)
                kept.append(len(starts) - 1)
                axis += 1
        elif kind == "none":
            kept.append(None)
        elif kind == "int":
            starts.append(item[1]), limits.append(item[1] + 1), strides.append(1)
            squeezed.append(axis)
            axis += 1
        else:
            a, b, s = slice(*item[1:]).indices(shape[axis])
            n = len(range(a, b, s))
            if s > 0:
                starts.append(a), limits.append(max(a, b) if n else a), strides.append(s)
            else:
                low = a + (n - 1) * s if n else 0
                starts.append(low), limits.append(a + 1 if n else 0), strides.append(-s)
                if n:
                    rev.append(axis)
            kept.append(len(starts) - 1)
            axis += 1
    for _ in range(axis, len(shape)):
        starts.append(0), limits.append(shape[axis]), strides.append(1)
        kept.append(axis)
        axis += 1
    out = x
    if starts != [0] * len(shape) or limits != list(shape) or strides != [1] * len(shape):
        out = slice_p.bind(out, start_indices=tuple(starts), limit_indices=tuple(limits),
                           strides=None if builtins.all(s == 1 for s in strides) else tuple(strides))
    if rev:
        out = rev_p.bind(out, dimensions=tuple(rev))
    if squeezed:
        out = squeeze_p.bind(out, dimensions=tuple(squeezed))
    if None in kept:
        dims = [i for i, k in enumerate(kept) if k is not None]
        new_shape = tuple(1 if k is None else out.shape[j] for j, k in
                          zip(_positions(kept), kept))
        out = broadcast_in_dim_p.bind(out, shape=new_shape, broadcast_dimensions=tuple(dims))
    return out


def _positions(kept):
    j = 0
    for k in kept:
        yield j
        if k is not None:
            j += 1


class _IndexUpdateHelper:
    """`x.at`: indexes into a `_IndexUpdateRef` for functional updates."""
    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return _IndexUpdateRef(self.array, index)

    def __repr__(self):
        return f"_IndexUpdateHelper({self.array!r})"


class _IndexUpdateRef:
    """`x.at[index]`: `.set`, `.add`, `.multiply`, `.divide`, `.power`, `.min`, `.max`, `.apply`, `.get`."""
    __slots__ = ("array", "index")

    def __init__(self, array, index):
        self.array = array
        self.index = index

    def _index(self, x, mode, wrap=True):
        """(spec, index arrays) for `mode`: clip clamps every index into bounds; otherwise
        out-of-bounds static ints become index arrays that scatter drops. `wrap` False:
        negative indices are out of bounds (JAX's wrap_negative_indices=False)."""
        if mode != "clip":
            return _normalize_index(self.index, x.shape, out_of_bounds="array",
                                    wrap_negative=wrap)
        spec, arrays = _normalize_index(self.index, x.shape, out_of_bounds="clamp",
                                        wrap_negative=wrap)
        axes = spec_array_axes(spec, x.shape)
        clipped = []
        for a, axis in zip(arrays, axes):
            n = x.shape[axis]
            # Negative indices count from the end first, as in JAX: -1 is n - 1, -7 clips to 0.
            clipped.append(remainder(clip(a, -n, n - 1), n) if n else a)
        return spec, clipped

    def _scatter(self, values, kind, mode=None, wrap=True):
        x = asarray(self.array)
        spec, arrays = self._index(x, _gather_scatter_mode(mode), wrap)
        promoted, weak = dtypes.result_type_and_weak(x, values)
        if promoted == x.dtype or kind == "set":
            updates = convert(values, x.dtype)
            return scatter_p.bind(x, updates, *arrays, index_spec=spec, mode=kind)
        # As JAX: combine in the promoted dtype, then cast back (bools.at[i].add(-1) is
        # True + -1 = 0, False; .max(-1) of False is max(0, -1) = 0, False).
        out = scatter_p.bind(convert(x, promoted, weak), convert(values, promoted, weak),
                             *arrays, index_spec=spec, mode=kind)
        return convert(out, x.dtype, x.weak_type)

    def set(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        return self._scatter(values, "set", mode, wrap_negative_indices)

    def add(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        return self._scatter(values, "add", mode, wrap_negative_indices)

    def subtract(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        return self._scatter(negative(asarray(values)), "add", mode, wrap_negative_indices)

    def multiply(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        x = asarray(self.array)
        promoted, weak = dtypes.result_type_and_weak(x, values)
        if promoted == np.bool_:  # as JAX's scatter_mul (lax.mul takes no bools)
            raise TypeError("mul does not accept dtype bool at position 0. Accepted dtypes at "
                            "position 0 are subtypes of integer, floating, complexfloating.")
        if promoted != x.dtype:  # as JAX: multiplied in the promoted dtype, cast back
            return self._scatter(values, "multiply", mode, wrap_negative_indices)
        if unique_indices or not self._index(x, _gather_scatter_mode(mode),
                                             wrap_negative_indices)[1]:
            # Each element is hit at most once (static ints and slices never repeat): the
            # product set in place, the same numbers as scatter-multiply, differentiable
            # with respect to the updates too, as JAX's scatter_mul is for unique indices.
            wrap = wrap_negative_indices
            product = multiply(self.get(mode=mode, wrap_negative_indices=wrap),
                               convert(values, x.dtype))
            return self.set(product, mode=mode, wrap_negative_indices=wrap)
        return self._scatter(values, "multiply", mode, wrap_negative_indices)

    mul = multiply

    def divide(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        wrap = wrap_negative_indices
        return self.set(divide(self.get(mode=mode, wrap_negative_indices=wrap), values),
                        mode=mode, wrap_negative_indices=wrap)

    def power(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        wrap = wrap_negative_indices
        return self.set(power(self.get(mode=mode, wrap_negative_indices=wrap), values),
                        mode=mode, wrap_negative_indices=wrap)

    def min(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        return self._scatter(values, "min", mode, wrap_negative_indices)

    def max(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        return self._scatter(values, "max", mode, wrap_negative_indices)

    def apply(self, func, *, indices_are_sorted=False, unique_indices=False, mode=None,
              wrap_negative_indices=True):
        """Apply `func` to the indexed elements, once per hit (repeated indices apply it
        repeatedly, as JAX's scatter does)."""
        x = asarray(self.array)
        spec, arrays = self._index(x, _gather_scatter_mode(mode), wrap_negative_indices)
        count_dtype = dtypes.default_int_dtype()
        hits = scatter_p.bind(Array(np.zeros(x.shape, count_dtype), False),
                              Array(np.ones((), count_dtype), False), *arrays,
                              index_spec=spec, mode="add")
        most = reduce_max(hits, tuple(range(x.ndim))) if x.ndim else hits
        if isinstance(most, Tracer) and most.to_concrete_value() is None:
            return lax_modules.control_flow.fori_loop(
                0, most, lambda k, out: select(gt(hits, k), asarray(func(out)), out), x)
        out = x
        for k in range(int(np.asarray(most.to_concrete_value() if isinstance(most, Tracer)
                                      else most))):
            out = select(gt(hits, k), asarray(func(out)), out)
        return out

    def get(self, *, indices_are_sorted=False, unique_indices=False, mode=None, fill_value=None,
            out_sharding=None, wrap_negative_indices=True):
        """`x[index]`; out-of-bounds indices clamp, or with mode='fill' (or 'drop') read
        `fill_value` (NaN for inexact dtypes, the most negative int, the largest unsigned
        int, True for bool), as in JAX."""
        mode = _gather_scatter_mode(mode)
        if mode == "one_hot":
            raise ValueError("mode='one_hot' applies to scatters (x.at[...].set/add), not "
                             "to x.at[...].get")
        if mode != "fill":
            return getitem(self.array, self.index, wrap_negative_indices)
        x = asarray(self.array)
        spec, arrays = _normalize_index(self.index, x.shape, out_of_bounds="array",
                                        wrap_negative=wrap_negative_indices)
        out = gather_p.bind(x, *arrays, index_spec=spec)
        if not arrays:
            return out
        fill = _default_fill(out.dtype) if fill_value is None else fill_value
        return where(in_bounds_mask(arrays, spec, x.shape), out,
                     convert(fill, out.dtype, out.weak_type))


_MODE_NAMES = {"CLIP": "clip", "FILL_OR_DROP": "fill", "PROMISE_IN_BOUNDS": "promise_in_bounds",
               "ONE_HOT": "one_hot"}


def _gather_scatter_mode(mode):
    """JAX's GatherScatterMode.from_any, as a name: None (the default: reads clamp, writes
    drop), 'clip', 'fill' ('drop' is its other name), 'promise_in_bounds', 'one_hot'."""
    if mode is None:
        return None
    name = getattr(mode, "name", None)  # lax.GatherScatterMode, by name (lax loads lazily)
    if name in _MODE_NAMES and not isinstance(mode, str):
        return _MODE_NAMES[name]
    if mode == "drop":
        return "fill"
    if mode in ("clip", "fill", "promise_in_bounds", "one_hot"):
        return mode
    raise ValueError(f'Unknown gather mode "{mode}"')


def _default_fill(dtype):
    """JAX's fill for out-of-bounds reads: NaN, the most negative int, the largest uint, True."""
    if dtypes.is_inexact(dtype):
        return np.nan
    if dtype == np.bool_:
        return True
    info = np.iinfo(dtype)
    # A NumPy scalar of the dtype: a Python int above int32's range (uint32's max) would
    # be checked against the default int on the way in.
    return dtype.type(info.min if dtype.kind == "i" else info.max)


def _indices_for_mode(idx, n, mode):
    """(indices to gather, in-bounds mask or None) for take's `mode`."""
    if mode is None or mode == "fill":
        in_bounds = logical_and(greater_equal(idx, -n), less(idx, n))
        return idx, in_bounds
    if mode == "clip":  # negative indices clip to 0: they do not wrap
        return clip(idx, 0, n - 1), None
    if mode == "wrap":
        return remainder(idx, n), None
    if mode == "promise_in_bounds":
        return idx, None
    raise ValueError(f"Invalid mode {mode!r} for take: use 'fill', 'clip', 'wrap' or "
                     "'promise_in_bounds'")


def _fill_out_of_bounds(out, in_bounds, mask_shape, fill_value):
    if in_bounds is None:
        return out
    fill = _default_fill(out.dtype) if fill_value is None else fill_value
    mask = reshape_p.bind(in_bounds, new_sizes=tuple(mask_shape))
    return where(mask, out, convert(fill, out.dtype, out.weak_type))


@extended_dispatch
def take(a, indices, axis=None, out=None, mode=None, unique_indices=False,
         indices_are_sorted=False, fill_value=None):
    """Elements of `a` at `indices` along `axis`; out-of-bounds reads give NaN (or the
    dtype's fill) unless mode is 'clip' or 'wrap', as in JAX."""
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    axis = lax_utils.normalize_axis(axis, x.ndim)
    indices = asarray(indices)
    if not dtypes.is_integer(indices.dtype):
        raise ValueError(f"take: indices must have an integer type, got {indices.dtype.name}")
    if x.shape[axis] == 0 and indices.size:
        raise IndexError("Cannot do a non-empty jnp.take() from an empty axis.")
    idx, in_bounds = _indices_for_mode(indices, x.shape[axis], mode)
    index = (slice(None),) * axis + (idx,)
    mask_shape = (1,) * axis + tuple(idx.shape) + (1,) * (x.ndim - axis - 1)
    return _fill_out_of_bounds(getitem(x, index), in_bounds, mask_shape, fill_value)


def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    x = asarray(arr)
    idx = asarray(indices)
    if axis is None:
        x, idx, axis = ravel(x), ravel(idx), 0
    axis = axis % x.ndim
    if idx.ndim != x.ndim:
        raise ValueError(f"take_along_axis: indices (shape {idx.shape}) and arr (shape "
                         f"{x.shape}) must have the same number of dimensions")
    for i, (n, m) in enumerate(zip(idx.shape, x.shape)):
        if i != axis and n != m and 1 not in (n, m):
            shapes = [tuple(1 if j == axis else d for j, d in enumerate(s))
                      for s in (idx.shape, x.shape)]
            raise ValueError(f"take_along_axis: incompatible shapes for broadcasting: "
                             f"shapes={shapes} (indices {tuple(idx.shape)}, arr "
                             f"{tuple(x.shape)}, axis {axis})")
    idx, in_bounds = _indices_for_mode(idx, x.shape[axis], mode)
    index = []
    for i in range(x.ndim):
        if i == axis:
            index.append(idx)
        else:
            shape = [1] * x.ndim
            shape[i] = x.shape[i]
            index.append(Array(np.arange(x.shape[i]).reshape(shape).astype(
                dtypes.default_int_dtype()), False))
    return _fill_out_of_bounds(getitem(x, tuple(index)), in_bounds, idx.shape, fill_value)


def nonzero(a, *, size=None, fill_value=None):
    """Indices of non-zero elements; inside jit pass `size=` for a static result shape."""
    x = asarray(a)
    if size is None:
        if isinstance(x, Tracer) and x.to_concrete_value() is None:
            raise core.ConcretizationTypeError(
                "jnp.nonzero / jnp.where(condition) / argwhere need a static output size inside "
                "transformations: pass size=N (and optionally fill_value=...).")
        value = np.asarray(x.to_concrete_value() if isinstance(x, Tracer) else x)
        return tuple(Array(i.astype(dtypes.default_int_dtype()), False) for i in np.nonzero(value))
    mask = ravel(not_equal(x, 0))
    n = x.size
    positions = Array(np.arange(n, dtype=dtypes.default_int_dtype()), False)
    # Rank of each true element among the trues; scatter its position there.
    ranks = cumsum_p.bind(convert(mask, dtypes.default_int_dtype()), axis=0, reverse=False)
    target = where(mask, ranks - 1, size)
    fill = 0 if fill_value is None else fill_value
    flat = Array(np.full(size, 0, dtypes.default_int_dtype()), False)
    flat = flat.at[target].set(positions, mode="drop")
    count = sum(mask)
    valid = Array(np.arange(size, dtype=dtypes.default_int_dtype()), False) < count
    coords = []
    rest = flat
    for dim in reversed(x.shape):
        coords.append(rest % dim)
        rest = rest // dim
    coords.reverse()
    return tuple(where(valid, c, fill if not isinstance(fill, tuple) else f)
                 for c, f in zip(coords, fill if isinstance(fill, tuple) else [fill] * len(coords)))


def argwhere(a, *, size=None, fill_value=None):
    coords = nonzero(a, size=size, fill_value=fill_value)
    return stack(coords, axis=1) if coords else asarray(np.zeros((0, 0), np.int32))


def flatnonzero(a, *, size=None, fill_value=None):
    return nonzero(ravel(a), size=size, fill_value=fill_value)[0]


def diagonal(a, offset=0, axis1=0, axis2=1):
    x = asarray(a)
    axis1, axis2 = axis1 % x.ndim, axis2 % x.ndim
    n, m = x.shape[axis1], x.shape[axis2]
    k = builtins.max(0, builtins.min(n - builtins.max(0, -offset), m - builtins.max(0, offset)))
    rows = np.arange(k) + builtins.max(0, -offset)
    cols = np.arange(k) + builtins.max(0, offset)
    x = moveaxis(x, (axis1, axis2), (-2, -1))
    index = (Ellipsis, Array(rows.astype(np.int32), False), Array(cols.astype(np.int32), False))
    return getitem(x, index)


def diag(v, k=0):
    x = asarray(v)
    if x.ndim == 1:
        n = x.shape[0] + builtins.abs(k)
        rows = np.arange(x.shape[0]) + builtins.max(0, -k)
        cols = np.arange(x.shape[0]) + builtins.max(0, k)
        zeros = Array(np.zeros((n, n), x.dtype), False)
        return zeros.at[Array(rows.astype(np.int32), False),
                        Array(cols.astype(np.int32), False)].set(x)
    if x.ndim == 2:
        return diagonal(x, k)
    raise ValueError("diag input must be 1d or 2d")


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    return sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)
