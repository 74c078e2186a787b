#!/usr/bin/env python
"""Time the workloads of bench/workloads.py on jaxlite and, when it is importable
in this interpreter, on JAX, side by side; print a markdown table and append it
to bench/results/YYYY-MM-DD.md.

    python bench/run.py [--quick] [--only SUBSTRING] [--no-save] [--no-jax]
    python bench/run.py --torch    # + a torch.func column (bench/torch_reference.py)
    python bench/run.py --profile SUBSTRING     # cProfile jaxlite on one workload

To compare with JAX, run it with an interpreter that has both (see README.md):

    /tmp/jaxref/bin/pip install -e /work/main
    /tmp/jaxref/bin/python bench/run.py

Method: for every repeat each library takes one sample, in alternating order;
a sample of a `steady` workload loops enough calls to last >= 50 ms and reports
time per call; a `first_call` sample builds fresh functions and times one call.
Every output goes through `block_until_ready`. The table shows medians.
"""
import os

# Pin both libraries to one thread. This must happen before NumPy or JAX is
# imported: BLAS and XLA read these once, at load time. (setdefault: a value
# given in the environment wins, and is recorded in the results header.)
THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
}
for _name, _value in THREAD_ENV.items():
    os.environ.setdefault(_name, _value)

import argparse  # noqa: E402
import gc  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import import_time  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
SAMPLE_SECONDS = 0.05  # a steady-state sample loops calls for at least this long


@dataclass
class Library:
    name: str
    jax: object  # the top-level module: jaxlite or jax (torch: has block_until_ready)
    jnp: object  # its numpy module
    build: object = None  # build(work) -> thunk, or None where it has no such workload;
    #                       default: work.build(jax, jnp)
    convert: object = None  # convert(work, output) -> output comparable with jaxlite's


TORCH_LIBRARIES = ("torch.func", "torch.compile")  # bench/torch_reference.py's two forms


def load_libraries(with_jax):
    import jaxlite
    import jaxlite.numpy
    libraries = [Library("jaxlite", jaxlite, jaxlite.numpy)]
    if with_jax:
        try:
            import jax
            import jax.numpy
        except ImportError:
            return libraries
        if jax is not jaxlite:  # e.g. under `python -m jaxlite.run`, jax *is* jaxlite
            libraries.append(Library("JAX", jax, jax.numpy))
    return libraries


def load_torch(forms):
    """The torch reference (bench/torch_reference.py) in each form, or [] without torch."""
    try:
        import torch_reference
    except ImportError as error:
        print(f"--torch: torch not importable ({error}); no torch column", file=sys.stderr)
        return []
    return [Library(**torch_reference.library_fields(form)) for form in forms]


# --- measurement ---------------------------------------------------------------------------

@dataclass
class Measurement:
    """One library on one workload: samples of seconds per call, or a failure."""
    thunk: object = None  # steady mode: the built callable
    calls_per_sample: int = 1
    output: object = None  # from the warm-up call, for the agreement check
    samples: list = field(default_factory=list)
    first_call_seconds: float = None  # the untimed warm-up call (torch.compile: compiling)
    error: str = None
    not_applicable: bool = False  # metric mode: the measure does not apply to this library

    @property
    def median(self):
        return statistics.median(self.samples) if self.samples else None


def describe_error(error):
    text = type(error).__name__
    if str(error):
        text += ": " + str(error).splitlines()[0]
    return text if len(text) <= 160 else text[:157] + "..."


def timed_call(library, thunk):
    start = time.perf_counter()
    output = library.jax.block_until_ready(thunk())
    return time.perf_counter() - start, output


def prepare(library, work):
    """Build, warm up and (steady mode) calibrate; never raises."""
    measurement = Measurement()
    try:
        thunk = library.build(work) if library.build else work.build(library.jax, library.jnp)
        if thunk is None:  # e.g. torch: references exist for the steady states only
            measurement.not_applicable = True
            return measurement
        if work.mode == "metric":  # the thunk measures (e.g. peak memory); one sample
            value = thunk()
            if value is None:
                measurement.not_applicable = True
            else:
                measurement.samples.append(value)
            return measurement
        # First call: compiles a jit, fills NumPy/XLA caches, loads lazy modules.
        measurement.first_call_seconds, measurement.output = timed_call(library, thunk)
        if library.convert:
            measurement.output = library.convert(work, measurement.output)
        if work.mode == "steady":
            settle_tiers(library, thunk)
            one_call, _ = timed_call(library, thunk)
            measurement.thunk = thunk
            measurement.calls_per_sample = max(1, math.ceil(SAMPLE_SECONDS / max(one_call, 1e-9)))
    except Exception as error:  # a missing function or a bug: record, keep going
        measurement.error = describe_error(error)
    return measurement


