"""Devices, meshes and shardings: how an array is laid out over CPU devices.

jaxlite computes with NumPy in one process; its devices are names for parts of that
work. `jax.config.update("jax_num_cpu_devices", N)` (or XLA_FLAGS'
--xla_force_host_platform_device_count=N) gives N CPU devices, as in JAX. A sharded
array keeps its global value and a Sharding; its shards are views of that value, the
pieces the Sharding gives each device. Collectives run over the lanes of a named axis
(batching.py), which pmap and shard_map map over the devices.
"""
import collections
import enum
import math
import os
import re
import threading

import numpy as np

from . import config as _config
from . import distributed
from .config import flags
from .errors import unavailable


class Client:
    """The runtime a device belongs to (JAX's backend client): jaxlite's own, in this
    process. Libraries ask its `runtime_type` to tell a Pathways runtime from a local one
    (orbax-checkpoint)."""
    platform = "cpu"
    platform_version = "jaxlite"
    runtime_type = "jaxlite"

    def __repr__(self):
        return "Client(jaxlite, cpu)"


class Device:
    """A CPU device: `CpuDevice(id=N)`; its work runs on the host through NumPy."""
    platform = "cpu"
    device_kind = "cpu"
    client = Client()

    def __init__(self, id, process_index=0):
        self.id = id
        self.process_index = process_index

    host_id = property(lambda self: self.process_index)
    local_hardware_id = property(lambda self: self.id)

    def addressable_memories(self):
        """The memories this device can address: its own only (arrays here live in host
        memory already; jaxlite has no pinned or unpinned host memory kinds)."""
        return [Memory(self)]

    def default_memory(self):
        return Memory(self)

    def __repr__(self):
        return f"CpuDevice(id={self.id})"

    def __str__(self):
        return f"cpu:{self.id}"


class Memory:
    """A memory a device addresses, by kind ("device": the only kind jaxlite has)."""
    __slots__ = ("device",)
    kind = "device"
    platform = "cpu"

    def __init__(self, device):
        self.device = device

    process_index = property(lambda self: self.device.process_index)

    def addressable_by_devices(self):
        return [self.device]

    def __eq__(self, other):
        return isinstance(other, Memory) and other.device == self.device

    def __hash__(self):
        return hash(("Memory", self.device))

    def __repr__(self):
        return f"CpuDeviceMemory(id={self.device.id}, process_index={self.process_index})"


CPU_DEVICE = Device(0)


