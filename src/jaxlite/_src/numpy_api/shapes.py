"""Shape manipulation: reshape, transpose, broadcast_to, expand_dims, squeeze,
concatenate, stack, split and friends."""
import builtins
import operator

import numpy as np

from .. import core
from ..errors import ConcretizationTypeError
from ..prims import shape as sp
from ..conversion import asarray, promote, convert, extended_dispatch
from ..dtypes import canonicalize_dtype
from ..lax import utils as lax_utils


def canonical_axes(axis, ndim, name="axis"):
    """A sorted tuple of non-negative axes; None means all. As JAX (unlike NumPy), a 0-d
    array has no axis 0: `jnp.sum(1., axis=0)` raises."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, core.Tracer):
        axis = core.concrete_or_error(axis, f"the {name} argument").item()
    axes = (axis,) if not isinstance(axis, (tuple, list)) else tuple(axis)
    out = [lax_utils.normalize_axis(a, ndim, name) for a in axes]
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis!r}")
    return tuple(sorted(out))


def _canonical_axis(axis, ndim, name):
    """One axis in [-ndim, ndim), made non-negative; JAX's ValueError otherwise."""
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _static_int(x, what):
    if isinstance(x, core.Tracer):
        x = core.concrete_or_error(x, what)
    return operator.index(x) if not isinstance(x, np.ndarray) else int(x)


def _resolve_shape(shape, size):
    if isinstance(shape, (int, np.integer)) or (hasattr(shape, "ndim") and shape.ndim == 0):
        shape = (shape,)
    try:
        shape = [_static_int(d, "a reshape dimension") for d in shape]
    except ConcretizationTypeError:  # as JAX: a TypeError (not a ConcretizationTypeError)
        raise TypeError(
            f"Shapes must be 1D sequences of concrete values of integer type, got {list(shape)}."
            "\nIf using `jit`, try using `static_argnums` or applying `jit` to smaller "
            "subfunctions.") from None
    unknown = [i for i, d in enumerate(shape) if d == -1]
    if len(unknown) > 1:
        raise TypeError(f"can only specify one unknown axis size with a `-1` value, got "
                        f"{tuple(shape)}")
    if unknown:
        known = 1
        for d in shape:
            if d != -1:
                known *= d
        if known == 0 or size % known:
            raise TypeError(f"cannot reshape array of size {size} into shape {tuple(shape)}"
                            + (f": the product of the specified axis sizes ({known}) does not "
                               f"evenly divide {size}" if known else ""))
        shape[unknown[0]] = size // known
    return tuple(shape)


@extended_dispatch
def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    if shape is None:
        shape = newshape
    if order != "C":
        raise NotImplementedError("jnp.reshape supports only order='C'")
    x = asarray(a)
    new = _resolve_shape(shape, x.size)
    if new == x.shape:
        return x
    return sp.reshape_p.bind(x, new_sizes=new)


@extended_dispatch
def ravel(a, order="C"):
    x = asarray(a)
    return reshape(x, (x.size,))


@extended_dispatch
def transpose(a, axes=None):
    x = asarray(a)
    if axes is None:
        axes = tuple(range(x.ndim))[::-1]
    axes = tuple(operator.index(i) for i in axes)
    if sorted(i % builtins.max(x.ndim, 1) for i in axes) != list(range(x.ndim)) or any(
            not -x.ndim <= i < x.ndim for i in axes):
        raise TypeError(f"transpose permutation isn't a permutation of operand dimensions, got "
                        f"permutation {axes} for operand shape {x.shape}.")
    axes = tuple(i % x.ndim for i in axes)
    if axes == tuple(range(x.ndim)):
        return x
    return sp.transpose_p.bind(x, permutation=axes)


def permute_dims(a, axes):
    return transpose(a, axes)


def matrix_transpose(x):
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose needs at least 2 dimensions, got shape {x.shape}")
    return swapaxes(x, -1, -2)


@extended_dispatch
def swapaxes(a, axis1, axis2):
    return lax_utils.swapaxes(a, axis1, axis2)


@extended_dispatch
def moveaxis(a, source, destination):
    return lax_utils.moveaxis(a, source, destination)


def broadcast_shapes(*shapes):
    try:
        return tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        raise ValueError("Incompatible shapes for broadcasting: shapes="
                         f"{[tuple(s) for s in shapes]}") from None


@extended_dispatch
def broadcast_to(array, shape):
    return lax_utils.broadcast_to(array, shape)


def broadcast_arrays(*args):
    shape = broadcast_shapes(*[np.shape(a) if not hasattr(a, "shape") else a.shape for a in args])
    return [broadcast_to(a, shape) for a in args]


@extended_dispatch
def expand_dims(a, axis):
    x = asarray(a)
    axes = tuple(axis) if isinstance(axis, (tuple, list, range)) else (axis,)
    ndim = x.ndim + len(axes)
    axes = sorted(lax_utils.normalize_axis(a, ndim) for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"expand_dims: repeated axis in {axis!r}")
    shape = list(x.shape)
    for a in axes:
        shape.insert(a, 1)
    return sp.reshape_p.bind(x, new_sizes=tuple(shape))


@extended_dispatch
def squeeze(a, axis=None):
    x = asarray(a)
    if axis is None:
        axes = tuple(i for i, d in enumerate(x.shape) if d == 1)
    else:
        axes = canonical_axes(axis, x.ndim)
        for i in axes:
            if x.shape[i] != 1:
                raise ValueError(f"cannot select an axis to squeeze out which has size not equal "
                                 f"to one (axis {i} of shape {x.shape})")
    if not axes:
        return x
    return sp.squeeze_p.bind(x, dimensions=axes)


