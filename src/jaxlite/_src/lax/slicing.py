"""XLA's general gather and scatter (jax.lax.gather, scatter, scatter_add, ...) with
GatherDimensionNumbers / ScatterDimensionNumbers / GatherScatterMode, and index_take.

Every form is expressed with the NumPy-style gather/scatter primitives of prims/index.py,
so differentiation, vmap and jit come from their rules. The translation: the operand's
dimensions are reordered so that the indexed ones come first (those in the start index map,
and operand batching dimensions); each indexed dimension d gets an integer index array of
shape `batch + (one axis per indexed dimension)`, holding

  start[..., k] + arange(slice_sizes[d])   if d is start_index_map[k] (start clamped or checked),
  arange(batch size)                       if d is an operand batching dimension,

and every other dimension a basic slice [0:slice_sizes[d]]. The result has shape
`batch + windows of the indexed dims + windows of the sliced dims`; gather then drops the
collapsed dimensions and moves the slice dimensions to `offset_dims`. Scatter lays the
updates out the same way. Out-of-bounds windows follow the mode: CLIP (and
PROMISE_IN_BOUNDS for gather) clamps the window start into bounds; FILL_OR_DROP fills whole
windows with `fill_value` when reading and drops whole windows when writing, as XLA does.
"""
import builtins
import enum
from typing import NamedTuple, Sequence

import numpy as np

from .. import core, dtypes
from ..conversion import asarray, convert
from ..prims import index as ix, elementwise as ew
from .control_flow import fori_loop
from .lax import (_adopting, lt, broadcast_in_dim, concatenate, convert_element_type, expand_dims,
                  neg, reduce_max, reshape, slice_in_dim, squeeze, transpose)

# Index arithmetic mixes Python ints with the index arrays' dtype.
add, bitwise_and, clamp, ge, gt, le, rem, select = (
    _adopting.add, _adopting.bitwise_and, _adopting.clamp, _adopting.ge, _adopting.gt, _adopting.le,
    _adopting.rem, _adopting.select)

__all__ = ["GatherDimensionNumbers", "ScatterDimensionNumbers", "GatherScatterMode", "gather",
           "scatter", "scatter_add", "scatter_sub", "scatter_mul", "scatter_min", "scatter_max",
           "scatter_apply", "index_take", "dynamic_slice", "dynamic_update_slice",
           "dynamic_slice_in_dim", "dynamic_index_in_dim", "dynamic_update_slice_in_dim",
           "dynamic_update_index_in_dim"]


class GatherScatterMode(enum.Enum):
    """How gather and scatter treat indices out of bounds (see the module docstring).

    >>> lax.GatherScatterMode.from_any("clip")
    <GatherScatterMode.CLIP: 1>
    """
    CLIP = 1
    FILL_OR_DROP = 2
    PROMISE_IN_BOUNDS = 3
    ONE_HOT = 4

    @staticmethod
    def from_any(s):
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s == "fill" or s == "drop":
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        if s == "one_hot":
            return GatherScatterMode.ONE_HOT
        raise ValueError(f'Unknown gather mode "{s}"')


class GatherDimensionNumbers(NamedTuple):
    """XLA's gather dimension numbers (the index vector is the last axis of the indices)."""
    offset_dims: tuple
    collapsed_slice_dims: tuple
    start_index_map: tuple
    operand_batching_dims: tuple = ()
    start_indices_batching_dims: tuple = ()


class ScatterDimensionNumbers(NamedTuple):
    """XLA's scatter dimension numbers (the index vector is the last axis of the indices)."""
    update_window_dims: Sequence[int]
    inserted_window_dims: Sequence[int]
    scatter_dims_to_operand_dims: Sequence[int]
    operand_batching_dims: Sequence[int] = ()
    scatter_indices_batching_dims: Sequence[int] = ()


def _int_indices(indices, what):
    idx = asarray(indices)
    if idx.dtype.kind not in "iu":
        raise ValueError(f"{what}: indices must have an integer type, got {idx.dtype}")
    if idx.ndim == 0:
        raise TypeError(f"{what}: indices must have rank >= 1 (the last axis is the index "
                        "vector)")
    return convert(idx, dtypes.default_int_dtype()) if idx.dtype.itemsize < 4 else idx


