"""jaxlite.numpy: the jax.numpy API on jaxlite primitives."""
import numpy as _np

from .._src import dtypes as _dtypes
from .._src.array import Array as ndarray
from .._src.conversion import asarray as _asarray, array
from .._src.numpy_api.ufuncs import *  # noqa: F401,F403
from .._src.numpy_api.ufuncs import (abs, round, where, clip, real, imag, conjugate, conj,
                                     divmod, power, absolute)
from .._src.numpy_api.reductions import (sum, prod, max, min, amax, amin, all, any, mean, var, std,
                                         argmax, argmin, ptp, count_nonzero, average)
from .._src.numpy_api.shapes import (reshape, ravel, transpose, permute_dims, matrix_transpose,
                                     swapaxes, moveaxis, broadcast_shapes, broadcast_to,
                                     broadcast_arrays, expand_dims, squeeze, concatenate, concat,
                                     stack, vstack, hstack, dstack, column_stack, atleast_1d,
                                     atleast_2d, atleast_3d, split, array_split, hsplit, vsplit,
                                     dsplit, flip, fliplr, flipud, shape, ndim, size)
from .._src.numpy_api.creation import (zeros, ones, full, empty, zeros_like, ones_like, full_like,
                                       empty_like, arange, linspace, logspace, eye, identity, tri)
from .._src.numpy_api.contractions import (dot, vdot, vecdot, inner, outer, matmul, tensordot,
                                           einsum)
from .._src.numpy_api.indexing import (take, take_along_axis, nonzero, argwhere, flatnonzero,
                                       diagonal, diag, trace)
from .._src.numpy_api import methods as _methods  # installs operators on Array and Tracer
# cumulative reductions, sorting and searching, convolve/correlate (issue 3)
from .._src.numpy_api.cumulative import (cumsum, cumprod, nancumsum, nancumprod, cumulative_sum,
                                         cumulative_prod)
from .._src.numpy_api.sorting import (sort, argsort, lexsort, partition, argpartition,
                                      sort_complex, searchsorted)
from .._src.numpy_api.convolution import convolve, correlate
# the jax.numpy long tail: manipulation, selection, sets, statistics, math, polynomials,
# functional helpers, I/O and index tricks (issue 3)
from .._src.numpy_api.manipulation import (tile, repeat, roll, rot90, rollaxis, unstack, pad,
                                           append, insert, delete, resize, trim_zeros, block)
from .._src.numpy_api.selection import (tril, triu, tril_indices, triu_indices,
                                        tril_indices_from, triu_indices_from, diag_indices,
                                        diag_indices_from, mask_indices, diagflat, fill_diagonal,
                                        select, piecewise, choose, place, put, put_along_axis,
                                        compress, extract, indices, meshgrid, ix_,
                                        ravel_multi_index, unravel_index)
from .._src.numpy_api.sets import (unique, unique_values, unique_counts, unique_inverse,
                                   unique_all, union1d, intersect1d, setdiff1d, setxor1d, isin,
                                   bincount, histogram, histogram_bin_edges, histogram2d,
                                   histogramdd, digitize)
from .._src.numpy_api.statistics import (nansum, nanprod, nanmax, nanmin, nanargmax, nanargmin,
                                         nanmean, nanvar, nanstd, quantile, nanquantile,
                                         percentile, nanpercentile, median, nanmedian, cov,
                                         corrcoef)
from .._src.numpy_api.mathfuncs import (frexp, ldexp, modf, gcd, lcm, nan_to_num, spacing, fabs,
                                        i0, angle, iscomplex, isreal, bitwise_count,
                                        bitwise_invert, bitwise_left_shift, bitwise_right_shift,
                                        pow, atan2, packbits, unpackbits, array_equiv)
from .._src.numpy_api.numeric import (diff, ediff1d, gradient, trapezoid, unwrap, interp, cross,
                                      kron, vander, matvec, vecmat, geomspace, bartlett, blackman,
                                      hamming, hanning, kaiser)
from .._src.numpy_api.polynomial import (polyval, poly, polyadd, polysub, polymul, polydiv,
                                         polyder, polyint, polyfit, roots)
from .._src.numpy_api.functional import (vectorize, apply_along_axis, apply_over_axes,
                                         fromfunction, ufunc, frompyfunc)
from .._src.numpy_api.utilities import (s_, index_exp, r_, c_, mgrid, ogrid, copy, astype,
                                        isdtype, load, save, savez, frombuffer, fromstring,
                                        from_dlpack, fromfile, fromiter, printoptions,
                                        set_printoptions, get_printoptions, array_str,
                                        array_repr, einsum_path, iterable, ComplexWarning)

