#!/usr/bin/env python
"""Import time of `jaxlite.numpy` next to `numpy` (and `jax.numpy` where JAX is installed),
in fresh interpreters, for one or more Python environments.

    python bench/import_time.py                                  # this interpreter
    python bench/import_time.py --python /tmp/venv-np/bin/python --python /tmp/venv-full/bin/python
    python bench/import_time.py --runs 21 --save                 # + bench/results/YYYY-MM-DD.md

Prints a markdown table: per interpreter, which optional packages it has (ml_dtypes, SciPy,
Numba, JAX), the median and minimum time of each import, the ratio jaxlite.numpy / numpy
(the target: at most 2x), jaxlite's own share (`import jaxlite.numpy` once NumPy
is imported: what jaxlite adds, measured directly), and which heavy optional packages `import jaxlite.numpy`
loaded (none should be: they load on first use). `bench/run.py` reports the same
measurement as its import-time row (`measure()`).

Method. Every sample is a fresh `python -c` that times the import statement alone with
`time.perf_counter()` (interpreter start-up excluded: it is the same for every library).
The modules alternate within each round of samples, so drift on this shared machine hits
them alike; the table shows the median of `--runs` samples (default 11). jaxlite is this
checkout's (`src/` first on PYTHONPATH; `--src DIR` imports another). Imports run from cached bytecode, as after a pip
install: PYTHONDONTWRITEBYTECODE (which some sandboxes set, making every import recompile
jaxlite from source, ~150 ms) is removed for the subprocesses, and one untimed import of
each module first writes the .pyc files.

Only the standard library is imported here, so any interpreter can be measured.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.join(os.path.dirname(BENCH_DIR), "src")
RUNS = 11
OPTIONAL = ("ml_dtypes", "scipy", "numba", "jax")  # what may make an environment differ
# Modules `import jaxlite.numpy` must not load (tests/test_import.py checks it too).
HEAVY = ("scipy", "numba", "llvmlite", "ml_dtypes", "jax", "jaxlib")

_TIME_IMPORT = ("import time; {preload}start = time.perf_counter(); import {module}; "
                "print(time.perf_counter() - start)")
# A measured "module" named "X after Y" times `import X` once Y is imported: jaxlite's own
# share of its import, NumPy's excluded (less noisy than a difference of two medians).
OWN_SHARE = "jaxlite.numpy after numpy"
_PROBE = """
import importlib.metadata, importlib.util, json, platform, sys
found = {}
for name in %r:
    try:
        found[name] = (importlib.util.find_spec(name) is not None
                       and importlib.metadata.version(name))
    except (ImportError, ValueError, importlib.metadata.PackageNotFoundError):
        found[name] = False
print(json.dumps({"python": platform.python_version(), "prefix": sys.prefix,
                  "packages": found}))
"""
_LOADED = "import sys, json; import jaxlite.numpy; print(json.dumps([m for m in %r if m in sys.modules]))"


def environment(source_dir=SOURCE_DIR):
    """The subprocesses' environment: this checkout's jaxlite first, bytecode cached."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if source_dir:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (source_dir, env.get("PYTHONPATH")) if p)
    return env


def _run(python, code, env):
    done = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(f"{python} -c {code!r} failed: {lines[-1] if lines else done.returncode}")
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def probe(python, env=None):
    """Python version, prefix and the optional packages (name -> version or False)."""
    return json.loads(_run(python, _PROBE % (OPTIONAL + ("numpy",),), env or environment()))


def measure(python, modules, runs=RUNS, env=None):
    """{module: [seconds of `import module` in each of `runs` fresh interpreters]}."""
    env = env or environment()
    for module in modules:  # untimed: writes the bytecode caches
        _run(python, f"import {module.split(' after ')[0]}", env)
    samples = {module: [] for module in modules}
    for round_ in range(runs):
        order = modules if round_ % 2 == 0 else modules[::-1]
        for module in order:
            imported, _, preloaded = module.partition(" after ")
            code = _TIME_IMPORT.format(module=imported,
                                       preload=f"import {preloaded}; " if preloaded else "")
            samples[module].append(float(_run(python, code, env)))
    return samples


