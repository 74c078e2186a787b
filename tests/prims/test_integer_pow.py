"""integer_pow rounds as JAX's lowering for XLA does: binary exponentiation with each
product rounded in the operand's dtype, and a reciprocal for negative exponents (checked
bit for bit against JAX 0.10.2 for exponents -3..13 on float32, eager and jit)."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax

X = np.random.default_rng(0).uniform(-3, 3, 257).astype(np.float32)


def _by_squaring(x, y):
    out, n = None, abs(y)
    while n:
        if n & 1:
            out = x if out is None else out * x
        n >>= 1
        x = x * x if n else x
    out = np.ones_like(x) if out is None else out
    return np.float32(1) / out if y < 0 else out


@pytest.mark.parametrize("y", [-3, -2, -1, 0, 1, 2, 3, 4, 5, 7, 10, 13])
def test_integer_pow_rounds_as_xla(y):
    want = _by_squaring(X, y)
    for got in (lax.integer_pow(jnp.asarray(X), y), jaxlite.jit(lambda v: v ** y)(X),
                jnp.asarray(X) ** y):
        np.testing.assert_array_equal(np.asarray(got), want)


def test_cube_differs_from_one_rounding():
    # 0.999 ** 3: two roundings give JAX's 0.99700308, np.power's one rounding 0.99700302.
    x = np.float32(0.999)
    assert np.asarray(lax.integer_pow(jnp.float32(x), 3)) == (x * x) * x
    assert (x * x) * x != np.power(x, np.float32(3))


def test_cube_and_its_derivative_share_the_square_under_jit():
    # x**3's value and its derivative 3 * x**2 (GELU's tanh argument) need x * x once:
    # the cube is lowered as x * (x * x), bit for bit the implementation's products.
    def f(v):
        return jnp.sum(jnp.sin(v ** 3))
    g = jaxlite.jit(jaxlite.value_and_grad(f))
    value, grad = g(X)
    eager_value, eager_grad = jaxlite.value_and_grad(f)(jnp.asarray(X))
    np.testing.assert_array_equal(np.asarray(grad), np.asarray(eager_grad))
    np.testing.assert_array_equal(np.asarray(value), np.asarray(eager_value))
    np.testing.assert_allclose(np.asarray(grad), 3 * X.astype(np.float64) ** 2
                               * np.cos(X.astype(np.float64) ** 3), rtol=2e-4, atol=2e-4)
    source = g.lower(X).compile().as_python()
    squares = [line for line in source.splitlines() if "np.multiply(a1, a1" in line]
    assert len(squares) == 1, source