def _component(idx, k):
    """idx[..., k] (shape: the batch dimensions of the indices)."""
    return squeeze(slice_in_dim(idx, k, k + 1, axis=idx.ndim - 1), (idx.ndim - 1,))


class _Plan:
    """How to index an operand for windows at the given start indices (see the module
    docstring): `order` (operand dims, indexed first), `spec` and `arrays` for the index
    primitives on the reordered operand, `ok` (in-bounds mask of each window, or None), and
    the result's dimension labels: ("batch", j) then the operand dims in `order`."""

    def __init__(self, operand_shape, idx, window, start_map, operand_batching,
                 indices_batching, clip):
        batch = tuple(idx.shape[:-1])
        nb, rank = len(batch), len(operand_shape)
        indexed = [d for d in range(rank) if d in start_map or d in operand_batching]
        if not indexed and nb and rank:  # windows at no index: index one dim to get batch dims
            indexed = [0]
        sliced = [d for d in range(rank) if d not in indexed]
        na = len(indexed)
        index_dtype = idx.dtype
        arrays, ok = [], None
        for slot, d in enumerate(indexed):
            shape = [1] * (nb + na)
            if d in start_map:
                start = _component(idx, start_map.index(d))
                limit = operand_shape[d] - window[d]
                if not clip:
                    inside = bitwise_and(ge(start, 0), le(start, limit))
                    ok = inside if ok is None else bitwise_and(ok, inside)
                start = clamp(np.array(0, index_dtype), start,
                              np.array(max(limit, 0), index_dtype))
                start = reshape(start, batch + (1,) * na)
                shape[nb + slot] = window[d]
                arrays.append(add(start, np.arange(window[d], dtype=index_dtype).reshape(shape)))
            elif d in operand_batching:
                j = indices_batching[operand_batching.index(d)]
                shape[j] = batch[j]
                arrays.append(np.arange(batch[j], dtype=index_dtype).reshape(shape))
            else:
                shape[nb + slot] = window[d]
                arrays.append(np.arange(window[d], dtype=index_dtype).reshape(shape))
        full = batch + tuple(window[d] for d in indexed)
        if arrays and tuple(np.broadcast_shapes(*[np.shape(a) for a in arrays])) != full:
            first = arrays[0]  # some batch dims index nothing: give them to one array
            arrays[0] = (np.broadcast_to(first, full) if isinstance(first, np.ndarray) else
                         broadcast_in_dim(first, full, tuple(range(len(full)))))
        self.batch, self.order, self.arrays, self.ok = batch, indexed + sliced, arrays, ok
        self.spec = (("array",),) * na + tuple(("slice", 0, window[d], None) for d in sliced)
        self.labels = [("batch", j) for j in range(nb)] + self.order
        self.shape = full + tuple(window[d] for d in sliced)

    def reorder(self, x):
        return x if self.order == sorted(self.order) else transpose(x, self.order)


def _check_batching(what, operand_shape, idx, operand_batching, indices_batching):
    if len(operand_batching) != len(indices_batching):
        raise TypeError(f"{what}: operand batching dims {operand_batching} and indices batching "
                        f"dims {indices_batching} must have the same length")
    for d, j in zip(operand_batching, indices_batching):
        if j == idx.ndim - 1 or not 0 <= j < idx.ndim:
            raise TypeError(f"{what}: invalid indices batching dim {j}")
        if operand_shape[d] != idx.shape[j]:
            raise TypeError(f"{what}: operand batching dim {d} (size {operand_shape[d]}) and "
                            f"indices batching dim {j} (size {idx.shape[j]}) must match")


def _default_fill(dtype):
    if dtypes.is_inexact(dtype):
        return np.nan
    if dtype == np.bool_:
        return True
    info = np.iinfo(dtype)
    return info.min if dtype.kind == "i" else info.max


