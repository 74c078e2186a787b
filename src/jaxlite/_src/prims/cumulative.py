"""Cumulative reductions along one axis: cumsum, cumprod, cummax, cummin, cumlogsumexp.

Each primitive takes `axis` and `reverse` (accumulate from the end). The
implementations are NumPy's accumulating ufuncs. Derivatives follow JAX:
cumsum is linear (its transpose is the cumsum in the other direction); the
others differentiate a parallel prefix scan of their combining function
(`associative_scan` below, JAX's algorithm), so the derivative of cumprod is
exact where the operand has zeros, and cummax/cummin split ties between
equal elements the way JAX's tree of `lax.max`/`lax.min` calls does.
"""
import numpy as np

from .. import ad, core, dtypes
from ..core import Primitive, ShapedArray
from .shape import pad_p, rev_p, slice_p, concatenate_p
from .elementwise import add_p, sub_p, mul_p, max_p, min_p, neg_p, ne_p, eq_p, select_n_p
from .transcendental import exp_p, log1p_p, abs_p
from .util import shape_of, quiet


def _check(name, x, axis):
    if not 0 <= axis < x.ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for an array of shape {x.shape}")
    if dtypes.kind(x.dtype) not in "iufc":
        raise TypeError(f"{name} does not accept dtype {x.dtype.name}. Accepted dtypes are "
                        "subtypes of number.")
    return ShapedArray(x.shape, x.dtype, x.weak_type)


def _accumulating(accumulate):
    """impl(x, axis, reverse) from a NumPy accumulation along `axis`."""
    def impl(x, axis, reverse):
        x = np.asarray(x)
        if x.shape[axis] == 0:
            return x.copy()
        if reverse:
            return np.flip(accumulate(np.flip(x, axis), axis), axis)
        return accumulate(x, axis)
    return impl


def _logaddexp_accumulate(x, axis):
    # NumPy has no logaddexp loop for float16/bfloat16: accumulate in float32.
    if x.dtype in (np.float32, np.float64):
        return np.logaddexp.accumulate(x, axis=axis)
    return np.logaddexp.accumulate(x.astype(np.float32), axis=axis).astype(x.dtype)


_accumulations = {
    "cumsum": (lambda x, axis: np.cumsum(x, axis=axis, dtype=x.dtype), "np.cumsum", True),
    "cumprod": (lambda x, axis: np.cumprod(x, axis=axis, dtype=x.dtype), "np.cumprod", True),
    "cummax": (lambda x, axis: np.maximum.accumulate(x, axis=axis), "np.maximum.accumulate",
               False),
    "cummin": (lambda x, axis: np.minimum.accumulate(x, axis=axis), "np.minimum.accumulate",
               False),
    "cumlogsumexp": (_logaddexp_accumulate, None, False),
}


def _batch(primitive):
    def batch(values, dims, axis, reverse):
        (x,), (d,) = values, dims
        return primitive.bind(x, axis=axis + (d <= axis), reverse=reverse), d
    return batch


def _define(name):
    accumulate, numpy_name, keep_dtype = _accumulations[name]
    p = Primitive(name)
    accumulating = quiet(_accumulating(accumulate))

    def impl(x, axis, reverse):
        _check(name, core.get_aval(x), axis)  # eager calls skip abstract_eval: check here
        return accumulating(x, axis, reverse)

    p.impl = impl
    p.abstract_eval = lambda x, axis, reverse: _check(name, x, axis)
    p.batch = _batch(p)
    if numpy_name is not None:
        def lower(names, params, avals=None):
            if params["reverse"] or avals is None or avals[0].shape[params["axis"]] == 0:
                return None
            dtype = f", dtype={names[0]}.dtype" if keep_dtype else ""
            return f"{numpy_name}({names[0]}, axis={params['axis']}{dtype})"
        p.lower = lower
    return p


cumsum_p = _define("cumsum")
cumprod_p = _define("cumprod")
cummax_p = _define("cummax")
cummin_p = _define("cummin")
cumlogsumexp_p = _define("cumlogsumexp")

cumsum_p.jvp = lambda primals, tangents, axis, reverse: (
    cumsum_p.bind(primals[0], axis=axis, reverse=reverse),
    cumsum_p.bind(tangents[0], axis=axis, reverse=reverse))
cumsum_p.transpose = lambda ct, x, axis, reverse: [
    cumsum_p.bind(ct, axis=axis, reverse=not reverse)]


