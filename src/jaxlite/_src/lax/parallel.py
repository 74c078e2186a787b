"""jax.lax's collectives over named axes: psum, pmean, pmax, pmin, all_gather, psum_scatter,
all_to_all, ppermute, pshuffle, pbroadcast, pcast, axis_index, axis_size.

Each takes a pytree and an axis name or a tuple of names bound by an enclosing vmap,
pmap or shard_map. Tuples of names act on the combined axis, the first name the major
one; the primitives (prims/collectives.py) take one name except the reductions, and the
tuple forms here are compositions of them.
"""
import numpy as np

from .. import dtypes
from ..batching import axis_size as _bound_axis_size
from ..core import Tracer
from ..conversion import asarray
from ..prims.collectives import (psum_p, pmax_p, pmin_p, all_gather_p, psum_scatter_p,
                                 all_to_all_p, ppermute_p, axis_index_p, pbroadcast_p,
                                 merge_axes, split_dimension)
from ..prims.shape import squeeze_p
from ..prims.placement import sharding_constraint_p
from ..array import place, sharding_leaves
from ..tree import tree_map, tree_flatten, tree_unflatten
from . import lax

__all__ = ["with_sharding_constraint", "psum", "pmean", "pmax", "pmin", "all_gather", "psum_scatter", "all_to_all",
           "pswapaxes", "ppermute", "pshuffle", "pbroadcast", "pcast", "axis_index", "axis_size"]


def _names(axis_name):
    return tuple(axis_name) if isinstance(axis_name, (tuple, list)) else (axis_name,)


def _no_groups(axis_index_groups, name):
    if axis_index_groups is not None:
        raise NotImplementedError(f"lax.{name}: axis_index_groups is not supported by jaxlite")


def _leaf(x):
    return x if isinstance(x, Tracer) else asarray(x)


def _axis_sizes(names, primitive_name):
    return [_bound_axis_size(n, primitive_name) for n in names]


def axis_size(axis_name):
    """The number of lanes of the bound axis (the product, for a tuple of names).

    >>> jax.vmap(lambda x: lax.axis_size("i"), axis_name="i")(jnp.zeros(3))
    Array([3, 3, 3], dtype=int32, weak_type=True)
    """
    size = 1
    for n in _axis_sizes(_names(axis_name), "axis_size"):
        size *= n
    return size


def psum(x, axis_name, *, axis_index_groups=None):
    """The sum of `x` over every lane of the named axis (or axes), in every lane.

    >>> jax.vmap(lambda x: lax.psum(x, "i"), axis_name="i")(jnp.arange(3.0))
    Array([3., 3., 3.], dtype=float32)
    """
    _no_groups(axis_index_groups, "psum")
    names = _names(axis_name)
    return tree_map(lambda v: psum_p.bind(_leaf(v), axes=names) if names else _leaf(v), x)


def pmax(x, axis_name, *, axis_index_groups=None):
    _no_groups(axis_index_groups, "pmax")
    return tree_map(lambda v: pmax_p.bind(_leaf(v), axes=_names(axis_name)), x)


def pmin(x, axis_name, *, axis_index_groups=None):
    _no_groups(axis_index_groups, "pmin")
    return tree_map(lambda v: pmin_p.bind(_leaf(v), axes=_names(axis_name)), x)


def pmean(x, axis_name, *, axis_index_groups=None):
    """The mean of `x` over the lanes of the named axis (or axes); integers give floats."""
    size = axis_size(axis_name)

    def mean(v):
        if not np.issubdtype(v.dtype, np.inexact):
            v = lax.convert_element_type(v, dtypes.canonicalize_dtype(np.float64))
        return lax.div(v, np.asarray(size, v.dtype))
    return tree_map(mean, psum(x, axis_name, axis_index_groups=axis_index_groups))


def _axis(axis, ndim, name):
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for an array of rank {ndim}")
    return axis % ndim


def all_gather(x, axis_name, *, axis_index_groups=None, axis=0, tiled=False):
    """Every lane's `x`, stacked along a new axis `axis` (concatenated if `tiled`).

    >>> jax.vmap(lambda x: lax.all_gather(x, "i"), axis_name="i")(jnp.arange(2.0))
    Array([[0., 1.],
           [0., 1.]], dtype=float32)
    """
    _no_groups(axis_index_groups, "all_gather")
    names = _names(axis_name)
    sizes = _axis_sizes(names, "all_gather")

    def gather(v):
        v = _leaf(v)
        a = _axis(axis, v.ndim + (0 if tiled else 1), "all_gather")
        # Minor names first, each stacking in front of the last: the first name is major.
        for name, size in zip(reversed(names), reversed(sizes)):
            v = all_gather_p.bind(v, axis_name=name, axis=a, axis_size=size)
        if len(names) > 1:
            v = merge_axes(v, a, len(names))
        return merge_axes(v, a, 2) if tiled else v
    return tree_map(gather, x)


def psum_scatter(x, axis_name, *, scatter_dimension=0, axis_index_groups=None, tiled=False):
    """The sum over the lanes, lane i keeping block i of dimension `scatter_dimension`.

    >>> f = lambda x: lax.psum_scatter(x, "i")
    >>> jax.vmap(f, axis_name="i")(jnp.arange(4.0).reshape(2, 2))
    Array([2., 4.], dtype=float32)
    """
    _no_groups(axis_index_groups, "psum_scatter")
    names = _names(axis_name)
    sizes = _axis_sizes(names, "psum_scatter")

    def scatter(v):
        v = _leaf(v)
        d = _axis(scatter_dimension, v.ndim, "psum_scatter")
        if not tiled and len(names) == 1:
            return psum_scatter_p.bind(v, axis_name=names[0], scatter_dimension=d,
                                       axis_size=sizes[0])
        total = int(np.prod(sizes))
        if v.shape[d] % total:
            raise ValueError(f"psum_scatter: dimension {d} of size {v.shape[d]} is not "
                             f"divisible by the axis size {total}")
        if not tiled and v.shape[d] != total:
            raise ValueError(f"psum_scatter requires the size of the mapped axis ({total}) to "
                             f"equal x.shape[scatter_dimension] ({v.shape[d]})")
        # Major name first: each keeps its block of what the names before it left.
        for name, size in zip(names, sizes):
            v = psum_scatter_p.bind(split_dimension(v, d, size), axis_name=name,
                                    scatter_dimension=d, axis_size=size)
        return v if tiled else squeeze_p.bind(v, dimensions=(d,))
    return tree_map(scatter, x)


