"""fft: XLA's FFT primitive (jax.lax.fft) over the trailing len(fft_lengths) axes.

fft_type is FFT / IFFT (complex -> complex), RFFT (real -> complex, the last
axis shrinking to n // 2 + 1) or IRFFT (the inverse; IFFT and IRFFT include
the 1/N scaling). The primitive is linear; its transposes are JAX's, under
JAX's pairing Re(sum(ct * y)) without conjugation: the DFT matrix is
symmetric, so FFT and IFFT are their own transposes, while RFFT and IRFFT
transpose to each other with a weight mask for the bins that appear twice in
the full spectrum.

NumPy computes the transforms; the results are cast to JAX's dtypes
(complex64 for float32 input) in case NumPy computed them in double precision.
lax.fft, the jax.lax function, is in lax/fft.py.
"""
import enum
import math

import numpy as np

from ..ad import Zero
from ..core import Primitive, ShapedArray
from .util import shape_of, dtype_of, ndim
from .shape import moveaxis
from .elementwise import mul_p, div_p
from .complex import conj_p


class FftType(enum.IntEnum):
    """Which FFT `lax.fft` performs."""
    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3


_complex_of = {np.dtype(np.float32): np.dtype(np.complex64),
               np.dtype(np.float64): np.dtype(np.complex128)}
_real_of = {c: r for r, c in _complex_of.items()}

fft_p = Primitive("fft")


def _fft_impl(x, fft_type, fft_lengths):
    x = np.asarray(x)
    # NumPy would silently crop or pad mismatched axes: check shapes as JAX does.
    out_aval = _fft_abstract(ShapedArray(x.shape, x.dtype), fft_type, fft_lengths)
    if out_aval.size == 0 or x.size == 0:
        return np.zeros(out_aval.shape, out_aval.dtype)
    axes = tuple(range(x.ndim - len(fft_lengths), x.ndim))
    if fft_type == FftType.FFT:
        out, dtype = np.fft.fftn(x, axes=axes), x.dtype
    elif fft_type == FftType.IFFT:
        out, dtype = np.fft.ifftn(x, axes=axes), x.dtype
    elif fft_type == FftType.RFFT:
        out, dtype = np.fft.rfftn(x, axes=axes), _complex_of[x.dtype]
    else:
        out, dtype = np.fft.irfftn(x, s=fft_lengths, axes=axes), _real_of[x.dtype]
    return out.astype(dtype, copy=False)


def _fft_abstract(x, fft_type, fft_lengths):
    fft_lengths = tuple(fft_lengths)
    k = len(fft_lengths)
    if k > x.ndim:
        raise ValueError(f"FFT input shape {x.shape} must have at least as many input "
                         f"dimensions as fft_lengths {fft_lengths}.")
    minor = x.shape[x.ndim - k:]
    if fft_type == FftType.RFFT:
        if x.dtype not in _complex_of:
            raise ValueError(f"RFFT input must be float32 or float64, got {x.dtype}")
        if minor != fft_lengths:
            raise ValueError(f"RFFT input shape {x.shape} minor dimensions must be equal to "
                             f"fft_lengths {fft_lengths}")
        shape = x.shape[:x.ndim - k] + fft_lengths[:-1] + (fft_lengths[-1] // 2 + 1,)
        dtype = _complex_of[x.dtype]
    elif fft_type == FftType.IRFFT:
        if x.dtype not in _real_of:
            raise ValueError(f"IRFFT input must be complex64 or complex128, got {x.dtype}")
        if minor[:-1] != fft_lengths[:-1]:
            raise ValueError(f"IRFFT input shape {x.shape} minor dimensions must be equal to "
                             f"all except the last fft_length, got fft_lengths={fft_lengths}")
        shape = x.shape[:x.ndim - k] + fft_lengths
        dtype = _real_of[x.dtype]
    else:
        if x.dtype not in _real_of:
            raise ValueError(f"FFT input must be complex64 or complex128, got {x.dtype}")
        if minor != fft_lengths:
            raise ValueError(f"FFT input shape {x.shape} minor dimensions must be equal to "
                             f"fft_lengths {fft_lengths}")
        shape, dtype = x.shape, x.dtype
    return ShapedArray(shape, dtype, False)


def _fft_jvp(primals, tangents, fft_type, fft_lengths):
    out = fft_p.bind(primals[0], fft_type=fft_type, fft_lengths=fft_lengths)
    if type(tangents[0]) is Zero:
        return out, Zero(out)
    return out, fft_p.bind(tangents[0], fft_type=fft_type, fft_lengths=fft_lengths)


def _double_bins_mask(m, n, dtype, rank):
    """Weights of the half-spectrum bins: 1 for bin 0 (and the Nyquist bin when n is
    even), 2 for the bins standing for a conjugate pair of the full spectrum."""
    mask = np.full((m,), 2, dtype)
    mask[0] = 1
    if n % 2 == 0:
        mask[m - 1] = 1
    return mask.reshape((1,) * (rank - 1) + (m,))


def _rfft_transpose(ct, fft_lengths):
    mask = _double_bins_mask(shape_of(ct)[-1], fft_lengths[-1], dtype_of(ct), ndim(ct))
    halved = div_p.bind(conj_p.bind(ct, input_dtype=dtype_of(ct)), mask)
    out = fft_p.bind(halved, fft_type=FftType.IRFFT, fft_lengths=fft_lengths)
    return mul_p.bind(out, np.asarray(math.prod(fft_lengths), dtype_of(out)))


def _irfft_transpose(ct, fft_lengths):
    x = fft_p.bind(ct, fft_type=FftType.RFFT, fft_lengths=fft_lengths)
    mask = _double_bins_mask(shape_of(x)[-1], fft_lengths[-1], dtype_of(x), ndim(x))
    out = mul_p.bind(x, mask * np.asarray(1 / math.prod(fft_lengths), dtype_of(x)))
    return conj_p.bind(out, input_dtype=dtype_of(out))


def _fft_transpose(ct, x, fft_type, fft_lengths):
    if fft_type == FftType.RFFT:
        return [_rfft_transpose(ct, fft_lengths)]
    if fft_type == FftType.IRFFT:
        return [_irfft_transpose(ct, fft_lengths)]
    return [fft_p.bind(ct, fft_type=fft_type, fft_lengths=fft_lengths)]


def _fft_batch(values, dims, fft_type, fft_lengths):
    # The transform acts on trailing axes: a leading batch axis is untouched.
    x = moveaxis(values[0], dims[0], 0)
    return fft_p.bind(x, fft_type=fft_type, fft_lengths=fft_lengths), 0


fft_p.impl = _fft_impl
fft_p.abstract_eval = _fft_abstract
fft_p.jvp = _fft_jvp
fft_p.transpose = _fft_transpose
fft_p.batch = _fft_batch
fft_p.weak_type_rule = lambda weak_types, params: False
