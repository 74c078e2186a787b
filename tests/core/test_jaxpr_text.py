"""jaxlite prints make_jaxpr's text as JAX does where both stage the same program.

tools/record_jaxpr_text.py recorded JAX's text for each case in
tests/data/jaxpr_text_golden.json; this evaluates the same function and argument
sources with jaxlite. Cases whose *programs* differ (not the printing) are listed
in DIFFERENT_PROGRAMS with the reason (the README lists them too); they are checked to
still differ, so a change that closes one shows up here and the list stays true."""
import json
import os

import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax

GOLDEN = json.load(open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "data",
                                     "jaxpr_text_golden.json")))["cases"]

DIFFERENT_PROGRAMS = {
    "eigh_unused": "JAX's jnp.linalg.eigh is a jitted function; jaxlite's is not",
}


@pytest.mark.parametrize("name", sorted(set(GOLDEN) - set(DIFFERENT_PROGRAMS)))
def test_make_jaxpr_text_matches_jax(name):
    case = GOLDEN[name]
    scope = {"jax": jaxlite, "jnp": jnp, "lax": lax}
    fun, args = eval(case["fun"], scope), eval(case["args"], scope)
    assert str(jaxlite.make_jaxpr(fun)(*args)) == case["text"]


@pytest.mark.parametrize("name", sorted(DIFFERENT_PROGRAMS))
def test_listed_differences_still_differ(name):
    case = GOLDEN[name]
    scope = {"jax": jaxlite, "jnp": jnp, "lax": lax}
    fun, args = eval(case["fun"], scope), eval(case["args"], scope)
    assert str(jaxlite.make_jaxpr(fun)(*args)) != case["text"], (
        f"{name} now prints as JAX does: remove it from DIFFERENT_PROGRAMS")


def test_layout_breaks_params_and_nested_jaxprs_as_jax():
    text = str(jaxlite.make_jaxpr(lambda x: jaxlite.jit(lambda y: y * 2)(x) + 1)(jnp.ones(3)))
    assert text == ("{ lambda ; a:f32[3]. let\n"
                    "    b:f32[3] = jit[\n"
                    "      name=<lambda>\n"
                    "      jaxpr={ lambda ; a:f32[3]. let b:f32[3] = mul a 2.0:f32[] in (b,) }\n"
                    "    ] a\n"
                    "    c:f32[3] = add b 1.0:f32[]\n"
                    "  in (c,) }")


def test_unused_outputs_print_as_underscore():
    text = str(jaxlite.make_jaxpr(lambda x: jnp.linalg.eigh(x)[0])(jnp.eye(2)))
    assert "_:f32[2,2] e:f32[2] = eigh" in text


def test_shared_jaxpr_printed_once_first():
    from jaxlite._src.higher_order.jit import jit_p
    inner = jaxlite.make_jaxpr(jnp.sin)(jnp.ones(2)).jaxpr

    def f(x):
        a, = jit_p.bind(x, jaxpr=inner, name="sin")
        b, = jit_p.bind(x, jaxpr=inner, name="sin")
        return a + b
    text = str(jaxlite.make_jaxpr(f)(jnp.ones(2)))
    assert text.startswith("let sin = { lambda ; a:f32[2]. let b:f32[2] = sin a in (b,) } in\n")
    assert text.count("jit[name=sin jaxpr=sin] c") == 2
