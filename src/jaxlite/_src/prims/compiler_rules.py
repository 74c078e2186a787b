"""The vocabulary of the compiler knowledge a primitive carries: rewrite rules for the
simplification pass and scalar code for the fused tier. A primitive's module sets them
where it defines the primitive, so that the compiler only walks Jaxprs and reads
primitive data (compiler/simplify.py, compiler/fusion.py):

    mul_p = define("mul", ..., simplify=[neutral_element(1), fold_scalings],
                   scalar=infix("*"))

Rewrite rules (`Primitive.simplify_rules`, tried in order on each equation):
  rule(eqn, ctx) -> None (no change) | an atom (the result is that Var or Literal) |
                    an Eqn (the equation rewritten; it keeps eqn's outputs and source)
  Each rule sees the equation as the rules before it left it; a rewrite into another
  primitive ends the list. The context `ctx` (the pass) offers:
    ctx.producer(atom)  the simplified equation defining `atom` (None: an input,
                        constant or literal)
    ctx.emit(primitive, inputs, params, aval)
                        a helper equation, simplified and emitted before this one;
                        returns the atom holding its result
    ctx.scalings        var -> (c, x): var is the scalar constant c times x
  Rules that recognize or build other primitives take them as arguments, so this
  module imports no primitive.

Scalar code (`Primitive.scalar_code`, the fused tier's loop body):
  rule(operands, params, input avals, output aval) -> Python expression | None
  Operands are plain names (locals or constants), so a rule may repeat one; None means
  not fusible with these parameters. The expression must compute what the primitive's
  NumPy code computes for one element, in the same precision (no fast-math); integer
  results are wrapped to their dtype by the kernel. A primitive with several results
  returns a tuple expression; `i`, the loop's flat index, may be read (iota). An
  expression may call helpers the primitive defines as source (`Primitive.scalar_helpers`:
  name -> Python source, decorated for Numba, with `np`, `numba` and `numba.extending`
  imported: threefry2x32's rounds, LLVM's correctly rounded fma).
"""
import math

import numpy as np

from ..jaxpr import Eqn, Literal

# ---- predicates -------------------------------------------------------------------------


def scalar_literal(v):
    return type(v) is Literal and v.aval.shape == ()


def literal_is(v, value):
    return scalar_literal(v) and np.asarray(v.value) == value


def same_aval(v, out):
    """Whether forwarding `v` in place of `out` changes nothing (shape, dtype, weak type)."""
    return (v.aval.shape == out.aval.shape and v.aval.dtype == out.aval.dtype
            and v.aval.weak_type == out.aval.weak_type)


def same_operand(a, b):
    """The same variable, or literals of one value and dtype."""
    if type(a) is Literal or type(b) is Literal:
        return (type(a) is Literal and type(b) is Literal and a.aval.dtype == b.aval.dtype
                and np.array_equal(a.value, b.value))
    return a is b


def _defined_by(ctx, v, primitives):
    """The equation defining `v` if it is one of `primitives`, else None."""
    eqn = ctx.producer(v)
    return eqn if eqn is not None and eqn.primitive in primitives else None


# ---- algebraic rewrites -----------------------------------------------------------------


def neutral_element(value, sides=(0, 1), kinds=None):
    """x op e -> x (and e op x, for the operand positions in `sides`) where e is a scalar
    literal equal to `value` and x already has the result's shape, dtype and weak type;
    `kinds`: the result dtype kinds it holds for (max(x, -inf) is x for floats only)."""
    def rule(eqn, ctx):
        out = eqn.outputs[0]
        if len(eqn.inputs) != 2 or (kinds is not None and out.aval.dtype.kind not in kinds):
            return None
        for i in sides:
            other = eqn.inputs[1 - i]
            if literal_is(eqn.inputs[i], value) and type(other) is not Literal \
                    and same_aval(other, out):
                return other
        return None
    return rule


def _power_of_two(v):
    """A real ±2**k: multiplying by it only shifts the exponent, so it commutes with
    rounding (away from overflow and underflow)."""
    v = complex(v)
    return v.imag == 0 and v.real != 0 and math.isfinite(v.real) \
        and math.frexp(abs(v.real))[0] == 0.5


