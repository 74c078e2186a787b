"""Sorting and searching (lax.sort/sort_key_val/top_k, jnp.sort/argsort/lexsort/partition/
argpartition/searchsorted/sort_complex) through the op table; tie conventions against
JAX's recorded values are in test_ops_windows.py."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from op_table import Arg, Op, check_op, op_id

F = Arg((3, 6))
TIED = Arg((3, 6), "int32", "int", 0, 3)  # small integers: many ties
UNSORTED = np.array([0.5, -1., 2., 0., 1.5, -2.], np.float32)
SORTER = np.argsort(UNSORTED)


def _stable_desc(x, axis=-1):
    return np.flip(np.flip(x, axis).argsort(axis=axis, kind="stable"), axis)


def _argsort_desc(x, axis=-1):
    n = x.shape[axis]
    return n - 1 - _stable_desc(x, axis)


def _top_k(x, k):
    idx = np.argsort(-x.astype(np.float64), axis=-1, kind="stable")[..., :k].astype(np.int32)
    return [np.take_along_axis(x, idx, -1), idx]


def _partition(x, kth):
    s = np.sort(x, axis=-1)
    return np.concatenate([s[..., :kth + 1], s[..., kth + 1:][..., ::-1]], axis=-1)


def _argpartition(x, kth):
    order = np.argsort(x, axis=-1, kind="stable")
    bottom = order[..., :kth + 1]
    rest = np.sort(order[..., kth + 1:], axis=-1)
    return np.concatenate([bottom, rest], axis=-1).astype(np.int32)


def _lexsort_ref(*keys):
    return np.lexsort(keys).astype(np.int32)


def _sorted_row(rng):
    return np.sort(rng.uniform(-2, 2, 8)).astype(np.float32)


OPS = [
    Op("lax.sort", lax.sort, lambda x: np.sort(x, -1), (F,), diff=(0,)),
    Op("lax.sort dimension=0", lambda x: lax.sort(x, dimension=0), lambda x: np.sort(x, 0), (F,),
       diff=(0,)),
    Op("lax.sort int", lax.sort, lambda x: np.sort(x, -1), (TIED,)),
    Op("lax.sort (keys, values)", lambda k, v: lax.sort((k, v), num_keys=1),
       lambda k, v: [np.take_along_axis(a, np.argsort(k, -1, kind="stable"), -1) for a in (k, v)],
       (TIED, F), diff=(1,)),
    Op("lax.sort num_keys=2", lambda k1, k2, v: lax.sort((k1, k2, v), dimension=0, num_keys=2),
       lambda k1, k2, v: [np.take_along_axis(a, np.lexsort((k2, k1), axis=0), 0)
                          for a in (k1, k2, v)],
       (TIED, TIED, F), diff=(2,)),
    Op("lax.sort float keys", lambda k, v: lax.sort([k, v], num_keys=2),
       lambda k, v: [np.take_along_axis(a, np.argsort(k, -1), -1) for a in (k, v)], (F, F),
       diff=(0, 1)),
    Op("lax.sort_key_val", lax.sort_key_val,
       lambda k, v: [np.take_along_axis(a, np.argsort(k, -1, kind="stable"), -1) for a in (k, v)],
       (F, F), diff=(0, 1)),
    Op("lax.top_k", lambda x: lax.top_k(x, 3), lambda x: _top_k(x, 3), (F,), diff=(0,)),
    Op("lax.top_k axis=0 ties", lambda x: lax.top_k(x, 2, axis=0),
       lambda x: [np.swapaxes(a, 0, -1) for a in _top_k(np.swapaxes(x, 0, -1), 2)], (TIED,)),
    Op("lax.approx_max_k", lambda x: lax.approx_max_k(x, 2), lambda x: _top_k(x, 2), (F,),
       diff=(0,)),
    Op("lax.approx_min_k axis 0", lambda x: lax.approx_min_k(x, 2, reduction_dimension=0),
       lambda x: [np.swapaxes(-a if i == 0 else a, 0, -1)
                  for i, a in enumerate(_top_k(-np.swapaxes(x, 0, -1), 2))], (F,), diff=(0,)),
    Op("jnp.sort", jnp.sort, np.sort, (F,), diff=(0,)),
    Op("jnp.sort axis=None", lambda x: jnp.sort(x, axis=None), lambda x: np.sort(x, axis=None),
       (F,), diff=(0,)),
    Op("jnp.sort descending", lambda x: jnp.sort(x, axis=0, descending=True),
       lambda x: np.sort(x, axis=0)[::-1], (F,), diff=(0,)),
    Op("jnp.argsort", jnp.argsort, lambda x: np.argsort(x, kind="stable").astype(np.int32),
       (TIED,)),
    Op("jnp.argsort axis=0 floats", lambda x: jnp.argsort(x, axis=0),
       lambda x: np.argsort(x, axis=0).astype(np.int32), (F,)),
    Op("jnp.argsort descending", lambda x: jnp.argsort(x, descending=True),
       lambda x: _argsort_desc(x).astype(np.int32), (TIED,)),
    Op("jnp.argsort dtype", lambda x: jnp.argsort(x, axis=None, dtype=jnp.int16),
       lambda x: np.argsort(x, axis=None, kind="stable").astype(np.int16), (TIED,)),
    Op("jnp.lexsort", lambda a, b: jnp.lexsort((a, b)), _lexsort_ref, (TIED, TIED)),
    Op("jnp.lexsort axis=0", lambda a, b: jnp.lexsort([a, b], axis=0),
       lambda a, b: np.lexsort((a, b), axis=0).astype(np.int32), (TIED, F)),
    Op("jnp.partition", lambda x: jnp.partition(x, 2), lambda x: _partition(x, 2), (F,),
       diff=(0,)),
    Op("jnp.partition axis=0", lambda x: jnp.partition(x, -1, axis=0),
       lambda x: np.swapaxes(_partition(np.swapaxes(x, 0, -1), 2), 0, -1), (F,), diff=(0,)),
    Op("jnp.partition uint8", lambda x: jnp.partition(x, 3), lambda x: _partition(x, 3),
       (Arg((3, 6), "uint8", "int", 0, 4),)),
    Op("jnp.argpartition", lambda x: jnp.argpartition(x, 2), lambda x: _argpartition(x, 2),
       (TIED,)),
    Op("jnp.searchsorted", jnp.searchsorted,
       lambda a, v: np.searchsorted(a, v).astype(np.int32),
       (Arg(kind="custom", gen=_sorted_row), F)),
    Op("jnp.searchsorted right", lambda a, v: jnp.searchsorted(a, v, side="right"),
       lambda a, v: np.searchsorted(a, v, side="right").astype(np.int32),
       (Arg((5,), "int32", "int", 0, 1), TIED)),
    Op("jnp.searchsorted sorter", lambda v: jnp.searchsorted(UNSORTED, v, sorter=SORTER),
       lambda v: np.searchsorted(UNSORTED, v, sorter=SORTER).astype(np.int32), (F,)),
    Op("jnp.sort_complex", jnp.sort_complex, np.sort_complex, (F,)),
    Op("x.sort()", lambda x: x.sort(axis=0), lambda x: np.sort(x, axis=0), (F,), diff=(0,)),
    Op("x.argsort()", lambda x: x.argsort(), lambda x: np.argsort(x, kind="stable")
       .astype(np.int32), (TIED,)),
    Op("x.searchsorted()", lambda a, v: a.searchsorted(v, side="right"),
       lambda a, v: np.searchsorted(a, v, side="right").astype(np.int32),
       (Arg(kind="custom", gen=_sorted_row), F)),
]


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)


def test_index_dtypes_follow_jax(x64):
    x = jnp.arange(3.0)
    assert jnp.argsort(x).dtype == jnp.int64
    assert jnp.lexsort([x]).dtype == jnp.int64
    assert lax.top_k(x, 1)[1].dtype == jnp.int32
    assert jnp.searchsorted(x, 1.0).dtype == jnp.int32


def test_sort_gradient_through_jit_and_vmap():
    x = jnp.asarray(np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32))
    weights = jnp.arange(5.0)
    f = lambda row: jnp.sort(row) @ weights
    g = jaxlite.jit(jaxlite.vmap(jaxlite.grad(f)))(x)
    for i in range(4):
        order = np.argsort(np.asarray(x[i]))
        want = np.zeros(5, np.float32)
        want[order] = np.arange(5.0)
        np.testing.assert_array_equal(g[i], want)


def test_top_k_of_batched_rows_and_errors():
    x = jnp.asarray(np.random.default_rng(1).normal(size=(3, 7)).astype(np.float32))
    values, indices = jaxlite.vmap(lambda r: lax.top_k(r, 2))(x)
    np.testing.assert_array_equal(values, np.take_along_axis(np.asarray(x), np.asarray(indices),
                                                             axis=1))
    with pytest.raises(ValueError, match="k"):
        lax.top_k(x, 9)
    with pytest.raises(ValueError, match="num_keys"):
        lax.sort(x, num_keys=2)
    with pytest.raises(TypeError, match="kind"):
        jnp.sort(x, kind="quicksort")
    with pytest.raises(ValueError, match="1-dimensional"):
        jnp.searchsorted(x, 0.0)
    with pytest.raises(ValueError, match="floating"):
        lax.approx_max_k(jnp.arange(3), 1)


def test_approx_min_k_ties_take_the_lower_index():
    values, indices = lax.approx_min_k(jnp.array([[3., 1., 3., 2., 1., 5.]]), 3)
    np.testing.assert_array_equal(values, [[1., 1., 2.]])
    np.testing.assert_array_equal(indices, [[1, 4, 3]])
