"""jax.lax's functions about effects, compilation and platforms, which mean little on
NumPy: tokens (trivial objects: NumPy runs in program order), optimization_barrier and
dce_sink (identity / no-op), platform_dependent (the 'cpu' branch), composite (calls its
decomposition), and the experimental PRNG primitive rng_uniform (fresh entropy per call).
rng_bit_generator draws threefry-2x32 bits, so it lives with threefry in
random/bit_generator.py (jaxlite.lax exports it); its RandomAlgorithm enum is here."""
import enum
import functools

from .. import dtypes
from ..core import Tracer
from ..conversion import asarray
from ..errors import UnexpectedTracerError
from ..prims.rng import rng_uniform_p
from ..tree import tree_flatten, tree_unflatten, register_pytree_node
from .lax import _lax_operands, _adopting

add, mul, sub = _adopting.add, _adopting.mul, _adopting.sub

__all__ = ["create_token", "after_all", "optimization_barrier", "dce_sink",
           "platform_dependent", "composite", "rng_uniform", "RandomAlgorithm"]


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

    >>> lax.platform_dependent(jnp.ones(2), cpu=lambda x: x + 1, default=lambda x: x - 1)
    Array([2., 2.], dtype=float32)
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
            raise UnexpectedTracerError(
                f"Found a JAX Tracer as an attribute in the decomposition for the composite "
                f"op '{name}'. Values that aren't known at compile time must be passed as "
                "positional arguments to the composite.")
        return decomposition(*args, **kwargs)
    return wrapper


def rng_uniform(a, b, shape):
    """Stateful uniform floats in [a, b) (experimental in JAX; use jax.random instead).
    Every call, compiled or not, draws fresh values."""
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
