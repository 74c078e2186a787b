"""rng_uniform: lax's stateful uniform generator (experimental in JAX, which leaves its
stream unspecified). Each evaluation draws fresh floats in [0, 1) from the operating
system's entropy through NumPy; an effectful primitive, so jit never folds, merges or
drops it and every call of a compiled function draws anew."""
import numpy as np

from ..core import Primitive, ShapedArray
from ..ad import Zero

rng_uniform_p = Primitive("rng_uniform")
rng_uniform_p.effectful = True


def _impl(*, shape, dtype, weak_type=False):
    return np.random.default_rng().random(shape, dtype=np.float64).astype(dtype)


def _jvp(primals, tangents, **params):
    out = rng_uniform_p.bind(**params)
    return out, Zero(out)


rng_uniform_p.impl = _impl
rng_uniform_p.abstract_eval = lambda *, shape, dtype, weak_type=False: ShapedArray(
    shape, dtype, weak_type)
rng_uniform_p.weak_type_rule = lambda weak_types, params: params.get("weak_type", False)
rng_uniform_p.jvp = _jvp
