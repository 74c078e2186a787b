"""Tests for vmap: in_axes/out_axes specs, axis_size, nesting, agreement with a
Python loop over many jax.numpy / lax functions, and composition with grad/jit."""
import zlib

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax, vmap, grad, jit, jacfwd, jacrev, core
from jaxlite.interpreters import ad


A = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
V = np.arange(3.0, dtype=np.float32)


def test_vmap_basic():
    out = vmap(lambda x: x * 2)(jnp.asarray(V))
    np.testing.assert_array_equal(out, V * 2)
    assert out.shape == (3,) and out.dtype == np.float32


def test_vmap_of_scalar_function_over_matrix_rows():
    out = vmap(jnp.sum)(jnp.asarray(A[0]))
    np.testing.assert_array_equal(out, A[0].sum(1))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2, -3])
def test_in_axes_int_and_negative(axis):
    out = vmap(jnp.sum, in_axes=axis)(jnp.asarray(A))
    expected = np.moveaxis(A, axis, 0).reshape(A.shape[axis], -1).sum(1)
    np.testing.assert_array_equal(out, expected)


def test_in_axes_none_broadcasts_argument():
    x, y = jnp.asarray(A[0]), jnp.array([10.0, 20.0, 30.0, 40.0])
    out = vmap(lambda row, y: row + y, in_axes=(0, None))(x, y)
    np.testing.assert_array_equal(out, A[0] + np.array([10.0, 20.0, 30.0, 40.0]))
    out = vmap(lambda y, col: y * col, in_axes=(None, 1))(2.0, x)
    np.testing.assert_array_equal(out, 2 * A[0].T)


def test_in_axes_list_same_as_tuple():
    out = vmap(lambda a, b: a * b, in_axes=[0, None])(jnp.asarray(V), 3.0)
    np.testing.assert_array_equal(out, V * 3)


def test_in_axes_pytrees():
    p = {"a": jnp.asarray(V), "b": 2.0}
    out = vmap(lambda p: p["a"] * p["b"], in_axes=({"a": 0, "b": None},))(p)
    np.testing.assert_array_equal(out, V * 2)
    # a tuple spec as a prefix of a tuple argument
    t = (jnp.ones((3, 2)), jnp.arange(6.0).reshape(2, 3))
    out = vmap(lambda t: t[0] + t[1], in_axes=((0, 1),))(t)
    np.testing.assert_array_equal(out, np.ones((3, 2)) + np.arange(6.0).reshape(2, 3).T)
    # a single int applies to every leaf of the pytree
    out = vmap(lambda d: d["x"] - d["y"])({"x": jnp.asarray(A[0]), "y": jnp.ones((3, 4))})
    np.testing.assert_array_equal(out, A[0] - 1)


def test_kwargs_are_mapped_over_axis_0():
    out = vmap(lambda x, y=1.0: x * y)(jnp.asarray(V), y=jnp.asarray(V))
    np.testing.assert_array_equal(out, V * V)


@pytest.mark.parametrize("out_axis", [0, 1, -1])
def test_out_axes(out_axis):
    out = vmap(lambda x: x * 2, out_axes=out_axis)(jnp.asarray(A))
    np.testing.assert_array_equal(out, np.moveaxis(A * 2, 0, out_axis))


def test_out_axes_pytree_and_none():
    x = jnp.asarray(A[0])
    a, b = vmap(lambda r: (r, r + 1), out_axes=(0, 1))(x)
    np.testing.assert_array_equal(a, A[0])
    np.testing.assert_array_equal(b, (A[0] + 1).T)
    mapped, unmapped = vmap(lambda x: (x, 3.0 * jnp.ones(2)), out_axes=(0, None))(jnp.asarray(V))
    np.testing.assert_array_equal(mapped, V)
    np.testing.assert_array_equal(unmapped, [3.0, 3.0])
    d = vmap(lambda x: {"s": x.sum(), "r": x}, out_axes={"s": 0, "r": 1})(x)
    np.testing.assert_array_equal(d["s"], A[0].sum(1))
    np.testing.assert_array_equal(d["r"], A[0].T)


