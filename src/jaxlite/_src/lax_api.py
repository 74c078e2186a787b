"""jax.lax: thin functions over the primitives (no NumPy-style promotion beyond
weak-typed Python scalars taking the other operand's dtype, as in JAX)."""
import builtins

import numpy as np

from . import core, dtypes
from .core import Tracer
from .array import Array
from .prims import elementwise as ew, reduce as red, shape as sp, linalg, index as ix
from .numpy_api.conversion import asarray, convert


def _lax_operands(name, *args):
    """lax ops need equal dtypes; Python scalars adopt the dtype of the array operands."""
    arrays = [a for a in args if isinstance(a, (Array, Tracer, np.ndarray, np.generic))]
    if not arrays:
        return [asarray(a) for a in args]
    dtype = core.get_aval(arrays[0]).dtype if not isinstance(arrays[0], (np.ndarray, np.generic)) \
        else dtypes.canonicalize_dtype(arrays[0].dtype)
    out = []
    for a in args:
        if type(a) in (int, float, bool, complex):
            out.append(convert(a, dtype, True))
        else:
            out.append(asarray(a))
    dts = {x.dtype for x in out}
    if len(dts) > 1:
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got "
                        + ", ".join(x.dtype.name for x in out)
                        + ". Convert with lax.convert_element_type or use jax.numpy functions.")
    return out


def _binary(name, primitive):
    def fn(x, y):
        return primitive.bind(*_lax_operands(name, x, y))
    fn.__name__ = name
    return fn


def _unary(name, primitive):
    def fn(x, **params):
        return primitive.bind(asarray(x), **params)
    fn.__name__ = name
    return fn


add = _binary("add", ew.add_p)
sub = _binary("sub", ew.sub_p)
mul = _binary("mul", ew.mul_p)
div = _binary("div", ew.div_p)
rem = _binary("rem", ew.rem_p)
pow = _binary("pow", ew.pow_p)
max = _binary("max", ew.max_p)
min = _binary("min", ew.min_p)
atan2 = _binary("atan2", ew.atan2_p)
nextafter = _binary("nextafter", ew.nextafter_p)
eq = _binary("eq", ew.eq_p)
ne = _binary("ne", ew.ne_p)
lt = _binary("lt", ew.lt_p)
le = _binary("le", ew.le_p)
gt = _binary("gt", ew.gt_p)
ge = _binary("ge", ew.ge_p)
bitwise_and = _binary("bitwise_and", ew.and_p)
bitwise_or = _binary("bitwise_or", ew.or_p)
bitwise_xor = _binary("bitwise_xor", ew.xor_p)
shift_left = _binary("shift_left", ew.shift_left_p)
shift_right_logical = _binary("shift_right_logical", ew.shift_right_logical_p)
shift_right_arithmetic = _binary("shift_right_arithmetic", ew.shift_right_arithmetic_p)

neg = _unary("neg", ew.neg_p)
sign = _unary("sign", ew.sign_p)
floor = _unary("floor", ew.floor_p)
ceil = _unary("ceil", ew.ceil_p)
is_finite = _unary("is_finite", ew.is_finite_p)
exp = _unary("exp", ew.exp_p)
exp2 = _unary("exp2", ew.exp2_p)
log = _unary("log", ew.log_p)
log1p = _unary("log1p", ew.log1p_p)
expm1 = _unary("expm1", ew.expm1_p)
tanh = _unary("tanh", ew.tanh_p)
logistic = _unary("logistic", ew.logistic_p)
sin = _unary("sin", ew.sin_p)
cos = _unary("cos", ew.cos_p)
tan = _unary("tan", ew.tan_p)
asin = _unary("asin", ew.asin_p)
acos = _unary("acos", ew.acos_p)
atan = _unary("atan", ew.atan_p)
sinh = _unary("sinh", ew.sinh_p)
cosh = _unary("cosh", ew.cosh_p)
asinh = _unary("asinh", ew.asinh_p)
acosh = _unary("acosh", ew.acosh_p)
atanh = _unary("atanh", ew.atanh_p)
sqrt = _unary("sqrt", ew.sqrt_p)
rsqrt = _unary("rsqrt", ew.rsqrt_p)
cbrt = _unary("cbrt", ew.cbrt_p)
abs = _unary("abs", ew.abs_p)
bitwise_not = _unary("bitwise_not", ew.not_p)
population_count = _unary("population_count", ew.population_count_p)


def square(x):
    return ew.integer_pow_p.bind(asarray(x), y=2)


def reciprocal(x):
    return ew.integer_pow_p.bind(asarray(x), y=-1)


def integer_pow(x, y):
    return ew.integer_pow_p.bind(asarray(x), y=int(y))


