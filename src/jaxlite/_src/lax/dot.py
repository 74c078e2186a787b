"""The rest of jax.lax's dot-product API: the precision/algorithm types (accepted and
ignored: NumPy computes every product in the operands' dtype, as JAX does on CPU),
batch_matmul, ragged_dot / ragged_dot_general and scaled_dot, all on dot_general."""
import collections
import enum
from collections.abc import Sequence
from typing import NamedTuple, Union

import numpy as np

from .. import dtypes
from ..conversion import asarray
from .cumulative import cumsum
from .precision import Precision, canonicalize_precision  # noqa: F401 -- re-exported
from .lax import _adopting, broadcast_in_dim, convert_element_type, dot_general, reshape, transpose

# Index arithmetic mixes Python ints with the index arrays' dtype.
bitwise_and, ge, lt, mul, sub = _adopting.bitwise_and, _adopting.ge, _adopting.lt, _adopting.mul, \
    _adopting.sub

__all__ = ["Precision", "PrecisionLike", "DotAlgorithm", "DotAlgorithmPreset", "AccuracyMode",
           "Tolerance", "DotDimensionNumbers", "RaggedDotDimensionNumbers", "batch_matmul",
           "ragged_dot", "ragged_dot_general", "scaled_dot"]


class DotAlgorithm(NamedTuple):
    """The algorithm of a dot product (accepted as `precision=` and ignored here)."""
    lhs_precision_type: object
    rhs_precision_type: object
    accumulation_type: object
    lhs_component_count: int = 1
    rhs_component_count: int = 1
    num_primitive_operations: int = 1
    allow_imprecise_accumulation: bool = False


class DotAlgorithmPreset(enum.Enum):
    """Named dot-product algorithms (accepted as `precision=` and ignored here)."""
    DEFAULT = 1
    ANY_F8_ANY_F8_F32 = 2
    ANY_F8_ANY_F8_F32_FAST_ACCUM = 3
    ANY_F8_ANY_F8_ANY = 4
    ANY_F8_ANY_F8_ANY_FAST_ACCUM = 5
    F16_F16_F16 = 6
    F16_F16_F32 = 7
    BF16_BF16_BF16 = 8
    BF16_BF16_F32 = 9
    BF16_BF16_F32_X3 = 10
    BF16_BF16_F32_X6 = 11
    BF16_BF16_F32_X9 = 12
    TF32_TF32_F32 = 13
    TF32_TF32_F32_X3 = 14
    F32_F32_F32 = 15
    F64_F64_F64 = 16

    def __repr__(self):
        return f"{self.__class__.__name__}.{self.name}"

    def __str__(self):
        return self.name


class AccuracyMode(enum.Enum):
    """Accuracy requested of transcendental functions (accepted and ignored here)."""
    HIGHEST = 1
    DEFAULT = 2


class Tolerance:
    """Tolerances for transcendental functions' `accuracy=` (accepted and ignored here):
    at most two of atol, rtol, ulps."""

    def __init__(self, atol=0.0, rtol=0.0, ulps=0):
        if atol < 0.0 or rtol < 0.0 or ulps < 0.0:
            raise ValueError("Tolerances must be non-negative.")
        if atol == 0.0 and rtol == 0.0 and ulps == 0:
            raise ValueError("At least one of atol, rtol, or ulps must be set.")
        self.atol, self.rtol, self.ulps = atol, rtol, ulps


PrecisionLike = Union[None, str, Precision, tuple, DotAlgorithm, DotAlgorithmPreset]
DotDimensionNumbers = tuple[tuple[Sequence[int], Sequence[int]],
                            tuple[Sequence[int], Sequence[int]]]


class RaggedDotDimensionNumbers(collections.namedtuple(
        "RaggedDotDimensionNumbers",
        ("dot_dimension_numbers", "lhs_ragged_dimensions", "rhs_group_dimensions"))):
    """dot_general's dimension numbers plus the lhs ragged dimension and the rhs group
    dimension of a ragged dot."""
    __slots__ = ()

    def __new__(cls, dot_dimension_numbers, lhs_ragged_dimensions, rhs_group_dimensions):
        return super().__new__(cls, dot_dimension_numbers, tuple(lhs_ragged_dimensions),
                               tuple(rhs_group_dimensions))


