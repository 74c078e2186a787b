"""The single-device jax.sharding surface: an array is whole on the host CPU, its
sharding a SingleDeviceSharding, unless placed over several devices (test_devices.py). Reprs as
JAX 0.10.2 prints them on CPU."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import sharding


def test_array_sharding_and_devices():
    x = jnp.arange(3.0)
    assert repr(x.sharding) == "SingleDeviceSharding(device=CpuDevice(id=0), memory_kind=device)"
    assert x.sharding == sharding.SingleDeviceSharding(jax.devices()[0])
    assert hash(x.sharding) == hash(sharding.SingleDeviceSharding(jax.devices()[0]))
    assert isinstance(x.sharding, sharding.Sharding)
    assert x.sharding.device_set == {jax.devices()[0]} == x.devices()
    assert x.sharding.is_fully_replicated and x.sharding.is_fully_addressable
    assert x.sharding.num_devices == 1 and x.sharding.shard_shape((3,)) == (3,)
    assert x.sharding.devices_indices_map((3,)) == {jax.devices()[0]: (slice(None),)}
    assert repr(jax.devices()) == "[CpuDevice(id=0)]" and str(jax.devices()[0]) == "cpu:0"
    assert x.is_fully_replicated


def test_addressable_shards_is_the_whole_array():
    x = jnp.arange(3.0)
    (shard,) = x.addressable_shards
    assert shard.device is jax.devices()[0] and shard.index == (slice(None),)
    assert shard.replica_id == 0 and shard.data is x
    assert repr(shard) == ("Shard(device=CpuDevice(id=0), index=(slice(None, None, None),), "
                           "replica_id=0, data=[0. 1. 2.])")
    assert x.global_shards[0].data is x


def test_memory_kind_and_bad_device():
    device = jax.devices()[0]
    assert sharding.SingleDeviceSharding(device, memory_kind="device").memory_kind == "device"
    assert sharding.make_single_device_sharding(device) == jnp.ones(2).sharding
    with pytest.raises(ValueError):
        sharding.SingleDeviceSharding(device, memory_kind="pinned_host")
    with pytest.raises(TypeError):
        sharding.SingleDeviceSharding("cpu")


@pytest.mark.parametrize("name", ["AbstractDevice", "reshard"])
def test_explicit_sharding_names_raise_not_implemented(name):
    with pytest.raises(NotImplementedError, match="explicit-sharding"):
        getattr(sharding, name)()


def test_abstract_mesh_is_that_of_set_mesh_as_jax():
    # reprs recorded from JAX 0.10.2 (CPU)
    empty = sharding.get_abstract_mesh()
    assert empty.empty and empty.axis_names == () and repr(empty) == \
        "AbstractMesh((), axis_types=())"
    mesh = jax.make_mesh((1,), ("x",))
    with mesh:  # the legacy context sets no abstract mesh
        assert sharding.get_abstract_mesh().empty
    with jax.set_mesh(mesh):
        current = sharding.get_abstract_mesh()
        assert not current.empty and current == mesh.abstract_mesh
        assert (current.axis_sizes, dict(current.shape), current.size) == ((1,), {"x": 1}, 1)
        assert repr(current) == ("AbstractMesh('x': 1, axis_types=(Explicit,), device_kind=cpu, "
                                 "num_cores=None, platform=cpu)")
    assert sharding.get_abstract_mesh().empty
    assert repr(sharding.AbstractMesh((2,), ("x",))) == "AbstractMesh('x': 2, axis_types=(Auto,))"


def test_sharding_is_lazy_and_reachable_through_jax():
    assert jax.sharding is sharding
    assert sharding.AxisType.Explicit.name == "Explicit"


def test_avals_accept_sharding_in_types_and_carry_none():
    # flax builds ShapedArray(shape, dtype, sharding=aval.sharding): jaxlite's types hold no
    # sharding, so it reads back as None.
    aval = jax.core.ShapedArray((2,), jnp.float32, sharding=None, weak_type=True)
    assert aval.sharding is None and aval.shape == (2,) and aval.weak_type
    out = jnp.einsum("ij,j->i", jnp.ones((2, 3)), jnp.ones(3), out_sharding=None)
    np.testing.assert_array_equal(out, [3.0, 3.0])
    lowered = jax.jit(lambda x: x * 2 + 1).lower(jnp.ones(3))
    assert lowered.cost_analysis()["flops"] == 6.0


def test_partition_spec_index_count_and_sharding_equivalence_as_jax():
    # JAX 0.10.2: index/count as a tuple's; equivalence by the pieces each device holds
    spec = sharding.PartitionSpec("a", None, ("b", "c"))
    assert (spec.index(None), spec.index(("b", "c")), spec.count(None)) == (1, 2, 1)
    with pytest.raises(ValueError):
        spec.index("z")
    mesh = jax.make_mesh((1,), ("x",))
    named = sharding.NamedSharding(mesh, sharding.PartitionSpec("x"))
    assert named.is_equivalent_to(sharding.NamedSharding(mesh, sharding.PartitionSpec()), 1)
    assert named.is_equivalent_to(sharding.SingleDeviceSharding(jax.devices()[0]), 1)


def test_mesh_utils_create_device_mesh_as_jax():
    from jaxlite.experimental import mesh_utils  # noqa: PLC0415
    devices = mesh_utils.create_device_mesh((1, 1))
    assert devices.shape == (1, 1) and devices[0, 0] == jax.devices()[0]
    with pytest.raises(ValueError, match="must equal the product of mesh_shape"):
        mesh_utils.create_device_mesh((len(jax.devices()) + 1,))
