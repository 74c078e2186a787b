"""jax.example_libraries.stax: networks match JAX's (parameters bit for bit, outputs to
float32 rounding), each layer's shapes and conventions, and a stax network trains
under jit and grad."""
import json
import os

import numpy as np
import pytest

import example_libraries_cases
import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax, random
from jaxlite.example_libraries import optimizers, stax
from op_table import assert_close, decode_golden

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "data", "example_libraries_golden.json")
with open(GOLDEN) as _f:
    _GOLDEN = json.load(_f)["cases"]


def _run_case(name):
    got = jaxlite.tree_util.tree_leaves(
        example_libraries_cases.CASES[name](jaxlite, jnp, lax))
    return got, [decode_golden(entry) for entry in _GOLDEN[name]]


@pytest.mark.parametrize("name", sorted(n for n in example_libraries_cases.CASES
                                        if n.endswith("_init")))
def test_init_matches_jax_bit_for_bit(name):
    got, want = _run_case(name)
    assert len(got) == len(want), name
    for g, w in zip(got, want):
        g = np.asarray(g)
        assert g.dtype == w.dtype and g.shape == w.shape, name
        np.testing.assert_array_equal(g, w, err_msg=name)


@pytest.mark.parametrize("name", sorted(n for n in example_libraries_cases.CASES
                                        if n.endswith("_apply")))
def test_apply_matches_jax(name):
    # float32: convolutions and matmuls sum in another order than XLA's.
    got, want = _run_case(name)
    assert_close(got, want, 2e-5, 2e-6, name)


def test_lazy_public_modules():
    import jaxlite.example_libraries as example_libraries
    assert example_libraries.stax is stax
    assert example_libraries.optimizers is optimizers
    assert jaxlite.example_libraries is example_libraries
    assert {"stax", "optimizers"} <= set(dir(example_libraries))
    with pytest.raises(AttributeError):
        example_libraries.flax


def test_stax_names():
    for name in ["AvgPool", "BatchNorm", "Conv", "Conv1DTranspose", "ConvTranspose", "Dense",
                 "Dropout", "Elu", "Exp", "FanInConcat", "FanInSum", "FanOut", "Flatten",
                 "Gelu", "GeneralConv", "GeneralConvTranspose", "Identity", "LeakyRelu",
                 "LogSoftmax", "MaxPool", "Relu", "Selu", "Sigmoid", "Softmax", "Softplus",
                 "SumPool", "Tanh", "elementwise", "parallel", "serial", "shape_dependent",
                 "glorot", "glorot_normal", "randn", "normal", "ones", "zeros", "logsoftmax",
                 "relu", "softmax", "standardize"]:
        assert hasattr(stax, name), name
    assert stax.glorot is jaxlite.nn.initializers.glorot_normal
    assert stax.randn is jaxlite.nn.initializers.normal


def test_dense_default_initializers():
    init_fun, apply_fun = stax.Dense(3)
    key = random.PRNGKey(7)
    out_shape, (W, b) = init_fun(key, (2, 5, 4))
    assert out_shape == (2, 5, 3)
    k1, k2 = random.split(key)
    np.testing.assert_array_equal(W, jaxlite.nn.initializers.glorot_normal()(k1, (4, 3)))
    np.testing.assert_array_equal(b, jaxlite.nn.initializers.normal()(k2, (3,)))
    x = jnp.ones((2, 5, 4))
    np.testing.assert_allclose(apply_fun((W, b), x), np.ones((2, 5, 4)) @ W + b, rtol=1e-6)


