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

    >>> from jaxlite._src.random.threefry import seed_to_key, split, uniform
    >>> key = seed_to_key(np.int32(0))
    >>> key, sub = split(key)
    >>> uniform(sub, (2,))
    array([0.00729382, 0.02089119], dtype=float32)
"""

import math
from collections.abc import Sequence

import numpy as np

from .. import dtypes
from ..prims.erf_inv import erf_inv  # noqa: F401  (the kernel normal() binds, for callers here)
from . import ops_numpy

_DEFAULT_OPS = ops_numpy.ops

UINT32 = np.dtype(np.uint32)
UINT_DTYPES = {8: np.dtype(np.uint8), 16: np.dtype(np.uint16),
               32: np.dtype(np.uint32), 64: np.dtype(np.uint64)}

def _u32(ops, value):
    return ops.asarray(value, UINT32)


def _threefry_hash(ops, k0, k1, x0, x1):
    """Hash the counter pairs (x0, x1) under the key (k0, k1); all uint32.

    Operands broadcast against each other; returns the pair of outputs. The
    twenty rounds are one primitive (prims/threefry.py), as in JAX.
    """
    return ops.threefry2x32(k0, k1, x0, x1)


def threefry2x32(key, count_pairs, *, ops=_DEFAULT_OPS):
    """Threefry-2x32 block function on uint32 pairs (the last axis, length 2).

    `key` of shape (..., 2) broadcasts against `count_pairs` of shape
    (..., 2); the result has the broadcast shape.
    """
    k0, k1 = ops.index_axis(key, 0, -1), ops.index_axis(key, 1, -1)
    x0 = ops.index_axis(count_pairs, 0, -1)
    x1 = ops.index_axis(count_pairs, 1, -1)
    return ops.threefry2x32_stacked(k0, k1, x0, x1)


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
    """(high, low) uint32 words of the row-major flat index, each of `shape` (a
    high word that is zero everywhere is a scalar: the hash broadcasts it)."""
    size = math.prod(shape)
    if size <= 2 ** 32:
        low = ops.reshape(ops.iota(UINT32, size), shape)
        return ops.asarray(0, UINT32), low
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
        # A single key's words stay scalars (the hash broadcasts them; a fused loop
        # reads them as constants).
        words.append(ops.reshape(word, batch + (1,) * extra_rank) if batch else word)
    return words


def _hash_iota(ops, key, shape, combine=None):
    """The hash of each flat index of `shape`: the pair of words, or combined as
    "xor" (random bits) or "stacked" (keys) by the namespace's fused kernels."""
    k0, k1 = _key_words(ops, key, len(shape))
    high, low = _iota_2x32(ops, shape)
    if combine == "xor":
        return ops.threefry2x32_xor(k0, k1, high, low)
    if combine == "stacked":
        return ops.threefry2x32_stacked(k0, k1, high, low)
    return _threefry_hash(ops, k0, k1, high, low)


def split(key, num=2, *, ops=_DEFAULT_OPS):
    """New keys of shape (*key.shape[:-1], *shape, 2); `num` is an int or shape.

    Partitionable split: key i (row-major) is the hash of the 64-bit counter i,
    given as its (high, low) words.
    """
    shape = tuple(num) if isinstance(num, Sequence) else (int(num),)
    return _hash_iota(ops, key, shape, "stacked")


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
    return ops.threefry2x32_stacked(k0, k1, ops.asarray(0, UINT32), data)


def random_bits(key, bit_width, shape, *, ops=_DEFAULT_OPS):
    """Uniform unsigned integers of `bit_width` (8, 16, 32 or 64) bits.

    Output shape (*key.shape[:-1], *shape).  Each element hashes its own flat
    index; 32 bits are the XOR of the two output words, 8 and 16 bits the low
    bits of that XOR, 64 bits the two words concatenated (first word high).
    """
    if bit_width not in UINT_DTYPES:
        raise TypeError("requires 8-, 16-, 32- or 64-bit field width.")
    shape = tuple(shape)
    dtype = UINT_DTYPES[bit_width]
    if bit_width == 64:
        y0, y1 = _hash_iota(ops, key, shape)
        high = ops.convert_element_type(y0, dtype)
        low = ops.convert_element_type(y1, dtype)
        return ops.bitwise_or(ops.shift_left(high, ops.asarray(32, dtype)), low)
    bits = _hash_iota(ops, key, shape, "xor")
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
    if dtypes.kind(dtype) != "f":  # bfloat16 and ml_dtypes' other floats too
        raise ValueError(f"dtype argument to `uniform` must be a float dtype, got {dtype}")
    shape = tuple(shape)
    # [0, 1) given as Python numbers (the defaults): floats * 1 + 0 and max(0, floats)
    # are floats itself, so the two passes are left out (the same bits).
    unit = type(minval) in (int, float) and type(maxval) in (int, float) and \
        minval == 0 and maxval == 1
    if not unit:
        minval = ops.convert_element_type(ops.asarray(minval), dtype)
        maxval = ops.convert_element_type(ops.asarray(maxval), dtype)
    finfo = dtypes.finfo(dtype)
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
    if unit:
        return floats
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
    if dtypes.kind(dtype) != "f":
        raise ValueError(f"dtype argument to `normal` must be a float dtype, got {dtype}")
    low = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))
    u = uniform(key, shape, dtype, low, np.array(1.0, dtype), ops=ops)
    # One erf_inv primitive, as in JAX's jaxpr (its kernel: prims/erf_inv.py).
    return ops.multiply(ops.asarray(np.sqrt(2), dtype), ops.erf_inv(u))


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
    if dtypes.kind(dtype) != "f":
        raise TypeError(f"bernoulli probability `p` must have a floating dtype, got {dtype}.")
    shape = tuple(p.shape) if shape is None else tuple(shape)
    if mode == "low":
        return ops.less(uniform(key, shape, dtype, ops=ops), p)
    both = uniform(key, (2,) + shape, dtype, ops=ops)
    u1 = ops.index_axis(both, 0, 0)
    u2 = ops.multiply(ops.index_axis(both, 1, 0),
                      ops.asarray(2.0 ** -dtypes.finfo(dtype).nmant, dtype))
    return ops.less(u2, ops.subtract(p, u1))
