"""Errors are part of the API: JAX's error categories (TypeError / ValueError
subclasses) with messages that name the user's function and say how to fix it."""
import numpy as np
import pytest

import jaxlite
import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax, jit, grad, vmap
from jaxlite.errors import (ConcretizationTypeError, TracerBoolConversionError,
                            TracerIntegerConversionError, TracerArrayConversionError,
                            NonConcreteBooleanIndexError, UnexpectedTracerError)


def my_branchy_function(x):
    if x > 0:
        return x
    return -x


def my_int_function(x):
    return jnp.zeros(int(x))


def my_float_function(x):
    return float(x) * 2


def my_bool_function(x):
    return bool(x)


# ---- concretization errors ----------------------------------------------------------------------

def test_error_classes_subclass_type_error():
    assert issubclass(ConcretizationTypeError, TypeError)
    assert issubclass(TracerBoolConversionError, ConcretizationTypeError)
    assert issubclass(TracerIntegerConversionError, TypeError)
    assert issubclass(TracerArrayConversionError, TypeError)
    assert issubclass(NonConcreteBooleanIndexError, IndexError)


def test_python_if_on_traced_value_under_jit():
    with pytest.raises(TracerBoolConversionError) as info:
        jit(my_branchy_function)(1.0)
    message = str(info.value)
    assert isinstance(info.value, TypeError)
    assert "my_branchy_function" in message
    assert "lax.cond" in message and "jnp.where" in message
    assert "static_argnums" in message


def test_bool_on_traced_value():
    with pytest.raises(TracerBoolConversionError, match="my_bool_function"):
        jit(my_bool_function)(3.0)


def test_int_on_traced_value():
    with pytest.raises(TracerIntegerConversionError) as info:
        jit(my_int_function)(3.0)
    assert isinstance(info.value, TypeError)
    assert "my_int_function" in str(info.value)
    assert "static_argnums" in str(info.value)


def test_float_on_traced_value():
    with pytest.raises(ConcretizationTypeError) as info:
        jit(my_float_function)(3.0)
    assert isinstance(info.value, TypeError)
    assert "my_float_function" in str(info.value)
    assert "float()" in str(info.value)


def test_range_over_traced_value():
    with pytest.raises(TracerIntegerConversionError):
        jit(lambda n: jnp.array([i for i in range(n)]))(3)


def test_branching_works_with_static_argnums_or_where():
    f = jit(lambda x, flag: x if flag > 0 else -x, static_argnums=1)
    assert float(f(2.0, 1)) == 2.0
    assert float(jit(lambda x: jnp.where(x > 0, x, -x))(-2.0)) == 2.0


def test_python_if_under_vmap_names_the_function():
    with pytest.raises(TracerBoolConversionError, match="my_branchy_function"):
        vmap(my_branchy_function)(jnp.ones(3))


def test_python_if_under_grad_is_fine():
    # grad keeps concrete primal values: Python control flow on them works, as in JAX.
    assert float(grad(my_branchy_function)(1.0)) == 1.0
    assert float(grad(my_branchy_function)(-1.0)) == -1.0


def test_numpy_function_on_tracer():
    with pytest.raises(TracerArrayConversionError, match="jaxlite.numpy"):
        jit(lambda x: np.sin(x))(jnp.ones(3))


def test_boolean_mask_under_jit():
    with pytest.raises(NonConcreteBooleanIndexError, match="jnp.where"):
        jit(lambda x: x[x > 0])(jnp.ones(3))


def test_leaked_tracer():
    saved = []

    def f(x):
        saved.append(x)
        return x

    jit(f)(1.0)
    with pytest.raises(UnexpectedTracerError, match="unexpected tracer"):
        jit(lambda y: saved[0] + y)(1.0)


def test_hashing_a_tracer():
    with pytest.raises(TypeError, match="hashable"):
        jit(lambda x: {x: 1})(1.0)


def test_item_assignment_on_tracer():
    def f(x):
        x[0] = 1.0
        return x

    with pytest.raises(TypeError, match=r"\.at\["):
        jit(f)(jnp.zeros(3))


