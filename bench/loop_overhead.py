#!/usr/bin/env python
"""Per-iteration overhead of jaxlite's loops in the NumPy tier: what `scan`, `fori_loop`
and `while_loop` add to their body's own NumPy calls (issue 14's target: <= 3 us).

    PYTHONPATH=src python bench/loop_overhead.py [--iterations N] [--limit 3.0]

For each loop, a jitted function runs a small body (a matrix-vector product and a few
elementwise operations on 32-vectors) N times. The same body's generated function is
then called N times in a plain Python loop, with the loop's first inputs. The difference
per iteration is the loop's own cost: bookkeeping, carries, stacking ys. Times are CPU
time of this thread (time.thread_time), best of several repeats, so other jobs on the
machine skew them little. The exit status is 1 if any loop is over the limit.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402,F401 -- sets the one-thread environment before NumPy loads

import argparse  # noqa: E402
import time  # noqa: E402
import timeit  # noqa: E402

import numpy as np  # noqa: E402


def _cpu_seconds(thunk, repeats):
    thunk()
    return min(timeit.repeat(thunk, number=1, repeat=repeats, timer=time.thread_time))


def _loops(jax, jnp, n):
    rng = np.random.default_rng(0)
    w = jnp.asarray(rng.standard_normal((32, 32)).astype(np.float32) * 0.1)
    h0 = jnp.asarray(rng.standard_normal(32).astype(np.float32))
    xs = jnp.asarray(rng.standard_normal((n, 32)).astype(np.float32))

    def scan(h, xs):
        return jax.lax.scan(lambda h, x: (jnp.tanh(w @ h + x), h * 2.0), h, xs)

    def fori(h, xs):
        return jax.lax.fori_loop(0, n, lambda i, h: jnp.tanh(w @ h + xs[0]), h)

    def while_(h, xs):
        def body(state):
            i, h = state
            return i + 1, jnp.tanh(w @ h + xs[0])
        return jax.lax.while_loop(lambda state: state[0] < n, body, (0, h))
    return {"scan (carry and stacked ys)": scan, "fori_loop": fori, "while_loop": while_}, \
        (h0, xs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--limit", type=float, default=3.0, help="microseconds")
    args = parser.parse_args()

    import jaxlite as jax  # noqa: PLC0415 -- after run.py pinned the threads
    import jaxlite.numpy as jnp  # noqa: PLC0415
    from jaxlite._src.compiler.codegen import compile_jaxpr  # noqa: PLC0415

    n = args.iterations
    loops, inputs = _loops(jax, jnp, n)
    print(f"jaxlite {jax.__file__}, fused tier: {jax.config.jaxlite_fusion}, {n} iterations")
    print("| loop | loop per iteration | body alone | overhead per iteration | ok |")
    print("| --- | ---: | ---: | ---: | --- |")
    failed = False
    for name, f in loops.items():
        jitted = jax.jit(f)
        loop_time = _cpu_seconds(lambda: jitted(*inputs), args.repeats) / n
        # The loop equation of the optimized program, and its body's generated code.
        program = compile_jaxpr(jitted.lower(*inputs).jaxpr().jaxpr).jaxpr
        (eqn,) = [e for e in program.eqns if e.primitive.name in ("scan", "while")]
        if eqn.primitive.name == "scan":
            body = compile_jaxpr(eqn.params["jaxpr"]).fn
            n_c, n_k = eqn.params["num_consts"], eqn.params["num_carry"]
            operands = _operands(eqn, program, inputs)
            first = operands[:n_c + n_k] + [x[0] for x in operands[n_c + n_k:]]

            def bodies():
                for _ in range(n):
                    body(*first)
        else:
            cond = compile_jaxpr(eqn.params["cond_jaxpr"]).fn
            body = compile_jaxpr(eqn.params["body_jaxpr"]).fn
            n_cc, n_bc = eqn.params["cond_nconsts"], eqn.params["body_nconsts"]
            operands = _operands(eqn, program, inputs)
            cc, bc, k = operands[:n_cc], operands[n_cc:n_cc + n_bc], operands[n_cc + n_bc:]

            def bodies():
                for _ in range(n):
                    cond(*cc, *k)
                    body(*bc, *k)
        body_time = _cpu_seconds(bodies, args.repeats) / n
        overhead = (loop_time - body_time) * 1e6
        ok = overhead <= args.limit
        failed |= not ok
        print(f"| {name} | {loop_time * 1e6:.2f} µs | {body_time * 1e6:.2f} µs | "
              f"{overhead:.2f} µs | {'yes' if ok else 'NO'} |")
    return 1 if failed else 0


def _operands(eqn, program, inputs):
    """The loop equation's operand values: the program's inputs, its constants, literals,
    or the results of the equations before it (run once, eagerly)."""
    from jaxlite._src.jaxpr import Jaxpr, Literal, eval_jaxpr  # noqa: PLC0415
    index = program.eqns.index(eqn)
    before = Jaxpr(program.constvars, program.consts, program.invars, program.eqns[:index],
                   [v for v in eqn.inputs if type(v) is not Literal])
    values = iter(eval_jaxpr(before, before.consts, *inputs))
    return [np.asarray(v.value) if type(v) is Literal else np.asarray(next(values))
            for v in eqn.inputs]


if __name__ == "__main__":
    sys.exit(main())
