"""Elementwise jax.numpy functions: arithmetic, math, comparisons, logic, where, clip."""
import warnings

import numpy as np

from .. import dtypes
from ..array import Array
from ..config import flags
from ..prims import elementwise as ew, complex as cx
from ..prims import transcendental as tr
from ..conversion import (asarray, promote, promote_inexact, promote_numeric, convert,
                         check_arraylike, extended_dispatch, override_of)
from ..lax.lax import window_monoids
from ..prims.shape import broadcast_in_dim_p
from ..prims.bits import bitcast_convert_type_p
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
        if flags.jax_numpy_rank_promotion != "allow":
            check_rank_promotion(name, x, y)
        try:
            # Fast path: two arrays of one dtype need no promotion.
            if (type(x) is Array and type(y) is Array and x._value.dtype == y._value.dtype
                    and not inexact and not (numeric and x._value.dtype == np.bool_)
                    and not (integer and x._value.dtype.kind not in "biu")):
                return primitive.bind(x, y)
        except (TypeError, ValueError):
            _check_broadcastable(primitive.name, x, y)
            raise
        override = override_of(x) or override_of(y)  # typed PRNG keys: equal, not_equal
        if override is not None:
            return override(fn, (x, y), {})
        check_arraylike(name, x, y)
        x, y = (a.__jax_array__() if hasattr(a, "__jax_array__") else a for a in (x, y))
        try:
            return primitive.bind(*_promote_ranks(*promoter(x, y)))
        except (TypeError, ValueError):  # a broadcasting error, raised as JAX does
            _check_broadcastable(primitive.name, x, y)
            raise
    fn.__name__ = name
    fn.__doc__ = f"Elementwise `{name}` of two arrays, with JAX's type promotion."
    return fn


def check_rank_promotion(name, *args):
    """jax_numpy_rank_promotion="warn"/"raise": operands of different nonzero ranks."""
    shapes = [tuple(np.shape(a)) for a in args]
    if len({len(s) for s in shapes if s}) < 2:
        return
    shown = " ".join(map(str, shapes))
    more = "https://docs.jax.dev/en/latest/rank_promotion_warning.html"
    if flags.jax_numpy_rank_promotion == "raise":
        raise ValueError(f"Operands could not be broadcast together for {name} on shapes "
                         f"{shown} and with the config option "
                         f"jax_numpy_rank_promotion='raise'. For more information, see {more}.")
    warnings.warn(f"Following NumPy automatic rank promotion for {name} on shapes {shown}. "
                  "Set the jax_numpy_rank_promotion config option to 'allow' to disable "
                  f"this message; for more information, see {more}.")


def _promote_ranks(x, y):
    """As JAX's jnp: of two non-scalar operands of different ranks, the lower-ranked one
    gets leading axes of 1 (a broadcast_in_dim in the jaxpr); scalars stay as they are."""
    nx, ny = x.ndim, y.ndim
    if nx == ny or not nx or not ny:
        return x, y
    if nx < ny:
        return _to_rank(x, ny), y
    return x, _to_rank(y, nx)


def _to_rank(x, rank):
    shape = tuple(x.shape)
    lead = rank - len(shape)
    return broadcast_in_dim_p.bind(x, shape=(1,) * lead + shape,
                                   broadcast_dimensions=tuple(range(lead, rank)))


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
    return ew.square_p.bind(x)


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
    x_dtype, y_dtype = dtypes.result_type(x), dtypes.result_type(y)
    if dtypes.is_inexact(x_dtype) and dtypes.kind(y_dtype) in "iu":
        # As JAX: an inexact base keeps an integer exponent unpromoted, which makes x**y
        # differentiable at x == 0 where y == 0 (see pow's JVP rule).
        (x,) = promote_numeric(x)
        return tr.pow_p.bind(*_promote_ranks(x, asarray(y)))
    x, y = _promote_ranks(*promote_numeric(x, y))
    return tr.pow_p.bind(x, y)


def float_power(x, y, /):
    x, y = _promote_ranks(*promote_inexact(x, y))
    return tr.pow_p.bind(x, y)


