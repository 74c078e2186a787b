"""jaxlite's threefry PRNG against outputs recorded from JAX, bit for bit.

The golden file is written by tools/record_random_golden.py (run with a real
JAX); these tests need only NumPy.  Each recorded case is replayed through
`jaxlite._src.random.threefry` on the NumPy backend, and the raw bit patterns
must be identical -- floats included.
"""

import hashlib
import importlib.util
import json
import os
import sys
import types

import numpy as np
import pytest

import jaxlite
from op_table import ulp_distance

GOLDEN_PATH = os.path.join(os.path.dirname(__file__), "..", "data", "random_golden.json")
UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def _load_threefry():
    """Import the PRNG module; if the package is mid-construction, load by path."""
    try:
        from jaxlite._src.random import threefry
        return threefry
    except Exception:  # a broken jaxlite/__init__ must not hide PRNG results
        here = os.path.join(os.path.dirname(__file__), "..", "..", "src", "jaxlite",
                            "_src", "random")
        package = types.ModuleType("_jaxlite_random_isolated")
        package.__path__ = [here]
        sys.modules[package.__name__] = package
        for name in ["ops_numpy", "threefry"]:
            spec = importlib.util.spec_from_file_location(
                f"{package.__name__}.{name}", os.path.join(here, f"{name}.py"))
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
        return sys.modules[f"{package.__name__}.threefry"]


threefry = _load_threefry()

with open(GOLDEN_PATH) as f:
    GOLDEN = json.load(f)


def bits_of(array):
    array = np.asarray(array)
    if array.dtype == np.bool_:
        return array.astype(np.uint8).reshape(-1)
    return np.ascontiguousarray(array).view(UNSIGNED[array.dtype.itemsize]).reshape(-1)


def decode_out(record):
    dtype = np.dtype(record["dtype"])
    unsigned = np.uint8 if dtype == np.bool_ else UNSIGNED[dtype.itemsize]
    bits = np.array(record["bits"], dtype=unsigned)
    return dtype, tuple(record["shape"]), bits


def decode_arg(value):
    if isinstance(value, dict) and "array" in value:
        return np.asarray(value["array"], dtype=value["dtype"])
    return value


def key_arg(value):
    return np.asarray(decode_arg(value), dtype=np.uint32)


def python_int_arg(value, x64):
    """What jnp.asarray does to a Python int bound: int32 unless x64."""
    if isinstance(value, int) and not x64 and not -2**31 <= value < 2**31:
        raise OverflowError(f"Python int {value} too large to convert to int32")
    return value


def run_case(case, x64):
    args = {k: decode_arg(v) for k, v in case["args"].items()}
    fn = case["fn"]
    if fn == "seed":
        seed = args["seed"]
        if isinstance(seed, int):
            seed = threefry.canonical_seed(seed, enable_x64=x64)
        return threefry.seed_to_key(seed)
    key = key_arg(case["args"]["key"])
    if fn == "split":
        num = args["num"]
        return threefry.split(key, tuple(num) if isinstance(num, list) else num)
    if fn == "fold_in":
        return threefry.fold_in(key, args["data"])
    if fn == "threefry_2x32":
        return threefry.threefry_2x32(key, args["count"])
    if fn == "bits":
        width = np.dtype(args["dtype"]).itemsize * 8
        return threefry.random_bits(key, width, tuple(args["shape"]))
    if fn == "uniform":
        return threefry.uniform(key, tuple(args["shape"]), args["dtype"],
                                args["minval"], args["maxval"])
    if fn == "normal":
        return threefry.normal(key, tuple(args["shape"]), args["dtype"])
    if fn == "randint":
        minval = python_int_arg(args["minval"], x64)
        maxval = python_int_arg(args["maxval"], x64)
        return threefry.randint(key, tuple(args["shape"]), minval, maxval,
                                args["dtype"])
    if fn == "bernoulli":
        p = args["p"]
        if isinstance(p, float):  # a Python float is the default float dtype
            p = np.asarray(p, np.float64 if x64 else np.float32)
        shape = args["shape"]
        return threefry.bernoulli(key, p, None if shape is None else tuple(shape),
                                  args.get("mode", "low"))
    raise AssertionError(f"unknown case kind {fn}")


CASES = [(mode, i, case) for mode in ["x32", "x64"]
         for i, case in enumerate(GOLDEN[mode]["cases"])]


