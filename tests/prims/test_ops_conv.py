"""Convolutions through the op table (values against a direct-loop reference, jit, vmap,
both derivatives w.r.t. input and kernel), vmap of one operand at a time, and a small
CNN trained step checked against finite differences."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from op_table import Arg, Op, check_op, op_id
from window_references import conv_reference


def _dims(lhs_shape, rhs_shape, dimension_numbers):
    return lax.conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers)


def _pads(lhs_shape, rhs_shape, strides, padding, rhs_dilation, dnums):
    if not isinstance(padding, str):
        return [tuple(p) for p in padding]
    nd = len(lhs_shape) - 2
    kernel = [rhs_shape[i] for i in dnums.rhs_spec[2:]]
    extent = [(k - 1) * d + 1 for k, d in zip(kernel, rhs_dilation or (1,) * nd)]
    return lax.padtype_to_pads([lhs_shape[i] for i in dnums.lhs_spec[2:]], extent, strides,
                               padding)


def conv_row(name, lhs_shape, rhs_shape, strides, padding, lhs_dilation=None, rhs_dilation=None,
             dimension_numbers=None, feature_group_count=1, batch_group_count=1, **kw):
    def fn(lhs, rhs):
        return lax.conv_general_dilated(lhs, rhs, strides, padding, lhs_dilation, rhs_dilation,
                                        dimension_numbers, feature_group_count,
                                        batch_group_count)

    def ref(lhs, rhs):
        dnums = _dims(lhs.shape, rhs.shape, dimension_numbers)
        nd = lhs.ndim - 2
        pads = _pads(lhs.shape, rhs.shape, strides, padding, rhs_dilation, dnums)
        return conv_reference(lhs, rhs, strides, pads, lhs_dilation or (1,) * nd,
                              rhs_dilation or (1,) * nd, dnums, feature_group_count,
                              batch_group_count)
    return Op(f"conv_general_dilated {name}", fn, ref, (Arg(lhs_shape), Arg(rhs_shape)),
              diff=(0, 1), rtol=1e-4, atol=1e-5, **kw)


NHWC = ("NHWC", "HWIO", "NHWC")
CONVS = [
    conv_row("2-D VALID", (2, 3, 6, 5), (4, 3, 3, 2), (1, 1), "VALID"),
    conv_row("2-D SAME strided", (2, 3, 7, 6), (4, 3, 3, 3), (2, 2), "SAME"),
    conv_row("2-D SAME_LOWER", (1, 2, 5, 6), (3, 2, 2, 3), (1, 2), "SAME_LOWER"),
    conv_row("2-D explicit negative padding", (2, 2, 6, 6), (3, 2, 3, 2), (1, 1),
             [(2, -1), (0, 3)]),
    conv_row("2-D lhs and rhs dilation", (1, 2, 5, 4), (2, 2, 2, 3), (1, 2), [(1, 1), (2, 0)],
             lhs_dilation=(2, 1), rhs_dilation=(1, 2)),
    conv_row("2-D NHWC/HWIO", (2, 6, 5, 3), (3, 2, 3, 4), (2, 1), "SAME", rhs_dilation=(1, 2),
             dimension_numbers=NHWC),
    conv_row("2-D mixed layouts", (5, 2, 3, 4), (3, 3, 2, 4), (1, 1), "VALID",
             dimension_numbers=("HNCW", "HIWO", "CWNH")),
    conv_row("2-D feature groups", (2, 4, 5, 5), (6, 2, 3, 3), (1, 1), "SAME",
             feature_group_count=2),
    conv_row("2-D depthwise", (1, 3, 5, 4), (3, 1, 2, 2), (2, 1), "VALID", feature_group_count=3),
    conv_row("2-D batch groups", (4, 3, 5, 4), (4, 3, 2, 2), (1, 1), "VALID",
             batch_group_count=2),
    conv_row("1-D", (2, 3, 9), (2, 3, 3), (2,), [(1, 2)]),
    conv_row("1-D transposed (lhs dilation)", (2, 2, 5), (3, 2, 3), (1,), [(2, 2)],
             lhs_dilation=(3,)),
    conv_row("1-D grouped and dilated", (1, 4, 9), (4, 2, 2), (1,), "SAME", rhs_dilation=(3,),
             feature_group_count=2),
    conv_row("3-D", (1, 2, 4, 5, 3), (2, 2, 2, 3, 2), (1, 2, 1), "SAME"),
    conv_row("3-D NDHWC", (1, 4, 3, 4, 2), (2, 2, 2, 2, 3), (2, 1, 1), "VALID",
             dimension_numbers=("NDHWC", "DHWIO", "NDHWC")),
]

OPS = CONVS + [
    Op("lax.conv", lambda x, k: lax.conv(x, k, (1, 2), "SAME"),
       lambda x, k: conv_reference(x, k, (1, 2), [(1, 1), (0, 1)], (1, 1), (1, 1),
                                   _dims(x.shape, k.shape, None)),
       (Arg((2, 3, 5, 6)), Arg((2, 3, 3, 2))), diff=(0, 1), rtol=1e-4, atol=1e-5),
    Op("lax.conv_with_general_padding",
       lambda x, k: lax.conv_with_general_padding(x, k, (1, 1), [(0, 1), (1, 0)], (2, 1), (1, 2)),
       lambda x, k: conv_reference(x, k, (1, 1), [(0, 1), (1, 0)], (2, 1), (1, 2),
                                   _dims(x.shape, k.shape, None)),
       (Arg((1, 2, 4, 5)), Arg((3, 2, 2, 2))), diff=(0, 1), rtol=1e-4, atol=1e-5),
    Op("lax.conv_transpose", lambda x, k: lax.conv_transpose(x, k, (2, 2), "SAME"),
       lambda x, k: conv_reference(x, k, (1, 1), [(2, 1), (1, 1)], (2, 2), (1, 1),
                                   _dims(x.shape, k.shape, NHWC)),
       (Arg((2, 4, 3, 3)), Arg((3, 2, 3, 2))), diff=(0, 1), rtol=1e-4, atol=1e-5),
    Op("lax.conv_general_dilated_patches",
       lambda x: lax.conv_general_dilated_patches(x, (2, 2), (1, 1), "VALID"), None,
       (Arg((2, 3, 4, 4)),), diff=(0,)),
    Op("lax.conv_general_dilated_local",
       lambda x, k: lax.conv_general_dilated_local(x, k, (1, 1), "VALID", (2, 2)), None,
       (Arg((2, 3, 4, 4)), Arg((2, 12, 3, 3))), diff=(0, 1)),
]

for mode in ("full", "same", "valid"):
    OPS += [
        Op(f"jnp.convolve {mode}", lambda a, v, mode=mode: jnp.convolve(a, v, mode=mode),
           lambda a, v, mode=mode: np.convolve(a, v, mode=mode), (Arg((7,)), Arg((3,))),
           diff=(0, 1), rtol=1e-5, atol=1e-5),
        Op(f"jnp.convolve {mode} (short first)",
           lambda a, v, mode=mode: jnp.convolve(a, v, mode=mode),
           lambda a, v, mode=mode: np.convolve(a, v, mode=mode), (Arg((2,)), Arg((5,))),
           diff=(0, 1), rtol=1e-5, atol=1e-5),
        Op(f"jnp.correlate {mode}", lambda a, v, mode=mode: jnp.correlate(a, v, mode=mode),
           lambda a, v, mode=mode: np.correlate(a, v, mode=mode), (Arg((6,)), Arg((4,))),
           diff=(0, 1), rtol=1e-5, atol=1e-5),
        Op(f"jnp.correlate {mode} (short first)",
           lambda a, v, mode=mode: jnp.correlate(a, v, mode=mode),
           lambda a, v, mode=mode: np.correlate(a, v, mode=mode), (Arg((3,)), Arg((5,))),
           diff=(0, 1), rtol=1e-5, atol=1e-5),
    ]
OPS.append(Op("jnp.convolve int", jnp.convolve, lambda a, v: np.convolve(a, v).astype(np.float32),
              (Arg((5,), "int32", "int", -5, 5), Arg((3,), "int32", "int", -5, 5))))


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)


@pytest.mark.parametrize("op", CONVS, ids=op_id)
@pytest.mark.parametrize("in_axes", [(0, None), (None, 1), (2, 0)], ids=str)
def test_conv_vmap_one_operand_at_a_time(op, in_axes):
    """vmap over the input only, the kernel only, or both (at other axes) == a loop."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=op.args[0].shape).astype(np.float32)
    k = rng.normal(size=op.args[1].shape).astype(np.float32)
    batched = []
    for a, axis in zip((x, k), in_axes):
        batched.append(a if axis is None else
                       np.stack([a * (i + 1) for i in range(3)], axis=axis))
    got = jaxlite.vmap(op.fn, in_axes=in_axes)(*batched)
    for i in range(3):
        lane = [a if axis is None else np.take(a, i, axis=axis)
                for a, axis in zip(batched, in_axes)]
        np.testing.assert_allclose(got[i], op.fn(*lane), rtol=1e-4, atol=1e-5)


