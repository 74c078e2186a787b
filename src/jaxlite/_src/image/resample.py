"""jax.image: separable image resampling (resize, scale_and_translate, ResizeMethod).

Written from JAX's documented semantics and the standard resampling theory:

* Half-centred pixels: output sample ``i`` of a dimension sits at input coordinate
  ``c_i = (i + 0.5 - translation) / scale - 0.5`` (input pixel ``j`` is centred at ``j``).
* Each output sample is a weighted sum of input samples ``w_ij = k((j - c_i) / s)`` with a
  reconstruction kernel ``k``; when downsampling with antialiasing the kernel is stretched
  by ``s = 1 / scale`` (it becomes a low-pass filter at the output's Nyquist rate),
  otherwise ``s = 1``. Weights are normalised to sum to one over the input samples that
  exist; a sample whose position falls outside the input (``c_i + 0.5`` outside
  ``[0, n]``), or whose weights cancel (|sum| ≤ 1000 float32 ulps), is zero.
  Because the filter is separable, the resampling is one matrix product per dimension.
* Kernels: triangle (linear interpolation); Keys' cubic convolution kernel with a = -0.5
  (R. Keys, "Cubic convolution interpolation for digital image processing", IEEE Trans.
  ASSP 29(6), 1981); Lanczos windowed sinc ``sinc(x) sinc(x / a)`` for |x| < a, a = 3, 5
  (C. Duchon, "Lanczos filtering in one and two dimensions", J. Appl. Meteor. 18, 1979);
  area: each input pixel weighted by the length of its overlap with the output pixel's
  footprint (TensorFlow's ``resize_area``, OpenCV's INTER_AREA).
* ``cubic-pytorch`` without antialiasing: the Keys kernel with a = -0.75 over an input
  extended by two edge-replicated pixels on each side (PyTorch's bicubic upsampling); with
  antialiasing it is ``cubic``.
* Nearest neighbour (``resize`` only): output ``i`` copies input
  ``floor((i + 0.5) * (n * (1/m)))``, evaluated in float32 as JAX does.
"""
import enum
import operator

import numpy as np

from .. import core
from .. import dtypes
from ..conversion import asarray, convert
from ..lax.dot import Precision
from ..numpy_api import creation as cr
from ..numpy_api import reductions as rd
from ..numpy_api import shapes as sh
from ..numpy_api import ufuncs as uf
from ..numpy_api.contractions import tensordot
from ..numpy_api.indexing import take

__all__ = ["ResizeMethod", "resize", "scale_and_translate"]


class ResizeMethod(enum.Enum):
    """Image resize method.

    NEAREST, LINEAR, LANCZOS3, LANCZOS5, CUBIC (Keys, a = -0.5), CUBIC_PYTORCH and AREA.

    >>> from jaxlite import image
    >>> image.ResizeMethod.from_string("bilinear")
    <ResizeMethod.LINEAR: 1>
    """
    NEAREST = 0
    LINEAR = 1
    LANCZOS3 = 2
    LANCZOS5 = 3
    CUBIC = 4
    CUBIC_PYTORCH = 5
    AREA = 6

    @staticmethod
    def from_string(s):
        try:
            return _BY_NAME[s]
        except (KeyError, TypeError):
            raise ValueError(f'Unknown resize method "{s}"') from None


_BY_NAME = {
    "nearest": ResizeMethod.NEAREST,
    "linear": ResizeMethod.LINEAR, "bilinear": ResizeMethod.LINEAR,
    "trilinear": ResizeMethod.LINEAR, "triangle": ResizeMethod.LINEAR,
    "cubic": ResizeMethod.CUBIC, "bicubic": ResizeMethod.CUBIC, "tricubic": ResizeMethod.CUBIC,
    "cubic-pytorch": ResizeMethod.CUBIC_PYTORCH, "bicubic-pytorch": ResizeMethod.CUBIC_PYTORCH,
    "lanczos3": ResizeMethod.LANCZOS3, "lanczos5": ResizeMethod.LANCZOS5,
    "area": ResizeMethod.AREA,
}