def _safe_to_fold(c, c0):
    """Reassociating c * (c0 * x) as (c * c0) * x is exact when one constant is a power of
    two (the scalings autodiff leaves: 2, -1, 0.5, ...) and the product is representable:
    then both sides round c * c0 * x once. (3 * (3 * x) is not 9 * x: 3 * x rounds.) With
    huge or tiny constants the intermediate could overflow/underflow differently."""
    number = complex if c.dtype.kind == "c" else float  # complex: each part must be exact
    a, b = number(c), number(c0)
    if not (_power_of_two(a) or _power_of_two(b)):
        return False
    parts = [a, b] if number is float else [p for v in (a, b) for p in (v.real, v.imag) if p]
    if not all(2.0 ** -20 <= abs(p) <= 2.0 ** 20 for p in parts):
        return False
    return number(np.asarray(a * b, c.dtype)) == a * b


def fold_scalings(eqn, ctx):
    """A product with a scalar constant, c * (c0 * x) -> (c * c0) * x where exact, written
    constant first; the result is noted in ctx.scalings (float and complex only)."""
    out = eqn.outputs[0]
    if len(eqn.inputs) != 2 or out.aval.dtype.kind not in "fc":
        return None
    ins = eqn.inputs
    k = 0 if scalar_literal(ins[0]) else 1 if scalar_literal(ins[1]) else None
    if k is None:
        return None
    c, x = np.asarray(ins[k].value), ins[1 - k]
    if x in ctx.scalings and _safe_to_fold(c, ctx.scalings[x][0]):
        c0, x = ctx.scalings[x]  # c * (c0 * base) -> (c * c0) * base
        c = (c * c0).astype(c.dtype)
        if c == 1 and type(x) is not Literal and same_aval(x, out):
            return x  # the scalings cancel: 0.5 * (2 * x)
    ctx.scalings[out] = (c, x)
    return Eqn(eqn.primitive, [Literal(np.asarray(c, ins[k].aval.dtype), ins[k].aval), x],
               eqn.params, eqn.outputs, eqn.source)


def negation_as_scaling(mul):
    """-(c * x) -> (-c) * x (a `mul` equation); any other negation is noted in
    ctx.scalings as (-1) * x (float and complex only)."""
    def rule(eqn, ctx):
        out = eqn.outputs[0]
        if out.aval.dtype.kind not in "fc":
            return None
        x = eqn.inputs[0]
        if x in ctx.scalings:  # -(c * base) -> (-c) * base
            c, base = ctx.scalings[x]
            if -c == 1 and type(base) is not Literal and same_aval(base, out):
                return base  # -(-1 * base): a squared loss's gradient, -0.5 * 2 * -1
            ctx.scalings[out] = (-c, base)
            literal = Literal(np.asarray(-c, out.aval.dtype), out.aval.update(shape=(), weak_type=True))
            return Eqn(mul, [literal, base], {}, eqn.outputs, eqn.source)
        ctx.scalings[out] = (np.asarray(-1, out.aval.dtype), x)
        return None
    return rule


def _same_result(a, b, eqn):
    """Whether a binary operation on `a` and `b` gives `eqn`'s output shape and dtype."""
    out = eqn.outputs[0].aval
    return (np.broadcast_shapes(tuple(a.aval.shape), tuple(b.aval.shape)) == tuple(out.shape)
            and b.aval.dtype == out.dtype)


def negated_addend_as_difference(sub):
    """a + (-x) -> a - x, and (-x) + a -> a - x: the same IEEE operation, one NumPy call
    where a transposed difference leaves two (a neg, then an add_any). `sub()` gives the
    subtraction primitive (defined after the additions)."""
    def rule(eqn, ctx):
        if len(eqn.inputs) != 2:
            return None
        for keep, negated in (eqn.inputs, reversed(eqn.inputs)):
            scaled = None if type(negated) is Literal else ctx.scalings.get(negated)
            if scaled is not None and scaled[0] == -1 and _same_result(keep, scaled[1], eqn):
                return Eqn(sub(), [keep, scaled[1]], {}, eqn.outputs, eqn.source)
        return None
    return rule


