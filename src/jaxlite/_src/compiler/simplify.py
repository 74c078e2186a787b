"""Algebraic simplification of what autodiff leaves behind: x**1, x*1, x+0,
broadcasts feeding elementwise operations, chains of scalar-constant scalings, the
two-compare-two-select weights of max/min's JVP rule (ReLU's derivative), and shape
operations that do nothing or compose (transpose of transpose, reshape of reshape,
broadcast of broadcast)."""
from ..jaxpr import Jaxpr, Eqn, Var, Literal


def _scalar_literal(v):
    return type(v) is Literal and v.aval.shape == ()


def _power_of_two(v):
    """A real ±2**k: multiplying by it only shifts the exponent, so it commutes with
    rounding (away from overflow and underflow)."""
    import math
    v = complex(v)
    return v.imag == 0 and v.real != 0 and math.isfinite(v.real) \
        and math.frexp(abs(v.real))[0] == 0.5


def _safe_to_fold(c, c0):
    """Reassociating c * (c0 * x) as (c * c0) * x is exact when one constant is a power of
    two (the scalings autodiff leaves: 2, -1, 0.5, ...) and the product is representable:
    then both sides round c * c0 * x once. (3 * (3 * x) is not 9 * x: 3 * x rounds.) With
    huge or tiny constants the intermediate could overflow/underflow differently."""
    import numpy as np
    number = complex if c.dtype.kind == "c" else float  # complex: each part must be exact
    a, b = number(c), number(c0)
    if not (_power_of_two(a) or _power_of_two(b)):
        return False
    parts = [a, b] if number is float else [p for v in (a, b) for p in (v.real, v.imag) if p]
    if not all(2.0 ** -20 <= abs(p) <= 2.0 ** 20 for p in parts):
        return False
    return number(np.asarray(a * b, c.dtype)) == a * b


