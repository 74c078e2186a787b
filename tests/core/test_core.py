"""Tests for dtypes, weak types, promotion, x64 mode, the Array type (repr, NumPy interop,
immutability, pickling, conversions, methods) and its operators. Indexing and the
jax.numpy functions are in tests/numpy_api/test_numpy_basics.py.

Expected dtypes, reprs and values come from JAX 0.10.2 (or are exact).
"""
import copy
import pickle

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp




def dtype_and_weak(x):
    return x.dtype, x.weak_type


# ---- defaults and weak types ------------------------------------------------------------

def test_python_float_is_weak_float32():
    x = jnp.array(1.0)
    assert x.dtype == np.float32
    assert x.weak_type is True
    assert x.aval.weak_type is True


def test_python_int_is_weak_int32_and_bool_is_strong():
    assert dtype_and_weak(jnp.asarray(3)) == (np.int32, True)
    assert dtype_and_weak(jnp.array(True)) == (np.bool_, False)


def test_lists_and_numpy_arrays_are_strong_and_canonicalized():
    assert dtype_and_weak(jnp.array([1.0, 2.0])) == (np.float32, False)
    assert dtype_and_weak(jnp.array([1, 2])) == (np.int32, False)
    assert dtype_and_weak(jnp.array([1, 2.5])) == (np.float32, False)
    assert dtype_and_weak(jnp.asarray(np.arange(3.0))) == (np.float32, False)
    assert dtype_and_weak(jnp.asarray(np.arange(3))) == (np.int32, False)
    assert dtype_and_weak(jnp.asarray(np.float64(2.0))) == (np.float32, False)
    assert jnp.array(1.0, dtype=jnp.float64).dtype == np.float32


def test_creation_defaults():
    assert dtype_and_weak(jnp.zeros((2, 3))) == (np.float32, False)
    assert dtype_and_weak(jnp.arange(3)) == (np.int32, False)
    assert dtype_and_weak(jnp.arange(3.0)) == (np.float32, False)
    assert dtype_and_weak(jnp.zeros(2, dtype=int)) == (np.int32, False)
    assert dtype_and_weak(jnp.zeros(2, dtype=jnp.int64)) == (np.int32, False)
    assert dtype_and_weak(jnp.zeros(2, dtype=jnp.bool_)) == (np.bool_, False)
    assert dtype_and_weak(jnp.asarray(3, dtype=float)) == (np.float32, False)
    assert dtype_and_weak(jnp.eye(2, dtype=jnp.int32)) == (np.int32, False)


def test_full_and_like_functions_keep_weak_types_as_jax():
    assert dtype_and_weak(jnp.full((2,), 3)) == (np.int32, True)
    assert dtype_and_weak(jnp.full((2,), 3, dtype=jnp.int32)) == (np.int32, False)
    assert dtype_and_weak(jnp.full((2,), jnp.float32(3.0))) == (np.float32, False)
    assert dtype_and_weak(jnp.full_like(jnp.arange(2), 3)) == (np.int32, False)
    assert dtype_and_weak(jnp.full_like(jnp.array(2.0), 3)) == (np.float32, True)
    assert dtype_and_weak(jnp.zeros_like(jnp.array(1.0))) == (np.float32, True)
    assert dtype_and_weak(jnp.ones_like(jnp.array(1.0), dtype=jnp.float32)) == (np.float32, False)
    assert dtype_and_weak(jnp.zeros_like(3.0)) == (np.float32, True)


def test_explicit_dtype_strips_weak_type():
    assert dtype_and_weak(jnp.array(1.0).astype(jnp.float32)) == (np.float32, False)
    assert dtype_and_weak(jnp.asarray(jnp.array(1.0), dtype=jnp.float32)) == (np.float32, False)
    assert dtype_and_weak(jnp.asarray(jnp.array(1.0))) == (np.float32, True)
    assert dtype_and_weak(jnp.float32(2)) == (np.float32, False)


