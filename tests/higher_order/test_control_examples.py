"""The control-flow / custom-derivative examples run and compute what they claim.

Each example's main() is called with a small budget and its results are checked;
one example also runs as a script, the way a reader would run it.
"""
import importlib.util
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import jaxlite

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rnn_scan_trains_and_gives_per_example_gradients():
    result = load("rnn_scan").main(steps=60, verbose=False)
    assert result["final_loss"] < 0.3 * result["initial_loss"]
    assert result["agree_mean"] and result["agree_first"]
    leaves = jaxlite.tree_util.tree_leaves(result["per_example_grads"])
    assert all(leaf.shape[0] == 8 for leaf in leaves)
    # different sequences have different gradients
    assert not np.allclose(leaves[0][0], leaves[0][1])


def test_newton_hessian_converges_quadratically():
    result = load("newton_hessian").main(verbose=False)
    np.testing.assert_allclose(result["separable_x"], result["separable_expected"], rtol=1e-12)
    assert result["separable_steps"] < 15
    assert result["steps"] <= 8 and result["final_grad_norm"] < 1e-12
    np.testing.assert_allclose(result["w"], result["w_gd"], atol=1e-6)
    norms = result["grad_norms"]
    # quadratic convergence: once close, the number of correct digits about doubles
    close = [(a, b) for a, b in zip(norms, norms[1:]) if a < 1e-2 and b > 1e-15]
    assert close and all(np.log(b) / np.log(a) > 1.5 for a, b in close)
    assert np.all(result["hessian_eigenvalues"] > 0)
    assert not jaxlite.config.jax_enable_x64  # the example restores the setting


def test_implicit_fixed_point_matches_unrolled_differentiation():
    result = load("implicit_fixed_point").main(verbose=False)
    assert result["residual"] < 1e-6
    for name, difference in result["differences"].items():
        scale = float(np.max(np.abs(np.asarray(result["unrolled"][name]))))
        assert difference < 1e-5 * max(scale, 1.0), name
    assert "scan" in result["plain_error"]


def test_maml_meta_loss_decreases():
    result = load("maml_sine").main(meta_steps=60, tasks_per_step=8, verbose=False)
    history = result["history"]
    assert history[-1] < history[0] - 0.1
    assert sum(b < a for a, b in zip(history, history[1:])) >= len(history) - 2
    assert result["meta_gradient_error"] < 1e-4
    assert result["second_order"] > 1e-2  # the check is not vacuous: the H term matters


@pytest.mark.needs_subprocess
def test_an_example_runs_as_a_script():
    env = dict(os.environ)
    src = str(EXAMPLES.parent / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, str(EXAMPLES / "implicit_fixed_point.py")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "max |implicit - unrolled|" in out.stdout


@pytest.mark.needs_subprocess
def test_remat_memory_benchmark_small():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(EXAMPLES.parent / "src") + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, str(EXAMPLES.parent / "bench" / "remat_memory.py"),
                          "--layers", "20", "--width", "64", "--batch", "256"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = {line.split("|")[1].strip(): line.split("|")[2:] for line in out.stdout.splitlines()
            if line.startswith("| ") and "MiB" in line}
    peak = {name: float(cells[0].split()[0]) for name, cells in rows.items()}
    assert peak["checkpoint every block of 5 layers"] < 0.9 * peak["no checkpoint"]
    assert peak["checkpoint every layer"] < 0.9 * peak["no checkpoint"]
    assert all(cells[3].strip() in ("yes", "(reference)") for cells in rows.values())
