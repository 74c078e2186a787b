"""Sets and counting: unique (and the array-API unique_* functions), union1d, intersect1d,
setdiff1d, setxor1d, isin, bincount, histogram, histogram_bin_edges, histogram2d,
histogramdd, digitize — plus the sorting helpers they share.

Output sizes depend on values, so without `size=` the input must be concrete (eager);
inside jit pass `size=` (and optionally `fill_value=`), as in JAX. Values come out of
gathers, so they are differentiable.

Rows are ordered with the sort primitives (argsort/lexsort, NaNs last, stable).
"""
import builtins
import math

import numpy as np

from .. import core, dtypes
from ..array import Array
from ..core import Tracer
from ..conversion import asarray, convert, promote
from ..tree import register_pytree_node
from .sorting import searchsorted, argsort, lexsort
from .shapes import ravel, reshape, moveaxis, canonical_axes, concatenate, stack, flip
from .ufuncs import (logical_not, logical_and, not_equal, isnan, where, less, equal,
                     maximum, subtract, add, divide, greater_equal)
from .reductions import any, sum, argmax, min, max
from .cumulative import cumsum
from .indexing import nonzero
from .creation import zeros, linspace
from .selection import ravel_multi_index


def _int(values):
    return Array(np.asarray(values, dtype=dtypes.default_int_dtype()), False)


def _concrete(x):
    return not isinstance(x, Tracer) or x.to_concrete_value() is not None


def _value(x):
    return np.asarray(x.to_concrete_value() if isinstance(x, Tracer) else x)


# ---- sorting helpers ---------------------------------------------------------------------------
def argsort_rows(keys):
    """Stable lexicographic order of the rows of a 2-D array (first column most significant)."""
    keys = asarray(keys)
    n, m = keys.shape
    if n <= 1 or m == 0:
        return _int(np.arange(n))
    if m == 1:
        return argsort(keys[:, 0], stable=True)
    return lexsort(tuple(keys[:, c] for c in reversed(range(m))))


# ---- unique -----------------------------------------------------------------------------------
def _as_rows(x, axis):
    """(rows (n, m), restore(rows) -> array) for unique along `axis` (None: flattened)."""
    if axis is None:
        flat = ravel(x)
        return reshape(flat, (flat.shape[0], 1)), lambda r: reshape(r, (r.shape[0],))
    axis = canonical_axes(axis, x.ndim)[0]
    moved = moveaxis(x, axis, 0)
    rest = moved.shape[1:]
    rows = reshape(moved, (moved.shape[0], math.prod(rest)))
    return rows, lambda r: moveaxis(reshape(r, (r.shape[0],) + rest), 0, axis)


def _sorted_unique(rows, mask, size, equal_nan, what):
    """Sort the rows where `mask` holds (first) and mark the first row of each group.

    Returns (perm, first, group, count): the permutation sorting the rows (masked-out rows
    last), a boolean per sorted row that starts a group of equal valid rows, each sorted
    row's group number, and the number of groups (an int when concrete, else a tracer)."""
    n = rows.shape[0]
    keys = rows if mask is None else concatenate(
        [reshape(convert(logical_not(mask), rows.dtype), (n, 1)), rows], axis=1)
    perm = argsort_rows(keys)
    s = rows[perm]
    valid = Array(np.ones(n, bool), False) if mask is None else mask[perm]
    if n == 0:
        return perm, valid, _int(np.zeros(0)), 0
    differs = not_equal(s[1:], s[:-1])
    if equal_nan and dtypes.is_inexact(rows.dtype):
        differs = logical_and(differs, logical_not(logical_and(isnan(s[1:]), isnan(s[:-1]))))
    first = concatenate([Array(np.ones(1, bool), False), any(differs, axis=1)], axis=0)
    first = logical_and(first, valid)
    group = cumsum(convert(first, dtypes.default_int_dtype())) - 1
    count = sum(first, dtype=dtypes.default_int_dtype())
    if _concrete(count):
        count = int(_value(count))
    elif size is None:
        raise core.ConcretizationTypeError(
            f"jnp.{what} needs a concrete input when size is not given: the number of unique "
            f"values sets the output shape. Inside jit, pass size=N (and optionally "
            f"fill_value=...).")
    return perm, first, group, count


