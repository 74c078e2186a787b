"""Runs fuzz cases under one backend: `python worker.py jax|jaxlite`.

Reads one JSON case a line on stdin and answers one JSON result a line on stdout (see
programs.run_case), so the driver keeps one process per backend for a whole run and pays
the import once. A case that runs past its time limit answers the error "Timeout".
"""
import json
import os
import signal
import sys
import types
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import programs  # noqa: E402

TIME_LIMIT_S = 20


def namespace(backend):
    if backend == "jax":
        import jax
        import jax.numpy as jnp
        import jax.nn as nn
        import jax.scipy.special as special
        from jax import lax
    else:
        import jaxlite as jax
        import jaxlite.numpy as jnp
        import jaxlite.nn as nn
        import jaxlite.scipy.special as special
        from jaxlite import lax
    return types.SimpleNamespace(jax=jax, jnp=jnp, lax=lax, nn=nn, special=special)


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout(f"case ran past {TIME_LIMIT_S} s")


def main():
    warnings.simplefilter("ignore")
    ns = namespace(sys.argv[1])
    signal.signal(signal.SIGALRM, _alarm)
    out = sys.stdout
    sys.stdout = sys.stderr  # a stray print inside a case must not break the protocol
    for line in sys.stdin:
        case = json.loads(line)
        signal.alarm(TIME_LIMIT_S)
        try:
            result = programs.run_case(case, ns)
        except Timeout as e:
            result = {"error": "Timeout", "base": "Exception", "message": str(e)}
        finally:
            signal.alarm(0)
        out.write(json.dumps(result) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
