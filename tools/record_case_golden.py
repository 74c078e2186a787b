"""Record JAX's results for a golden-case file of the tests as JSON.

A case file (tests/<name>_cases.py) defines CASES: {case name: fn(jax, jnp, lax)}; the
same functions run on jaxlite in the tests, which compare with what this script stores.
Run with a real JAX (CPU) installed, for one of the case files:

    /tmp/jaxref/bin/python tools/record_case_golden.py lax            # tests/lax_cases.py
    /tmp/jaxref/bin/python tools/record_case_golden.py windows_sort
    /tmp/jaxref/bin/python tools/record_case_golden.py complex_fft
    /tmp/jaxref/bin/python tools/record_case_golden.py example_libraries   # stax, optimizers
    /tmp/jaxref/bin/python tools/record_case_golden.py numerics_modules  # signal, optimize, image

Outputs go to tests/data/<name>_golden.json (or --out): each case's output leaves as
nested lists with dtype, shape and weak type (complex numbers as [real, imag] pairs,
non-finite floats as JSON's NaN/Infinity).
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
    return {"dtype": str(array.dtype), "shape": list(array.shape),
            "weak_type": bool(getattr(value, "weak_type", False)), "values": data.tolist()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", help="the case file's prefix: tests/<cases>_cases.py")
    parser.add_argument("--out", help="default: tests/data/<cases>_golden.json")
    args = parser.parse_args()
    out = args.out or os.path.join(ROOT, "tests", "data", f"{args.cases}_golden.json")
    import jax
    import jax.numpy as jnp
    from jax import lax
    spec = importlib.util.spec_from_file_location(
        f"{args.cases}_cases", os.path.join(ROOT, "tests", f"{args.cases}_cases.py"))
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    golden = {"jax_version": jax.__version__, "cases": {}}
    for name, fn in cases.CASES.items():
        leaves = jax.tree_util.tree_leaves(fn(jax, jnp, lax))
        golden["cases"][name] = [encode(leaf) for leaf in leaves]
    with open(out, "w") as f:
        json.dump(golden, f, indent=0, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(golden['cases'])} cases to {out}")


if __name__ == "__main__":
    main()
