"""square is a primitive, and the derivatives of tanh, atanh, asin, acos, asinh, acosh and
atan are JAX's formulas operation for operation (so float32 derivatives round as JAX's):
the jaxpr lines are JAX 0.10.2's, recorded from its make_jaxpr; values are checked by
central differences in float64."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax

FUNCTIONS = {"tanh": (jnp.tanh, 0.3), "arctanh": (jnp.arctanh, 0.3),
             "arcsin": (jnp.arcsin, 0.3), "arccos": (jnp.arccos, 0.3),
             "arcsinh": (jnp.arcsinh, 0.3), "arccosh": (jnp.arccosh, 2.2),
             "arctan": (jnp.arctan, 0.3), "square": (jnp.square, 0.3)}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_derivative_by_central_differences(name):
    f, x = FUNCTIONS[name]
    with jax.enable_x64(True):
        h = 1e-6
        fd = (float(f(jnp.float64(x + h))) - float(f(jnp.float64(x - h)))) / (2 * h)
        assert float(jax.grad(f)(jnp.float64(x))) == pytest.approx(fd, rel=1e-7)
        t = float(jax.jvp(f, (jnp.float64(x),), (jnp.float64(1.0),))[1])
        assert t == pytest.approx(fd, rel=1e-7)


def test_jaxprs_as_jax():
    def lines(f, x):
        return str(jax.make_jaxpr(f)(x)).splitlines()[1:-1]
    assert lines(lambda y: jax.jvp(jnp.tanh, (y,), (y,)), 0.2) == [
        "    b:f32[] = tanh a", "    c:f32[] = mul a b", "    d:f32[] = add a c",
        "    e:f32[] = sub 1.0:f32[] b", "    f:f32[] = mul d e"]
    assert lines(lambda y: jax.jvp(jnp.arctanh, (y,), (y,)), 0.2) == [
        "    b:f32[] = atanh a", "    c:f32[] = add 1.0:f32[] a",
        "    d:f32[] = integer_pow[y=-1] c", "    e:f32[] = sub 1.0:f32[] a",
        "    f:f32[] = div a e", "    g:f32[] = mul d f"]
    assert lines(jax.grad(jnp.arcsin), 0.2) == [
        "    _:f32[] = asin a", "    b:f32[] = square a", "    c:f32[] = sub 1.0:f32[] b",
        "    d:f32[] = rsqrt c", "    e:f32[] = mul 1.0:f32[] d"]
    assert lines(jax.grad(lax.square), 0.2) == [
        "    _:f32[] = square a", "    b:f32[] = mul 2.0:f32[] a",
        "    c:f32[] = mul 1.0:f32[] b"]
    assert str(jax.make_jaxpr(jnp.square)(2)) == \
        "{ lambda ; a:i32[]. let b:i32[] = square a in (b,) }"
    assert int(jnp.square(jnp.int32(7))) == 49
    np.testing.assert_array_equal(jax.vmap(jax.grad(jnp.square))(jnp.arange(3.0)), [0, 2, 4])
