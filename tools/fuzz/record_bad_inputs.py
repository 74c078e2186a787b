"""Records what real JAX raises for each case of the bad-input battery
(tests/bad_input_cases.py) into tests/data/bad_inputs_golden.json, which
tests/test_bad_inputs.py compares jaxlite against without JAX.

    /tmp/jaxref/bin/python tools/fuzz/record_bad_inputs.py
"""
import json
import os
import sys
import types
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import jax  # noqa: E402
import jax.nn  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax, random  # noqa: E402

import bad_input_cases  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "bad_inputs_golden.json")


def main():
    warnings.simplefilter("ignore")
    ns = types.SimpleNamespace(jax=jax, jnp=jnp, lax=lax, random=random)
    golden = {}
    for name, call, _ in bad_input_cases.cases():
        try:
            result = call(ns)
            jax.block_until_ready(result)
            golden[name] = {"ok": True}
        except Exception as e:  # noqa: BLE001 - the class is what is recorded
            golden[name] = bad_input_cases.as_json_safe(e)
        print(f"{name}: {golden[name].get('error', 'returns')}")
    with open(OUT, "w") as f:
        json.dump({"jax_version": jax.__version__, "cases": golden}, f, indent=1)
    print(f"wrote {len(golden)} cases to {OUT}")


if __name__ == "__main__":
    main()
