"""Collectives over named axes: psum, pmax, pmin, all_gather, psum_scatter, all_to_all,
ppermute, pbroadcast and axis_index.

The participants of a collective over axis "i" are the lanes of the vmap (pmap,
shard_map) that binds "i". Each primitive's `batch_named` rule is that collective
written over the lanes, which its batch trace holds as one axis of an array: psum is
a sum over that axis, all_gather a move of it, psum_scatter a sum whose result is
batched along the scattered dimension, and so on. A rule for an axis bound further
out rebinds the collective under the parent trace, where the outer vmap meets it.
Outside any binding of its name a collective raises JAX's NameError.

Every operation here takes one axis name except psum/pmax/pmin (tuples reduce over
all their names at once); lax/parallel.py composes the tuple forms of the others.

Under jax.distributed, pmap's axis spans the processes: each holds its own lanes, and a
collective over that axis finishes with process_allreduce or process_allgather, the
primitives that move data between processes (distributed.py, over MPI): Allreduce,
Allgather, Alltoall, and sends and receives of the lanes that change process for
ppermute. pbroadcast gathers every process's lanes and keeps the source's.
"""
import numpy as np

from ..core import Primitive, ShapedArray
from ..ad import Zero
from .. import distributed
from ..batching import check_bound, sums_cotangents, process_span
from ..errors import UnboundAxisNameError
from .shape import (moveaxis, broadcast_batch, reshape_p, slice_p, concatenate_p,
                    broadcast_in_dim_p, squeeze_p, iota_p)
from .reduce import reduce_sum_p, reduce_max_p, reduce_min_p
from .elementwise import mul_p, add_p, eq_p, convert_element_type_p
from .util import shape_of


def _unbound_impl(name_param, primitive_name):
    def impl(*values, **params):
        names = params[name_param]
        names = names if isinstance(names, tuple) else (names,)
        raise UnboundAxisNameError(names[0], primitive_name, False)
    return impl


def _check_lane_shape(abstract, x, dim, **params):
    """Run the shape rule on one lane's shape (its errors name the user's mistake)."""
    shape = tuple(shape_of(x))
    lane = shape if dim is None else shape[:dim] + shape[dim + 1:]
    abstract(ShapedArray(lane, np.float32), **params)


def _lane_first(x, dim, size):
    """The value with the lanes of the named axis as its axis 0."""
    return broadcast_batch(x, size) if dim is None else moveaxis(x, dim, 0)


def _other_axis_batch(primitive, shifted_params):
    """The batch rule for a vmap over another axis: that axis is data to the collective,
    put first; `shifted_params` renumbers the collective's array axes past it."""
    def batch(values, dims, **params):
        check_bound(primitive.axis_names(params), primitive.name)
        x = moveaxis(values[0], dims[0], 0)
        return primitive.bind(x, **shifted_params(params)), 0
    return batch


def _linear(primitive):
    def jvp(primals, tangents, **params):
        out = primitive.bind(primals[0], **params)
        t = tangents[0]
        return out, (Zero(out) if type(t) is Zero else primitive.bind(t, **params))
    return jvp


def _abstract_same(primitive_name):
    def abstract(x, **params):
        names = params.get("axes", params.get("axis_name"))
        check_bound(names if isinstance(names, tuple) else (names,), primitive_name)
        return x
    return abstract


# ---- between processes (jax.distributed) ----------------------------------------------------
process_allreduce_p = Primitive("process_allreduce")
process_allreduce_p.effectful = True  # every process must run it, in the same order
process_allreduce_p.impl = lambda x, op: distributed.allreduce(x, op)
process_allreduce_p.abstract_eval = lambda x, op: x
process_allreduce_p.batch = lambda values, dims, op: (
    process_allreduce_p.bind(values[0], op=op), dims[0])


def _allreduce_jvp(primals, tangents, op):
    if op != "sum":
        raise NotImplementedError(f"Differentiation rule for 'p{op}' not implemented")
    return _linear(process_allreduce_p)(primals, tangents, op=op)


process_allreduce_p.jvp = _allreduce_jvp
process_allreduce_p.transpose = lambda ct, x, op: [process_allreduce_p.bind(ct, op="sum")]

