"""Statistics: the NaN-ignoring reductions (nansum, nanmean, nanvar, nanargmax, ...),
median, quantile and percentile (and their nan* versions), cov and corrcoef.

Quantiles sort along the reduced axes and interpolate between
gathered neighbours, following JAX's formulas (so 'nearest' rounds half down, like JAX).
"""
import math

import numpy as np

from .. import dtypes
from ..array import Array
from ..conversion import asarray, convert, promote_inexact, check_arraylike
from .shapes import (canonical_axes, moveaxis, reshape, ravel, transpose, atleast_2d, concatenate,
                     squeeze)
from . import reductions as rd
from .ufuncs import (isnan, where, where as select, logical_not, divide, subtract, square,
                     less_equal, sqrt, floor, ceil, multiply, add, clip, true_divide,
                     conjugate)
from .indexing import take_along_axis, diagonal
from .sorting import sort
from .contractions import dot


def _nan_mask(x):
    return isnan(x)


def _replace_nan(x, value):
    x = asarray(x)
    if not dtypes.is_inexact(x.dtype):
        return x
    return where(_nan_mask(x), convert(value, x.dtype, True), x)


# ---- NaN-ignoring reductions -------------------------------------------------------------------
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Sum treating NaNs as zero."""
    check_arraylike("nansum", a)
    return rd.sum(_replace_nan(a, 0), axis=axis, dtype=dtype, keepdims=keepdims, initial=initial,
                  where=where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Product treating NaNs as one."""
    check_arraylike("nanprod", a)
    return rd.prod(_replace_nan(a, 1), axis=axis, dtype=dtype, keepdims=keepdims,
                   initial=initial, where=where)


def _nan_extremum(reduce, fill):
    def fn(a, axis=None, out=None, keepdims=False, initial=None, where=None):
        x = asarray(a)
        if not dtypes.is_inexact(x.dtype):
            return reduce(x, axis=axis, keepdims=keepdims, initial=initial, where=where)
        result = reduce(_replace_nan(x, fill), axis=axis, keepdims=keepdims, initial=initial,
                        where=where)
        all_nan = rd.all(_nan_mask(x), axis=axis, keepdims=keepdims)
        return select(all_nan, convert(np.nan, result.dtype, True), result)
    return fn


nanmax = _nan_extremum(rd.max, -np.inf)
nanmax.__name__, nanmax.__doc__ = "nanmax", "Maximum ignoring NaNs (NaN where all are NaN)."
nanmin = _nan_extremum(rd.min, np.inf)
nanmin.__name__, nanmin.__doc__ = "nanmin", "Minimum ignoring NaNs (NaN where all are NaN)."


def _nan_arg_extremum(reduce, fill):
    def fn(a, axis=None, out=None, keepdims=None):
        x = asarray(a)
        if not dtypes.is_inexact(x.dtype):
            return reduce(x, axis=axis, keepdims=bool(keepdims))
        mask = _nan_mask(x)
        result = reduce(_replace_nan(x, fill), axis=axis, keepdims=bool(keepdims))
        all_nan = rd.all(mask, axis=axis, keepdims=bool(keepdims))
        return select(all_nan, -1, result)
    return fn


nanargmax = _nan_arg_extremum(rd.argmax, -np.inf)
nanargmax.__name__, nanargmax.__doc__ = "nanargmax", "argmax ignoring NaNs (-1 where all are NaN)."
nanargmin = _nan_arg_extremum(rd.argmin, np.inf)
nanargmin.__name__, nanargmin.__doc__ = "nanargmin", "argmin ignoring NaNs (-1 where all are NaN)."


