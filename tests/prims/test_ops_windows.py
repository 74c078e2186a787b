"""Windowed reductions (lax.reduce_window: sum/max/min pools and generic computations)
through the op table, and the results JAX fixes by convention (ties in pools, sorts
and cumulative extrema, conv_transpose layouts) against JAX's recorded values."""
import json
import os

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from op_table import Arg, Op, assert_close, check_op, decode_golden, op_id
from window_references import reduce_window_reference
import windows_sort_cases

F = Arg((5, 6))
GOLDEN = os.path.join(os.path.dirname(__file__), "..", "data", "windows_sort_golden.json")


def pool_row(name, init, computation, ref_op, window, strides=None, padding="VALID",
             base_dilation=None, window_dilation=None, arg=F, diff=(0,), **kw):
    def fn(x):
        return lax.reduce_window(x, init, computation, window, strides, padding, base_dilation,
                                 window_dilation)

    def ref(x):
        pads = padding
        if isinstance(padding, str):
            extent = [(w - 1) * d + 1 for w, d in zip(window, window_dilation or (1,) * x.ndim)]
            pads = lax.padtype_to_pads(x.shape, extent, strides or (1,) * x.ndim, padding)
        return reduce_window_reference(x, init, ref_op, window, strides, pads, base_dilation,
                                       window_dilation)
    return Op(name, fn, ref, (arg,), diff=diff, **kw)


OPS = [
    pool_row("max_pool 2x2/2 VALID", -jnp.inf, lax.max, np.maximum, (2, 2), (2, 2)),
    pool_row("max_pool 3x3/2 SAME", -jnp.inf, lax.max, np.maximum, (3, 3), (2, 2), "SAME"),
    pool_row("max_pool SAME_LOWER dilated", -jnp.inf, lax.max, np.maximum, (2, 2), (1, 2),
             "SAME_LOWER", window_dilation=(2, 1)),
    pool_row("max_pool base dilation", -jnp.inf, lax.max, np.maximum, (3, 2), (2, 1),
             [(1, 2), (0, -1)], base_dilation=(2, 1)),
    pool_row("max_pool NCHW", -jnp.inf, lax.max, np.maximum, (1, 1, 2, 2), (1, 1, 2, 2),
             arg=Arg((2, 3, 4, 5))),
    pool_row("max_pool 1-D", -jnp.inf, lax.max, np.maximum, (3,), (1,), "SAME", arg=Arg((7,))),
    pool_row("max_pool int32", jnp.iinfo(jnp.int32).min, lax.max, np.maximum, (2, 2), (1, 1),
             arg=Arg((4, 5), "int32", "int", -9, 9), diff=()),
    pool_row("max_pool large window (> 64 elements)", -jnp.inf, lax.max, np.maximum, (9, 8),
             (3, 2), "SAME", arg=Arg((10, 12))),
    pool_row("min_pool large window", jnp.inf, lax.min, np.minimum, (5, 14), (2, 1),
             [(2, 1), (13, 0)], arg=Arg((6, 9))),
    pool_row("min_pool 2x3 SAME", jnp.inf, lax.min, np.minimum, (2, 3), (1, 1), "SAME"),
    pool_row("min_pool window dilation", jnp.inf, lax.min, np.minimum, (2, 2), (1, 1),
             [(1, 1), (2, 0)], window_dilation=(2, 2)),
    pool_row("sum_pool 2x2 VALID", 0., lax.add, np.add, (2, 2), (1, 1)),
    pool_row("sum_pool strided SAME", 0., lax.add, np.add, (3, 2), (2, 3), "SAME"),
    pool_row("sum_pool dilations", 0., lax.add, np.add, (2, 3), (2, 1), [(1, 0), (2, -1)],
             base_dilation=(2, 1), window_dilation=(1, 2)),
    pool_row("sum_pool large window", 0., lax.add, np.add, (9, 9), (3, 2), "SAME",
             arg=Arg((10, 12))),
    pool_row("sum_pool 3-D", 0., lax.add, np.add, (2, 1, 2), (1, 1, 2), "SAME",
             arg=Arg((3, 2, 5))),
    pool_row("sum_pool int32", 0, lax.add, np.add, (2, 2), (1, 1),
             arg=Arg((4, 5), "int32", "int", -9, 9), diff=()),
    pool_row("jnp.add as computation", 0., jnp.add, np.add, (2, 2), (1, 2)),
    pool_row("generic: mul", 1., lax.mul, np.multiply, (2, 2), (1, 2), "SAME",
             arg=Arg((4, 5), kind="positive", low=0.5, high=1.5)),
    pool_row("generic: max with init 0", 0., lax.max, np.maximum, (2, 2), (1, 1)),
    pool_row("generic: add with init 1", 1., lax.add, np.add, (2, 3), (1, 1), "SAME"),
]


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)


