"""Threefry-2x32 and the samplers built on it, bit-identical to JAX.

This module owns the PRNG *algorithms* of `jax.random` under JAX's default
configuration (`jax_default_prng_impl="threefry2x32"`,
`jax_threefry_partitionable=True`, the default since JAX 0.5): how a seed
becomes a key, how keys are split and folded, how random bits are drawn and
turned into uniform, normal, integer and Bernoulli samples.

Keys are *raw key data*: uint32 arrays whose last axis has length 2 (what
`jax.random.key_data` returns, and what a legacy `jax.random.PRNGKey` is).
Typed keys, dtype canonicalisation (x64), argument checking and error
messages belong to the public `jaxlite.random` layer.

Every function takes a keyword `ops`: the array namespace described in
`ops_numpy` (NumPy by default).  The code uses nothing else, so the core can
pass a backend over jaxlite arrays and run the same code under jit/vmap/grad.
Shapes and dtypes are static Python values.

Example (raw keys, NumPy backend)::

    >>> key = seed_to_key(np.int32(0))
    >>> key, sub = split(key)
    >>> uniform(sub, (2,))
    array([0.00729382, 0.02089119], dtype=float32)
"""

import math
from collections.abc import Sequence

import numpy as np

from . import ops_numpy

_DEFAULT_OPS = ops_numpy.ops

UINT32 = np.dtype(np.uint32)
UINT_DTYPES = {8: np.dtype(np.uint8), 16: np.dtype(np.uint16),
               32: np.dtype(np.uint32), 64: np.dtype(np.uint64)}

# Threefry-2x32 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
# 3", SC'11), 20 rounds: five blocks of four rounds, alternating between the
# two rotation schedules, with a key injection after each block.
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_KEY_SCHEDULE_PARITY = 0x1BD11BDA


def _u32(ops, value):
    return ops.asarray(value, UINT32)


def _rotate_left(ops, x, distance):
    return ops.bitwise_or(ops.shift_left(x, _u32(ops, distance)),
                          ops.shift_right_logical(x, _u32(ops, 32 - distance)))


def _threefry_hash(ops, k0, k1, x0, x1):
    """Hash the counter pairs (x0, x1) under the key (k0, k1); all uint32.

    Operands broadcast against each other; returns the pair of outputs.
    """
    k2 = ops.bitwise_xor(ops.bitwise_xor(k0, k1), _u32(ops, _KEY_SCHEDULE_PARITY))
    schedule = (k0, k1, k2)
    x0 = ops.add(x0, k0)
    x1 = ops.add(x1, k1)
    for block in range(5):
        for distance in _ROTATIONS[block % 2]:
            x0 = ops.add(x0, x1)
            x1 = ops.bitwise_xor(x0, _rotate_left(ops, x1, distance))
        x0 = ops.add(x0, schedule[(block + 1) % 3])
        x1 = ops.add(ops.add(x1, schedule[(block + 2) % 3]), _u32(ops, block + 1))
    return x0, x1


def threefry2x32(key, count_pairs, *, ops=_DEFAULT_OPS):
    """Threefry-2x32 block function on uint32 pairs (the last axis, length 2).

    `key` of shape (..., 2) broadcasts against `count_pairs` of shape
    (..., 2); the result has the broadcast shape.
    """
    k0, k1 = ops.index_axis(key, 0, -1), ops.index_axis(key, 1, -1)
    x0 = ops.index_axis(count_pairs, 0, -1)
    x1 = ops.index_axis(count_pairs, 1, -1)
    y0, y1 = _threefry_hash(ops, k0, k1, x0, x1)
    return ops.stack([y0, y1], -1)


def threefry_2x32(key, count, *, ops=_DEFAULT_OPS):
    """JAX's `threefry_2x32(keypair, count)`: hash an arbitrary uint32 array.

    The flattened `count` (padded with one zero when its size is odd) is cut
    into a first and a second half, hashed as the two words of each counter
    pair; the two output halves are laid back in the same order.
    """
    shape = tuple(count.shape)
    size = math.prod(shape)
    flat = ops.reshape(count, (size,))
    if size % 2:
        flat = ops.concatenate([flat, ops.full((1,), 0, UINT32)], 0)
    half = (size + 1) // 2
    y0, y1 = _threefry_hash(ops, ops.index_axis(key, 0, -1),
                            ops.index_axis(key, 1, -1),
                            ops.slice_axis(flat, 0, half, 0),
                            ops.slice_axis(flat, half, 2 * half, 0))
    out = ops.slice_axis(ops.concatenate([y0, y1], 0), 0, size, 0)
    return ops.reshape(out, shape)


