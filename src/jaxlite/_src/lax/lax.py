"""jax.lax: thin functions over the primitives (no NumPy-style promotion beyond
weak-typed Python scalars taking the other operand's dtype, as in JAX)."""
import builtins
import enum
import math
import operator

import numpy as np

from .. import core, dtypes
from ..core import Tracer
from ..array import Array
from ..tree import tree_map
from ..prims import elementwise as ew, reduce as red, shape as sp, linalg
from ..prims import transcendental as tr
from ..prims.bits import clz_p, mulhi_p, reduce_precision_p, bitcast_convert_type_p
from ..conversion import asarray, convert
from .utils import broadcast_to
from .precision import canonicalize_precision


def _lax_operands(name, *args, same_dtype=True):
    """lax ops need equal dtypes (but dot_general); Python scalars adopt the dtype of the
    array operands."""
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
    if len(dts) > 1 and same_dtype:
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got "
                        + ", ".join(x.dtype.name for x in out)
                        + ". Convert with lax.convert_element_type or use jax.numpy functions.")
    return out


# JAX's names for the dtype families each elementwise op accepts (dtypes.kind letters).
_FAMILIES = {"i": "signedinteger", "u": "unsignedinteger", "f": "floating",
             "c": "complexfloating", "b": "bool"}
_NUMBER, _INEXACT, _ANY = "iufc", "fc", "iufcb"


def _family_names(kinds):
    names = []
    for k in kinds:
        name = "integer" if k in "iu" and "i" in kinds and "u" in kinds else _FAMILIES[k]
        if name not in names:
            names.append(name)
    return ", ".join(names)


def _lax_values(name, args):
    """Each argument as an array of its own canonical dtype (a Python scalar: the weakly
    typed default of its kind), as JAX's lax does: no promotion and no lists."""
    out = []
    for i, a in enumerate(args):
        if isinstance(a, (Array, Tracer)):
            out.append(a)
        elif type(a) in (int, float, bool, complex) or isinstance(a, (np.ndarray, np.generic)) \
                or hasattr(a, "__jax_array__"):
            out.append(asarray(a))
        else:
            raise TypeError(f"Error interpreting argument to {name} as a JAX value. The "
                            f"problematic value is of type {type(a)} and was passed to {name} "
                            f"at position {i}.")
    return out


def _check_elementwise(name, args, kinds, same_dtype=True, hint=None):
    """JAX's eager checks, the same as under jit: accepted dtype families, equal dtypes
    (weak types included: lax does not promote), equal ranks (0-d operands broadcast)."""
    for i, (x, k) in enumerate(zip(args, kinds)):
        if dtypes.kind(x.dtype) not in k:
            where = f" at position {i}" if len(args) > 1 else ""
            raise TypeError(f"{name} does not accept dtype {x.dtype.name}{where}. Accepted "
                            f"dtypes{where} are subtypes of {_family_names(k)}.")
    if same_dtype and len({x.dtype for x in args}) > 1:
        tip = f" (Tip: jnp.{hint} is a similar function that does automatic type promotion " \
            "on inputs)." if hint else ""
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got "
                        + ", ".join(x.dtype.name for x in args) + "." + tip)
    ranks = {len(x.shape) for x in args if x.shape}
    if len(ranks) > 1:
        raise TypeError(f"{name}: arrays must have the same number of dimensions, got "
                        + "{" + ", ".join(map(str, sorted(ranks))) + "} (shapes "
                        + ", ".join(str(tuple(x.shape)) for x in args) + "); lax does not "
                        "broadcast ranks: reshape or use jax.numpy")


def _binary(name, primitive, kinds=_NUMBER, hint=None):
    accepted = set()  # dtypes that passed the checks: two such Arrays of one rank skip them

    def fn(x, y):
        if type(x) is Array and type(y) is Array:
            vx, vy = x._value, y._value
            if vx.dtype == vy.dtype and vx.dtype in accepted and vx.ndim == vy.ndim:
                return primitive.bind(x, y)
        args = _lax_values(name, (x, y))
        _check_elementwise(name, args, (kinds, kinds), hint=hint)
        accepted.add(args[0].dtype)
        return primitive.bind(*args)
    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"`lax.{name}`: elementwise, on operands of one dtype (see jnp.{hint or name}" \
        " for NumPy-style promotion)."
    return fn


