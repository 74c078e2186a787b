"""print_saved_residuals, vjp's pytree function, ShapeDtypeStruct.like, io_callback and the
jax.experimental package (behaviour as JAX 0.10.2's)."""
import contextlib
import io
import os
import re

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite.ad_checkpoint import checkpoint_name, print_saved_residuals


def _printed(f, *args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print_saved_residuals(f, *args)
    return out.getvalue().splitlines()


def f(W, x):
    h = jnp.sin(W @ x)
    h = checkpoint_name(h, "hidden")
    return jnp.sum(jnp.tanh(h) * x)


W, x = jnp.ones((3, 3)), jnp.arange(3.0)


def test_print_saved_residuals_names_arguments_and_operations():
    lines = _printed(f, W, x)
    assert lines[:2] == ["f32[3,3] from the argument W", "f32[3] from the argument x"]
    # JAX's form: the full path, line and column of the call, and the function
    assert lines[2].startswith(f"f32[3] output of cos from {os.path.abspath(__file__)}:")
    assert re.search(r":\d+:\d+ \(f\)$", lines[2])
    assert [line.split(" from ")[0] for line in lines[3:]] == ["f32[3] output of tanh",
                                                              "f32[3] output of sub"]


def test_print_saved_residuals_under_checkpoint_policies_and_jit():
    assert _printed(jax.checkpoint(f), W, x) == ["f32[3,3] from the argument W",
                                                "f32[3] from the argument x"]
    policy = jax.checkpoint_policies.save_only_these_names("hidden")
    lines = _printed(jax.checkpoint(f, policy=policy), W, x)
    assert lines[2].startswith("f32[3] named 'hidden' from ")
    lines = _printed(jax.jit(f), W, x)
    assert lines[:2] == ["f32[3,3] from the argument W", "f32[3] from the argument x"]
    assert all(line.startswith("f32[3] output of jitted function 'f' from ")
               for line in lines[2:])


def test_print_saved_residuals_names_pytree_leaves():
    lines = _printed(lambda p: jnp.sum(jnp.exp(p["a"]) * p["b"]),
                     {"a": jnp.ones(2), "b": jnp.float32(2.0)})
    assert lines[0] == "f32[] from the argument p['b']"
    assert lines[1].startswith("f32[2] output of exp from ")
    # A weakly typed leaf (a Python float) joins the strong product through a convert, as
    # JAX stages it; the converted value is the residual (JAX prints these lines).
    lines = _printed(lambda p: jnp.sum(jnp.exp(p["a"]) * p["b"]), {"a": jnp.ones(2), "b": 2.0})
    assert lines[0].startswith("f32[2] output of exp from ")
    assert lines[1].startswith("f32[] output of convert_element_type from ")


def test_vjp_function_is_a_pytree_of_residuals():
    y, f_vjp = jax.vjp(lambda x: jnp.sin(x) * x, jnp.arange(3.0))
    assert isinstance(f_vjp, jax.tree_util.Partial)
    leaves = jax.tree_util.tree_leaves(f_vjp)
    assert len(leaves) == 3 and all(leaf.shape == (3,) for leaf in leaves)
    expected = np.sin(np.arange(3.0)) + np.arange(3.0) * np.cos(np.arange(3.0))
    np.testing.assert_allclose(f_vjp(jnp.ones(3))[0], expected, rtol=1e-6)
    np.testing.assert_allclose(jax.jit(lambda g, ct: g(ct))(f_vjp, jnp.ones(3))[0], expected,
                               rtol=1e-6)
    np.testing.assert_allclose(jax.tree_util.tree_map(lambda r: r, f_vjp)(jnp.ones(3))[0],
                               expected, rtol=1e-6)
    # differentiable through the residuals: d/dx of cos(x) * 1 is -sin(x)
    g = jax.grad(lambda x: jax.vjp(jnp.sin, x)[1](1.0)[0])(0.3)
    np.testing.assert_allclose(g, -np.sin(0.3), rtol=1e-6)


def test_vjp_function_checks_cotangents():
    _, f_vjp = jax.vjp(lambda x: x * 2, jnp.ones(3))
    with pytest.raises(ValueError, match="shape"):
        f_vjp(jnp.ones(2))


def test_shape_dtype_struct_like():
    assert jax.ShapeDtypeStruct.like(jnp.ones((2, 3), jnp.int8)) == jax.ShapeDtypeStruct(
        (2, 3), jnp.int8)
    s = jax.ShapeDtypeStruct.like(3.0)
    assert s.shape == () and s.dtype == np.float32 and s.weak_type
    same = jax.ShapeDtypeStruct((2,), jnp.float32)
    assert jax.ShapeDtypeStruct.like(same) == same
    assert jax.eval_shape(lambda v: v * 2, jax.ShapeDtypeStruct.like(jnp.ones(3))).shape == (3,)


def _io(log, ordered=False):
    def callback(v):
        log.append(float(v))
        return np.float32(v * 2)
    return lambda v: jax.experimental.io_callback(callback, jax.ShapeDtypeStruct((), jnp.float32),
                                                  v, ordered=ordered)


def test_io_callback_runs_even_when_its_result_is_unused():
    log = []
    g = jax.jit(lambda v: (_io(log, ordered=True)(v), v + 1)[1])
    assert float(g(1.0)) == 2.0 and float(g(2.0)) == 3.0
    assert log == [1.0, 2.0]
    assert float(jax.jit(_io(log))(3.0)) == 6.0
    np.testing.assert_array_equal(jax.vmap(_io(log))(jnp.arange(3.0)), [0, 2, 4])
    assert log == [1.0, 2.0, 3.0, 0.0, 1.0, 2.0]
    _, ys = jax.lax.scan(lambda c, v: (c, _io(log, ordered=True)(v)), 0.0, jnp.arange(2.0))
    np.testing.assert_array_equal(ys, [0, 2])


def test_io_callback_errors_as_jax():
    with pytest.raises(ValueError, match="Cannot `vmap` ordered IO callback"):
        jax.vmap(_io([], ordered=True))(jnp.arange(2.0))
    with pytest.raises(ValueError, match="IO callbacks do not support JVP"):
        jax.grad(_io([]))(1.0)


def test_experimental_package():
    import jaxlite.experimental as experimental
    from jaxlite.experimental.compilation_cache import compilation_cache
    previous = jax.config.jax_compilation_cache_dir
    compilation_cache.set_cache_dir("/tmp/jaxlite-cache")
    try:
        assert jax.config.jax_compilation_cache_dir == "/tmp/jaxlite-cache"
    finally:
        jax.config.update("jax_compilation_cache_dir", previous)
    assert {"io_callback", "EArray", "cur_qdd", "primal_tangent_dtype"} <= set(dir(experimental))
    with pytest.raises(NotImplementedError, match="EArray is not supported by jaxlite"):
        experimental.EArray(jnp.ones(2))
    with pytest.raises(AttributeError):
        experimental.no_such_name


def test_vjp_residuals_put_primal_inputs_first_as_jax():
    # JAX's order: the inputs the backward pass needs, in argument order, then computed
    # values in order of first use (cos(W1 @ x) before sin(W1 @ x) here)
    W1, W2 = jnp.ones((3, 2)), jnp.ones((2, 3))
    _, f_vjp = jax.vjp(lambda a, b, v: b @ jnp.sin(a @ v), W1, W2, jnp.ones(2))
    shapes = [leaf.shape for leaf in jax.tree_util.tree_leaves(f_vjp)]
    assert shapes[:3] == [(3, 2), (2, 3), (2,)]
    leaves = jax.tree_util.tree_leaves(f_vjp)
    np.testing.assert_allclose(leaves[3], np.cos(np.full(3, 2.0)), rtol=1e-6)
    np.testing.assert_allclose(leaves[4], np.sin(np.full(3, 2.0)), rtol=1e-6)