def test_mapped_output_with_axis_none_names_its_path_as_jax():
    # JAX's messages, word for word
    def f(x, b):
        return {"a": x * 2, "broadcast": b + x}

    with pytest.raises(ValueError, match=r"^at vmap out_axes\['broadcast'\], got axis spec "
                                         r"None but output was batched on axis 0$"):
        vmap(f, in_axes=(0, None), out_axes={"a": 0, "broadcast": None})(jnp.ones(3), 1.0)
    with pytest.raises(ValueError, match=r"^at vmap out_axes\['a'\]\[0\], got axis spec"):
        vmap(lambda x: {"a": [x]}, out_axes=None)(jnp.ones(3))
    with pytest.raises(ValueError, match=r"^at vmap out_axes, got axis spec None but output "
                                         r"was batched on axis 1$"):
        vmap(lambda x: x, in_axes=1, out_axes=None)(jnp.ones((2, 3)))


def test_unmapped_outputs_are_broadcast():
    out = vmap(lambda x: 1.0)(jnp.asarray(V))
    np.testing.assert_array_equal(out, [1.0, 1.0, 1.0])
    out = vmap(lambda x, y: y, in_axes=(0, None))(jnp.asarray(V), jnp.array([1.0, 2.0]))
    assert out.shape == (3, 2)
    np.testing.assert_array_equal(out, np.tile([1.0, 2.0], (3, 1)))


def test_axis_size():
    out = vmap(lambda: jnp.ones(2), axis_size=3)()
    np.testing.assert_array_equal(out, np.ones((3, 2)))
    out = vmap(lambda x: x + 1, in_axes=None, axis_size=2)(jnp.asarray(V))
    np.testing.assert_array_equal(out, np.stack([V + 1, V + 1]))


def test_nested_vmap_outer_product():
    x, y = jnp.asarray(V), jnp.arange(2.0)
    out = vmap(vmap(lambda a, b: a * b, in_axes=(0, None)), in_axes=(None, 0))(x, y)
    np.testing.assert_array_equal(out, np.outer(np.arange(2.0), V))


def test_nested_vmap_different_axes():
    out = vmap(vmap(jnp.dot, in_axes=(1, None)), in_axes=(0, None))(jnp.asarray(A), jnp.asarray(V))
    np.testing.assert_array_equal(out, np.einsum("bjk,j->bk", A, V))
    out = vmap(vmap(lambda x: x ** 2, in_axes=1, out_axes=1), in_axes=2, out_axes=0)(jnp.asarray(A))
    np.testing.assert_array_equal(out, np.moveaxis(A ** 2, 2, 0))


def test_vmap_matrix_vector_products():
    M = jnp.asarray(A[0])
    out = vmap(jnp.dot, in_axes=(0, None))(M, jnp.ones(4))
    np.testing.assert_array_equal(out, A[0].sum(1))
    out = vmap(jnp.dot, in_axes=(None, 1))(jnp.asarray(V), M)
    np.testing.assert_array_equal(out, V @ A[0])
    out = vmap(jnp.matmul)(jnp.asarray(A), jnp.ones((2, 4, 5)))
    np.testing.assert_array_equal(out, A @ np.ones((2, 4, 5)))


def test_vmap_inside_closure_over_outer_batched_value():
    x = jnp.asarray(V)
    out = vmap(lambda a: vmap(lambda b: a * b)(x))(x)
    np.testing.assert_array_equal(out, np.outer(V, V))


# ---- vmap == Python loop -------------------------------------------------------------------------

def _loop(fn, args, in_axes, size):
    outs = []
    for i in range(size):
        sliced = [a if ax is None else np.take(a, i, axis=ax) for a, ax in zip(args, in_axes)]
        outs.append(np.asarray(fn(*[jnp.asarray(s) for s in sliced])))
    return np.stack(outs)


IDX3 = np.array([[0, 2], [1, 1], [3, 0]], np.int32)

