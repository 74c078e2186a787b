"""What custom interpreters print of a Jaxpr: Literal reprs and eqn.params dicts, as JAX
0.10.2 prints them (recorded from its make_jaxpr)."""
import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite.extend import core


def _literals(f, *args):
    jaxpr = jax.make_jaxpr(f)(*args).jaxpr
    return [repr(v) for e in jaxpr.eqns for v in e.invars if type(v) is core.Literal]


def test_literal_reprs_as_jax():
    assert _literals(lambda x: x + 1, 5) == ["Literal(TypedInt(1, dtype=int32))"]
    assert _literals(lambda x: x * 2.5, 1.0) == ["Literal(2.5)"]
    assert _literals(lambda x: x * 0.1, 1.0) == ["Literal(0.1)"]
    assert _literals(lambda x: x * 2.0, jnp.ones(3)) == ["Literal(2.0)"]
    assert _literals(lambda x: x + 1, jnp.ones(3, jnp.int32)) == ["Literal(1)"]
    assert _literals(lambda x: x * (1 + 2j), 1.0) == [
        "Literal(TypedComplex((1+2j), dtype=complex64))"]
    assert _literals(lambda x: x + True, True) == ["Literal(True)"]


def test_eqn_params_hold_jax_names_in_jax_order():
    jaxpr = jax.make_jaxpr(lambda w, x: jnp.dot(w, x) + jnp.ones(5))(jnp.ones((5, 10)),
                                                                      jnp.ones(10)).jaxpr
    params = {e.primitive.name: e.params for e in jaxpr.eqns}
    assert repr(params["dot_general"]) == (
        "{'dimension_numbers': (((1,), (0,)), ((), ())), 'precision': None, "
        "'preferred_element_type': dtype('float32'), 'out_sharding': None}")
    assert repr(params["broadcast_in_dim"]) == (
        "{'shape': (5,), 'broadcast_dimensions': (), 'sharding': None}")
    # and a custom interpreter binding them gets the same values back
    e = jaxpr.eqns[0]
    out = e.primitive.bind(jnp.ones((5, 10)), jnp.ones(10), **e.params)
    assert out.shape == (5,) and float(out[0]) == 10.0