def gather(operand, start_indices, dimension_numbers, slice_sizes, *, unique_indices=False,
           indices_are_sorted=False, mode=None, fill_value=None):
    """XLA's Gather: slices of `operand` of size `slice_sizes` starting at each index vector
    (the last axis of `start_indices`). `mode` defaults to PROMISE_IN_BOUNDS, which (like
    CLIP) clamps each window into bounds; FILL_OR_DROP fills out-of-bounds windows.

    >>> dn = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,),
    ...                                 start_index_map=(0,))
    >>> lax.gather(jnp.arange(12.).reshape(4, 3), jnp.array([[2], [0]]), dn, (1, 3))
    Array([[6., 7., 8.],
           [0., 1., 2.]], dtype=float32)
    """
    x = asarray(operand)
    idx = _int_indices(start_indices, "gather")
    dn = dimension_numbers
    mode = GatherScatterMode.from_any(
        GatherScatterMode.PROMISE_IN_BOUNDS if mode is None else mode)
    if mode == GatherScatterMode.ONE_HOT:
        raise NotImplementedError("lax.gather: GatherScatterMode.ONE_HOT is not supported")
    window = tuple(int(s) for s in slice_sizes)
    offset_dims, collapsed = tuple(dn.offset_dims), tuple(dn.collapsed_slice_dims)
    start_map = tuple(dn.start_index_map)
    operand_batching = tuple(dn.operand_batching_dims)
    indices_batching = tuple(dn.start_indices_batching_dims)
    if len(window) != x.ndim:
        raise TypeError(f"gather: slice_sizes {window} must have one entry per operand "
                        f"dimension (operand shape {x.shape})")
    for d, (s, n) in enumerate(zip(window, x.shape)):
        if not 0 <= s <= n:
            raise TypeError(f"gather: slice size {s} of dimension {d} must be between 0 and "
                            f"the operand's size {n}")
    for d in collapsed + operand_batching:
        if window[d] > 1:
            raise TypeError(f"Gather op can only collapse slice dims with bound 1, but bound "
                            f"is {window[d]} for index {d}")
    if len(start_map) != idx.shape[-1]:
        raise TypeError(f"gather: start_index_map {start_map} must have one entry per "
                        f"component of the index vector (indices shape {idx.shape})")
    _check_batching("gather", x.shape, idx, operand_batching, indices_batching)
    kept = [d for d in range(x.ndim) if d not in collapsed and d not in operand_batching]
    batch = tuple(idx.shape[:-1])
    if len(offset_dims) != len(kept) or list(offset_dims) != sorted(offset_dims):
        raise TypeError(f"gather: offset_dims {offset_dims} must be sorted and name one output "
                        f"dimension per uncollapsed slice dimension ({len(kept)})")
    clip = mode != GatherScatterMode.FILL_OR_DROP
    plan = _Plan(x.shape, idx, window, start_map, operand_batching, indices_batching, clip)
    out = ix.gather_p.bind(plan.reorder(x), *plan.arrays, index_spec=plan.spec)
    if plan.ok is not None:
        fill = _default_fill(x.dtype) if fill_value is None else fill_value
        mask = broadcast_in_dim(plan.ok, plan.shape, tuple(range(len(batch))))
        fill = np.full((), fill, x.dtype) if not isinstance(fill, core.Tracer) else \
            convert(fill, x.dtype)
        out = ew.select_n_p.bind(mask, broadcast_in_dim(fill, plan.shape, ()), out)
    # Drop the collapsed (size-1) dims, then put the slice dims at offset_dims and the batch
    # dims (in order) everywhere else.
    labels = [l for l in plan.labels if not isinstance(l, int) or l in kept]
    out = reshape(out, tuple(window[l] if isinstance(l, int) else batch[l[1]] for l in labels))
    batch_labels = iter(("batch", j) for j in range(len(batch)))
    wanted = [kept[offset_dims.index(p)] if p in offset_dims else next(batch_labels)
              for p in range(len(labels))]
    perm = [labels.index(l) for l in wanted]
    return transpose(out, perm) if perm != list(range(len(perm))) else out


