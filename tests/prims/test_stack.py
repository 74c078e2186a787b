"""stack / unstack primitives (jnp.stack stages as one `stack`, transposed by `unstack`),
dot_general's `precision` parameter and the `add_any` of tangent sums, as JAX prints them."""
import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax

x = jnp.arange(6.0).reshape(2, 3)


def test_stack_values_and_axes():
    for axis in (0, 1, 2, -1):
        np.testing.assert_array_equal(jnp.stack([x, 2 * x], axis=axis),
                                      np.stack([np.asarray(x), 2 * np.asarray(x)], axis=axis))
    assert jnp.stack([jnp.float32(1), 2]).dtype == jnp.float32
    np.testing.assert_array_equal(jax.jit(lambda a: jnp.stack([a, a], 1))(x),
                                  np.stack([x, x], 1))


def test_stack_derivatives_and_vmap():
    def f(a):
        return jnp.sum(jnp.stack([a, jnp.sin(a)], axis=1) * jnp.arange(12.0).reshape(2, 2, 3))
    g = jax.grad(f)(x)
    w = np.arange(12.0).reshape(2, 2, 3)
    np.testing.assert_allclose(g, w[:, 0] + w[:, 1] * np.cos(np.asarray(x)), rtol=1e-6)
    np.testing.assert_allclose(jax.jacfwd(f)(x), jax.jacrev(f)(x), rtol=1e-6)
    for in_axes in (0, 1, (0, None), (1, 0)):
        b = jnp.ones(3) * 5 if in_axes == (0, None) else (x.T if in_axes == (1, 0) else x)
        args = (x, b) if isinstance(in_axes, tuple) else (x, x)
        axes = in_axes if isinstance(in_axes, tuple) else (in_axes, in_axes)
        for axis in (0, 1):
            got = jax.vmap(lambda p, q: jnp.stack([p, q], axis), in_axes=axes)(*args)
            n = args[0].shape[axes[0]]
            take = lambda v, ax, i: v if ax is None else np.take(np.asarray(v), i, ax)
            want = np.stack([np.stack([take(args[0], axes[0], i), take(args[1], axes[1], i)],
                                      axis) for i in range(n)])
            np.testing.assert_array_equal(got, want)


def test_stack_and_unstack_print_as_in_jax():
    assert str(jax.make_jaxpr(lambda a: jnp.stack([a, a], axis=1))(x)) == (
        "{ lambda ; a:f32[2,3]. let b:f32[2,2,3] = stack[axis=1] a a in (b,) }")
    text = str(jax.make_jaxpr(jax.grad(lambda a: jnp.sum(jnp.stack([a, 2 * a]) ** 2)))(x))
    # JAX 0.10.2 prints these lines (recorded with its make_jaxpr)
    assert "    h:f32[2,3] i:f32[2,3] = unstack[axis=0] g" in text.splitlines()
    assert "    k:f32[2,3] = add_any h j" in text.splitlines()


def test_precision_is_a_printed_parameter():
    for precision, shown in [(lax.Precision.HIGH, "(Precision.HIGH, Precision.HIGH)"),
                             ("highest", "(Precision.HIGHEST, Precision.HIGHEST)"),
                             (("high", "default"), "(Precision.HIGH, Precision.DEFAULT)")]:
        text = str(jax.make_jaxpr(lambda a: jnp.dot(a, a.T, precision=precision))(x))
        assert f"      precision={shown}" in text.splitlines()
        grad_text = str(jax.make_jaxpr(jax.grad(
            lambda a: jnp.sum(jnp.dot(a, a.T, precision=precision))))(x))
        assert grad_text.count(f"precision={shown}") == 3
    assert "precision" not in str(jax.make_jaxpr(lambda a: jnp.dot(a, a.T))(x))
    np.testing.assert_allclose(jnp.dot(x, x.T, precision="highest"), np.dot(x, x.T))
