"""jax.experimental.mesh_utils: device meshes as arrays of devices."""
from .._src.sharding import create_device_mesh, create_hybrid_device_mesh