def floor_divide(x, y, /):
    x, y = _promote_ranks(*promote_numeric(x, y))
    if dtypes.is_integer(x.dtype):
        q = ew.div_p.bind(x, y)  # rounds toward zero (x // 0 is -1, as XLA's division)
        if dtypes.kind(x.dtype) == "u":  # uint4 and uint2 too
            return q
        # One step down where the signs differ and the division is inexact; by the signs
        # themselves, as JAX, so that x // 0 is -2 for x != 0 (sign(0) is 0).
        r = tr.rem_p.bind(x, y)
        adjust = ew.and_p.bind(ew.ne_p.bind(r, convert(0, x.dtype, True)),
                               ew.ne_p.bind(ew.sign_p.bind(x), ew.sign_p.bind(y)))
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
    x, y = _promote_ranks(*promote_numeric(x, y))
    y = _nonzero_divisor(y)
    r = tr.rem_p.bind(x, y)
    zero = convert(0, x.dtype, True)
    fix_needed = ew.and_p.bind(ew.ne_p.bind(r, zero),
                               ew.ne_p.bind(ew.lt_p.bind(r, zero), ew.lt_p.bind(y, zero)))
    return ew.select_n_p.bind(fix_needed, r, ew.add_p.bind(r, y))


mod = remainder


def _nonzero_divisor(y):
    """An integer divisor with its zeros replaced by ones: JAX's integer `x % 0` and
    `fmod(x, 0)` are 0, where lax.rem (XLA) gives x."""
    if not dtypes.is_integer(y.dtype):
        return y
    one = convert(1, y.dtype, True)
    return ew.select_n_p.bind(ew.eq_p.bind(y, convert(0, y.dtype, True)), y, one)


def fmod(x, y, /):
    x, y = promote_numeric(x, y)
    return tr.rem_p.bind(x, _nonzero_divisor(y))


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
    # The sign bit itself, as JAX reads it: set for -0.0 and for NaNs that carry it (the
    # NaN of sqrt(-1.0) on x86 does), which no comparison can see.
    signed = np.dtype(f"int{8 * x.dtype.itemsize}")
    bits = bitcast_convert_type_p.bind(x, new_dtype=signed)
    return ew.lt_p.bind(bits, convert(0, signed, True))


def copysign(x, y, /):
    """|x| with the sign of y (including the sign of -0.0)."""
    x, y = promote_inexact(x, y)
    y_negative = signbit(y)  # -0.0 and negative NaNs too
    magnitude = tr.abs_p.bind(x)
    return ew.select_n_p.bind(y_negative, magnitude, ew.neg_p.bind(magnitude))


def hypot(x, y, /):
    """sqrt(x**2 + y**2) computed as JAX does, big * sqrt(1 + (small/big)**2): no overflow
    for large legs, and JAX's derivatives (at the origin the max/min tie splits the slope,
    and the guarded division keeps it finite)."""
    check_arraylike("hypot", x, y)
    x, y = promote_inexact(x, y)
    if x.dtype.kind == "c":
        raise ValueError("jnp.hypot is not well defined for complex-valued inputs. "
                         "Please convert to real values first, such as by using abs(x)")
    x, y = tr.abs_p.bind(x), tr.abs_p.bind(y)
    infinite = logical_or(isposinf(x), isposinf(y))
    big, small = maximum(x, y), minimum(x, y)
    big_is_zero = equal(big, 0)
    ratio = ew.div_p.bind(small, where(big_is_zero, convert(1, big.dtype, True), big))
    out = where(big_is_zero, big, multiply(big, sqrt(add(convert(1, big.dtype, True),
                                                             square(ratio)))))
    return where(infinite, convert(np.inf, out.dtype, True), out)


def _logaddexp(x, y):
    # max + log1p(exp(-|x - y|)); where x - y is nan (a nan, or two infinities of one
    # sign) x + y, which is that nan or infinity.
    if x.dtype.kind == "c":
        return _complex_logaddexp(x, y)
    delta = ew.sub_p.bind(x, y)
    out = ew.add_p.bind(ew.max_p.bind(x, y),
                        tr.log1p_p.bind(tr.exp_p.bind(ew.neg_p.bind(tr.abs_p.bind(delta)))))
    return ew.select_n_p.bind(ew.ne_p.bind(delta, delta), out, ew.add_p.bind(x, y))


def _complex_logaddexp(x, y):
    """JAX's complex logaddexp: m + log1p(exp(x + y - 2m)) with m the (lexicographic) max,
    its imaginary part wrapped into [-pi, pi) as a principal logarithm's."""
    big = ew.max_p.bind(x, y)
    rest = ew.sub_p.bind(ew.add_p.bind(x, y), ew.mul_p.bind(big, convert(2, x.dtype, True)))
    out = ew.add_p.bind(big, tr.log1p_p.bind(tr.exp_p.bind(rest)))
    re, im = cx.real_p.bind(out), cx.imag_p.bind(out)
    pi, two_pi = convert(np.pi, im.dtype, True), convert(2 * np.pi, im.dtype, True)
    im = tr.rem_p.bind(ew.add_p.bind(im, pi), two_pi)
    im = ew.select_n_p.bind(ew.lt_p.bind(im, convert(0, im.dtype, True)), im,
                            ew.add_p.bind(im, two_pi))
    return cx.complex_p.bind(re, ew.sub_p.bind(im, pi))


