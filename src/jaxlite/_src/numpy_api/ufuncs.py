"""Elementwise jax.numpy functions: arithmetic, math, comparisons, logic, where, clip."""
import numpy as np

from .. import dtypes
from ..array import Array
from ..prims import elementwise as ew, complex as cx
from ..prims import transcendental as tr
from ..conversion import (asarray, promote, promote_inexact, promote_numeric, convert,
                         check_arraylike)
from ..lax.lax import window_monoids
from ..prims.shape import broadcast_in_dim_p
from .staged import staged_as_jit
from ..custom_derivatives import custom_jvp


def _check_integer(name, *args):
    """Bitwise operations take integers and booleans only, as in JAX (traced or not)."""
    for i, a in enumerate(args):
        if dtypes.kind(a.dtype) not in "biu":
            raise TypeError(f"{name} does not accept dtype {a.dtype.name} at position {i}. "
                            "Accepted dtypes are subtypes of integer, bool.")
    return args


def _binary(name, primitive, inexact=False, numeric=False, integer=False):
    """numeric: booleans are promoted to the default int (as for JAX's `<<`, `%`);
    integer: only integer and boolean operands (the bitwise operations)."""
    promoter = promote_inexact if inexact else promote_numeric if numeric else promote
    if integer:
        promoter = (lambda p: lambda x, y: _check_integer(name, *p(x, y)))(promoter)

    def fn(x, y, /):
        try:
            # Fast path: two arrays of one dtype need no promotion.
            if (type(x) is Array and type(y) is Array and x._value.dtype == y._value.dtype
                    and not inexact and not (numeric and x._value.dtype == np.bool_)
                    and not (integer and x._value.dtype.kind not in "biu")):
                return primitive.bind(x, y)
        except (TypeError, ValueError):
            _check_broadcastable(primitive.name, x, y)
            raise
        check_arraylike(name, x, y)
        try:
            return primitive.bind(*promoter(x, y))
        except (TypeError, ValueError):  # a broadcasting error, raised as JAX does
            _check_broadcastable(primitive.name, x, y)
            raise
    fn.__name__ = name
    fn.__doc__ = f"Elementwise `{name}` of two arrays, with JAX's type promotion."
    return fn


def _check_broadcastable(name, *args):
    """JAX's errors for operands that do not broadcast: jnp first promotes ranks
    (jnp.broadcast_shapes: ValueError) when they differ, then the lax primitive
    checks equal-rank shapes (TypeError)."""
    shapes = [tuple(np.shape(a)) if not hasattr(a, "shape") else tuple(a.shape) for a in args]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        if len({len(s) for s in shapes}) > 1:
            raise ValueError(f"Incompatible shapes for broadcasting: shapes={shapes}") from None
        raise TypeError(f"{name} got incompatible shapes for broadcasting: "
                        + ", ".join(map(str, shapes)) + ".") from None


def _unary(name, primitive, inexact=False):
    def fn(x, /):
        check_arraylike(name, x)
        if inexact:
            (x,) = promote_inexact(x)
        else:
            x = asarray(x)
        return primitive.bind(x)
    fn.__name__ = name
    fn.__doc__ = f"Elementwise `{name}`."
    return fn


add = _binary("add", ew.add_p)
subtract = _binary("subtract", ew.sub_p)
multiply = _binary("multiply", ew.mul_p)
true_divide = divide = _binary("true_divide", ew.div_p, inexact=True)
maximum = _binary("maximum", ew.max_p)
minimum = _binary("minimum", ew.min_p)
window_monoids.update({add: "add", maximum: "max", minimum: "min"})  # for lax.reduce_window
arctan2 = _binary("arctan2", ew.atan2_p, inexact=True)
nextafter = _binary("nextafter", ew.nextafter_p, inexact=True)
equal = _binary("equal", ew.eq_p)
not_equal = _binary("not_equal", ew.ne_p)
less = _binary("less", ew.lt_p)
less_equal = _binary("less_equal", ew.le_p)
greater = _binary("greater", ew.gt_p)
greater_equal = _binary("greater_equal", ew.ge_p)
bitwise_and = _binary("bitwise_and", ew.and_p, integer=True)
bitwise_or = _binary("bitwise_or", ew.or_p, integer=True)
bitwise_xor = _binary("bitwise_xor", ew.xor_p, integer=True)
left_shift = _binary("left_shift", ew.shift_left_p, numeric=True, integer=True)

