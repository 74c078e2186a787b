"""The rest of the jax.numpy surface that is not math: index tricks (s_, index_exp, r_, c_,
mgrid, ogrid), copying and casting (copy, astype), dtype predicates (isdtype), input and
output through NumPy (load, save, savez, frombuffer, fromstring, from_dlpack; fromfile and
fromiter raise, as in JAX), printing (printoptions, array_str, array_repr), einsum_path
and iterable."""

import numpy as np

from .. import dtypes
from ..conversion import asarray, promote, check_arraylike, extended_dispatch
from .creation import arange, linspace
from .selection import meshgrid
from .shapes import stack, concatenate, reshape, transpose

s_ = np.s_
index_exp = np.index_exp
iterable = np.iterable
ComplexWarning = getattr(np, "exceptions", np).ComplexWarning  # np.exceptions: NumPy >= 1.25


# ---- copying and casting ---------------------------------------------------------------------
@extended_dispatch
def copy(a, order=None):
    """A copy of `a` (arrays are immutable, so this is `asarray`)."""
    check_arraylike("copy", a)
    return asarray(a, copy=True)


def astype(x, dtype, /, *, copy=False, device=None):
    """`x` converted to `dtype` (strongly typed)."""
    check_arraylike("astype", x)
    return asarray(x, dtype=dtype)


_KINDS = {
    "bool": lambda d: d == np.bool_,
    "signed integer": lambda d: d.kind == "i",
    "unsigned integer": lambda d: d.kind == "u",
    "integral": lambda d: d.kind in "iu",
    "real floating": lambda d: dtypes.is_float(d),
    "complex floating": lambda d: d.kind == "c",
    "numeric": lambda d: d.kind in "iufc" or dtypes.is_float(d),
}


def _as_dtype(x):
    if isinstance(getattr(x, "dtype", None), np.dtype):  # jnp.float32 and friends
        return x.dtype
    return np.dtype(x)


def isdtype(dtype, kind):
    """Array-API dtype test: `kind` is a dtype, a kind name ('bool', 'signed integer',
    'unsigned integer', 'integral', 'real floating', 'complex floating', 'numeric') or a
    tuple of them."""
    d = _as_dtype(dtype)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if isinstance(k, str):
            if k not in _KINDS:
                raise ValueError(f"Unrecognized kind: {k!r}")
            if _KINDS[k](d):
                return True
        elif _as_dtype(k) == d:
            return True
    return False


# ---- I/O through NumPy -------------------------------------------------------------------------
def load(file, *args, **kwargs):
    """`np.load`; an array comes back as a jaxlite Array (npz archives as NumPy's object)."""
    out = np.load(file, *args, **kwargs)
    return asarray(out) if isinstance(out, np.ndarray) else out


def save(file, arr, allow_pickle=True):
    np.save(file, np.asarray(arr), allow_pickle=allow_pickle)


def savez(file, *args, allow_pickle=True, **kwds):
    np.savez(file, *[np.asarray(a) for a in args],
             **{k: np.asarray(v) for k, v in kwds.items()}, allow_pickle=allow_pickle)


def frombuffer(buffer, dtype=float, count=-1, offset=0):
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromstring(string, dtype=float, count=-1, *, sep):
    return asarray(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def from_dlpack(x, /, *, device=None, copy=None):
    return asarray(np.from_dlpack(x))


def _impure(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(
            f"jnp.{name}() is not implemented because it may be non-pure and thus unsafe for "
            f"use with JIT and other JAX transformations. Consider using "
            f"jnp.asarray(np.{name}(...)) instead.")
    fn.__name__ = name
    return fn


fromfile = _impure("fromfile")
fromiter = _impure("fromiter")


# ---- printing ---------------------------------------------------------------------------------------
printoptions = np.printoptions
set_printoptions = np.set_printoptions
get_printoptions = np.get_printoptions


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    return np.array_str(np.asarray(a), max_line_width, precision, suppress_small)


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    return repr(asarray(arr))


def einsum_path(subscripts, /, *operands, optimize="auto"):
    """NumPy's contraction order for these operand shapes (only shapes are used)."""
    shaped = [np.zeros(np.shape(o) if not hasattr(o, "shape") else o.shape, np.float32)
              for o in operands]
    if optimize == "auto":  # JAX's default; NumPy calls it "greedy"
        optimize = "greedy"
    return np.einsum_path(subscripts, *shaped, optimize=optimize)


# ---- index tricks --------------------------------------------------------------------------------
def _range_of(item):
    """The values of a slice in mgrid/r_ notation (a complex step is a number of points)."""
    start = 0 if item.start is None else item.start
    stop, step = item.stop, item.step
    if isinstance(step, complex):
        return linspace(start, stop, int(abs(step)), endpoint=True)
    return arange(start, stop, 1 if step is None else step)


class _Grid:
    def __init__(self, sparse):
        self.sparse = sparse

    def __getitem__(self, key):
        single = isinstance(key, slice)
        items = (key,) if single else tuple(key)
        ranges = [_range_of(k) for k in items]
        if single:
            return ranges[0]
        ranges = promote(*ranges)
        grids = meshgrid(*ranges, indexing="ij", sparse=self.sparse)
        return list(grids) if self.sparse else stack(grids, 0)


mgrid = _Grid(sparse=False)
ogrid = _Grid(sparse=True)


class _AxisConcatenator:
    """r_ and c_: concatenate slices (as ranges), scalars and arrays along an axis."""

    def __init__(self, axis, ndmin, trans1d):
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        if items and isinstance(items[0], str):
            directive, items = items[0], items[1:]
            if directive in ("r", "c"):
                raise NotImplementedError("matrix directives 'r'/'c' are not supported")
            parts = [int(p) for p in directive.split(",")]
            axis = parts[0]
            if len(parts) > 1:
                ndmin = parts[1]
            if len(parts) > 2:
                trans1d = parts[2]
        arrays = []
        for item in items:
            x = _range_of(item) if isinstance(item, slice) else asarray(item)
            if x.ndim < ndmin:
                extra = ndmin - x.ndim
                shape = (1,) * extra + tuple(x.shape)
                x = reshape(x, shape)
                if trans1d != -1 and extra:
                    # Move the original axes to position trans1d (NumPy's rule).
                    order = list(range(ndmin))
                    original = order[extra:]
                    rest = order[:extra]
                    t = trans1d % ndmin
                    order = rest[:t] + original + rest[t:]
                    x = transpose(x, order)
            arrays.append(x)
        if not arrays:
            return asarray(np.zeros(0))
        return concatenate(promote(*arrays), axis=axis)


r_ = _AxisConcatenator(0, 1, -1)
c_ = _AxisConcatenator(-1, 2, 0)
