"""Replays the differential fuzzer's golden cases without JAX.

Each case in fuzz_regressions.json is a small program (tools/fuzz/programs.py: an
expression tree, inputs and a transformation stack) that once made jaxlite disagree with
JAX, or that pins a behaviour the fuzzer checks, recorded with real JAX's result by
`python tools/fuzz/run.py --replay FILE --promote`. jaxlite must give the same dtype,
shape, NaN/inf positions and values (tolerance in tools/fuzz/compare.py), or raise the
same exception class.

fuzz_regressions_pending.json (written by `run.py --pending`, absent when empty) holds
reproducers of causes being fixed on other branches; they are replayed too and expected to
agree once those branches are merged, then promoted into fuzz_regressions.json.
"""
import json
import os
import sys
import types

import pytest

import jaxlite
import jaxlite.nn
import jaxlite.numpy as jnp
import jaxlite.scipy.special
from jaxlite import lax

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools", "fuzz"))
import compare  # noqa: E402
import programs  # noqa: E402

NS = types.SimpleNamespace(jax=jaxlite, jnp=jnp, lax=lax, nn=jaxlite.nn,
                           special=jaxlite.scipy.special)


def _load(name):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return json.load(f)


def _needs(entry):
    dtypes = {v["dtype"] for v in entry["case"]["inputs"]} | {entry["expect"].get("ok", {}).get(
        "dtype")}
    if "bfloat16" in dtypes:
        pytest.importorskip("ml_dtypes", reason="bfloat16 needs ml_dtypes")


GOLDEN = _load("fuzz_regressions.json")
PENDING = _load("fuzz_regressions_pending.json")


def _replay(entry):
    _needs(entry)
    x64 = jaxlite.config.jax_enable_x64
    try:
        got = programs.run_case(entry["case"], NS)
    finally:
        jaxlite.config.update("jax_enable_x64", x64)
    reason = compare.disagreement(entry["expect"], got,
                                  compare.narrowest_float(entry["case"]))
    assert reason is None, f"{entry['name']} ({entry['cause']}): {reason}; got {got}"


@pytest.mark.parametrize("entry", GOLDEN, ids=[e["name"] for e in GOLDEN])
def test_fuzz_regression(entry):
    _replay(entry)


if PENDING:  # only while a pending file exists (none is committed once its causes merge)
    @pytest.mark.parametrize("entry", PENDING, ids=[e["name"] for e in PENDING])
    def test_fuzz_regression_pending(entry):
        _replay(entry)


def test_golden_file_is_not_empty():
    assert len(GOLDEN) >= 10
    assert all({"name", "cause", "case", "expect"} <= set(e) for e in GOLDEN)
