"""Differential fuzzer: random programs under random transformation stacks, run by real JAX
and by jaxlite, compared; each disagreement shrunk to a small reproducer.

    python tools/fuzz/run.py --cases 10000 --seed 0 [--record]
    python tools/fuzz/run.py --replay FILE [--promote]
    python tools/fuzz/run.py --seed 0 --export FILE --pick 12,345 --cause "..."

JAX runs in a separate interpreter (--jax-python, default /tmp/jaxref/bin/python), jaxlite
in another (this interpreter, with the repository's src/ on the path); each process runs
a whole batch of cases, one JSON line each way (worker.py). Cases are data (programs.py),
deterministic in (seed, index) (generate.py); results are compared by compare.py.

--record writes the shrunk reproducers, with JAX's result, to tools/fuzz/found.json for
triage. --replay reruns a file of reproducers (found.json, or a golden file in tests/);
with --promote, those on which jaxlite now agrees join tests/fuzz_regressions.json, the
golden cases that tests/test_fuzz_regressions.py replays without JAX.
"""
import argparse
import collections
import copy
import hashlib
import json
import os
import subprocess
import sys
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "src"))

import compare  # noqa: E402
import generate  # noqa: E402
import programs  # noqa: E402
import worker  # noqa: E402

GOLDEN = os.path.join(ROOT, "tests", "fuzz_regressions.json")
FOUND = os.path.join(HERE, "found.json")
PENDING = os.path.join(ROOT, "tests", "fuzz_regressions_pending.json")
CACHE = os.path.join(HERE, "jax_results.jsonl")  # not committed (.gitignore)


class Worker:
    """One backend's process, restarted when a case kills it."""

    def __init__(self, python, backend):
        self.command = [python, os.path.join(HERE, "worker.py"), backend]
        self.env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
        self.process = None

    def _start(self):
        self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, env=self.env)

    def run(self, cases):
        results = []
        while len(results) < len(cases):
            if self.process is None or self.process.poll() is not None:
                self._start()
            pending = cases[len(results):]
            process = self.process

            def feed():
                try:
                    for case in pending:
                        process.stdin.write(json.dumps(case) + "\n")
                    process.stdin.flush()
                except (BrokenPipeError, OSError):
                    pass
            writer = threading.Thread(target=feed, daemon=True)
            writer.start()
            for _ in pending:
                line = process.stdout.readline()
                if not line:  # the process died on this case
                    results.append({"error": "Crash", "base": "Exception", "message": ""})
                    process.kill()
                    process.wait()
                    self.process = None
                    break
                results.append(json.loads(line))
            writer.join()
        return results

    def close(self):
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait()
            self.process = None


