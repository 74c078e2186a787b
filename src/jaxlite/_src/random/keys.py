"""Typed PRNG keys (`jax.random.key`): an array of keys over uint32 key data.

As in JAX, a key array is one leaf to users (`jax.tree.leaves(key)` is `[key]`), of
dtype key<fry> and of the key data's shape without the trailing 2. To jaxlite's
transformations it is an array-like pytree node whose one child is its raw key data
(shape (*key_shape, 2), uint32), so jit, vmap, grad, scan, cond and while carry keys
through like any other array. Rebuilt around what a transformation returns in place of
the data, a key array becomes what JAX returns for it: a ShapeDtypeStruct of dtype
key<fry> (eval_shape) or float0 zeros of the key array's shape (a key's gradient).

The jnp shape functions (reshape, concatenate, stack, where, take, ...) work on key
arrays through `__jnp_override__`: they apply to the key data, axes counted over the
key array's own dimensions.
"""
import numpy as np

from .. import dtypes
from ..tree import register_array_like_node
from ..array import register_array_type
from ..core import ShapedArray, Tracer
from ..api.tracing import ShapeDtypeStruct
from ..lax.utils import normalize_axis
from ..numpy_api import shapes, indexing, ufuncs, utilities
from ..numpy_api.reductions import all as all_, any as any_
from ..conversion import extended_array_types


class KeyDtype(dtypes.ExtendedDType):
    """The dtype of typed threefry keys; prints as key<fry>, as in JAX."""
    name = "key<fry>"
    impl = "threefry2x32"
    itemsize = 8
    kind = "V"
    type = dtypes.prng_key  # so issubdtype(key.dtype, jax.dtypes.prng_key) holds

    def __repr__(self):
        return "key<fry>"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, KeyDtype)

    def __hash__(self):
        return hash("key<fry>")


key_dtype = KeyDtype()


class PRNGKeyArray:
    __slots__ = ("_data",)

    def __init__(self, data):
        self._data = data

    shape = property(lambda self: tuple(self._data.shape[:-1]))
    ndim = property(lambda self: len(self._data.shape) - 1)
    size = property(lambda self: int(np.prod(self.shape, dtype=np.int64)))
    dtype = property(lambda self: key_dtype)
    itemsize = property(lambda self: key_dtype.itemsize)
    nbytes = property(lambda self: self.size * key_dtype.itemsize)
    T = property(lambda self: shapes.transpose(self))
    sharding = property(lambda self: self._data.sharding)

    @property
    def aval(self):
        """The key array's abstract value, key<fry>[shape] (jax.typeof prints it)."""
        return ShapedArray(self.shape, key_dtype, False)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object (a single PRNG key)")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a single PRNG key; split it first")
        return (self[i] for i in range(self.shape[0]))

    def __getitem__(self, index):
        if not isinstance(index, tuple):
            index = (index,)
        # The key data's trailing axis stays whole (after an Ellipsis, the index ends
        # before it already).
        if any(i is Ellipsis for i in index):
            return PRNGKeyArray(self._data[index + (slice(None),)])
        return PRNGKeyArray(self._data[index + (Ellipsis, slice(None))])

    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return shapes.reshape(self, tuple(shape), order)

    def ravel(self, order="C"):
        return shapes.ravel(self, order)

    flatten = ravel

    def squeeze(self, axis=None):
        return shapes.squeeze(self, axis)

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return shapes.transpose(self, axes or None)

    def swapaxes(self, axis1, axis2):
        return shapes.swapaxes(self, axis1, axis2)

    def take(self, indices, axis=None, **kwargs):
        return indexing.take(self, indices, axis, **kwargs)

    def copy(self):
        return utilities.copy(self)

    @property
    def at(self):
        """`keys.at[index].set(new_keys)` and `.get()`: the key data's update at `index`."""
        return _KeyIndexHelper(self)

    def block_until_ready(self):
        return self

    def __repr__(self):
        if isinstance(self._data, Tracer):
            return f"Traced<key<fry>[{','.join(map(str, self.shape))}]>"
        return f"Array({self.shape}, dtype=key<fry>) overlaying:\n{np.asarray(self._data)}"

    def __eq__(self, other):
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return all_(self._data == other._data, axis=-1)

    def __ne__(self, other):  # (Python's default negates __eq__ with `not`: one bool)
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return any_(self._data != other._data, axis=-1)

    __hash__ = None

    @classmethod
    def __jnp_override__(cls, fn, args, kwargs):
        rule = _jnp_rules.get(fn.__name__)
        if rule is None:
            raise TypeError(f"jnp.{fn.__name__} does not accept arrays of dtype key<fry>; "
                            "jax.random.key_data(keys) gives their uint32 data")
        return rule(*args, **kwargs)


