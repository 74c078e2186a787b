"""The JAX ecosystem on jaxlite: each library's canonical usage (tests/ecosystem/examples/)
runs under `python -m jaxlite.run` and prints the numbers real JAX printed
(tests/ecosystem/golden.json, recorded by tools/ecosystem/record.py).

A library that is not installed skips its test. CI (.ci/ecosystem) installs them with
`pip install --no-deps`, so no JAX is present: the libraries import jaxlite as `jax`.
"""
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(os.path.dirname(HERE)), "src")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "ecosystem"))
from record import parse, LIBRARIES  # noqa: E402

with open(os.path.join(HERE, "golden.json")) as _f:
    GOLDEN = json.load(_f)

# Values compared more loosely than rtol 1e-4, and why.
TOLERANCES = {
    # 200 NUTS iterations: float32 rounding drifts through the trajectories (~1e-3).
    "numpyro": {"nuts_long.means": 1e-2},
    # 50 steps of adam-like updates: sign-like normalizations amplify rounding.
    "optax": {},
    # 100 adaptation steps (dual averaging, Welford variance) then NUTS trajectories from
    # the adapted point: float32 rounding moves the adapted values by ~3e-3.
    "blackjax": {"warmup.step_size": 1e-2, "warmup.inverse_mass": 1e-2, "nuts.last": 1e-2,
                 "nuts.loc_mean": 1e-3, "nuts.scale_mean": 1e-3},
}
# The libraries each example imports (all must be installed for it to run).
NEEDS = {"optax": ["optax"], "chex": ["chex"], "equinox": ["equinox", "jaxtyping"],
         "flax_linen": ["flax", "optax"], "numpyro": ["numpyro"],
         "diffrax": ["diffrax", "lineax", "optimistix", "equinox", "jaxtyping"],
         "optimistix": ["optimistix", "lineax", "equinox", "jaxtyping"],
         "lineax": ["lineax", "equinox", "jaxtyping"],
         "flax_nnx": ["flax", "optax", "treescope"],
         "orbax": ["orbax", "tensorstore", "etils", "humanize"],
         "haiku": ["haiku", "jmp"],
         "jraph": ["jraph"], "jaxopt": ["jaxopt"], "blackjax": ["blackjax", "optax"],
         "distrax": ["distrax", "tensorflow_probability", "tree"]}


def _installed(name):
    # find_spec of a top-level name does not import it (importing would import `jax`).
    return importlib.util.find_spec(name) is not None


@pytest.mark.needs_subprocess
@pytest.mark.parametrize("example", sorted(LIBRARIES))
def test_example_matches_jax(example):
    missing = [n for n in NEEDS[example] if not _installed(n)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed")
    if _installed("jax") and not os.environ.get("JAXLITE_ECOSYSTEM_WITH_JAX"):
        pytest.skip("a real JAX is installed here; the ecosystem suite runs in a venv "
                    "without it (.ci/ecosystem)")
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    script = os.path.join(HERE, "examples", f"{example}_example.py")
    result = subprocess.run([sys.executable, "-m", "jaxlite.run", script], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    got = parse(result.stdout)
    expected = GOLDEN[example]["values"]
    assert sorted(got) == sorted(expected)
    for name, values in expected.items():
        rtol = TOLERANCES.get(example, {}).get(name, 1e-4)
        np.testing.assert_allclose(got[name], values, rtol=rtol, atol=1e-5,
                                   err_msg=f"{example}: {name}")
