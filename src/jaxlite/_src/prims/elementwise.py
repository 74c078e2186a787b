"""Elementwise primitives: arithmetic, transcendental functions, comparisons,
logical and bitwise ops, select_n, convert_element_type, stop_gradient.

Operands have equal dtypes (jax.numpy promotes before binding) and shapes
that broadcast NumPy-style, which keeps batching rules trivial: a batch axis
moved to the front broadcasts against unbatched operands.
"""
import functools

import numpy as np

from .. import core, dtypes
from ..core import Primitive, ShapedArray
from ..ad import Zero, is_linear, instantiate, register_cotangent_add
from ..jaxpr import Eqn, Literal
from .util import ndim, shape_of, const_like, broadcast_shapes, quiet
from .shape import (moveaxis, unbroadcast, broadcast_trailing, reshape_p, broadcast_in_dim_p,
                    register_defined_above)
from .program_rules import (power_code, clamp_code, integer_quotient_code,
                            bool_to_integer_code, round_code)
from .compiler_rules import (neutral_element, fold_scalings, negation_as_scaling,
                             negated_addend_as_difference, conversion_to_own_dtype,
                             integer_power_as_product, numpy_broadcasting, select_of_one_value,
                             extremum_weight_select, infix, template, extremum_code,
                             integer_power_code, select_code, convert_code, shift_code,
                             extremum_weight_code, quotient_code)


def _same_dtype_check(name, avals):
    dtype = avals[0].dtype
    for a in avals[1:]:
        if a.dtype != dtype:
            raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got "
                            + ", ".join(x.dtype.name for x in avals)
                            + ". (jax.numpy functions promote for you; lax functions do not.)")
    return dtype


def batch_elementwise(primitive):
    """Batching rule of any elementwise primitive, as JAX stages it: operands that all have
    one shape and one batch axis (scalars aside) go in as they are; otherwise batch axes
    move to the front, an unbatched operand gets a leading axis of 1 (broadcast_in_dim,
    whose dimensions are NumPy integers, as JAX prints them) and a batched operand of lower
    rank gets size-1 axes, so that all broadcast."""
    def batch(values, dims, **params):
        shape, dim = next((shape_of(v), d) for v, d in zip(values, dims) if d is not None)
        if all(d == dim and shape_of(v) == shape for v, d in zip(values, dims) if ndim(v)):
            return primitive.bind(*values, **params), dim
        rank = max(ndim(v) - (d is not None) for v, d in zip(values, dims))
        moved = []
        for v, d in zip(values, dims):
            if d is None:
                if ndim(v) == rank and rank:
                    v = broadcast_in_dim_p.bind(
                        v, shape=(1,) + tuple(shape_of(v)),
                        broadcast_dimensions=tuple(np.int64(i) for i in range(1, rank + 1)))
                moved.append(v)  # (a lower-rank operand broadcasts NumPy-style as it is)
                continue
            v = moveaxis(v, d, 0)
            per_example = ndim(v) - 1
            if per_example == 0 and rank:
                v = broadcast_in_dim_p.bind(v, shape=tuple(shape_of(v)) + (1,) * rank,
                                            broadcast_dimensions=(0,))
            elif per_example < rank:
                shape = shape_of(v)
                v = reshape_p.bind(v, new_sizes=(shape[0],) + (1,) * (rank - per_example)
                                   + tuple(shape[1:]))
            moved.append(v)
        return primitive.bind(*moved, **params), 0
    return batch


def _in_operand_dtype(impl):
    """`impl`, its result cast back to its first operand's dtype where NumPy's differs:
    ml_dtypes' loops for int4/uint4/int2/uint2 compute negative, maximum, bitwise ops,
    shifts... in (u)int8 and return that, where XLA keeps the narrow dtype (and wraps
    around). Other dtypes pay a call and an identity test of dtypes; NumPy ufuncs, which
    never take parameters here, get a wrapper of their arity (no *args/**kwargs packing)."""
    nin = impl.nin if isinstance(impl, np.ufunc) else None
    if nin == 1:
        def impl_in_operand_dtype(x):
            out = impl(x)
            return out if out.dtype is x.dtype else _cast(out, x.dtype)
    elif nin == 2:
        def impl_in_operand_dtype(x, y):
            out = impl(x, y)
            return out if out.dtype is x.dtype else _cast(out, x.dtype)
    else:
        def impl_in_operand_dtype(x, *rest, **params):
            out = impl(x, *rest, **params)
            return out if out.dtype is x.dtype else _cast(out, x.dtype)
    return impl_in_operand_dtype


def _cast(out, dtype):
    return out if out.dtype == dtype else out.astype(dtype)


# A ufunc broadcasts its operands NumPy-style: the compiler drops broadcasts into it.
_numpy_broadcasting = numpy_broadcasting(broadcast_in_dim_p, reshape_p)


