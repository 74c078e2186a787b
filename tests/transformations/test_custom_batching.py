"""jax.custom_batching: custom_vmap rules run by vmap (nested, under jit, with unbatched
arguments), forward-mode through the function, and sequential_vmap against a loop."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite.custom_batching import custom_vmap, sequential_vmap

calls = []


@custom_vmap
def f(x, y):
    return x + y


@f.def_vmap
def f_rule(axis_size, in_batched, xs, ys):
    calls.append((axis_size, list(in_batched)))
    xb, yb = in_batched
    out = xs * ys if (xb and yb) else xs + ys  # a rule that differs, to see it run
    return out, xb or yb


def test_rule_runs_under_vmap():
    calls.clear()
    assert float(f(2., 3.)) == 5.
    np.testing.assert_allclose(jaxlite.vmap(f)(jnp.arange(3.), jnp.arange(3.)), [0., 1., 4.])
    np.testing.assert_allclose(jaxlite.vmap(f, in_axes=(0, None))(jnp.arange(3.), 5.),
                               [5., 6., 7.])
    np.testing.assert_allclose(jaxlite.jit(jaxlite.vmap(f))(jnp.arange(3.), jnp.arange(3.)),
                               [0., 1., 4.])
    np.testing.assert_allclose(jaxlite.vmap(jaxlite.vmap(f))(jnp.ones((2, 3)),
                                                            2 * jnp.ones((2, 3))), 2.)
    np.testing.assert_allclose(jaxlite.vmap(f, in_axes=1)(jnp.ones((2, 3)), jnp.ones((2, 3))),
                               np.ones((3, 2)))
    assert calls[:2] == [(3, [True, True]), (3, [True, False])]


def test_jvp():
    primal, tangent = jaxlite.jvp(f, (2., 3.), (1., 1.))
    assert (float(primal), float(tangent)) == (5., 2.)
    primal, tangent = jaxlite.jvp(lambda x: jaxlite.vmap(f)(x, x), (jnp.arange(3.),),
                                  (jnp.ones(3),))
    np.testing.assert_allclose(tangent, 2 * jnp.arange(3.))


def test_rule_errors():
    g = custom_vmap(lambda x: x)
    with pytest.raises(AttributeError, match="def_vmap"):
        g(1.)
    g.def_vmap(lambda n, b, x: (x[0], True))
    with pytest.raises(ValueError, match="shape"):
        jaxlite.vmap(g)(jnp.ones(3))


def test_sequential_vmap():
    g = sequential_vmap(lambda x, y: {"a": x @ y})
    xs, y = jnp.arange(24.).reshape(4, 2, 3), jnp.array([1., 2., 3.])
    out = jaxlite.vmap(g, in_axes=(0, None))(xs, y)
    np.testing.assert_allclose(out["a"], np.stack([np.asarray(x) @ np.asarray(y) for x in xs]))
    out = jaxlite.jit(jaxlite.vmap(g, in_axes=(None, 1)))(jnp.ones((2, 3)), jnp.ones((3, 5)))
    np.testing.assert_allclose(out["a"], 3 * np.ones((5, 2)))
