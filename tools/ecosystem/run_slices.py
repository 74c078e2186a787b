"""Run a slice of each library's own test suite on jaxlite (and optionally on JAX), and
print the pass counts side by side.

    python tools/ecosystem/run_slices.py [--jax-python PY] [--root DIR] [LIB ...]

The tests run under the import hook, `python -m jaxlite.run -m pytest FILES`, with the
Python running this script (a venv with the libraries installed by `pip install
--no-deps`, and no JAX). Library tests are not all shipped in wheels: optax's, chex's,
dm-haiku's, jraph's and distrax's are (they are run from site-packages); flax's (linen and
nnx), numpyro's and blackjax's come with their sdists; for equinox, jaxopt, lineax,
optimistix and orbax give a checkout (their tests at the installed tag; orbax's at the
commit SLICES names). --root DIR holds <lib>/ directories with the test files (as the
repositories lay them out); a library with neither is skipped.
--jax-python runs the same files with real JAX for the reference counts.
"""
import argparse
import os
import re
import subprocess
import sys
import sysconfig
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "src")

# library -> test files (relative to the library's test root), the slice the README's
# table reports. CI runs them with --quick, which leaves out the SLOW ones.
SLICES = {
    "optax": ["optax/_src/transform_test.py", "optax/_src/update_test.py",
              "optax/schedules/_schedule_test.py", "optax/transforms/_clipping_test.py",
              "optax/losses/_classification_test.py", "optax/losses/_regression_test.py"],
    "chex": ["chex/_src/asserts_test.py", "chex/_src/dataclass_test.py",
             "chex/_src/variants_test.py"],
    "equinox": ["tests/test_nn.py", "tests/test_filters.py"],
    "flax": ["tests/linen/linen_module_test.py", "tests/linen/linen_test.py",
             "tests/linen/linen_linear_test.py", "tests/linen/linen_attention_test.py",
             "tests/linen/linen_combinators_test.py", "tests/linen/linen_activation_test.py",
             "tests/linen/initializers_test.py"],
    "numpyro": ["test/test_handlers.py", "test/test_distributions_util.py"],
    "lineax": ["tests/test_solve.py", "tests/test_operator.py", "tests/test_misc.py",
               "tests/test_norm.py"],
    "optimistix": ["tests/test_root_find.py", "tests/test_fixed_point.py",
                   "tests/test_misc.py"],
    # (transform_test and recurrent_test import TensorFlow)
    "haiku": ["haiku/_src/basic_test.py", "haiku/_src/module_test.py",
              "haiku/_src/batch_norm_test.py", "haiku/_src/stateful_test.py",
              "haiku/_src/conv_test.py", "haiku/_src/layer_norm_test.py",
              "haiku/_src/initializers_test.py"],
    "jraph": ["jraph/_src/models_test.py"],  # utils_test imports jax.lib.xla_bridge, gone in JAX 0.10
    "jaxopt": ["tests/lbfgs_test.py", "tests/gradient_descent_test.py",
               "tests/implicit_diff_test.py", "tests/projection_test.py",
               "tests/linear_solve_test.py", "tests/bisection_test.py"],
    "blackjax": ["tests/mcmc/test_integrators.py", "tests/mcmc/test_proposal.py",
                 "tests/adaptation/test_adaptation.py", "tests/mcmc/test_mala.py"],
    "flax.nnx": ["tests/nnx/" + f for f in (
        "module_test.py", "rngs_test.py", "graph_utils_test.py", "transforms_test.py",
        "optimizer_test.py", "variable_test.py", "state_test.py", "containers_test.py",
        "filters_test.py", "helpers_test.py", "ids_test.py", "metrics_test.py",
        "summary_test.py", "integration_test.py", "partitioning_test.py", "spmd_test.py",
        "mutable_array_test.py", "test_traversals.py", "bridge/module_test.py",
        "bridge/wrappers_test.py", "nn/attention_test.py", "nn/conv_test.py",
        "nn/embed_test.py", "nn/linear_test.py", "nn/lora_test.py", "nn/normalization_test.py",
        "nn/recurrent_test.py", "nn/stochastic_test.py")],
    # orbax-checkpoint's tests are in neither wheel nor sdist: from a google/orbax checkout
    # (commit 3ff7b24a), laid out as the repository has them. Its checkpointer, pytree,
    # standard and manager tests import `_src.testing.multiprocess_test`, which 0.12.8 does
    # not ship, on JAX too.
    "orbax": ["checkpoint/orbax/checkpoint/" + f for f in (
        "transform_utils_test.py", "checkpoint_utils_test.py", "single_host_test.py",
        "_src/handlers/random_key_checkpoint_handler_test.py",
        "_src/handlers/composite_checkpoint_handler_test.py",
        "_src/handlers/json_checkpoint_handler_test.py", "_src/tree/utils_test.py",
        "_src/serialization/serialization_test.py", "_src/metadata/empty_values_test.py",
        "_src/tree/structure_utils_test.py", "_src/tree/parts_of_test.py",
        "checkpoint_args_test.py", "_src/metadata/tree_test.py",
        "_src/handlers/handler_registration_test.py", "_src/arrays/fragments_test.py",
        "_src/arrays/abstract_arrays_test.py", "_src/arrays/numpy_utils_test.py",
        "_src/arrays/subchunking_test.py", "_src/metadata/sharding_test.py",
        "_src/metadata/array_metadata_store_test.py",
        "_src/serialization/tensorstore_utils_test.py",
        "_src/serialization/replica_slices_test.py", "_src/metadata/checkpoint_test.py",
        "_src/handlers/pytree_metadata_test.py")],
    "distrax": ["distrax/_src/distributions/normal_test.py",
                "distrax/_src/distributions/categorical_test.py",
                "distrax/_src/distributions/mvn_diag_test.py",
                "distrax/_src/bijectors/tanh_test.py",
                "distrax/_src/bijectors/scalar_affine_test.py",
                "distrax/_src/bijectors/chain_test.py",
                "distrax/_src/distributions/transformed_test.py"],
}
# Tests of each slice that pass on JAX 0.10.2 (CPU), measured with --jax-python on the
# same files; --check requires jaxlite to pass at least 95% of that count. A slice with
# no recorded count is checked against the tests it ran instead.
JAX_PASSED = {"optax": 241, "chex": 470, "equinox": 74, "flax": 924, "lineax": 110,
              "optimistix": 145, "haiku": 484, "jraph": 17, "jaxopt": 81, "blackjax": 158,
              "distrax": 1698, "numpyro": 205, "flax.nnx": 1028, "orbax": 1173}
