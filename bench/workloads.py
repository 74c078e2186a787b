"""The benchmark workloads: one registry list, each entry written once against
the library modules `(jax, jnp)` so the same code runs on jaxlite and on JAX.

To add a workload, write a builder and decorate it:

    @workload("my thing, jit steady state", mode="steady")
    def my_thing(jax, jnp):
        f = jax.jit(...)                  # setup: not timed
        args = ...                        # inputs built from fixed NumPy data
        return lambda: f(*args)           # one timed call; returns its output

Modes:
  steady      build once, warm up (compiles a jit), then time many calls;
              reports time per call.
  first_call  build afresh for every sample (new function objects, so no
              cache can hit) and time its first call: trace + compile + run.

The harness (run.py) calls `block_until_ready` on every output and compares
jaxlite's output with JAX's (np.allclose with the workload's rtol/atol).
Inputs come from NumPy so both libraries see identical float32 data.
"""
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Workload:
    name: str
    build: Callable  # build(jax, jnp) -> thunk; thunk() does one call, returns its output
    mode: str = "steady"  # "steady" | "first_call"
    rtol: float = 1e-5
    atol: float = 1e-6
    compare: bool = True  # compare outputs between the libraries

    @property
    def description(self):
        return (self.build.__doc__ or "").strip()


WORKLOADS = []


def workload(name, mode="steady", rtol=1e-5, atol=1e-6, compare=True):
    """Register `build(jax, jnp) -> thunk` as a workload (in definition order)."""
    assert mode in ("steady", "first_call"), mode

    def register(build):
        WORKLOADS.append(Workload(name, build, mode, rtol, atol, compare))
        return build
    return register


# --- 1. TD(0) per-example gradients (tutorial: higher_order_derivatives.md) -------------

def _td_loss(jax, jnp):
    """A new td_loss function object on every call (so fresh jits never hit a cache)."""
    value_fn = lambda theta, state: jnp.dot(theta, state)

    def td_loss(theta, s_tm1, r_t, s_t):
        v_tm1 = value_fn(theta, s_tm1)
        target = r_t + value_fn(theta, s_t)
        return -0.5 * ((jax.lax.stop_gradient(target) - v_tm1) ** 2)
    return td_loss


def _td_inputs(jnp):
    theta = jnp.array([0.1, -0.1, 0.])
    s_tm1 = jnp.array([1., 2., -1.])
    r_t = jnp.array(1.)
    s_t = jnp.array([2., 1., 0.])
    return (theta, jnp.stack([s_tm1, s_tm1]), jnp.stack([r_t, r_t]), jnp.stack([s_t, s_t]))


def _td_perex(jax, jnp):
    return jax.vmap(jax.grad(_td_loss(jax, jnp)), in_axes=(None, 0, 0, 0))


@workload("TD(0) per-example grads, eager (`inefficient_perex_grads`)")
def td_eager(jax, jnp):
    """vmap(grad(td_loss), in_axes=(None, 0, 0, 0)), not jitted; batch 2, size 3."""
    f = _td_perex(jax, jnp)
    args = _td_inputs(jnp)
    return lambda: f(*args)


@workload("TD(0) per-example grads, jit steady state (`perex_grads`)")
def td_jit(jax, jnp):
    """jit(vmap(grad(td_loss))), per call after the first."""
    f = jax.jit(_td_perex(jax, jnp))
    args = _td_inputs(jnp)
    return lambda: f(*args)


@workload("TD(0) per-example grads, jit first call", mode="first_call")
def td_jit_first(jax, jnp):
    """First call of a freshly created jit(vmap(grad(td_loss))): trace + compile + run."""
    f = jax.jit(_td_perex(jax, jnp))
    args = _td_inputs(jnp)
    return lambda: f(*args)


# --- 2. Import time ----------------------------------------------------------------------

@workload("`import <lib>.numpy` in a fresh interpreter", mode="first_call", compare=False)
def import_numpy(jax, jnp):
    """Wall time of `python -c "import jax.numpy"` (resp. jaxlite.numpy), subprocess;
    includes interpreter start-up."""
    command = [sys.executable, "-c", f"import {jax.__name__}.numpy"]
    env = dict(os.environ)
    # Measure imports as a normal install runs them, from cached bytecode (pip installs
    # JAX with its .pyc files; some sandboxes set PYTHONDONTWRITEBYTECODE, which would
    # make jaxlite recompile its sources on every import). The untimed warm-up writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # The library must import from where this process found it (e.g. PYTHONPATH=src).
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(jax.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)

    def run():
        subprocess.run(command, env=env, check=True)
    return run


