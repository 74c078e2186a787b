#!/usr/bin/env python
"""Peak memory of one Hessian-vector product at n = 10^6, measured in this (fresh) process.

    python bench/peak_memory.py --library jaxlite --kind rev-over-rev [--jit]

Prints one JSON line: {"traced_peak": bytes or null, "rss_peak_increase": bytes, ...}.
`bench/workloads.py` runs it in a subprocess for its "peak memory" rows.

Method. The inputs x, v are made and the function is called once untimed (this compiles a
jit, loads lazy modules, fills caches); the measured call comes after, so compilation is not
counted, and neither are the inputs; the output (one n-vector) is. Each measure is taken
over 3 calls and the largest is reported. Under jaxlite's jit the warm-up also makes the
calls after which the fused tier (Numba, when installed) compiles, waits for it and calls
it once, so the RSS rows measure the tier a long-running program runs (the tracemalloc
row, a fresh function's first call, is the NumPy tier's).

- traced_peak: tracemalloc's peak minus its level before the first call of a freshly made
  function, so a jitted function's workspace (buffers kept between calls) counts. NumPy
  reports its array allocations to tracemalloc, so for jaxlite this is every array the call
  allocates or keeps; XLA's buffers are invisible to it (null for JAX).
- rss_peak_increase: the increase of the process's resident-set high-water mark (VmHWM in
  /proc/self/status, the number getrusage's ru_maxrss reports), reset before the call by
  writing 5 to /proc/self/clear_refs. ru_maxrss itself cannot be used as a difference here:
  a child process inherits its parent's high-water mark through fork/exec (a benchmark
  parent holding 400 MB makes every child report >= 400 MB), and it cannot be reset.
  glibc's dynamic mmap threshold would keep freed arrays resident in the heap and hide the
  next call's allocations, so the threshold is fixed (MALLOC_MMAP_THRESHOLD_, set by the
  parent for both libraries): every large array is its own mapping, returned on free.
"""
import argparse
import gc
import importlib
import json
import os
import resource
import sys

REPEATS = 3
MMAP_THRESHOLD = "131072"  # glibc's default, but fixed: no dynamic raise after a free


def high_water_mark():
    """The resident-set high-water mark of this process, bytes (VmHWM)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmHWM in /proc/self/status")


def reset_high_water_mark():
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", default="jaxlite", help="jaxlite or jax")
    parser.add_argument("--kind", default="rev-over-rev")
    parser.add_argument("--jit", action="store_true")
    parser.add_argument("--n", type=int, default=None)
    args = parser.parse_args(argv)
    if os.environ.get("MALLOC_MMAP_THRESHOLD_") != MMAP_THRESHOLD:
        # glibc reads it once, at start-up: start again with it set.
        os.environ["MALLOC_MMAP_THRESHOLD_"] = MMAP_THRESHOLD
        os.execv(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:])

    library = importlib.import_module(args.library)
    jnp = importlib.import_module(args.library + ".numpy")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from workloads import hvp_function, hvp_inputs, HVP_SIZE
    n = args.n or HVP_SIZE
    hvp = hvp_function(library, jnp, args.kind)
    if args.jit:
        hvp = library.jit(hvp)
    x, v = hvp_inputs(jnp, n)
    library.block_until_ready(hvp(x, v))  # warm-up: compile, lazy imports, caches
    if args.library == "jaxlite" and args.jit:
        # The steady state: jaxlite's fused tier (Numba, when installed) compiles in the
        # background after a few calls; measure the tier that then runs, not Numba's import.
        from jaxlite._src.compiler.tiers import wait_for_tiers
        for _ in range(library.config.jaxlite_fusion_hot_calls):
            library.block_until_ready(hvp(x, v))
        wait_for_tiers()
        library.block_until_ready(hvp(x, v))  # the fused code's first call makes its workspace

    rss, maxrss = [], []
    for _ in range(REPEATS):
        gc.collect()
        reset_high_water_mark()
        before = high_water_mark()
        maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        out = library.block_until_ready(hvp(x, v))
        rss.append(high_water_mark() - before)
        maxrss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - maxrss_before)
        del out

    traced = None
    if args.library != "jax":
        # The first call of a fresh function: a jitted one allocates its workspace (the
        # buffers it keeps between calls) inside the measured region, so they count.
        import tracemalloc
        traced = 0
        for _ in range(REPEATS):
            fresh = hvp_function(library, jnp, args.kind)
            fresh = library.jit(fresh) if args.jit else fresh
            gc.collect()
            tracemalloc.start()
            level = tracemalloc.get_traced_memory()[0]
            out = fresh(x, v)
            traced = max(traced, tracemalloc.get_traced_memory()[1] - level)
            del out, fresh
            tracemalloc.stop()

    print(json.dumps({
        "library": args.library, "kind": args.kind, "jit": args.jit, "n": n,
        "traced_peak": traced,
        "rss_peak_increase": max(rss),
        "ru_maxrss_increase": max(maxrss),  # see the docstring: 0 when the parent was larger
        "n_vector_bytes": 4 * n,
    }))


if __name__ == "__main__":
    sys.exit(main())
