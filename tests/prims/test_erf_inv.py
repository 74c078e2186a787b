"""erf_inv's fast float32 NumPy schedule and its fused-tier scalar code give the generic
kernel's bits (which tests/random/test_random_reference.py checks against XLA), and the
fused multiply-add the fast schedule uses is correctly rounded, ties included."""
from fractions import Fraction

import numpy as np
import pytest

import jaxlite as jax
from jaxlite._src.prims import erf_inv as kernels, numpy_ops
from jaxlite._src.prims.special import erf_inv_p


def _generic(x):
    with np.errstate(all="ignore"):
        return np.asarray(kernels._erf_inv_f32(numpy_ops.ops, x))


def _inputs():
    rng = np.random.default_rng(0)
    low = np.nextafter(np.float32(-1), np.float32(0))
    mantissas = rng.integers(0, 2 ** 23, 100000).astype(np.uint32)
    grid = (mantissas | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)
    draws = np.maximum(low, grid * np.float32(2) + low)  # what normal() feeds erf_inv
    edges = np.array([0.0, -0.0, 1.0, -1.0, 1.5, -2.0, np.inf, -np.inf, np.nan, 1e-40, -1e-45,
                      2.0 ** -20, -(2.0 ** -20), 2.0 ** -21, 0.9965, 0.99651, -0.9965, 0.999,
                      0.6435942, 0.64359426, 0.6435943, 1e-7, 0.5], np.float32)
    near = np.concatenate([np.nextafter(edges, np.float32(np.inf)),
                           np.nextafter(edges, np.float32(-np.inf))])
    return np.concatenate([draws, edges, near, rng.uniform(-1, 1, 50000).astype(np.float32),
                           rng.standard_normal(5000).astype(np.float32)])


def test_fast_float32_schedule_matches_the_generic_kernel_bit_for_bit():
    x = _inputs()
    with np.errstate(all="ignore"):
        fast = kernels._erf_inv_f32_numpy(x)
    generic = _generic(x)
    finite = ~np.isnan(generic)
    np.testing.assert_array_equal(np.isnan(fast), ~finite)
    np.testing.assert_array_equal(fast[finite].view(np.uint32), generic[finite].view(np.uint32))
    # the public primitive takes the fast path on large arrays
    assert kernels._FAST_MIN_SIZE < x.size
    out = np.asarray(jax.lax.erf_inv(x))
    np.testing.assert_array_equal(out[finite].view(np.uint32), generic[finite].view(np.uint32))


def _correctly_rounded(value, exact):
    value = np.float32(value)
    error = abs(Fraction(float(value)) - exact)
    up = abs(Fraction(float(np.nextafter(value, np.float32(np.inf)))) - Fraction(float(value)))
    down = abs(Fraction(float(value)) - Fraction(float(np.nextafter(value, np.float32(-np.inf)))))
    if error == up / 2 or error == down / 2:  # a tie goes to the even neighbour
        return int(np.array(value).view(np.uint32)) % 2 == 0
    return error < up / 2 and error < down / 2


def test_fma_rows_rounds_once_even_where_the_float64_sum_is_an_inexact_tie():
    rng = np.random.default_rng(2)
    n = 4000
    acc = rng.standard_normal((2, n)).astype(np.float32)
    w = rng.standard_normal(n).astype(np.float32)
    addend = np.array([[0.3], [-1.7]], np.float32).astype(np.float64)
    # fl64(2**-24 (1 + 2**-23) (1 - 2**-23) + (1 + 2**-23)) = 1 + 3 * 2**-24 exactly halfway
    # between float32 neighbours, though the exact sum lies below: rounding the float64 sum
    # to nearest even would be one ulp high.
    acc[0, :50] = np.float32(2.0 ** -24 * (1 + 2.0 ** -23))
    w[:50] = np.float32(1 - 2.0 ** -23)
    addend_row = np.full(n, 1 + 2.0 ** -23, np.float32)
    for rows, c in [(acc.copy(), addend), (acc[0].copy(), addend_row)]:
        expected = [Fraction(float(a)) * Fraction(float(b)) + Fraction(float(z))
                    for a, b, z in zip(rows.reshape(-1), np.broadcast_to(w, rows.shape).reshape(-1),
                                       np.broadcast_to(c, rows.shape).reshape(-1))]
        kernels._fma_rows(rows, w.astype(np.float64), c, kernels._Scratch(n))
        flat = rows.reshape(-1)
        assert all(_correctly_rounded(flat[i], expected[i]) for i in range(0, flat.size, 7))
        assert all(_correctly_rounded(flat[i], expected[i]) for i in range(50))
    assert rows[0] == np.float32(1 + 2.0 ** -23)  # not 1 + 2**-22


def test_fma_by_one_is_compiled_as_an_add():
    key = jax.random.PRNGKey(3)
    # a span of 1 (the default [0, 1) skips the scaling altogether)
    f = jax.jit(lambda k: jax.random.uniform(k, (1000,), minval=0.5, maxval=1.5))
    with jax.disable_jit():
        eager = np.asarray(jax.random.uniform(key, (1000,), minval=0.5, maxval=1.5))
    np.testing.assert_array_equal(np.asarray(f(key)).view(np.uint32), eager.view(np.uint32))
    source = f.lower(key)._entry.compiled.source
    assert "np.add(" in source and "fma" not in source


