"""Reductions: sum, mean, max, min, prod, argmax, argmin, all, any, var, std, ..."""
import builtins

import numpy as np

from .. import dtypes
from ..prims import reduce as red
from ..prims import elementwise as ew
from ..prims import transcendental as tr
from ..prims.shape import reshape_p
from ..conversion import asarray, convert, promote_inexact, check_arraylike
from ..prims.complex import real_p, conj_p
from .shapes import canonical_axes, broadcast_to
from .ufuncs import where as select, _as_bool, multiply


def _keepdims(x, result, axes, keepdims):
    if not keepdims:
        return result
    shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    return reshape_p.bind(result, new_sizes=shape)


def _sum_dtype(x_dtype):
    # Sums of bools and narrower ints accumulate in the default int (as JAX does).
    if x_dtype == np.bool_:
        return dtypes.default_int_dtype()
    kind = dtypes.kind(x_dtype)  # int4/uint4 too (NumPy calls them "V")
    if kind == "i" and x_dtype.itemsize < dtypes.default_int_dtype().itemsize:
        return dtypes.default_int_dtype()
    if kind == "u" and x_dtype.itemsize < dtypes.default_uint_dtype().itemsize:
        return dtypes.default_uint_dtype()
    return x_dtype


def _upcast_narrow(dtype):
    """float16 and bfloat16 sums, products, means and variances compute in float32 and
    round once at the end, as JAX's jnp does (they would lose most of their digits
    otherwise: 4096 bfloat16 0.1s accumulated in bfloat16 sum to 32, not 410)."""
    return dtypes.kind(dtype) == "f" and dtype.itemsize == 2


def _masked(x, where, identity):
    if where is None:
        return x
    return select(where, x, identity)


def _accumulate(name, primitive, combine, identity, a, axis, dtype, keepdims, initial, where):
    """sum and prod: accumulate in the default int for small ints/bools, as JAX does."""
    check_arraylike(name, a)
    x = asarray(a)
    target = dtypes.canonicalize_dtype(dtype) if dtype is not None else _sum_dtype(x.dtype)
    if x.dtype != target:
        x = convert(x, target)
    x = _masked(x, where, identity)
    if _upcast_narrow(target):
        x = convert(x, np.dtype(np.float32))
    axes = canonical_axes(axis, x.ndim)
    result = primitive.bind(x, axes=axes) if axes else x
    if initial is not None:
        result = combine.bind(result, convert(initial, result.dtype))
    return _keepdims(x, convert(result, target), axes, keepdims)


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None,
        promote_integers=True):
    return _accumulate("sum", red.reduce_sum_p, ew.add_p, 0, a, axis, dtype, keepdims,
                       initial, where)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None,
         promote_integers=True):
    return _accumulate("prod", red.reduce_prod_p, ew.mul_p, 1, a, axis, dtype, keepdims,
                       initial, where)


def _extremum(primitive, name, identity_sign):
    def fn(a, axis=None, out=None, keepdims=False, initial=None, where=None):
        x = asarray(a)
        axes = canonical_axes(axis, x.ndim)
        if builtins.any(x.shape[i] == 0 for i in axes) and initial is None:
            raise ValueError(f"zero-size array to reduction operation {name} which has no "
                             "identity; pass initial=...")
        if where is not None:
            if initial is None:
                raise ValueError(f"reduction operation {name} with where= needs initial=")
            x = _masked(x, where, initial)
        result = primitive.bind(x, axes=axes) if axes else x
        if initial is not None:
            other = convert(initial, result.dtype)
            result = (ew.max_p if identity_sign < 0 else ew.min_p).bind(result, other)
        return _keepdims(x, result, axes, keepdims)
    fn.__name__ = name
    return fn


max = amax = _extremum(red.reduce_max_p, "max", -1)
min = amin = _extremum(red.reduce_min_p, "min", 1)


def all(a, axis=None, out=None, keepdims=False, *, where=None):
    x = _masked(_as_bool(a), where, True)
    axes = canonical_axes(axis, x.ndim)
    result = red.reduce_and_p.bind(x, axes=axes) if axes else x
    return _keepdims(x, result, axes, keepdims)


def any(a, axis=None, out=None, keepdims=False, *, where=None):
    x = _masked(_as_bool(a), where, False)
    axes = canonical_axes(axis, x.ndim)
    result = red.reduce_or_p.bind(x, axes=axes) if axes else x
    return _keepdims(x, result, axes, keepdims)