# -- keys ---------------------------------------------------------------------

def canonical_seed(seed, enable_x64=False):
    """The integer array JAX hashes for a Python int seed.

    JAX first converts a Python int to int64 (so values outside
    [-2**63, 2**63) raise OverflowError), then canonicalises it: without x64
    the int64 is narrowed to int32 by keeping its low 32 bits.  This is why
    `PRNGKey(2**32 + 5)` equals `PRNGKey(5)` unless x64 is enabled.
    """
    value = np.int64(seed)
    if enable_x64:
        return np.asarray(value)
    return np.asarray(value).astype(np.int32)


def seed_to_key(seed, *, ops=_DEFAULT_OPS):
    """Raw key data (shape (*seed.shape, 2), uint32) for an integer seed array.

    The key is (high word, low word) of the seed: a 64-bit seed is split into
    its two 32-bit halves (logical shift, so negative seeds have all-ones high
    words); a seed of 32 bits or fewer has a zero high word and its value,
    wrapped to uint32, as low word.  `canonical_seed` says which integer a
    Python int becomes.
    """
    seed = ops.asarray(seed)
    dtype = np.dtype(seed.dtype)
    if dtype.kind not in "iu":
        raise TypeError(f"PRNG key seed must be an integer; got {seed!r}")
    low = ops.convert_element_type(seed, UINT32)
    if dtype.itemsize == 8:
        high = ops.convert_element_type(
            ops.shift_right_logical(seed, ops.asarray(32, dtype)), UINT32)
    else:
        high = ops.full(seed.shape, 0, UINT32)
    return ops.stack([high, low], -1)


def _iota_2x32(ops, shape):
    """(high, low) uint32 words of the row-major flat index, each of `shape`."""
    size = math.prod(shape)
    if size <= 2 ** 32:
        low = ops.reshape(ops.iota(UINT32, size), shape)
        return ops.full(shape, 0, UINT32), low
    flat = ops.iota(np.dtype(np.uint64), size)
    high = ops.shift_right_logical(flat, ops.asarray(32, np.uint64))
    return (ops.reshape(ops.convert_element_type(high, UINT32), shape),
            ops.reshape(ops.convert_element_type(flat, UINT32), shape))


def _key_words(ops, key, extra_rank):
    """The two key words, shaped to broadcast against `extra_rank` new axes."""
    batch = tuple(key.shape[:-1])
    words = []
    for i in range(2):
        word = ops.index_axis(key, i, -1)
        words.append(ops.reshape(word, batch + (1,) * extra_rank))
    return words


def _hash_iota(ops, key, shape):
    k0, k1 = _key_words(ops, key, len(shape))
    high, low = _iota_2x32(ops, shape)
    return _threefry_hash(ops, k0, k1, high, low)


def split(key, num=2, *, ops=_DEFAULT_OPS):
    """New keys of shape (*key.shape[:-1], *shape, 2); `num` is an int or shape.

    Partitionable split: key i (row-major) is the hash of the 64-bit counter i,
    given as its (high, low) words.
    """
    shape = tuple(num) if isinstance(num, Sequence) else (int(num),)
    y0, y1 = _hash_iota(ops, key, shape)
    return ops.stack([y0, y1], -1)


def fold_in(key, data, *, ops=_DEFAULT_OPS):
    """The key derived from `key` and uint32 `data`: hash of the pair (0, data).

    `data` broadcasts against the key's batch shape.  Python ints must lie in
    [0, 2**32) (JAX raises OverflowError otherwise); arrays are converted to
    uint32 by wrapping.
    """
    if isinstance(data, (int, np.integer)) and not 0 <= int(data) < 2 ** 32:
        raise OverflowError(f"Python integer {int(data)} out of bounds for uint32")
    data = ops.convert_element_type(ops.asarray(data), UINT32)
    k0 = ops.index_axis(key, 0, -1)
    k1 = ops.index_axis(key, 1, -1)
    y0, y1 = _threefry_hash(ops, k0, k1, ops.asarray(0, UINT32), data)
    return ops.stack([y0, y1], -1)