def _count_not_nan(x, axis, keepdims, where, dtype):
    return rd.sum(logical_not(_nan_mask(x)), axis=axis, keepdims=keepdims, where=where,
                  dtype=dtype)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    """Mean of the non-NaN elements."""
    check_arraylike("nanmean", a)
    x = asarray(a)
    target = dtypes.canonicalize_dtype(dtype) if dtype is not None else dtypes.to_inexact(x.dtype)
    x = convert(x, target)
    if not dtypes.is_inexact(x.dtype):
        return rd.mean(x, axis=axis, dtype=dtype, keepdims=keepdims, where=where)
    total = nansum(x, axis=axis, keepdims=keepdims, where=where)
    return divide(total, _count_not_nan(x, axis, keepdims, where, target))


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None, mean=None):
    """Variance of the non-NaN elements (NaN where fewer than ddof + 1 remain)."""
    check_arraylike("nanvar", a)
    x = asarray(a)
    target = dtypes.canonicalize_dtype(dtype) if dtype is not None else dtypes.to_inexact(x.dtype)
    x = convert(x, target)
    center = nanmean(x, axis=axis, keepdims=True, where=where) if mean is None else mean
    centered = _replace_nan(subtract(x, center), 0)
    total = rd.sum(square(centered), axis=axis, keepdims=keepdims, where=where)
    normalizer = subtract(_count_not_nan(x, axis, keepdims, where, target), ddof)
    result = divide(total, normalizer)
    return select(less_equal(normalizer, 0), convert(np.nan, result.dtype, True), result)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None, mean=None):
    """Standard deviation of the non-NaN elements."""
    return sqrt(nanvar(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=where,
                       mean=mean))


# ---- quantiles ----------------------------------------------------------------------------------
_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(a, q, axis, method, keepdims, ignore_nan, weights, name):
    if weights is not None:
        raise NotImplementedError(f"jnp.{name}: weights (method='inverted_cdf') are not "
                                  "supported by jaxlite")
    if method not in _METHODS:
        raise ValueError("method can only be 'linear', 'lower', 'higher', 'midpoint', "
                         "'nearest' or 'inverted_cdf'")
    check_arraylike(name, a, q)
    # As in JAX: a alone decides the (strong) dtype, and q computes in it.
    (x,) = promote_inexact(a)
    x, q = asarray(x, dtype=x.dtype), asarray(q, dtype=x.dtype)
    if q.ndim > 1:
        raise ValueError(f"q must be have rank <= 1, got shape {q.shape}")
    axes = canonical_axes(axis, x.ndim)
    kept = [i for i in range(x.ndim) if i not in axes]
    kept_shape = tuple(x.shape[i] for i in kept)
    n = math.prod(x.shape[i] for i in axes)
    lanes = reshape(transpose(x, kept + list(axes)), kept_shape + (n,))
    if not ignore_nan:
        lanes = where(rd.any(isnan(lanes), axis=-1, keepdims=True),
                      convert(np.nan, lanes.dtype, True), lanes)
    s = sort(lanes, axis=-1)
    if ignore_nan:
        counts = rd.sum(logical_not(isnan(lanes)), axis=-1, keepdims=True, dtype=x.dtype)
    else:
        counts = convert(n, x.dtype, True)
    qs = ravel(q)
    k = qs.shape[0]
    position = multiply(reshape(qs, (1,) * len(kept_shape) + (k,)), subtract(counts, 1))
    low, high = floor(position), ceil(position)
    high_weight = subtract(position, low)
    low_weight = subtract(1, high_weight)
    last = subtract(counts, 1)
    low_index = convert(clip(low, 0, last), dtypes.default_int_dtype())
    high_index = convert(clip(high, 0, last), dtypes.default_int_dtype())
    if n == 0:
        low_value = high_value = convert(np.full(kept_shape + (k,), np.nan), x.dtype)
    else:
        low_value = take_along_axis(s, low_index, axis=-1, mode="clip")
        high_value = take_along_axis(s, high_index, axis=-1, mode="clip")
    if method == "linear":
        result = add(multiply(low_value, low_weight), multiply(high_value, high_weight))
    elif method == "lower":
        result = low_value
    elif method == "higher":
        result = high_value
    elif method == "nearest":
        result = where(less_equal(high_weight, 0.5), low_value, high_value)
    else:
        result = multiply(add(low_value, high_value), 0.5)
    result = moveaxis(result, -1, 0)  # (k, *kept_shape)
    if keepdims:
        out_shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    else:
        out_shape = kept_shape
    return reshape(result, tuple(q.shape) + out_shape)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False,
             *, weights=None):
    """The `q`-th quantiles (q in [0, 1], scalar or 1-D) along `axis`.

    >>> jnp.quantile(jnp.array([1., 2., 3., 4.]), 0.5)
    Array(2.5, dtype=float32)
    """
    return _quantile(a, q, axis, method, keepdims, False, weights, "quantile")


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None):
    """quantile ignoring NaNs."""
    return _quantile(a, q, axis, method, keepdims, True, weights, "nanquantile")