def test_reduce_window_pytree_operands():
    x = jnp.arange(12.).reshape(3, 4)
    y = -x

    def argmax_pair(a, b):  # (value, index) reduction over pairs
        pick = a[0] >= b[0]
        return (jnp.where(pick, a[0], b[0]), jnp.where(pick, a[1], b[1]))

    values, index = lax.reduce_window((x, y), (-jnp.inf, 0.), argmax_pair, (2, 2), (1, 1),
                                      "VALID")
    np.testing.assert_array_equal(values, [[5, 6, 7], [9, 10, 11]])
    np.testing.assert_array_equal(index, [[-5, -6, -7], [-9, -10, -11]])


def test_max_pool_is_monoid_primitive_and_lowered_under_jit():
    f = lambda x: lax.reduce_window(x, -jnp.inf, lax.max, (2, 2), (2, 2), "VALID")
    jaxpr = jaxlite.make_jaxpr(jaxlite.grad(lambda x: f(x).sum()))(jnp.ones((4, 4)))
    names = [e.primitive.name for e in jaxpr.jaxpr.eqns]
    assert "reduce_window_max" in names and "select_and_scatter_add" in names


def test_max_pool_gradient_under_vmap_and_jit():
    x = jnp.asarray(np.random.default_rng(0).normal(size=(3, 6, 6)).astype(np.float32))
    pool = lambda x: lax.reduce_window(x, -jnp.inf, lax.max, (3, 3), (2, 2), "SAME")
    g = jaxlite.jit(jaxlite.vmap(jaxlite.grad(lambda x: (pool(x) ** 2).sum())))(x)
    for i in range(3):
        np.testing.assert_allclose(g[i], jaxlite.grad(lambda x: (pool(x) ** 2).sum())(x[i]),
                                   rtol=1e-6)
    # Each window's cotangent lands on one element: the pooled maxima.
    assert int(jnp.sum(g != 0)) <= 3 * 9


def test_second_derivatives_of_pools():
    x = jnp.asarray(np.random.default_rng(1).normal(size=(4, 4)))
    pool = lambda x: lax.reduce_window(x, -jnp.inf, lax.max, (2, 2), (1, 1), "VALID")
    h = jaxlite.hessian(lambda x: (pool(x) ** 2).sum())(x)
    assert h.shape == (4, 4, 4, 4)
    np.testing.assert_allclose(h, jaxlite.jacfwd(jaxlite.jacrev(lambda x: (pool(x) ** 2).sum()))(x))


def test_reduce_window_shape_tuple_matches_the_result():
    x = jnp.ones((9, 8))
    args = ((3, 2), (2, 3), ((1, 0), (2, 2)), (2, 1), (1, 3))
    out = lax.reduce_window(x, 0., lax.add, *args)
    assert out.shape == lax.reduce_window_shape_tuple(x.shape, *args) == (8, 3)


def test_reduce_window_errors():
    with pytest.raises(TypeError, match="window_dimensions"):
        lax.reduce_window(jnp.ones((3, 3)), 0., lax.add, (2,), (1,), "VALID")
    with pytest.raises(ValueError, match="tree structure"):
        lax.reduce_window(jnp.ones(3), (0., 0.), lax.add, (2,), (1,), "VALID")
    with pytest.raises(RuntimeError, match="padding"):
        lax.reduce_window(jnp.ones(3), 0., lax.add, (2,), (1,), "FULL")


with open(GOLDEN) as _f:
    _GOLDEN = json.load(_f)["cases"]


@pytest.mark.parametrize("name", sorted(windows_sort_cases.CASES))
def test_matches_jax_conventions(name):
    try:
        got = jaxlite.tree_util.tree_leaves(windows_sort_cases.CASES[name](jaxlite, jnp, lax))
    except NotImplementedError as e:  # a case jaxlite does not implement yet (complex)
        pytest.skip(str(e))
    assert_close(got, [decode_golden(entry) for entry in _GOLDEN[name]], 2e-6, 2e-6, name)