def _unary(name, primitive, kinds=_INEXACT):
    accepted = set()  # dtypes that passed the checks

    def fn(x, accuracy=None):  # accuracy (a Tolerance or AccuracyMode): accepted, ignored
        if type(x) is not Array or x._value.dtype not in accepted:
            (x,) = _lax_values(name, (x,))
            _check_elementwise(name, (x,), (kinds,))
            accepted.add(x.dtype)
        return primitive.bind(x)
    fn.__name__ = name
    fn.__qualname__ = name
    return fn


add = _binary("add", ew.add_p, hint="add")
sub = _binary("sub", ew.sub_p, hint="subtract")
mul = _binary("mul", ew.mul_p, hint="multiply")
div = _binary("div", ew.div_p, hint="divide")
rem = _binary("rem", tr.rem_p, "iuf")
max = _binary("max", ew.max_p, _ANY, hint="maximum")
min = _binary("min", ew.min_p, _ANY, hint="minimum")
atan2 = _binary("atan2", ew.atan2_p, _INEXACT, hint="arctan2")
nextafter = _binary("nextafter", ew.nextafter_p, "f")
eq = _binary("eq", ew.eq_p, _ANY)
ne = _binary("ne", ew.ne_p, _ANY)
lt = _binary("lt", ew.lt_p, "iufb")
le = _binary("le", ew.le_p, "iufb")
gt = _binary("gt", ew.gt_p, "iufb")
ge = _binary("ge", ew.ge_p, "iufb")
bitwise_and = _binary("bitwise_and", ew.and_p, "iub")
bitwise_or = _binary("bitwise_or", ew.or_p, "iub")
bitwise_xor = _binary("bitwise_xor", ew.xor_p, "iub")
shift_left = _binary("shift_left", ew.shift_left_p, "iu", hint="left_shift")
shift_right_logical = _binary("shift_right_logical", ew.shift_right_logical_p, "iu")
shift_right_arithmetic = _binary("shift_right_arithmetic", ew.shift_right_arithmetic_p, "iu",
                                 hint="right_shift")


def pow(x, y):
    """`x ** y` elementwise: x floating or complex; y of x's dtype, or any integer dtype."""
    x, y = _lax_values("pow", (x, y))
    _check_elementwise("pow", (x, y), (_INEXACT, _NUMBER), same_dtype=False)
    if dtypes.kind(y.dtype) not in "iu" and y.dtype != x.dtype:
        raise TypeError("the first argument to pow must have an inexact dtype (float or "
                        "complex), and the second argument must have an inexact or integer "
                        f"dtype, and two inexact dtypes must match, but got {x.dtype.name} and "
                        f"{y.dtype.name}.")
    # An integer exponent stays an integer: its JVP rule gives x**0 slope 0 at x == 0.
    return tr.pow_p.bind(x, y)


neg = _unary("neg", ew.neg_p, _NUMBER)
sign = _unary("sign", ew.sign_p, _NUMBER)
floor = _unary("floor", ew.floor_p, "f")
ceil = _unary("ceil", ew.ceil_p, "f")
is_finite = _unary("is_finite", ew.is_finite_p, "f")
exp = _unary("exp", tr.exp_p)
exp2 = _unary("exp2", tr.exp2_p)
log = _unary("log", tr.log_p)
log1p = _unary("log1p", tr.log1p_p)
expm1 = _unary("expm1", tr.expm1_p)
tanh = _unary("tanh", tr.tanh_p)
logistic = _unary("logistic", tr.logistic_p)
sin = _unary("sin", tr.sin_p)
cos = _unary("cos", tr.cos_p)
tan = _unary("tan", tr.tan_p)
asin = _unary("asin", tr.asin_p)
acos = _unary("acos", tr.acos_p)
atan = _unary("atan", tr.atan_p)
sinh = _unary("sinh", tr.sinh_p)
cosh = _unary("cosh", tr.cosh_p)
asinh = _unary("asinh", tr.asinh_p)
acosh = _unary("acosh", tr.acosh_p)
atanh = _unary("atanh", tr.atanh_p)
sqrt = _unary("sqrt", tr.sqrt_p)
rsqrt = _unary("rsqrt", tr.rsqrt_p)
cbrt = _unary("cbrt", tr.cbrt_p, "f")
abs = _unary("abs", tr.abs_p, "ifc")
bitwise_not = _unary("bitwise_not", ew.not_p, "iub")
population_count = _unary("population_count", ew.population_count_p, "iu")

