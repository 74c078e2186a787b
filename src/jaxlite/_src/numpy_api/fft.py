"""jax.numpy.fft: discrete Fourier transforms on the `fft` primitive, as JAX writes them.

Every transform moves its axes to the end (the primitive transforms trailing axes),
crops or zero-pads them to the requested lengths `s`/`n`, applies lax.fft and scales
by the `norm` factor ("backward": none on the forward transform and 1/N on the
inverse, which the primitive includes; "ortho": 1/sqrt(N) both ways; "forward": 1/N
on the forward transform). Results are complex64 for float32 (and integer) input,
complex128 with x64 for float64 input, as in JAX.
"""
import operator

import numpy as np

from .. import dtypes
from ..prims.fft import FftType
from ..lax.fft import fft as lax_fft
from ..lax import lax as lax_api
from ..conversion import asarray, check_arraylike
from .shapes import moveaxis
from .creation import arange
from .manipulation import roll
from . import ufuncs as uf


def _norm_factor(s, dtype, func_name, norm):
    """The scale JAX applies for `norm`, computed in the result's dtype as JAX does."""
    if norm == "backward":
        return None
    if norm not in ("ortho", "forward"):
        raise ValueError(f'Invalid norm value {norm}; should be "backward","ortho" or '
                         '"forward".')
    dtype = np.dtype(dtype)
    size = np.prod(np.asarray(s, dtype), dtype=dtype)
    if norm == "ortho":
        size = np.sqrt(size)
    return np.asarray(size if func_name.startswith("i") else np.divide(1, size, dtype=dtype),
                      dtype)


def _fft_core(func_name, fft_type, a, s, axes, norm):
    full_name = f"jax.numpy.fft.{func_name}"
    check_arraylike(full_name, a)
    arr = asarray(a)
    if s is not None:
        s = tuple(map(operator.index, s))
        if any(n <= 0 for n in s):
            raise ValueError("Shape should be positive.")
    if s is not None and axes is not None and len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    orig_axes = axes
    if axes is None:
        axes = range(arr.ndim) if s is None else range(arr.ndim - len(s), arr.ndim)
    axes = tuple(axes)
    if len(axes) != len(set(axes)):
        raise ValueError(f"{full_name} does not support repeated axes. Got axes {axes}.")
    for axis in axes:
        if not -arr.ndim <= axis < arr.ndim:
            raise ValueError(f"axis {axis} is out of bounds for array of dimension {arr.ndim}")
    if orig_axes is not None:  # the primitive transforms the innermost axes
        trailing = tuple(range(arr.ndim - len(axes), arr.ndim))
        arr = moveaxis(arr, orig_axes, trailing)
        axes = trailing
    if s is not None:
        in_s = list(arr.shape)
        for axis, n in zip(axes, s):
            in_s[axis] = n
        if fft_type == FftType.IRFFT:
            in_s[-1] = in_s[-1] // 2 + 1
        arr = _crop_or_pad(arr, in_s)
    elif fft_type == FftType.IRFFT:
        s = [arr.shape[axis] for axis in axes[:-1]]
        if axes:
            s.append(max(0, 2 * (arr.shape[axes[-1]] - 1)))
    else:
        s = [arr.shape[axis] for axis in axes]
    transformed = lax_fft(arr, fft_type, tuple(s))
    if norm is not None:
        factor = _norm_factor(s, transformed.dtype, func_name, norm)
        if factor is not None:
            transformed = uf.multiply(transformed, factor)
    if orig_axes is not None:
        transformed = moveaxis(transformed, axes, orig_axes)
    return transformed


def _crop_or_pad(arr, shape):
    shape = [int(n) for n in shape]
    if any(n < d for n, d in zip(shape, arr.shape)):
        arr = lax_api.slice(arr, [0] * arr.ndim, [min(n, d) for n, d in zip(shape, arr.shape)])
    if any(n > d for n, d in zip(shape, arr.shape)):
        arr = lax_api.pad(arr, np.zeros((), arr.dtype),
                          [(0, n - d, 0) for n, d in zip(shape, arr.shape)])
    return arr


def _axis_check_1d(func_name, axis):
    full_name = f"jax.numpy.fft.{func_name}"
    if isinstance(axis, (list, tuple)):
        raise ValueError(f"{full_name} does not support multiple axes. Please use "
                         f"{full_name}n. Got axis = {axis!r}.")


def _fft_core_1d(func_name, fft_type, a, n, axis, norm):
    _axis_check_1d(func_name, axis)
    return _fft_core(func_name, fft_type, a, None if n is None else [n],
                     None if axis is None else [axis], norm)


def _fft_core_2d(func_name, fft_type, a, s, axes, norm):
    if len(axes) != 2:
        raise ValueError(f"jax.numpy.fft.{func_name} only supports 2 axes. Got axes = {axes!r}.")
    return _fft_core(func_name, fft_type, a, s, axes, norm)


# ---- one axis ------------------------------------------------------------------------------

def fft(a, n=None, axis=-1, norm=None):
    """The 1-D discrete Fourier transform along `axis` (cropped/zero-padded to `n`).

    >>> jnp.fft.fft(jnp.array([1., 2., 4., 7.]))
    Array([14.+0.j, -3.+5.j, -4.+0.j, -3.-5.j], dtype=complex64)
    """
    return _fft_core_1d("fft", FftType.FFT, a, n, axis, norm)


def ifft(a, n=None, axis=-1, norm=None):
    """The inverse of `fft`: ifft(fft(x)) == x."""
    return _fft_core_1d("ifft", FftType.IFFT, a, n, axis, norm)


def rfft(a, n=None, axis=-1, norm=None):
    """The FFT of real input: the n // 2 + 1 non-negative frequency terms."""
    return _fft_core_1d("rfft", FftType.RFFT, a, n, axis, norm)