def random_bits(key, bit_width, shape, *, ops=_DEFAULT_OPS):
    """Uniform unsigned integers of `bit_width` (8, 16, 32 or 64) bits.

    Output shape (*key.shape[:-1], *shape).  Each element hashes its own flat
    index; 32 bits are the XOR of the two output words, 8 and 16 bits the low
    bits of that XOR, 64 bits the two words concatenated (first word high).
    """
    if bit_width not in UINT_DTYPES:
        raise TypeError("requires 8-, 16-, 32- or 64-bit field width.")
    shape = tuple(shape)
    y0, y1 = _hash_iota(ops, key, shape)
    dtype = UINT_DTYPES[bit_width]
    if bit_width == 64:
        high = ops.convert_element_type(y0, dtype)
        low = ops.convert_element_type(y1, dtype)
        return ops.bitwise_or(ops.shift_left(high, ops.asarray(32, dtype)), low)
    bits = ops.bitwise_xor(y0, y1)
    if bit_width == 32:
        return bits
    return ops.convert_element_type(bits, dtype)


# -- samplers -----------------------------------------------------------------
# The samplers take a single key (shape (2,)), as jax.random's do.

def uniform(key, shape=(), dtype=np.float32, minval=0.0, maxval=1.0, *,
            ops=_DEFAULT_OPS):
    """Floats in [minval, maxval) of `shape` and float `dtype`.

    Random bits fill the mantissa of a float in [1, 2); subtracting 1 gives
    [0, 1), which is scaled to floats * (maxval - minval) + minval and clamped
    below by minval.  For float32/float64 XLA:CPU fuses that multiply-add
    (one rounding), so we do too; float16 rounds after each op.  Dtypes with fewer than 8 mantissa bits
    (bfloat16) draw 8 random bits.
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"dtype argument to `uniform` must be a float dtype, got {dtype}")
    shape = tuple(shape)
    minval = ops.convert_element_type(ops.asarray(minval), dtype)
    maxval = ops.convert_element_type(ops.asarray(maxval), dtype)
    finfo = np.finfo(dtype)
    nbits, nmant = finfo.bits, finfo.nmant
    rng_bits = nbits if nmant >= 8 else 8
    uint = UINT_DTYPES[nbits]
    bits = random_bits(key, rng_bits, shape, ops=ops)
    if rng_bits != nbits:
        bits = ops.convert_element_type(bits, uint)
    one_bits = np.array(1.0, dtype).view(uint)
    float_bits = ops.bitwise_or(
        ops.shift_right_logical(bits, ops.asarray(rng_bits - nmant, uint)),
        ops.asarray(one_bits, uint))
    floats = ops.subtract(ops.bitcast_convert_type(float_bits, dtype),
                          ops.asarray(1.0, dtype))
    span = ops.subtract(maxval, minval)
    if dtype in (np.float32, np.float64):
        scaled = ops.fma(floats, span, minval)
    else:
        # Narrow floats are not contracted: each op rounds to the dtype.
        scaled = ops.add(ops.multiply(floats, span), minval)
    return ops.maximum(minval, scaled)


def normal(key, shape=(), dtype=np.float32, *, ops=_DEFAULT_OPS):
    """Standard normal samples: sqrt(2) * erf_inv(u), u uniform in (-1, 1)."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"dtype argument to `normal` must be a float dtype, got {dtype}")
    low = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))
    u = uniform(key, shape, dtype, low, np.array(1.0, dtype), ops=ops)
    return ops.multiply(ops.asarray(np.sqrt(2), dtype), erf_inv(u, ops=ops))


def _as_integer_array(ops, value):
    # Python ints become int64 so that bounds beyond the sampled dtype (e.g.
    # randint(..., 0, 256, uint8)) keep their value; the x32 public layer
    # rejects ints outside int32 before they get here, as JAX does.
    if isinstance(value, int):
        return ops.asarray(value, np.int64)
    value = ops.asarray(value)
    if np.dtype(value.dtype).kind not in "iu":
        value = ops.convert_element_type(value, np.int64)
    return value


def _convert_and_clip_integer(ops, value, dtype):
    """`value` converted to integer `dtype`, saturating instead of wrapping."""
    source = np.iinfo(np.dtype(value.dtype))
    target = np.iinfo(dtype)
    low = ops.asarray(max(source.min, target.min), value.dtype)
    high = ops.asarray(min(source.max, target.max), value.dtype)
    clipped = ops.minimum(ops.maximum(value, low), high)
    return ops.convert_element_type(clipped, dtype)