def test_python_scalars_adopt_the_array_dtype():
    assert dtype_and_weak(jnp.zeros(2, jnp.int8) + 1) == (np.int8, False)
    assert dtype_and_weak(jnp.zeros(2, jnp.float16) + 1.0) == (np.float16, False)
    assert dtype_and_weak(jnp.zeros(2, jnp.uint8) + 1) == (np.uint8, False)
    # A weak float meeting a strong int: the default float, still weak.
    assert dtype_and_weak(jnp.zeros(2, jnp.int8) + 1.0) == (np.float32, True)
    assert dtype_and_weak(jnp.arange(3) + 1.5) == (np.float32, True)
    assert dtype_and_weak(jnp.asarray(3) + jnp.zeros(2, jnp.uint8)) == (np.uint8, False)
    np.testing.assert_array_equal(jnp.arange(3) + 1.5, [1.5, 2.5, 3.5])


def test_weak_times_weak_stays_weak():
    assert dtype_and_weak(jnp.array(2.0) * 3) == (np.float32, True)
    assert dtype_and_weak(jnp.asarray(1.0) + jnp.asarray(1)) == (np.float32, True)
    assert dtype_and_weak(jnp.float32(2) * 3) == (np.float32, False)
    assert dtype_and_weak(jnp.add(1.0, 2)) == (np.float32, True)


@pytest.mark.parametrize("a, b, expected", [
    (jnp.int32, jnp.float16, np.float16),
    (jnp.uint8, jnp.int8, np.int16),
    (jnp.uint32, jnp.int32, np.int32),      # x32 lattice
    (jnp.int8, jnp.uint16, np.int32),
    (jnp.bool_, jnp.int8, np.int8),
    (jnp.int16, jnp.float32, np.float32),
    (jnp.uint8, jnp.float16, np.float16),
    (jnp.float16, jnp.float32, np.float32),
    (jnp.uint8, jnp.uint16, np.uint16),
    (jnp.bool_, jnp.float16, np.float16),
])
def test_binary_promotion_of_strong_arrays(a, b, expected):
    x, y = jnp.zeros(2, a), jnp.zeros(2, b)
    assert dtype_and_weak(x + y) == (expected, False)
    assert dtype_and_weak(y * x) == (expected, False)
    assert jnp.promote_types(a, b) == expected


def test_bool_plus_python_int_is_weak_int32():
    out = jnp.array(True) + 1
    assert dtype_and_weak(out) == (np.int32, True)
    assert int(out) == 2


def test_promote_types_and_result_type():
    assert jnp.promote_types("int32", "float16") == np.float16
    assert jnp.promote_types(jnp.float32, jnp.int64) == np.float32
    assert jnp.promote_types("uint64", "int64") == np.float64
    assert jnp.promote_types("int64", "uint32") == np.int64
    assert jnp.result_type(jnp.int8, jnp.uint8) == np.int16
    assert jnp.result_type(1.0, jnp.int32) == np.float32
    assert jnp.result_type(1, jnp.int8) == np.int8
    assert jnp.result_type(jnp.float16, 1.0) == np.float16
    assert jnp.result_type(1, 2.0) == np.float32
    assert jnp.result_type(True, 1) == np.int32
    assert jnp.result_type(jnp.arange(3), 1.0) == np.float32


def test_inexact_functions_of_integers():
    assert jnp.sin(jnp.arange(3)).dtype == np.float32
    assert jnp.mean(jnp.arange(4)).dtype == np.float32
    assert float(jnp.mean(jnp.arange(4))) == 1.5
    assert dtype_and_weak(jnp.sqrt(4.0)) == (np.float32, True)
    assert jnp.exp(jnp.array([1.0], jnp.float16)).dtype == np.float16
    assert dtype_and_weak(jnp.arange(2) / 2) == (np.float32, False)


