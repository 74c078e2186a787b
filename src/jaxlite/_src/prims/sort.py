"""Sorting: sort (several operands, lexicographic on the first `num_keys`), top_k,
searchsorted.

The order is JAX's: NaNs sort to the end, -0.0 equals 0.0, complex numbers
compare lexicographically on (real, imag), and ties keep their original order
(every sort here is stable, which `is_stable=False` permits). Tangents follow
the permutation: the JVP sorts an iota alongside the operands and gathers the
tangents with it, so reverse mode scatters cotangents back through the same
permutation (ties therefore pass derivatives to the element that lands in each
position, as in JAX).
"""
import numpy as np

from .. import core
from ..core import Primitive, ShapedArray
from ..ad import Zero
from .util import shape_of
from .shape import moveaxis, broadcast_in_dim_p, iota_p
from .index import gather_p, batch_by_loop


def _sort_permutation(keys, dimension):
    """Indices that sort `keys` lexicographically (first key primary), stably."""
    if len(keys) == 1:
        return np.argsort(keys[0], axis=dimension, kind="stable")
    return np.lexsort(keys[::-1], axis=dimension)


# ---- sort ---------------------------------------------------------------------------------
sort_p = Primitive("sort", multiple_results=True)


def _sort_impl(*operands, dimension, is_stable, num_keys):
    operands = [np.asarray(x) for x in operands]
    _sort_abstract(*map(core.get_aval, operands), dimension=dimension, is_stable=is_stable,
                   num_keys=num_keys)  # eager calls skip abstract_eval: check here
    if len(operands) == 1:
        return [np.sort(operands[0], axis=dimension, kind="stable")]
    perm = _sort_permutation(operands[:num_keys], dimension)
    return [np.take_along_axis(x, perm, axis=dimension) for x in operands]


def _sort_abstract(*avals, dimension, is_stable, num_keys):
    if any(a.shape != avals[0].shape for a in avals[1:]):
        raise TypeError("Arguments to sort must have equal shapes, got: "
                        + " ".join(str(a.shape) for a in avals))
    if not 0 <= dimension < avals[0].ndim:
        raise ValueError(f"sort: dimension {dimension} is out of bounds for an array of shape "
                         f"{avals[0].shape}")
    if not 1 <= num_keys <= len(avals):
        raise ValueError(f"num_keys={num_keys} must be between 1 and {len(avals)}")
    weak = all(a.weak_type for a in avals)  # as the eval trace does: one weak type for all
    return [ShapedArray(a.shape, a.dtype, weak) for a in avals]


def take_along(x, indices, dimension):
    """x[..., indices, ...] along `dimension`, with `indices` of x's shape (a gather, so it
    differentiates to a scatter-add and batches)."""
    shape = shape_of(x)
    arrays = []
    for i, n in enumerate(shape):
        if i == dimension:
            arrays.append(indices)
        else:
            grid = [1] * len(shape)
            grid[i] = n
            arrays.append(np.arange(n, dtype=np.int32).reshape(grid))
    return gather_p.bind(x, *arrays, index_spec=(("array",),) * len(shape))


def _sort_jvp(primals, tangents, dimension, is_stable, num_keys):
    shape = shape_of(primals[0])
    iota = iota_p.bind(dtype=np.dtype(np.int32), shape=tuple(shape), dimension=dimension)
    *sorted_primals, perm = sort_p.bind(*primals, iota, dimension=dimension, is_stable=is_stable,
                                        num_keys=num_keys)
    tangents_out = [Zero(p) if type(t) is Zero else take_along(t, perm, dimension)
                    for p, t in zip(sorted_primals, tangents)]
    return sorted_primals, tangents_out


def _sort_batch(values, dims, dimension, is_stable, num_keys):
    prototype, bdim = next((v, d) for v, d in zip(values, dims) if d is not None)
    shape = shape_of(prototype)
    moved = []
    for v, d in zip(values, dims):
        if d is None:
            kept = tuple(i for i in range(len(shape)) if i != bdim)
            moved.append(broadcast_in_dim_p.bind(v, shape=tuple(shape), broadcast_dimensions=kept))
        else:
            moved.append(moveaxis(v, d, bdim))
    out = sort_p.bind(*moved, dimension=dimension + (bdim <= dimension), is_stable=is_stable,
                      num_keys=num_keys)
    return out, [bdim] * len(out)