# ---- grad errors ------------------------------------------------------------------------------------

def loss_vector(x):
    return x * 2


def test_grad_of_non_scalar_output_gives_shape():
    with pytest.raises(TypeError) as info:
        grad(loss_vector)(jnp.ones(3))
    message = str(info.value)
    assert "scalar" in message
    assert "(3,)" in message
    assert "loss_vector" in message
    with pytest.raises(TypeError, match=r"\(2, 2\)"):
        grad(loss_vector)(jnp.ones((2, 2)))


def test_grad_of_tuple_output():
    with pytest.raises(TypeError, match="scalar"):
        grad(lambda x: (x, x))(1.0)


def test_grad_with_respect_to_integer_input():
    with pytest.raises(TypeError) as info:
        grad(loss_vector)(3)
    message = str(info.value)
    assert "int32" in message
    assert "float" in message
    with pytest.raises(TypeError, match="int32"):
        grad(lambda x: jnp.sum(x * 1.0))(jnp.arange(3))
    with pytest.raises(TypeError, match="bool"):
        grad(lambda x: 1.0 * x)(True)


def test_grad_of_integer_output():
    with pytest.raises(TypeError, match="int32"):
        grad(lambda x: jnp.int32(1))(2.0)


def test_grad_argnums_out_of_range():
    # JAX's classes: TypeError from grad and value_and_grad, ValueError from the jacobians.
    with pytest.raises(TypeError, match="argnums"):
        grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)
    with pytest.raises(TypeError, match="argnums"):
        jax.value_and_grad(lambda x: x, argnums=1)(1.0)
    for transform in (jax.jacfwd, jax.jacrev, jax.hessian):
        with pytest.raises(ValueError, match="argnums"):
            transform(lambda x: x, argnums=1)(1.0)
    with pytest.raises(TypeError, match="argnums"):
        grad(lambda x: x, argnums=1.5)(1.0)


def test_has_aux_requires_pair():
    with pytest.raises(TypeError, match="has_aux"):
        grad(lambda x: x ** 2, has_aux=True)(1.0)


