"""Top-level utilities: pure_callback, linear_transpose, flag context managers, process info."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp


def sorted_callback(x):
    return jax.pure_callback(lambda v: np.sort(v), jax.ShapeDtypeStruct(x.shape, x.dtype), x)


def test_pure_callback_eager_jit_vmap():
    x = jnp.array([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(sorted_callback(x), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(jax.jit(sorted_callback)(x), [1.0, 2.0, 3.0])
    batch = jnp.array([[3.0, 1.0], [0.0, -1.0]])
    np.testing.assert_array_equal(jax.vmap(sorted_callback)(batch), [[1.0, 3.0], [-1.0, 0.0]])


def test_pure_callback_checks_shapes_and_refuses_derivatives():
    bad = lambda x: jax.pure_callback(lambda v: v[:1], jax.ShapeDtypeStruct(x.shape, x.dtype), x)
    with pytest.raises(ValueError, match="declared"):
        bad(jnp.ones(3))
    with pytest.raises(ValueError, match="custom_jvp"):
        jax.grad(lambda x: jnp.sum(sorted_callback(x)))(jnp.ones(3))


def test_linear_transpose():
    f_t = jax.linear_transpose(lambda x, y: 2 * x + 3 * y, 1.0, 1.0)
    assert [float(c) for c in f_t(1.0)] == [2.0, 3.0]
    m = jnp.array([[1.0, 2.0], [3.0, 4.0]])
    (ct,) = jax.linear_transpose(lambda v: m @ v, jnp.ones(2))(jnp.array([1.0, 0.0]))
    np.testing.assert_array_equal(ct, [1.0, 2.0])


def test_flag_context_managers_restore():
    assert not jax.config.jax_debug_nans
    with jax.debug_nans(True):
        assert jax.config.jax_debug_nans
        with pytest.raises(FloatingPointError):
            jnp.log(-1.0)
    assert not jax.config.jax_debug_nans
    with jax.log_compiles(True):
        assert jax.config.jax_log_compiles
    assert not jax.config.jax_log_compiles


def test_process_and_environment_info():
    assert jax.process_index() == 0 and jax.process_count() == 1
    assert jax.device_count() == 1 and jax.devices()[0].platform == "cpu"
    assert "jaxlite" in jax.print_environment_info(return_string=True)
    with jax.named_scope("block"):
        assert float(jnp.sin(0.0)) == 0.0
