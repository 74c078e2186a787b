"""Indexing primitives: gather (x[index]) and scatter (x.at[index].set/add/...).

An index is a static `index_spec` — a tuple of ("int", i), ("slice", a, b, c),
("none",), ("ellipsis",), ("array",) items — plus one dynamic integer operand
per ("array",) item, so `x[i, :, idx]` with a traced idx is one primitive.
Like JAX, out-of-bounds integer-array indices are clamped when reading; when
writing they are dropped.
"""
import numpy as np

from .. import core
from ..core import Primitive, ShapedArray
from ..ad import Zero, is_linear, instantiate
from .util import shape_of, broadcast_shapes, const_like
from .shape import moveaxis, broadcast_batch, broadcast_trailing, reshape_p, broadcast_in_dim_p, concatenate_p, unbroadcast
from .shape import slice_p, squeeze_p
from .compiler_rules import _defined_by
from .program_rules import gather_code, scatter_code
from ..jaxpr import Eqn
from .elementwise import ge_p, lt_p, and_p, eq_p, convert_element_type_p, mul_p, div_p, add_p, select_n_p

gather_p = Primitive("gather")
scatter_p = Primitive("scatter")


def _advanced_positions(spec):
    """Axes of x consumed by each ("array",) item, after expanding the ellipsis."""
    return [i for i, item in enumerate(spec) if item[0] == "array"]


def build_index(spec, arrays, shape, clamp=True):
    """The NumPy index tuple for `spec`, with index arrays normalized to the bounds."""
    arrays = iter(arrays)
    index, axis = [], 0
    n_consuming = sum(1 for it in spec if it[0] in ("int", "slice", "array"))
    for item in spec:
        kind = item[0]
        if kind == "int":
            index.append(item[1])
            axis += 1
        elif kind == "slice":
            index.append(slice(*item[1:]))
            axis += 1
        elif kind == "none":
            index.append(None)
        elif kind == "ellipsis":
            index.append(Ellipsis)
            axis += len(shape) - n_consuming
        else:
            a = np.asarray(next(arrays))
            n = shape[axis]
            if a.dtype != np.bool_:
                a = np.where(a < 0, a + n, a)
                if clamp:
                    a = np.clip(a, 0, max(n - 1, 0))
            index.append(np.asarray(a))  # a 0-d index stays an array (clip returns a scalar)
            axis += 1
    return tuple(index)


def _gather_impl(x, *arrays, index_spec):
    return np.asarray(x)[build_index(index_spec, arrays, np.shape(x))]


def _empty_array_axes(shape, index_spec):
    """The axes of size 0 that an index array selects from."""
    empty, axis = [], 0
    n_consuming = sum(1 for it in index_spec if it[0] in ("int", "slice", "array"))
    for item in index_spec:
        if item[0] == "ellipsis":
            axis += len(shape) - n_consuming
        elif item[0] != "none":
            if item[0] == "array" and shape[axis] == 0:
                empty.append(axis)
            axis += 1
    return empty


def _result_shape(shape, index_spec, array_shapes):
    # The shape does not depend on the index values, so an index array into an empty axis
    # (its values all out of bounds, for the mode to drop or fill) selects as from size 1.
    dims = list(shape)
    for axis in _empty_array_axes(shape, index_spec):
        dims[axis] = 1
    dummy = np.broadcast_to(np.empty((), np.bool_), dims)
    arrays = [np.zeros(s, np.intp) for s in array_shapes]
    return dummy[build_index(index_spec, arrays, dims)].shape


def _gather_abstract(x, *arrays, index_spec):
    for a in arrays:
        if a.dtype.kind not in "iu":
            raise TypeError(f"indices must be integers, got an index array of dtype {a.dtype}")
    shape = _result_shape(x.shape, index_spec, [a.shape for a in arrays])
    if 0 not in shape:  # JAX's gather slices 1 element from each indexed axis
        for axis in _empty_array_axes(x.shape, index_spec):
            raise TypeError(f"Slice size at index {axis} in gather op is out of range, must "
                            f"be within [0, 0 + 1), got 1.")
    return ShapedArray(shape, x.dtype, x.weak_type)


