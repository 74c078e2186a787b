"""jax.scipy.signal: JAX's recorded values (SciPy's conventions for modes, windows and
segments), and the identities: convolve is the direct sum, the FFT method agrees with
the direct one, istft inverts stft; jit, vmap and grad pass through."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite.scipy import signal
from numerics_modules_golden import case_names, check_case


@pytest.mark.parametrize("name", case_names("signal_"))
def test_matches_jax(name):
    check_case(name, rtol=1e-4, atol=1e-5)


def _direct_convolution(a, b):
    out = np.zeros(len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += x * y
    return out


def test_convolve_is_the_direct_sum():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=9), rng.normal(size=4)
    want = _direct_convolution(a, b)
    for method in ("direct", "fft"):
        got = signal.convolve(a.astype(np.float32), b.astype(np.float32), method=method)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    # 'same' is the centred part of 'full', 'valid' the part without padding (SciPy).
    full = np.asarray(signal.convolve(a, b))
    np.testing.assert_allclose(signal.convolve(a, b, "same"), full[1:10], rtol=1e-6)
    np.testing.assert_allclose(signal.convolve(a, b, "valid"), full[3:9], rtol=1e-6)


def test_istft_inverts_stft():
    x = jnp.asarray(np.random.default_rng(1).normal(size=100).astype(np.float32))
    _, _, z = signal.stft(x, nperseg=20)
    _, y = signal.istft(z, nperseg=20)
    np.testing.assert_allclose(y[:100], x, atol=1e-5)


def test_transformations_pass_through():
    a, b = jnp.arange(5.), jnp.array([1., -1., 2.])
    f = lambda a: signal.convolve(a, b, "same").sum() ** 2
    eps, e0 = 1e-2, jnp.zeros(5).at[0].set(1.)
    fd = (f(a + eps * e0) - f(a - eps * e0)) / (2 * eps)
    np.testing.assert_allclose(jaxlite.grad(f)(a)[0], fd, rtol=1e-3)
    np.testing.assert_allclose(jaxlite.jit(signal.correlate)(a, b), signal.correlate(a, b))
    batched = jaxlite.vmap(lambda x: signal.convolve(x, b))(jnp.stack([a, 2 * a]))
    np.testing.assert_allclose(batched[1], 2 * signal.convolve(a, b), rtol=1e-6)


def test_bad_input_raises_jax_errors():
    with pytest.raises(ValueError, match="mode must be"):
        signal.convolve(jnp.ones(3), jnp.ones(2), mode="wrong")
    with pytest.raises(ValueError, match="method"):
        signal.convolve(jnp.ones(3), jnp.ones(2), method="wrong")
    with pytest.raises(ValueError, match="same number of dimensions"):
        signal.convolve(jnp.ones(3), jnp.ones((2, 2)))
    with pytest.raises(NotImplementedError, match="boundary='fill'"):
        signal.convolve2d(jnp.ones((3, 3)), jnp.ones((2, 2)), boundary="wrap")
    with pytest.raises(ValueError, match="noverlap"):
        signal.stft(jnp.ones(32), nperseg=8, noverlap=8)


def test_named_functions_agree_with_their_definitions():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(5, 4)).astype(np.float32), rng.normal(size=(2, 3)).astype(
        np.float32)
    np.testing.assert_allclose(signal.fftconvolve(a, b), signal.convolve2d(a, b), atol=1e-5)
    np.testing.assert_allclose(signal.correlate2d(a, b),
                               signal.convolve2d(a, b[::-1, ::-1]), atol=1e-6)
    x = jnp.asarray(rng.normal(size=64).astype(np.float32))
    ramp = x + 3 * jnp.arange(64.) - 1
    np.testing.assert_allclose(signal.detrend(ramp), signal.detrend(x), atol=1e-4)
    f, pxx = signal.welch(x, nperseg=16)
    f2, pxy = signal.csd(x, x, nperseg=16)
    np.testing.assert_allclose(f, f2)
    np.testing.assert_allclose(pxy.real, pxx, rtol=1e-5)
    np.testing.assert_allclose(pxy.imag, 0., atol=1e-6)


def test_correlate2d_same_is_centred_on_the_reversed_kernel():
    # JAX (like SciPy's correlate2d) starts 'same' at len(in2) // 2 of the full result.
    rng = np.random.default_rng(3)
    a, k = rng.normal(size=(5, 6)).astype(np.float32), rng.normal(size=(2, 4)).astype(
        np.float32)
    full = np.asarray(signal.correlate2d(a, k))
    np.testing.assert_allclose(signal.correlate2d(a, k, "same"), full[1:6, 2:8], atol=1e-6)
    np.testing.assert_allclose(signal.correlate(a, k, "same"), full[0:5, 1:7], atol=1e-6)


def test_windows_and_axes():
    x = np.random.default_rng(4).normal(size=(3, 40)).astype(np.float32)
    periodic_hamming = 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(10) / 10)
    _, _, by_name = signal.stft(x, window="hamming", nperseg=10)
    _, _, by_array = signal.stft(x, window=periodic_hamming.astype(np.float32), nperseg=10)
    np.testing.assert_allclose(by_name, by_array, atol=1e-6)
    _, _, z = signal.stft(x, nperseg=10)
    _, y = signal.istft(z, nperseg=10)
    _, y_moved = signal.istft(jnp.moveaxis(z, -1, 0), time_axis=0, freq_axis=-1)
    np.testing.assert_allclose(y_moved, y.T, atol=1e-6)
    np.testing.assert_allclose(y, x, atol=1e-5)
    _, _, z0 = signal.stft(x.T, nperseg=10, axis=0)
    np.testing.assert_allclose(z0, jnp.moveaxis(z, -2, 0), atol=1e-6)


def test_median_average_divides_by_the_median_bias():
    # A signal whose segments are all alike: the median periodogram equals the mean one,
    # and 'median' divides it by 1 - 1/2 + 1/3 for 4 segments.
    x = jnp.tile(jnp.array([1., 3., -2., 0.5, 2., -1., 0., 1.]), 4)
    _, mean = signal.welch(x, nperseg=8, noverlap=0)
    _, median = signal.welch(x, nperseg=8, noverlap=0, average="median")
    np.testing.assert_allclose(median, mean / (1 - 1 / 2 + 1 / 3), rtol=1e-5)
    with pytest.raises(ValueError, match="average"):
        signal.welch(x, nperseg=8, average="mode")


def test_fftconvolve_maps_the_other_axes():
    a, b = jnp.ones((3, 6)), jnp.arange(12.).reshape(3, 4)
    rows = signal.fftconvolve(a, b, axes=1)
    for i in range(3):
        np.testing.assert_allclose(rows[i], signal.convolve(a[i], b[i]), atol=1e-5)
    with pytest.raises(ValueError, match="mapped axes must have same shape"):
        signal.fftconvolve(a, b[:2], axes=1)