class RoundingMethod:
    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def round(x, rounding_method=RoundingMethod.AWAY_FROM_ZERO):
    return ew.round_p.bind(asarray(x), rounding_method=int(rounding_method))


def stop_gradient(x):
    """Identity whose derivative is zero: gradients do not flow into `x` (any pytree).

    >>> jaxlite.grad(lambda x: x * jaxlite.lax.stop_gradient(x))(3.0)
    Array(3., dtype=float32, weak_type=True)
    """
    from .tree import tree_map

    def stop(leaf):
        leaf = asarray(leaf)
        if not dtypes.is_inexact(leaf.dtype):
            return leaf
        return ew.stop_gradient_p.bind(leaf)

    return tree_map(stop, x)


def select(pred, on_true, on_false):
    on_true, on_false = _lax_operands("select", on_true, on_false)
    return ew.select_n_p.bind(asarray(pred), on_false, on_true)


def select_n(which, *cases):
    cases = _lax_operands("select_n", *cases)
    return ew.select_n_p.bind(asarray(which), *cases)


def clamp(min, x, max):
    min, x, max = _lax_operands("clamp", min, x, max)
    return ew.min_p.bind(ew.max_p.bind(x, min), max)


def convert_element_type(operand, new_dtype):
    x = asarray(operand)
    new_dtype = dtypes.canonicalize_dtype(new_dtype)
    if x.dtype == new_dtype and not x.weak_type:
        return x
    return ew.convert_element_type_p.bind(x, new_dtype=new_dtype, weak_type=False)


def bitcast_convert_type(operand, new_dtype):
    return ew.bitcast_convert_type_p.bind(asarray(operand), new_dtype=np.dtype(new_dtype))


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    x, y = _lax_operands("dot_general", lhs, rhs)
    dims = ((tuple(lc), tuple(rc)), (tuple(lb), tuple(rb)))
    pet = dtypes.canonicalize_dtype(preferred_element_type) if preferred_element_type else None
    return linalg.dot_general_p.bind(x, y, dimension_numbers=dims, preferred_element_type=pet)


def dot(lhs, rhs, precision=None, preferred_element_type=None):
    x, y = _lax_operands("dot", lhs, rhs)
    if x.ndim not in (1, 2) or y.ndim not in (1, 2):
        raise TypeError(f"lax.dot requires 1- or 2-D operands, got shapes {x.shape} and {y.shape}")
    return dot_general(x, y, (((x.ndim - 1,), (0,)), ((), ())), precision, preferred_element_type)


def reshape(operand, new_sizes, dimensions=None):
    x = asarray(operand)
    if dimensions is not None:
        x = transpose(x, dimensions)
    return sp.reshape_p.bind(x, new_sizes=tuple(int(d) for d in new_sizes))


def transpose(operand, permutation):
    return sp.transpose_p.bind(asarray(operand), permutation=tuple(int(p) for p in permutation))


def broadcast_in_dim(operand, shape, broadcast_dimensions):
    return sp.broadcast_in_dim_p.bind(asarray(operand), shape=tuple(shape),
                                      broadcast_dimensions=tuple(broadcast_dimensions))


def broadcast(operand, sizes):
    x = asarray(operand)
    return broadcast_in_dim(x, tuple(sizes) + tuple(x.shape),
                            tuple(range(len(sizes), len(sizes) + x.ndim)))


def squeeze(array, dimensions):
    x = asarray(array)
    return sp.squeeze_p.bind(x, dimensions=tuple(sorted(d % x.ndim for d in dimensions)))


def expand_dims(array, dimensions):
    x = asarray(array)
    ndim = x.ndim + len(dimensions)
    shape = list(x.shape)
    for d in sorted(d % ndim for d in dimensions):
        shape.insert(d, 1)
    return sp.reshape_p.bind(x, new_sizes=tuple(shape))


def concatenate(operands, dimension):
    xs = _lax_operands("concatenate", *operands)
    return sp.concatenate_p.bind(*xs, dimension=dimension)


def slice(operand, start_indices, limit_indices, strides=None):
    return sp.slice_p.bind(asarray(operand), start_indices=tuple(start_indices),
                           limit_indices=tuple(limit_indices),
                           strides=None if strides is None else tuple(strides))


def slice_in_dim(operand, start_index, limit_index, stride=1, axis=0):
    x = asarray(operand)
    starts = [0] * x.ndim
    limits = list(x.shape)
    n = x.shape[axis]
    start_index = 0 if start_index is None else start_index % n if start_index < 0 else start_index
    limit_index = n if limit_index is None else limit_index + n if limit_index < 0 else limit_index
    starts[axis], limits[axis] = start_index, limit_index
    strides = [1] * x.ndim
    strides[axis] = stride
    return slice(x, starts, limits, strides)