_logaddexp_with_jvp = custom_jvp(_logaddexp)


@_logaddexp_with_jvp.defjvp
def _logaddexp_jvp(primals, tangents):
    """JAX's rule: t_x * exp(x - out) + t_y * exp(y - out), +inf read as 0 in the
    exponents (so logaddexp(inf, 1) has slope 1 in x, not exp(nan)); a nan anywhere gives
    a nan slope, and at x == y each operand gets 0.5."""
    (x, y), (tx, ty) = primals, tangents
    out = _logaddexp_with_jvp(x, y)

    def finite_above(v):
        if v.dtype.kind == "c":  # JAX's guard is for real +inf only
            return v
        return ew.select_n_p.bind(isposinf(v), v, convert(0, v.dtype, True))

    def slope(v):
        return tr.exp_p.bind(ew.sub_p.bind(finite_above(v), finite_above(out)))

    return out, ew.add_p.bind(ew.mul_p.bind(tx, slope(x)), ew.mul_p.bind(ty, slope(y)))


def logaddexp(x, y, /):
    x, y = promote_inexact(x, y)
    return _logaddexp_with_jvp(x, y)


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


def _sin_x_over_x_at_zero(k, x):
    """The k-th derivative of sin(x)/x at 0 (0 for odd k, (-1)**(k/2) / (k+1) for even),
    shaped like x; its derivative is the next one, so every order of sinc is right at 0."""
    zero = ew.mul_p.bind(x, convert(0, x.dtype, True))
    if k % 2:
        return zero
    return ew.add_p.bind(zero, convert((-1) ** (k // 2) / (k + 1), x.dtype, True))


_sin_x_over_x_at_zero = custom_jvp(_sin_x_over_x_at_zero, nondiff_argnums=(0,))


@_sin_x_over_x_at_zero.defjvp
def _sin_x_over_x_at_zero_jvp(k, primals, tangents):
    (x,), (t,) = primals, tangents
    return _sin_x_over_x_at_zero(k, x), ew.mul_p.bind(_sin_x_over_x_at_zero(k + 1, x), t)


def sinc(x, /):
    """sin(pi x) / (pi x), 1 at 0, with JAX's derivatives there (the second is -pi**2/3)."""
    (x,) = promote_inexact(x)
    is_zero = equal(x, 0)
    pix = multiply(x, np.pi)
    safe = where(is_zero, convert(1, x.dtype, True), pix)
    return where(is_zero, _sin_x_over_x_at_zero(0, pix), divide(sin(safe), safe))


def heaviside(x1, x2, /):
    x1, x2 = promote_inexact(x1, x2)
    # 0 below zero, 1 above, x2 at zero, and NaN (x1 itself) where x1 is NaN, as JAX.
    return where(less(x1, 0), 0, where(greater(x1, 0), 1, where(equal(x1, 0), x2, x1)))


def fmax(x1, x2):
    x1, x2 = promote(x1, x2)
    return where(isnan(x2), x1, where(isnan(x1), x2, maximum(x1, x2)))


def fmin(x1, x2):
    x1, x2 = promote(x1, x2)
    return where(isnan(x2), x1, where(isnan(x1), x2, minimum(x1, x2)))


@extended_dispatch(positions=(1, 2))
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
    shapes = [tuple(np.shape(a)) for a in (c, x, y)]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:  # jnp.where broadcasts as jnp.broadcast_arrays: ValueError, as in JAX
        raise ValueError(f"Incompatible shapes for broadcasting: shapes={shapes}") from None
    # as JAX's: the three operands broadcast to one shape first
    c, x, y = [a if tuple(a.shape) == shape else broadcast_in_dim_p.bind(
        a, shape=shape, broadcast_dimensions=tuple(range(len(shape) - a.ndim, len(shape))))
        for a in (c, x, y)]
    if 0 in shape:  # as JAX: an empty result is the broadcast x, no select (nor dependence on y)
        return x
    return ew.select_n_p.bind(c, y, x)


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
