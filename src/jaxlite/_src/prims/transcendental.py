"""Transcendental elementwise primitives: pow, exp and log (and their 2/1p/m1 forms),
trigonometric and hyperbolic functions and their inverses, roots, logistic, abs and rem.

They sit above complex.py because abs's derivative at a complex point needs real and
conj, and rem's and pow's derivatives need abs and log; the arithmetic, comparisons and
selection they are built from are in elementwise.py."""
import numpy as np

from .. import core, dtypes
from ..jaxpr import Eqn
from .util import const_like, quiet, broadcast_shapes
from .elementwise import (define, add_p, sub_p, mul_p, div_p, neg_p, eq_p, ge_p, select_n_p,
                          integer_pow_p, convert_element_type_p, sign_p, floor_p, _is_integer,
                          _cast, square_p)
from .complex import real_p, conj_p
from .compiler_rules import template, unsigned_rem_code
from . import fast_math
from .program_rules import libm_code, logistic_code, remainder_code, fast_float32_code
from .numpy_ops import integer_rem


def _integer_exponent(y):
    return dtypes.kind(core.get_aval(y).dtype) in "iu"


def _as_base_dtype(y, x):
    """An integer exponent converted to the base's dtype (what XLA's pow computes with)."""
    return convert_element_type_p.bind(y, new_dtype=core.get_aval(x).dtype, weak_type=False)


def _pow_jvp_x(t, ans, x, y):
    """JAX's rule. An inexact exponent: y * x**(y-1), unguarded: at y == 0 it is 0 * x**-1,
    whose own derivative in y (x**-1) the second-order rules need, and at x == y == 0 it
    is nan. An integer exponent (lax.pow, jnp.power of an integer array): 0 where y == 0,
    so that the slope of x**0 at x == 0 is 0, and y * x**(y-1) with y as a float elsewhere."""
    if not _integer_exponent(y):
        return mul_p.bind(t, mul_p.bind(y, pow_p.bind(x, sub_p.bind(y, const_like(y, 1)))))
    y = _as_base_dtype(y, x)
    y_is_zero = eq_p.bind(y, const_like(y, 0))
    nonzero_y = select_n_p.bind(y_is_zero, y, const_like(y, 1))
    slope = mul_p.bind(nonzero_y, pow_p.bind(x, sub_p.bind(y, const_like(y, 1))))
    return mul_p.bind(t, select_n_p.bind(y_is_zero, slope, const_like(slope, 0)))


def _pow_jvp_y(t, ans, x, y):
    safe_x = select_n_p.bind(eq_p.bind(x, const_like(x, 0)), x, const_like(x, 1))
    return mul_p.bind(t, mul_p.bind(log_p.bind(safe_x), ans))


def _pow_impl(x, y):
    y_dtype, x_dtype = np.result_type(y), np.result_type(x)
    if y_dtype != x_dtype:  # an integer exponent: XLA converts it to the base's dtype
        y = np.asarray(y).astype(x_dtype)
    out = np.power(x, y)
    if x_dtype.kind == "f" and np.any(np.equal(y, 0.5)):
        # NumPy computes x**0.5 as sqrt(x): -0.0 for -0.0 and nan for -inf, where C's pow
        # and XLA's give +0.0 and +inf.
        edge = np.equal(y, 0.5) & ((np.equal(x, 0)) | np.equal(x, -np.inf))
        out = np.where(edge, np.power(np.abs(x), y), out)
    return out


def _integer_exponent_converted(eqn, ctx):
    """The compiler's view of pow(x, integer y): pow(x, convert(y)), one dtype, so that the
    code generator's NumPy ufunc call computes in the base's dtype like the impl."""
    (x, y), dtype = eqn.inputs, eqn.outputs[0].aval.dtype
    if y.aval.dtype == dtype:
        return None
    y = ctx.emit(convert_element_type_p, [y], {"new_dtype": dtype, "weak_type": False},
                 core.ShapedArray(y.aval.shape, dtype, False))
    return Eqn(pow_p, [x, y], eqn.params, eqn.outputs, eqn.source)


# No NumPy lowering: jitted code calls _pow_impl too, for its x**0.5 edge cases.
pow_p = define("pow", quiet(_pow_impl), [_pow_jvp_x, _pow_jvp_y],
               simplify=[_integer_exponent_converted])