def _scatter(name, operand, scatter_indices, updates, dimension_numbers, mode, combine):
    """The common part of scatter*: lay the updates out as batch + window and bind scatter_p
    with `combine` ("set", "add", "multiply", "min", "max")."""
    x = asarray(operand)
    idx = _int_indices(scatter_indices, name)
    u = convert(updates, x.dtype) if type(updates) in (int, float, bool, complex) \
        else asarray(updates)
    if u.dtype != x.dtype:
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got "
                        f"{x.dtype}, {u.dtype}.")
    dn = dimension_numbers
    window_dims = tuple(dn.update_window_dims)
    inserted = tuple(dn.inserted_window_dims)
    start_map = tuple(dn.scatter_dims_to_operand_dims)
    operand_batching = tuple(dn.operand_batching_dims)
    indices_batching = tuple(dn.scatter_indices_batching_dims)
    mode = GatherScatterMode.from_any(mode)
    if mode == GatherScatterMode.ONE_HOT:
        raise NotImplementedError(f"lax.{name}: GatherScatterMode.ONE_HOT is not supported")
    batch = tuple(idx.shape[:-1])
    if len(start_map) != idx.shape[-1]:
        raise TypeError(f"{name}: scatter_dims_to_operand_dims {start_map} must have one entry "
                        f"per component of the index vector (indices shape {idx.shape})")
    _check_batching(name, x.shape, idx, operand_batching, indices_batching)
    kept = [d for d in range(x.ndim) if d not in inserted and d not in operand_batching]
    scatter_dims = [d for d in range(u.ndim) if d not in window_dims]
    if len(window_dims) != len(kept) or u.ndim != len(window_dims) + len(batch) or \
            tuple(u.shape[d] for d in scatter_dims) != batch:
        raise TypeError(f"{name}: updates of shape {u.shape} do not match the indices (batch "
                        f"shape {batch}) and update_window_dims {window_dims} for an operand "
                        f"of shape {x.shape}")
    window = [1] * x.ndim
    for d, w in zip(kept, window_dims):
        window[d] = u.shape[w]
        if window[d] > x.shape[d]:
            raise TypeError(f"{name}: update window of size {window[d]} along operand dimension "
                            f"{d} exceeds its size {x.shape[d]}")
    perm = scatter_dims + list(window_dims)
    if perm != list(range(u.ndim)):
        u = transpose(u, perm)
    u = reshape(u, batch + tuple(window))  # batch + one dim per operand dim (inserted: 1)
    clip = mode == GatherScatterMode.CLIP
    plan = _Plan(x.shape, idx, tuple(window), start_map, operand_batching, indices_batching,
                 clip)
    nb = len(batch)
    u_perm = list(range(nb)) + [nb + d for d in plan.order]
    if u_perm != list(range(u.ndim)):
        u = transpose(u, u_perm)
    arrays = list(plan.arrays)
    if plan.ok is not None:  # send whole out-of-bounds windows past the end: scatter_p drops them
        slot = next(i for i, d in enumerate(plan.order) if d in start_map)
        shape = tuple(np.broadcast_shapes(core.get_aval(plan.ok).shape + (1,) * len(arrays),
                                          np.shape(arrays[slot])))
        mask = broadcast_in_dim(plan.ok, shape, tuple(range(nb)))
        first = broadcast_in_dim(arrays[slot], shape, tuple(range(len(shape))))
        past_end = broadcast_in_dim(np.array(x.shape[plan.order[slot]], first.dtype), shape, ())
        arrays[slot] = ew.select_n_p.bind(mask, past_end, first)
    out = ix.scatter_p.bind(plan.reorder(x), u, *arrays, index_spec=plan.spec, mode=combine)
    if plan.order != sorted(plan.order):
        out = transpose(out, [plan.order.index(d) for d in range(x.ndim)])
    return out


def scatter(operand, scatter_indices, updates, dimension_numbers, *, indices_are_sorted=False,
            unique_indices=False, mode=None):
    """XLA's Scatter that overwrites: `operand` with each window of `updates` written at its
    index vector (with repeated indices, the last write wins). Out-of-bounds windows are
    dropped unless mode is CLIP."""
    return _scatter("scatter", operand, scatter_indices, updates, dimension_numbers, mode, "set")


def scatter_add(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted=False, unique_indices=False, mode=None):
    """XLA's Scatter with addition: repeated indices accumulate.

    >>> dn = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                                  scatter_dims_to_operand_dims=(0,))
    >>> lax.scatter_add(jnp.zeros(3), jnp.array([[1], [1]]), jnp.array([2., 3.]), dn)
    Array([0., 5., 0.], dtype=float32)
    """
    return _scatter("scatter_add", operand, scatter_indices, updates, dimension_numbers, mode,
                    "add")


