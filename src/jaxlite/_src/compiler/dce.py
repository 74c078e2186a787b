"""Dead-code elimination: drop equations whose results nothing uses, keeping those
with side effects (callbacks), also when nested inside control flow; an equation whose
primitive can compute fewer outputs (`Primitive.prune_outputs`: a scan's dead carries
and unread ys) loses the unread ones."""
from ..jaxpr import Jaxpr, Literal


def _anywhere(eqn, flag):
    """Whether the primitive attribute `flag` holds for `eqn` or for any equation inside
    the Jaxprs it holds (control flow's bodies and branches)."""
    if getattr(eqn.primitive, flag):
        return True
    for value in eqn.params.values():
        for j in (value if isinstance(value, tuple) else (value,)):
            if isinstance(j, Jaxpr) and any(_anywhere(e, flag) for e in j.eqns):
                return True
    return False


def has_effects(eqn):
    """Whether an equation has side effects, itself or inside the Jaxprs it holds."""
    return _anywhere(eqn, "effectful")


def runs_user_code(eqn):
    """Whether an equation runs user Python (a callback, a primitive defined outside
    jaxlite), itself or inside the Jaxprs it holds (a cond branch never taken): such an
    equation never runs at compile time, as JAX never runs it while compiling."""
    return _anywhere(eqn, "runs_user_code")


def dead_code_elimination(jaxpr):
    """Drop equations whose outputs nothing uses (effectful ones, like callbacks, stay)."""
    live = {v for v in jaxpr.outvars if type(v) is not Literal}
    kept = []
    pruned = False
    for eqn in reversed(jaxpr.eqns):
        used = [v in live for v in eqn.outputs]
        if any(used) or has_effects(eqn):
            if not all(used) and eqn.primitive.prune_outputs is not None \
                    and not has_effects(eqn):
                smaller = eqn.primitive.prune_outputs(eqn, used)
                if smaller is not None:
                    eqn, pruned = smaller, True
            kept.append(eqn)
            live.update(v for v in eqn.inputs if type(v) is not Literal)
    kept.reverse()
    # Constants nothing reads (e.g. the operands of folded equations) go too: the
    # generated code would keep them alive.
    if not pruned and len(kept) == len(jaxpr.eqns) and all(v in live for v in jaxpr.constvars):
        return jaxpr
    constvars = [v for v in jaxpr.constvars if v in live]
    consts = [c for v, c in zip(jaxpr.constvars, jaxpr.consts) if v in live]
    return Jaxpr(constvars, consts, jaxpr.invars, kept, jaxpr.outvars)
