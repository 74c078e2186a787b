"""jax.scipy.signal, part 2: windowed spectral analysis (stft, istft, csd, welch).

Written from the documented semantics of scipy.signal and jax.scipy.signal, not from
either project's code:

* Short-time Fourier transform (Allen & Rabiner, "A unified approach to short-time Fourier
  analysis and synthesis", Proc. IEEE 65, 1977): the signal, optionally extended at both
  ends by ``nperseg // 2`` points and zero-padded to whole segments, is cut into segments
  of ``nperseg`` points every ``nperseg - noverlap``; each is detrended, windowed (periodic
  window, 'hann' by default) and transformed with an ``nfft``-point DFT, scaled by
  ``1 / sum(window)``.
* The inverse is the weighted overlap-add of Griffin & Lim ("Signal estimation from
  modified short-time Fourier transform", IEEE TASSP 32, 1984): each inverse-DFT segment is
  multiplied by the window, the products are summed in place, and the sum is divided by
  the overlap-added squared window wherever that exceeds 1e-10.
* Welch's method (Welch, IEEE Trans. Audio Electroacoust. 15, 1967) averages the modified
  periodograms ``conj(X) Y`` scaled to a density (``1 / (fs sum(w^2))``) or a spectrum
  (``1 / sum(w)^2``), with one-sided spectra doubled except at DC (and Nyquist). The
  'median' average is divided by the median's bias relative to the mean for n
  exponentially distributed periodograms, ``sum_{l=1}^{n'} (-1)^(l+1) / l`` with n' the
  largest odd number <= n (Allen et al., "FINDCHIRP", Phys. Rev. D 85, 2012, App. B).

    >>> signal = jax.scipy.signal
    >>> x = jnp.array([1., 2., 3., 2., 1., 0., 1., 2.])
    >>> f, t, zxx = signal.stft(x, nperseg=4)
    >>> print(f, t, zxx.shape)
    [0.   0.25 0.5 ] [0. 2. 4. 6. 8.] (3, 5)
    >>> print(signal.istft(zxx)[1])
    [1. 2. 3. 2. 1. 0. 1. 2.]
"""
import warnings

import numpy as np

from .. import dtypes
from ..conversion import asarray
from ..numpy_api import fft as jfft
from ..numpy_api import creation, indexing, padding, reductions, shapes, statistics, ufuncs
from .signal import detrend as _detrend

_BOUNDARIES = ("even", "odd", "constant", "zeros", None)

# Periodic ("DFT-even") cosine-sum windows: w[n] = sum_k c_k cos(2 pi k n / N) with signs
# alternating (Harris, Proc. IEEE 66, 1978).
_COSINE_SUMS = {
    "hann": (0.5, 0.5), "han": (0.5, 0.5),
    "hamming": (0.54, 0.46), "hamm": (0.54, 0.46), "ham": (0.54, 0.46),
    "blackman": (0.42, 0.5, 0.08), "black": (0.42, 0.5, 0.08), "blk": (0.42, 0.5, 0.08),
    "boxcar": (1.0,), "box": (1.0,), "ones": (1.0,), "rect": (1.0,), "rectangular": (1.0,),
}


def _named_window(window, n):
    """A periodic window of length n, given SciPy-style by name or (name, *params)."""
    if isinstance(window, str) and window.lower() in _COSINE_SUMS:
        phase = 2 * np.pi * np.arange(n) / n
        coefs = _COSINE_SUMS[window.lower()]
        return sum((-1) ** k * c * np.cos(k * phase) for k, c in enumerate(coefs))
    try:  # other windows come from SciPy, an optional dependency
        from scipy.signal import get_window  # noqa: PLC0415  (optional dependency)
    except ImportError:
        raise NotImplementedError(
            f"window {window!r} needs SciPy (built in: {sorted(_COSINE_SUMS)})") from None
    return np.asarray(get_window(window, n))


