"""jax.ops: segment reductions (segment_sum, segment_max, segment_min, segment_prod).

Each is a scatter of `data` rows into `num_segments` rows that start at the reduction's
identity, so they work under jit, grad and vmap as the scatter does. Segment ids outside
[0, num_segments) are dropped (mode None or "drop", JAX's FILL_OR_DROP; negative ids do not
wrap) or clipped into range (mode "clip").
"""
import numpy as np

from . import core, dtypes
from .numpy_api.creation import arange, asarray, full
from .numpy_api.reductions import max as reduce_max, min as reduce_min, prod, sum as reduce_sum
from .numpy_api.ufuncs import clip, logical_and, where

_MODES = (None, "drop", "fill", "clip", "promise_in_bounds")


def _identity(how, dtype):
    if how == "add":
        return 0
    if how == "multiply":
        return 1
    largest = how == "min"
    if dtype == dtypes.bool_:
        return largest
    if dtypes.is_integer(dtype):
        info = np.iinfo(dtype)
        return info.max if largest else info.min
    return np.inf if largest else -np.inf


def _segment_update(name, how, reducer, data, segment_ids, num_segments, indices_are_sorted,
                    unique_indices, bucket_size, mode):
    for what, value in (("data", data), ("segment_ids", segment_ids)):
        if isinstance(value, (list, tuple)):
            raise TypeError(f"{name} requires ndarray or scalar arguments, got {type(value)} at "
                            f"position {('data', 'segment_ids').index(what)}.")
    mode = getattr(mode, "name", mode)
    mode = mode.lower() if isinstance(mode, str) else mode
    mode = {"fill_or_drop": "drop", "clip": "clip", "promise_in_bounds": "promise_in_bounds"
            }.get(mode, mode)
    if mode not in _MODES:
        raise ValueError(f"{name}: unknown mode {mode!r}; use None, 'drop', 'clip' or "
                         "'promise_in_bounds'")
    data = asarray(data)
    segment_ids = asarray(segment_ids)
    if not dtypes.is_integer(segment_ids.dtype):
        raise TypeError(f"{name}: segment_ids must be integers, got {segment_ids.dtype}")
    if how == "add" and data.dtype == dtypes.bool_:
        raise TypeError("add does not accept dtype bool at position 0. Accepted dtypes at "
                        "position 0 are subtypes of integer, floating, complexfloating.")
    if num_segments is None:
        ids = core.concrete_or_error(segment_ids, f"{name}() `num_segments` argument.")
        num_segments = int(ids.max()) + 1  # empty ids: ValueError, as JAX
    num_segments = int(core.concrete_or_error(num_segments, f"{name}() `num_segments` argument."))
    if num_segments < 0:
        raise ValueError("num_segments must be non-negative.")
    if mode == "clip":
        ids = clip(segment_ids, 0, max(num_segments - 1, 0))
        rows = num_segments
    else:
        # Out-of-range ids go to one extra row, sliced off at the end: dropped, never wrapped.
        in_range = logical_and(segment_ids >= 0, segment_ids < num_segments)
        ids = where(in_range, segment_ids, num_segments)
        rows = num_segments + 1
    identity = _identity(how, data.dtype)
    if bucket_size is None:
        out = full((rows,) + data.shape[1:], identity, dtype=data.dtype)
        out = getattr(out.at[ids], how)(data, indices_are_sorted=indices_are_sorted,
                                        unique_indices=unique_indices)
    else:
        # Per-bucket partial results, then combined (JAX's way to keep sums and products
        # of many terms accurate).
        n = segment_ids.shape[0]
        num_buckets = -(-n // bucket_size)
        out = full((num_buckets, rows) + data.shape[1:], identity, dtype=data.dtype)
        out = getattr(out.at[arange(n) // bucket_size, ids], how)(data)
        out = reducer(out, axis=0).astype(data.dtype)
    return out[:num_segments]


def segment_sum(data, segment_ids, num_segments=None, indices_are_sorted=False,
                unique_indices=False, bucket_size=None, mode=None):
    """Sum of the rows of `data` that share a segment id.

    >>> jax.ops.segment_sum(jnp.arange(5.), jnp.array([0, 0, 1, 1, 2]), num_segments=3)
    Array([1., 5., 4.], dtype=float32)
    """
    return _segment_update("segment_sum", "add", reduce_sum, data, segment_ids, num_segments,
                           indices_are_sorted, unique_indices, bucket_size, mode)


def segment_prod(data, segment_ids, num_segments=None, indices_are_sorted=False,
                 unique_indices=False, bucket_size=None, mode=None):
    """Product of the rows of `data` that share a segment id (1 for empty segments).

    >>> jax.ops.segment_prod(jnp.array([2., 5., 3.]), jnp.array([0, 0, 2]), 4)
    Array([10.,  1.,  3.,  1.], dtype=float32)
    """
    return _segment_update("segment_prod", "multiply", prod, data, segment_ids, num_segments,
                           indices_are_sorted, unique_indices, bucket_size, mode)


def segment_max(data, segment_ids, num_segments=None, indices_are_sorted=False,
                unique_indices=False, bucket_size=None, mode=None):
    """Maximum of the rows of `data` that share a segment id (-inf, or the dtype's least
    value, for empty segments).

    >>> jax.ops.segment_max(jnp.array([1., 5., 3.]), jnp.array([0, 0, 2]), 4)
    Array([  5., -inf,   3., -inf], dtype=float32)
    """
    return _segment_update("segment_max", "max", reduce_max, data, segment_ids, num_segments,
                           indices_are_sorted, unique_indices, bucket_size, mode)


def segment_min(data, segment_ids, num_segments=None, indices_are_sorted=False,
                unique_indices=False, bucket_size=None, mode=None):
    """Minimum of the rows of `data` that share a segment id (inf, or the dtype's greatest
    value, for empty segments).

    >>> jax.ops.segment_min(jnp.array([1, 5, 3]), jnp.array([0, 0, 2]), 4)
    Array([         1, 2147483647,          3, 2147483647], dtype=int32)
    """
    return _segment_update("segment_min", "min", reduce_min, data, segment_ids, num_segments,
                           indices_are_sorted, unique_indices, bucket_size, mode)