def define(name, impl, jvps=None, dtype_rule=None, numpy_name=None, nin=None,
           weak_type_rule=None, linear_transpose=None, returns_output_dtype=False,
           simplify=(), scalar=None, diagonal=None):
    """Define an elementwise primitive.

    jvps: one function per operand, f(t, ans, *primals) -> tangent contribution;
          "zero" for primitives whose outputs have zero derivative everywhere.
    dtype_rule: output dtype from input dtype (default: same dtype).
    returns_output_dtype: `impl` returns the output dtype for every operand dtype, the
          narrow ones included (ml_dtypes' add/subtract/multiply loops and all its float
          loops keep the dtype), so the eager path calls it unwrapped; otherwise it is
          wrapped to cast back what ml_dtypes' int4/uint4/int2/uint2 loops widen.
    simplify, scalar, diagonal: the compiler's rewrite rules, the fused tier's scalar
          code (prims/compiler_rules.py) and identity-structure role (compiler/identity.py).
    """
    p = Primitive(name)
    p.scalar_code, p.diagonal = scalar, diagonal
    # (A dtype_rule's impls, comparisons and abs, return their own dtype.)
    p.impl = (impl if returns_output_dtype or dtype_rule is not None
              else _in_operand_dtype(impl))

    def abstract_eval(*avals, **params):
        dtype = _same_dtype_check(name, avals)
        shape = broadcast_shapes(*[a.shape for a in avals], name=name)
        out_dtype = dtype if dtype_rule is None else dtype_rule(dtype)
        return ShapedArray(shape, out_dtype, p.weak_type_rule([a.weak_type for a in avals], params))

    p.abstract_eval = abstract_eval
    p.batch = batch_elementwise(p)
    if weak_type_rule is not None:
        p.weak_type_rule = weak_type_rule
    if jvps == "zero":
        def jvp(primals, tangents, **params):
            out = p.bind(*primals, **params)
            return out, Zero(out)
        p.jvp = jvp
    elif jvps is not None:
        def jvp(primals, tangents, **params):
            ans = p.bind(*primals, **params)
            out = None
            out_shape = shape_of(ans)
            for t, rule in zip(tangents, jvps):
                if type(t) is Zero or rule is None:
                    continue
                contribution = broadcast_trailing(rule(t, ans, *primals, **params), out_shape)
                out = contribution if out is None else add_any_p.bind(out, contribution)
            return ans, (Zero(ans) if out is None else out)
        p.jvp = jvp
    if linear_transpose is not None:
        p.transpose = linear_transpose
    if numpy_name is not None:
        # Narrow dtypes run the impl, which returns the output dtype where the ufunc may not.
        p.lower = lambda names, params, avals=None: (
            None if avals and avals[0].dtype.kind == "V"
            else f"{numpy_name}({', '.join(names)})")
        # A NumPy ufunc can write into a dead input's buffer (codegen's `out=` reuse).
        if isinstance(getattr(np, numpy_name[3:], None), np.ufunc):
            p.ufunc_name = numpy_name
            simplify = (_numpy_broadcasting, *simplify)
    p.simplify_rules = tuple(simplify)
    return p


def _weak_rule_bool(weak_types, params):
    return False


def _bool_dtype(dtype):
    return dtypes.bool_


# ---- linear arithmetic -----------------------------------------------------------------
def _add_transpose(ct, x, y):
    return [unbroadcast(ct, x.aval.shape) if is_linear(x) else None,
            unbroadcast(ct, y.aval.shape) if is_linear(y) else None]


def _sub_transpose(ct, x, y):
    return [unbroadcast(ct, x.aval.shape) if is_linear(x) else None,
            unbroadcast(neg_p.bind(ct), y.aval.shape) if is_linear(y) else None]


def _mul_transpose(ct, x, y):
    if is_linear(x):
        return [unbroadcast(mul_p.bind(ct, y), x.aval.shape), None]
    return [None, unbroadcast(mul_p.bind(x, ct), y.aval.shape)]


def _div_transpose(ct, x, y):
    return [unbroadcast(div_p.bind(ct, y), x.aval.shape), None]


def _is_integer(x):
    """Integer dtype, narrow ones included (NumPy's kind is "V" for ml_dtypes' int4)."""
    kind = np.result_type(x).kind
    return kind in "iu" or (kind == "V" and dtypes.kind(np.result_type(x)) in "iu")


def _bit_width(dtype):
    return dtype.itemsize * 8 if dtype.kind != "V" else dtypes.iinfo(dtype).bits


def _int_div(x, y):
    """XLA's integer division: rounds toward zero (C), x / 0 is -1 (all bits set: the
    largest value of an unsigned dtype) and INT_MIN / -1 wraps to INT_MIN."""
    dtype = np.result_type(x)
    by_zero = np.equal(y, 0)
    if by_zero.any():  # NumPy's x // 0 is 0 (and x / 0 not finite)
        y = np.where(by_zero, np.ones((), dtype), y)
    if dtype.kind in "iu" and dtype.itemsize <= 4:
        # In float64 the rounded quotient of 32-bit integers is within |x| 2**-53 / |y|
        # < 1 / |y| of the exact one, so it never reaches the next integer: truncating it
        # is exact, and 5x faster than NumPy's integer division. Through int64, which
        # holds 2**31, so that INT_MIN / -1 wraps as XLA's does.
        q = np.true_divide(x, y, dtype=np.float64).astype(np.int64).astype(dtype)
    else:
        # x minus its truncated remainder divides exactly: floor division truncates it.
        q = np.floor_divide(np.subtract(x, np.fmod(x, y)), y)
    if by_zero.any():
        q = np.where(by_zero, np.array(-1).astype(dtype), q)
    return q if q.dtype == dtype else q.astype(dtype)  # int4's loops return int8


