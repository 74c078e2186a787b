"""jax.lax's fft, on the fft primitive of prims/fft.py (which holds its rules)."""
import numpy as np

from .. import dtypes
from ..conversion import asarray, convert
from ..prims.fft import FftType, fft_p


def _fft_type(fft_type):
    if isinstance(fft_type, FftType):
        return fft_type
    if isinstance(fft_type, str):
        try:
            return FftType[fft_type.upper()]
        except KeyError:
            raise ValueError(f"Unknown FFT type '{fft_type}'") from None
    raise TypeError(f"Unknown FFT type value '{fft_type}'")


def fft(x, fft_type, fft_lengths):
    """`lax.fft`: the FFT of `x` over its trailing len(fft_lengths) axes.

    fft_type: FftType.FFT, IFFT, RFFT or IRFFT (or "fft", "ifft", "rfft", "irfft").

    >>> lax.fft(jnp.ones(3), "fft", (3,))
    Array([3.+0.j, 0.+0.j, 0.+0.j], dtype=complex64)
    """
    fft_type = _fft_type(fft_type)
    x = asarray(x)
    if fft_type == FftType.RFFT:
        if x.dtype.kind == "c":
            raise ValueError("only real valued inputs supported for rfft")
        x = convert(x, dtypes.to_inexact(x.dtype))
    else:
        x = convert(x, to_complex_dtype(x.dtype))
    fft_lengths = tuple(int(n) for n in fft_lengths)
    if not fft_lengths:
        return x
    return fft_p.bind(x, fft_type=fft_type, fft_lengths=fft_lengths)


def to_complex_dtype(dtype):
    """The complex dtype holding values of `dtype` (float64 -> complex128, int32 ->
    complex64), as JAX's dtypes.to_complex_dtype."""
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        return dtype
    inexact = dtypes.to_inexact(dtype)
    return dtypes.complex128 if inexact == dtypes.float64 else dtypes.complex64