def _as_method(method):
    if isinstance(method, ResizeMethod):
        return method
    if isinstance(method, str):
        return ResizeMethod.from_string(method)
    raise AssertionError(f"method must be a ResizeMethod or a string, got {method!r}")


# --- kernels: functions of the distance x (in kernel units) from the sample ------------

def _triangle(x):
    return uf.maximum(0., 1. - uf.abs(x))


def _keys(a):
    def kernel(x):
        x = uf.abs(x)
        near = ((a + 2.) * x - (a + 3.)) * x * x + 1.      # |x| < 1
        far = a * (((x - 5.) * x + 8.) * x - 4.)             # 1 <= |x| < 2
        return uf.where(x < 1., near, uf.where(x < 2., far, 0.))
    return kernel


def _lanczos(radius):
    def kernel(x):
        return uf.where(uf.abs(x) < radius, uf.sinc(x) * uf.sinc(x / radius), 0.)
    return kernel


_KERNELS = {ResizeMethod.LINEAR: _triangle, ResizeMethod.CUBIC: _keys(-0.5),
            ResizeMethod.CUBIC_PYTORCH: _keys(-0.5), ResizeMethod.LANCZOS3: _lanczos(3.),
            ResizeMethod.LANCZOS5: _lanczos(5.)}
_EDGE_PAD = 2   # edge-replicated pixels each side for cubic-pytorch without antialiasing


def _weight_matrix(n_in, n_out, scale, translation, method, antialias, wdtype):
    """The (n_out, n_in) matrix of resampling weights of one dimension."""
    scale = convert(asarray(scale), wdtype)
    translation = convert(asarray(translation), wdtype)
    inv = 1. / scale
    centres = (cr.arange(n_out, dtype=wdtype) + 0.5 - translation) * inv - 0.5
    edge_pad = method is ResizeMethod.CUBIC_PYTORCH and not antialias
    taps = np.arange(-_EDGE_PAD, n_in + _EDGE_PAD) if edge_pad else np.arange(n_in)
    dist = convert(taps.astype(wdtype), wdtype)[None, :] - centres[:, None]
    if method is ResizeMethod.AREA:
        # Overlap of input pixel [d - 1/2, d + 1/2] with the footprint [-inv/2, inv/2].
        half = inv / 2.
        w = uf.maximum(0., uf.minimum(dist + 0.5, half) - uf.maximum(dist - 0.5, -half))
    elif edge_pad:
        w = _keys(-0.75)(dist)
    else:
        width = uf.maximum(inv, 1.) if antialias else 1.
        w = _KERNELS[method](dist / width)
    total = rd.sum(w, axis=1)
    keep = uf.abs(total) > 1000. * float(np.finfo(np.float32).eps)
    if not edge_pad:
        pos = centres + 0.5
        keep = keep & (pos >= 0.) & (pos <= float(n_in))
    w = uf.where(keep[:, None], w / uf.where(keep, total, 1.)[:, None], 0.)
    if edge_pad:
        # Fold the replicated pixels back onto the edge pixels they copy.
        fold = np.zeros((len(taps), n_in), wdtype)
        fold[np.arange(len(taps)), np.clip(taps, 0, n_in - 1)] = 1.
        w = tensordot(w, convert(fold, wdtype), axes=1, precision=Precision.HIGHEST)
    return w


def _work_dtypes(image):
    """(dtype of the result, real dtype the weights use, dtype the products use)."""
    out = np.dtype(image.dtype)
    if not dtypes.is_inexact(out):
        out = dtypes.to_inexact(out)
    wide = np.dtype(out) in (np.dtype(np.float64), np.dtype(np.complex128))
    weights = np.dtype(np.float64 if wide else np.float32)
    if np.issubdtype(out, np.complexfloating):
        return out, weights, np.dtype(np.complex128 if wide else np.complex64)
    return out, weights, weights


def _resample(image, shape, dims, scales, translations, method, antialias, precision):
    out_dtype, wdtype, work = _work_dtypes(image)
    x = convert(image, work)
    for d, s, t in zip(dims, scales, translations):
        w = convert(_weight_matrix(image.shape[d], shape[d], s, t, method, antialias,
                                   wdtype), work)
        x = sh.moveaxis(tensordot(x, w, axes=((d,), (1,)), precision=precision), -1, d)
    return convert(x, out_dtype)