process_allgather_p = Primitive("process_allgather")
process_allgather_p.effectful = True


def _process_allgather_impl(x, axis):
    return np.moveaxis(distributed.allgather(x), 0, axis)


def _process_allgather_transpose(ct, x, axis):
    # Process p's value went to every process: its cotangent is the sum of theirs at p.
    total = process_allreduce_p.bind(ct, op="sum")
    shape = tuple(shape_of(total))
    rank = distributed.process_index()
    start = tuple(rank if i == axis else 0 for i in range(len(shape)))
    limit = tuple(rank + 1 if i == axis else n for i, n in enumerate(shape))
    piece = slice_p.bind(total, start_indices=start, limit_indices=limit, strides=None)
    return [squeeze_p.bind(piece, dimensions=(axis,))]


process_allgather_p.impl = _process_allgather_impl
process_allgather_p.abstract_eval = lambda x, axis: x.update(
    shape=x.shape[:axis] + (distributed.process_count(),) + x.shape[axis:])
process_allgather_p.batch = lambda values, dims, axis: (
    process_allgather_p.bind(moveaxis(values[0], dims[0], 0), axis=axis + 1), 0)
process_allgather_p.transpose = _process_allgather_transpose


process_ppermute_p = Primitive("process_ppermute")
process_ppermute_p.effectful = True
process_ppermute_p.impl = lambda x, perm, lanes: distributed.permute_lanes(x, perm, lanes)
process_ppermute_p.abstract_eval = lambda x, perm, lanes: x
process_ppermute_p.jvp = _linear(process_ppermute_p)
process_ppermute_p.transpose = lambda ct, x, perm, lanes: [process_ppermute_p.bind(
    ct, perm=tuple((d, s) for s, d in perm), lanes=lanes)]


def _process_ppermute_batch(values, dims, perm, lanes):
    # The lanes are axis 0; another vmap's axis goes next to them, as data.
    return process_ppermute_p.bind(moveaxis(values[0], dims[0], 1), perm=perm, lanes=lanes), 1


process_ppermute_p.batch = _process_ppermute_batch


process_alltoall_p = Primitive("process_alltoall")
process_alltoall_p.effectful = True
process_alltoall_p.impl = distributed.alltoall
process_alltoall_p.abstract_eval = lambda x: x
process_alltoall_p.jvp = _linear(process_alltoall_p)
# Block q to process q, block p from process p: its own transpose.
process_alltoall_p.transpose = lambda ct, x: [process_alltoall_p.bind(ct)]
process_alltoall_p.batch = lambda values, dims: (
    process_alltoall_p.bind(moveaxis(values[0], dims[0], 1)), 1)


def _all_lanes(x, dim, lanes, processes):
    """The lanes of every process, lane-first: (processes * lanes, ...) in global order."""
    x = _lane_first(x, dim, lanes)
    if processes == 1:
        return x
    return merge_axes(process_allgather_p.bind(x, axis=0), 0, 2)


def _own_lanes(x, lanes, processes):
    """This process's lanes of a lane-first array over all processes' lanes."""
    if processes == 1:
        return x
    shape = tuple(shape_of(x))
    start = distributed.process_index() * lanes
    return slice_p.bind(x, start_indices=(start,) + (0,) * (len(shape) - 1),
                        limit_indices=(start + lanes,) + shape[1:], strides=None)


# ---- psum, pmax, pmin: reductions over the lanes, the same result in every lane ------------
def _define_reduction(name, reduce_p, unbatched):
    p = Primitive(name)
    p.impl = _unbound_impl("axes", name)
    p.abstract_eval = _abstract_same(name)
    p.axis_names = lambda params: params["axes"]

    def batch(values, dims, axes):
        check_bound(axes, name)
        return p.bind(values[0], axes=axes), dims[0]

    def batch_named(bound, size, values, dims, axes):
        x, d = values[0], dims[0]
        if d is None:
            y = unbatched(x, size)
        elif size == 1:  # one lane (one device per process): a view, not a pass over x
            y = squeeze_p.bind(x, dimensions=(d,))
        else:
            y = reduce_p.bind(x, axes=(d,))
        if process_span(bound) > 1:
            y = process_allreduce_p.bind(y, op=name[1:])
        rest = tuple(a for a in axes if a != bound)
        return (p.bind(y, axes=rest) if rest else y), None

    p.batch, p.batch_named = batch, batch_named
    return p


