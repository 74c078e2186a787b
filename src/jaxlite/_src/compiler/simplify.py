"""Algebraic simplification of what autodiff leaves behind: x**1, x*1, x+0,
broadcasts of scalars, and chains of scalar-constant scalings."""
from ..jaxpr import Jaxpr, Eqn, Var, Literal


def _scalar_literal(v):
    return type(v) is Literal and v.aval.shape == ()


def _safe_to_fold(c, c0):
    """Reassociating c * (c0 * x) as (c * c0) * x is exact for moderate constants whose
    product is exactly representable (the scalings autodiff leaves: 2, -1, 0.5, ...);
    with huge or tiny constants the intermediate could overflow/underflow differently."""
    import numpy as np
    number = complex if c.dtype.kind == "c" else float  # complex: each part must be exact
    a, b = number(c), number(c0)
    parts = [a, b] if number is float else [p for v in (a, b) for p in (v.real, v.imag) if p]
    if not all(2.0 ** -20 <= abs(p) <= 2.0 ** 20 for p in parts):
        return False
    return number(np.asarray(a * b, c.dtype)) == a * b


def simplify(jaxpr):
    """Algebraic clean-up of what autodiff leaves behind: x**1, x*1, x+0, chains of
    scalar-constant scalings (c1 * (c2 * x) -> (c1*c2) * x, -(c * x) -> (-c) * x)."""
    import numpy as np
    rename, scaled, eqns = {}, {}, []

    def sub(v):
        return v if type(v) is Literal else rename.get(v, v)

    def literal(value, aval):
        return Literal(np.asarray(value, aval.dtype), aval)

    broadcast_scalar = {}  # var -> the scalar Literal it broadcasts
    for eqn in jaxpr.eqns:
        ins = [sub(v) for v in eqn.inputs]
        name = eqn.primitive.name
        out = eqn.outputs[0] if eqn.outputs else None
        if name == "broadcast_in_dim" and _scalar_literal(ins[0]):
            broadcast_scalar[out] = ins[0]
        if name in ("mul", "add", "sub") and len(ins) == 2:
            # x * broadcast(c) has x's shape whenever x already has the output's shape.
            ins = [broadcast_scalar[v] if v in broadcast_scalar and type(w) is not Literal
                   and w.aval.shape == out.aval.shape else v
                   for v, w in zip(ins, ins[::-1])]
        same_shape = [type(v) is not Literal and v.aval.shape == out.aval.shape
                      and v.aval.dtype == out.aval.dtype for v in ins] if out is not None else []
        if name == "integer_pow" and eqn.params["y"] == 1 and same_shape[0]:
            rename[out] = ins[0]
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


def _primitive(name):
    from ..prims import elementwise
    return getattr(elementwise, f"{name}_p")