def _shape(shape, image):
    try:
        out = tuple(operator.index(core.concrete_or_error(d, "an image shape")
                                   if isinstance(d, core.Tracer) else d) for d in shape)
    except TypeError:
        raise TypeError(f"Shapes must be 1D sequences of concrete values of integer type, "
                        f"got {shape!r}.") from None
    if len(out) != image.ndim:
        raise ValueError(f"shape must have length equal to the number of dimensions of x;  "
                         f"{out} vs {image.shape}")
    return out


def scale_and_translate(image, shape, spatial_dims, scale, translation, method,
                        antialias=True, precision=Precision.HIGHEST):
    """Resample ``image`` to ``shape`` under the map ``x -> x * scale + translation``.

    Pixel ``j`` of a spatial dimension covers ``[j, j + 1)``; output pixel ``i`` samples
    the input at ``(i + 0.5 - translation) / scale`` and is zero where that lies outside
    the input. Methods: linear, cubic, cubic-pytorch, lanczos3, lanczos5, area.

    >>> import jaxlite.numpy as jnp
    >>> from jaxlite import image
    >>> image.scale_and_translate(jnp.array([1., 2., 3.]), (3,), (0,), jnp.array([1.]),
    ...                           jnp.array([0.75]), "linear")
    Array([0.  , 1.25, 2.25], dtype=float32)
    """
    image = asarray(image)
    shape = _shape(shape, image)
    method = _as_method(method)
    if method is ResizeMethod.NEAREST:
        raise ValueError("Nearest neighbor resampling is not currently supported for "
                         "scale_and_translate.")
    dims = tuple(operator.index(d) for d in spatial_dims)
    ndims = len(dims)
    scale = asarray(scale)
    translation = asarray(translation)
    if scale.shape != (ndims,) or translation.shape != (ndims,):
        raise AssertionError(f"scale and translation must have shape ({ndims},) for "
                             f"spatial_dims {dims}; got {scale.shape} and "
                             f"{translation.shape}")
    dims = tuple(d % image.ndim for d in dims)
    # Dimensions that are not spatial keep their input size.
    shape = tuple(shape[d] if d in dims else image.shape[d] for d in range(image.ndim))
    return _resample(image, shape, dims, [scale[k] for k in range(ndims)],
                     [translation[k] for k in range(ndims)], method, antialias, precision)


def _nearest(image, shape):
    x = image
    for d, (n, m) in enumerate(zip(image.shape, shape)):
        if n == m:
            continue
        f32 = np.float32
        pos = (np.arange(m, dtype=f32) + f32(0.5)) * (f32(n) * (f32(1) / f32(m)))
        idx = np.minimum(np.floor(pos).astype(np.int64), n - 1).astype(np.int32)
        x = take(x, convert(idx, np.int32), axis=d)
    return x


def resize(image, shape, method, antialias=True, precision=Precision.HIGHEST):
    """Resize ``image`` to ``shape`` (every dimension, spatial or not).

    Methods: nearest, linear/bilinear/trilinear/triangle, cubic/bicubic/tricubic,
    cubic-pytorch/bicubic-pytorch, lanczos3, lanczos5, area. ``antialias`` widens the
    kernel when downsampling. Nearest keeps the dtype; the others return floats.

    >>> import jaxlite.numpy as jnp
    >>> from jaxlite import image
    >>> image.resize(jnp.array([0., 1.]), (4,), "linear")
    Array([0.  , 0.25, 0.75, 1.  ], dtype=float32)
    >>> image.resize(jnp.array([1, 2, 3]), (6,), "nearest")
    Array([1, 1, 2, 2, 3, 3], dtype=int32)
    """
    image = asarray(image)
    shape = _shape(shape, image)
    method = _as_method(method)
    if method is ResizeMethod.NEAREST:
        return _nearest(image, shape)
    dims = tuple(d for d in range(image.ndim) if image.shape[d] != shape[d])
    scales = [np.float32(shape[d]) / np.float32(image.shape[d]) if image.shape[d] else 0.
              for d in dims]
    return _resample(image, shape, dims, scales, [0.] * len(dims), method, antialias,
                     precision)