def simplify(jaxpr):
    """Algebraic clean-up of what autodiff leaves behind: x**1, x*1, x+0, max(x, -inf),
    chains of scalar-constant scalings (2 * (c * x) -> (2c) * x, -(c * x) -> (-c) * x),
    broadcasts into elementwise operations (NumPy broadcasts), max/min's JVP weights (one
    extremum_weight), relu's select_n(x > 0, max(x, 0), x), and transpose / reshape /
    broadcast_in_dim chains composed or dropped."""
    import numpy as np
    rename, scaled, eqns = {}, {}, []

    def sub(v):
        return v if type(v) is Literal else rename.get(v, v)

    def literal(value, aval):
        return Literal(np.asarray(value, aval.dtype), aval)

    broadcast = {}  # var -> (operand, broadcast_dimensions) of the broadcast defining it
    transposed = {}  # var -> (operand, permutation) of the transpose defining it
    reshaped = {}  # var -> the operand of the reshape defining it
    defined = {}  # var -> (name, inputs) of the comparison / max / min / select defining it
    for eqn in jaxpr.eqns:
        ins = [sub(v) for v in eqn.inputs]
        name = eqn.primitive.name
        out = eqn.outputs[0] if eqn.outputs else None
        shape_op = _shape_op(name, ins, eqn.params, out, broadcast, transposed, reshaped)
        if shape_op is not None:
            if type(shape_op) is not Eqn:  # the operation does nothing: forward its operand
                rename[out] = shape_op
                continue
            eqns.append(Eqn(shape_op.primitive, shape_op.inputs, shape_op.params,
                            eqn.outputs, eqn.source))
            continue
        if eqn.primitive.ufunc_name is not None or name == "select_n":
            # Elementwise operations broadcast NumPy-style: an operand broadcast with NumPy's
            # alignment (trailing axes) can be used as it is, one broadcast along other axes
            # as a reshape that puts 1s in the broadcast axes (a view, where np.broadcast_to
            # costs microseconds), as long as the other operands give the output its shape.
            ins = _unbroadcast_operands(ins, broadcast, out, eqns, eqn.source,
                                        lambda n, i, p, o: _shape_op(n, i, p, o, broadcast,
                                                                     transposed, reshaped))
        if name == "select_n" and len(ins) == 3:
            same = _select_of_one_value(ins, defined)
            if same is not None and _identity(same, out):
                rename[out] = same
                continue
            weight = _extremum_weight(ins, defined, out)
            if weight is not None:  # the JVP weight of max/min: 4 equations -> 1
                x, y, extremum = weight
                eqns.append(Eqn(_primitive("extremum_weight"), [x, y], {"which": extremum},
                                eqn.outputs, eqn.source))
                continue
        if name in ("eq", "gt", "lt", "max", "min", "select_n") and len(ins) in (2, 3):
            defined[out] = (name, ins)
        same_shape = [type(v) is not Literal and v.aval.shape == out.aval.shape
                      and v.aval.dtype == out.aval.dtype for v in ins] if out is not None else []
        if name == "integer_pow" and eqn.params["y"] == 1 and same_shape[0]:
            rename[out] = ins[0]
            continue
        if (name == "integer_pow" and eqn.params["y"] == 2) or _scalar_product(eqn, ins):
            # x**2 is x * x and a dot_general with a 0-d operand and nothing to contract is a
            # product (their implementations compute exactly that): as a mul, the code
            # generator can write it into a dead or workspace buffer.
            pair = [ins[0], ins[0]] if name == "integer_pow" else ins
            eqns.append(Eqn(_primitive("mul"), pair, {}, eqn.outputs, eqn.source))
            continue
        if name in ("max", "min") and len(ins) == 2 and out.aval.dtype.kind == "f":
            # max(x, -inf) and min(x, inf) are x, NaN included (what logsumexp leaves).
            neutral = -np.inf if name == "max" else np.inf
            kept = [w for v, w in ((ins[0], ins[1]), (ins[1], ins[0]))
                    if _literal_is(v, neutral) and type(w) is not Literal and _identity(w, out)]
            if kept:
                rename[out] = kept[0]
                continue
        if name in ("mul", "add", "sub") and len(ins) == 2:
            neutral = 1 if name == "mul" else 0
            # x - 0 -> x, but 0 - x is -x (only the subtrahend may be the neutral 0).
            for i in ((1,) if name == "sub" else (0, 1)):
                other = ins[1 - i]
                if _scalar_literal(ins[i]) and np.asarray(ins[i].value) == neutral \
                        and same_shape[1 - i] and out.aval.weak_type == other.aval.weak_type:
                    rename[out] = other
                    break
            else:
                other = None
            if out in rename:
                continue
        if name == "mul" and len(ins) == 2 and out.aval.dtype.kind in "fc":
            k = 0 if _scalar_literal(ins[0]) else 1 if _scalar_literal(ins[1]) else None
            if k is not None:
                c, x = np.asarray(ins[k].value), ins[1 - k]
                if x in scaled and _safe_to_fold(c, scaled[x][0]):
                    c0, x = scaled[x]  # c * (c0 * base) -> (c * c0) * base
                    c = (c * c0).astype(c.dtype)
                ins = [literal(c, ins[k].aval), x]
                scaled[out] = (c, x)
        elif name == "neg" and out.aval.dtype.kind in "fc":
            x = ins[0]
            if x in scaled:  # -(c * base) -> (-c) * base
                c, base = scaled[x]
                ins = [literal(-c, out.aval.update(shape=(), weak_type=True)), base]
                eqns.append(Eqn(_primitive("mul"), ins, {}, eqn.outputs, eqn.source))
                scaled[out] = (-c, base)
                continue
            scaled[out] = (np.asarray(-1, out.aval.dtype), x)
        eqns.append(Eqn(eqn.primitive, ins, eqn.params, eqn.outputs, eqn.source))
    outvars = [sub(v) for v in jaxpr.outvars]
    return Jaxpr(jaxpr.constvars, jaxpr.consts, jaxpr.invars, eqns, outvars)


def _identity(v, out):
    """Whether forwarding `v` in place of `out` changes nothing (shape, dtype, weak type)."""
    return (v.aval.shape == out.aval.shape and v.aval.dtype == out.aval.dtype
            and v.aval.weak_type == out.aval.weak_type)


def _shape_op(name, ins, params, out, broadcast, transposed, reshaped):
    """transpose / reshape / broadcast_in_dim rewritten over the operand of a chain of the
    same operation; returns None (not a shape operation), the operand itself (the
    operation does nothing) or the rewritten equation (its outputs are filled in later)."""
    if name == "transpose":
        x, perm = ins[0], tuple(params["permutation"])
        if type(x) is not Literal and x in transposed:
            # transpose(transpose(y, p), q) == transpose(y, p[q])
            x, inner = transposed[x]
            perm = tuple(inner[i] for i in perm)
        if perm == tuple(range(len(perm))) and _identity(x, out):
            return x
        transposed[out] = (x, perm)
        return Eqn(_shape_primitive(name), [x], dict(params, permutation=perm), [])
    if name == "reshape" and params.get("dimensions") is None:
        x = ins[0]
        if type(x) is not Literal and x in reshaped:
            # reshape(reshape(y)) == reshape(y): both keep the row-major order
            x = reshaped[x]
        if type(x) is not Literal and _identity(x, out):
            return x
        reshaped[out] = x
        return Eqn(_shape_primitive(name), [x], params, [])
    if name == "broadcast_in_dim":
        x, dims = ins[0], tuple(params["broadcast_dimensions"])
        if type(x) is not Literal and x in broadcast:  # broadcast of broadcast: compose
            x, inner = broadcast[x]
            dims = tuple(dims[d] for d in inner)
        if type(x) is not Literal and dims == tuple(range(len(dims))) and _identity(x, out):
            return x
        broadcast[out] = (x, dims)
        return Eqn(_shape_primitive(name), [x], dict(params, broadcast_dimensions=dims), [])
    return None