class _KeyIndexHelper:
    __slots__ = ("keys",)

    def __init__(self, keys):
        self.keys = keys

    def __getitem__(self, index):
        return _KeyIndexUpdate(self.keys, index)


class _KeyIndexUpdate:
    __slots__ = ("keys", "index")

    def __init__(self, keys, index):
        self.keys, self.index = keys, index if isinstance(index, tuple) else (index,)

    def _data_index(self):
        if any(i is Ellipsis for i in self.index):
            return self.index + (slice(None),)
        return self.index + (Ellipsis, slice(None))

    def get(self, **kwargs):
        return PRNGKeyArray(self.keys._data.at[self._data_index()].get(**kwargs))

    def set(self, values, **kwargs):
        data = _data_of(values, "at[].set")
        return PRNGKeyArray(self.keys._data.at[self._data_index()].set(data, **kwargs))

    def __getattr__(self, name):
        if name in ("add", "subtract", "multiply", "mul", "divide", "power", "min", "max",
                    "apply"):
            raise TypeError(f"keys.at[...].{name}: arrays of dtype key<fry> take no "
                            "arithmetic; only .set and .get")
        raise AttributeError(name)


# ---- jnp functions on key arrays: the same function on the key data -----------------

def _data_of(keys, name):
    if not isinstance(keys, PRNGKeyArray):  # keys mixed with other arrays: JAX's error
        raise dtypes.TypePromotionError(
            "dtype=key<fry> is not a valid dtype for JAX type promotion.")
    return keys._data


def _axes(axis, ndim):
    if isinstance(axis, (tuple, list)):
        return tuple(normalize_axis(a, ndim) for a in axis)
    return normalize_axis(axis, ndim)


def _reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    shape = newshape if shape is None else shape
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return PRNGKeyArray(shapes.reshape(a._data, shape + (2,), order))


def _transpose(a, axes=None):
    axes = tuple(range(a.ndim))[::-1] if axes is None else _axes(tuple(axes), a.ndim)
    return PRNGKeyArray(shapes.transpose(a._data, axes + (a.ndim,)))


def _expand_dims(a, axis):
    count = len(axis) if isinstance(axis, (tuple, list)) else 1
    return PRNGKeyArray(shapes.expand_dims(a._data, _axes(axis, a.ndim + count)))


def _squeeze(a, axis=None):
    if axis is None:
        axis = tuple(i for i, d in enumerate(a.shape) if d == 1)
    return PRNGKeyArray(shapes.squeeze(a._data, _axes(axis, a.ndim)))


def _flip(m, axis=None):
    axis = tuple(range(m.ndim)) if axis is None else _axes(axis, m.ndim)
    return PRNGKeyArray(shapes.flip(m._data, axis))


def _concatenate(arrays, axis=0, dtype=None):
    data = [_data_of(a, "concatenate") for a in arrays]
    if axis is None:
        data, axis = [shapes.reshape(d, (-1, 2)) for d in data], 0
    if data[0].ndim == 1:
        raise ValueError("Zero-dimensional arrays cannot be concatenated.")
    return PRNGKeyArray(shapes.concatenate(data, _axes(axis, data[0].ndim - 1)))


def _stack(arrays, axis=0, out=None, dtype=None):
    data = [_data_of(a, "stack") for a in arrays]
    return PRNGKeyArray(shapes.stack(data, _axes(axis, data[0].ndim)))


