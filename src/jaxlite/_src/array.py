"""The Array type: an immutable NumPy array with JAX's dtype semantics.

An Array holds a NumPy value of a canonical dtype and a weak_type flag (set for
values that came from Python scalars). Its operators and methods are the
jax.numpy functions, installed by numpy_api on both Array and Tracer so the
two behave alike. Arrays live on the one device jaxlite computes on, the host CPU.
"""
import numpy as np

from . import core
from .core import ShapedArray
from .sharding import CPU_DEVICE, SINGLE_DEVICE_SHARDING, Shard


class ArrayImpl:
    """The concrete array type (JAX's is also named ArrayImpl; `jax.Array`, the type
    annotations and isinstance checks use, covers arrays and tracers alike)."""
    __slots__ = ("_value", "weak_type", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value, weak_type=False):
        self._value = value
        self.weak_type = weak_type

    # ---- metadata -----------------------------------------------------------------
    @property
    def aval(self):
        v = self._value
        return ShapedArray(v.shape, v.dtype, self.weak_type)

    shape = property(lambda self: self._value.shape)
    dtype = property(lambda self: self._value.dtype)
    ndim = property(lambda self: self._value.ndim)
    size = property(lambda self: self._value.size)
    nbytes = property(lambda self: self._value.nbytes)
    itemsize = property(lambda self: self._value.itemsize)

    # ---- NumPy interop and Python conversions ----------------------------------------
    def __array__(self, dtype=None, copy=None):
        value = np.asarray(self._value)
        if value.flags.writeable:
            value = value.view()
            value.flags.writeable = False
        if dtype is not None and value.dtype != dtype:
            return value.astype(dtype)
        if copy:
            return value.copy()
        return value

    def __bool__(self):
        return bool(self._value)

    def __int__(self):
        return int(self._value)

    def __float__(self):
        return float(self._value)

    def __complex__(self):
        return complex(self._value)

    def __index__(self):
        if self.dtype.kind not in "iub":
            raise TypeError(f"only integer arrays can be used as an index, got {self.dtype}")
        return int(self._value)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        value = self._value
        return (Array(value[i], self.weak_type) for i in range(value.shape[0]))

    def __hash__(self):
        raise TypeError("unhashable type: 'Array'. Arrays are mutable-looking buffers; "
                        "use a tuple, or x.item() for a scalar, as a dict key or static argument.")

    def __reduce__(self):
        return (_rebuild, (np.asarray(self._value), self.weak_type))

    def __format__(self, spec):
        if self.ndim == 0:
            return format(self._value.item(), spec)
        return format(str(self), spec)

    def item(self, *args):
        return np.asarray(self._value).item(*args)

    def tolist(self):
        return np.asarray(self._value).tolist()

    def block_until_ready(self):
        return self

    def copy_to_host_async(self):
        pass

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return Array(np.array(self._value), self.weak_type)

    def copy(self):
        return Array(np.array(self._value), self.weak_type)

    def devices(self):
        return {CPU_DEVICE}

    @property
    def device(self):
        return CPU_DEVICE

    is_fully_addressable = True
    is_fully_replicated = True

    @property
    def sharding(self):
        return SINGLE_DEVICE_SHARDING

    @property
    def addressable_shards(self):
        return [Shard(CPU_DEVICE, SINGLE_DEVICE_SHARDING, self._value.shape, self)]

    global_shards = addressable_shards

    def addressable_data(self, index):
        return self.addressable_shards[index].data

    # ---- printing like JAX --------------------------------------------------------------
    def __repr__(self):
        value = np.asarray(self._value)
        extra = f"dtype={value.dtype.name}" + (", weak_type=True" if self.weak_type else "")
        if value.size == 0 and value.ndim:
            return f"Array([], shape={value.shape}, {extra})"
        body = np.array2string(value, separator=", ", prefix="Array(")
        return f"Array({body}, {extra})"

    def __str__(self):
        return str(np.asarray(self._value))


Array = ArrayImpl  # jaxlite's own name for the concrete type


def _rebuild(value, weak_type):
    return Array(value, weak_type)


core.Array = Array


def is_array(x):
    return isinstance(x, (Array, core.Tracer))


class _AnyArrayMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, (Array, core.Tracer))

    def __subclasscheck__(cls, subclass):
        return isinstance(subclass, type) and issubclass(subclass, (Array, core.Tracer))


class AnyArray(metaclass=_AnyArrayMeta):
    """`jax.Array` (and `jax.numpy.ndarray`): the type of arrays *and* of traced values, so
    `isinstance(x, jax.Array)` holds inside jit, grad and vmap too, as in JAX; a NumPy array
    is not one. Internally, `Array` stays the concrete type alone (a metaclass check there
    would slow every eager call).

    >>> isinstance(jnp.ones(2), jax.Array), isinstance(np.ones(2), jax.Array)
    (True, False)
    >>> jax.jit(lambda x: isinstance(x, jax.Array))(1.0)  # x is a tracer here
    Array(True, dtype=bool)
    """
    __slots__ = ()

    def __new__(cls, *args, **kwargs):
        raise TypeError("jax.Array cannot be instantiated: make arrays with jnp.array, "
                        "jnp.asarray or jax.device_put")


AnyArray.__name__ = AnyArray.__qualname__ = "Array"
