"""jax.numpy basics: indexing (basic, integer-array and boolean, `.at[...]` updates, eager
and under jit) and the elementwise functions and reductions: values like NumPy, dtypes like
JAX. Dtypes, promotion and the Array type itself are in tests/core/test_core.py.

Expected dtypes and values come from JAX 0.10.2 (or are exact).
"""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp


def dtype_and_weak(x):
    return x.dtype, x.weak_type


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


def test_out_of_bounds_static_int_clamps_as_jax():
    # JAX clamps static ints too (x[11] on 10 elements is x[9]); only too many indices and
    # indexing an empty axis raise.
    assert int(jnp.arange(3)[5]) == 2
    assert int(jnp.arange(3)[-7]) == 0
    with pytest.raises(IndexError):
        jnp.arange(3)[0, 0]
    with pytest.raises(IndexError):
        jnp.zeros(0)[0]


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
    with pytest.raises(TypeError, match="negative"):
        jnp.power(jnp.asarray(XI), -1)


def test_take_out_of_bounds_modes_like_jax():
    x = jnp.arange(5.0)
    idx = jnp.array([7, -1, -6, 2])
    np.testing.assert_array_equal(jnp.take(x, idx), [np.nan, 4.0, np.nan, 2.0])
    np.testing.assert_array_equal(jnp.take(jnp.arange(5), jnp.array([7, -1])),
                                  [np.iinfo(np.int32).min, 4])
    np.testing.assert_array_equal(jnp.take(jnp.arange(5, dtype=jnp.uint8), jnp.array([7])), [255])
    # uint32's fill is above int32's range (JAX: [0 4294967295])
    np.testing.assert_array_equal(jnp.take(jnp.arange(3, dtype=jnp.uint32), jnp.array([0, 5])),
                                  [0, 2**32 - 1])
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


def test_array_of_traced_scalars_stages_as_jax():
    """jnp.array of a list holding tracers: each leaf converted to the list's dtype
    (strongly typed), broadcast to a leading axis of 1, then concatenated, level by level,
    as JAX 0.10.2 stages it; Python scalars convert concretely."""
    text = str(jaxlite.make_jaxpr(lambda a, b: jnp.array([a, b]))(1, 2.0))
    assert text == ("{ lambda ; a:i32[] b:f32[]. let\n"
                    "    c:f32[] = convert_element_type[new_dtype=float32 weak_type=False] a\n"
                    "    d:f32[1] = broadcast_in_dim c\n"
                    "    e:f32[] = convert_element_type[new_dtype=float32 weak_type=False] b\n"
                    "    f:f32[1] = broadcast_in_dim e\n"
                    "    g:f32[2] = concatenate[dimension=0] d f\n"
                    "  in (g,) }")
    text = str(jaxlite.make_jaxpr(lambda a: jnp.array([a, 3]))(jnp.int32(1)))
    assert "broadcast_in_dim 3:i32[]" in text and "convert_element_type" not in text
    out = jaxlite.jit(lambda a, b: jnp.array([[a, b], [b, a]]))(1.0, 2.0)
    assert out.dtype == jnp.float32 and not out.weak_type
    assert out.tolist() == [[1.0, 2.0], [2.0, 1.0]]


# ---- broadcasting errors (JAX 0.10.2's classes and messages) -----------------------------------

def test_binary_op_rank_mismatch_is_value_error_from_rank_promotion():
    # jnp promotes ranks first (jnp.broadcast_shapes), which raises ValueError.
    with pytest.raises(ValueError, match=r"^Incompatible shapes for broadcasting: "
                       r"shapes=\[\(100,\), \(100, 10\)\]$"):
        jnp.ones(100) * jnp.ones((100, 10))
    with pytest.raises(ValueError, match=r"shapes=\[\(3,\), \(2, 4\)\]"):
        jaxlite.jit(lambda a, b: a + b)(jnp.ones(3), jnp.ones((2, 4)))


def test_binary_op_equal_rank_mismatch_is_type_error_from_lax():
    with pytest.raises(TypeError, match=r"^add got incompatible shapes for broadcasting: "
                       r"\(3,\), \(2,\)\.$"):
        jnp.add(jnp.ones(3), np.ones(2))
    with pytest.raises(TypeError, match=r"^div got incompatible"):
        jnp.ones(3) / jnp.ones(4)


def test_broadcast_shapes_message():
    with pytest.raises(ValueError, match=r"^Incompatible shapes for broadcasting: "
                       r"shapes=\[\(3,\), \(4,\)\]$"):
        jnp.broadcast_shapes((3,), (4,))


def test_operators_take_objects_with_jax_array_like_jax():
    # An operand with __jax_array__ joins as its array (JAX: [3.]), before its own
    # reflected operator; an unknown operand gets to answer with its reflected operator.
    class Wrapped:
        def __jax_array__(self):
            return jnp.float32(2)

        def __radd__(self, other):
            return "reflected"

    class Unknown:
        def __radd__(self, other):
            return "reflected"

    np.testing.assert_array_equal(jnp.ones(1) + Wrapped(), [3.0])
    np.testing.assert_array_equal(jnp.add(Wrapped(), jnp.ones(1)), [3.0])
    assert jnp.ones(1) + Unknown() == "reflected"
