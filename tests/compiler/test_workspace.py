"""The jit workspace: large intermediates live in buffers allocated once per executable
and reused across calls, but results, views of results and arrays handed to callbacks
are always fresh; concurrent calls never share buffers."""
import gc
import threading

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.compiler import codegen

N = 20_000  # float32: 80 KB, above the workspace's size threshold


def source(f, *args):
    return jax.jit(f).lower(*args).compile().as_python()


def data(seed, n=N):
    return jnp.asarray(np.random.default_rng(seed).standard_normal(n).astype(np.float32))


def chain(x):
    y = jnp.sin(x) * 2.0 + x
    z = y * y - x
    return z * 3.0 + y


def test_intermediates_go_to_the_workspace_and_results_stay_fresh():
    x1, x2 = data(0), data(1)
    text = source(chain, x1)
    assert "_w[" in text and "_pool.pop()" in text
    f = jax.jit(chain)
    r1 = f(x1)
    kept = np.array(r1)
    r2 = f(x2)  # a second call must not write into the first call's result
    np.testing.assert_array_equal(np.asarray(r1), kept)
    np.testing.assert_array_equal(np.asarray(r1), np.asarray(chain(x1)))
    np.testing.assert_array_equal(np.asarray(r2), np.asarray(chain(x2)))


def test_a_new_executable_takes_the_buffers_of_one_that_died(monkeypatch):
    gc.collect()  # executables of earlier tests die first
    monkeypatch.setattr(codegen, "_spare", {})
    monkeypatch.setattr(codegen, "_spare_bytes", 0)
    x1, x2 = data(0), data(1)
    key = ((N,), np.dtype(np.float32))

    def make():  # a fresh function each time: a new executable
        return jax.jit(lambda x: chain(x))
    f = make()
    f(x1)
    del f
    gc.collect()
    kept = list(codegen._spare.get(key, ()))
    assert kept
    assert codegen._spare_bytes == sum(b.nbytes for bs in codegen._spare.values() for b in bs)
    g = make()
    r = g(x2)  # its workspace: those buffers, overwritten before they are read
    assert len(codegen._spare.get(key, ())) < len(kept)
    np.testing.assert_array_equal(np.asarray(r), np.asarray(chain(x2)))
    np.testing.assert_array_equal(np.asarray(g(x1)), np.asarray(chain(x1)))
    # bounded: nothing is kept beyond _SPARE_BYTES
    monkeypatch.setattr(codegen, "_SPARE_BYTES", codegen._spare_bytes + 4 * N)
    del g
    gc.collect()
    assert codegen._spare_bytes <= codegen._SPARE_BYTES


def test_small_arrays_are_not_kept():
    assert "_w[" not in source(chain, data(0, 100))


def test_views_of_results_are_never_workspace_buffers():
    def f(x):
        y = jnp.sin(x) * 2.0      # would be a workspace candidate...
        return y.reshape(100, -1).T, jnp.cos(y)  # ...but a view of it is returned
    x1, x2 = data(0), data(1)
    g = jax.jit(f)
    a1, b1 = g(x1)
    kept = np.array(a1)
    g(x2)
    np.testing.assert_array_equal(np.asarray(a1), kept)
    np.testing.assert_array_equal(np.asarray(a1), np.asarray(f(x1)[0]))


def test_arrays_handed_to_callbacks_are_never_reused():
    seen = []

    def f(x):
        y = jnp.sin(x) + 1.0
        jax.debug.callback(lambda v: seen.append(v), y)
        return jnp.sum(y * 2.0)
    g = jax.jit(f)
    x1, x2 = data(0), data(1)
    g(x1)
    first = np.array(seen[0])
    g(x2)
    np.testing.assert_array_equal(np.asarray(seen[0]), first)
    assert not np.array_equal(np.asarray(seen[1]), first)


