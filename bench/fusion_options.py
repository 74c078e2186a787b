#!/usr/bin/env python
"""Which way of running a large elementwise cluster pays? (fusion must pay for itself).

    /tmp/jaxref/bin/python bench/fusion_options.py [--n 1000000] [--quick]

Takes the optimized Jaxpr that jaxlite's jit produces for each workload (all of whose
equations are elementwise at these sizes), and runs it in these forms, on one thread:

  numpy, fresh arrays     one NumPy call per equation, each allocating its result (the
                          codegen without buffer reuse: the generated source, `out=` removed)
  numpy, out= (current)   jaxlite's generated code as it is: ufuncs write into an input
                          buffer that dies at that equation, large dead arrays are `del`eted
  numpy, workspace        every intermediate written (`out=`) into buffers allocated once per
                          executable and kept across calls, assigned by liveness as XLA's
                          buffer assignment does; only the output is a fresh array
  numexpr, one expr       the whole cluster as one numexpr expression (values used twice are
                          recomputed: numexpr has no CSE); one thread
  numexpr, shared temps   values used more than once evaluated once into a workspace buffer,
                          the rest inlined into their user's expression; one thread
  numba loop              the cluster as one scalar loop compiled by Numba (@njit, no
                          fastmath, no parallel); compile time reported separately
  JAX jit                 the same function under jax.jit (XLA fuses it), for reference

Workloads: the HVP of bench/workloads.py (rev-over-rev and fwd-over-rev) and the chain
tanh(a*x + b)*x + sin(x) (a = 0.5, b = 0.1 closed over). Each variant's output is checked
against the first's. Times are medians of samples of >= 0.2 s loops. The numbers go to
bench/README.md ("Fusion options").

Page faults. On this VM a fresh 4 MB array costs up to ~10 ms to touch the first time (the
kernel zeroes and maps 1000 pages), 10-20x the arithmetic on it. glibc returns freed large
blocks to the kernel (munmap, or heap trimming), so whether an array is "fresh" depends on
malloc's state. The script therefore runs twice, in subprocesses: with glibc's defaults, and
with MALLOC_TRIM_THRESHOLD_/MALLOC_MMAP_THRESHOLD_ set so freed memory stays in the heap and
is reused (what a process-wide allocator setting, or a buffer pool, would give).
"""
import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "NUMEXPR_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                      "intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)

RETAIN_ENV = {"MALLOC_TRIM_THRESHOLD_": "4000000000", "MALLOC_MMAP_THRESHOLD_": "4000000000"}

# numpy ufunc / numexpr function / scalar (numba) spelling of each elementwise primitive
UNARY = {"sin": "sin", "cos": "cos", "tanh": "tanh", "exp": "exp", "log": "log",
         "neg": None, "sqrt": "sqrt"}
BINARY = {"mul": "*", "add": "+", "sub": "-", "div": "/"}


# --- the workloads' Jaxprs -----------------------------------------------------------------

def workload_functions(jax, jnp):
    from workloads import hvp_function

    def chain(x):
        return jnp.tanh(0.5 * x + 0.1) * x + jnp.sin(x)
    return {
        "HVP rev-over-rev": (hvp_function(jax, jnp, "rev-over-rev"), 2),
        "HVP fwd-over-rev": (hvp_function(jax, jnp, "fwd-over-rev"), 2),
        "tanh(a*x+b)*x+sin(x)": (chain, 1),
    }


def inputs(n, count):
    rng = np.random.default_rng(2)
    return [rng.standard_normal(n).astype(np.float32) for _ in range(count)]


