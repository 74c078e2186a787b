"""logsumexp, and the argument checks scipy's functions share: below both scipy.special
and nn (nn's softmax family uses logsumexp; scipy.special's softmax is nn's)."""
import operator

import numpy as np

from ..lax import lax
from ..numpy_api import ufuncs, reductions, shapes
from ..conversion import promote_inexact, check_arraylike
from ..prims.util import const_like


def _promote(name, *args):
    check_arraylike(name, *args)
    out = promote_inexact(*args)
    for x in out:
        if x.dtype.kind == "c":
            raise ValueError(f"{name} does not support complex-valued inputs.")
    return out


def _const(x, value):
    """A weakly typed scalar of x's dtype (leaves the result's weak type to x)."""
    return const_like(x, value)


_where = ufuncs.where


def _reduction_dims(ndim, axis):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        a = operator.index(a)
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"axis {a} is out of bounds for array of dimension {ndim}")
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """log(sum(b * exp(a))) along `axis`, computed stably (JAX's algorithm and gradient).

    With return_sign=True returns (log|sum|, sign(sum)); otherwise a negative sum
    (possible with b) gives NaN."""
    if where is not None:
        a = _where(where, a, 0)
    if b is not None:
        a_arr, b_arr = _promote("logsumexp", a, b)
        a_arr = _where(b_arr != 0, a_arr, _const(a_arr, -np.inf))
    else:
        (a_arr,) = _promote("logsumexp", a)
        b_arr = None
    dims = _reduction_dims(a_arr.ndim, axis)
    amax = reductions.max(a_arr, axis=dims, keepdims=keepdims, where=where, initial=-np.inf)
    amax = lax.stop_gradient(_where(ufuncs.isfinite(amax), amax, _const(amax, 0)))
    amax_with_dims = amax if keepdims else shapes.expand_dims(amax, dims)
    exp_a = ufuncs.exp(a_arr - amax_with_dims)
    if b_arr is not None:
        exp_a = exp_a * b_arr
    sumexp = reductions.sum(exp_a, axis=dims, keepdims=keepdims, where=where)
    sign = ufuncs.sign(sumexp)
    out = ufuncs.log(ufuncs.abs(sumexp)) + amax
    if return_sign:
        return out, sign
    if b_arr is not None:
        out = _where(sign < 0, _const(out, np.nan), out)
    return out
