"""Algebraic simplification of what autodiff leaves behind: x**1, x*1, x+0, broadcasts
feeding elementwise operations, chains of scalar-constant scalings, the
two-compare-two-select weights of max/min's JVP rule (ReLU's derivative), and shape
operations that do nothing or compose (transpose of transpose, reshape of reshape,
broadcast of broadcast).

The rewrites are data on the primitives (`Primitive.simplify_rules`, set where each
primitive is defined; prims/compiler_rules.py has the vocabulary): this pass walks the
Jaxpr once, in order, and gives each equation to its primitive's rules."""
from ..jaxpr import Jaxpr, Eqn, Var, Literal


class _Simplifier:
    """The context the rules see (prims/compiler_rules.py): the simplified program so far."""

    def __init__(self):
        self.rename = {}     # var -> the atom that replaces it
        self.producers = {}  # var -> the simplified equation defining it
        self.scalings = {}   # var -> (c, x): var is the scalar constant c times x
        self.eqns = []
        self.source = None   # the user's source line of the equation being simplified

    def sub(self, v):
        return v if type(v) is Literal else self.rename.get(v, v)

    def producer(self, v):
        return None if type(v) is Literal else self.producers.get(v)

    def emit(self, primitive, inputs, params, aval):
        out = Var(aval)
        return self.add(Eqn(primitive, list(inputs), params, [out], self.source))

    def add(self, eqn):
        """Simplify `eqn` (its inputs already renamed) into the program; returns the atom
        holding its (first) result."""
        primitive = eqn.primitive
        for rule in primitive.simplify_rules:
            result = rule(eqn, self)
            if result is None:
                continue
            if type(result) is not Eqn:  # the result is an existing value: forward it
                self.rename[eqn.outputs[0]] = result
                return result
            eqn = result
            if eqn.primitive is not primitive:
                break  # rewritten into another primitive: its rules are not this one's
        self.eqns.append(eqn)
        for v in eqn.outputs:
            self.producers[v] = eqn
        return eqn.outputs[0] if eqn.outputs else None


def simplify(jaxpr):
    """Algebraic clean-up of what autodiff leaves behind: x**1, x*1, x+0, max(x, -inf),
    chains of scalar-constant scalings (2 * (c * x) -> (2c) * x, -(c * x) -> (-c) * x),
    broadcasts into elementwise operations (NumPy broadcasts), max/min's JVP weights (one
    extremum_weight), relu's select_n(x > 0, max(x, 0), x), and transpose / reshape /
    broadcast_in_dim chains composed or dropped: each primitive's `simplify_rules`."""
    pass_ = _Simplifier()
    for eqn in jaxpr.eqns:
        pass_.source = eqn.source
        pass_.add(Eqn(eqn.primitive, [pass_.sub(v) for v in eqn.inputs], eqn.params,
                      eqn.outputs, eqn.source))
    outvars = [pass_.sub(v) for v in jaxpr.outvars]
    return Jaxpr(jaxpr.constvars, jaxpr.consts, jaxpr.invars, pass_.eqns, outvars)
