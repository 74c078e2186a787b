"""Multi-process checks, run under MPI with two processes of two CPU devices each:

    mpiexec -n 2 python -m pytest -q -p no:cacheprovider tests/multiprocess/mpi_checks.py

(The file name keeps it out of the main suite's collection.) pmap's named axis spans the
four devices of both processes: each collective equals the same computation done by vmap
over the global array in one process, of which each process keeps its own slice."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src import distributed
from jaxlite.errors import JaxRuntimeError
from jaxlite.experimental import multihost_utils

jax.config.update("jax_num_cpu_devices", 2)
jax.distributed.initialize()
RANK = jax.process_index()
GLOBAL = np.arange(24.0, dtype=np.float32).reshape(4, 6)
LOCAL = GLOBAL[2 * RANK:2 * RANK + 2]


def test_processes_and_devices():
    assert jax.process_count() == 2 and jax.distributed.is_initialized()
    assert jax.device_count() == 4 and jax.local_device_count() == 2
    assert [d.id for d in jax.local_devices()] == [2 * RANK, 2 * RANK + 1]
    assert [d.process_index for d in jax.devices()] == [0, 0, 1, 1]
    assert jax.process_indices() == [0, 1]


COLLECTIVES = {
    "psum": lambda v: lax.psum(v, "i"),
    "pmean": lambda v: lax.pmean(v, "i"),
    "pmax": lambda v: lax.pmax(v, "i"),
    "pmin": lambda v: lax.pmin(v, "i"),
    "axis_index": lambda v: v * 0 + lax.axis_index("i"),
    "axis_size": lambda v: v * 0 + lax.axis_size("i"),
    "all_gather": lambda v: lax.all_gather(v, "i"),
    "all_gather_tiled": lambda v: lax.all_gather(v, "i", axis=0, tiled=True),
    "psum_scatter": lambda v: lax.psum_scatter(v[:4], "i"),
    "psum_scatter_tiled": lambda v: lax.psum_scatter(v[:4], "i", tiled=True),
    "ppermute": lambda v: lax.ppermute(v, "i", [(0, 3), (3, 1), (1, 2), (2, 0)]),
    "all_to_all": lambda v: lax.all_to_all(v[:4], "i", 0, 0),
    "all_to_all_tiled": lambda v: lax.all_to_all(v[:4], "i", 0, 0, tiled=True),
    "all_to_all_2d": lambda v: lax.all_to_all(v[:4].reshape(4, 1) * jnp.ones(3), "i", 0, 1),
    "pbroadcast": lambda v: lax.pbroadcast(v, "i", 2),
    "pshuffle": lambda v: lax.pshuffle(v, "i", [3, 2, 1, 0]),
}


@pytest.mark.parametrize("name", sorted(COLLECTIVES))
def test_collective_over_processes_equals_vmap_over_the_global_array(name):
    f = COLLECTIVES[name]
    expected = jax.vmap(f, axis_name="i")(GLOBAL)[2 * RANK:2 * RANK + 2]
    got = jax.pmap(f, axis_name="i")(LOCAL)
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-6)
    jitted = jax.jit(jax.pmap(f, axis_name="i"))(LOCAL)
    np.testing.assert_allclose(np.asarray(jitted), np.asarray(expected), rtol=1e-6)


@pytest.mark.parametrize("collective", [
    lambda v: lax.psum(v, "i"), lambda v: lax.all_to_all(v[:4], "i", 0, 0),
    lambda v: lax.all_gather(v, "i", tiled=True), lambda v: lax.psum_scatter(v[:4], "i")])
def test_grad_inside_pmap_over_processes(collective):
    loss = lambda v: jnp.sum(jnp.sin(collective(v))) * v[0]
    expected = jax.vmap(jax.grad(loss), axis_name="i")(GLOBAL)[2 * RANK:2 * RANK + 2]
    got = jax.pmap(jax.grad(loss), axis_name="i")(LOCAL)
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5)


def test_grad_of_pmap_over_processes():
    total = lambda x: jax.pmap(lambda v: jnp.sin(v) * lax.pmean(v, "i"), axis_name="i")(x).sum()
    global_total = lambda x: jax.vmap(lambda v: jnp.sin(v) * lax.pmean(v, "i"),
                                      axis_name="i")(x).sum()
    expected = jax.grad(global_total)(GLOBAL)[2 * RANK:2 * RANK + 2]
    # each process differentiates its share of the (global) sum
    got = jax.grad(total)(LOCAL)
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5)


def test_multihost_utils():
    gathered = multihost_utils.process_allgather(jnp.arange(3.0) + RANK)
    assert gathered.tolist() == [[0, 1, 2], [1, 2, 3]]
    tiled = multihost_utils.process_allgather({"a": jnp.ones(2) * RANK}, tiled=True)
    assert tiled["a"].tolist() == [0, 0, 1, 1]
    out = multihost_utils.broadcast_one_to_all(np.full(2, RANK + 5.0))
    assert out.tolist() == [5.0, 5.0]
    out = multihost_utils.broadcast_one_to_all(np.full(2, RANK + 5.0), is_source=RANK == 1)
    assert out.tolist() == [6.0, 6.0]
    multihost_utils.sync_global_devices("checks")


def test_mismatched_collectives_raise_instead_of_hanging():
    with pytest.raises(JaxRuntimeError, match="mismatched collectives"):
        multihost_utils.sync_global_devices(f"name of process {RANK}")
    with pytest.raises(JaxRuntimeError, match="mismatched collectives"):
        jax.pmap(lambda v: lax.psum(v, "i"), axis_name="i")(LOCAL[:, :3 + RANK])
    distributed._state["world"].failed = False  # both processes raised: none is waiting
    multihost_utils.sync_global_devices("after the mismatch")


def test_data_parallel_example_over_two_processes():
    import importlib.util
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data_parallel_mlp.py")
    spec = importlib.util.spec_from_file_location("data_parallel_mlp", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    runs = example.main(steps=6)
    single = runs["one device"]
    assert set(runs) == {"one device", "pmap on 4", "jit(shard_map) on 4", "global loss"}
    for losses in runs.values():
        np.testing.assert_allclose(losses, single, rtol=2e-6)
    np.testing.assert_allclose(single[:3], [0.703227, 0.475633, 0.429591], rtol=1e-5)


def test_ppermute_across_processes_under_vmap_jit_and_grad():
    ring = [(i, (i + 1) % 4) for i in range(4)]
    f = lambda v: lax.ppermute(v, "i", ring)
    inner = jax.vmap(f, in_axes=1, out_axes=1)  # an unnamed axis inside pmap: data
    expected = jax.vmap(inner, axis_name="i")(GLOBAL[:, None, :] + np.zeros((1, 2, 1)))
    got = jax.pmap(inner, axis_name="i")(LOCAL[:, None, :] + np.zeros((1, 2, 1)))
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected)[2 * RANK:2 * RANK + 2])
    loss = lambda x: jnp.sum(jnp.sin(jax.pmap(f, axis_name="i")(x)) * (1 + RANK))
    global_loss = lambda x: jnp.sum(jnp.sin(jax.vmap(f, axis_name="i")(x))
                                    * np.repeat([1.0, 2.0], 2)[:, None])
    expected = jax.grad(global_loss)(GLOBAL)[2 * RANK:2 * RANK + 2]
    np.testing.assert_allclose(np.asarray(jax.jit(jax.grad(loss))(LOCAL)),
                               np.asarray(expected), rtol=1e-5)


def _global_array(mesh, spec, value):
    """The global `value` as an array split by `spec`, of which this process holds its
    block (as JAX's make_array_from_process_local_data takes it)."""
    sharding = jax.sharding.NamedSharding(mesh, spec)
    rows = value.shape[0] // 2
    return jax.make_array_from_process_local_data(sharding, value[RANK * rows:(RANK + 1) * rows])


def test_shard_map_over_a_mesh_spanning_processes():
    P = jax.P
    mesh = jax.make_mesh((4,), ("b",), axis_types=(jax.sharding.AxisType.Auto,))
    x = _global_array(mesh, P("b"), GLOBAL)
    assert x.sharding.spec == P("b") and x.shape == (2, 6)  # this process's rows
    assert [s.index for s in x.addressable_shards] == [
        (slice(2 * RANK, 2 * RANK + 1), slice(None)), (slice(2 * RANK + 1, 2 * RANK + 2),
                                                        slice(None))]
    np.testing.assert_array_equal(multihost_utils.process_allgather(x), GLOBAL)
    total = jax.shard_map(lambda b: lax.psum(b.sum(0), "b"), mesh=mesh, in_specs=P("b"),
                          out_specs=P())
    np.testing.assert_allclose(np.asarray(total(x)), GLOBAL.sum(0))
    np.testing.assert_allclose(np.asarray(jax.jit(total)(x)), GLOBAL.sum(0))
    ring = jax.jit(jax.shard_map(lambda b: lax.ppermute(b, "b", [(i, (i + 1) % 4)
                                                                  for i in range(4)]),
                                 mesh=mesh, in_specs=P("b"), out_specs=P("b")))
    out = ring(x)
    assert out.sharding == jax.sharding.NamedSharding(mesh, P("b"))
    np.testing.assert_array_equal(multihost_utils.process_allgather(out),
                                  np.roll(GLOBAL, 1, axis=0))
    gathered = jax.shard_map(lambda b: lax.all_gather(b, "b", tiled=True), mesh=mesh,
                             in_specs=P("b"), out_specs=P())(x)
    np.testing.assert_array_equal(np.asarray(gathered), GLOBAL)
    # a replicated parameter's gradient sums over every process's devices (check_vma)
    w = jnp.ones(6)
    grad = jax.jit(jax.shard_map(lambda w, b: jax.grad(lambda w: jnp.sum(b @ w))(w),
                                 mesh=mesh, in_specs=(P(), P("b")), out_specs=P()))(w, x)
    np.testing.assert_allclose(np.asarray(grad), GLOBAL.sum(0))


def test_two_dimensional_mesh_with_processes_along_data():
    P = jax.P
    mesh = jax.make_mesh((2, 2), ("data", "model"), axis_types=(jax.sharding.AxisType.Auto,) * 2)
    w = jnp.asarray(np.linspace(-1, 1, 12, dtype=np.float32).reshape(6, 2))
    x = _global_array(mesh, P("data", "model"), GLOBAL)
    f = jax.jit(jax.shard_map(lambda a, w: lax.psum(a @ w, "model"), mesh=mesh,
                              in_specs=(P("data", "model"), P("model", None)),
                              out_specs=P("data", None)))
    out = f(x, w)
    np.testing.assert_allclose(multihost_utils.process_allgather(out), GLOBAL @ np.asarray(w),
                               rtol=1e-5, atol=1e-5)


def test_global_arrays_from_callbacks_and_pieces():
    P = jax.P
    mesh = jax.make_mesh((4,), ("b",), axis_types=(jax.sharding.AxisType.Auto,))
    sharding = jax.sharding.NamedSharding(mesh, P("b"))
    seen = []
    a = jax.make_array_from_callback((4, 6), sharding,
                                     lambda index: seen.append(index) or GLOBAL[index])
    assert seen == [(slice(2 * RANK, 2 * RANK + 1), slice(None)),
                    (slice(2 * RANK + 1, 2 * RANK + 2), slice(None))]
    np.testing.assert_array_equal(multihost_utils.process_allgather(a), GLOBAL)
    pieces = [jax.device_put(GLOBAL[i:i + 1], d) for i, d in
              zip(range(2 * RANK, 2 * RANK + 2), jax.local_devices())]
    b = jax.make_array_from_single_device_arrays((4, 6), sharding, pieces)
    np.testing.assert_array_equal(multihost_utils.process_allgather(b), GLOBAL)
