"""Narrow dtypes from ml_dtypes (bfloat16, float8_*, float4, int4, uint4, int2, uint2).

The golden cases (tools/golden_cases.py `narrow`, recorded from JAX by
tools/record_expression_golden.py) run the same expressions with jaxlite and compare bit for
bit: promotion (JAX's lattice, TypePromotionError where JAX refuses), arithmetic rounded once
per op, float32 accumulation in reductions and matmuls, astype, grad/jit/vmap through
bfloat16. Transcendental functions may differ by one unit in the last place (the C library's
float32 value vs XLA's, rounded). The rest checks the lazy import and the error without
ml_dtypes, which runs everywhere.
"""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src import dtypes as _dtypes

try:
    import ml_dtypes  # noqa: F401  (the narrow tests need it; the laziness tests below do not)
    HAVE_ML_DTYPES = True
except ImportError:
    HAVE_ML_DTYPES = False
needs_ml_dtypes = pytest.mark.skipif(not HAVE_ML_DTYPES,
                                     reason="ml_dtypes is not installed (pip install ml_dtypes)")

UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
NAMESPACE = dict(jax=jaxlite, jnp=jnp, lax=lax, np=np)


def _golden():
    with open(os.path.join(os.path.dirname(__file__), "..", "data", "narrow_golden.json")) as f:
        data = json.load(f)
    return [(mode, case) for mode in ("x32", "x64") for case in data[mode]]


GOLDEN = _golden()


def _decode(record):
    dtype = _dtypes.as_dtype(record["dtype"])
    if dtype == np.bool_:
        return np.array(record["bits"], np.uint8).astype(bool).reshape(record["shape"])
    return np.array(record["bits"], UNSIGNED[dtype.itemsize]).view(dtype).reshape(record["shape"])


def _bits(array):
    array = np.asarray(array)
    if array.dtype == np.bool_:
        return array.astype(np.int64)
    return np.ascontiguousarray(array).view(UNSIGNED[array.dtype.itemsize]).astype(np.int64)


@needs_ml_dtypes
@pytest.mark.parametrize("mode,case", GOLDEN, ids=[f"{m}:{c['expr']}" for m, c in GOLDEN])
def test_narrow_dtypes_match_jax(mode, case):
    if case.get("error") == "JaxRuntimeError":
        pytest.skip("XLA's CPU backend cannot make arrays of this dtype (float6)")
    previous = jaxlite.config.jax_enable_x64
    jaxlite.config.update("jax_enable_x64", mode == "x64")
    try:
        if "error" in case:
            with pytest.raises(Exception) as info:
                eval(case["expr"], dict(NAMESPACE))
            assert case["error"] in [c.__name__ for c in type(info.value).__mro__], info.value
            return
        leaves = jaxlite.tree_util.tree_leaves(eval(case["expr"], dict(NAMESPACE)))
    finally:
        jaxlite.config.update("jax_enable_x64", previous)
    assert len(leaves) == len(case["out"])
    for got, record in zip(leaves, case["out"]):
        want = _decode(record)
        assert bool(getattr(got, "weak_type", False)) == record["weak"]
        got = np.asarray(got)
        assert (got.shape, got.dtype) == (want.shape, want.dtype)
        # Bit patterns of same-signed floats are ordered: their difference counts ulps.
        apart = np.abs(_bits(got) - _bits(want))
        same = (_bits(got) == _bits(want)) | (np.isnan(want.astype(np.float64)) &
                                              np.isnan(got.astype(np.float64)))
        assert np.all(same | (apart <= case["ulps"])), (got, want)


