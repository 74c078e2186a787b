"""A primitive lives in one place (DESIGN.md's first rule), compiler knowledge included:
an elementwise primitive defined here, with its simplification rule and fused-tier
scalar code as data, is simplified, compiled and fused without any compiler change."""
import numpy as np
import pytest

import jaxlite as jax
from jaxlite._src.compiler import kernels
from jaxlite._src.compiler.passes import optimize
from jaxlite._src.config import flags
from jaxlite._src.prims.compiler_rules import neutral_element
from jaxlite._src.prims.elementwise import define


def _add_square(x, y):
    return np.add(x, np.multiply(y, y))


# x + y*y: its JVP, its simplification (x + 0*0 is x) and its scalar code, in one place.
add_square_p = define(
    "add_square", _add_square,
    [lambda t, ans, x, y: t, lambda t, ans, x, y: 2 * y * t],
    simplify=[neutral_element(0, sides=(1,))],
    scalar=lambda x, params, avals, out: (f"{x[0]} + {x[1]} * {x[1]}"
                                          if avals[0].dtype.kind == "f" else None))


def _names(jaxpr):
    return [e.primitive.name for e in jaxpr.eqns]


def test_jit_matches_eager():
    x = np.arange(5, dtype=np.float32)
    y = np.linspace(-1, 1, 5, dtype=np.float32)
    f = jax.jit(lambda x, y: add_square_p.bind(x, y) * 3)
    np.testing.assert_array_equal(np.asarray(f(x, y)), _add_square(x, y) * np.float32(3))
    assert "add_square" in f.lower(x, y).compile().as_python()
    grad = jax.jit(jax.grad(lambda y: add_square_p.bind(np.float32(1), y)))
    assert float(grad(np.float32(3))) == 6.0


def test_its_simplification_rule_runs():
    x = np.arange(5, dtype=np.float32)
    jaxpr = optimize(jax.make_jaxpr(lambda x: add_square_p.bind(x, np.float32(0)) + x)(x).jaxpr)
    assert _names(jaxpr) == ["add"]
    kept = optimize(jax.make_jaxpr(lambda x: add_square_p.bind(np.float32(0), x) + x)(x).jaxpr)
    assert _names(kept) == ["add_square", "add"]  # 0 + x*x is not x


@pytest.mark.skipif(not kernels.numba_importable(), reason="Numba not installed")
def test_it_fuses_with_its_scalar_code():
    names = ("jaxlite_fusion", "jaxlite_fusion_hot_calls", "jaxlite_fusion_background",
             "jaxlite_fusion_min_size")
    saved = {name: getattr(flags, name) for name in names}
    try:
        for name, value in zip(names, ("auto", 1, False, 2)):
            jax.config.update(name, value)
        x = np.linspace(-2, 2, 64, dtype=np.float32)
        y = np.linspace(3, -1, 64, dtype=np.float32)
        f = jax.jit(lambda x, y: add_square_p.bind(x * y, y) - x * 0.5)
        got = np.asarray(f(x, y))
        want = _add_square(x * y, y) - x * np.float32(0.5)
        np.testing.assert_array_equal(got, want)  # the kernel returns the NumPy tier's bits
        source = f.lower(x, y).compile().as_python()
        assert "fused_elementwise" in source and "x1 * x1" in source, source
    finally:
        for name, value in saved.items():
            jax.config.update(name, value)
