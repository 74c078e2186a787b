"""Several CPU devices, meshes, NamedSharding and PartitionSpec, device_put with a sharding
and jit's in/out shardings. Reprs and shard indices as JAX 0.10.2 prints them with
jax_num_cpu_devices=4 (the `cpu_devices` fixture gives eight)."""
import os
import subprocess
import sys

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite.sharding import Mesh, NamedSharding, PartitionSpec, SingleDeviceSharding, AxisType

P = jax.P


def test_device_list_and_reprs(cpu_devices):
    devices = jax.devices()
    assert len(devices) == jax.device_count() == jax.local_device_count() == 8
    assert jax.local_devices() == devices
    assert repr(devices[:2]) == "[CpuDevice(id=0), CpuDevice(id=1)]"
    d = devices[1]
    assert (str(d), d.id, d.process_index, d.platform) == ("cpu:1", 1, 0, "cpu")
    assert jax.process_index() == 0 and jax.process_count() == 1


@pytest.mark.needs_subprocess
def test_num_cpu_devices_is_fixed_at_first_use():
    code = ("import jaxlite as jax\n"
            "jax.config.update('jax_num_cpu_devices', 4)\n"
            "print(jax.devices())\n"
            "try:\n"
            "    jax.config.update('jax_num_cpu_devices', 2)\n"
            "except RuntimeError as e:\n"
            "    print(e)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.splitlines()
    assert out[0] == "[CpuDevice(id=0), CpuDevice(id=1), CpuDevice(id=2), CpuDevice(id=3)]"
    assert out[1].startswith("jax_num_cpu_devices config should be updated before backends "
                             "are initialized")
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=3"
    out = subprocess.run([sys.executable, "-c", "import jaxlite as jax; print(jax.device_count())"],
                         capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "3"


def test_mesh_and_partition_spec_reprs(cpu_devices):
    mesh = jax.make_mesh((2, 2), ("x", "y"))
    assert str(mesh) == "Mesh('x': 2, 'y': 2, axis_types=(Explicit, Explicit))"
    assert repr(mesh) == ("Mesh(axis_sizes=(2, 2), axis_names=('x', 'y'), "
                          "axis_types=(Explicit, Explicit))")
    m2 = Mesh(np.array(jax.devices()[:4]).reshape(2, 2), ("a", "b"))
    assert str(m2) == "Mesh('a': 2, 'b': 2, axis_types=(Auto, Auto))"
    assert dict(m2.shape) == {"a": 2, "b": 2} and m2.size == 4 and m2.axis_names == ("a", "b")
    assert m2.device_ids.tolist() == [[0, 1], [2, 3]]
    assert [repr(p) for p in (P("x"), P("x", None), P(("x", "y")), P(), P(None, "y"))] == [
        "P('x',)", "P('x', None)", "P(('x', 'y'),)", "P()", "P(None, 'y')"]
    assert P("x") == PartitionSpec("x") and P("x") != ("x",) and len(P("x", None)) == 2
    assert jax.P is PartitionSpec
    with pytest.raises(ValueError, match="Resource axis: z of P\\('z',\\) is not found in mesh"):
        NamedSharding(mesh, P("z"))
    with pytest.raises(ValueError, match="to equal the length"):
        Mesh(np.array(jax.devices()[:4]), ("a", "b"))
    assert repr(AxisType.Explicit) == "Explicit"


def test_named_sharding_shards_as_jax(cpu_devices):
    mesh = jax.make_mesh((2, 2), ("x", "y"))
    s = NamedSharding(mesh, P("x", "y"))
    assert repr(s) == ("NamedSharding(mesh=Mesh('x': 2, 'y': 2, axis_types=(Explicit, "
                       "Explicit)), spec=P('x', 'y'), memory_kind=device)")
    a = jax.device_put(jnp.arange(16.0).reshape(4, 4), s)
    assert a.sharding == s and not a.is_fully_replicated
    shards = a.addressable_shards
    assert [str(sh.device) for sh in shards] == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]
    assert shards[1].index == (slice(0, 2, None), slice(2, 4, None))
    assert shards[2].data.tolist() == [[8.0, 9.0], [12.0, 13.0]]
    assert repr(shards[0]) == ("Shard(device=CpuDevice(id=0), index=(slice(0, 2, None), "
                               "slice(0, 2, None)), replica_id=0, data=[[0. 1.]\n [4. 5.]])")
    np.testing.assert_array_equal(a, np.arange(16.0).reshape(4, 4))
    assert s.shard_shape((4, 4)) == (2, 2)
    b = jax.device_put(jnp.arange(4.0), NamedSharding(mesh, P()))
    assert b.is_fully_replicated
    assert [(sh.index, sh.replica_id) for sh in b.addressable_shards] == [
        ((slice(None),), i) for i in range(4)]
    c = jax.device_put(jnp.arange(8.0), NamedSharding(mesh, P(("y", "x"))))
    assert [sh.data.tolist() for sh in c.addressable_shards] == [
        [0.0, 1.0], [4.0, 5.0], [2.0, 3.0], [6.0, 7.0]]
    with pytest.raises(ValueError, match="implies that array axis 0 is partitioned 2 times, "
                                         "but the dimension size is 3"):
        jax.device_put(jnp.arange(3.0), NamedSharding(mesh, P("x")))
    assert jax.device_put(jnp.ones(2), jax.devices()[2]).sharding == SingleDeviceSharding(
        jax.devices()[2])
    assert jax.device_put(jnp.ones(2), jax.devices()[2]).devices() == {jax.devices()[2]}
    with jax.set_mesh(mesh):
        assert jax.sharding.get_mesh() is mesh
        assert jax.device_put(jnp.arange(4.0), P("x")).sharding == NamedSharding(mesh, P("x"))


def test_jit_in_and_out_shardings(cpu_devices):
    mesh = jax.make_mesh((2, 2), ("x", "y"))
    s = NamedSharding(mesh, P("x", "y"))
    a = jax.device_put(jnp.arange(16.0).reshape(4, 4), s)
    f = jax.jit(lambda x, y: x * y, in_shardings=(s, None), out_shardings=NamedSharding(
        mesh, P("y")))
    out = f(a, 2.0)
    assert out.sharding == NamedSharding(mesh, P("y"))
    np.testing.assert_array_equal(out, 2 * np.arange(16.0).reshape(4, 4))
    with pytest.raises(ValueError, match="partitioned 2 times"):
        jax.jit(lambda x: x, in_shardings=NamedSharding(mesh, P("x")))(jnp.arange(3.0))
    # an array's sharding is kept through pickling-free copies of its value
    assert float(jax.jit(lambda x: x.sum())(a)) == 120.0


def test_with_sharding_constraint_and_jit_results(cpu_devices):
    mesh = jax.make_mesh((2, 2), ("x", "y"))
    s = NamedSharding(mesh, P("x"))
    assert jax.lax.with_sharding_constraint(jnp.arange(4.0), s).sharding == s
    f = jax.jit(lambda v: jax.lax.with_sharding_constraint(v * 2, s))
    assert f(jnp.arange(4.0)).sharding == s and f(jnp.arange(4.0)).tolist() == [0, 2, 4, 6]
    assert "sharding_constraint" in str(jax.make_jaxpr(f)(jnp.arange(4.0)))
    assert jax.grad(lambda v: f(v).sum())(jnp.arange(4.0)).tolist() == [2.0] * 4
    assert jax.vmap(f)(jnp.ones((3, 4))).shape == (3, 4)
    # jit(shard_map): the result carries out_specs' sharding, trailing Nones dropped as JAX
    g = jax.jit(jax.shard_map(lambda b: b + 1, mesh=mesh, in_specs=P("x", None),
                              out_specs=P("x", None)))
    assert repr(g(jnp.ones((4, 2))).sharding.spec) == "P('x',)"


def test_inner_jit_out_shardings_lay_out_the_outer_jits_results(cpu_devices):
    # As in JAX, a jit with out_shardings called inside another jit constrains its results,
    # and the enclosing jit's results carry the layout (flax shards variables so).
    mesh = jax.make_mesh((2, 2), ("x", "y"))
    inner = jax.jit(lambda v: v, out_shardings=NamedSharding(mesh, P("x", "y")))
    out = jax.jit(lambda: inner(jnp.ones((8, 2))))()
    assert out.sharding == NamedSharding(mesh, P("x", "y"))
    assert out.sharding.shard_shape(out.shape) == (4, 1)


def test_arrays_from_pieces_and_multihost_utils_in_one_process(cpu_devices):
    from jaxlite.experimental import multihost_utils
    mesh = jax.make_mesh((4,), ("x",))
    s = NamedSharding(mesh, P("x"))
    a = jax.make_array_from_callback((8,), s, lambda index: np.arange(8.0)[index])
    assert a.tolist() == list(range(8)) and a.sharding == s
    b = jax.make_array_from_process_local_data(s, np.arange(8.0))
    assert b.tolist() == list(range(8)) and b.sharding == s
    pieces = [jax.device_put(np.arange(8.0)[2 * i:2 * i + 2], d)
              for i, d in enumerate(jax.devices()[:4])]
    assert jax.make_array_from_single_device_arrays((8,), s, pieces).tolist() == list(range(8))
    # as JAX 0.10.2 in one process
    gathered = multihost_utils.process_allgather(jnp.arange(4.0))
    assert isinstance(gathered, np.ndarray) and gathered.shape == (1, 4)
    assert multihost_utils.process_allgather(jnp.arange(4.0), tiled=True).shape == (4,)
    assert multihost_utils.broadcast_one_to_all({"a": jnp.ones(2)})["a"].tolist() == [1, 1]
    multihost_utils.sync_global_devices("alone")
    assert not jax.distributed.is_initialized()


def test_a_backend_other_than_the_cpu_is_a_runtime_error():
    # As JAX 0.10.2 on a CPU-only machine (chex's device assertions count on it).
    for backend in ("gpu", "tpu", "cuda"):
        for query in (jax.devices, jax.device_count, jax.local_device_count):
            with pytest.raises(RuntimeError, match="Unknown backend|failed to initialize"):
                query(backend)
    with pytest.raises(RuntimeError, match="instances of gpu are present"):
        jax.local_devices(backend="gpu")
    assert jax.devices("cpu") == jax.devices() and jax.device_count("cpu") >= 1
