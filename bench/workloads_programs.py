"""Workloads 9-13: programs nobody tuned the compiler for (issue 14): a scan RNN, a
transformer block's training step, an optimizer loop in fori_loop, random-number
throughput and a while_loop solver. Each comes eager, jit steady state and jit first
call, written once against (jax, jnp) like bench/workloads.py's, which imports this
module at its end so the rows follow the first eight.
"""
import numpy as np

from workloads import workload


def _variants(title, build, rtol=1e-4, atol=1e-5):
    """Register `title`, eager / jit steady state / jit first call. `build(jax, jnp,
    jitted)` returns the thunk; jitted=False runs the same function without jax.jit."""
    for suffix, mode, jitted in (("eager", "steady", False), ("jit steady state", "steady", True),
                                 ("jit first call", "first_call", True)):
        def variant(jax, jnp, jitted=jitted):
            return build(jax, jnp, jitted)
        variant.__doc__ = f"{(build.__doc__ or '').strip()} ({suffix})"
        workload(f"{title}, {suffix}", mode=mode, rtol=rtol, atol=atol)(variant)


def _maybe_jit(jax, f, jitted):
    return jax.jit(f) if jitted else f


# --- 9. RNN through lax.scan: gradient of the parameters -----------------------------------

RNN_STEPS, RNN_HIDDEN, RNN_INPUT = 100, 32, 8


def _rnn(jax, jnp, jitted):
    """grad of sum(h_T**2) w.r.t. (W, U, b) for h_t = tanh(W h_{t-1} + U x_t + b) over
    100 steps of lax.scan, hidden 32, inputs 8."""
    rng = np.random.default_rng(9)
    W = jnp.asarray((rng.standard_normal((RNN_HIDDEN, RNN_HIDDEN)) * 0.2).astype(np.float32))
    U = jnp.asarray((rng.standard_normal((RNN_HIDDEN, RNN_INPUT)) * 0.3).astype(np.float32))
    b = jnp.asarray((rng.standard_normal(RNN_HIDDEN) * 0.1).astype(np.float32))
    xs = jnp.asarray(rng.standard_normal((RNN_STEPS, RNN_INPUT)).astype(np.float32))

    def loss(params, xs):
        W, U, b = params

        def step(h, x):
            h = jnp.tanh(W @ h + U @ x + b)
            return h, None
        h, _ = jax.lax.scan(step, jnp.zeros(RNN_HIDDEN, jnp.float32), xs)
        return jnp.sum(h ** 2)
    f = _maybe_jit(jax, jax.grad(loss), jitted)
    return lambda: f((W, U, b), xs)


_variants(f"RNN via lax.scan ({RNN_STEPS} steps, hidden {RNN_HIDDEN}), grad", _rnn)


# --- 10. Transformer encoder block: value_and_grad ------------------------------------------

TF_SEQ, TF_MODEL, TF_HEADS, TF_FF = 32, 64, 4, 256