def _gather_jvp(primals, tangents, index_spec):
    out = gather_p.bind(*primals, index_spec=index_spec)
    t = tangents[0]
    if type(t) is Zero:
        return out, Zero(out)
    return out, gather_p.bind(t, *primals[1:], index_spec=index_spec)


def _gather_transpose(ct, x, *arrays, index_spec):
    zeros = np.zeros(x.aval.shape, x.aval.dtype)
    # Reads clamp out-of-bounds indices but, as in JAX's reverse mode, their cotangents are
    # dropped by the scatter (so grad and jacfwd differ there, exactly as JAX's do).
    return [scatter_p.bind(zeros, ct, *arrays, index_spec=index_spec, mode="add")] + \
        [None] * len(arrays)


def spec_array_axes(spec, shape):
    """The axis of x each ("array",) item of an index spec consumes."""
    n_consuming = sum(1 for it in spec if it[0] in ("int", "slice", "array"))
    axes, axis = [], 0
    for item in spec:
        if item[0] in ("int", "slice"):
            axis += 1
        elif item[0] == "ellipsis":
            axis += len(shape) - n_consuming
        elif item[0] == "array":
            axes.append(axis)
            axis += 1
    return axes


def in_bounds_mask(arrays, spec, shape):
    """Boolean mask, broadcastable to the indexed shape (the shape gather gives), of the
    elements whose index arrays are in bounds: the updates a scatter keeps, the reads that
    `x.at[...].get(mode='fill')` keeps."""
    ok = None
    for a, axis in zip(arrays, spec_array_axes(spec, shape)):
        n = shape[axis]
        dtype = core.get_aval(a).dtype
        inside = and_p.bind(ge_p.bind(a, np.array(-n, dtype)), lt_p.bind(a, np.array(n, dtype)))
        ok = inside if ok is None else and_p.bind(ok, inside)
    array_shapes = [tuple(shape_of(a)) for a in arrays]
    index_shape = broadcast_shapes(*array_shapes)
    if tuple(shape_of(ok)) != tuple(index_shape):
        rank = len(shape_of(ok))
        ok = broadcast_in_dim_p.bind(ok, shape=tuple(index_shape), broadcast_dimensions=tuple(
            range(len(index_shape) - rank, len(index_shape))))
    target = _result_shape(shape, spec, array_shapes)
    dummy = build_index(spec, [np.zeros(s, np.intp) for s in array_shapes], shape)
    position = _advanced_result_position(dummy, shape)
    mask_shape = [1] * len(target)
    mask_shape[position:position + len(index_shape)] = index_shape
    return reshape_p.bind(ok, new_sizes=tuple(mask_shape))


def _adjacent_arrays_at_front(spec):
    """True when the index arrays form one block at the start (NumPy then keeps
    their broadcast dimensions first, which batching can extend)."""
    kinds = [item[0] for item in spec]
    n = kinds.count("array")
    return n > 0 and kinds[:n] == ["array"] * n


def _arange_index(size, rank):
    return np.arange(size).reshape((size,) + (1,) * rank)


def _batched_index_operands(values, dims, n_leading, size):
    """Move batch dims of the leading operands and index arrays to axis 0."""
    out = []
    for i, (v, d) in enumerate(zip(values, dims)):
        if i < n_leading:
            out.append(broadcast_batch(v, size) if d is None else moveaxis(v, d, 0))
        else:
            out.append(v if d is None else moveaxis(v, d, 0))
    return out


def _index_rank(arrays, dims):
    # Per-example shapes: each batched array without its batch axis, wherever that is.
    shapes = [tuple(n for i, n in enumerate(shape_of(a)) if i != d)
              for a, d in zip(arrays, dims)]
    return len(broadcast_shapes(*shapes)) if shapes else 0