def _segments_and_window(window, nperseg, length, clip=True):
    """SciPy's rules: a named window takes nperseg (default 256, at most the signal's
    length), an array window fixes it."""
    if isinstance(window, (str, tuple)):
        nperseg = 256 if nperseg is None else int(nperseg)
        if clip and nperseg > length:
            warnings.warn(f"nperseg={nperseg} is greater than input_length={length}, "
                          f"using nperseg={length}", stacklevel=3)
            nperseg = length
        if nperseg < 1:
            raise ValueError("nperseg must be a positive integer")
        return nperseg, asarray(_named_window(window, nperseg))
    win = asarray(window)
    if win.ndim != 1:
        raise ValueError("window must be 1-D")
    if nperseg is not None and int(nperseg) != win.shape[0]:
        raise ValueError("value specified for nperseg is different from length of window")
    return win.shape[0], win


def _extend(x, n, kind):
    """Extend the last axis by n points at both ends: zeros, edge values, or the even or
    odd reflection about the end points."""
    if kind is None or n == 0:
        return x
    if kind == "zeros":
        return padding.pad(x, [(0, 0)] * (x.ndim - 1) + [(n, n)])
    first, last = x[..., :1], x[..., -1:]
    if kind == "constant":
        left = shapes.broadcast_to(first, x.shape[:-1] + (n,))
        right = shapes.broadcast_to(last, x.shape[:-1] + (n,))
    else:
        left = shapes.flip(x[..., 1:n + 1], axis=-1)
        right = shapes.flip(x[..., -n - 1:-1], axis=-1)
        if kind == "odd":
            left, right = 2 * first - left, 2 * last - right
    return shapes.concatenate([left, x, right], axis=-1)


def _detrender(detrend):
    if detrend is False or detrend is None:
        return lambda d: d
    if callable(detrend):
        return detrend
    return lambda d: _detrend(d, axis=-1, type=detrend)


def _frames(x, nperseg, step):
    """The segments of the last axis: shape (..., nseg, nperseg)."""
    nseg = (x.shape[-1] - nperseg) // step + 1
    index = np.arange(nseg)[:, None] * step + np.arange(nperseg)[None, :]
    return indexing.take(x, index, axis=-1)


