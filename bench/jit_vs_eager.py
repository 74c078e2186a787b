#!/usr/bin/env python
"""jit must never be slower than eager: for every jit steady-state workload of
bench/workloads.py, time jaxlite's jitted call against the same function run eagerly,
and check jit <= 1.05x eager.

    PYTHONPATH=src python bench/jit_vs_eager.py [--only SUBSTRING] [--repeats N]
                                               [--limit 1.05] [--no-save]

Eager is the workload's own eager row where workloads.py has one ("<title>, eager"),
else the same thunk under `jax.disable_jit()` (where loops run as Python loops), so
every jit workload has an eager twin, including those run.py times only jitted. Unlike run.py, nothing waits
for the fused tier: the jitted thunk is called as a user would (first call, then the
steady state while the background tier may still be compiling), which is when a slow
tier 1, or a compile competing for the core, would show. Samples alternate between the
two forms and loop calls for >= 50 ms; the table shows medians. The exit status is 1 if
any row is over the limit.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402 -- sets the one-thread environment before NumPy loads

import argparse  # noqa: E402
import gc  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import import_time  # noqa: E402
from workloads import WORKLOADS  # noqa: E402


def _sample(thunk, block, calls, eager, eager_mode, jax):
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        if eager and eager_mode == "disable_jit":
            with jax.disable_jit():
                for _ in range(calls):
                    block(thunk())
        else:
            for _ in range(calls):
                block(thunk())
        return (time.perf_counter() - start) / calls
    finally:
        gc.enable()


def eager_twin(work):
    """The workload's own eager row ("<title>, eager"), if bench/workloads.py has one."""
    title = work.name.split(", jit steady state")[0]
    return next((w for w in WORKLOADS if w.mode == "steady"
                 and w.name.startswith(title + ", eager")), None)


def measure(work, jax, jnp, repeats):
    """(jit seconds, eager seconds) medians for one jit steady-state workload."""
    block = jax.block_until_ready
    jitted = work.build(jax, jnp)
    twin = eager_twin(work)
    if twin is not None:
        eager = twin.build(jax, jnp)
        start = time.perf_counter()
        block(eager())
    else:
        with jax.disable_jit():
            eager = work.build(jax, jnp)
            start = time.perf_counter()
            block(eager())
    eager_one = time.perf_counter() - start
    start = time.perf_counter()
    block(jitted())  # the first call compiles; no wait for the fused tier after it
    block(jitted())
    jit_one = time.perf_counter() - start
    calls = {True: max(1, math.ceil(run.SAMPLE_SECONDS / max(eager_one, 1e-9))),
             False: max(1, math.ceil(run.SAMPLE_SECONDS / max(jit_one / 2, 1e-9)))}
    samples = {True: [], False: []}
    mode = "twin" if twin is not None else "disable_jit"
    for repeat in range(repeats):
        for is_eager in ((True, False) if repeat % 2 else (False, True)):
            thunk = eager if is_eager else jitted
            samples[is_eager].append(_sample(thunk, block, calls[is_eager], is_eager, mode, jax))
    return statistics.median(samples[False]), statistics.median(samples[True]), mode


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="SUBSTRING")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--limit", type=float, default=1.05)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    import jaxlite
    import jaxlite.numpy as jnp
    selected = [w for w in WORKLOADS if w.mode == "steady" and "jit" in w.name
                and (not args.only or any(s.lower() in w.name.lower() for s in args.only))]
    lines = ["| workload (jit steady state) | jit | eager | eager is | jit / eager | ok |",
             "| --- | ---: | ---: | --- | ---: | --- |"]
    failures = 0
    for work in selected:
        print(f"  {work.name} ...", file=sys.stderr, flush=True)
        try:
            jit_s, eager_s, mode = measure(work, jaxlite, jnp, args.repeats)
        except Exception as error:  # record and go on, as run.py does
            lines.append(f"| {run.escape(work.name)} | FAIL: {run.describe_error(error)} "
                         "| | | | |")
            failures += 1
            continue
        ratio = jit_s / eager_s
        ok = ratio <= args.limit
        failures += not ok
        lines.append(f"| {run.escape(work.name)} | {run.format_seconds(jit_s)} | "
                     f"{run.format_seconds(eager_s)} | "
                     f"{'its eager row' if mode == 'twin' else 'disable_jit'} | {ratio:.2f}× | "
                     f"{'yes' if ok else 'NO (> ' + str(args.limit) + '×)'} |")
    text = (run.header([run.Library("jaxlite", jaxlite, jnp)], args.repeats, False)
            + f"\n- check: jit steady state <= {args.limit}× eager (eager: the workload's eager "
            "row, else the same thunk under jax.disable_jit()), without waiting for the "
            "fused tier\n\n"
            + "\n".join(lines))
    print(text)
    if not args.no_save:
        print(f"saved to {import_time.save(text, 'jit vs eager, run at')}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