# Files --quick (CI) leaves out: numpyro's distributions_util draws 10^4 binomials one
# eager while_loop at a time (lax.map), minutes here where XLA compiles one loop.
SLOW = {"numpyro": ["test/test_distributions_util.py"]}
SHIPPED_IN_WHEEL = {"optax", "chex", "haiku", "jraph", "distrax"}
# Slices whose test tree is another library's: flax.nnx's tests are in flax's tree.
TEST_TREE = {"flax.nnx": "flax"}


def test_root(lib, root):
    tree = TEST_TREE.get(lib, lib)
    if root and os.path.isdir(os.path.join(root, tree)):
        return os.path.join(root, tree)
    if lib in SHIPPED_IN_WHEEL:
        return sysconfig.get_paths()["purelib"]
    return None


_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)")


def summary(output):
    """{'passed': n, 'failed': n, ...} from pytest's last summary line."""
    counts = {}
    for line in reversed(output.splitlines()):
        if " in " in line and ("passed" in line or "failed" in line or "error" in line):
            for n, what in _COUNT.findall(line):
                counts["errors" if what.startswith("error") else what] = int(n)
            break
    return counts


def run(python, files, cwd, through_jaxlite, pytest_args):
    cmd = [python] + (["-m", "jaxlite.run"] if through_jaxlite else []) + [
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *pytest_args, *files]
    env = dict(os.environ)
    if through_jaxlite:
        env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    failures = [line for line in result.stdout.splitlines()
                if line.startswith(("FAILED", "ERROR", "SUBFAILED"))]
    return summary(result.stdout), seconds, failures, result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("libs", nargs="*", default=list(SLICES))
    parser.add_argument("--root", default=os.environ.get("JAXLITE_ECOSYSTEM_TESTS"),
                        help="directory with <lib>/ test trees")
    parser.add_argument("--jax-python", help="a Python with real JAX, for reference counts")
    parser.add_argument("--quick", action="store_true", help="skip the slow files")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a slice passes fewer than 95%% of what passes on JAX")
    args, pytest_args = parser.parse_known_args()
    rows, short = [], []
    for lib in args.libs:
        cwd = test_root(lib, args.root)
        files = [f for f in SLICES[lib] if not (args.quick and f in SLOW.get(lib, ()))]
        if not files:
            continue
        if cwd is None or not all(os.path.exists(os.path.join(cwd, f)) for f in files):
            print(f"{lib}: test files not found (give --root), skipped", file=sys.stderr)
            continue
        counts, seconds, failures, _ = run(sys.executable, files, cwd, True, pytest_args)
        row = [lib, counts, seconds, None, None]
        if args.jax_python:
            row[3], row[4], _, _ = run(args.jax_python, files, cwd, False, pytest_args)
        rows.append(row)
        ran = sum(counts.get(k, 0) for k in ("passed", "failed", "errors"))
        whole = len(files) == len(SLICES[lib])
        reference = JAX_PASSED[lib] if whole and lib in JAX_PASSED else ran
        if counts.get("passed", 0) < 0.95 * reference:
            short.append(f"{lib}: {counts.get('passed', 0)} passed, below 95% of {reference}")
        if args.show_failures:
            print("\n".join(failures), file=sys.stderr)
    print("| library | jaxlite passed / failed / errors | time | JAX passed / failed | time |")
    print("|---|---|---|---|---|")
    for lib, counts, seconds, jax_counts, jax_seconds in rows:
        mine = (f"{counts.get('passed', 0)} / {counts.get('failed', 0)} / "
                f"{counts.get('errors', 0)}")
        theirs = ("—" if jax_counts is None else
                  f"{jax_counts.get('passed', 0)} / {jax_counts.get('failed', 0)}")
        jax_time = "—" if jax_seconds is None else f"{jax_seconds:.0f} s"
        print(f"| {lib} | {mine} | {seconds:.0f} s | {theirs} | {jax_time} |")
    if args.check and short:
        print("\n".join(short), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
