"""lax's elementwise functions check dtypes eagerly exactly as under jit, as JAX's do: each
operand keeps its own canonical dtype (a Python scalar its weakly typed default), then the
dtypes must be equal, of the families the op accepts, and of one rank (cases from JAX 0.10.2)."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.lax import lax as lax_module

F2, I2, B2 = jnp.ones(2), jnp.ones(2, jnp.int32), jnp.ones(2, bool)
EAGER_AND_JIT = [lambda f: f(), lambda f: jax.jit(f)()]

REJECTED = {
    "add(1, 1.0)": lambda: lax.add(1, 1.0),
    "add(f32, 1)": lambda: lax.add(F2, 1),
    "add(i32, 1.5)": lambda: lax.add(I2, 1.5),
    "add(f16, 1.0)": lambda: lax.add(jnp.ones(2, jnp.float16), 1.0),
    "add(c64, 1.0)": lambda: lax.add(jnp.ones(2, jnp.complex64), 1.0),
    "mul(2, 2.0)": lambda: lax.mul(2, 2.0),
    "max(1, 2.0)": lambda: lax.max(1, 2.0),
    "div(f32, 2)": lambda: lax.div(F2, 2),
    "add(f32, True)": lambda: lax.add(F2, True),
    "add(bool, bool)": lambda: lax.add(B2, B2),
    "sin(1)": lambda: lax.sin(1),
    "sqrt(int)": lambda: lax.sqrt(I2),
    "floor(int)": lambda: lax.floor(I2),
    "round(int)": lambda: lax.round(I2),
    "abs(uint)": lambda: lax.abs(jnp.ones(2, jnp.uint32)),
    "neg(bool)": lambda: lax.neg(B2),
    "cbrt(complex)": lambda: lax.cbrt(jnp.ones(2, jnp.complex64)),
    "lt(complex)": lambda: lax.lt(jnp.ones(2, jnp.complex64), jnp.ones(2, jnp.complex64)),
    "rem(int, 2.0)": lambda: lax.rem(I2, 2.0),
    "bitwise_and(float)": lambda: lax.bitwise_and(F2, F2),
    "shift_left(float)": lambda: lax.shift_left(F2, F2),
    "pow(int, int)": lambda: lax.pow(I2, I2),
    "pow(f32, f16)": lambda: lax.pow(F2, jnp.ones(2, jnp.float16)),
    "select(p, 1, 2.0)": lambda: lax.select(True, 1, 2.0),
    "clamp(0, f32, 1.0)": lambda: lax.clamp(0, F2, 1.0),
    "integer_pow(int, -1)": lambda: lax.integer_pow(I2, -1),
    "reciprocal(int)": lambda: lax.reciprocal(I2),
    "integer_pow(bool, 2)": lambda: lax.integer_pow(B2, 2),
    "add ranks 1 and 2": lambda: lax.add(F2, jnp.ones((2, 2))),
    "add(list)": lambda: lax.add(F2, [1.0, 2.0]),
}

ACCEPTED = {
    "add(1, 2)": (lambda: lax.add(1, 2), 3, "int32", True),
    "add(1.0, 2.0)": (lambda: lax.add(1.0, 2.0), 3.0, "float32", True),
    "add(f32, 1.0)": (lambda: lax.add(F2, 1.0), [2.0, 2.0], "float32", False),
    "add(f32, np.float64)": (lambda: lax.add(F2, np.float64(1)), [2.0, 2.0], "float32", False),
    "add(f32, 0-d)": (lambda: lax.add(F2, jnp.ones(())), [2.0, 2.0], "float32", False),
    "add(c64, 1j)": (lambda: lax.add(jnp.ones(2, jnp.complex64), 1j), [1 + 1j, 1 + 1j],
                     "complex64", False),
    "add (2,1)+(1,3)": (lambda: lax.add(jnp.ones((2, 1)), jnp.ones((1, 3))), np.full((2, 3), 2.0),
                        "float32", False),
    "pow(f32, i32)": (lambda: lax.pow(F2, jnp.array([2, 3])), [1.0, 1.0], "float32", False),
    "pow(2.0, 3)": (lambda: lax.pow(2.0, 3), 8.0, "float32", True),
    "max(bool)": (lambda: lax.max(B2, B2), [True, True], "bool", False),
    "eq(complex)": (lambda: lax.eq(jnp.ones(2, jnp.complex64), jnp.ones(2, jnp.complex64)),
                    [True, True], "bool", False),
    "bitwise_and(True, bool)": (lambda: lax.bitwise_and(True, B2), [True, True], "bool", False),
    "neg(1)": (lambda: lax.neg(1), -1, "int32", True),
    "abs(int)": (lambda: lax.abs(I2), [1, 1], "int32", False),
    "sign(uint8)": (lambda: lax.sign(jnp.ones(2, jnp.uint8)), [1, 1], "uint8", False),
    "square(int)": (lambda: lax.square(I2), [1, 1], "int32", False),
    "clamp(0.0, f32, 1.0)": (lambda: lax.clamp(0.0, F2 * 3, 1.0), [1.0, 1.0], "float32", False),
}


@pytest.mark.parametrize("run", EAGER_AND_JIT, ids=["eager", "jit"])
@pytest.mark.parametrize("name", list(REJECTED))
def test_rejected_as_jax(run, name):
    with pytest.raises(TypeError):
        run(REJECTED[name])


@pytest.mark.parametrize("run", EAGER_AND_JIT, ids=["eager", "jit"])
@pytest.mark.parametrize("name", list(ACCEPTED))
def test_accepted_as_jax(run, name):
    call, value, dtype, weak = ACCEPTED[name]
    out = run(call)
    np.testing.assert_array_equal(np.asarray(out), value)
    assert (out.dtype, out.weak_type) == (np.dtype(dtype), weak)


def test_messages_say_what_to_do():
    with pytest.raises(TypeError, match=r"lax.add requires arguments to have the same dtypes, "
                                        r"got int32, float32.*jnp.add"):
        lax.add(1, 1.0)
    with pytest.raises(TypeError, match="sin does not accept dtype int32. Accepted dtypes are "
                                        "subtypes of floating, complexfloating"):
        lax.sin(1)
    with pytest.raises(TypeError, match=r"same number of dimensions.*\(2,\), \(2, 2\)"):
        lax.add(F2, jnp.ones((2, 2)))
    with pytest.raises(TypeError, match="Integers cannot be raised to negative powers"):
        lax.integer_pow(I2, -1)


def test_jax_numpy_still_promotes():
    out = jnp.add(I2, 1.5)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(lax_module._adopting.add(I2, 1), [2, 2])  # internal twin
