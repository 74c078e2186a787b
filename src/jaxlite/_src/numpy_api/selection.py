"""Selecting and placing elements: tril/triu and their index helpers, diagflat,
fill_diagonal, select, piecewise, choose, place, put, put_along_axis, compress, extract,
indices, meshgrid, ix_, ravel_multi_index, unravel_index, mask_indices.

Functions whose output size depends on array values (compress, extract) take `size=` and
`fill_value=` for jit, as in JAX; without them they need concrete inputs.
"""
import builtins
import math

import numpy as np

from .. import core, dtypes
from ..array import Array
from ..core import Tracer
from ..conversion import asarray, convert, promote, check_arraylike
from ..prims.elementwise import select_n_p
from .shapes import canonical_axes, ravel, broadcast_to, broadcast_arrays, reshape
from .manipulation import static_int, _int_array, resize, _concat
from .ufuncs import where, _as_bool, remainder, clip, subtract, less, add, multiply, floor_divide
from .indexing import nonzero, diag, take
from .creation import ones
from .cumulative import cumsum


def _default_int():
    return dtypes.default_int_dtype()


# ---- triangles and diagonals --------------------------------------------------------------
def _triangle_mask(shape, k, lower):
    n, m = shape[-2], shape[-1]
    mask = np.tri(n, m, k, dtype=bool) if lower else ~np.tri(n, m, k - 1, dtype=bool)
    return Array(mask, False)


def tril(m, k=0):
    """The lower triangle (at and below diagonal `k`) of the last two axes; zeros elsewhere."""
    x = asarray(m)
    if x.ndim < 2:
        raise ValueError("Argument to jax.numpy.tril must be at least 2-dimensional")
    k = static_int(k, "the k argument of jnp.tril")
    return where(_triangle_mask(x.shape, k, True), x, convert(0, x.dtype, True))


def triu(m, k=0):
    """The upper triangle (at and above diagonal `k`) of the last two axes; zeros elsewhere."""
    x = asarray(m)
    if x.ndim < 2:
        raise ValueError("Argument to jax.numpy.triu must be at least 2-dimensional")
    k = static_int(k, "the k argument of jnp.triu")
    return where(_triangle_mask(x.shape, k, False), x, convert(0, x.dtype, True))


def _index_pair(rows_cols):
    return tuple(_int_array(a) for a in rows_cols)


def tril_indices(n, k=0, m=None):
    n, k = static_int(n, "n"), static_int(k, "k")
    m = n if m is None else static_int(m, "m")
    return _index_pair(np.tril_indices(n, k, m))


def triu_indices(n, k=0, m=None):
    n, k = static_int(n, "n"), static_int(k, "k")
    m = n if m is None else static_int(m, "m")
    return _index_pair(np.triu_indices(n, k, m))


def _shape_of(arr):
    return tuple(arr.shape) if hasattr(arr, "shape") else np.shape(arr)


def tril_indices_from(arr, k=0):
    shape = _shape_of(arr)
    if len(shape) != 2:
        raise ValueError("Only 2-D inputs are accepted")
    return tril_indices(shape[0], k, shape[1])


def triu_indices_from(arr, k=0):
    shape = _shape_of(arr)
    if len(shape) != 2:
        raise ValueError("Only 2-D inputs are accepted")
    return triu_indices(shape[0], k, shape[1])


def diag_indices(n, ndim=2):
    n, ndim = static_int(n, "n"), static_int(ndim, "ndim")
    if n < 0:
        raise ValueError(f"n argument to diag_indices must be nonnegative, got {n}")
    if ndim < 0:
        raise ValueError(f"ndim argument to diag_indices must be nonnegative, got {ndim}")
    return (_int_array(np.arange(n)),) * ndim


def diag_indices_from(arr):
    shape = _shape_of(arr)
    if len(shape) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return diag_indices(shape[0], len(shape))


def mask_indices(n, mask_func, k=0, *, size=None):
    """Indices where `mask_func(ones((n, n)), k)` is non-zero (e.g. `jnp.triu`)."""
    n = static_int(n, "n")
    return nonzero(mask_func(ones((n, n)), k), size=size)


def diagflat(v, k=0):
    """A 2-D array with the flattened `v` on diagonal `k`."""
    return diag(ravel(v), static_int(k, "k"))