def test_grouped_strided_conv_gradients_vs_finite_differences():
    """grad of a nonlinear function of a strided, padded, grouped conv, both operands."""
    x = jnp.arange(2 * 4 * 3 * 3, dtype=jnp.float32).reshape(2, 4, 3, 3) / 10
    k = jnp.arange(4 * 2 * 2 * 2, dtype=jnp.float32).reshape(4, 2, 2, 2) / 10
    f = lambda x, k: (lax.conv_general_dilated(x, k, (2, 1), [(1, 0), (0, 1)],
                                              feature_group_count=2) ** 2).sum()
    gx, gk = jaxlite.grad(f, argnums=(0, 1))(x, k)
    with jaxlite.enable_x64():
        x64, k64 = np.asarray(x, np.float64), np.asarray(k, np.float64)
        eps = 1e-6
        for g, arg in ((gx, 0), (gk, 1)):
            direction = np.random.default_rng(arg).normal(size=(x64, k64)[arg].shape)
            plus = [x64, k64]
            minus = [x64, k64]
            plus[arg] = plus[arg] + eps * direction
            minus[arg] = minus[arg] - eps * direction
            fd = (float(f(*map(jnp.asarray, plus))) - float(f(*map(jnp.asarray, minus)))) / (2 * eps)
            np.testing.assert_allclose(np.sum(np.asarray(g) * direction), fd, rtol=1e-4)