# ---- the parallel prefix scan the derivatives are taken through --------------------------
def _slice_axis(x, start, stop, stride, axis):
    shape = shape_of(x)
    starts = [0] * len(shape)
    limits = list(shape)
    starts[axis], limits[axis] = start, stop
    strides = [1] * len(shape)
    strides[axis] = stride
    return slice_p.bind(x, start_indices=tuple(starts), limit_indices=tuple(limits),
                        strides=tuple(strides))


def _interleave(a, b, axis):
    """a[0], b[0], a[1], b[1], ... along `axis` (len(a) == len(b) or len(b) + 1)."""
    n_a, n_b = shape_of(a)[axis], shape_of(b)[axis]
    a_pad = [(0, 0, 0)] * len(shape_of(a))
    b_pad = [(0, 0, 0)] * len(shape_of(b))
    a_pad[axis] = (0, 1 if n_a == n_b else 0, 1)
    b_pad[axis] = (1, 0 if n_a == n_b else 1, 1)
    zero = lambda x: np.zeros((), core.get_aval(x).dtype)
    return add_p.bind(pad_p.bind(a, zero(a), padding_config=tuple(a_pad)),
                      pad_p.bind(b, zero(b), padding_config=tuple(b_pad)))


def associative_scan(combine, elems, axis, reverse=False):
    """Inclusive scan of the list of arrays `elems` along `axis` with the associative
    `combine(list_a, list_b) -> list` (Blelloch's algorithm, as jax.lax.associative_scan)."""
    if reverse:
        elems = [rev_p.bind(e, dimensions=(axis,)) for e in elems]

    def scan(elems):
        n = shape_of(elems[0])[axis]
        if n < 2:
            return elems
        reduced = combine([_slice_axis(e, 0, n - 1, 2, axis) for e in elems],
                          [_slice_axis(e, 1, n, 2, axis) for e in elems])
        odd = scan(reduced)
        if n % 2 == 0:
            even = combine([_slice_axis(e, 0, shape_of(e)[axis] - 1, 1, axis) for e in odd],
                           [_slice_axis(e, 2, n, 2, axis) for e in elems])
        else:
            even = combine(odd, [_slice_axis(e, 2, n, 2, axis) for e in elems])
        even = [concatenate_p.bind(_slice_axis(e, 0, 1, 1, axis), r, dimension=axis)
                for e, r in zip(elems, even)]
        return [_interleave(e, o, axis) for e, o in zip(even, odd)]

    out = scan(list(elems))
    if reverse:
        out = [rev_p.bind(o, dimensions=(axis,)) for o in out]
    return out


def _scan_jvp(binary):
    """JVP of a cumulative reduction: the JVP of the scan of `binary` (a primitive whose
    own JVP rule then decides how products with zeros and ties differentiate)."""
    def jvp(primals, tangents, axis, reverse):
        def scanned(x):
            return associative_scan(lambda a, b: [binary.bind(a[0], b[0])], [x], axis, reverse)
        (out,), (t_out,) = ad.jvp_flat(scanned, primals, tangents)
        return out, t_out
    return jvp


def _logaddexp_pair(a, b):
    """logaddexp of (value, tangent) pairs with JAX's rule: the tangent of
    log(e^x1 + e^x2) is t1 e^(x1 - out) + t2 e^(x2 - out), with +inf read as 0."""
    (x1, t1), (x2, t2) = a, b
    dtype = core.get_aval(x1).dtype
    amax = max_p.bind(x1, x2)
    delta = sub_p.bind(x1, x2)
    is_nan = ne_p.bind(delta, delta)  # NaNs, or infinities of the same sign
    out = select_n_p.bind(is_nan, add_p.bind(amax, log1p_p.bind(exp_p.bind(neg_p.bind(
        abs_p.bind(delta))))), add_p.bind(x1, x2))
    inf, zero = np.array(np.inf, dtype), np.zeros((), dtype)
    finite = lambda v: select_n_p.bind(eq_p.bind(v, inf), v, zero)
    w1 = exp_p.bind(sub_p.bind(finite(x1), finite(out)))
    w2 = exp_p.bind(sub_p.bind(finite(x2), finite(out)))
    return [out, add_p.bind(mul_p.bind(t1, w1), mul_p.bind(t2, w2))]


def _cumlogsumexp_jvp(primals, tangents, axis, reverse):
    out, t_out = associative_scan(lambda a, b: _logaddexp_pair(a, b),
                                  [primals[0], tangents[0]], axis, reverse)
    return out, t_out


cumprod_p.jvp = _scan_jvp(mul_p)
cummax_p.jvp = _scan_jvp(max_p)
cummin_p.jvp = _scan_jvp(min_p)
cumlogsumexp_p.jvp = _cumlogsumexp_jvp
