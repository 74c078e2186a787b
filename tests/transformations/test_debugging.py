"""Debugging and reliability: jax.debug, debug_nans/infs, compile logging, caches,
threads, silence on floating-point exceptions, check_grads."""
import gc
import logging
import threading
import tracemalloc
import warnings

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite.test_util import check_grads


@pytest.fixture
def flag():
    """Set config flags for one test, restoring them afterwards."""
    saved = {}

    def set_flag(name, value):
        saved.setdefault(name, getattr(jax.config, name))
        jax.config.update(name, value)

    yield set_flag
    for name, value in saved.items():
        jax.config.update(name, value)


def f_with_print(x):
    jax.debug.print("x={} double={d}", x, d=x * 2)
    return jnp.sin(x)


def test_debug_print_eager_jit_grad(capsys):
    f_with_print(1.0)
    jax.jit(f_with_print)(2.0)
    jax.grad(f_with_print)(3.0)
    assert capsys.readouterr().out.splitlines() == [
        "x=1.0 double=2.0", "x=2.0 double=4.0", "x=3.0 double=6.0"]


def test_debug_print_vmap_prints_each_lane_in_order(capsys):
    jax.vmap(f_with_print)(jnp.arange(3.0))
    assert capsys.readouterr().out.splitlines() == [
        "x=0.0 double=0.0", "x=1.0 double=2.0", "x=2.0 double=4.0"]


def test_debug_print_inside_scan_runs_every_iteration(capsys):
    def body(c, x):
        jax.debug.print("step {}", x)
        return c + x, None
    jax.jit(lambda xs: lax.scan(body, 0.0, xs))(jnp.arange(3.0))
    assert capsys.readouterr().out.splitlines() == ["step 0.0", "step 1.0", "step 2.0"]


def test_debug_callback_survives_dead_code_elimination():
    seen = []

    def f(x):
        jax.debug.callback(lambda v: seen.append(float(v)), x * 3)
        return x

    jax.jit(f)(2.0)
    assert seen == [6.0]


def test_debug_nans_names_primitive_eagerly(flag):
    flag("jax_debug_nans", True)
    with pytest.raises(FloatingPointError, match="log"):
        jnp.log(-1.0)


def test_debug_nans_inside_jit_reruns_op_by_op(flag):
    flag("jax_debug_nans", True)
    f = jax.jit(lambda x: jnp.sqrt(x - 2.0) * 2)
    assert float(f(6.0)) == 4.0
    with pytest.raises(FloatingPointError, match="sqrt"):
        f(1.0)


_NOTICE = ("Invalid nan value encountered in the output of a jax.jit function. "
           "Calling the de-optimized version.")


def test_debug_nans_messages_and_notices_as_jax(flag, capsys):
    # JAX 0.10.2: a lax primitive applied eagerly raises at once; jnp functions are jitted
    # in JAX, so a NaN they make prints the de-optimization notice first; a jit whose
    # output has a NaN prints it and reruns op by op (its jnp calls print theirs).
    flag("jax_debug_nans", True)
    cases = [(lambda: lax.log(-1.0), "log", 0), (lambda: jnp.log(-1.0), "log", 1),
             (lambda: jnp.zeros(1) / 0, "div", 1), (lambda: jax.jit(lax.log)(-1.0), "log", 1),
             (lambda: jax.jit(lambda x: jnp.log(-3 * jnp.square(x)))(5.0), "log", 2),
             (lambda: jax.jit(jax.jit(lax.log))(-1.0), "log", 2)]
    for fn, name, notices in cases:
        with pytest.raises(FloatingPointError) as info:
            fn()
        assert str(info.value) == f"invalid value (nan) encountered in {name}"
        assert capsys.readouterr().out == (_NOTICE + "\n") * notices
    with jax.disable_jit(), pytest.raises(FloatingPointError):
        jnp.log(-1.0)
    assert capsys.readouterr().out == ""
    with pytest.raises(FloatingPointError, match=r"encountered in jit\(<lambda>\)\. Because"):
        jax.jit(lambda: jnp.nan)()


def test_debug_infs(flag):
    flag("jax_debug_infs", True)
    with pytest.raises(FloatingPointError, match="inf"):
        jnp.exp(jnp.float32(1000.0))


def test_floating_point_warnings_are_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isinf(float(jnp.float32(3e38) * 10))
        assert np.isnan(float(jnp.sqrt(-1.0)))
        assert np.isneginf(float(jax.jit(jnp.log)(0.0)))


def test_log_compiles_explains_cache_misses(flag, caplog):
    flag("jax_log_compiles", True)
    f = jax.jit(lambda x, n: x * n, static_argnums=1)
    with caplog.at_level(logging.WARNING, logger="jaxlite"):
        f(jnp.ones(3), 2)
        f(jnp.ones(3), 2)  # cache hit: no log
        f(jnp.ones(4), 2)
        f(jnp.ones(4), 3)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    assert "f32[3]" in messages[0] and "Cache miss" not in messages[0]
    assert "argument leaf 0 changed from f32[3] to f32[4]" in messages[1]
    assert "static arguments changed" in messages[2]


def test_clear_caches_and_lru_size(flag):
    traces = []

    def f(x):
        traces.append(x.shape)
        return x + 1

    g = jax.jit(f)
    g(jnp.ones(1))
    g(jnp.ones(1))
    assert len(traces) == 1
    jax.clear_caches()
    g(jnp.ones(1))
    assert len(traces) == 2
    flag("jax_jit_cache_size", 2)
    h = jax.jit(f)
    for n in (1, 2, 3, 1):
        h(jnp.ones(n))
    assert h._cache_size() == 2  # the oldest signature was evicted, then retraced


@pytest.mark.needs_threads
def test_threads_compute_correctly_concurrently():
    f = jax.jit(lambda x: jnp.sum(jnp.tanh(x) ** 2))
    g = jax.grad(lambda x: jnp.sum(jnp.sin(x) * x))
    v = jax.vmap(lambda x: x @ x)
    errors = []

    def work(seed):
        rng = np.random.default_rng(seed)
        try:
            for _ in range(30):
                x = rng.normal(size=(4,)).astype(np.float32)
                np.testing.assert_allclose(f(x), np.sum(np.tanh(x) ** 2), rtol=1e-5)
                np.testing.assert_allclose(g(x), np.cos(x) * x + np.sin(x), rtol=1e-5, atol=1e-6)
                m = rng.normal(size=(3, 4)).astype(np.float32)
                np.testing.assert_allclose(v(m), np.sum(m * m, axis=1), rtol=1e-5)
                np.testing.assert_allclose(jax.jit(lambda y: y * seed)(x), x * seed, rtol=1e-6)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


@pytest.mark.slow
def test_memory_stays_bounded():
    f = jax.jit(lambda x: x * 2 + 1)
    x = jnp.ones(16)
    for _ in range(1000):
        f(x)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(100_000):
        f(x)
    for _ in range(10_000):
        jax.jit(lambda y: y + 1)(x)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert grown < 20_000_000, grown


def test_check_grads_accepts_correct_and_rejects_wrong_rules():
    check_grads(lambda x, y: jnp.sum(jnp.tanh(x) * y), (jnp.arange(3.0), jnp.ones(3)), order=2)

    @jax.custom_jvp
    def wrong(x):
        return jnp.sin(x)

    wrong.defjvp(lambda p, t: (jnp.sin(p[0]), 2 * t[0]))
    with pytest.raises(AssertionError):
        check_grads(wrong, (1.0,), order=1, modes=("fwd",))