@pytest.mark.parametrize("layer, in_shape, out_shape, param_shapes", [
    (stax.Conv(8, (3, 3)), (2, 9, 9, 3), (2, 7, 7, 8), [(3, 3, 3, 8), (1, 1, 1, 8)]),
    (stax.Conv(8, (3, 3), (2, 2), "SAME"), (2, 9, 9, 3), (2, 5, 5, 8),
     [(3, 3, 3, 8), (1, 1, 1, 8)]),
    (stax.GeneralConv(("NCHW", "OIHW", "NCHW"), 4, (2, 3)), (1, 3, 6, 6), (1, 4, 5, 4),
     [(4, 3, 2, 3), (1, 4, 1, 1)]),
    (stax.ConvTranspose(5, (3, 3), (2, 2)), (1, 4, 4, 2), (1, 9, 9, 5),
     [(3, 3, 2, 5), (1, 1, 1, 5)]),
    (stax.Conv1DTranspose(5, (3,), padding="SAME"), (1, 4, 2), (1, 4, 5), [(3, 2, 5), (1, 1, 5)]),
    (stax.BatchNorm(), (2, 4, 4, 3), (2, 4, 4, 3), [(3,), (3,)]),
    (stax.BatchNorm(axis=0, scale=False), (6, 3), (6, 3), [(3,)]),
    (stax.MaxPool((2, 2)), (1, 5, 5, 3), (1, 4, 4, 3), []),
    (stax.SumPool((2, 2), (2, 2), "SAME"), (1, 5, 5, 3), (1, 3, 3, 3), []),
    (stax.AvgPool((2, 2), spec="NCHW"), (1, 3, 5, 5), (1, 3, 4, 4), []),
    (stax.Flatten, (4, 2, 3, 5), (4, 30), []),
    (stax.Dropout(0.5), (4, 3), (4, 3), []),
])
def test_layer_shapes(layer, in_shape, out_shape, param_shapes):
    init_fun, apply_fun = layer
    got_shape, params = init_fun(random.PRNGKey(0), in_shape)
    assert tuple(got_shape) == out_shape
    assert [p.shape for p in jaxlite.tree_util.tree_leaves(params)] == param_shapes
    out = apply_fun(params, jnp.ones(in_shape), rng=random.PRNGKey(1))
    assert out.shape == out_shape


def test_pools_values():
    x = jnp.arange(16.).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(stax.MaxPool((2, 2), (2, 2))[1]((), x)[0, :, :, 0],
                                  [[5., 7.], [13., 15.]])
    np.testing.assert_array_equal(stax.SumPool((2, 2), (2, 2))[1]((), x)[0, :, :, 0],
                                  [[10., 18.], [42., 50.]])
    # SAME padding: the average is over the window's elements inside the input only.
    avg = stax.AvgPool((2, 2), (2, 2), "SAME")[1]((), jnp.ones((1, 3, 3, 1)))
    np.testing.assert_array_equal(avg, np.ones((1, 2, 2, 1)))


def test_batchnorm_normalizes_over_axes():
    init_fun, apply_fun = stax.BatchNorm(axis=(0,))
    _, params = init_fun(random.PRNGKey(0), (8, 3))
    x = random.normal(random.PRNGKey(1), (8, 3)) * 3 + 2
    y = apply_fun(params, x)
    np.testing.assert_allclose(jnp.mean(y, 0), 0, atol=1e-6)
    np.testing.assert_allclose(jnp.var(y, 0), 1, atol=1e-4)
    beta, gamma = jnp.array([1., 2., 3.]), jnp.array([2., 2., 2.])
    np.testing.assert_allclose(apply_fun((beta, gamma), x), 2 * y + beta, rtol=1e-5, atol=1e-5)


def test_elementwise_layers():
    x = jnp.array([[-1.0, 0.5, 2.0]])
    for layer, fn in [(stax.Relu, jaxlite.nn.relu), (stax.Tanh, jnp.tanh), (stax.Exp, jnp.exp),
                      (stax.Softplus, jaxlite.nn.softplus), (stax.Sigmoid, jaxlite.nn.sigmoid),
                      (stax.Elu, jaxlite.nn.elu), (stax.Selu, jaxlite.nn.selu),
                      (stax.Gelu, jaxlite.nn.gelu), (stax.LeakyRelu, jaxlite.nn.leaky_relu),
                      (stax.Softmax, jaxlite.nn.softmax),
                      (stax.LogSoftmax, jaxlite.nn.log_softmax), (stax.Identity, lambda v: v)]:
        init_fun, apply_fun = layer
        assert init_fun(random.PRNGKey(0), (1, 3)) == ((1, 3), ())
        np.testing.assert_array_equal(apply_fun((), x), fn(x))
    _, leaky = stax.elementwise(jaxlite.nn.leaky_relu, negative_slope=0.5)
    np.testing.assert_array_equal(leaky((), x), [[-0.5, 0.5, 2.0]])


