"""jax.lax's functions about effects, compilation and platforms, which mean little on
NumPy: tokens (trivial objects: NumPy runs in program order), optimization_barrier and
dce_sink (identity / no-op), platform_dependent (the 'cpu' branch), composite (calls its
decomposition), and the experimental PRNG primitives rng_uniform (fresh entropy per call)
and rng_bit_generator (a threefry-2x32 stream: deterministic in the key, but not the bits
XLA's generators produce)."""
import enum
import functools

import numpy as np

from .. import dtypes
from ..core import Tracer
from ..conversion import asarray
from ..tree import tree_flatten, tree_unflatten, register_pytree_node

__all__ = ["create_token", "after_all", "optimization_barrier", "dce_sink",
           "platform_dependent", "composite", "rng_uniform", "rng_bit_generator",
           "RandomAlgorithm"]


class Token:
    """An ordering token: NumPy evaluates in program order, so tokens carry nothing
    (a pytree with no leaves, so jit passes them through)."""
    __slots__ = ()

    def __repr__(self):
        return "Token()"


register_pytree_node(Token, lambda t: ((), None), lambda aux, children: Token())


def create_token(_=None):
    """A token with no preconditions (the argument is ignored, as in JAX)."""
    return Token()


def after_all(*operands):
    """A token ordered after the given tokens."""
    for t in operands:
        if not isinstance(t, Token):
            raise TypeError(f"after_all expects tokens, got {type(t).__name__}")
    return Token()


def optimization_barrier(operand, /):
    """The identity on a pytree of arrays (a compiler hint in JAX; nothing to prevent here).

    >>> lax.optimization_barrier((jnp.ones(2), 3.0))[1]
    Array(3., dtype=float32, weak_type=True)
    """
    leaves, tree = tree_flatten(operand)
    return tree_unflatten(tree, [asarray(x) for x in leaves])


def dce_sink(val, *, prevent_mlir_dce=False):
    """Marks values as used (keeps them from dead-code elimination in JAX); returns None."""
    tree_flatten(val)
    return None


def platform_dependent(*args, default=None, **per_platform):
    """Calls the branch for this platform ('cpu' here) on `args`, else `default`.

    >>> lax.platform_dependent(2.0, cpu=lambda x: x + 1, default=lambda x: x - 1)
    Array(3., dtype=float32, weak_type=True)
    """
    for name, branch in per_platform.items():
        if not callable(branch):
            raise TypeError(f"lax.platform_dependent: the '{name}' branch must be a callable.")
        if name == "gpu":
            raise ValueError("Use 'cuda' or 'rocm' for lax.platform_dependent.")
    if default is not None and not callable(default):
        raise TypeError("lax.platform_dependent: the 'default' branch must be a callable.")
    branch = per_platform.get("cpu", default)
    if branch is None:
        raise NotImplementedError(
            f"lax.platform_dependent: no branch for platform 'cpu' (branches for "
            f"{sorted(per_platform)}) and no default")
    return branch(*args)


def composite(decomposition, name, version=0):
    """A function whose meaning is `decomposition` (JAX names it for the compiler; here it
    simply runs, and unlike JAX's it is differentiable). Keyword arguments are static
    attributes and must not be traced values."""
    @functools.wraps(decomposition)
    def wrapper(*args, **kwargs):
        if any(isinstance(v, Tracer) for v in tree_flatten(kwargs)[0]):
            from ..errors import UnexpectedTracerError
            raise UnexpectedTracerError(
                f"Found a JAX Tracer as an attribute in the decomposition for the composite "
                f"op '{name}'. Values that aren't known at compile time must be passed as "
                "positional arguments to the composite.")
        return decomposition(*args, **kwargs)
    return wrapper


def rng_uniform(a, b, shape):
    """Stateful uniform floats in [a, b) (experimental in JAX; use jax.random instead).
    Every call, compiled or not, draws fresh values."""
    from .lax import _lax_operands, add, mul, sub
    from ..prims.rng import rng_uniform_p
    a, b = _lax_operands("rng_uniform", a, b)
    if a.ndim or b.ndim:
        raise TypeError("rng_uniform: a and b must be scalars")
    if not dtypes.is_float(a.dtype):
        raise TypeError(f"rng_uniform: a and b must be floats, got {a.dtype}")
    u = rng_uniform_p.bind(shape=tuple(int(d) for d in shape), dtype=a.dtype,
                           weak_type=bool(a.weak_type and b.weak_type))
    return add(a, mul(sub(b, a), u))


class RandomAlgorithm(enum.IntEnum):
    """Algorithms of rng_bit_generator (all map to threefry-2x32 here)."""
    RNG_DEFAULT = 0
    RNG_THREE_FRY = 1
    RNG_PHILOX = 2

    def __str__(self):
        return self.name


def rng_bit_generator(key, shape, dtype=np.uint32, algorithm=RandomAlgorithm.RNG_DEFAULT,
                      *, out_sharding=None):
    """(new_key, bits): uniform unsigned integers of `shape` and `dtype` from a uint32 key
    (shape (4,) as in JAX), and the key to use next. Deterministic in the key, but drawn
    with threefry-2x32 whatever `algorithm` says: not bit-identical to XLA's streams."""
    from ..random import threefry, ops_numpy
    from ..random.api import _backend, _wrap
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