def broadcast_divisor(x_shape, y_shape):
    """Whether x / y broadcasts its divisor: XLA then multiplies by the divisor's
    reciprocal (rounded in the dtype), where JAX's CPU results differ from a true division
    in the last bit for about a third of the elements (x / 3.0, sum / n in jnp.mean,
    softmax's normalization). A divisor of the full shape divides exactly; so does a 0-d
    one of a 0-d dividend."""
    y_shape = tuple(y_shape)
    return y_shape != tuple(x_shape) and y_shape != np.broadcast_shapes(x_shape, y_shape)


def _div_impl(x, y):
    if _is_integer(x):
        return _int_div(x, y)
    dtype = np.result_type(x)
    if dtype in _RECIPROCAL_DTYPES and broadcast_divisor(np.shape(x), np.shape(y)):
        return np.multiply(x, np.divide(np.ones((), dtype), y))
    return np.true_divide(x, y)


# float16/32/64 only: XLA divides bfloat16 and the float8s exactly.
_RECIPROCAL_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def _lower_div(names, params, avals=None):
    if avals is None or avals[0].dtype.kind not in "fc":
        return None  # integers: XLA's division; narrow floats: the implementation
    a, b = names
    if avals[0].dtype in _RECIPROCAL_DTYPES and broadcast_divisor(avals[0].shape,
                                                                  avals[1].shape):
        return f"np.multiply({a}, np.divide(np.{avals[0].dtype.name}(1), {b}))"
    return f"np.true_divide({a}, {b})"


add_p = define("add", np.add, [lambda t, a, x, y: t, lambda t, a, x, y: t],
               numpy_name="np.add", linear_transpose=_add_transpose,
               simplify=[neutral_element(0), negated_addend_as_difference(lambda: sub_p)],
               scalar=infix("+", "fiu"), diagonal="sum", returns_output_dtype=True)
sub_p = define("sub", np.subtract, [lambda t, a, x, y: t, lambda t, a, x, y: neg_p.bind(t)],
               numpy_name="np.subtract", linear_transpose=_sub_transpose,
               simplify=[neutral_element(0, sides=(1,))], scalar=infix("-", "fiu"), diagonal="sum",
               returns_output_dtype=True)
mul_p = define("mul", np.multiply, [lambda t, a, x, y: mul_p.bind(t, y),
                                    lambda t, a, x, y: mul_p.bind(x, t)],
               numpy_name="np.multiply", linear_transpose=_mul_transpose,
               simplify=[neutral_element(1), fold_scalings], scalar=infix("*", "fiu"),
               diagonal="product", returns_output_dtype=True)
def _broadcast_divisor_as_product(eqn, ctx):
    """x / y with a broadcast divisor, which the implementation and the lowering compute
    as x * (1/y): that product. For a scalar literal c its reciprocal is rounded once
    here rather than at every call; for a variable, 1/y is its own `div`, which CSE
    shares between the quotients by one y (layer norm's and softmax's forward and
    backward divide several arrays by the same (rows, 1) sums)."""
    x, y = eqn.inputs
    dtype = eqn.outputs[0].aval.dtype
    if (type(x) is Literal or dtype not in _RECIPROCAL_DTYPES or x.aval.dtype != dtype
            or y.aval.dtype != dtype or not broadcast_divisor(x.aval.shape, y.aval.shape)):
        return None
    if type(y) is Literal:
        if y.aval.shape != ():
            return None
        reciprocal = Literal(np.asarray(np.divide(np.ones((), dtype), np.asarray(y.value, dtype)),
                                        dtype), y.aval)
    else:
        one = Literal(np.ones((), dtype), ShapedArray((), dtype, False))
        reciprocal = ctx.emit(div_p, [one, y], {}, ShapedArray(y.aval.shape, dtype, False))
    return Eqn(mul_p, [x, reciprocal], {}, eqn.outputs, eqn.source)


div_p = define("div", quiet(_div_impl),
               [lambda t, a, x, y: div_p.bind(t, y),
                # JAX's rule, -t * x * y**-2: at x == 0, y == 0 (or y**2 underflowing)
                # it is nan, as in JAX, where -t * (x/y) / y would give 0.
                lambda t, a, x, y: mul_p.bind(mul_p.bind(neg_p.bind(t), x),
                                              integer_pow_p.bind(y, y=-2))],
               linear_transpose=_div_transpose, simplify=[_broadcast_divisor_as_product],
               scalar=quotient_code, diagonal="quotient", returns_output_dtype=True)
div_p.lower = _lower_div
neg_p = define("neg", np.negative, [lambda t, a, x: neg_p.bind(t)], numpy_name="np.negative",
               linear_transpose=lambda ct, x: [neg_p.bind(ct)],
               simplify=[negation_as_scaling(mul_p)], scalar=template("-{}"), diagonal="negation")


