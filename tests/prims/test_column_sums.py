"""float32 sums over an outer axis accumulate in float64 (NumPy would add row after row;
XLA adds in a tree): column means of many rows are as accurate as JAX's."""
import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp


def test_column_sum_is_accurate_eager_and_jitted():
    rng = np.random.default_rng(1701)
    x = rng.random((10000, 10)).astype(np.float32) + np.float32(1e3)
    exact = x.astype(np.float64).sum(0)
    for f in (lambda v: jnp.sum(v, axis=0), jax.jit(lambda v: jnp.sum(v, axis=0))):
        got = np.asarray(f(jnp.asarray(x)))
        assert got.dtype == np.float32
        # within float32 rounding of the exact sum (a row-by-row float32 sum is off by ~1e-5)
        np.testing.assert_allclose(got, exact, rtol=1.2e-7)
    np.testing.assert_allclose(np.asarray(jnp.mean(jnp.asarray(x), axis=0)),
                               x.astype(np.float64).mean(0), rtol=1.2e-7)


def test_concrete_array_type_is_named_as_jax():
    x = jnp.ones(2)
    assert type(x).__name__ == "ArrayImpl" and isinstance(x, jax.Array)


def test_sums_over_several_outer_axes_are_accurate_and_jit_equals_eager():
    # A bias gradient: the sum over (batch, height, width) of an NHWC array, done as two
    # float64 reductions (the leading axes, then the last reduced one) for speed.
    rng = np.random.default_rng(7)
    x = rng.random((16, 12, 12, 8)).astype(np.float32) + np.float32(1e3)
    exact = x.astype(np.float64).sum((0, 1, 2))
    eager = np.asarray(jnp.sum(jnp.asarray(x), axis=(0, 1, 2)))
    jitted = np.asarray(jax.jit(lambda v: jnp.sum(v, axis=(0, 1, 2)))(jnp.asarray(x)))
    np.testing.assert_allclose(eager, exact, rtol=1.2e-7)
    np.testing.assert_array_equal(jitted, eager)
    mixed = np.asarray(jnp.sum(jnp.asarray(x), axis=(0, 2)))  # kept axes interleaved
    np.testing.assert_allclose(mixed, x.astype(np.float64).sum((0, 2)), rtol=1.2e-7)