negative = _unary("negative", ew.neg_p)
sign = _unary("sign", ew.sign_p)
exp = _unary("exp", tr.exp_p, True)
exp2 = _unary("exp2", tr.exp2_p, True)
log = _unary("log", tr.log_p, True)
log1p = _unary("log1p", tr.log1p_p, True)
expm1 = _unary("expm1", tr.expm1_p, True)
sqrt = _unary("sqrt", tr.sqrt_p, True)
cbrt = _unary("cbrt", tr.cbrt_p, True)
sin = _unary("sin", tr.sin_p, True)
cos = _unary("cos", tr.cos_p, True)
tan = _unary("tan", tr.tan_p, True)
arcsin = asin = _unary("arcsin", tr.asin_p, True)
arccos = acos = _unary("arccos", tr.acos_p, True)
arctan = atan = _unary("arctan", tr.atan_p, True)
sinh = _unary("sinh", tr.sinh_p, True)
cosh = _unary("cosh", tr.cosh_p, True)
tanh = _unary("tanh", tr.tanh_p, True)
arcsinh = asinh = _unary("arcsinh", tr.asinh_p, True)
arccosh = acosh = _unary("arccosh", tr.acosh_p, True)
arctanh = atanh = _unary("arctanh", tr.atanh_p, True)
isfinite = _unary("isfinite", ew.is_finite_p, True)


def positive(x, /):
    return asarray(x)


def absolute(x, /):
    check_arraylike("absolute", x)
    x = asarray(x)
    if x.dtype.kind in "ub":
        return x
    return tr.abs_p.bind(x)


abs = absolute


def _float_or_int_identity(name, primitive):
    def fn(x, /):
        check_arraylike(name, x)
        x = asarray(x)
        if not dtypes.is_inexact(x.dtype):
            return x
        return primitive.bind(x)
    fn.__name__ = name
    return fn


floor = _float_or_int_identity("floor", ew.floor_p)
ceil = _float_or_int_identity("ceil", ew.ceil_p)


def round(a, decimals=0, out=None):
    """Round half to even, like NumPy (and `jnp.round`)."""
    a = asarray(a)
    if not dtypes.is_inexact(a.dtype):
        return a
    if a.dtype.kind == "c":  # parts rounded separately, as JAX does
        return cx.complex_p.bind(round(real(a), decimals), round(imag(a), decimals))
    if decimals == 0:
        return ew.round_p.bind(a, rounding_method=1)
    factor = convert(10.0 ** decimals, a.dtype, a.weak_type)
    return ew.div_p.bind(ew.round_p.bind(ew.mul_p.bind(a, factor), rounding_method=1), factor)


around = round


def rint(x, /):
    (x,) = promote_inexact(x)  # integers round to floats, as in JAX
    return round(x)


def trunc(x, /):
    x = asarray(x)
    if not dtypes.is_inexact(x.dtype):
        return x
    return where(less(x, 0), ceil(x), floor(x))


fix = trunc


def square(x, /):
    check_arraylike("square", x)
    (x,) = promote_numeric(x)
    return ew.integer_pow_p.bind(x, y=2)


def reciprocal(x, /):
    (x,) = promote_inexact(x)
    return ew.integer_pow_p.bind(x, y=-1)


def log2(x, /):
    (x,) = promote_inexact(x)
    return ew.div_p.bind(tr.log_p.bind(x), convert(np.log(2), x.dtype, x.weak_type))


