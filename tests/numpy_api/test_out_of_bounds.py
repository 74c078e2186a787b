"""Out-of-bounds indexing as in JAX (values recorded from JAX 0.10.2): reads clamp, writes
drop, and `.at[...]` honours `mode=` and `fill_value=`, eagerly and under jit alike."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax

X = jnp.arange(10)
M = jnp.arange(12).reshape(3, 4)
EAGER_AND_JIT = [lambda f: f, jax.jit]


def check(got, expected, dtype=None):
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    if dtype is not None:
        assert got.dtype == np.dtype(dtype)


@pytest.mark.parametrize("wrap", EAGER_AND_JIT)
def test_static_int_reads_clamp(wrap):
    check(wrap(lambda a: a[11])(X), 9)
    check(wrap(lambda a: a[10])(X), 9)
    check(wrap(lambda a: a[-11])(X), 0)
    check(wrap(lambda a: a[-100])(X), 0)
    check(wrap(lambda a: a[5])(M), [8, 9, 10, 11])
    check(wrap(lambda a: a[1, 7])(M), 7)
    check(wrap(lambda a: a[:, 7])(M), [3, 7, 11])
    check(wrap(lambda a: a[None, 11])(X), [9])
    check(wrap(lambda a: a[..., 11])(X), 9)
    check(wrap(lambda a: a[5:20])(X), [5, 6, 7, 8, 9])
    check(wrap(lambda a: a[jnp.array([0, 12, -12, -1])])(X), [0, 9, 0, 9])


def test_traced_and_concrete_scalar_indices_clamp():
    check(jax.jit(lambda a, i: a[i])(X, 12), 9)
    check(jax.jit(lambda a, i: a[i])(X, -12), 0)
    check(X[jnp.array(12)], 9)


def test_empty_axis_still_raises():
    with pytest.raises(IndexError):
        jnp.zeros(0)[0]
    with pytest.raises(IndexError):
        jnp.zeros(0).at[0].set(1.0)


@pytest.mark.parametrize("wrap", EAGER_AND_JIT)
@pytest.mark.parametrize("method,value", [("set", 100), ("add", 100), ("mul", 100),
                                          ("min", -100), ("max", 100)])
def test_out_of_bounds_updates_are_dropped(wrap, method, value):
    for i in (11, -11):
        check(wrap(lambda a: getattr(a.at[i], method)(value))(X), X)
    check(wrap(lambda a: getattr(a.at[1, 5], method)(value))(jnp.ones((2, 3))), jnp.ones((2, 3)))
    check(wrap(lambda a: getattr(a.at[5], method)(value))(jnp.ones((2, 3))), jnp.ones((2, 3)))


def test_other_update_methods_drop_too():
    x = X * 1.0
    for method, arg in [("subtract", 2.0), ("divide", 2.0), ("power", 2.0),
                        ("apply", lambda v: v * 100)]:
        check(getattr(x.at[11], method)(arg), x)
    check(X.at[jnp.array([1, 11, -11, -1])].add(100),
          [0, 101, 2, 3, 4, 5, 6, 7, 8, 109])


@pytest.mark.parametrize("wrap", EAGER_AND_JIT)
def test_update_modes(wrap):
    z = jnp.zeros(4)
    check(wrap(lambda a: a.at[jnp.array([7])].add(5.0, mode="clip"))(z), [0, 0, 0, 5])
    check(wrap(lambda a: a.at[jnp.array([7, 9])].add(1.0, mode="clip"))(z), [0, 0, 0, 2])
    check(wrap(lambda a: a.at[jnp.array([-7])].set(5.0, mode="clip"))(z), [5, 0, 0, 0])
    check(wrap(lambda a: a.at[jnp.array([-1])].set(5.0, mode="clip"))(z), [0, 0, 0, 5])
    check(wrap(lambda a: a.at[7].subtract(2.0, mode="clip"))(z), [0, 0, 0, -2])
    check(wrap(lambda a: a.at[jnp.array([7])].add(5.0, mode="drop"))(z), z)
    check(wrap(lambda a: a.at[jnp.array([7])].add(5.0, mode="fill"))(z), z)
    check(wrap(lambda a: a.at[jnp.array([1])].set(5.0, mode="promise_in_bounds"))(z),
          [0, 5, 0, 0])
    check(wrap(lambda a: a.at[1, 5].set(5.0, mode="clip"))(jnp.zeros((2, 3))),
          [[0, 0, 0], [0, 0, 5]])
    check(wrap(lambda a: a.at[7].apply(lambda v: v + 3, mode="clip"))(z), [0, 0, 0, 3])
    check(wrap(lambda a: a.at[12].set(0, mode=lax.GatherScatterMode.CLIP))(X),
          [0, 1, 2, 3, 4, 5, 6, 7, 8, 0])


@pytest.mark.parametrize("wrap", EAGER_AND_JIT)
def test_get_modes(wrap):
    idx = jnp.array([1, 11, -11, -1])
    check(wrap(lambda a: a.at[idx].get(mode="fill", fill_value=-5))(X), [1, -5, -5, 9])
    check(wrap(lambda a: a.at[11].get(mode="fill", fill_value=-5))(X), -5)
    check(wrap(lambda a: a.at[8:12].get(mode="fill", fill_value=-5))(X), [8, 9])
    check(wrap(lambda a: a.at[jnp.array([1, 11, -11])].get(mode="clip"))(X), [1, 9, 0])
    check(wrap(lambda a: a.at[11].get())(X), 9)
    info = np.iinfo(np.int32)
    check(wrap(lambda a: a.at[jnp.array([1, 11])].get(mode="fill"))(X), [1, info.min])
    check(wrap(lambda a: a.at[jnp.array([1, 11, -11])].get(mode="drop"))(X),
          [1, info.min, info.min])
    m = jnp.arange(6).reshape(2, 3)
    check(wrap(lambda a: a.at[jnp.array([0, 5]), 1:].get(mode="fill", fill_value=-1))(m),
          [[1, 2], [-1, -1]])
    check(wrap(lambda a: a.at[:, jnp.array([0, 5])].get(mode="fill", fill_value=-1))(m),
          [[0, -1], [3, -1]])
    check(wrap(lambda a: a.at[7].get(mode="fill", fill_value=-1))(m), [-1, -1, -1])


def test_get_fill_defaults_and_weak_type():
    got = (X * 1.0).at[jnp.array([1, 11])].get(mode="fill")
    check(got, [1.0, np.nan])
    assert got.weak_type  # as JAX: the operand's weak type
    assert bool((X > 3).at[jnp.array([12])].get(mode="fill")[0])
    check(X.astype(jnp.uint8).at[jnp.array([12])].get(mode="fill"), [255])
    check(X.at[12].get(mode="fill", fill_value=2.5), 2)
    assert jnp.take(X * 1.0, jnp.array([1, 11])).weak_type


def test_unknown_mode_is_value_error():
    with pytest.raises(ValueError, match="Unknown gather mode"):
        X.at[1].get(mode="foo")
    with pytest.raises(ValueError, match="Unknown gather mode"):
        X.at[1].set(1, mode="wrap")


def test_derivatives_at_out_of_bounds_indices():
    # Reads clamp: the cotangent goes to the last element; filled reads get none.
    check(jax.grad(lambda a: a[11])(jnp.ones(3)), [0, 0, 1])
    check(jax.grad(lambda a: a.at[jnp.array([1, 12])].get(mode="fill", fill_value=0.0).sum())(
        jnp.ones(3)), [0, 1, 0])
    check(jax.grad(lambda u: jnp.zeros(3).at[jnp.array([1, 12])].add(u, mode="clip").sum())(
        jnp.ones(2)), [1, 1])
    check(jax.vmap(lambda a: a[11])(jnp.ones((2, 3))), [1, 1])
    check(jax.vmap(lambda a: a.at[11].set(5.0))(jnp.ones((2, 3))), jnp.ones((2, 3)))


def test_lax_index_in_dim_checks_bounds():
    with pytest.raises(IndexError, match="out of bounds"):
        lax.index_in_dim(X, 12)
    with pytest.raises(IndexError, match="out of bounds"):
        lax.index_in_dim(X, -11)
    check(lax.index_in_dim(X, -1), [9])
    check(lax.dynamic_index_in_dim(X, 12), [9])


def test_wrap_negative_indices_false_makes_negatives_out_of_bounds():
    # Values printed by JAX 0.10.2 (lineax's tridiagonal operator reads with it).
    x = jnp.arange(5.)
    i = jnp.array([-1, 2, -6])
    np.testing.assert_array_equal(x.at[i].get(wrap_negative_indices=False), [0., 2., 0.])
    np.testing.assert_array_equal(x.at[i].get(wrap_negative_indices=False, mode="fill"),
                                  [np.nan, 2., np.nan])
    assert np.isnan(x.at[-1].get(wrap_negative_indices=False, mode="fill"))
    assert x.at[-1].get(wrap_negative_indices=False) == 0.
    np.testing.assert_array_equal(x.at[1:-1].get(wrap_negative_indices=False), [1., 2., 3.])
    j = jnp.array([-1, 2])
    np.testing.assert_array_equal(x.at[j].set(9., wrap_negative_indices=False),
                                  [0., 1., 9., 3., 4.])
    np.testing.assert_array_equal(x.at[j].set(9., wrap_negative_indices=False, mode="clip"),
                                  [9., 1., 9., 3., 4.])
    np.testing.assert_array_equal(x.at[-1].set(7., wrap_negative_indices=False), x)
    np.testing.assert_array_equal(x.at[j].add(1., wrap_negative_indices=True), [0, 1, 3, 3, 5])
    got = jax.jit(lambda x, i: x.at[i].get(wrap_negative_indices=False, mode="fill",
                                           fill_value=-3.))(x, jnp.array([-1, 4]))
    np.testing.assert_array_equal(got, [-3., 4.])