def batch_matmul(lhs, rhs, precision=None):
    """Matrix products over matching leading batch dimensions.

    >>> lax.batch_matmul(jnp.ones((2, 3, 4)), jnp.ones((2, 4, 5))).shape
    (2, 3, 5)
    """
    lhs, rhs = asarray(lhs), asarray(rhs)
    if min(lhs.ndim, rhs.ndim) < 2:
        raise ValueError(f"Arguments to batch_matmul must be at least 2D, got {lhs.ndim}, "
                         f"{rhs.ndim}")
    if lhs.ndim != rhs.ndim:
        raise ValueError(f"Arguments to batch_matmul must have same ndim, got {lhs.ndim}, "
                         f"{rhs.ndim}")
    batch = tuple(range(lhs.ndim - 2))
    return dot_general(lhs, rhs, (((lhs.ndim - 1,), (rhs.ndim - 2,)), (batch, batch)),
                       precision=precision)


def _group_mask(group_sizes, size, dtype):
    """mask[i, g] = 1 where position i (of the ragged dimension) lies in group g."""
    ends = cumsum(group_sizes, axis=0)
    starts = sub(ends, group_sizes)
    groups = group_sizes.shape[0]
    position = np.arange(size, dtype=group_sizes.dtype).reshape(size, 1)
    inside = bitwise_and(ge(position, reshape(starts, (1, groups))),
                         lt(position, reshape(ends, (1, groups))))
    return convert_element_type(inside, dtype)


def ragged_dot_general(lhs, rhs, group_sizes, ragged_dot_dimension_numbers, precision=None,
                       preferred_element_type=None, group_offset=None, out_sharding=None):
    """Ragged matrix products: consecutive groups (sizes `group_sizes`) of the lhs ragged
    dimension pair with their own rhs slice (ragged non-contracting dimension), or produce
    one output each (ragged contracting dimension). Computed densely with a group mask.
    The ragged batch mode, multi-dimensional group_sizes and group_offset are not
    supported."""
    lhs, rhs, group_sizes = asarray(lhs), asarray(rhs), asarray(group_sizes)
    rd = ragged_dot_dimension_numbers
    (lhs_contract, rhs_contract), (lhs_batch, rhs_batch) = rd.dot_dimension_numbers
    lhs_contract, rhs_contract = tuple(lhs_contract), tuple(rhs_contract)
    lhs_batch, rhs_batch = tuple(lhs_batch), tuple(rhs_batch)
    if len(rd.lhs_ragged_dimensions) != 1:
        raise TypeError("ragged_dot_general expects exactly one lhs ragged dimension.")
    if group_offset is not None:
        raise NotImplementedError("ragged_dot_general: group_offset is not supported")
    if group_sizes.ndim != 1:
        raise NotImplementedError("ragged_dot_general: only group_sizes of shape [g] are "
                                  "supported")
    if group_sizes.dtype.kind not in "iu":
        raise TypeError(f"ragged_dot_general: group_sizes must be integers, got "
                        f"{group_sizes.dtype}")
    ragged = rd.lhs_ragged_dimensions[0] % lhs.ndim
    groups = group_sizes.shape[0]
    if ragged in lhs_batch:
        raise NotImplementedError("ragged_dot_general: a ragged batch dimension is not "
                                  "supported")
    dtype = lhs.dtype
    mask = _group_mask(group_sizes, lhs.shape[ragged], dtype)
    # lhs with a trailing group axis, zero outside each row's (or column's) group.
    expanded = broadcast_in_dim(lhs, lhs.shape + (groups,), tuple(range(lhs.ndim)))
    mask = broadcast_in_dim(mask, lhs.shape + (groups,), (ragged, lhs.ndim))
    masked = mul(expanded, mask)
    if ragged not in lhs_contract:  # mode 1: contract the group axis with rhs's
        if len(rd.rhs_group_dimensions) != 1:
            raise TypeError("ragged_dot_general requires exactly one rhs group dimension when "
                            "lhs ragged dimension is noncontracting.")
        group_dim = rd.rhs_group_dimensions[0] % rhs.ndim
        if group_dim in rhs_contract or group_dim in rhs_batch:
            raise TypeError("ragged_dot_general requires rhs group dimension numbers to be "
                            "distinct from contracting and batch dimensions.")
        if rhs.shape[group_dim] != groups:
            raise TypeError(f"ragged_dot_general: rhs group dimension has size "
                            f"{rhs.shape[group_dim]}, expected {groups} groups")
        dims = ((lhs_contract + (lhs.ndim,), rhs_contract + (group_dim,)),
                (lhs_batch, rhs_batch))
        return dot_general(masked, rhs, dims, precision, preferred_element_type)
    if rd.rhs_group_dimensions:  # mode 2: the group axis stays, and leads the output
        raise TypeError("ragged_dot_general requires zero group dimensions in the rhs when lhs "
                        "ragged dimension is contracting or batch.")
    out = dot_general(masked, rhs, ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch)),
                      precision, preferred_element_type)
    group_axis = len(lhs_batch) + lhs.ndim - len(lhs_batch) - len(lhs_contract)
    perm = [group_axis] + [i for i in range(out.ndim) if i != group_axis]
    return transpose(out, perm)