def _pow_abstract_eval(x, y):
    """lax.pow's operands: an inexact base, and an exponent of its dtype or an integer."""
    if y.dtype != x.dtype and dtypes.kind(y.dtype) not in "iu":
        raise TypeError(f"pow requires an exponent of the base's dtype or an integer dtype, "
                        f"got {x.dtype.name} and {y.dtype.name}.")
    return core.ShapedArray(broadcast_shapes(x.shape, y.shape, name="pow"), x.dtype,
                            x.weak_type and y.weak_type)


pow_p.abstract_eval = _pow_abstract_eval


def _rem_jvp_y(t, ans, x, y):
    q = div_p.bind(x, y)
    return neg_p.bind(mul_p.bind(t, mul_p.bind(sign_p.bind(q), floor_p.bind(abs_p.bind(q)))))


def _rem_impl(x, y):
    if _is_integer(x):
        # XLA's integer remainder: x rem 0 == x (and truncation toward zero, like C).
        return _cast(integer_rem(x, y), np.result_type(x))  # int4's fmod loop returns int8
    return np.fmod(x, y)


rem_p = define("rem", quiet(_rem_impl), [lambda t, a, x, y: t, _rem_jvp_y],
               returns_output_dtype=True, scalar=unsigned_rem_code)
rem_p.numba_scalar_code = remainder_code  # signed integers and floats


def _unary(name, fn, jvp, numpy_name):
    return define(name, quiet(fn), [jvp], numpy_name=numpy_name, returns_output_dtype=True)


def _one_plus(x, sign=1):
    return add_p.bind(const_like(x, 1), x) if sign > 0 else sub_p.bind(const_like(x, 1), x)


def _logistic_impl(x):
    return np.reciprocal(np.add(1, np.exp(np.negative(x)), dtype=x.dtype), dtype=x.dtype) \
        if hasattr(x, "dtype") else 1 / (1 + np.exp(-x))


exp_p = _unary("exp", np.exp, lambda t, a, x: mul_p.bind(t, a), "np.exp")
exp2_p = _unary("exp2", np.exp2,
                lambda t, a, x: mul_p.bind(t, mul_p.bind(a, const_like(x, np.log(2)))), "np.exp2")
log_p = _unary("log", np.log, lambda t, a, x: div_p.bind(t, x), "np.log")
log1p_p = _unary("log1p", np.log1p, lambda t, a, x: div_p.bind(t, _one_plus(x)), "np.log1p")
expm1_p = _unary("expm1", np.expm1, lambda t, a, x: mul_p.bind(t, _one_plus(a)), "np.expm1")
# The JVPs below are JAX's formulas, operation for operation (its jaxprs show them), so
# that float32 derivatives round as JAX's do.
tanh_p = _unary("tanh", np.tanh, lambda t, a, x: mul_p.bind(
    add_p.bind(t, mul_p.bind(t, a)), _one_plus(a, -1)), "np.tanh")
logistic_p = _unary("logistic", _logistic_impl,
                    lambda t, a, x: mul_p.bind(t, mul_p.bind(a, _one_plus(a, -1))), None)
sin_p = _unary("sin", np.sin, lambda t, a, x: mul_p.bind(t, cos_p.bind(x)), "np.sin")
cos_p = _unary("cos", np.cos, lambda t, a, x: neg_p.bind(mul_p.bind(t, sin_p.bind(x))), "np.cos")
tan_p = _unary("tan", np.tan, lambda t, a, x: mul_p.bind(t, _one_plus(mul_p.bind(a, a))), "np.tan")
asin_p = _unary("asin", np.arcsin, lambda t, a, x: mul_p.bind(
    t, rsqrt_p.bind(_one_plus(square_p.bind(x), -1))), "np.arcsin")
acos_p = _unary("acos", np.arccos, lambda t, a, x: mul_p.bind(
    t, neg_p.bind(rsqrt_p.bind(_one_plus(square_p.bind(x), -1)))), "np.arccos")
atan_p = _unary("atan", np.arctan,
                lambda t, a, x: div_p.bind(t, _one_plus(square_p.bind(x))), "np.arctan")
sinh_p = _unary("sinh", np.sinh, lambda t, a, x: mul_p.bind(t, cosh_p.bind(x)), "np.sinh")
cosh_p = _unary("cosh", np.cosh, lambda t, a, x: mul_p.bind(t, sinh_p.bind(x)), "np.cosh")
asinh_p = _unary("asinh", np.arcsinh, lambda t, a, x: mul_p.bind(
    t, rsqrt_p.bind(add_p.bind(square_p.bind(x), const_like(x, 1)))), "np.arcsinh")