def _fill_past(values, count, size, fill_value):
    """Replace entries at positions >= count with fill_value (along axis 0)."""
    if fill_value is None:
        return values
    keep = less(_int(np.arange(size)), count)
    keep = reshape(keep, (size,) + (1,) * (values.ndim - 1))
    return where(keep, values, convert(fill_value, values.dtype))


def _unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None,
            equal_nan=True, size=None, fill_value=None, what="unique"):
    x = asarray(ar)
    rows, restore = _as_rows(x, axis)
    n = rows.shape[0]
    perm, first, group, count = _sorted_unique(rows, None, size, equal_nan, what)
    out_size = count if size is None else int(size)
    (positions,) = nonzero(first, size=out_size, fill_value=0) if n else (_int(np.zeros(out_size)),)
    if n == 0:
        values = rows[:0] if out_size == 0 else _fill_past(
            convert(Array(np.zeros((out_size, rows.shape[1])), False), rows.dtype), 0,
            out_size, 0 if fill_value is None else fill_value)
    else:
        values = _fill_past(rows[perm][positions], count, out_size, fill_value)
    result = [restore(values)]
    if return_index:
        result.append(perm[positions] if n else _int(np.zeros(out_size)))
    if return_inverse:
        inverse = _int(np.zeros(n)).at[perm].set(group) if n else _int(np.zeros(0))
        if axis is None:
            inverse = inverse.reshape(x.shape)
        result.append(inverse)
    if return_counts:
        counts = _int(np.zeros(out_size)).at[group].add(1) if n else _int(np.zeros(out_size))
        result.append(counts)
    return result[0] if len(result) == 1 else tuple(result)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, size=None, fill_value=None, sorted=True):
    """The sorted unique elements of `ar` (rows/slices along `axis` if given), optionally
    with first indices, inverse indices and counts. Inside jit pass `size=`: missing entries
    are `fill_value` (default: the smallest unique value), their counts 0.

    >>> jnp.unique(jnp.array([3, 1, 3]), return_counts=True)
    (Array([1, 3], dtype=int32), Array([1, 2], dtype=int32))
    """
    return _unique(ar, return_index, return_inverse, return_counts, axis, equal_nan, size,
                   fill_value)


class _UniqueAllResult(tuple):
    _fields = ("values", "indices", "inverse_indices", "counts")

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])
    inverse_indices = property(lambda self: self[2])
    counts = property(lambda self: self[3])


class _UniqueCountsResult(tuple):
    _fields = ("values", "counts")

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    values = property(lambda self: self[0])
    counts = property(lambda self: self[1])


class _UniqueInverseResult(tuple):
    _fields = ("values", "inverse_indices")

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    values = property(lambda self: self[0])
    inverse_indices = property(lambda self: self[1])


def _register_results():
    for cls in (_UniqueAllResult, _UniqueCountsResult, _UniqueInverseResult):
        register_pytree_node(cls, lambda r: (tuple(r), None),
                             lambda aux, children, cls=cls: cls(*children))


_register_results()


def unique_values(x, /, *, size=None, fill_value=None):
    return _unique(x, equal_nan=False, size=size, fill_value=fill_value, what="unique_values")


def unique_counts(x, /, *, size=None, fill_value=None):
    return _UniqueCountsResult(*_unique(x, return_counts=True, equal_nan=False, size=size,
                                        fill_value=fill_value, what="unique_counts"))


def unique_inverse(x, /, *, size=None, fill_value=None):
    return _UniqueInverseResult(*_unique(x, return_inverse=True, equal_nan=False, size=size,
                                         fill_value=fill_value, what="unique_inverse"))


def unique_all(x, /, *, size=None, fill_value=None):
    return _UniqueAllResult(*_unique(x, True, True, True, equal_nan=False, size=size,
                                     fill_value=fill_value, what="unique_all"))


# ---- set operations ------------------------------------------------------------------------------
def isin(element, test_elements, assume_unique=False, invert=False, *, method="auto"):
    """Elementwise: is `element` among `test_elements`?"""
    e, t = promote(element, test_elements)
    flat = ravel(t)
    hit = any(equal(reshape(e, e.shape + (1,)), flat), axis=-1) if flat.shape[0] else \
        Array(np.zeros(e.shape, bool), False)
    return logical_not(hit) if invert else hit


