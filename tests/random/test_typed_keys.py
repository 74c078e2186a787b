"""Typed PRNG key arrays (`jax.random.key`) as JAX has them: one pytree leaf each, of
dtype key<fry>, carried by jit, vmap, grad, scan, cond and while like arrays, with the jnp
shape functions applying to them. Expected values recorded from JAX 0.10.2 (CPU)."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp

# jax.random.key_data(jax.random.split(jax.random.key(0), 4))
SPLIT4 = np.array([[1797259609, 2579123966], [928981903, 3453687069],
                   [4146024105, 2718843009], [2467461003, 3840466878]], np.uint32)


def keys4():
    return jax.random.split(jax.random.key(0), 4)


def data(keys):
    return np.asarray(jax.random.key_data(keys))


def test_split_data_matches_jax():
    np.testing.assert_array_equal(data(keys4()), SPLIT4)


def test_a_key_array_is_one_leaf():
    ks = keys4()
    leaves = jax.tree.leaves({"k": ks, "x": 1.0})
    assert leaves[0] is ks and len(leaves) == 2
    assert str(jax.tree.structure(ks)) == "PyTreeDef(*)"
    (path, leaf), = jax.tree_util.tree_flatten_with_path({"a": ks})[0]
    assert jax.tree_util.keystr(path) == "['a']" and leaf is ks
    assert jax.tree.map(lambda k: k.shape, {"k": ks}) == {"k": (4,)}
    assert not jax.tree_util.all_leaves([ks, (1,)]) and jax.tree_util.all_leaves([ks, 1])
    with pytest.raises(ValueError):
        jax.tree_util.flatten_one_level(ks)


def test_metadata_and_repr():
    ks = keys4()
    assert (ks.shape, ks.ndim, ks.size, ks.itemsize, ks.nbytes) == ((4,), 1, 4, 8, 32)
    assert str(ks.dtype) == "key<fry>" and str(jax.typeof(ks)) == "key<fry>[4]"
    assert repr(jax.random.key(0)) == "Array((), dtype=key<fry>) overlaying:\n[0 0]"
    assert repr(jax.random.wrap_key_data(jnp.zeros((2,), jnp.uint32))) == \
        "Array((), dtype=key<fry>) overlaying:\n[0 0]"


def test_transformations_carry_keys():
    ks = keys4()
    out = jax.jit(lambda k: k)(ks)
    assert type(out) is type(ks)
    np.testing.assert_array_equal(data(out), SPLIT4)
    # JAX: [0.8423141 0.00729382 0.9024495 0.26698947]
    np.testing.assert_allclose(np.asarray(jax.vmap(jax.random.uniform)(ks)),
                               [0.8423141, 0.00729382, 0.9024495, 0.26698947], rtol=1e-6)
    np.testing.assert_array_equal(data(jax.vmap(lambda k: k)(ks)), SPLIT4)
    # a key in a scan carry: JAX's [683029726 1624662641]
    carry, _ = jax.lax.scan(lambda c, x: (jax.random.split(c)[0], x), jax.random.key(0),
                            jnp.arange(3))
    np.testing.assert_array_equal(data(carry), [683029726, 1624662641])
    chosen = jax.lax.cond(True, lambda a, b: a, lambda a, b: b, ks[0], ks[1])
    np.testing.assert_array_equal(data(chosen), SPLIT4[0])
    looped = jax.lax.while_loop(lambda c: c[1] < 3, lambda c: (jax.random.split(c[0])[0],
                                                                 c[1] + 1),
                                (jax.random.key(0), 0))[0]
    np.testing.assert_array_equal(data(looped), data(carry))


def test_eval_shape_and_gradient_of_keys():
    ks = keys4()
    shape = jax.eval_shape(lambda: ks)
    assert shape == jax.ShapeDtypeStruct((4,), ks.dtype)
    assert repr(shape) == "ShapeDtypeStruct(shape=(4,), dtype=key<fry>)"
    grad = jax.grad(lambda k, x: x, allow_int=True)(ks, 1.0)
    assert grad.shape == (4,) and grad.dtype == jax.dtypes.float0


def test_jnp_shape_functions_on_keys():
    ks = keys4()
    grid = ks.reshape(2, 2)
    assert grid.shape == (2, 2)
    np.testing.assert_array_equal(data(grid), SPLIT4.reshape(2, 2, 2))
    np.testing.assert_array_equal(data(grid.T), SPLIT4.reshape(2, 2, 2).transpose(1, 0, 2))
    np.testing.assert_array_equal(data(jnp.concatenate([ks, ks[:1]])),
                                  np.concatenate([SPLIT4, SPLIT4[:1]]))
    np.testing.assert_array_equal(data(jnp.stack([ks[0], ks[3]])), SPLIT4[[0, 3]])
    np.testing.assert_array_equal(data(jnp.stack([ks, ks], axis=-1)),
                                  np.stack([SPLIT4, SPLIT4], axis=1))
    picked = jnp.where(jnp.array([True, False, True, False]), ks, ks[::-1])
    np.testing.assert_array_equal(data(picked), SPLIT4[[0, 2, 2, 0]])
    np.testing.assert_array_equal(data(jnp.take(ks, jnp.array([3, 1]))), SPLIT4[[3, 1]])
    assert jnp.expand_dims(ks, -1).shape == (4, 1)
    assert jnp.squeeze(jnp.expand_dims(ks, 0)).shape == (4,)
    assert jnp.swapaxes(grid, 0, -1).shape == (2, 2) and jnp.ravel(grid).shape == (4,)
    assert jnp.broadcast_to(ks[0], (3,)).shape == (3,) and ks[..., None].shape == (4, 1)
    np.testing.assert_array_equal(data(jnp.flip(ks)), SPLIT4[::-1])
    assert jnp.asarray(ks) is ks


def test_key_comparisons():
    ks = keys4()
    np.testing.assert_array_equal(np.asarray(ks == ks[::-1]), [False] * 4)
    np.testing.assert_array_equal(np.asarray(jnp.equal(ks, ks[0])), [True, False, False, False])
    assert bool(jnp.not_equal(ks[0], ks[1])) and not bool(jnp.allclose(ks[0], ks[1]))
    assert bool(jnp.allclose(ks, ks)) and jnp.array_equal(ks, ks)


def test_arithmetic_on_keys_is_a_type_error():
    ks = keys4()
    with pytest.raises(TypeError, match="key<fry>"):
        jnp.add(ks, ks)
    with pytest.raises(ValueError, match="key<fry> is not a valid dtype"):
        jnp.concatenate([ks, jnp.zeros((4,), jnp.uint32)])


def test_abstract_keys_go_into_eval_shape_and_jit():
    # JAX: ShapeDtypeStruct(shape=(2,), dtype=key<fry>) and (3,) float32
    abstract = jax.ShapeDtypeStruct((), keys4().dtype)
    assert isinstance(abstract, jax.ShapeDtypeStruct)
    assert abstract == jax.ShapeDtypeStruct((), jax.random.key(1).dtype)
    assert jax.tree.leaves(abstract) == [abstract]
    assert repr(jax.eval_shape(jax.random.split, abstract)) == \
        "ShapeDtypeStruct(shape=(2,), dtype=key<fry>)"
    out = jax.eval_shape(lambda k: jax.random.uniform(k, (3,)), abstract)
    assert out.shape == (3,) and out.dtype == np.float32
    compiled = jax.jit(jax.random.normal).lower(abstract).compile()
    np.testing.assert_array_equal(np.asarray(compiled(jax.random.key(0))),
                                  np.asarray(jax.random.normal(jax.random.key(0))))


def test_vmap_counts_negative_axes_over_the_key_array():
    # JAX: in_axes=-1 maps a (2, 3) key array's last axis (the key data's 2 comes after)
    grid = jax.random.split(jax.random.key(0), 6).reshape(2, 3)
    mapped = jax.vmap(lambda k: k, in_axes=-1)(grid)
    assert mapped.shape == (3, 2)
    np.testing.assert_array_equal(data(mapped), data(grid.T))
    back = jax.vmap(lambda k: k, in_axes=-1, out_axes=-1)(grid)
    np.testing.assert_array_equal(data(back), data(grid))
    np.testing.assert_allclose(np.asarray(jax.vmap(jax.random.uniform, in_axes=-1)(grid[0])),
                               [0.8423141, 0.00729382, 0.9024495], rtol=1e-6)


def test_indexed_updates_of_key_arrays():
    # JAX: the key data with row 1 replaced by key(5)'s [0 5]
    ks, five = jax.random.split(jax.random.key(0), 3), jax.random.key(5)
    np.testing.assert_array_equal(data(ks.at[1].set(five)),
                                  [[1797259609, 2579123966], [0, 5], [4146024105, 2718843009]])
    np.testing.assert_array_equal(data(ks.at[1].get()), data(ks[1]))
    np.testing.assert_array_equal(data(ks.at[jnp.array([0, 2])].set(five))[::2], [[0, 5]] * 2)
    np.testing.assert_array_equal(data(jax.jit(lambda a, b: a.at[2].set(b))(ks, five))[2],
                                  [0, 5])
    with pytest.raises(TypeError, match="key<fry>"):
        ks.at[0].add(five)