def randint(key, shape, minval, maxval, dtype=np.int32, *, ops=_DEFAULT_OPS):
    """Integers in [minval, maxval) of `shape` and integer `dtype`.

    JAX's algorithm: two independent draws of the dtype's width (from the two
    halves of split(key)) are combined modulo the span, as if 2*nbits bits
    were reduced, which keeps the modulo bias small.  8- and 16-bit dtypes are
    sampled as int32 with clipped bounds, then narrowed.  maxval <= minval
    gives minval; a maxval above the dtype's maximum extends the span by one.
    """
    dtype = np.dtype(dtype)
    if dtype.kind not in "iu":
        raise TypeError(f"randint only accepts integer dtypes, got {dtype}")
    shape = tuple(shape)
    minval = _as_integer_array(ops, minval)
    maxval = _as_integer_array(ops, maxval)
    info = np.iinfo(dtype)
    if info.bits < 32:
        int32 = np.dtype(np.int32)
        minval = ops.convert_element_type(minval, int32)
        maxval = ops.convert_element_type(maxval, int32)
        minval = ops.minimum(ops.maximum(minval, ops.asarray(info.min, int32)),
                             ops.asarray(info.max, int32))
        maxval = ops.minimum(ops.maximum(maxval, ops.asarray(info.min, int32)),
                             ops.asarray(info.max + 1, int32))
        sampled = _randint(ops, key, shape, minval, maxval, int32)
        return ops.convert_element_type(sampled, dtype)
    return _randint(ops, key, shape, minval, maxval, dtype)


def _randint(ops, key, shape, minval, maxval, dtype):
    info = np.iinfo(dtype)
    nbits = info.bits
    top = _convert_and_clip_integer(ops, ops.asarray(info.max, dtype), maxval.dtype)
    maxval_out_of_range = ops.greater(maxval, top)
    minval = _convert_and_clip_integer(ops, minval, dtype)
    maxval = _convert_and_clip_integer(ops, maxval, dtype)

    keys = split(key, 2, ops=ops)
    higher_bits = random_bits(ops.index_axis(keys, 0, 0), nbits, shape, ops=ops)
    lower_bits = random_bits(ops.index_axis(keys, 1, 0), nbits, shape, ops=ops)

    unsigned = UINT_DTYPES[nbits]
    one = ops.asarray(1, unsigned)
    span = ops.convert_element_type(ops.subtract(maxval, minval), unsigned)
    span = ops.where(ops.less_equal(maxval, minval), one, span)
    # One more when maxval was clipped; a span of 2**nbits wraps to 0, and
    # "x rem 0 == x" then makes the reductions below the identity.
    span = ops.where(ops.logical_and(maxval_out_of_range, ops.greater(maxval, minval)),
                     ops.add(span, one), span)
    # (high * 2**nbits + low) mod span, with 2**nbits mod span computed as
    # (2**(nbits/2) mod span)**2 mod span to stay within nbits.
    multiplier = ops.rem(ops.asarray(2 ** (nbits // 2), unsigned), span)
    multiplier = ops.rem(ops.multiply(multiplier, multiplier), span)
    offset = ops.add(ops.multiply(ops.rem(higher_bits, span), multiplier),
                     ops.rem(lower_bits, span))
    offset = ops.rem(offset, span)
    return ops.add(minval, ops.convert_element_type(offset, dtype))


def bernoulli(key, p=0.5, shape=None, mode="low", *, ops=_DEFAULT_OPS):
    """Booleans that are True with probability `p` (uniform(p.dtype) < p).

    A Python float `p` is float32 (pass an array for float64).  shape None
    means p's shape.  mode "high" uses two uniforms for resolution at tiny p.
    """
    if mode not in ("high", "low"):
        raise ValueError(f"got mode={mode!r}, expected 'high' or 'low'")
    if isinstance(p, float):
        p = ops.asarray(p, np.float32)
    p = ops.asarray(p)
    dtype = np.dtype(p.dtype)
    if dtype.kind != "f":
        raise TypeError(f"bernoulli probability `p` must have a floating dtype, got {dtype}.")
    shape = tuple(p.shape) if shape is None else tuple(shape)
    if mode == "low":
        return ops.less(uniform(key, shape, dtype, ops=ops), p)
    both = uniform(key, (2,) + shape, dtype, ops=ops)
    u1 = ops.index_axis(both, 0, 0)
    u2 = ops.multiply(ops.index_axis(both, 1, 0),
                      ops.asarray(2.0 ** -np.finfo(dtype).nmant, dtype))
    return ops.less(u2, ops.subtract(p, u1))


# -- erf_inv as XLA:CPU evaluates it ------------------------------------------
# XLA lowers erf_inv for float32 to M. Giles' single-precision approximation
# ("Approximating the erfinv function", GPU Computing Gems, 2011):
#     w = -log1p(-x*x);  erfinv(x) = x * P(w - 2.5)        if w < 5
#                                  = x * Q(sqrt(w) - 3)    otherwise
# with degree-8 polynomials evaluated by Horner's rule in float32.  XLA:CPU
# contracts every Horner step into a fused multiply-add and computes log1p
# with its own float32 code (a Cephes rational function for |x| < sqrt(2)-1,
# a Cephes-style log(1 + x) elsewhere), so those are reproduced here step by
# step; any other log1p or unfused arithmetic is off by an ulp or two for a
# few percent of inputs.

_ERF_INV_P = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
              0.00021858087, -0.00125372503, -0.00417768164, 0.246640727,
              1.50140941)
_ERF_INV_Q = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
              0.00573950773, -0.0076224613, 0.00943887047, 1.00167406,
              2.83297682)

# Cephes log1p: log1p(x) ~ x - x^2/2 + x^3 * N(x) / D(x) for small |x|.
_LOG1P_NUMERATOR = (4.5270000862445199635215e-5, 4.9854102823193375972212e-1,
                    6.5787325942061044846969e0, 2.9911919328553073277375e1,
                    6.0949667980987787057556e1, 5.7112963590585538103336e1,
                    2.0039553499201281259648e1)
_LOG1P_DENOMINATOR = (1.0, 1.5062909083469192043167e1, 8.3047565967967209469434e1,
                      2.2176239823732856465394e2, 3.0909872225312059774938e2,
                      2.1642788614495947685003e2, 6.0118660497603843919306e1)
_LOG1P_SMALL = 0.41421356237309504880  # sqrt(2) - 1

# Cephes logf: log(m) for m in [sqrt(1/2), sqrt(2)) as m-1 - (m-1)^2/2 +
# (m-1)^3 P(m-1), plus the exponent times ln 2 split in two parts.
_LOG_P = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
          1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
          3.3333331174e-1)