def irfft(a, n=None, axis=-1, norm=None):
    """The inverse of `rfft`: a real signal of length n (default 2 * (m - 1))."""
    return _fft_core_1d("irfft", FftType.IRFFT, a, n, axis, norm)


def hfft(a, n=None, axis=-1, norm=None):
    """The FFT of a signal with Hermitian symmetry (given by its first half): real output."""
    conj_a = uf.conjugate(a)
    _axis_check_1d("hfft", axis)
    nn = (conj_a.shape[axis] - 1) * 2 if n is None else n
    return uf.multiply(_fft_core_1d("hfft", FftType.IRFFT, conj_a, n, axis, norm), nn)


def ihfft(a, n=None, axis=-1, norm=None):
    """The inverse of `hfft`: the n // 2 + 1 terms of a Hermitian spectrum."""
    _axis_check_1d("ihfft", axis)
    arr = asarray(a)
    nn = arr.shape[axis] if n is None else n
    output = _fft_core_1d("ihfft", FftType.RFFT, arr, n, axis, norm)
    return uf.multiply(uf.conjugate(output), 1 / nn)


# ---- several axes --------------------------------------------------------------------------

def fftn(a, s=None, axes=None, norm=None):
    """The N-D discrete Fourier transform over `axes` (default: all, or the last len(s))."""
    return _fft_core("fftn", FftType.FFT, a, s, axes, norm)


def ifftn(a, s=None, axes=None, norm=None):
    """The inverse of `fftn`."""
    return _fft_core("ifftn", FftType.IFFT, a, s, axes, norm)


def rfftn(a, s=None, axes=None, norm=None):
    """The N-D FFT of real input (the last axis halved to s[-1] // 2 + 1 terms)."""
    return _fft_core("rfftn", FftType.RFFT, a, s, axes, norm)


def irfftn(a, s=None, axes=None, norm=None):
    """The inverse of `rfftn`: real output of shape `s` over `axes`."""
    return _fft_core("irfftn", FftType.IRFFT, a, s, axes, norm)


def fft2(a, s=None, axes=(-2, -1), norm=None):
    """The 2-D discrete Fourier transform (over the last two axes by default)."""
    return _fft_core_2d("fft2", FftType.FFT, a, s, axes, norm)


def ifft2(a, s=None, axes=(-2, -1), norm=None):
    """The inverse of `fft2`."""
    return _fft_core_2d("ifft2", FftType.IFFT, a, s, axes, norm)


def rfft2(a, s=None, axes=(-2, -1), norm=None):
    """The 2-D FFT of real input."""
    return _fft_core_2d("rfft2", FftType.RFFT, a, s, axes, norm)


def irfft2(a, s=None, axes=(-2, -1), norm=None):
    """The inverse of `rfft2`."""
    return _fft_core_2d("irfft2", FftType.IRFFT, a, s, axes, norm)


# ---- frequencies and shifts ----------------------------------------------------------------

def _check_freq_args(name, n, d):
    if isinstance(n, (list, tuple)):
        raise ValueError(f"The n argument of jax.numpy.fft.{name} only takes an int. "
                         f"Got n = {list(n)}.")
    if isinstance(d, (list, tuple)):
        raise ValueError(f"The d argument of jax.numpy.fft.{name} only takes a single value. "
                         f"Got d = {list(d)}.")


def fftfreq(n, d=1.0, *, dtype=None, device=None):
    """The sample frequencies of `fft` for n samples spaced d apart: [0, 1, ..., -1] / (d n).

    >>> jnp.fft.fftfreq(4)
    Array([ 0.  ,  0.25, -0.5 , -0.25], dtype=float32)
    """
    dtype = dtypes.canonicalize_dtype(dtype or dtypes.default_float_dtype())
    _check_freq_args("fftfreq", n, d)
    out_dtype = dtype
    dtype = dtypes.to_inexact(dtype)
    if dtype.kind == "c":
        dtype = np.empty((), dtype).real.dtype
    i = arange(n, dtype=dtype)
    k = uf.subtract(uf.remainder(uf.add(i, n // 2), n), n // 2)
    result = uf.divide(k, asarray(d * n, dtype=dtype))
    return result.astype(out_dtype)


def rfftfreq(n, d=1.0, *, dtype=None, device=None):
    """The sample frequencies of `rfft`: [0, 1, ..., n // 2] / (d n)."""
    dtype = dtypes.canonicalize_dtype(dtype or dtypes.default_float_dtype())
    _check_freq_args("rfftfreq", n, d)
    k = arange(0, n // 2 + 1 if n % 2 == 0 else (n - 1) // 2 + 1, dtype=dtype)
    return uf.divide(k, asarray(d * n, dtype=dtype))


def fftshift(x, axes=None):
    """Move the zero-frequency term to the center (a roll by half of each axis)."""
    check_arraylike("fftshift", x)
    x = asarray(x)
    if axes is None:
        axes = tuple(range(x.ndim))
        shift = [dim // 2 for dim in x.shape]
    elif isinstance(axes, int):
        shift = x.shape[axes] // 2
    else:
        shift = [x.shape[ax] // 2 for ax in axes]
    return roll(x, shift, axes)


def ifftshift(x, axes=None):
    """The inverse of `fftshift`."""
    check_arraylike("ifftshift", x)
    x = asarray(x)
    if axes is None:
        axes = tuple(range(x.ndim))
        shift = [-(dim // 2) for dim in x.shape]
    elif isinstance(axes, int):
        shift = -(x.shape[axes] // 2)
    else:
        shift = [-(x.shape[ax] // 2) for ax in axes]
    return roll(x, shift, axes)