def test_integer_sums_accumulate_in_default_int():
    assert dtype_and_weak(jnp.sum(jnp.array([True, True, False]))) == (np.int32, False)
    assert int(jnp.sum(jnp.array([True, True, False]))) == 2
    assert jnp.sum(jnp.array([1, 2], jnp.int8)).dtype == np.int32
    assert jnp.sum(jnp.array([1, 2], jnp.uint8)).dtype == np.uint32
    assert jnp.sum(jnp.arange(6).reshape(2, 3), axis=0).dtype == np.int32
    assert jnp.prod(jnp.array([1, 2], jnp.int16)).dtype == np.int32


# ---- x64 mode ----------------------------------------------------------------------------

def test_x64_defaults(x64):
    assert dtype_and_weak(jnp.array(1.0)) == (np.float64, True)
    assert jnp.arange(3).dtype == np.int64
    assert jnp.zeros(2).dtype == np.float64
    assert jnp.asarray(np.arange(2.0)).dtype == np.float64
    assert jnp.result_type(1.0) == np.float64
    g = jaxlite.grad(lambda x: x ** 2)(3.0)
    assert dtype_and_weak(g) == (np.float64, True)
    assert float(g) == 6.0


def test_x64_promotion(x64):
    assert (jnp.zeros(1, jnp.uint32) + jnp.zeros(1, jnp.int32)).dtype == np.int64
    assert jnp.promote_types(jnp.uint32, jnp.int32) == np.int64
    assert jnp.promote_types(jnp.uint64, jnp.int8) == np.float64
    assert dtype_and_weak(jnp.zeros(1, jnp.uint64) + jnp.zeros(1, jnp.int64)) == (np.float64, True)
    assert (jnp.zeros(1, jnp.int64) + jnp.zeros(1, jnp.float16)).dtype == np.float16
    assert (jnp.zeros(1, jnp.float32) + 1.0).dtype == np.float32
    assert (jnp.zeros(1, jnp.int32) + 1).dtype == np.int32


def test_x64_inexact_and_sum_dtypes(x64):
    # JAX: integers up to 32 bits become float32 even with x64; integer sums widen.
    assert jnp.sin(jnp.zeros(2, jnp.int32)).dtype == np.float32
    assert jnp.mean(jnp.zeros(2, jnp.int32)).dtype == np.float32
    assert jnp.sin(jnp.zeros(2, jnp.int64)).dtype == np.float64
    assert jnp.sum(jnp.zeros(2, jnp.int32)).dtype == np.int64
    assert jnp.sum(jnp.zeros(2, jnp.uint8)).dtype == np.uint64


def test_x64_fixture_restores_default():
    assert jaxlite.config.jax_enable_x64 is False
    assert jnp.array(1.0).dtype == np.float32


def test_enable_x64_context_manager():
    with jaxlite.enable_x64():
        assert jnp.zeros(1).dtype == np.float64
    assert jnp.zeros(1).dtype == np.float32


# ---- repr / str -----------------------------------------------------------------------------

@pytest.mark.parametrize("make, expected", [
    (lambda: jnp.array([1.0, 2.0]), "Array([1., 2.], dtype=float32)"),
    (lambda: jnp.array(1.0), "Array(1., dtype=float32, weak_type=True)"),
    (lambda: jnp.asarray(3), "Array(3, dtype=int32, weak_type=True)"),
    (lambda: jnp.array(True), "Array(True, dtype=bool)"),
    (lambda: jnp.arange(3), "Array([0, 1, 2], dtype=int32)"),
    (lambda: jnp.zeros((2, 3)), "Array([[0., 0., 0.],\n       [0., 0., 0.]], dtype=float32)"),
    (lambda: jnp.array([], dtype=jnp.float32), "Array([], shape=(0,), dtype=float32)"),
    (lambda: jnp.zeros((0, 3)), "Array([], shape=(0, 3), dtype=float32)"),
    (lambda: jnp.array([[1, 2], [3, 4]]), "Array([[1, 2],\n       [3, 4]], dtype=int32)"),
    (lambda: jnp.array([1.5, 2.25, 3.125]), "Array([1.5  , 2.25 , 3.125], dtype=float32)"),
    (lambda: jnp.array([True, False]), "Array([ True, False], dtype=bool)"),
    (lambda: jnp.int32(3), "Array(3, dtype=int32)"),
    (lambda: jnp.float32(1.5), "Array(1.5, dtype=float32)"),
    (lambda: jnp.array(2.0) * 3, "Array(6., dtype=float32, weak_type=True)"),
    (lambda: jnp.array([jnp.nan, jnp.inf, -1.0]), "Array([nan, inf, -1.], dtype=float32)"),
    (lambda: jnp.array([1, 255], jnp.uint8), "Array([  1, 255], dtype=uint8)"),
])
def test_repr_like_jax(make, expected):
    assert repr(make()) == expected


