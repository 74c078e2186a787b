"""Record the canonical examples' numbers from real JAX (tests/ecosystem/golden.json).

    python tools/ecosystem/record.py --python /path/to/jax-venv/bin/python [EXAMPLE ...]

Each example in tests/ecosystem/examples/ prints `name: v1 v2 ...` lines; this runs it
with a Python that has real JAX and the library installed, and stores the values, the
library's version and the wall time. tests/ecosystem/test_examples.py runs the same
example under `python -m jaxlite.run` and compares.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "tests", "ecosystem", "examples")
GOLDEN = os.path.join(ROOT, "tests", "ecosystem", "golden.json")
# example -> the distribution whose version is recorded
LIBRARIES = {"optax": "optax", "chex": "chex", "equinox": "equinox",
             "flax_linen": "flax", "numpyro": "numpyro", "diffrax": "diffrax",
             "optimistix": "optimistix", "lineax": "lineax", "flax_nnx": "flax",
             "orbax": "orbax-checkpoint",
             "haiku": "dm-haiku",
             "jraph": "jraph", "jaxopt": "jaxopt", "blackjax": "blackjax",
             "distrax": "distrax"}


def parse(stdout):
    """{name: [floats]} from the `name: values` lines of an example's output."""
    values = {}
    for line in stdout.splitlines():
        name, sep, rest = line.partition(": ")
        if sep and name and " " not in name:
            values[name] = [float(v) for v in rest.split()]
    return values


def run(python, example, env=None):
    start = time.perf_counter()
    result = subprocess.run([python, os.path.join(EXAMPLES, f"{example}_example.py")],
                            capture_output=True, text=True, env=env, cwd="/tmp")
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{example} failed under {python}:\n{result.stderr[-3000:]}")
    return parse(result.stdout), seconds


def version(python, distribution):
    return subprocess.run([python, "-c", "import importlib.metadata as m, sys; "
                           f"print(m.version({distribution!r}))"],
                          capture_output=True, text=True, check=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="a Python with real JAX installed")
    parser.add_argument("examples", nargs="*", default=sorted(LIBRARIES))
    args = parser.parse_args()
    golden = {}
    if os.path.exists(GOLDEN):
        with open(GOLDEN) as f:
            golden = json.load(f)
    jax_version = version(args.python, "jax")
    for example in args.examples:
        values, seconds = run(args.python, example)
        golden[example] = {"jax": jax_version,
                           "library_version": version(args.python, LIBRARIES[example]),
                           "seconds": round(seconds, 2), "values": values}
        print(f"{example}: {len(values)} values, {seconds:.1f} s", file=sys.stderr)
    with open(GOLDEN, "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
