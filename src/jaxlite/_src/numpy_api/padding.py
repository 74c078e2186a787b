"""jnp.pad in every JAX mode: constant, edge, wrap, reflect, symmetric, linear_ramp,
maximum/minimum/mean/median and a callable, written on slices and concatenations so that it
is differentiable, batchable and jittable. Pad widths must be concrete, as in JAX.
"""
import builtins

import numpy as np

from .. import core, dtypes
from ..core import Tracer
from ..prims import shape as sp
from ..conversion import asarray, convert, check_arraylike
from .shapes import (reshape, broadcast_to, flip,
                     squeeze)
from .ufuncs import (subtract, multiply, round as round_)
from .creation import linspace
from .functional import apply_along_axis
from . import reductions
from .statistics import median
from .manipulation import slice_in_dim, _concat, repeat


def _pairs(values, ndim, name):
    if isinstance(values, Tracer):
        values = core.concrete_or_error(values, f"the {name} argument of jnp.pad")
    arr = np.asarray(jax_tree_to_numpy(values))
    if arr.shape == (ndim, 2):
        return tuple((arr[i, 0], arr[i, 1]) for i in range(ndim))
    if arr.shape in ((1, 2), (2,)):
        flat = arr.reshape(2)
        return tuple((flat[0], flat[1]) for _ in range(ndim))
    if arr.shape in ((1,), ()):
        v = arr.reshape(())
        return tuple((v, v) for _ in range(ndim))
    raise ValueError(f"jnp.pad: {name} with nd={ndim} has unsupported shape {arr.shape}. "
                     f"Valid shapes are ({ndim}, 2), (1, 2), (2,), (1,), or ().")


def jax_tree_to_numpy(values):
    if isinstance(values, (list, tuple)):
        return [jax_tree_to_numpy(v) for v in values]
    if isinstance(values, Tracer):
        return core.concrete_or_error(values, "a jnp.pad argument")
    return np.asarray(values)


def _pad_constant(x, widths, constant_values):
    c = asarray(constant_values)
    c = convert(c, x.dtype, x.weak_type)
    if c.ndim == 0 or c.shape == (1,):
        return sp.pad_p.bind(x, reshape(c, ()), padding_config=tuple((lo, hi, 0)
                                                                     for lo, hi in widths))
    c = broadcast_to(c, (x.ndim, 2))
    for i, (lo, hi) in enumerate(widths):
        for side, width in ((0, lo), (1, hi)):
            if width:
                config = [(0, 0, 0)] * x.ndim
                config[i] = (width, 0, 0) if side == 0 else (0, width, 0)
                x = sp.pad_p.bind(x, c[i, side], padding_config=tuple(config))
    return x


def _pad_wrap(x, widths):
    for i, (lo, hi) in enumerate(widths):
        n = x.shape[i]
        if n == 0:
            _check_no_padding(lo, hi, "wrap")
            continue
        left_repeats, left_rem = divmod(lo, n)
        right_repeats, right_rem = divmod(hi, n)
        parts = []
        if left_rem:
            parts.append(slice_in_dim(x, n - left_rem, n, i))
        parts += [x] * (left_repeats + right_repeats + 1)
        if right_rem:
            parts.append(slice_in_dim(x, 0, right_rem, i))
        x = _concat(parts, i)
    return x


def _check_no_padding(lo, hi, mode):
    if lo > 0 or hi > 0:
        raise ValueError(f"Cannot apply '{mode}' padding to empty axis")


def _pad_reflect(x, widths, mode, reflect_type):
    for i, (lo, hi) in enumerate(widths):
        n = x.shape[i]
        if n == 0:
            _check_no_padding(lo, hi, mode)
            continue
        offset = 1 if (mode == "reflect" and n > 1) else 0
        for before, padding in ((True, lo), (False, hi)):
            edge = slice_in_dim(x, 0, 1, i) if before else slice_in_dim(x, -1, None, i)
            while padding > 0:
                current = builtins.min(padding, n - offset)
                padding -= current
                if before:
                    part = slice_in_dim(x, offset, offset + current, i)
                else:
                    stop = None if (mode == "symmetric" or n == 1) else -1
                    part = slice_in_dim(x, -(current + offset), stop, i)
                part = flip(part, i)
                if reflect_type == "odd":
                    part = subtract(multiply(2, edge), part)
                    if n > 1:
                        edge = slice_in_dim(part, 0, 1, i) if before else \
                            slice_in_dim(part, -1, None, i)
                x = _concat([part, x] if before else [x, part], i)
    return x


def _pad_edge(x, widths):
    for i, (lo, hi) in enumerate(widths):
        n = x.shape[i]
        if n == 0:
            _check_no_padding(lo, hi, "edge")
            continue
        x = _concat([repeat(slice_in_dim(x, 0, 1, i), lo, axis=i), x,
                     repeat(slice_in_dim(x, n - 1, n, i), hi, axis=i)], i)
    return x