def _gather_batch(values, dims, index_spec):
    size = next(shape_of(v)[d] for v, d in zip(values, dims) if d is not None)
    x, arrays = values[0], values[1:]
    if all(d is None for d in dims[1:]):
        x = moveaxis(x, dims[0], 0)
        spec = (("slice", None, None, None),) + tuple(index_spec)
        out = gather_p.bind(x, *arrays, index_spec=spec)
        if arrays and not _adjacent_arrays_at_front(index_spec) or not arrays:
            positions = _advanced_positions(spec)
            separated = arrays and positions != list(range(positions[0], positions[0] + len(positions)))
            return out, (_index_rank(arrays, dims[1:]) if separated else 0)
        return out, 0
    if _adjacent_arrays_at_front(index_spec):
        rank = _index_rank(arrays, dims[1:])
        moved = _batched_index_operands(values, dims, 1, size)
        arrays = [a if d is not None else a for a, d in zip(moved[1:], dims[1:])]
        arrays = [_pad_rank(a, rank, d is not None) for a, d in zip(arrays, dims[1:])]
        spec = (("array",),) + tuple(index_spec)
        return gather_p.bind(moved[0], _arange_index(size, rank), *arrays, index_spec=spec), 0
    return batch_by_loop(gather_p, values, dims, size, dict(index_spec=index_spec)), 0


def _pad_rank(a, rank, batched):
    """Give a batched index array shape (B, 1.., *shape) so it broadcasts per example."""
    if not batched:
        return a
    shape = shape_of(a)
    missing = rank - (len(shape) - 1)
    if missing <= 0:
        return a
    return reshape_p.bind(a, new_sizes=(shape[0],) + (1,) * missing + tuple(shape[1:]))


def batch_by_loop(primitive, values, dims, size, params):
    """Batching by a Python loop over lanes: always correct, used for rare cases."""
    if size == 0:  # no lanes: an empty result of one lane's shape (vmap over a 0-size batch)
        avals = [core.get_aval(v) for v in values]
        lane = [a if d is None else ShapedArray(a.shape[:d] + a.shape[d + 1:], a.dtype,
                                                a.weak_type) for a, d in zip(avals, dims)]
        out = primitive.abstract_eval(*lane, **params)
        return core.Array(np.zeros((0,) + tuple(out.shape), out.dtype), out.weak_type)
    lanes = []
    for i in range(size):
        args = [v if d is None else gather_p.bind(moveaxis(v, d, 0),
                                                   index_spec=(("int", i),))
                for v, d in zip(values, dims)]
        out = primitive.bind(*args, **params)
        lanes.append(reshape_p.bind(out, new_sizes=(1,) + tuple(shape_of(out))))
    return concatenate_p.bind(*lanes, dimension=0)


gather_p.impl = _gather_impl
gather_p.abstract_eval = _gather_abstract
gather_p.jvp = _gather_jvp
gather_p.transpose = _gather_transpose
gather_p.batch = _gather_batch
gather_p.weak_type_rule = lambda weak, params: weak[0]  # the operand's, not the indices'
gather_p.numba_code = gather_code


# ---- scatter --------------------------------------------------------------------------------
_scatter_ufuncs = {"add": np.add, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}


def _scatter_impl(x, updates, *arrays, index_spec, mode):
    # (Eager calls skip abstract evaluation: its shape check runs here.)
    _check_updates_shape(np.shape(x), np.shape(updates), [np.shape(a) for a in arrays],
                         index_spec, mode, np.result_type(x))
    out = np.array(x, copy=True)
    index = build_index(index_spec, arrays, out.shape, clamp=False)
    if arrays:  # drop out-of-bounds updates, as JAX does
        target_shape = _result_shape(out.shape, index_spec, [np.shape(a) for a in arrays])
        updates = np.broadcast_to(updates, target_shape)
        keep = _in_bounds_mask(index, out.shape, target_shape)
        if not keep.any():  # every update lands out of bounds (x.at[11].set on 10 elements)
            return out
        if not keep.all():
            index = _clamped(index, out.shape)
            sel = np.nonzero(keep)
            index = _restrict(index, out.shape, sel, target_shape)
            updates = updates[sel]
        else:
            index = _clamped(index, out.shape)
    else:
        # Updates that do not broadcast to the target raise (ValueError, as JAX) before
        # NumPy's ufunc.at, which can crash the interpreter on them.
        try:
            updates = np.broadcast_to(updates, out[index].shape)
        except ValueError:
            raise ValueError(f"scatter: cannot broadcast updates of shape "
                             f"{np.shape(updates)} to the indexed shape {out[index].shape}") \
                from None
    if mode == "set":
        out[index] = updates
    else:
        _scatter_ufuncs[mode].at(out, index, updates)
    return out