from .._src.dtypes import promote_types, result_type


def asarray(a, dtype=None, order=None, *, copy=None, device=None):
    """Convert to a jaxlite Array with JAX's canonical dtype."""
    return _asarray(a, dtype, copy)


class _ScalarMeta(type):
    """`jnp.float32` etc.: usable as a dtype and callable to make a 0-d array."""

    def __call__(cls, x=0):
        return _asarray(x, dtype=cls.dtype)

    def __eq__(cls, other):
        try:
            return cls.dtype == _np.dtype(other)
        except TypeError:
            return NotImplemented

    def __ne__(cls, other):
        eq = cls.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(cls):
        return hash(cls.dtype)

    def __repr__(cls):
        return f"<class 'jaxlite.numpy.{cls.__name__}'>"

    def __instancecheck__(cls, instance):
        return getattr(instance, "dtype", None) == cls.dtype


def _scalar_type(name, np_type):
    return _ScalarMeta(name, (), {"dtype": _np.dtype(np_type), "_np_type": np_type})


bool_ = _scalar_type("bool_", _np.bool_)
int8, int16, int32, int64 = (_scalar_type(f"int{n}", getattr(_np, f"int{n}")) for n in (8, 16, 32, 64))
uint8, uint16, uint32, uint64 = (_scalar_type(f"uint{n}", getattr(_np, f"uint{n}"))
                                 for n in (8, 16, 32, 64))
float16, float32, float64 = (_scalar_type(f"float{n}", getattr(_np, f"float{n}")) for n in (16, 32, 64))
complex64, complex128 = _scalar_type("complex64", _np.complex64), _scalar_type("complex128",
                                                                              _np.complex128)
int_ = int64
uint = uint64
float_ = float64
complex_ = complex128
single, double = float32, float64

dtype = _dtypes.DType
generic, number, inexact, floating, complexfloating = (_np.generic, _np.number, _np.inexact,
                                                       _np.floating, _np.complexfloating)
integer, signedinteger, unsignedinteger = _np.integer, _np.signedinteger, _np.unsignedinteger
pi, e, inf, nan, euler_gamma = _np.pi, _np.e, _np.inf, _np.nan, _np.euler_gamma
newaxis = None
finfo, iinfo = _dtypes.finfo, _dtypes.iinfo
# more dtype names (issue 3, long tail); `bool` shadows the builtin only inside this module
bool = bool_
cdouble, csingle = complex128, complex64
object_, flexible, character = _np.object_, _np.flexible, _np.character


def issubdtype(arg1, arg2):
    return _dtypes.issubdtype(_np.dtype(arg1) if isinstance(arg1, _ScalarMeta) else arg1,
                              arg2.dtype.type if isinstance(arg2, _ScalarMeta) else arg2)


def isscalar(element):
    return _np.isscalar(element) or (hasattr(element, "ndim") and element.ndim == 0
                                     and isinstance(element, ndarray))


def can_cast(from_, to, casting="safe"):
    return _np.can_cast(from_, to, casting)


def iscomplexobj(x):
    return _np.dtype(getattr(x, "dtype", _np.asarray(x).dtype)).kind == "c"


def isrealobj(x):
    return not iscomplexobj(x)


def array_equal(a1, a2, equal_nan=False):
    a1, a2 = _asarray(a1), _asarray(a2)
    if a1.shape != a2.shape:
        return _asarray(False)
    eq = equal(a1, a2)
    if equal_nan:
        eq = logical_or(eq, logical_and(isnan(a1), isnan(a2)))
    return all(eq)


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return all(isclose(a, b, rtol, atol, equal_nan))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = promote_inexact_pair(a, b)
    close = less_equal(absolute(subtract(a, b)), add(atol, multiply(rtol, absolute(b))))
    close = logical_or(close, equal(a, b))
    if equal_nan:
        close = logical_or(close, logical_and(isnan(a), isnan(b)))
    return close


def promote_inexact_pair(a, b):
    from .._src.conversion import promote_inexact
    return promote_inexact(a, b)


# ---- submodules loaded on first use ------------------------------------------------------------
_lazy_submodules = {"linalg", "fft"}


def __getattr__(name):
    if name in _lazy_submodules:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    if name in _dtypes.NARROW_NAMES:  # bfloat16, float8_*, int4, ...: ml_dtypes loads now
        scalar_type = _scalar_type(name, _dtypes.narrow_dtype(name, f"jnp.{name}").type)
        globals()[name] = scalar_type
        return scalar_type
    raise AttributeError(f"module 'jaxlite.numpy' has no attribute {name!r}")
