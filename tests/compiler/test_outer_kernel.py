"""The fused tier's kernel for outer products, batched or not (dot_general without
contracting axes, what vmapped weight gradients are; prims/compiler_rules.outer_kernel):
the NumPy tier's bits, NumPy's own code for operands in another memory order, and which
equations get it.

Skipped without Numba, except the tests of which equations get a kernel."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.compiler import fusion, kernels
from jaxlite._src.prims.compiler_rules import _outer_groups
from jaxlite._src.prims.linalg import dot_general_p

needs_numba = pytest.mark.skipif(not kernels.numba_importable(), reason="Numba not installed")
pytestmark = pytest.mark.usefixtures("small_array_fusion")

POOL = np.array([0.0, -0.0, 1.5, -2.25, 7.0, -np.inf, np.inf, np.nan, 3.0, 1e-30])


def bits(a):
    a = np.ascontiguousarray(a)
    return a.view(f"u{a.itemsize}")


def dot_eqn(x_shape, y_shape, dimension_numbers, dtype=np.float32):
    x, y = np.zeros(x_shape, dtype), np.zeros(y_shape, dtype)
    jaxpr = jax.make_jaxpr(lambda x, y: lax.dot_general(x, y, dimension_numbers))(x, y)
    return jaxpr.jaxpr.eqns[0]


BATCHED = (((), ()), ((0,), (0,)))
CASES = [  # (x shape, y shape, dimension numbers)
    ((6, 5), (6, 7), BATCHED),                      # per-example outer products
    ((3, 4, 2), (3, 5), (((), ()), ((0,), (0,)))),  # two free axes on the left
    ((2, 3, 4), (2, 3, 5), (((), ()), ((0, 1), (0, 1)))),  # two batch axes
    ((5,), (7,), (((), ()), ((), ()))),             # jnp.outer
    ((4, 1), (3,), (((), ()), ((), ()))),           # a unit free axis
]


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_shape,y_shape,dims", CASES)
def test_outer_kernel_bits(x_shape, y_shape, dims, dtype):
    x64 = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", dtype == np.float64)
    try:
        eqn = dot_eqn(x_shape, y_shape, dims, dtype)
    finally:
        jax.config.update("jax_enable_x64", x64)
    call = fusion.KernelCall(eqn, *dot_general_p.fused_kernel(eqn))
    kernels.compile_call(call)  # compiles and checks itself once
    rng = np.random.default_rng(5)
    for trial in range(3):
        x = POOL[rng.integers(0, len(POOL), x_shape)].astype(dtype)
        y = (rng.standard_normal(y_shape) if trial else
             POOL[rng.integers(0, len(POOL), y_shape)]).astype(dtype)
        with np.errstate(all="ignore"):
            want = dot_general_p.impl(x, y, **eqn.params)
        got = call(x, y)
        assert got.shape == want.shape and got.dtype == want.dtype
        assert got.flags.c_contiguous
        assert np.array_equal(bits(got), bits(want))
    # An operand in another memory order: NumPy's broadcasting multiply, laid out as
    # the NumPy tier lays it out.
    x = np.asfortranarray(rng.standard_normal(x_shape).astype(dtype))
    y = rng.standard_normal(y_shape).astype(dtype)
    if not x.flags.c_contiguous:
        got = call(x, y)
        assert np.array_equal(bits(got), bits(dot_general_p.impl(x, y, **eqn.params)))


def test_which_equations_get_a_kernel():
    assert dot_general_p.fused_kernel(dot_eqn((6, 5), (6, 7), BATCHED)) is not None
    # a contraction, integers, mixed dtypes: no kernel
    assert dot_general_p.fused_kernel(dot_eqn((6, 5), (5, 7), (((1,), (0,)), ((), ())))) is None
    assert dot_general_p.fused_kernel(dot_eqn((6, 5), (6, 7), BATCHED, np.int32)) is None
    # Merged runs of axes: (moves in x, moves in y) and the run's size.
    assert _outer_groups([(128, 512, 1), (128, 1, 784)], (128, 512, 784)) == [
        [(True, True), 128], [(True, False), 512], [(False, True), 784]]
    assert _outer_groups([(2, 3, 1, 1), (1, 1, 4, 5)], (2, 3, 4, 5)) == [
        [(True, False), 6], [(False, True), 20]]
    # one operand as large as the result: a plain (or tiled) elementwise loop
    assert _outer_groups([(4, 5), (1, 5)], (4, 5)) is None
    assert _outer_groups([(2, 1, 3, 1), (1, 2, 1, 3)], (2, 2, 3, 3)) == [
        [(True, False), 2], [(False, True), 2], [(True, False), 3], [(False, True), 3]]


@needs_numba
def test_per_example_gradients_in_the_fused_tier():
    def loss(w, x):  # one example: the gradient of w is an outer product
        return jnp.sum(jnp.tanh(x @ w) ** 2)
    rng = np.random.default_rng(1)
    w = jnp.asarray(rng.standard_normal((6, 4)).astype(np.float32))
    xs = jnp.asarray(rng.standard_normal((5, 6)).astype(np.float32))
    per_example = jax.vmap(jax.grad(loss), in_axes=(None, 0))
    jax.config.update("jaxlite_fusion_fast_math", False)  # tanh: NumPy's bits too
    jax.config.update("jaxlite_fusion", "off")
    want = jax.jit(per_example)(w, xs)  # the NumPy tier
    jax.config.update("jaxlite_fusion", "auto")
    step = jax.jit(per_example)
    got = step(w, xs)  # hot at the first call (conftest): the fused tier
    tier = step.lower(w, xs)._entry.compiled.tier
    assert tier.state == "fused", tier.error
    assert "dot_general" in [repr(c) for c in tier.kernel_calls]
    assert got.shape == (5, 6, 4)
    assert np.array_equal(bits(got), bits(want))
    # a loop over the examples agrees
    for i in range(5):
        np.testing.assert_allclose(got[i], jax.grad(loss)(w, xs[i]), rtol=1e-6, atol=1e-6)