def _clamped(index, shape):
    """Index arrays clipped into bounds (the out-of-bounds ones are masked out after)."""
    axes = iter(_array_axes(index, shape))
    return tuple(np.asarray(np.clip(i, 0, max(shape[next(axes)] - 1, 0)))
                 if isinstance(i, np.ndarray) else i for i in index)


def _in_bounds_mask(index, shape, target_shape):
    arrays = [i for i in index if isinstance(i, np.ndarray)]
    axes = _array_axes(index, shape)
    ok = np.ones(broadcast_shapes(*[a.shape for a in arrays]), np.bool_)
    for a, axis in zip(arrays, axes):
        ok = ok & (a >= 0) & (a < shape[axis])
    # Broadcast the mask over the sliced dims of the target.
    full = np.ones(target_shape, np.bool_)
    position = _advanced_result_position(index, shape)
    mask_shape = [1] * len(target_shape)
    for k, d in enumerate(ok.shape):
        mask_shape[position + k] = d
    return full & ok.reshape(mask_shape)


def _array_axes(index, shape):
    axes, axis = [], 0
    n_consuming = sum(1 for i in index if i is not None and i is not Ellipsis)
    for i in index:
        if i is None:
            continue
        if i is Ellipsis:
            axis += len(shape) - n_consuming
            continue
        if isinstance(i, np.ndarray):
            axes.append(axis)
        axis += 1
    return axes


def _advanced_result_position(index, shape):
    """Where NumPy puts the index arrays' broadcast dims in the result."""
    kinds = [isinstance(i, np.ndarray) for i in index]
    first = kinds.index(True)
    last = len(kinds) - 1 - kinds[::-1].index(True)
    if not all(kinds[first:last + 1]):
        return 0
    n_consuming = sum(1 for i in index if i is not None and i is not Ellipsis)
    position = 0
    for i in index[:first]:
        if i is Ellipsis:  # the ellipsis stands for the dims no other item consumes
            position += len(shape) - n_consuming
        elif not isinstance(i, (int, np.integer)):
            position += 1
    return position


def _restrict(index, shape, selection, target_shape):
    """Turn (index, boolean keep-mask) into a fully advanced index of the kept elements."""
    grids = np.indices(shape, sparse=False)
    coords = tuple(g[index][selection] for g in grids)
    return coords


def _check_updates_shape(x_shape, updates_shape, array_shapes, index_spec, mode, dtype=None):
    """Updates must broadcast to the indexed shape (never the other way round); add and
    multiply need numbers (JAX's scatter combines them with lax.add/lax.mul)."""
    target = tuple(_result_shape(tuple(x_shape), index_spec, array_shapes))
    updates_shape = tuple(updates_shape)
    if len(updates_shape) > len(target) or any(
            u not in (1, t) for u, t in zip(updates_shape[::-1], target[::-1])):
        raise ValueError(f"x.at[...].{mode}: updates of shape {updates_shape} do not broadcast "
                         f"to the indexed shape {target}")
    if dtype == np.bool_ and mode in ("add", "multiply"):
        name = "add" if mode == "add" else "mul"
        raise TypeError(f"{name} does not accept dtype bool at position 0. Accepted dtypes at "
                        "position 0 are subtypes of integer, floating, complexfloating.")


def _scatter_abstract(x, updates, *arrays, index_spec, mode):
    _check_updates_shape(x.shape, updates.shape, [a.shape for a in arrays], index_spec, mode,
                         x.dtype)
    if updates.dtype != x.dtype:
        raise TypeError(f"scatter: updates dtype {updates.dtype} differs from array dtype {x.dtype}")
    return x