# ---- the non-overlapping fast path of select_and_{scatter,gather}_add -------------------
from jaxlite._src.prims import windows as _windows  # noqa: E402

NON_OVERLAPPING = [  # (operand shape, window, strides, padding, base dilation, window dilation)
    ((4, 6, 6, 3), (1, 2, 2, 1), (1, 2, 2, 1), ((0, 0),) * 4, (1,) * 4, (1,) * 4),
    ((2, 7, 5, 2), (1, 2, 2, 1), (1, 2, 2, 1), ((0, 0),) * 4, (1,) * 4, (1,) * 4),  # remainders
    ((7, 9), (3, 2), (3, 2), ((1, 2), (0, 1)), (1, 1), (1, 1)),                    # padding
    ((8, 9), (2, 3), (3, 4), ((-1, 0), (2, -2)), (1, 1), (1, 1)),                  # gaps, crops
    ((5, 6), (2, 2), (3, 2), ((1, 0), (0, 1)), (2, 1), (1, 1)),                    # base dilation
    ((9, 8), (2, 2), (4, 3), ((0, 1), (1, 0)), (1, 1), (3, 2)),                    # window dil.
    ((6,), (3,), (3,), ((2, 1),), (1,), (1,)),
]


def _window_case_operand(rng, shape, dtype):
    """Few distinct values, so windows tie; some -inf (all--inf windows have no winner)."""
    x = rng.integers(-2, 3, size=shape).astype(dtype)
    if np.dtype(dtype).kind == "f":
        x[rng.random(shape) < 0.15] = -np.inf
        x[rng.random(shape) < 0.15] = np.inf
    return x


@pytest.mark.parametrize("config", NON_OVERLAPPING, ids=str)
@pytest.mark.parametrize("select", ["ge", "le"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.float16])
def test_non_overlapping_fast_path_matches_general_path(config, select, dtype):
    shape, window, strides, padding, base_dilation, window_dilation = config
    params = dict(window_dimensions=window, window_strides=strides, padding=padding,
                  base_dilation=base_dilation, window_dilation=window_dilation)
    assert _windows._by_offsets(np.dtype(dtype), window, strides, window_dilation)
    rng = np.random.default_rng(len(shape) * 100 + sum(shape))
    for trial in range(5):
        x = _window_case_operand(rng, shape, dtype)
        if np.dtype(dtype).kind == "f" and trial == 4:
            x[rng.random(shape) < 0.2] = np.nan  # where NaN wins follows the general path
        out_shape = _windows._check("test", x, *_windows._window_params(params))
        s = rng.normal(size=out_shape).astype(dtype)
        t = rng.normal(size=shape).astype(dtype)
        if np.dtype(dtype).kind == "f":
            s.flat[0], t.flat[0] = np.inf, np.nan  # values move bit for bit, not multiplied
        fast = _windows._scatter_add_by_offsets(s, x, select, **params)
        general = _windows._scatter_add_by_index(s, x, select, **params)
        assert fast.shape == general.shape == x.shape and fast.dtype == general.dtype
        np.testing.assert_array_equal(fast, general)
        fast = _windows._gather_add_by_offsets(t, x, select, **params)
        general = _windows._gather_add_by_index(t, x, select, **params)
        assert fast.shape == general.shape == tuple(out_shape) and fast.dtype == general.dtype
        np.testing.assert_array_equal(fast, general)


def test_fast_path_only_for_windows_that_do_not_overlap():
    assert _windows._by_offsets(np.float32, (1, 2, 2, 1), (1, 2, 2, 1), (1,) * 4)
    assert not _windows._by_offsets(np.float32, (3, 3), (2, 2), (1, 1))   # overlap
    assert not _windows._by_offsets(np.float32, (2, 2), (2, 2), (2, 1))   # dilated: overlap
    assert not _windows._by_offsets(np.complex128, (2, 2), (2, 2), (1, 1))
    assert not _windows._by_offsets(np.float32, (9, 8), (9, 8), (1, 1))   # > 64 elements