# add_any: the sum of two tangent or cotangent contributions (JAX's add_jaxvals, printed
# `add_any` in JAX's jaxprs); an add in every rule but its name.
add_any_p = define("add_any", np.add, [lambda t, a, x, y: t, lambda t, a, x, y: t],
                   numpy_name="np.add", linear_transpose=_add_transpose,
                   simplify=[neutral_element(0), negated_addend_as_difference(lambda: sub_p)],
                   scalar=infix("+"), diagonal="sum", returns_output_dtype=True)


def add_any(a, b):
    """Sum of two cotangent/tangent contributions of the same shape."""
    return add_any_p.bind(a, b)


register_cotangent_add(add_any)


# ---- nonlinear arithmetic ---------------------------------------------------------------
def _balanced_eq(x, z, y):
    """1 where x is the selected extremum alone, 0.5 where tied with y, else 0."""
    one = const_like(x, 1.0)
    half = const_like(x, 0.5)
    zero = const_like(x, 0.0)
    x_eq = eq_p.bind(x, z)
    tie = eq_p.bind(y, z)
    return select_n_p.bind(x_eq, zero, select_n_p.bind(tie, one, half))


max_p = define("max", np.maximum,
               [lambda t, a, x, y: mul_p.bind(t, _balanced_eq(x, a, y)),
                lambda t, a, x, y: mul_p.bind(t, _balanced_eq(y, a, x))], numpy_name="np.maximum",
               simplify=[neutral_element(-np.inf, kinds="f")], scalar=extremum_code(">"))
min_p = define("min", np.minimum,
               [lambda t, a, x, y: mul_p.bind(t, _balanced_eq(x, a, y)),
                lambda t, a, x, y: mul_p.bind(t, _balanced_eq(y, a, x))], numpy_name="np.minimum",
               simplify=[neutral_element(np.inf, kinds="f")], scalar=extremum_code("<"))



def _where_tangent(mask, t):
    """`t` where `mask` holds, else 0 (a tangent restricted to one side of clamp)."""
    zero = const_like(t, 0.0)
    return select_n_p.bind(mask, zero, t)


def _clamp_impl(lo, x, hi):
    return np.minimum(np.maximum(x, lo), hi)


# clamp(lo, x, hi): x clipped to [lo, hi], one primitive as in JAX's jaxprs (lax.clamp,
# lax.switch's index). The tangent of x passes where lo <= x <= hi; lo's where x < lo,
# hi's where x > hi.
clamp_p = define(
    "clamp", _clamp_impl,
    [lambda t, a, lo, x, hi: _where_tangent(lt_p.bind(x, lo), t),
     lambda t, a, lo, x, hi: _where_tangent(and_p.bind(ge_p.bind(x, lo), le_p.bind(x, hi)), t),
     lambda t, a, lo, x, hi: _where_tangent(gt_p.bind(x, hi), t)])
clamp_p.numba_scalar_code = clamp_code  # the whole-program tier
div_p.numba_scalar_code = integer_quotient_code  # (floats: scalar_code)
clamp_p.lower = lambda names, params, avals=None: (
    None if avals and avals[0].dtype.kind == "V"
    else f"np.minimum(np.maximum({names[1]}, {names[0]}), {names[2]})")
clamp_p.weak_type_rule = lambda weak, params: weak[1]

# The weight JAX's JVP rule of max (min) gives x in max(x, y): _balanced_eq(x, max(x, y), y),
# two comparisons and two selects, is 1 where x > y (x < y), 1/2 where x == y, 0 where
# x < y (x > y) or either is NaN: that is ((x > y) + (x >= y)) / 2, exactly, in four cheap
# ufunc calls (np.where's per-element branch is slow on irregular masks, ReLU's). Never
# bound by a transformation: the compiler's simplify pass rewrites the rule's selects
# into it.
_WEIGHT_COMPARISONS = {"max": ("greater", "greater_equal"), "min": ("less", "less_equal")}


def _extremum_weight_impl(x, y, which, out=None):
    x, y = np.asarray(x), np.asarray(y)
    strict, loose = (getattr(np, name) for name in _WEIGHT_COMPARISONS[which])
    count = np.asarray(strict(x, y)).view(np.int8)  # an array (0-d too): out= below
    np.add(count, loose(x, y).view(np.int8), out=count)  # 0, 1 or 2
    # out: a jit workspace buffer (compiler/codegen.py), C order, the result's shape
    return np.multiply(count, x.dtype.type(0.5), out=out, dtype=x.dtype)


def _lower_extremum_weight(names, params, avals=None):
    if avals is None or avals[0].dtype.name not in ("float16", "float32", "float64"):
        return None
    if max(a.size for a in avals) * avals[0].dtype.itemsize >= 1 << 15:
        return None  # large: the implementation, which may write into a workspace buffer
    x, y = names
    strict, loose = _WEIGHT_COMPARISONS[params["which"]]
    return (f"np.multiply(np.add(np.{strict}({x}, {y}).view(np.int8), "
            f"np.{loose}({x}, {y}).view(np.int8)).astype(np.{avals[0].dtype.name}), 0.5)")