_LOG_LN2_LOW = -2.12194440e-4
_LOG_LN2_HIGH = 0.693359375


def _f32(ops, value):
    return ops.asarray(value, np.float32)


def _horner_fma(ops, x, coefficients):
    result = _f32(ops, coefficients[0])
    for c in coefficients[1:]:
        result = ops.fma(result, x, _f32(ops, c))
    return result


def _log_f32(ops, x):
    """Natural log in float32, as XLA:CPU computes it (Cephes, fused)."""
    f32, i32, u32 = np.dtype(np.float32), np.dtype(np.int32), UINT32
    smallest_normal = _f32(ops, np.finfo(np.float32).tiny)
    bits = ops.bitcast_convert_type(ops.maximum(x, smallest_normal), u32)
    biased = ops.convert_element_type(ops.shift_right_logical(bits, _u32(ops, 23)), i32)
    exponent = ops.convert_element_type(
        ops.subtract(biased, ops.asarray(126, i32)), f32)
    # Mantissa in [0.5, 1) (sign bit kept; inputs here are positive).
    mantissa = ops.bitcast_convert_type(
        ops.bitwise_or(ops.bitwise_and(bits, _u32(ops, 0x807FFFFF)),
                       _u32(ops, 0x3F000000)), f32)
    below = ops.less(mantissa, _f32(ops, 0.707106781186547524))
    one = _f32(ops, 1.0)
    zero = _f32(ops, 0.0)
    exponent = ops.subtract(exponent, ops.where(below, one, zero))
    m = ops.add(ops.subtract(mantissa, one), ops.where(below, mantissa, zero))
    m2 = ops.multiply(m, m)
    m3 = ops.multiply(m2, m)
    p = _LOG_P
    y = ops.fma(m, _f32(ops, p[0]), _f32(ops, p[1]))
    y1 = ops.fma(m, _f32(ops, p[3]), _f32(ops, p[4]))
    y2 = ops.fma(m, _f32(ops, p[6]), _f32(ops, p[7]))
    y = ops.fma(y, m, _f32(ops, p[2]))
    y1 = ops.fma(y1, m, _f32(ops, p[5]))
    y2 = ops.fma(y2, m, _f32(ops, p[8]))
    y = ops.fma(y, m3, y1)
    y = ops.fma(y, m3, y2)
    y = ops.fma(y, m3, ops.multiply(_f32(ops, _LOG_LN2_LOW), exponent))
    result = ops.subtract(m, ops.multiply(_f32(ops, 0.5), m2))
    result = ops.add(ops.add(result, y),
                     ops.multiply(_f32(ops, _LOG_LN2_HIGH), exponent))
    # log(+-0) = -inf, log(inf) = inf, log(negative or NaN) = NaN.
    nan = _f32(ops, np.nan)
    result = ops.where(ops.equal(x, x), result, nan)
    result = ops.where(ops.less(x, zero), nan, result)
    result = ops.where(ops.equal(x, _f32(ops, np.inf)), _f32(ops, np.inf), result)
    return ops.where(ops.equal(x, zero), _f32(ops, -np.inf), result)