class _Devices:
    """The device list, made at first use from the configured count; the count cannot
    change afterwards (JAX raises the same RuntimeError)."""

    def __init__(self):
        self.all = None
        self.lock = threading.Lock()

    def get(self):
        if self.all is None:
            with self.lock:
                if self.all is None:
                    # Over MPI, process p has devices p * n .. p * n + n - 1.
                    n = _configured_device_count()
                    self.all = [CPU_DEVICE] + [
                        Device(i, i // n) for i in range(1, n * distributed.process_count())]
                    _config.backend_initialized[0] = True
        return self.all

    def reset(self, count):
        """Start afresh with `count` devices (the test suite's hook: a program fixes its
        device count at its first device use, as JAX does). Returns the previous list."""
        previous = self.all
        self.all = [CPU_DEVICE] + [Device(i) for i in range(1, count)]
        return previous


def _configured_device_count():
    n = flags.jax_num_cpu_devices
    if n is None or n < 1:
        match = re.search(r"--xla_force_host_platform_device_count=(\d+)",
                          os.environ.get("XLA_FLAGS", ""))
        n = int(match.group(1)) if match else 1
    return max(int(n), 1)


_devices = _Devices()


def _check_backend(backend):
    """The CPU is the one backend: naming another is JAX's RuntimeError on a machine
    without it (chex's device assertions expect it)."""
    if backend is None or backend == "cpu" or isinstance(backend, Client):
        return
    if backend == "gpu":
        raise RuntimeError("Unknown backend: 'gpu' requested, but no platforms that are "
                           "instances of gpu are present. Platforms present are: cpu")
    if backend == "tpu":
        raise RuntimeError("Backend 'tpu' failed to initialize: jaxlite computes on the CPU. "
                           "Available backends are ['cpu']")
    raise RuntimeError(f"Unknown backend {backend}. Available backends are ['cpu']")


def devices(backend=None):
    """All devices: `[CpuDevice(id=0), ...]`."""
    _check_backend(backend)
    return list(_devices.get())


def local_devices(process_index=None, backend=None, host_id=None):
    """This process's devices (or those of `process_index`)."""
    _check_backend(backend)
    if process_index is None:
        process_index = distributed.process_index()
    return [d for d in _devices.get() if d.process_index == process_index]


def device_count(backend=None):
    _check_backend(backend)
    return len(_devices.get())


def local_device_count(backend=None):
    _check_backend(backend)
    return len(local_devices())


# ---- shardings --------------------------------------------------------------------------
class Sharding:
    """How an array is laid out over devices (the base class of JAX's shardings)."""
    memory_kind = "device"

    @property
    def is_fully_addressable(self):
        return True

    @property
    def is_fully_replicated(self):
        return True

    @property
    def num_devices(self):
        return len(self.device_set)

    @property
    def addressable_devices(self):
        return self.device_set

    @property
    def _addressable_device_assignment(self):
        """The addressable devices in assignment order (JAX's private property; orbax
        reads it to pick the shards this process restores)."""
        addressable = self.addressable_devices
        return tuple(d for d in self._device_assignment if d in addressable)

    def shard_shape(self, global_shape):
        return tuple(global_shape)

    def global_shape_of(self, local_shape):
        """The global shape of an array whose process holds `local_shape` of it."""
        return tuple(local_shape)

    def devices_indices_map(self, global_shape):
        return {d: (slice(None),) * len(global_shape) for d in self._device_assignment}

    def addressable_devices_indices_map(self, global_shape):
        return self.devices_indices_map(global_shape)

    def is_equivalent_to(self, other, ndim):
        """True when both place the same pieces of an `ndim`-dimensional array on the same
        devices (and memory): the test is a shape every mesh split divides."""
        if not isinstance(other, Sharding) or self.memory_kind != other.memory_kind:
            return False
        side = math.lcm(len(self._device_assignment), len(other._device_assignment))
        shape = (side,) * ndim
        pieces = lambda sharding: {d: tuple(i.indices(side) for i in index) for d, index in
                                   sharding.devices_indices_map(shape).items()}
        return pieces(self) == pieces(other)

    def replica_ids(self, global_shape):
        """device -> its replica number among the devices holding the same piece."""
        seen, ids = {}, {}
        for device, index in self.devices_indices_map(global_shape).items():
            key = tuple((s.start, s.stop) for s in index)
            ids[device] = seen.get(key, 0)
            seen[key] = ids[device] + 1
        return ids


class SingleDeviceSharding(Sharding):
    """An array held whole on one device.

    >>> jnp.arange(3.0).sharding
    SingleDeviceSharding(device=CpuDevice(id=0), memory_kind=device)
    >>> jax.sharding.SingleDeviceSharding(jax.devices()[0]) == jnp.arange(3.0).sharding
    True
    """

    def __init__(self, device, *, memory_kind=None):
        if not isinstance(device, Device):
            raise TypeError(f"SingleDeviceSharding needs a device (jax.devices()[0]), got "
                            f"{device!r}")
        _check_memory_kind(memory_kind)
        self._device = device

    @property
    def device_set(self):
        return {self._device}

    @property
    def _device_assignment(self):
        return (self._device,)

    def with_memory_kind(self, kind):
        return SingleDeviceSharding(self._device, memory_kind=kind)

    def __repr__(self):
        return f"SingleDeviceSharding(device={self._device!r}, memory_kind={self.memory_kind})"

    def __eq__(self, other):
        return isinstance(other, SingleDeviceSharding) and other._device == self._device

    def __hash__(self):
        return hash(("SingleDeviceSharding", self._device))


def _check_memory_kind(memory_kind):
    if memory_kind not in (None, "device"):
        raise ValueError(f"Could not find memory addressable by device cpu. Device cpu can "
                         f"address the following memory kinds: device. Got memory kind: "
                         f"{memory_kind}")


SINGLE_DEVICE_SHARDING = SingleDeviceSharding(CPU_DEVICE)


def make_single_device_sharding(device, *, memory_kind=None):
    return SingleDeviceSharding(device, memory_kind=memory_kind)


class AxisType(enum.Enum):
    """How a mesh axis is sharded (JAX's jax.sharding.AxisType). jaxlite runs every kind
    the same way: the values do not depend on it."""
    Auto = enum.auto()
    Explicit = enum.auto()
    Manual = enum.auto()

    def __repr__(self):
        return self.name


class AbstractMesh:
    """A mesh's axis names, sizes and types without its devices (what
    `jax.sharding.get_abstract_mesh()` returns; empty when no mesh is set).

    >>> jax.sharding.AbstractMesh((2,), ("x",))
    AbstractMesh('x': 2, axis_types=(Auto,))
    """

    def __init__(self, axis_sizes, axis_names, axis_types=None, *, _device_kind=None):
        self.axis_sizes, self.axis_names = tuple(axis_sizes), tuple(axis_names)
        if len(self.axis_sizes) != len(self.axis_names):
            raise ValueError(f"AbstractMesh: {len(self.axis_sizes)} axis sizes for "
                             f"{len(self.axis_names)} axis names")
        if axis_types is None:
            axis_types = (AxisType.Auto,) * len(self.axis_names)
        elif isinstance(axis_types, AxisType):
            axis_types = (axis_types,) * len(self.axis_names)
        self.axis_types = tuple(axis_types)
        self._device_kind = _device_kind

    shape = property(lambda self: collections.OrderedDict(zip(self.axis_names,
                                                              self.axis_sizes)))
    shape_tuple = property(lambda self: tuple(zip(self.axis_names, self.axis_sizes)))
    size = property(lambda self: int(np.prod(self.axis_sizes, dtype=np.int64)))
    empty = property(lambda self: not self.axis_names)
    abstract_mesh = property(lambda self: self)

    def _key(self):
        return self.axis_sizes, self.axis_names, self.axis_types

    def __eq__(self, other):
        return isinstance(other, AbstractMesh) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        if self.empty:
            return "AbstractMesh((), axis_types=())"
        sizes = ", ".join(f"{n!r}: {s}" for n, s in self.shape_tuple)
        devices = (f", device_kind={self._device_kind}, num_cores=None, platform=cpu"
                   if self._device_kind else "")
        return f"AbstractMesh({sizes}, axis_types={self.axis_types!r}{devices})"


_EMPTY_ABSTRACT_MESH = AbstractMesh((), ())


class Mesh:
    """Devices arranged in an array whose axes have names.

    >>> mesh = jax.sharding.Mesh(np.array(jax.devices()).reshape(1, 1), ("x", "y"))
    >>> mesh
    Mesh(axis_sizes=(1, 1), axis_names=('x', 'y'), axis_types=(Auto, Auto))
    >>> print(mesh)
    Mesh('x': 1, 'y': 1, axis_types=(Auto, Auto))
    """

    def __init__(self, devices, axis_names, axis_types=None):
        devices = np.asarray(devices, dtype=object)
        if isinstance(axis_names, str):
            axis_names = (axis_names,)
        axis_names = tuple(axis_names)
        if devices.ndim != len(axis_names):
            raise ValueError(f"Mesh requires the ndim of its first argument (`devices`) to equal "
                             f"the length of its second argument (`axis_names`), but got "
                             f"devices.ndim == {devices.ndim} and len(axis_names) == "
                             f"{len(axis_names)}.")
        if len(set(axis_names)) != len(axis_names):
            raise ValueError(f"Mesh axis names must be unique, got {axis_names}")
        if axis_types is None:
            axis_types = (AxisType.Auto,) * len(axis_names)
        elif isinstance(axis_types, AxisType):
            axis_types = (axis_types,) * len(axis_names)
        self.devices = devices
        self.axis_names = axis_names
        self.axis_types = tuple(axis_types)

    shape = property(lambda self: collections.OrderedDict(zip(self.axis_names,
                                                              self.devices.shape)))
    axis_sizes = property(lambda self: tuple(self.devices.shape))
    size = property(lambda self: self.devices.size)
    empty = property(lambda self: self.devices.size == 0)
    device_ids = property(lambda self: np.vectorize(lambda d: d.id, otypes=[int])(self.devices))
    shape_tuple = property(lambda self: tuple(zip(self.axis_names, self.devices.shape)))
    abstract_mesh = property(lambda self: AbstractMesh(self.axis_sizes, self.axis_names,
                                                       self.axis_types, _device_kind="cpu"))

    @property
    def local_devices(self):
        return [d for d in self.devices.flat if d.process_index == distributed.process_index()]

    @property
    def local_mesh(self):
        return self

    @property
    def is_multi_process(self):
        return len({d.process_index for d in self.devices.flat}) > 1

    def _key(self):
        return (tuple(d.id for d in self.devices.flat), self.devices.shape, self.axis_names,
                self.axis_types)

    def __eq__(self, other):
        return isinstance(other, Mesh) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __str__(self):
        sizes = ", ".join(f"{n!r}: {s}" for n, s in zip(self.axis_names, self.devices.shape))
        return f"Mesh({sizes}, axis_types={self.axis_types!r})"

    def __repr__(self):
        return (f"Mesh(axis_sizes={self.axis_sizes!r}, axis_names={self.axis_names!r}, "
                f"axis_types={self.axis_types!r})")

    # `with mesh:` makes it the current mesh, as jax.set_mesh does.
    def __enter__(self):
        _mesh_context.stack.append(self)
        return self

    def __exit__(self, *exc):
        _mesh_context.stack.pop()


def make_mesh(axis_shapes, axis_names, axis_types=None, *, devices=None):
    """A mesh of the first prod(axis_shapes) devices, with Explicit axes as in JAX.

    >>> jax.make_mesh((1,), ("x",))
    Mesh(axis_sizes=(1,), axis_names=('x',), axis_types=(Explicit,))
    """
    axis_shapes, axis_names = tuple(axis_shapes), tuple(axis_names)
    if len(axis_shapes) != len(axis_names):
        raise ValueError(f"Length of axis_shapes {axis_shapes} must equal length of "
                         f"axis_names {axis_names}")
    devices = list(devices) if devices is not None else _devices.get()
    n = int(np.prod(axis_shapes))
    if n > len(devices):
        raise ValueError(f"Number of devices {len(devices)} must be >= the product of "
                         f"mesh_shape {axis_shapes}")
    if axis_types is None:
        axis_types = (AxisType.Explicit,) * len(axis_names)
    grid = np.empty(n, dtype=object)
    grid[:] = devices[:n]
    return Mesh(grid.reshape(axis_shapes), axis_names, axis_types)


def create_device_mesh(mesh_shape, devices=None, *, contiguous_submeshes=False,
                       allow_split_physical_axes=False):
    """`jax.experimental.mesh_utils.create_device_mesh`: the devices as an object array of
    shape `mesh_shape` (in device order: jaxlite's CPU devices have no physical topology
    to optimize for).

    >>> jax.experimental.mesh_utils.create_device_mesh((1,))
    array([CpuDevice(id=0)], dtype=object)
    """
    mesh_shape = tuple(mesh_shape)
    devices = list(devices) if devices is not None else _devices.get()
    if int(np.prod(mesh_shape)) != len(devices):
        raise ValueError(f"Number of devices {len(devices)} must equal the product of "
                         f"mesh_shape {mesh_shape}")
    grid = np.empty(len(devices), dtype=object)
    grid[:] = devices
    return grid.reshape(mesh_shape)


def create_hybrid_device_mesh(mesh_shape, dcn_mesh_shape, devices=None, *,
                              process_is_granule=False, should_sort_granules_by_key=True,
                              allow_split_physical_axes=False):
    """A mesh over slices joined by a data-center network: jaxlite's devices belong to no
    slice, so only the granules of processes (`process_is_granule=True`) exist."""
    if not process_is_granule:
        raise ValueError("Device cpu:0 does not have attribute slice_index. See "
                         "`process_is_granule` option.")
    devices = list(devices) if devices is not None else _devices.get()
    per_process = [[d for d in devices if d.process_index == p]
                   for p in sorted({d.process_index for d in devices})]
    if len(per_process) != int(np.prod(dcn_mesh_shape)):
        raise ValueError(f"Number of processes {len(per_process)} must equal the product of "
                         f"dcn_mesh_shape {tuple(dcn_mesh_shape)}")
    blocks = [create_device_mesh(mesh_shape, group) for group in per_process]
    grid = np.empty(len(blocks), dtype=object)
    grid[:] = blocks
    grid = grid.reshape(tuple(dcn_mesh_shape))
    return np.block(grid.tolist()) if grid.ndim else blocks[0]


def process_axis(mesh):
    """(name, lanes) of the mesh axis along which the processes of a mesh spanning several
    lie in contiguous blocks of `lanes` devices, in process order; None for a mesh within
    one process. Other layouts raise NotImplementedError."""
    owners = np.vectorize(lambda d: d.process_index, otypes=[int])(mesh.devices)
    if (owners == owners.flat[0]).all():
        return None
    count = distributed.process_count()
    for k, name in enumerate(mesh.axis_names):
        others = tuple(i for i in range(owners.ndim) if i != k)
        along = owners.max(axis=others) if others else owners
        if others and not (along == owners.min(axis=others)).all():
            continue
        if len(along) % count == 0 and (along == np.repeat(np.arange(count),
                                                           len(along) // count)).all():
            return name, len(along) // count
    raise NotImplementedError(
        f"jaxlite runs a mesh across processes when its processes lie in contiguous blocks "
        f"along one mesh axis, in process order (as make_mesh lays them out); this mesh's "
        f"devices belong to processes {owners.tolist()}")


def local_mesh(mesh):
    """This process's part of a mesh spanning processes (the mesh itself otherwise)."""
    layout = process_axis(mesh)
    if layout is None:
        return mesh
    name, lanes = layout
    k = mesh.axis_names.index(name)
    first = distributed.process_index() * lanes
    devices = np.take(mesh.devices, range(first, first + lanes), axis=k)
    return Mesh(devices, mesh.axis_names, mesh.axis_types)


class PartitionSpec:
    """Which mesh axes split each array dimension: a name, a tuple of names, or None.

    >>> jax.P("x"), jax.P("x", None), jax.P(("x", "y")), jax.P()
    (P('x',), P('x', None), P(('x', 'y'),), P())
    """
    UNCONSTRAINED = "unconstrained"

    def __init__(self, *partitions):
        for p in partitions:
            names = p if isinstance(p, tuple) else (p,)
            if not all(n is None or isinstance(n, str) or n == self.UNCONSTRAINED
                       for n in names):
                raise TypeError(f"PartitionSpec entries must be axis names, tuples of axis "
                                f"names or None, got {p!r}")
        self._partitions = tuple(partitions)

    def __len__(self):
        return len(self._partitions)

    def __getitem__(self, i):
        return self._partitions[i]

    def __iter__(self):
        return iter(self._partitions)

    def index(self, value):
        return self._partitions.index(value)

    def count(self, value):
        return self._partitions.count(value)

    def __eq__(self, other):
        return isinstance(other, PartitionSpec) and self._partitions == other._partitions

    def __hash__(self):
        return hash(("PartitionSpec", self._partitions))

    def __repr__(self):
        return "P" + repr(self._partitions)

    def names_of(self, dim):
        """The mesh axes splitting array dimension `dim` (a tuple, maybe empty)."""
        if dim >= len(self._partitions) or self._partitions[dim] is None:
            return ()
        p = self._partitions[dim]
        return p if isinstance(p, tuple) else (p,)

    def used_names(self):
        return [n for d in range(len(self)) for n in self.names_of(d)]


P = PartitionSpec  # jax.P


def check_spec(mesh, spec, ndim=None, what="NamedSharding"):
    """JAX's errors for a PartitionSpec that names unknown or repeated mesh axes, or has
    more entries than the array has dimensions."""
    if not isinstance(spec, PartitionSpec):
        raise TypeError(f"{what} expects a PartitionSpec (jax.P(...)), got {spec!r}")
    used = spec.used_names()
    for name in used:
        if name not in mesh.axis_names:
            raise ValueError(f"Resource axis: {name} of {spec} is not found in mesh: "
                             f"{mesh.axis_names}.")
    if len(set(used)) != len(used):
        raise ValueError(f"A single {what} specification can map every mesh axis to at most "
                         f"one positional dimension, but {spec} has duplicate entries")
    if ndim is not None and len(spec) > ndim:
        raise ValueError(f"One of the arguments has a spec {spec} with {len(spec)} entries, "
                         f"more than the array's rank {ndim}")


class IndivisibleError(ValueError):
    """A sharding that cuts a dimension into pieces that do not divide it."""


class NamedSharding(Sharding):
    """An array split over a mesh: dimension k over the mesh axes spec[k].

    >>> mesh = jax.make_mesh((1,), ("x",))
    >>> jax.sharding.NamedSharding(mesh, jax.P("x"))
    NamedSharding(mesh=Mesh('x': 1, axis_types=(Explicit,)), spec=P('x',), memory_kind=device)
    """

    def __init__(self, mesh, spec, *, memory_kind=None):
        if not isinstance(mesh, Mesh):
            raise TypeError(f"NamedSharding expects a Mesh, got {mesh!r}")
        check_spec(mesh, spec)
        _check_memory_kind(memory_kind)
        self.mesh = mesh
        self.spec = spec

    @property
    def device_set(self):
        return set(self.mesh.devices.flat)

    @property
    def _device_assignment(self):
        return tuple(self.mesh.devices.flat)

    @property
    def is_fully_replicated(self):
        return all(self.mesh.shape[n] == 1 for n in self.spec.used_names())

    def _parts(self, dim):
        """How many pieces dimension `dim` is cut into."""
        return int(np.prod([self.mesh.shape[n] for n in self.spec.names_of(dim)]))

    def check_shape(self, global_shape):
        if len(self.spec) > len(global_shape):
            raise ValueError(f"Sharding {self} is only valid for values of rank at least "
                             f"{len(self.spec)}, but was applied to a value of rank "
                             f"{len(global_shape)}")
        for dim, size in enumerate(global_shape):
            parts = self._parts(dim)
            if size % parts:
                tiling = [self._parts(d) for d in range(len(global_shape))]
                raise IndivisibleError(
                    f"Sharding {self} implies that array axis {dim} is partitioned {parts} "
                    f"times, but the dimension size is {size} (full shape: "
                    f"{tuple(global_shape)}, per-dimension tiling factors: {tiling} should "
                    f"evenly divide the shape)")

    def shard_shape(self, global_shape):
        self.check_shape(global_shape)
        return tuple(size // self._parts(dim) for dim, size in enumerate(global_shape))

    def devices_indices_map(self, global_shape):
        self.check_shape(global_shape)
        mesh_shape = self.mesh.shape
        result = {}
        for coords in np.ndindex(*self.mesh.devices.shape):
            position = dict(zip(self.mesh.axis_names, coords))
            index = []
            for dim, size in enumerate(global_shape):
                names = self.spec.names_of(dim)
                if not names:
                    index.append(slice(None))
                    continue
                block = 0
                for n in names:  # the first name is the major one
                    block = block * mesh_shape[n] + position[n]
                length = size // self._parts(dim)
                index.append(slice(block * length, (block + 1) * length))
            result[self.mesh.devices[coords]] = tuple(index)
        return result

    def with_memory_kind(self, kind):
        return NamedSharding(self.mesh, self.spec, memory_kind=kind)

    def process_dims(self):
        """{dimension: processes} for the dimensions split across processes: those whose
        spec starts with the mesh's process axis (each process holds one block of them)."""
        layout = process_axis(self.mesh)
        if layout is None:
            return {}
        name = layout[0]
        dims = {}
        for dim in range(len(self.spec)):
            names = self.spec.names_of(dim)
            if name in names:
                if names[0] != name:
                    raise NotImplementedError(
                        f"jaxlite splits a dimension across processes only when the process "
                        f"axis {name!r} is its first mesh axis, got {self.spec}")
                dims[dim] = distributed.process_count()
        return dims

    def global_shape_of(self, local_shape):
        dims = self.process_dims()
        return tuple(n * dims.get(d, 1) for d, n in enumerate(local_shape))

    def local_indices(self, local_shape):
        """{local device: (its index in the global array, its index in this process's
        part)} for an array of which this process holds `local_shape`."""
        dims = self.process_dims()
        global_shape = self.global_shape_of(local_shape)
        rank = distributed.process_index()
        result = {}
        for device, index in self.devices_indices_map(global_shape).items():
            if device.process_index != rank:
                continue
            local = tuple(slice(s.start - rank * local_shape[d], s.stop - rank * local_shape[d])
                          if d in dims else s for d, s in enumerate(index))
            result[device] = (index, local)
        return result

    def without_trailing_none(self):
        """The same layout with trailing None entries of the spec dropped, as JAX's
        compiled programs report their results' shardings."""
        parts = list(self.spec)
        while parts and parts[-1] is None:
            parts.pop()
        return NamedSharding(self.mesh, PartitionSpec(*parts))

    def __repr__(self):
        return (f"NamedSharding(mesh={self.mesh}, spec={self.spec}, "
                f"memory_kind={self.memory_kind})")

    def __eq__(self, other):
        return (isinstance(other, NamedSharding) and self.mesh == other.mesh
                and self.spec == other.spec)

    def __hash__(self):
        return hash(("NamedSharding", self.mesh, self.spec))


class Shard:
    """One piece of an array on one device."""
    __slots__ = ("device", "index", "replica_id", "data")

    def __init__(self, device, index, replica_id, data):
        self.device = device
        self.index = index
        self.replica_id = replica_id
        self.data = data

    def __repr__(self):
        return (f"Shard(device={self.device!r}, index={self.index}, "
                f"replica_id={self.replica_id}, data={self.data})")


# ---- the current mesh (jax.set_mesh) -------------------------------------------------------
class _MeshContext(threading.local):
    def __init__(self):
        self.stack = []
        self.set_meshes = []  # those of `with jax.set_mesh(...)`, not `with mesh:`


_mesh_context = _MeshContext()
_global_mesh = [None]


def get_mesh():
    """The mesh set by `jax.set_mesh` (or `with mesh:`), or None."""
    if _mesh_context.stack:
        return _mesh_context.stack[-1]
    return _global_mesh[0]


class set_mesh:
    """Make `mesh` the current mesh: for the rest of the program, or within a `with` block.

    >>> mesh = jax.make_mesh((1,), ("x",))
    >>> with jax.set_mesh(mesh):
    ...     jax.sharding.get_mesh() is mesh
    True
    """

    def __init__(self, mesh):
        if mesh is not None and not isinstance(mesh, Mesh):
            raise TypeError(f"set_mesh expects a Mesh, got {mesh!r}")
        self.mesh = mesh
        self.previous = _global_mesh[0]
        _global_mesh[0] = mesh

    def __enter__(self):
        _mesh_context.stack.append(self.mesh)
        _mesh_context.set_meshes.append(self.mesh)
        return self.mesh

    def __exit__(self, *exc):
        _mesh_context.stack.pop()
        _mesh_context.set_meshes.pop()
        _global_mesh[0] = self.previous


def get_abstract_mesh():
    """The abstract mesh of the mesh `jax.set_mesh` made current (empty if none; the legacy
    `with mesh:` sets none, as in JAX).

    >>> jax.sharding.get_abstract_mesh()
    AbstractMesh((), axis_types=())
    """
    sets = _mesh_context.set_meshes
    mesh = sets[-1] if sets else _global_mesh[0]
    return _EMPTY_ABSTRACT_MESH if mesh is None else mesh.abstract_mesh


use_mesh = set_mesh


_NOT_HERE = ("jaxlite runs every mesh axis the same way: explicit-sharding types "
             "(AbstractDevice, reshard, auto_axes, explicit_axes) are not implemented")


def _unavailable_class(name):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"jax.sharding.{name}: {_NOT_HERE}")
    return type(name, (), {"__init__": __init__, "__module__": __name__,
                           "__doc__": f"Not available in jaxlite: {_NOT_HERE}."})


AbstractDevice = _unavailable_class("AbstractDevice")
use_abstract_mesh = unavailable("jax.sharding.use_abstract_mesh", _NOT_HERE)
reshard = unavailable("jax.sharding.reshard", _NOT_HERE)
auto_axes = unavailable("jax.sharding.auto_axes", _NOT_HERE)
explicit_axes = unavailable("jax.sharding.explicit_axes", _NOT_HERE)
