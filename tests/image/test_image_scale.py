"""jax.image: JAX's recorded values for every resize method with and without
antialiasing, scale_and_translate, and gradients; identities (an identity scale returns
the input, resizing a constant gives the constant)."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import image
from numerics_modules_golden import case_names, check_case

METHODS = ["nearest", "linear", "bilinear", "trilinear", "cubic", "bicubic", "lanczos3",
           "lanczos5", "area", "cubic-pytorch"]


@pytest.mark.parametrize("name", case_names("image_"))
def test_matches_jax(name):
    check_case(name, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("method", METHODS)
def test_identity_and_constant(method):
    x = jnp.asarray(np.random.default_rng(0).uniform(size=(4, 5, 3)).astype(np.float32))
    np.testing.assert_array_equal(image.resize(x, x.shape, method), x)
    if method != "nearest":
        scaled = image.scale_and_translate(x, x.shape, (0, 1), jnp.ones(2), jnp.zeros(2),
                                           method)
        np.testing.assert_allclose(scaled, x, atol=1e-6)
    const = jnp.full((4, 5), 3.)
    np.testing.assert_allclose(image.resize(const, (7, 3), method), 3., rtol=1e-6)


def test_methods_and_enum():
    assert image.ResizeMethod.from_string("bilinear") is image.ResizeMethod.LINEAR
    assert image.ResizeMethod.from_string("tricubic") is image.ResizeMethod.CUBIC
    x = jnp.arange(4.)
    np.testing.assert_allclose(image.resize(x, (8,), image.ResizeMethod.LINEAR),
                               image.resize(x, (8,), "linear"))
    with pytest.raises(ValueError, match="Unknown resize method"):
        image.resize(x, (8,), "gaussian")
    with pytest.raises(ValueError, match="shape must have length"):
        image.resize(x, (8, 2), "linear")
    with pytest.raises(ValueError, match="Nearest neighbor"):
        image.scale_and_translate(x, (8,), (0,), jnp.ones(1), jnp.zeros(1), "nearest")


def test_transformations():
    x = jnp.arange(6.).reshape(2, 3)
    f = lambda x: image.resize(x, (4, 5), "cubic")
    np.testing.assert_allclose(jaxlite.jit(f)(x), f(x), rtol=1e-6)
    np.testing.assert_allclose(jaxlite.vmap(lambda r: image.resize(r, (5,), "linear"))(x)[1],
                               image.resize(x[1], (5,), "linear"), rtol=1e-6)
    # resize is linear in the image: its gradient of a sum is the weight column sums.
    g = jaxlite.grad(lambda x: f(x).sum())(x)
    np.testing.assert_allclose(g.sum(), f(jnp.ones((2, 3))).sum(), rtol=1e-5)
