"""jax.lax.reduce_window (and its shape helpers) on the window primitives.

Sums, maxima and minima with their identity as initial value become the
primitives reduce_window_sum/max/min (with JAX's derivative rules); any other
computation or initial value is folded over the window elements, one strided
slice of the padded operand per window offset, so it differentiates and
batches through slice and pad.
"""
import itertools

import numpy as np

from .. import core
from ..tree import tree_flatten, tree_unflatten
from ..conversion import asarray, convert
from ..prims import windows as wi
from ..prims.shape import pad_p, slice_p, broadcast_in_dim_p
from ..prims.windows import padtype_to_pads, reduce_window_shape_tuple  # noqa: F401 (public)
from .lax import window_monoids


def _monoid_primitive(computation, init_values):
    """The reduce_window primitive for (computation, init) if init is its identity."""
    if len(init_values) != 1:
        return None
    init = init_values[0]
    if not core.is_concrete(init) or np.ndim(init) != 0:
        return None
    value = np.asarray(init)
    dtype = core.get_aval(init).dtype
    monoid = next((name for fn, name in window_monoids.items() if computation == fn), None)
    if monoid == "add":
        return wi.reduce_window_sum_p if value == 0 else None
    if monoid == "max":
        return wi.reduce_window_max_p if value == wi._identity("max", dtype) else None
    if monoid == "min":
        return wi.reduce_window_min_p if value == wi._identity("min", dtype) else None
    return None


def reduce_window(operand, init_value, computation, window_dimensions, window_strides=None,
                  padding="VALID", base_dilation=None, window_dilation=None):
    """Reduces each window of `operand` (or of a pytree of operands) with `computation`,
    starting from `init_value`.

    >>> x = jnp.arange(10, dtype='float32')
    >>> lax.reduce_window(x, -jnp.inf, lax.max, (2,), (2,), 'VALID')
    Array([1., 3., 5., 7., 9.], dtype=float32)
    """
    flat_operands, tree = tree_flatten(operand)
    flat_inits, init_tree = tree_flatten(init_value)
    if tree != init_tree:
        raise ValueError("Operands must have the same tree structure as init_values: "
                         f"{tree} vs. {init_tree}")
    if not flat_operands:
        raise ValueError("reduce_window must have at least one operand.")
    xs = [asarray(x) for x in flat_operands]
    ndim = xs[0].ndim
    window_dimensions = tuple(int(w) for w in window_dimensions)
    window_strides = (1,) * ndim if window_strides is None else tuple(map(int, window_strides))
    base_dilation = (1,) * ndim if base_dilation is None else tuple(map(int, base_dilation))
    window_dilation = (1,) * ndim if window_dilation is None else tuple(map(int, window_dilation))
    if isinstance(padding, str):
        padding = padtype_to_pads(xs[0].shape, wi.dilate_shape(window_dimensions, window_dilation),
                                  window_strides, padding)
    padding = tuple((int(lo), int(hi)) for lo, hi in padding)
    params = dict(window_dimensions=window_dimensions, window_strides=window_strides,
                  padding=padding, base_dilation=base_dilation, window_dilation=window_dilation)
    primitive = _monoid_primitive(computation, flat_inits)
    if primitive is not None:
        return tree_unflatten(tree, [primitive.bind(xs[0], **params)])
    return tree_unflatten(tree, _fold_windows(xs, flat_inits, computation, tree, **params))


def _fold_windows(xs, inits, computation, tree, window_dimensions, window_strides, padding,
                  base_dilation, window_dilation):
    inits = [convert(asarray(v), x.dtype) for v, x in zip(inits, xs)]
    config = tuple((lo, hi, b - 1) for (lo, hi), b in zip(padding, base_dilation))
    padded = [pad_p.bind(x, v, padding_config=config) for x, v in zip(xs, inits)]
    out_shape = reduce_window_shape_tuple(xs[0].shape, window_dimensions, window_strides,
                                          padding, base_dilation, window_dilation)
    acc = [broadcast_in_dim_p.bind(v, shape=out_shape, broadcast_dimensions=()) for v in inits]
    if 0 in out_shape:
        return acc
    for offset in itertools.product(*map(range, window_dimensions)):
        starts = tuple(o * d for o, d in zip(offset, window_dilation))
        limits = tuple(s + (n - 1) * st + 1 for s, n, st in zip(starts, out_shape, window_strides))
        parts = [slice_p.bind(p, start_indices=starts, limit_indices=limits,
                              strides=window_strides) for p in padded]
        out = computation(tree_unflatten(tree, acc), tree_unflatten(tree, parts))
        acc, out_tree = tree_flatten(out)
        if out_tree != tree:
            raise ValueError("reduce_window output must have the same tree structure as the "
                             f"operands {tree} vs. {out_tree}")
    return acc