sort_p.impl = _sort_impl
sort_p.abstract_eval = _sort_abstract
sort_p.jvp = _sort_jvp
sort_p.batch = _sort_batch

# ---- top_k --------------------------------------------------------------------------------
top_k_p = Primitive("top_k", multiple_results=True)


def _top_k_impl(x, k, axis):
    _top_k_abstract(core.get_aval(x), k, axis)  # eager calls skip abstract_eval: check here
    x = np.moveaxis(np.asarray(x), axis, -1)
    # Descending and stable (lower index first among ties, NaNs largest): sort the
    # reversed array ascending, then reverse the order.
    n = x.shape[-1]
    order = np.argsort(x[..., ::-1], axis=-1, kind="stable")[..., ::-1]
    indices = (n - 1 - order[..., :k]).astype(np.int32)
    values = np.take_along_axis(x, indices, axis=-1)
    return [np.moveaxis(values, -1, axis), np.moveaxis(indices, -1, axis)]


def _top_k_abstract(x, k, axis):
    if x.dtype.kind == "c":
        raise ValueError("top_k is not compatible with complex inputs.")
    if x.ndim == 0:
        raise TypeError(f"top_k operand must have >= 1 dimension, got {x.shape}")
    if not 0 <= k <= x.shape[axis]:
        raise ValueError("k argument to top_k must be nonnegative and no larger than the size "
                         f"along the axis; got k={k} with shape={x.shape} and axis={axis}")
    shape = list(x.shape)
    shape[axis] = k
    return [ShapedArray(shape, x.dtype, False), ShapedArray(shape, np.int32, False)]


def _top_k_jvp(primals, tangents, k, axis):
    values, indices = top_k_p.bind(primals[0], k=k, axis=axis)
    return [values, indices], [take_along(tangents[0], indices, axis), Zero(indices)]


def _top_k_batch(values, dims, k, axis):
    (x,), (d,) = values, dims
    out = top_k_p.bind(x, k=k, axis=axis + (d <= axis))
    return out, [d, d]


top_k_p.impl = _top_k_impl
top_k_p.abstract_eval = _top_k_abstract
top_k_p.jvp = _top_k_jvp
top_k_p.batch = _top_k_batch
top_k_p.weak_type_rule = core.never_weak

# ---- searchsorted -------------------------------------------------------------------------
searchsorted_p = Primitive("searchsorted")


def _searchsorted_impl(a, v, side, dtype):
    _searchsorted_abstract(core.get_aval(a), core.get_aval(v), side, dtype)
    return np.searchsorted(a, v, side=side).astype(dtype)


def _searchsorted_abstract(a, v, side, dtype):
    if a.ndim != 1:
        raise ValueError("a should be 1-dimensional")
    if side not in ("left", "right"):
        raise ValueError(f"side={side!r} is not supported: use 'left' or 'right'")
    return ShapedArray(v.shape, dtype, False)


def _searchsorted_batch(values, dims, side, dtype):
    (a, v), (da, dv) = values, dims
    if da is None:  # the query values broadcast freely: their batch axis just rides along
        return searchsorted_p.bind(a, v, side=side, dtype=dtype), dv
    size = shape_of(a)[da]
    return batch_by_loop(searchsorted_p, values, dims, size, dict(side=side, dtype=dtype)), 0


searchsorted_p.impl = _searchsorted_impl
searchsorted_p.abstract_eval = _searchsorted_abstract
searchsorted_p.jvp = lambda primals, tangents, side, dtype: (
    lambda out: (out, Zero(out)))(searchsorted_p.bind(*primals, side=side, dtype=dtype))
searchsorted_p.batch = _searchsorted_batch
searchsorted_p.weak_type_rule = core.never_weak
