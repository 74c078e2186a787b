"""XLA's edge-case semantics, which JAX programs get and jaxlite must give too: integer
division and remainder by zero, saturating float -> integer conversion, narrow floats
accumulated as XLA accumulates them, the identities of empty reductions. Expected values
were recorded from JAX 0.10.2 on CPU; each case runs eagerly, under jit and under vmap.
"""
import warnings

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax

try:
    import ml_dtypes  # noqa: F401
    HAVE_ML_DTYPES = True
except ImportError:
    HAVE_ML_DTYPES = False
needs_ml_dtypes = pytest.mark.skipif(not HAVE_ML_DTYPES, reason="ml_dtypes is not installed")


def _three_ways(f, *args):
    """f(*args) eagerly, under jit, and under vmap over a leading axis of 1; all equal."""
    eager = np.asarray(f(*args))
    jitted = np.asarray(jax.jit(f)(*args))
    batched = np.asarray(jax.vmap(f)(*[jnp.asarray(a)[None] for a in args]))[0]
    for other in (jitted, batched):
        assert other.dtype == eager.dtype
        np.testing.assert_array_equal(other, eager)
    return eager


@pytest.fixture(autouse=True)
def _no_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a NumPy RuntimeWarning leaking out fails the test
        yield


# ---- integer division and remainder ------------------------------------------------------
def test_floor_divide_and_remainder_by_zero():
    a = jnp.array([1, -1, 0])
    np.testing.assert_array_equal(_three_ways(lambda a: a // 0, a), [-2, -2, -1])
    np.testing.assert_array_equal(_three_ways(lambda a: a % 0, a), [0, 0, 0])
    np.testing.assert_array_equal(_three_ways(lambda a: jnp.fmod(a, 0), a), [0, 0, 0])
    q, r = jnp.divmod(a, 0)
    np.testing.assert_array_equal(q, [-2, -2, -1])
    np.testing.assert_array_equal(r, [0, 0, 0])
    assert int(jnp.int32(-7) // 0) == -2


@pytest.mark.parametrize("dtype, quotient", [
    (np.int8, [-2, -1, -2]), (np.int16, [-2, -1, -2]), (np.uint8, [255, 255, 255]),
    (np.uint16, [65535, 65535, 65535]), (np.uint32, [4294967295] * 3)])
def test_narrow_and_unsigned_floor_divide_by_zero(dtype, quotient):
    x, zero = jnp.array([5, 0, 100], dtype), jnp.zeros(3, dtype)
    np.testing.assert_array_equal(_three_ways(lambda x, z: x // z, x, zero), quotient)
    np.testing.assert_array_equal(_three_ways(lambda x, z: x % z, x, zero), [0, 0, 0])


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32])
def test_lax_div_rem_by_zero_as_xla(dtype):
    # x / 0 has all bits set (-1, or the largest unsigned value); x rem 0 is x.
    x, zero = jnp.array([5, 0, 100], dtype), jnp.zeros(3, dtype)
    all_ones = np.array(-1).astype(dtype)
    np.testing.assert_array_equal(_three_ways(lax.div, x, zero), [all_ones] * 3)
    np.testing.assert_array_equal(_three_ways(lax.rem, x, zero), [5, 0, 100])


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32])
def test_int_min_divided_by_minus_one_wraps(dtype):
    low = np.iinfo(dtype).min
    m, minus_one = jnp.array([low], dtype), jnp.array([-1], dtype)
    np.testing.assert_array_equal(_three_ways(lax.div, m, minus_one), [low])
    np.testing.assert_array_equal(_three_ways(lax.rem, m, minus_one), [0])
    np.testing.assert_array_equal(_three_ways(lambda m, d: m // d, m, minus_one), [low])
    np.testing.assert_array_equal(_three_ways(lambda m, d: m % d, m, minus_one), [0])


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32])
def test_lax_div_truncates_exactly(dtype):
    # Against Python's exact integers: the 32-bit path divides in float64.
    info = np.iinfo(dtype)
    rng = np.random.RandomState(0)
    x = rng.randint(info.min, info.max, 2000, dtype=dtype)
    y = rng.randint(info.min, info.max, 2000, dtype=dtype)
    y[::3] = rng.randint(max(info.min, -7), 8, y[::3].shape).astype(dtype)
    y[y == 0] = 1
    got = np.asarray(lax.div(jnp.asarray(x), jnp.asarray(y)))
    assert got.dtype == dtype
    bits = 8 * np.dtype(dtype).itemsize
    for a, b, q in zip(x.tolist(), y.tolist(), got.tolist()):
        exact = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
        assert q % (1 << bits) == exact % (1 << bits), (a, b, q)


def test_int64_division_by_zero_under_x64(x64):
    a = jnp.array([7, -7, 0], jnp.int64)
    np.testing.assert_array_equal(a // 0, [-2, -2, -1])
    np.testing.assert_array_equal(lax.div(a, jnp.zeros(3, jnp.int64)), [-1, -1, -1])
    low = jnp.array([np.iinfo(np.int64).min])
    np.testing.assert_array_equal(lax.div(low, jnp.array([-1])), low)


# ---- float -> integer conversion saturates ------------------------------------------------
_VALUES = [np.nan, np.inf, -np.inf, 3e9, -3e9, 2.7, -2.7, 1e20, -1e20, 255.5, 256.0, -1.0,
           65535.9, 127.9, -128.9, -129.0]
# JAX 0.10.2 (XLA's conversion): toward zero, saturating, NaN -> 0.
_CONVERTED = {
    np.int8: [0, 127, -128, 127, -128, 2, -2, 127, -128, 127, 127, -1, 127, 127, -128, -128],
    np.int16: [0, 32767, -32768, 32767, -32768, 2, -2, 32767, -32768, 255, 256, -1, 32767,
               127, -128, -129],
    np.int32: [0, 2147483647, -2147483648, 2147483647, -2147483648, 2, -2, 2147483647,
               -2147483648, 255, 256, -1, 65535, 127, -128, -129],
    np.uint8: [0, 255, 0, 255, 0, 2, 0, 255, 0, 255, 255, 0, 255, 127, 0, 0],
    np.uint16: [0, 65535, 0, 65535, 0, 2, 0, 65535, 0, 255, 256, 0, 65535, 127, 0, 0],
    np.uint32: [0, 4294967295, 0, 3000000000, 0, 2, 0, 4294967295, 0, 255, 256, 0, 65535,
                127, 0, 0],
}


@pytest.mark.parametrize("dtype", list(_CONVERTED))
def test_float_to_int_saturates(dtype):
    f = jnp.array(_VALUES, jnp.float32)
    expected = np.array(_CONVERTED[dtype], dtype)
    for convert in (lambda f: f.astype(dtype), lambda f: lax.convert_element_type(f, dtype),
                    lambda f: jnp.array(f, dtype=dtype), lambda f: jnp.asarray(f, dtype)):
        np.testing.assert_array_equal(_three_ways(convert, f), expected)


def test_rounded_then_converted():
    f = jnp.array(_VALUES, jnp.float32)
    expected = [0, 2147483647, -2147483648, 2147483647, -2147483648, 3, -3, 2147483647,
                -2147483648, 256, 256, -1, 65536, 128, -129, -129]
    np.testing.assert_array_equal(_three_ways(lambda f: jnp.round(f).astype(jnp.int32), f),
                                  expected)


def test_float16_and_float64_sources(x64):
    assert int(jnp.float16(np.inf).astype(jnp.int16)) == 32767
    f = jnp.array([np.nan, 1e19, 2e19, -9.3e18, -1.0, 3e9], jnp.float64)
    np.testing.assert_array_equal(
        f.astype(jnp.int64), [0, 9223372036854775807, 9223372036854775807,
                              -9223372036854775808, -1, 3000000000])
    np.testing.assert_array_equal(
        f.astype(jnp.uint64), np.array([0, 10**19, 2**64 - 1, 0, 0, 3000000000], np.uint64))
    np.testing.assert_array_equal(f.astype(jnp.int32), [0, 2147483647, 2147483647,
                                                        -2147483648, -1, 2147483647])
    f32 = jnp.array([np.inf, -np.inf, 1e20], jnp.float32)
    np.testing.assert_array_equal(f32.astype(jnp.int64), [9223372036854775807,
                                                          -9223372036854775808,
                                                          9223372036854775807])


def test_in_range_conversion_unchanged():
    f = jnp.array([-2147483648.0, 2147483520.0, -0.9, 0.9, 1e9], jnp.float32)
    np.testing.assert_array_equal(f.astype(jnp.int32), [-2147483648, 2147483520, 0, 0,
                                                        1000000000])
    np.testing.assert_array_equal(jnp.array([-0.5, 255.9], jnp.float32).astype(jnp.uint8),
                                  [0, 255])
    assert jnp.zeros((0,), jnp.float32).astype(jnp.int8).shape == (0,)


def test_python_lists_convert_as_numpy_does():
    # jnp.array of a Python list with an integer dtype: NumPy converts each number (as in
    # JAX), so NaN, infinities and out-of-range values raise instead of saturating.
    with pytest.raises(ValueError, match="NaN"):
        jnp.array([1.5, np.nan], dtype=jnp.int32)
    with pytest.raises(OverflowError):
        jnp.array([np.inf], dtype=jnp.int32)
    with pytest.raises(OverflowError):
        jnp.array([300.0], dtype=jnp.uint8)
    np.testing.assert_array_equal(jnp.array([-1.5, 2.7], dtype=jnp.int8), [-1, 2])


def test_conversion_without_floating_point_flags(monkeypatch):
    # Where casts raise no invalid-operation flag (WebAssembly), the range check decides.
    from jaxlite._src.prims import elementwise  # noqa: PLC0415 (the probe, patched)
    monkeypatch.setattr(elementwise, "_casts_flag_invalid", lambda: False)
    f = jnp.array(_VALUES, jnp.float32)
    for dtype, expected in _CONVERTED.items():
        np.testing.assert_array_equal(f.astype(dtype), np.array(expected, dtype))
    np.testing.assert_array_equal(jnp.array([1.5, -2.5], jnp.float32).astype(jnp.int32), [1, -2])


# ---- narrow floats accumulate as JAX accumulates them --------------------------------------
_NARROW = ["float16"] + (["bfloat16"] if HAVE_ML_DTYPES else [])


def test_narrow_float_reductions_accumulate_in_float32():
    # jnp computes float16/bfloat16 sums, means and variances in float32, rounding once.
    h = jnp.full(4096, 0.1, jnp.float16)
    assert float(jnp.sum(h)) == float(np.float16(409.5)) and jnp.sum(h).dtype == jnp.float16
    assert float(jnp.sum(h.reshape(64, 64), axis=0)[0]) == float(np.float16(6.4))
    assert float(jnp.mean(h)) == float(np.float16(0.1))
    y = (jnp.arange(4096) % 100).astype(jnp.float16) * 2
    for variance in (jnp.var(y), jax.jit(jnp.var)(y), jnp.var(y, ddof=1)):
        assert variance.dtype == jnp.float16 and float(variance) == 3328.0  # not inf
    assert float(jnp.std(y)) == float(np.float16(57.7))
    assert float(jnp.prod(jnp.full(300, 1.01, jnp.float16))) == float(np.float16(18.45))
    assert float(jnp.sum(h, initial=1000.0)) == float(np.float16(1410.0))
    assert float(jnp.sum(h, where=jnp.arange(4096) < 3000)) == 300.0


@needs_ml_dtypes
def test_bfloat16_reductions_accumulate_in_float32():
    b = jnp.full(4096, 0.1, jnp.bfloat16)
    assert float(jnp.sum(b)) == 410.0 and jnp.sum(b).dtype == jnp.bfloat16
    assert float(jax.jit(jnp.sum)(b)) == 410.0
    assert float(jnp.var((jnp.arange(4096) % 100).astype(jnp.bfloat16) * 2)) == 3328.0


@pytest.mark.parametrize("dtype", _NARROW)
def test_narrow_cumsum_in_xla_order(dtype):
    x = jnp.full(4096, 0.1, dtype)
    last = {"float16": 408.25, "bfloat16": 414.0}[dtype]  # sequentially: 256 and 32
    for f in (jnp.cumsum, jax.jit(jnp.cumsum)):
        out = f(x)
        assert out.dtype == x.dtype and float(out[-1]) == last


# sha256 (first 16 hex digits) of JAX 0.10.2's results (CPU) for cumsum and cumprod of a
# 200x3 array along axis 0: XLA's blocked scan rounds in its own order, which these pin.
_SCAN_DIGESTS = {
    ("float16", False): ("1a42b4e604013ec9", "5174bce8a36146b2"),
    ("float16", True): ("c1f07eb20f0e8b53", "3cd855a1fad2b975"),
    ("bfloat16", False): ("7873560c9e57ae3b", "71d9f8414b00cd11"),
    ("bfloat16", True): ("90cd4b724ae55fa8", "a57f097f650e4cae"),
    ("float32", False): ("f81fccea9ba91b42", "f701b9a44d3e6639"),
    ("float32", True): ("f7d8609ef65f7438", "4d7f76b95dce9b00"),
}


@pytest.mark.parametrize("dtype", _NARROW + ["float32"])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumulative_sums_and_products_bit_identical_to_jax(dtype, reverse):
    import hashlib  # noqa: PLC0415
    x = jnp.asarray(((np.arange(600) * 7919) % 1000 / 997).astype(np.float32).reshape(200, 3))
    x = x.astype(dtype)
    digest = lambda a: hashlib.sha256(np.asarray(a).tobytes()).hexdigest()[:16]  # noqa: E731
    total = lambda x: lax.cumsum(x, axis=0, reverse=reverse)  # noqa: E731
    product = lambda x: lax.cumprod(1 + (x - 0.5) * 0.0625, axis=0, reverse=reverse)  # noqa: E731
    expected = _SCAN_DIGESTS[(dtype, reverse)]
    assert (digest(total(x)), digest(product(x))) == expected
    assert (digest(jax.jit(total)(x)), digest(jax.jit(product)(x))) == expected
    assert digest(jax.vmap(total, 1, 1)(x)) == expected[0]


# ---- random samplers draw bfloat16 and float16 as JAX does --------------------------------
# Bits (uint16 views) of JAX 0.10.2's samples for key(42), shape (6,): narrow floats are
# drawn in their own bit width (8 random bits for bfloat16's 7-bit mantissa).
_NARROW_SAMPLES = {
    ("bfloat16", "normal"): [16048, 16258, 16370, 16252, 49076, 16258],
    ("bfloat16", "uniform"): [16276, 16398, 16438, 16396, 49102, 16398],
    ("bfloat16", "truncated_normal"): [16067, 16225, 16298, 16222, 48967, 16225],
    ("bfloat16", "exponential"): [16256, 16366, 16478, 16359, 15783, 16366],
    ("float16", "normal"): [48568, 47873, 16358, 14739, 45073, 47108],
    ("float16", "uniform"): [48762, 48177, 16834, 16164, 13280, 46948],
    ("float16", "truncated_normal"): [47676, 47118, 15735, 14659, 9274, 46126],
    ("float16", "exponential"): [11538, 12995, 17261, 15784, 14533, 13794],
}
_SAMPLERS = {
    "normal": lambda k, dt: jax.random.normal(k, (6,), dt),
    "uniform": lambda k, dt: jax.random.uniform(k, (6,), dt, -2.0, 3.0),
    "truncated_normal": lambda k, dt: jax.random.truncated_normal(k, -1.0, 1.5, (6,), dt),
    "exponential": lambda k, dt: jax.random.exponential(k, (6,), dt),
}


@pytest.mark.parametrize("dtype, name", list(_NARROW_SAMPLES))
def test_narrow_float_samples_bit_identical_to_jax(dtype, name):
    if dtype == "bfloat16" and not HAVE_ML_DTYPES:
        pytest.skip("ml_dtypes is not installed")
    key = jax.random.key(42)
    for sample in (_SAMPLERS[name], jax.jit(_SAMPLERS[name], static_argnums=1)):
        out = np.asarray(sample(key, jnp.dtype(dtype)))
        assert out.dtype == jnp.dtype(dtype)
        assert out.view(np.uint16).tolist() == _NARROW_SAMPLES[(dtype, name)]


@needs_ml_dtypes
def test_every_sampler_accepts_bfloat16():
    key, bf16 = jax.random.key(0), jnp.bfloat16
    r = jax.random
    samples = [r.gamma(key, 2.0, (3,), bf16), r.beta(key, 2.0, 3.0, (3,), bf16),
               r.laplace(key, (3,), bf16), r.logistic(key, (3,), bf16),
               r.gumbel(key, (3,), bf16), r.cauchy(key, (3,), bf16), r.t(key, 3.0, (3,), bf16),
               r.dirichlet(key, jnp.ones(3), (2,), bf16), r.maxwell(key, (3,), bf16),
               r.double_sided_maxwell(key, 0.0, 1.0, (3,), bf16),
               r.weibull_min(key, 1.0, 2.0, (3,), bf16), r.pareto(key, 3.0, (3,), bf16),
               r.chisquare(key, 3.0, (3,), bf16), r.f(key, 2.0, 3.0, (3,), bf16),
               r.generalized_normal(key, 2.0, (3,), bf16),
               r.triangular(key, 0.0, 1.0, 2.0, (3,), bf16), r.wald(key, 1.0, (3,), bf16),
               r.ball(key, 2, 2, (3,), bf16), r.loggamma(key, 2.0, (3,), bf16),
               r.rayleigh(key, 3.0, (3,), bf16)]
    for s in samples:
        assert s.dtype == bf16 and bool(jnp.all(jnp.isfinite(s)))
    assert r.categorical(key, jnp.zeros(3, bf16), shape=(4,)).shape == (4,)
    assert r.bernoulli(key, jnp.full((3,), 0.5, bf16)).dtype == jnp.bool_


# ---- empty reductions give the reduction's identity ---------------------------------------
def test_empty_max_min_reductions_give_the_identity():
    e, ei, eu = jnp.zeros((0, 3)), jnp.zeros((0, 3), jnp.int32), jnp.zeros((0, 3), jnp.uint8)
    np.testing.assert_array_equal(lax.reduce_max(e, (0,)), [-np.inf] * 3)
    np.testing.assert_array_equal(lax.reduce_min(e, (0,)), [np.inf] * 3)
    np.testing.assert_array_equal(lax.reduce_max(ei, (0,)), [np.iinfo(np.int32).min] * 3)
    np.testing.assert_array_equal(lax.reduce_min(ei, (0,)), [np.iinfo(np.int32).max] * 3)
    np.testing.assert_array_equal(lax.reduce_min(eu, (0,)), [255] * 3)
    assert lax.reduce_max(jnp.zeros((0,), bool), (0,)).tolist() is False
    np.testing.assert_array_equal(_three_ways(lambda x: lax.reduce_max(x, (0,)), e), [-np.inf] * 3)
    np.testing.assert_array_equal(jnp.max(e, axis=0, initial=-5.0), [-5.0] * 3)
    assert jnp.max(e, axis=1).shape == (0,)
    with pytest.raises(ValueError, match="zero-size array to reduction operation max"):
        jnp.max(e, axis=0)  # jnp.max without initial= raises, as JAX's does
    with pytest.raises(ValueError, match="argmax of an empty sequence"):
        jnp.argmax(e, axis=0)


def test_empty_logsumexp_is_minus_infinity():
    import jaxlite.scipy.special as jss  # noqa: PLC0415
    e = jnp.zeros((0, 3))
    for lse in (jax.nn.logsumexp, jss.logsumexp):
        np.testing.assert_array_equal(_three_ways(lambda x: lse(x, axis=0), e), [-np.inf] * 3)
    assert float(jss.logsumexp(e)) == -np.inf
    value, sign = jss.logsumexp(e, axis=0, return_sign=True)
    np.testing.assert_array_equal(value, [-np.inf] * 3)
    np.testing.assert_array_equal(sign, [0.0] * 3)
    assert jax.grad(lambda x: jnp.sum(jss.logsumexp(x, axis=0)))(e).shape == (0, 3)
    assert jax.nn.softmax(e, axis=0).shape == (0, 3)


def test_heaviside_of_nan_is_nan():
    out = _three_ways(lambda x: jnp.heaviside(x, 0.5),
                      jnp.array([np.nan, 0.0, -1.0, 2.0, np.inf, -np.inf]))
    np.testing.assert_array_equal(out, [np.nan, 0.5, 0.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(jnp.heaviside(jnp.array([0.0, 1.0]), np.nan), [np.nan, 1.0])


# ---- argument validation: JAX's exception classes, messages naming function and argument --
def test_vmap_out_axes_out_of_bounds():
    f = lambda x: jnp.ones((2, 2)) * x  # noqa: E731
    for bad in (3, -4):
        with pytest.raises(ValueError, match=f"out_axes {bad} is out of bounds"):
            jax.vmap(f, out_axes=bad)(jnp.ones(4))
    assert jax.vmap(f, out_axes=2)(jnp.ones(4)).shape == (2, 2, 4)
    assert jax.vmap(f, out_axes=-3)(jnp.ones(4)).shape == (4, 2, 2)
    assert jax.vmap(f, out_axes=-1)(jnp.ones(4)).shape == (2, 2, 4)


def test_concatenate_and_stack_axis_out_of_bounds():
    with pytest.raises(ValueError, match="concatenate: axis 2 is out of bounds"):
        jnp.concatenate([jnp.ones(2), jnp.ones(3)], axis=2)
    with pytest.raises(ValueError, match="concatenate: axis -2 is out of bounds"):
        jnp.concatenate([jnp.ones(2), jnp.ones(3)], axis=-2)
    with pytest.raises(ValueError, match="stack: axis 3 is out of bounds"):
        jnp.stack([jnp.ones(2), jnp.ones(2)], axis=3)
    np.testing.assert_array_equal(jnp.concatenate([jnp.ones(2), jnp.zeros(1)], axis=-1),
                                  [1, 1, 0])
    assert jnp.stack([jnp.ones(2), jnp.ones(2)], axis=-1).shape == (2, 2)


def test_einsum_output_letters_must_come_from_the_inputs():
    with pytest.raises(ValueError, match="output character 'k' did not appear in the input"):
        jnp.einsum("ij->ik", jnp.ones((2, 2)))
    with pytest.raises(ValueError, match="output character 'i' appeared more than once"):
        jnp.einsum("ij->ii", jnp.ones((2, 2)))


def test_at_set_with_updates_that_do_not_fit():
    for update in (lambda z: z.at[0].set(jnp.ones(2)), lambda z: z.at[0].add(jnp.ones(2)),
                   jax.jit(lambda z: z.at[0].set(jnp.ones(2)))):
        with pytest.raises(ValueError, match=r"updates of shape \(2,\) do not broadcast to the "
                                             r"indexed shape \(\)"):
            update(jnp.zeros(3))
    with pytest.raises(ValueError, match="do not broadcast"):
        jnp.zeros((3, 2)).at[0].set(jnp.ones((3, 2)))
    np.testing.assert_array_equal(jnp.zeros((3, 2)).at[0].set(jnp.ones(2))[0], [1, 1])
    np.testing.assert_array_equal(jnp.zeros((3, 2)).at[:, 0].set(jnp.ones((1,)))[:, 0], [1] * 3)


def test_typed_and_raw_keys_do_not_mix():
    typed, raw = jax.random.key(0), jax.random.PRNGKey(0)
    with pytest.raises(ValueError, match="key<fry> is not a valid dtype"):
        jnp.concatenate([typed[None], raw[None]])
    with pytest.raises(ValueError, match="key<fry> is not a valid dtype"):
        jnp.stack([typed, raw])


@pytest.mark.parametrize("value", [np.array(["a", "b"]), np.array([b"a", b"b"]),
                                   np.str_("a"), np.array([1, None])])
def test_non_numeric_arrays_raise_type_error(value):
    for f in (lambda v: jnp.add(v, v), lambda v: jnp.ones(2) + v, jnp.sin, jnp.sum,
              jax.jit(lambda v: v + 1), lambda v: jnp.where(True, v, v), jnp.asarray):
        with pytest.raises(TypeError, match="not a valid JAX array type"):
            f(value)


# ---- batching and differentiation of indexed updates --------------------------------------
@pytest.mark.parametrize("in_axes", [0, 1, 2])
def test_vmap_of_take_along_axis_with_argsort_matches_a_loop(in_axes):
    a = jnp.asarray(np.random.RandomState(0).randn(3, 4, 5).astype(np.float32))
    for axis in (-1, 0):
        f = lambda a: jnp.take_along_axis(a, jnp.argsort(a, axis), axis)  # noqa: E731
        loop = np.stack([np.asarray(f(jnp.take(a, i, axis=in_axes)))
                         for i in range(a.shape[in_axes])])
        np.testing.assert_array_equal(jax.vmap(f, in_axes=in_axes)(a), loop)
        np.testing.assert_array_equal(jax.jit(jax.vmap(f, in_axes=in_axes))(a), loop)


def test_vmap_of_take_along_axis_with_batched_indices_elsewhere():
    a = jnp.asarray(np.random.RandomState(0).randn(3, 4, 5).astype(np.float32))
    i = jnp.asarray(np.random.RandomState(1).randint(0, 5, (3, 4, 2)))
    f = lambda a, i: jnp.take_along_axis(a, i, 1)  # noqa: E731
    loop = np.stack([np.asarray(f(a[:, k], i[:, k])) for k in range(4)])
    np.testing.assert_array_equal(jax.vmap(f, in_axes=(1, 1))(a, i), loop)


def test_multiply_update_differentiates_for_unique_indices():
    x = jnp.array([0.5, 1.0, 2.0])
    expected = np.diag(np.sin(np.asarray(x)) + np.asarray(x) * np.cos(np.asarray(x)))
    f = lambda x: x.at[:].multiply(jnp.sin(x))  # noqa: E731
    for jac in (jax.jacrev, jax.jacfwd):
        np.testing.assert_allclose(jac(f)(x), expected, rtol=1e-6)
    g = lambda x: x.at[jnp.array([2, 0])].multiply(jnp.sin(x[:2]), unique_indices=True)  # noqa: E731
    np.testing.assert_allclose(jax.jacrev(g)(x), jax.jacfwd(g)(x), rtol=1e-6)
    np.testing.assert_allclose(jax.jacrev(g)(x)[2], [2 * np.cos(0.5), 0, np.sin(0.5)], rtol=1e-6)
    # The same numbers as the scatter itself, and repeated indices keep it (not
    # differentiable with respect to the updates, as in JAX).
    np.testing.assert_array_equal(g(x), x.at[jnp.array([2, 0])].multiply(jnp.sin(x[:2])))
    np.testing.assert_array_equal(jnp.ones(3).at[jnp.array([0, 0])].multiply(2.0), [4, 1, 1])
    with pytest.raises(NotImplementedError, match="unique_indices=True"):
        jax.jacrev(lambda x: x.at[jnp.array([0, 0])].multiply(jnp.sin(x[:2])))(x)
    grad_u = jax.grad(lambda u: jnp.sum(jnp.ones(3).at[1:].multiply(u)))(jnp.array([2.0, 3.0]))
    np.testing.assert_array_equal(grad_u, [1.0, 1.0])


def test_signbit_and_copysign_read_the_sign_bit_of_nans():
    negative_nan = jnp.asarray(np.array(0xFFC00000, np.uint32).view(np.float32))  # x86's sqrt(-1)
    positive_nan = jnp.asarray(np.array(0x7FC00000, np.uint32).view(np.float32))
    assert bool(jnp.signbit(negative_nan)) and not bool(jnp.signbit(positive_nan))
    assert float(jnp.copysign(1.0, negative_nan)) == -1.0
    assert float(jnp.copysign(1.0, -jnp.nan)) == -1.0
    np.testing.assert_array_equal(jnp.signbit(jnp.array([-0.0, 0.0, -1.0, 2.0, -np.inf])),
                                  [True, False, True, False, True])
    np.testing.assert_array_equal(jnp.copysign(jnp.array([1.0, -2.0, 3.0]),
                                               jnp.array([-0.0, 0.0, -5.0])), [-1, 2, -3])
    assert bool(jnp.signbit(jnp.array(-0.0, jnp.float16)))
    assert float(jax.grad(lambda a: jnp.copysign(a, -2.0))(3.0)) == -1.0
    np.testing.assert_array_equal(_three_ways(jnp.signbit, jnp.array([-1.0, 1.0, -0.0])),
                                  [True, False, True])


@needs_ml_dtypes
def test_int4_division_and_conversion():
    for dtype, quotient in ((jnp.int4, [2, -2, 2, 0]), (jnp.uint4, [2, 15, 2, 0])):
        x, y = jnp.array([5, 3, 7, 0], dtype), jnp.array([2, 0, 3, 1], dtype)
        np.testing.assert_array_equal(np.asarray(x // y).astype(int), quotient)
        np.testing.assert_array_equal(np.asarray(x % y).astype(int), [1, 0, 1, 0])
        np.testing.assert_array_equal(np.asarray(lax.rem(x, y)).astype(int), [1, 3, 1, 0])
    np.testing.assert_array_equal(
        np.asarray(jnp.array([1.5, 100.0, -100.0, np.nan]).astype(jnp.int4)).astype(int),
        [1, 7, -8, 0])
    np.testing.assert_array_equal(
        np.asarray(jnp.array([1.5, 100.0, -100.0, np.nan]).astype(jnp.uint4)).astype(int),
        [1, 15, 0, 0])


# ---- division by a broadcast divisor multiplies by its reciprocal, as XLA -----------------
def test_division_by_a_broadcast_divisor_uses_its_reciprocal():
    x = jnp.arange(1.0, 9.0)
    by_three = [1051372203, 1059760811, 1065353216, 1068149419, 1070945622, 1073741824,
                1075139926, 1076538027]  # JAX 0.10.2's bits of x / 3.0: x * (1/3)
    exact = [1051372203, 1059760811, 1065353216, 1068149419, 1070945621, 1073741824,
             1075139925, 1076538027]  # ... and of x / jnp.full(8, 3.0): true division
    bits = lambda a: np.asarray(a).view(np.uint32).tolist()  # noqa: E731
    assert bits(_three_ways(lambda x: x / 3.0, x)) == by_three
    assert bits(x / jnp.full(8, 3.0)) == exact
    assert bits(jnp.float32(7.0) / 3.0) == 1075139925  # 0-d by 0-d: exact
    mean = jnp.mean(jnp.arange(1.0, 8.0).reshape(7, 1) * jnp.array([0.1, 0.7]), axis=0)
    assert bits(mean) == [1053609165, 1077097268]
    half = np.asarray(jnp.arange(1.0, 9.0, dtype=jnp.float16) / 3.0).view(np.uint16).tolist()
    assert half == [13653, 14677, 15360, 15701, 16042, 16384, 16554, 16725]
    # Large arrays under jit (the fused tier, where it runs) agree with the eager rule.
    a = np.random.RandomState(0).rand(100000).astype(np.float32)
    want = np.multiply(np.add(np.multiply(a, np.float32(2)), np.float32(1)),
                       np.float32(1) / np.float32(3))
    f = jax.jit(lambda a: (a * 2 + 1) / 3.0)
    for _ in range(3):  # the fused tier compiles once the executable is hot
        np.testing.assert_array_equal(f(jnp.asarray(a)), want)


@needs_ml_dtypes
def test_bfloat16_division_stays_exact():
    x = (np.arange(1, 200) * 0.37).astype(np.float32)
    b = jnp.asarray(x).astype(jnp.bfloat16)
    want = (np.asarray(b).astype(np.float32) / np.float32(3)).astype(jnp.bfloat16)
    np.testing.assert_array_equal(np.asarray(b / 3.0).view(np.uint16), want.view(np.uint16))


def test_take_along_axis_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="take_along_axis: incompatible shapes"):
        jnp.take_along_axis(jnp.ones((4, 5)), jnp.ones((3, 4), jnp.int32), 1)
    assert jnp.take_along_axis(jnp.ones((1, 5)), jnp.zeros((3, 2), jnp.int32), 1).shape == (3, 2)


@needs_ml_dtypes
def test_bfloat16_cumulative_and_contractions_under_jit():
    b = jnp.arange(5.0).astype(jnp.bfloat16)
    for f, want in ((lax.cummax, [0, 1, 2, 3, 4]),
                    (lambda x: lax.cummin(x, reverse=True), [0, 1, 2, 3, 4]),
                    (jnp.cumsum, [0, 1, 3, 6, 10]),
                    (lax.cumlogsumexp, [0, 1.3125, 2.40625, 3.4375, 4.4375])):
        for g in (f, jax.jit(f)):
            out = g(b)
            assert out.dtype == jnp.bfloat16
            np.testing.assert_allclose(np.asarray(out, np.float32), want, rtol=2 ** -7)
    assert float(jax.jit(lambda a: jnp.einsum("i,i->", a, a))(b)) == 30.0
    assert float(jax.jit(jnp.vdot)(b, b)) == 30.0
    m = b[:4].reshape(2, 2)
    np.testing.assert_array_equal(np.asarray(jax.jit(jnp.matmul)(m, m), np.float32),
                                  [[2, 3], [6, 11]])
    np.testing.assert_array_equal(
        np.asarray(jax.grad(lambda x: jnp.cumsum(x).sum())(b), np.float32), [5, 4, 3, 2, 1])


def test_python_ints_in_operations_wrap_into_the_operand_dtype():
    # values from JAX 0.10.2: a Python int joining an integer array is a weak int32 first
    # (range-checked there), then converted with wraparound; an explicit dtype still
    # range-checks; jnp.full converts as convert_element_type (wrapping)
    u8 = jnp.ones(3, jnp.uint8)
    np.testing.assert_array_equal(u8 * -1, [255, 255, 255])
    assert (u8 * -1).dtype == np.uint8
    np.testing.assert_array_equal(u8 + 300, [45, 45, 45])
    np.testing.assert_array_equal(jnp.ones(2, jnp.int8) + 200, [-55, -55])
    np.testing.assert_array_equal(jnp.maximum(u8, -5), [251, 251, 251])
    np.testing.assert_array_equal(jnp.where(jnp.array([True, False, True]), u8, -1),
                                  [1, 255, 1])
    np.testing.assert_array_equal(jnp.full(3, -1, jnp.uint8), [255, 255, 255])
    np.testing.assert_array_equal(jnp.full_like(u8, -1), [255, 255, 255])
    np.testing.assert_array_equal(jax.jit(lambda x: x * -1)(u8), [255, 255, 255])
    with pytest.raises(OverflowError):
        u8 + 2 ** 40
    with pytest.raises(OverflowError):
        jnp.ones(2, jnp.uint32) + 3_000_000_000  # past int32, as in JAX
    with pytest.raises(OverflowError):
        jnp.asarray(-1, jnp.uint8)


def test_float_initial_of_an_integer_reduction_saturates():
    # values from JAX 0.10.2: jax.nn.softmax of integers uses initial=-inf
    assert int(jnp.max(jnp.arange(5), initial=-jnp.inf)) == 4
    assert int(jnp.max(jnp.arange(5, dtype=jnp.int8), initial=jnp.inf)) == 127
    assert int(jnp.min(jnp.arange(5, dtype=jnp.uint8), initial=-1)) == 0
    np.testing.assert_allclose(jax.nn.log_softmax(jnp.arange(5)),
                               [-4.4519143, -3.4519143, -2.4519143, -1.4519144, -0.4519144],
                               rtol=1e-6)


_DN = (((1,), (0,)), ((), ()))
_A = np.array([[1.5, -2.25, 3.0], [0.5, 4.0, -1.0]])
_B = np.array([[1.0, 2.0], [-0.75, 0.5], [2.5, -3.0]])


@pytest.mark.parametrize("x_dtype, y_dtype, out_dtype, want", [
    # (values and result dtypes printed by JAX 0.10.2: the operand of lower precision is
    # converted to the other's dtype, XLA's HigherPrecisionType, then multiplied)
    ("int32", "float32", "float32", [[155.0, -110.0], [-77.5, 85.0]]),
    ("int8", "uint8", "int8", [[110.0, -93.0], [5.0, -11.0]]),
    ("float16", "float32", "float32", [[160.3125, -106.875], [-75.0, 90.0]]),
    ("float32", "complex64", "complex64", [[160.3125, -106.875], [-75.0, 90.0]]),
    ("int32", "bool", "int32", [[7.0, 7.0], [10.0, 10.0]]),
])
def test_dot_general_of_two_dtypes(x_dtype, y_dtype, out_dtype, want):
    x = jnp.asarray(_A * 3, x_dtype) if x_dtype != "uint8" else jnp.asarray(_A * 3, "int8")
    y = jnp.asarray(np.abs(_B * 5) if y_dtype == "uint8" else _B * 5, y_dtype)
    f = lambda p, q: lax.dot_general(p, q, _DN)
    for out in (f(x, y), jax.jit(f)(x, y)):
        assert out.dtype == np.dtype(out_dtype)
        np.testing.assert_array_equal(np.real(np.asarray(out)).astype(np.float64), want)


@needs_ml_dtypes
def test_dot_general_of_two_narrow_floats_rounds_operands_first():
    # JAX 0.10.2: float8_e4m3fn x float8_e5m2 is float8_e5m2, with the e4m3 operand
    # rounded to e5m2 first (158.5 exactly; 144 after rounding, a tie to 128)
    x = jnp.asarray(_A * 3, jnp.float8_e4m3fn)
    y = jnp.asarray(_B * 5, jnp.float8_e5m2)
    out = lax.dot_general(x, y, _DN)
    assert out.dtype == jnp.float8_e5m2
    np.testing.assert_array_equal(np.asarray(out).astype(np.float64),
                                  [[128.0, -112.0], [-80.0, 96.0]])
    # with preferred_element_type both operands are converted to it instead: 158.5
    wide = lax.dot_general(x, y, _DN, preferred_element_type=jnp.float32)
    np.testing.assert_array_equal(wide, [[158.5, -116.5], [-76.5, 93.0]])  # JAX 0.10.2
    half = jnp.asarray([[1.0009765625, 1.0009765625]], jnp.float16)
    np.testing.assert_array_equal(lax.dot_general(half, jnp.ones((2, 1), jnp.bfloat16), _DN,
                                                  preferred_element_type=jnp.float32),
                                  [[2.001953125]])
    with pytest.raises(TypeError, match="argument type error"):
        lax.dot_general(jnp.ones((2, 3), jnp.float8_e5m2),
                        jnp.ones((3, 2), jnp.float8_e5m2fnuz), _DN)  # tied: as JAX


def test_dot_general_of_two_dtypes_differentiates_in_each_dtype():
    f = lambda p, q: lax.dot_general(p, q, _DN).sum()
    gx, gy = jax.grad(f, argnums=(0, 1))(jnp.asarray(_A, jnp.float16), jnp.asarray(_B))
    assert gx.dtype == jnp.float16 and gy.dtype == jnp.float32
    np.testing.assert_array_equal(gx, [[3.0, -0.25, -0.5]] * 2)  # the rows of B summed
    np.testing.assert_array_equal(gy, [[2.0, 2.0], [1.75, 1.75], [2.0, 2.0]])
    out = jax.vmap(lambda p: lax.dot(p, jnp.asarray(_B[:, 0], jnp.float16)))(jnp.asarray(_A))
    assert out.dtype == jnp.float32
    np.testing.assert_array_equal(out, [10.6875, -5.0])