@pytest.mark.needs_threads
def test_concurrent_calls_use_separate_workspaces():
    f = jax.jit(chain)
    inputs = [data(i) for i in range(8)]
    expected = [np.asarray(chain(x)) for x in inputs]
    f(inputs[0])
    errors = []

    def work(i):
        for _ in range(20):
            if not np.array_equal(np.asarray(f(inputs[i])), expected[i]):
                errors.append(i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_loop_bodies_reuse_their_workspace_across_iterations():
    def f(x):
        def body(c, _):
            return jnp.tanh(c * 1.5 + 0.1) * 0.9 + c * 0.1, None
        return lax.scan(body, x, None, length=5)[0]
    x = data(3)
    np.testing.assert_allclose(np.asarray(jax.jit(f)(x)), np.asarray(f(x)), rtol=1e-6)
    with jax.disable_jit():
        eager = np.asarray(f(x))
    np.testing.assert_allclose(np.asarray(jax.jit(f)(x)), eager, rtol=1e-6)


def test_gradients_match_with_and_without_workspace():
    def loss(x):
        return jnp.sum(jnp.sin(x) * x ** 2) + 0.5 * x @ x
    x = data(4)
    hvp = lambda x: jax.grad(lambda y: jnp.vdot(jax.grad(loss)(y), x))(x)
    with_ws = np.asarray(jax.jit(hvp)(x))
    jax.config.update("jaxlite_jit_workspace", False)
    try:
        text = source(hvp, x)
        without = np.asarray(jax.jit(hvp)(x))
    finally:
        jax.config.update("jaxlite_jit_workspace", True)
    assert "_w[" not in text
    np.testing.assert_array_equal(with_ws, without)


@pytest.mark.parametrize("fail_at", [0, 1])
def test_a_failing_call_returns_its_workspace(fail_at):
    calls = []

    def maybe_fail(v):
        calls.append(1)
        if len(calls) == fail_at + 1:
            raise RuntimeError("boom")
        return v

    def f(x):
        y = jnp.sin(x) * 2.0 + x
        y = jax.pure_callback(maybe_fail, jax.ShapeDtypeStruct(y.shape, y.dtype), y)
        return y * y + 1.0
    g = jax.jit(f)
    x = data(5)
    outcomes = []
    for _ in range(3):
        try:
            outcomes.append(np.asarray(g(x)))
        except Exception:
            outcomes.append(None)
    assert outcomes[fail_at] is None
    good = [o for o in outcomes if o is not None]
    assert len(good) == 2
    np.testing.assert_array_equal(good[0], good[1])


def test_transposed_operands_keep_their_layout_so_jit_equals_eager():
    """A ufunc on a transposed operand lays its result out F-ordered; written into a
    C-ordered buffer instead, a later sum would add in another order (last-bit changes)."""
    rng = np.random.default_rng(0)

    def f(a):
        t = a.T * 1.5
        u = jnp.sin(t) * t
        return jnp.sum(u * u, axis=0), jnp.sum(u + 1.0, axis=1)
    g = jax.jit(f)
    for _ in range(5):
        a = jnp.asarray(rng.standard_normal((300, 200)).astype(np.float32))
        for e, j in zip(f(a), g(a)):
            np.testing.assert_array_equal(np.asarray(j), np.asarray(e))


def test_values_read_by_convolutions_and_reductions_use_the_workspace():
    # conv_general_dilated, the windowed primitives and the reductions make new arrays,
    # never views of their operands: an elementwise value they alone read may live in a
    # workspace buffer, and the convolution's own (C-order) result may be overwritten.
    rng = np.random.default_rng(0)
    images = jnp.asarray(rng.standard_normal((8, 20, 20, 3)).astype(np.float32))
    kernel = jnp.asarray(rng.standard_normal((3, 3, 3, 16)).astype(np.float32))

    def f(x, w):
        y = jnp.tanh(x) * 2.0
        h = lax.conv_general_dilated(y, w, (1, 1), "VALID",
                                     dimension_numbers=("NHWC", "HWIO", "NCHW"))
        z = jnp.sin(h) + 1.0
        return jnp.sum(z, axis=(0, 2, 3)), lax.reduce_window(
            z, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
    text = source(f, images, kernel)
    assert text.count("out=_w[") >= 2, text
    g = jax.jit(f)
    for _ in range(2):  # the second call runs on reused buffers
        for got, want in zip(g(images, kernel), f(images, kernel)):
            np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_implementations_with_out_write_into_the_workspace():
    # conv_general_dilated, select_and_scatter_add and the max/min derivative weight take
    # out=: inside a jitted CNN gradient their large results land in workspace buffers,
    # and every call (fresh or reused buffers) equals eager.
    rng = np.random.default_rng(2)
    images = jnp.asarray(rng.standard_normal((8, 18, 18, 1)).astype(np.float32))
    kernel = jnp.asarray(rng.standard_normal((3, 3, 1, 8)).astype(np.float32))

    def loss(w, x):
        h = lax.conv_general_dilated(x, w, (1, 1), "VALID",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
        h = jnp.maximum(h, 0.0)
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        return jnp.sum(jnp.sin(h))
    grad = jax.value_and_grad(loss)
    text = source(grad, kernel, images)
    for name in ("conv_general_dilated", "select_and_scatter_add", "extremum_weight"):
        assert any(name in line and "out=_w[" in line for line in text.splitlines()), name
    g = jax.jit(grad)
    want = grad(kernel, images)
    for _ in range(3):
        got = g(kernel, images)
        for a, b in zip(got, want):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_max_weight_of_transposed_operands_equals_eager():
    # The derivative weight of maximum on a transposed (non-C-order) operand: no workspace
    # buffer (it would change the memory order a later sum adds in), jit equals eager.
    x = jnp.asarray(np.random.default_rng(3).standard_normal((300, 200)).astype(np.float32))

    def f(v):
        return jnp.sum(jnp.maximum(v.T, 0.0) * jnp.arange(300.0, dtype=jnp.float32))
    want = jax.grad(f)(x)
    for _ in range(2):
        np.testing.assert_array_equal(np.asarray(jax.jit(jax.grad(f))(x)), np.asarray(want))
    from jaxlite._src.prims.elementwise import extremum_weight_p  # noqa: PLC0415
    assert float(extremum_weight_p.impl(np.float32(1), np.float32(1), which="max")) == 0.5
