"""Windowed reductions: reduce_window_sum, reduce_window_max, reduce_window_min, and the
two linear primitives the derivatives of max/min pooling are made of,
select_and_gather_add and select_and_scatter_add.

Every primitive takes XLA's window parameters: window_dimensions,
window_strides, padding ((low, high) per dimension, negative allowed),
base_dilation (holes between operand elements, filled with the reduction's
identity) and window_dilation (holes between window elements). The NumPy
implementations read all windows at once through a strided view
(sliding_window_view) of the padded operand; max and min reduce one window
dimension at a time (exact: they never round).

Derivatives are JAX's: reduce_window_sum is linear and transposes to a
reduce_window_sum of the padded, stride-dilated cotangent; reduce_window_max
(min) passes each window the tangent of its maximal (minimal) element, the
first one in row-major window order among ties (select_and_gather_add), whose
transpose scatters each cotangent back to that element (select_and_scatter_add).
Both find each window's winner by its offset in the window; where windows do not
overlap (pooling with stride == window) they move values by offset, one strided
slice each, with no index arithmetic or scatter (about 10x faster); elsewhere
through flat indices into the operand.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import core
from ..core import Primitive, ShapedArray
from ..ad import Zero
from .util import shape_of
from .shape import moveaxis, pad_p, broadcast_batch
from .shape import _pad_impl  # NumPy padding with interior (dilation) and negative pads
from .compiler_rules import extremum_code


# ---- shape arithmetic (shared with conv.py) ----------------------------------------------
def dilate_shape(shape, dilation):
    return tuple(0 if d == 0 else 1 + r * (d - 1) for d, r in zip(shape, dilation))


def padtype_to_pads(in_shape, window_shape, window_strides, padding):
    """(low, high) pads per dimension for 'VALID', 'SAME' or 'SAME_LOWER' (as jax.lax)."""
    kind = padding.upper()
    if kind == "VALID":
        return [(0, 0)] * len(in_shape)
    if kind not in ("SAME", "SAME_LOWER"):
        raise RuntimeError("Unrecognized padding type: expected 'VALID', 'SAME', or "
                           f"'SAME_LOWER', got {padding}.")
    pads = []
    for n, w, s in zip(in_shape, window_shape, window_strides):
        n, w, s = int(n), int(w), int(s)  # NumPy integers would wrap or leak their type
        out = -(-n // s)
        total = max((out - 1) * s + w - n, 0)
        small, large = total // 2, total - total // 2
        pads.append((small, large) if kind == "SAME" else (large, small))
    return pads


def reduce_window_shape_tuple(operand_shape, window_dimensions, window_strides, padding,
                              base_dilation=None, window_dilation=None):
    # Python ints whatever integers come in (NumPy ones would wrap, or leak their type).
    operand_shape, window_dimensions, window_strides = (
        tuple(map(int, dims)) for dims in (operand_shape, window_dimensions, window_strides))
    padding = [(int(lo), int(hi)) for lo, hi in padding]
    if base_dilation is not None:
        operand_shape = dilate_shape(operand_shape, tuple(map(int, base_dilation)))
    if window_dilation is not None:
        window_dimensions = dilate_shape(window_dimensions, tuple(map(int, window_dilation)))
    return tuple(max((d + lo + hi - w) // s + 1, 0) if d + lo + hi >= w else 0
                 for d, (lo, hi), w, s in zip(operand_shape, padding, window_dimensions,
                                              window_strides))


def vjp_lhs_padding(in_shape, window_dimensions, window_strides, out_shape, padding,
                    lhs_dilation, rhs_dilation):
    """Padding of the cotangent that makes a window op's transpose another window op."""
    lhs = dilate_shape(in_shape, lhs_dilation)
    rhs = dilate_shape(window_dimensions, rhs_dilation)
    out = dilate_shape(out_shape, window_strides)
    before = [r - lo - 1 for r, (lo, _) in zip(rhs, padding)]
    after = [l + r - 1 - o - b for l, r, o, b in zip(lhs, rhs, out, before)]
    return list(zip(before, after))