def _percent(q):
    return true_divide(q, 100.0)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None, out_sharding=None):
    """The `q`-th percentiles (q in [0, 100]) along `axis`."""
    (q,) = promote_inexact(q)
    return quantile(a, _percent(q), axis=axis, method=method, keepdims=keepdims,
                    weights=weights)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None):
    """percentile ignoring NaNs."""
    (q,) = promote_inexact(q)
    return nanquantile(a, _percent(q), axis=axis, method=method, keepdims=keepdims,
                       weights=weights)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median along `axis` (NaN if a lane holds a NaN)."""
    return quantile(a, 0.5, axis=axis, keepdims=keepdims, method="midpoint")


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median of the non-NaN elements along `axis`."""
    return nanquantile(a, 0.5, axis=axis, keepdims=keepdims, method="midpoint")


# ---- covariance ---------------------------------------------------------------------------------
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None,
        dtype=None):
    """Covariance matrix of the variables in the rows (columns if not rowvar) of `m`."""
    check_arraylike("cov", m)
    x = atleast_2d(asarray(m))
    if x.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    if dtype is None:
        dtype = dtypes.to_inexact(x.dtype)
    x = convert(x, dtypes.canonicalize_dtype(dtype))
    if not rowvar and x.shape[0] != 1:
        x = transpose(x)
    if x.shape[0] == 0:
        return convert(Array(np.zeros((0, 0)), False), x.dtype)
    if y is not None:
        y = atleast_2d(asarray(y))
        if not rowvar and y.shape[0] != 1:
            y = transpose(y)
        x = concatenate([x, convert(y, x.dtype)], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    w = None
    if fweights is not None:
        w = convert(asarray(fweights), x.dtype)
        if w.ndim != 1 or w.shape[0] != x.shape[1]:
            raise RuntimeError("fweights must be 1-D with one weight per observation")
    if aweights is not None:
        aw = convert(asarray(aweights), x.dtype)
        if aw.ndim != 1 or aw.shape[0] != x.shape[1]:
            raise RuntimeError("aweights must be 1-D with one weight per observation")
        w = aw if w is None else multiply(w, aw)
    avg, w_sum = rd.average(x, axis=1, weights=w, returned=True)
    if w is None:
        fact = convert(x.shape[1] - ddof, x.dtype)
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = subtract(w_sum, ddof)
    else:
        fact = subtract(w_sum, divide(multiply(ddof, rd.sum(multiply(w, aw))), w_sum))
    centered = subtract(x, avg[:, None])
    weighted = centered if w is None else multiply(centered, w)
    c = divide(dot(centered, transpose(conjugate(weighted))), fact)
    return squeeze(c)


def corrcoef(x, y=None, rowvar=True, dtype=None):
    """Pearson correlation coefficients (cov normalized by the standard deviations)."""
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return divide(c, c)
    d = diagonal(c)
    stddev = sqrt(d)
    c = divide(divide(c, stddev[:, None]), stddev[None, :])
    return clip(c, -1, 1)