class Program:
    """An optimized elementwise Jaxpr as a list of (out, op, operands); operands are
    variable names or float32 constants."""

    def __init__(self, jaxpr):
        from jaxlite._src.jaxpr import Literal
        names = {}
        for i, v in enumerate(jaxpr.invars):
            names[v] = f"a{i}"
        self.args = [names[v] for v in jaxpr.invars]
        self.eqns = []

        def operand(v):
            if type(v) is Literal:
                return np.float32(np.asarray(v.value).item())
            return names[v]
        for i, eqn in enumerate(jaxpr.eqns):
            name = eqn.primitive.name
            ins = [operand(v) for v in eqn.inputs]
            out = f"t{i}"
            names[eqn.outputs[0]] = out
            if name == "dot_general":  # a scalar times an array
                name = "mul"
            if name == "integer_pow":
                y = eqn.params["y"]
                assert y == 2, y
                name, ins = "mul", [ins[0], ins[0]]
            if name not in UNARY and name not in BINARY:
                raise NotImplementedError(f"not elementwise: {name}")
            assert eqn.outputs[0].aval.dtype == np.float32
            self.eqns.append((out, name, ins))
        assert len(jaxpr.outvars) == 1
        self.output = names[jaxpr.outvars[0]]
        self.uses = {}
        for _, _, ins in self.eqns:
            for x in ins:
                if isinstance(x, str):
                    self.uses[x] = self.uses.get(x, 0) + 1

    # numexpr: an expression string per variable
    def numexpr_expression(self, materialized=()):
        expr = {a: a for a in self.args}
        expr.update({m: m for m in materialized})

        def term(x):
            if isinstance(x, str):
                return expr[x]
            return repr(float(x))
        parts = {}
        for out, op, ins in self.eqns:
            if op in BINARY:
                text = f"({term(ins[0])} {BINARY[op]} {term(ins[1])})"
            elif op == "neg":
                text = f"(-{term(ins[0])})"
            else:
                text = f"{UNARY[op]}({term(ins[0])})"
            parts[out] = text
            if out not in materialized:
                expr[out] = text
        return parts, expr[self.output]

    # numba: one loop, one scalar statement per equation
    def numba_source(self):
        lines = [f"def fused({', '.join(self.args)}, out):",
                 f"    for i in range({self.args[0]}.shape[0]):"]
        consts = {}

        def term(x):
            if isinstance(x, str):
                return f"{x}[i]" if x in self.args else x
            name = consts.setdefault(float(x), f"k{len(consts)}")
            return name
        for out, op, ins in self.eqns:
            if op in BINARY:
                text = f"{term(ins[0])} {BINARY[op]} {term(ins[1])}"
            elif op == "neg":
                text = f"-{term(ins[0])}"
            else:
                text = f"math.{UNARY[op]}({term(ins[0])})"
            lines.append(f"        {out} = {text}")
        lines.append(f"        out[i] = {self.output}")
        header = [f"{name} = np.float32({value!r})" for value, name in consts.items()]
        return "\n".join(header + lines) + "\n"

    # numpy with a workspace: buffers assigned by liveness, kept across calls
    def workspace_function(self, n):
        last = {}
        for i, (_, _, ins) in enumerate(self.eqns):
            for x in ins:
                if isinstance(x, str):
                    last[x] = i
        free, slot, count = [], {}, 0
        lines = []
        consts = {}
        for i, (out, op, ins) in enumerate(self.eqns):
            operands = []
            for x in ins:
                if isinstance(x, str):
                    operands.append(x)
                else:
                    operands.append(consts.setdefault(float(x), f"k{len(consts)}"))
            dying = [x for x in dict.fromkeys(ins) if isinstance(x, str) and x in slot
                     and last[x] == i]
            if out == self.output:
                target = "None"
            else:
                if dying:  # write over an operand that dies here
                    slot[out] = slot[dying[0]]
                    dying = dying[1:]
                elif free:
                    slot[out] = free.pop()
                else:
                    slot[out] = count
                    count += 1
                target = f"ws[{slot[out]}]"
            ufunc = {"mul": "multiply", "add": "add", "sub": "subtract", "div": "divide",
                     "neg": "negative"}.get(op, op)
            lines.append(f"    {out} = np.{ufunc}({', '.join(operands)}, out={target})")
            for x in dying:
                free.append(slot[x])
        source = "\n".join([f"{name} = np.float32({value!r})" for value, name in consts.items()]
                           + [f"def run({', '.join(self.args)}):"] + lines
                           + [f"    return {self.output}"]) + "\n"
        namespace = {"np": np, "ws": [np.empty(n, np.float32) for _ in range(count)]}
        exec(source, namespace)
        return namespace["run"], count


    # NumPy's SIMD transcendentals + fused arithmetic loops in between (the hybrid)
    def hybrid_stages(self):
        """[("numpy", eqn) | ("loop", [eqns], inputs, outputs)], transcendentals as early
        as their operands allow, the arithmetic between them grouped into loops."""
        last_use = {}
        for i, (_, _, ins) in enumerate(self.eqns):
            for x in ins:
                if isinstance(x, str):
                    last_use[x] = i
        last_use[self.output] = len(self.eqns)
        available, done, stages = set(self.args), set(), []
        transcendental = lambda op: op in UNARY and op != "neg"  # noqa: E731
        while len(done) < len(self.eqns):
            progressed = False
            for i, (out, op, ins) in enumerate(self.eqns):
                if i not in done and transcendental(op) and all(
                        not isinstance(x, str) or x in available for x in ins):
                    stages.append(("numpy", (out, op, ins)))
                    available.add(out)
                    done.add(i)
                    progressed = True
            group, inside = [], set()
            for i, (out, op, ins) in enumerate(self.eqns):
                if i not in done and not transcendental(op) and all(
                        not isinstance(x, str) or x in available or x in inside for x in ins):
                    group.append(i)
                    inside.add(out)
            if group:
                used_after = set()
                for j, (out, op, ins) in enumerate(self.eqns):
                    if j not in group and j not in done:
                        used_after.update(x for x in ins if isinstance(x, str))
                outputs = [self.eqns[i][0] for i in group
                           if self.eqns[i][0] in used_after or self.eqns[i][0] == self.output]
                inputs = sorted({x for i in group for x in self.eqns[i][2]
                                 if isinstance(x, str) and x not in inside})
                stages.append(("loop", [self.eqns[i] for i in group], inputs, outputs))
                available.update(outputs)
                done.update(group)
                progressed = True
            assert progressed
        return stages

    def hybrid_function(self, n, backend):
        """The hybrid as a function; `backend` is numba's module or numexpr's."""
        import math
        stages = self.hybrid_stages()
        buffers = {}

        def buffer(name):
            if name == self.output:
                return None
            if name not in buffers:
                buffers[name] = np.empty(n, np.float32)
            return buffers[name]
        steps = []
        for stage in stages:
            if stage[0] == "numpy":
                out, op, ins = stage[1]
                steps.append(("numpy", getattr(np, op), ins[0], out, buffer(out)))
                continue
            _, eqns, inputs, outputs = stage
            if backend.__name__ == "numba":
                consts = {}

                def term(x):
                    if isinstance(x, str):
                        return f"{x}[i]" if x in inputs else x
                    return consts.setdefault(float(x), f"k{len(consts)}")
                body = []
                for out, op, ins in eqns:
                    text = (f"{term(ins[0])} {BINARY[op]} {term(ins[1])}" if op in BINARY
                            else f"-{term(ins[0])}")
                    body.append(f"        {out} = {text}")
                    if out in outputs:
                        body.append(f"        {out}_out[i] = {out}")
                source = "\n".join(
                    [f"{name} = np.float32({value!r})" for value, name in consts.items()]
                    + [f"def kernel({', '.join(inputs + [o + '_out' for o in outputs])}):",
                       f"    for i in range({inputs[0]}.shape[0]):"] + body) + "\n"
                namespace = {"np": np, "math": math}
                exec(source, namespace)
                kernel = backend.njit(namespace["kernel"], fastmath=False)
                steps.append(("numba", kernel, inputs, outputs,
                              [buffer(o) for o in outputs]))
            else:
                expression = {}
                for out, op, ins in eqns:
                    terms = [expression.get(x, x) if isinstance(x, str) else repr(float(x))
                             for x in ins]
                    expression[out] = (f"({terms[0]} {BINARY[op]} {terms[1]})" if op in BINARY
                                       else f"(-{terms[0]})")
                for o in outputs:
                    steps.append(("numexpr", expression[o], o, buffer(o)))
        args = self.args

        def run(*values):
            env = dict(zip(args, values))
            for step in steps:
                if step[0] == "numpy":
                    _, ufunc, x, out, target = step
                    env[out] = ufunc(env[x], out=target)
                elif step[0] == "numba":
                    _, kernel, inputs, outputs, targets = step
                    targets = [t if t is not None else np.empty(n, np.float32) for t in targets]
                    kernel(*[env[x] for x in inputs], *targets)
                    env.update(zip(outputs, targets))
                else:
                    _, text, out, target = step
                    env[out] = backend.evaluate(text, local_dict=env, out=target)
            return env[self.output]
        run.stages = " -> ".join(
            s[1][1] if s[0] == "numpy" else f"loop[{len(s[1])}]" for s in stages)
        return run