def log10(x, /):
    (x,) = promote_inexact(x)
    return ew.div_p.bind(tr.log_p.bind(x), convert(np.log(10), x.dtype, x.weak_type))


def _concrete_int(y):
    """A concrete integer scalar exponent as a Python int (None otherwise), as JAX's
    `operator.index` on concrete values: Python and NumPy ints, 0-d integer Arrays."""
    if type(y) is int:
        return y
    if isinstance(y, np.integer) or (type(y) is Array and y.ndim == 0
                                     and y.dtype.kind in "iu"):
        return int(y)
    return None


def power(x, y, /):
    """`x ** y`; a concrete integer exponent uses lax.integer_pow (exact, as JAX does)."""
    check_arraylike("power", x, y)
    exponent = _concrete_int(y)
    if exponent is not None:
        y = exponent
        (x,) = promote_numeric(x)
        if dtypes.is_integer(x.dtype) and y < 0:
            raise TypeError(f"Integers cannot be raised to negative powers, got integer_pow("
                            f"{x.dtype.name}{list(x.shape)}, {y}); use a float base, e.g. "
                            "x.astype(float) ** y")
        return ew.integer_pow_p.bind(x, y=y)
    x, y = promote_numeric(x, y)
    return tr.pow_p.bind(x, y)


def float_power(x, y, /):
    x, y = promote_inexact(x, y)
    return tr.pow_p.bind(x, y)


def floor_divide(x, y, /):
    x, y = promote_numeric(x, y)
    if dtypes.is_integer(x.dtype):
        q = ew.div_p.bind(x, y)  # rounds toward zero; step down where signs differ and inexact
        r = tr.rem_p.bind(x, y)
        zero = convert(0, x.dtype, True)
        adjust = ew.and_p.bind(ew.ne_p.bind(r, zero),
                               ew.ne_p.bind(ew.lt_p.bind(r, zero), ew.lt_p.bind(y, zero)))
        return ew.select_n_p.bind(adjust, q, ew.sub_p.bind(q, convert(1, x.dtype, True)))
    if x.dtype == np.bool_:
        return x
    return _float_divmod(x, y)[0]


def _float_divmod(x, y):
    """JAX's floor division of floats (CPython's float_divmod): x - fmod(x, y) divided by y,
    one less where the remainder's sign differs from y's, rounded; the remainder moved to
    y's sign. Unlike floor(x / y) it does not round the quotient first (1 // 0.1 is 9, not
    10), and it signs zeros as XLA does (-0.5 // -1.9 is -0.0)."""
    zero, one = convert(0, x.dtype, True), convert(1, x.dtype, True)
    mod = tr.rem_p.bind(x, y)
    div = ew.div_p.bind(ew.select_n_p.bind(ew.eq_p.bind(y, zero), ew.sub_p.bind(x, mod), x), y)
    step = ew.and_p.bind(ew.ne_p.bind(mod, zero),
                         ew.ne_p.bind(ew.sign_p.bind(y), ew.sign_p.bind(mod)))
    mod = ew.select_n_p.bind(step, mod, ew.add_p.bind(mod, y))
    div = ew.select_n_p.bind(step, div, ew.sub_p.bind(div, one))
    return ew.round_p.bind(div, rounding_method=0), mod


def remainder(x, y, /):
    """Remainder with the sign of the divisor (Python's %), as NumPy and JAX."""
    x, y = promote_numeric(x, y)
    r = tr.rem_p.bind(x, y)
    zero = convert(0, x.dtype, True)
    fix_needed = ew.and_p.bind(ew.ne_p.bind(r, zero),
                               ew.ne_p.bind(ew.lt_p.bind(r, zero), ew.lt_p.bind(y, zero)))
    return ew.select_n_p.bind(fix_needed, r, ew.add_p.bind(r, y))


mod = remainder


def fmod(x, y, /):
    x, y = promote_numeric(x, y)
    return tr.rem_p.bind(x, y)