def index_in_dim(operand, index, axis=0, keepdims=True):
    x = asarray(operand)
    out = slice_in_dim(x, index % x.shape[axis], index % x.shape[axis] + 1, 1, axis)
    return out if keepdims else squeeze(out, (axis,))


def pad(operand, padding_value, padding_config):
    x, v = _lax_operands("pad", operand, padding_value)
    return sp.pad_p.bind(x, v, padding_config=tuple(tuple(c) for c in padding_config))


def rev(operand, dimensions):
    return sp.rev_p.bind(asarray(operand), dimensions=tuple(dimensions))


def iota(dtype, size):
    return sp.iota_p.bind(dtype=dtypes.canonicalize_dtype(dtype), shape=(int(size),), dimension=0)


def broadcasted_iota(dtype, shape, dimension):
    return sp.iota_p.bind(dtype=dtypes.canonicalize_dtype(dtype), shape=tuple(shape),
                          dimension=int(dimension))


def full(shape, fill_value, dtype=None):
    from .numpy_api.creation import full as jnp_full
    return jnp_full(shape, fill_value, dtype)


def full_like(x, fill_value, dtype=None, shape=None):
    from .numpy_api.creation import full_like as jnp_full_like
    return jnp_full_like(x, fill_value, dtype, shape)


def zeros_like_array(x):
    from .numpy_api.creation import zeros_like
    return zeros_like(x)


def _reduce(primitive):
    def fn(operand, axes):
        x = asarray(operand)
        return primitive.bind(x, axes=tuple(sorted(a % x.ndim for a in axes)))
    return fn


reduce_sum = _reduce(red.reduce_sum_p)
reduce_max = _reduce(red.reduce_max_p)
reduce_min = _reduce(red.reduce_min_p)
reduce_prod = _reduce(red.reduce_prod_p)
reduce_and = _reduce(red.reduce_and_p)
reduce_or = _reduce(red.reduce_or_p)


def argmax(operand, axis, index_dtype):
    return red.argmax_p.bind(asarray(operand), axis=int(axis),
                             index_dtype=dtypes.canonicalize_dtype(index_dtype))


def argmin(operand, axis, index_dtype):
    return red.argmin_p.bind(asarray(operand), axis=int(axis),
                             index_dtype=dtypes.canonicalize_dtype(index_dtype))


def dynamic_slice(operand, start_indices, slice_sizes):
    """A slice of static size at (possibly traced) start indices, clamped into bounds."""
    x = asarray(operand)
    index = []
    for start, size, n in zip(start_indices, slice_sizes, x.shape):
        start = clamp(0, convert(asarray(start), dtypes.default_int_dtype()), n - size)
        index.append(start + np.arange(size, dtype=dtypes.default_int_dtype()))
    return _outer_gather(x, index)


def _outer_gather(x, index_vectors):
    arrays = []
    for i, v in enumerate(index_vectors):
        shape = [1] * len(index_vectors)
        shape[i] = -1
        arrays.append(reshape(v, tuple(builtins.max(d, 1) if d != -1 else v.shape[0]
                                       for d in shape)))
    spec = tuple(("array",) for _ in arrays)
    return ix.gather_p.bind(x, *arrays, index_spec=spec)


def dynamic_update_slice(operand, update, start_indices):
    x = asarray(operand)
    u = convert(update, x.dtype)
    arrays = []
    for i, (start, size, n) in enumerate(zip(start_indices, u.shape, x.shape)):
        start = clamp(0, convert(asarray(start), dtypes.default_int_dtype()), n - size)
        v = start + np.arange(size, dtype=dtypes.default_int_dtype())
        shape = [1] * x.ndim
        shape[i] = size
        arrays.append(reshape(v, tuple(shape)))
    spec = tuple(("array",) for _ in arrays)
    return ix.scatter_p.bind(x, u, *arrays, index_spec=spec, mode="set")


def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0):
    x = asarray(operand)
    starts = [0] * x.ndim
    sizes = list(x.shape)
    starts[axis], sizes[axis] = start_index, slice_size
    return dynamic_slice(x, starts, sizes)


def dynamic_index_in_dim(operand, index, axis=0, keepdims=True):
    out = dynamic_slice_in_dim(operand, index, 1, axis)
    return out if keepdims else squeeze(out, (axis,))


def dynamic_update_slice_in_dim(operand, update, start_index, axis):
    x = asarray(operand)
    starts = [0] * x.ndim
    starts[axis] = start_index
    return dynamic_update_slice(x, update, starts)


# The public names (what `from lax_api import *` exports): functions and classes defined here.
__all__ = [name for name, value in list(globals().items())
           if not name.startswith("_") and (callable(value) or isinstance(value, type))
           and getattr(value, "__module__", None) == __name__]