# ---- the NumPy windows -------------------------------------------------------------------
def _identity(kind, dtype):
    dtype = np.dtype(dtype)
    if kind == "sum":
        return np.zeros((), dtype)
    if dtype == np.bool_:
        return np.array(kind == "min")
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.array(info.min if kind == "max" else info.max, dtype)
    return np.array(-np.inf if kind == "max" else np.inf, dtype)


def window_view(x, fill, window_dimensions, window_strides, padding, base_dilation,
                window_dilation):
    """A view of shape (output positions..., window elements...) of `x` dilated by
    base_dilation and padded with `fill`."""
    x = np.asarray(x)
    config = tuple((lo, hi, b - 1) for (lo, hi), b in zip(padding, base_dilation))
    if any(lo or hi or interior for lo, hi, interior in config):
        x = _pad_impl(x, fill, config)
    extent = dilate_shape(window_dimensions, window_dilation)
    if any(n < e for n, e in zip(x.shape, extent)):
        out = reduce_window_shape_tuple(x.shape, extent, window_strides,
                                        [(0, 0)] * x.ndim)
        return np.empty(out + tuple(window_dimensions), x.dtype)
    view = sliding_window_view(x, extent)
    return view[tuple(slice(None, None, s) for s in window_strides)
                + tuple(slice(None, None, d) for d in window_dilation)]


def _window_params(primitive_params):
    p = primitive_params
    return (p["window_dimensions"], p["window_strides"], p["padding"], p["base_dilation"],
            p["window_dilation"])


def _check(name, x, window_dimensions, window_strides, padding, base_dilation,
           window_dilation):
    for what, value in (("window_dimensions", window_dimensions),
                        ("window_strides", window_strides), ("padding", padding),
                        ("base_dilation", base_dilation), ("window_dilation", window_dilation)):
        if len(value) != x.ndim:
            raise TypeError(f"{name}: {what} {tuple(value)} must have one entry per operand "
                            f"dimension (operand shape {x.shape})")
    for what, value in (("window_dimensions", window_dimensions),
                        ("window_strides", window_strides), ("base_dilation", base_dilation),
                        ("window_dilation", window_dilation)):
        if any(v < 1 for v in value):
            raise TypeError(f"{name}: {what} must be positive, got {tuple(value)}")
    return reduce_window_shape_tuple(x.shape, window_dimensions, window_strides, padding,
                                     base_dilation, window_dilation)


def _batch_window_params(params, d):
    """Window parameters with a trivial window over a new (batch) axis at `d`."""
    out = dict(params)
    for key, unit in (("window_dimensions", 1), ("window_strides", 1), ("padding", (0, 0)),
                      ("base_dilation", 1), ("window_dilation", 1)):
        value = list(params[key])
        value.insert(d, unit)
        out[key] = tuple(value)
    return out


# ---- reduce_window_{sum,max,min} ----------------------------------------------------------
_ufuncs = {"sum": np.add, "max": np.maximum, "min": np.minimum}
# Up to this many elements per window, reducing one strided slice per window offset with
# ufuncs over whole arrays is much faster than NumPy reducing the view's small trailing axes.
_SLICEWISE_MAX_WINDOW = 64


def reduce_windows(view, ndim, ufunc, dtype):
    """Reduce the window axes (the last `ndim`) of a window view with a binary ufunc."""
    window = view.shape[ndim:]
    size = int(np.prod(window))
    if size <= _SLICEWISE_MAX_WINDOW:  # windows are never empty (dimensions >= 1)
        offsets = np.ndindex(*window)
        acc = np.array(view[(Ellipsis,) + next(offsets)], dtype=dtype)
        for offset in offsets:
            ufunc(acc, view[(Ellipsis,) + offset], out=acc)
        return acc
    return ufunc.reduce(view, axis=tuple(range(ndim, 2 * ndim)), dtype=dtype)