def test_conv_errors():
    with pytest.raises(ValueError, match="feature_group_count"):
        lax.conv_general_dilated(jnp.ones((1, 3, 4, 4)), jnp.ones((2, 3, 2, 2)), (1, 1), "VALID",
                                 feature_group_count=2)
    with pytest.raises(TypeError, match="dimension_numbers"):
        lax.conv_general_dilated(jnp.ones((1, 3, 4, 4)), jnp.ones((2, 3, 2, 2)), (1, 1), "VALID",
                                 dimension_numbers=("NCHW", "OIHW"))
    with pytest.raises(ValueError, match="String padding"):
        lax.conv_general_dilated(jnp.ones((1, 3, 4, 4)), jnp.ones((2, 3, 2, 2)), (1, 1), "SAME",
                                 lhs_dilation=(2, 2))
    with pytest.raises(ValueError, match="1-dimensional"):
        jnp.convolve(jnp.ones((2, 2)), jnp.ones(2))
    with pytest.raises(ValueError, match="mode"):
        jnp.correlate(jnp.ones(3), jnp.ones(2), mode="nope")



@pytest.mark.parametrize("int_type", [int, np.int32, np.int64, np.uint32])
def test_shape_helpers_return_python_ints(int_type):
    # Whatever integers the shapes hold: a NumPy integer type would make np.array(shape)
    # and shape arithmetic depend on it (np.intp is int32 on wasm32).
    def ints(*values):
        return tuple(int_type(v) for v in values)
    dn = ("NHWC", "HWIO", "NHWC")
    results = {
        "conv_shape_tuple": lax.conv_shape_tuple(ints(2, 3, 9, 8), ints(5, 3, 3, 2), ints(2, 2),
                                                 "SAME"),
        "conv_general_shape_tuple": lax.conv_general_shape_tuple(
            ints(2, 9, 8, 3), ints(3, 2, 3, 5), ints(2, 1), "SAME", dn),
        "conv_transpose_shape_tuple": lax.conv_transpose_shape_tuple(
            ints(2, 9, 8, 3), ints(3, 2, 3, 5), ints(2, 1), "SAME", dn),
        "padtype_to_pads": [p for pair in lax.padtype_to_pads(ints(9, 8), ints(3, 2),
                                                              ints(2, 3), "SAME_LOWER")
                            for p in pair],
        "reduce_window_shape_tuple": lax.reduce_window_shape_tuple(
            ints(9, 8), ints(3, 2), ints(2, 3), (ints(1, 0), ints(2, 2)), ints(2, 1),
            ints(1, 3)),
    }
    for name, dims in results.items():
        assert all(type(d) is int for d in dims), (name, [type(d) for d in dims])
    assert results["conv_shape_tuple"] == (2, 5, 5, 4)
    assert results["conv_general_shape_tuple"] == (2, 5, 8, 5)
    assert results["conv_transpose_shape_tuple"] == (2, 18, 8, 5)
    assert results["padtype_to_pads"] == [1, 1, 0, 0]
    assert results["reduce_window_shape_tuple"] == (8, 3)

