"""Residuals of a differentiated scan, as JAX 0.10.2 keeps them.

Partial evaluation of a scan splits its body into a known scan (run forward) and an
unknown, linear one (transposed to run backward). What the linear scan needs from the
known one is a residual; JAX passes on those that are known consts or xs as they are,
computes those that depend only on consts once before the loop, drops those the linear
body never reads, and stacks only what varies per iteration. The structures asserted
below are those JAX 0.10.2 prints for the same programs (make_jaxpr of grad); values
are checked against finite differences in float64 and across eager / jit / higher order.
"""
import numpy as np

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax, grad, jit, jacfwd, jacrev


def scan_eqns(closed):
    return [e for e in closed.jaxpr.eqns if e.primitive.name == "scan"]


def shapes(variables):
    return [tuple(v.aval.shape) for v in variables]


def rnn_loss(params, xs):
    w, u, b = params

    def step(h, x):
        return jnp.tanh(w @ h + u @ x + b), None
    h, _ = lax.scan(step, jnp.zeros(w.shape[0], jnp.float32), xs)
    return jnp.sum(h ** 2)


def rnn_loss_numpy(w, u, b, xs):
    h = np.zeros(w.shape[0])
    for x in xs:
        h = np.tanh(w @ h + u @ x + b)
    return np.sum(h ** 2)


def rnn_inputs(hidden=4, features=3, steps=6):
    rng = np.random.default_rng(0)
    params = tuple(jnp.asarray(rng.standard_normal(s).astype(np.float32) * 0.4)
                   for s in ((hidden, hidden), (hidden, features), (hidden,)))
    return params, jnp.asarray(rng.standard_normal((steps, features)).astype(np.float32))


def finite_differences(f, arrays, eps=1e-6):
    arrays = [np.asarray(a, np.float64) for a in arrays]
    grads = []
    for k, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            up = [x.copy() for x in arrays]
            down = [x.copy() for x in arrays]
            up[k][idx] += eps
            down[k][idx] -= eps
            g[idx] = (f(*up) - f(*down)) / (2 * eps)
        grads.append(g)
    return grads


def test_rnn_weights_are_a_const_of_the_backward_scan_not_stacked():
    params, xs = rnn_inputs(hidden=32, features=8, steps=100)
    forward, backward = scan_eqns(jaxlite.make_jaxpr(grad(rnn_loss))(params, xs))
    # JAX: the forward scan emits h, and per step h_{t-1}, tanh and 1 - tanh; the weight
    # matrix (a const) is no stacked f32[100,32,32] output, nor are the xs.
    assert shapes(forward.outputs) == [(32,), (100, 32), (100, 32), (100, 32)]
    # JAX: the backward scan takes W as its one const, the cotangents of (W, U, b, h) as
    # carries, and the stacked residuals with the xs themselves as its xs.
    assert backward.params["num_consts"] == 1 and backward.params["num_carry"] == 4
    assert shapes(backward.inputs[:1]) == [(32, 32)]
    assert shapes(backward.inputs[5:]) == [(100, 32), (100, 8), (100, 32), (100, 32)]
    assert backward.params["reverse"] is True


def test_rnn_gradient_matches_finite_differences_eager_and_jit():
    params, xs = rnn_inputs()
    expected = finite_differences(lambda w, u, b: rnn_loss_numpy(w, u, b, np.asarray(xs, np.float64)),
                                  params)
    eager = grad(rnn_loss)(params, xs)
    jitted = jit(grad(rnn_loss))(params, xs)
    for e, g, j in zip(expected, eager, jitted):
        np.testing.assert_allclose(np.asarray(g), e, rtol=2e-4, atol=1e-5)
        np.testing.assert_allclose(np.asarray(j), np.asarray(g), rtol=1e-6, atol=1e-7)


def test_second_order_through_hoisted_residuals():
    # Transposing the linear scan (with its residual const) again, and differentiating it
    # forward: the Hessian two ways agree.
    params, xs = rnn_inputs(hidden=3, features=2, steps=4)
    w, u, b = params

    def f(w):
        return rnn_loss((w, u, b), xs)
    np.testing.assert_allclose(np.asarray(jacfwd(grad(f))(w)), np.asarray(jacrev(grad(f))(w)),
                               rtol=1e-4, atol=1e-5)


