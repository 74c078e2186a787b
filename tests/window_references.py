"""Hand-written NumPy references for windowed reductions and convolutions: direct loops
over output positions and window offsets, slow and obviously right."""
import itertools

import numpy as np


def _dilate_and_pad(x, fill, padding, dilation, lead=0):
    """x dilated by `dilation` (holes = fill) and padded by (lo, hi) on its last axes."""
    spatial = x.shape[lead:]
    dilated = tuple((n - 1) * d + 1 if n else 0 for n, d in zip(spatial, dilation))
    out = np.full(x.shape[:lead] + dilated, fill, x.dtype)
    out[(slice(None),) * lead + tuple(slice(None, None, d) for d in dilation)] = x
    for i, (lo, hi) in enumerate(padding):
        axis = lead + i
        widths = [(0, 0)] * out.ndim
        widths[axis] = (max(lo, 0), max(hi, 0))
        out = np.pad(out, widths, constant_values=fill)
        n = out.shape[axis]
        out = np.take(out, range(max(-lo, 0), n - max(-hi, 0)), axis=axis)
    return out


def reduce_window_reference(x, init, op, window, strides=None, padding=None,
                            base_dilation=None, window_dilation=None):
    x = np.asarray(x)
    nd = x.ndim
    strides = strides or (1,) * nd
    padding = padding or ((0, 0),) * nd
    base_dilation = base_dilation or (1,) * nd
    window_dilation = window_dilation or (1,) * nd
    xp = _dilate_and_pad(x, init, padding, base_dilation)
    extent = [(w - 1) * d + 1 for w, d in zip(window, window_dilation)]
    out_shape = [max((n - e) // s + 1, 0) if n >= e else 0
                 for n, e, s in zip(xp.shape, extent, strides)]
    out = np.full(out_shape, init, x.dtype)
    for pos in itertools.product(*map(range, out_shape)):
        acc = np.asarray(init, x.dtype)
        for off in itertools.product(*map(range, window)):
            idx = tuple(p * s + o * d for p, s, o, d in zip(pos, strides, off, window_dilation))
            acc = op(acc, xp[idx])
        out[pos] = acc
    return out


def conv_reference(lhs, rhs, strides, padding, lhs_dilation, rhs_dilation, dimension_numbers,
                   feature_group_count=1, batch_group_count=1):
    """XLA's convolution; dimension_numbers = (lhs_spec, rhs_spec, out_spec) as permutations."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    x = np.transpose(lhs, lhs_spec).astype(np.float64)
    w = np.transpose(rhs, rhs_spec).astype(np.float64)
    n_batch, channels = x.shape[:2]
    out_features, in_per_group = w.shape[:2]
    kernel = w.shape[2:]
    xp = _dilate_and_pad(x, 0.0, padding, lhs_dilation, lead=2)
    extent = [(k - 1) * d + 1 for k, d in zip(kernel, rhs_dilation)]
    out_spatial = [max((n - e) // s + 1, 0) if n >= e else 0
                   for n, e, s in zip(xp.shape[2:], extent, strides)]
    n_out = n_batch // batch_group_count
    per_group = out_features // (feature_group_count * batch_group_count)
    out = np.zeros((n_out, out_features) + tuple(out_spatial))
    for o in range(out_features):
        g = o // per_group
        for n in range(n_out):
            if batch_group_count > 1:
                sample, channel_range = g * n_out + n, range(channels)
            else:
                sample, channel_range = n, range(g * in_per_group, (g + 1) * in_per_group)
            for pos in itertools.product(*map(range, out_spatial)):
                acc = 0.0
                for ci, c in enumerate(channel_range):
                    for k in itertools.product(*map(range, kernel)):
                        idx = tuple(p * s + kk * d
                                    for p, s, kk, d in zip(pos, strides, k, rhs_dilation))
                        acc += xp[(sample, c) + idx] * w[(o, ci) + k]
                out[(n, o) + pos] = acc
    return np.transpose(out, np.argsort(out_spec)).astype(np.result_type(lhs, rhs))
