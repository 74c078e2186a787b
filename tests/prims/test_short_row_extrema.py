"""max/min over a short last axis of many rows run on the transposed copy (faster in
NumPy); the result equals NumPy's row-by-row reduction, eager and jitted, NaN included."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp


@pytest.mark.parametrize("shape", [(4, 32, 32), (200, 5), (64, 2), (3, 70, 17), (10, 32)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8])
def test_last_axis_extrema_match_numpy(shape, dtype):
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 50).astype(dtype)
    if x.dtype.kind == "f":
        x.flat[::37] = np.nan
        x.flat[5::41] = np.inf
    x = np.asarray(jnp.asarray(x))  # float64 is float32 unless x64 is on, as in JAX
    for name in ("max", "min"):
        expect = getattr(np, name)(x, axis=-1)
        fn = getattr(jnp, name)
        eager = np.asarray(fn(jnp.asarray(x), axis=-1))
        jitted = np.asarray(jax.jit(lambda v, fn=fn: fn(v, axis=-1))(jnp.asarray(x)))
        assert eager.dtype == x.dtype and eager.shape == shape[:-1]
        np.testing.assert_array_equal(eager, expect)
        np.testing.assert_array_equal(jitted, eager)


def test_softmax_gradient_through_short_rows_is_jit_equal_and_matches_differences():
    rng = np.random.default_rng(3)
    x = jnp.asarray(rng.standard_normal((4, 32, 32)).astype(np.float32))
    w = jnp.asarray(rng.standard_normal((4, 32, 32)).astype(np.float32))

    def f(v):
        return jnp.sum(jax.nn.softmax(v, axis=-1) * w)
    g = np.asarray(jax.grad(f)(x))
    np.testing.assert_array_equal(np.asarray(jax.jit(jax.grad(f))(x)), g)
    d = np.zeros((4, 32, 32), np.float32)
    d[1, 2, 3] = 1e-2
    fd = (float(f(x + d)) - float(f(x - d))) / 2e-2
    np.testing.assert_allclose(g[1, 2, 3], fd, rtol=2e-3, atol=1e-4)