def ragged_dot(lhs, rhs, group_sizes, precision=None, preferred_element_type=None,
               group_offset=None, out_sharding=None):
    """lhs [m, k] rows in consecutive groups of sizes group_sizes [g], each group multiplied
    by its rhs [g, k, n] matrix; rows past sum(group_sizes) are zero.

    >>> lax.ragged_dot(jnp.ones((3, 2)), jnp.stack([jnp.eye(2), 2 * jnp.eye(2)]),
    ...                jnp.array([1, 2]))
    Array([[1., 1.],
           [2., 2.],
           [2., 2.]], dtype=float32)
    """
    dims = RaggedDotDimensionNumbers(dot_dimension_numbers=(((1,), (1,)), ((), ())),
                                     lhs_ragged_dimensions=(0,), rhs_group_dimensions=(0,))
    return ragged_dot_general(lhs, rhs, group_sizes, dims, precision, preferred_element_type,
                              group_offset)


def _repeat(x, repeats, axis):
    """Each element of `x` repeated `repeats` times along `axis` (jnp.repeat with a static
    count)."""
    axis = axis % x.ndim
    expanded = x.shape[:axis + 1] + (repeats,) + x.shape[axis + 1:]
    dims = tuple(range(axis + 1)) + tuple(range(axis + 2, x.ndim + 1))
    tiled = broadcast_in_dim(x, expanded, dims)
    return reshape(tiled, x.shape[:axis] + (x.shape[axis] * repeats,) + x.shape[axis + 1:])


def scaled_dot(lhs, rhs, *, lhs_scale=None, rhs_scale=None, dimension_numbers=None,
               preferred_element_type=None):
    """(lhs * lhs_scale) @ (rhs * rhs_scale) computed in `preferred_element_type`
    (default bfloat16, as JAX, where ml_dtypes provides it; else float32), each scale repeated
    along the contracting dimension (subchannels) to the operand's size."""
    lhs, rhs = asarray(lhs), asarray(rhs)
    if dimension_numbers is None:
        if lhs.ndim == 2 and rhs.ndim == 2:
            dimension_numbers = (((1,), (0,)), ((), ()))
        elif lhs.ndim == 3 and rhs.ndim == 3:
            dimension_numbers = (((2,), (1,)), ((0,), (0,)))
        else:
            raise ValueError("scaled_dot: dimension_numbers must be given for operands that "
                             "are not 2-D or 3-D (batched) matrices")
    (lhs_contract, rhs_contract), _ = dimension_numbers
    out_dtype = dtypes.canonicalize_dtype(preferred_element_type
                                          or getattr(dtypes, "bfloat16", None) or dtypes.float32)

    def apply_scale(x, scale, contract):
        x = convert_element_type(x, dtypes.float32)
        if scale is None:
            return x
        scale = convert_element_type(asarray(scale), dtypes.float32)
        for axis in contract:
            repeats, remainder = divmod(x.shape[axis], scale.shape[axis])
            if remainder:
                raise ValueError(f"scaled_dot: contracting size {x.shape[axis]} is not a "
                                 f"multiple of the scale's {scale.shape[axis]}")
            if repeats > 1:
                scale = _repeat(scale, repeats, axis)
        return mul(x, scale)

    x = apply_scale(lhs, lhs_scale, lhs_contract)
    y = apply_scale(rhs, rhs_scale, rhs_contract)
    return convert_element_type(dot_general(x, y, dimension_numbers), out_dtype)