def test_jvp_argument_errors():
    with pytest.raises(TypeError, match="tuples"):
        jaxlite.jvp(jnp.sin, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        jaxlite.jvp(jnp.sin, (jnp.ones(3),), (jnp.ones(2),))
    with pytest.raises(ValueError, match="1 primals but 2 tangents"):
        jaxlite.jvp(jnp.sin, (1.0,), (1.0, 2.0))


# ---- vmap errors ------------------------------------------------------------------------------------------

def add_vectors(x, y):
    return x + y


def test_vmap_inconsistent_sizes_lists_each_argument():
    with pytest.raises(ValueError) as info:
        vmap(add_vectors)(jnp.ones(3), jnp.ones(4))
    message = str(info.value)
    assert "inconsistent sizes" in message
    assert "add_vectors" in message
    lines = message.splitlines()
    assert any("argument 0" in l and "size 3" in l for l in lines)
    assert any("argument 1" in l and "size 4" in l for l in lines)


def test_vmap_inconsistent_sizes_in_pytree_names_the_leaves():
    with pytest.raises(ValueError) as info:
        vmap(lambda p: p["a"] + p["b"])({"a": jnp.ones(3), "b": jnp.ones(4)})
    message = str(info.value)
    assert "['a']" in message and "size 3" in message
    assert "['b']" in message and "size 4" in message


def test_vmap_axis_out_of_range():
    with pytest.raises(ValueError, match=r"axis 2.*\(2, 2\)"):
        vmap(lambda x: x, in_axes=2)(jnp.ones((2, 2)))


def test_vmap_in_axes_length_mismatch():
    with pytest.raises(ValueError, match="in_axes"):
        vmap(add_vectors, in_axes=(0,))(jnp.ones(3), jnp.ones(3))


def test_vmap_nothing_mapped():
    with pytest.raises(ValueError, match="axis_size"):
        vmap(add_vectors, in_axes=None)(jnp.ones(3), jnp.ones(3))


def test_vmap_mapped_output_with_out_axes_none():
    with pytest.raises(ValueError, match="out_axes"):
        vmap(lambda x: x, out_axes=None)(jnp.ones(3))


def test_vmap_axis_size_disagrees():
    with pytest.raises(ValueError, match="axis_size"):
        vmap(lambda x: x, axis_size=4)(jnp.ones(3))


# ---- shape and dtype errors in jax.numpy / lax -----------------------------------------------------------

def test_dot_shape_mismatch_names_shapes():
    with pytest.raises(TypeError) as info:
        jnp.dot(jnp.ones(3), jnp.ones(4))
    assert "(3,)" in str(info.value) and "(4,)" in str(info.value)
    with pytest.raises(TypeError, match=r"\(2, 3\).*\(2, 3\)"):
        jnp.ones((2, 3)) @ jnp.ones((2, 3))


@pytest.mark.parametrize("fn", [jnp.add, jnp.multiply, jnp.subtract, jnp.maximum, jnp.divide,
                                lambda a, b: a + b, lambda a, b: a * b.astype(jnp.int32)],
                         ids=["add", "multiply", "subtract", "maximum", "divide", "operator",
                              "mixed_dtypes"])
def test_elementwise_broadcast_error_names_shapes(fn):
    # Ranks differ: jnp's rank promotion raises ValueError, as JAX's.
    for f in (fn, jit(fn)):
        with pytest.raises(ValueError) as info:
            f(jnp.ones((2, 3)), jnp.ones(4))
        assert str(info.value) == "Incompatible shapes for broadcasting: shapes=[(2, 3), (4,)]"


def test_add_error_names_the_operation():
    # Equal ranks: the lax primitive's TypeError, as JAX's.
    with pytest.raises(TypeError, match=r"^add got incompatible shapes for broadcasting: "
                       r"\(2, 3\), \(2, 4\)\.$"):
        jnp.add(jnp.ones((2, 3)), jnp.ones((2, 4)))


def test_reshape_and_concatenate_errors():
    with pytest.raises((TypeError, ValueError), match="6"):
        jnp.ones(6).reshape(4, 2)
    with pytest.raises((TypeError, ValueError)):
        jnp.concatenate([jnp.ones((2, 3)), jnp.ones((2, 4))])
    with pytest.raises(TypeError, match=r"\(2, 3\).*\(2, 4\)"):
        jit(lambda a, b: jnp.concatenate([a, b]))(jnp.ones((2, 3)), jnp.ones((2, 4)))


def test_lax_requires_equal_dtypes():
    with pytest.raises(TypeError, match="float32, int32"):
        lax.add(jnp.ones(3), jnp.ones(3, jnp.int32))


def test_indexing_errors():
    with pytest.raises(IndexError, match="out of bounds"):
        jnp.ones(0)[0]
    with pytest.raises(IndexError, match="too many indices"):
        jnp.ones(3)[0, 0]
    for index in (jnp.array([1.0]), 1.0, np.float32(1)):  # JAX: TypeError, eager and jit
        with pytest.raises(TypeError, match="integer or boolean type"):
            jnp.ones(3)[index]
        with pytest.raises(TypeError, match="integer or boolean type"):
            jit(lambda x, i=index: x[i])(jnp.ones(3))
    with pytest.raises(TypeError, match="integer or boolean type"):
        jit(lambda x, i: x[i])(jnp.ones(3), 1.0)
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        jnp.ones(3)[slice(1.0, 2)]
    # A list is never a multi-dimensional index (nor, in JAX, an index array).
    for index in ([0, 1], [[0, 1], [1, 0]], [slice(None), 0], range(2)):
        with pytest.raises(TypeError, match="non-tuple sequence"):
            jnp.ones((2, 2))[index]
        with pytest.raises(TypeError, match="non-tuple sequence"):
            jnp.ones((2, 2)).at[index].set(0.0)
    with pytest.raises(TypeError, match="string indexing"):
        jnp.ones(3)["a"]


# ---- jit argument errors -----------------------------------------------------------------------------------

def test_non_hashable_static_argument():
    f = jit(lambda x, n: x * len(n), static_argnums=1)
    with pytest.raises(ValueError) as info:
        f(2.0, [1, 2])
    message = str(info.value)
    assert "hashable" in message.lower()
    assert "list" in message
    assert float(f(2.0, (1, 2))) == 4.0


def test_non_hashable_static_argname():
    f = jit(lambda x, n: x, static_argnames="n")
    with pytest.raises(ValueError, match="'n'"):
        f(2.0, n={"a": 1})


def test_non_array_jit_argument():
    with pytest.raises(TypeError, match="static"):
        jit(lambda x: x)("abc")


def test_jit_requires_callable():
    with pytest.raises(TypeError, match="callable"):
        jit(3)


# ---- errors raised by primitives called eagerly through lax (no NumPy messages) ----------

def test_lax_shape_errors_eagerly_name_the_primitive_and_shapes():
    from jaxlite import lax
    with pytest.raises(TypeError, match=r"add.*\(2, 3\).*\(4,\)"):
        lax.add(jnp.ones((2, 3)), jnp.ones(4))
    with pytest.raises(TypeError, match=r"dot_general.*\(2, 3\).*\(4, 2\)"):
        lax.dot_general(jnp.ones((2, 3)), jnp.ones((4, 2)), (((1,), (0,)), ((), ())))
    # JAX finds a size mismatch of lax.reshape only when lowering: a ValueError
    with pytest.raises(ValueError, match=r"reshape.*\(6,\).*\(4,\)"):
        lax.reshape(jnp.ones(6), (4,))
    with pytest.raises(TypeError, match="same dtypes.*float32.*int32"):
        lax.add(jnp.ones(3), jnp.ones(3, jnp.int32))


def test_custom_vjp_bwd_with_wrong_structure_is_reported():
    import jaxlite

    @jaxlite.custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g * res[1],))  # one cotangent, needs two
    with pytest.raises(ValueError, match="returned 1 cotangents.*2 differentiable"):
        jaxlite.grad(f)(1.0, 2.0)


