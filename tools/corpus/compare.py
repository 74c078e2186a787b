"""Run each program of the corpus on jaxlite and compare what it prints with
what real JAX printed (recorded by record.py).

    python tools/corpus/compare.py [--markdown] [--write-matching] [--timeout S] [NAME ...]

Each program runs as `python -m jaxlite.run PROGRAM` in a subprocess. Its
standard output must equal JAX's line by line after masking timings and object
addresses; numbers may differ by float32 noise (corpus.RTOL / ATOL, or a wider
tolerance listed with its reason in corpus.TOLERANCE); integers and all other
text must be equal, as must the exit status and the uncaught exception class.

Prints a table: program, status (match / match (tol) / differs / raises /
timeout), the first differing line, and wall time on jaxlite and on JAX (JAX's
as recorded). --markdown prints it as the README's table; --write-matching
rewrites tools/corpus/matching.txt, the programs tests/test_corpus.py keeps
matching.
"""
import argparse
import difflib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402


def show_diff(name, timeout):
    env = dict(corpus.jaxlite_env())
    rc, out, exc, _ = corpus.run(corpus.jaxlite_command(), name, timeout=timeout, env=env)
    expected = corpus.mask(corpus.read_expected(name)[3]).splitlines(True)
    print(f"== {name}: exit {rc} {exc or ''}")
    sys.stdout.writelines(difflib.unified_diff(expected, corpus.mask(out).splitlines(True),
                                               "JAX", "jaxlite", n=1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="programs to compare (default: all)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--write-matching", action="store_true",
                        help="rewrite tools/corpus/matching.txt with the programs that match")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--diff", action="store_true",
                        help="print a diff of JAX's and jaxlite's masked output, and stderr's tail")
    args = parser.parse_args(argv)
    if args.diff:
        for name in args.names:
            show_diff(name, args.timeout)
        return 0
    rows = []
    for name in args.names or corpus.program_names():
        rc, out, exc, seconds = corpus.run(corpus.jaxlite_command(), name, timeout=args.timeout,
                                           env=corpus.jaxlite_env())
        status, first = corpus.compare(name, rc, out, exc)
        jax_seconds = corpus.read_expected(name)[2]
        rows.append((name, status, first, seconds, jax_seconds))
        if not args.markdown:
            print(f"{name:48s} {status:12s} {seconds:6.1f}s {jax_seconds:6.1f}s  {first}",
                  flush=True)
    matched = [r for r in rows if r[1].startswith("match")]
    if args.markdown:
        print("| program | status | first difference | jaxlite (s) | JAX (s) |")
        print("| --- | --- | --- | ---: | ---: |")
        for name, status, first, seconds, jax_seconds in rows:
            first = first.replace("|", "\\|")
            print(f"| {name} | {status} | {first} | {seconds:.1f} | {jax_seconds:.1f} |")
        print()
    print(f"{len(matched)} of {len(rows)} programs print what JAX prints.")
    if args.write_matching:
        with open(corpus.MATCHING, "w") as f:
            f.write("# Programs of the corpus (../shared/corpus/programs) that print what JAX prints on jaxlite\n"
                    "# (written by compare.py --write-matching; tests/test_corpus.py keeps them so).\n")
            for name, *_ in matched:
                f.write(name + "\n")
    return 0 if len(matched) == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