class _adopting:  # noqa: N801 -- a namespace, used like a module
    """The elementwise ops without lax's dtype checks, for jaxlite's own lax-level code
    (gather's index arithmetic, the PRNG's samplers): Python scalars adopt the dtype of the
    array operands, as jax.numpy's weak types would give."""


for _name, _primitive in [("add", ew.add_p), ("sub", ew.sub_p), ("mul", ew.mul_p),
                          ("div", ew.div_p), ("rem", tr.rem_p), ("pow", tr.pow_p),
                          ("max", ew.max_p), ("min", ew.min_p), ("nextafter", ew.nextafter_p),
                          ("eq", ew.eq_p), ("ne", ew.ne_p), ("lt", ew.lt_p), ("le", ew.le_p),
                          ("gt", ew.gt_p), ("ge", ew.ge_p), ("bitwise_and", ew.and_p),
                          ("bitwise_or", ew.or_p), ("bitwise_xor", ew.xor_p),
                          ("shift_left", ew.shift_left_p),
                          ("shift_right_logical", ew.shift_right_logical_p)]:
    def _adopting_op(x, y, _name=_name, _primitive=_primitive):
        return _primitive.bind(*_lax_operands(_name, x, y))
    _adopting_op.__name__ = _name
    setattr(_adopting, _name, staticmethod(_adopting_op))


def _adopting_select(pred, on_true, on_false):
    on_true, on_false = _lax_operands("select", on_true, on_false)
    return ew.select_n_p.bind(asarray(pred), on_false, on_true)


def _adopting_clamp(min, x, max):
    min, x, max = _lax_operands("clamp", min, x, max)
    return ew.clamp_p.bind(min, x, max)


_adopting.select = staticmethod(_adopting_select)
_adopting.clamp = staticmethod(_adopting_clamp)


# Functions that compute add, max or min exactly (the monoid's name for each): reduce_window
# binds its reduce_window_{sum,max,min} primitive for them instead of folding the windows.
# Layers above lax register theirs here (jax.numpy: add, maximum, minimum).
window_monoids = {add: "add", max: "max", min: "min"}


def clz(x):
    """Count of leading zero bits of each integer.

    >>> lax.clz(jnp.array([1, 0, -1], jnp.int32))
    Array([31, 32,  0], dtype=int32)
    """
    x = asarray(x)
    _require_kind("clz", x, "iu", "integer")
    return clz_p.bind(x)


def mulhi(x, y, /):
    """The high half of the double-width product of integers."""
    x, y = _lax_operands("mulhi", x, y)
    _require_kind("mulhi", x, "iu", "integer")
    return mulhi_p.bind(x, y)


def _require_kind(name, x, kinds, what):
    kind = dtypes.kind(x.dtype)  # int4 & co. by their kind, not NumPy's "V"
    # Of the narrow floats, bfloat16 only: reduce_precision knows its layout, not float8's.
    if kind not in kinds or (kind == "f" and x.dtype.kind == "V" and x.dtype.name != "bfloat16"):
        raise TypeError(f"{name} does not accept dtype {x.dtype}. Accepted dtypes are subtypes "
                        f"of {what}.")


def reduce_precision(operand, exponent_bits, mantissa_bits):
    """`operand` rounded (to nearest even) to a float format with the given numbers of
    exponent and mantissa bits, overflowing to infinity and underflowing to zero, as XLA's
    ReducePrecision; e.g. (8, 7) rounds float32 to bfloat16 values.

    >>> lax.reduce_precision(jnp.float32(1.2345678), 5, 10)   # float16's precision
    Array(1.234375, dtype=float32)
    """
    exponent_bits = int(core.concrete_or_error(exponent_bits,
                                               "exponent_bits argument of lax.reduce_precision"))
    mantissa_bits = int(core.concrete_or_error(mantissa_bits,
                                               "mantissa_bits argument of lax.reduce_precision"))
    if exponent_bits < 1 or mantissa_bits < 0:
        raise ValueError(f"reduce_precision: exponent_bits must be >= 1 and mantissa_bits >= 0,"
                         f" got {exponent_bits} and {mantissa_bits}")
    x = asarray(operand)
    _require_kind("reduce_precision", x, "f", "floating")
    return reduce_precision_p.bind(x, exponent_bits=exponent_bits, mantissa_bits=mantissa_bits)


