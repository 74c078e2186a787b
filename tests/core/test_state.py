"""Mutable array references (jax.new_ref): eager reads and writes, jit (Refs as
arguments and closed over), grad and vmap through them, and the errors."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp


def test_eager_indexing_reads_and_writes():
    ref = jax.new_ref(jnp.arange(12.).reshape(3, 4))
    ref[1] = ref[0]
    ref[2, 3] = ref[1, 2]
    ref[0, :3] = ref[:, 1]
    ref[jnp.array([1, 2, 1]), jnp.array([0, 0, 1])] = ref[jnp.array([0, 0, 1]),
                                                          jnp.array([1, 2, 3])]
    np.testing.assert_array_equal(np.asarray(jax.freeze(ref)),
                                  [[1, 1, 9, 3], [1, 3, 2, 3], [9, 9, 10, 2]])
    assert ref.shape == (3, 4) and ref.dtype == np.float32 and len(ref) == 3


def test_repr_as_jax():
    assert repr(jax.new_ref(0.)) == "Ref(0., dtype=float32, weak_type=True)"
    assert repr(jax.new_ref(jnp.arange(6.).reshape(2, 3))) == (
        "Ref([[0., 1., 2.],\n     [3., 4., 5.]], dtype=float32)")
    assert str(jax.new_ref(jnp.zeros(2))) == "Ref([0., 0.], dtype=float32)"


def test_jit_closed_over_ref_is_updated_on_every_call():
    ref = jax.new_ref(jnp.zeros(3))

    @jax.jit
    def f():
        ref[1] += 1.

    f()
    f()
    np.testing.assert_array_equal(np.asarray(ref[...]), [0., 2., 0.])


def test_jit_ref_argument_and_result():
    @jax.jit
    def f(x_ref, y):
        x_ref[...] = jnp.sin(x_ref[...]) + y
        return x_ref[0] * 2

    ref = jax.new_ref(jnp.arange(3.0))
    out = f(ref, 1.0)
    np.testing.assert_allclose(np.asarray(ref[...]), np.sin(np.arange(3.0)) + 1, rtol=1e-6)
    assert float(out) == 2.0
    f(ref, 1.0)  # the cached trace still reads the Ref's current value
    np.testing.assert_allclose(np.asarray(ref[...]), np.sin(np.sin(np.arange(3.0)) + 1) + 1,
                               rtol=1e-6)


def test_nested_jit_and_jit_under_grad():
    ref = jax.new_ref(1.0)

    @jax.jit
    def inner(x):
        ref[...] = ref[...] + x

    @jax.jit
    def outer(x):
        inner(x)
        inner(2 * x)

    outer(1.0)
    assert float(ref[...]) == 4.0

    def g(x):
        r = jax.new_ref(0.)
        jax.jit(lambda: r.__setitem__(..., jnp.sin(x) * 3))()
        return r[...]

    np.testing.assert_allclose(float(jax.grad(g)(1.0)), 3 * np.cos(1.0), rtol=1e-6)


def test_grad_through_a_local_ref():
    def g(x):
        r = jax.new_ref(0.)
        r[...] = jnp.sin(x)
        return r[...]

    np.testing.assert_allclose(float(jax.grad(g)(1.0)), np.cos(1.0), rtol=1e-6)


def test_vmap_writes_each_entry_of_a_mapped_ref():
    out_ref = jax.new_ref(jnp.zeros(3))

    def scale_into(x, r):
        r[...] = 2.0 * x

    jax.vmap(scale_into)(jnp.arange(3.0), out_ref)
    np.testing.assert_array_equal(np.asarray(out_ref[...]), [0., 2., 4.])


def test_writing_an_inner_value_into_an_outer_ref_raises():
    r = jax.new_ref(0.0)
    with pytest.raises(Exception, match="vmapped value on an unbatched"):
        jax.vmap(lambda x: r.__setitem__(..., x))(jnp.arange(3.0))
    with pytest.raises(Exception, match="differentiated value"):
        jax.grad(lambda x: (r.__setitem__(..., x), x)[1])(1.0)


def test_math_on_a_ref_raises_type_error():
    with pytest.raises(TypeError):
        jnp.sin(jax.new_ref(1.0))