def heavy_modules_loaded(python, env=None):
    """Which of HEAVY `import jaxlite.numpy` put in sys.modules."""
    return json.loads(_run(python, _LOADED % (HEAVY,), env or environment()))


def report(python, runs=RUNS, source_dir=SOURCE_DIR):
    """One interpreter's measurements, as a dict (the table's row)."""
    env = environment(source_dir)
    info = probe(python, env)
    modules = (["numpy", "jaxlite.numpy", OWN_SHARE]
               + ["jax.numpy"] * bool(info["packages"]["jax"]))
    samples = measure(python, modules, runs, env)
    return {"python": python, "info": info, "runs": runs,
            "median": {m: statistics.median(s) for m, s in samples.items()},
            "min": {m: min(s) for m, s in samples.items()},
            "loaded": heavy_modules_loaded(python, env)}


def _ms(seconds):
    return f"{seconds * 1e3:.0f} ms"


def table(reports):
    lines = ["| interpreter | optional packages | `import numpy` | `import jaxlite.numpy` "
             "| jaxlite.numpy / numpy | jaxlite's own share (NumPy already imported) "
             "| `import jax.numpy` | loaded by `import jaxlite.numpy` |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in reports:
        packages = ", ".join(f"{name} {version}" for name, version in r["info"]["packages"].items()
                             if version and name != "numpy") or "none"
        median, minimum = r["median"], r["min"]
        cells = [f"`{r['python']}` (Python {r['info']['python']}, NumPy "
                 f"{r['info']['packages']['numpy']})", packages]
        for module in ("numpy", "jaxlite.numpy"):
            cells.append(f"{_ms(median[module])} (min {_ms(minimum[module])})")
        cells.append(f"{median['jaxlite.numpy'] / median['numpy']:.2f}×")
        cells.append(f"{_ms(median[OWN_SHARE])} (min {_ms(minimum[OWN_SHARE])})")
        cells.append(f"{_ms(median['jax.numpy'])} (min {_ms(minimum['jax.numpy'])})"
                     if "jax.numpy" in median else "—")
        cells.append(", ".join(r["loaded"]) or "none of " + "/".join(HEAVY))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def save(text, heading="Import time, run at"):
    """Append `text` under "## <heading> HH:MM:SS" to bench/results/YYYY-MM-DD.md
    (run.py saves its table this way too)."""
    results_dir = os.path.join(BENCH_DIR, "results")
    os.makedirs(results_dir, exist_ok=True)
    now = datetime.datetime.now()
    path = os.path.join(results_dir, f"{now:%Y-%m-%d}.md")
    is_new = not os.path.exists(path)
    with open(path, "a") as out:
        if is_new:
            out.write(f"# Benchmark results, {now:%Y-%m-%d}\n\n")
        out.write(f"## {heading} {now:%H:%M:%S}\n\n{text}\n\n")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", metavar="PATH",
                        help="interpreter to measure (repeatable; default: this one)")
    parser.add_argument("--runs", type=int, default=RUNS, help="fresh interpreters per module")
    parser.add_argument("--src", default=SOURCE_DIR, metavar="DIR",
                        help="the jaxlite to import: a src/ directory (default: this "
                             "checkout's); '' for the interpreter's installed jaxlite")
    parser.add_argument("--save", action="store_true", help="append to bench/results/")
    parser.add_argument("--json", action="store_true", help="print the raw reports as JSON")
    args = parser.parse_args(argv)
    reports = [report(python, args.runs, args.src) for python in args.python or [sys.executable]]
    if args.json:
        print(json.dumps(reports, indent=1))
        return 0
    load = f"; load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    text = (f"- machine: {platform.machine()}, {os.cpu_count()} cores{load}\n"
            f"- method: median (and minimum) of {args.runs} fresh interpreters per module, "
            f"the import statement alone, from cached bytecode (bench/import_time.py)\n\n"
            + table(reports))
    print(text)
    if args.save:
        print(f"\nappended to {save(text)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
