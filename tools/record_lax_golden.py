"""Record JAX's results for tests/lax_cases.py (gather/scatter modes and dimension
numbers, reduce_precision, bit functions, generic reductions, implicit derivatives of
the solvers) as golden data.

Run with a real JAX (CPU) installed:

    /tmp/jaxref/bin/python tools/record_lax_golden.py \
        [--out tests/data/lax_golden.json]

Each case's outputs are stored as nested lists with their dtype and shape
(complex numbers as [real, imag] pairs, non-finite floats as JSON's NaN/Infinity); tests/test_ops_lax.py compares
jaxlite's results with them.
"""
import argparse
import importlib.util
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def encode(value):
    array = np.asarray(value)
    data = np.stack([array.real, array.imag], -1) if array.dtype.kind == "c" else array
    return {"dtype": str(array.dtype), "shape": list(array.shape), "values": data.tolist()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "data",
                                                       "lax_golden.json"))
    args = parser.parse_args()
    import jax
    import jax.numpy as jnp
    from jax import lax
    spec = importlib.util.spec_from_file_location(
        "lax_cases", os.path.join(ROOT, "tests", "lax_cases.py"))
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    golden = {"jax_version": jax.__version__, "cases": {}}
    for name, fn in cases.CASES.items():
        leaves = jax.tree_util.tree_leaves(fn(jax, jnp, lax))
        golden["cases"][name] = [encode(leaf) for leaf in leaves]
    with open(args.out, "w") as f:
        json.dump(golden, f, indent=0, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(golden['cases'])} cases to {args.out}")


if __name__ == "__main__":
    main()
