"""Record JAX's results for tests/complex_fft_cases.py (gradient conventions for complex
inputs, holomorphic derivatives, FFT transposes) as golden data.

Run with a real JAX (CPU) installed:

    /tmp/jaxref/bin/python tools/record_complex_fft_golden.py \
        [--out tests/data/complex_fft_golden.json]

Each case's outputs are stored as nested lists with their dtype, shape and weak type
(complex numbers as [real, imag] pairs); tests/test_complex.py and tests/test_ops_fft.py
compare jaxlite's results with them.
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
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "data",
                                                       "complex_fft_golden.json"))
    args = parser.parse_args()
    import jax
    import jax.numpy as jnp
    from jax import lax
    spec = importlib.util.spec_from_file_location(
        "complex_fft_cases", os.path.join(ROOT, "tests", "complex_fft_cases.py"))
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
