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
  metric      the thunk measures something itself (peak memory or import
              time, in subprocesses) and returns a number (`unit`: bytes,
              seconds or a ratio), or None where the measure does not apply
              to that library; one sample.

The harness (run.py) calls `block_until_ready` on every output and compares
jaxlite's output with JAX's (np.allclose with the workload's rtol/atol).
Inputs come from NumPy so both libraries see identical float32 data.
"""
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np

import import_time  # bench/import_time.py (run.py puts bench/ on sys.path)


@dataclass(frozen=True)
class Workload:
    name: str
    build: Callable  # build(jax, jnp) -> thunk; thunk() does one call, returns its output
    mode: str = "steady"  # "steady" | "first_call" | "metric"
    rtol: float = 1e-5
    atol: float = 1e-6
    compare: bool = True  # compare outputs between the libraries
    vector_bytes: int = 0  # metric mode: also report bytes as multiples of this
    unit: str = "bytes"  # metric mode: what the thunk returns: "bytes" | "seconds" | "ratio"

    @property
    def description(self):
        return (self.build.__doc__ or "").strip()


WORKLOADS = []


def workload(name, mode="steady", rtol=1e-5, atol=1e-6, compare=True, vector_bytes=0,
             unit="bytes"):
    """Register `build(jax, jnp) -> thunk` as a workload (in definition order)."""
    assert mode in ("steady", "first_call", "metric"), mode
    assert unit in ("bytes", "seconds", "ratio"), unit
    compare = compare and mode != "metric"

    def register(build):
        WORKLOADS.append(Workload(name, build, mode, rtol, atol, compare, vector_bytes, unit))
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

_import_reports = {}  # library name -> {module: [seconds]}, shared by the two import rows


def import_samples(jax):
    """bench/import_time.py's samples of `import numpy` and `import <lib>.numpy` in fresh
    interpreters of this Python, with the library imported from where this process found
    it (e.g. PYTHONPATH=src). Cached: both import rows come from one measurement."""
    if jax.__name__ not in _import_reports:
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(jax.__file__)))
        _import_reports[jax.__name__] = import_time.measure(
            sys.executable, ["numpy", f"{jax.__name__}.numpy"],
            env=import_time.environment(package_parent))
    return _import_reports[jax.__name__]


@workload(f"`import <lib>.numpy` in a fresh interpreter (median of {import_time.RUNS})",
          mode="metric", unit="seconds")
def import_numpy(jax, jnp):
    """The import statement alone, timed inside a fresh `python -c` (start-up excluded),
    from cached bytecode; bench/import_time.py, which also measures other environments."""
    return lambda: statistics.median(import_samples(jax)[f"{jax.__name__}.numpy"])


@workload("`import <lib>.numpy` / `import numpy`, same interpreter (target: <= 2×)",
          mode="metric", unit="ratio")
def import_numpy_ratio(jax, jnp):
    """Median import time of the library's numpy over NumPy's own, both measured in
    alternation in fresh interpreters of this Python (the target: at most 2x)."""
    def ratio():
        samples = import_samples(jax)
        return (statistics.median(samples[f"{jax.__name__}.numpy"])
                / statistics.median(samples["numpy"]))
    return ratio


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


def _hessian_problem(jnp):
    """f(x) = sum(tanh(A @ x)**2) (A closed over) and x."""
    rng = np.random.default_rng(1)
    A = jnp.asarray((rng.standard_normal((HESSIAN_SIZE, HESSIAN_SIZE))
                     / np.sqrt(HESSIAN_SIZE)).astype(np.float32))
    x = jnp.asarray(rng.standard_normal(HESSIAN_SIZE).astype(np.float32))

    def f(x):
        return jnp.sum(jnp.tanh(jnp.dot(A, x)) ** 2)
    return f, x


def _hessian_setup(jax, jnp, outer="jacfwd", inner="jacrev"):
    f, x = _hessian_problem(jnp)
    return getattr(jax, outer)(getattr(jax, inner)(f)), x


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


@workload(f"Hessian jacfwd(jacrev(f)), x in R^{HESSIAN_SIZE}, jit first call",
          mode="first_call", rtol=1e-4, atol=1e-5)
def hessian_jit_first(jax, jnp):
    """First call of a freshly created jit(jacfwd(jacrev(f))): trace + compile + run."""
    hessian, x = _hessian_setup(jax, jnp)
    hessian = jax.jit(hessian)
    return lambda: hessian(x)


def _hessian_modes_workload(outer, inner):
    def build(jax, jnp):
        hessian, x = _hessian_setup(jax, jnp, outer, inner)
        hessian = jax.jit(hessian)
        return lambda: hessian(x)
    build.__doc__ = f"jit({outer}({inner}(f))) for the same f and x, per call after the first."

    def build_first(jax, jnp):
        return build(jax, jnp)
    build_first.__doc__ = f"First call of a freshly created jit({outer}({inner}(f)))."
    workload(f"Hessian {outer}({inner}(f)), x in R^{HESSIAN_SIZE}, jit steady state",
             rtol=1e-4, atol=1e-5)(build)
    workload(f"Hessian {outer}({inner}(f)), x in R^{HESSIAN_SIZE}, jit first call",
             mode="first_call", rtol=1e-4, atol=1e-5)(build_first)


_hessian_modes_workload("jacrev", "jacrev")
_hessian_modes_workload("jacrev", "jacfwd")


# --- 5. Hessian-vector products at n = 10^6, and their peak memory -----------------------
#
# f(x) = sum(sin(x) * x**2) + 0.5 * x @ x. The HVP must stay O(n) in memory: no Hessian,
# a few n-vectors. Peak memory is measured in a separate process (bench/peak_memory.py).

HVP_SIZE = 1_000_000
HVP_KINDS = {
    "rev-over-rev": "grad(lambda x: vdot(grad(f)(x), v))(x)",
    "fwd-over-rev": "jvp(grad(f), (x,), (v,))[1]",
}


def hvp_function(jax, jnp, kind):
    """The Hessian-vector product (x, v) -> H(x) v of the HVP objective, by `kind`."""
    def f(x):
        return jnp.sum(jnp.sin(x) * x ** 2) + 0.5 * (x @ x)

    if kind == "rev-over-rev":
        def hvp(x, v):
            return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)
    elif kind == "fwd-over-rev":
        def hvp(x, v):
            return jax.jvp(jax.grad(f), (x,), (v,))[1]
    else:
        raise ValueError(kind)
    return hvp


def hvp_inputs(jnp, n=HVP_SIZE):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(n).astype(np.float32)
    v = rng.standard_normal(n).astype(np.float32)
    return jnp.asarray(x), jnp.asarray(v)


_peak_memory_results = {}  # (library, kind, jitted) -> the subprocess's report


def peak_memory_report(jax, kind, jitted):
    """bench/peak_memory.py's JSON report for one HVP variant on one library (cached: the
    traced and RSS rows of a variant share one subprocess run)."""
    import json
    key = (jax.__name__, kind, jitted)
    if key not in _peak_memory_results:
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peak_memory.py")
        command = [sys.executable, script, "--library", jax.__name__, "--kind", kind]
        if jitted:
            command.append("--jit")
        env = dict(os.environ)
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(jax.__file__)))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH"))
                                            if p)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip()
                               else f"peak_memory.py exited {done.returncode}")
        _peak_memory_results[key] = json.loads(done.stdout.strip().splitlines()[-1])
    return _peak_memory_results[key]


def _hvp_workloads(kind):
    label = f"HVP {kind} (`{HVP_KINDS[kind]}`), n = 10^6"

    def eager(jax, jnp):
        hvp = hvp_function(jax, jnp, kind)
        x, v = hvp_inputs(jnp)
        return lambda: hvp(x, v)
    eager.__doc__ = f"{HVP_KINDS[kind]}, not jitted; x, v float32 of size 10^6."

    def jitted(jax, jnp):
        hvp = jax.jit(hvp_function(jax, jnp, kind))
        x, v = hvp_inputs(jnp)
        return lambda: hvp(x, v)
    jitted.__doc__ = f"jit({HVP_KINDS[kind]}), per call after the first."

    def jitted_first(jax, jnp):
        return jitted(jax, jnp)
    jitted_first.__doc__ = "First call of a freshly created jit of the HVP: trace + compile + run."

    workload(f"{label}, eager", rtol=1e-4, atol=1e-4)(eager)
    workload(f"{label}, jit steady state", rtol=1e-4, atol=1e-4)(jitted)
    workload(f"{label}, jit first call", mode="first_call", rtol=1e-4, atol=1e-4)(jitted_first)


def _hvp_memory_workloads(kind):
    vector = 4 * HVP_SIZE  # one float32 n-vector
    for jitted in (True, False):
        mode = "jit" if jitted else "eager"

        def rss(jax, jnp, jitted=jitted):
            return lambda: peak_memory_report(jax, kind, jitted)["rss_peak_increase"]
        rss.__doc__ = (f"HVP {kind}, {mode}: increase of the process's resident-set high-water "
                       "mark (VmHWM, what ru_maxrss reports) over one call after a warm-up, in "
                       "a fresh process; inputs excluded, output included.")

        def traced(jax, jnp, jitted=jitted):
            return lambda: peak_memory_report(jax, kind, jitted)["traced_peak"]
        traced.__doc__ = (f"HVP {kind}, {mode}: tracemalloc's peak over the first call of a "
                          "fresh function, so buffers a jitted function keeps between calls "
                          "count (NumPy's allocations are traced; XLA's are not: n/a for JAX).")
        workload(f"HVP {kind}, {mode}, peak memory of a call (RSS high-water increase)",
                 mode="metric", vector_bytes=vector)(rss)
        workload(f"HVP {kind}, {mode}, peak memory, buffers kept between calls included "
                 "(tracemalloc)",
                 mode="metric", vector_bytes=vector)(traced)


for _kind in HVP_KINDS:
    _hvp_workloads(_kind)
for _kind in HVP_KINDS:
    _hvp_memory_workloads(_kind)


# --- 6. Jacobians of tanh(W @ x) ---------------------------------------------------------

JACOBIAN_SHAPES = ((100, 2000), (2000, 100))  # (n_in, n_out)


def _jacobian_inputs(jnp, n_in, n_out):
    rng = np.random.default_rng(3)
    W = (rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)).astype(np.float32)
    x = rng.standard_normal(n_in).astype(np.float32)
    return jnp.asarray(x), jnp.asarray(W)


def _jacobian_workloads(mode_name, n_in, n_out):
    label = f"{mode_name} of tanh(W @ x), R^{n_in} -> R^{n_out}"

    def jitted(jax, jnp):
        jacobian = jax.jit(getattr(jax, mode_name)(lambda x, W: jnp.tanh(W @ x)))
        x, W = _jacobian_inputs(jnp, n_in, n_out)
        return lambda: jacobian(x, W)
    jitted.__doc__ = (f"jit({mode_name}(lambda x, W: tanh(W @ x))) (W an argument, not "
                      f"differentiated): the {n_out}x{n_in} Jacobian, per call after the first.")

    def jitted_first(jax, jnp):
        return jitted(jax, jnp)
    jitted_first.__doc__ = f"First call of a freshly created jit({mode_name}(...))."
    workload(f"{label}, jit steady state", rtol=1e-4, atol=1e-5)(jitted)
    workload(f"{label}, jit first call", mode="first_call", rtol=1e-4, atol=1e-5)(jitted_first)


for _n_in, _n_out in JACOBIAN_SHAPES:
    for _mode_name in ("jacfwd", "jacrev"):
        _jacobian_workloads(_mode_name, _n_in, _n_out)


# --- 7. MAML meta-gradient ---------------------------------------------------------------

MAML_POINTS = 25
MAML_INNER_LR = 0.01


def _maml_inputs(jnp):
    """A 1-40-40-1 MLP's parameters (list of (W, b)) and one sinusoid task of 25 points."""
    rng = np.random.default_rng(4)
    params = []
    for n_in, n_out in ((1, 40), (40, 40), (40, 1)):
        W = (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(np.float32)
        b = (0.1 * rng.standard_normal(n_out)).astype(np.float32)
        params.append((jnp.asarray(W), jnp.asarray(b)))
    x = rng.uniform(-5, 5, (MAML_POINTS, 1)).astype(np.float32)
    y = (2.0 * np.sin(x + 0.5)).astype(np.float32)
    return params, (jnp.asarray(x), jnp.asarray(y))


def _maml_meta_grad(jax, jnp):
    """jax.grad(meta_loss_fn), meta_loss_fn as in the tutorial: the loss after one SGD step."""
    def net(params, x):
        h = x
        for W, b in params[:-1]:
            h = jnp.maximum(h @ W + b, 0.0)
        W, b = params[-1]
        return h @ W + b

    def loss_fn(params, data):
        x, y = data
        return jnp.mean((net(params, x) - y) ** 2)

    def meta_loss_fn(params, data):
        """Computes the loss after one step of SGD."""
        grads = jax.grad(loss_fn)(params, data)
        updated = jax.tree_util.tree_map(lambda p, g: p - MAML_INNER_LR * g, params, grads)
        return loss_fn(updated, data)
    return jax.grad(meta_loss_fn)


@workload(f"MAML meta-gradient, MLP 1-40-40-1 on {MAML_POINTS} points, eager",
          rtol=1e-4, atol=1e-5)
def maml_eager(jax, jnp):
    """grad(meta_loss_fn)(params, data): grad of the loss after one inner SGD step; ReLU
    MLP 1-40-40-1, MSE on 25 points of a sinusoid; not jitted."""
    meta_grad = _maml_meta_grad(jax, jnp)
    params, data = _maml_inputs(jnp)
    return lambda: meta_grad(params, data)


@workload(f"MAML meta-gradient, MLP 1-40-40-1 on {MAML_POINTS} points, jit steady state",
          rtol=1e-4, atol=1e-5)
def maml_jit(jax, jnp):
    """jit(grad(meta_loss_fn)), per call after the first."""
    meta_grad = jax.jit(_maml_meta_grad(jax, jnp))
    params, data = _maml_inputs(jnp)
    return lambda: meta_grad(params, data)


@workload(f"MAML meta-gradient, MLP 1-40-40-1 on {MAML_POINTS} points, jit first call",
          mode="first_call", rtol=1e-4, atol=1e-5)
def maml_jit_first(jax, jnp):
    """First call of a freshly created jit(grad(meta_loss_fn))."""
    return maml_jit(jax, jnp)


# --- 8. A small CNN's training step ------------------------------------------------------

CNN_BATCH = 32
CNN_FILTERS = 16


def _cnn_inputs(jnp):
    """Conv 3x3x1x16 (NHWC/HWIO), dense 13*13*16 -> 10; 32 images 28x28x1, one-hot labels."""
    rng = np.random.default_rng(5)
    flat = 13 * 13 * CNN_FILTERS
    params = {
        "conv_w": rng.standard_normal((3, 3, 1, CNN_FILTERS)) / 3.0,
        "conv_b": 0.1 * rng.standard_normal(CNN_FILTERS),
        "dense_w": rng.standard_normal((flat, 10)) / np.sqrt(flat),
        "dense_b": np.zeros(10),
    }
    params = {k: jnp.asarray(v.astype(np.float32)) for k, v in params.items()}
    images = rng.standard_normal((CNN_BATCH, 28, 28, 1)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, CNN_BATCH)]
    return params, jnp.asarray(images), jnp.asarray(labels)


