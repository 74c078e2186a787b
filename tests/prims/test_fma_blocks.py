"""fma of float32 through float64 gives the same bits whether done whole or in blocks
(large arrays go in cache-sized blocks): checked against exact rational arithmetic."""
from fractions import Fraction

import numpy as np

from jaxlite._src.prims import numpy_ops


def test_blocked_fma_is_correctly_rounded_and_broadcasts():
    rng = np.random.default_rng(0)
    n = 3 * numpy_ops._FMA_CHUNK + 17
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    z = np.asarray(np.float32(0.3))
    out = numpy_ops.ops.fma(x, y, z)
    assert out.shape == (n,) and out.dtype == np.float32
    whole = numpy_ops._fma_via_float64_block(x, y, z, np.float32)
    np.testing.assert_array_equal(out.view(np.uint32), whole.view(np.uint32))
    for i in rng.integers(0, n, 50):
        exact = Fraction(float(x[i])) * Fraction(float(y[i])) + Fraction(float(z))
        assert abs(Fraction(float(out[i])) - exact) <= abs(
            Fraction(float(np.nextafter(out[i], np.inf))) - Fraction(float(out[i]))) / 2
    grid = numpy_ops.ops.fma(x[:6000].reshape(2, 3000), y[:3000], x[:2].reshape(2, 1))
    np.testing.assert_array_equal(
        grid.view(np.uint32),
        numpy_ops._fma_via_float64_block(x[:6000].reshape(2, 3000), y[:3000],
                                         x[:2].reshape(2, 1), np.float32).view(np.uint32))


def test_blocked_fma_redoes_halfway_and_tiny_results_as_the_whole_path():
    # The blocked path reuses its buffers; elements whose float64 sum lies halfway
    # between float32 values, and results below float32's normal range, are redone.
    rng = np.random.default_rng(1)
    n = 2 * numpy_ops._FMA_CHUNK + 5
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    z = (rng.standard_normal(n) * 1e-3).astype(np.float32)
    halfway = slice(numpy_ops._FMA_CHUNK - 500, numpy_ops._FMA_CHUNK + 500)  # straddles blocks
    x[halfway] = y[halfway] = np.float32(1 + 2 ** -12)
    z[halfway] = np.float32(2 ** -24) * rng.integers(-3, 3, 1000)
    x[-300:], y[-300:] = np.float32(1e-30), np.float32(1e-10)
    for args in [(x, y, z), (x, np.asarray(np.float32(3.5)), z), (x, y, np.asarray(np.float32(0.25)))]:
        blocked = numpy_ops._fma_via_float64(*args, np.float32)
        whole = numpy_ops._fma_via_float64_block(*args, np.float32)
        np.testing.assert_array_equal(blocked.view(np.uint32), whole.view(np.uint32))
