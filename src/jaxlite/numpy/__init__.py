"""jaxlite.numpy: the jax.numpy API on jaxlite primitives (re-exports of _src/numpy_api).

`linalg` and `fft`, and the narrow dtypes (bfloat16, float8_*, int4, ...: they need
ml_dtypes) load on first use, through the module's `__getattr__` (PEP 562)."""
import importlib as _importlib

from .._src.array import AnyArray as ndarray  # arrays and tracers alike, as jax.Array
from .._src.conversion import array
from .._src.numpy_api.ufuncs import *  # noqa: F403  (ufuncs.__all__: the elementwise functions)
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
from .._src.numpy_api.creation import (asarray, zeros, ones, full, empty, zeros_like, ones_like,
                                       full_like, empty_like, arange, linspace, logspace, eye,
                                       identity, tri)
from .._src.numpy_api.contractions import (dot, vdot, vecdot, inner, outer, matmul, tensordot,
                                           einsum)
from .._src.numpy_api.indexing import (take, take_along_axis, nonzero, argwhere, flatnonzero,
                                       diagonal, diag, trace)
from .._src.numpy_api import methods as _methods  # installs operators on Array and Tracer
from .._src.numpy_api.cumulative import (cumsum, cumprod, nancumsum, nancumprod, cumulative_sum,
                                         cumulative_prod)
from .._src.numpy_api.sorting import (sort, argsort, lexsort, partition, argpartition,
                                      sort_complex, searchsorted)
from .._src.numpy_api.convolution import convolve, correlate
from .._src.numpy_api.padding import pad
from .._src.numpy_api.manipulation import (tile, repeat, roll, rot90, rollaxis, unstack,
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
                                        pow, atan2, packbits, unpackbits, array_equiv,
                                        array_equal, allclose, isclose, promote_inexact_pair)
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
from .._src.numpy_api.scalar_types import (
    bool_, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32,
    float64, complex64, complex128, int_, uint, float_, complex_, single, double, cdouble,
    csingle, dtype, generic, number, inexact, floating, complexfloating, integer, signedinteger,
    unsignedinteger, object_, flexible, character, pi, e, inf, nan, euler_gamma, newaxis, finfo,
    iinfo, issubdtype, isscalar, can_cast, iscomplexobj, isrealobj)
from .._src.numpy_api.scalar_types import narrow_scalar_type as _narrow_scalar_type

_lazy_submodules = {"linalg", "fft"}


def __getattr__(name):
    if name in _lazy_submodules:
        return _importlib.import_module(f"{__name__}.{name}")
    return _narrow_scalar_type(name)  # AttributeError for names that are not narrow dtypes
