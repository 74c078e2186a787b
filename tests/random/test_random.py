"""The public jaxlite.random API: typed and raw keys, and the samplers under jit,
vmap and grad. Bit-exactness against JAX is checked in test_random_reference.py."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import random


def test_typed_and_raw_keys_share_bits():
    typed, raw = random.key(7), random.PRNGKey(7)
    assert typed.shape == () and str(typed.dtype) == "key<fry>"
    assert raw.shape == (2,) and raw.dtype == np.uint32
    np.testing.assert_array_equal(random.key_data(typed), raw)
    np.testing.assert_array_equal(random.key_data(random.split(typed, 3)), random.split(raw, 3))
    np.testing.assert_array_equal(random.normal(typed, (4,)), random.normal(raw, (4,)))
    wrapped = random.wrap_key_data(raw)
    np.testing.assert_array_equal(random.uniform(wrapped, (3,)), random.uniform(typed, (3,)))


def test_tutorial_draws():
    key = random.key(0)
    key, w_key, b_key = random.split(key, 3)
    W = random.normal(w_key, (3,))
    b = random.normal(b_key, ())
    assert W.dtype == np.float32 and W.shape == (3,) and b.shape == () and not W.weak_type
    # Bit patterns JAX 0.10.2 draws (the tutorial's Jacobians depend on them).
    assert np.asarray(W).view(np.uint32).tolist() == [3223081266, 3221375127, 1045592624]
    assert int(np.asarray(b).view(np.uint32)) == 1067833190
    assert np.asarray(random.key_data(key)).tolist() == [1797259609, 2579123966]


def test_samplers_agree_under_jit_and_vmap():
    key = random.key(3)
    for sampler in (lambda k: random.normal(k, (5,)), lambda k: random.uniform(k, (5,), minval=-2, maxval=3),
                    lambda k: random.randint(k, (5,), 0, 100), lambda k: random.bits(k, (5,)),
                    lambda k: random.bernoulli(k, 0.3, (5,))):
        eager = sampler(key)
        np.testing.assert_array_equal(jax.jit(sampler)(key), eager)
        keys = random.split(key, 4)
        batched = jax.vmap(sampler)(keys)
        loop = np.stack([np.asarray(sampler(k)) for k in keys])
        np.testing.assert_array_equal(batched, loop)


def test_fold_in_equals_split_entry():
    key = random.key(11)
    split = random.split(key, 5)
    for i in range(5):
        np.testing.assert_array_equal(random.key_data(random.fold_in(key, i)),
                                      random.key_data(split[i]))


def test_ranges_and_dtypes():
    key = random.key(1)
    u = random.uniform(key, (1000,), minval=2.0, maxval=3.0)
    assert u.dtype == np.float32 and float(u.min()) >= 2.0 and float(u.max()) < 3.0
    r = random.randint(key, (1000,), -3, 4)
    assert r.dtype == np.int32 and set(np.unique(np.asarray(r))) <= set(range(-3, 4))
    assert random.bits(key, (3,), jnp.uint8).dtype == np.uint8
    n = random.normal(key, (20000,))
    assert abs(float(n.mean())) < 0.05 and abs(float(n.std()) - 1) < 0.05


def test_grad_through_sampling_flows_to_parameters():
    key = random.key(5)
    f = lambda mu: jnp.sum(mu + random.normal(key, (3,)))
    np.testing.assert_allclose(jax.grad(f)(1.0), 3.0)


def test_errors():
    with pytest.raises(ValueError, match="single key"):
        random.normal(random.split(random.key(0), 2), (3,))
    with pytest.raises(TypeError, match="PRNG key"):
        random.normal(jnp.ones(2), (3,))
    with pytest.raises(TypeError, match="integer"):
        random.key(1.5)
    with pytest.raises(OverflowError):
        random.randint(random.key(0), (2,), 0, 2 ** 40)
    with pytest.raises(ValueError, match="float dtype"):
        random.normal(random.key(0), (2,), jnp.int32)


def test_typeof_a_typed_key_is_its_key_aval():
    aval = jax.typeof(jax.random.key(42))
    assert str(aval) == "key<fry>[]" and repr(aval) == "ShapedArray(key<fry>[])"
    assert aval.dtype == jax.random.key(0).dtype and aval.shape == () and not aval.weak_type
    assert str(jax.typeof(jax.random.split(jax.random.key(0), 3))) == "key<fry>[3]"


def test_typed_keys_compare_elementwise():
    keys = random.split(random.key(0), 3)
    first = keys[0]
    np.testing.assert_array_equal(keys == first, [True, False, False])
    np.testing.assert_array_equal(keys != first, [False, True, True])
    assert (keys[1:] != first).all() and bool(first == keys[0]) and not bool(first != keys[0])
