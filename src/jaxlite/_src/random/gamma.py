"""random_gamma: Gamma(a) samples from raw threefry keys, as JAX's `random_gamma_p`.

random_gamma(key, a, log_space) with key data of shape (*kb, 2) and `a` of shape
(*kb, *rest): each key is split into prod(rest) keys and every element runs JAX's
Marsaglia-Tsang rejection loop with its own key (samplers.py), so samples are
JAX's. The primitive belongs to the random library, as in JAX (jax._src.random):
its implementation is threefry's split and the Gamma sampler. The JVP in `a` is JAX's implicit reparameterization gradient,
random_gamma_grad(a, sample) (divided by the sample in log space). The
implementation is NumPy (rejection loops over concrete values), which jit calls at
run time; vmap moves the batch axes of key and `a` to the front.
"""
import math

import numpy as np

from .. import core, dtypes
from ..core import Primitive, ShapedArray
from ..ad import Zero
from ..prims.elementwise import mul_p, div_p, eq_p, select_n_p
from ..prims.transcendental import exp_p
from ..prims.shape import moveaxis, broadcast_batch
from ..prims.special import random_gamma_grad_p
from ..prims.util import const_like
from . import samplers, threefry

random_gamma_p = Primitive("random_gamma")


def _impl(key, a, log_space=False):
    key, a = np.asarray(key), np.asarray(a)
    key_batch = key.shape[:-1]
    rest = a.shape[len(key_batch):]
    count = math.prod(rest)
    keys = threefry.split(key.reshape(-1, 2), count).reshape(-1, 2)
    with np.errstate(all="ignore"):
        samples = samplers.gamma_one(keys, a.reshape(-1), log_space)
    return np.asarray(samples, a.dtype).reshape(a.shape)


def _abstract_eval(key, a, log_space=False):
    if key.dtype != np.uint32 or key.shape[-1:] != (2,):
        raise TypeError(f"random_gamma needs uint32 key data of shape (..., 2), got "
                        f"{key.dtype} {key.shape}")
    if tuple(a.shape[:len(key.shape) - 1]) != tuple(key.shape[:-1]):
        raise TypeError(f"random_gamma: a's shape {a.shape} must start with the key batch "
                        f"shape {key.shape[:-1]}")
    return ShapedArray(a.shape, a.dtype, False)


def _jvp(primals, tangents, log_space=False):
    key, a = primals
    sample = random_gamma_p.bind(key, a, log_space=log_space)
    t = tangents[1]
    if type(t) is Zero:
        return sample, Zero(sample)
    if log_space:
        value = exp_p.bind(sample)
        tiny = const_like(value, dtypes.finfo(core.get_aval(value).dtype).tiny)
        value = select_n_p.bind(eq_p.bind(value, const_like(value, 0)), value, tiny)
        grad = div_p.bind(random_gamma_grad_p.bind(a, value), value)
    else:
        grad = random_gamma_grad_p.bind(a, sample)
    return sample, mul_p.bind(t, grad)


def _batch(values, dims, log_space=False):
    key, a = values
    key_dim, a_dim = dims
    size = core.get_aval(key).shape[key_dim] if key_dim is not None else \
        core.get_aval(a).shape[a_dim]
    key = broadcast_batch(key, size) if key_dim is None else moveaxis(key, key_dim, 0)
    a = broadcast_batch(a, size) if a_dim is None else moveaxis(a, a_dim, 0)
    return random_gamma_p.bind(key, a, log_space=log_space), 0


random_gamma_p.impl = _impl
random_gamma_p.abstract_eval = _abstract_eval
random_gamma_p.jvp = _jvp
random_gamma_p.batch = _batch
random_gamma_p.weak_type_rule = core.never_weak
