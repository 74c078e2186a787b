#!/usr/bin/env python
"""What does a collective across processes cost, next to raw mpi4py on the same buffers?

    mpiexec -n 2 python bench/collectives_mpi.py [--mb 1] [--steps 200]
    python bench/collectives_mpi.py --weak-scaling     (runs 1 and 2 processes itself)

Collective: an all-reduce (sum) of a float32 buffer of `--mb` MB between processes, each
process with one device:
  raw mpi4py        comm.Allreduce(x, out) on NumPy buffers (blocking), and
                    comm.Iallreduce polled with Test (as jaxlite waits: the reference)
  jaxlite eager     jax.pmap(lambda v: lax.psum(v, "i"), axis_name="i")(x) (jitted inside)
  jaxlite jit       the same pmap under jax.jit
jaxlite adds the header check (a 16-byte all-reduce that catches mismatched collectives)
and waits on a nonblocking request with a time-out.

Weak scaling: the data-parallel MLP step of examples/data_parallel_mlp.py with a fixed
per-process batch, on 1 and on 2 processes (one device each): time per step.
Times are medians over `--steps` steps after a warm-up; process 0 prints them.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np


def median_time(fn, steps):
    fn()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def bench_allreduce(mb, steps):
    import jaxlite as jax
    from jaxlite import lax
    from mpi4py import MPI

    jax.config.update("jax_num_cpu_devices", 1)
    jax.distributed.initialize()
    comm = MPI.COMM_WORLD
    x = np.random.default_rng(comm.rank).normal(size=(1, int(mb * 2**20) // 4)).astype(
        np.float32)
    out = np.empty_like(x)
    psum = jax.pmap(lambda v: lax.psum(v, "i"), axis_name="i")
    jitted = jax.jit(psum)
    xa = jax.numpy.asarray(x)
    def nonblocking():
        request = comm.Iallreduce(x, out)
        while not request.Test():
            time.sleep(0)

    results = {
        "raw mpi4py Allreduce": median_time(lambda: comm.Allreduce(x, out), steps),
        "raw mpi4py Iallreduce+Test": median_time(nonblocking, steps),
        "jaxlite pmap(psum)": median_time(lambda: psum(xa).block_until_ready(), steps),
        "jaxlite jit(pmap(psum))": median_time(lambda: jitted(xa).block_until_ready(), steps),
    }
    np.testing.assert_allclose(np.asarray(psum(xa)), comm.allreduce(x), rtol=1e-5)
    if comm.rank == 0:
        raw = results["raw mpi4py Allreduce"]
        print(f"all-reduce of {mb:g} MB float32 between {comm.size} processes "
              f"(median of {steps} steps):")
        for name, t in results.items():
            print(f"  {name:26s} {t * 1e6:9.1f} us   {t / raw - 1:+6.1%} vs raw")


def step_time(steps):
    import jaxlite as jax
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
    import data_parallel_mlp as example

    jax.config.update("jax_num_cpu_devices", 1)
    if os.environ.get("PMI_SIZE"):
        jax.distributed.initialize()
    per_process = 256
    x, y = example.make_data(n=per_process * jax.process_count())
    params = example.init_params()
    start = time.perf_counter()
    example.train_pmap(params, x, y, steps)
    elapsed = (time.perf_counter() - start) / steps
    if jax.process_index() == 0:
        print(f"{jax.process_count()} process(es), batch {per_process} each: "
              f"{elapsed * 1e3:.2f} ms per step")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--weak-scaling", action="store_true")
    parser.add_argument("--step-time", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step_time:
        step_time(args.steps)
    elif args.weak_scaling:
        here = os.path.abspath(__file__)
        mpiexec = os.path.join(os.path.dirname(sys.executable), "mpiexec")
        for n in (1, 2):
            subprocess.run([mpiexec, "-n", str(n), sys.executable, here, "--step-time",
                            "--steps", str(args.steps)], check=True)
    else:
        bench_allreduce(args.mb, args.steps)


if __name__ == "__main__":
    main()
