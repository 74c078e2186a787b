"""The Array type: an immutable NumPy array with JAX's dtype semantics.

An Array holds a NumPy value of a canonical dtype and a weak_type flag (set for
values that came from Python scalars). Its operators and methods are the
jax.numpy functions, installed by numpy_api on both Array and Tracer so the
two behave alike. Arrays live on the one device jaxlite computes on, the host CPU.
"""
import numpy as np

from . import core
from .core import ShapedArray
from .sharding import (CPU_DEVICE, SINGLE_DEVICE_SHARDING, Shard, Sharding, Device,
                       SingleDeviceSharding, NamedSharding, PartitionSpec, get_mesh)
from .tree import tree_flatten, tree_leaves, tree_unflatten
from .layout import Format


class ArrayImpl:
    """The concrete array type (JAX's is also named ArrayImpl; `jax.Array`, the type
    annotations and isinstance checks use, covers arrays and tracers alike)."""
    # _placement: the Sharding of an array laid out over devices (device_put, pmap,
    # shard_map); unset, the array is whole on the default device. Left unset by
    # __init__, so making an array costs nothing more.
    __slots__ = ("_value", "weak_type", "_placement", "__weakref__")
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

    @property
    def sharding(self):
        """How the array is laid out over devices: whole on one device unless placed by
        device_put, pmap, shard_map or jit's out_shardings. Its shards are views of the
        value: jaxlite computes on the host, so the pieces need no copies, and jnp
        functions of a sharded array give unsharded results.

        >>> mesh = jax.make_mesh((1,), ("x",))
        >>> x = jax.device_put(jnp.arange(2.0), jax.sharding.NamedSharding(mesh, jax.P("x")))
        >>> x.sharding.spec, [s.index for s in x.addressable_shards]
        (P('x',), [(slice(0, 2, None),)])
        """
        try:
            return self._placement
        except AttributeError:
            return SINGLE_DEVICE_SHARDING

    def devices(self):
        return set(self.sharding.device_set)

    @property
    def device(self):
        devices = self.sharding._device_assignment
        if len(devices) > 1:
            raise ValueError("Array.device is ambiguous for an array on several devices: use "
                             "Array.devices() or Array.sharding")
        return devices[0]

    is_fully_addressable = True

    @property
    def is_fully_replicated(self):
        return self.sharding.is_fully_replicated

    @property
    def addressable_shards(self):
        sharding = self.sharding
        if sharding is SINGLE_DEVICE_SHARDING:
            return [Shard(CPU_DEVICE, (slice(None),) * self._value.ndim, 0, self)]
        value = self._value
        if isinstance(sharding, NamedSharding):
            # This process's devices; across processes the value is this process's part.
            replicas = sharding.replica_ids(sharding.global_shape_of(value.shape))
            return [Shard(device, index, replicas[device], Array(value[local], self.weak_type))
                    for device, (index, local) in sharding.local_indices(value.shape).items()]
        replicas = sharding.replica_ids(value.shape)
        return [Shard(device, index, replicas[device], Array(value[index], self.weak_type))
                for device, index in sharding.devices_indices_map(value.shape).items()]

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


def place(x, sharding):
    """`x` (an Array) laid out by `sharding`; the default device's whole-array sharding
    gives a plain Array."""
    value, weak = x._value, x.weak_type
    if sharding is None or sharding == SINGLE_DEVICE_SHARDING:
        return Array(value, weak) if hasattr(x, "_placement") else x
    if not isinstance(sharding, SingleDeviceSharding):
        # JAX's error if the pieces do not divide (across processes, `x` is this process's
        # part of the array)
        sharding.shard_shape(sharding.global_shape_of(value.shape))
    out = Array(value, weak)
    out._placement = sharding
    return out


core.Array = Array


def is_array(x):
    return isinstance(x, (Array, core.Tracer))


# The types that are `jax.Array`s: arrays, tracers, and those registered by the layers
# above (typed PRNG key arrays, which JAX's isinstance(key, jax.Array) accepts).
_array_types = (Array, core.Tracer)


def register_array_type(cls):
    """Make instances of `cls` count as `jax.Array`s."""
    global _array_types
    _array_types = _array_types + (cls,)


class _AnyArrayMeta(type):
    def __instancecheck__(cls, obj):
        # (then a value claiming to be a jax.Array, as mock.Mock(spec=jax.Array) does)
        return isinstance(obj, _array_types) or type.__instancecheck__(cls, obj)

    def __subclasscheck__(cls, subclass):
        # jax.Array is a subclass of itself (orbax's type registry matches issubclass).
        return isinstance(subclass, type) and (type.__subclasscheck__(cls, subclass)
                                               or issubclass(subclass, _array_types))


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
# JAX's Array class declares the array API, so `mock.Mock(spec=jax.Array)` and dir() see
# it: AnyArray names ArrayImpl's attributes (jnp's methods join at numpy_api's import).
for _name, _attribute in vars(ArrayImpl).items():
    if not _name.startswith("_") or _name in ("__array__", "__len__", "__iter__",
                                               "__bool__", "__int__", "__float__"):
        setattr(AnyArray, _name, _attribute)
del _name, _attribute


def _as_sharding(target, what):
    if isinstance(target, Device):
        return SingleDeviceSharding(target)
    if isinstance(target, PartitionSpec):
        mesh = get_mesh()
        if mesh is None:
            raise RuntimeError(f"{what} got the PartitionSpec {target} with no mesh set: use "
                               f"NamedSharding(mesh, spec) or call inside jax.set_mesh(mesh)")
        return NamedSharding(mesh, target)
    if not isinstance(target, Sharding):
        raise TypeError(f"{what} expects a device, a Sharding, a PartitionSpec or a Format, "
                        f"got {target!r}")
    return target


def sharding_leaves(tree, targets, what):
    """One Sharding (or None) per leaf of `tree`, from `targets`: a device, Sharding or
    PartitionSpec (with jax.set_mesh), or a pytree prefix of them."""
    n = len(tree_leaves(tree))
    if targets is None:
        return [None] * n
    kinds = (Device, Sharding, PartitionSpec, Format)
    prefix, prefix_def = tree_flatten(targets, lambda v: v is None or isinstance(v, kinds))
    per_leaf = []
    for target, subtree in zip(prefix, prefix_def.flatten_up_to(tree)):
        if isinstance(target, Format):
            # A layout with a sharding: arrays here are all row-major, so only the
            # sharding places them (None: as they are).
            target = target.sharding
        sharding = None if target is None else _as_sharding(target, what)
        per_leaf.extend([sharding] * len(tree_leaves(subtree)))
    return per_leaf


def place_tree(tree, targets, what):
    """The Arrays of `tree` laid out by `targets` (see sharding_leaves); None leaves an
    array as it is. Traced values pass unchanged: there a placement is only a hint."""
    if targets is None:
        return tree
    leaves, treedef = tree_flatten(tree)
    out = [place(leaf, s) if s is not None and isinstance(leaf, Array) else leaf
           for leaf, s in zip(leaves, sharding_leaves(tree, targets, what))]
    return tree_unflatten(treedef, out)