def _reduce_axis_by_axis(x, kind, window_dimensions, window_strides, padding, base_dilation,
                         window_dilation):
    """reduce_window_max/min one window dimension at a time: a max over a box is the max
    over rows of the maxima over columns, exactly (max and min never round), in
    sum(window - 1) ufunc calls instead of prod(window) - 1, the first on long runs."""
    fill = _identity(kind, x.dtype)
    ufunc = _ufuncs[kind]
    config = tuple((lo, hi, b - 1) for (lo, hi), b in zip(padding, base_dilation))
    if any(lo or hi or interior for lo, hi, interior in config):
        x = _pad_impl(x, fill, config)
    out_shape = reduce_window_shape_tuple(x.shape, window_dimensions, window_strides,
                                          [(0, 0)] * x.ndim, None, window_dilation)
    if 0 in out_shape:
        return np.empty(out_shape, x.dtype)
    acc = x
    for d, (w, stride, dilation, n) in enumerate(zip(window_dimensions, window_strides,
                                                     window_dilation, out_shape)):
        if w == 1 and stride == 1:
            continue
        taps = [acc[(slice(None),) * d + (slice(o * dilation, o * dilation + (n - 1) * stride + 1,
                                                stride),)] for o in range(w)]
        if w == 1:
            acc = taps[0]  # a strided view; copied below if nothing else copies it
            continue
        acc = ufunc(taps[0], taps[1])
        for tap in taps[2:]:
            ufunc(acc, tap, out=acc)
    return np.array(acc) if acc.base is not None or acc is x else acc


def _define(kind):
    p = Primitive(f"reduce_window_{kind}")

    def impl(x, **params):
        x = np.asarray(x)
        _check(p.name, core.get_aval(x), *_window_params(params))  # eager calls skip abstract_eval
        if kind != "sum":
            return _reduce_axis_by_axis(x, kind, *_window_params(params))
        view = window_view(x, _identity(kind, x.dtype), *_window_params(params))
        return reduce_windows(view, x.ndim, _ufuncs[kind], x.dtype)

    def abstract_eval(x, **params):
        if kind == "sum" and x.dtype.kind not in "iufc":
            raise TypeError(f"operand to reduce_window_sum must have a number dtype, got "
                            f"{x.dtype.name}")
        shape = _check(p.name, x, *_window_params(params))
        return ShapedArray(shape, x.dtype, x.weak_type)

    def batch(values, dims, **params):
        (x,), (d,) = values, dims
        return p.bind(x, **_batch_window_params(params, d)), d

    p.impl = impl
    p.abstract_eval = abstract_eval
    p.batch = batch
    return p


reduce_window_sum_p = _define("sum")
reduce_window_max_p = _define("max")
reduce_window_min_p = _define("min")

reduce_window_sum_p.jvp = lambda primals, tangents, **params: (
    reduce_window_sum_p.bind(primals[0], **params), reduce_window_sum_p.bind(tangents[0], **params))


def _reduce_window_sum_transpose(ct, x, window_dimensions, window_strides, padding,
                                 base_dilation, window_dilation):
    in_shape = x.aval.shape
    pads = vjp_lhs_padding(in_shape, window_dimensions, window_strides, shape_of(ct), padding,
                           base_dilation, window_dilation)
    config = tuple((lo, hi, s - 1) for (lo, hi), s in zip(pads, window_strides))
    padded = pad_p.bind(ct, np.zeros((), core.get_aval(ct).dtype), padding_config=config)
    ones = (1,) * len(in_shape)
    result = reduce_window_sum_p.bind(padded, window_dimensions=window_dimensions,
                                      window_strides=base_dilation,
                                      padding=((0, 0),) * len(in_shape), base_dilation=ones,
                                      window_dilation=window_dilation)
    assert tuple(shape_of(result)) == tuple(in_shape), (shape_of(result), in_shape)
    return [result]


reduce_window_sum_p.transpose = _reduce_window_sum_transpose


def _chooser_jvp(primitive, select):
    def jvp(primals, tangents, **params):
        (x,), (t,) = primals, tangents
        return primitive.bind(x, **params), select_and_gather_add_p.bind(t, x, select=select,
                                                                          **params)
    return jvp