def settle_tiers(library, thunk):
    """jaxlite's fused tier (Numba loops, when Numba is installed) compiles in the background
    once a jitted function has been called `jaxlite_fusion_hot_calls` times: make those
    calls and wait for it, so steady-state samples time what a long-running program runs."""
    if library.name != "jaxlite":
        return
    from jaxlite._src.compiler.tiers import wait_for_tiers
    for _ in range(library.jax.config.jaxlite_fusion_hot_calls):
        library.jax.block_until_ready(thunk())
    wait_for_tiers()


def take_sample(library, work, measurement):
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()  # as timeit does: collections are noise here
    try:
        if work.mode == "first_call":
            thunk = work.build(library.jax, library.jnp)  # fresh functions: no cache hit
            seconds, _ = timed_call(library, thunk)
            return seconds
        thunk, block = measurement.thunk, library.jax.block_until_ready
        calls = measurement.calls_per_sample
        start = time.perf_counter()
        for _ in range(calls):
            block(thunk())
        return (time.perf_counter() - start) / calls
    finally:
        if gc_was_enabled:
            gc.enable()


def run_workload(work, libraries, repeats):
    measurements = {library.name: prepare(library, work) for library in libraries}
    for repeat in range(repeats):
        # Alternate which library goes first, so drift (thermal, other load)
        # does not always favour the same one.
        order = libraries if repeat % 2 == 0 else libraries[::-1]
        for library in order:
            measurement = measurements[library.name]
            if measurement.error or measurement.not_applicable or work.mode == "metric":
                continue
            try:
                measurement.samples.append(take_sample(library, work, measurement))
            except Exception as error:
                measurement.error = describe_error(error)
    for measurement in measurements.values():
        measurement.thunk = None
    return measurements


def leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in leaves(tree[key])]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in leaves(item)]
    return [tree]


def agreement(work, measurements):
    """'ok', or what differs between jaxlite's output and each other library's (a torch
    form that failed or has no reference is left out; its cell says so)."""
    if not work.compare or len(measurements) < 2:
        return ""
    if any(m.error for name, m in measurements.items() if name not in TORCH_LIBRARIES):
        return "n/a"
    ours = leaves(measurements["jaxlite"].output)
    others = [(name, m) for name, m in measurements.items() if name != "jaxlite"
              and not m.error and not m.not_applicable and m.output is not None]
    for name, measurement in others:
        verdict = compare_outputs(work, ours, leaves(measurement.output))
        if verdict != "ok":
            return verdict if len(others) == 1 else f"{verdict} ({name})"
    return "ok" if others else ""


def compare_outputs(work, ours, theirs):
    if len(ours) != len(theirs):
        return f"MISMATCH: {len(ours)} vs {len(theirs)} outputs"
    worst = 0.0
    for a, b in zip(ours, theirs):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return f"MISMATCH: shape {a.shape} vs {b.shape}"
        if a.dtype != b.dtype:
            return f"MISMATCH: dtype {a.dtype} vs {b.dtype}"
        if not np.allclose(a, b, rtol=work.rtol, atol=work.atol):
            worst = max(worst, float(np.max(np.abs(a.astype(np.float64) - b))))
    return "ok" if worst == 0.0 else f"MISMATCH: max abs diff {worst:.3g}"


# --- report -------------------------------------------------------------------------------

def format_seconds(seconds):
    if seconds is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale * 0.9995:  # so 0.99996 s prints as 1.00 s, not 1000 ms
            break
    value = seconds / scale  # three significant digits
    return f"{value:.{2 if value < 10 else 1 if value < 100 else 0}f} {unit}"


def format_bytes(count, vector_bytes=0):
    text = f"{count / 1e6:.1f} MB"
    if vector_bytes:
        text += f" ({count / vector_bytes:.1f} n-vectors)"
    return text


def escape(text):
    return text.replace("|", "\\|")


