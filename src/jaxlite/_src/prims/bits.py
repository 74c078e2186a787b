"""Bit-level primitives: clz (count leading zeros), mulhi (high half of an integer
product), reduce_precision (rounding floats to fewer exponent/mantissa bits, as XLA's
ReducePrecision does) and bitcast_convert_type (reinterpreting bits as another dtype).

clz and mulhi are integer functions (zero derivative); reduce_precision is treated as
linear, as in JAX: its tangent and cotangent are rounded the same way.
"""
import numpy as np

from .. import core, dtypes
from ..ad import Zero
from ..core import Primitive, ShapedArray
from .elementwise import define, batch_elementwise
from .compiler_rules import bitcast_code

_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def _as_unsigned(x):
    x = np.asarray(x)
    return x.view(_UNSIGNED[x.dtype.itemsize]) if x.ndim else \
        x.reshape(1).view(_UNSIGNED[x.dtype.itemsize]).reshape(())


def _from_unsigned(u, dtype):
    u = np.asarray(u, _UNSIGNED[np.dtype(dtype).itemsize])
    return u.view(dtype) if u.ndim else u.reshape(1).view(dtype).reshape(())


def _integer_dtype(name, dtype):
    if dtypes.kind(dtype) not in "iu":  # int4 & co. included (NumPy's kind is "V")
        raise TypeError(f"{name} does not accept dtype {dtype}. Accepted dtypes are subtypes "
                        "of integer.")
    return dtype


# ---- clz ------------------------------------------------------------------------------------
def _clz_impl(x):
    x = np.asarray(x)
    bits = dtypes.iinfo(x.dtype).bits  # int4's 4 bits, stored in the low half of a byte
    # Left-align in 64 bits, then binary-search the highest set bit.
    y = _as_unsigned(x).astype(np.uint64) << np.uint64(64 - bits)
    count = np.zeros(y.shape, np.uint64)
    for step in (32, 16, 8, 4, 2, 1):
        empty = (y >> np.uint64(64 - step)) == 0
        count = np.where(empty, count + np.uint64(step), count)
        y = np.where(empty, y << np.uint64(step), y)
    count = np.where(y == 0, np.uint64(bits), count)  # x == 0
    return np.minimum(count, np.uint64(bits)).astype(x.dtype)


clz_p = define("clz", _clz_impl, "zero", dtype_rule=lambda d: _integer_dtype("clz", d))


# ---- mulhi ----------------------------------------------------------------------------------
def _mulhi_unsigned64(a, b):
    """High 64 bits of the 128-bit product of uint64 arrays (schoolbook on 32-bit halves)."""
    mask = np.uint64(0xFFFFFFFF)
    s32 = np.uint64(32)
    a_lo, a_hi = a & mask, a >> s32
    b_lo, b_hi = b & mask, b >> s32
    lo_lo = a_lo * b_lo
    hi_lo = a_hi * b_lo
    lo_hi = a_lo * b_hi
    hi_hi = a_hi * b_hi
    cross = (lo_lo >> s32) + (hi_lo & mask) + lo_hi
    return hi_hi + (hi_lo >> s32) + (cross >> s32)


def _mulhi_impl(x, y):
    x, y = np.asarray(x), np.asarray(y)
    dtype = x.dtype
    bits = dtypes.iinfo(dtype).bits
    if bits < 64:
        wide = np.int64 if dtypes.kind(dtype) == "i" else np.uint64
        product = x.astype(wide) * y.astype(wide)
        return (product >> bits).astype(dtype)
    with np.errstate(over="ignore"):
        ux, uy = _as_unsigned(x), _as_unsigned(y)
        high = _mulhi_unsigned64(*np.broadcast_arrays(ux, uy))
        if dtype.kind == "i":  # signed high half = unsigned high half - corrections
            high = high - np.where(x < 0, uy, np.uint64(0)) - np.where(y < 0, ux, np.uint64(0))
    return _from_unsigned(high, dtype)


mulhi_p = define("mulhi", _mulhi_impl, "zero", dtype_rule=lambda d: _integer_dtype("mulhi", d))


# ---- reduce_precision ---------------------------------------------------------------------------
def _float_layout(dtype):
    try:
        info = np.finfo(dtype)
    except ValueError:  # bfloat16 and other ml_dtypes floats
        import ml_dtypes  # noqa: PLC0415 (optional dependency, loaded only for its floats)
        info = ml_dtypes.finfo(dtype)
    return info.nexp, info.nmant