def _transformer(jax, jnp, jitted):
    """value_and_grad of a pre-norm encoder block (4-head self-attention, 64 -> 256 -> 64
    GELU feed-forward, residuals) on one sequence of 32 tokens; loss mean(out**2)."""
    rng = np.random.default_rng(10)

    def init(*shape, scale):
        return jnp.asarray((rng.standard_normal(shape) * scale).astype(np.float32))
    d, f = TF_MODEL, TF_FF
    params = {"wq": init(d, d, scale=d ** -0.5), "wk": init(d, d, scale=d ** -0.5),
              "wv": init(d, d, scale=d ** -0.5), "wo": init(d, d, scale=d ** -0.5),
              "w1": init(d, f, scale=d ** -0.5), "b1": init(f, scale=0.1),
              "w2": init(f, d, scale=f ** -0.5), "b2": init(d, scale=0.1),
              "g1": init(d, scale=0.1) + 1.0, "g2": init(d, scale=0.1) + 1.0}
    x = init(TF_SEQ, d, scale=1.0)

    def layer_norm(h, gain):
        mean = jnp.mean(h, axis=-1, keepdims=True)
        var = jnp.mean((h - mean) ** 2, axis=-1, keepdims=True)
        return gain * (h - mean) / jnp.sqrt(var + 1e-5)

    def heads(h):  # (seq, d) -> (heads, seq, d / heads)
        return h.reshape(TF_SEQ, TF_HEADS, d // TF_HEADS).transpose(1, 0, 2)

    def block(p, x):
        h = layer_norm(x, p["g1"])
        q, k, v = heads(h @ p["wq"]), heads(h @ p["wk"]), heads(h @ p["wv"])
        scores = jnp.einsum("hqc,hkc->hqk", q, k) / np.sqrt(d // TF_HEADS)
        attention = jax.nn.softmax(scores, axis=-1)
        mixed = jnp.einsum("hqk,hkc->hqc", attention, v).transpose(1, 0, 2).reshape(TF_SEQ, d)
        x = x + mixed @ p["wo"]
        h = layer_norm(x, p["g2"])
        return x + jax.nn.gelu(h @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]

    def loss(p, x):
        return jnp.mean(block(p, x) ** 2)
    f = _maybe_jit(jax, jax.value_and_grad(loss), jitted)
    return lambda: f(params, x)


_variants(f"transformer block (seq {TF_SEQ}, d {TF_MODEL}, {TF_HEADS} heads), value_and_grad",
          _transformer)


# --- 11. Gradient descent inside fori_loop, differentiated ---------------------------------

GD_STEPS, GD_ROWS, GD_COLS = 200, 20, 10


def _fori_gd(jax, jnp, jitted):
    """grad w.r.t. the data b of the final loss after 200 steps of gradient descent on
    least squares |A x - b|^2 / 2 (A 20x10) inside lax.fori_loop: reverse mode through
    the loop."""
    rng = np.random.default_rng(11)
    A = jnp.asarray((rng.standard_normal((GD_ROWS, GD_COLS)) / np.sqrt(GD_ROWS)).astype(np.float32))
    b = jnp.asarray(rng.standard_normal(GD_ROWS).astype(np.float32))

    def objective(x, b):
        r = A @ x - b
        return 0.5 * jnp.dot(r, r)

    def final_loss(b):
        step = lambda i, x: x - 0.1 * jax.grad(objective)(x, b)  # noqa: E731
        x = jax.lax.fori_loop(0, GD_STEPS, step, jnp.zeros(GD_COLS, jnp.float32))
        return objective(x, b)
    f = _maybe_jit(jax, jax.grad(final_loss), jitted)
    return lambda: f(b)


_variants(f"gradient descent in fori_loop ({GD_STEPS} steps, least squares "
          f"{GD_ROWS}x{GD_COLS}), grad through it", _fori_gd)


# --- 12. Random numbers ---------------------------------------------------------------------

RNG_SIZE = 10 ** 6


def _random(kind):
    def build(jax, jnp, jitted):
        samplers = {
            "normal": lambda k: jax.random.normal(k, (RNG_SIZE,)),
            "uniform": lambda k: jax.random.uniform(k, (RNG_SIZE,)),
            "bernoulli": lambda k: jax.random.bernoulli(k, 0.3, (RNG_SIZE,)),
            "randint": lambda k: jax.random.randint(k, (RNG_SIZE,), 0, 100),
            "split": lambda k: jax.random.split(k, RNG_SIZE // 2),
        }
        f = _maybe_jit(jax, samplers[kind], jitted)
        key = jax.random.PRNGKey(42)
        return lambda: f(key)
    build.__doc__ = f"jax.random.{kind} of 10^6 values (split: 5*10^5 keys) from one raw key; " \
                    "bit-identical with JAX"
    return build


for _kind in ("normal", "uniform", "bernoulli", "randint", "split"):
    # Bit identity with JAX: the outputs must agree exactly.
    _variants(f"random.{_kind}, 10^6 values", _random(_kind), rtol=0.0, atol=0.0)


# --- 13. A while_loop solver ----------------------------------------------------------------

SOLVER_SIZE = 64


def _while_solver(jax, jnp, jitted):
    """Jacobi iteration for a diagonally dominant 64x64 system in lax.while_loop, until
    the update's max norm is below 1e-6 (or 500 sweeps): a data-dependent trip count."""
    rng = np.random.default_rng(13)
    off = (rng.standard_normal((SOLVER_SIZE, SOLVER_SIZE)) * 0.05).astype(np.float32)
    np.fill_diagonal(off, 0.0)
    diag = jnp.asarray((2.0 + rng.uniform(size=SOLVER_SIZE)).astype(np.float32))
    off = jnp.asarray(off)
    rhs = jnp.asarray(rng.standard_normal(SOLVER_SIZE).astype(np.float32))

    def solve(rhs):
        def cond(state):
            i, _, change = state
            return (i < 500) & (change > 1e-6)

        def body(state):
            i, x, _ = state
            new = (rhs - off @ x) / diag
            return i + 1, new, jnp.max(jnp.abs(new - x))
        i, x, _ = jax.lax.while_loop(cond, body, (0, jnp.zeros_like(rhs), jnp.float32(1.0)))
        return x, i
    f = _maybe_jit(jax, solve, jitted)
    return lambda: f(rhs)


_variants(f"while_loop solver (Jacobi, {SOLVER_SIZE}x{SOLVER_SIZE}, to 1e-6)", _while_solver)