def _unbroadcast_operands(ins, broadcast, out, eqns, source, shape_op):
    """Operands of an elementwise operation with broadcasts replaced by what they broadcast
    (NumPy's alignment) or by its reshape with 1s in the broadcast axes (appended to
    `eqns`, through `shape_op` so that reshape chains collapse), one at a time while the
    output keeps its shape."""
    import numpy as np
    if out is None:
        return ins
    ins = list(ins)
    shapes = [v.aval.shape for v in ins]
    for i, v in enumerate(ins):
        if type(v) is Literal or v not in broadcast:
            continue
        x, dims = broadcast[v]
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
            reshaped = Var(x.aval.update(shape=expanded))
            op = shape_op("reshape", [x], {"new_sizes": expanded}, reshaped)
            if type(op) is Eqn:
                eqns.append(Eqn(op.primitive, op.inputs, op.params, [reshaped], source))
            else:
                reshaped = op  # the operand already has that shape
            x = reshaped
        ins[i], shapes = x, trial
    return ins


def _literal_is(v, value):
    import numpy as np
    return _scalar_literal(v) and np.asarray(v.value) == value


def _same_operand(a, b):
    """The same variable, or literals of one value and dtype."""
    if type(a) is Literal or type(b) is Literal:
        import numpy as np
        return (type(a) is Literal and type(b) is Literal and a.aval.dtype == b.aval.dtype
                and np.array_equal(a.value, b.value))
    return a is b


def _select_of_one_value(ins, defined):
    """What select_n(which, a, b) always picks: a == b, or relu's forward as jax.nn.relu
    writes it, select_n(x > c, max(x, c), x): where x > c, max(x, c) is x (min alike)."""
    which, a, b = ins
    if _same_operand(a, b):
        return a
    compare, extremum = defined.get(which, (None,)), defined.get(a, (None,))
    pairs = {("gt", "max"), ("lt", "min")}
    if (compare[0], extremum[0]) in pairs and type(b) is not Literal:
        (x, c), (u, v) = compare[1], extremum[1]
        if x is b and ((u is b and _same_operand(v, c)) or (v is b and _same_operand(u, c))):
            return a
    return None


def _extremum_weight(ins, defined, out):
    """(x, y, "max"/"min") where `out` is the weight JAX's JVP rule of max (min) gives x
    in max(x, y): select_n(eq(x, z), 0, select_n(eq(y, z), 1, 0.5)) with z = max(x, y)
    or max(y, x) (min alike); else None."""
    which, zero, tie = ins
    if not _literal_is(zero, 0) or defined.get(tie, (None,))[0] != "select_n":
        return None
    tie_which, one, half = defined[tie][1]
    if not (_literal_is(one, 1) and _literal_is(half, 0.5)):
        return None
    eq_x, eq_y = defined.get(which), defined.get(tie_which)
    if eq_x is None or eq_y is None or eq_x[0] != "eq" or eq_y[0] != "eq":
        return None
    (x, z), (y, z2) = eq_x[1], eq_y[1]
    if z is not z2 or type(z) is Literal or defined.get(z, (None,))[0] not in ("max", "min"):
        return None
    extremum, (a, b) = defined[z][0], defined[z][1]
    if not ((_same_operand(a, x) and _same_operand(b, y))
            or (_same_operand(a, y) and _same_operand(b, x))):
        return None
    if (x.aval.dtype.name not in ("float16", "float32", "float64")
            or x.aval.dtype != out.aval.dtype or z.aval.shape != out.aval.shape):
        return None
    return x, y, extremum


def _shape_primitive(name):
    from ..prims import shape
    return getattr(shape, f"{name}_p")


def _scalar_product(eqn, ins):
    """A dot_general of a 0-d operand and an array, in the operands' own dtype."""
    if eqn.primitive.name != "dot_general" or len(ins) != 2:
        return False
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    dtype = eqn.outputs[0].aval.dtype
    return (not (lc or rc or lb or rb) and min(len(v.aval.shape) for v in ins) == 0
            and all(v.aval.dtype == dtype for v in ins))


def _primitive(name):
    from ..prims import elementwise
    return getattr(elementwise, f"{name}_p")
