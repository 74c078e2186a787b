"""Dead-code elimination: drop equations whose results nothing uses, keeping those
with side effects (callbacks), also when nested inside control flow."""
from ..jaxpr import Jaxpr, Literal


def has_effects(eqn):
    """Whether an equation has side effects, itself or inside the Jaxprs it holds."""
    if eqn.primitive.effectful:
        return True
    for value in eqn.params.values():
        for j in (value if isinstance(value, tuple) else (value,)):
            if isinstance(j, Jaxpr) and any(has_effects(e) for e in j.eqns):
                return True
    return False


def runs_user_code(eqn):
    """Whether an equation runs user Python (a callback, a primitive defined outside
    jaxlite), itself or inside the Jaxprs it holds (a cond branch never taken): such an
    equation never runs at compile time, as JAX never runs it while compiling."""
    if eqn.primitive.runs_user_code:
        return True
    for value in eqn.params.values():
        for j in (value if isinstance(value, tuple) else (value,)):
            if isinstance(j, Jaxpr) and any(runs_user_code(e) for e in j.eqns):
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
    # Constants nothing reads (e.g. the operands of folded equations) go too: the
    # generated code would keep them alive.
    if len(kept) == len(jaxpr.eqns) and all(v in live for v in jaxpr.constvars):
        return jaxpr
    constvars = [v for v in jaxpr.constvars if v in live]
    consts = [c for v, c in zip(jaxpr.constvars, jaxpr.consts) if v in live]
    return Jaxpr(constvars, consts, jaxpr.invars, kept, jaxpr.outvars)
