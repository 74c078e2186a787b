"""The fused tier's convolution kernels (prims/conv.py `fused_kernel`): convolutions with
at most 64 window elements per output (input channels x kernel size), or with at most 16
output positions (a kernel's gradient), run as one Numba loop instead of im2col + BLAS.
They add products in their own order, so they agree with the NumPy tier within float
rounding (kernels.compile_call checks that), and NaN and infinities land where NumPy
puts them.

Skipped without Numba, except the tests of which equations get a kernel."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.compiler import fusion, kernels
from jaxlite._src.prims.conv import conv_general_dilated_p, ConvDimensionNumbers

needs_numba = pytest.mark.skipif(not kernels.numba_importable(), reason="Numba not installed")
pytestmark = pytest.mark.usefixtures("small_array_fusion")


def conv_eqn(x_shape, w_shape, dtype=np.float32, **params):
    x, w = np.zeros(x_shape, dtype), np.zeros(w_shape, dtype)
    with jax.enable_x64(np.dtype(dtype).itemsize == 8):
        jaxpr = jax.make_jaxpr(lambda x, w: lax.conv_general_dilated(x, w, **params))(x, w)
    (eqn,) = [e for e in jaxpr.jaxpr.eqns if e.primitive is conv_general_dilated_p]
    return eqn


CASES = [  # (input shape, kernel shape, parameters): a first layer, strides and SAME
    # padding in NCHW, lhs and rhs dilation with uneven padding, 1-D, 3-D
    ((6, 12, 12, 1), (3, 3, 1, 8), dict(window_strides=(1, 1), padding="VALID",
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))),
    ((3, 3, 11, 10), (5, 3, 3, 3), dict(window_strides=(2, 1), padding="SAME",
                                        dimension_numbers=("NCHW", "OIHW", "NCHW"))),
    ((2, 9, 8, 2), (3, 3, 2, 5), dict(window_strides=(1, 1), padding=((1, 2), (0, 1)),
                                      lhs_dilation=(2, 1), rhs_dilation=(1, 2),
                                      dimension_numbers=("NHWC", "HWIO", "NHWC"))),
    ((4, 2, 30), (7, 2, 5), dict(window_strides=(2,), padding="VALID",
                                 dimension_numbers=("NCH", "OIH", "NCH"))),
    ((2, 5, 6, 7, 1), (2, 2, 3, 1, 4), dict(window_strides=(1, 1, 2), padding="VALID",
                                            dimension_numbers=("NDHWC", "DHWIO", "NDHWC"))),
    # few output positions over long windows (the reduction kernel): 330 window elements,
    # a kernel axis of 11 = a block of 8 and 3 more
    ((1, 12, 12, 3), (10, 11, 3, 4), dict(window_strides=(1, 1), padding="VALID",
                                          dimension_numbers=("NHWC", "HWIO", "NHWC"))),
    # a first layer's kernel gradient, as its transpose rule binds it (HWIO result)
    ((6, 14, 14, 1), (6, 12, 12, 5), dict(window_strides=(1, 1), padding=((0, 0), (0, 0)),
                                          dimension_numbers=ConvDimensionNumbers(
                                              (3, 0, 1, 2), (3, 0, 1, 2), (2, 3, 0, 1)))),
]


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_shape,w_shape,params", CASES)
def test_conv_kernel_agrees_with_numpy(x_shape, w_shape, params, dtype):
    eqn = conv_eqn(x_shape, w_shape, dtype, **params)
    call = fusion.KernelCall(eqn, *conv_general_dilated_p.fused_kernel(eqn))
    kernels.compile_call(call)  # compiles and checks itself once
    rng = np.random.default_rng(5)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    want = conv_general_dilated_p.impl(x, w, **eqn.params)
    got = call(x, w)
    assert got.shape == want.shape and got.dtype == want.dtype and got.flags.c_contiguous
    # both sums round at most once per product: within that of the sum of |products|
    bound = conv_general_dilated_p.impl(np.abs(x), np.abs(w), **eqn.params)
    eps = np.finfo(dtype).eps
    taps = np.prod(w_shape) // w.shape[eqn.params["dimension_numbers"].rhs_spec[0]]
    assert np.all(np.abs(got - want) <= 2 * max(taps, 64) * eps * bound)
    # into a jit workspace buffer (impl_out), whatever it held
    buffer = np.full(want.shape, np.nan, dtype)
    assert call(x, w, out=buffer) is buffer
    assert np.array_equal(buffer, got)
    # NaN and infinities where NumPy has them
    x[(0,) * x.ndim] = np.nan
    x.reshape(-1)[-1] = np.inf
    with np.errstate(all="ignore"):
        want = conv_general_dilated_p.impl(x, w, **eqn.params)
    got = call(x, w)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.array_equal(np.isinf(got), np.isinf(want))


def test_which_convolutions_get_a_kernel():
    first_layer = CASES[0]
    assert conv_general_dilated_p.fused_kernel(
        conv_eqn(first_layer[0], first_layer[1], **first_layer[2])) is not None
    nhwc = dict(window_strides=(1, 1), padding="VALID",
                dimension_numbers=("NHWC", "HWIO", "NHWC"))
    # 65 window elements at each of 128 positions: a matmul BLAS runs well
    assert conv_general_dilated_p.fused_kernel(conv_eqn((2, 8, 8, 65), (1, 1, 65, 4),
                                                        **nhwc)) is None
    # the same at 16 positions: the reduction kernel
    assert conv_general_dilated_p.fused_kernel(conv_eqn((1, 4, 4, 65), (1, 1, 65, 4),
                                                        **nhwc)) is not None
    grouped = conv_eqn((2, 8, 8, 4), (3, 3, 2, 4), feature_group_count=2, **nhwc)
    integers = conv_eqn((2, 8, 8, 1), (3, 3, 1, 4), np.int32, **nhwc)
    for eqn in (grouped, integers):
        assert conv_general_dilated_p.fused_kernel(eqn) is None


@needs_numba
def test_wrong_kernel_is_refused():
    eqn = conv_eqn(CASES[0][0], CASES[0][1], **CASES[0][2])
    source, signature, run = conv_general_dilated_p.fused_kernel(eqn)
    call = fusion.KernelCall(eqn, source, signature,
                             lambda kernel, x, w, out=None: run(kernel, x, w) * np.float32(1.001))
    with pytest.raises(RuntimeError, match="disagrees"):
        kernels.compile_call(call)


@needs_numba
def test_cnn_step_in_the_fused_tier():
    """A first conv layer's value_and_grad: the forward convolution and the kernel's
    gradient run kernels; jit agrees with the NumPy tier within float rounding."""
    def loss(params, images):
        h = lax.conv_general_dilated(images, params["w"], (1, 1), "VALID",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
        h = jnp.maximum(h + params["b"], 0.0)
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        return jnp.mean(h * h)
    rng = np.random.default_rng(3)
    params = {"w": jnp.asarray(rng.standard_normal((3, 3, 1, 4)).astype(np.float32)),
              "b": jnp.asarray(rng.standard_normal(4).astype(np.float32))}
    images = jnp.asarray(rng.standard_normal((16, 26, 26, 1)).astype(np.float32))
    jax.config.update("jaxlite_fusion", "off")
    want = jax.jit(jax.value_and_grad(loss))(params, images)  # the NumPy tier
    jax.config.update("jaxlite_fusion", "auto")
    step = jax.jit(jax.value_and_grad(loss))
    got = step(params, images)  # hot at the first call (conftest): the fused tier
    tier = step.lower(params, images)._entry.compiled.tier
    assert tier.state == "fused", tier.error
    assert [repr(c) for c in tier.kernel_calls].count("conv_general_dilated") == 2
    assert "kernel of conv_general_dilated" in tier.listing()
    # kernels write into the executable's reusable buffers, as the NumPy code does (the
    # ones of at least codegen._WORKSPACE_BYTES: here the gradient of max pooling's input)
    assert any("kernel_call" in line and "out=_w[" in line
               for line in tier.fused.source.splitlines())
    for g, w in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-5, atol=1e-6)