def test_conv_dimension_numbers_and_shapes():
    dn = lax.conv_dimension_numbers((1, 8, 8, 3), (3, 3, 3, 16), ("NHWC", "HWIO", "NHWC"))
    assert dn == lax.ConvDimensionNumbers((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2))
    assert lax.conv_general_permutations(("NCHW", "OIHW", "NCHW")) == (
        (0, 1, 2, 3), (0, 1, 2, 3), (0, 1, 2, 3))
    assert lax.conv_shape_tuple((2, 3, 9, 8), (5, 3, 3, 2), (2, 2), "SAME") == (2, 5, 5, 4)
    out = lax.conv_general_dilated(jnp.ones((2, 9, 8, 3)), jnp.ones((3, 2, 3, 5)), (2, 1),
                                   "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    assert out.shape == lax.conv_general_shape_tuple((2, 9, 8, 3), (3, 2, 3, 5), (2, 1), "SAME",
                                                     ("NHWC", "HWIO", "NHWC"))
    transposed = lax.conv_transpose(jnp.ones((2, 9, 8, 3)), jnp.ones((3, 2, 3, 5)), (2, 1),
                                    "SAME")
    assert transposed.shape == lax.conv_transpose_shape_tuple(
        (2, 9, 8, 3), (3, 2, 3, 5), (2, 1), "SAME", ("NHWC", "HWIO", "NHWC"))
    spec = ("NCH", "OIH", "NCH")
    assert isinstance(spec, lax.ConvGeneralDilatedDimensionNumbers)
    assert isinstance(dn, lax.ConvGeneralDilatedDimensionNumbers)
    assert lax.conv_general_dilated(jnp.ones((1, 2, 5)), jnp.ones((3, 2, 2)), (1,), "VALID",
                                    dimension_numbers=spec).shape == (1, 3, 4)


# ---- a small CNN: conv -> relu -> max-pool -> dense ------------------------------------------
def _cnn_params(rng, dtype=np.float32):
    return {"conv": (rng.normal(size=(4, 1, 3, 3)) * 0.5).astype(dtype),
            "bias": (rng.normal(size=(4,)) * 0.1).astype(dtype),
            "dense": (rng.normal(size=(4 * 4 * 4, 3)) * 0.3).astype(dtype)}


