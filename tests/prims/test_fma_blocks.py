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


def _assert_correctly_rounded(out, x, y, z):
    x, y, z = np.broadcast_arrays(x, y, z)
    for i in range(0, out.size, max(1, out.size // 300)):
        exact = Fraction(float(x[i])) * Fraction(float(y[i])) + Fraction(float(z[i]))
        below, above = np.nextafter(out[i], -np.inf), np.nextafter(out[i], np.inf)
        error = abs(Fraction(float(out[i])) - exact)
        assert error <= abs(Fraction(float(above)) - Fraction(float(out[i]))) / 2
        assert error <= abs(Fraction(float(out[i])) - Fraction(float(below))) / 2
        if error == abs(Fraction(float(above)) - Fraction(float(out[i]))) / 2:  # a tie
            assert int(out[i:i + 1].view(np.uint32)[0]) % 2 == 0


def test_scaling_by_a_power_of_two_is_one_rounded_add():
    # uniform's fma(floats, maxval - minval, minval): the span is 1 or 2 (normal).
    rng = np.random.default_rng(2)
    n = 2 * numpy_ops._FMA_CHUNK + 3
    floats = (rng.integers(0, 2 ** 23, n) * 2.0 ** -23).astype(np.float32)
    for scale, shift in [(1.0, 0.0), (2.0, np.nextafter(np.float32(-1), np.float32(0))),
                         (4.0, -3.0), (-2.0, 0.3), (0.0, 1.5)]:
        y, z = np.asarray(np.float32(scale)), np.asarray(np.float32(shift))
        out = numpy_ops.ops.fma(floats, y, z)
        assert numpy_ops._fma_scaling_by_power_of_two(floats, y, z, np.float32) is not None
        _assert_correctly_rounded(out, floats, y, z)
        whole = numpy_ops._fma_via_float64_block(floats, y, z, np.float32)
        np.testing.assert_array_equal(out.view(np.uint32), whole.view(np.uint32))
    # A product beyond float32's range takes the general path: x * 2**100 + (-max) is finite.
    x = np.full(10, np.float32(2.0 ** 28))
    y, z = np.asarray(np.float32(2.0 ** 100)), np.asarray(np.finfo(np.float32).max)
    out = numpy_ops.ops.fma(x, y, -z)
    assert np.isfinite(out).all()
    _assert_correctly_rounded(out, x, y, -z)


def test_exact_sums_on_midpoints_keep_ties_to_even():
    # Short operands make float64 sums exact and often halfway between float32 values:
    # those are true ties (rounded once); every block holds many of them.
    rng = np.random.default_rng(3)
    n = 2 * numpy_ops._FMA_CHUNK + 9
    x = (rng.integers(-2 ** 23, 2 ** 23, n) * 2.0 ** -23).astype(np.float32)
    y, z = np.asarray(np.float32(1.5)), np.asarray(np.float32(0.3))
    out = numpy_ops.ops.fma(x, y, z)
    _assert_correctly_rounded(out, x, y, z)
    np.testing.assert_array_equal(
        out.view(np.uint32), numpy_ops._fma_via_float64_block(x, y, z, np.float32).view(np.uint32))
