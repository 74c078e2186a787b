"""jax.lax convolutions: conv_general_dilated and its wrappers (conv,
conv_with_general_padding, conv_transpose, conv_general_dilated_patches,
conv_general_dilated_local) and the dimension-number and shape helpers."""
import math
import operator
from typing import Union

import numpy as np

from .. import dtypes
from ..array import Array
from ..conversion import asarray, promote
from ..prims.conv import ConvDimensionNumbers, conv_general_dilated_p
from ..prims.shape import broadcast_in_dim_p, reshape_p, rev_p
from ..prims.windows import dilate_shape, padtype_to_pads
from .lax import dot_general
from .utils import moveaxis, swapaxes

ConvGeneralDilatedDimensionNumbers = Union[tuple, ConvDimensionNumbers, None]


def conv_general_permutations(dimension_numbers):
    """(lhs_perm, rhs_perm, out_perm) for string dimension numbers like
    ('NCHW', 'OIHW', 'NCHW'); spatial dims are ordered as in the rhs string."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    charpairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for i, (a, b) in enumerate(charpairs):
        if not dimension_numbers[i].count(a) == dimension_numbers[i].count(b) == 1:
            raise TypeError(f"convolution dimension_numbers[{i}] must contain the characters "
                            f"'{a}' and '{b}' exactly once, got {dimension_numbers[i]}.")
        if len(dimension_numbers[i]) != len(set(dimension_numbers[i])):
            raise TypeError(f"convolution dimension_numbers[{i}] cannot have duplicate "
                            f"characters, got {dimension_numbers[i]}.")
    if not (set(lhs_spec) - set("NC") == set(rhs_spec) - set("OI") == set(out_spec) - set("NC")):
        raise TypeError("convolution dimension_numbers elements must each have the same set of "
                        f"spatial characters, got {dimension_numbers}.")

    def perm(spec, pair):
        spatial = [i for i, c in enumerate(spec) if c not in pair]
        if spec is not rhs_spec:
            spatial = sorted(spatial, key=lambda i: rhs_spec.index(spec[i]))
        return (spec.index(pair[0]), spec.index(pair[1])) + tuple(spatial)

    return tuple(perm(spec, pair) for spec, pair in zip(dimension_numbers, charpairs))


def conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers):
    """`dimension_numbers` (None, 3 strings, or ConvDimensionNumbers) as ConvDimensionNumbers.

    >>> lax.conv_dimension_numbers((1, 8, 8, 3), (3, 3, 3, 16), ('NHWC', 'HWIO', 'NHWC'))
    ConvDimensionNumbers(lhs_spec=(0, 3, 1, 2), rhs_spec=(3, 2, 0, 1), out_spec=(0, 3, 1, 2))
    """
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return ConvDimensionNumbers(*(tuple(int(i) for i in s) for s in dimension_numbers))
    if len(lhs_shape) != len(rhs_shape):
        raise TypeError("convolution requires lhs and rhs ndim to be equal, got "
                        f"{len(lhs_shape)} and {len(rhs_shape)}.")
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if isinstance(dimension_numbers, (list, tuple)):
        if len(dimension_numbers) != 3:
            raise TypeError("convolution dimension_numbers list/tuple must be length 3, got "
                            f"{len(dimension_numbers)}.")
        if not all(isinstance(s, str) for s in dimension_numbers):
            raise TypeError("convolution dimension_numbers elements must be strings, got "
                            f"{tuple(map(type, dimension_numbers))}.")
        for i, s in enumerate(dimension_numbers):
            if len(s) != len(lhs_shape):
                raise TypeError(f"convolution dimension_numbers[{i}] must have len equal to the "
                                f"ndim of lhs and rhs, got {len(s)} for lhs and rhs shapes "
                                f"{tuple(lhs_shape)} and {tuple(rhs_shape)}.")
        return ConvDimensionNumbers(*conv_general_permutations(dimension_numbers))
    raise TypeError("convolution dimension_numbers must be tuple/list or None, got "
                    f"{type(dimension_numbers)}.")


def conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None,
                         rhs_dilation=None, dimension_numbers=None, feature_group_count=1,
                         batch_group_count=1, precision=None, preferred_element_type=None,
                         out_sharding=None):
    """General N-d convolution (a cross-correlation, as XLA's) with optional dilation.

    `padding` is 'SAME', 'SAME_LOWER', 'VALID' or (low, high) pairs per spatial dimension;
    `dimension_numbers` defaults to ('NCHW', 'OIHW', 'NCHW') and its 2-D analogues.

    >>> x = jnp.ones((1, 1, 4, 4)); k = jnp.ones((1, 1, 3, 3))
    >>> lax.conv_general_dilated(x, k, (1, 1), 'VALID')[0, 0]
    Array([[9., 9.],
           [9., 9.]], dtype=float32)
    """
    lhs, rhs = asarray(lhs), asarray(rhs)
    dnums = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    nd = lhs.ndim - 2
    lhs_dilation = (1,) * nd if lhs_dilation is None else tuple(int(d) for d in lhs_dilation)
    rhs_dilation = (1,) * nd if rhs_dilation is None else tuple(int(d) for d in rhs_dilation)
    if isinstance(padding, str):
        if any(d != 1 for d in lhs_dilation):
            raise ValueError("String padding is not implemented for transposed convolution "
                             "using this op. Please either exactly specify the required "
                             "padding or use conv_transpose.")
        kernel = dilate_shape([rhs.shape[i] for i in dnums.rhs_spec[2:]], rhs_dilation)
        padding = padtype_to_pads([lhs.shape[i] for i in dnums.lhs_spec[2:]], kernel,
                                  window_strides, padding)
    try:
        padding = tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
    except (ValueError, TypeError):
        raise ValueError("padding argument to conv_general_dilated should be a string or a "
                         f"sequence of (low, high) pairs, got {padding}") from None
    if lhs.dtype != rhs.dtype:  # weakly typed Python scalars adopt the other's dtype
        lhs, rhs = promote(lhs, rhs)
    pet = None if preferred_element_type is None else dtypes.canonicalize_dtype(
        preferred_element_type)
    return conv_general_dilated_p.bind(
        lhs, rhs, window_strides=tuple(int(s) for s in window_strides), padding=padding,
        lhs_dilation=lhs_dilation, rhs_dilation=rhs_dilation, dimension_numbers=dnums,
        feature_group_count=int(feature_group_count), batch_group_count=int(batch_group_count),
        preferred_element_type=pet)


def conv(lhs, rhs, window_strides, padding, precision=None, preferred_element_type=None):
    """conv_general_dilated with NCHW/OIHW layouts and no dilation."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, precision=precision,
                                preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
                              precision=None, preferred_element_type=None):
    """conv_general_dilated with NCHW/OIHW layouts."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation, precision=precision,
                                preferred_element_type=preferred_element_type)


def _conv_transpose_padding(k, s, padding):
    if padding == "SAME":
        pad_len = k + s - 2
        pad_a = k - 1 if s > k - 1 else int(np.ceil(pad_len / 2))
    elif padding == "VALID":
        pad_len = k + s - 2 + max(k - s, 0)
        pad_a = k - 1
    elif isinstance(padding, tuple):
        pads = tuple(k - p - 1 for p in padding)
        pad_a = pads[0]
        pad_len = sum(pads)
    else:
        raise ValueError(f"Invalid padding mode: {padding}")
    return pad_a, pad_len - pad_a


def conv_transpose(lhs, rhs, strides, padding, rhs_dilation=None, dimension_numbers=None,
                   transpose_kernel=False, precision=None, preferred_element_type=None,
                   use_consistent_padding=False):
    """N-d transposed convolution (a fractionally strided convolution), as jax.lax's:
    layouts default to TensorFlow's (NHWC, HWIO); the kernel is not flipped unless
    transpose_kernel=True."""
    lhs, rhs = asarray(lhs), asarray(rhs)
    assert lhs.ndim == rhs.ndim and lhs.ndim >= 2
    ndims = lhs.ndim
    one = (1,) * (ndims - 2)
    if dimension_numbers is None:
        defaults = {2: ("NC", "IO", "NC"), 3: ("NHC", "HIO", "NHC"),
                    4: ("NHWC", "HWIO", "NHWC"), 5: ("NHWDC", "HWDIO", "NHWDC")}
        if ndims not in defaults:
            raise ValueError("No 4+ dimensional dimension_number defaults.")
        dimension_numbers = defaults[ndims]
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    k_sdims = [rhs.shape[i] for i in dn.rhs_spec[2:]]
    rhs_dilation = (1,) * (ndims - 2) if rhs_dilation is None else tuple(rhs_dilation)
    if use_consistent_padding or (isinstance(padding, str) and padding in ("SAME", "VALID")):
        effective = dilate_shape(k_sdims, rhs_dilation)
        replicated = [padding] * len(strides) if isinstance(padding, str) else padding
        pads = tuple(_conv_transpose_padding(k, s, tuple(p) if not isinstance(p, str) else p)
                     for k, s, p in zip(effective, strides, replicated))
    else:
        pads = padding
    if transpose_kernel:  # flip the spatial dims and swap the kernel's feature dims
        rhs = rev_p.bind(rhs, dimensions=tuple(dn.rhs_spec[2:]))
        rhs = swapaxes(rhs, dn.rhs_spec[0], dn.rhs_spec[1])
    return conv_general_dilated(lhs, rhs, one, pads, strides, rhs_dilation, dn,
                                precision=precision, preferred_element_type=preferred_element_type)


def conv_shape_tuple(lhs_shape, rhs_shape, strides, pads, batch_group_count=1):
    """Output shape of a convolution in canonical (N, C, spatial...) order."""
    # Python ints whatever integers come in: NumPy ones would wrap (unsigned), or make
    # np.array(shape) depend on their type rather than be the platform's default integer.
    lhs_shape, rhs_shape, strides = (tuple(map(int, dims))
                                     for dims in (lhs_shape, rhs_shape, strides))
    batch_group_count = int(batch_group_count)
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    if len(pads) != len(lhs_shape) - 2:
        raise TypeError("Wrong number of explicit pads for convolution: expected "
                        f"{len(lhs_shape) - 2}, got {len(pads)}.")
    padded = [n + int(lo) + int(hi) for n, (lo, hi) in zip(lhs_shape[2:], pads)]
    if any(p < 0 for p in padded):
        raise ValueError("Negative padding is larger than the size of the corresponding "
                         f"dimension: got padding={pads} for lhs_shape[2:]={lhs_shape[2:]}")
    space = tuple(max((p - k) // s + 1, 0) if p >= k else 0
                  for p, k, s in zip(padded, rhs_shape[2:], strides))
    return (lhs_shape[0] // batch_group_count, rhs_shape[0]) + space


def conv_general_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers):
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    out = conv_shape_tuple([lhs_shape[i] for i in lhs_perm], [rhs_shape[i] for i in rhs_perm],
                           window_strides, padding)
    return tuple(out[i] for i in np.argsort(out_perm))


def conv_transpose_shape_tuple(lhs_shape, rhs_shape, window_strides, padding,
                               dimension_numbers):
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    lhs_trans = [int(lhs_shape[i]) for i in lhs_perm]
    rhs_trans = [int(rhs_shape[i]) for i in rhs_perm]
    window_strides = tuple(map(int, window_strides))
    if isinstance(padding, str):
        padding = [_conv_transpose_padding(k, s, padding)
                   for k, s in zip(rhs_trans[2:], window_strides)]
    totals = [sum(map(int, p)) for p in padding]
    space = [(i - 1) * s - k + 2 + p
             for i, k, s, p in zip(lhs_trans[2:], rhs_trans[2:], window_strides, totals)]
    out = (lhs_trans[0], rhs_trans[0]) + tuple(space)
    return tuple(out[i] for i in np.argsort(out_perm))


def conv_general_dilated_patches(lhs, filter_shape, window_strides, padding, lhs_dilation=None,
                                 rhs_dilation=None, dimension_numbers=None, precision=None,
                                 preferred_element_type=None):
    """The patches a convolution with a kernel of `filter_shape` would see, in the output's
    feature dimension (ordered channel-major, then the filter's spatial positions)."""
    x = asarray(lhs)
    filter_shape = tuple(filter_shape)
    dnums = conv_dimension_numbers(x.shape, (1, 1) + filter_shape, dimension_numbers)
    lhs_spec, rhs_spec, out_spec = dnums
    spatial_size = math.prod(filter_shape)
    n_channels = x.shape[lhs_spec[1]]
    rhs = Array(np.eye(spatial_size, dtype=x.dtype), False)
    rhs = broadcast_in_dim_p.bind(rhs, shape=(n_channels, spatial_size, spatial_size),
                                  broadcast_dimensions=(1, 2))
    rhs = reshape_p.bind(rhs, new_sizes=(n_channels * spatial_size, 1) + filter_shape)
    rhs = moveaxis(rhs, (0, 1), (rhs_spec[0], rhs_spec[1]))
    return conv_general_dilated(x, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
                                dnums, feature_group_count=n_channels,
                                preferred_element_type=preferred_element_type)


def conv_general_dilated_local(lhs, rhs, window_strides, padding, filter_shape,
                               lhs_dilation=None, rhs_dilation=None, dimension_numbers=None,
                               precision=None):
    """Unshared (locally connected) convolution: a separate kernel at every output position."""
    x = asarray(lhs)
    patches = conv_general_dilated_patches(x, filter_shape, window_strides, padding,
                                           lhs_dilation, rhs_dilation, dimension_numbers)
    lhs_spec, rhs_spec, out_spec = conv_dimension_numbers(x.shape, (1, 1) + tuple(filter_shape),
                                                          dimension_numbers)
    lhs_b_dims, rhs_b_dims = out_spec[2:], rhs_spec[2:]
    rhs_b_dims = [rhs_b_dims[i] for i in sorted(range(len(rhs_b_dims)),
                                                key=lambda k: lhs_b_dims[k])]
    lhs_b_dims = sorted(lhs_b_dims)
    dn = (((out_spec[1],), (rhs_spec[1],)), (tuple(lhs_b_dims), tuple(rhs_b_dims)))
    out = dot_general(patches, rhs, dimension_numbers=dn)
    return moveaxis(out, (-2, -1), (out_spec[0], out_spec[1]))