def _cnn_loss(params, images, labels):
    h = lax.conv_general_dilated(images, params["conv"], (1, 1), "SAME")
    h = jnp.maximum(h + params["bias"][None, :, None, None], 0.0)
    h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
    logits = h.reshape(h.shape[0], -1) @ params["dense"]
    logits = logits - jnp.max(logits, axis=1, keepdims=True)
    log_probs = logits - jnp.log(jnp.sum(jnp.exp(logits), axis=1, keepdims=True))
    return -jnp.mean(jnp.take_along_axis(log_probs, labels[:, None], axis=1))


def test_cnn_value_and_grad_under_jit_matches_finite_differences():
    rng = np.random.default_rng(0)
    params = _cnn_params(rng)
    images = rng.normal(size=(4, 1, 8, 8)).astype(np.float32)
    labels = np.array([0, 2, 1, 2], np.int32)
    step = jaxlite.jit(jaxlite.value_and_grad(_cnn_loss))
    loss, grads = step(params, images, labels)
    eager_loss, eager_grads = jaxlite.value_and_grad(_cnn_loss)(params, images, labels)
    np.testing.assert_allclose(loss, eager_loss, rtol=1e-6)
    for name in params:
        assert grads[name].shape == params[name].shape
        np.testing.assert_allclose(grads[name], eager_grads[name], rtol=1e-5, atol=1e-7)
    with jaxlite.enable_x64():
        p64 = {k: v.astype(np.float64) for k, v in params.items()}
        x64 = images.astype(np.float64)
        loss_fn = lambda p: float(_cnn_loss(p, x64, labels))
        eps = 1e-6
        for name in params:
            direction = rng.normal(size=params[name].shape)
            plus = dict(p64, **{name: p64[name] + eps * direction})
            minus = dict(p64, **{name: p64[name] - eps * direction})
            fd = (loss_fn(plus) - loss_fn(minus)) / (2 * eps)
            np.testing.assert_allclose(np.sum(np.asarray(grads[name]) * direction), fd,
                                       rtol=1e-3, atol=1e-6, err_msg=name)
    # One step of gradient descent lowers the loss.
    new = {k: params[k] - 0.05 * np.asarray(grads[k]) for k in params}
    assert float(step(new, images, labels)[0]) < float(loss)


def test_cnn_per_example_gradients_with_vmap():
    rng = np.random.default_rng(1)
    params = _cnn_params(rng)
    images = rng.normal(size=(4, 1, 8, 8)).astype(np.float32)
    labels = np.array([0, 2, 1, 2], np.int32)
    per_example = jaxlite.jit(jaxlite.vmap(
        jaxlite.grad(lambda p, x, y: _cnn_loss(p, x[None], y[None])), in_axes=(None, 0, 0)))
    grads = per_example(params, images, labels)
    for i in range(4):
        g = jaxlite.grad(_cnn_loss)(params, images[i:i + 1], labels[i:i + 1])
        for name in params:
            np.testing.assert_allclose(grads[name][i], g[name], rtol=1e-5, atol=1e-6)


# ---- im2col's strategies and layouts -----------------------------------------------------------
from jaxlite._src.prims import conv as _conv  # noqa: E402

