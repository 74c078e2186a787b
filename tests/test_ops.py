"""jax.ops segment reductions (expected values from JAX 0.10.2, or exact)."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import ops
from jaxlite.errors import ConcretizationTypeError


def test_segment_reductions_values():
    ids = jnp.array([0, 0, 2])
    np.testing.assert_array_equal(ops.segment_sum(jnp.array([1., 5, 3]), ids, 4), [6, 0, 3, 0])
    np.testing.assert_array_equal(ops.segment_max(jnp.array([1., 5, 3]), ids, 4),
                                  [5, -np.inf, 3, -np.inf])
    np.testing.assert_array_equal(ops.segment_min(jnp.array([1, 5, 3]), ids, 4),
                                  [1, 2**31 - 1, 3, 2**31 - 1])
    np.testing.assert_array_equal(ops.segment_max(jnp.array([1, 5, 3]), ids, 4),
                                  [5, -2**31, 3, -2**31])
    np.testing.assert_array_equal(ops.segment_prod(jnp.array([2., 5, 3]), ids, 4), [10, 1, 3, 1])


def test_rows_and_default_num_segments():
    out = ops.segment_sum(jnp.arange(6.).reshape(3, 2), jnp.array([0, 2, 2]))
    np.testing.assert_array_equal(out, [[0, 1], [0, 0], [6, 8]])
    with pytest.raises(ValueError):
        ops.segment_sum(jnp.ones(0), jnp.zeros(0, jnp.int32))


def test_out_of_range_ids_drop_or_clip():
    ids = jnp.array([0, -1, 5])
    np.testing.assert_array_equal(ops.segment_sum(jnp.ones(3), ids, 3), [1, 0, 0])
    np.testing.assert_array_equal(ops.segment_sum(jnp.ones(3), ids, 3, mode="clip"), [2, 0, 1])
    with pytest.raises(ValueError, match="unknown mode"):
        ops.segment_sum(jnp.ones(3), ids, 3, mode="wrapped")


def test_bucket_size_and_flags_keep_values_and_dtype():
    data, ids = jnp.arange(5), jnp.array([0, 0, 1, 1, 2])
    out = ops.segment_sum(data, ids, 3, indices_are_sorted=True, bucket_size=2)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [1, 5, 4])
    np.testing.assert_array_equal(ops.segment_max(data, ids, 3, bucket_size=2), [1, 3, 4])


def test_bad_inputs():
    with pytest.raises(TypeError, match="add does not accept dtype bool"):
        ops.segment_sum(jnp.array([True, False]), jnp.array([0, 1]), 2)
    with pytest.raises(TypeError, match="segment_ids must be integers"):
        ops.segment_sum(jnp.ones(2), jnp.array([0., 1.]), 2)
    with pytest.raises(ValueError, match="non-negative"):
        ops.segment_sum(jnp.ones(2), jnp.array([0, 1]), -1)


def test_under_jit_grad_vmap():
    ids = jnp.array([0, 2, 0])
    f = jax.jit(lambda d, s: ops.segment_sum(d, s, 3))
    np.testing.assert_array_equal(f(jnp.array([1., 2, 3]), ids), [4, 0, 2])
    with pytest.raises(ConcretizationTypeError, match="num_segments"):
        jax.jit(lambda d, s: ops.segment_sum(d, s))(jnp.ones(3), ids)
    x = jnp.array([1., 3., 2.])
    g = jax.grad(lambda d: ops.segment_sum(jnp.sin(d), ids, 3, bucket_size=2).sum())(x)
    np.testing.assert_allclose(g, np.cos([1., 3., 2.]), rtol=1e-6)
    g = jax.grad(lambda d: ops.segment_max(d, jnp.array([0, 0, 1]), 2).sum())(x)
    np.testing.assert_array_equal(g, [0, 1, 1])
    out = jax.vmap(lambda d: ops.segment_sum(d, jnp.array([0, 0, 1]), 2))(
        jnp.arange(6.).reshape(2, 3))
    np.testing.assert_array_equal(out, [[1, 2], [7, 5]])
    out = jax.vmap(lambda s: ops.segment_sum(jnp.arange(3.), s, 2))(
        jnp.array([[0, 0, 1], [1, 1, 0]]))
    np.testing.assert_array_equal(out, [[1, 2], [2, 1]])
