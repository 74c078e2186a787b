"""jax.scipy.optimize.minimize (BFGS): JAX's recorded iterates and counters on standard
functions, the minimum reached, and jit/vmap."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite.scipy.optimize import OptimizeResults, minimize
from jaxlite._src.scipy.optimize.line_search import line_search
from numerics_modules_golden import case_names, check_case


@pytest.mark.parametrize("name", case_names("optimize_"))
def test_matches_jax(name):
    # float32 BFGS: the inverse-Hessian estimate accumulates rounding (JAX's own eager and
    # jitted runs differ at this level).
    check_case(name, rtol=1e-3, atol=1e-4)


def rosenbrock(x):
    return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2.0) ** 2.0 + (1 - x[:-1]) ** 2.0)


def test_reaches_the_minimum():
    with jaxlite.enable_x64():
        # (JAX's line search fails from (-1.2, 1, 0.5) as well: status 3, the same iterates.)
        r = minimize(rosenbrock, jnp.zeros(4), method="BFGS")
        assert bool(r.success) and int(r.status) == 0 and int(r.nit) == 33
        np.testing.assert_allclose(r.x, np.ones(4), atol=1e-6)
        np.testing.assert_allclose(r.jac, jaxlite.grad(rosenbrock)(r.x))
    r = minimize(lambda x: jnp.sum((x - 2.) ** 2), jnp.zeros(3), method="BFGS")
    assert isinstance(r, OptimizeResults) and bool(r.success)
    np.testing.assert_allclose(r.x, 2., atol=1e-5)


def test_jit_and_vmap():
    solve = lambda x0: minimize(lambda x: jnp.sum((x - 1.) ** 2 * jnp.arange(1., 3.)), x0,
                                method="BFGS")
    eager = solve(jnp.zeros(2))
    jitted = jaxlite.jit(solve)(jnp.zeros(2))
    np.testing.assert_allclose(jitted.x, eager.x)
    assert int(jitted.nit) == int(eager.nit)
    batched = jaxlite.vmap(solve)(jnp.array([[0., 0.], [5., -3.]]))
    np.testing.assert_allclose(batched.x, np.ones((2, 2)), atol=1e-5)


def test_line_search_satisfies_the_wolfe_conditions():
    f = lambda x: jnp.sum(x ** 4)
    x, p = jnp.array([1., 2.]), jnp.array([-1., -2.])
    r = line_search(f, x, p)
    assert not bool(r.failed)
    g0 = jnp.dot(jaxlite.grad(f)(x), p)
    assert float(r.f_k) <= float(f(x) + 1e-4 * r.a_k * g0)
    assert abs(float(jnp.dot(r.g_k, p))) <= 0.9 * abs(float(g0))


def test_bad_input():
    with pytest.raises(ValueError, match="not recognized"):
        minimize(rosenbrock, jnp.zeros(2), method="nelder-mead")
    with pytest.raises(TypeError, match="must be a tuple"):
        minimize(rosenbrock, jnp.zeros(2), args=1., method="BFGS")