# ---- without touching a narrow dtype, ml_dtypes stays unloaded; without it, a clear error ----
def _python(code, block_ml_dtypes=False):
    """Run `code` in a fresh interpreter (optionally as if ml_dtypes were not installed)."""
    prelude = "import sys\n" + ("sys.modules['ml_dtypes'] = None\n" if block_ml_dtypes else "")
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.needs_subprocess
def test_import_does_not_load_ml_dtypes():
    out = _python("""
        import jaxlite, jaxlite.numpy as jnp
        jaxlite.grad(lambda x: jnp.sum(jnp.sin(x) ** 2))(jnp.ones(3))
        jaxlite.jit(lambda x: x.astype(jnp.float16) * 2)(jnp.arange(3.0))
        jnp.promote_types('float32', 'int8'); jnp.issubdtype(jnp.float32, jnp.floating)
        print('ml_dtypes' in sys.modules)
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


@needs_ml_dtypes
@pytest.mark.parametrize("first_use", ["jnp.bfloat16", "jnp.dtype('bfloat16')",
                                       "jnp.zeros(2).astype('int4')",
                                       "jaxlite.dtypes.float8_e4m3fn",
                                       "jnp.sin(np.zeros(2, ml_dtypes.bfloat16)).dtype"])
@pytest.mark.needs_subprocess
def test_first_use_loads_ml_dtypes(first_use):
    out = _python(f"""
        import numpy as np, jaxlite, jaxlite.numpy as jnp
        assert 'ml_dtypes' not in sys.modules
        if 'ml_dtypes.' in {first_use!r}:
            import ml_dtypes
        print(repr({first_use}))
        print(jnp.issubdtype(jnp.bfloat16, jnp.floating), jnp.promote_types('bfloat16', 'float16'))
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "True float32"


@pytest.mark.parametrize("use,error", [
    ("jnp.bfloat16", "AttributeError"), ("jaxlite.dtypes.int4", "AttributeError"),
    ("jnp.dtype('bfloat16')", "ModuleNotFoundError"),
    ("jnp.zeros(3).astype('float8_e4m3fn')", "ModuleNotFoundError"),
    ("jnp.zeros(3, 'int4')", "ModuleNotFoundError")])
@pytest.mark.needs_subprocess
def test_without_ml_dtypes_the_error_says_what_to_install(use, error):
    out = _python(f"""
        import jaxlite, jaxlite.numpy as jnp
        assert not hasattr(jnp, 'float8_e5m2')  # hasattr probes see AttributeError: False
        assert jnp.float32(1.5) + 1 == 2.5      # everything else works
        try:
            {use}
        except Exception as e:
            print(next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"), e)
    """, block_ml_dtypes=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(error), out.stdout
    assert "pip install ml_dtypes" in out.stdout


@needs_ml_dtypes
def test_narrow_scalar_types_behave_as_jax():
    assert jnp.issubdtype(jnp.bfloat16, jnp.floating) and jnp.issubdtype(jnp.bfloat16, jnp.inexact)
    assert jnp.issubdtype(jnp.float8_e4m3fn, jnp.floating)
    assert jnp.issubdtype(jnp.int4, jnp.signedinteger) and jnp.issubdtype(jnp.uint4, jnp.unsignedinteger)
    assert not jnp.issubdtype(jnp.int4, jnp.floating) and not jnp.issubdtype(jnp.float32, jnp.bfloat16)
    assert jnp.issubdtype(jnp.bfloat16, jnp.bfloat16) and jnp.issubdtype("bfloat16", jnp.number)
    assert jnp.finfo(jnp.bfloat16).eps == 2.0 ** -7 and float(jnp.finfo("float8_e4m3fn").max) == 448
    assert (jnp.iinfo(jnp.int4).min, jnp.iinfo(jnp.int4).max) == (-8, 7)
    assert jnp.iinfo(jnp.uint2).max == 3 and jnp.finfo(jnp.float32).bits == 32
    x = jnp.bfloat16(1.5)
    assert isinstance(x, jaxlite.Array) and x.dtype == jnp.bfloat16 and x.shape == ()
    assert jnp.dtype("bfloat16") == jnp.bfloat16 and isinstance(jnp.dtype("int4"), jnp.dtype)
    assert jnp.zeros(2, jnp.int4).sum().dtype == jnp.int32  # small ints sum in the default int
    with pytest.raises(jaxlite.dtypes.TypePromotionError, match="8-bit floats"):
        jnp.zeros(2, jnp.float8_e4m3fn) + jnp.zeros(2, jnp.float32)


@needs_ml_dtypes
def test_bfloat16_ops_round_float32_results_once():
    rng = np.random.default_rng(0)
    a32, b32 = (rng.standard_normal(200).astype(np.float32) for _ in range(2))
    a, b = jnp.asarray(a32).astype(jnp.bfloat16), jnp.asarray(b32).astype(jnp.bfloat16)
    af, bf = a.astype(jnp.float32), b.astype(jnp.float32)
    for op in (jnp.add, jnp.subtract, jnp.multiply, jnp.divide, jnp.maximum):
        np.testing.assert_array_equal(np.asarray(op(a, b)), np.asarray(op(af, bf).astype(jnp.bfloat16)))
    # reductions and matmuls accumulate in float32, eager and under jit
    m = a.reshape(10, 20)
    for f in (jnp.sum, lambda x: x @ x.T, lambda x: jnp.sum(x, axis=0)):
        want = np.asarray(f(m.astype(jnp.float32)).astype(jnp.bfloat16))
        np.testing.assert_array_equal(np.asarray(f(m)), want)
        np.testing.assert_array_equal(np.asarray(jaxlite.jit(f)(m)), want)


@needs_ml_dtypes
def test_grad_jit_vmap_through_bfloat16():
    x = jnp.linspace(-1, 1, 16).astype(jnp.bfloat16)
    f = lambda x: jnp.sum(jnp.tanh(x) * x)
    g = jaxlite.grad(f)(x)
    assert g.dtype == jnp.bfloat16
    np.testing.assert_array_equal(np.asarray(jaxlite.jit(jaxlite.grad(f))(x)), np.asarray(g))
    g32 = jaxlite.grad(f)(x.astype(jnp.float32))
    np.testing.assert_allclose(np.asarray(g, np.float32), np.asarray(g32), rtol=2e-2, atol=2e-2)
    np.testing.assert_array_equal(np.asarray(jaxlite.vmap(lambda v: v * v)(x)), np.asarray(x * x))


# ---- narrow integers keep their dtype through every integer op, wrapping as XLA does ----
def _wrap(values, dtype):
    """Exact integer results reduced to `dtype`'s bits (two's complement wraparound)."""
    bits = jnp.iinfo(dtype).bits
    values = np.asarray(values, np.int64) % (1 << bits)
    if jnp.issubdtype(dtype, jnp.signedinteger):
        values = np.where(values >= 1 << (bits - 1), values - (1 << bits), values)
    return values


def _clz(x, bits):
    unsigned = np.asarray(x, np.int64) % (1 << bits)
    return bits - np.array([int(u).bit_length() for u in unsigned.ravel()]).reshape(unsigned.shape)


_INTEGER_OPS = {  # name: (jaxlite function, exact result on int64 values of `bits` bits)
    "add": (lambda x, y: x + y, lambda x, y, bits: x + y),
    "subtract": (lambda x, y: x - y, lambda x, y, bits: x - y),
    "multiply": (lambda x, y: x * y, lambda x, y, bits: x * y),
    "negative": (lambda x, y: -x, lambda x, y, bits: -x),
    "invert": (lambda x, y: ~x, lambda x, y, bits: ~x),
    "sign": (lambda x, y: jnp.sign(x), lambda x, y, bits: np.sign(x)),
    "maximum": (jnp.maximum, lambda x, y, bits: np.maximum(x, y)),
    "minimum": (jnp.minimum, lambda x, y, bits: np.minimum(x, y)),
    "and": (lambda x, y: x & y, lambda x, y, bits: x & y),
    "or": (lambda x, y: x | y, lambda x, y, bits: x | y),
    "xor": (lambda x, y: x ^ y, lambda x, y, bits: x ^ y),
    "floor_divide": (lambda x, y: x // y, lambda x, y, bits: x // y),
    "remainder": (lambda x, y: x % y, lambda x, y, bits: x % y),
    "lax.div": (lax.div, lambda x, y, bits: np.trunc(x / y)),
    "lax.rem": (lax.rem, lambda x, y, bits: np.fmod(x, y)),
    "cube": (lambda x, y: x ** 3, lambda x, y, bits: x ** 3),
    "shift_left": (lambda x, y: x << (y & 1), lambda x, y, bits: x << (y & 1)),
    "clz": (lambda x, y: lax.clz(x), lambda x, y, bits: _clz(x, bits)),
    "max": (lambda x, y: jnp.max(x, axis=0), lambda x, y, bits: np.max(x, axis=0)),
    "min": (lambda x, y: jnp.min(x, axis=0), lambda x, y, bits: np.min(x, axis=0)),
}


@needs_ml_dtypes
@pytest.mark.parametrize("name", sorted(_INTEGER_OPS))
@pytest.mark.parametrize("dtype", ["int4", "uint4", "int2", "uint2"])
def test_narrow_integer_ops_keep_dtype_and_wrap(name, dtype):
    dtype = jnp.dtype(dtype)
    info = jnp.iinfo(dtype)
    x = np.arange(int(info.min), int(info.max) + 1)
    y = np.roll(x, 1)
    y = np.where(y == 0, 1, y)  # no division by zero
    if jnp.issubdtype(dtype, jnp.signedinteger) and name in ("floor_divide", "remainder",
                                                              "lax.div", "lax.rem"):
        y = np.where((x == info.min) & (y == -1), 1, y)  # min // -1 overflows
    fn, exact = _INTEGER_OPS[name]
    want = _wrap(exact(x, y, info.bits), dtype)
    xs, ys = jnp.asarray(x).astype(dtype), jnp.asarray(y).astype(dtype)
    for got in (fn(xs, ys), jaxlite.jit(fn)(xs, ys)):
        assert got.dtype == dtype
        np.testing.assert_array_equal(np.asarray(got).astype(np.int64), want)
