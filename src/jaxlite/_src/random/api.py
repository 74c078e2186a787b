"""jax.random's public functions: argument checks and typed vs raw keys around the
algorithms of threefry.py, which dispatch.py runs (traced inline under transformations;
eagerly as jitted functions cached per static arguments, as in JAX)."""
import operator

import numpy as np

from .. import dtypes
from ..core import Tracer
from ..array import Array
from ..config import flags
from ..prims.complex import complex_p
from . import threefry, ops_lax
from .dispatch import wrap, sample
from .keys import PRNGKeyArray


def _key_data_of(key, name):
    """(raw key data, typed?) for a typed key or a legacy uint32 key."""
    if isinstance(key, PRNGKeyArray):
        return key._data, True
    if isinstance(key, (Array, Tracer, np.ndarray)):
        if key.dtype != np.uint32 or not key.shape or key.shape[-1] != 2:
            raise TypeError(
                f"random.{name} requires a PRNG key: a typed key from jax.random.key(seed), or "
                f"a legacy uint32 key of shape (..., 2) from jax.random.PRNGKey(seed); got an "
                f"array of shape {tuple(key.shape)} and dtype {key.dtype}.")
        return key, False
    raise TypeError(f"random.{name} requires a PRNG key, got {type(key).__name__}: {key!r}. "
                    "Create one with jax.random.key(seed).")


def _single_key(key, name):
    data, typed = _key_data_of(key, name)
    if tuple(data.shape) != (2,):
        raise ValueError(
            f"random.{name} accepts a single key, but was given a key array of shape "
            f"{tuple(data.shape[:-1])} != (). Use jax.vmap for batching.")
    return data


def _shape(shape, name):
    if shape is None:
        return None
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        dims = tuple(operator.index(d) for d in shape)
    except TypeError:
        raise TypeError(f"random.{name}: shape must be a sequence of integers, got {shape!r}") \
            from None
    if any(d < 0 for d in dims):  # the blocked threefry kernel would quietly draw nothing
        raise ValueError(f"random.{name}: negative dimensions are not allowed, got shape "
                         f"{dims}")
    return dims


def _float_dtype(dtype, name):
    dtype = dtypes.canonicalize_dtype(dtypes.default_float_dtype() if dtype is None else dtype)
    if not dtypes.is_float(dtype):
        raise ValueError(f"dtype argument to `{name}` must be a float dtype, got {dtype}")
    return dtype


# ---- keys ----------------------------------------------------------------------

def PRNGKey(seed, *, impl=None):
    """A legacy raw key: uint32 array of shape (2,)."""
    return _wrap_raw(_seed_data(seed))


def key(seed, *, impl=None):
    """A typed PRNG key (dtype key<fry>) from an integer seed."""
    return PRNGKeyArray(_wrap_raw(_seed_data(seed)))


def _wrap_raw(data):
    return wrap(data)


def _seed_data(seed):
    if isinstance(seed, Tracer):
        return threefry.seed_to_key(seed, ops=ops_lax.ops)
    if isinstance(seed, (float, np.floating)) or (hasattr(seed, "dtype") and
                                                 np.dtype(seed.dtype).kind not in "iu"):
        raise TypeError(f"PRNG key seed must be an integer; got {seed!r}")
    if isinstance(seed, (int, np.integer)):
        value = threefry.canonical_seed(int(seed), flags.jax_enable_x64)
    else:
        value = np.asarray(seed)
        if value.shape != ():
            raise TypeError(f"PRNG key seed must be a scalar; got shape {value.shape}")
    return threefry.seed_to_key(value)


def key_data(keys):
    """The uint32 key data under typed keys (shape (*keys.shape, 2))."""
    data, _ = _key_data_of(keys, "key_data")
    return data


def wrap_key_data(key_bits_array, *, impl=None):
    """Typed keys over uint32 key data of shape (..., 2)."""
    data = key_bits_array
    if not isinstance(data, (Array, Tracer)):
        data = Array(np.asarray(data, np.uint32), False)
    if data.dtype != np.uint32 or data.shape[-1:] != (2,):
        raise TypeError(f"wrap_key_data expects uint32 data of shape (..., 2), got "
                        f"{data.dtype} {tuple(data.shape)}")
    return PRNGKeyArray(data)


def key_impl(keys):
    return "threefry2x32"


def split(key, num=2):
    """Split a key into `num` new keys (num may be a shape)."""
    data, typed = _key_data_of(key, "split")
    shape = _shape(num, "split")
    out = sample(threefry.split, (data,), (shape,))
    return PRNGKeyArray(out) if typed else out


