"""jax.scipy.signal, part 1: N-D convolution and correlation, and detrending.

Written from the documented semantics of scipy.signal and jax.scipy.signal, not from
either project's code:

* Discrete convolution (Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed.,
  sec. 2.3): ``(a * b)[n] = sum_k a[k] b[n - k]``; the "full" result has
  ``len(a) + len(b) - 1`` points per axis. "same" is the part of it of ``in1``'s size
  centred as SciPy documents (it starts at ``(len(b) - 1) // 2``), "valid" the part that
  needs no zero padding (it starts at ``min(len) - 1``).
* Correlation is convolution with the reversed, conjugated second input:
  ``corr(a, v)[k] = sum_n a[n + k] conj(v[n])``.
* The "direct" method is one ``lax.conv_general_dilated`` call (a cross-correlation, so the
  kernel is flipped first); the "fft" method multiplies zero-padded DFTs (convolution
  theorem, Oppenheim & Schafer sec. 8.7). As in JAX, "auto" means "direct".
* ``detrend`` removes the mean or the least-squares line of each piece between
  breakpoints (closed-form simple linear regression about the piece's centroid).

    >>> signal = jax.scipy.signal
    >>> signal.convolve(jnp.array([1, 2, 3, 2, 1]), jnp.array([1, 1, 1]), mode='same')
    Array([3., 6., 7., 6., 3.], dtype=float32)
    >>> print(signal.detrend(jnp.array([1., 4., 8., 8., 9.])).round(3) + 0.)
    [-1.  0.  2.  0. -1.]
"""
import numpy as np

from .. import dtypes
from ..conversion import asarray
from ..lax.convolution import conv_general_dilated
from ..numpy_api import fft as jfft
from ..numpy_api import reductions, shapes, ufuncs

_MODES = ("full", "same", "valid")


def _check_mode(mode):
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {list(_MODES)}")


def _inexact_pair(in1, in2):
    """Both inputs as arrays of their common inexact dtype (ints become floats)."""
    a, b = asarray(in1), asarray(in2)
    dtype = dtypes.to_inexact(dtypes.result_type(a, b))
    return a.astype(dtype), b.astype(dtype)


def _window_of_mode(mode, n1, n2):
    """(start, length) of the `mode` output inside the full convolution along one axis."""
    if mode == "full":
        return 0, n1 + n2 - 1
    if mode == "same":
        return (n2 - 1) // 2, n1
    return min(n1, n2) - 1, abs(n1 - n2) + 1


def _crop(full, mode, s1, s2, axes):
    """Cut the `mode` part out of a full convolution along `axes`."""
    index = [slice(None)] * full.ndim
    for ax, n1, n2 in zip(axes, s1, s2):
        start, length = _window_of_mode(mode, n1, n2)
        index[ax] = slice(start, start + length)
    return full[tuple(index)]


def _one_contains_the_other(s1, s2):
    return all(p >= q for p, q in zip(s1, s2)) or all(p <= q for p, q in zip(s1, s2))


def _direct(a, b, mode, precision):
    """Convolution by lax.conv_general_dilated (a correlation: the kernel is flipped)."""
    nd = a.ndim
    if nd == 0:
        return a * b
    if mode == "valid" and not _one_contains_the_other(a.shape, b.shape):
        raise ValueError("One input must be smaller than the other in every dimension.")
    kernel = shapes.flip(b, axis=tuple(range(nd)))
    padding = [(n - 1, n - 1) for n in b.shape]
    full = conv_general_dilated(a[None, None], kernel[None, None], (1,) * nd, padding,
                                precision=precision)[0, 0]
    return _crop(full, mode, a.shape, b.shape, range(nd))


def _normalize_axes(axes, ndim):
    if axes is None:
        return list(range(ndim))
    if np.ndim(axes) == 0:
        axes = [axes]
    out = []
    for ax in axes:
        ax = int(ax)
        if not -ndim <= ax < ndim:
            raise ValueError(f"axis {ax} is out of bounds for array of dimension {ndim}")
        out.append(ax % ndim)
    if len(set(out)) != len(out):
        raise ValueError("axes must be unique")
    return sorted(out)