def fill_diagonal(a, val, wrap=False, *, inplace=True):
    """A copy of `a` with its main diagonal set to `val` (repeated or cut to fit); JAX needs
    `inplace=False` since arrays are immutable."""
    if inplace:
        raise NotImplementedError("JAX arrays are immutable, must use inplace=False")
    if wrap:
        raise NotImplementedError("wrap=True is not implemented, must use wrap=False")
    x = asarray(a)
    if x.ndim < 2:
        raise ValueError("array must be at least 2-d")
    if x.ndim > 2 and len(set(x.shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    n = builtins.min(x.shape)
    values = asarray(val)
    if values.ndim:
        values = resize(ravel(values), (n,))
    return x.at[diag_indices(n, x.ndim)].set(values)


# ---- select, piecewise, choose ---------------------------------------------------------------
def select(condlist, choicelist, default=0):
    """Elementwise, the choice of the first true condition (`default` where none is)."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"condlist must have length equal to choicelist ({len(condlist)} vs "
                         f"{len(choicelist)})")
    if not len(condlist):
        raise ValueError("condlist must be non-empty")
    check_arraylike("select", *condlist, *choicelist, default)
    out, *choices = promote(default, *choicelist)
    for cond, choice in reversed(list(zip(condlist, choices))):
        out = where(_as_bool(cond), choice, out)
    return out


def piecewise(x, condlist, funclist, *args, **kw):
    """Evaluate `funclist[i]` (a function or a constant) where `condlist[i]` holds; an
    extra last entry is the default. Later conditions win, as in NumPy; results take x's
    dtype."""
    x = asarray(x)
    if isinstance(condlist, (Array, Tracer, np.ndarray)) and np.ndim(condlist) == x.ndim:
        condlist = [condlist]
    nc, nf = len(condlist), len(funclist)
    if nf == nc + 1:
        default, funclist = funclist[-1], list(funclist[:-1])
    elif nf == nc:
        default = 0
    else:
        raise ValueError(f"with {nc} condition(s), either {nc} or {nc + 1} functions are "
                         f"expected; got {nf}")

    def value(f):
        v = f(x, *args, **kw) if callable(f) else f
        return convert(asarray(v), x.dtype, x.weak_type)

    out = broadcast_to(value(default), x.shape)
    for cond, f in zip(condlist, funclist):
        out = where(_as_bool(cond), value(f), out)
    return out


def choose(a, choices, out=None, mode="raise"):
    """`choices[a]` elementwise (all broadcast together); mode 'raise' needs a concrete `a`
    (use 'wrap' or 'clip' under jit)."""
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.choose is not supported.")
    index = asarray(a)
    if not dtypes.is_integer(index.dtype):
        raise ValueError("`a` array must be integer typed")
    choices = list(choices)
    n = len(choices)
    if mode == "raise":
        value = np.asarray(core.concrete_or_error(
            index, "jnp.choose with mode='raise' (use mode='wrap' or mode='clip' under jit)"))
        if ((value < 0) | (value >= n)).any():
            raise ValueError("invalid entry in choice array")
    elif mode == "wrap":
        index = remainder(index, n)
    elif mode == "clip":
        index = clip(index, 0, n - 1)
    else:
        raise ValueError(f"mode={mode!r} not understood. Must be 'raise', 'wrap', or 'clip'")
    index, *choices = broadcast_arrays(index, *promote(*choices))
    return select_n_p.bind(convert(index, np.dtype(np.int32)), *choices) if n > 1 \
        else choices[0]


# ---- writing at positions: place, put, put_along_axis ------------------------------------------
def place(arr, mask, vals, *, inplace=True):
    """Fill the positions where `mask` is true with `vals` (cycled), in order."""
    if inplace:
        raise ValueError("jax.numpy.place cannot modify arrays in-place, because JAX arrays "
                         "are immutable. Pass inplace=False to instead return an updated array.")
    x = asarray(arr)
    m = ravel(_as_bool(mask))
    if m.shape[0] != x.size:
        raise ValueError("place: mask and data must be the same size")
    values = ravel(convert(asarray(vals), x.dtype, x.weak_type))
    if values.shape[0] == 0:
        return x
    order = remainder(subtract(cumsum(convert(m, dtypes.default_int_dtype())), 1),
                      values.shape[0])
    filled = take(values, order, mode="clip")
    return reshape(where(m, filled, ravel(x)), x.shape)


def put(a, ind, v, mode=None, *, inplace=True):
    """Set the flat positions `ind` of `a` to `v` (cycled); mode 'clip' (the default, like
    JAX's), 'wrap' or 'raise' (concrete indices)."""
    if inplace:
        raise ValueError("jax.numpy.put cannot modify arrays in-place, because JAX arrays are "
                         "immutable. Pass inplace=False to instead return an updated array.")
    x = asarray(a)
    flat = ravel(x)
    index = ravel(asarray(ind))
    if not dtypes.is_integer(index.dtype):
        raise TypeError("put: indices must be integers")
    values = ravel(convert(asarray(v), x.dtype, x.weak_type))
    if values.shape[0] == 0 or index.shape[0] == 0:
        return x
    values = resize(values, (index.shape[0],))
    n = flat.shape[0]
    if mode == "wrap":
        index = remainder(index, n)
    elif mode == "raise":
        value = np.asarray(core.concrete_or_error(index, "jnp.put with mode='raise'"))
        if ((value < -n) | (value >= n)).any():
            raise IndexError("index out of range in jnp.put")
    elif mode in (None, "clip"):
        index = where(less(index, 0), add(index, n), index) if mode is None else index
        index = clip(index, 0, n - 1)
    else:
        raise ValueError(f"mode={mode!r} not understood. Must be 'raise', 'wrap' or 'clip'")
    return reshape(flat.at[index].set(values), x.shape)


def put_along_axis(arr, indices, values, axis, inplace=True, *, mode=None):
    """`arr` with `values` written at `indices` along `axis` (the inverse of
    `take_along_axis`); out-of-bounds writes are dropped."""
    if inplace:
        raise ValueError("jax.numpy.put_along_axis cannot modify arrays in-place, because JAX "
                         "arrays are immutable. Pass inplace=False to instead return an "
                         "updated array.")
    x = asarray(arr)
    idx = asarray(indices)
    if axis is None:
        return reshape(put_along_axis(ravel(x), ravel(idx), ravel(asarray(values)), 0,
                                      inplace=False, mode=mode), x.shape)
    axis = canonical_axes(axis, x.ndim)[0]
    if idx.ndim != x.ndim:
        raise ValueError("put_along_axis: indices and arr must have the same number of "
                         "dimensions")
    idx = where(less(idx, 0), add(idx, x.shape[axis]), idx)
    index = []
    for i in range(x.ndim):
        if i == axis:
            index.append(idx)
        else:
            shape = [1] * x.ndim
            shape[i] = x.shape[i]
            index.append(_int_array(np.arange(x.shape[i]).reshape(shape)))
    target = np.broadcast_shapes(*[tuple(j.shape) for j in index])
    values = broadcast_to(convert(asarray(values), x.dtype, x.weak_type), target)
    return x.at[tuple(index)].set(values)


# ---- compress, extract ------------------------------------------------------------------------
def compress(condition, a, axis=None, *, size=None, fill_value=0, out=None):
    """The slices of `a` along `axis` where `condition` is true (a shorter condition is
    padded with False). Inside jit pass `size=` (and `fill_value=`)."""
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.compress is not supported.")
    cond = ravel(_as_bool(condition))
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    axis = canonical_axes(axis, x.ndim)[0]
    n = x.shape[axis]
    if cond.shape[0] > n:
        value = np.asarray(core.concrete_or_error(cond, "the condition of jnp.compress"))
        if value[n:].any():
            raise ValueError("condition contains entries that are out of bounds")
        cond = cond[:n]
    elif cond.shape[0] < n:
        cond = _concat([cond, Array(np.zeros(n - cond.shape[0], bool), False)], 0)
    if size is None:
        (positions,) = nonzero(cond)
        return take(x, positions, axis=axis)
    (positions,) = nonzero(cond, size=size, fill_value=n)
    result = take(x, positions, axis=axis, mode="fill",
                  fill_value=fill_value)
    return result


def extract(condition, arr, *, size=None, fill_value=0):
    """The elements of `arr` where `condition` is true, flattened (`size=` for jit)."""
    return compress(ravel(condition), ravel(arr), size=size, fill_value=fill_value)


# ---- index grids -------------------------------------------------------------------------------
def indices(dimensions, dtype=None, sparse=False):
    """Arrays of the indices of a grid of shape `dimensions` (stacked, or broadcastable if
    `sparse`)."""
    dims = tuple(static_int(d, "dimensions") for d in dimensions)
    dtype = dtypes.canonicalize_dtype(dtype) if dtype is not None else _default_int()
    grids = np.indices(dims, dtype=dtype, sparse=sparse)
    if sparse:
        return tuple(Array(g, False) for g in grids)
    return Array(grids, False)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate matrices from coordinate vectors (`indexing` 'xy' or 'ij')."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Valid values for indexing are 'xy' and 'ij', got {indexing}")
    arrays = [asarray(x) for x in xi]
    for x in arrays:
        if x.ndim != 1:
            raise ValueError(f"Arguments to jax.numpy.meshgrid must be 1D, got shape {x.shape}")
    n = len(arrays)
    if not n:
        return []
    shapes = [x.shape[0] for x in arrays]
    if indexing == "xy" and n >= 2:
        shapes[0], shapes[1] = shapes[1], shapes[0]
    out = []
    for i, x in enumerate(arrays):
        axis = i
        if indexing == "xy" and n >= 2 and i < 2:
            axis = 1 - i
        shape = [1] * n
        shape[axis] = x.shape[0]
        g = reshape(x, tuple(shape))
        out.append(g if sparse else broadcast_to(g, tuple(shapes)))
    return out


def ix_(*args):
    """An open mesh from 1-D sequences: `x[jnp.ix_(rows, cols)]` picks a sub-matrix."""
    out = []
    n = len(args)
    for i, a in enumerate(args):
        x = asarray(a)
        if x.ndim != 1:
            raise ValueError(f"Arguments to jax.numpy.ix_ must be 1-dimensional, got shape "
                             f"{x.shape}")
        if x.dtype == np.bool_:
            (x,) = _bool_to_index(x)
        shape = [1] * n
        shape[i] = x.shape[0]
        out.append(reshape(x, tuple(shape)))
    return tuple(out)


def _bool_to_index(x):
    return nonzero(x)


def ravel_multi_index(multi_index, dims, mode="raise", order="C", *, dtype=None):
    """Flat indices from coordinate arrays (mode 'raise' needs concrete inputs)."""
    dims = tuple(static_int(d, "dims") for d in dims)
    if len(multi_index) != len(dims):
        raise ValueError(f"parameter multi_index must be a sequence of length {len(dims)}")
    dtype = dtypes.canonicalize_dtype(dtype) if dtype is not None else _default_int()
    if not np.issubdtype(dtype, np.integer):
        raise ValueError(f"dtype={dtype} is not an integer type.")
    coords = [asarray(i) for i in multi_index]
    for c in coords:
        if not dtypes.is_integer(c.dtype):
            raise TypeError("only int indices permitted")
    if mode == "raise":
        for c, d in zip(coords, dims):
            value = np.asarray(core.concrete_or_error(
                c, "ravel_multi_index with mode='raise' (use mode='wrap' or 'clip' under jit)"))
            if ((value < 0) | (value >= d)).any():
                raise ValueError("invalid entry in coordinates array")
    elif mode == "clip":
        coords = [clip(c, 0, d - 1) for c, d in zip(coords, dims)]
    elif mode == "wrap":
        coords = [remainder(c, d) for c, d in zip(coords, dims)]
    elif mode != "ignore":
        raise ValueError(f"invalid mode={mode!r}. Expected 'raise', 'wrap', 'clip', or 'ignore'.")
    if order == "F":
        strides = np.cumprod((1,) + dims[:-1])
    elif order == "C":
        strides = np.cumprod((1,) + dims[1:][::-1])[::-1]
    else:
        raise ValueError(f"invalid order={order!r}. Expected 'C' or 'F'")
    result = Array(np.zeros((), dtype), False)
    for c, s in zip(coords, strides):
        result = add(result, multiply(convert(c, dtype), convert(int(s), dtype, True)))
    return result


def unravel_index(indices, shape):
    """Coordinate arrays of flat `indices` in an array of `shape`; out-of-bounds indices are
    clamped (negative ones count from the end), as in JAX."""
    idx = asarray(indices)
    if not dtypes.is_integer(idx.dtype):
        raise TypeError("only int indices permitted")
    shape = tuple(static_int(d, "shape") for d in (shape if isinstance(shape, (tuple, list))
                                                   else (shape,)))
    size = math.prod(shape)
    if size == 0:
        raise ValueError("cannot unravel index into an empty shape")
    idx = clip(idx, -size, size - 1)
    idx = where(less(idx, 0), add(idx, size), idx)
    out = []
    for d in reversed(shape):
        out.append(remainder(idx, d))
        idx = floor_divide(idx, d)
    return tuple(reversed(out))
