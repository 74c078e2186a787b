"""What `import jaxlite.numpy` loads: no heavy optional dependency (SciPy, Numba, ml_dtypes
load at first use), none of jaxlite's on-demand parts; and those parts still load when
used, by every public route. Each check runs in a fresh interpreter, since this one has
imported everything already. Behaviour, not timing: bench/import_time.py times it."""
import json
import os
import subprocess
import sys

import pytest

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

pytestmark = pytest.mark.skipif(sys.platform == "emscripten",
                                reason="needs a fresh interpreter (subprocess); "
                                       "this platform has none")

# Optional dependencies with a large import cost, loaded only where a program uses them.
HEAVY = ["scipy", "numba", "llvmlite", "ml_dtypes"]
# jaxlite's parts that `import jaxlite.numpy` does not need.
ON_DEMAND = ["jaxlite.lax", "jaxlite._src.lax.control_flow", "jaxlite._src.prims.special_math",
             "jaxlite.random", "jaxlite.nn", "jaxlite.scipy", "jaxlite._src.random",
             "jaxlite._src.scipy", "jaxlite._src.nn", "jaxlite.numpy.linalg", "jaxlite.numpy.fft",
             "jaxlite._src.compiler.passes", "jaxlite._src.compiler.tiers",
             "jaxlite._src.compiler.fusion", "jaxlite._src.compiler.kernels",
             "jaxlite._src.debugging", "logging", "hashlib"]


def run_fresh(code):
    """`code` in a fresh interpreter importing this checkout; its last line, parsed as JSON."""
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def loaded_after(statement, names):
    return run_fresh(f"import sys, json\n{statement}\n"
                     f"print(json.dumps([n for n in {names!r} if n in sys.modules]))")


@pytest.mark.parametrize("module", HEAVY)
def test_import_does_not_load_heavy_optional_dependency(module):
    assert loaded_after("import jaxlite.numpy", [module]) == []


def test_import_does_not_load_on_demand_parts():
    assert loaded_after("import jaxlite, jaxlite.numpy", ON_DEMAND) == []


def test_on_demand_parts_load_by_every_public_route():
    result = run_fresh("""
import json
import jaxlite
key = jaxlite.random.key(0)                     # attribute of the package
from jaxlite import random                      # from-import
import jaxlite.scipy.special                    # dotted import
from jaxlite.nn import relu
carry, _ = jaxlite.lax.scan(lambda c, x: (c + x, c), 0.0, jaxlite.numpy.arange(3.0))
import jaxlite.numpy as jnp
x = jnp.arange(3.0)
f = jaxlite.jit(lambda x: jnp.sin(x) * 2.0 + 1.0)   # the pass pipeline and tiers load
y = f(x)
text = f.lower(x).as_text()
z = jaxlite.pure_callback(lambda a: a, jaxlite.ShapeDtypeStruct((3,), jnp.float32), x)
print(json.dumps([random is jaxlite.random, random.key_data(key).tolist(),
                  float(jaxlite.scipy.special.logsumexp(x)), float(relu(-1.0)),
                  y.tolist(), "sin" in text, z.tolist(), float(jnp.linalg.norm(x)),
                  "pure_callback" in dir(jaxlite) and "random" in dir(jaxlite),
                  float(carry)]))
""")
    same, key_data, logsumexp, relu, y, has_sin, z, norm, listed, carry = result
    assert same and key_data == [0, 0] and listed and has_sin and carry == 3.0
    assert logsumexp == pytest.approx(2.4076059644443806, rel=1e-6) and relu == 0.0
    assert y == pytest.approx([1.0, 2.682942, 2.818595], rel=1e-6)
    assert z == [0.0, 1.0, 2.0] and norm == pytest.approx(5 ** 0.5, rel=1e-6)


def test_jax_alias_reaches_on_demand_parts():
    # `python -m jaxlite.run`'s hook maps jax.X to jaxlite.X, lazily loaded ones included.
    result = run_fresh("""
import json, jaxlite.run
jaxlite.run.install_jax_alias()
import jax, jax.random, jax.scipy.special
from jax import nn, lax
import jaxlite
print(json.dumps([jax.random is jaxlite.random, jax.random.key_data(jax.random.key(1)).tolist(),
                  nn is jaxlite.nn, jax.scipy.special is jaxlite.scipy.special,
                  lax is jaxlite.lax and jax.lax is jaxlite.lax]))
""")
    assert result == [True, [0, 1], True, True, True]
