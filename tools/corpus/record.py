"""Record what real JAX prints for each program of the corpus.

    python tools/corpus/record.py [--python /tmp/jaxref/bin/python] [NAME ...]

Runs each program of the corpus (../shared/corpus/programs/) under a Python with real JAX
installed and writes its standard output, exit status and uncaught exception
class (and the wall time, for the report) to the corpus's expected/NAME.txt.
The recorded files are committed: compare.py and the tests never need JAX.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="programs to record (default: all)")
    parser.add_argument("--python", default="/tmp/jaxref/bin/python",
                        help="a Python with real JAX installed")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    os.makedirs(corpus.EXPECTED, exist_ok=True)
    for name in args.names or corpus.program_names():
        rc, out, exc, seconds = corpus.run([args.python], name, timeout=args.timeout)
        if rc is None:
            print(f"{name}: timed out under JAX; not recorded", file=sys.stderr)
            continue
        corpus.write_expected(name, rc, out, exc, seconds)
        print(f"{name}: exit {rc}{' ' + exc if rc and exc else ''}, "
              f"{len(out.splitlines())} lines, {seconds:.1f} s")


if __name__ == "__main__":
    main()