def divmod(x, y, /):
    x, y = promote_numeric(x, y)
    if dtypes.is_inexact(x.dtype):
        return _float_divmod(x, y)
    return floor_divide(x, y), remainder(x, y)


def logical_and(x, y, /):
    return ew.and_p.bind(_as_bool(x), _as_bool(y))


def logical_or(x, y, /):
    return ew.or_p.bind(_as_bool(x), _as_bool(y))


def logical_xor(x, y, /):
    return ew.xor_p.bind(_as_bool(x), _as_bool(y))


def logical_not(x, /):
    return ew.not_p.bind(_as_bool(x))


def _as_bool(x):
    x = asarray(x)
    if x.dtype == np.bool_:
        return x
    return ew.ne_p.bind(x, convert(0, x.dtype, True))


def bitwise_not(x, /):
    (x,) = _check_integer("bitwise_not", asarray(x))
    return ew.not_p.bind(x)


invert = bitwise_not


def right_shift(x, y, /):
    x, y = _check_integer("right_shift", *promote_numeric(x, y))
    prim = ew.shift_right_logical_p if x.dtype.kind == "u" else ew.shift_right_arithmetic_p
    return prim.bind(x, y)


def isnan(x, /):
    x = asarray(x)
    if not dtypes.is_inexact(x.dtype):
        return _full_bool(x, False)
    return ew.ne_p.bind(x, x)


def isinf(x, /):
    x = asarray(x)
    if not dtypes.is_inexact(x.dtype):
        return _full_bool(x, False)
    return ew.eq_p.bind(tr.abs_p.bind(x), convert(np.inf, x.dtype, True))


def isposinf(x, /):
    x = asarray(x)
    if not dtypes.is_inexact(x.dtype):  # integers and bools are never infinite
        return _full_bool(x, False)
    return ew.eq_p.bind(x, convert(np.inf, x.dtype, True))


def isneginf(x, /):
    x = asarray(x)
    if not dtypes.is_inexact(x.dtype):
        return _full_bool(x, False)
    return ew.eq_p.bind(x, convert(-np.inf, x.dtype, True))


def _full_bool(x, value):
    return broadcast_in_dim_p.bind(np.array(value), shape=tuple(x.shape), broadcast_dimensions=())


def signbit(x, /):
    x = asarray(x)
    if dtypes.is_integer(x.dtype):
        return ew.lt_p.bind(x, convert(0, x.dtype, True))
    return ew.lt_p.bind(copysign(convert(1, x.dtype, True), x), convert(0, x.dtype, True))


def copysign(x, y, /):
    """|x| with the sign of y (including the sign of -0.0)."""
    x, y = promote_inexact(x, y)
    zero = convert(0, y.dtype, True)
    # 1/y separates -0.0 from +0.0.
    y_negative = ew.or_p.bind(ew.lt_p.bind(y, zero),
                              ew.lt_p.bind(ew.div_p.bind(convert(1, y.dtype, True), y), zero))
    magnitude = tr.abs_p.bind(x)
    return ew.select_n_p.bind(y_negative, magnitude, ew.neg_p.bind(magnitude))


def hypot(x, y, /):
    x, y = promote_inexact(x, y)
    return sqrt(add(square(x), square(y)))


def logaddexp(x, y, /):
    x, y = promote_inexact(x, y)
    return _logaddexp(x, y)


@custom_jvp
def _logaddexp(x, y):
    delta = subtract(x, y)
    # delta is NaN for a NaN operand or two infinities of one sign: x + y is then the answer
    safe = where(isnan(delta), 0, delta)
    return where(isnan(delta), add(x, y),
                 add(maximum(x, y), log1p(exp(negative(absolute(safe))))))


@_logaddexp.defjvp
def _logaddexp_jvp(primals, tangents):
    # As JAX's rule: d/dx = exp(x - out) with +inf read as 0, so a NaN operand gives a NaN
    # derivative, x == y gives 0.5 each, and (inf, 1) gives (1, e).
    x, y = primals
    out = _logaddexp(x, y)

    def finite(v):
        return where(equal(v, np.inf), 0, v)
    scale_x = exp(subtract(finite(x), finite(out)))
    scale_y = exp(subtract(finite(y), finite(out)))
    return out, add(multiply(tangents[0], scale_x), multiply(tangents[1], scale_y))