def _scatter_jvp(primals, tangents, index_spec, mode):
    x, u, *arrays = primals
    tx, tu = tangents[0], tangents[1]
    out = scatter_p.bind(*primals, index_spec=index_spec, mode=mode)
    if type(tx) is Zero and type(tu) is Zero:
        return out, Zero(out)
    if mode in ("set", "add"):
        return out, scatter_p.bind(instantiate(tx), instantiate(tu), *arrays,
                                   index_spec=index_spec, mode=mode)
    if mode == "multiply":
        if type(tu) is not Zero:
            raise NotImplementedError(
                "scatter_mul gradients are only implemented if `unique_indices=True`: "
                "x.at[index].multiply(updates, unique_indices=True), where no index repeats, "
                "differentiates with respect to the updates (as do static ints and slices)")
        # out = x * (product of the updates landing on each element): linear in x.
        return out, scatter_p.bind(tx, u, *arrays, index_spec=index_spec, mode="multiply")
    return out, _scatter_extremum_tangent(x, u, arrays, out, tx, tu, index_spec)


def _scatter_extremum_tangent(x, u, arrays, out, tx, tu, index_spec):
    """Tangent of x.at[...].min/max: each output takes the tangents of the values that
    attain it (x's own and the updates'), averaged over ties, as JAX does."""
    dtype = core.get_aval(out).dtype
    target = gather_p.bind(out, *arrays, index_spec=index_spec)
    u_full = broadcast_trailing(u, shape_of(target))
    as_float = lambda b: convert_element_type_p.bind(b, new_dtype=dtype, weak_type=False)
    update_wins = as_float(eq_p.bind(u_full, target))
    zeros = np.zeros(shape_of(out), dtype)
    # An element no update lands on keeps x's tangent, even where x is NaN (x != out).
    refs = scatter_p.bind(zeros, np.ones(shape_of(target), dtype), *arrays,
                          index_spec=index_spec, mode="add")
    x_wins = select_n_p.bind(eq_p.bind(refs, const_like(refs, 0)),
                             as_float(eq_p.bind(x, out)), const_like(refs, 1))
    winners = add_p.bind(x_wins, scatter_p.bind(zeros, update_wins, *arrays,
                                                index_spec=index_spec, mode="add"))
    # Each winner's share, 1/winners, as coefficients that are 0 for the values that do
    # not win: where nothing wins (a NaN result) the tangent is 0, as in JAX, not 0/0.
    nobody = eq_p.bind(winners, const_like(winners, 0))
    share = div_p.bind(const_like(winners, 1),
                       select_n_p.bind(nobody, winners, const_like(winners, 1)))
    total = None
    if type(tx) is not Zero:
        total = mul_p.bind(tx, mul_p.bind(x_wins, share))
    if type(tu) is not Zero:
        update_share = mul_p.bind(update_wins, gather_p.bind(share, *arrays, index_spec=index_spec))
        from_updates = scatter_p.bind(zeros, mul_p.bind(broadcast_trailing(tu, shape_of(target)),
                                                        update_share),
                                      *arrays, index_spec=index_spec, mode="add")
        total = from_updates if total is None else add_p.bind(total, from_updates)
    return total


def _winning_updates(x_shape, arrays, index_spec):
    """1 where an element of the (broadcast) updates is the one that lands, 0 where a later
    duplicate index overwrites it: scatter each update's id and read back who won."""
    target_shape = _result_shape(x_shape, index_spec, [shape_of(a) for a in arrays])
    size = int(np.prod(target_shape, dtype=np.int64))
    ids = np.arange(1, size + 1, dtype=np.int32).reshape(target_shape)
    landed = scatter_p.bind(np.zeros(x_shape, np.int32), ids, *arrays, index_spec=index_spec,
                            mode="set")
    return eq_p.bind(gather_p.bind(landed, *arrays, index_spec=index_spec), ids)


def _scatter_transpose(ct, x, updates, *arrays, index_spec, mode):
    ct_u = None
    if is_linear(updates):
        if mode not in ("set", "add"):
            raise NotImplementedError(f"transpose of x.at[...].{mode}() with respect to the updates")
        ct_u = gather_p.bind(ct, *arrays, index_spec=index_spec)
        x_shape = x.aval.shape if is_linear(x) else shape_of(x)
        if arrays:  # updates at out-of-bounds indices were dropped: no cotangent
            ct_u = select_n_p.bind(in_bounds_mask(arrays, index_spec, x_shape),
                                   np.zeros((), core.get_aval(ct).dtype), ct_u)
        if mode == "set" and arrays:  # with duplicate indices only the last write lands
            ct_u = select_n_p.bind(_winning_updates(x_shape, arrays, index_spec),
                                   np.zeros((), core.get_aval(ct).dtype), ct_u)
        shape = updates.aval.shape
        ct_u = unbroadcast(ct_u, shape)
    ct_x = None
    if is_linear(x):
        if mode == "add":
            ct_x = ct
        elif mode == "multiply":  # x -> x * (scattered product of updates) is diagonal
            ct_x = scatter_p.bind(ct, updates, *arrays, index_spec=index_spec, mode="multiply")
        else:
            zero = np.zeros((), core.get_aval(ct).dtype)
            ct_x = scatter_p.bind(ct, zero, *arrays, index_spec=index_spec, mode="set")
    return [ct_x, ct_u] + [None] * len(arrays)


