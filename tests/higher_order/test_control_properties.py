"""Property tests: random small programs built from cond, switch, scan and fori_loop.

For each program f: R^n -> R^n (drawn by hypothesis) the identities that define the
transformations must hold:
  jit(f) == f;   vmap(f) == [f(x) for x in xs];
  grad(sum(w * f)) == central finite differences (x64);
  <u, J v> == <J^T u, v> with J v from jvp and J^T u from vjp.
Branch predicates depend on the input, so vmap meets batched predicates (cond becomes
a select) and derivatives cross both branches; finite differences are only compared
where no predicate is within reach of the step.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax

N = 4  # length of the program's input vector

UNARY = [jnp.sin, jnp.tanh, lambda y: 0.5 * y * y, lambda y: jnp.exp(-y * y),
         lambda y: y * jnp.cos(y), lambda y: jnp.log1p(y * y)]

# Predicate margins seen in the latest run (a debug callback sees concrete values even
# inside scan bodies): finite differences are only meaningful away from a branch switch.
margins = []


def record_margin(value):
    jaxlite.debug.callback(lambda v: margins.append(float(np.min(np.abs(v)))), value)


def step_cond(y, x, a, b):
    score = jnp.sum(y * jnp.linspace(-1.0, 1.0, N)) - 0.1 * a
    record_margin(score)
    return lax.cond(score > 0, lambda v: UNARY[a](v) + x, lambda v: UNARY[b](v) * 0.7, y)


def step_switch(y, x, a, b):
    score = jnp.sum(y) * 1.5
    record_margin(score - jnp.round(score))  # branch index changes at half-integers
    score_index = jnp.clip(jnp.round(score), -1, 3).astype(jnp.int32) + 1
    branches = [UNARY[a], UNARY[b], lambda v: v * x, lambda v: jnp.sin(v + x),
                lambda v: v[::-1]]
    return lax.switch(score_index, branches, y)


def step_scan(y, x, a, b):
    def body(carry, inputs):
        y_t, x_t = inputs
        carry = 0.6 * jnp.tanh(carry) + UNARY[a](y_t) * x_t
        return carry, carry * y_t + 0.1 * carry ** 2

    final, ys = lax.scan(body, jnp.sum(x) * 0.1, (y, x), reverse=bool(b % 2))
    return ys + final


def step_fori(y, x, a, b):
    # static bounds: a scan underneath, so reverse mode works
    return lax.fori_loop(0, 1 + b % 3, lambda i, c: 0.8 * c + 0.2 * UNARY[a](c) * x + 0.1 * i, y)


def step_nested(y, x, a, b):
    # a cond inside a scan body: the predicate differs per step
    def body(carry, y_t):
        record_margin(y_t - carry)
        new = lax.cond(y_t > carry, lambda c: c + UNARY[a](y_t), lambda c: c * 0.5 - y_t, carry)
        return new, new * y_t

    _, ys = lax.scan(body, 0.0, y)
    return ys


STEPS = [step_cond, step_switch, step_scan, step_fori, step_nested]


@st.composite
def programs(draw):
    return [(draw(st.integers(0, len(STEPS) - 1)), draw(st.integers(0, len(UNARY) - 1)),
             draw(st.integers(0, len(UNARY) - 1))) for _ in range(draw(st.integers(1, 3)))]


def build(program):
    def f(x):
        y = x
        for kind, a, b in program:
            y = STEPS[kind](y, x, a, b)
        return y
    return f


vectors = st.lists(st.floats(-1.5, 1.5), min_size=N, max_size=N).map(
    lambda v: np.asarray(v, np.float64))
SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def run_plain(f, x):
    """f(x) evaluated eagerly, returning it and the smallest predicate margin seen."""
    del margins[:]
    out = np.asarray(f(jnp.asarray(x)))
    return out, min(margins, default=np.inf)


@settings(max_examples=80, **SETTINGS)
@given(programs(), vectors)
def test_jit_equals_eager(program, x):
    f = build(program)
    x = jnp.asarray(x, jnp.float32)
    np.testing.assert_allclose(np.asarray(jaxlite.jit(f)(x)), np.asarray(f(x)),
                               rtol=1e-5, atol=1e-6, err_msg=str(program))


@settings(max_examples=60, **SETTINGS)
@given(programs(), st.lists(vectors, min_size=3, max_size=3))
def test_vmap_equals_loop(program, xs):
    f = build(program)
    xs = jnp.asarray(np.stack(xs), jnp.float32)
    expected = np.stack([np.asarray(f(x)) for x in xs])
    np.testing.assert_allclose(np.asarray(jaxlite.vmap(f)(xs)), expected,
                               rtol=1e-5, atol=1e-6, err_msg=str(program))
    np.testing.assert_allclose(np.asarray(jaxlite.jit(jaxlite.vmap(f))(xs)), expected,
                               rtol=1e-5, atol=1e-6, err_msg=str(program))


@pytest.mark.usefixtures("x64")
@settings(max_examples=80, **SETTINGS)
@given(programs(), vectors)
def test_grad_matches_finite_differences(program, x):
    f = build(program)
    _, margin = run_plain(f, x)
    eps = 1e-6
    assume(margin > 100 * eps)  # no branch switches between x - eps and x + eps
    weights = np.linspace(0.5, 1.5, N)
    loss = lambda x: jnp.sum(f(x) * weights)
    fd = np.array([(float(loss(jnp.asarray(x + eps * e))) - float(loss(jnp.asarray(x - eps * e))))
                   / (2 * eps) for e in np.eye(N)])
    g = np.asarray(jaxlite.grad(loss)(jnp.asarray(x)))
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-6, err_msg=str(program))
    np.testing.assert_allclose(np.asarray(jaxlite.jit(jaxlite.grad(loss))(jnp.asarray(x))), g,
                               rtol=1e-10, atol=1e-12, err_msg=str(program))


@pytest.mark.usefixtures("x64")
@settings(max_examples=80, **SETTINGS)
@given(programs(), vectors, vectors, vectors)
def test_jvp_and_vjp_are_transposes(program, x, u, v):
    f = build(program)
    x = jnp.asarray(x)
    _, jv = jaxlite.jvp(f, (x,), (jnp.asarray(v),))
    _, pullback = jaxlite.vjp(f, x)
    (jtu,) = pullback(jnp.asarray(u))
    lhs, rhs = float(np.dot(u, np.asarray(jv))), float(np.dot(np.asarray(jtu), v))
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-9), program
