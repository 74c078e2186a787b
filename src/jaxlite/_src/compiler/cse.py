"""Common-subexpression elimination: an equation identical to an earlier one (same
primitive, inputs and parameters) reuses its result; effectful ones never merge."""
from ..jaxpr import Jaxpr, Eqn, Literal
from .dce import has_effects


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
