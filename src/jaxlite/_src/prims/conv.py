"""conv_general_dilated: N-d convolution (XLA's: a cross-correlation, kernel unflipped)
with strides, padding, lhs (input) and rhs (kernel) dilation, dimension numbers,
feature groups and batch groups.

The implementation is im2col: the windows of the dilated, padded input copied
into columns (one strided slice per kernel offset or per output position,
whichever are fewer, with the window elements ordered as the input and kernel
lie in memory), contracted with the kernel by one batched matmul per group. The
primitive is bilinear; its transposes are JAX's formulas, themselves
convolutions: w.r.t. the input, a convolution of the cotangent with the
spatially reversed kernel (strides and lhs dilation swapped); w.r.t. the
kernel, a convolution of the input with the cotangent (feature groups become
batch groups). Batching folds the vmapped axis into the batch dimension (input
batched) or the output features (kernel batched, or both, with feature groups).
"""
import math
from typing import NamedTuple

import numpy as np

from .. import core
from ..core import Primitive, ShapedArray
from ..ad import is_linear
from .util import shape_of
from .linalg import bilinear_jvp
from .shape import reshape_p, transpose_p, rev_p, _pad_impl
from .windows import dilate_shape, vjp_lhs_padding, window_view
from .elementwise import convert_element_type_p


class ConvDimensionNumbers(NamedTuple):
    """Positions of (batch, feature, spatial...) in lhs and output, and of
    (out feature, in feature, spatial...) in rhs."""
    lhs_spec: tuple
    rhs_spec: tuple
    out_spec: tuple


conv_general_dilated_p = Primitive("conv_general_dilated")