def _log1p_f32(ops, x):
    """log(1 + x) in float32, as XLA:CPU computes it."""
    x2 = ops.multiply(x, x)
    ratio = ops.divide(_horner_fma(ops, x, _LOG1P_NUMERATOR),
                       _horner_fma(ops, x, _LOG1P_DENOMINATOR))
    tail = ops.fma(_f32(ops, -0.5), x2, ops.multiply(ops.multiply(x, x2), ratio))
    small = ops.add(x, tail)
    large = _log_f32(ops, ops.add(x, _f32(ops, 1.0)))
    return ops.where(ops.less(ops.abs(x), _f32(ops, _LOG1P_SMALL)), small, large)


def _erf_inv_f32(ops, x):
    w = ops.negative(_log1p_f32(ops, ops.multiply(x, ops.negative(x))))
    central = ops.less(w, _f32(ops, 5.0))
    w = ops.where(central, ops.subtract(w, _f32(ops, 2.5)),
                  ops.subtract(ops.sqrt(w), _f32(ops, 3.0)))
    poly = ops.where(central, _f32(ops, _ERF_INV_P[0]), _f32(ops, _ERF_INV_Q[0]))
    for p, q in zip(_ERF_INV_P[1:], _ERF_INV_Q[1:]):
        poly = ops.fma(poly, w, ops.where(central, _f32(ops, p), _f32(ops, q)))
    result = ops.multiply(poly, x)
    # erf_inv(+-1) = +-inf; the polynomial is indeterminate there.
    return ops.where(ops.equal(ops.abs(x), _f32(ops, 1.0)),
                     ops.multiply(x, _f32(ops, np.inf)), result)


def erf_inv(x, *, ops=_DEFAULT_OPS):
    """Inverse error function with XLA:CPU's float32 rounding, bit for bit.

    float16 (and other narrow floats) are computed in float32 and rounded, as
    XLA does; float64 uses Giles' double-precision approximation.
    """
    dtype = np.dtype(x.dtype)
    if dtype == np.float32:
        return _erf_inv_f32(ops, x)
    if dtype == np.float64:
        return _erf_inv_f64(ops, x)
    if dtype.kind == "f":
        wide = ops.convert_element_type(x, np.float32)
        return ops.convert_element_type(_erf_inv_f32(ops, wide), dtype)
    raise TypeError(f"erf_inv requires a float dtype, got {dtype}")


# float64: Giles' double-precision approximation, three ranges of w.
_ERF_INV_F64_CENTRAL = (  # w < 6.25, in w - 3.125
    -3.6444120640178196996e-21, -1.685059138182016589e-19,
    1.2858480715256400167e-18, 1.115787767802518096e-17,
    -1.333171662854620906e-16, 2.0972767875968561637e-17,
    6.6376381343583238325e-15, -4.0545662729752068639e-14,
    -8.1519341976054721522e-14, 2.6335093153082322977e-12,
    -1.2975133253453532498e-11, -5.4154120542946279317e-11,
    1.051212273321532285e-09, -4.1126339803469836976e-09,
    -2.9070369957882005086e-08, 4.2347877827932403518e-07,
    -1.3654692000834678645e-06, -1.3882523362786468719e-05,
    0.0001867342080340571352, -0.00074070253416626697512,
    -0.0060336708714301490533, 0.24015818242558961693,
    1.6536545626831027356)