def _times(x, size):
    return mul_p.bind(x, np.asarray(size, np.result_type(x)))


psum_p = _define_reduction("psum", reduce_sum_p, _times)
pmax_p = _define_reduction("pmax", reduce_max_p, lambda x, size: x)
pmin_p = _define_reduction("pmin", reduce_min_p, lambda x, size: x)
psum_p.jvp = _linear(psum_p)


def _psum_transpose(ct, x, axes):
    # Under vmap and pmap every lane's cotangent is summed into every lane, as JAX
    # transposes psum there; over shard_map's axes the result is the same on every
    # device, and its cotangent is copied back to each (JAX's pvary).
    summed = tuple(a for a in axes if sums_cotangents(a))
    return [psum_p.bind(ct, axes=summed) if summed else ct]


psum_p.transpose = _psum_transpose
# pmax and pmin have no derivative rule, as in JAX.


# ---- all_gather: the lanes stacked along a new axis `axis` ---------------------------------
all_gather_p = Primitive("all_gather")
all_gather_p.impl = _unbound_impl("axis_name", "all_gather")
all_gather_p.axis_names = lambda params: (params["axis_name"],)


def _all_gather_abstract(x, axis_name, axis, axis_size):
    check_bound((axis_name,), "all_gather")
    return x.update(shape=x.shape[:axis] + (axis_size,) + x.shape[axis:])


def _all_gather_named(bound, size, values, dims, axis_name, axis, axis_size):
    x, d = values[0], dims[0]
    if d is not None:
        y = moveaxis(x, d, axis)
    else:
        shape = tuple(shape_of(x))
        out = shape[:axis] + (size,) + shape[axis:]
        kept = tuple(i for i in range(len(out)) if i != axis)
        y = broadcast_in_dim_p.bind(x, shape=out, broadcast_dimensions=kept)
    if process_span(bound) > 1:  # then every process's lanes, in process order
        y = merge_axes(process_allgather_p.bind(y, axis=axis), axis, 2)
    return y, None


all_gather_p.abstract_eval = _all_gather_abstract
all_gather_p.batch_named = _all_gather_named
all_gather_p.batch = _other_axis_batch(all_gather_p, lambda p: {**p, "axis": p["axis"] + 1})
all_gather_p.jvp = _linear(all_gather_p)


# ---- psum_scatter: the sum over the lanes, lane l keeping index l of one dimension ----------
psum_scatter_p = Primitive("reduce_scatter")
psum_scatter_p.impl = _unbound_impl("axis_name", "psum_scatter")
psum_scatter_p.axis_names = lambda params: (params["axis_name"],)


def _psum_scatter_abstract(x, axis_name, scatter_dimension, axis_size):
    check_bound((axis_name,), "psum_scatter")
    if x.shape[scatter_dimension] != axis_size:
        raise ValueError(f"psum_scatter requires the size of the mapped axis {axis_name} "
                         f"({axis_size}) to equal x.shape[scatter_dimension] "
                         f"({x.shape[scatter_dimension]}); use tiled=True to scatter blocks")
    shape = x.shape[:scatter_dimension] + x.shape[scatter_dimension + 1:]
    return x.update(shape=shape)


def _psum_scatter_named(bound, size, values, dims, axis_name, scatter_dimension,
                        axis_size):
    x, d = values[0], dims[0]
    _check_lane_shape(_psum_scatter_abstract, x, d, axis_name=axis_name,
                      scatter_dimension=scatter_dimension, axis_size=axis_size)
    total = _times(x, size) if d is None else reduce_sum_p.bind(x, axes=(d,))
    processes = process_span(bound)
    if processes > 1:
        total = moveaxis(_own_lanes(moveaxis(process_allreduce_p.bind(total, op="sum"),
                                             scatter_dimension, 0), size, processes),
                         0, scatter_dimension)
    # Lane l keeps row l of the scattered dimension: that dimension *is* the lane axis.
    return total, scatter_dimension


