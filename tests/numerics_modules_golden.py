"""Compare the cases of numerics_modules_cases.py whose names start with a prefix against
JAX's recorded results (tests/data/numerics_modules_golden.json)."""
import json
import os

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from op_table import assert_close, decode_golden
import numerics_modules_cases

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                     "numerics_modules_golden.json")
with open(_PATH) as _f:
    GOLDEN = json.load(_f)["cases"]


def case_names(prefix):
    return sorted(name for name in numerics_modules_cases.CASES if name.startswith(prefix))


def check_case(name, rtol=2e-5, atol=2e-5):
    got = jaxlite.tree_util.tree_leaves(numerics_modules_cases.CASES[name](jaxlite, jnp, lax))
    assert_close(got, [decode_golden(entry) for entry in GOLDEN[name]], rtol, atol, name)
