"""Cumulative reductions along one axis: cumsum, cumprod, cummax, cummin, cumlogsumexp.

Each primitive takes `axis` and `reverse` (accumulate from the end). Floating-point
sums, products and logsumexps are computed in XLA's order (`_blocked_scan`), whose
rounding JAX programs see; the rest with NumPy's accumulating ufuncs. Derivatives follow JAX:
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


# XLA on CPU computes a cumulative sum (product, logsumexp) of floats as a reduce_window
# whose window is the whole prefix, rewritten into scans of blocks of 16 elements, a
# scan of the block totals (the same rewrite, recursively) added back to each block. Each
# window is folded left to right in the operand's dtype. Its rounding is JAX's: float16
# and bfloat16 cumsums reach 408 and 414 over 4096 0.1s (sequential sums stop at 256 and
# 32). Integers, and max/min, give the same result in any order: NumPy's accumulate.
_SCAN_BLOCK = 16


def _blocked_scan(combine, identity, x, reverse):
    """XLA's scan of `x` along its last axis with `combine`, from the end if `reverse`."""
    n = x.shape[-1]
    width = min(n, _SCAN_BLOCK)
    blocks = -(-n // width) if n else 0
    if blocks * width != n:  # the window's padding: the identity, which changes nothing
        padding = np.full(x.shape[:-1] + (blocks * width - n,), identity, x.dtype)
        x = np.concatenate([x, padding], axis=-1)
    x = x.reshape(x.shape[:-1] + (blocks, width))
    out = x.copy()
    if not reverse:
        for k in range(1, width):
            out[..., k] = combine(out[..., k - 1], x[..., k])
        totals = out[..., -1]
    else:  # each suffix folded left to right: out[i] = x[i] . x[i + 1] . ... . x[-1]
        for k in range(1, width):
            out[..., :width - k] = combine(out[..., :width - k], x[..., k:])
        totals = out[..., 0]
    if blocks > 1:
        carry = _blocked_scan(combine, identity, totals, reverse)
        if not reverse:
            out[..., 1:, :] = combine(out[..., 1:, :], carry[..., :-1, None])
        else:
            out[..., :-1, :] = combine(out[..., :-1, :], carry[..., 1:, None])
    return out.reshape(out.shape[:-2] + (blocks * width,))[..., :n]


def _logaddexp(a, b):
    # Rounded to the operands' dtype (NumPy has no logaddexp loop for float16/bfloat16).
    if a.dtype in (np.float32, np.float64):
        return np.logaddexp(a, b)
    return np.logaddexp(a.astype(np.float32), b.astype(np.float32)).astype(a.dtype)


def _xla_scan(combine, identity, accumulate):
    """impl(x, axis, reverse): XLA's blocked scan for floats, NumPy's `accumulate` else."""
    def impl(x, axis, reverse):
        x = np.asarray(x)
        if dtypes.kind(x.dtype) not in "fc" or x.shape[axis] == 0:
            return _accumulating(accumulate)(x, axis, reverse)
        out = _blocked_scan(combine, identity, np.moveaxis(x, axis, -1), reverse)
        return np.moveaxis(out, -1, axis)
    return impl


def _numpy_accumulation(name):
    return lambda x, axis: getattr(np, name).accumulate(x, axis=axis, dtype=x.dtype)


_accumulations = {
    "cumsum": (_xla_scan(np.add, 0, _numpy_accumulation("add")), "np.cumsum", True),
    "cumprod": (_xla_scan(np.multiply, 1, _numpy_accumulation("multiply")), "np.cumprod",
                True),
    "cummax": (_accumulating(lambda x, axis: np.maximum.accumulate(x, axis=axis)),
               "np.maximum.accumulate", False),
    "cummin": (_accumulating(lambda x, axis: np.minimum.accumulate(x, axis=axis)),
               "np.minimum.accumulate", False),
    "cumlogsumexp": (_xla_scan(_logaddexp, -np.inf,
                               lambda x, axis: np.logaddexp.accumulate(x, axis=axis)),
                     None, False),
}


def _batch(primitive):
    def batch(values, dims, axis, reverse):
        (x,), (d,) = values, dims
        return primitive.bind(x, axis=axis + (d <= axis), reverse=reverse), d
    return batch


def _define(name):
    accumulate, numpy_name, keep_dtype = _accumulations[name]
    p = Primitive(name)
    accumulating = quiet(accumulate)

    def impl(x, axis, reverse):
        _check(name, core.get_aval(x), axis)  # eager calls skip abstract_eval: check here
        return accumulating(x, axis, reverse)

    p.impl = impl
    p.abstract_eval = lambda x, axis, reverse: _check(name, x, axis)
    p.batch = _batch(p)
    if numpy_name is not None:
        def lower(names, params, avals=None):
            if (params["reverse"] or avals is None or avals[0].shape[params["axis"]] == 0
                    or (keep_dtype and dtypes.kind(avals[0].dtype) in "fc")):
                return None  # the implementation: XLA's order of floating-point sums
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