psum_scatter_p.abstract_eval = _psum_scatter_abstract
psum_scatter_p.batch_named = _psum_scatter_named
psum_scatter_p.batch = _other_axis_batch(
    psum_scatter_p, lambda p: {**p, "scatter_dimension": p["scatter_dimension"] + 1})
psum_scatter_p.jvp = _linear(psum_scatter_p)
psum_scatter_p.transpose = lambda ct, x, axis_name, scatter_dimension, axis_size: [
    all_gather_p.bind(ct, axis_name=axis_name, axis=scatter_dimension, axis_size=axis_size)]
all_gather_p.transpose = lambda ct, x, axis_name, axis, axis_size: [
    psum_scatter_p.bind(ct, axis_name=axis_name, scatter_dimension=axis, axis_size=axis_size)]


# ---- all_to_all: lane l's chunk j goes to lane j, arriving as chunk l ------------------------
all_to_all_p = Primitive("all_to_all")
all_to_all_p.impl = _unbound_impl("axis_name", "all_to_all")
all_to_all_p.axis_names = lambda params: (params["axis_name"],)


def _all_to_all_abstract(x, axis_name, split_axis, concat_axis, axis_size):
    check_bound((axis_name,), "all_to_all")
    if x.shape[split_axis] != axis_size:
        raise ValueError(f"all_to_all requires the size of the mapped axis axis_name to equal "
                         f"x.shape[split_axis], but they are {axis_size} and "
                         f"{x.shape[split_axis]} respectively.")
    shape = list(x.shape[:split_axis] + x.shape[split_axis + 1:])
    shape.insert(concat_axis, axis_size)
    return x.update(shape=tuple(shape))


def _all_to_all_named(bound, size, values, dims, axis_name, split_axis, concat_axis,
                      axis_size):
    _check_lane_shape(_all_to_all_abstract, values[0], dims[0], axis_name=axis_name,
                      split_axis=split_axis, concat_axis=concat_axis, axis_size=axis_size)
    processes = process_span(bound)
    x = _lane_first(values[0], dims[0], size)             # [source j, lane shape...]
    if processes > 1:
        # Each process sends every other one the chunks for that process's lanes (MPI
        # Alltoall), and receives the chunks for its own lanes from all the others.
        x = moveaxis(split_dimension(x, 1 + split_axis, processes), 1 + split_axis, 0)
        x = merge_axes(process_alltoall_p.bind(x), 0, 2)  # [every source j, ..., own dest]
    x = moveaxis(x, 1 + split_axis, 0)                    # [dest l, source j, rest...]
    return moveaxis(x, 1, 1 + concat_axis), 0             # sources gathered at concat_axis


all_to_all_p.abstract_eval = _all_to_all_abstract
all_to_all_p.batch_named = _all_to_all_named
all_to_all_p.batch = _other_axis_batch(all_to_all_p, lambda p: {
    **p, "split_axis": p["split_axis"] + 1, "concat_axis": p["concat_axis"] + 1})
all_to_all_p.jvp = _linear(all_to_all_p)
all_to_all_p.transpose = lambda ct, x, axis_name, split_axis, concat_axis, axis_size: [
    all_to_all_p.bind(ct, axis_name=axis_name, split_axis=concat_axis, concat_axis=split_axis,
                      axis_size=axis_size)]


# ---- ppermute: lane dst receives lane src's value for each (src, dst); others get zeros -----
ppermute_p = Primitive("ppermute")
ppermute_p.impl = _unbound_impl("axis_name", "ppermute")
ppermute_p.axis_names = lambda params: (params["axis_name"],)
ppermute_p.abstract_eval = _abstract_same("ppermute")


def _lane(x, i):
    shape = tuple(shape_of(x))
    return slice_p.bind(x, start_indices=(i,) + (0,) * (len(shape) - 1),
                        limit_indices=(i + 1,) + shape[1:], strides=None)


