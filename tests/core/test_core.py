"""Tests for dtypes, weak types, promotion, the Array type, operators and indexing.

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


# ---- indexing ----------------------------------------------------------------------------------

X = np.arange(12.0, dtype=np.float32).reshape(3, 4)


@pytest.mark.parametrize("index", [
    1, -1, (1, 2), (-1, 2), slice(1, 3), (slice(None), slice(1, 3)), (slice(None, None, 2), slice(None, None, -1)),
    (None, 1), (Ellipsis, 1), (1, Ellipsis, None), (None, Ellipsis, None), (slice(None), None, 2),
    np.array([0, 2]), (np.array([0, 2]), np.array([1, 3])), (slice(None), np.array([3, 0])),
    (np.array([[0], [2]]), np.array([1, 3])), (1, np.array([0, 0, 3])), np.array([-1, 0]),
    (np.array([0, 1]), slice(None), ), (Ellipsis, np.array([1, 2])),
])
def test_basic_and_integer_array_indexing_matches_numpy(index):
    x = jnp.asarray(X)
    jindex = tuple(jnp.asarray(i) if isinstance(i, np.ndarray) else i for i in index) \
        if isinstance(index, tuple) else (jnp.asarray(index) if isinstance(index, np.ndarray) else index)
    out = x[jindex]
    expected = X[index]
    assert out.shape == expected.shape
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, expected)


def test_indexing_with_scalar_array_and_weak_types():
    x = jnp.asarray(X)
    np.testing.assert_array_equal(x[jnp.array(1)], X[1])
    assert dtype_and_weak(jnp.arange(3)[1]) == (np.int32, False)
    assert dtype_and_weak((jnp.arange(3.0) * 2.0)[0]) == (np.float32, False)
    w = jnp.zeros(3) + jnp.array(1.0)
    assert w.weak_type is False


def test_boolean_mask_indexing_outside_jit():
    x = jnp.asarray(X)
    np.testing.assert_array_equal(x[x > 5], X[X > 5])
    np.testing.assert_array_equal(x[np.array([True, False, True])], X[[0, 2]])
    np.testing.assert_array_equal(x[:, jnp.array([True, False, False, True])], X[:, [0, 3]])
    np.testing.assert_array_equal(x[jnp.zeros((3, 4), bool)], np.zeros(0, np.float32))


def test_out_of_bounds_integer_array_reads_are_clamped():
    # JAX clamps out-of-bounds gather indices.
    np.testing.assert_array_equal(jnp.arange(12.0).reshape(3, 4)[jnp.array([5, -1])], X[[2, 2]])


def test_out_of_bounds_static_int_raises():
    with pytest.raises(IndexError):
        jnp.arange(3)[5]
    with pytest.raises(IndexError):
        jnp.arange(3)[0, 0]


def test_at_set():
    x = jnp.asarray(X)
    out = x.at[0, 1].set(100.0)
    expected = X.copy()
    expected[0, 1] = 100.0
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(x, X)  # unchanged
    out = x.at[1].set(jnp.arange(4.0))
    expected = X.copy()
    expected[1] = np.arange(4.0)
    np.testing.assert_array_equal(out, expected)
    out = jnp.zeros(3).at[0].set(2)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [2.0, 0.0, 0.0])
    np.testing.assert_array_equal(jnp.arange(4.0).at[jnp.arange(4) > 1].set(0.0), [0, 1, 0, 0])
    np.testing.assert_array_equal(x.at[:, 1:3].set(-1.0)[:, 1:3], -np.ones((3, 2)))


def test_at_add_accumulates_duplicates():
    out = jnp.zeros(4).at[jnp.array([0, 0, 2])].add(1.0)
    np.testing.assert_array_equal(out, [2.0, 0.0, 1.0, 0.0])


def test_at_multiply_min_max_get():
    np.testing.assert_array_equal(jnp.ones(4).at[1:3].multiply(5.0), [1.0, 5.0, 5.0, 1.0])
    idx = jnp.array([1, 3])
    vals = jnp.array([0.5, 5.0])
    np.testing.assert_array_equal(jnp.arange(4.0).at[idx].min(vals), [0.0, 0.5, 2.0, 3.0])
    np.testing.assert_array_equal(jnp.arange(4.0).at[idx].max(vals), [0.0, 1.0, 2.0, 5.0])
    assert float(jnp.arange(4.0).at[2].get()) == 2.0
    np.testing.assert_array_equal(jnp.arange(4.0).at[idx].get(), [1.0, 3.0])


def test_at_out_of_bounds_updates_are_dropped():
    np.testing.assert_array_equal(jnp.arange(4.0).at[jnp.array([10])].set(9.0), [0, 1, 2, 3])
    np.testing.assert_array_equal(jnp.arange(4.0).at[jnp.array([10, 1, -10, -1])].set(9.0),
                                  [0, 9, 2, 9])
    np.testing.assert_array_equal(jnp.arange(4.0).at[jnp.array([10, 1, 1])].add(9.0),
                                  [0, 19, 2, 3])
    out = jnp.arange(12.0).reshape(3, 4).at[jnp.array([0, 5]), 1:].set(-1.0)
    expected = X.copy()
    expected[0, 1:] = -1.0
    np.testing.assert_array_equal(out, expected)
    out = jnp.arange(12.0).reshape(3, 4).at[:, jnp.array([0, 5])].set(-1.0)
    expected = X.copy()
    expected[:, 0] = -1.0
    np.testing.assert_array_equal(out, expected)


def test_at_under_jit_matches_eager():
    f = jaxlite.jit(lambda x, i, v: x.at[i].add(v))
    out = f(jnp.zeros(5), jnp.array([1, 1, 4]), jnp.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(out, [0.0, 3.0, 0.0, 0.0, 3.0])


# ---- jax.numpy functions: values like NumPy, dtypes like JAX ----------------------------------------

XF = np.array([[-1.5, 0.0, 2.25], [3.0, -0.5, 1.0]], np.float32)
XI = np.array([[-3, 0, 2], [5, -1, 7]], np.int32)

# name -> (NumPy reference, result dtype for float32 input, result dtype for int32 input)
UNARY_FUNCTIONS = {
    "abs": (np.abs, np.float32, np.int32),
    "negative": (np.negative, np.float32, np.int32),
    "positive": (np.positive, np.float32, np.int32),
    "sign": (np.sign, np.float32, np.int32),
    "floor": (np.floor, np.float32, np.int32),
    "ceil": (np.ceil, np.float32, np.int32),
    "round": (np.round, np.float32, np.int32),
    "rint": (np.rint, np.float32, np.float32),
    "trunc": (np.trunc, np.float32, np.int32),
    "square": (np.square, np.float32, np.int32),
    "exp": (np.exp, np.float32, np.float32),
    "exp2": (np.exp2, np.float32, np.float32),
    "expm1": (np.expm1, np.float32, np.float32),
    "sin": (np.sin, np.float32, np.float32),
    "cos": (np.cos, np.float32, np.float32),
    "tan": (np.tan, np.float32, np.float32),
    "tanh": (np.tanh, np.float32, np.float32),
    "arctan": (np.arctan, np.float32, np.float32),
    "sinh": (np.sinh, np.float32, np.float32),
    "cosh": (np.cosh, np.float32, np.float32),
    "arcsinh": (np.arcsinh, np.float32, np.float32),
    "cbrt": (np.cbrt, np.float32, np.float32),
    "deg2rad": (np.deg2rad, np.float32, np.float32),
    "sinc": (np.sinc, np.float32, np.float32),
    "isfinite": (np.isfinite, np.bool_, np.bool_),
    "isnan": (np.isnan, np.bool_, np.bool_),
    "isinf": (np.isinf, np.bool_, np.bool_),
    "isposinf": (np.isposinf, np.bool_, np.bool_),
    "isneginf": (np.isneginf, np.bool_, np.bool_),
    "signbit": (np.signbit, np.bool_, np.bool_),
    "logical_not": (np.logical_not, np.bool_, np.bool_),
}


@pytest.mark.parametrize("name", sorted(UNARY_FUNCTIONS))
def test_unary_jnp_functions(name):
    reference, float_dtype, int_dtype = UNARY_FUNCTIONS[name]
    fn = getattr(jnp, name)
    for x, dtype in ((XF, float_dtype), (XI, int_dtype)):
        out = fn(jnp.asarray(x))
        assert out.dtype == dtype and not out.weak_type
        with np.errstate(all="ignore"):
            expected = reference(x)
        np.testing.assert_allclose(np.asarray(out, np.float64), np.asarray(expected, np.float64),
                                   rtol=2e-6, atol=1e-6)


def test_positive_domain_unary_functions():
    x = np.array([0.5, 1.0, 2.0, 7.5], np.float32)
    for name, reference in [("sqrt", np.sqrt), ("log", np.log), ("log2", np.log2),
                            ("log10", np.log10), ("log1p", np.log1p), ("reciprocal", np.reciprocal),
                            ("arccosh", lambda v: np.arccosh(v + 1))]:
        arg = x + 1 if name == "arccosh" else x
        out = getattr(jnp, name)(jnp.asarray(arg))
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, reference(x), rtol=2e-6)
    assert jnp.sqrt(jnp.arange(4)).dtype == np.float32


BINARY_FUNCTIONS = {
    # name -> (NumPy reference, dtype for (f32, f32), dtype for (i32, i32))
    "add": (np.add, np.float32, np.int32),
    "subtract": (np.subtract, np.float32, np.int32),
    "multiply": (np.multiply, np.float32, np.int32),
    "divide": (np.divide, np.float32, np.float32),
    "floor_divide": (np.floor_divide, np.float32, np.int32),
    "remainder": (np.remainder, np.float32, np.int32),
    "fmod": (np.fmod, np.float32, np.int32),
    "maximum": (np.maximum, np.float32, np.int32),
    "minimum": (np.minimum, np.float32, np.int32),
    "fmax": (np.fmax, np.float32, np.int32),
    "fmin": (np.fmin, np.float32, np.int32),
    "arctan2": (np.arctan2, np.float32, np.float32),
    "hypot": (np.hypot, np.float32, np.float32),
    "copysign": (np.copysign, np.float32, np.float32),
    "logaddexp": (np.logaddexp, np.float32, np.float32),
    "equal": (np.equal, np.bool_, np.bool_),
    "not_equal": (np.not_equal, np.bool_, np.bool_),
    "less": (np.less, np.bool_, np.bool_),
    "greater_equal": (np.greater_equal, np.bool_, np.bool_),
    "logical_and": (np.logical_and, np.bool_, np.bool_),
    "logical_xor": (np.logical_xor, np.bool_, np.bool_),
}


@pytest.mark.parametrize("name", sorted(BINARY_FUNCTIONS))
def test_binary_jnp_functions(name):
    reference, float_dtype, int_dtype = BINARY_FUNCTIONS[name]
    fn = getattr(jnp, name)
    yf = np.array([[2.0, -3.0, 0.5], [-4.0, 1.5, 3.0]], np.float32)
    yi = np.array([[2, -3, 5], [-4, 3, 3]], np.int32)
    for x, y, dtype in ((XF, yf, float_dtype), (XI, yi, int_dtype)):
        out = fn(jnp.asarray(x), jnp.asarray(y))
        assert out.dtype == dtype
        expected = reference(x, y)
        np.testing.assert_allclose(np.asarray(out, np.float64), np.asarray(expected, np.float64),
                                   rtol=2e-6, atol=1e-6)
    # mixed int/float arrays promote to float32; a weak Python float keeps int arrays float32
    assert fn(jnp.asarray(XI), jnp.asarray(yf)).dtype in (np.float32, np.bool_)
    out = fn(jnp.asarray(XI), 2.5)
    assert out.dtype in (np.float32, np.bool_)


def test_power_dtypes_and_values():
    out = jnp.power(jnp.asarray(XI), 2)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, XI ** 2)
    out = jnp.asarray(XI) ** 2.0
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, XI.astype(np.float32) ** 2)
    out = jnp.float_power(jnp.asarray(XI), 2)
    assert out.dtype == np.float32
    with pytest.raises(ValueError, match="negative"):
        jnp.power(jnp.asarray(XI), -1)


def test_take_out_of_bounds_modes_like_jax():
    x = jnp.arange(5.0)
    idx = jnp.array([7, -1, -6, 2])
    np.testing.assert_array_equal(jnp.take(x, idx), [np.nan, 4.0, np.nan, 2.0])
    np.testing.assert_array_equal(jnp.take(jnp.arange(5), jnp.array([7, -1])),
                                  [np.iinfo(np.int32).min, 4])
    np.testing.assert_array_equal(jnp.take(jnp.arange(5, dtype=jnp.uint8), jnp.array([7])), [255])
    np.testing.assert_array_equal(jnp.take(x, jnp.array([7, -1]), mode="clip"), [4.0, 0.0])
    np.testing.assert_array_equal(jnp.take(x, jnp.array([7, -1]), mode="wrap"), [2.0, 4.0])
    np.testing.assert_array_equal(jnp.take(x, jnp.array([7]), fill_value=-1.0), [-1.0])
    np.testing.assert_array_equal(jnp.take_along_axis(x, jnp.array([7, -1]), axis=0), [np.nan, 4.0])
    out = jnp.take(jnp.arange(12.0).reshape(3, 4), jnp.array([[0, 9]]), axis=1)
    assert out.shape == (3, 1, 2)
    np.testing.assert_array_equal(out[:, 0, 0], [0.0, 4.0, 8.0])
    assert np.isnan(np.asarray(out[:, 0, 1])).all()
    # the same under jit and vmap
    np.testing.assert_array_equal(jaxlite.jit(lambda i: jnp.take(x, i))(jnp.array([0, 9])),
                                  [0.0, np.nan])
    np.testing.assert_array_equal(jaxlite.vmap(lambda i: jnp.take(x, i))(jnp.array([0, 9])),
                                  [0.0, np.nan])


@pytest.mark.parametrize("name, axis", [(n, a) for n in ["sum", "prod", "max", "min", "mean", "var",
                                                           "std", "argmax", "argmin", "ptp", "all",
                                                           "any"] for a in (None, 0, 1)])
def test_reductions_match_numpy(name, axis):
    for x in (XF, XI):
        out = getattr(jnp, name)(jnp.asarray(x), axis=axis)
        expected = getattr(np, name)(x, axis=axis)
        assert out.shape == np.shape(expected)
        np.testing.assert_allclose(np.asarray(out, np.float64), np.asarray(expected, np.float64),
                                   rtol=2e-6, atol=1e-6)
        if name in ("mean", "var", "std"):
            assert out.dtype == np.float32
        elif name in ("argmax", "argmin"):
            assert out.dtype == np.int32
        elif name in ("all", "any"):
            assert out.dtype == np.bool_
        else:
            assert out.dtype == x.dtype
    out = getattr(jnp, name)(jnp.asarray(XF), axis=1, keepdims=True) \
        if name not in ("argmax", "argmin") else None
    if out is not None:
        assert out.shape == (2, 1)


def test_reduction_options():
    x, mask = jnp.asarray(XF), jnp.asarray(XF > 0)
    assert float(jnp.sum(x, where=mask)) == float(XF[XF > 0].sum())
    np.testing.assert_allclose(jnp.mean(x, where=mask), XF[XF > 0].mean(), rtol=1e-6)
    assert float(jnp.max(x, initial=10.0)) == 10.0
    assert jnp.sum(jnp.asarray(XI), dtype=jnp.float32).dtype == np.float32
    np.testing.assert_allclose(jnp.var(x, ddof=1), np.var(XF, ddof=1), rtol=1e-6)
    np.testing.assert_allclose(jnp.average(x, axis=1, weights=jnp.array([1.0, 2.0, 3.0])),
                               np.average(XF, axis=1, weights=[1.0, 2.0, 3.0]), rtol=1e-6)
    assert int(jnp.count_nonzero(jnp.asarray(XI))) == 5
    with pytest.raises(ValueError):
        jnp.max(jnp.zeros((0,)))


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