# --- timing --------------------------------------------------------------------------------

def time_per_call(fn, args, sample_seconds, samples):
    fn(*args)
    start = time.perf_counter()
    fn(*args)
    one = time.perf_counter() - start
    calls = max(1, int(sample_seconds / max(one, 1e-6)))
    results = []
    for _ in range(samples):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        for _ in range(calls):
            fn(*args)
        results.append((time.perf_counter() - start) / calls)
        gc.enable()
    return statistics.median(results)


def measure(n, quick):
    import jaxlite
    import jaxlite.numpy as jlnp
    from jaxlite._src.compiler.codegen import compile_jaxpr
    try:
        import jax
        import jax.numpy as jjnp
    except ImportError:
        jax = None
    try:
        import numexpr
        numexpr.set_num_threads(1)
    except ImportError:
        numexpr = None
    try:
        import numba
    except ImportError:
        numba = None
    sample_seconds, samples = (0.1, 3) if quick else (0.2, 7)
    report = {}
    for name, (fn, arity) in workload_functions(jaxlite, jlnp).items():
        args = inputs(n, arity)
        lowered = jaxlite.jit(fn).lower(*[jlnp.asarray(a) for a in args])
        compiled = compile_jaxpr(lowered._entry.jaxpr)
        program = Program(compiled.jaxpr)
        variants = {}
        # numpy, current codegen (the generated function itself, without jit's dispatch)
        current = lambda *a, f=compiled.fn: f(*a)[0]  # noqa: E731
        # numpy, fresh arrays: the same source without out=
        import re
        fresh_source = re.sub(r", out=v\d+\)", ")", compiled.source)
        namespace = dict(compiled.fn.__globals__)
        exec(compile(fresh_source, "<fresh>", "exec"), namespace)
        fresh = lambda *a, f=namespace["jitted"]: f(*a)[0]  # noqa: E731
        variants["numpy, fresh arrays"] = fresh
        variants["numpy, out= (current codegen)"] = current
        workspace, buffers = program.workspace_function(n)
        variants[f"numpy, workspace ({buffers} buffers)"] = workspace
        if numexpr is not None:
            _, whole = program.numexpr_expression()
            local = {}

            def one_expression(*a, expression=whole, names=program.args):
                return numexpr.evaluate(expression, local_dict=dict(zip(names, a)))
            variants["numexpr, one expression"] = one_expression
            shared = [out for out, op, _ in program.eqns
                      if program.uses.get(out, 0) > 1 and out != program.output]
            parts, final = program.numexpr_expression(materialized=shared)
            buffers = {s: np.empty(n, np.float32) for s in shared}

            def shared_temps(*a, parts=parts, final=final, shared=shared, buffers=buffers,
                             names=program.args):
                local = dict(zip(names, a))
                for s in shared:
                    numexpr.evaluate(parts[s], local_dict=local, out=buffers[s])
                    local[s] = buffers[s]
                return numexpr.evaluate(final, local_dict=local)
            variants[f"numexpr, shared temps ({len(shared)})"] = shared_temps
            hybrid = program.hybrid_function(n, numexpr)
            variants["NumPy SIMD transcendentals + numexpr arithmetic"] = hybrid
            del local
        numba_compile = None
        if numba is not None:
            import math
            namespace = {"np": np, "math": math}
            exec(program.numba_source(), namespace)
            kernel = numba.njit(namespace["fused"], cache=False, fastmath=False)
            start = time.perf_counter()
            kernel(*args, np.empty(n, np.float32))
            numba_compile = time.perf_counter() - start

            def numba_loop(*a, kernel=kernel):
                out = np.empty(a[0].shape[0], np.float32)
                kernel(*a, out)
                return out
            variants["numba loop"] = numba_loop
            hybrid = program.hybrid_function(n, numba)
            variants[f"NumPy SIMD transcendentals + numba loops ({hybrid.stages})"] = hybrid
        if jax is not None:
            jitted = jax.jit(workload_functions(jax, jjnp)[name][0])
            jax_args = [jjnp.asarray(a) for a in args]
            variants["JAX jit (XLA)"] = lambda *a, f=jitted, j=jax_args: \
                f(*j).block_until_ready()
        reference = np.asarray(fresh(*args))
        rows = {}
        for label, variant in variants.items():
            out = np.asarray(variant(*args))
            agree = bool(np.allclose(out, reference, rtol=1e-4, atol=1e-4))
            rows[label] = {"seconds": time_per_call(variant, args, sample_seconds, samples),
                           "agree": agree}
        report[name] = {"rows": rows, "numba_compile_seconds": numba_compile,
                        "equations": len(program.eqns)}
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.n, args.quick)))
        return 0
    reports = {}
    for setting, extra in (("glibc defaults", {}), ("freed memory retained", RETAIN_ENV)):
        env = dict(os.environ, **extra)
        command = [sys.executable, os.path.abspath(__file__), "--child", "--n", str(args.n)]
        if args.quick:
            command.append("--quick")
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            return done.returncode
        reports[setting] = json.loads(done.stdout.strip().splitlines()[-1])
    settings = list(reports)
    print(f"n = {args.n}, float32, one thread; median time per call; "
          f"columns: malloc setting (see the docstring)\n")
    for name in reports[settings[0]]:
        first = reports[settings[0]][name]
        print(f"### {name} ({first['equations']} elementwise equations)\n")
        print("| variant | " + " | ".join(settings) + " | agrees |")
        print("| --- | " + " | ".join("---:" for _ in settings) + " | --- |")
        base = {s: reports[s][name]["rows"]["numpy, out= (current codegen)"]["seconds"]
                for s in settings}
        for label in first["rows"]:
            cells = []
            for s in settings:
                seconds = reports[s][name]["rows"][label]["seconds"]
                cells.append(f"{seconds * 1e3:.2f} ms ({seconds / base[s]:.2f}×)")
            agree = all(reports[s][name]["rows"][label]["agree"] for s in settings)
            print(f"| {label} | " + " | ".join(cells) + f" | {'ok' if agree else 'NO'} |")
        compile_seconds = first["numba_compile_seconds"]
        if compile_seconds is not None:
            print(f"\nNumba compile (first call) of this kernel: {compile_seconds:.2f} s")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