def cell(measurement, work):
    if measurement is None:
        return "—"
    if measurement.error:
        return "FAIL: " + escape(measurement.error)
    if measurement.not_applicable:
        return "n/a"
    if work.mode == "metric" and work.unit == "bytes":
        return format_bytes(measurement.median, work.vector_bytes)
    if work.mode == "metric" and work.unit == "ratio":
        return f"{measurement.median:.2f}×"
    return format_seconds(measurement.median)


def ratio(measurements, other="JAX"):
    ours = measurements.get("jaxlite")
    theirs = best_torch(measurements) if other == "torch" else measurements.get(other)
    if other == "best":  # the faster of JAX and torch (either alone if the other is missing)
        candidates = [m for m in (measurements.get("JAX"), best_torch(measurements))
                      if m and m.median is not None]
        theirs = min(candidates, key=lambda m: m.median) if candidates else None
    if not ours or not theirs or ours.median is None or theirs.median is None:
        return "—"
    if theirs.median == 0:
        return "∞" if ours.median else "—"
    value = ours.median / theirs.median
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def best_torch(measurements):
    """The fastest torch form's measurement on this row, or None."""
    timed = [measurements[name] for name in TORCH_LIBRARIES
             if name in measurements and measurements[name].median is not None]
    return min(timed, key=lambda m: m.median) if timed else None


def torch_cell(measurements, work):
    """The best torch form's time and which form it was; failures of either form shown."""
    forms = {name: measurements[name] for name in TORCH_LIBRARIES if name in measurements}
    if not forms or all(m.not_applicable for m in forms.values()):
        return "—"
    best = best_torch(measurements)
    text = ""
    if best is not None:
        form = next(name for name, m in forms.items() if m is best)
        text = f"{format_seconds(best.median)} " + (
            "(eager)" if form == "torch.func" else
            f"(torch.compile; {format_seconds(best.first_call_seconds)} to compile)")
    failures = [f"{'eager' if name == 'torch.func' else 'torch.compile'} FAIL: {m.error}"
                for name, m in forms.items() if m.error]
    return escape("; ".join([text] * bool(text) + failures))


def table(rows, with_jax, with_torch=False):
    """Without torch: workload | jaxlite [| JAX | ratio | outputs agree]. With torch a
    torch.func column (best form) and a ratio jaxlite / best(JAX, torch) are added."""
    columns = ["workload", "jaxlite"] + ["JAX"] * with_jax + ["torch.func"] * with_torch
    columns += ["ratio jaxlite/JAX"] * with_jax
    if with_torch:
        columns.append("ratio jaxlite / best(JAX, torch)" if with_jax else "ratio jaxlite/torch")
    if with_jax or with_torch:
        columns.append("outputs agree")
    lines = ["| " + " | ".join(columns) + " |",
             "| " + " | ".join("---" if column in ("workload", "outputs agree") else "---:"
                               for column in columns) + " |"]
    for work, measurements in rows:
        cells = [escape(work.name), cell(measurements.get("jaxlite"), work)]
        if with_jax:
            cells.append(cell(measurements.get("JAX"), work))
        if with_torch:
            cells.append(torch_cell(measurements, work))
        if with_jax:
            cells.append(ratio(measurements))
        if with_torch:
            cells.append(ratio(measurements, "best" if with_jax else "torch")
                         if best_torch(measurements) else "—")
        if with_jax or with_torch:
            cells.append(escape(agreement(work, measurements)))
        lines.append("| " + " | ".join(cells) + " |")
    if with_torch:
        lines += ["", torch_notes()]
    return "\n".join(lines)


