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
