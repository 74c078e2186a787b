"""jax.scipy.sparse.linalg's cg, bicgstab and gmres: the solution of A x = b (matrix or
operator, pytrees), under jit and vmap, with derivatives from the linear system (not the
iterations); the truncated iterates of bicgstab and gmres as JAX 0.10.2 printed them."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite.scipy.sparse.linalg import bicgstab, cg, gmres

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


# A non-symmetric system, and iterates of JAX 0.10.2 stopped early (float32).
N = np.array([[4.0, 1.0, -0.5, 0.0], [2.0, 5.0, 1.0, -1.0], [0.0, -1.5, 3.0, 0.5],
              [1.0, 0.0, 2.0, 6.0]], np.float32)
C = np.array([1.0, -2.0, 0.5, 3.0], np.float32)
JACOBI = np.diag(1 / np.diag(N))
JAX_ITERATES = [
    (bicgstab, dict(maxiter=1), [0.32992297, -0.39126161, -0.03168062, 0.42382333]),
    (bicgstab, dict(maxiter=2), [0.35162547, -0.42333615, -0.13043737, 0.48561668]),
    (bicgstab, dict(maxiter=2, M=JACOBI), [0.34149185, -0.41554287, -0.136545, 0.491189]),
    (gmres, dict(restart=2, maxiter=1), [0.37344697, -0.42868403, -0.04625162, 0.44982725]),
    (gmres, dict(restart=2, maxiter=2, M=JACOBI),
     [0.34793538, -0.41907912, -0.12971564, 0.48177072]),
    (gmres, dict(restart=2, maxiter=1, solve_method="incremental"),
     [0.37344691, -0.42868397, -0.04625160, 0.44982722]),
    # 'incremental' stops its restart once the estimated residual is below tol |b|, and
    # adds the estimate times the next basis vector (JAX's solve of the whole triangle)
    (gmres, dict(restart=4, tol=1e-1, solve_method="incremental"),
     [0.37368608, -0.48238400, -0.09066097, 0.47125858]),
]


@pytest.mark.parametrize("solver, kwargs, want", JAX_ITERATES)
def test_truncated_iterates_match_jax(solver, kwargs, want):
    kwargs = {k: jnp.asarray(v) if k == "M" else v for k, v in kwargs.items()}
    x, info = solver(jnp.asarray(N), jnp.asarray(C), **kwargs)
    np.testing.assert_allclose(x, want, rtol=2e-6, atol=2e-7)
    assert info is None if solver is bicgstab else int(info) == 0


@pytest.mark.parametrize("solver", [bicgstab, gmres])
def test_nonsymmetric_solvers_converge_on_matrices_operators_and_pytrees(solver):
    want = np.linalg.solve(N.astype(np.float64), C)
    for kwargs in ({}, {"M": jnp.asarray(JACOBI)}, {"x0": jnp.ones(4)}):
        x, _ = solver(jnp.asarray(N), jnp.asarray(C), **kwargs)
        np.testing.assert_allclose(x, want, rtol=1e-4, atol=1e-6)
    op = lambda t: {"a": 2 * t["a"] + t["b"][0], "b": 3 * t["b"]}
    x, _ = solver(op, {"a": jnp.ones(2), "b": jnp.arange(2.0)})
    np.testing.assert_allclose(x["a"], [0.5, 0.5], rtol=1e-5)
    np.testing.assert_allclose(x["b"], [0.0, 1 / 3], rtol=1e-5, atol=1e-7)
    z = N + 1j * np.eye(4, dtype=np.float32)
    x, _ = solver(jnp.asarray(z), jnp.asarray(C * (1 - 0.5j)))
    assert x.dtype == jnp.complex64
    np.testing.assert_allclose(x, np.linalg.solve(z.astype(np.complex128), C * (1 - 0.5j)),
                               rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("solver", [bicgstab, gmres])
def test_nonsymmetric_solvers_under_jit_vmap_and_derivatives(solver):
    solve = lambda b: solver(jnp.asarray(N), b)[0]
    np.testing.assert_allclose(jaxlite.jit(solve)(jnp.asarray(C)), solve(jnp.asarray(C)),
                               rtol=1e-5, atol=1e-7)
    inverse = np.linalg.inv(N.astype(np.float64))
    np.testing.assert_allclose(jaxlite.vmap(solve)(jnp.eye(4)), inverse.T, rtol=1e-4,
                               atol=1e-6)
    # derivatives solve the transposed system: the gradient of sum(x) is N^-T 1
    np.testing.assert_allclose(jaxlite.grad(lambda b: jnp.sum(solve(b)))(jnp.asarray(C)),
                               inverse.T @ np.ones(4), rtol=1e-4)
    np.testing.assert_allclose(jaxlite.jacfwd(solve)(jnp.asarray(C)), inverse, rtol=1e-4,
                               atol=1e-6)
    # and with respect to the matrix: dx/dN[i, j] = -N^-1[:, i] x[j]
    x = inverse @ C
    g = jaxlite.grad(lambda m: solver(m, jnp.asarray(C))[0][0])(jnp.asarray(N))
    np.testing.assert_allclose(g, -np.outer(inverse[0], x), rtol=1e-3, atol=1e-5)


def test_gmres_info_and_bad_input():
    _, info = gmres(jnp.asarray(N), jnp.asarray(C))
    assert int(info) == 0 and info.dtype == jnp.int32
    # a NaN residual stops the restarts at once (as in JAX 0.10.2): x is x0, NaN here
    x, info = gmres(jnp.asarray(N), jnp.asarray(C), x0=jnp.full(4, jnp.nan))
    assert int(info) == -1 and np.isnan(x).all()
    with pytest.raises(ValueError, match="solve_method"):
        gmres(jnp.asarray(N), jnp.asarray(C), solve_method="qr")
    with pytest.raises(ValueError, match="square"):
        bicgstab(jnp.ones((2, 3)), jnp.ones(2))
    with pytest.raises(ValueError, match="tree structure"):
        gmres(jnp.asarray(N), jnp.asarray(C), x0=(jnp.zeros(4),))