class Pair:
    """JAX's and jaxlite's workers, run side by side on the same batch. JAX's results are
    kept in a cache file (they do not change while jaxlite is being fixed), and JAX's
    share of a batch is split over `jobs` processes: XLA's compilation is the slow part."""

    def __init__(self, jax_python, jobs=1, cache=CACHE):
        self.jax = [Worker(jax_python, "jax") for _ in range(jobs)]
        self.lite = Worker(sys.executable, "jaxlite")
        self.cache_path = cache
        self.cache = {}
        if cache and os.path.exists(cache):
            with open(cache) as f:
                for line in f:
                    key, result = json.loads(line)
                    self.cache[key] = result

    def _run_jax(self, cases):
        keys = [case_id(c) for c in cases]
        todo = [i for i, k in enumerate(keys) if k not in self.cache]
        chunks = [todo[j::len(self.jax)] for j in range(len(self.jax))]
        outs = [None] * len(self.jax)

        def work(j):
            outs[j] = self.jax[j].run([cases[i] for i in chunks[j]])
        threads = [threading.Thread(target=work, args=(j,)) for j in range(len(self.jax))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        new = {}
        for chunk, out in zip(chunks, outs):
            for i, result in zip(chunk, out):
                new[keys[i]] = result
        self.cache.update(new)
        if self.cache_path and new:
            with open(self.cache_path, "a") as f:
                for key, result in new.items():
                    f.write(json.dumps([key, result]) + "\n")
        return [self.cache[k] for k in keys]

    def run(self, cases):
        out = {}
        thread = threading.Thread(target=lambda: out.setdefault("jax", self._run_jax(cases)))
        thread.start()
        out["lite"] = self.lite.run(cases)
        thread.join()
        return out["jax"], out["lite"]

    def close(self):
        for w in self.jax:
            w.close()
        self.lite.close()


# ---- generation filter ---------------------------------------------------------------------

_NS = worker.namespace("jaxlite")


def body_runs(case, inner_inputs):
    """Whether the untransformed body runs (eagerly, in jaxlite) on inner-shaped inputs."""
    probe = {"body": case["body"], "inputs": inner_inputs, "transforms": [], "x64": case["x64"]}
    result = programs.run_case(probe, _NS)
    return "ok" in result and len(result["ok"]["data"]) <= 4096


# ---- shrinking -------------------------------------------------------------------------------

def differ(case, expected, got):
    """How JAX's and jaxlite's results for `case` differ, or None (compare.py)."""
    return compare.disagreement(expected, got, compare.narrowest_float(case))


def reason_key(reason):
    return "values" if reason in ("values", "NaN positions", "infinity positions") else reason


def _subtrees(node, path=()):
    yield path, node
    for i, arg in enumerate(node.get("args", [])):
        yield from _subtrees(arg, path + ("args", i))
    for key, value in node.get("p", {}).items():
        if isinstance(value, dict) and ("op" in value or "in" in value):
            yield from _subtrees(value, path + ("p", key))
        if key == "bodies":
            for i, body in enumerate(value):
                yield from _subtrees(body, path + ("p", key, i))


def _replace(tree, path, new):
    if not path:
        return new
    tree = copy.deepcopy(tree)
    node = tree
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new
    return tree


def _size(case):
    body = sum(1 for _ in _subtrees(case["body"]))
    values = sum(len(v["data"]) for v in case["inputs"])
    return body * 100 + len(case["transforms"]) * 50 + values


def _candidates(case):
    """Smaller variants of a case: fewer transformations, a smaller tree, simpler values."""
    stack = case["transforms"]
    for i, (name, params) in enumerate(stack):
        if name != "vmap":
            yield dict(case, transforms=stack[:i] + stack[i + 1:])
    vmaps = [i for i, (name, _) in enumerate(stack) if name == "vmap"]
    if vmaps:  # drop the outermost vmap: its batch axes are the inputs' in_axes
        i = vmaps[-1]
        in_axes = stack[i][1].get("in_axes", 0)
        axes = in_axes if isinstance(in_axes, list) else [in_axes] * len(case["inputs"])
        inputs = [_take_first(v, axis) for v, axis in zip(case["inputs"], axes)]
        if all(v is not None for v in inputs):
            yield dict(case, transforms=stack[:i] + stack[i + 1:], inputs=inputs)
    nargs = len(case["inputs"])
    for path, node in list(_subtrees(case["body"])):
        if "op" not in node:
            continue
        for arg in node["args"]:
            yield dict(case, body=_replace(case["body"], path, arg))
        for key in ("t", "f", "body"):
            if key in node.get("p", {}) and node["p"][key] != {"in": 0}:
                yield dict(case, body=_replace(case["body"], path + ("p", key), {"in": 0}))
        for i in range(nargs if "p" not in path else 1):  # a body reads its own arguments
            yield dict(case, body=_replace(case["body"], path, {"in": i}))
    if case["x64"]:
        yield dict(case, x64=False)
    for k, value in enumerate(case["inputs"]):
        for axis, dim in enumerate(value["shape"]):
            if dim > 1:
                yield dict(case, inputs=_with(case["inputs"], k, _take_prefix(value, axis, 1)))
        for j, v in enumerate(value["data"]):
            for simple in (0, 1) if value["dtype"] != "bool" else (False,):
                if v != simple and not (isinstance(v, float) and v == simple):
                    data = list(value["data"])
                    data[j] = simple if value["dtype"] != "bool" else False
                    if data != value["data"]:
                        yield dict(case, inputs=_with(case["inputs"], k, dict(value, data=data)))
                        break


def _with(inputs, k, value):
    return inputs[:k] + [value] + inputs[k + 1:]


def _reshaped(value):
    return np.array(value["data"], dtype=object).reshape(value["shape"])


def _take_prefix(value, axis, count):
    array = _reshaped(value)
    index = [slice(None)] * array.ndim
    index[axis] = slice(0, count)
    out = np.asarray(array[tuple(index)], dtype=object)
    return dict(value, shape=list(out.shape), data=out.ravel().tolist())


def _take_first(value, axis):
    if axis is None:
        return value
    array = _reshaped(value)
    if array.ndim == 0:
        return None
    axis = axis % array.ndim
    if array.shape[axis] == 0:
        return None
    out = np.asarray(array.take(0, axis=axis), dtype=object)
    return dict(value, shape=list(out.shape), data=out.ravel().tolist())


def shrink(pair, case, reason, budget=8):
    """Greedy delta debugging: each round runs all candidates in one batch and keeps the
    smallest that still disagrees for the same reason."""
    key = reason_key(reason)
    for _ in range(budget):
        candidates = sorted(_candidates(case), key=_size)[:25]
        candidates = [c for c in candidates if _size(c) < _size(case)]
        if not candidates:
            break
        expected, got = pair.run(candidates)
        better = [(c, a, b) for c, a, b in zip(candidates, expected, got)
                  if (r := differ(c, a, b)) is not None and reason_key(r) == key]
        if not better:
            break
        case = better[0][0]
    expected, got = pair.run([case])
    return case, expected[0], got[0]


def cause(case, reason):
    """A triage label: the reason and the ops and transformations of the shrunk case."""
    ops = sorted({node["op"] for _, node in _subtrees(case["body"]) if "op" in node})
    dtypes = sorted({v["dtype"] for v in case["inputs"]})
    stack = [name for name, _ in case["transforms"]]
    return f"{reason_key(reason)} | ops={','.join(ops)} | {'>'.join(stack) or '-'} | " \
           f"{','.join(dtypes)}{' x64' if case['x64'] else ''}"


def iter_pad(items, n):
    return list(items) + [None] * (n - len(items))


def case_id(case):
    return hashlib.sha1(json.dumps(case, sort_keys=True).encode()).hexdigest()[:12]


# ---- modes -----------------------------------------------------------------------------------

def export(args):
    """Writes the generated cases `--pick` names (indices) to a file for --replay."""
    picks = [int(i) for i in args.pick.split(",")]
    entries = [{"name": f"seed{args.seed}-case{i}", "cause": args.cause or "",
                "case": generate.generate(args.seed, i, body_runs)} for i in picks]
    with open(args.export, "w") as f:
        json.dump(entries, f, indent=1)
    print(f"wrote {len(entries)} cases to {args.export}")


def fuzz(args):
    start = time.time()
    cases = [generate.generate(args.seed, i, body_runs) for i in range(args.cases)]
    generated = time.time()
    pair = Pair(args.jax_python, args.jobs)
    expected, got = [], []
    for lo in range(0, len(cases), args.batch):
        a, b = pair.run(cases[lo:lo + args.batch])
        pair.close()  # fresh processes now and then: JAX's compilation caches only grow
        expected += a
        got += b
        print(f"  {lo + len(a)} / {len(cases)} cases, {time.time() - start:.0f} s", flush=True)
    ran = time.time()
    if args.show:
        for i, (a, b) in enumerate(zip(expected, got)):
            reason = differ(cases[i], a, b)
            if reason:
                print(i, reason, json.dumps(cases[i])[:400], "\n   JAX:", json.dumps(a)[:200],
                      "\n   jaxlite:", json.dumps(b)[:200])
    failures = [(i, r) for i, (a, b) in enumerate(zip(expected, got))
                if (r := differ(cases[i], a, b)) is not None]
    timeouts = sum(1 for a in expected if a.get("error") in ("Timeout", "Crash"))
    both_raise = sum(1 for a, b in zip(expected, got) if "error" in a and "error" in b
                     and a.get("error") not in ("Timeout", "Crash"))
    print(f"{len(cases)} cases: {len(cases) - len(failures) - timeouts} agree ({both_raise} of "
          f"them raise the same error in both), {len(failures)} disagree, {timeouts} not "
          f"compared (JAX ran past {worker.TIME_LIMIT_S} s or crashed); generation "
          f"{generated - start:.0f} s, running {ran - generated:.0f} s")
    for key, count in collections.Counter(reason_key(r) for _, r in failures).most_common():
        print(f"{count:5d}  {key}")
    if args.sample:
        _add_sample(args, cases, expected, {i for i, _ in failures})
    # Shrink round-robin over the kinds of disagreement, so that a common kind does not
    # take the whole budget.
    by_reason = collections.defaultdict(list)
    for i, reason in failures:
        by_reason[reason_key(reason)].append((i, reason))
    order = [item for group in zip(*[iter_pad(v, len(failures)) for v in by_reason.values()])
             for item in group if item is not None]
    found = []
    for i, reason in order[:args.shrink]:
        try:
            small, a, b = shrink(pair, cases[i], reason)
        except Exception as e:  # noqa: BLE001 - a shrinker bug must not lose the run
            print(f"  could not shrink case {i}: {type(e).__name__}: {e}")
            small, a, b = cases[i], expected[i], got[i]
        reason_now = differ(small, a, b) or reason
        found.append({"name": f"seed{args.seed}-case{i}", "cause": cause(small, reason_now),
                      "reason": reason_now, "case": small, "expect": a, "jaxlite": b})
    pair.close()
    causes = collections.Counter(entry["cause"] for entry in found)
    for label, count in causes.most_common():
        print(f"{count:5d}  {label}")
    print(f"total {time.time() - start:.0f} s")
    if args.record:
        with open(FOUND, "w") as f:
            json.dump(found, f, indent=1)
        print(f"wrote {len(found)} reproducers to {FOUND}")


def _add_sample(args, cases, expected, failing):
    """Adds `--sample` agreeing cases, spread evenly over the run and with small results,
    to the golden file: a broad regression net beside the reproducers."""
    small = [i for i in range(len(cases)) if i not in failing and expected[i].get("error") !=
             "Timeout" and len(expected[i].get("ok", {}).get("data", [])) <= 64]
    step = max(len(small) // args.sample, 1)
    _promote([{"name": f"seed{args.seed}-case{i}", "cause": "random program, agrees",
               "case": cases[i], "expect": expected[i]} for i in small[::step][:args.sample]])


def _promote(entries):
    golden = json.load(open(GOLDEN)) if os.path.exists(GOLDEN) else []
    known = {case_id(e["case"]) for e in golden}
    for entry in entries:
        if case_id(entry["case"]) not in known:
            known.add(case_id(entry["case"]))
            golden.append({k: entry[k] for k in ("name", "cause", "case", "expect")})
    with open(GOLDEN, "w") as f:
        json.dump(golden, f, indent=1)
    print(f"{GOLDEN}: {len(golden)} cases")


def replay(args):
    with open(args.replay) as f:
        entries = json.load(f)
    pair = Pair(args.jax_python, args.jobs)
    expected, got = pair.run([e["case"] for e in entries])
    pair.close()
    agree = []
    for entry, a, b in zip(entries, expected, got):
        reason = differ(entry["case"], a, b)
        status = "agree" if reason is None else reason
        print(f"{entry['name']}: {status}   [{entry.get('cause', '')}]")
        if reason is None:
            agree.append(dict(entry, expect=a))
    print(f"{len(agree)} of {len(entries)} agree")
    if args.promote:
        _promote(agree)
    if args.pending:  # reproducers of causes fixed on other branches, with JAX's result
        with open(PENDING, "w") as f:
            json.dump([{k: dict(e, expect=a)[k] for k in ("name", "cause", "case", "expect")}
                       for e, a, b in zip(entries, expected, got) if differ(e["case"], a, b)],
                      f, indent=1)
        print(f"wrote the disagreeing cases to {PENDING}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--shrink", type=int, default=40,
                        help="shrink at most this many disagreements")
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--show", action="store_true", help="print each disagreement")
    parser.add_argument("--sample", type=int, default=0,
                        help="add this many agreeing cases to the golden file")
    parser.add_argument("--replay")
    parser.add_argument("--export", help="write the cases --pick names to this file")
    parser.add_argument("--pick", help="comma-separated case indices, for --export")
    parser.add_argument("--cause", help="the cause label --export gives its cases")
    parser.add_argument("--promote", action="store_true",
                        help="add the agreeing cases to tests/fuzz_regressions.json")
    parser.add_argument("--pending", action="store_true",
                        help="write the disagreeing cases to tests/fuzz_regressions_pending.json")
    parser.add_argument("--jobs", type=int, default=2, help="JAX processes")
    parser.add_argument("--jax-python", default="/tmp/jaxref/bin/python")
    args = parser.parse_args()
    if args.export:
        export(args)
    elif args.replay:
        replay(args)
    else:
        fuzz(args)


if __name__ == "__main__":
    main()