def scatter_sub(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted=False, unique_indices=False, mode=None):
    """XLA's Scatter with subtraction."""
    u = asarray(operand)
    updates = convert(updates, u.dtype) if type(updates) in (int, float, bool, complex) \
        else asarray(updates)
    return _scatter("scatter_sub", operand, scatter_indices, neg(updates), dimension_numbers,
                    mode, "add")


def scatter_mul(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted=False, unique_indices=False, mode=None):
    """XLA's Scatter with multiplication. Differentiable in `updates` only with
    unique_indices=True (as in JAX)."""
    if unique_indices:  # operand * (updates placed over ones): differentiable in both
        x = asarray(operand)
        placed = _scatter("scatter_mul", np.ones(x.shape, x.dtype), scatter_indices, updates,
                          dimension_numbers, mode, "set")
        return ew.mul_p.bind(x, placed)
    return _scatter("scatter_mul", operand, scatter_indices, updates, dimension_numbers, mode,
                    "multiply")


def scatter_min(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted=False, unique_indices=False, mode=None):
    """XLA's Scatter with minimum."""
    return _scatter("scatter_min", operand, scatter_indices, updates, dimension_numbers, mode,
                    "min")


def scatter_max(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted=False, unique_indices=False, mode=None):
    """XLA's Scatter with maximum."""
    return _scatter("scatter_max", operand, scatter_indices, updates, dimension_numbers, mode,
                    "max")


def scatter_apply(operand, scatter_indices, func, dimension_numbers, *, update_shape=(),
                  indices_are_sorted=False, unique_indices=False, mode=None):
    """XLA's Scatter applying `func` (an elementwise function) to each element an update
    window hits, once per hit (as XLA applies the combiner once per update).

    Unlike JAX's, this one is differentiable (func is applied through where)."""
    x = asarray(operand)
    count_dtype = dtypes.default_int_dtype()
    counts = _scatter("scatter_apply", np.zeros(x.shape, count_dtype), scatter_indices,
                      np.ones(tuple(update_shape), count_dtype), dimension_numbers, mode, "add")
    if unique_indices:
        return select(gt(counts, 0), asarray(func(x)), x)
    most = reduce_max(counts, tuple(range(x.ndim))) if x.ndim else counts
    if not isinstance(most, core.Tracer):
        out = x
        for k in range(int(most)):
            out = select(gt(counts, k), asarray(func(out)), out)
        return out
    # traced counts: loop to the largest
    return fori_loop(0, most, lambda k, out: select(gt(counts, k), asarray(func(out)), out), x)


def index_take(src, idxs, axes):
    """`src` at the index arrays `idxs` (one per axis in `axes`, wrapping negative indices),
    keeping the other axes: shape idxs[0].shape + the remaining dims of src."""
    x = asarray(src)
    axes = tuple(int(a) for a in axes)
    columns = [expand_dims(convert_element_type(asarray(i), dtypes.default_int_dtype()), (1,))
               for i in idxs]
    indices = concatenate(columns, 1)
    bounds = np.array([x.shape[a] for a in axes], indices.dtype)
    indices = rem(add(rem(indices, bounds), bounds), bounds)  # Python's modulo, as JAX's %
    window = list(x.shape)
    for a in axes:
        window[a] = 1
    offset_dims = tuple(range(1, x.ndim - indices.shape[1] + 1))
    dn = GatherDimensionNumbers(offset_dims=offset_dims, collapsed_slice_dims=axes,
                                start_index_map=axes)
    return gather(x, indices, dn, tuple(window))


# ---- dynamic slices: starts that may be traced, clamped into range as XLA clamps ----
def _dynamic_starts(x, start_indices, sizes, allow_negative_indices):
    """Start indices as int arrays: negative ones count from the end (where allowed), then
    clamped so the slice fits, as XLA's DynamicSlice does."""
    if len(start_indices) != x.ndim:
        raise ValueError(f"Length of slice indices must match number of operand dimensions "
                        f"({len(start_indices)} vs {x.ndim})")
    allow = ([allow_negative_indices] * x.ndim if isinstance(allow_negative_indices, bool)
             else list(allow_negative_indices))
    starts = []
    for start, size, n, negative_ok in zip(start_indices, sizes, x.shape, allow):
        start = asarray(start)
        if start.dtype.kind not in "iu":
            raise TypeError(f"index arguments to dynamic_slice must be integers, got {start.dtype}")
        start = convert(start, dtypes.default_int_dtype())
        if negative_ok:
            start = select(lt(start, 0), add(start, n), start)
        starts.append(clamp(0, start, builtins.max(n - size, 0)))
    return starts


