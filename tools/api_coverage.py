"""How much of JAX's public API jaxlite covers, module by module.

    python tools/api_coverage.py                      # one line per module
    python tools/api_coverage.py --missing            # ... and the names still missing
    python tools/api_coverage.py --module jax.numpy --missing

The names come from `tools/api_names/<module>.txt` (JAX 0.10.2's public names, one per
line; copied from the project's shared API lists so the project carries its own).

A name counts as implemented when both hold:
  1. it exists on the jaxlite module (`jaxlite.numpy` for `jax.numpy`, ...), and
  2. a test under `tests/` refers to it: some test file reaches `jaxlite.<module>.<name>`
     through its imports, as an attribute chain (`jnp.pad` after
     `import jaxlite.numpy as jnp`, `jax.numpy.pad` after `import jaxlite as jax`,
     `linalg.solve` after `from jaxlite.numpy import linalg`) or as a from-import
     (`from jaxlite.numpy import pad`). A file that looks names up dynamically,
     `getattr(jnp, name)`, refers to every string literal in it that spells a name
     (`"isnan"` in its table of names). The test files are parsed, not grepped, so a
     name mentioned only in a comment does not count.

jax.lax is counted without its primitives (names ending in `_p`) and without the
point-to-point and ragged collectives listed in LAX_EXCLUDED (psend, precv,
ragged_all_to_all), which jaxlite does not implement.
"""
import argparse
import ast
import importlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAMES_DIR = ROOT / "tools" / "api_names"
TESTS_DIR = ROOT / "tests"

# (JAX module, the coverage jaxlite aims for in percent; None: no target)
MODULES = [
    ("jax.numpy", 90),
    ("jax.numpy.linalg", 90),
    ("jax.numpy.fft", 90),
    ("jax.lax", 70),
    ("jax.nn", 90),
    ("jax.nn.initializers", 90),
    ("jax.scipy.special", 70),
    ("jax.scipy.linalg", None),
    ("jax.scipy.stats.norm", None),
    ("jax.random", None),
    ("jax.scipy.signal", 100),
    ("jax.scipy.optimize", 100),
    ("jax.image", 100),
    ("jax.experimental.checkify", 100),
    ("jax.custom_batching", 100),
]

# Collective and sharding functions of jax.lax: they need named mapped axes or devices.
LAX_EXCLUDED = frozenset("""
    precv psend ragged_all_to_all
""".split())


def api_names(module):
    names = (NAMES_DIR / f"{module}.txt").read_text().split()
    if module == "jax.lax":
        names = [n for n in names if not n.endswith("_p") and n not in LAX_EXCLUDED]
    return names


def jaxlite_name(module):
    return "jaxlite" + module[len("jax"):]


def _resolve(node, aliases):
    """The dotted path an attribute chain refers to, or None if its base is not an alias."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id]] + parts[::-1])


def _references(source):
    """Every `jaxlite...` dotted path a test file reaches through its imports."""
    tree = ast.parse(source)
    aliases, found = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] != "jaxlite":
                    continue
                if a.asname:
                    aliases[a.asname] = a.name
                else:
                    aliases["jaxlite"] = "jaxlite"
                found.add(a.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "jaxlite":
            for a in node.names:
                path = f"{node.module}.{a.name}"
                aliases[a.asname or a.name] = path
                found.add(path)
    dynamic = set()  # modules whose names the file looks up with getattr(module, variable)
    strings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            path = _resolve(node, aliases)
            if path:
                found.add(path)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "getattr" and len(node.args) >= 2):
            base = node.args[0]
            module = aliases.get(base.id) if isinstance(base, ast.Name) else _resolve(base, aliases)
            if module:
                name = node.args[1]
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    found.add(f"{module}.{name.value}")
                else:
                    dynamic.add(module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value.isidentifier():
            strings.add(node.value)
    found |= {f"{module}.{name}" for module in dynamic for name in strings}
    return found


def tested_paths(tests_dir=TESTS_DIR):
    found = set()
    for path in sorted(pathlib.Path(tests_dir).rglob("*.py")):
        try:
            found |= _references(path.read_text())
        except SyntaxError as e:  # a test file being edited: say so rather than undercount
            print(f"warning: skipped {path.relative_to(ROOT)} (syntax error, line {e.lineno})",
                  file=sys.stderr)
    return found


def coverage(module, tested):
    """(implemented names, missing names) of one JAX module."""
    names = api_names(module)
    target = jaxlite_name(module)
    try:
        mod = importlib.import_module(target)
    except ImportError:
        mod = None
    implemented, missing = [], []
    for name in names:
        ok = mod is not None and hasattr(mod, name) and f"{target}.{name}" in tested
        (implemented if ok else missing).append(name)
    return implemented, missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append",
                        help="only this JAX module (e.g. jax.numpy); may be repeated")
    parser.add_argument("--missing", action="store_true", help="list the missing names")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    modules = MODULES
    if args.module:
        known = dict(MODULES)
        unknown = [m for m in args.module if m not in known]
        if unknown:
            parser.error(f"unknown module(s) {', '.join(unknown)}; choose from "
                         + ", ".join(known))
        modules = [(m, known[m]) for m in args.module]
    tested = tested_paths()
    print(f"{'module':<22} {'implemented':>11} {'total':>5} {'percent':>7}  target")
    for module, target in modules:
        implemented, missing = coverage(module, tested)
        total = len(implemented) + len(missing)
        percent = 100.0 * len(implemented) / total if total else 100.0
        goal = "" if target is None else f"{target}% ({'met' if percent >= target else 'not met'})"
        print(f"{module:<22} {len(implemented):>11} {total:>5} {percent:>6.1f}%  {goal}")
        if args.missing and missing:
            print("    missing: " + " ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