def torch_notes():
    """A line under the table: what the torch.func column holds."""
    cache = ("off" if os.environ.get("TORCHINDUCTOR_FORCE_DISABLE_CACHES") == "1"
             else "on, so a rerun compiles faster")
    return ("torch.func column: the faster of the torch.func composition run eagerly "
            "(\"eager\") and the same under torch.compile (Inductor; its first call, "
            f"compile + run, is the time to compile; Inductor's on-disk cache {cache}); "
            "bench/torch_reference.py, one thread, the same NumPy inputs.")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def header(libraries, repeats, quick):
    versions = [f"Python {platform.python_version()}", f"NumPy {np.__version__}"]
    for library in libraries:
        versions.append(f"{library.name} {getattr(library.jax, '__version__', '?')}")
    try:
        import subprocess
        source_dir = os.path.dirname(os.path.abspath(libraries[0].jax.__file__))
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=source_dir,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        if commit:
            versions[2] += f" (git {commit})"
    except (OSError, subprocess.SubprocessError):
        pass
    config = libraries[0].jax.config
    if getattr(config, "jaxlite_fusion", None) is not None:  # which tiers jaxlite ran with
        try:
            import numba
            fused = f"Numba {numba.__version__}" if config.jaxlite_fusion != "off" else "off"
        except ImportError:
            fused = "Numba not installed"
        versions[2] += f" (fused tier: {fused})"
    threads = ", ".join(f"{k}={os.environ.get(k, '')!r}" for k in THREAD_ENV)
    load = ""
    if hasattr(os, "getloadavg"):  # other processes on a 2-core machine skew every number
        load = (f"; load average at the end {os.getloadavg()[0]:.1f} (1 min), "
                f"{os.getloadavg()[1]:.1f} (5 min)")
    return "\n".join([
        f"- machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.machine()}{load}",
        f"- versions: {', '.join(versions)}",
        f"- thread pinning: {threads}",
        f"- method: median of {repeats} repeats{' (--quick)' if quick else ''}; libraries "
        f"alternate within each repeat; steady-state samples loop calls for >= "
        f"{SAMPLE_SECONDS * 1e3:.0f} ms and report time per call; first-call samples build "
        f"fresh functions and time one call; outputs pass through block_until_ready",
    ])


def profile(work, library, calls):
    import cProfile
    import pstats
    thunk = work.build(library.jax, library.jnp)
    library.jax.block_until_ready(thunk())  # warm up outside the profile
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        if work.mode == "first_call":
            thunk = work.build(library.jax, library.jnp)
        library.jax.block_until_ready(thunk())
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    print(f"cProfile of {library.name} on {work.name!r}, {calls} calls")
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(25)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (< 1 min)")
    parser.add_argument("--repeats", type=int, help="samples per library per workload")
    parser.add_argument("--only", action="append", metavar="SUBSTRING",
                        help="run workloads whose name contains SUBSTRING (repeatable)")
    parser.add_argument("--no-jax", action="store_true", help="do not time JAX")
    parser.add_argument("--torch", action="store_true",
                        help="add a torch.func column for the jit steady states "
                             "(bench/torch_reference.py; needs torch; torch.compile takes "
                             "10-60 s per workload on its first call)")
    parser.add_argument("--torch-forms", default="eager,compile", metavar="FORMS",
                        help="with --torch: eager, compile or both (default: eager,compile)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    parser.add_argument("--profile", metavar="SUBSTRING",
                        help="cProfile jaxlite on the first matching workload, then exit")
    parser.add_argument("--profile-calls", type=int, default=20)
    args = parser.parse_args(argv)

    selected = [w for w in WORKLOADS
                if not args.only or any(s.lower() in w.name.lower() for s in args.only)]
    if args.profile:
        matches = [w for w in WORKLOADS if args.profile.lower() in w.name.lower()]
        if not matches:
            parser.error(f"no workload matches {args.profile!r}")
        profile(matches[0], load_libraries(with_jax=False)[0], args.profile_calls)
        return 0

    libraries = load_libraries(with_jax=not args.no_jax)
    with_jax = len(libraries) > 1
    if args.torch:
        forms = [form.strip() for form in args.torch_forms.split(",") if form.strip()]
        if not forms or set(forms) - {"eager", "compile"}:
            parser.error("--torch-forms takes eager, compile or eager,compile")
        libraries += load_torch(forms)
    with_torch = any(library.name in TORCH_LIBRARIES for library in libraries)
    repeats = args.repeats or (3 if args.quick else 7)
    print(f"timing {len(selected)} workloads on {', '.join(l.name for l in libraries)}, "
          f"{repeats} repeats", file=sys.stderr)
    rows = []
    started = time.perf_counter()
    for work in selected:
        print(f"  {work.name} ...", end="", file=sys.stderr, flush=True)
        workload_started = time.perf_counter()
        rows.append((work, run_workload(work, libraries, repeats)))
        print(f" {time.perf_counter() - workload_started:.1f} s", file=sys.stderr)
    text = header(libraries, repeats, args.quick) + "\n\n" + table(rows, with_jax, with_torch)
    print(text)
    print(f"\n(total {time.perf_counter() - started:.1f} s)", file=sys.stderr)
    if not args.no_save:
        print(f"saved to {import_time.save(text, 'Run at')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
