"""jax.numpy cumulative reductions: cumsum, cumprod, nancumsum, nancumprod,
cumulative_sum, cumulative_prod (on the primitives of prims/cumulative.py).

Dtypes follow JAX: cumsum/cumprod keep the operand's dtype (booleans accumulate
in the default int); cumulative_sum promotes small integers to the default
int; an explicit dtype=bool accumulates in an int and compares with zero.
"""
import numpy as np

from .. import dtypes
from ..prims import cumulative as cu
from ..prims.shape import reshape_p, concatenate_p
from ..conversion import asarray, convert, check_arraylike
from .shapes import canonical_axes
from .ufuncs import where, isnan, not_equal
from .creation import full


def _user_dtype(dtype):
    return dtypes.python_type_dtype(dtype) or dtypes.canonicalize_dtype(dtype)


def _promote_integer_dtype(dtype):
    if dtype == np.bool_:
        return dtypes.default_int_dtype()
    if dtypes.kind(dtype) == "u" and dtype.itemsize < dtypes.default_uint_dtype().itemsize:
        return dtypes.default_uint_dtype()
    if dtypes.kind(dtype) == "i" and dtype.itemsize < dtypes.default_int_dtype().itemsize:
        return dtypes.default_int_dtype()
    return dtype


def _cumulative(name, primitive, a, axis, dtype, fill_nan=False, fill_value=0,
                promote_integers=False):
    check_arraylike(name, a)
    x = asarray(a)
    if x.ndim == 0 and axis is not None and not x.weak_type:
        # As JAX: a 0-d array has no axis 0 (a weakly typed Python scalar is flattened)
        canonical_axes(axis, 0)
    if axis is None or x.ndim == 0:
        x = reshape_p.bind(x, new_sizes=(x.size,))
    (axis,) = canonical_axes(0 if axis is None else axis, x.ndim)
    if fill_nan and dtypes.is_inexact(x.dtype):
        x = where(isnan(x), convert(fill_value, x.dtype), x)
    if dtype is None:
        result_type = (_promote_integer_dtype(x.dtype)
                       if promote_integers or x.dtype == np.bool_ else x.dtype)
        computation_type = result_type
    else:
        result_type = _user_dtype(dtype)
        computation_type = result_type
        if result_type == np.bool_:
            if x.dtype != np.bool_:
                x = not_equal(x, 0)
            computation_type = _promote_integer_dtype(result_type)
    x = convert(x, computation_type)
    return convert(primitive.bind(x, axis=axis, reverse=False), result_type)


def cumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum along `axis` (the flattened array if None).

    >>> jnp.cumsum(jnp.array([[1, 2], [3, 4]]), axis=1)
    Array([[1, 3],
           [3, 7]], dtype=int32)
    """
    return _cumulative("cumsum", cu.cumsum_p, a, axis, dtype)


def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along `axis` (the flattened array if None).

    >>> jnp.cumprod(jnp.array([1., 2., 3.]))
    Array([1., 2., 6.], dtype=float32)
    """
    return _cumulative("cumprod", cu.cumprod_p, a, axis, dtype)


def nancumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum treating NaNs as zero."""
    return _cumulative("nancumsum", cu.cumsum_p, a, axis, dtype, fill_nan=True, fill_value=0)


def nancumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product treating NaNs as one."""
    return _cumulative("nancumprod", cu.cumprod_p, a, axis, dtype, fill_nan=True, fill_value=1)


def _array_api_cumulative(name, primitive, x, axis, dtype, include_initial, initial,
                          promote_integers):
    check_arraylike(name, x)
    x = asarray(x)
    if x.ndim == 0:
        raise ValueError(f"The input must be non-scalar to take a {name.replace('_', ' ')}, "
                         "however a scalar value or scalar array was given.")
    if axis is None:
        if x.ndim > 1:
            raise ValueError(
                f"The input array has rank {x.ndim}, however axis was not set to an explicit "
                "value. The axis argument is only optional for one-dimensional arrays.")
        axis = 0
    (axis,) = canonical_axes(axis, x.ndim)
    out = _cumulative(name, primitive, x, axis, dtype, promote_integers=promote_integers)
    if include_initial:
        shape = list(x.shape)
        shape[axis] = 1
        out = concatenate_p.bind(full(shape, initial, out.dtype), out, dimension=axis)
    return out


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False):
    """Array-API cumulative sum (small integers accumulate in the default int).

    >>> jnp.cumulative_sum(jnp.array([1, 2, 3]), include_initial=True)
    Array([0, 1, 3, 6], dtype=int32)
    """
    return _array_api_cumulative("cumulative_sum", cu.cumsum_p, x, axis, dtype, include_initial,
                                 0, True)


def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False):
    """Array-API cumulative product.

    >>> jnp.cumulative_prod(jnp.array([1, 2, 3]), include_initial=True)
    Array([1, 1, 2, 6], dtype=int32)
    """
    return _array_api_cumulative("cumulative_prod", cu.cumprod_p, x, axis, dtype,
                                 include_initial, 1, False)
