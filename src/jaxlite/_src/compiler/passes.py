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


def dead_code_elimination(jaxpr):
    """Drop equations whose outputs nothing uses (all primitives are pure)."""
    live = {v for v in jaxpr.outvars if type(v) is not Literal}
    kept = []
    for eqn in reversed(jaxpr.eqns):
        if any(v in live for v in eqn.outputs):
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


def optimize(jaxpr):
    jaxpr = inline_calls(jaxpr)
    jaxpr = common_subexpression_elimination(jaxpr)
    return dead_code_elimination(jaxpr)
