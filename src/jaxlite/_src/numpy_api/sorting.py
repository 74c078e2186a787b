"""jax.numpy sorting and searching: sort, argsort, lexsort, partition, argpartition,
sort_complex, searchsorted (on the primitives of prims/sort.py).

partition/argpartition are JAX's: the kth+1 smallest in ascending order, then
the rest in descending order (both computed with top_k), which NumPy leaves
unspecified.
"""
import numpy as np

from .. import dtypes
from ..prims import sort as so
from ..prims.shape import iota_p, rev_p, reshape_p, concatenate_p
from ..conversion import asarray, convert, promote, check_arraylike
from .shapes import canonical_axes, swapaxes
from .ufuncs import negative, add, subtract, equal, where
from .reductions import any as any_
from .indexing import take


def _sort_axis(x, axis):
    if axis is None:
        return reshape_p.bind(x, new_sizes=(x.size,)), 0
    if x.ndim == 0:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension 0")
    (axis,) = canonical_axes(axis, x.ndim)
    return x, axis


def _check_kind_order(name, kind, order):
    if kind is not None:
        raise TypeError(f"'kind' argument to {name} is not supported. Use stable=True or "
                        "stable=False to specify sort stability.")
    if order is not None:
        raise TypeError(f"'order' argument to {name} is not supported.")


def _index_dtype(dtype=None):
    if dtype is not None:
        return dtypes.python_type_dtype(dtype) or dtypes.canonicalize_dtype(dtype)
    return dtypes.default_int_dtype()


def sort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """Sorted copy of `a` along `axis` (the flattened array if None); NaNs go last.

    >>> jnp.sort(jnp.array([3., 1., 2.]), descending=True)
    Array([3., 2., 1.], dtype=float32)
    """
    check_arraylike("sort", a)
    _check_kind_order("sort", kind, order)
    x, axis = _sort_axis(asarray(a), axis)
    (result,) = so.sort_p.bind(x, dimension=axis, is_stable=bool(stable), num_keys=1)
    return rev_p.bind(result, dimensions=(axis,)) if descending else result


def argsort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False, dtype=None):
    """Indices that sort `a` along `axis`; equal elements keep their order (also when
    descending).

    >>> jnp.argsort(jnp.array([3., 1., 2.]))
    Array([1, 2, 0], dtype=int32)
    """
    check_arraylike("argsort", a)
    _check_kind_order("argsort", kind, order)
    x, axis = _sort_axis(asarray(a), axis)
    iota = iota_p.bind(dtype=_index_dtype(dtype), shape=tuple(x.shape), dimension=axis)
    if descending and stable:  # reversed first, so ties come out in their original order
        x = rev_p.bind(x, dimensions=(axis,))
        iota = rev_p.bind(iota, dimensions=(axis,))
    _, indices = so.sort_p.bind(x, iota, dimension=axis, is_stable=bool(stable), num_keys=1)
    return rev_p.bind(indices, dimensions=(axis,)) if descending else indices


def lexsort(keys, axis=-1):
    """Indices sorting by several keys; the *last* key is the primary one (as NumPy).

    >>> jnp.lexsort([jnp.array([1, 0, 1]), jnp.array([0, 1, 0])])
    Array([0, 2, 1], dtype=int32)
    """
    keys = tuple(keys)
    if len(keys) == 0:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    check_arraylike("lexsort", *keys)
    keys = [asarray(k) for k in keys]
    if len({k.shape for k in keys}) > 1:
        raise ValueError("all keys need to be the same shape")
    if keys[0].ndim == 0:
        return convert(0, dtypes.default_int_dtype())
    (axis,) = canonical_axes(axis, keys[0].ndim)
    iota = iota_p.bind(dtype=dtypes.default_int_dtype(), shape=tuple(keys[0].shape),
                       dimension=axis)
    return so.sort_p.bind(*keys[::-1], iota, dimension=axis, is_stable=True,
                          num_keys=len(keys))[-1]