def test_str_is_numpy_str():
    assert str(jnp.array([1.0, 2.0])) == "[1. 2.]"
    assert str(jnp.array(1.5)) == "1.5"
    assert str(jnp.arange(3)) == "[0 1 2]"
    assert f"{jnp.array(1.5):.3f}" == "1.500"


# ---- NumPy interop, immutability, pickling, conversions ---------------------------------------

def test_np_asarray_gives_read_only_view_with_values():
    x = jnp.array([1.0, 2.0])
    a = np.asarray(x)
    assert isinstance(a, np.ndarray)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, [1.0, 2.0])
    assert not a.flags.writeable
    with pytest.raises(ValueError):
        a[0] = 5.0
    assert float(x[0]) == 1.0


def test_numpy_array_changes_do_not_leak_into_arrays():
    a = np.arange(3.0, dtype=np.float32)
    x = jnp.asarray(a)
    a[0] = 100.0
    np.testing.assert_array_equal(x, [0.0, 1.0, 2.0])


def test_numpy_functions_accept_arrays():
    out = np.sin(jnp.array([0.0, 1.0]))
    np.testing.assert_allclose(out, np.sin(np.array([0.0, 1.0], np.float32)))
    np.testing.assert_array_equal(np.array([1.0, 2.0]) + jnp.array([1.0, 2.0]), [2.0, 4.0])
    out = jnp.array([1.0, 2.0]) + np.array([1.0, 2.0])
    assert isinstance(out, jaxlite.Array)
    assert out.dtype == np.float32
    out = np.float32(2.0) + jnp.array(1.0)
    assert float(out) == 3.0


def test_arrays_are_immutable():
    x = jnp.zeros(3)
    with pytest.raises(TypeError, match=r"\.at\[idx\]\.set"):
        x[0] = 1.0
    with pytest.raises(TypeError, match="unhashable"):
        hash(x)
    np.testing.assert_array_equal(x, [0.0, 0.0, 0.0])


@pytest.mark.parametrize("value", [jnp.array([1.0, 2.0]), jnp.array(2.0), jnp.arange(6).reshape(2, 3),
                                   jnp.array([True, False])])
def test_pickle_roundtrip(value):
    out = pickle.loads(pickle.dumps(value))
    assert isinstance(out, jaxlite.Array)
    assert out.dtype == value.dtype
    assert out.shape == value.shape
    assert out.weak_type == value.weak_type
    np.testing.assert_array_equal(out, value)


def test_copy_and_deepcopy():
    x = jnp.array([1.0, 2.0])
    for y in (copy.copy(x), copy.deepcopy(x), x.copy()):
        np.testing.assert_array_equal(y, x)
        assert y.dtype == x.dtype


def test_python_scalar_conversions():
    assert jnp.array(2.5).item() == 2.5
    assert type(jnp.array(2.5).item()) is float
    assert type(jnp.array(7).item()) is int
    assert float(jnp.array(2.5)) == 2.5
    assert int(jnp.array(7)) == 7
    assert int(jnp.array(7.9)) == 7
    assert bool(jnp.array(0.0)) is False
    assert bool(jnp.array(3)) is True
    assert complex(jnp.array(1.5)) == 1.5 + 0j
    assert jnp.arange(3).tolist() == [0, 1, 2]
    assert jnp.arange(4).reshape(2, 2).item(3) == 3
    assert [1, 2, 3][jnp.array(1)] == 2  # __index__