def _reduce_precision_impl(x, exponent_bits, mantissa_bits):
    """XLA's ReducePrecision: round the mantissa to nearest-even, then flush values outside
    the reduced exponent range to zero / infinity; NaNs stay NaN."""
    x = np.asarray(x)
    dtype = x.dtype
    src_exponent_bits, src_mantissa_bits = _float_layout(dtype)
    bits = dtype.itemsize * 8
    u = _as_unsigned(x)
    utype = u.dtype.type
    one = utype(1)
    if mantissa_bits < src_mantissa_bits:
        shift = utype(src_mantissa_bits - mantissa_bits)
        last_bit_mask = one << shift
        base_bias = (last_bit_mask >> one) - one
        last_bit = (u & last_bit_mask) >> shift
        truncation_mask = ~(last_bit_mask - one)
        with np.errstate(over="ignore"):
            u = (u + last_bit + base_bias) & truncation_mask
    if exponent_bits < src_exponent_bits:
        sign_mask = one << utype(bits - 1)
        exponent_mask = ((one << utype(src_exponent_bits)) - one) << utype(src_mantissa_bits)
        bias = (1 << (src_exponent_bits - 1)) - 1
        reduced_bias = (1 << (exponent_bits - 1)) - 1
        max_exponent = utype(bias + reduced_bias) << utype(src_mantissa_bits)
        min_exponent = utype(bias - reduced_bias) << utype(src_mantissa_bits)
        exponent = u & exponent_mask
        signed_zero = u & sign_mask
        signed_inf = signed_zero | exponent_mask
        u = np.where(exponent > max_exponent, signed_inf,
                     np.where(exponent <= min_exponent, signed_zero, u))
    out = _from_unsigned(u, dtype)
    # NaNs stay NaN (XLA keeps a mantissa bit set even when mantissa_bits is 0).
    out = np.where(np.isnan(x), x, out)
    return out.astype(dtype)[()] if out.ndim == 0 else out.astype(dtype)


def _reduce_precision_transpose(ct, x, exponent_bits, mantissa_bits):
    return [reduce_precision_p.bind(ct, exponent_bits=exponent_bits,
                                    mantissa_bits=mantissa_bits)]


def _float_dtype(dtype):
    if dtype.kind != "f" and dtype.name != "bfloat16":
        raise TypeError(f"reduce_precision does not accept dtype {dtype}. Accepted dtypes are "
                        "subtypes of floating.")
    return dtype


reduce_precision_p = define(
    "reduce_precision", _reduce_precision_impl,
    [lambda t, ans, x, **params: reduce_precision_p.bind(t, **params)],
    dtype_rule=_float_dtype, linear_transpose=_reduce_precision_transpose)


# ---- bitcast_convert_type ---------------------------------------------------------------
bitcast_convert_type_p = Primitive("bitcast_convert_type")


def _bitcast_impl(x, new_dtype):
    # As XLA: a narrower dtype adds a trailing axis of the width ratio; a wider one consumes
    # the trailing axis, whose size must be that ratio.
    x = np.asarray(x)
    old, new = x.dtype.itemsize, np.dtype(new_dtype).itemsize
    flat = np.ascontiguousarray(x).reshape(-1).view(new_dtype)
    return flat.reshape(_bitcast_shape(x.shape, old, new))


def _bitcast_shape(shape, old, new):
    if old == new:
        return tuple(shape)
    if new < old:
        return tuple(shape) + (old // new,)
    if not shape or shape[-1] != new // old:
        raise TypeError(f"bitcast_convert_type to a {new // old} times wider dtype needs a "
                        f"trailing dimension of size {new // old}, got shape {tuple(shape)}")
    return tuple(shape[:-1])


bitcast_convert_type_p.impl = _bitcast_impl
bitcast_convert_type_p.scalar_code = bitcast_code  # same width only
bitcast_convert_type_p.abstract_eval = lambda x, new_dtype: ShapedArray(
    _bitcast_shape(x.shape, x.dtype.itemsize, np.dtype(new_dtype).itemsize), new_dtype, False)
bitcast_convert_type_p.batch = batch_elementwise(bitcast_convert_type_p)
bitcast_convert_type_p.weak_type_rule = core.never_weak
bitcast_convert_type_p.jvp = lambda primals, tangents, new_dtype: (
    lambda out: (out, Zero(out)))(bitcast_convert_type_p.bind(primals[0], new_dtype=new_dtype))
