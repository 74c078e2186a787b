"""Inlining: nested jit calls become part of the enclosing Jaxpr (one function to
generate, and every pass sees across the call boundary)."""
from ..core import nested_call
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
        with nested_call():  # jit calls nest as deep as the user wrote them
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