def test_scalar_conversion_of_non_scalar_raises():
    with pytest.raises(TypeError):
        float(jnp.array([1.0, 2.0]))
    with pytest.raises((TypeError, ValueError)):
        bool(jnp.array([1.0, 2.0]))
    with pytest.raises(TypeError):
        [1, 2][jnp.array(1.0)]


def test_len_iter_and_metadata():
    x = jnp.zeros((5, 2))
    assert len(x) == 5
    assert x.shape == (5, 2) and x.ndim == 2 and x.size == 10
    assert x.T.shape == (2, 5)
    assert [float(v) for v in jnp.array([1.0, 2.0])] == [1.0, 2.0]
    rows = list(jnp.arange(6).reshape(3, 2))
    assert len(rows) == 3
    np.testing.assert_array_equal(rows[2], [4, 5])
    with pytest.raises(TypeError):
        len(jnp.array(1.0))
    with pytest.raises(TypeError):
        iter(jnp.array(1.0))


# ---- operators -------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, expected, dtype", [
    (lambda: jnp.array([1.0, 2.0]) + 1, [2.0, 3.0], np.float32),
    (lambda: 1 - jnp.array([1.0, 2.0]), [0.0, -1.0], np.float32),
    (lambda: jnp.array([1.0, 2.0]) * 2, [2.0, 4.0], np.float32),
    (lambda: 3 * jnp.array([1, 2]), [3, 6], np.int32),
    (lambda: 1 / jnp.array([1.0, 2.0]), [1.0, 0.5], np.float32),
    (lambda: jnp.array([1, 2]) / 2, [0.5, 1.0], np.float32),
    (lambda: 2 ** jnp.array([1.0, 2.0]), [2.0, 4.0], np.float32),
    (lambda: jnp.array([1, 2, 3]) ** 2, [1, 4, 9], np.int32),
    (lambda: jnp.array([1.0, 4.0]) ** 0.5, [1.0, 2.0], np.float32),
    (lambda: 7 // jnp.array([2, 3]), [3, 2], np.int32),
    (lambda: jnp.array([-7, 7]) // 2, [-4, 3], np.int32),
    (lambda: jnp.array([-7.5, 7.5]) // 2, [-4.0, 3.0], np.float32),
    (lambda: 7 % jnp.array([2, -3]), [1, -2], np.int32),
    (lambda: jnp.array([-7, 7]) % 3, [2, 1], np.int32),
    (lambda: jnp.array([-7.5, 7.5]) % 2, [0.5, 1.5], np.float32),
    (lambda: -jnp.array([1, -2]), [-1, 2], np.int32),
    (lambda: +jnp.array([1, -2]), [1, -2], np.int32),
    (lambda: abs(jnp.array([1, -2])), [1, 2], np.int32),
    (lambda: ~jnp.array([1, 0]), [-2, -1], np.int32),
    (lambda: ~jnp.array([True, False]), [False, True], np.bool_),
    (lambda: jnp.array([1, 3]) & 2, [0, 2], np.int32),
    (lambda: 4 | jnp.array([1, 3]), [5, 7], np.int32),
    (lambda: jnp.array([True, False]) ^ True, [False, True], np.bool_),
    (lambda: jnp.array([1, 2]) << 2, [4, 8], np.int32),
    (lambda: jnp.array([-8, 8]) >> 1, [-4, 4], np.int32),
    (lambda: jnp.array([1.0, 2.0]) == 2, [False, True], np.bool_),
    (lambda: jnp.array([1.0, 2.0]) != 2, [True, False], np.bool_),
    (lambda: 1 < jnp.array([1.0, 2.0]), [False, True], np.bool_),
    (lambda: jnp.array([1.0, 2.0]) <= 1, [True, False], np.bool_),
    (lambda: jnp.array([1.0, 2.0]) > 1, [False, True], np.bool_),
    (lambda: 2 >= jnp.array([1.0, 3.0]), [True, False], np.bool_),
    (lambda: jnp.ones((2, 3)) @ jnp.ones((3,)), [3.0, 3.0], np.float32),
    (lambda: np.ones((2, 2), np.float32) @ jnp.ones((2,)), [2.0, 2.0], np.float32),
])
def test_operators(fn, expected, dtype):
    out = fn()
    assert isinstance(out, jaxlite.Array)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, expected)


