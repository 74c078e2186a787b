"""The fused tier's own kernels for non-elementwise primitives (fusion.substitute_kernels,
kernels.compile_call): max pooling's gradient, select_and_scatter_add, returns the NumPy
tier's bits (first best element of a window wins; NaN, infinities, all -inf windows);
so does max (min) pooling itself, reduce_window_max (min), signed zeros and NaN
payloads included.

Skipped without Numba, except the tests of which equations get a kernel."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.compiler import fusion, kernels
from jaxlite._src.prims.windows import (select_and_scatter_add_p, reduce_window_max_p,
                                        reduce_window_min_p)

needs_numba = pytest.mark.skipif(not kernels.numba_importable(), reason="Numba not installed")
pytestmark = pytest.mark.usefixtures("small_array_fusion")

POOL = np.array([0.0, -0.0, 1.5, -2.25, 7.0, -np.inf, np.inf, np.nan, 3.0, 3.0])


def scatter_eqn(s_shape, x_shape, dtype=np.float32, select="ge", window=None, strides=None,
                padding=None):
    params = dict(select=select, window_dimensions=window, window_strides=strides,
                  padding=padding or ((0, 0),) * len(x_shape),
                  base_dilation=(1,) * len(x_shape), window_dilation=(1,) * len(x_shape))
    s, x = np.zeros(s_shape, dtype), np.zeros(x_shape, dtype)
    with jax.enable_x64(np.dtype(dtype).itemsize == 8):
        jaxpr = jax.make_jaxpr(lambda s, x: select_and_scatter_add_p.bind(s, x, **params))(s, x)
    eqn = jaxpr.jaxpr.eqns[0]
    assert eqn.inputs[1].aval.dtype == dtype
    return eqn


def bits(a):
    a = np.ascontiguousarray(a)
    return a.view(f"u{a.itemsize}")


CASES = [  # (operand shape, window, strides): max pooling in NHWC, gaps, 1-D, 3x3
    ((4, 6, 6, 3), (1, 2, 2, 1), (1, 2, 2, 1)),
    ((2, 9, 9, 2), (1, 3, 3, 1), (1, 3, 3, 1)),
    ((2, 7, 8, 2), (1, 2, 2, 1), (1, 3, 3, 1)),  # stride > window: elements in no window
    ((37,), (4,), (4,)),
    ((3, 5), (1, 1), (1, 1)),
]


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("select", ["ge", "le"])
@pytest.mark.parametrize("x_shape,window,strides", CASES)
def test_scatter_kernel_bits(x_shape, window, strides, select, dtype):
    s_shape = tuple((n - w) // st + 1 for n, w, st in zip(x_shape, window, strides))
    eqn = scatter_eqn(s_shape, x_shape, dtype, select, window, strides)
    call = fusion.KernelCall(eqn, *select_and_scatter_add_p.fused_kernel(eqn))
    kernels.compile_call(call)  # compiles and checks itself once
    rng = np.random.default_rng(7)
    for trial in range(3):
        # Few distinct values: ties, signed zeros, NaN, windows all -inf (no winner).
        pool = POOL if trial else np.array([-np.inf, np.inf, 1.0])
        x = pool[rng.integers(0, len(pool), x_shape)].astype(dtype)
        s = rng.standard_normal(s_shape).astype(dtype)
        want = select_and_scatter_add_p.impl(s, x, **eqn.params)
        got = call(s, x)
        assert got.shape == want.shape and got.dtype == want.dtype
        assert np.array_equal(bits(got), bits(want))
        buffer = np.full(x_shape, np.nan, dtype)  # a jit workspace buffer, reused
        assert call(s, x, out=buffer) is buffer
        assert np.array_equal(bits(buffer), bits(want))


def test_which_equations_get_a_kernel():
    pooling = scatter_eqn((2, 3, 3, 1), (2, 6, 6, 1), window=(1, 2, 2, 1),
                          strides=(1, 2, 2, 1))
    assert select_and_scatter_add_p.fused_kernel(pooling) is not None
    # Overlapping windows add several cotangents into one element (the NumPy tier adds
    # them in float64): no kernel; nor with padding, nor for integers.
    overlapping = scatter_eqn((2, 5, 5, 1), (2, 6, 6, 1), window=(1, 2, 2, 1),
                              strides=(1, 1, 1, 1))
    padded = scatter_eqn((2, 4, 4, 1), (2, 6, 6, 1), window=(1, 2, 2, 1),
                         strides=(1, 2, 2, 1), padding=((0, 0), (1, 1), (1, 1), (0, 0)))
    integers = scatter_eqn((2, 3, 3, 1), (2, 6, 6, 1), np.int32, window=(1, 2, 2, 1),
                           strides=(1, 2, 2, 1))
    for eqn in (overlapping, padded, integers):
        assert select_and_scatter_add_p.fused_kernel(eqn) is None
    # Below the fused tier's minimum size the NumPy code stays.
    jaxpr = jax.make_jaxpr(lambda e: e)(1.0).jaxpr
    jaxpr.eqns.append(pooling)
    assert fusion.substitute_kernels(jaxpr, min_size=10**6)[1] == []
    assert len(fusion.substitute_kernels(jaxpr, min_size=2)[1]) == 1


REDUCE_CASES = CASES + [  # overlapping windows, window dilation, 3-D windows
    ((2, 9, 9, 2), (1, 3, 3, 1), (1, 1, 1, 1), (1, 1, 1, 1)),
    ((2, 9, 9, 2), (1, 2, 2, 1), (1, 1, 2, 1), (1, 2, 2, 1)),
    ((5, 6, 7), (2, 3, 2), (1, 2, 1), (1, 1, 1)),
]


def reduce_eqn(primitive, x, window, strides, window_dilation=None, padding=None):
    params = dict(window_dimensions=window, window_strides=strides,
                  padding=padding or ((0, 0),) * x.ndim, base_dilation=(1,) * x.ndim,
                  window_dilation=window_dilation or (1,) * x.ndim)
    return jax.make_jaxpr(lambda x: primitive.bind(x, **params))(x).jaxpr.eqns[0]


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
@pytest.mark.parametrize("primitive", [reduce_window_max_p, reduce_window_min_p])
@pytest.mark.parametrize("case", REDUCE_CASES)
def test_reduce_window_kernel_bits(case, primitive, dtype):
    x_shape, window, strides = case[:3]
    dilation = case[3] if len(case) > 3 else None
    eqn = reduce_eqn(primitive, np.zeros(x_shape, dtype), window, strides, dilation)
    call = fusion.KernelCall(eqn, *primitive.fused_kernel(eqn))
    kernels.compile_call(call)
    rng = np.random.default_rng(11)
    # NaNs of both signs: which one a window returns depends on the comparison order.
    pool = np.concatenate([POOL, [-np.nan]]) if dtype == np.float32 else np.arange(-3, 4)
    for _ in range(4):
        x = pool[rng.integers(0, len(pool), x_shape)].astype(dtype)
        want = primitive.impl(x, **eqn.params)
        got = call(x)
        assert got.shape == want.shape and got.dtype == want.dtype
        assert np.array_equal(bits(got), bits(want))
        buffer = np.zeros(want.shape, dtype)
        assert call(x, out=buffer) is buffer
        assert np.array_equal(bits(buffer), bits(want))


def test_which_reduce_windows_get_a_kernel():
    x = np.zeros((2, 6, 6, 1), np.float32)
    assert reduce_window_max_p.fused_kernel(
        reduce_eqn(reduce_window_max_p, x, (1, 2, 2, 1), (1, 2, 2, 1))) is not None
    padded = reduce_eqn(reduce_window_max_p, x, (1, 2, 2, 1), (1, 2, 2, 1),
                        padding=((0, 0), (1, 1), (1, 1), (0, 0)))
    assert reduce_window_max_p.fused_kernel(padded) is None


@needs_numba
def test_wrong_kernel_is_refused():
    eqn = scatter_eqn((2, 3, 3, 1), (2, 6, 6, 1), window=(1, 2, 2, 1), strides=(1, 2, 2, 1))
    source, signature, _ = select_and_scatter_add_p.fused_kernel(eqn)
    call = fusion.KernelCall(eqn, source, signature,
                             lambda kernel, s, x, out=None: np.zeros(x.shape, x.dtype))
    with pytest.raises(RuntimeError, match="disagrees"):
        kernels.compile_call(call)


@needs_numba
def test_max_pool_gradient_in_the_fused_tier():
    def loss(w, images):
        h = jnp.maximum(images * w, 0.0)
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        return jnp.sum(h * h)
    rng = np.random.default_rng(3)
    images = jnp.asarray(np.round(rng.standard_normal((4, 8, 8, 3)), 1).astype(np.float32))
    w = jnp.float32(0.5)
    jax.config.update("jaxlite_fusion", "off")
    want = jax.jit(jax.grad(loss, argnums=1))(w, images)  # the NumPy tier
    jax.config.update("jaxlite_fusion", "auto")
    step = jax.jit(jax.grad(loss, argnums=1))
    got = step(w, images)  # hot at the first call (conftest): the fused tier
    tier = step.lower(w, images)._entry.compiled.tier
    assert tier.state == "fused", tier.error
    assert [repr(c) for c in tier.kernel_calls] == ["reduce_window_max", "select_and_scatter_add"]
    assert "kernel of select_and_scatter_add" in tier.listing()
    assert np.array_equal(bits(got), bits(want))
    assert np.array_equal(bits(step(w, images)), bits(want))
