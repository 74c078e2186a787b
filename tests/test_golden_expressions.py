"""jax.nn, jax.scipy.special/stats and the random samplers against JAX's own outputs.

tools/record_expression_golden.py evaluated each expression of tools/golden_cases.py
with real JAX and stored the results; here the same strings run with jaxlite bound
to the same names. Numerics compare to the recorded tolerance (dtype and weak type
exactly); samplers compare bit for bit unless the case says otherwise, or unless their
algorithm goes through one of NumPy's transcendental ufuncs (see PLATFORM_ULPS).
"""
import json
import os
import re

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
import jaxlite.nn
import jaxlite.nn.initializers
import jaxlite.random
import jaxlite.scipy.special
import jaxlite.scipy.stats
from jaxlite import lax
from jaxlite.scipy.stats import norm
from op_table import ulp_distance

DATA = os.path.join(os.path.dirname(__file__), "data")
UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}

NAMESPACE = dict(jax=jaxlite, jnp=jnp, lax=lax, np=np, nn=jaxlite.nn,
                 special=jaxlite.scipy.special, stats=jaxlite.scipy.stats, norm=norm,
                 random=jaxlite.random, initializers=jaxlite.nn.initializers)


def _load(name):
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        data = json.load(f)
    return [(mode, case) for mode in ("x32", "x64") for case in data[mode]]


def _decode(record):
    dtype = np.dtype(record["dtype"])
    bits = np.array(record["bits"], dtype=np.uint8 if dtype == np.bool_
                    else UNSIGNED[dtype.itemsize])
    return bits.view(dtype).reshape(record["shape"]) if dtype != np.bool_ else \
        bits.astype(bool).reshape(record["shape"])


def _run(mode, case):
    previous = jaxlite.config.jax_enable_x64
    jaxlite.config.update("jax_enable_x64", mode == "x64")
    try:
        if "error" in case:
            with pytest.raises(Exception) as info:
                eval(case["expr"], dict(NAMESPACE))
            assert type(info.value).__name__ == case["error"] or \
                case["error"] in [c.__name__ for c in type(info.value).__mro__]
            return None
        out = eval(case["expr"], dict(NAMESPACE))
        return jaxlite.tree_util.tree_leaves(out)
    finally:
        jaxlite.config.update("jax_enable_x64", previous)


def _check_leaves(case, leaves, exact, ulps=0):
    want = case["out"]
    assert len(leaves) == len(want), f"{len(leaves)} outputs, JAX gave {len(want)}"
    for got, record in zip(leaves, want):
        expected = _decode(record)
        weak = bool(getattr(got, "weak_type", False))
        got = np.asarray(got)
        assert got.shape == expected.shape, (got.shape, expected.shape)
        assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
        assert weak == record["weak"], f"weak_type {weak}, JAX {record['weak']}"
        if exact and ulps and got.dtype.kind == "f":
            worst = int(ulp_distance(got, expected).max(initial=0))
            assert worst <= ulps, f"{worst} ulps from JAX's bits; the bound is {ulps}"
        elif exact or got.dtype.kind not in "fc":
            np.testing.assert_array_equal(got, expected)
        else:
            np.testing.assert_allclose(got, expected, rtol=case.get("rtol", 1e-6),
                                       atol=case.get("atol", 0), equal_nan=True)


NUMERICS = _load("numerics_golden.json")


@pytest.mark.parametrize("mode,case", NUMERICS,
                         ids=[f"{m}:{c['expr']}" for m, c in NUMERICS])
def test_numerics_match_jax(mode, case):
    leaves = _run(mode, case)
    if leaves is not None:
        _check_leaves(case, leaves, exact=False)


SAMPLERS = _load("sampler_golden.json")

# Samplers whose float results go through NumPy's transcendental ufuncs: every float64
# sampler past uniform (log, exp, tan, pow: XLA:CPU calls the C library for these, as
# NumPy does on CPUs without AVX-512), and in float32/float16 those calling tan or pow
# (cauchy; weibull_min, and the Gamma family and generalized_normal through pow(x, 1/a)).
# NumPy picks a SIMD kernel per CPU for these, and its AVX-512 kernels (SVML) round the
# last bit differently from the C library. Measured against JAX's recorded bits, the
# worst case over all these goldens: 0 ulps on x86-64 with AVX-512 dispatch disabled
# (NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR", and with X86_V3 too),
# 2 ulps with AVX-512 (AMD EPYC, NumPy 2.4.6), 1 ulp on wasm32 (Pyodide 0.27.7, NumPy 2.0.2;
# cauchy only). Integer draws built from them (geometric,
# poisson, binomial, categorical) stay exact: a one-ulp difference would have to straddle
# a rounding or rejection boundary. Everything else is bit for bit on every CPU.
PLATFORM_ULPS = 2
POW_OR_TAN = {"cauchy", "weibull_min", "gamma", "loggamma", "beta", "dirichlet", "chisquare",
              "f", "t", "generalized_normal"}


def _platform_ulps(case, leaves):
    samplers = set(re.findall(r"random\.(\w+)\(", case["expr"]))
    dtypes = {np.asarray(leaf).dtype for leaf in leaves}
    through_numpy = np.dtype(np.float64) in dtypes or samplers & POW_OR_TAN
    return PLATFORM_ULPS if through_numpy else 0


@pytest.mark.parametrize("mode,case", SAMPLERS,
                         ids=[f"{m}:{c['expr']}" for m, c in SAMPLERS])
def test_samplers_match_jax(mode, case):
    leaves = _run(mode, case)
    if leaves is not None:
        _check_leaves(case, leaves, exact=case.get("exact", True),
                      ulps=_platform_ulps(case, leaves))