def test_combinators():
    init_fun, apply_fun = stax.serial(stax.FanOut(3),
                                      stax.parallel(stax.Dense(2), stax.Dense(4), stax.Identity),
                                      stax.FanInConcat(axis=1))
    out_shape, params = init_fun(random.PRNGKey(0), (5, 3))
    assert out_shape == (5, 9)
    assert apply_fun(params, jnp.ones((5, 3))).shape == (5, 9)
    init_fun, apply_fun = stax.serial(stax.FanOut(2), stax.parallel(stax.Relu, stax.Identity),
                                      stax.FanInSum)
    out_shape, params = init_fun(random.PRNGKey(0), (2,))
    assert out_shape == (2,)
    np.testing.assert_array_equal(apply_fun(params, jnp.array([-1., 2.])), [-1., 4.])
    # parallel's init returns (shapes, params) pairs unzipped, as JAX's does
    shapes, params = stax.parallel(stax.Dense(2), stax.Relu)[0](random.PRNGKey(0),
                                                                [(1, 3), (1, 3)])
    assert shapes == ((1, 2), (1, 3)) and params[1] == ()
    # shape_dependent picks the layer from the input's shape at init and at apply
    init_fun, apply_fun = stax.shape_dependent(lambda shape: stax.Dense(shape[-1] * 2))
    out_shape, params = init_fun(random.PRNGKey(0), (1, 3))
    assert out_shape == (1, 6) and apply_fun(params, jnp.ones((1, 3))).shape == (1, 6)
    with pytest.raises(ValueError):   # as JAX: no layers to unpack
        stax.serial()


def test_serial_splits_keys_like_jax():
    init_fun, _ = stax.serial(stax.Dense(2), stax.Dense(2))
    _, params = init_fun(random.PRNGKey(0), (1, 2))
    rng, first = random.split(random.PRNGKey(0))
    _, second = random.split(rng)
    assert np.array_equal(params[0][0], stax.Dense(2)[0](first, (1, 2))[1][0])
    assert np.array_equal(params[1][0], stax.Dense(2)[0](second, (1, 2))[1][0])


def test_dropout():
    _, apply_fun = stax.Dropout(0.75)
    x = jnp.ones((1000,))
    y = apply_fun((), x, rng=random.PRNGKey(0))
    kept = np.asarray(y) != 0
    # `rate` is the keep probability in stax; kept values are scaled by 1/rate
    assert 0.7 < kept.mean() < 0.8
    np.testing.assert_allclose(np.asarray(y)[kept], 1 / 0.75, rtol=1e-6)
    np.testing.assert_array_equal(stax.Dropout(0.75, mode="test")[1]((), x, rng=random.PRNGKey(0)),
                                  x)
    with pytest.raises(ValueError, match="PRNG key"):
        apply_fun((), x)


def test_training_step_under_jit_and_grad():
    init_fun, apply_fun = stax.serial(stax.Conv(4, (3, 3), padding="SAME"), stax.Relu,
                                      stax.AvgPool((2, 2), (2, 2)), stax.Flatten,
                                      stax.Dense(16), stax.Relu, stax.Dense(3),
                                      stax.LogSoftmax)
    _, params = init_fun(random.PRNGKey(0), (-1, 6, 6, 1))
    classes = jnp.arange(12) % 3
    images = random.normal(random.PRNGKey(1), (12, 6, 6, 1)) + classes[:, None, None, None]
    labels = jaxlite.nn.one_hot(classes, 3)

    def loss(params, batch):
        inputs, targets = batch
        return -jnp.mean(jnp.sum(apply_fun(params, inputs) * targets, axis=1))

    opt_init, opt_update, get_params = optimizers.momentum(0.05, mass=0.9)

    @jaxlite.jit
    def update(i, opt_state, batch):
        params = get_params(opt_state)
        return opt_update(i, jaxlite.grad(loss)(params, batch), opt_state)

    opt_state = opt_init(params)
    first = float(loss(params, (images, labels)))
    for i in range(30):
        opt_state = update(i, opt_state, (images, labels))
    trained = get_params(opt_state)
    assert float(loss(trained, (images, labels))) < 0.5 * first
    # the jitted step computes what the eager one does
    eager = opt_update(0, jaxlite.grad(loss)(params, (images, labels)), opt_init(params))
    jitted = update(0, opt_init(params), (images, labels))
    for e, j in zip(jaxlite.tree_util.tree_leaves(eager), jaxlite.tree_util.tree_leaves(jitted)):
        np.testing.assert_allclose(e, j, rtol=1e-5, atol=1e-6)