def test_work_on_consts_alone_runs_once_before_the_loop():
    # JAX: sin(w) and cos(w) are computed once, outside both scans; the forward scan takes
    # sin(w) as its const and emits (h, h_{t-1}, tanh, 1 - tanh); the backward one takes
    # cos(w) and sin(w) as consts.
    def f(w, xs):
        def step(h, x):
            return jnp.tanh(jnp.sin(w) * h + x), None
        return jnp.sum(lax.scan(step, jnp.zeros(3), xs)[0])
    w, xs = jnp.asarray([0.3, -0.2, 0.9]), jnp.linspace(-1.0, 1.0, 12).reshape(4, 3)
    closed = jaxlite.make_jaxpr(grad(f))(w, xs)
    top = [e.primitive.name for e in closed.jaxpr.eqns]
    assert top.count("sin") == 1 and top.count("cos") == 1
    forward, backward = scan_eqns(closed)
    assert "sin" not in str(forward.params["jaxpr"])
    assert "cos" not in str(backward.params["jaxpr"])
    assert forward.params["num_consts"] == 1 and backward.params["num_consts"] == 2
    assert shapes(forward.outputs) == [(3,), (4, 3), (4, 3), (4, 3)]

    def f_numpy(w):
        h = np.zeros(3)
        for x in np.asarray(xs, np.float64):
            h = np.tanh(np.sin(w) * h + x)
        return np.sum(h)
    expected, = finite_differences(f_numpy, [w])
    np.testing.assert_allclose(np.asarray(grad(f)(w, xs)), expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(np.asarray(jit(grad(f))(w, xs)), np.asarray(grad(f)(w, xs)),
                               rtol=1e-6)


def test_residuals_the_linear_body_never_reads_are_not_kept():
    # Gradient descent inside fori_loop, differentiated with respect to the data: JAX's
    # forward scan emits only its carries (the residual A x - b of each step is unused by
    # the linear map), and the backward scan takes A and the hoisted 0.5 as consts and no
    # xs. (jaxlite keeps A, a closed-over concrete array, inside the body Jaxprs.)
    a = jnp.asarray(np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32) * 0.3)

    def objective(x, b):
        r = a @ x - b
        return 0.5 * jnp.dot(r, r)

    def final_loss(b):
        step = lambda i, x: x - 0.1 * grad(objective)(x, b)  # noqa: E731
        x = lax.fori_loop(0, 20, step, jnp.zeros(3, jnp.float32))
        return objective(x, b)
    b = jnp.asarray([0.5, -1.0, 0.25, 2.0, 1.0])
    forward, backward = scan_eqns(jaxlite.make_jaxpr(grad(final_loss))(b))
    assert shapes(forward.outputs) == [(), (3,)]
    n_consts, n_carry = backward.params["num_consts"], backward.params["num_carry"]
    assert () in shapes(backward.inputs[:n_consts])
    assert len(backward.inputs) == n_consts + n_carry

    a64 = np.asarray(a, np.float64)

    def final_loss_numpy(b):
        x = np.zeros(3)
        for _ in range(20):
            x = x - 0.1 * a64.T @ (a64 @ x - b)
        r = a64 @ x - b
        return 0.5 * r @ r
    expected, = finite_differences(final_loss_numpy, [b])
    np.testing.assert_allclose(np.asarray(grad(final_loss)(b)), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(jit(grad(final_loss))(b)),
                               np.asarray(grad(final_loss)(b)), rtol=1e-5, atol=1e-6)


def test_an_effect_on_consts_alone_still_runs_every_iteration():
    calls = []

    def f(w, xs):
        def step(h, x):
            jaxlite.debug.callback(lambda v: calls.append(float(v[0])), w * 2)
            return jnp.tanh(w * h + x), None
        return jnp.sum(lax.scan(step, jnp.zeros(3), xs)[0])
    g = grad(f)(jnp.ones(3), jnp.ones((4, 3)))
    assert calls == [2.0] * 4
    np.testing.assert_allclose(np.asarray(g), [0.07945862] * 3, rtol=1e-5)


def test_loop_varying_while_and_cond_inside_a_differentiated_scan():
    # Splitting out the loop-invariant part sees the carry and xs as unknown: a while_loop
    # whose predicate reads the carry, and a cond whose index reads an x, are then staged
    # whole rather than refused.
    def f(w, xs):
        def step(carry, x):
            k, y = carry
            m = lax.while_loop(lambda i: i < k, lambda i: i + 1, 0)
            y = lax.cond(x > 0, lambda v: v * w, lambda v: jnp.sin(v) + w, y)
            return (k + 1, y + m.astype(jnp.float32) * 0.1), None
        return lax.scan(step, (0, 0.5), xs)[0][1]
    xs = jnp.asarray([1.0, -1.0, 2.0, -0.5])

    def f_numpy(w):
        k, y = 0, 0.5
        for x in np.asarray(xs, np.float64):
            y = y * w if x > 0 else np.sin(y) + w
            y, k = y + k * 0.1, k + 1
        return y
    w = jnp.float32(0.7)
    expected, = finite_differences(lambda w: f_numpy(w), [np.float64(0.7)])
    np.testing.assert_allclose(np.asarray(grad(f)(w, xs)), expected, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(jit(grad(f))(w, xs)), expected, rtol=1e-5)