def fftconvolve(in1, in2, mode="full", axes=None):
    """Convolve `in1` and `in2` along `axes` (default: all) by multiplying their DFTs.

    The other axes are mapped over and must have equal sizes in both inputs (as in JAX).

    >>> out = jax.scipy.signal.fftconvolve(jnp.array([1., 2., 3.]), jnp.array([0., 1., 0.5]))
    >>> print(out.round(4) + 0.)
    [0.  1.  2.5 4.  1.5]
    """
    _check_mode(mode)
    a, b = _inexact_pair(in1, in2)
    if a.ndim != b.ndim:
        raise ValueError("in1 and in2 should have the same dimensionality")
    if a.ndim == 0:
        return a * b
    if a.size == 0 or b.size == 0:
        raise ValueError("zero-size arrays not supported in convolutions, got shapes "
                         f"{a.shape} and {b.shape}.")
    axes = _normalize_axes(axes, a.ndim)
    if any(a.shape[ax] != b.shape[ax] for ax in range(a.ndim) if ax not in axes):
        raise ValueError(f"mapped axes must have same shape; got in1.shape={a.shape} "
                         f"in2.shape={b.shape} axes={tuple(axes)}")
    s1 = [a.shape[ax] for ax in axes]
    s2 = [b.shape[ax] for ax in axes]
    if mode == "valid" and not _one_contains_the_other(s1, s2):
        raise ValueError("For 'valid' mode, One input must be at least as large as the "
                         "other in every dimension.")
    size = [p + q - 1 for p, q in zip(s1, s2)]
    if dtypes.kind(a.dtype) == "c":
        full = jfft.ifftn(jfft.fftn(a, size, axes) * jfft.fftn(b, size, axes), size, axes)
    else:
        full = jfft.irfftn(jfft.rfftn(a, size, axes) * jfft.rfftn(b, size, axes), size, axes)
    return _crop(full.astype(a.dtype), mode, s1, s2, axes)


def convolve(in1, in2, mode="full", method="auto", precision=None):
    """The N-D convolution of `in1` and `in2` (SciPy's modes; "auto" means "direct").

    >>> x, k = jnp.array([1, 2, 3, 2, 1]), jnp.array([1, 1, 1])
    >>> jax.scipy.signal.convolve(x, k, mode='valid')
    Array([6., 7., 6.], dtype=float32)
    """
    _check_mode(mode)
    if method not in ("auto", "direct", "fft"):
        raise ValueError(f"Got method={method!r}; expected 'auto', 'fft', or 'direct'.")
    a, b = _inexact_pair(in1, in2)
    if a.ndim != b.ndim:
        raise ValueError("in1 and in2 must have the same number of dimensions")
    if a.size == 0 or b.size == 0:
        raise ValueError("zero-size arrays not supported in convolutions, got shapes "
                         f"{a.shape} and {b.shape}.")
    if method == "fft":
        return fftconvolve(a, b, mode)
    return _direct(a, b, mode, precision)


def _reversed_conjugate(x):
    x = asarray(x)
    x = ufuncs.conj(x) if dtypes.kind(x.dtype) == "c" else x
    return shapes.flip(x, axis=tuple(range(x.ndim))) if x.ndim else x


def correlate(in1, in2, mode="full", method="auto", precision=None):
    """The N-D cross-correlation ``sum_n in1[n + k] conj(in2[n])`` (SciPy's modes).

    >>> jax.scipy.signal.correlate(jnp.array([1., 2., 3.]), jnp.array([0., 1., 0.5]))
    Array([0.5, 2. , 3.5, 3. , 0. ], dtype=float32)
    """
    return convolve(in1, _reversed_conjugate(in2), mode, method, precision)


