"""Cases of jax.scipy.signal, jax.scipy.optimize and jax.image whose values JAX decides:
SciPy's conventions for 'same'/'valid' padding and windowed segments, BFGS iterates and
counters, resize kernels and antialiasing.

Each case is a function of the modules (jax, jnp, lax) returning a pytree of arrays; the
names start with the module they test (signal_, optimize_, image_).
tools/record_case_golden.py numerics_modules runs them with real JAX and stores the results
in tests/data/numerics_modules_golden.json; tests/scipy/test_signal.py,
tests/scipy/test_optimize.py and tests/image/test_scale.py run them with jaxlite and
compare. Nothing here imports JAX.
"""
import importlib

import numpy as np

RNG = np.random.default_rng(7)
A1 = RNG.normal(size=7).astype(np.float32)
B1 = RNG.normal(size=3).astype(np.float32)
A2 = RNG.normal(size=(5, 6)).astype(np.float32)
B2 = RNG.normal(size=(2, 3)).astype(np.float32)
C1 = (RNG.normal(size=6) + 1j * RNG.normal(size=6)).astype(np.complex64)
SIG = RNG.normal(size=64).astype(np.float32)
SIG2 = RNG.normal(size=(2, 48)).astype(np.float32)
IMG = RNG.uniform(size=(5, 6, 2)).astype(np.float32)


def _module(jax, name):
    return importlib.import_module(f"{jax.__name__}.{name}")


def _signal(jax):
    return _module(jax, "scipy.signal")


def _rosen(jnp):
    return lambda x: jnp.sum(100.0 * (x[1:] - x[:-1] ** 2.0) ** 2.0 + (1 - x[:-1]) ** 2.0)


def _quadratic(jnp):
    return lambda x: jnp.sum((x - jnp.arange(x.shape[0])) ** 2 * (1 + jnp.arange(x.shape[0])))


def _result(r):
    return [r.x, r.success, r.status, r.fun, r.jac, r.hess_inv, r.nfev, r.njev, r.nit]


CASES = {}
for _mode in ("full", "same", "valid"):
    for _method in ("direct", "fft", "auto"):
        CASES[f"signal_convolve_{_mode}_{_method}"] = (
            lambda jax, jnp, lax, m=_mode, k=_method:
            [_signal(jax).convolve(A1, B1, m, k), _signal(jax).convolve(B1, A1, m, k),
             _signal(jax).correlate(A1, B1, m, k), _signal(jax).correlate(B1, A1, m, k)])
    CASES[f"signal_2d_{_mode}"] = (
        lambda jax, jnp, lax, m=_mode:
        [_signal(jax).convolve2d(A2, B2, m), _signal(jax).correlate2d(A2, B2, m),
         _signal(jax).correlate2d(B2, A2, m), _signal(jax).convolve(A2, B2, m, "fft")])
    CASES[f"signal_complex_{_mode}"] = (
        lambda jax, jnp, lax, m=_mode:
        [_signal(jax).correlate(C1, B1, m), _signal(jax).convolve(C1, C1[:3], m, "fft")])
CASES.update({
    "signal_fftconvolve_axes": lambda jax, jnp, lax: _signal(jax).fftconvolve(
        A2, np.ones((5, 2), np.float32), axes=1),
    "signal_detrend": lambda jax, jnp, lax: [
        _signal(jax).detrend(A1), _signal(jax).detrend(A2, axis=0, type="constant"),
        _signal(jax).detrend(A1, bp=3), _signal(jax).detrend(A2, bp=[2, 4])],
    "signal_stft": lambda jax, jnp, lax: _signal(jax).stft(SIG, nperseg=16),
    "signal_stft_options": lambda jax, jnp, lax: _signal(jax).stft(
        SIG2, nperseg=12, noverlap=8, nfft=16, boundary="even", detrend="linear"),
    "signal_istft": lambda jax, jnp, lax: _signal(jax).istft(
        _signal(jax).stft(SIG, nperseg=16)[2], nperseg=16),
    "signal_welch": lambda jax, jnp, lax: [
        _signal(jax).welch(SIG, nperseg=16),
        _signal(jax).welch(SIG2, nperseg=16, scaling="spectrum", average="median")],
    "signal_csd": lambda jax, jnp, lax: _signal(jax).csd(SIG, SIG[::-1], nperseg=16,
                                                         noverlap=4),
    "optimize_quadratic": lambda jax, jnp, lax: _result(_module(jax, "scipy.optimize").minimize(
        _quadratic(jnp), jnp.ones(5), method="BFGS")),
    "optimize_rosenbrock": lambda jax, jnp, lax: _result(_module(jax, "scipy.optimize").minimize(
        _rosen(jnp), jnp.array([0.5, 0.8]), method="BFGS")),
    "optimize_rosenbrock_zero": lambda jax, jnp, lax: _result(_module(
        jax, "scipy.optimize").minimize(_rosen(jnp), jnp.zeros(2), method="BFGS")),
    "optimize_args_maxiter": lambda jax, jnp, lax: _result(_module(
        jax, "scipy.optimize").minimize(lambda x, a: jnp.sum((x - a) ** 2), jnp.zeros(2),
                                        (3.,), method="bfgs", options=dict(maxiter=1))),
    "optimize_jit_vmap": lambda jax, jnp, lax: jax.jit(jax.vmap(
        lambda x0: _module(jax, "scipy.optimize").minimize(_quadratic(jnp), x0,
                                                           method="BFGS").x))(
        jnp.array([[0., 0., 0.], [3., -1., 2.]])),
    "image_scale_and_translate": lambda jax, jnp, lax: _module(jax, "image").scale_and_translate(
        IMG, (7, 4, 2), (0, 1), jnp.array([1.3, 0.7]), jnp.array([0.5, -0.2]), "lanczos3"),
    "image_resize_int_nearest": lambda jax, jnp, lax: _module(jax, "image").resize(
        np.arange(6).reshape(2, 3), (4, 6), "nearest"),
    "image_resize_grad": lambda jax, jnp, lax: jax.grad(
        lambda x: (_module(jax, "image").resize(x, (3, 9, 2), "bicubic") ** 2).sum())(IMG),
})
for _method in ("nearest", "linear", "bilinear", "trilinear", "cubic", "bicubic", "lanczos3",
                "lanczos5", "area", "cubic-pytorch"):
    for _aa in (True, False):
        CASES[f"image_resize_{_method}_{'aa' if _aa else 'noaa'}"] = (
            lambda jax, jnp, lax, m=_method, aa=_aa:
            [_module(jax, "image").resize(IMG, (3, 9, 2), m, antialias=aa),
             _module(jax, "image").resize(IMG, (8, 4, 2), m, antialias=aa)])