# ---- select_and_gather_add / select_and_scatter_add ---------------------------------------
def _choose_by_offsets(view, ndim, select):
    """The window offset (uint8, row-major window order) of each window's first maximal
    ("ge") or minimal ("le") element, and that element: a running best over one slice
    of the window view per offset, for windows of at most _SLICEWISE_MAX_WINDOW elements."""
    beats, extremum = (np.greater, np.maximum) if select == "ge" else (np.less, np.minimum)
    offsets = np.ndindex(*view.shape[ndim:])
    best = np.array(view[(Ellipsis,) + next(offsets)])
    arg = np.zeros(best.shape, np.uint8)
    for k, offset in enumerate(offsets, 1):
        candidate = view[(Ellipsis,) + offset]
        # Strictly better, so the first best element wins; k grows, so a max of
        # (k where better) is the last improvement (arithmetic beats masked writes).
        better = beats(candidate, best).view(np.uint8)
        np.maximum(arg, better * np.uint8(k), out=arg)
        extremum(best, candidate, out=best)
    return arg, best


def _winners(x, select, window_dimensions, window_strides, padding, base_dilation,
             window_dilation):
    """For each window: the flat index in `x` of its first maximal ("ge") or minimal
    ("le") element, and whether there is one (not padding, not the identity itself)."""
    x = np.asarray(x)
    fill = _identity("max" if select == "ge" else "min", x.dtype)
    view = window_view(x, fill, window_dimensions, window_strides, padding, base_dilation,
                       window_dilation)
    out_shape = view.shape[:x.ndim]
    window = view.shape[x.ndim:]
    size = int(np.prod(window))
    if 0 < size <= _SLICEWISE_MAX_WINDOW:
        arg, best = _choose_by_offsets(view, x.ndim, select)
    else:
        flat = view.reshape(out_shape + (-1,))
        choose = np.argmax if select == "ge" else np.argmin
        arg = choose(flat, axis=-1) if size else np.zeros(out_shape, np.intp)
        best = np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0] if flat.size else \
            np.zeros(out_shape, x.dtype)
    # A window whose best is the identity (all padding, or -inf) has no winner, as in XLA
    # where the reduction's initial value wins ties.
    valid = best != fill
    positions = np.indices(out_shape, sparse=True) if out_shape else ()
    flat_index = np.zeros((), np.intp)
    element_stride, window_stride = 1, 1
    for d in reversed(range(x.ndim)):  # only the arithmetic each dimension needs
        (lo, hi), dilation, n = padding[d], base_dilation[d], x.shape[d]
        coord = positions[d] * window_strides[d] - lo
        if window[d] > 1:
            coord = coord + (arg // window_stride % window[d]) * window_dilation[d]
        q = coord
        if dilation != 1:
            q, r = np.divmod(coord, dilation)
            valid = valid & (r == 0)
        if lo > 0:
            valid = valid & (coord >= 0)
        if hi > 0:
            valid = valid & (q < n)
        flat_index = flat_index + q * element_stride
        element_stride *= n
        window_stride *= window[d]
    return np.where(valid, flat_index, 0), valid


def _gather_add_by_index(t, x, select, **params):
    t = np.asarray(t)
    flat_index, valid = _winners(x, select, *_window_params(params))
    return np.where(valid, t.reshape(-1)[flat_index], np.zeros((), t.dtype)).astype(t.dtype)


def _scatter_add_by_index(s, x, select, **params):
    s = np.asarray(s)
    x = np.asarray(x)
    flat_index, valid = _winners(x, select, *_window_params(params))
    if s.dtype.kind == "f":
        out = np.bincount(flat_index[valid], weights=s[valid], minlength=x.size)
    else:
        out = np.zeros(x.size, s.dtype)
        np.add.at(out, flat_index[valid], s[valid])
    return out.astype(s.dtype).reshape(x.shape)


# The fast path, for windows that do not overlap (max pooling's stride == window): each
# element of the padded operand is in at most one window, so the scatter is a plain write
# of each window's value to its winner, one strided slice per window offset, with no
# index arithmetic and no accumulation. Values move as bits under a mask (branch-free:
# NumPy's masked selects are slow on unpredictable masks, and 0 * inf would be nan).
def _by_offsets(dtype, window_dimensions, window_strides, window_dilation):
    return (0 < int(np.prod(window_dimensions)) <= _SLICEWISE_MAX_WINDOW
            and np.dtype(dtype).itemsize in (1, 2, 4, 8)
            and all(s >= (w - 1) * d + 1 for w, s, d in zip(window_dimensions, window_strides,
                                                            window_dilation)))


def _bits(a):
    a = np.asarray(a)
    return a.view(np.dtype(f"u{a.dtype.itemsize}"))


def _offset_masks(x, select, window_dimensions, window_strides, padding, base_dilation,
                  window_dilation):
    """The window offset of each window's winner, or 255 where there is none."""
    fill = _identity("max" if select == "ge" else "min", x.dtype)
    view = window_view(x, fill, window_dimensions, window_strides, padding, base_dilation,
                       window_dilation)
    arg, best = _choose_by_offsets(view, x.ndim, select)
    np.maximum(arg, np.equal(best, fill).view(np.uint8) * np.uint8(255), out=arg)
    return arg


def _padded_shape(shape, padding, base_dilation):
    return tuple(n + lo + hi for n, (lo, hi) in zip(dilate_shape(shape, base_dilation),
                                                      padding))


def _unpad(padded, shape, padding, base_dilation):
    """The elements of `padded` (in the coordinates of the dilated, padded operand) that
    are the operand's own, in an array of the operand's `shape`; zeros where cropped."""
    source, target, whole = [], [], True
    for n, (lo, _), dilation, size in zip(shape, padding, base_dilation, padded.shape):
        first = 0 if lo >= 0 else -(lo // dilation)  # element i sits at lo + i * dilation
        stop = min(n, (size - 1 - lo) // dilation + 1) if size > lo else 0
        if stop <= first:
            return np.zeros(shape, padded.dtype)
        source.append(slice(lo + first * dilation, lo + (stop - 1) * dilation + 1, dilation))
        target.append(slice(first, stop))
        whole = whole and first == 0 and stop == n
    if whole and padded.shape == tuple(shape):
        return padded
    out = np.zeros(shape, padded.dtype)
    out[tuple(target)] = padded[tuple(source)]
    return out


def _scatter_add_by_offsets(s, x, select, window_dimensions, window_strides, padding,
                            base_dilation, window_dilation, out=None):
    s, x = np.asarray(s), np.asarray(x)
    arg = _offset_masks(x, select, window_dimensions, window_strides, padding, base_dilation,
                        window_dilation)
    shape = _padded_shape(x.shape, padding, base_dilation)
    if out is not None and shape == x.shape:  # no padding: the windows tile `out` itself
        padded = out
        padded[...] = 0
    else:
        padded = np.zeros(shape, s.dtype)
    if padded.size and s.size:
        extent = dilate_shape(window_dimensions, window_dilation)
        windows = sliding_window_view(_bits(padded), extent, writeable=True)[
            tuple(slice(None, None, st) for st in window_strides)
            + tuple(slice(None, None, d) for d in window_dilation)]
        source, mask = _bits(s), np.empty(arg.shape, _bits(s).dtype)
        for k, offset in enumerate(np.ndindex(*window_dimensions)):
            np.equal(arg, k, out=mask)
            np.negative(mask, out=mask)  # all ones where this offset wins
            np.bitwise_and(source, mask, out=windows[(Ellipsis,) + offset])
    return _unpad(padded, x.shape, padding, base_dilation)


def _into(out, result):
    """`result`, or written into `out` (a jit workspace buffer, compiler/codegen.py)."""
    if out is None or out is result:
        return result
    out[...] = result
    return out


def _gather_add_by_offsets(t, x, select, window_dimensions, window_strides, padding,
                           base_dilation, window_dilation):
    t, x = np.asarray(t), np.asarray(x)
    arg = _offset_masks(x, select, window_dimensions, window_strides, padding, base_dilation,
                        window_dilation)
    view = window_view(_bits(t), 0, window_dimensions, window_strides, padding, base_dilation,
                       window_dilation)
    out = np.zeros(arg.shape, view.dtype)
    mask = np.empty(arg.shape, view.dtype)
    for k, offset in enumerate(np.ndindex(*window_dimensions)):
        np.equal(arg, k, out=mask)
        np.negative(mask, out=mask)
        np.bitwise_and(view[(Ellipsis,) + offset], mask, out=mask)
        np.bitwise_or(out, mask, out=out)
    return out.view(t.dtype)


def _gather_add_impl(t, x, select, **params):
    if _by_offsets(np.asarray(t).dtype, params["window_dimensions"], params["window_strides"],
                   params["window_dilation"]):
        return _gather_add_by_offsets(t, x, select, **params)
    return _gather_add_by_index(t, x, select, **params)


def _scatter_add_impl(s, x, select, out=None, **params):
    if _by_offsets(np.asarray(s).dtype, params["window_dimensions"], params["window_strides"],
                   params["window_dilation"]):
        return _into(out, _scatter_add_by_offsets(s, x, select, out=out, **params))
    return _into(out, _scatter_add_by_index(s, x, select, **params))


select_and_gather_add_p = Primitive("select_and_gather_add")
select_and_scatter_add_p = Primitive("select_and_scatter_add")


def _gather_add_abstract(t, x, select, **params):
    if t.shape != x.shape:
        raise TypeError("select_and_gather_add tangents and operand shapes must match, got "
                        f"{t.shape} and {x.shape}.")
    return ShapedArray(_check("select_and_gather_add", x, *_window_params(params)), t.dtype,
                       t.weak_type)


def _scatter_add_abstract(s, x, select, **params):
    out = _check("select_and_scatter_add", x, *_window_params(params))
    if tuple(s.shape) != tuple(out):
        raise TypeError(f"select_and_scatter_add: source shape {s.shape} must be the window "
                        f"output shape {out}")
    return ShapedArray(x.shape, s.dtype, s.weak_type)


def _linear_in_first(primitive):
    def jvp(primals, tangents, select, **params):
        (s, x), (ts, _) = primals, tangents  # piecewise constant in x: no tangent from it
        out = primitive.bind(s, x, select=select, **params)
        if type(ts) is Zero:
            return out, Zero(out)
        return out, primitive.bind(ts, x, select=select, **params)
    return jvp


def _batch_pair(primitive):
    def batch(values, dims, select, **params):
        size = next(shape_of(v)[d] for v, d in zip(values, dims) if d is not None)
        s, x = [broadcast_batch(v, size) if d is None else moveaxis(v, d, 0)
                for v, d in zip(values, dims)]
        return primitive.bind(s, x, select=select, **_batch_window_params(params, 0)), 0
    return batch


select_and_gather_add_p.impl = _gather_add_impl
select_and_gather_add_p.abstract_eval = _gather_add_abstract
select_and_gather_add_p.jvp = _linear_in_first(select_and_gather_add_p)
select_and_gather_add_p.transpose = lambda ct, t, x, select, **params: [
    select_and_scatter_add_p.bind(ct, x, select=select, **params), None]
select_and_gather_add_p.batch = _batch_pair(select_and_gather_add_p)
select_and_gather_add_p.weak_type_rule = lambda weak, params: weak[0]

select_and_scatter_add_p.impl = _scatter_add_impl
select_and_scatter_add_p.abstract_eval = _scatter_add_abstract
select_and_scatter_add_p.jvp = _linear_in_first(select_and_scatter_add_p)
select_and_scatter_add_p.transpose = lambda ct, s, x, select, **params: [
    select_and_gather_add_p.bind(ct, x, select=select, **params), None]
select_and_scatter_add_p.batch = _batch_pair(select_and_scatter_add_p)
select_and_scatter_add_p.weak_type_rule = lambda weak, params: weak[0]

# Every windowed primitive returns new arrays, never views of its operands: their buffers
# may be reused once read (compiler/codegen.py).
for _p in (reduce_window_sum_p, reduce_window_max_p, reduce_window_min_p,
           select_and_gather_add_p, select_and_scatter_add_p):
    _p.fresh_results = True
select_and_scatter_add_p.impl_out = True  # its impl's out=: a workspace buffer

reduce_window_max_p.jvp = _chooser_jvp(reduce_window_max_p, "ge")
reduce_window_min_p.jvp = _chooser_jvp(reduce_window_min_p, "le")


# ---- the fused tier's kernels (compiler/fusion.py substitute_kernels) -----------------------
# Loops over the output windows whose shape, strides and window offsets are constants of
# the source: no index tables to read, and the innermost dimension (channels, in NHWC
# pooling) vectorizes where the body allows.

def _window_offsets(shape, window, window_dilation):
    """The flat offset in a C-order operand of `shape` of each window element from the
    window's first, in row-major window order."""
    elements = np.indices(window).reshape(len(window), -1) * np.reshape(window_dilation, (-1, 1))
    return np.ravel_multi_index(elements, shape).tolist()


def _window_loops(shape, out_shape, strides):
    """Source lines of nested loops over the windows in row-major order, window `w`'s
    first element at flat index `b` (no padding or base dilation); and the body's indent.
    (Indices from the loop variables, not running counters, let LLVM vectorize.)"""
    steps = [math.prod(shape[d + 1:]) * st for d, st in enumerate(strides)]
    out_steps = [math.prod(out_shape[d + 1:]) for d in range(len(out_shape))]
    lines, indent = [], "    "
    for d, n in enumerate(out_shape):
        lines.append(f"{indent}for i{d} in range({n}):")
        indent += "    "
    lines.append(indent + "b = " + " + ".join(f"i{d} * {st}" for d, st in enumerate(steps)))
    lines.append(indent + "w = " + " + ".join(f"i{d} * {st}" for d, st in enumerate(out_steps)))
    return lines, indent


# Max pooling's gradient where windows do not overlap (no padding, no dilation, stride >=
# window): one pass that finds each window's winner and writes its cotangent there, where
# the NumPy code makes one masked pass per window offset (~8x slower for 2x2 windows).
# The same choice as _choose_by_offsets: a candidate wins only if strictly better than the
# running extremum, which NaN poisons (np.maximum's), so the first best element wins; a
# window whose best is the identity (-inf for max) has none. Where the windows tile the
# operand exactly, every element is written (the cotangent or 0.0, as the NumPy code
# does), so the result needs no zeroing first. Values move as they are (a load and a
# store: no arithmetic), so the result has the NumPy tier's bits.
def _scatter_add_fused_kernel(eqn):
    """(kernel source, its signature, run(kernel, s, x) -> result) for the fused tier, or
    None where this equation keeps its NumPy implementation."""
    s_aval, x_aval = (v.aval for v in eqn.inputs)
    p = eqn.params
    dtype = np.dtype(x_aval.dtype)
    if (dtype not in (np.float32, np.float64) or s_aval.dtype != dtype or not x_aval.shape
            or p["select"] not in ("ge", "le") or not s_aval.size or 0 in p["window_dimensions"]
            or any(lo != 0 or hi != 0 for lo, hi in p["padding"])
            or any(d != 1 for d in p["base_dilation"] + p["window_dilation"])
            or any(st < w for st, w in zip(p["window_strides"], p["window_dimensions"]))):
        return None
    shape, window = tuple(x_aval.shape), tuple(p["window_dimensions"])
    offsets = _window_offsets(shape, window, p["window_dilation"])
    tiled = all(st == w and n == w * m for st, w, n, m in
                zip(p["window_strides"], window, shape, s_aval.shape))
    # the identity (no winner), the best-so-far comparison and the extremum
    fill, beats, extremum = ("-np.inf", ">", "max") if p["select"] == "ge" else \
        ("np.inf", "<", "min")
    loops, indent = _window_loops(shape, s_aval.shape, p["window_strides"])
    body = [f"x{e} = x[b + {o}]" for e, o in enumerate(offsets)] + ["best = x0", "arg = 0"]
    for e in range(1, len(offsets)):
        # Selects, not branches (which element wins is unpredictable data); max keeps a
        # NaN best, and a NaN candidate becomes the best.
        body += [f"arg = {e} if x{e} {beats} best else arg",
                 f"best = {extremum}(best, x{e}) if x{e} == x{e} else x{e}"]
    body += ["v = s[w]", f"arg = arg if best != {fill} else -1"]
    zero = dtype.type(0)
    if tiled:
        body += [f"out[b + {o}] = v if arg == {e} else {zero!r}" for e, o in enumerate(offsets)]
    else:
        body += [f"if arg == {e}:\n{indent}    out[b + {o}] = v" for e, o in enumerate(offsets)]
    lines = ["import numpy as np", "", "", "def kernel(s, x, out):"] + loops
    source = "\n".join(lines + [indent + line for line in body]) + "\n"
    signature = ((dtype.name, "in"), (dtype.name, "in"), (dtype.name, "out"))

    def run(kernel, s, x, out=None):
        if out is None:
            out = np.empty(shape, dtype) if tiled else np.zeros(shape, dtype)
        elif not tiled:
            out[...] = 0
        kernel(np.ascontiguousarray(s, dtype).reshape(-1),
               np.ascontiguousarray(x, dtype).reshape(-1), out.reshape(-1))
        return out
    return source, signature, run


select_and_scatter_add_p.fused_kernel = _scatter_add_fused_kernel


# Max (min) pooling itself: each window's extremum in one pass over the operand, where the
# NumPy code makes a pass per window offset. Max and min never round, but which of two
# equal values (0.0 and -0.0) or two NaNs comes out depends on the order of comparisons:
# the kernel folds the window exactly as _reduce_axis_by_axis does (along the first window
# dimension, then the next, each left to right) with np.maximum's scalar rule (the
# elementwise tier's, extremum_code), so it returns the NumPy tier's bits.
def _fold_window_source(window, combine):
    """Lines computing `best` from x0, x1, ... (the window's elements, row-major), folded
    one window dimension at a time as _reduce_axis_by_axis does."""
    current = {offset: f"x{e}" for e, offset in enumerate(np.ndindex(*window))}
    lines = []
    for d, size in enumerate(window):
        if size == 1:
            continue
        folded = {}
        for key in (k for k in current if k[d] == 0):
            acc = current[key]
            for o in range(1, size):
                name = f"t{len(lines)}"
                lines.append(f"        {name} = {combine(acc, current[key[:d] + (o,) + key[d + 1:]])}")
                acc = name
            folded[key] = acc
        current = folded
    return lines + [f"        best = {current[(0,) * len(window)]}"]


def _define_reduce_kernel(primitive, symbol):
    float_code = extremum_code(symbol)

    def fused_kernel(eqn):
        """(kernel source, signature, run(kernel, x) -> result) for the fused tier, or None
        where this equation keeps its NumPy implementation (padding, base dilation)."""
        (x_aval,), p = [v.aval for v in eqn.inputs], eqn.params
        dtype = np.dtype(x_aval.dtype)
        out_shape = tuple(eqn.outputs[0].aval.shape)
        window = tuple(p["window_dimensions"])
        if (dtype.name not in ("float32", "float64", "int32", "int64") or not x_aval.shape
                or 0 in out_shape or math.prod(window) > _SLICEWISE_MAX_WINDOW
                or any(lo != 0 or hi != 0 for lo, hi in p["padding"])
                or any(b != 1 for b in p["base_dilation"])):
            return None
        shape = tuple(x_aval.shape)
        offsets = _window_offsets(shape, window, p["window_dilation"])
        if dtype.kind == "f":
            combine = lambda a, b: float_code((a, b), {}, [x_aval, x_aval], x_aval)
        else:
            combine = lambda a, b: f"{'max' if symbol == '>' else 'min'}({a}, {b})"
        loops, indent = _window_loops(shape, out_shape, p["window_strides"])
        lines = ["import numpy as np", "", "", "def kernel(x, out):"] + loops
        lines += [f"{indent}x{e} = x[b + {o}]" for e, o in enumerate(offsets)]
        lines += [indent + line.strip() for line in _fold_window_source(window, combine)]
        lines += [f"{indent}out[w] = best"]
        source = "\n".join(lines) + "\n"
        signature = ((dtype.name, "in"), (dtype.name, "out"))

        def run(kernel, x, out=None):
            out = np.empty(out_shape, dtype) if out is None else out
            kernel(np.ascontiguousarray(x, dtype).reshape(-1), out.reshape(-1))
            return out
        return source, signature, run
    primitive.fused_kernel = fused_kernel


_define_reduce_kernel(reduce_window_max_p, ">")
_define_reduce_kernel(reduce_window_min_p, "<")