@extended_dispatch
def concatenate(arrays, axis=0, dtype=None):
    if isinstance(arrays, (core.Tracer,)) or hasattr(arrays, "ndim"):
        arrays = list(arrays)
    if not len(arrays):
        raise ValueError("Need at least one array to concatenate.")
    xs = promote(*arrays)
    if dtype is not None:
        xs = [convert(x, canonicalize_dtype(dtype)) for x in xs]
    if axis is None:
        xs = [ravel(x) for x in xs]
        axis = 0
    ndim = xs[0].ndim
    if ndim == 0:
        raise ValueError("Zero-dimensional arrays cannot be concatenated.")
    for x in xs:
        if x.ndim != ndim:
            raise TypeError("Cannot concatenate arrays with different numbers of dimensions: got "
                             + ", ".join(str(tuple(x.shape)) for x in xs))
    axis = _canonical_axis(axis, ndim, "concatenate")
    if len(xs) == 1:
        return xs[0]
    return sp.concatenate_p.bind(*xs, dimension=axis)


concat = concatenate


@extended_dispatch
def stack(arrays, axis=0, out=None, dtype=None):
    arrays = list(arrays) if not isinstance(arrays, (list, tuple)) else arrays
    if not len(arrays):
        raise ValueError("Need at least one array to stack.")
    xs = promote(*arrays)  # typed PRNG keys mixed with raw ones: JAX's ValueError
    if dtype is not None:
        xs = [convert(x, canonicalize_dtype(dtype)) for x in xs]
    shape = xs[0].shape
    for x in xs:
        if x.shape != shape:
            raise ValueError("All input arrays must have the same shape, got "
                             + ", ".join(str(tuple(x.shape)) for x in xs))
    axis = _canonical_axis(axis, len(shape) + 1, "stack")
    return sp.stack_p.bind(*xs, axis=axis)


def vstack(tup, dtype=None):
    return concatenate([atleast_2d(x) for x in tup], axis=0, dtype=dtype)


def hstack(tup, dtype=None):
    xs = [atleast_1d(x) for x in tup]
    return concatenate(xs, axis=0 if xs[0].ndim == 1 else 1, dtype=dtype)


def dstack(tup, dtype=None):
    return concatenate([atleast_3d(x) for x in tup], axis=2, dtype=dtype)


def column_stack(tup):
    xs = [asarray(x) for x in tup]
    xs = [reshape(x, (-1, 1)) if x.ndim < 2 else x for x in xs]
    return concatenate(xs, axis=1)


def atleast_1d(*arys):
    out = [asarray(a) if asarray(a).ndim >= 1 else reshape(a, (1,)) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys):
    out = []
    for a in arys:
        x = asarray(a)
        out.append(x if x.ndim >= 2 else reshape(x, (1,) * (2 - x.ndim) + x.shape))
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys):
    out = []
    for a in arys:
        x = asarray(a)
        if x.ndim == 0:
            x = reshape(x, (1, 1, 1))
        elif x.ndim == 1:
            x = reshape(x, (1, x.shape[0], 1))
        elif x.ndim == 2:
            x = reshape(x, x.shape + (1,))
        out.append(x)
    return out[0] if len(out) == 1 else out


def _slice_along(x, axis, start, stop):
    starts = [0] * x.ndim
    limits = list(x.shape)
    starts[axis], limits[axis] = start, stop
    return sp.slice_p.bind(x, start_indices=tuple(starts), limit_indices=tuple(limits), strides=None)


def split(ary, indices_or_sections, axis=0):
    x = asarray(ary)
    axis = axis % x.ndim
    n = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or n % sections:
            raise ValueError(f"array split does not result in an equal division: axis of size "
                             f"{n} into {sections} sections")
        points = [i * (n // sections) for i in range(1, sections)]
    else:
        points = [int(core.concrete_or_error(p, "split indices")) for p in indices_or_sections]
    bounds = [0] + [builtins.min(builtins.max(p if p >= 0 else p + n, 0), n) for p in points] + [n]
    return [_slice_along(x, axis, a, builtins.max(a, b)) for a, b in zip(bounds[:-1], bounds[1:])]


def array_split(ary, indices_or_sections, axis=0):
    x = asarray(ary)
    if isinstance(indices_or_sections, (int, np.integer)):
        n, k = x.shape[axis % x.ndim], int(indices_or_sections)
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        points = list(np.cumsum(sizes)[:-1])
        return split(x, points, axis)
    return split(x, indices_or_sections, axis)


def _split_along(axis):
    def fn(ary, indices_or_sections):
        x = asarray(ary)
        ax = axis if x.ndim > 1 or axis != 1 else 0
        return split(x, indices_or_sections, ax)
    return fn


hsplit, vsplit, dsplit = _split_along(1), _split_along(0), _split_along(2)


@extended_dispatch
def flip(m, axis=None):
    x = asarray(m)
    axes = canonical_axes(axis, x.ndim)
    if not axes:
        return x
    return sp.rev_p.bind(x, dimensions=axes)


def fliplr(m):
    return flip(m, 1)


def flipud(m):
    return flip(m, 0)


def shape(a):
    return tuple(np.shape(a)) if not hasattr(a, "shape") else tuple(a.shape)


def ndim(a):
    return len(shape(a))


def size(a, axis=None):
    s = shape(a)
    if axis is not None:
        return s[axis]
    return int(np.prod(s, dtype=np.int64))