def test_divmod():
    q, r = divmod(jnp.array([7, -7]), 3)
    np.testing.assert_array_equal(q, [2, -3])
    np.testing.assert_array_equal(r, [1, 2])


def test_unknown_operand_types_return_not_implemented():
    class Other:
        def __radd__(self, other):
            return "other"

    assert jnp.array(1.0) + Other() == "other"
    with pytest.raises(TypeError):
        jnp.array(1.0) + "a"


def test_methods():
    x = jnp.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(x.sum(axis=0), [3, 5, 7])
    assert int(x.max()) == 5 and int(x.min()) == 0
    np.testing.assert_array_equal(x.argmax(axis=1), [2, 2])
    np.testing.assert_array_equal(x.reshape(3, 2), [[0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(x.reshape((-1,)), [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(x.transpose(), [[0, 3], [1, 4], [2, 5]])
    np.testing.assert_array_equal(x.ravel(), np.arange(6))
    assert x.astype(jnp.float16).dtype == np.float16
    assert float(x.mean()) == 2.5
    np.testing.assert_allclose(float(x.var()), np.var(np.arange(6)), rtol=1e-6)
    np.testing.assert_array_equal(x.clip(1, 3), [[1, 1, 2], [3, 3, 3]])


def test_array_from_list_of_arrays_uses_jax_promotion():
    x = jnp.ones(2, jnp.int8)
    for f in (lambda x: jnp.array([x[0], 1]), jaxlite.jit(lambda x: jnp.array([x[0], 1]))):
        out = f(x)
        assert dtype_and_weak(out) == (np.int8, False)
        np.testing.assert_array_equal(out, [1, 1])
    assert dtype_and_weak(jnp.array([jnp.float16(1), 2.0])) == (np.float16, False)
    assert dtype_and_weak(jnp.array([jnp.array(1.0), 2])) == (np.float32, False)
    out = jnp.array([[jnp.arange(2)], [jnp.arange(2.0)]])
    assert out.shape == (2, 1, 2) and out.dtype == np.float32
    out = jnp.array((jnp.ones(2), jnp.zeros(2)), dtype=jnp.int32)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[1, 1], [0, 0]])


@pytest.mark.parametrize("dtype", [jnp.int8, jnp.float16, jnp.uint8])
def test_small_dtypes_are_kept_by_python_scalars_eager_and_jit(dtype):
    x = jnp.zeros(2, dtype)
    for f in (lambda x: x + 1, lambda x: x - 1):
        for g in (f, jaxlite.jit(f)):
            assert g(x).dtype == dtype
    np.testing.assert_array_equal(jnp.zeros(2, jnp.uint8) - 1, [255, 255])
    np.testing.assert_array_equal(jaxlite.jit(lambda x: x - 1)(jnp.zeros(2, jnp.uint8)), [255, 255])


def test_boolean_arithmetic_promotes_to_int_eager_and_jit():
    b, c = jnp.array([True, False, True]), jnp.array([True, True, False])
    cases = {
        "square": (lambda: jnp.square(b), [1, 0, 1]),
        "pow_int": (lambda: b ** 2, [1, 0, 1]),
        "power": (lambda: jnp.power(b, c), [1, 0, 1]),
        "left_shift": (lambda: jnp.left_shift(b, c), [2, 0, 1]),
        "right_shift": (lambda: jnp.right_shift(b, c), [0, 0, 1]),
        "remainder_nonzero": (lambda: jnp.remainder(b, jnp.array([True, True, True])), [0, 0, 0]),
    }
    for name, (f, expected) in cases.items():
        for g in (f, jaxlite.jit(f)):
            out = g()
            assert dtype_and_weak(out) == (np.int32, False), name
            np.testing.assert_array_equal(out, expected)
    # add/multiply/maximum of booleans stay boolean, as in JAX
    assert (b + c).dtype == np.bool_ and (b * c).dtype == np.bool_
    np.testing.assert_array_equal(b + c, [True, True, True])
    assert jnp.mean(b).dtype == np.float32 and jnp.sum(b).dtype == np.int32


def test_tracers_and_avals_print_as_jax_prints_them():
    # Programs print tracers (`print(x)` inside jit) and avals; JAX 0.10's text.
    import jaxlite as jax
    import jaxlite.numpy as jnp
    seen = []
    show = lambda x: seen.append(repr(x)) or x
    jax.jit(show)(1.0)
    jax.jit(show)(jnp.ones((2, 3), jnp.int32))
    jax.grad(show)(1.0)
    jax.vmap(show)(jnp.ones(3))
    jax.jvp(show, (jnp.ones(2),), (jnp.ones(2),))
    jax.jit(jax.grad(show))(1.0)
    assert seen == ["JitTracer(~float32[])", "JitTracer(int32[2,3])",
                    "GradTracer(primal=1.0, typeof(tangent)=f32[])",
                    "VmapTracer(aval=float32[], batched=float32[3])",
                    "JVPTracer(primal=[1. 1.], tangent=[1. 1.])",
                    "GradTracer(primal=JitTracer(~float32[]), typeof(tangent)=f32[])"]
    aval = jax.make_jaxpr(lambda x: x)(1.0).in_avals[0]
    assert (str(aval), repr(aval)) == ("~float32[]", "ShapedArray(float32[], weak_type=True)")


def test_tracers_are_weak_referenceable():
    # as JAX's are: tensorflow-probability caches by weak references to its inputs
    import weakref  # noqa: PLC0415
    refs = []

    def f(x):
        refs.append(weakref.ref(x))
        return x * 2.0

    jaxlite.jit(f)(1.0)
    jaxlite.vmap(f)(jnp.ones(2))
    jaxlite.grad(f)(1.0)
    assert len(refs) == 3


def test_array_methods_work_on_every_tracer():
    # x.var() under jit once returned the staging tracer's jaxpr variable (blackjax)
    x = jnp.arange(6.0).reshape(2, 3)
    for name, kwargs in [("var", {"ddof": 1}), ("std", {}), ("mean", {"axis": 0}),
                         ("sum", {"keepdims": True})]:
        eager = getattr(x, name)(**kwargs)
        for transform in (jaxlite.jit, lambda f: (lambda v: jaxlite.vmap(f)(v[None])[0])):
            got = transform(lambda v: getattr(v, name)(**kwargs))(x)
            np.testing.assert_allclose(got, eager, rtol=1e-6)


def test_jax_array_declares_the_array_api_as_jax_does():
    # orbax mocks arrays with mock.Mock(spec=jax.Array, __getitem__=...): the spec needs the
    # API on the class, and such a mock counts as a jax.Array (as in JAX).
    from unittest import mock  # noqa: PLC0415
    import jaxlite  # noqa: PLC0415
    fake = mock.Mock(spec=jaxlite.Array, shape=(2,), __getitem__=lambda self, i: 7)
    assert fake[0] == 7 and fake.shape == (2,) and isinstance(fake, jaxlite.Array)
    assert all(hasattr(jaxlite.Array, n) for n in ("sum", "reshape", "shape", "dtype", "at"))
    assert not isinstance(np.ones(2), jaxlite.Array) and not isinstance(1.0, jaxlite.Array)
    with pytest.raises(TypeError, match="cannot be instantiated"):
        jaxlite.Array()