IM2COL_CASES = [  # lhs shape, rhs shape, specs, strides, padding, lhs dil., rhs dil., fg, bg
    ((2, 9, 8, 3), (3, 2, 3, 4), ("NHWC", "HWIO", "NHWC"), (1, 1), "VALID", None, None, 1, 1),
    ((2, 9, 8, 3), (3, 2, 3, 4), ("NHWC", "HWIO", "NCHW"), (2, 1), "SAME", None, None, 1, 1),
    ((2, 3, 9, 8), (4, 3, 3, 2), ("NCHW", "OIHW", "NHWC"), (1, 2), [(1, -1), (2, 0)], (1, 2),
     (2, 1), 1, 1),
    ((2, 9, 8, 4), (2, 3, 2, 6), ("NHWC", "HWIO", "NHWC"), (1, 1), "SAME", None, (1, 2), 2, 1),
    ((4, 9, 8, 3), (2, 3, 3, 6), ("NHWC", "HWIO", "NHWC"), (2, 1), "VALID", (2, 1), None, 1, 2),
    ((2, 5, 5, 3), (4, 4, 3, 2), ("NHWC", "HWIO", "NHWC"), (1, 1), "VALID", None, None, 1, 1),
    ((3, 6, 5, 2), (5, 4, 2, 3), ("NHWC", "HWIO", "NHWC"), (1, 1), [(1, 0), (0, 1)], None,
     None, 1, 1),  # a kernel larger than the output: one slice per output position
    ((2, 3, 5, 6), (2, 3, 4, 5), ("NCHW", "OIHW", "NCHW"), (1, 1), "VALID", None, None, 1, 1),
    ((2, 7, 3), (3, 3, 5), ("NWC", "WIO", "NWC"), (2,), "SAME", None, (2,), 1, 1),
    ((1, 2, 4, 5, 4), (3, 2, 2, 2, 3), ("NCDHW", "OIDHW", "NCDHW"), (1, 2, 1), "SAME", None,
     None, 1, 1),
]


@pytest.mark.parametrize("one_copy", [False, True])
@pytest.mark.parametrize("case", IM2COL_CASES, ids=str)
def test_im2col_strategies_match_the_reference(case, one_copy, monkeypatch):
    lhs_shape, rhs_shape, specs, strides, padding, lhs_dil, rhs_dil, fg, bg = case
    if one_copy:  # the whole window view in one copy instead of slice by slice
        monkeypatch.setattr(_conv, "_IM2COL_MAX_SLICES", 0)
    rng = np.random.default_rng(sum(lhs_shape))
    lhs = rng.normal(size=lhs_shape)
    rhs = rng.normal(size=rhs_shape)
    dn = _dims(lhs_shape, rhs_shape, specs)
    pads = _pads(lhs_shape, rhs_shape, strides, padding, rhs_dil, dn)
    nd = len(strides)
    got = _conv._conv_impl(lhs, rhs, tuple(strides), tuple(pads), lhs_dil or (1,) * nd,
                           rhs_dil or (1,) * nd, dn, fg, bg, None)
    want = conv_reference(lhs, rhs, strides, pads, lhs_dil or (1,) * nd, rhs_dil or (1,) * nd,
                          dn, fg, bg)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    # the same with the operands in other memory layouts (views): values never depend on it
    got = _conv._conv_impl(np.asfortranarray(lhs), rhs[::-1].copy()[::-1], tuple(strides),
                           tuple(pads), lhs_dil or (1,) * nd, rhs_dil or (1,) * nd, dn, fg, bg,
                           None)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("out_layout", ["NCHW", "NHWC", "HWNC"])
def test_results_are_c_order_in_every_output_layout(out_layout):
    # The implementation promises new C-order arrays (the compiler reuses them in place).
    from jaxlite._src.prims.conv import conv_general_dilated_p  # noqa: PLC0415
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 9, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 2)).astype(np.float32)
    dn = lax.conv_dimension_numbers(x.shape, w.shape, ("NCHW", "OIHW", out_layout))
    out = conv_general_dilated_p.impl(
        x, w, window_strides=(1, 1), padding=((1, 0), (0, 1)), lhs_dilation=(1, 1),
        rhs_dilation=(1, 1), dimension_numbers=dn, feature_group_count=1,
        batch_group_count=1, preferred_element_type=None)
    assert out.flags.c_contiguous
    want = lax.conv_general_dilated(x, w, (1, 1), ((1, 0), (0, 1)),
                                    dimension_numbers=("NCHW", "OIHW", "NCHW"))
    perm = tuple("NCHW".index(c) for c in out_layout)
    np.testing.assert_array_equal(out, np.transpose(np.asarray(want), perm))
