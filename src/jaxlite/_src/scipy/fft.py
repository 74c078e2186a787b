"""jax.scipy.fft: the discrete cosine transform (type II) and its inverse, along one axis
or several, with the normalizations JAX implements: None (or "backward", SciPy's default) and
"ortho".

The transform is a product with the DCT matrix, built in float64 and cast: exact up to
one rounding per product term, differentiable and batchable as any matmul.

    >>> from jaxlite.scipy.fft import dct, idct
    >>> x = jnp.array([1.0, 2.0, 3.0])
    >>> print(dct(x, norm="ortho").round(4))
    [ 3.4641 -1.4142  0.    ]
    >>> print(idct(dct(x)).round(4))
    [1. 2. 3.]
"""
import numpy as np

from ..conversion import asarray
from ..lax import lax
from ..numpy_api import shapes, linalg_products
from ..numpy_api.padding import pad
from .. import dtypes

_NORMS = (None, "backward", "ortho")


def _dct_matrix(n, norm, inverse):
    """The (n, n) matrix M with dct(x) = M @ x (or idct, if `inverse`), float64."""
    k = np.arange(n)[:, None]
    m = np.arange(n)[None, :]
    # Orthonormal DCT-II: rows k, columns m.
    ortho = np.cos(np.pi * k * (2 * m + 1) / (2 * n)) * np.sqrt(2.0 / n)
    ortho[0] /= np.sqrt(2.0)
    if norm == "ortho":
        return ortho.T if inverse else ortho
    # SciPy's unnormalized DCT-II is 2 * sum x_m cos(...): the orthonormal one scaled by
    # s_k = sqrt(4n) (k = 0) or sqrt(2n).
    scale = np.full(n, np.sqrt(2.0 * n))
    scale[0] = np.sqrt(4.0 * n)
    return (ortho.T / scale[None, :]) if inverse else (ortho * scale[:, None])


def _check(name, type, norm):
    if type != 2:
        raise NotImplementedError(f"jax.scipy.fft.{name}: only DCT type 2 is implemented "
                                  f"(as in JAX), got type={type}")
    if norm not in _NORMS:
        raise ValueError(f"jax.scipy.fft.{name}: {norm=!r} is not implemented")


def _transform_axis(x, n, axis, norm, inverse):
    axis = shapes.canonical_axes(axis, x.ndim)[0]
    if n is not None:
        length = x.shape[axis]
        if n < length:
            x = lax.slice_in_dim(x, 0, n, axis=axis)
        elif n > length:
            widths = [(0, 0)] * x.ndim
            widths[axis] = (0, n - length)
            x = pad(x, widths)
    size = x.shape[axis]
    matrix = asarray(_dct_matrix(size, norm, inverse).astype(x.dtype))
    moved = shapes.moveaxis(x, axis, -1)
    out = linalg_products.matmul(moved, linalg_products.matrix_transpose(matrix))
    return shapes.moveaxis(out, -1, axis)


def _as_inexact(x):
    x = asarray(x)
    if not dtypes.is_inexact(x.dtype):
        x = x.astype(dtypes.to_inexact(x.dtype))
    return x


def dct(x, type=2, n=None, axis=-1, norm=None):
    """The discrete cosine transform (type II) of `x` along `axis`."""
    _check("dct", type, norm)
    return _transform_axis(_as_inexact(x), n, axis, norm, inverse=False)


def idct(x, type=2, n=None, axis=-1, norm=None):
    """The inverse of `dct` (a type III transform, scaled) along `axis`."""
    _check("idct", type, norm)
    return _transform_axis(_as_inexact(x), n, axis, norm, inverse=True)


def _over_axes(name, x, type, s, axes, norm, inverse):
    _check(name, type, norm)
    x = _as_inexact(x)
    if axes is None:
        axes = range(x.ndim) if s is None else range(x.ndim - len(s), x.ndim)
    axes = list(axes)
    sizes = [None] * len(axes) if s is None else list(s)
    if len(sizes) != len(axes):
        raise ValueError(f"jax.scipy.fft.{name}: s and axes must have the same length")
    for size, axis in zip(sizes, axes):
        x = _transform_axis(x, size, axis, norm, inverse)
    return x


def dctn(x, type=2, s=None, axes=None, norm=None):
    """The type II DCT over several axes (all by default)."""
    return _over_axes("dctn", x, type, s, axes, norm, inverse=False)


def idctn(x, type=2, s=None, axes=None, norm=None):
    """The inverse of `dctn`."""
    return _over_axes("idctn", x, type, s, axes, norm, inverse=True)