def _count(x, axes):
    n = 1
    for i in axes:
        n *= x.shape[i]
    return n


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    check_arraylike("mean", a)
    x = asarray(a)
    target = dtypes.canonicalize_dtype(dtype) if dtype is not None else dtypes.to_inexact(x.dtype)
    if _upcast_narrow(target):
        return convert(mean(convert(x, np.dtype(np.float32)), axis, keepdims=keepdims,
                            where=where), target)
    if x.dtype != target:
        x = convert(x, target)
    axes = canonical_axes(axis, x.ndim)
    total = sum(x, axis=axes, keepdims=keepdims, where=where)
    if where is None:
        count = convert(_count(x, axes), total.dtype)
    else:
        count = sum(convert(broadcast_to_shape(where, x.shape), total.dtype), axis=axes,
                    keepdims=keepdims)
    return ew.div_p.bind(total, count)


def broadcast_to_shape(x, shape):
    return broadcast_to(x, shape)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, correction=None):
    if correction is not None:
        ddof = correction
    x = asarray(a)
    target = dtypes.canonicalize_dtype(dtype) if dtype is not None else dtypes.to_inexact(x.dtype)
    if _upcast_narrow(target):
        return convert(var(convert(x, np.dtype(np.float32)), axis, ddof=ddof,
                           keepdims=keepdims, where=where), target)
    x = convert(x, target)
    axes = canonical_axes(axis, x.ndim)
    centered = ew.sub_p.bind(x, mean(x, axis=axes, keepdims=True, where=where))
    if target.kind == "c":  # |x - mean|^2: the variance of complex data is real, as in JAX
        squares = real_p.bind(ew.mul_p.bind(centered, conj_p.bind(centered, input_dtype=target)))
        target = squares.dtype
    else:
        squares = ew.integer_pow_p.bind(centered, y=2)
    n = _count(x, axes) if where is None else None
    total = sum(squares, axis=axes, keepdims=keepdims, where=where)
    if n is None:
        n = sum(convert(broadcast_to_shape(where, x.shape), target), axis=axes, keepdims=keepdims)
        normalizer = ew.sub_p.bind(n, convert(ddof, target))
    elif n - ddof > 0:
        return ew.div_p.bind(total, convert(n - ddof, target))
    else:
        normalizer = convert(n - ddof, target)
    # As JAX: no degrees of freedom left gives NaN by a select, so its derivative is 0.
    return select(ew.gt_p.bind(normalizer, convert(0, target)),
                  ew.div_p.bind(total, normalizer), np.nan)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, correction=None):
    return tr.sqrt_p.bind(var(a, axis, dtype, out, ddof, keepdims, where=where,
                              correction=correction))


def _arg_extremum(primitive, name):
    def fn(a, axis=None, out=None, keepdims=False):
        x = asarray(a)
        if axis is None:
            x = reshape_p.bind(x, new_sizes=(x.size,))
            axis_ = 0
        else:
            (axis_,) = canonical_axes(axis, x.ndim)
        if x.shape[axis_] == 0:
            raise ValueError(f"attempt to get {name} of an empty sequence")
        result = primitive.bind(x, axis=axis_, index_dtype=dtypes.default_int_dtype())
        if keepdims:
            if axis is None:
                return reshape_p.bind(result, new_sizes=(1,) * asarray(a).ndim)
            return _keepdims(x, result, (axis_,), True)
        return result
    fn.__name__ = name
    return fn


argmax = _arg_extremum(red.argmax_p, "argmax")
argmin = _arg_extremum(red.argmin_p, "argmin")


def ptp(a, axis=None, out=None, keepdims=False):
    return ew.sub_p.bind(max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims))


def count_nonzero(a, axis=None, keepdims=False):
    return sum(_as_bool(a), axis=axis, keepdims=keepdims, dtype=dtypes.default_int_dtype())


def average(a, axis=None, weights=None, returned=False, keepdims=False):
    if weights is None:
        avg = mean(a, axis=axis, keepdims=keepdims)
        if returned:
            x = asarray(a)
            axes = canonical_axes(axis, x.ndim)
            return avg, convert(_count(x, axes), avg.dtype) * 1
        return avg
    x, w = promote_inexact(a, weights)
    if w.shape != x.shape:
        if axis is None or w.ndim != 1:
            raise ValueError("weights must have the shape of a, or be 1-D along the given axis")
        shape = [1] * x.ndim
        shape[axis] = w.shape[0]
        w = reshape_p.bind(w, new_sizes=tuple(shape))
    total_w = sum(broadcast_to_shape(w, x.shape), axis=axis, keepdims=keepdims)
    avg = ew.div_p.bind(sum(multiply(x, w), axis=axis, keepdims=keepdims), total_w)
    return (avg, total_w) if returned else avg
