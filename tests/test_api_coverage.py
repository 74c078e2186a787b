"""tools/api_coverage.py: runs, prints one line per module, and counts by its documented rule."""
import importlib.util
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "api_coverage.py"


def _load_tool():
    spec = importlib.util.spec_from_file_location("api_coverage", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.needs_subprocess
def test_script_prints_every_module():
    out = subprocess.run([sys.executable, str(TOOL)], capture_output=True, text=True,
                         check=True).stdout
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["module", "implemented", "total", "percent"]
    modules = [line.split()[0] for line in lines[1:]]
    assert modules == [m for m, _ in _load_tool().MODULES]
    numpy_line = lines[1].split()
    implemented, total = int(numpy_line[1]), int(numpy_line[2])
    assert total == len((ROOT / "tools/api_names/jax.numpy.txt").read_text().split())
    assert 0 < implemented <= total


@pytest.mark.needs_subprocess
def test_module_and_missing_options():
    out = subprocess.run([sys.executable, str(TOOL), "--module", "jax.numpy.fft", "--missing"],
                         capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert len([l for l in lines if l.startswith("jax.")]) == 1
    assert lines[1].startswith("jax.numpy.fft")
    bad = subprocess.run([sys.executable, str(TOOL), "--module", "jax.nope"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "unknown module" in bad.stderr


def test_reference_rule():
    tool = _load_tool()
    source = '''
import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite.numpy import pad
import numpy as np

jnp.tile(1, 2); jax.numpy.linalg.solve; lax.add; np.roll
# jnp.roll in a comment does not count
'''
    found = tool._references(source)
    for path in ["jaxlite.numpy.tile", "jaxlite.numpy.linalg.solve", "jaxlite.lax.add",
                 "jaxlite.numpy.pad"]:
        assert path in found
    assert "jaxlite.numpy.roll" not in found
    dynamic = tool._references('import jaxlite.numpy as jnp\nfor n in ["isnan"]: getattr(jnp, n)')
    assert "jaxlite.numpy.isnan" in dynamic


def test_lax_excludes_primitives_and_unimplemented_collectives():
    names = _load_tool().api_names("jax.lax")
    assert "add" in names and "add_p" not in names
    assert {"psum", "pmean", "all_gather", "ppermute", "axis_index", "pswapaxes"} <= set(names)
    assert not {"psend", "precv", "ragged_all_to_all"} & set(names)