def test_max_pool_gradient_ties_go_to_the_first_element_in_window_order():
    x = jnp.asarray(np.array([[1., 3., 3., 3.],
                              [3., 2., 3., 3.],
                              [-np.inf, -np.inf, 0., 5.],
                              [-np.inf, -np.inf, 5., 5.]], np.float32))
    pool = lambda x: lax.reduce_window(x, -jnp.inf, lax.max, (2, 2), (2, 2), "VALID")
    g = jaxlite.grad(lambda x: (pool(x) * jnp.array([[1., 2.], [3., 4.]])).sum())(x)
    np.testing.assert_array_equal(g, [[0, 1, 2, 0],
                                      [0, 0, 0, 0],
                                      [0, 0, 0, 4],   # an all -inf window has no winner
                                      [0, 0, 0, 0]])
    min_pool = lambda x: lax.reduce_window(x, jnp.inf, lax.min, (2, 2), (2, 2), "VALID")
    g = jaxlite.grad(lambda x: min_pool(-x).sum())(x)
    np.testing.assert_array_equal(g[:2], [[0, -1, -1, 0], [0, 0, 0, 0]])


@pytest.mark.parametrize("padding", ["VALID", "SAME", [(0, 0), (1, 0), (0, 1), (0, 0)]])
def test_max_pool_stride_equals_window_gradient_by_finite_differences(padding, x64):
    rng = np.random.default_rng(3)
    x = rng.permutation(2 * 7 * 5 * 3).reshape(2, 7, 5, 3).astype(np.float64) / 10  # no ties
    w = rng.normal(size=(1000,))
    pool = lambda x: lax.reduce_window(x, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), padding)

    def loss(x):
        y = pool(x).reshape(-1)
        return (y * w[:y.shape[0]]).sum()
    g = np.asarray(jaxlite.jit(jaxlite.grad(loss))(x))
    assert g.dtype == np.float64 and np.count_nonzero(g) == np.size(pool(x))
    eps = 1e-3  # distinct values 0.1 apart: a small step never changes a window's winner
    for index in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[index] += eps
        down[index] -= eps
        numeric = (float(loss(up)) - float(loss(down))) / (2 * eps)
        assert abs(g[index] - numeric) < 1e-9, (index, g[index], numeric)


OVERLAPPING = [
    ((5, 7), (3, 3), (1, 1), ((0, 0), (0, 0)), (1, 1), (1, 1)),
    ((5, 7), (3, 2), (2, 1), ((1, 1), (2, -1)), (1, 1), (1, 1)),
    ((4, 6), (2, 3), (1, 2), ((1, 0), (0, 2)), (2, 1), (1, 2)),
    ((3, 4, 5), (1, 2, 3), (2, 1, 1), ((0, 1), (0, 0), (1, 1)), (1, 1, 1), (1, 2, 1)),
    ((9, 10), (9, 8), (3, 2), ((4, 4), (3, 4)), (1, 1), (1, 1)),  # > 64 elements
    ((2, 3), (4, 4), (1, 1), ((0, 0), (0, 0)), (1, 1), (1, 1)),   # no windows at all
]


@pytest.mark.parametrize("config", NON_OVERLAPPING + OVERLAPPING, ids=str)
@pytest.mark.parametrize("kind", ["max", "min"])
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.bool_])
def test_max_min_axis_by_axis_match_window_view(config, kind, dtype):
    shape, window, strides, padding, base_dilation, window_dilation = config
    params = (window, strides, padding, base_dilation, window_dilation)
    rng = np.random.default_rng(sum(shape))
    for trial in range(3):
        x = _window_case_operand(rng, shape, np.float32)
        if trial == 2:
            x[rng.random(shape) < 0.2] = np.nan
        if dtype != np.float32:  # ties and the dtype's extremes (the identities)
            x = rng.integers(-2, 3, size=shape).astype(dtype)
            if dtype == np.int32:
                x[x == 2] = np.iinfo(np.int32).max
                x[x == -2] = np.iinfo(np.int32).min
        fill = _windows._identity(kind, x.dtype)
        want = _windows.reduce_windows(_windows.window_view(x, fill, *params), x.ndim,
                                       _windows._ufuncs[kind], x.dtype)
        got = _windows._reduce_axis_by_axis(x, kind, *params)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        assert got.base is None or got.size == 0  # never a view of the operand