def _scatter_batch(values, dims, index_spec, mode):
    size = next(shape_of(v)[d] for v, d in zip(values, dims) if d is not None)
    if all(d is None for d in dims[2:]) and (_adjacent_arrays_at_front(index_spec)
                                           or "array" not in [i[0] for i in index_spec]):
        x, u = _batched_index_operands(values[:2], dims[:2], 2, size)
        target = _result_shape(shape_of(values[0]) if dims[0] is None else
                               tuple(np.delete(np.array(shape_of(values[0])), dims[0])),
                               index_spec, [shape_of(a) for a in values[2:]])
        u_shape = shape_of(u)
        missing = len(target) - (len(u_shape) - 1)
        if missing > 0:
            u = reshape_p.bind(u, new_sizes=(size,) + (1,) * missing + tuple(u_shape[1:]))
        spec = (("slice", None, None, None),) + tuple(index_spec)
        return scatter_p.bind(x, u, *values[2:], index_spec=spec, mode=mode), 0
    if _adjacent_arrays_at_front(index_spec):
        # As gather's rule: the lane number becomes one more leading index array, so the
        # scatter stays one NumPy assignment instead of one per lane.
        rank = _index_rank(values[2:], dims[2:])
        x, u, *arrays = _batched_index_operands(values, dims, 2, size)
        arrays = [_pad_rank(a, rank, d is not None) for a, d in zip(arrays, dims[2:])]
        x_shape = shape_of(x)[1:]
        lane_shapes = [tuple(n for i, n in enumerate(shape_of(a)) if i != d)
                       for a, d in zip(values[2:], dims[2:])]
        target = _result_shape(x_shape, index_spec, lane_shapes)
        u_shape = shape_of(u)
        missing = len(target) - (len(u_shape) - 1)
        if missing > 0:
            u = reshape_p.bind(u, new_sizes=(size,) + (1,) * missing + tuple(u_shape[1:]))
        spec = (("array",),) + tuple(index_spec)
        return scatter_p.bind(x, u, _arange_index(size, rank), *arrays, index_spec=spec,
                              mode=mode), 0
    return batch_by_loop(scatter_p, values, dims, size, dict(index_spec=index_spec, mode=mode)), 0


scatter_p.impl = _scatter_impl
scatter_p.abstract_eval = _scatter_abstract
scatter_p.jvp = _scatter_jvp
scatter_p.transpose = _scatter_transpose
scatter_p.batch = _scatter_batch
scatter_p.weak_type_rule = lambda weak, params: weak[0]
scatter_p.numba_code = scatter_code


def _squeeze_of_slice(eqn, ctx):
    """squeeze(slice(x)) -> one gather: `x[1:, 0]` staged as JAX stages it (slice, then
    squeeze) compiles to the single NumPy index the eager path runs."""
    inner = _defined_by(ctx, eqn.inputs[0], (slice_p,))
    if inner is None:
        return eqn
    p = inner.params
    strides = p["strides"] or (1,) * len(p["start_indices"])
    dropped = set(eqn.params["dimensions"])
    spec = tuple(("int", a) if d in dropped else ("slice", a, b, None if s == 1 else s)
                 for d, (a, b, s) in enumerate(zip(p["start_indices"], p["limit_indices"],
                                                   strides)))
    return Eqn(gather_p, [inner.inputs[0]], {"index_spec": spec}, eqn.outputs, eqn.source)


squeeze_p.simplify_rules = (_squeeze_of_slice,)