def _pad_linear_ramp(x, widths, end_values):
    for i, (lo, hi) in enumerate(widths):
        edge_before = squeeze(slice_in_dim(x, 0, 1, i), i)
        edge_after = squeeze(slice_in_dim(x, -1, None, i), i)
        before = linspace(end_values[i][0].item(), edge_before, lo, endpoint=False,
                          dtype=x.dtype, axis=i)
        after = linspace(end_values[i][1].item(), edge_after, hi, endpoint=False,
                         dtype=x.dtype, axis=i)
        x = _concat([convert(before, x.dtype, x.weak_type), x,
                     flip(convert(after, x.dtype, x.weak_type), i)], i)
    return x


def _pad_stats(x, widths, stat_length, stat):
    for i, (lo, hi) in enumerate(widths):
        if stat_length is None:
            before = after = stat(x, axis=i, keepdims=True)
        else:
            len_before, len_after = (int(v) for v in stat_length[i])
            if len_before == 0 or len_after == 0:
                raise ValueError("stat_length of 0 yields no value for padding")
            len_before = builtins.min(len_before, x.shape[i])
            len_after = builtins.min(len_after, x.shape[i])
            before = stat(slice_in_dim(x, 0, len_before, i), axis=i, keepdims=True)
            after = stat(slice_in_dim(x, -len_after, None, i), axis=i, keepdims=True)
        if dtypes.is_integer(x.dtype):
            before, after = round_(before), round_(after)
        before = convert(before, x.dtype, x.weak_type)
        after = convert(after, x.dtype, x.weak_type)
        x = _concat([repeat(before, lo, axis=i), x, repeat(after, hi, axis=i)], i)
    return x


def _pad_func(x, widths, func, kwargs):
    x = _pad_constant(x, widths, 0)
    for axis in range(x.ndim):
        x = apply_along_axis(func, axis, x, widths[axis], axis, kwargs)
    return x


_STAT_MODES = ("maximum", "minimum", "mean", "median")


def pad(array, pad_width, mode="constant", **kwargs):
    """Pad an array, with every mode of `jnp.pad`: constant, empty, edge, wrap, linear_ramp,
    maximum, mean, median, minimum, reflect, symmetric (reflect_type even/odd), or a callable
    `f(row, pad_width, iaxis, kwargs) -> row` mapped over each axis.

    >>> jnp.pad(jnp.array([1, 2, 3]), (2, 1), mode="reflect")
    Array([3, 2, 1, 2, 3, 2], dtype=int32)
    """
    check_arraylike("pad", array)
    x = asarray(array)
    allowed = {"constant": {"constant_values"}, "empty": set(), "edge": set(), "wrap": set(),
               "linear_ramp": {"end_values"}, "maximum": {"stat_length"},
               "mean": {"stat_length"}, "median": {"stat_length"}, "minimum": {"stat_length"},
               "reflect": {"reflect_type"}, "symmetric": {"reflect_type"}}
    if callable(mode):
        if x.ndim == 0:
            return x
        widths = tuple((int(lo), int(hi)) for lo, hi in _pairs(pad_width, x.ndim, "pad_width"))
        return _pad_func(x, widths, mode, kwargs)
    if mode not in allowed:
        raise ValueError(f"Unimplemented padding mode '{mode}' for np.pad.")
    unsupported = set(kwargs) - allowed[mode]
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': "
                         f"{sorted(unsupported)}")
    if x.ndim == 0:
        return x
    widths = _pairs(pad_width, x.ndim, "pad_width")
    if builtins.any(np.asarray(w).dtype.kind not in "iu" for pair in widths for w in pair):
        raise TypeError(f"`pad_width` must be of integral type; got {pad_width!r}")
    widths = tuple((int(lo), int(hi)) for lo, hi in widths)
    if builtins.any(lo < 0 or hi < 0 for lo, hi in widths):
        raise ValueError("index can't contain negative values")
    if mode == "constant":
        return _pad_constant(x, widths, kwargs.get("constant_values", 0))
    if mode == "empty":
        return _pad_constant(x, widths, 0)
    if mode == "wrap":
        return _pad_wrap(x, widths)
    if mode in ("reflect", "symmetric"):
        reflect_type = kwargs.get("reflect_type", "even")
        if reflect_type not in ("even", "odd"):
            raise ValueError(f"unsupported reflect_type {reflect_type!r}")
        return _pad_reflect(x, widths, mode, reflect_type)
    if mode == "edge":
        return _pad_edge(x, widths)
    if mode == "linear_ramp":
        return _pad_linear_ramp(x, widths, _pairs(kwargs.get("end_values", 0), x.ndim,
                                                  "end_values"))
    stats = {"maximum": reductions.max, "minimum": reductions.min, "mean": reductions.mean}
    if mode == "median":
        stats["median"] = median
    stat_length = kwargs.get("stat_length")
    if stat_length is not None:
        stat_length = _pairs(stat_length, x.ndim, "stat_length")
    return _pad_stats(x, widths, stat_length, stats[mode])