extremum_weight_p = define("extremum_weight", _extremum_weight_impl, "zero",
                           scalar=extremum_weight_code, returns_output_dtype=True)
extremum_weight_p.lower = _lower_extremum_weight
extremum_weight_p.fresh_results = extremum_weight_p.writable_results = True
extremum_weight_p.impl_out = True


def _integer_pow_impl(x, y):
    if y == 2:
        return np.multiply(x, x)
    if y < 0 and _is_integer(x):
        raise TypeError(f"Integers cannot be raised to negative powers, got "
                        f"integer_pow({x.dtype.name}{list(np.shape(x))}, {y})")
    # As JAX lowers integer_pow for XLA: binary exponentiation, each product rounded (or
    # wrapped, for integers) in x's dtype, and a reciprocal for negative y. np.power rounds
    # once, so 0.999 ** 3 differed from JAX in the last bit; and for integers it would need
    # y in x's dtype, where it may not fit (3 in int2, 200 in int8).
    with np.errstate(all="ignore"):
        out, n = None, abs(y)
        while n:
            if n & 1:
                out = x if out is None else np.multiply(out, x)
            n >>= 1
            x = np.multiply(x, x) if n else x
        if out is None:
            return np.ones_like(x)
        return np.divide(np.ones((), np.result_type(out)), out) if y < 0 else out


def _integer_pow_jvp(t, ans, x, y):
    if y == 0:
        return mul_p.bind(t, const_like(x, 0))
    # y * x ** (y - 1), with x ** 1 as x itself (JAX's jaxprs: `mul 2.0 x` for y = 2)
    d = const_like(x, y) if y == 1 else mul_p.bind(
        const_like(x, y), x if y == 2 else integer_pow_p.bind(x, y=y - 1))
    return mul_p.bind(t, d)


# square: x * x, one primitive as in JAX's jaxprs (jnp.square, lax.square, and the
# derivatives of asin, acos, asinh, acosh and atan); its JVP is t * (2 * x), as JAX's.
square_p = define("square", np.square,
                  [lambda t, a, x: mul_p.bind(t, mul_p.bind(const_like(x, 2), x))],
                  numpy_name="np.square", scalar=template("({0} * {0})"),
                  returns_output_dtype=True)


integer_pow_p = define("integer_pow", _integer_pow_impl, [_integer_pow_jvp],
                       simplify=[integer_power_as_product(mul_p)], scalar=integer_power_code,
                       returns_output_dtype=True)


def _lower_integer_pow(names, params, avals=None):
    y = params["y"]
    x = names[0]
    if y == 2:
        return f"np.multiply({x}, {x})"
    if y == 1:
        return x
    if avals is None or avals[0].dtype.kind not in "fc":
        return None
    # The implementation's products, in its order: x**3 (GELU) and the reciprocals x**-1,
    # x**-2 (a quotient's derivative), without a Python call per use.
    power = {3: f"np.multiply({x}, np.multiply({x}, {x}))", -1: x,
             -2: f"np.multiply({x}, {x})"}.get(y)
    if power is None or y > 0:
        return power
    return f"np.divide(np.{avals[0].dtype.name}(1), {power})"


integer_pow_p.lower = _lower_integer_pow
integer_pow_p.numba_scalar_code = power_code  # x**3: products, not powf


def _atan2_jvp(which):
    def rule(t, ans, x, y):
        denominator = add_p.bind(mul_p.bind(x, x), mul_p.bind(y, y))
        numerator = y if which == 0 else neg_p.bind(x)
        return mul_p.bind(t, div_p.bind(numerator, denominator))
    return rule


# Floating-point only: ml_dtypes' float loops keep the dtype, so no cast back.
atan2_p = define("atan2", np.arctan2, [_atan2_jvp(0), _atan2_jvp(1)], numpy_name="np.arctan2",
                 returns_output_dtype=True)
# No JVP rule, as in JAX: differentiating nextafter raises NotImplementedError.
nextafter_p = define("nextafter", np.nextafter, None, numpy_name="np.nextafter",
                     returns_output_dtype=True)

sign_p = define("sign", np.sign, "zero", numpy_name="np.sign")
floor_p = define("floor", np.floor, "zero", numpy_name="np.floor", returns_output_dtype=True)
ceil_p = define("ceil", np.ceil, "zero", numpy_name="np.ceil", returns_output_dtype=True)


def _round_impl(x, rounding_method=0):
    if rounding_method in (1, "TO_NEAREST_EVEN"):
        return np.round(x)
    # Away from zero (lax.round's default): the integer part, one further from zero where
    # the fraction cut off (x - trunc(x), exact) is at least a half. floor(|x| + 0.5) rounded
    # the sum first (2**23 + 1 became 2**23 + 2) and lost the sign of -0.0.
    whole = np.trunc(x)
    return np.where(np.abs(np.subtract(x, whole)) >= 0.5, np.add(whole, np.sign(x)), whole)