def integer_pow(x, y):
    """`x ** y` for a static Python int `y`, by repeated multiplication (exact for integers)."""
    y = operator.index(y)
    (x,) = _lax_values("integer_pow", (x,))
    _check_elementwise("integer_pow", (x,), (_NUMBER,))
    if y < 0 and dtypes.kind(x.dtype) in "iu":
        raise TypeError(f"Integers cannot be raised to negative powers, got "
                        f"integer_pow({x.dtype.name}{list(x.shape)}, {y})")
    return ew.integer_pow_p.bind(x, y=y)


def square(x):
    (x,) = _lax_values("square", (x,))
    _check_elementwise("square", (x,), (_NUMBER,))
    return ew.square_p.bind(x)


def reciprocal(x):
    return integer_pow(x, -1)


class RoundingMethod(enum.IntEnum):
    """How lax.round breaks ties: away from zero (the default) or to the nearest even."""
    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def round(x, rounding_method=RoundingMethod.AWAY_FROM_ZERO):
    (x,) = _lax_values("round", (x,))
    _check_elementwise("round", (x,), ("f",))
    return ew.round_p.bind(x, rounding_method=int(rounding_method))


def stop_gradient(x):
    """Identity whose derivative is zero: gradients do not flow into `x` (any pytree).

    >>> jax.grad(lambda x: x * lax.stop_gradient(x))(3.0)
    Array(3., dtype=float32, weak_type=True)
    """
    def stop(leaf):
        leaf = asarray(leaf)
        if not dtypes.is_inexact(leaf.dtype):
            return leaf
        return ew.stop_gradient_p.bind(leaf)

    return tree_map(stop, x)


def _check_select(which, cases):
    """As XLA's select: cases of one shape, `which` boolean or integer, scalar or of the
    cases' shape (no broadcasting: jnp.where broadcasts)."""
    shapes = [tuple(c.shape) for c in cases]
    if len(set(shapes)) > 1:
        raise TypeError(f"select cases must have the same shapes, got {shapes}.")
    if dtypes.kind(which.dtype) not in "biu":
        raise TypeError(f"select `which` must be boolean or integer type, got "
                        f"{which.dtype.name}.")
    if which.shape and tuple(which.shape) != shapes[0]:
        raise TypeError(f"select `which` must be scalar or have the same shape as cases, got "
                        f"`which` shape {tuple(which.shape)} but case shape {shapes[0]}.")


def select(pred, on_true, on_false):
    on_true, on_false = _lax_values("select", (on_true, on_false))
    if on_true.dtype != on_false.dtype:
        raise TypeError(f"lax.select requires arguments to have the same dtypes, got "
                        f"{on_true.dtype.name}, {on_false.dtype.name}. (Tip: jnp.where is a "
                        "similar function that does automatic type promotion on inputs).")
    pred = asarray(pred)
    _check_select(pred, (on_false, on_true))
    return ew.select_n_p.bind(pred, on_false, on_true)


def select_n(which, *cases):
    cases = _lax_values("select_n", cases)
    _check_elementwise("select_n", cases, (_ANY,) * len(cases))
    which = asarray(which)
    _check_select(which, cases)
    return ew.select_n_p.bind(which, *cases)


def clamp(min, x, max):
    """`x` clipped to [min, max]; min and max are scalars or arrays of x's shape."""
    min, x, max = _lax_values("clamp", (min, x, max))
    if len({a.dtype for a in (min, x, max)}) > 1:
        raise TypeError("lax.clamp requires arguments to have the same dtypes, got "
                        + ", ".join(a.dtype.name for a in (min, x, max)) + ".")
    return ew.clamp_p.bind(min, x, max)


def convert_element_type(operand, new_dtype):
    x = asarray(operand)
    new_dtype = dtypes.canonicalize_dtype(new_dtype)
    if x.dtype == new_dtype and not x.weak_type:
        return x
    return ew.convert_element_type_p.bind(x, new_dtype=new_dtype, weak_type=False)


