"""Devices and shardings on the one device jaxlite computes on, the host CPU.

Every array lives whole on that device: its sharding is a SingleDeviceSharding,
its one shard is the array itself. Meshes, NamedSharding and PartitionSpec
lay arrays out over several devices, which jaxlite does not have: those names
raise NotImplementedError when used.
"""
import enum

from .errors import unavailable


class Device:
    """The one device jaxlite computes on: the host CPU, through NumPy."""
    platform = "cpu"
    device_kind = "cpu"
    id = 0
    process_index = 0
    host_id = 0
    client = None

    def __repr__(self):
        return "CpuDevice(id=0)"

    def __str__(self):
        return "cpu:0"


CPU_DEVICE = Device()


class Sharding:
    """How an array is laid out over devices (the base class of JAX's shardings)."""

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

    def shard_shape(self, global_shape):
        return tuple(global_shape)

    def devices_indices_map(self, global_shape):
        return {d: (slice(None),) * len(global_shape) for d in self.device_set}

    addressable_devices_indices_map = devices_indices_map


class SingleDeviceSharding(Sharding):
    """An array held whole on one device: every jaxlite array's sharding.

    >>> jnp.arange(3.0).sharding
    SingleDeviceSharding(device=CpuDevice(id=0), memory_kind=device)
    >>> jax.sharding.SingleDeviceSharding(jax.devices()[0]) == jnp.arange(3.0).sharding
    True
    """

    def __init__(self, device, *, memory_kind=None):
        if not isinstance(device, Device):
            raise TypeError(f"SingleDeviceSharding needs a device (jax.devices()[0]), got "
                            f"{device!r}")
        if memory_kind not in (None, "device"):
            raise ValueError(f"Could not find memory addressable by device cpu. Device cpu can "
                             f"address the following memory kinds: device. Got memory kind: "
                             f"{memory_kind}")
        self._device = device
        self.memory_kind = "device"

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


SINGLE_DEVICE_SHARDING = SingleDeviceSharding(CPU_DEVICE)


def make_single_device_sharding(device):
    return SingleDeviceSharding(device)


class Shard:
    """One piece of an array on one device; jaxlite's arrays have one, the whole array."""
    __slots__ = ("device", "index", "replica_id", "data")

    def __init__(self, device, sharding, global_shape, data):
        self.device = device
        self.index = sharding.devices_indices_map(global_shape)[device]
        self.replica_id = 0
        self.data = data

    def __repr__(self):
        return (f"Shard(device={self.device!r}, index={self.index}, "
                f"replica_id={self.replica_id}, data={self.data})")


_NO_MESH = ("jaxlite computes on one device, the host CPU: device meshes and the "
            "shardings over them are not available (every array is whole on "
            "jax.devices()[0], its sharding a SingleDeviceSharding)")


def _unavailable_class(name):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"jax.sharding.{name}: {_NO_MESH}")
    return type(name, (), {"__init__": __init__, "__module__": __name__,
                           "__doc__": f"Not available in jaxlite: {_NO_MESH}."})


def _unavailable_function(name):
    return unavailable(f"jax.sharding.{name}", _NO_MESH)


Mesh = _unavailable_class("Mesh")
AbstractMesh = _unavailable_class("AbstractMesh")
NamedSharding = _unavailable_class("NamedSharding")
PartitionSpec = _unavailable_class("PartitionSpec")
AbstractDevice = _unavailable_class("AbstractDevice")
set_mesh = _unavailable_function("set_mesh")
get_mesh = _unavailable_function("get_mesh")
get_abstract_mesh = _unavailable_function("get_abstract_mesh")
use_abstract_mesh = _unavailable_function("use_abstract_mesh")
reshard = _unavailable_function("reshard")
auto_axes = _unavailable_function("auto_axes")
explicit_axes = _unavailable_function("explicit_axes")


class AxisType(enum.Enum):
    """How a mesh axis is sharded (JAX's jax.sharding.AxisType); meshes themselves are
    not available here."""
    Auto = enum.auto()
    Explicit = enum.auto()
    Manual = enum.auto()
