"""jax.flatten_util.ravel_pytree (expected values from JAX 0.10.2)."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite.flatten_util import ravel_pytree


def test_ravel_and_unravel_round_trip():
    tree = {"w": jnp.ones((2, 2)), "b": jnp.zeros(2)}
    flat, unravel = ravel_pytree(tree)
    np.testing.assert_array_equal(flat, [0, 0, 1, 1, 1, 1])
    back = unravel(flat)
    assert back["w"].shape == (2, 2) and back["b"].shape == (2,)
    assert hash(unravel) == hash(ravel_pytree(tree)[1]) and unravel == ravel_pytree(tree)[1]


@pytest.mark.parametrize("tree, dtype, leaf_dtypes", [
    ({"a": 1.0, "b": jnp.ones(2, jnp.int32)}, np.float32, [np.float32, np.int32]),
    ((jnp.ones(2, jnp.float16), jnp.arange(3)), np.float16, [np.float16, np.int32]),
    ((1, True), np.int32, [np.int32, np.bool_]),
])
def test_leaves_promote_and_unravel_restores_dtypes(tree, dtype, leaf_dtypes):
    flat, unravel = ravel_pytree(tree)
    assert flat.dtype == dtype and not flat.weak_type
    assert [leaf.dtype for leaf in jax.tree_util.tree_leaves(unravel(flat))] == leaf_dtypes


def test_mixed_dtype_unravel_checks_its_input_dtype():
    _, unravel = ravel_pytree((jnp.ones(2, jnp.float16), jnp.arange(3)))
    with pytest.raises(TypeError, match="given array of dtype float32, but expected dtype "
                                        "float16"):
        unravel(jnp.ones(5))


def test_single_dtype_unravel_is_dtype_polymorphic_and_checks_size():
    flat, unravel = ravel_pytree([1.0, 2.0])
    assert flat.weak_type
    assert unravel(jnp.ones(2, jnp.int32))[0].dtype == np.int32
    with pytest.raises(ValueError, match="Sum of sizes 2"):
        unravel(jnp.ones(3))


def test_empty_tree():
    flat, unravel = ravel_pytree([])
    assert flat.shape == (0,) and flat.dtype == np.float32
    assert unravel(flat) == []


def test_under_jit_and_grad():
    tree = {"a": jnp.ones(2), "b": 3.0}
    np.testing.assert_array_equal(jax.jit(lambda t: ravel_pytree(t)[0])(tree), [1, 1, 3])
    g = jax.grad(lambda t: (ravel_pytree(t)[0] ** 2).sum())(tree)
    np.testing.assert_allclose(g["a"], [2, 2])
    np.testing.assert_allclose(g["b"], 6)
    # unravel is a hashable static argument
    flat, unravel = ravel_pytree(tree)
    out = jax.jit(lambda x, u: u(x)["a"] * 2, static_argnums=1)(flat, unravel)
    np.testing.assert_array_equal(out, [2, 2])