# --- 3. MLP 784-512-10 per-example gradients ---------------------------------------------

MLP_BATCH = 128


def _mlp_data():
    rng = np.random.default_rng(0)
    params = {
        "W1": rng.standard_normal((784, 512)) / np.sqrt(784),
        "b1": 0.1 * rng.standard_normal(512),
        "W2": rng.standard_normal((512, 10)) / np.sqrt(512),
        "b2": 0.1 * rng.standard_normal(10),
    }
    params = {k: v.astype(np.float32) for k, v in params.items()}
    x = rng.standard_normal((MLP_BATCH, 784)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, MLP_BATCH)]
    return params, x, y


def _mlp_inputs(jnp):
    params, x, y = _mlp_data()
    return {k: jnp.asarray(v) for k, v in params.items()}, jnp.asarray(x), jnp.asarray(y)


def _mlp_perex(jax, jnp):
    def loss(params, x, y):  # one example: x (784,), y one-hot (10,)
        hidden = jnp.tanh(jnp.dot(x, params["W1"]) + params["b1"])
        logits = jnp.dot(hidden, params["W2"]) + params["b2"]
        shift = jnp.max(logits)
        log_normalizer = shift + jnp.log(jnp.sum(jnp.exp(logits - shift)))
        return -jnp.sum(y * (logits - log_normalizer))
    return jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))


@workload(f"MLP 784-512-10 per-example grads (batch {MLP_BATCH}), eager",
          rtol=1e-4, atol=1e-6)
def mlp_eager(jax, jnp):
    """vmap(grad(softmax cross-entropy of tanh MLP), in_axes=(None, 0, 0)), not jitted;
    outputs a (128, 784, 512) float32 gradient for W1 among others."""
    f = _mlp_perex(jax, jnp)
    args = _mlp_inputs(jnp)
    return lambda: f(*args)


@workload(f"MLP 784-512-10 per-example grads (batch {MLP_BATCH}), jit steady state",
          rtol=1e-4, atol=1e-6)
def mlp_jit(jax, jnp):
    """jit(vmap(grad(loss))), per call after the first."""
    f = jax.jit(_mlp_perex(jax, jnp))
    args = _mlp_inputs(jnp)
    return lambda: f(*args)


@workload(f"MLP 784-512-10 per-example grads (batch {MLP_BATCH}), jit first call",
          mode="first_call", rtol=1e-4, atol=1e-6)
def mlp_jit_first(jax, jnp):
    """First call of a freshly created jit(vmap(grad(loss))): trace + compile + run."""
    f = jax.jit(_mlp_perex(jax, jnp))
    args = _mlp_inputs(jnp)
    return lambda: f(*args)


# --- 4. Hessian by forward-over-reverse --------------------------------------------------

HESSIAN_SIZE = 300


def _hessian_setup(jax, jnp):
    rng = np.random.default_rng(1)
    A = jnp.asarray((rng.standard_normal((HESSIAN_SIZE, HESSIAN_SIZE))
                     / np.sqrt(HESSIAN_SIZE)).astype(np.float32))
    x = jnp.asarray(rng.standard_normal(HESSIAN_SIZE).astype(np.float32))

    def f(x):
        return jnp.sum(jnp.tanh(jnp.dot(A, x)) ** 2)
    return jax.jacfwd(jax.jacrev(f)), x


@workload(f"Hessian jacfwd(jacrev(f)), x in R^{HESSIAN_SIZE}, eager", rtol=1e-4, atol=1e-5)
def hessian_eager(jax, jnp):
    """f(x) = sum(tanh(A @ x)**2); the 300x300 Hessian, not jitted."""
    hessian, x = _hessian_setup(jax, jnp)
    return lambda: hessian(x)


@workload(f"Hessian jacfwd(jacrev(f)), x in R^{HESSIAN_SIZE}, jit steady state",
          rtol=1e-4, atol=1e-5)
def hessian_jit(jax, jnp):
    """jit(jacfwd(jacrev(f))), per call after the first."""
    hessian, x = _hessian_setup(jax, jnp)
    hessian = jax.jit(hessian)
    return lambda: hessian(x)