def _out_spatial(lhs_spatial, rhs_spatial, window_strides, padding, lhs_dilation, rhs_dilation):
    lhs = dilate_shape(lhs_spatial, lhs_dilation)
    rhs = dilate_shape(rhs_spatial, rhs_dilation)
    out = []
    for n, k, s, (lo, hi) in zip(lhs, rhs, window_strides, padding):
        padded = n + lo + hi
        if padded < 0:
            raise ValueError("Negative padding is larger than the size of the corresponding "
                             f"dimension: got padding={padding} for lhs spatial shape "
                             f"{tuple(lhs_spatial)}")
        out.append(max((padded - k) // s + 1, 0) if padded >= k else 0)
    return tuple(out)


# im2col copies one strided slice per kernel offset or per output position, whichever
# are fewer, while that is at most this many (else one copy of the whole window view).
_IM2COL_MAX_SLICES = 64


def _im2col(x, kernel, window_strides, rhs_dilation, out_spatial, channels_last):
    """Columns (Gb, Gf, N * P, C * K) of x (Gb, Gf, N, C, S...): each output position's
    window, its (channel, kernel offset) elements in the order (K..., C) if channels_last
    else (C, K...)."""
    nd = len(kernel)
    lead = x.shape[:4]
    order = (tuple(range(4 + nd, 4 + 2 * nd)) + (3,)) if channels_last else \
        ((3,) + tuple(range(4 + nd, 4 + 2 * nd)))
    if min(math.prod(kernel), math.prod(out_spatial)) > _IM2COL_MAX_SLICES:
        view = window_view(x, 0, (1,) * 4 + tuple(kernel), (1,) * 4 + tuple(window_strides),
                           ((0, 0),) * (nd + 4), (1,) * (nd + 4), (1,) * 4 + tuple(rhs_dilation))
        view = view.reshape(view.shape[:nd + 4] + view.shape[nd + 8:])  # (Gb,Gf,N,C,P..,K..)
        cols = view.transpose((0, 1, 2) + tuple(range(4, 4 + nd)) + order)
        return cols.reshape(lead[:2] + (lead[2] * math.prod(out_spatial), -1))
    # cols as (Gb, Gf, N, P..., then C and K... in `order`), filled slice by slice
    inner = (tuple(kernel) + lead[3:4]) if channels_last else (lead[3:4] + tuple(kernel))
    cols = np.empty(lead[:3] + tuple(out_spatial) + inner, x.dtype)
    if math.prod(kernel) <= math.prod(out_spatial):
        for k in np.ndindex(*kernel):  # every position's element at kernel offset k
            source = x[(Ellipsis,) + tuple(
                slice(o * d, o * d + (p - 1) * s + 1, s)
                for o, d, p, s in zip(k, rhs_dilation, out_spatial, window_strides))]
            target = cols[(Ellipsis,) + k + (slice(None),)] if channels_last else \
                cols[(Ellipsis, slice(None)) + k]
            target[...] = np.moveaxis(source, 3, 3 + nd)  # (Gb, Gf, N, P..., C)
    else:
        for q in np.ndindex(*out_spatial):  # every kernel offset's element at position q
            source = x[(Ellipsis,) + tuple(
                slice(o * s, o * s + (k - 1) * d + 1, d)
                for o, s, k, d in zip(q, window_strides, kernel, rhs_dilation))]
            target = cols[(slice(None),) * 3 + q]  # (Gb, Gf, N, inner...)
            target[...] = np.moveaxis(source, 3, 3 + nd) if channels_last else source
    return cols.reshape(lead[:2] + (lead[2] * math.prod(out_spatial), -1))


def _conv_impl(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
               dimension_numbers, feature_group_count, batch_group_count,
               preferred_element_type, out=None):
    """The convolution, as a new C-order array, or written into `out` (C order, the
    result's shape and dtype: a jit workspace buffer, compiler/codegen.py)."""
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    _conv_abstract(core.get_aval(lhs), core.get_aval(rhs), window_strides, padding, lhs_dilation,
                   rhs_dilation, dimension_numbers, feature_group_count, batch_group_count,
                   preferred_element_type)  # eager calls skip abstract_eval: check here
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    w = np.transpose(rhs, rhs_spec)   # (O, I, spatial...), a view
    out_dtype = np.dtype(preferred_element_type or lhs.dtype)
    n_batch, channels = lhs.shape[lhs_spec[0]], lhs.shape[lhs_spec[1]]
    out_features, in_per_group = w.shape[:2]
    kernel = w.shape[2:]
    nd = len(kernel)
    out_spatial = _out_spatial([lhs.shape[i] for i in lhs_spec[2:]], kernel, window_strides,
                               padding, lhs_dilation, rhs_dilation)
    groups_b, groups_f = batch_group_count, feature_group_count
    n_out = n_batch // groups_b
    o_per_group = out_features // (groups_b * groups_f)
    if 0 in out_spatial or lhs.size == 0 or w.size == 0:
        canonical = (n_out, out_features) + out_spatial
        shape = tuple(canonical[i] for i in np.argsort(out_spec))
        return np.zeros(shape, out_dtype) if out is None else _fill(out, 0)
    # Dilate and pad the spatial dims with zeros, in the input's own layout.
    config = [(0, 0, 0)] * lhs.ndim
    for axis, (lo, hi), d in zip(lhs_spec[2:], padding, lhs_dilation):
        config[axis] = (lo, hi, d - 1)
    if any(lo or hi or it for lo, hi, it in config):
        lhs = _pad_impl(lhs, np.zeros((), lhs.dtype), tuple(config))
    x = np.transpose(lhs, lhs_spec)   # (N, C, spatial...), a view
    # The window elements' order follows the input's layout: channels last where the
    # channel axis is the innermost (NHWC), so that im2col copies contiguous runs of
    # channels; the kernel is arranged to match (a copy of the kernel, or none where it
    # lies that way: HWIO, and the kernel gradient's "kernel", the large cotangent).
    channels_last = channels > 1 and abs(x.strides[1]) < min(
        [abs(st) for st, n in zip(x.strides[2:], x.shape[2:]) if n > 1], default=0)
    x = x.reshape((groups_b, n_out, groups_f, in_per_group) + x.shape[2:]).swapaxes(1, 2)
    cols = _im2col(x, kernel, window_strides, rhs_dilation, out_spatial, channels_last)
    w = w.reshape((groups_b, groups_f, o_per_group, in_per_group) + tuple(kernel))
    w = np.moveaxis(w, 2, -1)  # (Gb, Gf, I, K..., O')
    if channels_last:
        w = np.moveaxis(w, 2, 2 + nd)  # (Gb, Gf, K..., I, O')
    weights = w.reshape((groups_b, groups_f, -1, o_per_group))
    if out_dtype != cols.dtype:
        cols, weights = cols.astype(out_dtype), weights.astype(out_dtype)
    canonical_axes = (0, nd + 1) + tuple(range(1, nd + 1))  # as (N, O, P...)
    final = tuple(canonical_axes[i] for i in np.argsort(out_spec))
    if out is not None and groups_b * groups_f == 1 and final == tuple(range(nd + 2)) \
            and cols.dtype == out_dtype:  # the matmul writes the result where it goes
        np.matmul(cols, weights, out=out.reshape(cols.shape[:-1] + (o_per_group,)))
        return out
    result = np.matmul(cols, weights)  # (Gb, Gf, N' * P, O')
    result = result.reshape((groups_b, groups_f, n_out) + tuple(out_spatial) + (o_per_group,))
    if groups_b * groups_f > 1:  # output features are (Gb, Gf, O') flattened
        result = np.moveaxis(result, (0, 1), (-3, -2))
    result = result.reshape((n_out,) + tuple(out_spatial) + (out_features,))  # (N, P..., O)
    result = np.transpose(result, final)
    if out is not None:
        out[...] = result
        return out
    # In C order whatever the output layout (a copy only where it is not (N, P..., O)):
    # the compiler may then write later elementwise results into it (writable_results),
    # and jit and eager reductions over it add in the same order.
    return np.ascontiguousarray(result, dtype=out_dtype)


def _into(out, result):
    """`result` as a new C-order array, or written into `out`."""
    if out is None:
        return np.ascontiguousarray(result)
    out[...] = result
    return out


def _fill(out, value):
    out[...] = value
    return out


def _conv_abstract(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
                   dimension_numbers, feature_group_count, batch_group_count,
                   preferred_element_type):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    name = "conv_general_dilated"
    if lhs.ndim != rhs.ndim:
        raise ValueError(f"{name} lhs and rhs must have the same number of dimensions, but got "
                         f"{lhs.shape} and {rhs.shape}.")
    if lhs.dtype != rhs.dtype:
        raise TypeError(f"{name} requires arguments to have the same dtypes, got "
                        f"{lhs.dtype.name}, {rhs.dtype.name}.")
    nd = lhs.ndim - 2
    for what, value in (("window_strides", window_strides), ("padding", padding),
                        ("lhs_dilation", lhs_dilation), ("rhs_dilation", rhs_dilation)):
        if len(value) != nd:
            raise ValueError(f"{name}: {what} must have one entry per spatial dimension "
                             f"({nd}), got {tuple(value)}")
    if feature_group_count < 1 or batch_group_count < 1:
        raise ValueError(f"{name}: feature_group_count and batch_group_count must be positive")
    if feature_group_count > 1 and batch_group_count > 1:
        raise ValueError(f"At most one of batch_group_count and feature_group_count may be > 1, "
                         f"got batch_group_count={batch_group_count} and "
                         f"feature_group_count={feature_group_count}")
    lhs_features = lhs.shape[lhs_spec[1]]
    if lhs_features % feature_group_count:
        raise ValueError(f"{name} feature_group_count must divide lhs feature dimension size, "
                         f"but {feature_group_count} does not divide {lhs_features}.")
    if lhs_features // feature_group_count != rhs.shape[rhs_spec[1]]:
        raise ValueError(f"{name} lhs feature dimension size divided by feature_group_count "
                         "must equal the rhs input feature dimension size, but "
                         f"{lhs_features} // {feature_group_count} != {rhs.shape[rhs_spec[1]]}.")
    out_features = rhs.shape[rhs_spec[0]]
    if out_features % (feature_group_count * batch_group_count):
        raise ValueError(f"{name} rhs output feature dimension size ({out_features}) must be a "
                         "multiple of feature_group_count and batch_group_count")
    lhs_batch = lhs.shape[lhs_spec[0]]
    if lhs_batch % batch_group_count:
        raise ValueError(f"{name} batch_group_count must divide lhs batch dimension size, but "
                         f"{batch_group_count} does not divide {lhs_batch}.")
    spatial = _out_spatial([lhs.shape[i] for i in lhs_spec[2:]],
                           [rhs.shape[i] for i in rhs_spec[2:]], window_strides, padding,
                           lhs_dilation, rhs_dilation)
    canonical = (lhs_batch // batch_group_count, out_features) + spatial
    shape = tuple(canonical[i] for i in np.argsort(out_spec))
    dtype = preferred_element_type or lhs.dtype
    return ShapedArray(shape, dtype, lhs.weak_type and rhs.weak_type)


# ---- transposes (JAX's formulas) -----------------------------------------------------------
def _spec_transpose(spec):
    return (spec[1], spec[0]) + tuple(spec[2:])


def reshape_axis_into(src, dst, x):
    """Merge axis `src` into axis `dst` (numbered after removing src), src major."""
    shape = list(shape_of(x))
    perm = [i for i in range(len(shape)) if i != src]
    perm.insert(dst, src)
    new_shape = [shape[i] for i in range(len(shape)) if i != src]
    new_shape[dst] *= shape[src]
    if perm != list(range(len(shape))):
        x = transpose_p.bind(x, permutation=tuple(perm))
    return reshape_p.bind(x, new_sizes=tuple(new_shape))


def reshape_axis_out_of(src, size1, x):
    """Split axis `src` into (size1, rest)."""
    shape = list(shape_of(x))
    shape[src:src + 1] = [size1, shape[src] // size1]
    return reshape_p.bind(x, new_sizes=tuple(shape))


def _cast(x, dtype):
    if core.get_aval(x).dtype == dtype:
        return x
    return convert_element_type_p.bind(x, new_dtype=dtype, weak_type=False)


def _transpose_lhs(g, rhs, lhs_shape, lhs_dtype, window_strides, padding, lhs_dilation,
                   rhs_dilation, dimension_numbers, feature_group_count, batch_group_count,
                   preferred_element_type):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    rhs_shape = shape_of(rhs)
    t_rhs_spec = _spec_transpose(rhs_spec)
    if feature_group_count > 1:  # the groups move from the kernel's input to its output features
        rhs = reshape_axis_out_of(rhs_spec[0], feature_group_count, rhs)
        rhs = reshape_axis_into(rhs_spec[0], rhs_spec[1], rhs)
    elif batch_group_count > 1:
        rhs = reshape_axis_out_of(rhs_spec[0], batch_group_count, rhs)
        rhs = reshape_axis_into(rhs_spec[0], rhs_spec[1], rhs)
        feature_group_count = batch_group_count
    trans_dnums = ConvDimensionNumbers(out_spec, t_rhs_spec, lhs_spec)
    pads = vjp_lhs_padding([lhs_shape[i] for i in lhs_spec[2:]],
                           [rhs_shape[i] for i in rhs_spec[2:]], window_strides,
                           [shape_of(g)[i] for i in out_spec[2:]], padding, lhs_dilation,
                           rhs_dilation)
    reversed_kernel = _cast(rev_p.bind(rhs, dimensions=tuple(rhs_spec[2:])),
                            core.get_aval(g).dtype)
    out = conv_general_dilated_p.bind(
        g, reversed_kernel, window_strides=tuple(lhs_dilation),
        padding=tuple((int(lo), int(hi)) for lo, hi in pads), lhs_dilation=tuple(window_strides),
        rhs_dilation=tuple(rhs_dilation), dimension_numbers=trans_dnums,
        feature_group_count=feature_group_count, batch_group_count=1,
        preferred_element_type=preferred_element_type)
    out = _cast(out, lhs_dtype)
    if batch_group_count > 1:
        out = reshape_axis_out_of(lhs_spec[1], batch_group_count, out)
        out = reshape_axis_into(lhs_spec[1], lhs_spec[0], out)
    return out


def _rhs_padding(lhs_spatial, rhs_spatial, window_strides, out_spatial, padding, lhs_dilation,
                 rhs_dilation):
    lhs = dilate_shape(lhs_spatial, lhs_dilation)
    rhs = dilate_shape(rhs_spatial, rhs_dilation)
    out = dilate_shape(out_spatial, window_strides)
    return [(lo, (o - l) + (r - lo - 1)) for l, r, o, (lo, _) in zip(lhs, rhs, out, padding)]


def _transpose_rhs(g, lhs, rhs_shape, rhs_dtype, window_strides, padding, lhs_dilation,
                   rhs_dilation, dimension_numbers, feature_group_count, batch_group_count,
                   preferred_element_type):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    lhs_shape = shape_of(lhs)
    if batch_group_count > 1:
        feature_group_count, batch_group_count = batch_group_count, 1
    elif feature_group_count > 1:
        feature_group_count, batch_group_count = 1, feature_group_count
    trans_dnums = ConvDimensionNumbers(_spec_transpose(lhs_spec), _spec_transpose(out_spec),
                                       _spec_transpose(rhs_spec))
    pads = _rhs_padding([lhs_shape[i] for i in lhs_spec[2:]], [rhs_shape[i] for i in rhs_spec[2:]],
                        window_strides, [shape_of(g)[i] for i in out_spec[2:]], padding,
                        lhs_dilation, rhs_dilation)
    out = conv_general_dilated_p.bind(
        _cast(lhs, core.get_aval(g).dtype), g, window_strides=tuple(rhs_dilation),
        padding=tuple((int(lo), int(hi)) for lo, hi in pads), lhs_dilation=tuple(lhs_dilation),
        rhs_dilation=tuple(window_strides), dimension_numbers=trans_dnums,
        feature_group_count=feature_group_count, batch_group_count=batch_group_count,
        preferred_element_type=preferred_element_type)
    return _cast(out, rhs_dtype)


def _conv_transpose(ct, lhs, rhs, **params):
    if is_linear(lhs):
        return [_transpose_lhs(ct, rhs, lhs.aval.shape, lhs.aval.dtype, **params), None]
    if int(np.prod(shape_of(ct))) == 0:
        return [None, None]  # an empty cotangent: the kernel's cotangent is zero
    return [None, _transpose_rhs(ct, lhs, rhs.aval.shape, rhs.aval.dtype, **params)]


# ---- batching ------------------------------------------------------------------------------
def _conv_batch(values, dims, window_strides, padding, lhs_dilation, rhs_dilation,
                dimension_numbers, feature_group_count, batch_group_count,
                preferred_element_type):
    lhs, rhs = values
    lhs_bdim, rhs_bdim = dims
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    params = dict(window_strides=window_strides, padding=padding, lhs_dilation=lhs_dilation,
                  rhs_dilation=rhs_dilation, dimension_numbers=dimension_numbers,
                  preferred_element_type=preferred_element_type)
    bind = lambda l, r, fg, bg: conv_general_dilated_p.bind(
        l, r, feature_group_count=fg, batch_group_count=bg, **params)
    if lhs_bdim is not None and rhs_bdim is not None:
        size = shape_of(lhs)[lhs_bdim]
        if batch_group_count > 1:
            new_lhs = reshape_axis_into(lhs_bdim, lhs_spec[0], lhs)
            batch_group_count *= size
        else:
            new_lhs = reshape_axis_into(lhs_bdim, lhs_spec[1], lhs)
            feature_group_count *= size
        new_rhs = reshape_axis_into(rhs_bdim, rhs_spec[0], rhs)
        out = bind(new_lhs, new_rhs, feature_group_count, batch_group_count)
        return reshape_axis_out_of(out_spec[1], size, out), out_spec[1]
    if lhs_bdim is not None:
        size = shape_of(lhs)[lhs_bdim]
        if batch_group_count == 1:
            new_lhs = reshape_axis_into(lhs_bdim, lhs_spec[0], lhs)
        else:
            new_lhs = reshape_axis_out_of(lhs_spec[0] + int(lhs_bdim <= lhs_spec[0]),
                                          batch_group_count, lhs)
            new_lhs = reshape_axis_into(lhs_bdim + int(lhs_spec[0] < lhs_bdim),
                                        lhs_spec[0] + 1, new_lhs)
            new_lhs = reshape_axis_into(lhs_spec[0], lhs_spec[0], new_lhs)
        out = bind(new_lhs, rhs, feature_group_count, batch_group_count)
        return reshape_axis_out_of(out_spec[0], size, out), out_spec[0]
    size = shape_of(rhs)[rhs_bdim]
    if feature_group_count == 1 and batch_group_count == 1:
        new_rhs = reshape_axis_into(rhs_bdim, rhs_spec[0], rhs)
        out = bind(lhs, new_rhs, 1, 1)
        return reshape_axis_out_of(out_spec[1], size, out), out_spec[1]
    # Groups must stay outermost in the output features: factor them out of the kernel's
    # output features, fold the batch in after them, and undo it on the output.
    groups = feature_group_count if feature_group_count > 1 else batch_group_count
    new_rhs = reshape_axis_out_of(rhs_spec[0] + int(rhs_bdim <= rhs_spec[0]), groups, rhs)
    new_rhs = reshape_axis_into(rhs_bdim + int(rhs_spec[0] < rhs_bdim), rhs_spec[0] + 1, new_rhs)
    new_rhs = reshape_axis_into(rhs_spec[0], rhs_spec[0], new_rhs)
    out = bind(lhs, new_rhs, feature_group_count, batch_group_count)
    out = reshape_axis_out_of(out_spec[1], groups, out)
    out = reshape_axis_out_of(out_spec[1] + 1, size, out)
    out = reshape_axis_into(out_spec[1], out_spec[1] + 1, out)
    return out, out_spec[1]


conv_general_dilated_p.impl = _conv_impl
conv_general_dilated_p.abstract_eval = _conv_abstract
conv_general_dilated_p.jvp = bilinear_jvp(conv_general_dilated_p)
conv_general_dilated_p.transpose = _conv_transpose
conv_general_dilated_p.batch = _conv_batch
conv_general_dilated_p.weak_type_rule = lambda weak, params: all(weak)
# New C-order arrays, never views of the operands: the operands' buffers may be reused
# once the convolution has read them, and its result overwritten in place (codegen.py).
conv_general_dilated_p.fresh_results = conv_general_dilated_p.writable_results = True
conv_general_dilated_p.impl_out = True  # _conv_impl(..., out=buffer)


# ---- the fused tier's kernels (compiler/fusion.py substitute_kernels) -----------------------
# Two shapes of convolution run BLAS below its speed after im2col, and get a Numba loop:
# - small windows (input channels x kernel elements <= _DIRECT_MAX_TAPS: a first layer's
#   3x3 over one channel has 9): a matmul with a short inner dimension, for which im2col
#   copies the input nine-fold. The kernel reads each window once and computes all output
#   features of a position from it, features innermost (vectorized), positions in blocks
#   that share each load of the weights: ~5x faster in the CNN step.
# - few output positions (batch x spatial <= _REDUCTION_MAX_POSITIONS) over long windows:
#   a first layer's kernel gradient (3x3 positions, each summing 32 x 26 x 26 products): a
#   matmul of 9 rows, which BLAS packs at a cost. The kernel walks the window elements once,
#   adding each one's products into every position's features.
# Both add products in their own order (from 0.0, window elements in order; the long sums
# in blocks of _REDUCTION_BLOCK added into float64), so results may differ from BLAS's in
# the last bits: as dot products in the whole-program tier do, the check against the NumPy
# code allows float rounding (`fused_kernel_rounding`).
_DIRECT_MAX_TAPS = 64
_DIRECT_BLOCK = 4
_REDUCTION_MAX_POSITIONS = 16
_REDUCTION_BLOCK = 8


def _conv_fused_kernel(eqn):
    """(kernel source, signature, run(kernel, lhs, rhs, out=None) -> result) for the fused
    tier, or None where this equation keeps its NumPy implementation."""
    lhs, rhs = (v.aval for v in eqn.inputs)
    p = eqn.params
    lhs_spec, rhs_spec, out_spec = p["dimension_numbers"]
    dtype = np.dtype(lhs.dtype)
    out = eqn.outputs[0].aval
    taps = math.prod(rhs.shape) // rhs.shape[rhs_spec[0]]  # input channels x kernel elements
    out_spatial = [out.shape[d] for d in out_spec[2:]]
    n_batch, features = lhs.shape[lhs_spec[0]], rhs.shape[rhs_spec[0]]
    positions = [n_batch] + out_spatial
    direct = 0 < taps <= _DIRECT_MAX_TAPS
    if (dtype.name not in ("float32", "float64") or rhs.dtype != dtype or out.dtype != dtype
            or p["feature_group_count"] != 1 or p["batch_group_count"] != 1 or out.size == 0
            or not (direct or math.prod(positions) <= _REDUCTION_MAX_POSITIONS)):
        return None
    # The operand as the NumPy code sees it: dilated and padded, in its own layout.
    config = [(0, 0, 0)] * len(lhs.shape)
    for axis, (lo, hi), d in zip(lhs_spec[2:], p["padding"], p["lhs_dilation"]):
        config[axis] = (lo, hi, d - 1)
    padded = tuple(max(lo + hi + n + max(n - 1, 0) * it, 0)
                   for n, (lo, hi, it) in zip(lhs.shape, config))
    element_strides = [math.prod(padded[d + 1:]) for d in range(len(padded))]
    # Flat steps in the operand: along the output positions (batch, spatial...) and along
    # the window elements (input channel, kernel offset...), the weight matrix's rows.
    steps = [element_strides[lhs_spec[0]]] + [s * element_strides[axis] for s, axis in
                                              zip(p["window_strides"], lhs_spec[2:])]
    tap_shape = [rhs.shape[rhs_spec[1]]] + [rhs.shape[d] for d in rhs_spec[2:]]
    tap_steps = [element_strides[lhs_spec[1]]] + [d * element_strides[axis] for d, axis in
                                                  zip(p["rhs_dilation"], lhs_spec[2:])]
    source = (_direct_source if direct else _reduction_source)(
        positions, steps, tap_shape, tap_steps, features, dtype)
    signature = ((dtype.name, "in"), (dtype.name, "in"), (dtype.name, "out"))
    canonical = tuple(positions) + (features,)  # (N, P..., O)
    canonical_axes = (0, len(canonical) - 1) + tuple(range(1, len(canonical) - 1))
    final = tuple(canonical_axes[i] for i in np.argsort(out_spec))
    needs_pad = any(lo or hi or it for lo, hi, it in config)
    in_place = final == tuple(range(len(final)))  # the output's layout is (N, P..., O)

    def run(kernel, x, w, out=None):
        x = np.asarray(x, dtype)
        if needs_pad:
            x = _pad_impl(x, np.zeros((), dtype), tuple(config))
        weights = np.ascontiguousarray(  # (I, spatial..., O): a row per window element
            np.moveaxis(np.transpose(np.asarray(w, dtype), rhs_spec), 0, -1)).reshape(-1)
        result = out if out is not None and in_place else np.empty(canonical, dtype)
        kernel(np.ascontiguousarray(x).reshape(-1), weights, result.reshape(-1))
        if in_place:
            return result
        return _into(out, np.transpose(result, final))
    return source, signature, run


def _flat_offsets(shape, steps):
    return (np.indices(shape).reshape(len(shape), -1).T @ np.array(steps, np.int64)).tolist()


def _sum(terms):
    return " + ".join(terms)


def _blocked_loops(lines, var, shape, block):
    """Append loops over `shape` (variables var0, var1, ...) to `lines`, the last axis in
    steps of `block` and then one by one to its end; yield (the indent of the body, the
    step) once per innermost loop, after its header, for the caller to append the body."""
    indent = "    "
    for d, n in enumerate(shape[:-1]):
        lines.append(f"{indent}for {var}{d} in range({n}):")
        indent += "    "
    blocked = shape[-1] - shape[-1] % block
    for start, stop, step in ((0, blocked, block), (blocked, shape[-1], 1)):
        if start < stop:
            by = f", {step}" if step > 1 else ""
            lines.append(f"{indent}for {var}{len(shape) - 1} in range({start}, {stop}{by}):")
            yield indent + "    ", step


def _direct_source(positions, steps, tap_shape, tap_steps, features, dtype):
    """Loops over the output positions, then the features, innermost (vectorized); the
    innermost positions in blocks of _DIRECT_BLOCK, then one by one to the end of the row.
    (Indices from the loop variables, not running counters, let LLVM vectorize.)"""
    offsets = _flat_offsets(tap_shape, tap_steps)
    out_steps = [math.prod(positions[d + 1:]) * features for d in range(len(positions))]
    lines = ["def kernel(x, w, out):"]
    for body, block in _blocked_loops(lines, "i", positions, _DIRECT_BLOCK):
        lines.append(body + "b = " + _sum(f"i{d} * {st}" for d, st in enumerate(steps)))
        lines.append(body + "r = " + _sum(f"i{d} * {st}" for d, st in enumerate(out_steps)))
        lines += [f"{body}x{q}_{e} = x[b + {o + q * steps[-1]}]" for q in range(block)
                  for e, o in enumerate(offsets)]
        lines.append(f"{body}for o in range({features}):")
        lines += [f"{body}    a{q} = {dtype.type(0)!r}" for q in range(block)]
        lines += [f"{body}    a{q} += x{q}_{e} * w[{e * features} + o]"
                  for e in range(len(offsets)) for q in range(block)]
        lines += [f"{body}    out[r + {q * features} + o] = a{q}" for q in range(block)]
    return "import numpy as np\n\n\n" + "\n".join(lines) + "\n"


def _reduction_source(positions, steps, tap_shape, tap_steps, features, dtype):
    """Loops over the window elements (the innermost kernel axis in blocks of
    _REDUCTION_BLOCK, then one by one), each block's products for every output position
    summed from 0.0 and added into a float64 accumulator, features innermost (vectorized)."""
    starts = _flat_offsets(positions, steps)  # each output position's first element
    row_steps = [math.prod(tap_shape[d + 1:]) * features for d in range(len(tap_shape))]
    lines = ["def kernel(x, w, out):",
             f"    acc = np.zeros({len(starts) * features}, np.float64)"]
    for body, block in _blocked_loops(lines, "j", tap_shape, _REDUCTION_BLOCK):
        lines.append(body + "t = " + _sum(f"j{d} * {st}" for d, st in enumerate(tap_steps)))
        lines.append(body + "e = " + _sum(f"j{d} * {st}" for d, st in enumerate(row_steps)))
        lines += [f"{body}x{r}_{q} = x[t + {s + q * tap_steps[-1]}]"
                  for r, s in enumerate(starts) for q in range(block)]
        lines.append(f"{body}for o in range({features}):")
        lines += [f"{body}    a{r} = {dtype.type(0)!r}" for r in range(len(starts))]
        lines += [f"{body}    a{r} += x{r}_{q} * w[e + {q * features} + o]"
                  for q in range(block) for r in range(len(starts))]
        lines += [f"{body}    acc[{r * features} + o] += np.float64(a{r})"
                  for r in range(len(starts))]
    lines += [f"    for i in range({len(starts) * features}):", "        out[i] = acc[i]"]
    return "import numpy as np\n\n\n" + "\n".join(lines) + "\n"


conv_general_dilated_p.fused_kernel = _conv_fused_kernel
conv_general_dilated_p.fused_kernel_rounding = True  # see above: sums in another order
