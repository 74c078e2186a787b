"""Constant folding: equations whose inputs are all known at compile time are
evaluated once; identity primitives (stop_gradient) are forwarded. A folded value is
stored as the program reads it best: one value broadcast stays broadcast(scalar), a
transposed view becomes a C-ordered copy."""
import numpy as np

from ..jaxpr import Jaxpr, Eqn, Literal
from ..prims.elementwise import stop_gradient_p
from ..prims.shape import broadcast_in_dim_p
from .dce import has_effects, runs_user_code


_identities = {stop_gradient_p}  # primitives that compute nothing once staged


def fold_constants(jaxpr):
    """Evaluate equations whose inputs are all known at compile time; forward identities."""
    known = {v: c for v, c in zip(jaxpr.constvars, jaxpr.consts)
             if not hasattr(c, "_trace")}
    rename, eqns = {}, []
    new_constvars, new_consts = list(jaxpr.constvars), list(jaxpr.consts)
    # Values only NumPy-broadcasting ufuncs (or broadcasts) read: one value broadcast may
    # stay a broadcast of the scalar, which those read as the scalar itself.
    read_as_scalar = _read_as_scalar(jaxpr)

    def sub(v):
        return v if type(v) is Literal else rename.get(v, v)

    def value(v):
        if type(v) is Literal:
            return v.value
        return known.get(v, _MISSING)

    for eqn in jaxpr.eqns:
        inputs = [sub(v) for v in eqn.inputs]
        prim = eqn.primitive
        if prim in _identities:
            rename[eqn.outputs[0]] = inputs[0]
            continue
        values = [value(v) for v in inputs]
        if prim is broadcast_in_dim_p and type(inputs[0]) is Literal:
            # Keep `broadcast(scalar)` symbolic: a view costs nothing, a folded constant
            # costs memory, and simplify() can treat it as the scalar.
            eqns.append(Eqn(prim, inputs, eqn.params, eqn.outputs, eqn.source))
            continue
        if (prim.name != "jit" and not has_effects(eqn) and not runs_user_code(eqn) and inputs
                and all(v is not _MISSING for v in values)):
            with np.errstate(all="ignore"):
                out = prim.impl(*[np.asarray(getattr(v, "_value", v)) for v in values],
                                **eqn.params)
            outs = out if prim.multiple_results else [out]
            for var, o in zip(eqn.outputs, outs):
                o = np.asarray(o, var.aval.dtype)
                if o.shape == ():
                    rename[var] = Literal(o, var.aval)
                elif o.size and not any(o.strides) and var in read_as_scalar:
                    # One value broadcast (the ones of a scalar's cotangent basis): kept
                    # as broadcast(scalar), which simplify() can read as the scalar
                    # (x * 1 -> x) where a constant array would be one more pass.
                    scalar = Literal(np.asarray(o.flat[0]), var.aval.update(shape=()))
                    eqns.append(Eqn(broadcast_in_dim_p, [scalar],
                                    {"shape": o.shape, "broadcast_dimensions": (),
                                     "sharding": None}, [var], eqn.source))
                else:
                    if o.ndim > 1 and not o.flags.c_contiguous and 0 not in o.strides:
                        # A transposed view (W.T of a closed-over W): copied once here
                        # so that the program's loops read it in order; the fused
                        # tier's kernels run only over C-ordered operands.
                        o = np.ascontiguousarray(o)
                    known[var] = o
                    new_constvars.append(var)
                    new_consts.append(o)
            continue
        eqns.append(Eqn(prim, inputs, eqn.params, eqn.outputs, eqn.source))
    outvars = [sub(v) for v in jaxpr.outvars]
    return Jaxpr(new_constvars, new_consts, jaxpr.invars, eqns, outvars)


_MISSING = object()


def _read_as_scalar(jaxpr):
    """The variables every reader of which is an elementwise ufunc or a broadcast (and
    that are no output)."""
    readers = {}
    for eqn in jaxpr.eqns:
        scalar_reader = eqn.primitive.ufunc_name is not None or eqn.primitive is broadcast_in_dim_p
        for v in eqn.inputs:
            if type(v) is not Literal:
                readers[v] = readers.get(v, True) and scalar_reader
    for v in jaxpr.outvars:
        readers[v] = False
    return {v for v, ok in readers.items() if ok}
