"""sharding_constraint: the identity on values that says how its result is laid out over
devices (lax.with_sharding_constraint, and the results of shard_map under jit).

The values never change; jit reads the constraints on its Jaxpr's outputs and lays its
results out by them, as JAX's compiled programs return arrays with those shardings."""
from ..core import Primitive
from ..ad import Zero

sharding_constraint_p = Primitive("sharding_constraint")
sharding_constraint_p.impl = lambda x, sharding: x
sharding_constraint_p.abstract_eval = lambda x, sharding: x
sharding_constraint_p.jvp = lambda primals, tangents, sharding: (
    sharding_constraint_p.bind(primals[0], sharding=sharding),
    tangents[0] if type(tangents[0]) is Zero else
    sharding_constraint_p.bind(tangents[0], sharding=sharding))
sharding_constraint_p.transpose = lambda ct, x, sharding: [ct]
# A batched value has one more axis than the sharding describes: the constraint is dropped.
sharding_constraint_p.batch = lambda values, dims, sharding: (values[0], dims[0])
sharding_constraint_p.lower = lambda names, params, avals=None: names[0]


def output_shardings(jaxpr):
    """The sharding each output of `jaxpr` is constrained to (None where it is not)."""
    made_by = {}
    for eqn in jaxpr.eqns:
        if eqn.primitive is sharding_constraint_p:
            sharding = eqn.params["sharding"]
            made_by[eqn.outputs[0]] = getattr(sharding, "without_trailing_none", lambda: sharding)()
    return tuple(made_by.get(v) for v in jaxpr.outvars)