def _take(a, indices, axis=None, out=None, mode=None, **kwargs):
    data = a._data
    if axis is None:
        data, axis = shapes.reshape(data, (-1, 2)), 0
    return PRNGKeyArray(indexing.take(data, indices, _axes(axis, data.ndim - 1), mode=mode,
                                      **kwargs))


def _where(condition, x=None, y=None, /, **kwargs):
    if x is None or y is None:
        raise TypeError("jnp.where(condition) of a key array: use jnp.nonzero on a boolean")
    condition = shapes.expand_dims(condition, -1)  # over the key data's trailing axis
    return PRNGKeyArray(ufuncs.where(condition, _data_of(x, "where"), _data_of(y, "where")))


def _same_keys(a, dtype=None, *args, **kwargs):
    if dtype is not None and dtype != key_dtype:
        raise TypeError(f"cannot convert an array of dtype key<fry> to {dtype}; "
                        "jax.random.key_data(keys) gives their uint32 data")
    return a


def _equal(x, y, /):
    return all_(_data_of(x, "equal") == _data_of(y, "equal"), axis=-1)


def _array_equal(a1, a2, equal_nan=False):
    return a1.shape == a2.shape and bool(all_(_equal(a1, a2)))


_jnp_rules = {
    # Keys compare whole; closeness of keys is equality, as in JAX.
    "equal": _equal,
    "not_equal": lambda x, y, /: ~_equal(x, y),
    "isclose": lambda a, b, *args, **kwargs: _equal(a, b),
    "allclose": lambda a, b, *args, **kwargs: all_(_equal(a, b)),
    "array_equal": _array_equal,
    "reshape": _reshape,
    "ravel": lambda a, order="C": _reshape(a, (-1,)),
    "transpose": _transpose,
    "swapaxes": lambda a, axis1, axis2: PRNGKeyArray(shapes.swapaxes(
        a._data, normalize_axis(axis1, a.ndim), normalize_axis(axis2, a.ndim))),
    "moveaxis": lambda a, source, destination: PRNGKeyArray(shapes.moveaxis(
        a._data, _axes(source, a.ndim), _axes(destination, a.ndim))),
    "broadcast_to": lambda array, shape: PRNGKeyArray(shapes.broadcast_to(
        array._data, ((shape,) if isinstance(shape, int) else tuple(shape)) + (2,))),
    "expand_dims": _expand_dims,
    "squeeze": _squeeze,
    "flip": _flip,
    "concatenate": _concatenate,
    "stack": _stack,
    "take": _take,
    "where": _where,
    "asarray": _same_keys,
    "array": _same_keys,
    "copy": lambda a, order=None: PRNGKeyArray(utilities.copy(a._data)),
}


# ---- the array-like pytree node ----------------------------------------------------

def _rebuild(_, children):
    """A key array over `children[0]`, or what JAX has in its place when a transformation
    returns an abstract value or a zero tangent for the key data."""
    (data,) = children
    if isinstance(data, ShapeDtypeStruct) and data.dtype == np.uint32:
        return ShapeDtypeStruct(data.shape[:-1], key_dtype)
    if isinstance(data, np.ndarray) and data.dtype == dtypes.float0:
        return np.zeros(data.shape[:-1], dtypes.float0)
    return PRNGKeyArray(data)


def _children(keys):
    return (keys._data,), None


class KeyShapeDtypeStruct(ShapeDtypeStruct):
    """`jax.ShapeDtypeStruct(shape, key<fry>)`, an abstract key array: to transformations
    the ShapeDtypeStruct of its key data, so `jax.eval_shape` and `jit(...).lower` take it
    as they take a key array."""
    __slots__ = ()


register_array_type(PRNGKeyArray)
extended_array_types.add(PRNGKeyArray)
register_array_like_node(PRNGKeyArray, _children, _rebuild)
register_array_like_node(
    KeyShapeDtypeStruct,
    lambda keys: ((ShapeDtypeStruct(keys.shape + (2,), np.uint32),), None), _rebuild)
KeyDtype.abstract_array_type = KeyShapeDtypeStruct
