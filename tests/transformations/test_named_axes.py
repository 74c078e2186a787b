"""Collectives over named axes bound by vmap(axis_name=...).

Each collective is compared with the same computation written without named axes
(psum over a vmapped axis == sum, all_gather == stack, ...), under jit and grad, and
with values recorded from JAX 0.10.2 (`vmap(f, axis_name="i")` on this machine)."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax


def vm(f, **kw):
    return jax.vmap(f, axis_name="i", **kw)


X = np.arange(12.0, dtype=np.float32).reshape(3, 4)


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


# ---- identities ----------------------------------------------------------------------------
def test_psum_pmean_pmax_pmin_are_reductions_over_the_lanes():
    close(vm(lambda x: lax.psum(x, "i"))(X), np.broadcast_to(X.sum(0), X.shape))
    close(vm(lambda x: lax.pmean(x, "i"))(X), np.broadcast_to(X.mean(0), X.shape))
    close(vm(lambda x: lax.pmax(x, "i"))(X), np.broadcast_to(X.max(0), X.shape))
    close(vm(lambda x: lax.pmin(x, "i"))(X), np.broadcast_to(X.min(0), X.shape))


def test_psum_of_an_unmapped_value_multiplies_by_the_axis_size():
    out = vm(lambda x: lax.psum(1, "i"))(X)
    assert out.dtype == np.int32 and out.tolist() == [3, 3, 3]
    assert vm(lambda x: lax.axis_size("i"))(X).tolist() == [3, 3, 3]
    # pmean of integers is a float, as in JAX
    close(vm(lambda x: lax.pmean(x, "i"))(jnp.arange(3)), [1.0, 1.0, 1.0])


def test_psum_takes_pytrees():
    out = vm(lambda t: lax.psum(t, "i"))({"a": X, "b": X[:, 0]})
    close(out["a"], np.broadcast_to(X.sum(0), X.shape))
    close(out["b"], np.broadcast_to(X[:, 0].sum(), (3,)))


def test_all_gather_is_stack_and_tiled_is_concatenate():
    close(vm(lambda x: lax.all_gather(x, "i"))(X), np.broadcast_to(X, (3, 3, 4)))
    gathered = vm(lambda x: lax.all_gather(x, "i", axis=1))(X)
    close(gathered, np.broadcast_to(X.T, (3, 4, 3)))
    tiled = vm(lambda x: lax.all_gather(x, "i", tiled=True))(X)
    close(tiled, np.broadcast_to(X.reshape(-1), (3, 12)))


def test_psum_scatter_is_a_block_of_the_sum():
    x = np.arange(27.0, dtype=np.float32).reshape(3, 3, 3)
    total = x.sum(0)
    close(vm(lambda v: lax.psum_scatter(v, "i"))(x), total)              # lane l keeps row l
    close(vm(lambda v: lax.psum_scatter(v, "i", scatter_dimension=1))(x), total.T)
    y = np.arange(36.0, dtype=np.float32).reshape(3, 12)
    close(vm(lambda v: lax.psum_scatter(v, "i", tiled=True))(y), y.sum(0).reshape(3, 4))


def test_axis_index_and_ppermute():
    assert vm(lambda x: lax.axis_index("i"))(X).tolist() == [0, 1, 2]
    shift = [(0, 1), (1, 2), (2, 0)]
    close(vm(lambda x: lax.ppermute(x, "i", shift))(X), np.roll(X, 1, axis=0))
    # lanes that receive nothing get zeros
    close(vm(lambda x: lax.ppermute(x, "i", [(0, 2)]))(X), [np.zeros(4), np.zeros(4), X[0]])
    close(vm(lambda x: lax.pshuffle(x, "i", [2, 0, 1]))(X), X[[2, 0, 1]])


def test_all_to_all_is_a_transpose_of_lanes_and_chunks():
    x = np.arange(27.0, dtype=np.float32).reshape(3, 3, 3)
    close(vm(lambda v: lax.all_to_all(v, "i", 0, 0))(x), x.transpose(1, 0, 2))
    y = np.arange(18.0, dtype=np.float32).reshape(3, 6)
    tiled = vm(lambda v: lax.all_to_all(v, "i", 0, 0, tiled=True))(y)
    close(tiled, y.reshape(3, 3, 2).transpose(1, 0, 2).reshape(3, 6))


def test_pswapaxes_swaps_the_named_axis_with_an_array_axis():
    x = np.arange(2 * 2 * 3.0, dtype=np.float32).reshape(2, 2, 3)
    got = vm(lambda v: lax.pswapaxes(v, "i", 0))(x)
    close(got, x.transpose(1, 0, 2))  # JAX 0.10.2: [[[0,1,2],[6,7,8]],[[3,4,5],[9,10,11]]]
    close(got[0], np.array([[0, 1, 2], [6, 7, 8]], np.float32))


def test_pbroadcast_sends_one_lane_to_all():
    close(vm(lambda x: lax.pbroadcast(x, "i", 1))(X), np.broadcast_to(X[1], X.shape))
    # pcast changes JAX's varying type only: the values pass through
    close(vm(lambda x: lax.pcast(x, "i", to="varying"))(X), X)


# ---- values recorded from JAX 0.10.2 ---------------------------------------------------------
def test_values_from_jax():
    x3 = jnp.arange(3.0)
    assert vm(lambda v: lax.all_to_all(v, "i", 0, 1))(
        jnp.arange(18.0).reshape(3, 3, 2)).tolist() == [
        [[0, 6, 12], [1, 7, 13]], [[2, 8, 14], [3, 9, 15]], [[4, 10, 16], [5, 11, 17]]]
    assert vm(lambda v: lax.all_to_all(v, "i", 0, 1, tiled=True))(
        jnp.arange(18.0).reshape(3, 3, 2)).tolist() == [
        [[0, 1, 6, 7, 12, 13]], [[2, 3, 8, 9, 14, 15]], [[4, 5, 10, 11, 16, 17]]]
    assert vm(lambda v: lax.psum_scatter(v, "i", tiled=True))(
        jnp.arange(18.0).reshape(3, 6)).tolist() == [[18, 21], [24, 27], [30, 33]]
    assert vm(jax.grad(lambda v: lax.psum(v, "i")))(x3).tolist() == [3, 3, 3]
    assert vm(jax.grad(lambda v: lax.psum(v * v, "i")))(x3).tolist() == [0, 6, 12]
    assert vm(jax.grad(lambda v: lax.all_gather(v, "i").sum() * v))(x3).tolist() == [6, 6, 6]
    g = jax.grad(lambda x: (vm(lambda v: lax.all_gather(v, "i") * v)(x) ** 2).sum())(x3)
    assert g.tolist() == [0, 20, 40]


# ---- nested and multiple axis names ----------------------------------------------------------
Y = np.arange(6.0, dtype=np.float32).reshape(2, 3)


def nested(f):
    return jax.vmap(jax.vmap(f, axis_name="j"), axis_name="i")


def test_nested_axis_names_and_tuples():
    close(nested(lambda v: lax.psum(v, ("i", "j")))(Y), np.full((2, 3), 15.0))
    close(nested(lambda v: lax.psum(v, "i"))(Y), np.broadcast_to(Y.sum(0), Y.shape))
    close(nested(lambda v: lax.psum(v, "j"))(Y), np.broadcast_to(Y.sum(1)[:, None], Y.shape))
    assert nested(lambda v: lax.axis_index(("i", "j")))(Y).tolist() == [[0, 1, 2], [3, 4, 5]]
    assert nested(lambda v: lax.axis_index("i"))(Y).tolist() == [[0, 0, 0], [1, 1, 1]]
    close(nested(lambda v: lax.all_gather(v, ("i", "j")))(Y),
          np.broadcast_to(Y.reshape(-1), (2, 3, 6)))
    close(nested(lambda v: lax.all_gather(v, ("j", "i")))(Y),
          np.broadcast_to(Y.T.reshape(-1), (2, 3, 6)))
    z = np.arange(36.0, dtype=np.float32).reshape(2, 3, 6)
    out = nested(lambda v: lax.psum_scatter(v, ("i", "j"), tiled=True))(z)
    close(out.reshape(6), z.sum((0, 1)))
    out = nested(lambda v: lax.psum_scatter(v, ("i", "j")))(z)
    close(out.reshape(6), z.sum((0, 1)))


def test_inner_unnamed_vmap_is_data_to_an_outer_collective():
    out = vm(jax.vmap(lambda v: lax.psum(v, "i")))(X)          # inner axis is unnamed
    close(out, np.broadcast_to(X.sum(0), X.shape))
    out = vm(jax.vmap(lambda v: lax.all_gather(v, "i")))(X)
    close(out, np.broadcast_to(X.T[:, None, :], (4, 3, 3)).transpose(1, 0, 2)[:, :, :]
          .reshape(3, 4, 3))
    out = vm(jax.vmap(lambda v: lax.ppermute(v, "i", [(0, 1), (1, 2), (2, 0)])))(X)
    close(out, np.roll(X, 1, axis=0))


# ---- jit, grad -------------------------------------------------------------------------------
def test_jit_inside_and_outside_equals_eager():
    f = lambda x: lax.psum(x * 2.0, "i") + lax.all_gather(x, "i").sum(0)
    eager = vm(f)(X)
    close(vm(jax.jit(f))(X), eager)
    close(jax.jit(vm(f))(X), eager)
    # a jitted function whose inputs are not mapped still meets the axis
    close(vm(lambda x: jax.jit(lambda c: lax.psum(c, "i"))(2.0) * x)(X), 6 * X)


def test_jit_retraces_for_another_axis_size():
    f = jax.jit(lambda x: lax.psum(x, "i"))
    close(vm(f)(X), np.broadcast_to(X.sum(0), X.shape))
    close(vm(f)(X[:2]), np.broadcast_to(X[:2].sum(0), X[:2].shape))


@pytest.mark.parametrize("name", ["psum", "all_gather", "psum_scatter", "all_to_all",
                                  "ppermute", "pbroadcast"])
def test_grad_through_collectives_matches_finite_differences(name):
    ops = {
        "psum": lambda v: lax.psum(v, "i"),
        "all_gather": lambda v: lax.all_gather(v, "i", tiled=True),
        "psum_scatter": lambda v: lax.psum_scatter(v, "i", tiled=True),
        "all_to_all": lambda v: lax.all_to_all(v, "i", 0, 0, tiled=True),
        "ppermute": lambda v: lax.ppermute(v, "i", [(0, 1), (1, 2)]),
        "pbroadcast": lambda v: lax.pbroadcast(v, "i", 2),
    }
    op = ops[name]
    with jax.enable_x64():
        x = jnp.asarray(np.linspace(-1.0, 1.0, 18).reshape(3, 6))
        shape = vm(op)(x).shape
        w = np.linspace(0.5, 2.0, int(np.prod(shape))).reshape(shape)
        loss = lambda x: jnp.sum(jnp.sin(vm(op)(x)) * w)
        g = jax.grad(loss)(x)
        eps = 1e-6
        fd = np.zeros((3, 6))
        for k in np.ndindex(3, 6):
            e = np.zeros((3, 6))
            e[k] = eps
            fd[k] = (loss(x + e) - loss(x - e)) / (2 * eps)
        close(g, fd, 1e-6)
        # forward mode (jvp rules) agrees with reverse mode (transpose rules)
        close(jax.jacfwd(loss)(x), g, 1e-10)
        close(jax.jit(jax.grad(loss))(x), g, 1e-10)


def test_pmax_has_no_derivative_as_in_jax():
    with pytest.raises(NotImplementedError):
        vm(jax.grad(lambda v: lax.pmax(v, "i")))(jnp.arange(3.0))


# ---- errors ---------------------------------------------------------------------------------
def test_unbound_axis_names_raise_jax_name_error():
    with pytest.raises(NameError, match="^unbound axis name: j$"):
        lax.psum(jnp.ones(2), "j")
    with pytest.raises(NameError, match="Found an unbound axis name: j. To fix this, please "
                                        "call psum under `jax.shard_map`."):
        vm(lambda v: lax.psum(v, "j"))(jnp.ones(2))
    with pytest.raises(NameError, match="Found an unbound axis name: j"):
        jax.jit(lambda v: lax.psum(v, "j"))(jnp.ones(2))
    with pytest.raises(NameError, match="unbound axis name: k"):
        lax.axis_index("k")


def test_bad_shapes_raise_value_errors():
    with pytest.raises(ValueError, match="all_to_all requires the size"):
        vm(lambda v: lax.all_to_all(v, "i", 0, 0))(jnp.ones((3, 6)))
    with pytest.raises(ValueError, match="unique"):
        vm(lambda v: lax.ppermute(v, "i", [(0, 1), (0, 2)]))(jnp.ones(3))
    with pytest.raises(ValueError, match="divisible"):
        vm(lambda v: lax.psum_scatter(v, "i", tiled=True))(jnp.ones((3, 4)))
