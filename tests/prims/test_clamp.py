"""clamp: one primitive, as in JAX's jaxprs (lax.clamp, lax.switch's index)."""
import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax


def test_clamp_values_eager_jit_vmap():
    x = jnp.array([-1.0, 0.5, 3.0, 2.0])
    expected = np.array([0.0, 0.5, 2.0, 2.0], np.float32)
    np.testing.assert_array_equal(lax.clamp(0.0, x, 2.0), expected)
    np.testing.assert_array_equal(jax.jit(lambda v: lax.clamp(0.0, v, 2.0))(x), expected)
    np.testing.assert_array_equal(jax.vmap(lambda v: lax.clamp(0.0, v, 2.0))(x), expected)
    lo = jnp.array([0.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(jax.vmap(lax.clamp, (0, 0, None))(lo, x, jnp.float32(2.0)),
                                  [0.0, 1.0, 2.0, 2.0])


def test_clamp_derivatives_by_finite_differences():
    def f(lo, x, hi):
        return jnp.sum(lax.clamp(lo, x, hi) * jnp.arange(1.0, 5.0))
    lo, x, hi = jnp.float32(0.25), jnp.array([-1.0, 0.5, 3.0, 1.5]), jnp.float32(2.0)
    grads = jax.grad(f, argnums=(0, 1, 2))(lo, x, hi)
    eps = 1e-3
    for i, arg in enumerate((lo, x, hi)):
        flat = np.asarray(arg, np.float64).ravel()
        fd = []
        for k in range(flat.size):
            up, down = flat.copy(), flat.copy()
            up[k] += eps
            down[k] -= eps
            args = [lo, x, hi]
            args[i] = jnp.asarray(up.reshape(np.shape(arg)), jnp.float32)
            fu = f(*args)
            args[i] = jnp.asarray(down.reshape(np.shape(arg)), jnp.float32)
            fd.append((fu - f(*args)) / (2 * eps))
        np.testing.assert_allclose(np.ravel(grads[i]), fd, rtol=1e-2, atol=1e-2)
    # jacfwd == jacrev
    np.testing.assert_allclose(jax.jacfwd(lambda v: lax.clamp(lo, v, hi))(x),
                               jax.jacrev(lambda v: lax.clamp(lo, v, hi))(x))


def test_clamp_and_switch_stage_as_in_jax():
    text = str(jax.make_jaxpr(lambda i, a: lax.switch(i, [lambda x: x + 1.0,
                                                             lambda x: x - 2.0], a))(1, 5.0))
    # JAX's text: the weak index converted, then one clamp
    assert text.splitlines()[1:3] == [
        "    c:i32[] = convert_element_type[new_dtype=int32 weak_type=False] a",
        "    d:i32[] = clamp 0:i32[] c 1:i32[]"]
    assert lax.switch(7, [lambda x: x + 1.0, lambda x: x - 2.0], 5.0) == 3.0


def test_clamp_requires_equal_dtypes():
    try:
        lax.clamp(jnp.int32(0), jnp.float32(1.0), jnp.int32(2))
    except TypeError as e:
        assert "clamp" in str(e)
    else:
        raise AssertionError("lax.clamp accepted mixed dtypes")