def _masked_set(values, mask, size, fill_value, what, default_fill="first", with_count=False):
    """Sorted unique values of `values` where `mask` holds, with JAX's size/fill rules."""
    rows = values.reshape((values.shape[0], 1))
    n = rows.shape[0]
    perm, first, group, count = _sorted_unique(rows, mask, size, True, what)
    out_size = count if size is None else int(size)
    if n == 0:
        result = convert(Array(np.zeros(out_size), False), values.dtype)
        return (result, 0) if with_count else result
    (positions,) = nonzero(first, size=out_size, fill_value=0)
    result = rows[perm][positions][:, 0]
    if fill_value is None and default_fill == "zero":
        fill_value = 0
    if fill_value is None:
        fill_value = result[0] if out_size else 0
    result = _fill_past(result, count, out_size, fill_value)
    return (result, count) if with_count else result


def union1d(ar1, ar2, *, size=None, fill_value=None):
    a, b = promote(ar1, ar2)
    return _masked_set(concatenate([ravel(a), ravel(b)]), None, size, fill_value, "union1d")


def setdiff1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """Sorted unique values of `ar1` not in `ar2` (`size=` pads with fill_value, default 0)."""
    a = ravel(asarray(ar1))  # the result keeps ar1's dtype, as in JAX
    return _masked_set(a, isin(a, ar2, invert=True), size, fill_value, "setdiff1d", "zero")


def setxor1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """Sorted unique values in exactly one of `ar1` and `ar2`."""
    a, b = promote(ar1, ar2)
    a, b = ravel(a), ravel(b)
    mask = concatenate([isin(a, b, invert=True), isin(b, a, invert=True)])
    return _masked_set(concatenate([a, b]), mask, size, fill_value, "setxor1d")


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False, *, size=None,
                fill_value=None):
    """Sorted unique values in both arrays; with `return_indices`, also the first index of
    each in `ar1` and in `ar2` (padding entries get the array length)."""
    a, b = promote(ar1, ar2)
    a, b = ravel(a), ravel(b)
    values, count = _masked_set(a, isin(a, b), size, fill_value, "intersect1d",
                                with_count=True)
    if not return_indices:
        return values
    k = values.shape[0]

    def first_index(arr):
        if k == 0 or arr.shape[0] == 0:
            return _int(np.full(k, arr.shape[0]))
        found = argmax(equal(values[:, None], arr[None, :]), axis=1)
        # Padding entries point past the array, as in JAX.
        return where(less(_int(np.arange(k)), count), found, arr.shape[0])

    return values, first_index(a), first_index(b)


# ---- counting: bincount, histograms, digitize ------------------------------------------------------
def bincount(x, weights=None, minlength=0, *, length=None, out_sharding=None):
    """Counts (or summed weights) of each non-negative integer in `x`; negative values count
    as 0 and values >= length are dropped, as in JAX. Inside jit pass `length=`."""
    x = asarray(x)
    if not dtypes.is_integer(x.dtype) and x.dtype != np.bool_:
        raise TypeError(f"x argument to bincount must have an integer type; got {x.dtype}")
    if x.ndim != 1:
        raise ValueError("only 1-dimensional input supported.")
    minlength = int(core.concrete_or_error(minlength, "the minlength argument of bincount")) \
        if isinstance(minlength, Tracer) else int(minlength)
    if minlength < 0:
        raise ValueError("minlength must be non-negative")
    if length is None:
        if not _concrete(x):
            raise core.ConcretizationTypeError(
                "jnp.bincount needs a concrete input when length is not given: the largest "
                "value sets the output shape. Inside jit, pass length=N.")
        value = _value(x)
        length = builtins.max(minlength, int(value.max()) + 1 if value.size else 0)
    else:
        length = int(length)
    if weights is None:
        weights = Array(np.ones(x.shape, dtypes.default_int_dtype()), True)
        dtype = dtypes.default_int_dtype()
    else:
        weights = asarray(weights)
        dtype = weights.dtype
    index = maximum(convert(x, dtypes.default_int_dtype()), 0)
    return zeros(length, dtype).at[index].add(convert(weights, dtype))


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    """Edges of `bins` equal-width bins over `range` (default: the data's min and max)."""
    x = asarray(a)
    if not (isinstance(bins, (int, np.integer))
            or (hasattr(bins, "ndim") and bins.ndim == 0 and not isinstance(bins, Tracer))):
        edges = asarray(bins)
        if edges.ndim != 1:
            raise ValueError("`bins` must be 1d, when an array")
        return edges
    dtype = dtypes.to_inexact(x.dtype)
    if x.size == 0 and range is None:
        lo = hi = convert(0.0, dtype)
    elif range is None:
        lo, hi = convert(min(x), dtype), convert(max(x), dtype)
    else:
        lo, hi = convert(asarray(range[0]), dtype), convert(asarray(range[1]), dtype)
    same = equal(lo, hi)
    lo = where(same, subtract(lo, 0.5), lo)
    hi = where(same, add(hi, 0.5), hi)
    return linspace(lo, hi, int(bins) + 1, dtype=dtype)