def dynamic_slice(operand, start_indices, slice_sizes, *, allow_negative_indices=True):
    """A slice of static size at (possibly traced) start indices: negative starts count from
    the end; starts are clamped so that the slice fits, as in XLA.

    >>> lax.dynamic_slice(jnp.arange(5), (-2,), (2,))
    Array([3, 4], dtype=int32)
    """
    x = asarray(operand)
    sizes = tuple(int(s) for s in slice_sizes)
    for size, n in zip(sizes, x.shape):
        if not 0 <= size <= n:
            raise TypeError(f"slice_sizes {sizes} must be at most the operand shape {x.shape}")
    starts = _dynamic_starts(x, start_indices, sizes, allow_negative_indices)
    index = [start + np.arange(size, dtype=dtypes.default_int_dtype())
             for start, size in zip(starts, sizes)]
    return _outer_gather(x, index)


def _outer_gather(x, index_vectors):
    arrays = []
    for i, v in enumerate(index_vectors):
        shape = [1] * len(index_vectors)
        shape[i] = -1
        arrays.append(reshape(v, tuple(builtins.max(d, 1) if d != -1 else v.shape[0]
                                       for d in shape)))
    spec = tuple(("array",) for _ in arrays)
    return ix.gather_p.bind(x, *arrays, index_spec=spec)


def dynamic_update_slice(operand, update, start_indices, *, allow_negative_indices=True):
    """`operand` with `update` written at (possibly traced) start indices, which count from
    the end when negative and are clamped so that the update fits, as in XLA."""
    x = asarray(operand)
    u = convert(update, x.dtype)
    if u.ndim != x.ndim:
        raise TypeError(f"dynamic_update_slice: update of shape {u.shape} must have the rank "
                        f"of the operand (shape {x.shape})")
    starts = _dynamic_starts(x, start_indices, u.shape, allow_negative_indices)
    arrays = []
    for i, (start, size) in enumerate(zip(starts, u.shape)):
        v = start + np.arange(size, dtype=dtypes.default_int_dtype())
        shape = [1] * x.ndim
        shape[i] = size
        arrays.append(reshape(v, tuple(shape)))
    spec = tuple(("array",) for _ in arrays)
    return ix.scatter_p.bind(x, u, *arrays, index_spec=spec, mode="set")


def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0, *,
                         allow_negative_indices=True):
    x = asarray(operand)
    axis = axis % x.ndim
    starts = [0] * x.ndim
    sizes = list(x.shape)
    starts[axis], sizes[axis] = start_index, slice_size
    allow = [True] * x.ndim
    allow[axis] = allow_negative_indices
    return dynamic_slice(x, starts, sizes, allow_negative_indices=allow)


def dynamic_index_in_dim(operand, index, axis=0, keepdims=True, *, allow_negative_indices=True):
    out = dynamic_slice_in_dim(operand, index, 1, axis,
                               allow_negative_indices=allow_negative_indices)
    return out if keepdims else squeeze(out, (axis,))


def dynamic_update_slice_in_dim(operand, update, start_index, axis, *,
                                allow_negative_indices=True):
    x = asarray(operand)
    axis = axis % x.ndim
    starts = [0] * x.ndim
    starts[axis] = start_index
    allow = [True] * x.ndim
    allow[axis] = allow_negative_indices
    return dynamic_update_slice(x, update, starts, allow_negative_indices=allow)


def dynamic_update_index_in_dim(operand, update, index, axis, *, allow_negative_indices=True):
    """`operand` with the slice at `index` along `axis` replaced by `update` (which may lack
    that axis)."""
    x = asarray(operand)
    axis = axis % x.ndim
    u = asarray(update)
    if u.ndim == x.ndim - 1:
        u = expand_dims(u, (axis,))
    return dynamic_update_slice_in_dim(x, u, index, axis,
                                       allow_negative_indices=allow_negative_indices)


# The public names: the functions and classes defined here (jaxlite.lax re-exports them).
