"""JAX behaviours programs rely on (checked against JAX 0.10.2): jit's traces belong to the
function, the jacobians' weak types, and `jax.Array` covering tracers."""
import functools

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp


def test_jit_made_twice_does_not_retrace():
    traces = []

    def f(x):
        traces.append(1)
        return x * 2

    jax.jit(f)(1.0)
    jax.jit(f)(2.0)
    assert len(traces) == 1
    jax.jit(f)(jnp.ones(2))  # a new signature traces
    jax.jit(f)(jnp.ones(2))
    assert len(traces) == 2


def test_jit_cache_is_per_static_configuration():
    traces = []

    def g(x, n):
        traces.append(n)
        return x * n

    jax.jit(g, static_argnums=1)(1.0, 2)
    jax.jit(g, static_argnums=1)(1.0, 2)
    jax.jit(g, static_argnums=1)(1.0, 3)
    assert traces == [2, 3]
    jax.jit(g, static_argnames="n")(1.0, n=2)  # passed by keyword: a new trace, as JAX
    assert traces == [2, 3, 2]


def test_new_functions_trace_anew():
    traces = []
    for _ in range(2):
        jax.jit(lambda x: traces.append(1) or x)(1.0)
    assert len(traces) == 2


def test_unhashable_callables_keep_their_own_cache():
    class Unhashable:
        __hash__ = None

        def __call__(self, x):
            return x + 1

    assert float(jax.jit(Unhashable())(1.0)) == 2.0
    assert float(jax.jit(functools.partial(lambda x, y: x * y, 3.0))(2.0)) == 6.0


def test_clear_cache_clears_the_functions_traces():
    traces = []

    def f(x):
        traces.append(1)
        return x

    jax.jit(f)(1.0)
    jax.jit(f).clear_cache()
    jax.jit(f)(1.0)
    assert len(traces) == 2


def weak(x):
    return [leaf.weak_type for leaf in jax.tree_util.tree_leaves(x)]


def test_jacobians_keep_weak_types_as_jax():
    for transform in (jax.jacfwd, jax.jacrev, jax.hessian, jax.grad):
        out = transform(lambda x: x ** 3)(2.0)
        assert float(out) == 12.0 and weak(out) == [True]
    # jacfwd takes the output's weak type, jacrev the input's.
    assert weak(jax.jacfwd(lambda x: x * jnp.ones(2))(2.0)) == [False]
    assert weak(jax.jacrev(lambda x: x * jnp.ones(2))(2.0)) == [True]
    assert weak(jax.jacfwd(lambda x, y: x * y, argnums=(0, 1))(2.0, 3.0)) == [True, True]
    assert weak(jax.jacrev(lambda x: x * 2.0)(jnp.float32(2.0))) == [False]
    assert weak(jax.hessian(lambda x: jnp.sum(x ** 3))(jnp.ones(2))) == [False]
    assert weak(jax.jacfwd(lambda x: {"a": x})(2.0)) == [True]
    np.testing.assert_array_equal(jax.hessian(lambda x: jnp.sum(x ** 3))(jnp.ones(2)),
                                  [[6.0, 0.0], [0.0, 6.0]])


@pytest.mark.parametrize("transform", [jax.jit, jax.grad, jax.vmap])
def test_tracers_are_jax_arrays(transform):
    seen = []

    def f(x):
        seen.append(isinstance(x, jax.Array) and isinstance(x, jnp.ndarray))
        return x

    transform(f)(jnp.ones(2) if transform is jax.vmap else 1.0)
    assert seen == [True]


def test_jax_array_excludes_numpy_and_python_values():
    assert isinstance(jnp.ones(2), jax.Array)
    assert not isinstance(np.ones(2), jax.Array)
    assert not isinstance(1.0, jax.Array)
    assert issubclass(type(jnp.ones(2)), jax.Array)
    with pytest.raises(TypeError, match="cannot be instantiated"):
        jax.Array(np.ones(2))


def test_a_config_change_starts_new_jits_afresh():
    traces = []

    def f(x):
        traces.append(1)
        return x

    jax.jit(f)(1.0)
    previous = jax.config.read("jaxlite_jit_workspace")
    jax.config.update("jaxlite_jit_workspace", not previous)
    try:
        jax.jit(f)(1.0)
    finally:
        jax.config.update("jaxlite_jit_workspace", previous)
    assert len(traces) == 2


class _StrictTree:
    """A pytree node whose unflatten rejects None (jnp.asarray(None): ValueError)."""

    def __init__(self, a):
        self.a = jnp.asarray(a)


jax.tree_util.register_pytree_node(_StrictTree, lambda t: ((t.a,), None),
                                   lambda _, children: _StrictTree(*children))


@pytest.mark.parametrize("transform", [jax.jacfwd, jax.jacrev, jax.hessian])
def test_jacobians_rebuild_inputs_with_none_as_jax(transform):
    # JAX checks jacobian inputs with a tree_map returning None: the node's unflatten
    # sees None and raises ValueError there.
    with pytest.raises(ValueError, match="None is not a valid value for jnp.array"):
        transform(lambda t: t.a.sum())(_StrictTree(jnp.arange(5.0)))
    assert jax.grad(lambda t: t.a.sum())(_StrictTree(jnp.arange(5.0))).a.shape == (5,)
