"""jax.sharding: the one device's SingleDeviceSharding. Meshes, NamedSharding and
PartitionSpec need several devices and raise NotImplementedError here."""
from ._src.sharding import (Sharding, SingleDeviceSharding, make_single_device_sharding,
                            Mesh, AbstractMesh, NamedSharding, PartitionSpec, AbstractDevice,
                            AxisType, set_mesh, get_mesh, get_abstract_mesh, use_abstract_mesh,
                            reshard, auto_axes, explicit_axes)