def conversion_to_own_dtype(eqn, ctx):
    """A conversion to the operand's own dtype (it changes only the weak type, which
    tracing alone reads: `r_t + v` of a weak scalar) -> the operand, not a copy."""
    x, out = eqn.inputs[0], eqn.outputs[0]
    if type(x) is not Literal and x.aval.dtype == out.aval.dtype \
            and x.aval.shape == out.aval.shape:
        return x
    return None


def integer_power_as_product(mul):
    """x**1 -> x, x**2 -> x * x and float x**3 -> x * (x * x) (what the implementation
    computes): as `mul`s, the code generator can write them into dead or workspace
    buffers."""
    def rule(eqn, ctx):
        y, x, out = eqn.params["y"], eqn.inputs[0], eqn.outputs[0]
        if y == 1 and type(x) is not Literal and x.aval.shape == out.aval.shape \
                and x.aval.dtype == out.aval.dtype:
            return x
        if y == 2:
            return Eqn(mul, [x, x], {}, eqn.outputs, eqn.source)
        if y == 3 and out.aval.dtype.kind in "fc":
            # x * (x * x), the implementation's products in its order; the square as its
            # own `mul` is shared (CSE) with the x * x of the derivative 3 * x**2 (GELU)
            square = ctx.emit(mul, [x, x], {}, out.aval)
            return Eqn(mul, [x, square], {}, eqn.outputs, eqn.source)
        return None
    return rule


