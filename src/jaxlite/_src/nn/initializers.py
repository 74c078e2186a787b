"""jax.nn.initializers: functions that build `init(key, shape, dtype=None)` callables
for neural-network parameters, with JAX's formulas (so values match JAX's bit for bit
where the underlying sampler does).

    >>> init = jax.nn.initializers.glorot_uniform()
    >>> w = init(jax.random.key(0), (784, 512))
    >>> w.shape, w.dtype
    ((784, 512), dtype('float32'))
"""
import math

import numpy as np

from .. import dtypes
from ..numpy_api import creation, shapes, ufuncs
from ..conversion import asarray
from ..random import api as random_api, sampler_api


def _float(dtype):
    return dtypes.canonicalize_dtype(dtypes.default_float_dtype() if dtype is None else dtype)


def _scalar(value, dtype):
    return asarray(value, dtype=dtype)


def _shape(shape):
    """A shape; an int is a 1-d shape, as jnp.zeros takes it (flax passes ints)."""
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


class Initializer:
    """What the initializers return: called as init(key, shape, dtype=None)."""

    def __call__(self, key, shape, dtype=None, out_sharding=None):
        raise NotImplementedError


def zeros(key, shape, dtype=None, out_sharding=None):
    """An array of zeros (the key is ignored)."""
    return creation.zeros(_shape(shape), _float(dtype))


def ones(key, shape, dtype=None, out_sharding=None):
    """An array of ones (the key is ignored)."""
    return creation.ones(_shape(shape), _float(dtype))


def constant(value, dtype=None):
    """An initializer filling arrays with `value`."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        return creation.full(_shape(shape), value, dtype=_float(dtype))
    return init


def uniform(scale=1e-2, dtype=None):
    """An initializer drawing uniformly from [0, scale)."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        dtype = _float(dtype)
        return random_api.uniform(key, shape, dtype) * _scalar(scale, dtype)
    return init


def normal(stddev=1e-2, dtype=None):
    """An initializer drawing from a normal distribution with the given stddev."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        dtype = _float(dtype)
        return random_api.normal(key, shape, dtype) * _scalar(stddev, dtype)
    return init


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0):
    """An initializer drawing from a normal truncated to [lower, upper] (in stddevs),
    then scaled by stddev."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        dtype = _float(dtype)
        return sampler_api.truncated_normal(key, lower, upper, shape, dtype) * \
            _scalar(stddev, dtype)
    return init


def _compute_fans(shape, in_axis=-2, out_axis=-1, batch_axis=()):
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(f"Can't compute input and output sizes of a {len(shape)}-dimensional "
                         "weights tensor with default in_axis. Must be at least 2D or specify "
                         "in_axis explicitly.")
    size = lambda axes: shape[axes] if isinstance(axes, int) else \
        math.prod([shape[i] for i in axes])  # noqa: E731
    in_size, out_size, batch_size = size(in_axis), size(out_axis), size(batch_axis)
    receptive_field_size = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive_field_size, out_size * receptive_field_size


def _polar(key_r, key_theta, radius_of, shape, dtype):
    """r(u) * exp(i theta): theta uniform on [0, 2 pi), r a function of a uniform u."""
    real_dtype = np.finfo(dtype).dtype
    r = radius_of(random_api.uniform(key_r, shape, real_dtype)).astype(dtype)
    theta = (2 * np.pi * random_api.uniform(key_theta, shape, real_dtype)).astype(dtype)
    return r * ufuncs.exp(_scalar(1j, dtype) * theta)


def _complex_uniform(key, shape, dtype):
    """Uniform on a disk of the complex plane, with zero mean and unit variance."""
    keys = random_api.split(key)
    return _polar(keys[0], keys[1], lambda u: ufuncs.sqrt(2 * u), shape, dtype)


def _complex_truncated_normal(key, upper, shape, dtype):
    """A complex normal truncated to |z| < upper (by inverting the CDF of |z|)."""
    keys = random_api.split(key)
    scale = 1 - math.exp(-(upper ** 2))
    return _polar(keys[0], keys[1], lambda u: ufuncs.sqrt(-ufuncs.log(1 - scale * u)),
                  shape, dtype)


def variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(),
                     dtype=None):
    """An initializer whose samples have variance scale / n, where n is the fan-in,
    fan-out, their average or geometric mean (`mode`), drawn from a truncated normal,
    normal or uniform `distribution`."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        shape = tuple(int(d) for d in shape)
        dtype = _float(dtype)
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        if mode == "fan_in":
            denominator = fan_in
        elif mode == "fan_out":
            denominator = fan_out
        elif mode == "fan_avg":
            denominator = (fan_in + fan_out) / 2
        elif mode == "fan_geo_avg":
            denominator = (fan_in * fan_out) ** 0.5
        else:
            raise ValueError(f"invalid mode for variance scaling initializer: {mode}")
        variance = _scalar(scale / denominator, dtype)
        complex_dtype = dtype.kind == "c"
        if distribution == "truncated_normal":
            if complex_dtype:
                # The constant is the stddev of a complex normal truncated to |z| < 2.
                stddev = ufuncs.sqrt(variance) / _scalar(.95311164380491208, dtype)
                return _complex_truncated_normal(key, 2, shape, dtype) * stddev
            # The constant is the stddev of a standard normal truncated to (-2, 2).
            stddev = ufuncs.sqrt(variance) / _scalar(.87962566103423978, dtype)
            return sampler_api.truncated_normal(key, -2, 2, shape, dtype) * stddev
        if distribution == "normal":
            return random_api.normal(key, shape, dtype) * ufuncs.sqrt(variance)
        if distribution == "uniform":
            if complex_dtype:
                return _complex_uniform(key, shape, dtype) * ufuncs.sqrt(variance)
            return random_api.uniform(key, shape, dtype, -1) * ufuncs.sqrt(3 * variance)
        raise ValueError(f"invalid distribution for variance scaling initializer: "
                         f"{distribution}")
    return init


def _variance_scaling_preset(scale, mode, distribution, doc):
    def make(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
        return variance_scaling(scale, mode, distribution, in_axis=in_axis, out_axis=out_axis,
                                batch_axis=batch_axis, dtype=dtype)
    make.__doc__ = doc
    return make


glorot_uniform = xavier_uniform = _variance_scaling_preset(
    1.0, "fan_avg", "uniform", "Glorot/Xavier uniform: variance_scaling(1, 'fan_avg', 'uniform').")
glorot_normal = xavier_normal = _variance_scaling_preset(
    1.0, "fan_avg", "truncated_normal",
    "Glorot/Xavier normal: variance_scaling(1, 'fan_avg', 'truncated_normal').")
lecun_uniform = _variance_scaling_preset(
    1.0, "fan_in", "uniform", "LeCun uniform: variance_scaling(1, 'fan_in', 'uniform').")
lecun_normal = _variance_scaling_preset(
    1.0, "fan_in", "truncated_normal",
    "LeCun normal: variance_scaling(1, 'fan_in', 'truncated_normal').")
he_uniform = kaiming_uniform = _variance_scaling_preset(
    2.0, "fan_in", "uniform", "He/Kaiming uniform: variance_scaling(2, 'fan_in', 'uniform').")
he_normal = kaiming_normal = _variance_scaling_preset(
    2.0, "fan_in", "truncated_normal",
    "He/Kaiming normal: variance_scaling(2, 'fan_in', 'truncated_normal').")


def orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """An initializer of (scaled) orthogonal matrices; the dimension `column_axis`
    holds the columns, all others are flattened into rows."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        dtype = _float(dtype)
        shape = tuple(int(d) for d in shape)
        if len(shape) < 2:
            raise ValueError("orthogonal initializer requires at least a 2D shape")
        if any(d == 0 for d in shape):
            return creation.zeros(shape, dtype)
        n_rows, n_cols = math.prod(shape) // shape[column_axis], shape[column_axis]
        q = sampler_api.orthogonal(key, n_rows, (), dtype, n_cols)
        q = shapes.reshape(q, tuple(np.delete(shape, column_axis)) + (shape[column_axis],))
        q = shapes.moveaxis(q, -1, column_axis)
        return _scalar(scale, dtype) * q
    return init


def delta_orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """An initializer for 3-5D convolution kernels: zero except an orthogonal matrix at
    the spatial centre (Xiao et al., 2018)."""
    def init(key, shape, dtype=dtype, out_sharding=None):
        dtype = _float(dtype)
        shape = tuple(int(d) for d in shape)
        if len(shape) not in (3, 4, 5):
            raise ValueError("Delta orthogonal initializer requires a 3D, 4D or 5D shape.")
        if shape[-1] < shape[-2]:
            raise ValueError("`fan_in` must be less or equal than `fan_out`. ")
        ortho = orthogonal(scale=scale, column_axis=column_axis, dtype=dtype)(key, shape[-2:])
        w = creation.zeros(shape, dtype)
        centre = tuple((k - 1) // 2 for k in shape[:-2])
        return w.at[centre + (Ellipsis,)].set(ortho)
    return init