def case_id(param):
    mode, i, case = param
    return f"{mode}-{case['fn']}-{i}"


@pytest.mark.parametrize("param", CASES, ids=[case_id(p) for p in CASES])
def test_matches_jax(param):
    mode, _, case = param
    x64 = mode == "x64"
    if "error" in case:
        expected = {"OverflowError": OverflowError, "TypeError": TypeError,
                    "ValueError": ValueError}[case["error"]]
        with pytest.raises(expected):
            run_case(case, x64)
        return
    with np.errstate(all="ignore"):
        out = np.asarray(run_case(case, x64))
    dtype, shape, expected_bits = decode_out(case["out"])
    assert out.dtype == dtype, (out.dtype, dtype)
    assert out.shape == shape, (out.shape, shape)
    got_bits = bits_of(out)
    if not np.array_equal(got_bits, expected_bits):
        detail = ""
        if dtype.kind == "f":
            ulps = ulp_distance(got_bits.view(dtype), expected_bits.view(dtype))
            detail = (f"; {np.count_nonzero(ulps == 0)}/{ulps.size} exact, "
                      f"max {ulps.max()} ulp")
        mismatched = np.count_nonzero(got_bits != expected_bits)
        pytest.fail(f"{case['fn']} {case['args']}: {mismatched} of "
                    f"{expected_bits.size} elements differ{detail}")


def test_normal_ulp_summary():
    """All recorded normal() samples: count exact ones, report the worst ulp."""
    exact = total = worst = 0
    for mode in ["x32", "x64"]:
        for case in GOLDEN[mode]["cases"]:
            if case["fn"] != "normal":
                continue
            dtype, _, expected_bits = decode_out(case["out"])
            got = bits_of(run_case(case, mode == "x64"))
            ulps = ulp_distance(got.view(dtype), expected_bits.view(dtype))
            exact += int(np.count_nonzero(ulps == 0))
            total += ulps.size
            worst = max(worst, int(ulps.max(initial=0)))
    print(f"normal: {exact}/{total} samples bit-exact, max distance {worst} ulp")
    assert worst <= 2
    assert exact == total


@pytest.mark.parametrize("mode", ["x32", "x64"])
def test_tutorial_example(mode):
    # key = jax.random.key(0); key, W_key, b_key = jax.random.split(key, 3)
    # W = jax.random.normal(W_key, (3,)); b = jax.random.normal(b_key, ())
    recorded = GOLDEN[mode]["tutorial"]
    key = threefry.seed_to_key(threefry.canonical_seed(0, enable_x64=mode == "x64"))
    keys = threefry.split(key, 3)
    key, w_key, b_key = keys[0], keys[1], keys[2]
    default_float = np.float64 if mode == "x64" else np.float32
    outputs = {"key": key, "W_key": w_key, "b_key": b_key,
               "W": threefry.normal(w_key, (3,), default_float),
               "b": threefry.normal(b_key, (), default_float)}
    for name, value in outputs.items():
        dtype, shape, expected_bits = decode_out(recorded[name])
        assert np.asarray(value).dtype == dtype
        assert np.shape(value) == shape
        np.testing.assert_array_equal(bits_of(value), expected_bits, err_msg=name)


def _erf_inv_grid(stride):
    mantissas = np.arange(0, 2**23, stride, dtype=np.uint32)
    floats = (mantissas | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)
    low = np.nextafter(np.float32(-1), np.float32(0))
    ops = threefry.ops_numpy.ops
    u = ops.maximum(low, ops.fma(floats, np.float32(1) - low, low))
    return u, threefry.erf_inv(u)