round_p = define("round", _round_impl, "zero", returns_output_dtype=True)
round_p.numba_scalar_code = round_code
is_finite_p = define("is_finite", np.isfinite, "zero", dtype_rule=_bool_dtype,
                     weak_type_rule=_weak_rule_bool, numpy_name="np.isfinite")

# ---- comparisons, logic, bits ---------------------------------------------------------------
def _comparison(name, fn, numpy_name, scalar):
    return define(name, fn, "zero", dtype_rule=_bool_dtype, weak_type_rule=_weak_rule_bool,
                  numpy_name=numpy_name, scalar=scalar)


# (Integer operands share one dtype: their comparison is exact in any width.)
eq_p = _comparison("eq", np.equal, "np.equal", infix("==", "fbiu"))
ne_p = _comparison("ne", np.not_equal, "np.not_equal", infix("!=", "fbiu"))
lt_p = _comparison("lt", np.less, "np.less", infix("<", "fiu"))
le_p = _comparison("le", np.less_equal, "np.less_equal", infix("<=", "fiu"))
gt_p = _comparison("gt", np.greater, "np.greater", infix(">", "fiu"))
ge_p = _comparison("ge", np.greater_equal, "np.greater_equal", infix(">=", "fiu"))

and_p = define("and", np.bitwise_and, "zero", numpy_name="np.bitwise_and", scalar=infix("&", "biu"))
or_p = define("or", np.bitwise_or, "zero", numpy_name="np.bitwise_or", scalar=infix("|", "biu"))
xor_p = define("xor", np.bitwise_xor, "zero", numpy_name="np.bitwise_xor",
               scalar=infix("^", "biu"))
not_p = define("not", lambda x: np.logical_not(x) if np.result_type(x) == np.bool_
               else np.invert(x), "zero", scalar=template("(not {})", "b"))


def _shift_right_logical(x, y, out=None):
    dtype = np.result_type(x)
    unsigned = np.dtype(f"uint{dtype.itemsize * 8}")
    bits = _bit_width(dtype)
    if out is not None:  # a workspace buffer (impl_out): uniform's bits >> 9 every draw
        if np.ndim(y) == 0 and 0 <= y < bits and np.shape(x) == out.shape:
            np.right_shift(np.asarray(x).view(unsigned), np.asarray(y).astype(unsigned),
                           out=out.view(unsigned))
        else:
            out[...] = _shift_right_logical(x, y)
        return out
    out = np.right_shift(np.asarray(x).view(unsigned) if np.ndim(x) else
                         np.asarray(x).astype(dtype).view(unsigned), np.asarray(y).astype(unsigned))
    if np.ndim(y) == 0:  # a constant shift (the usual case): no select, no copy
        if y >= bits:
            out = np.zeros_like(out)
    else:
        out = np.where(np.asarray(y) >= bits, np.zeros((), unsigned), out)
    return out.view(dtype) if np.ndim(out) else out.astype(unsigned).view(dtype)[()]


def _shift_left(x, y):
    dtype = np.result_type(x)
    bits = _bit_width(dtype)
    out = np.left_shift(x, y)
    return np.where(np.asarray(y) >= bits, np.zeros((), dtype), out)[()] \
        if np.any(np.asarray(y) >= bits) else out


shift_left_p = define("shift_left", _shift_left, "zero", scalar=shift_code("<<"))
shift_right_logical_p = define("shift_right_logical", _shift_right_logical, "zero",
                               scalar=shift_code(">>"))
shift_right_logical_p.fresh_results = shift_right_logical_p.impl_out = True
shift_right_arithmetic_p = define("shift_right_arithmetic", np.right_shift, "zero",
                                  numpy_name="np.right_shift")
def _population_count(x):
    x = np.asarray(x)
    unsigned = x.view(np.dtype(f"uint{x.dtype.itemsize * 8}")) if x.dtype.kind == "i" else x
    return _bitwise_count(unsigned).astype(x.dtype)  # bits of the two's complement


def _bitwise_count_by_bytes(unsigned):
    """np.bitwise_count (NumPy >= 2.0) for older NumPy: a 256-entry table per byte."""
    table = np.array([bin(i).count("1") for i in range(256)], np.uint8)
    flat = np.ascontiguousarray(unsigned.reshape(-1))  # a byte view needs unit strides
    per_byte = table[flat.view(np.uint8).reshape(flat.size, unsigned.dtype.itemsize)]
    return per_byte.sum(axis=-1, dtype=np.uint8).reshape(unsigned.shape)


_bitwise_count = getattr(np, "bitwise_count", _bitwise_count_by_bytes)


population_count_p = define("population_count", _population_count, "zero",
                            returns_output_dtype=True)

# ---- select_n ----------------------------------------------------------------------------------
select_n_p = Primitive("select_n")


# From this many elements a select by bit masks beats np.where, whose per-element branch
# is mispredicted on irregular masks (ReLU's, max-pool's: about 5x slower).
_BITWISE_SELECT_MIN_SIZE = 4096