def scalar_product_as_product(mul):
    """A dot_general of a 0-d operand and an array, nothing contracted, in the operands'
    own dtype, is their product (what the implementation computes): a `mul`."""
    def rule(eqn, ctx):
        if len(eqn.inputs) != 2:
            return None
        (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
        dtype = eqn.outputs[0].aval.dtype
        if (not (lc or rc or lb or rb) and min(len(v.aval.shape) for v in eqn.inputs) == 0
                and all(v.aval.dtype == dtype for v in eqn.inputs)):
            return Eqn(mul, list(eqn.inputs), {}, eqn.outputs, eqn.source)
        return None
    return rule


def numpy_broadcasting(broadcast_in_dim, reshape):
    """For an operation that broadcasts NumPy-style: an operand made by `broadcast_in_dim`
    with NumPy's alignment (trailing axes) can be used as it is, one broadcast along other
    axes (kept in order) as a `reshape` with 1s in the broadcast axes (a view, where
    np.broadcast_to costs microseconds), one operand at a time while the output keeps
    its shape."""
    def rule(eqn, ctx):
        if not eqn.outputs:
            return None
        out = eqn.outputs[0]
        ins = list(eqn.inputs)
        shapes = [v.aval.shape for v in ins]
        changed = False
        for i, v in enumerate(ins):
            producer = _defined_by(ctx, v, (broadcast_in_dim,))
            if producer is None:
                continue
            x, dims = producer.inputs[0], tuple(producer.params["broadcast_dimensions"])
            shape = v.aval.shape
            if dims == tuple(range(len(shape) - len(dims), len(shape))):
                expanded = x.aval.shape
            elif list(dims) == sorted(set(dims)):  # axes kept in order: a reshape lines them up
                expanded = [1] * len(shape)
                for axis, d in zip(dims, x.aval.shape):
                    expanded[axis] = d
                expanded = tuple(expanded)
            else:
                continue
            trial = shapes[:i] + [expanded] + shapes[i + 1:]
            if np.broadcast_shapes(*trial) != tuple(out.aval.shape):
                continue
            if expanded != x.aval.shape:
                x = ctx.emit(reshape, [x], {"new_sizes": expanded}, x.aval.update(shape=expanded))
            ins[i], shapes, changed = x, trial, True
        return Eqn(eqn.primitive, ins, eqn.params, eqn.outputs, eqn.source) if changed else None
    return rule


def select_of_one_value(relu_pairs):
    """What select_n(which, a, b) always picks: a == b, or relu's forward as jax.nn.relu
    writes it, select_n(x > c, max(x, c), x): where x > c, max(x, c) is x. `relu_pairs`:
    the (comparison, extremum) primitive pairs where that holds ((gt, max), (lt, min))."""
    def rule(eqn, ctx):
        if len(eqn.inputs) != 3:
            return None
        (which, a, b), out = eqn.inputs, eqn.outputs[0]
        same = None
        if same_operand(a, b):
            same = a
        elif type(b) is not Literal:
            compare, extremum = ctx.producer(which), ctx.producer(a)
            if compare is not None and extremum is not None and any(
                    compare.primitive is c and extremum.primitive is e for c, e in relu_pairs):
                (x, c), (u, v) = compare.inputs, extremum.inputs
                if x is b and ((u is b and same_operand(v, c)) or (v is b and same_operand(u, c))):
                    same = a
        return same if same is not None and same_aval(same, out) else None
    return rule


def extremum_weight_select(eq, extrema, weight):
    """The weight JAX's JVP rule of max (min) gives x in max(x, y),
    select_n(eq(x, z), 0, select_n(eq(y, z), 1, 0.5)) with z = max(x, y) or max(y, x),
    as one `weight` equation (4 equations -> 1). `extrema`: {max primitive: "max",
    min primitive: "min"}, the value of weight's `which` parameter."""
    def rule(eqn, ctx):
        if len(eqn.inputs) != 3:
            return None
        (which, zero, tie), out = eqn.inputs, eqn.outputs[0]
        tie_eqn = _defined_by(ctx, tie, (eqn.primitive,))
        if not literal_is(zero, 0) or tie_eqn is None or len(tie_eqn.inputs) != 3:
            return None
        tie_which, one, half = tie_eqn.inputs
        if not (literal_is(one, 1) and literal_is(half, 0.5)):
            return None
        eq_x, eq_y = _defined_by(ctx, which, (eq,)), _defined_by(ctx, tie_which, (eq,))
        if eq_x is None or eq_y is None:
            return None
        (x, z), (y, z2) = eq_x.inputs, eq_y.inputs
        if z is not z2:
            return None
        extremum = _defined_by(ctx, z, tuple(extrema))
        if extremum is None:
            return None
        a, b = extremum.inputs
        if not ((same_operand(a, x) and same_operand(b, y))
                or (same_operand(a, y) and same_operand(b, x))):
            return None
        if (x.aval.dtype.name not in ("float16", "float32", "float64")
                or x.aval.dtype != out.aval.dtype or z.aval.shape != out.aval.shape):
            return None
        return Eqn(weight, [x, y], {"which": extrema[extremum.primitive]}, eqn.outputs,
                   eqn.source)
    return rule


def compose_transposes(eqn, ctx):
    """transpose(transpose(y, p), q) -> transpose(y, p[q]); the identity permutation -> y."""
    x, perm = eqn.inputs[0], tuple(eqn.params["permutation"])
    inner = _defined_by(ctx, x, (eqn.primitive,))
    if inner is not None:
        x, perm = inner.inputs[0], tuple(inner.params["permutation"][i] for i in perm)
    if perm == tuple(range(len(perm))) and same_aval(x, eqn.outputs[0]):
        return x
    return Eqn(eqn.primitive, [x], dict(eqn.params, permutation=perm), eqn.outputs, eqn.source)


def unit_reduction_as_reshape(reshape):
    """A reduction over axes of size 1 only (the sum of a bias gradient already reduced
    to (1, n)) returns its one element per output: a reshape, which composes with the
    reshape that made those axes."""
    def rule(eqn, ctx):
        x, out = eqn.inputs[0], eqn.outputs[0]
        if type(x) is Literal or x.aval.dtype != out.aval.dtype \
                or any(x.aval.shape[a] != 1 for a in eqn.params["axes"]):
            return None
        return ctx.emit(reshape, [x], {"new_sizes": tuple(out.aval.shape), "dimensions": None},
                        out.aval)
    return rule


def compose_reshapes(eqn, ctx):
    """reshape(reshape(y)) -> reshape(y) (both keep the row-major order); a reshape to
    the operand's own shape -> the operand."""
    if eqn.params.get("dimensions") is not None:
        return None
    x = eqn.inputs[0]
    inner = ctx.producer(x)
    if inner is not None and (
            (inner.primitive is eqn.primitive and inner.params.get("dimensions") is None)
            or _inserts_unit_axes(inner)):
        x = inner.inputs[0]
    if type(x) is not Literal and same_aval(x, eqn.outputs[0]):
        return x
    return Eqn(eqn.primitive, [x], eqn.params, eqn.outputs, eqn.source)


def _inserts_unit_axes(eqn):
    """A broadcast_in_dim that only inserts axes of size 1 (jnp's rank promotion), which
    is a row-major reshape."""
    if eqn.primitive.name != "broadcast_in_dim" or type(eqn.inputs[0]) is Literal:
        return False
    dims = tuple(eqn.params["broadcast_dimensions"])
    in_shape, out_shape = eqn.inputs[0].aval.shape, eqn.outputs[0].aval.shape
    return (list(dims) == sorted(dims) and all(in_shape[i] == out_shape[d]
                                              for i, d in enumerate(dims))
            and all(n == 1 for d, n in enumerate(out_shape) if d not in dims))


def compose_broadcasts(eqn, ctx):
    """broadcast_in_dim of broadcast_in_dim -> one broadcast; one that adds nothing -> x."""
    x, dims = eqn.inputs[0], tuple(eqn.params["broadcast_dimensions"])
    inner = _defined_by(ctx, x, (eqn.primitive,))
    if inner is not None:
        x, dims = inner.inputs[0], tuple(dims[d] for d in inner.params["broadcast_dimensions"])
    if type(x) is not Literal and dims == tuple(range(len(dims))) \
            and same_aval(x, eqn.outputs[0]):
        return x
    return Eqn(eqn.primitive, [x], dict(eqn.params, broadcast_dimensions=dims), eqn.outputs,
               eqn.source)


# ---- scalar code for the fused tier -----------------------------------------------------


def constant(value, dtype):
    """A typed scalar constant as Python source (a bare float literal would be float64)."""
    value = np.asarray(value).astype(dtype).item()
    if dtype.kind == "b":
        return repr(bool(value))
    if dtype.kind in "iu":
        return f"np.{dtype.name}({int(value)})"
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        text = f"float({str(value)!r})"
    else:
        text = repr(value)
    return f"np.{dtype.name}({text})"


def infix(symbol, kinds="f"):
    """`x0 symbol x1`, for operands of the dtype kinds in `kinds`."""
    def rule(x, params, avals, out):
        if avals[0].dtype.kind not in kinds:
            return None
        return f"{x[0]} {symbol} {x[1]}"
    return rule


def quotient_code(x, params, avals, out):
    # x / y for floats; a broadcast divisor (0-d in a fused loop) multiplies by its
    # reciprocal, as XLA does (prims/elementwise.py: broadcast_divisor).
    if avals[0].dtype.kind != "f":
        return None
    if tuple(avals[1].shape) != tuple(out.shape):
        return f"{x[0]} * ({constant(1, out.dtype)} / {x[1]})"
    return f"{x[0]} / {x[1]}"


def template(text, kinds="f"):
    """`text` with {} the operand, for an operand of the dtype kinds in `kinds`."""
    def rule(x, params, avals, out):
        return text.format(x[0]) if avals[0].dtype.kind in kinds else None
    return rule


def extremum_code(symbol):
    """NumPy's maximum (symbol ">") or minimum ("<"): NaN propagates (the first NaN
    operand), and of two equal operands (0.0 and -0.0) the second is returned."""
    def rule(x, params, avals, out):
        if avals[0].dtype.kind != "f":
            return None
        a, b = x
        return f"({a} if ({a} {symbol} {b} or {a} != {a}) else {b})"
    return rule


def integer_power_code(x, params, avals, out):
    y = params["y"]
    if avals[0].dtype.kind != "f":
        return None
    if y == 1:
        return x[0]
    if y == 2:  # the NumPy tier's np.multiply(x, x)
        return f"{x[0]} * {x[0]}"
    if y == 0 or abs(y) > 16:
        return None
    # The implementation's binary exponentiation, product by product in x's dtype, then
    # the reciprocal for y < 0 (x**-2 of layer norm's gradient: 1 / (x * x)).
    base, result, n = x[0], None, abs(y)
    while n:
        if n & 1:
            result = base if result is None else f"({result} * {base})"
        n >>= 1
        if n:
            base = f"({base} * {base})"
    return f"({constant(1, avals[0].dtype)} / {result})" if y < 0 else result


def shift_code(symbol):
    """XLA's shifts of unsigned integers by amounts in the same dtype: an amount >= the
    width gives 0, as lax.shift_left/shift_right_logical (signed amounts may be negative,
    which C leaves undefined: those stay NumPy's). Integer results are wrapped to their
    dtype by the kernel (compiler/fusion.py)."""
    def rule(x, params, avals, out):
        if avals[0].dtype.kind != "u" or avals[1].dtype != avals[0].dtype:
            return None
        bits = avals[0].dtype.itemsize * 8
        return f"({x[0]} {symbol} {x[1]} if {x[1]} < {bits} else 0)"
    return rule


def unsigned_rem_code(x, params, avals, out):
    # XLA's x rem 0 == x; for unsigned integers truncation and flooring agree.
    if avals[0].dtype.kind != "u":
        return None
    return f"({x[0]} % {x[1]} if {x[1]} != 0 else {x[0]})"


def iota_code(x, params, avals, out):
    # A 1-D integer iota is the loop's flat index `i` itself (compiler/fusion.py's kernels
    # loop over i; wider iotas would depend on the order the loop walks memory in).
    if len(out.shape) != 1 or out.dtype.kind not in "iu":
        return None
    return f"np.{out.dtype.name}(i)"


def bitcast_code(x, params, avals, out):
    # Same width (a scalar stays a scalar): reinterpret the bits.
    if avals[0].dtype.itemsize != out.dtype.itemsize:
        return None
    return f"np.{avals[0].dtype.name}({x[0]}).view(np.{out.dtype.name})"


def select_code(x, params, avals, out):
    if len(x) != 3 or avals[0].dtype.kind != "b":
        return None
    return f"({x[2]} if {x[0]} else {x[1]})"


def convert_code(x, params, avals, out):
    source, target = avals[0].dtype, out.dtype
    # Float and bool to float; integers to float (rounded to nearest) or to integers
    # (wrapped). Float to integer is left to NumPy (its NaN and overflow cases).
    if target.kind == "f" and source.kind in "fbiu" or target.kind in "iu" and source.kind in "iu":
        return f"np.{target.name}({x[0]})"
    return None


def scalar_product_code(x, params, avals, out):
    # A scalar times an array (what autodiff leaves of `c * x`): the NumPy tier's multiply.
    (lc, rc), (lb, rb) = params["dimension_numbers"]
    if lc or lb or not (avals[0].ndim == 0 or avals[1].ndim == 0):
        return None
    if params.get("preferred_element_type") not in (None, out.dtype):
        return None
    if avals[0].dtype.kind != "f":
        return None
    return f"{x[0]} * {x[1]}"


def extremum_weight_code(x, params, avals, out):
    # max/min's JVP weight: ((x > y) + (x >= y)) / 2 for max, 0, 0.5 or 1 exactly.
    strict, loose = {"max": (">", ">="), "min": ("<", "<=")}.get(params.get("which"), (None,) * 2)
    if strict is None or avals[0].dtype.kind != "f":
        return None
    a, b = x
    half = constant(0.5, out.dtype)
    return f"np.{out.dtype.name}(np.int8({a} {strict} {b}) + np.int8({a} {loose} {b})) * {half}"


def scalar_broadcast_code(x, params, avals, out):
    # A 0-d operand broadcast: in the loop, the scalar itself.
    return x[0] if avals[0].ndim == 0 else None


# ---- kernels of their own (`Primitive.fused_kernel`, compiler/fusion.py) -------------------

# The innermost loop indexes slices by the loop counter itself: Numba then knows the
# index is not negative (no wraparound test) and LLVM vectorizes it (~2x).
_OUTER_KERNEL = """
def kernel(a, b, n0, n1, n2, a0, a1, b0, b1, out):
    k = 0
    for i in range(n0):
        for j in range(n1):
            pa = i * a0 + j * a1
            pb = i * b0 + j * b1
            o = out[k:k + n2]
{inner}
            k += n2
"""
_OUTER_INNER = {  # which operand runs along the innermost axes
    (True, False): "            x = a[pa:pa + n2]\n            y = b[pb]\n"
                   "            for m in range(n2):\n                o[m] = x[m] {op} y",
    (False, True): "            x = a[pa]\n            y = b[pb:pb + n2]\n"
                   "            for m in range(n2):\n                o[m] = x {op} y[m]",
    (True, True): "            x = a[pa:pa + n2]\n            y = b[pb:pb + n2]\n"
                  "            for m in range(n2):\n                o[m] = x[m] {op} y[m]",
}


def _outer_groups(shapes, out_shape):
    """The output's axes merged into runs along which each operand either moves or is
    broadcast: [((a moves, b moves), size)], or None if either operand is as large as
    the output (a plain or tiled elementwise loop: the fused clusters' business)."""
    groups = []
    padded = [(1,) * (len(out_shape) - len(s)) + tuple(s) for s in shapes]
    for k, n in enumerate(out_shape):
        if n == 1:
            continue
        moves = tuple(s[k] == n for s in padded)
        if groups and groups[-1][0] == moves:
            groups[-1][1] *= n
        else:
            groups.append([moves, n])
    if any(all(g[0][i] for g in groups) for i in range(2)):
        return None
    return groups


def outer_kernel(symbol, ufunc, a_shape, b_shape, out_aval):
    """A kernel of its own (`Primitive.fused_kernel`'s spec: source, signature, run) for
    `ufunc` (`symbol` in Numba) of C-order operands of shapes `a_shape` and `b_shape` that
    both broadcast to `out_aval`, as batched outer products do, e.g. (128, 512, 1) *
    (128, 1, 784); None where it does not apply. NumPy's broadcasting loop writes such a
    product at ~60% of memory bandwidth; three plain loops with a contiguous innermost
    one reach it (an MLP's per-example gradient of W1, 205 MB: 20.7 -> 11.9 ms). One
    IEEE operation per element, operands in NumPy's order: the NumPy tier's bits."""
    dtype = np.dtype(out_aval.dtype)
    if dtype not in (np.float32, np.float64):
        return None
    groups = _outer_groups([a_shape, b_shape], tuple(out_aval.shape))
    if groups is None or len(groups) > 3:
        return None
    groups = [[(True, True), 1]] * (3 - len(groups)) + groups
    sizes = [n for _, n in groups]
    strides = []  # element strides of each operand along the two outer runs
    for i in range(2):
        for g in range(2):
            later = math.prod(n for (moves, n) in groups[g + 1:] if moves[i])
            strides.append(later if groups[g][0][i] else 0)
    source = _OUTER_KERNEL.format(inner=_OUTER_INNER[groups[2][0]].format(op=symbol))
    signature = ((dtype.name, "in"), (dtype.name, "in")) + (("int64", "scalar"),) * 7 \
        + ((dtype.name, "out"),)
    shape, scalars = tuple(out_aval.shape), sizes + strides

    def run(kernel, a, b, out=None):
        a, b = np.asarray(a), np.asarray(b)
        # Operands in another memory order: NumPy lays its result out as they lie (which
        # later reductions add in), so NumPy computes it, as the NumPy tier does.
        if not (a.flags.c_contiguous and b.flags.c_contiguous) \
                or a.dtype != dtype or b.dtype != dtype:
            return ufunc(np.reshape(a, a_shape), np.reshape(b, b_shape))
        result = np.empty(shape, dtype) if out is None else out
        kernel(a.reshape(-1), b.reshape(-1), *scalars, result.reshape(-1))
        return result
    return source, signature, run
