"""Fuzzing: random programs under random stacks of transformations (grad, jvp, vmap,
jit, nested up to depth 3), each checked against a reference built from the same
stack with every transformation replaced by its definition: jit by the identity,
vmap by a Python loop, grad/jvp by central finite differences (in x64).
CI runs a small budget; `pytest -m slow` a large one."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax

UNARY = [jnp.sin, jnp.cos, jnp.tanh, lambda x: x * x, lambda x: jnp.exp(-x * x),
         lambda x: jnp.log1p(x * x), lambda x: 1 / (1 + jnp.exp(-x))]
BINARY = [jnp.add, jnp.subtract, jnp.multiply, lambda a, b: a * jnp.cos(b),
          lambda a, b: a * b + jnp.sin(a)]  # smooth: FD references need differentiability
MIXERS = [lambda x: x, lambda x: x[::-1], lambda x: jnp.cumsum(x) if hasattr(jnp, "cumsum") else x,
          lambda x: x - jnp.mean(x), lambda x: x * jnp.sum(x ** 2) / 10,
          # threshold away from values hypothesis favours, so FD never straddles the switch
          lambda x: lax.cond(jnp.sum(x) > 0.123456, lambda y: y * 2, jnp.sin, x),
          lambda x: lax.scan(lambda c, v: (c * 0.5 + v, c * v), 0.0, x)[1]]


@st.composite
def programs(draw):
    """A random vector -> vector program as a list of (kind, op index) steps."""
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["unary", "binary", "mix"]))
        pool = {"unary": UNARY, "binary": BINARY, "mix": MIXERS}[kind]
        steps.append((kind, draw(st.integers(0, len(pool) - 1))))
    return steps


def build(steps):
    def f(x):
        y = x
        for kind, i in steps:
            if kind == "unary":
                y = UNARY[i](y)
            elif kind == "binary":
                y = BINARY[i](y, x)
            else:
                y = MIXERS[i](y)
        return y
    return f


# Each transformation maps a function R^n -> R^n to another such function, and has a
# reference with the same meaning built from plain evaluation.
def t_jit(f):
    return jax.jit(f)


def r_jit(f):
    return f


def t_grad(f):
    return jax.grad(lambda x: jnp.sum(f(x)))


def r_grad(f, eps=1e-6):
    def g(x):
        x = np.asarray(x, np.float64)
        out = np.zeros_like(x)
        for i in range(x.size):
            e = np.zeros_like(x)
            e[i] = eps
            out[i] = (np.sum(np.asarray(f(jnp.asarray(x + e)))) -
                      np.sum(np.asarray(f(jnp.asarray(x - e))))) / (2 * eps)
        return jnp.asarray(out)
    return g


def t_jvp(f):
    return lambda x: jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def r_jvp(f, eps=1e-6):
    def g(x):
        x = np.asarray(x, np.float64)
        return jnp.asarray((np.asarray(f(jnp.asarray(x + eps))) -
                            np.asarray(f(jnp.asarray(x - eps)))) / (2 * eps))
    return g


def t_vmap(f):
    # Map over a batch of 2 made from x (the function stays R^n -> R^n).
    return lambda x: jnp.sum(jax.vmap(f)(jnp.stack([x, x * 0.5])), axis=0)


def r_vmap(f):
    return lambda x: f(x) + f(x * 0.5)


TRANSFORMS = {"jit": (t_jit, r_jit), "grad": (t_grad, r_grad), "jvp": (t_jvp, r_jvp),
              "vmap": (t_vmap, r_vmap)}


def check(steps, stack, x):
    f = build(steps)
    transformed, reference = f, f
    for name in stack:
        t, r = TRANSFORMS[name]
        transformed, reference = t(transformed), r(reference)
    got = np.asarray(transformed(jnp.asarray(x)))
    want = np.asarray(reference(jnp.asarray(x)))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-5,
                               err_msg=f"program {steps} under {stack}")


stacks = st.lists(st.sampled_from(sorted(TRANSFORMS)), min_size=1, max_size=3).filter(
    lambda s: sum(n in ("grad", "jvp") for n in s) <= 1)  # one FD level keeps references exact
vectors = st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3).map(
    lambda v: np.asarray(v, np.float64))


@pytest.mark.usefixtures("x64")
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(programs(), stacks, vectors)
def test_random_programs_under_random_transformations(steps, stack, x):
    check(steps, stack, x)


@pytest.mark.slow
@pytest.mark.usefixtures("x64")
@settings(max_examples=1000, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(programs(), stacks, vectors)
def test_random_programs_under_random_transformations_large(steps, stack, x):
    check(steps, stack, x)
