"""lax.rng_bit_generator: uniform bits from a uint32 key, drawn with threefry-2x32 (so it
lives beside threefry, above lax; jaxlite.lax exports it)."""
import numpy as np

from .. import dtypes
from ..core import Tracer
from ..conversion import asarray
from ..lax.effects import RandomAlgorithm
from . import threefry, ops_numpy
from .dispatch import backend as _backend, wrap as _wrap


def rng_bit_generator(key, shape, dtype=np.uint32, algorithm=RandomAlgorithm.RNG_DEFAULT,
                      *, out_sharding=None):
    """(new_key, bits): uniform unsigned integers of `shape` and `dtype` from a uint32 key
    (shape (4,) as in JAX), and the key to use next. Deterministic in the key, but drawn
    with threefry-2x32 whatever `algorithm` says: not bit-identical to XLA's streams.

    >>> new_key, bits = lax.rng_bit_generator(jnp.zeros(4, jnp.uint32), (3,))
    >>> bits.shape, bits.dtype
    ((3,), dtype('uint32'))
    """
    dtype = dtypes.canonicalize_dtype(dtype)
    if dtype not in (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.uint32),
                     np.dtype(np.uint64)):
        raise TypeError(f"rng_bit_generator: unsupported dtype {dtype}")
    key = key if isinstance(key, Tracer) else asarray(key)
    if key.dtype != np.uint32 or key.ndim != 1 or key.shape[0] % 2:
        raise TypeError(f"rng_bit_generator: the key must be a uint32 vector of even length "
                        f"(JAX uses shape (4,)), got {key.dtype}{list(key.shape)}")
    ops = _backend(key)
    data = key if isinstance(key, Tracer) or ops is not ops_numpy.ops else np.asarray(key)
    words = ops.reshape(data, (key.shape[0] // 2, 2))
    seed = ops.index_axis(words, 0, 0)
    for i in range(1, key.shape[0] // 2):  # fold the remaining word pairs into one key
        seed = ops.bitwise_xor(seed, ops.index_axis(words, i, 0))
    bits_key, next_key = threefry.fold_in(seed, 0, ops=ops), threefry.fold_in(seed, 1, ops=ops)
    new_key = threefry.random_bits(next_key, 32, tuple(key.shape), ops=ops)
    bits = threefry.random_bits(bits_key, dtype.itemsize * 8, tuple(int(d) for d in shape),
                                ops=ops)
    return _wrap(new_key), _wrap(bits)