def _sha256(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def test_erf_inv_float32_every_64th_input():
    """erf_inv on every 64th value normal() can produce, hashed against XLA."""
    digests = GOLDEN["x32"]["erf_inv_float32"]
    u, result = _erf_inv_grid(64)
    assert _sha256(u) == digests["every_64th_u_sha256"]
    assert _sha256(result) == digests["every_64th_erf_inv_sha256"]


@pytest.mark.slow
def test_erf_inv_float32_exhaustive():
    """erf_inv on all 2**23 values normal() can produce, hashed against XLA."""
    digests = GOLDEN["x32"]["erf_inv_float32"]
    u, result = _erf_inv_grid(1)
    assert _sha256(u) == digests["u_sha256"]
    assert _sha256(result) == digests["erf_inv_sha256"]


def test_erf_inv_edges():
    with np.errstate(all="ignore"):
        for dtype in [np.float32, np.float64]:
            x = np.array([1.0, -1.0, 0.0, -0.0, 1.5, np.nan], dtype)
            out = threefry.erf_inv(x)
            assert out[0] == np.inf and out[1] == -np.inf
            assert out[2] == 0 and out[3] == 0
            assert np.isnan(out[4]) and np.isnan(out[5])


def test_threefry2x32_known_answers():
    # Random123's known-answer vectors for Threefry-2x32 with 20 rounds
    # (key, counter) -> output, as also checked by JAX's own tests.
    vectors = [
        ((0, 0), (0, 0), (0x6B200159, 0x99BA4EFE)),
        ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
        ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0)),
    ]
    for key, count, expected in vectors:
        out = threefry.threefry2x32(np.array(key, np.uint32), np.array(count, np.uint32))
        assert [int(v) for v in out] == list(expected)


def test_split_is_the_hash_of_the_flat_index():
    key = threefry.seed_to_key(np.int32(42))
    counters = np.stack([np.zeros(6, np.uint32), np.arange(6, dtype=np.uint32)], -1)
    np.testing.assert_array_equal(
        threefry.split(key, (2, 3)).reshape(6, 2), threefry.threefry2x32(key, counters))
    # fold_in(key, d) hashes the pair (0, d): fold_in(key, i) == split(key)[i].
    np.testing.assert_array_equal(threefry.fold_in(key, 1), threefry.split(key, 2)[1])


def test_batched_keys_match_one_key_at_a_time():
    keys = threefry.split(threefry.seed_to_key(np.int32(3)), (2, 2))
    bits = threefry.random_bits(keys, 32, (3,))
    assert bits.shape == (2, 2, 3)
    for i in range(2):
        for j in range(2):
            np.testing.assert_array_equal(bits[i, j], threefry.random_bits(keys[i, j], 32, (3,)))
    assert threefry.split(keys, 3).shape == (2, 2, 3, 2)
    np.testing.assert_array_equal(threefry.split(keys, 3)[1, 0], threefry.split(keys[1, 0], 3))
    folded = threefry.fold_in(keys, np.array([5, 6], np.uint32))
    np.testing.assert_array_equal(folded[1, 0], threefry.fold_in(keys[1, 0], 5))


def test_every_op_used_is_documented_and_provided():
    """The namespace is the contract with the core's jnp backend: keep it closed."""
    import inspect
    import re
    source = inspect.getsource(threefry)
    used = set(re.findall(r"\bops\.(\w+)\(", source))
    documented = inspect.getdoc(threefry.ops_numpy)
    for name in sorted(used):
        assert re.search(rf"\b{name}\b", documented), f"ops.{name} is not documented"
        assert callable(getattr(threefry.ops_numpy.ops, name)), name


@pytest.mark.parametrize("jitted", [False, True])
def test_few_counters_match_jax_eager_and_jitted(jitted):
    # (values recorded from JAX 0.10.2.) At most a handful of counter pairs take
    # threefry's small path, which must give every output form the block kernel gives:
    # the pair (split's keys stacked), the xor of the two words (random bits).
    def draws(k):
        return (jaxlite.random.split(k, 3), jaxlite.random.randint(k, (5,), -5, 1000),
                jaxlite.random.bits(k, (3,)), jaxlite.random.uniform(k, (4,)))
    f = jaxlite.jit(draws) if jitted else draws
    keys, ints, bits, floats = f(jaxlite.random.PRNGKey(17))
    np.testing.assert_array_equal(keys, [[1410583977, 344060510], [677216225, 3396477011],
                                         [853908896, 4142250837]])
    np.testing.assert_array_equal(ints, [226, 608, 659, 57, 711])
    np.testing.assert_array_equal(bits, [1083326455, 3794755506, 3288344309])
    np.testing.assert_array_equal(np.asarray(floats).view(np.uint32),
                                  [1048650876, 1063399262, 1061421094, 1052680056])
    typed = jaxlite.random.split(jaxlite.random.key(3), 2)
    np.testing.assert_array_equal(jaxlite.random.key_data(typed),
                                  [[3716834203, 3481239269], [1946498123, 2217676430]])