def logaddexp2(x, y, /):
    x, y = promote_inexact(x, y)
    ln2 = np.log(2)
    return divide(logaddexp(multiply(x, ln2), multiply(y, ln2)), ln2)


def deg2rad(x, /):
    (x,) = promote_inexact(x)
    return multiply(x, np.pi / 180)


def rad2deg(x, /):
    (x,) = promote_inexact(x)
    return multiply(x, 180 / np.pi)


radians, degrees = deg2rad, rad2deg


def sinc(x, /):
    (x,) = promote_inexact(x)
    is_zero = equal(x, 0)
    safe = where(is_zero, 1, x)
    pix = multiply(safe, np.pi)
    return where(is_zero, 1, divide(sin(pix), pix))


def heaviside(x1, x2, /):
    x1, x2 = promote_inexact(x1, x2)
    return where(less(x1, 0), 0, where(greater(x1, 0), 1, x2))


def fmax(x1, x2):
    x1, x2 = promote(x1, x2)
    return where(isnan(x2), x1, where(isnan(x1), x2, maximum(x1, x2)))


def fmin(x1, x2):
    x1, x2 = promote(x1, x2)
    return where(isnan(x2), x1, where(isnan(x1), x2, minimum(x1, x2)))


def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """`jnp.where(c, x, y)` selects elementwise; `jnp.where(c)` is `nonzero(c)`."""
    if x is None and y is None:
        # nonzero lives above this module (it needs reductions and shapes): reach it through
        # the array method that methods.py installs.
        return asarray(condition).nonzero(size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("jnp.where takes either 1 or 3 arguments: where(condition) or "
                         "where(condition, x, y)")
    check_arraylike("where", condition, x, y)
    return _where(condition, x, y)


@staged_as_jit
def _where(condition, x, y):
    c = _as_bool(condition)
    x, y = promote(x, y)
    try:
        return ew.select_n_p.bind(c, y, x)
    except TypeError:  # jnp.where broadcasts as jnp.broadcast_arrays: ValueError, as in JAX
        shapes = [tuple(np.shape(a)) for a in (c, x, y)]
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            raise ValueError(f"Incompatible shapes for broadcasting: shapes={shapes}") from None
        raise


def clip(arr=None, /, min=None, max=None, *, a_min=None, a_max=None):
    """Clamp values to [min, max] (either bound may be None)."""
    lo = min if min is not None else a_min
    hi = max if max is not None else a_max
    x = asarray(arr)
    if lo is not None:
        x = maximum(x, lo)
    if hi is not None:
        x = minimum(x, hi)
    return x


def real(x, /):
    """The real part (the array itself for real dtypes)."""
    x = asarray(x)
    if x.dtype.kind != "c":
        return x
    return cx.real_p.bind(x)


def imag(x, /):
    """The imaginary part (zeros of the input's dtype for real dtypes)."""
    x = asarray(x)
    if x.dtype.kind != "c":
        return _full_like_input(x, 0)
    return cx.imag_p.bind(x)


def _full_like_input(x, value):
    return broadcast_in_dim_p.bind(convert(value, x.dtype, x.weak_type), shape=tuple(x.shape),
                                   broadcast_dimensions=())


def conjugate(x, /):
    """The complex conjugate (the array itself for real dtypes, as in JAX)."""
    x = asarray(x)
    if x.dtype.kind != "c":
        return x
    return cx.conj_p.bind(x, input_dtype=x.dtype)


conj = conjugate


# The public names: functions defined here (helpers start with an underscore).
__all__ = [name for name, value in list(globals().items())
           if not name.startswith("_") and callable(value)
           and getattr(value, "__module__", None) == __name__]
