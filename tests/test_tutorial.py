"""The 'Higher-order derivatives' tutorial's computations, checked against the values
JAX printed (tests/data/tutorial_expected.json, recorded with JAX 0.10.2).

When the seed notebook is available (../shared/seed, as in the project workspace), the
notebook itself is also run through its checker with `jax` aliased to jaxlite.
"""
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp

HERE = os.path.dirname(__file__)
EXPECTED = json.load(open(os.path.join(HERE, "data", "tutorial_expected.json")))
SEED = os.path.abspath(os.path.join(HERE, "..", "..", "shared", "seed"))


def expected_value(cell):
    v = EXPECTED[cell]["value"]
    return np.asarray(v["data"], dtype=v["dtype"]).reshape(v["shape"])


def expected_numbers(cell):
    return [float(x) for x in re.findall(r"[-+]?\d+\.\d*(?:e[-+]?\d+)?", EXPECTED[cell]["stdout"])]


def check(value, cell):
    want = expected_value(cell)
    got = np.asarray(value)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


value_fn = lambda theta, state: jnp.dot(theta, state)
theta = jnp.array([0.1, -0.1, 0.0])
s_tm1, r_t, s_t = jnp.array([1.0, 2.0, -1.0]), jnp.array(1.0), jnp.array([2.0, 1.0, 0.0])


def td_loss_naive(theta, s_tm1, r_t, s_t):
    return -0.5 * ((r_t + value_fn(theta, s_t) - value_fn(theta, s_tm1)) ** 2)


def td_loss(theta, s_tm1, r_t, s_t):
    target = r_t + value_fn(theta, s_t)
    return -0.5 * ((jax.lax.stop_gradient(target) - value_fn(theta, s_tm1)) ** 2)


batched = [jnp.stack([a, a]) for a in (s_tm1, r_t, s_t)]


def test_hessian_of_dot():
    check(jax.jacfwd(jax.grad(lambda x: jnp.dot(x, x)))(jnp.array([1.0, 2.0, 3.0])), 1)


def test_td_updates():
    check(jax.grad(td_loss_naive)(theta, s_tm1, r_t, s_t), 4)
    check(jax.grad(td_loss)(theta, s_tm1, r_t, s_t), 5)
    s_grad = jax.grad(value_fn)(theta, s_tm1)
    check((r_t + value_fn(theta, s_t) - value_fn(theta, s_tm1)) * s_grad, 6)


def test_straight_through():
    f = jnp.round
    st = lambda x: x - jax.lax.stop_gradient(x) + jax.lax.stop_gradient(f(x))
    got = [float(f(3.2)), float(st(3.2)), float(jax.grad(f)(3.2)), float(jax.grad(st)(3.2))]
    assert got == expected_numbers(7)


def test_per_example_gradients():
    inefficient = jax.vmap(jax.grad(td_loss), in_axes=(None, 0, 0, 0))
    check(jax.jit(inefficient)(theta, *batched), 8)
    check(jax.grad(td_loss)(theta, s_tm1, r_t, s_t), 9)
    check(jax.vmap(jax.grad(td_loss))(jnp.stack([theta, theta]), *batched), 10)
    check(inefficient(theta, *batched), 11)
    check(jax.jit(inefficient)(theta, *batched), 12)


def _tutorial_model():
    inputs = jnp.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15],
                        [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]])
    key = jax.random.key(0)
    key, W_key, b_key = jax.random.split(key, 3)
    W = jax.random.normal(W_key, (3,))
    b = jax.random.normal(b_key, ())
    predict = lambda W, b: 0.5 * (jnp.tanh((jnp.dot(inputs, W) + b) / 2) + 1)
    return W, b, predict


def _printed_arrays(text):
    return np.array([float(x) for x in re.findall(r"[-+]?\d+\.\d+(?:e[-+]?\d+)?", text)])


def test_jacobians_and_hessian():
    W, b, predict = _tutorial_model()
    f = lambda W: predict(W, b)
    numbers = expected_numbers(15)
    # "jacfwd result, with shape (4, 3)" then 12 numbers; same for jacrev.
    want_fwd, want_rev = np.array(numbers[:12]), np.array(numbers[12:24])
    J_fwd, J_rev = jax.jacfwd(f)(W), jax.jacrev(f)(W)
    assert J_fwd.shape == J_rev.shape == (4, 3)
    np.testing.assert_allclose(np.ravel(J_fwd), want_fwd, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.ravel(J_rev), want_rev, rtol=1e-5, atol=1e-6)
    J_dict = jax.jacrev(lambda p: predict(p["W"], p["b"]))({"W": W, "b": b})
    assert list(J_dict) == ["W", "b"]
    dict_numbers = _printed_arrays(EXPECTED[16]["stdout"])
    np.testing.assert_allclose(np.concatenate([np.ravel(J_dict["W"]), np.ravel(J_dict["b"])]),
                               dict_numbers, rtol=1e-5, atol=1e-6)
    H = jax.jacfwd(jax.jacrev(f))(W)
    assert H.shape == (4, 3, 3)
    np.testing.assert_allclose(np.ravel(H), _printed_arrays(EXPECTED[17]["stdout"]),
                               rtol=1e-5, atol=1e-6)


def test_hvp_with_closure():
    def hvp(f, x, v):
        return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)
    g = lambda x: jnp.sum(jnp.sin(x) * x ** 2)
    x, v = jnp.array([0.3, -1.0, 2.0]), jnp.array([1.0, 0.5, -2.0])
    np.testing.assert_allclose(hvp(g, x, v), jax.hessian(g)(x) @ v, rtol=1e-5, atol=1e-5)


@pytest.mark.skipif(not os.path.exists(os.path.join(SEED, "run_notebook.py")),
                    reason="the seed notebook lives outside the repository (../shared/seed)")
@pytest.mark.needs_subprocess
def test_seed_notebook_runs_unchanged():
    src = os.path.abspath(os.path.join(HERE, "..", "src"))
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, os.path.join(SEED, "run_notebook.py"),
                          os.path.join(SEED, "higher_order_derivatives.md"), "--lib", "jaxlite",
                          "--compare", os.path.join(SEED, "expected_outputs.json")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert "18 passed, 0 failed" in out.stdout, out.stdout + out.stderr
