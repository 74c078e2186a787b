"""pmap and shard_map over eight CPU devices (the `cpu_devices` fixture): results equal the
computation written without devices, shardings as JAX 0.10.2 gives them, and values
recorded from JAX (jax_num_cpu_devices=4, mesh axes of type Auto)."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite.sharding import NamedSharding, AxisType
from jaxlite.experimental.shard_map import shard_map as experimental_shard_map

P = jax.P
X = jnp.arange(8.0).reshape(4, 2)


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


# ---- pmap -------------------------------------------------------------------------------------
def test_pmap_with_collectives_and_its_sharding(cpu_devices):
    y = jax.pmap(lambda v: v / lax.psum(v, "i"), axis_name="i")(X)
    close(y, np.asarray(X) / np.asarray(X).sum(0))
    assert repr(y.sharding) == ("NamedSharding(mesh=Mesh('i': 4, axis_types=(Auto,)), "
                                "spec=P('i',), memory_kind=device)")
    assert [str(s.device) for s in y.addressable_shards] == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]
    close(y.addressable_shards[1].data, [[2 / 12, 3 / 16]])
    z = jax.pmap(lambda v: v * 2, in_axes=1, out_axes=1)(jnp.arange(8.0).reshape(2, 4))
    assert repr(z.sharding.spec) == "P(None, '_internal_pmap_axis_name')"
    assert jax.pmap(lambda v: v, devices=jax.devices()[:2])(jnp.arange(2.0)).sharding.mesh.size \
        == 2


def test_pmap_arguments(cpu_devices):
    close(jax.pmap(lambda v, s: v * s, static_broadcasted_argnums=1)(X, 3), 3 * np.asarray(X))
    close(jax.pmap(lambda v, w: v + w, in_axes=(0, None))(X, jnp.ones(2)), np.asarray(X) + 1)
    out = jax.pmap(lambda d: {"a": d["a"] + 1}, in_axes=({"a": 0},))({"a": X})
    close(out["a"], np.asarray(X) + 1)
    assert jax.pmap(lambda v: lax.axis_index("i"), axis_name="i")(X).tolist() == [0, 1, 2, 3]
    shift = [(i, (i + 1) % 4) for i in range(4)]
    close(jax.pmap(lambda v: lax.ppermute(v, "i", shift), axis_name="i")(X),
          np.roll(np.asarray(X), 1, axis=0))
    assert jax.pmap(lambda v: lax.all_gather(v, "i"), axis_name="i")(X).shape == (4, 4, 2)


def test_pmap_values_from_jax(cpu_devices):
    # grad of pmap (recorded from JAX; sin's last bits depend on the CPU)
    g = jax.grad(lambda x: jax.pmap(lambda v: jnp.sin(v) * lax.psum(v, "i"),
                                    axis_name="i")(x).sum())(X)
    close(g, [[11.873079, 9.32549], [-5.1206827, -15.159226], [-7.970644, 5.2192483],
              [11.395123, 12.74309]], 1e-5)
    # grad inside pmap
    g = jax.pmap(jax.grad(lambda v: (v * lax.pmean(v, "i")).sum()), axis_name="i")(X)
    assert g.tolist() == [[6.0, 8.0]] * 4


def test_pmap_errors(cpu_devices):
    with pytest.raises(ValueError, match="requires 9 logical devices, but only 8"):
        jax.pmap(lambda v: v)(jnp.arange(9.0))
    with pytest.raises(NameError, match="unbound axis name: j"):
        jax.pmap(lambda v: lax.psum(v, "j"), axis_name="i")(X)


def test_pmap_under_jit_and_vmap_is_a_named_vmap(cpu_devices):
    f = jax.pmap(lambda v: v - lax.pmean(v, "i"), axis_name="i")
    close(jax.jit(f)(X), np.asarray(X) - np.asarray(X).mean(0))
    batched = jax.vmap(f)(jnp.stack([X, 2 * X]))
    close(batched[1], 2 * (np.asarray(X) - np.asarray(X).mean(0)))


# ---- shard_map ----------------------------------------------------------------------------------
def auto_mesh():
    return jax.make_mesh((2, 2), ("x", "y"), axis_types=(AxisType.Auto,) * 2)


def test_shard_map_blocks_and_collectives(cpu_devices):
    mesh = auto_mesh()
    a = jnp.arange(32.0).reshape(4, 8)
    f = jax.shard_map(lambda b: lax.psum(b.sum(0, keepdims=True), "x"), mesh=mesh,
                      in_specs=P("x", "y"), out_specs=P(None, "y"))
    r = f(a)
    assert r.tolist() == [[48, 52, 56, 60, 64, 68, 72, 76]]
    assert r.sharding == NamedSharding(mesh, P(None, "y"))
    g = jax.shard_map(lambda b: b * lax.axis_index("x") + lax.axis_index("y"), mesh=mesh,
                      in_specs=P("x", "y"), out_specs=P("x", "y"))
    assert g(a).tolist() == [[0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1, 1],
                             [16, 17, 18, 19, 21, 22, 23, 24], [24, 25, 26, 27, 29, 30, 31, 32]]
    # a dimension split over two mesh axes, either order, and back
    for spec in (P(("x", "y")), P(("y", "x"))):
        h = jax.shard_map(lambda b: b * 2, mesh=mesh, in_specs=spec, out_specs=spec)
        close(h(jnp.arange(8.0)), 2 * np.arange(8.0))
    # the block each device sees: (y, x) order makes y the major axis
    k = jax.shard_map(lambda b: lax.axis_index(("y", "x")) + 0 * b, mesh=mesh,
                      in_specs=P(("y", "x")), out_specs=P(("y", "x")))
    assert k(jnp.arange(4.0)).tolist() == [0, 1, 2, 3]
    gathered = jax.shard_map(lambda b: lax.all_gather(b, ("y", "x"), tiled=True), mesh=mesh,
                             in_specs=P(("y", "x")), out_specs=P(("y", "x")))
    close(gathered(jnp.arange(8.0)), np.tile(np.arange(8.0), 4))
    s = jax.jit(jax.shard_map(lambda b: lax.psum_scatter(b, "x", tiled=True), mesh=mesh,
                              in_specs=P(), out_specs=P("x")))
    close(s(jnp.arange(8.0)), 2 * np.arange(8.0))


def test_shard_map_matmul_under_jit_and_grad_equals_unsharded(cpu_devices):
    mesh = auto_mesh()
    f = jax.jit(jax.shard_map(lambda a, b: lax.psum(a @ b, "y"), mesh=mesh,
                              in_specs=(P("x", "y"), P("y", None)), out_specs=P("x", None)))
    A = jnp.arange(32.0).reshape(4, 8) / 10
    B = jnp.arange(24.0).reshape(8, 3) / 7
    close(f(A, B), np.asarray(A) @ np.asarray(B))
    close(jax.grad(lambda A: f(A, B).sum())(A), jax.grad(lambda A: (A @ B).sum())(A))
    close(jax.grad(lambda B: jnp.sin(f(A, B)).sum())(B),
          jax.grad(lambda B: jnp.sin(A @ B).sum())(B), 1e-4)


def test_shard_map_forms(cpu_devices):
    mesh = auto_mesh()
    with jax.set_mesh(mesh):
        out = jax.shard_map(lambda b: lax.pmax(b, "x"), in_specs=P("x"), out_specs=P())(
            jnp.arange(4.0))
    assert out.tolist() == [2.0, 3.0]
    out = experimental_shard_map(lambda b: b + 1, mesh=mesh, in_specs=P("x"),
                                 out_specs=P("x"))(jnp.arange(4.0))
    assert out.tolist() == [1.0, 2.0, 3.0, 4.0]
    # check_vma=False: an output varying along an unnamed axis keeps device 0's block
    out = jax.shard_map(lambda b: b, mesh=mesh, in_specs=P("x"), out_specs=P(),
                        check_vma=False)(jnp.arange(8.0))
    assert out.tolist() == [0.0, 1.0, 2.0, 3.0]
    # pytrees of specs, as prefixes
    out = jax.shard_map(lambda d: {"s": lax.psum(d["a"].sum() + d["b"].sum(), ("x", "y"))},
                        mesh=mesh, in_specs=({"a": P("x"), "b": P()},),
                        out_specs={"s": P()})({"a": jnp.arange(4.0), "b": jnp.ones(2)})
    assert float(out["s"]) == 6.0 * 2 + 2 * 4


def test_shard_map_errors(cpu_devices):
    mesh = auto_mesh()
    with pytest.raises(ValueError, match="do not name the mesh axis 'x'"):
        jax.shard_map(lambda b: b, mesh=mesh, in_specs=P("x"), out_specs=P())(jnp.arange(8.0))
    with pytest.raises(ValueError, match="not divisible"):
        jax.shard_map(lambda b: b, mesh=mesh, in_specs=P("x"), out_specs=P("x"))(
            jnp.arange(3.0))
    with pytest.raises(ValueError, match="Resource axis: z"):
        jax.shard_map(lambda b: b, mesh=mesh, in_specs=P("z"), out_specs=P("z"))(
            jnp.arange(4.0))
    with pytest.raises(ValueError, match="requires a mesh"):
        jax.shard_map(lambda b: b, in_specs=P("x"), out_specs=P("x"))(jnp.arange(4.0))


def test_shard_map_gradients_of_replicated_values_are_summed_as_in_jax(cpu_devices):
    # Recorded from JAX 0.10.2: inside shard_map (check_vma=True), the gradient with respect
    # to a value the same on every device of an axis is summed over that axis, and psum's
    # cotangent is copied back to every device.
    mesh = auto_mesh()
    x, w = jnp.arange(8.0), jnp.array([1.0, 2.0])
    loss = lambda w, x: (w[0] * x).sum() + w[1]
    f = jax.shard_map(lambda w, x: jax.grad(loss)(w, x), mesh=mesh, in_specs=(P(), P("x")),
                      out_specs=P())
    assert f(w, x).tolist() == [28.0, 2.0]
    f = jax.shard_map(lambda w, x: jax.grad(loss)(w, x), mesh=mesh,
                      in_specs=(P(), P(("x", "y"))), out_specs=P())
    assert f(w, x).tolist() == [28.0, 4.0]
    f = jax.shard_map(lambda x: jax.grad(lambda x: lax.psum(x * x, "x").sum())(x), mesh=mesh,
                      in_specs=P("x"), out_specs=P("x"))
    assert f(jnp.arange(4.0)).tolist() == [0.0, 2.0, 4.0, 6.0]
    f = jax.shard_map(lambda x: jax.grad(lambda x: lax.pmean(jnp.sin(x), ("x", "y")).sum())(x),
                      mesh=mesh, in_specs=P(("x", "y")), out_specs=P(("x", "y")))
    close(f(jnp.arange(8.0)), np.cos(np.arange(8.0)) / 4)
    f = jax.shard_map(lambda w, x: jax.vjp(lambda w: w * x, w)[1](x)[0], mesh=mesh,
                      in_specs=(P(), P("x")), out_specs=P())
    assert f(jnp.ones(4), jnp.arange(8.0)).tolist() == [16.0, 26.0, 40.0, 58.0]
    # check_vma=False: each device keeps its own gradient (device 0's comes out)
    f = jax.shard_map(lambda w, x: jax.grad(lambda w: (w * x).sum())(w), mesh=mesh,
                      in_specs=(P(), P("x")), out_specs=P(), check_vma=False)
    assert f(jnp.ones(4), jnp.arange(8.0)).tolist() == [0.0, 1.0, 2.0, 3.0]
    # vmap keeps its own semantics: psum transposes to psum, no sum over lanes
    g = jax.vmap(jax.grad(lambda v: lax.psum(v * v, "i")), axis_name="i")(jnp.arange(3.0))
    assert g.tolist() == [0.0, 6.0, 12.0]