def histogram(a, bins=10, range=None, weights=None, density=None):
    """(counts, bin_edges); counts are floats (weights' dtype), as in JAX."""
    x = ravel(asarray(a))
    edges = histogram_bin_edges(x, bins, range, weights)
    if weights is None:
        weights = Array(np.ones(x.shape, dtypes.to_inexact(edges.dtype)), False)
    else:
        x, weights = x, ravel(asarray(weights))
        if weights.shape != x.shape:
            raise ValueError("weights should have the same shape as a.")
    index = searchsorted(edges, x, side="right")
    index = where(equal(convert(x, edges.dtype), edges[-1]), edges.shape[0] - 1, index)
    counts = zeros(edges.shape[0], weights.dtype).at[index].add(weights)[1:]
    if density:
        widths = edges[1:] - edges[:-1]
        counts = divide(divide(counts, widths), sum(counts))
    return counts, edges


def histogramdd(sample, bins=10, range=None, weights=None, density=None):
    """Multidimensional histogram of `sample` (N, D): (counts, list of D edge arrays)."""
    s = asarray(sample)
    if s.ndim != 2:
        raise ValueError("sample must be 2-dimensional (N, D)")
    n, d = s.shape
    if isinstance(bins, (int, np.integer)):
        bins = [bins] * d
    if len(bins) != d:
        raise ValueError("should be a bin for each dimension.")
    ranges = [None] * d if range is None else list(range)
    edges, indices, sizes = [], [], []
    for i in builtins.range(d):
        e = histogram_bin_edges(s[:, i], bins[i], ranges[i], weights)
        idx = searchsorted(e, s[:, i], side="right")
        idx = where(equal(convert(s[:, i], e.dtype), e[-1]), idx - 1, idx)
        edges.append(e)
        indices.append(idx)
        sizes.append(e.shape[0] + 1)
    flat = ravel_multi_index(indices, sizes, mode="clip")
    counts = bincount(flat, weights, length=math.prod(sizes)).reshape(sizes)
    counts = counts[tuple(slice(1, -1) for _ in builtins.range(d))]
    if density:
        counts = divide(counts, sum(counts))
        for i, e in enumerate(edges):
            shape = [1] * d
            shape[i] = e.shape[0] - 1
            counts = divide(counts, (e[1:] - e[:-1]).reshape(shape))
    return counts, edges


def histogram2d(x, y, bins=10, range=None, weights=None, density=None):
    """2-D histogram: (counts, x edges, y edges)."""
    x, y = promote(x, y)
    sample = stack([x, y], axis=1)
    if not isinstance(bins, (int, np.integer)) and len(bins) != 2:
        bins = [bins, bins]
    counts, (ex, ey) = histogramdd(sample, bins, range, weights, density)
    return counts, ex, ey


def digitize(x, bins, right=False, *, method=None):
    """Indices of the bins (increasing or decreasing edges) that each value of `x` falls in."""
    x, edges = asarray(x), asarray(bins)
    if edges.ndim != 1:
        raise ValueError(f"digitize: bins must be a 1-dimensional array; got bins={bins}")
    if edges.shape[0] == 0:
        return _int(np.zeros(x.shape))
    side = "left" if right else "right"
    increasing = searchsorted(edges, x, side)
    decreasing = subtract(edges.shape[0], searchsorted(flip(edges), x, side))
    return where(greater_equal(edges[-1], edges[0]), increasing, decreasing)
