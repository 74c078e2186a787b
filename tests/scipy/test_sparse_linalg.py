"""jax.scipy.sparse.linalg.cg: the solution of A x = b (matrix or operator, pytrees),
under jit and vmap, with derivatives from the linear system (not the iterations)."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite.scipy.sparse.linalg import cg

A = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.0], [0.5, 0.0, 2.0]], np.float32)
B = np.array([1.0, 2.0, -1.0], np.float32)


def test_matrix_and_operator_match_a_dense_solve():
    want = np.linalg.solve(A.astype(np.float64), B)
    x, info = cg(jnp.asarray(A), jnp.asarray(B))
    assert info is None
    np.testing.assert_allclose(x, want, rtol=1e-5)
    tree_x, _ = cg(lambda t: {"v": jnp.asarray(A) @ t["v"]}, {"v": jnp.asarray(B)})
    np.testing.assert_allclose(tree_x["v"], want, rtol=1e-5)
    pre_x, _ = cg(jnp.asarray(A), jnp.asarray(B), M=jnp.diag(1.0 / jnp.diag(jnp.asarray(A))))
    np.testing.assert_allclose(pre_x, want, rtol=1e-5)


def test_jit_vmap_and_maxiter():
    solve = lambda b: cg(jnp.asarray(A), b)[0]
    np.testing.assert_allclose(jaxlite.jit(solve)(jnp.asarray(B)), solve(jnp.asarray(B)),
                               rtol=1e-6)
    batched = jaxlite.vmap(solve)(jnp.eye(3))
    np.testing.assert_allclose(batched, np.linalg.inv(A.astype(np.float64)).T, rtol=1e-4,
                               atol=1e-6)
    one_step, _ = cg(jnp.asarray(A), jnp.asarray(B), maxiter=1)
    # one CG step from 0 is the steepest-descent step along b
    alpha = B @ B / (B @ A @ B)
    np.testing.assert_allclose(one_step, alpha * B, rtol=1e-5)


def test_gradient_is_the_adjoint_solve():
    f = lambda b: jnp.sum(cg(jnp.asarray(A), b)[0] ** 2)
    g = jaxlite.grad(f)(jnp.asarray(B))
    x = np.linalg.solve(A.astype(np.float64), B)
    np.testing.assert_allclose(g, np.linalg.solve(A.T.astype(np.float64), 2 * x), rtol=1e-4)
    np.testing.assert_allclose(jaxlite.jacfwd(lambda b: cg(jnp.asarray(A), b)[0])(
        jnp.asarray(B)), np.linalg.inv(A.astype(np.float64)), rtol=1e-4, atol=1e-6)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="square"):
        cg(jnp.ones((2, 3)), jnp.ones(2))
    with pytest.raises(ValueError, match="shape"):
        cg(jnp.asarray(A), jnp.asarray(B), x0=jnp.zeros(2))