def _negate(x):
    if x.dtype.kind == "u":  # keep 0 in order: -(x + 1) wraps monotonically
        return negative(add(x, convert(1, x.dtype)))
    return negative(x)


def _last_axis(a, axis, kth, name):
    check_arraylike(name, a)
    x = asarray(a)
    if x.dtype.kind == "c":
        raise NotImplementedError(f"jnp.{name} for complex dtype is not implemented.")
    (axis,) = canonical_axes(axis, x.ndim)
    n = x.shape[axis]
    if not -n <= kth < n:
        raise ValueError(f"kth={kth} is out of bounds for an axis of size {n}")
    return swapaxes(x, axis, -1), axis, kth % n


def partition(a, kth, axis=-1):
    """The kth+1 smallest entries along `axis` (ascending), then the others (descending,
    as JAX orders them).

    >>> jnp.partition(jnp.array([5., 1., 4., 2., 3., 0.]), 2)
    Array([0., 1., 2., 5., 4., 3.], dtype=float32)
    """
    x, axis, kth = _last_axis(a, axis, kth, "partition")
    bottom = negative(so.top_k_p.bind(_negate(x), k=kth + 1, axis=x.ndim - 1)[0])
    if x.dtype.kind == "u":
        bottom = subtract(bottom, convert(1, x.dtype))
    top = so.top_k_p.bind(x, k=x.shape[-1] - kth - 1, axis=x.ndim - 1)[0]
    return swapaxes(concatenate_p.bind(bottom, top, dimension=x.ndim - 1), -1, axis)


def argpartition(a, kth, axis=-1):
    """Indices that partition `a` as jnp.partition does.

    >>> jnp.argpartition(jnp.array([5., 1., 4., 2., 3., 0.]), 2)
    Array([5, 1, 3, 0, 2, 4], dtype=int32)
    """
    x, axis, kth = _last_axis(a, axis, kth, "argpartition")
    n = x.shape[-1]
    bottom = so.top_k_p.bind(_negate(x), k=kth + 1, axis=x.ndim - 1)[1]
    # The rest, in index order: top_k of a 0/1 proxy that zeroes the bottom positions.
    positions = np.arange(n, dtype=np.int32)
    chosen = any_(equal(reshape_p.bind(bottom, new_sizes=tuple(bottom.shape) + (1,)),
                        positions), axis=-2)
    proxy = where(chosen, np.float32(0), np.float32(1))
    top = so.top_k_p.bind(proxy, k=n - kth - 1, axis=x.ndim - 1)[1]
    return swapaxes(concatenate_p.bind(bottom, top, dimension=x.ndim - 1), -1, axis)


def sort_complex(a):
    """Sort along the last axis, returning a complex array."""
    check_arraylike("sort_complex", a)
    x = asarray(a)
    (result,) = so.sort_p.bind(x, dimension=x.ndim - 1, is_stable=True, num_keys=1)
    target = (np.dtype(np.complex128) if x.dtype in (np.float64, np.complex128)
              else np.dtype(np.complex64))
    return convert(result, dtypes.canonicalize_dtype(target))


def searchsorted(a, v, side="left", sorter=None, *, method="scan"):
    """Indices where the values `v` would be inserted into the sorted 1-D array `a`
    (int32, as JAX; NaNs count as largest).

    >>> jnp.searchsorted(jnp.array([1., 2., 3.]), jnp.array([2., 2.5]), side="right")
    Array([2, 2], dtype=int32)
    """
    if method not in ("scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(f"invalid method={method!r} for searchsorted; expected 'scan', "
                         "'scan_unrolled', 'sort' or 'compare_all'")
    check_arraylike("searchsorted", a, v)
    a, v = asarray(a), asarray(v)
    if a.ndim != 1:
        raise ValueError("a should be 1-dimensional")
    a, v = promote(a, v)
    if sorter is not None:
        a = take(a, asarray(sorter))
    dtype = np.dtype(np.int32) if a.shape[0] <= np.iinfo(np.int32).max else np.dtype(np.int64)
    return so.searchsorted_p.bind(a, v, side=side, dtype=dtype)