def test_normal_binds_erf_inv_as_jax_does():
    jaxpr = jax.make_jaxpr(lambda k: jax.random.normal(k, (4,)))(jax.random.PRNGKey(0))
    # one erf_inv equation, not its ~30 fused multiply-adds (one fma is uniform's scaling)
    assert "erf_inv" in str(jaxpr) and str(jaxpr).count("fma") == 1


def test_fused_scalar_code_matches_the_numpy_kernel():
    numba = pytest.importorskip("numba")
    namespace = {"np": np, "numba": numba}
    for name in ("fma_float32", "erf_inv_float32"):
        exec(erf_inv_p.scalar_helpers[name], namespace)
    scalar = namespace["erf_inv_float32"]

    @numba.njit
    def loop(x, out):
        for i in range(x.size):
            out[i] = scalar(x[i])

    x = _inputs()
    out = np.empty_like(x)
    loop(x, out)
    generic = _generic(x)
    finite = ~np.isnan(generic)
    np.testing.assert_array_equal(np.isnan(out), ~finite)
    np.testing.assert_array_equal(out[finite].view(np.uint32), generic[finite].view(np.uint32))


@pytest.mark.parametrize("low, high", [(0.01, 0.5), (0.7, 0.99), (0.999, 1.0)])
def test_fast_schedule_with_a_branch_no_element_takes(low, high):
    x = np.random.default_rng(4).uniform(low, high, 3 * kernels._FAST_BLOCK).astype(np.float32)
    fast = kernels._erf_inv_f32_numpy(x)
    np.testing.assert_array_equal(fast.view(np.uint32), _generic(x).view(np.uint32))


def test_small_arrays_and_the_tail_branch_take_the_fast_schedule():
    # A few elements (a scalar draw) and the Q branch (|x| > ~0.9966) run the fast
    # schedule, not the generic kernel; the bits are the generic kernel's.
    rng = np.random.default_rng(5)
    tail = rng.uniform(0.9967, 1.0, 64).astype(np.float32) * rng.choice([-1, 1], 64)
    for x in [np.float32([0.3]), np.float32([-0.999, 0.1, 0.5]), tail,
              np.concatenate([tail, rng.uniform(-1, 1, 9).astype(np.float32)])]:
        x = x.astype(np.float32)
        assert kernels._FAST_MIN_SIZE <= x.size
        np.testing.assert_array_equal(np.asarray(jax.lax.erf_inv(x)).view(np.uint32),
                                      _generic(x).view(np.uint32))
        assert kernels._erf_inv_f32_block(x, np.empty_like(x), np.empty_like(x),
                                          kernels._Scratch(x.size)).size == 0


def test_python_scalar_path_matches_the_generic_kernel():
    # A few elements run the fused tier's scalar code as plain Python on NumPy scalars.
    x = _inputs()[::7]
    out = kernels._erf_inv_f32_python(x)
    generic = _generic(x)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(generic))
    finite = ~np.isnan(generic)
    np.testing.assert_array_equal(out[finite].view(np.uint32), generic[finite].view(np.uint32))
    for small in (np.float32(0.25), np.array(-0.75, np.float32), x[:kernels._PYTHON_MAX_SIZE]):
        result = np.asarray(jax.lax.erf_inv(small))
        assert result.shape == np.shape(small) and result.dtype == np.float32
        np.testing.assert_array_equal(result.view(np.uint32),
                                      _generic(np.asarray(small)).view(np.uint32))


def test_python_fma_rounds_once_where_the_float64_sum_is_a_tie():
    rng = np.random.default_rng(8)
    a = rng.standard_normal(3000).astype(np.float32)
    b = rng.standard_normal(3000).astype(np.float32)
    c = rng.standard_normal(3000).astype(np.float32)
    # inexact ties above and below (the exact sum lies off the float64 midpoint), exact
    # ties (round to even), a power-of-two boundary and subnormal results
    e = np.float32(2.0 ** -24 * (1 + 2.0 ** -23))
    cases = [(e, np.float32(1 - 2.0 ** -23), np.float32(1 + 2.0 ** -23)),
             (-e, np.float32(1 - 2.0 ** -23), np.float32(-(1 + 2.0 ** -23))),
             (e, np.float32(1 + 2.0 ** -23), np.float32(1 + 2.0 ** -23)),
             (np.float32(2.0 ** -24), np.float32(1), np.float32(1)),
             (np.float32(-2.0 ** -25), np.float32(1 + 2.0 ** -23), np.float32(1)),
             (np.float32(1e-30), np.float32(1e-15), np.float32(1e-44)),
             (np.float32(3e-39), np.float32(0.5), np.float32(-1e-45))]
    cases += list(zip(a, b, c))
    for x, y, z in cases:
        got = kernels._fma_float32_python(x, y, z)
        assert type(got) is np.float32
        assert _correctly_rounded(got, Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