def _analyse(x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling,
             axis, mode, boundary, padded):
    """Shared STFT / cross-spectrum engine. Returns (freqs, times, result) with result laid
    out (..., freq, segment) and the frequency axis moved to `axis`."""
    if boundary not in _BOUNDARIES:
        raise ValueError(f"Unknown boundary option '{boundary}', must be one of: "
                         f"{list(_BOUNDARIES)}")
    if scaling not in ("density", "spectrum"):
        raise ValueError(f"Unknown scaling: {scaling}")
    x = asarray(x)
    same = y is None
    y = x if same else asarray(y)
    if x.ndim != y.ndim:
        raise ValueError(f"x and y must have the same rank ({x.ndim} vs {y.ndim}).")
    dtype = dtypes.to_inexact(dtypes.result_type(x, y))
    complex_input = dtypes.kind(dtype) == "c"
    real_dtype = ufuncs.real(creation.zeros((), dtype)).dtype
    x = shapes.moveaxis(x.astype(dtype), axis, -1)
    y = shapes.moveaxis(y.astype(dtype), axis, -1)
    if not same:  # the shorter input is zero-padded; the others axes broadcast
        n = max(x.shape[-1], y.shape[-1])
        x, y = (padding.pad(v, [(0, 0)] * (v.ndim - 1) + [(0, n - v.shape[-1])])
                for v in (x, y))
        lead = shapes.broadcast_shapes(x.shape[:-1], y.shape[:-1])
        x = shapes.broadcast_to(x, lead + x.shape[-1:])
        y = shapes.broadcast_to(y, lead + y.shape[-1:])
    nperseg, win = _segments_and_window(window, nperseg, x.shape[-1])
    win = win.astype(real_dtype)
    nfft = nperseg if nfft is None else int(nfft)
    if nfft < nperseg:
        raise ValueError("nfft must be greater than or equal to nperseg.")
    noverlap = nperseg // 2 if noverlap is None else int(noverlap)
    if noverlap >= nperseg:
        raise ValueError("noverlap must be less than nperseg.")
    step = nperseg - noverlap
    if return_onesided and complex_input:
        warnings.warn("Input data is complex, switching to return_onesided=False",
                      stacklevel=3)
    onesided = bool(return_onesided) and not complex_input

    def spectra(v):
        v = _extend(v, nperseg // 2, boundary)
        if padded:
            extra = (-(v.shape[-1] - nperseg) % step) % nperseg
            v = padding.pad(v, [(0, 0)] * (v.ndim - 1) + [(0, extra)])
        seg = _detrender(detrend)(_frames(v, nperseg, step)) * win
        return jfft.rfft(seg, n=nfft) if onesided else jfft.fft(seg, n=nfft)

    sx = spectra(x)
    if mode == "stft":
        result = sx / reductions.sum(win)
    else:
        scale = (1.0 / (fs * reductions.sum(win * win)) if scaling == "density"
                 else 1.0 / reductions.sum(win) ** 2)
        sy = sx if same else spectra(y)
        result = ufuncs.conj(sx) * sy * scale
        if onesided:  # fold the negative frequencies onto the positive ones
            double = np.full(result.shape[-1], 2.0)
            double[0] = 1.0
            if nfft % 2 == 0:
                double[-1] = 1.0
            result = result * asarray(double).astype(real_dtype)
        if same:
            result = ufuncs.real(result)
    bins = np.arange(nfft // 2 + 1) if onesided else np.fft.fftfreq(nfft) * nfft
    freqs = asarray(bins.astype(np.float32)).astype(real_dtype) * (fs / nfft)
    nseg = result.shape[-2]
    offset = 0.0 if boundary is not None else nperseg / 2
    times = (asarray((offset + step * np.arange(nseg)).astype(np.float32))
             .astype(real_dtype) / fs)
    result = shapes.swapaxes(result, -1, -2)
    axis = axis - 1 if axis < 0 else axis
    return freqs, times, shapes.moveaxis(result, -2, axis)


def stft(x, fs=1.0, window="hann", nperseg=256, noverlap=None, nfft=None, detrend=False,
         return_onesided=True, boundary="zeros", padded=True, axis=-1):
    """The short-time Fourier transform of `x`: ``(f, t, Zxx)``, with Zxx's frequencies
    along `axis` and its segments last.

    >>> f, t, zxx = jax.scipy.signal.stft(jnp.ones(8), nperseg=4)
    >>> print(zxx.real.round(4) + 0.)
    [[ 0.75  1.    1.    1.    0.25]
     [-0.5  -0.5  -0.5  -0.5   0.  ]
     [ 0.25  0.    0.    0.   -0.25]]
    """
    return _analyse(x, None, fs, window, nperseg, noverlap, nfft, detrend, return_onesided,
                    "spectrum", axis, "stft", boundary, padded)


def _median_bias(n):
    odd = n if n % 2 else n - 1
    return float(np.sum((-1.0) ** np.arange(odd) / np.arange(1, odd + 1)))


def csd(x, y, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None,
        detrend="constant", return_onesided=True, scaling="density", axis=-1,
        average="mean"):
    """The cross power spectral density of `x` and `y` by Welch's method: ``(f, Pxy)``.

    >>> x = jnp.array([1., -1.] * 8)
    >>> f, pxy = jax.scipy.signal.csd(x, x, nperseg=4)
    >>> print(f, pxy.real.round(4))
    [0.   0.25 0.5 ] [0.     1.3333 2.6667]
    """
    if average not in ("mean", "median"):
        raise ValueError(f'average must be "median" or "mean", got {average}')
    freqs, _, pxy = _analyse(x, y, fs, window, nperseg, noverlap, nfft, detrend,
                             return_onesided, scaling, axis, "psd", None, False)
    nseg = pxy.shape[-1]
    if pxy.ndim >= 2 and pxy.size > 0:
        if nseg == 1:
            pxy = pxy[..., 0]
        elif average == "mean":
            pxy = reductions.mean(pxy, axis=-1)
        elif dtypes.kind(pxy.dtype) == "c":
            pxy = (statistics.median(ufuncs.real(pxy), axis=-1)
                   + 1j * statistics.median(ufuncs.imag(pxy), axis=-1)) / _median_bias(nseg)
        else:
            pxy = statistics.median(pxy, axis=-1) / _median_bias(nseg)
    return freqs, pxy


def welch(x, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None,
          detrend="constant", return_onesided=True, scaling="density", axis=-1,
          average="mean"):
    """The power spectral density of `x` by Welch's method: ``(f, Pxx)``.

    >>> f, pxx = jax.scipy.signal.welch(jnp.array([1., -1.] * 8), nperseg=4)
    >>> print(pxx.round(4))
    [0.     1.3333 2.6667]
    """
    freqs, pxx = csd(x, None, fs, window, nperseg, noverlap, nfft, detrend,
                     return_onesided, scaling, axis, average)
    return freqs, ufuncs.real(pxx)


def _overlap_add(frames, step):
    """Sum frames (..., nseg, nperseg) placed every `step` points: (..., output length).
    Each frame is cut into blocks of `step` points; block j of frame i lands on output
    block i + j, so the sum is a few shifted adds."""
    nseg, nperseg = frames.shape[-2:]
    blocks = -(-nperseg // step)
    lead = [(0, 0)] * (frames.ndim - 2)
    frames = padding.pad(frames, lead + [(0, 0), (0, blocks * step - nperseg)])
    total = None
    for j in range(blocks):
        part = frames[..., j * step:(j + 1) * step]
        part = padding.pad(part, lead + [(j, blocks - 1 - j), (0, 0)])
        total = part if total is None else total + part
    flat = total.reshape(total.shape[:-2] + (total.shape[-2] * step,))
    return flat[..., :nperseg + (nseg - 1) * step]


def istft(Zxx, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None,
          input_onesided=True, boundary=True, time_axis=-1, freq_axis=-2):
    """The inverse STFT by windowed overlap-add: ``(t, x)``.

    >>> _, _, zxx = jax.scipy.signal.stft(jnp.arange(6.), nperseg=4)
    >>> t, x = jax.scipy.signal.istft(zxx)
    >>> print(t, x.round(4))
    [0. 1. 2. 3. 4. 5.] [0. 1. 2. 3. 4. 5.]
    """
    z = asarray(Zxx)
    if z.ndim < 2:
        raise ValueError("Input stft must be at least 2d!")
    time_axis, freq_axis = time_axis % z.ndim, freq_axis % z.ndim
    if time_axis == freq_axis:
        raise ValueError("Must specify differing time and frequency axes!")
    nseg, nfreq = z.shape[time_axis], z.shape[freq_axis]
    default = 2 * (nfreq - 1) if input_onesided else nfreq
    nperseg = default if nperseg is None else int(nperseg)
    if nperseg < 1:
        raise ValueError("nperseg must be a positive integer")
    if nfft is None:
        nfft = nperseg if (input_onesided and nperseg == default + 1) else default
    nfft = int(nfft)
    if nfft < nperseg:
        raise ValueError("nfft must be greater than or equal to nperseg.")
    noverlap = nperseg // 2 if noverlap is None else int(noverlap)
    if noverlap >= nperseg:
        raise ValueError("noverlap must be less than nperseg.")
    step = nperseg - noverlap
    outer = [a for a in range(z.ndim) if a not in (time_axis, freq_axis)]
    z = shapes.transpose(z, outer + [time_axis, freq_axis])  # (..., segment, freq)
    z = z.astype(dtypes.to_inexact(z.dtype))
    if input_onesided:
        frames = jfft.irfft(z, n=nfft, axis=-1)
    else:
        frames = jfft.ifft(z, n=nfft, axis=-1)
    frames = frames[..., :nperseg]
    real_dtype = ufuncs.real(creation.zeros((), frames.dtype)).dtype
    if isinstance(window, (str, tuple)):
        win = asarray(_named_window(window, nperseg))
    else:
        win = asarray(window)
        if win.ndim != 1 or win.shape[0] != nperseg:
            raise ValueError(f"window must have length of {nperseg}")
    win = win.astype(real_dtype)
    signal = _overlap_add(frames * (reductions.sum(win) * win), step)
    norm = _overlap_add(shapes.broadcast_to(win * win, (nseg, nperseg)), step)
    if boundary:
        cut = nperseg // 2
        signal = signal[..., cut:signal.shape[-1] - cut]
        norm = norm[..., cut:norm.shape[-1] - cut]
    signal = signal / ufuncs.where(norm > 1e-10, norm, 1.0)
    if input_onesided:
        signal = ufuncs.real(signal)
    if signal.ndim > 1 and time_axis != z.ndim - 1:
        if freq_axis < time_axis:
            time_axis -= 1
        signal = shapes.moveaxis(signal, -1, time_axis)
    times = creation.arange(signal.shape[0]).astype(real_dtype) / fs
    return times, signal
