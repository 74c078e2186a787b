"""Record JAX's results of short expressions as golden data for jaxlite's tests.

Each case is a Python expression written against JAX's public API (names
`jax`, `jnp`, `lax`, `np`, `nn`, `special`, `stats`, `norm`, `random`,
`initializers`); the tests evaluate the *same string* with jaxlite bound to
those names and compare. Run with a real JAX (CPU) installed:

    /tmp/jaxref/bin/python tools/record_expression_golden.py numerics \
        [--out tests/data/numerics_golden.json]
    /tmp/jaxref/bin/python tools/record_expression_golden.py samplers \
        [--out tests/data/sampler_golden.json]
    /tmp/jaxref/bin/python tools/record_expression_golden.py narrow \
        [--out tests/data/narrow_golden.json]

The case lists live in tools/golden_cases.py. The script runs itself once per
mode (x64 off, then on) in subprocesses. Outputs are stored leaf by leaf as raw
bit patterns with dtype, shape and weak type, so the tests can compare bit for
bit (samplers) or to a tolerance (numerics). A case that makes JAX raise stores
the exception's class name.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def encode(array):
    weak = bool(getattr(array, "weak_type", False))
    array = np.asarray(array)
    if array.dtype == np.bool_:
        bits = array.astype(np.uint8)
    else:
        bits = np.ascontiguousarray(array).view(UNSIGNED[array.dtype.itemsize])
    return {"dtype": str(array.dtype), "shape": list(array.shape), "weak": weak,
            "bits": [int(b) for b in bits.reshape(-1)]}


def namespace():
    import jax
    import jax.numpy as jnp
    from jax import lax
    import jax.nn as nn
    import jax.scipy.special as special
    import jax.scipy.stats as stats
    from jax.scipy.stats import norm
    import jax.random as random
    import jax.nn.initializers as initializers
    return dict(jax=jax, jnp=jnp, lax=lax, np=np, nn=nn, special=special, stats=stats,
                norm=norm, random=random, initializers=initializers)


def record_mode(suite, x64):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import golden_cases
    import jax
    ns = namespace()
    cases = []
    for case in getattr(golden_cases, suite)(x64):
        expr = case["expr"]
        entry = dict(case)
        try:
            out = eval(expr, dict(ns))
            leaves = jax.tree_util.tree_leaves(out)
            entry["out"] = [encode(leaf) for leaf in leaves]
        except Exception as e:  # the error class is part of the golden data
            entry["error"] = type(e).__name__
        cases.append(entry)
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("suite", choices=["numerics", "samplers", "narrow"])
    parser.add_argument("--out")
    parser.add_argument("--mode", choices=["x32", "x64"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        if args.mode == "x64":
            import jax
            jax.config.update("jax_enable_x64", True)
        json.dump(record_mode(args.suite, args.mode == "x64"), sys.stdout)
        return
    import jax
    result = {"jax_version": jax.__version__}
    for mode in ["x32", "x64"]:
        proc = subprocess.run([sys.executable, __file__, args.suite, "--mode", mode],
                              check=True, capture_output=True, text=True)
        result[mode] = json.loads(proc.stdout)
    out = args.out or os.path.join(os.path.dirname(__file__), "..", "tests", "data",
                                   {"numerics": "numerics_golden.json", "samplers": "sampler_golden.json",
                                    "narrow": "narrow_golden.json"}[args.suite])
    with open(out, "w") as f:
        json.dump(result, f, separators=(",", ":"))
    counts = {m: len(result[m]) for m in ["x32", "x64"]}
    print(f"wrote {out}: {counts}")


if __name__ == "__main__":
    main()
