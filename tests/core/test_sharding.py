"""The single-device jax.sharding surface: an array is whole on the host CPU, its
sharding a SingleDeviceSharding, unless placed over several devices (test_devices.py). Reprs as
JAX 0.10.2 prints them on CPU."""
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


@pytest.mark.parametrize("name", ["AbstractMesh", "get_abstract_mesh", "reshard"])
def test_explicit_sharding_names_raise_not_implemented(name):
    with pytest.raises(NotImplementedError, match="explicit-sharding"):
        getattr(sharding, name)()


def test_sharding_is_lazy_and_reachable_through_jax():
    assert jax.sharding is sharding
    assert sharding.AxisType.Explicit.name == "Explicit"
