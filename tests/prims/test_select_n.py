"""select_n on large operands: the branch-free select by bit masks is np.where bit for bit
(NaN payloads, signed zeros, infinities, broadcasting), eager and under jit."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.prims import elementwise

N = elementwise._BITWISE_SELECT_MIN_SIZE


def _values(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    x = rng.normal(size=shape).astype(dtype)
    if dtype.kind == "c":  # astype: NumPy < 2 promotes a 0-d complex64 plus a scalar
        x = (x + 1j * rng.normal(size=shape)).astype(dtype)
    if x.ndim == 0:
        return x.reshape(()) if dtype.kind == "c" else np.array(np.nan, dtype)
    specials = np.array([np.nan, -0.0, 0.0, np.inf, -np.inf]).astype(dtype)
    flat = x.reshape(-1)
    flat[::7] = specials[np.arange(flat[::7].size) % specials.size]
    if dtype.kind == "f":  # a NaN with another payload must survive as is
        bits = flat.view(f"u{dtype.itemsize}")
        unsigned = np.dtype(f"u{dtype.itemsize}")  # 1 as an array: NumPy < 2 promotes u8 | 1
        nan_bits = np.array(np.nan, dtype).view(unsigned)
        bits[min(3, bits.size - 1)] = nan_bits | np.array(1, unsigned)
    return x


SHAPES = [  # (which, false case, true case): every kind of broadcast
    ((8, N // 8), (8, N // 8), (8, N // 8)),
    ((8, N // 8), (), (8, N // 8)),
    ((8, N // 8), (8, N // 8), ()),
    ((8, N // 8), (), ()),
    ((8, N // 8), (N // 8,), (8, 1)),
    ((2, 8, N // 8), (8, N // 8), (1, 1, N // 8)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int8", "int32", "uint64",
                                   "bool", "complex64"])
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_bitwise_select_is_np_where_bit_for_bit(dtype, shapes):
    rng = np.random.default_rng(0)
    which = rng.random(shapes[0]) < 0.5
    false_case, true_case = (_values(rng, s, dtype) for s in shapes[1:])
    want = np.where(which, true_case, false_case)
    got = elementwise._bitwise_select(which, false_case, true_case)
    assert got is not None and got.shape == want.shape and got.dtype == want.dtype
    unsigned = f"u{want.dtype.itemsize}"
    np.testing.assert_array_equal(got.view(unsigned), want.view(unsigned))
    got = elementwise._select_n_impl(which, false_case, true_case)
    np.testing.assert_array_equal(got.view(unsigned), want.view(unsigned))


def test_zero_false_case_and_unsupported_operands():
    rng = np.random.default_rng(1)
    which = rng.random(2 * N) < 0.3
    x = _values(rng, (2 * N,), np.float32)
    for zero in (np.float32(0), np.zeros((), np.float32)):
        got = elementwise._bitwise_select(which, zero, x)
        np.testing.assert_array_equal(got.view("u4"), np.where(which, x, zero).view("u4"))
    negative_zero = np.float32(-0.0)  # not all-zero bits: the general blend
    got = elementwise._bitwise_select(which, negative_zero, x)
    np.testing.assert_array_equal(got.view("u4"), np.where(which, x, negative_zero).view("u4"))
    # 16-byte elements and integer selectors are np.where's
    assert elementwise._bitwise_select(which, x.astype(np.complex128), x.astype(np.complex128)) \
        is None
    assert elementwise._bitwise_select(which.astype(np.int32), x, x) is None
    z = x.astype(np.complex128)
    np.testing.assert_array_equal(elementwise._select_n_impl(which, z, -z),
                                  np.where(which, -z, z))


def test_select_n_large_eager_jit_and_grad():
    rng = np.random.default_rng(2)
    x = jnp.asarray(rng.normal(size=(32, 26, 26)).astype(np.float32))
    f = lambda x: lax.select_n(x > 0.2, -x, x * 3)
    want = np.where(np.asarray(x) > 0.2, np.asarray(x) * 3, -np.asarray(x))
    np.testing.assert_array_equal(f(x), want)
    np.testing.assert_array_equal(jaxlite.jit(f)(x), want)
    source = jaxlite.jit(f).lower(x).compile().as_python()
    assert "np.where" not in source  # large selects call the primitive's impl
    g = jaxlite.jit(jaxlite.grad(lambda x: jnp.maximum(f(x), 0.0).sum()))(x)
    slope = np.where(np.asarray(x) > 0.2, 3.0, -1.0)
    np.testing.assert_array_equal(g, np.where(want > 0, slope, 0.0).astype(np.float32))


@pytest.mark.parametrize("index_dtype", ["int8", "uint8", "int32", "uint32", "int64", "uint64"])
def test_select_n_any_integer_index_dtype(x64, index_dtype):
    # np.choose casts its index to np.intp 'safe'ly: uint64 fails on x86-64, and int64 on
    # wasm32, where np.intp is int32 (Pyodide).
    which = np.array([0, 2, 1, 2], index_dtype)
    cases = [np.arange(4.0) + 10 * k for k in range(3)]
    want = np.array([0.0, 21.0, 12.0, 23.0])
    np.testing.assert_array_equal(lax.select_n(which, *cases), want)
    np.testing.assert_array_equal(jaxlite.jit(lax.select_n)(which, *cases), want)
    grads = jaxlite.grad(lambda c: lax.select_n(which, c, 2 * c, c ** 2).sum())(cases[0])
    np.testing.assert_array_equal(grads, [1.0, 2.0, 2.0, 6.0])
