"""Run a MyST notebook (a JAX documentation tutorial) cell by cell, unchanged, and record
what each cell prints and displays; or compare that with a recording.

    python tools/run_tutorial_cells.py TUTORIAL.md --lib jax --record OUT.json
    python tools/run_tutorial_cells.py TUTORIAL.md --lib jaxlite --compare OUT.json

With --lib jaxlite, `jax` is jaxlite (jaxlite.run's import hook). The cells share one
namespace, as in a notebook; a cell that raises records the exception's class and first
line and the run goes on. matplotlib is replaced by a recorder of what is plotted, so that
plots are compared as numbers. Comparison: the text with numbers taken out must be equal,
and the numbers must agree to `--rtol` (float32 printing of the last digit may differ).
"""
import argparse
import contextlib
import io
import json
import re
import sys
import traceback
import types

import numpy as np

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:e[-+]?\d+)?|[-+]?inf|nan")


def code_cells(path):
    """The source of each ```{code-cell} block, without its option lines (:tags: ...)."""
    cells, current = [], None
    for line in open(path, encoding="utf-8").read().splitlines():
        if current is None:
            if line.startswith("```{code-cell}"):
                current = []
        elif line.startswith("```"):
            cells.append("\n".join(current))
            current = None
        elif not (line.startswith(":") and not current):
            current.append(line)
    return cells


def fake_matplotlib(plotted):
    """A matplotlib whose pyplot records the data of each plot call."""
    pyplot = types.ModuleType("matplotlib.pyplot")

    def plot(*args, **kwargs):
        plotted.append([np.asarray(a, dtype=float).round(5).tolist() for a in args])
        return [f"<Line2D #{len(plotted)}>"]

    pyplot.plot = plot
    for name in ("figure", "show", "title", "xlabel", "ylabel", "legend", "grid"):
        setattr(pyplot, name, lambda *a, **k: None)
    package = types.ModuleType("matplotlib")
    package.pyplot = pyplot
    package.use = lambda *a, **k: None
    return {"matplotlib": package, "matplotlib.pyplot": pyplot}


def run_cells(cells):
    namespace = {"__name__": "__main__"}
    results = []
    for source in cells:
        plotted, out = [], io.StringIO()
        sys.modules.update(fake_matplotlib(plotted))
        record = {"source": source, "stdout": "", "display": None, "error": None}
        try:
            import ast
            tree = ast.parse(source)
            last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            body = ast.Module(tree.body[:-1] if last else tree.body, type_ignores=[])
            with contextlib.redirect_stdout(out):
                exec(compile(body, "<cell>", "exec"), namespace)
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), "<cell>", "eval"),
                                 namespace)
                    if value is not None:
                        record["display"] = repr(value)
        except BaseException as error:  # noqa: BLE001 - a cell's error is part of its output
            if isinstance(error, KeyboardInterrupt):
                raise
            lines = str(error).strip().splitlines()
            record["error"] = f"{type(error).__name__}: {lines[0] if lines else ''}"
            record["traceback"] = traceback.format_exc(limit=-3)
        record["stdout"] = out.getvalue()
        record["plotted"] = plotted
        results.append(record)
    return results


def _numbers(text):
    return [float(x) for x in NUMBER.findall(re.sub(r" at 0x[0-9a-f]+", "", text or ""))]


def _skeleton(text):
    """The text with numbers, object addresses and runs of spaces (array column widths
    follow the digits printed) made uniform."""
    text = re.sub(r" at 0x[0-9a-f]+", "", text or "")
    text = re.sub(r"[ \t]+", " ", NUMBER.sub("#", text))
    return re.sub(r" ?([\[\]]) ?", r"\1", text)


def compare(got, want, rtol):
    """The cells whose output differs: [(index, what, got, want)]."""
    problems = []
    for i, (g, w) in enumerate(zip(got, want)):
        for key in ("stdout", "display", "error"):
            a, b = g[key], w[key]
            if key == "error":
                a = a and a.split(":")[0]
                b = b and b.split(":")[0]
            if (a is None) != (b is None) or _skeleton(a) != _skeleton(b):
                problems.append((i, key, a, b))
                continue
            na, nb = _numbers(a), _numbers(b)
            if len(na) != len(nb) or not np.allclose(na, nb, rtol=rtol, atol=rtol,
                                                     equal_nan=True):
                problems.append((i, key, a, b))
        pa, pb = g["plotted"], w["plotted"]
        if len(pa) != len(pb) or not all(
                np.allclose(x, y, rtol=rtol, atol=rtol) for p, q in zip(pa, pb)
                for x, y in zip(p, q)):
            problems.append((i, "plotted", "...", "..."))
    if len(got) != len(want):
        problems.append((min(len(got), len(want)), "cells", len(got), len(want)))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--lib", choices=["jax", "jaxlite"], default="jaxlite")
    parser.add_argument("--record")
    parser.add_argument("--compare")
    parser.add_argument("--rtol", type=float, default=1e-5)
    args = parser.parse_args(argv)
    if args.lib == "jaxlite":
        from jaxlite.run import install_jax_alias  # noqa: PLC0415 - only when asked for
        install_jax_alias()
    results = run_cells(code_cells(args.notebook))
    if args.record:
        with open(args.record, "w") as f:
            # Outputs only: the tutorial's code stays in the tutorial.
            json.dump([{k: v for k, v in r.items() if k not in ("traceback", "source")}
                       for r in results], f, indent=1)
    if args.compare:
        want = json.load(open(args.compare))
        problems = compare(results, want, args.rtol)
        for i, what, got, expected in problems:
            print(f"cell {i} {what} differs:\n--- got\n{got}\n--- JAX\n{expected}")
            if results[i].get("traceback"):
                print(results[i]["traceback"])
        print(f"{len(results) - len({p[0] for p in problems})} of {len(results)} cells agree")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
