"""The fused tier on the PRNG: threefry2x32, uint32/int32 bit operations, bitcasts,
iota and float32 fma fuse into one Numba loop whose samples are the NumPy tier's bits
(and so JAX's). Skipped without Numba."""
import numpy as np
import pytest

import jaxlite as jax
from jaxlite._src.compiler import fusion, kernels
from jaxlite._src.prims import numpy_ops
from jaxlite._src.prims.rounded import fma_p

needs_numba = pytest.mark.skipif(not kernels.numba_importable(), reason="Numba not installed")

# Every test here runs with small arrays fused at once (tests/compiler/conftest.py).
pytestmark = pytest.mark.usefixtures("small_array_fusion")


def _tier(f, *args):
    return f.lower(*args)._entry.compiled.tier


@needs_numba
@pytest.mark.parametrize("sampler", [
    lambda k: jax.random.uniform(k, (3000,)),
    lambda k: jax.random.normal(k, (3000,)),
    lambda k: jax.random.bernoulli(k, 0.3, (3000,)),
    lambda k: jax.random.randint(k, (3000,), -5, 1000),
    lambda k: jax.random.uniform(k, (3000,), minval=-3.0, maxval=7.5),
    lambda k: jax.random.split(k, 3000),  # threefry alone: its fusion_weight counts
])
def test_samplers_fuse_and_keep_their_bits(sampler):
    key = jax.random.PRNGKey(17)
    with jax.disable_jit():
        eager = np.asarray(sampler(key))
    f = jax.jit(sampler)
    fused = np.asarray(f(key))  # hot at the first call: compiled synchronously
    tier = _tier(f, key)
    assert tier.state == "fused", tier.error
    names = {e.primitive.name for c in tier.clusters for e in c.jaxpr.eqns}
    # random bits fuse as threefry2x32_xor (prims/threefry.py's rewrite of the words' xor),
    # with the counters' iota; a split's stacked keys run a Numba loop of their own
    kernels_run = {repr(call) for call in tier.kernel_calls}
    assert names & {"threefry2x32", "threefry2x32_xor"} and "iota" in names \
        or kernels_run == {"threefry2x32_stacked"}
    assert fused.dtype == eager.dtype
    np.testing.assert_array_equal(fused.view(f"u{fused.itemsize}"), eager.view(f"u{eager.itemsize}"))


@needs_numba
def test_fused_fma_is_correctly_rounded_where_float64_sums_land_on_midpoints():
    rng = np.random.default_rng(5)
    n = 20000
    grid = (rng.integers(-2 ** 23, 2 ** 23, n) * 2.0 ** -23).astype(np.float32)
    normal = rng.standard_normal(n).astype(np.float32)
    tiny = (rng.standard_normal(n) * 1e-20).astype(np.float32)
    cases = [(grid, np.full(n, 1.5, np.float32), np.full(n, 0.3, np.float32)),
             (normal, normal[::-1].copy(), normal * np.float32(0.5)),
             (tiny, tiny[::-1] * np.float32(10), np.full(n, 1e-38, np.float32))]
    # x = x + 2**-12 makes products of 25 bits whose float64 sums with z often tie.
    x = np.full(n, 1 + 2 ** -12, np.float32)
    cases.append((x, x, (np.float32(2 ** -24) * rng.integers(-3, 3, n)).astype(np.float32)))

    def three_fmas(x, y, z):  # a cluster of >= 3 equations
        a = fma_p.bind(x, y, z)
        return fma_p.bind(a, np.float32(1.0), np.float32(0.0)), fma_p.bind(y, x, z) * 1.0
    f = jax.jit(three_fmas)
    for x, y, z in cases:
        got = [np.asarray(v) for v in f(x, y, z)]
        assert _tier(f, x, y, z).state == "fused"
        want = numpy_ops.ops.fma(x, y, z)
        for g in got:
            np.testing.assert_array_equal(g.view(np.uint32), want.view(np.uint32))


def test_integer_clusters_wrap_like_numpy_in_the_kernel_source():
    # uint32 arithmetic widens in Numba: each integer result is wrapped to its dtype.
    f = jax.jit(lambda a, b: ((a + b) * b) ^ (a << np.uint32(3)))
    a = np.arange(10, dtype=np.uint32) * np.uint32(0x9E3779B9)
    jaxpr = f.lower(a, a)._entry.jaxpr
    plan = fusion.plan_fusion(jaxpr, 2, 3)
    assert plan is not None
    _, clusters = fusion.fuse(jaxpr, plan)
    assert "np.uint32(" in clusters[0].source
    if kernels.numba_importable():
        np.testing.assert_array_equal(np.asarray(f(a, a)), ((a + a) * a) ^ (a << np.uint32(3)))