acosh_p = _unary("acosh", np.arccosh, lambda t, a, x: mul_p.bind(
    t, rsqrt_p.bind(sub_p.bind(square_p.bind(x), const_like(x, 1)))), "np.arccosh")
atanh_p = _unary("atanh", np.arctanh, lambda t, a, x: mul_p.bind(
    integer_pow_p.bind(_one_plus(x), y=-1), div_p.bind(t, _one_plus(x, -1))), "np.arctanh")
sqrt_p = _unary("sqrt", np.sqrt,
                lambda t, a, x: div_p.bind(t, mul_p.bind(const_like(x, 2), a)), "np.sqrt")
sqrt_p.scalar_code = template("np.sqrt({})")
for _p, _name in ((sin_p, "sin"), (cos_p, "cos")):
    _p.numba_scalar_code = libm_code(_name)
for _p, _name in ((exp_p, "exp"), (log_p, "log"), (log1p_p, "log1p"), (expm1_p, "expm1"),
                  (tanh_p, "tanh")):
    _p.numba_scalar_code = fast_float32_code(_name)
logistic_p.numba_scalar_code = fast_float32_code("logistic", logistic_code)
# The fused tier's float32 loops (compiler/fusion.py): fast_math.py's vectorizable
# functions, within 1 ULP of the correctly rounded result, so not NumPy's bits. sin and
# cos have a rare path (|x| > 6400, inf, nan): a guard, and the helpers of the kernel's
# later passes (float64 up to 2**24, then libm; the whole-program tier, which has no
# second pass, calls libm's).
for _p, _name in ((exp_p, "exp"), (log_p, "log"), (log1p_p, "log1p"), (expm1_p, "expm1"),
                  (tanh_p, "tanh"), (sin_p, "sin"), (cos_p, "cos"), (logistic_p, "logistic")):
    _p.approximate_scalar_code = fast_math.scalar_code(_name)
    _p.approximate_scalar_helpers = fast_math.helpers(_name)
    _p.approximate_scalar_guard = fast_math.scalar_guard(_name)
    _p.approximate_scalar_fallbacks = fast_math.fallbacks(_name)


def _rsqrt_impl(x):
    return np.reciprocal(np.sqrt(x))


rsqrt_p = _unary("rsqrt", _rsqrt_impl, lambda t, a, x: mul_p.bind(
    t, mul_p.bind(const_like(x, -0.5), div_p.bind(a, x))), None)
cbrt_p = _unary("cbrt", np.cbrt, lambda t, a, x: mul_p.bind(t, mul_p.bind(
    const_like(x, 1 / 3), integer_pow_p.bind(a, y=-2))), "np.cbrt")


def _abs_impl(x):
    out = np.abs(x)
    # Complex magnitudes are real; int4's loop returns int8, cast back.
    return out if out.dtype is x.dtype or out.dtype.kind == "f" else out.astype(x.dtype)


def _abs_jvp(t, ans, x):
    if core.get_aval(x).dtype.kind == "c":
        # JAX's rule: Re(t * conj(x) / |x|), with |x| replaced by 1 at 0 (slope 0 there).
        dtype = core.get_aval(x).dtype
        magnitude = convert_element_type_p.bind(ans, new_dtype=dtype, weak_type=False)
        magnitude = select_n_p.bind(eq_p.bind(magnitude, const_like(magnitude, 0)), magnitude,
                                    const_like(magnitude, 1))
        return real_p.bind(mul_p.bind(t, div_p.bind(conj_p.bind(x, input_dtype=dtype),
                                                    magnitude)))
    # JAX's rule: slope +1 at x == 0 (not sign(x) == 0), so grad(abs)(0.) == 1.
    return select_n_p.bind(ge_p.bind(x, const_like(x, 0)), neg_p.bind(t), t)


def _real_dtype(dtype):
    """abs of complex64 is float32 (of complex128 float64); other dtypes are unchanged."""
    return {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}.get(dtype, dtype)


abs_p = define("abs", _abs_impl, [_abs_jvp], dtype_rule=_real_dtype, numpy_name="np.abs",
               scalar=template("abs({})"))