def test_while_loop_reverse_mode_error():
    import jaxlite
    from jaxlite import lax
    with pytest.raises(ValueError, match="scan"):
        jaxlite.grad(lambda x: lax.while_loop(lambda c: c < 3, lambda c: c * 2, x))(1.0)


# ---- JAX's exception classes (issue 11; checked against JAX 0.10.2), eager and under jit ----

_EAGER_AND_JIT = [lambda f, *a: f(*a), lambda f, *a: jit(f)(*a)]


@pytest.mark.parametrize("run", _EAGER_AND_JIT, ids=["eager", "jit"])
def test_broadcast_error_classes_match_jax(run):
    a2, a3 = jnp.ones(2), jnp.ones(3)
    # Elementwise operators and ufuncs: TypeError, as JAX's lax-level shape check.
    for f in (lambda a, b: a + b, jnp.add, jnp.maximum, jnp.arctan2, lambda a, b: a == b):
        with pytest.raises(TypeError, match="incompatible shapes"):
            run(f, a2, a3)
    # Functions that broadcast as jnp.broadcast_arrays: ValueError.
    for f in (lambda a, b: jnp.where(a > 0, a, b), lambda a, b: jnp.select([a > 0], [b]),
              lambda a, b: jnp.broadcast_arrays(a, b), lambda a, b: jnp.broadcast_to(b, (2,)),
              lambda a, b: a.at[:].set(b)):
        with pytest.raises(ValueError, match="broadcast"):
            run(f, a2, a3)
    with pytest.raises(ValueError, match="Size of label 'i'"):
        run(lambda a, b: jnp.einsum("i,i->", a, b), a2, a3)
    with pytest.raises(TypeError, match="same number of dimensions"):
        run(lambda a, b: lax.mul(a, b), a2, jnp.ones((2, 2)))
    with pytest.raises(TypeError, match="cannot reshape"):
        run(lambda a: a.reshape(4, -1), jnp.ones(6))