# name: (function, argument shapes (including the batch axis) or arrays, in_axes)
LOOP_CASES = {
    "sin": (jnp.sin, [(3, 4)], (0,)),
    "exp_axis1": (jnp.exp, [(2, 3)], (1,)),
    "tanh": (jnp.tanh, [(3, 2, 2)], (0,)),
    "add_bcast": (jnp.add, [(3, 4), (4,)], (0, None)),
    "mul_both": (jnp.multiply, [(3, 4), (4, 3)], (0, 1)),
    "sub_rank_mismatch": (jnp.subtract, [(3,), (2, 3)], (0, None)),
    "div": (jnp.divide, [(3, 4), (3,)], (0, 0)),
    "maximum": (jnp.maximum, [(3, 4), (4, 3)], (0, 1)),
    "power": (lambda x, y: jnp.abs(x) ** y, [(3, 4), (3,)], (0, 0)),
    "integer_pow": (lambda x: x ** 3, [(3, 4)], (0,)),
    "where": (lambda x, y: jnp.where(x > 0, x, y), [(3, 4), (4,)], (0, None)),
    "clip": (lambda x: jnp.clip(x, -0.5, 0.5), [(3, 4)], (0,)),
    "sum": (jnp.sum, [(3, 4, 2)], (0,)),
    "sum_axis": (lambda x: jnp.sum(x, axis=1), [(3, 4, 2)], (2,)),
    "mean_keepdims": (lambda x: jnp.mean(x, axis=0, keepdims=True), [(3, 4)], (1,)),
    "max_axis": (lambda x: jnp.max(x, axis=-1), [(3, 4, 2)], (0,)),
    "min": (jnp.min, [(3, 4)], (1,)),
    "prod": (lambda x: jnp.prod(x, axis=0), [(3, 2, 4)], (0,)),
    "var": (jnp.var, [(3, 5)], (0,)),
    "argmax": (lambda x: jnp.argmax(x, axis=0), [(3, 4, 2)], (0,)),
    "argmin_flat": (jnp.argmin, [(3, 4)], (0,)),
    "any": (lambda x: jnp.any(x > 1.0, axis=0), [(3, 2, 4)], (0,)),
    "reshape": (lambda x: x.reshape(2, 2), [(3, 4)], (0,)),
    "reshape_axis1": (lambda x: jnp.ravel(x), [(2, 3, 2)], (1,)),
    "transpose": (lambda x: x.T, [(3, 2, 4)], (0,)),
    "moveaxis": (lambda x: jnp.moveaxis(x, 0, 1), [(2, 3, 4)], (1,)),
    "expand_squeeze": (lambda x: jnp.squeeze(jnp.expand_dims(x, 0), 0) + 1, [(3, 4)], (0,)),
    "broadcast_to": (lambda x: jnp.broadcast_to(x, (2, 4)), [(3, 4)], (0,)),
    "concatenate": (lambda x, y: jnp.concatenate([x, y]), [(3, 4), (2,)], (0, None)),
    "stack": (lambda x, y: jnp.stack([x, y], axis=1), [(3, 4), (4, 3)], (0, 1)),
    "flip": (lambda x: jnp.flip(x), [(3, 4)], (0,)),
    "split": (lambda x: jnp.split(x, 2)[1], [(3, 4)], (0,)),
    "pad": (lambda x: lax.pad(x, 0.0, ((1, 2, 1),)), [(3, 4)], (0,)),
    "slice": (lambda x: lax.slice(x, (1,), (4,), (2,)), [(3, 4)], (0,)),
    "getitem_int": (lambda x: x[1], [(3, 4)], (0,)),
    "getitem_slice": (lambda x: x[::2, 1:], [(3, 4, 3)], (2,)),
    "getitem_none_ellipsis": (lambda x: x[None, ..., 0], [(3, 2, 4)], (0,)),
    "getitem_batched_index": (lambda x, i: x[i], [(3, 4), np.array([0, 3, 1], np.int32)], (0, 0)),
    "getitem_unbatched_index": (lambda x, i: x[i], [(3, 4), np.array([3, 0], np.int32)], (0, None)),
    "getitem_batched_index_only": (lambda x, i: x[i], [(4,), np.array([3, 0, 2], np.int32)],
                                   (None, 0)),
    "getitem_two_arrays": (lambda x, i, j: x[i, j],
                           [(3, 3, 4), np.array([0, 2, 1], np.int32), np.array([3, 1, 0], np.int32)],
                           (0, 0, 0)),
    "getitem_separated_arrays": (lambda x, i: x[i, :, i],
                                 [(3, 2, 3, 2), np.array([0, 1, 1], np.int32)], (0, 0)),
    "getitem_index_matrix": (lambda x, i: x[i], [(3, 4), IDX3], (0, 0)),
    "take_along_axis": (lambda x, i: jnp.take_along_axis(x, i, axis=0), [(3, 4), IDX3], (0, 0)),
    "take": (lambda x: jnp.take(x, jnp.array([2, 0]), axis=1), [(3, 2, 3)], (0,)),
    "at_set": (lambda x, i: x.at[i].set(-1.0), [(3, 4), np.array([0, 3, 1], np.int32)], (0, 0)),
    "at_swap_batched_pairs": (lambda x, ij: x.at[ij].set(x[ij[::-1]]),
                              [(3, 5), np.array([[0, 4], [2, 1], [3, 3]], np.int32)], (0, 0)),
    "at_add_index_axis1_out_of_bounds": (
        lambda x, i, u: x.at[i, 1:].add(u),
        [(4, 3), np.array([[0, 2, 9], [-1, 1, 1]], np.int32), (3, 2)], (None, 1, 0)),
    "at_set_index_matrix_unbatched_x": (lambda x, i: x.at[i].set(2.0), [(4, 2), IDX3], (None, 0)),
    "at_add_batched_update": (lambda x, u: x.at[1].add(u), [(4,), (3,)], (None, 0)),
    "at_add_slice": (lambda x, u: x.at[1:3].add(u), [(3, 4), (3, 2)], (0, 0)),
    "at_mul_index": (lambda x, i: x.at[i].multiply(3.0), [(3, 4), np.array([2, 2, 0], np.int32)],
                     (0, 0)),
    "at_max_batched_update": (lambda x, u: x.at[jnp.array([0, 2])].max(u), [(4,), (3, 2)],
                              (None, 0)),
    "grad_at_set_duplicates": (grad(lambda u, x: jnp.sum(x.at[jnp.array([1, 1, 0])].set(u) * x)),
                               [(3, 3), (3,)], (0, None)),
    "grad_at_min": (grad(lambda x: jnp.sum(x.at[jnp.array([1, 1])].min(jnp.array([0.0, 0.1])))),
                    [(3, 3)], (0,)),
    "dynamic_slice": (lambda x, i: lax.dynamic_slice(x, (i,), (2,)),
                      [(3, 4), np.array([0, 2, 1], np.int32)], (0, 0)),
    "dynamic_update_slice": (lambda x, u, i: lax.dynamic_update_slice(x, u, (i,)),
                             [(3, 4), (3, 2), np.array([0, 2, 3], np.int32)], (0, 0, 0)),
    "dot_vv": (jnp.dot, [(3, 4), (4, 3)], (0, 1)),
    "dot_mv": (jnp.dot, [(2, 4), (3, 4)], (None, 0)),
    "matmul_batched_rhs": (jnp.matmul, [(2, 4), (3, 4, 2)], (None, 0)),
    "matmul_both_axis": (jnp.matmul, [(2, 3, 4), (4, 3, 2)], (1, 1)),
    "einsum": (lambda a, b: jnp.einsum("ij,jk->ik", a, b), [(3, 2, 4), (4, 2)], (0, None)),
    "outer": (jnp.outer, [(3, 2), (3, 4)], (0, 0)),
    "tensordot": (lambda a, b: jnp.tensordot(a, b, axes=1), [(3, 2, 4), (4, 3)], (0, None)),
    "diagonal": (jnp.diagonal, [(3, 4, 4)], (0,)),
    "astype": (lambda x: (x * 10).astype(jnp.int32), [(3, 4)], (0,)),
    "comparison": (lambda x, y: x < y, [(3, 4), (4,)], (0, None)),
    "logical": (lambda x: jnp.logical_and(x > 0, x < 1), [(3, 4)], (0,)),
    "floor_divide_mod": (lambda x: (x // 0.3) + (x % 0.3), [(3, 4)], (0,)),
    "select_n": (lambda i, x: lax.select_n(i, x, -x), [np.array([0, 1, 1], np.int32), (3, 2)],
                 (0, 0)),
    "iota_plus": (lambda x: x + jnp.arange(4.0), [(3, 4)], (0,)),
    "sort_free_composite": (lambda x: jnp.sum(jnp.tanh(x @ x.T)), [(3, 2, 2)], (0,)),
}


@pytest.mark.parametrize("name", sorted(LOOP_CASES))
def test_vmap_matches_python_loop(name):
    fn, specs, in_axes = LOOP_CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    args = [s if isinstance(s, np.ndarray) else rng.standard_normal(s).astype(np.float32)
            for s in specs]
    size = next(np.shape(a)[ax] for a, ax in zip(args, in_axes) if ax is not None)
    expected = _loop(fn, args, in_axes, size)
    out = vmap(fn, in_axes=in_axes)(*[jnp.asarray(a) for a in args])
    assert out.shape == expected.shape
    assert out.dtype == expected.dtype
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-6, atol=1e-6)
    # and under jit: vmap(jit(f)) and jit(vmap(f))
    out_j = vmap(jit(fn), in_axes=in_axes)(*[jnp.asarray(a) for a in args])
    np.testing.assert_allclose(np.asarray(out_j), expected, rtol=1e-6, atol=1e-6)
    out_j = jit(vmap(fn, in_axes=in_axes))(*[jnp.asarray(a) for a in args])
    np.testing.assert_allclose(np.asarray(out_j), expected, rtol=1e-6, atol=1e-6)


def test_vmap_of_scatter_with_batched_indices_is_one_scatter():
    # (a lane-by-lane loop would stage one scatter per lane: numpyro's subsampling vmaps
    # a Fisher-Yates shuffle over a million keys)
    def swap(x, ij):
        return x.at[ij].set(x[ij[::-1]])
    x = np.arange(20.0, dtype=np.float32).reshape(4, 5)
    ij = np.array([[0, 4], [1, 2], [3, 3], [4, 0]], np.int32)
    jaxpr = jaxlite.make_jaxpr(vmap(swap))(x, ij)
    assert [e.primitive.name for e in jaxpr.jaxpr.eqns].count("scatter") == 1
    out = np.asarray(vmap(swap)(x, ij))
    expected = x.copy()
    for row, (i, j) in zip(expected, ij):
        row[[i, j]] = row[[j, i]]
    np.testing.assert_array_equal(out, expected)


# ---- vmap and differentiation ------------------------------------------------------------------------

def test_vmap_of_grad():
    x = jnp.asarray(V)
    out = vmap(grad(lambda x: jnp.sin(x) * x))(x)
    np.testing.assert_allclose(out, np.cos(V) * V + np.sin(V), rtol=1e-6)


def test_grad_of_vmap():
    x = jnp.asarray(V)
    out = grad(lambda x: jnp.sum(vmap(lambda y: y ** 3)(x)))(x)
    np.testing.assert_allclose(out, 3 * V ** 2)


def test_per_example_gradients():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((2, 3)).astype(np.float32)
    xs = rng.standard_normal((5, 3)).astype(np.float32)

    def loss(W, x):
        return jnp.sum(jnp.tanh(W @ x))

    per_example = vmap(grad(loss), in_axes=(None, 0))(jnp.asarray(W), jnp.asarray(xs))
    assert per_example.shape == (5, 2, 3)
    for i in range(5):
        expected = np.outer(1 - np.tanh(W @ xs[i]) ** 2, xs[i])
        np.testing.assert_allclose(per_example[i], expected, rtol=1e-5, atol=1e-6)
    # summing the per-example gradients gives the gradient of the summed loss
    total = grad(lambda W: jnp.sum(vmap(loss, in_axes=(None, 0))(W, jnp.asarray(xs))))(jnp.asarray(W))
    np.testing.assert_allclose(per_example.sum(0), total, rtol=1e-5, atol=1e-5)


def test_vmap_of_jacobians_and_nested_transforms():
    xs = jnp.asarray(A[0, :, :3])  # (3, 3)

    def f(x):
        return jnp.sin(x) * jnp.sum(x)

    Jf = vmap(jacfwd(f))(xs)
    Jr = vmap(jacrev(f))(xs)
    assert Jf.shape == (3, 3, 3)
    for i in range(3):
        np.testing.assert_allclose(Jf[i], jacfwd(f)(xs[i]), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(Jf, Jr, rtol=1e-5, atol=1e-5)
    # grad of a function containing vmap of grad
    g = grad(lambda x: jnp.sum(vmap(grad(lambda y: y ** 3))(x)))(jnp.asarray(V))
    np.testing.assert_allclose(g, 6 * V)


def test_vmap_of_jvp_and_vjp():
    x = jnp.asarray(V)
    tangents = jnp.eye(3)
    cols = vmap(lambda t: jaxlite.jvp(lambda x: x ** 2, (x,), (t,))[1])(tangents)
    np.testing.assert_allclose(cols, np.diag(2 * V))
    _, f_vjp = jaxlite.vjp(lambda x: x ** 2, x)
    rows = vmap(lambda c: f_vjp(c)[0])(tangents)
    np.testing.assert_allclose(rows, np.diag(2 * V))


def test_vmap_passes_symbolic_zero_outputs_through():
    # As in JAX 0.10.2: an `ad.Zero` the function returns comes back unchanged, whatever
    # out_axes says (equinox's vmapped JVP rules return them; lineax's solve under
    # vmap + grad needs it).
    zero = ad.Zero(core.ShapedArray((2,), jnp.float32))
    for out_axes in (0, (0, 1), (0, None)):
        x, z = vmap(lambda x: (2 * x, zero), out_axes=out_axes)(jnp.ones(3))
        np.testing.assert_array_equal(x, [2., 2., 2.])
        assert z is zero
    assert repr(core.ShapedArray((2,), jaxlite.dtypes.float0)) == "ShapedArray(float0[2])"
    assert str(ad.Zero(core.ShapedArray((), jaxlite.dtypes.float0))) == "Zero(float0[])"


def test_vmap_of_cond_keeps_outputs_no_branch_batches_unbatched():
    # (JAX's rule, which equinox's nonbatchable checks: a counter passed through a cond on
    # an unbatched predicate stays unbatched, so out_axes=None may return it)
    def f(x, n):
        return lax.cond(n > 2, lambda x, n: (x * 2.0, n + 1), lambda x, n: (x, n), x, n)
    x, n = vmap(f, in_axes=(0, None), out_axes=(0, None))(jnp.arange(3.0), 5)
    np.testing.assert_array_equal(x, [0.0, 2.0, 4.0])
    assert int(n) == 6
    jaxpr = jaxlite.make_jaxpr(vmap(f, in_axes=(0, None)))(jnp.arange(3.0), 5)
    cond = next(e for e in jaxpr.jaxpr.eqns if e.primitive.name == "cond")
    assert [v.aval.shape for v in cond.outvars] == [(3,), ()]
    # a branch that batches the counter batches it for every branch
    def g(x, n):
        return lax.switch(n, [lambda x, n: (x, n),
                              lambda x, n: (x + 1.0, n * 0 + x.astype(jnp.int32))], x, n)
    x, n = vmap(g, in_axes=(0, None))(jnp.arange(3.0), 1)
    np.testing.assert_array_equal(n, [0, 1, 2])