def _bitwise_select(which, false_case, true_case):
    """np.where(which, true_case, false_case) for a boolean `which` and same-dtype cases
    of 1, 2, 4 or 8 bytes, without branches: the cases' bits, blended by a mask of all
    ones where `which`; or None where that does not apply."""
    which, false_case, true_case = (np.asarray(v) for v in (which, false_case, true_case))
    dtype = false_case.dtype
    if (which.dtype != np.bool_ or true_case.dtype != dtype or dtype.itemsize not in (1, 2, 4, 8)
            or dtype.hasobject):
        return None
    unsigned = np.dtype(f"u{dtype.itemsize}")
    f, t = false_case.view(unsigned), true_case.view(unsigned)
    mask = np.empty(np.broadcast_shapes(which.shape, f.shape, t.shape), unsigned)
    np.copyto(mask, which)
    np.negative(mask, out=mask)  # 0 -> 0, 1 -> all ones
    if f.ndim == 0 and not f:  # select(which, x, 0): the common masked value
        np.bitwise_and(mask, t, out=mask)
    else:  # f ^ ((f ^ t) & mask)
        np.bitwise_and(mask, np.bitwise_xor(f, t), out=mask)
        np.bitwise_xor(mask, f, out=mask)
    return mask.view(dtype)


def _select_n_impl(which, *cases):
    if len(cases) == 2:
        if np.size(which) >= _BITWISE_SELECT_MIN_SIZE:
            out = _bitwise_select(which, cases[0], cases[1])
            if out is not None:
                return out
        return np.where(which, cases[1], cases[0])
    # np.choose takes its index as np.intp and casts 'safe'ly: a uint64 index (or an int64
    # one where np.intp is int32, as on wasm32) would raise. The index is below len(cases).
    return np.choose(np.asarray(which).astype(np.intp, copy=False), cases)


def _select_n_abstract(which, *cases):
    dtype = _same_dtype_check("select_n", cases)
    if which.dtype != dtypes.bool_ and which.dtype.kind not in "iu":
        raise TypeError(f"select_n: the selector must be boolean or integer, got {which.dtype}")
    shape = broadcast_shapes(which.shape, *[c.shape for c in cases])
    return ShapedArray(shape, dtype, all(c.weak_type for c in cases))


def _select_n_jvp(primals, tangents):
    which, *cases = primals
    out = select_n_p.bind(which, *cases)
    if all(type(t) is Zero for t in tangents[1:]):
        return out, Zero(out)
    ts = [broadcast_trailing(instantiate(t), shape_of(out)) for t in tangents[1:]]
    return out, select_n_p.bind(which, *ts)


def _select_n_transpose(ct, which, *cases):
    zero = np.zeros((), dtype=core.get_aval(ct).dtype)
    out = [None]
    for i, c in enumerate(cases):
        if is_linear(c):
            picks = [zero] * len(cases)
            picks[i] = ct
            out.append(unbroadcast(select_n_p.bind(which, *picks), c.aval.shape))
        else:
            out.append(None)
    return out


select_n_p.impl = _select_n_impl
select_n_p.abstract_eval = _select_n_abstract
select_n_p.jvp = _select_n_jvp
select_n_p.transpose = _select_n_transpose
select_n_p.batch = batch_elementwise(select_n_p)
select_n_p.weak_type_rule = lambda weak, params: all(weak[1:])
select_n_p.lower = lambda names, params, avals=None: (
    f"np.where({names[0]}, {names[2]}, {names[1]})"
    if len(names) == 3 and avals is not None
    and avals[0].size < _BITWISE_SELECT_MIN_SIZE else None)
select_n_p.simplify_rules = (
    _numpy_broadcasting,  # np.where broadcasts as a ufunc does
    select_of_one_value(relu_pairs=((gt_p, max_p), (lt_p, min_p))),
    extremum_weight_select(eq_p, {max_p: "max", min_p: "min"}, extremum_weight_p))
select_n_p.scalar_code = select_code
register_defined_above(sub=sub_p, select_n=select_n_p)

# ---- convert_element_type -------------------------------------------------------------------------
convert_element_type_p = Primitive("convert_element_type")


def _convert_impl(x, new_dtype, weak_type=False):
    x = np.asarray(x)
    new_dtype = np.dtype(new_dtype)
    if x.dtype.kind == "c" and new_dtype.kind != "c":
        x = x.real
    if dtypes.kind(new_dtype) in "iu" and dtypes.kind(x.dtype) == "f":
        return _float_to_int(x, new_dtype)
    with np.errstate(all="ignore"):
        return x.astype(new_dtype)