def bitcast_convert_type(operand, new_dtype):
    """The bits of each element reinterpreted as `new_dtype`; a narrower dtype adds a trailing
    axis (float32 -> uint8: shape + (4,)), a wider one consumes it, as in XLA.

    >>> lax.bitcast_convert_type(jnp.float32(1.0), jnp.uint8)
    Array([  0,   0, 128,  63], dtype=uint8)
    """
    x = asarray(operand)
    new_dtype = dtypes.canonicalize_dtype(new_dtype)
    if x.dtype != new_dtype and (x.dtype.kind in "bc" or new_dtype.kind in "bc"):
        raise TypeError("lax.bitcast_convert_type does not support bool or complex values "
                        "unless the operand and destination types match. Got operand "
                        f"dtype={x.dtype}, new_dtype={new_dtype}.")
    return bitcast_convert_type_p.bind(x, new_dtype=new_dtype)


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None,
                out_sharding=None):
    # out_sharding, as in `dot`: the value is the same whatever its placement (flax.nnx
    # passes it explicitly).
    # Operands of different dtypes are accepted, as in JAX (the result takes the one of
    # higher precision, prims.linalg.product_dtype).
    (lc, rc), (lb, rb) = dimension_numbers
    x, y = _lax_operands("dot_general", lhs, rhs, same_dtype=False)
    dims = ((tuple(lc), tuple(rc)), (tuple(lb), tuple(rb)))
    pet = dtypes.canonicalize_dtype(preferred_element_type) if preferred_element_type else None
    return linalg.dot_general_p.bind(x, y, dimension_numbers=dims,
                                     precision=canonicalize_precision(precision),
                                     preferred_element_type=pet)


def dot(lhs, rhs, precision=None, preferred_element_type=None, *, dimension_numbers=None,
        out_sharding=None):
    """A contraction: matrix/vector products by default, or any `dot_general` contraction
    given `dimension_numbers` ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch)).

    >>> lax.dot(jnp.ones((2, 3)), jnp.ones(3))
    Array([3., 3.], dtype=float32)
    """
    x, y = _lax_operands("dot", lhs, rhs, same_dtype=False)
    if dimension_numbers is None:
        if not (1 <= x.ndim <= 2 and 1 <= y.ndim <= 2 and x.shape[-1] == y.shape[0]):
            raise ValueError(
                "jax.lax.dot: dimension_numbers must be specified when not performing simple"
                " un-batched matrix-matrix, matrix-vector, or vector-vector products;"
                f" got lhs_shape={x.shape} rhs_shape={y.shape}")
        dimension_numbers = (((x.ndim - 1,), (0,)), ((), ()))
    return dot_general(x, y, dimension_numbers, precision, preferred_element_type)