def _cnn_step(jax, jnp):
    lax = jax.lax

    def loss(params, images, labels):
        h = lax.conv_general_dilated(images, params["conv_w"], (1, 1), "VALID",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
        h = jnp.maximum(h + params["conv_b"], 0.0)
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = h.reshape((h.shape[0], -1))
        logits = h @ params["dense_w"] + params["dense_b"]
        shift = jnp.max(logits, axis=1, keepdims=True)
        log_probs = logits - shift - jnp.log(jnp.sum(jnp.exp(logits - shift), axis=1,
                                                     keepdims=True))
        return -jnp.mean(jnp.sum(labels * log_probs, axis=1))
    return jax.jit(jax.value_and_grad(loss))


@workload(f"CNN training step (conv-relu-maxpool-dense, batch {CNN_BATCH} of 28x28x1), "
          "jit(value_and_grad) steady state", rtol=1e-4, atol=1e-5)
def cnn_jit(jax, jnp):
    """jit(value_and_grad(loss)): conv 3x3 1->16 VALID, ReLU, 2x2 max-pool
    (lax.reduce_window), dense 2704->10, softmax cross-entropy; per call after the first."""
    step = _cnn_step(jax, jnp)
    args = _cnn_inputs(jnp)
    return lambda: step(*args)


@workload(f"CNN training step (conv-relu-maxpool-dense, batch {CNN_BATCH} of 28x28x1), "
          "jit first call", mode="first_call", rtol=1e-4, atol=1e-5)
def cnn_jit_first(jax, jnp):
    """First call of a freshly created jit(value_and_grad(loss))."""
    return cnn_jit(jax, jnp)


# --- 9-13: loops, attention, random numbers, a while_loop solver (bench/workloads_programs.py)

import workloads_programs  # noqa: E402,F401 -- registers its workloads after these