def fold_in(key, data):
    """A new key from `key` and an integer `data`."""
    raw, typed = _key_data_of(key, "fold_in")
    if isinstance(data, (int, np.integer)) and not 0 <= int(data) < 2 ** 32:
        raise OverflowError(f"Python integer {int(data)} out of bounds for uint32")
    if not isinstance(data, (Array, Tracer)):
        data = np.asarray(data)
        if data.dtype.kind in "iub":  # a jit argument of its own type (no int32 overflow)
            data = data.astype(np.uint32)
    out = sample(threefry.fold_in, (raw, data))
    return PRNGKeyArray(out) if typed else out


def clone(key):
    return key


# ---- samplers ------------------------------------------------------------------

def bits(key, shape=(), dtype=None):
    """Uniform random bits as unsigned integers of `dtype` (default uint32)."""
    data = _single_key(key, "bits")
    dtype = np.dtype(dtype or np.uint32)
    if dtype.kind != "u":
        raise TypeError(f"dtype argument to `bits` must be an unsigned int dtype, got {dtype}")
    dtype = dtypes.canonicalize_dtype(dtype)
    return sample(threefry.random_bits, (data,), (dtype.itemsize * 8, _shape(shape, "bits")))


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0):
    """Uniform floats in [minval, maxval)."""
    data = _single_key(key, "uniform")
    dtype = _float_dtype(dtype, "uniform")
    return sample(_uniform, *_with_constants(
        data, {"minval": minval, "maxval": maxval}, (int, float),
        shape=_shape(shape, "uniform"), dtype=dtype))


def _with_constants(data, bounds, types, **statics):
    """(operands, (), static kwargs) for sample(): bounds of these Python types are
    constants of the compiled sampler, as in a jitted function that passes them (a
    literal span lets a fused loop divide by a constant, [0, 1) skips the scaling);
    others are operands, named in `dynamic`."""
    arrays, dynamic = [data], []
    for name, bound in bounds.items():
        if type(bound) in types:
            statics[name] = bound
        else:
            arrays.append(bound)
            dynamic.append(name)
    return arrays, (), dict(statics, dynamic=tuple(dynamic))


def _bounds(arrays, dynamic, constants):
    return dict(constants, **dict(zip(dynamic, arrays)))


def _uniform(key, *bounds, shape, dtype, dynamic, ops, **constants):
    values = _bounds(bounds, dynamic, constants)
    return threefry.uniform(key, shape, dtype, values["minval"], values["maxval"], ops=ops)


def _scalar_arg(x):
    if type(x) is Array:
        return x._value
    return x


def normal(key, shape=(), dtype=None):
    """Standard normal floats; for a complex dtype, real and imaginary parts are
    independent normals of variance 1/2 (drawn with the two halves of a split key)."""
    data = _single_key(key, "normal")
    if dtype is not None and dtypes.canonicalize_dtype(dtype).kind == "c":
        dtype = dtypes.canonicalize_dtype(dtype)
        real_dtype = np.finfo(dtype).dtype
        keys = split(key)
        root2 = np.sqrt(np.array(2, real_dtype))
        real, imag = (normal(keys[i], shape, real_dtype) / root2 for i in (0, 1))
        return complex_p.bind(real, imag)
    dtype = _float_dtype(dtype, "normal")
    return sample(threefry.normal, (data,), (_shape(shape, "normal"), dtype))


def randint(key, shape, minval, maxval, dtype=None):
    """Uniform integers in [minval, maxval)."""
    data = _single_key(key, "randint")
    dtype = dtypes.canonicalize_dtype(dtype or dtypes.default_int_dtype())
    if dtype.kind not in "iu":
        raise TypeError(f"randint only accepts integer dtypes, got {dtype}")
    for bound in (minval, maxval):
        # Python ints become the default int type first, as in JAX.
        if type(bound) is int:
            info = np.iinfo(dtypes.default_int_dtype())
            if not info.min <= bound <= info.max:
                raise OverflowError(f"Python int {bound} too large to convert to "
                                    f"{info.dtype.name}; enable x64 or pass a smaller bound")
    # Python ints are constants, as in a jitted function that passes them: a fused
    # loop's modulo by a constant span is a multiply, by an operand a division (~10x).
    return sample(_randint, *_with_constants(
        data, {"minval": minval, "maxval": maxval}, (int,), shape=_shape(shape, "randint"),
        dtype=dtype))


def _randint(key, *bounds, shape, dtype, dynamic, ops, **constants):
    values = _bounds(bounds, dynamic, constants)
    return threefry.randint(key, shape, values["minval"], values["maxval"], dtype, ops=ops)


def bernoulli(key, p=0.5, shape=None, mode="low"):
    """Booleans that are True with probability p."""
    data = _single_key(key, "bernoulli")
    if type(p) in (int, float):
        p = np.asarray(p, dtypes.default_float_dtype())
    return sample(threefry.bernoulli, (data, p), (_shape(shape, "bernoulli"), mode))