_ERF_INV_F64_MIDDLE = (  # 6.25 <= w < 16, in sqrt(w) - 3.25
    2.2137376921775787049e-09, 9.0756561938885390979e-08,
    -2.7517406297064545428e-07, 1.8239629214389227755e-08,
    1.5027403968909827627e-06, -4.013867526981545969e-06,
    2.9234449089955446044e-06, 1.2475304481671778723e-05,
    -4.7318229009055733981e-05, 6.8284851459573175448e-05,
    2.4031110387097893999e-05, -0.0003550375203628474796,
    0.00095328937973738049703, -0.0016882755560235047313,
    0.0024914420961078508066, -0.0037512085075692412107,
    0.005370914553590063617, 1.0052589676941592334,
    3.0838856104922207635)
_ERF_INV_F64_TAIL = (  # w >= 16, in sqrt(w) - 5
    -2.7109920616438573243e-11, -2.5556418169965252055e-10,
    1.5076572693500548083e-09, -3.7894654401267369937e-09,
    7.6157012080783393804e-09, -1.4960026627149240478e-08,
    2.9147953450901080826e-08, -6.7711997758452339498e-08,
    2.2900482228026654717e-07, -9.9298272942317002539e-07,
    4.5260625972231537039e-06, -1.9681778105531670567e-05,
    7.5995277030017761139e-05, -0.00021503011930044477347,
    -0.00013871931833623122026, 1.0103004648645343977,
    4.8499064014085844221)


def _f64(ops, value):
    return ops.asarray(value, np.float64)


def _log1p_f64(ops, x):
    """log(1 + x) in float64 as XLA:CPU computes it (fused Cephes + libm log)."""
    x2 = ops.multiply(x, x)
    numerator = _f64(ops, _LOG1P_NUMERATOR[0])
    for c in _LOG1P_NUMERATOR[1:]:
        numerator = ops.fma(numerator, x, _f64(ops, c))
    denominator = _f64(ops, _LOG1P_DENOMINATOR[0])
    for c in _LOG1P_DENOMINATOR[1:]:
        denominator = ops.fma(denominator, x, _f64(ops, c))
    ratio = ops.divide(numerator, denominator)
    tail = ops.fma(_f64(ops, -0.5), x2, ops.multiply(ops.multiply(x, x2), ratio))
    small = ops.add(x, tail)
    large = ops.log(ops.add(x, _f64(ops, 1.0)))
    return ops.where(ops.less(ops.abs(x), _f64(ops, _LOG1P_SMALL)), small, large)


def _erf_inv_f64(ops, x):
    w = ops.negative(_log1p_f64(ops, ops.multiply(x, ops.negative(x))))
    central = ops.less(w, _f64(ops, 6.25))
    middle = ops.less(w, _f64(ops, 16.0))
    shift = ops.where(middle, _f64(ops, 3.25), _f64(ops, 5.0))
    t = ops.where(central, ops.subtract(w, _f64(ops, 3.125)),
                  ops.subtract(ops.sqrt(w), shift))

    def coefficient(i):
        c = _f64(ops, _ERF_INV_F64_CENTRAL[i])
        if i < len(_ERF_INV_F64_MIDDLE):
            c = ops.where(central, c, _f64(ops, _ERF_INV_F64_MIDDLE[i]))
        if i < len(_ERF_INV_F64_TAIL):
            c = ops.where(middle, c, _f64(ops, _ERF_INV_F64_TAIL[i]))
        return c

    # The three polynomials have 17, 19 and 23 coefficients: run Horner over
    # the longest and let the shorter ones stop early.
    poly = coefficient(0)
    for i in range(1, 23):
        step = ops.fma(poly, t, coefficient(i))
        if i >= len(_ERF_INV_F64_MIDDLE):
            poly = ops.where(central, step, poly)
        elif i >= len(_ERF_INV_F64_TAIL):
            poly = ops.where(middle, step, poly)
        else:
            poly = step
    result = ops.multiply(poly, x)
    return ops.where(ops.equal(ops.abs(x), _f64(ops, 1.0)),
                     ops.multiply(x, _f64(ops, np.inf)), result)