def reshape(operand, new_sizes, dimensions=None):
    x = asarray(operand)
    if dimensions is not None:
        x = transpose(x, dimensions)
    new_sizes = _shape(new_sizes)
    if math.prod(new_sizes) != x.size:  # JAX finds this when lowering: a ValueError
        raise ValueError(f"lax.reshape: cannot reshape operand of shape {x.shape} (size "
                         f"{x.size}) into shape {new_sizes} (size {math.prod(new_sizes)})")
    return sp.reshape_p.bind(x, new_sizes=new_sizes)


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
    x = asarray(operand)
    starts, limits = tuple(start_indices), tuple(limit_indices)
    if not len(starts) == len(limits) == x.ndim:
        raise TypeError(f"slice start_indices {starts} and limit_indices {limits} must each "
                        f"have one entry per dimension of the operand (shape {x.shape})")
    for start, limit, n in zip(starts, limits, x.shape):
        if not 0 <= start <= limit <= n:
            raise TypeError(f"slice: need 0 <= start_indices <= limit_indices <= operand "
                            f"shape, got start_indices {starts}, limit_indices {limits} for "
                            f"operand shape {x.shape}")
    return sp.slice_p.bind(x, start_indices=tuple(start_indices),
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
    n = x.shape[axis]
    index = operator.index(index)
    if not -n <= index < n:
        raise IndexError(f"index {index} is out of bounds for axis {axis} with size {n}")
    out = slice_in_dim(x, index % n, index % n + 1, 1, axis)
    return out if keepdims else squeeze(out, (axis,))


def pad(operand, padding_value, padding_config):
    x, v = _lax_operands("pad", operand, padding_value)
    padding_config = tuple(tuple(c) for c in padding_config)
    if len(padding_config) != x.ndim or any(len(c) != 3 for c in padding_config):
        raise ValueError(f"lax.pad: padding_config must hold one (low, high, interior) triple "
                         f"per dimension of the operand (shape {x.shape}), got {padding_config}")
    for (low, high, interior), n in zip(padding_config, x.shape):
        if interior < 0:
            raise ValueError(f"lax.pad: interior padding in padding_config must be "
                             f"nonnegative, got padding_config {padding_config}")
        if low + high + n + builtins.max(n - 1, 0) * interior < 0:
            raise ValueError(f"lax.pad: dimension size after padding is not at least 0, for "
                             f"padding_config {padding_config} and operand shape {x.shape}")
    return sp.pad_p.bind(x, v, padding_config=tuple(tuple(c) for c in padding_config))


def rev(operand, dimensions):
    return sp.rev_p.bind(asarray(operand), dimensions=tuple(dimensions))


def iota(dtype, size):
    return sp.iota_p.bind(dtype=dtypes.canonicalize_dtype(dtype), shape=(int(size),), dimension=0)


def broadcasted_iota(dtype, shape, dimension):
    return sp.iota_p.bind(dtype=dtypes.canonicalize_dtype(dtype), shape=tuple(shape),
                          dimension=int(dimension))


def _shape(shape):
    """A shape as a tuple of non-negative Python ints (an int or a 0-d array is a 1-d
    shape); traced dimensions must be concrete."""
    if isinstance(shape, (int, np.integer)) or (hasattr(shape, "ndim") and not isinstance(shape, tuple)
                                                and getattr(shape, "ndim", 1) == 0):
        shape = (shape,)
    try:
        out = tuple(operator.index(core.concrete_or_error(d, "an array shape")
                                   if isinstance(d, Tracer) else d) for d in shape)
    except TypeError:
        raise TypeError(f"Shapes must be 1D sequences of concrete values of integer type, got "
                        f"{shape!r}") from None
    if builtins.any(d < 0 for d in out):
        # JAX's class (its shape rule rejects them), NumPy's words
        raise TypeError(f"negative dimensions are not allowed: {out}")
    return out


def full(shape, fill_value, dtype=None):
    """An array of `shape` filled with `fill_value` (an array value is broadcast to it).

    >>> lax.full((2,), 7, jnp.float32)
    Array([7., 7.], dtype=float32)
    """
    shape = _shape(shape)
    if type(fill_value) is int and dtype is not None:
        # converted as JAX's convert_element_type converts it: wrapping into an integer
        # dtype (jnp.full(n, -1, jnp.uint8) is 255s), the int32/int64 range checked
        value = convert(fill_value, dtypes.python_type_dtype(dtype)
                        or dtypes.canonicalize_dtype(dtype))
    else:
        value = asarray(fill_value, dtype)
    if isinstance(fill_value, Tracer) or (hasattr(fill_value, "ndim") and fill_value.ndim):
        return broadcast_to(value, shape)
    if shape and core.current_trace() is not core.eval_trace:
        # staged as JAX stages it: a broadcast of the scalar literal, not a hoisted constant
        return broadcast_in_dim(Array(np.asarray(value), value.weak_type), shape, ())
    return Array(np.full(shape, np.asarray(value), value.dtype), value.weak_type)


def weak_of(x):
    """Whether `x` is weakly typed: a Python scalar, or an array marked weak."""
    if type(x) in (int, float, complex):
        return True
    return bool(getattr(x, "weak_type", False))


def full_like(x, fill_value, dtype=None, shape=None):
    """An array like `x` (its shape and dtype, unless given) filled with `fill_value`."""
    weak = weak_of(x) and dtype is None
    x_dtype = x.dtype if hasattr(x, "dtype") else dtypes.dtype_and_weak(x)[0]
    dtype = dtypes.canonicalize_dtype(dtype) if dtype is not None else x_dtype
    shape = _shape(shape) if shape is not None else tuple(np.shape(x) if not hasattr(x, "shape")
                                                          else x.shape)
    out = full(shape, fill_value, dtype)
    return Array(out._value, weak) if type(out) is Array else out


def zeros_like_array(x):
    """Zeros of the shape and dtype (and weak type) of `x`."""
    dtype = x.dtype if hasattr(x, "dtype") else dtypes.dtype_and_weak(x)[0]
    shape = tuple(np.shape(x) if not hasattr(x, "shape") else x.shape)
    return Array(np.zeros(shape, dtype), weak_of(x))


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
reduce_xor = _reduce(red.reduce_xor_p)


def argmax(operand, axis, index_dtype):
    return red.argmax_p.bind(asarray(operand), axis=int(axis),
                             index_dtype=dtypes.canonicalize_dtype(index_dtype))


def argmin(operand, axis, index_dtype):
    return red.argmin_p.bind(asarray(operand), axis=int(axis),
                             index_dtype=dtypes.canonicalize_dtype(index_dtype))


__all__ = [name for name, value in list(globals().items())
           if not name.startswith("_") and (callable(value) or isinstance(value, type))
           and getattr(value, "__module__", None) == __name__]