def _check_2d(in1, in2, boundary, fillvalue, name):
    if boundary != "fill" or fillvalue != 0:
        raise NotImplementedError(f"{name}() only supports boundary='fill', fillvalue=0")
    if np.ndim(in1) != 2 or np.ndim(in2) != 2:
        raise ValueError(f"{name}() only supports 2-dimensional inputs.")


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0, precision=None):
    """The 2-D convolution of `in1` and `in2`; as in JAX, only boundary='fill' with
    fillvalue=0 (zero padding) is supported.

    >>> jax.scipy.signal.convolve2d(jnp.array([[1, 2], [3, 4]]), jnp.array([[1, 1]]))
    Array([[1., 3., 2.],
           [3., 7., 4.]], dtype=float32)
    """
    _check_2d(in1, in2, boundary, fillvalue, "convolve2d")
    return convolve(in1, in2, mode, "direct", precision)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0, precision=None):
    """The 2-D cross-correlation of `in1` and `in2` (boundary='fill', fillvalue=0 only).
    Its 'same' part is centred on the reversed kernel, so for even kernel sizes it starts
    one point later than `correlate`'s (as in JAX and SciPy).

    >>> jax.scipy.signal.correlate2d(jnp.array([[1, 2], [3, 4]]), jnp.array([[1, 2]]))
    Array([[ 2.,  5.,  2.],
           [ 6., 11.,  4.]], dtype=float32)
    """
    _check_2d(in1, in2, boundary, fillvalue, "correlate2d")
    if mode != "same":
        return correlate(in1, in2, mode, "direct", precision)
    # As JAX (and SciPy's correlate2d) do, 'same' here is centred on the reversed kernel:
    # it starts at len(in2) // 2 of the full result, not at (len(in2) - 1) // 2.
    full = correlate(in1, in2, "full", "direct", precision)
    (n1, m1), (n2, m2) = np.shape(in1), np.shape(in2)
    return full[n2 // 2:n2 // 2 + n1, m2 // 2:m2 // 2 + m1]


def _remove_line(piece):
    """`piece` minus its least-squares line along the last axis."""
    n = piece.shape[-1]
    t = np.arange(n, dtype=np.float64) - (n - 1) / 2.0  # centred abscissae
    sxx = float(np.sum(t * t))
    centred = piece - reductions.mean(piece, axis=-1, keepdims=True)
    if sxx == 0.0:  # a single point lies on its line
        return centred
    tt = asarray(t).astype(piece.dtype)
    slope = reductions.sum(centred * tt, axis=-1, keepdims=True) / sxx
    return centred - slope * tt


def detrend(data, axis=-1, type="linear", bp=0, overwrite_data=None):
    """Remove the mean (type='constant') or the least-squares line (type='linear', fitted
    separately between the breakpoints `bp`) along `axis`.

    >>> print(jax.scipy.signal.detrend(jnp.array([1., 4., 8., 8., 9.]), type='constant'))
    [-5. -2.  2.  2.  3.]
    """
    if type not in ("linear", "constant"):
        raise ValueError("Trend type must be 'linear' or 'constant'.")
    x = asarray(data)
    x = x.astype(dtypes.to_inexact(x.dtype))
    if type == "constant":
        return x - reductions.mean(x, axis=axis, keepdims=True)
    x = shapes.moveaxis(x, axis, -1)
    n = x.shape[-1]
    cuts = np.unique(np.concatenate([[0], np.atleast_1d(np.asarray(bp, dtype=int)), [n]]))
    if cuts[0] < 0 or cuts[-1] > n:
        raise ValueError("Breakpoints must be non-negative and less than length of data "
                         "along given axis.")
    pieces = [_remove_line(x[..., lo:hi]) for lo, hi in zip(cuts[:-1], cuts[1:])]
    out = pieces[0] if len(pieces) == 1 else shapes.concatenate(pieces, axis=-1)
    return shapes.moveaxis(out, -1, axis)
