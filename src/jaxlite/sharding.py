"""jax.sharding: devices arranged in meshes, and how arrays are laid out over them."""
from ._src.sharding import (Sharding, SingleDeviceSharding, make_single_device_sharding,
                            Mesh, AbstractMesh, NamedSharding, PartitionSpec, AbstractDevice,
                            AxisType, set_mesh, use_mesh, get_mesh, get_abstract_mesh,
                            use_abstract_mesh, reshard, auto_axes, explicit_axes)
from ._src.sharding import Device
