"""Passes over Jaxprs before code generation: inlining of nested jit calls,
dead-code elimination, common-subexpression elimination."""
from ..jaxpr import Jaxpr, Eqn, Var, Literal


def inline_calls(jaxpr):
    """Replace equations of nested jit calls by the equations of their Jaxprs."""
    if not any(e.primitive.name == "jit" for e in jaxpr.eqns):
        return jaxpr
    eqns, constvars, consts = [], list(jaxpr.constvars), list(jaxpr.consts)
    rename = {}

    def sub(v):
        return rename.get(v, v) if type(v) is not Literal else v

    for eqn in jaxpr.eqns:
        if eqn.primitive.name != "jit":
            eqns.append(Eqn(eqn.primitive, [sub(v) for v in eqn.inputs], eqn.params,
                            eqn.outputs, eqn.source))
            continue
        inner = inline_calls(eqn.params["jaxpr"])
        local = {}
        for v, c in zip(inner.constvars, inner.consts):
            nv = Var(v.aval)
            constvars.append(nv)
            consts.append(c)
            local[v] = nv
        for v, x in zip(inner.invars, eqn.inputs):
            local[v] = sub(x)
        for e in inner.eqns:
            outs = [Var(v.aval) for v in e.outputs]
            for old, new in zip(e.outputs, outs):
                local[old] = new
            eqns.append(Eqn(e.primitive, [local.get(v, v) if type(v) is not Literal else v
                                          for v in e.inputs], e.params, outs, e.source))
        for v, inner_out in zip(eqn.outputs, inner.outvars):
            rename[v] = local.get(inner_out, inner_out) if type(inner_out) is not Literal else inner_out
    outvars = [sub(v) for v in jaxpr.outvars]
    return Jaxpr(constvars, consts, jaxpr.invars, eqns, outvars)


def has_effects(eqn):
    """Whether an equation has side effects, itself or inside the Jaxprs it holds."""
    if eqn.primitive.effectful:
        return True
    for value in eqn.params.values():
        for j in (value if isinstance(value, tuple) else (value,)):
            if isinstance(j, Jaxpr) and any(has_effects(e) for e in j.eqns):
                return True
    return False


def dead_code_elimination(jaxpr):
    """Drop equations whose outputs nothing uses (effectful ones, like callbacks, stay)."""
    live = {v for v in jaxpr.outvars if type(v) is not Literal}
    kept = []
    for eqn in reversed(jaxpr.eqns):
        if any(v in live for v in eqn.outputs) or has_effects(eqn):
            kept.append(eqn)
            live.update(v for v in eqn.inputs if type(v) is not Literal)
    kept.reverse()
    if len(kept) == len(jaxpr.eqns):
        return jaxpr
    constvars = [v for v in jaxpr.constvars if v in live]
    consts = [c for v, c in zip(jaxpr.constvars, jaxpr.consts) if v in live]
    return Jaxpr(constvars, consts, jaxpr.invars, kept, jaxpr.outvars)


def _param_key(value):
    try:
        hash(value)
        return value
    except TypeError:
        return id(value)


def common_subexpression_elimination(jaxpr):
    """Reuse the result of an identical earlier equation (same primitive, inputs, params)."""
    seen, rename, eqns = {}, {}, []

    def sub(v):
        if type(v) is Literal:
            return ("lit", v.value.item() if hasattr(v.value, "item") else v.value,
                    v.aval.dtype), v
        v = rename.get(v, v)
        return v, v

    for eqn in jaxpr.eqns:
        keyed = [sub(v) for v in eqn.inputs]
        inputs = [v for _, v in keyed]
        if has_effects(eqn):
            eqns.append(Eqn(eqn.primitive, inputs, eqn.params, eqn.outputs, eqn.source))
            continue
        key = (eqn.primitive, tuple(k for k, _ in keyed),
               tuple(sorted((k, _param_key(p)) for k, p in eqn.params.items())))
        previous = seen.get(key)
        if previous is not None:
            for old, new in zip(eqn.outputs, previous.outputs):
                rename[old] = new
            continue
        new_eqn = Eqn(eqn.primitive, inputs, eqn.params, eqn.outputs, eqn.source)
        seen[key] = new_eqn
        eqns.append(new_eqn)
    if not rename:
        return jaxpr
    outvars = [rename.get(v, v) if type(v) is not Literal else v for v in jaxpr.outvars]
    return Jaxpr(jaxpr.constvars, jaxpr.consts, jaxpr.invars, eqns, outvars)


_identities = {"stop_gradient"}  # primitives that compute nothing once staged


def fold_constants(jaxpr):
    """Evaluate equations whose inputs are all known at compile time; forward identities."""
    known = {v: c for v, c in zip(jaxpr.constvars, jaxpr.consts)
             if not hasattr(c, "_trace")}
    rename, eqns = {}, []
    new_constvars, new_consts = list(jaxpr.constvars), list(jaxpr.consts)

    def sub(v):
        return v if type(v) is Literal else rename.get(v, v)

    def value(v):
        if type(v) is Literal:
            return v.value
        return known.get(v, _MISSING)

    for eqn in jaxpr.eqns:
        inputs = [sub(v) for v in eqn.inputs]
        prim = eqn.primitive
        if prim.name in _identities:
            rename[eqn.outputs[0]] = inputs[0]
            continue
        values = [value(v) for v in inputs]
        if prim.name == "broadcast_in_dim" and type(inputs[0]) is Literal:
            # Keep `broadcast(scalar)` symbolic: a view costs nothing, a folded constant
            # costs memory, and simplify() can treat it as the scalar.
            eqns.append(Eqn(prim, inputs, eqn.params, eqn.outputs, eqn.source))
            continue
        if (prim.name != "jit" and not has_effects(eqn) and inputs
                and all(v is not _MISSING for v in values)):
            import numpy as np
            with np.errstate(all="ignore"):
                out = prim.impl(*[np.asarray(getattr(v, "_value", v)) for v in values],
                                **eqn.params)
            outs = out if prim.multiple_results else [out]
            for var, o in zip(eqn.outputs, outs):
                o = np.asarray(o, var.aval.dtype)
                if o.shape == ():
                    rename[var] = Literal(o, var.aval)
                else:
                    known[var] = o
                    new_constvars.append(var)
                    new_consts.append(o)
            continue
        eqns.append(Eqn(prim, inputs, eqn.params, eqn.outputs, eqn.source))
    outvars = [sub(v) for v in jaxpr.outvars]
    return Jaxpr(new_constvars, new_consts, jaxpr.invars, eqns, outvars)


_MISSING = object()


def _scalar_literal(v):
    return type(v) is Literal and v.aval.shape == ()


def _safe_to_fold(c, c0):
    """Reassociating c * (c0 * x) as (c * c0) * x is exact for moderate constants whose
    product is exactly representable (the scalings autodiff leaves: 2, -1, 0.5, ...);
    with huge or tiny constants the intermediate could overflow/underflow differently."""
    import numpy as np
    a, b = float(c), float(c0)
    if not all(2.0 ** -20 <= abs(v) <= 2.0 ** 20 for v in (a, b)):
        return False
    return float(np.asarray(a * b, c.dtype)) == a * b


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
            for i in ((1, 0) if name == "sub" else (0, 1)):
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


def optimize(jaxpr):
    """The pass pipeline run before code generation."""
    jaxpr = inline_calls(jaxpr)
    jaxpr = fold_constants(jaxpr)
    jaxpr = simplify(jaxpr)
    jaxpr = common_subexpression_elimination(jaxpr)
    return dead_code_elimination(jaxpr)