def all_to_all(x, axis_name, split_axis, concat_axis, *, axis_index_groups=None, tiled=False):
    """Lane i's chunk j of `split_axis` goes to lane j, which stacks what it receives along
    `concat_axis` (concatenates, if `tiled`)."""
    _no_groups(axis_index_groups, "all_to_all")
    names = _names(axis_name)
    if len(names) != 1:
        raise NotImplementedError("lax.all_to_all over a tuple of axis names is not "
                                  "supported by jaxlite: use one axis name")
    (size,) = _axis_sizes(names, "all_to_all")

    def exchange(v):
        v = _leaf(v)
        s = _axis(split_axis, v.ndim, "all_to_all")
        c = _axis(concat_axis, v.ndim, "all_to_all")
        if not tiled:
            return all_to_all_p.bind(v, axis_name=names[0], split_axis=s, concat_axis=c,
                                     axis_size=size)
        if v.shape[s] % size:
            raise ValueError(f"all_to_all: dimension {s} of size {v.shape[s]} is not "
                             f"divisible by the axis size {size}")
        v = all_to_all_p.bind(split_dimension(v, s, size), axis_name=names[0], split_axis=s,
                              concat_axis=c, axis_size=size)
        return merge_axes(v, c, 2)
    return tree_map(exchange, x)


def pswapaxes(x, axis_name, axis, *, axis_index_groups=None):
    """Swap the mapped axis `axis_name` with the array axis `axis` (whose size must be the
    axis size): lane i's chunk j along `axis` becomes lane j's chunk i. It is the
    untiled `all_to_all` with the same split and concatenation axis."""
    return all_to_all(x, axis_name, axis, axis, axis_index_groups=axis_index_groups)


def ppermute(x, axis_name, perm):
    """Lane `dst` receives lane `src`'s `x` for each pair (src, dst) of `perm`; lanes that
    receive nothing get zeros.

    >>> f = lambda x: lax.ppermute(x, "i", [(0, 1), (1, 2), (2, 0)])
    >>> jax.vmap(f, axis_name="i")(jnp.arange(3.0))
    Array([2., 0., 1.], dtype=float32)
    """
    names = _names(axis_name)
    if len(names) != 1:
        raise NotImplementedError("lax.ppermute over a tuple of axis names is not supported "
                                  "by jaxlite: use one axis name")
    perm = tuple((int(s), int(d)) for s, d in perm)
    sources = [s for s, _ in perm]
    dests = [d for _, d in perm]
    if len(set(sources)) != len(sources) or len(set(dests)) != len(dests):
        raise ValueError(f"ppermute sources and destinations must be unique, got {perm}.")
    return tree_map(lambda v: ppermute_p.bind(_leaf(v), axis_name=names[0], perm=perm), x)


def pshuffle(x, axis_name, perm):
    """Lane i receives lane perm[i]'s `x`."""
    return ppermute(x, axis_name, [(src, dst) for dst, src in enumerate(perm)])


def pbroadcast(x, axis_name, source):
    """Every lane receives lane `source`'s `x`."""
    names = _names(axis_name)
    if len(names) != 1:
        raise NotImplementedError("lax.pbroadcast over a tuple of axis names is not "
                                  "supported by jaxlite: use one axis name")
    return tree_map(lambda v: pbroadcast_p.bind(_leaf(v), axis_name=names[0],
                                                source=int(source)), x)


def pcast(x, axis_name, *, to):
    """A change of JAX's varying-manual-axes type; jaxlite does not track it, so the
    values pass through unchanged."""
    if to not in ("varying", "invariant", "unreduced", "reduced"):
        raise ValueError(f"pcast: `to` must be 'varying' or 'invariant', got {to!r}")
    _axis_sizes(_names(axis_name), "pcast")
    return x


def axis_index(axis_name):
    """This lane's position along the named axis (row-major over a tuple of names).

    >>> jax.vmap(lambda x: lax.axis_index("i"), axis_name="i")(jnp.zeros(3))
    Array([0, 1, 2], dtype=int32)
    """
    names = _names(axis_name)
    sizes = _axis_sizes(names, "axis_index")
    index = None
    for name, size in zip(names, sizes):
        i = axis_index_p.bind(axis_name=name)
        index = i if index is None else lax.add(lax.mul(index, np.int32(size)), i)
    return index


def with_sharding_constraint(x, shardings):
    """`x` laid out by `shardings` (a Sharding, or a PartitionSpec under jax.set_mesh; or
    a pytree prefix of them). The values are unchanged; under jit the jitted function's
    results carry the sharding."""
    leaves, treedef = tree_flatten(x)
    out = []
    for v, s in zip(leaves, sharding_leaves(x, shardings, "with_sharding_constraint")):
        if s is not None and isinstance(v, Tracer):
            v = sharding_constraint_p.bind(v, sharding=s)
        elif s is not None:
            v = place(_leaf(v), s)
        out.append(v)
    return tree_unflatten(treedef, out)