def test_conversion_error_classes_match_jax():
    for value in (None, [1, None], [[1, 2], [3]], ((1, 2), (3,)), [[[1, 2]], [[3]]]):
        with pytest.raises(ValueError):
            jnp.asarray(value)
        with pytest.raises(ValueError):
            jnp.array(value)
    with pytest.raises(ValueError, match="None is not a valid value"):
        jit(lambda x: x + jnp.asarray(None))(1.0)
    for value in ("a", object(), {}, np.array([1, "a"], dtype=object)):
        with pytest.raises(TypeError, match="not a valid JAX array type"):
            jnp.asarray(value)


@pytest.mark.parametrize("run", _EAGER_AND_JIT, ids=["eager", "jit"])
def test_integer_negative_power_is_type_error(run):
    x = jnp.arange(1, 4)
    for f in (lambda a: a ** -1, lambda a: jnp.power(a, -2), lambda a: lax.integer_pow(a, -2),
              lax.reciprocal):
        with pytest.raises(TypeError, match="Integers cannot be raised to negative powers"):
            run(f, x)
    np.testing.assert_array_equal(run(lambda a: a ** 2, x), [1, 4, 9])


def test_grad_of_pure_callback_is_value_error():
    def f(x):
        return jaxlite.pure_callback(lambda v: np.sin(v), jaxlite.ShapeDtypeStruct((), jnp.float32),
                                     x)

    for transform in (grad(f), jit(grad(f))):
        with pytest.raises(ValueError, match="custom_jvp"):
            transform(1.0)


def test_static_argument_errors_at_jit_time():
    with pytest.raises(ValueError, match="static_argnums=.*only accepts 1 positional"):
        jit(lambda a: a, static_argnums=1)
    with pytest.raises(ValueError, match="static_argnums=.*only accepts 1 positional"):
        jit(lambda a: a, static_argnums=-2)
    with pytest.raises(ValueError, match="invalid argnames"):
        jit(lambda a: a, static_argnames="b")
    assert float(jit(lambda a, n: a * n, static_argnums=-1)(2.0, 3)) == 6.0
    jit(lambda a, *rest: a, static_argnums=3)  # *args: any position may be static


def test_concrete_integer_exponents_use_integer_pow():
    x = jnp.arange(1, 4)
    np.testing.assert_array_equal(x ** jnp.array(2), [1, 4, 9])
    with pytest.raises(TypeError, match="negative powers"):
        x ** jnp.array(-1)
    with pytest.raises(TypeError, match="negative powers"):
        x ** np.int64(-1)


def test_error_classes_subclass_as_jax():
    """JAX's hierarchy (0.10.2): tracing errors are TypeErrors through JAXTypeError, so a
    program's `except TypeError` catches them, UnexpectedTracerError included."""
    from jaxlite import errors
    assert issubclass(errors.UnexpectedTracerError, errors.JAXTypeError)
    assert issubclass(errors.UnexpectedTracerError, TypeError)
    for name in ["ConcretizationTypeError", "TracerIntegerConversionError",
                 "TracerArrayConversionError", "KeyReuseError"]:
        assert issubclass(getattr(errors, name), errors.JAXTypeError), name
    assert issubclass(errors.TracerBoolConversionError, errors.ConcretizationTypeError)
    assert issubclass(errors.NonConcreteBooleanIndexError, errors.JAXIndexError)
    assert issubclass(errors.JAXIndexError, IndexError)
    assert issubclass(errors.JaxprTypeError, TypeError)
    assert issubclass(errors.JaxRuntimeError, RuntimeError)
    assert not issubclass(errors.InconclusiveDimensionOperation, (TypeError, ValueError))


def test_user_primitive_without_rules_raises_not_implemented_as_jax():
    from jaxlite.extend import core as extend_core  # noqa: PLC0415 -- local to this test
    p = extend_core.Primitive("multiply_add")
    with pytest.raises(NotImplementedError, match="Evaluation rule for 'multiply_add'"):
        p.bind(2.0, 10.0, 1.0)
    p.def_impl(lambda x, y, z: x * y + z)
    assert float(p.bind(2.0, 3.0, 1.0)) == 7.0
    with pytest.raises(NotImplementedError, match="Abstract evaluation for 'multiply_add'"):
        jax.jit(lambda x: p.bind(x, x, x))(2.0)