def _ppermute_named(bound, lanes, values, dims, axis_name, perm):
    processes = process_span(bound)
    size = lanes * processes
    for src, dst in perm:
        if not (0 <= src < size and 0 <= dst < size):
            raise ValueError(f"ppermute: the permutation {perm} names a device outside "
                             f"0..{size - 1} of the axis {axis_name!r}")
    x = _lane_first(values[0], dims[0], lanes)
    if processes > 1:  # the lanes that change process travel by MPI sends and receives
        return process_ppermute_p.bind(x, perm=tuple(perm), lanes=lanes), 0
    source_of = {dst: src for src, dst in perm}
    zero = None
    received = []
    for dst in range(size):
        if dst in source_of:
            received.append(_lane(x, source_of[dst]))
        else:
            if zero is None:
                zero = _times(_lane(x, 0), 0)
            received.append(zero)
    return concatenate_p.bind(*received, dimension=0), 0


ppermute_p.batch_named = _ppermute_named
ppermute_p.batch = _other_axis_batch(ppermute_p, lambda p: p)
ppermute_p.jvp = _linear(ppermute_p)
ppermute_p.transpose = lambda ct, x, axis_name, perm: [
    ppermute_p.bind(ct, axis_name=axis_name, perm=tuple((d, s) for s, d in perm))]


# ---- axis_index: the lane's position along the axis ----------------------------------------
axis_index_p = Primitive("axis_index")
axis_index_p.impl = _unbound_impl("axis_name", "axis_index")
axis_index_p.axis_names = lambda params: (params["axis_name"],)


def _axis_index_abstract(axis_name):
    check_bound((axis_name,), "axis_index")
    return ShapedArray((), np.dtype(np.int32), False)


axis_index_p.abstract_eval = _axis_index_abstract


def _axis_index_named(bound, size, values, dims, axis_name):
    index = iota_p.bind(dtype=np.dtype(np.int32), shape=(size,), dimension=0)
    if process_span(bound) > 1:  # this process's lanes come after those of the ones before
        index = add_p.bind(index, np.int32(distributed.process_index() * size))
    return index, 0


axis_index_p.batch_named = _axis_index_named


# ---- pbroadcast: every lane gets lane `source`'s value -------------------------------------
pbroadcast_p = Primitive("pbroadcast")
pbroadcast_p.impl = _unbound_impl("axis_name", "pbroadcast")
pbroadcast_p.axis_names = lambda params: (params["axis_name"],)
pbroadcast_p.abstract_eval = _abstract_same("pbroadcast")


def _pbroadcast_named(bound, lanes, values, dims, axis_name, source):
    x, d = values[0], dims[0]
    processes = process_span(bound)
    if d is None and processes == 1:
        return x, None
    size = lanes * processes
    if not 0 <= source < size:
        raise ValueError(f"pbroadcast: source {source} is outside 0..{size - 1} of the axis "
                         f"{axis_name!r}")
    x = _all_lanes(x, d, lanes, processes)
    return squeeze_p.bind(_lane(x, source), dimensions=(0,)), None


def _pbroadcast_transpose(ct, x, axis_name, source):
    # Every lane's cotangent flows back to lane `source`; the other lanes get zeros.
    total = psum_p.bind(ct, axes=(axis_name,))
    here = eq_p.bind(axis_index_p.bind(axis_name=axis_name), np.int32(source))
    return [mul_p.bind(total, convert_element_type_p.bind(
        here, new_dtype=np.result_type(total), weak_type=False))]


pbroadcast_p.batch_named = _pbroadcast_named
pbroadcast_p.batch = _other_axis_batch(pbroadcast_p, lambda p: p)
pbroadcast_p.jvp = _linear(pbroadcast_p)
pbroadcast_p.transpose = _pbroadcast_transpose


def merge_axes(x, start, count):
    """Merge `count` adjacent axes of `x` from `start` into one (C order)."""
    shape = tuple(shape_of(x))
    merged = 1
    for n in shape[start:start + count]:
        merged *= n
    return reshape_p.bind(x, new_sizes=shape[:start] + (merged,) + shape[start + count:],
                          dimensions=None)


def split_dimension(x, axis, parts):
    """Split axis `axis` of `x` into (parts, size // parts)."""
    shape = tuple(shape_of(x))
    return reshape_p.bind(x, new_sizes=shape[:axis] + (parts, shape[axis] // parts)
                          + shape[axis + 1:], dimensions=None)
