"""jax.scipy.stats.multivariate_normal (blackjax's tests use it): values from JAX 0.10.2,
checked against the density written out with NumPy."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite.scipy.stats import multivariate_normal as mvn

A = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 0.7]], np.float32)
M = np.array([0.1, -0.2, 0.3], np.float32)
X = np.array([[0.0, 0.0, 0.0], [1.0, -1.0, 2.0]], np.float32)


def _numpy_logpdf(x, m, cov):
    y = (x - m).astype(np.float64)
    quadratic = np.einsum("...i,ij,...j->...", y, np.linalg.inv(cov.astype(np.float64)), y)
    return -0.5 * (quadratic + len(m) * np.log(2 * np.pi) + np.log(np.linalg.det(cov)))


def test_logpdf_matches_jax_and_the_formula():
    got = mvn.logpdf(X, M, A)
    np.testing.assert_allclose(got, [-2.9503255, -6.4865704], rtol=1e-5)
    np.testing.assert_allclose(got, _numpy_logpdf(X, M, A), rtol=1e-5)
    np.testing.assert_allclose(mvn.pdf(X, M, A), [0.05232267, 0.00152377], rtol=1e-5)
    np.testing.assert_allclose(mvn.logpdf(X, M, 2.0), [-3.8315365, -4.8815365], rtol=1e-5)
    np.testing.assert_allclose(mvn.logpdf(jnp.array([0.5, 1.0]), 0.2, 1.5),
                               [-1.151671, -1.3350044], rtol=1e-5)


def test_derivatives_and_batched_covariances():
    g = jaxlite.grad(lambda m: mvn.logpdf(X, m, A).sum())(jnp.asarray(M))
    # d/dm log N = sum over x of cov^-1 (x - m)
    want = np.linalg.solve(A.astype(np.float64), (X - M).sum(0))
    np.testing.assert_allclose(g, want, rtol=1e-4)
    batched = jaxlite.vmap(lambda c: mvn.logpdf(X[1], M, c))(jnp.stack([A, 2 * A]))
    np.testing.assert_allclose(batched, [-6.4865704, -5.695265], rtol=1e-5)


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match="incompatible shapes"):
        mvn.logpdf(X, M, jnp.eye(2))
