"""Record jax.random outputs as golden data for jaxlite's PRNG tests.

Run with a real JAX (CPU) installed:

    /tmp/jaxref/bin/python tools/record_random_golden.py \
        [--out tests/data/random_golden.json]

The script runs itself twice in subprocesses, once with x64 disabled (JAX's
default) and once with JAX_ENABLE_X64=1, and writes one JSON file with a
section per mode.  Every output array is stored as its raw bit pattern
(unsigned integers of the element width), so the tests compare bit for bit.
Cases that make JAX raise are stored with the exception's class name.

Floating-point results were recorded on XLA:CPU (x86-64 with FMA).  Other
backends (GPU, TPU) evaluate erf_inv and the uniform affine map differently
and are not what jaxlite reproduces.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np

UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def encode(array):
    """{"dtype", "shape", "bits"}: bits are the elements' raw bit patterns."""
    array = np.asarray(array)
    if array.dtype == np.bool_:
        bits = array.astype(np.uint8)
    else:
        bits = np.ascontiguousarray(array).view(UNSIGNED[array.dtype.itemsize])
    return {"dtype": str(array.dtype), "shape": list(array.shape),
            "bits": [int(b) for b in bits.reshape(-1)]}


def encode_value(value):
    """JSON form of a sampler argument: Python scalars as is, arrays typed."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, tuple):
        return list(value)
    array = np.asarray(value)
    return {"array": array.tolist(), "dtype": str(array.dtype)}


def record_mode(x64):
    import jax
    import jax.numpy as jnp
    from jax import lax

    assert jax.config.jax_threefry_partitionable
    assert jax.config.jax_default_prng_impl == "threefry2x32"
    cases = []

    def add(fn, args, thunk):
        case = {"fn": fn, "args": {k: encode_value(v) for k, v in args.items()}}
        try:
            case["out"] = encode(thunk())
        except Exception as e:  # the error class is part of the golden data
            case["error"] = type(e).__name__
        cases.append(case)

    def key_data(key):
        return np.asarray(jax.random.key_data(key))

    # -- seeds -> keys ------------------------------------------------------
    seeds = [0, 1, 42, -1, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**32 - 1,
             2**32, 2**32 + 5, 2**40, -2**40, 2**63 - 1, -2**63, 2**63]
    for seed in seeds:
        def make(seed=seed):
            typed = key_data(jax.random.key(seed))
            legacy = np.asarray(jax.random.PRNGKey(seed))
            assert np.array_equal(typed, legacy)
            return typed
        add("seed", {"seed": seed}, make)
    typed_seeds = [np.int32(-1), np.uint32(2**32 - 1), np.int8(-3),
                   np.uint16(65535), np.int32(123456789)]
    if x64:
        typed_seeds += [np.int64(-1), np.uint64(2**64 - 1), np.int64(2**40 + 7)]
    for seed in typed_seeds:
        add("seed", {"seed": seed},
            lambda seed=seed: key_data(jax.random.key(jnp.asarray(seed))))

    def raw(seed):
        return np.asarray(jax.random.PRNGKey(seed))

    # -- split ----------------------------------------------------------------
    for seed in [0, 42, -1]:
        for num in [2, 3, 1, (2, 3), (4,), (2, 1, 2)]:
            add("split", {"key": raw(seed), "num": num},
                lambda seed=seed, num=num: jax.random.split(raw(seed), num))
    chained = np.asarray(jax.random.split(raw(7), 3))[2]
    add("split", {"key": chained, "num": 5},
        lambda: jax.random.split(chained, 5))

    # -- fold_in ----------------------------------------------------------------
    for seed in [0, 42]:
        for data in [0, 1, 42, 2**31 - 1, 2**31, 2**32 - 1, -1, 2**32]:
            add("fold_in", {"key": raw(seed), "data": data},
                lambda seed=seed, data=data: jax.random.fold_in(raw(seed), data))
        for data in [np.uint32(7), np.int32(-5)]:
            add("fold_in", {"key": raw(seed), "data": data},
                lambda seed=seed, data=data: jax.random.fold_in(raw(seed), data))

    # -- raw threefry_2x32 on odd and even counts ----------------------------
    from jax.extend.random import threefry_2x32
    for size in [1, 2, 3, 4, 5, 8]:
        count = np.arange(size, dtype=np.uint32) * np.uint32(2654435761)
        add("threefry_2x32", {"key": raw(3), "count": count},
            lambda count=count: threefry_2x32(jnp.asarray(raw(3)), jnp.asarray(count)))

    # -- bits -------------------------------------------------------------------
    bit_dtypes = ["uint8", "uint16", "uint32"] + (["uint64"] if x64 else [])
    for seed in [0, 42]:
        for shape in [(), (3,), (2, 5), (7,), (3, 4, 5), (0,)]:
            for dtype in bit_dtypes:
                add("bits", {"key": raw(seed), "shape": shape, "dtype": dtype},
                    lambda seed=seed, shape=shape, dtype=dtype:
                        jax.random.bits(raw(seed), shape, dtype))

    # -- uniform ----------------------------------------------------------------
    float_dtypes = ["float32", "float16"] + (["float64"] if x64 else [])
    bounds = [(0.0, 1.0), (-3.3, 7.1), (0.1, 0.7), (-1000.0, 5.0)]
    for dtype in float_dtypes:
        for shape in [(), (3,), (2, 5), (7,), (256,)]:
            for minval, maxval in bounds:
                add("uniform", {"key": raw(0), "shape": shape, "dtype": dtype,
                                "minval": minval, "maxval": maxval},
                    lambda shape=shape, dtype=dtype, minval=minval, maxval=maxval:
                        jax.random.uniform(raw(0), shape, dtype, minval, maxval))
        lows = np.arange(5, dtype=dtype)
        add("uniform", {"key": raw(9), "shape": (2, 5), "dtype": dtype,
                        "minval": lows, "maxval": 10.0},
            lambda dtype=dtype, lows=lows:
                jax.random.uniform(raw(9), (2, 5), dtype, lows, 10.0))

    # -- normal -----------------------------------------------------------------
    for seed in [0, 1, 42]:
        for shape in [(), (3,), (2, 5), (7,), (1024,)]:
            add("normal", {"key": raw(seed), "shape": shape, "dtype": "float32"},
                lambda seed=seed, shape=shape:
                    jax.random.normal(raw(seed), shape, "float32"))
    for dtype in float_dtypes[1:]:
        add("normal", {"key": raw(5), "shape": (1000,), "dtype": dtype},
            lambda dtype=dtype: jax.random.normal(raw(5), (1000,), dtype))

    # -- randint ----------------------------------------------------------------
    int_cases = [
        ("int32", 0, 10), ("int32", -5, 5), ("int32", 0, 2**31 - 1),
        ("int32", -2**31, 2**31 - 1), ("int32", 5, 3), ("int32", 7, 7),
        ("uint32", 0, 10), ("uint32", 3, 2**31 - 1),
        ("int8", -5, 5), ("int8", -128, 127), ("int8", -1000, 1000),
        ("uint8", 0, 256), ("uint8", 0, 10), ("int16", -300, 300),
        ("uint16", 0, 65536),
    ]
    if x64:
        int_cases += [("int64", 0, 10), ("int64", -2**62, 2**62),
                      ("int64", -2**63, 2**63 - 1), ("uint64", 0, 2**40),
                      ("int32", 0, 2**31), ("int32", -2**40, 2**40),
                      ("uint32", 0, 2**32)]
    for dtype, minval, maxval in int_cases:
        for shape in [(), (3,), (2, 5), (100,)]:
            add("randint", {"key": raw(0), "shape": shape, "minval": minval,
                            "maxval": maxval, "dtype": dtype},
                lambda shape=shape, minval=minval, maxval=maxval, dtype=dtype:
                    jax.random.randint(raw(0), shape, minval, maxval, dtype))
    lows = np.array([0, -3, 10, 100, -100], np.int32)
    highs = np.array([5, 3, 11, 1000, 100], np.int32)
    add("randint", {"key": raw(11), "shape": (2, 5), "minval": lows,
                    "maxval": highs, "dtype": "int32"},
        lambda: jax.random.randint(raw(11), (2, 5), lows, highs, "int32"))
    add("randint", {"key": raw(11), "shape": (3,), "minval": 0,
                    "maxval": 2**31, "dtype": "int32"},
        lambda: jax.random.randint(raw(11), (3,), 0, 2**31, "int32"))

    # -- bernoulli ----------------------------------------------------------------
    for p in [0.5, 0.3, 0.0, 1.0]:
        for shape in [(), (10,), (4, 25)]:
            add("bernoulli", {"key": raw(0), "p": p, "shape": shape},
                lambda p=p, shape=shape: jax.random.bernoulli(raw(0), p, shape))
    probs32 = np.array([0.1, 0.5, 0.9, 0.25, 0.75], np.float32)
    add("bernoulli", {"key": raw(2), "p": probs32, "shape": None},
        lambda: jax.random.bernoulli(raw(2), probs32))
    add("bernoulli", {"key": raw(2), "p": probs32, "shape": (4, 5)},
        lambda: jax.random.bernoulli(raw(2), probs32, (4, 5)))
    add("bernoulli", {"key": raw(2), "p": np.float16(0.3), "shape": (50,)},
        lambda: jax.random.bernoulli(raw(2), jnp.float16(0.3), (50,)))
    add("bernoulli", {"key": raw(2), "p": 1e-9, "shape": (50,), "mode": "high"},
        lambda: jax.random.bernoulli(raw(2), 1e-9, (50,), mode="high"))
    add("bernoulli", {"key": raw(2), "p": 0.4, "shape": (3, 7), "mode": "high"},
        lambda: jax.random.bernoulli(raw(2), 0.4, (3, 7), mode="high"))
    if x64:
        probs64 = probs32.astype(np.float64)
        add("bernoulli", {"key": raw(2), "p": probs64, "shape": (4, 5)},
            lambda: jax.random.bernoulli(raw(2), probs64, (4, 5)))

    # -- the tutorial's example, with typed keys ------------------------------
    key = jax.random.key(0)
    key, w_key, b_key = jax.random.split(key, 3)
    tutorial = {
        "key": encode(key_data(key)), "W_key": encode(key_data(w_key)),
        "b_key": encode(key_data(b_key)),
        "W": encode(jax.random.normal(w_key, (3,))),
        "b": encode(jax.random.normal(b_key, ())),
    }

    section = {"cases": cases, "tutorial": tutorial}
    if not x64:
        section["erf_inv_float32"] = record_erf_inv_digests(jax, jnp, lax)
    return section


def normal_uniform_grid_f32():
    """All 2**23 float32 values normal() feeds to erf_inv, in mantissa order."""
    mantissas = np.arange(2**23, dtype=np.uint32)
    floats = (mantissas | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)
    low = np.nextafter(np.float32(-1), np.float32(0))
    return floats, low


def record_erf_inv_digests(jax, jnp, lax):
    floats, low = normal_uniform_grid_f32()
    u = np.asarray(jax.jit(lambda f: jnp.maximum(low, f * (1 - low) + low))(floats))
    erf_inv = np.asarray(jax.jit(lax.erf_inv)(u))
    digest = lambda a: hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()
    return {
        "description": "sha256 of lax.erf_inv's float32 bytes over every value "
                       "normal() can pass it (the uniform grid on [nextafter(-1,0), 1)); "
                       "'every_64th' hashes u[::64] and erf_inv(u)[::64].",
        "u_sha256": digest(u), "erf_inv_sha256": digest(erf_inv),
        "every_64th_u_sha256": digest(u[::64]),
        "every_64th_erf_inv_sha256": digest(erf_inv[::64]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "tests", "data", "random_golden.json"))
    parser.add_argument("--mode", choices=["x32", "x64"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.mode:  # child process: print one section as JSON
        json.dump(record_mode(args.mode == "x64"), sys.stdout)
        return

    import jax
    golden = {"jax_version": jax.__version__,
              "config": {"jax_default_prng_impl": "threefry2x32",
                         "jax_threefry_partitionable": True,
                         "backend": jax.default_backend()}}
    for mode in ["x32", "x64"]:
        env = dict(os.environ, JAX_ENABLE_X64="1" if mode == "x64" else "0",
                   JAX_PLATFORMS="cpu")
        result = subprocess.run([sys.executable, __file__, "--mode", mode],
                                env=env, capture_output=True, text=True, check=True)
        golden[mode] = json.loads(result.stdout)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    counts = {m: len(golden[m]["cases"]) for m in ["x32", "x64"]}
    print(f"wrote {args.out}: {counts}")


if __name__ == "__main__":
    main()
