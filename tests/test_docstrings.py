"""The `>>>` examples in jaxlite's docstrings run, and print what they say they print.

Every module under src/jaxlite is searched with doctest; the examples see `jax` (jaxlite),
`jnp`, `lax` and `np`, as a JAX user's session would. NumPy's float printing is the same on
every CPU only to the digits shown, so examples print rounded values where the last digits
could depend on the SIMD kernel (see README, "Bit-identical random numbers")."""
import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax


def _defined_in(test, module):
    """Whether the docstring's object belongs to `module` (re-exports are tested where
    they are defined)."""
    obj = module
    for part in test.name.split(".")[len(module.__name__.split(".")):]:
        obj = getattr(obj, part, None)
    return getattr(obj, "__module__", module.__name__) == module.__name__


def _examples(name):
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder(exclude_empty=True).find(module, name, globs={})
    return [t for t in tests if t.examples and _defined_in(t, module)]


MODULES = [name for name in sorted(m.name for m in pkgutil.walk_packages(
    jaxlite.__path__, "jaxlite.")) if name != "jaxlite.run" and _examples(name)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    failures = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    previous = jaxlite.config.jax_enable_x64
    try:
        for test in _examples(name):
            test.globs.update(jax=jaxlite, jnp=jnp, lax=lax, np=np)
            runner.run(test, out=failures.append)
            jaxlite.config.update("jax_enable_x64", previous)
    finally:
        jaxlite.config.update("jax_enable_x64", previous)
    assert runner.failures == 0, "".join(failures)