def _float_to_int(x, dtype):
    """XLA's float -> integer conversion: toward zero, saturating at the dtype's bounds,
    NaN to 0. NumPy's cast leaves out-of-range values undefined (x86 gives INT_MIN, and
    -1.0 wraps to the largest unsigned value): the plain cast where every value is in
    range, else a clipped one."""
    if x.dtype.itemsize < 4:  # float16, bfloat16 and narrower: exact in float32
        x = x.astype(np.float32)
    if dtype in _FLAGGED_TARGETS and _casts_flag_invalid():
        try:
            with np.errstate(all="ignore", invalid="raise"):
                return x.astype(dtype)
        except FloatingPointError:
            pass  # some value is out of range
    info = dtypes.iinfo(dtype)
    low, high = x.dtype.type(info.min), x.dtype.type(info.max + 1)  # powers of two: exact
    with np.errstate(all="ignore"):
        if x.size and low <= np.min(x) and np.max(x) < high:  # False for NaN
            return x.astype(dtype)
        is_nan = np.isnan(x)
        if is_nan.any():
            x = np.where(is_nan, x.dtype.type(0), x)
        # Clipped to the bounds themselves where they are floats of x's dtype (float64
        # holds 32-bit ones): no mask, whose irregular pattern would be slow on data
        # widely out of range.
        if info.bits <= 32:
            if info.bits == 32 and x.dtype.itemsize < 8:
                x = x.astype(np.float64)
            return np.clip(x, info.min, info.max).astype(dtype)
        out = np.clip(x, low, np.nextafter(high, x.dtype.type(0))).astype(dtype)
        above = x >= high  # 64-bit maxima are not floats: set them apart
        return np.where(above, np.array(info.max).astype(dtype), out) if above.any() else out


_FLAGGED_TARGETS = (np.dtype(np.int32), np.dtype(np.int64))


@functools.cache
def _casts_flag_invalid():
    """Whether NumPy raises FloatingPointError (errstate invalid="raise") for every
    float32/float64 -> int32/int64 cast of a NaN, an infinity or an out-of-range value.
    IEEE 754 asks hardware conversions to 32- and 64-bit integers to signal invalid
    there, and NumPy (1.24 on) reports it; this probe, SIMD-sized arrays and scalars,
    checks that the platform does (WebAssembly has no floating-point flags), so that a
    conversion which raises nothing skips the range check. Narrower and unsigned targets
    are cast through wider registers in C, without the signal: they always check."""
    for source in (np.float32, np.float64):
        for target in _FLAGGED_TARGETS:
            for bad in (np.nan, np.inf, -np.inf, 2.0 ** 64, -(2.0 ** 64), 2.0 ** 63):
                if target == np.int32 or bad != 2.0 ** 63:
                    for size in (1, 1000):
                        values = np.zeros(size, source)
                        values[size // 2] = bad
                        try:
                            with np.errstate(all="ignore", invalid="raise"):
                                values.astype(target)
                        except FloatingPointError:
                            continue
                        return False
    return True


def _convert_jvp(primals, tangents, new_dtype, weak_type=False):
    (x,), (t,) = primals, tangents
    out = convert_element_type_p.bind(x, new_dtype=new_dtype, weak_type=weak_type)
    if not dtypes.is_inexact(new_dtype) or not dtypes.is_inexact(core.get_aval(x).dtype):
        return out, Zero(out)
    return out, convert_element_type_p.bind(t, new_dtype=new_dtype, weak_type=weak_type)


def _convert_transpose(ct, x, new_dtype, weak_type=False):
    return [convert_element_type_p.bind(ct, new_dtype=x.aval.dtype, weak_type=x.aval.weak_type)]


convert_element_type_p.impl = _convert_impl
convert_element_type_p.abstract_eval = lambda x, new_dtype, weak_type=False: ShapedArray(
    x.shape, new_dtype, weak_type)
convert_element_type_p.jvp = _convert_jvp
convert_element_type_p.transpose = _convert_transpose
convert_element_type_p.batch = batch_elementwise(convert_element_type_p)
convert_element_type_p.weak_type_rule = lambda weak, params: params.get("weak_type", False)
convert_element_type_p.scalar_code = convert_code
convert_element_type_p.numba_scalar_code = bool_to_integer_code
convert_element_type_p.layout = "operand"  # astype keeps the operand's memory order
convert_element_type_p.simplify_rules = (conversion_to_own_dtype,)
convert_element_type_p.diagonal = "conversion"


def _lower_convert(names, params, avals=None):
    dtype = np.dtype(params["new_dtype"])
    if avals is None or (dtypes.kind(dtype) in "iu" and dtypes.kind(avals[0].dtype) in "fc"):
        return None  # the implementation's saturating conversion
    if avals is not None and avals[0].dtype.kind != "c" and \
            np.dtype(getattr(np, dtype.name, object)) == dtype:
        # An array or NumPy scalar already: its method, with the dtype as an object.
        return f"{names[0]}.astype(np.{dtype.name})"
    if avals is not None and avals[0].dtype.kind == "c" and dtype.kind != "c":
        # The real part, as the implementation (astype alone would warn: ComplexWarning).
        return f"np.asarray({names[0]}).real.astype({dtype.name!r})"
    return f"np.asarray({names[0]}).astype({dtype.name!r})"


convert_element_type_p.lower = _lower_convert

# ---- stop_gradient ------------------------------------------------------------------------------------
stop_gradient_p = Primitive("stop_gradient")
stop_gradient_p.impl = lambda x: x
stop_gradient_p.abstract_eval = lambda x: x
stop_gradient_p.jvp = lambda primals, tangents: (
    lambda out: (out, Zero(out)))(stop_gradient_p.bind(primals[0]))
stop_gradient_p.batch = lambda values, dims: (stop_gradient_p.bind(values[0]), dims[0])
stop_gradient_p.lower = lambda names, params, avals=None: names[0]
