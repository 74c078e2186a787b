"""jax.scipy.fft's DCT, special.expi and stats.gaussian_kde (numpyro's needs), against
values printed by JAX 0.10.2, plus identities (idct inverts dct, grad of Ei is e^x/x)."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite.scipy.fft import dct, idct, dctn, idctn
from jaxlite.scipy.special import expi
from jaxlite.scipy.stats import gaussian_kde

X = jnp.array([[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]])


def test_dct_matches_jax():
    np.testing.assert_allclose(dct(X), [[14.0, -5.196152, 1.0000001], [5.0, -4.330127, 5.5]],
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dct(X, norm="ortho", axis=0),
                               [[1.0606601, 0.70710677, 4.9497476],
                                [0.35355338, 2.1213202, 0.70710677]], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(idct(X), [[1.4106835, -1.1666666, 0.25598311],
                                         [0.29465812, -0.9166665, 0.8720083]], rtol=1e-5)
    np.testing.assert_allclose(dctn(X, norm="ortho"), [[3.8783588, -2.75, 1.8763882],
                                                       [1.8371172, -0.25, -1.2990381]],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dct(X, n=4), [[14.0, 0.31702518, -7.0710678, 4.460885],
                                             [5.0, -2.137588, -2.1213202, 7.7737193]],
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("norm", [None, "ortho"])
def test_idct_inverts_dct(norm):
    np.testing.assert_allclose(idct(dct(X, norm=norm), norm=norm), X, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(idctn(dctn(X, norm=norm), norm=norm), X, rtol=1e-5, atol=1e-6)


def test_dct_rejects_what_jax_does_not_implement():
    with pytest.raises(ValueError, match="norm='forward' is not implemented"):
        dct(X, norm="forward")
    with pytest.raises(NotImplementedError, match="type 2"):
        dct(X, type=3)


def test_expi_matches_jax_and_its_derivative():
    x = jnp.array([-3.0, -0.5, 0.5, 2.0, 10.0])
    np.testing.assert_allclose(expi(x), [-0.013048382, -0.55977362, 0.45421982, 4.9542346,
                                         2492.2288], rtol=2e-6)
    np.testing.assert_allclose(jax.grad(expi)(1.5), np.exp(1.5) / 1.5, rtol=1e-6)
    np.testing.assert_allclose(jax.jit(jax.vmap(expi))(x), expi(x), rtol=1e-6)
    assert np.isnan(float(expi(0.0)))  # as JAX


def test_gaussian_kde_matches_jax():
    data = jnp.array([[0.0, 1.0, 3.0, -1.0, 0.5], [1.0, 0.0, 2.0, 0.5, -0.5]])
    kde = gaussian_kde(data)
    np.testing.assert_allclose(kde.evaluate(jnp.array([[0.0, 1.0], [0.0, 1.0]])),
                               [0.0728739, 0.06012737], rtol=1e-5)
    np.testing.assert_allclose(float(kde.neff), 5.0, rtol=1e-6)
    weighted = gaussian_kde(data[0], bw_method="silverman",
                            weights=jnp.array([1.0, 2, 3, 4, 5]))
    np.testing.assert_allclose(weighted.logpdf(jnp.array([0.0, 2.0])), [-1.53859, -1.9663806],
                               rtol=1e-5)
    np.testing.assert_allclose(float(weighted.integrate_box_1d(-1.0, 1.0)), 0.40568173,
                               rtol=1e-5)
    # A pytree: it passes through jit.
    np.testing.assert_allclose(jax.jit(lambda k, p: k.pdf(p))(kde, jnp.zeros((2, 1))),
                               kde.pdf(jnp.zeros((2, 1))), rtol=1e-6)
    draws = kde.resample(jax.random.key(0), (4,))
    assert draws.shape == (2, 4)
