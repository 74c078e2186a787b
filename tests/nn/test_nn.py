"""jax.nn: one op-table row per function (values against NumPy/SciPy formulas, jit, vmap,
JVP/VJP against finite differences), gradient conventions at kinks, and the
initializers (shapes, dtypes, statistics; bit-exact values are in the sampler goldens)."""
import numpy as np
import pytest
import scipy.special as sc

import jaxlite
import jaxlite.numpy as jnp
import jaxlite.random as random
from jaxlite import nn
from jaxlite.nn import initializers

from op_table import Op, Arg, check_op, op_id


def _np_softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _np_gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def _np_attention(q, k, v, causal=False):
    logits = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(q.shape[-1])
    if causal:
        t, s = logits.shape[-2:]
        logits = np.where(np.tril(np.ones((t, s), bool)), logits, -0.7 * np.finfo(np.float32).max)
    return np.einsum("bnts,bsnh->btnh", _np_softmax(logits), v)


# Away from kinks, so finite differences are meaningful.
F = Arg((3, 4), gen=lambda rng: np.sign(u := rng.uniform(-3, 3, (3, 4))) * (np.abs(u) + 0.1),
        kind="custom")
SELU = (1.0507009873554804934193349852946, 1.6732632423543772848170429916717)
OPS = [
    Op("nn.relu", nn.relu, lambda x: np.maximum(x, 0), (F,), diff=(0,)),
    Op("nn.relu6", nn.relu6, lambda x: np.clip(x, 0, 6), (Arg((3, 4), low=-3, high=8),),
       diff=(0,)),
    Op("nn.sigmoid", nn.sigmoid, sc.expit, (F,), diff=(0,)),
    Op("nn.softplus", nn.softplus, lambda x: np.logaddexp(x, 0), (F,), diff=(0,)),
    Op("nn.soft_sign", nn.soft_sign, lambda x: x / (np.abs(x) + 1), (F,), diff=(0,)),
    Op("nn.silu", nn.silu, lambda x: x * sc.expit(x), (F,), diff=(0,)),
    Op("nn.swish", nn.swish, lambda x: x * sc.expit(x), (F,), diff=(0,)),
    Op("nn.log_sigmoid", nn.log_sigmoid, lambda x: -np.logaddexp(-x, 0), (F,), diff=(0,)),
    Op("nn.elu", nn.elu, lambda x: np.where(x > 0, x, np.expm1(x)), (F,), diff=(0,)),
    Op("nn.elu(alpha)", lambda x: nn.elu(x, 0.3), lambda x: np.where(x > 0, x, 0.3 * np.expm1(x)),
       (F,), diff=(0,)),
    Op("nn.selu", nn.selu, lambda x: SELU[0] * np.where(x > 0, x, SELU[1] * np.expm1(x)), (F,),
       diff=(0,)),
    Op("nn.celu", nn.celu,
       lambda x, alpha: np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0) / alpha),
       (F,), {"alpha": 2.0}, diff=(0,)),
    Op("nn.leaky_relu", nn.leaky_relu, lambda x: np.where(x >= 0, x, 0.01 * x), (F,), diff=(0,)),
    Op("nn.hard_tanh", nn.hard_tanh, lambda x: np.clip(x, -1, 1), (F,), diff=(0,)),
    Op("nn.hard_sigmoid", nn.hard_sigmoid, lambda x: np.clip(x + 3, 0, 6) / 6, (F,), diff=(0,)),
    Op("nn.hard_silu", nn.hard_silu, lambda x: x * np.clip(x + 3, 0, 6) / 6, (F,), diff=(0,)),
    Op("nn.hard_swish", nn.hard_swish, lambda x: x * np.clip(x + 3, 0, 6) / 6, (F,), diff=(0,)),
    Op("nn.mish", nn.mish, lambda x: x * np.tanh(np.logaddexp(x, 0)), (F,), diff=(0,)),
    Op("nn.sparse_plus", nn.sparse_plus,
       lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)), (F,), diff=(0,)),
    Op("nn.sparse_sigmoid", nn.sparse_sigmoid, lambda x: 0.5 * np.clip(x + 1, 0, 2), (F,),
       diff=(0,)),
    Op("nn.squareplus", nn.squareplus, lambda x: (x + np.sqrt(x * x + 4)) / 2, (F,), diff=(0,)),
    Op("nn.identity", nn.identity, lambda x: x, (F,), diff=(0,)),
    Op("nn.tanh", nn.tanh, np.tanh, (F,), diff=(0,)),
    Op("nn.gelu", nn.gelu, _np_gelu_tanh, (F,), diff=(0,)),
    Op("nn.gelu(exact)", lambda x: nn.gelu(x, approximate=False),
       lambda x: 0.5 * x * sc.erfc(-x / np.sqrt(2)), (F,), diff=(0,)),
    Op("nn.glu", nn.glu, lambda x: x[:, :2] * sc.expit(x[:, 2:]), (F,), diff=(0,)),
    Op("nn.log1mexp", nn.log1mexp, lambda x: np.log(-np.expm1(-x)),
       (Arg((3, 4), kind="positive", low=0.05, high=5),), diff=(0,)),
    Op("nn.softmax", nn.softmax, _np_softmax, (F,), diff=(0,)),
    Op("nn.softmax(axis=0)", lambda x: nn.softmax(x, axis=0), lambda x: _np_softmax(x, 0), (F,),
       diff=(0,)),
    Op("nn.log_softmax", nn.log_softmax, lambda x: np.log(_np_softmax(x)), (F,), diff=(0,)),
    Op("nn.logsumexp", lambda x: nn.logsumexp(x, axis=1), lambda x: sc.logsumexp(x, axis=1),
       (F,), diff=(0,)),
    Op("nn.logmeanexp", lambda x: nn.logmeanexp(x, axis=0),
       lambda x: sc.logsumexp(x, axis=0) - np.log(x.shape[0]), (F,), diff=(0,)),
    Op("nn.standardize", nn.standardize,
       lambda x: (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5),
       (F,), diff=(0,), rtol=1e-4, atol=1e-5),
    Op("nn.one_hot", lambda x: nn.one_hot(x, 5), lambda x: np.eye(5, dtype=np.float32)[x],
       (Arg((3, 4), kind="int", low=0, high=5, dtype="int32"),)),
    # (attention and scaled_dot_general compute in float32 even under x64, as JAX does,
    # so finite differences cannot check them; their gradients are in the JAX goldens.)
    Op("nn.dot_product_attention", nn.dot_product_attention, _np_attention,
       (Arg((2, 3, 2, 4)), Arg((2, 5, 2, 4)), Arg((2, 5, 2, 4))), rtol=1e-5),
    Op("nn.dot_product_attention(causal)",
       lambda q, k, v: nn.dot_product_attention(q, k, v, is_causal=True),
       lambda q, k, v: _np_attention(q, k, v, causal=True),
       (Arg((2, 4, 2, 4)), Arg((2, 4, 2, 4)), Arg((2, 4, 2, 4))), rtol=1e-5),
    Op("nn.scaled_dot_general",
       lambda a, b: nn.scaled_dot_general(a, b, (((1,), (0,)), ((), ()))),
       lambda a, b: a @ b, (Arg((3, 4)), Arg((4, 2)))),
]


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)


def test_derivatives_at_kinks_follow_jax():
    g = lambda f, x: float(jaxlite.grad(f)(x))  # noqa: E731
    assert g(nn.relu, 0.0) == 0.0
    assert g(nn.relu6, 0.0) == 0.0 and g(nn.relu6, 6.0) == 0.0
    assert g(nn.leaky_relu, 0.0) == 1.0
    assert g(nn.hard_tanh, 1.0) == 1.0
    assert g(nn.softplus, 0.0) == 0.5
    assert g(nn.celu, 0.0) == 1.0
    # relu keeps NaN, and its gradient under jit is the same.
    assert np.isnan(nn.relu(jnp.nan))
    assert float(jaxlite.jit(jaxlite.grad(nn.relu))(0.0)) == 0.0


def test_masked_softmax_gradients_are_finite():
    x = jnp.array([[1.0, -jnp.inf, 2.0], [0.5, 0.0, -1.0]])
    where = jnp.array([[True, False, True], [True, True, False]])
    g = jaxlite.grad(lambda x: jnp.sum(nn.softmax(x, where=where) ** 2))(x)
    assert np.all(np.isfinite(np.asarray(g)))
    np.testing.assert_array_equal(np.asarray(nn.softmax(x, where=where))[~np.asarray(where)], 0)


def test_one_hot_and_attention_errors():
    with pytest.raises(ValueError, match="axis"):
        nn.one_hot(jnp.arange(3), 4, axis=3)
    with pytest.raises(ValueError, match="multiple"):
        nn.dot_product_attention(jnp.ones((1, 2, 3, 4)), jnp.ones((1, 2, 2, 4)),
                                 jnp.ones((1, 2, 2, 4)))
    with pytest.raises(ValueError, match="Unsupported implementation"):
        nn.dot_product_attention(jnp.ones((1, 2, 2, 4)), jnp.ones((1, 2, 2, 4)),
                                 jnp.ones((1, 2, 2, 4)), implementation="cudnn")
    with pytest.raises(TypeError):
        nn.sigmoid(1)


# (name, initializer, expected (mean, std) of a (256, 128) draw, or None)
FAN_IN, FAN_OUT = 256, 128
INITIALIZERS = [
    ("zeros", initializers.zeros, None),
    ("ones", initializers.ones, None),
    ("constant", initializers.constant(0.5), None),
    ("uniform", initializers.uniform(2.0), (1.0, 2 / np.sqrt(12))),
    ("normal", initializers.normal(0.5), (0.0, 0.5)),
    ("truncated_normal", initializers.truncated_normal(0.5), (0.0, 0.5 * 0.87962566)),
    ("glorot_uniform", initializers.glorot_uniform(), (0.0, np.sqrt(2 / (FAN_IN + FAN_OUT)))),
    ("glorot_normal", initializers.glorot_normal(), (0.0, np.sqrt(2 / (FAN_IN + FAN_OUT)))),
    ("xavier_uniform", initializers.xavier_uniform(), (0.0, np.sqrt(2 / (FAN_IN + FAN_OUT)))),
    ("xavier_normal", initializers.xavier_normal(), (0.0, np.sqrt(2 / (FAN_IN + FAN_OUT)))),
    ("lecun_uniform", initializers.lecun_uniform(), (0.0, np.sqrt(1 / FAN_IN))),
    ("lecun_normal", initializers.lecun_normal(), (0.0, np.sqrt(1 / FAN_IN))),
    ("he_uniform", initializers.he_uniform(), (0.0, np.sqrt(2 / FAN_IN))),
    ("he_normal", initializers.he_normal(), (0.0, np.sqrt(2 / FAN_IN))),
    ("kaiming_uniform", initializers.kaiming_uniform(), (0.0, np.sqrt(2 / FAN_IN))),
    ("kaiming_normal", initializers.kaiming_normal(), (0.0, np.sqrt(2 / FAN_IN))),
    ("variance_scaling", initializers.variance_scaling(3.0, "fan_geo_avg", "normal"),
     (0.0, np.sqrt(3 / np.sqrt(FAN_IN * FAN_OUT)))),
    ("orthogonal", initializers.orthogonal(), (0.0, np.sqrt(1 / FAN_IN))),
]


@pytest.mark.parametrize("name,init,moments", INITIALIZERS, ids=[i[0] for i in INITIALIZERS])
def test_initializers(name, init, moments):
    key = random.key(0)
    w = init(key, (FAN_IN, FAN_OUT))
    assert w.shape == (FAN_IN, FAN_OUT) and w.dtype == np.float32
    if name != "orthogonal":  # (JAX's QR has no float16 either)
        assert init(key, (4, 3), jnp.float16).dtype == np.float16
    if moments is not None:
        mean, std = moments
        w = np.asarray(w, np.float64)
        assert abs(w.mean() - mean) < 0.05 * max(std, 0.1)
        assert abs(w.std() - std) < 0.05 * std
    # Jittable with the shape static, and deterministic in the key.
    jitted = jaxlite.jit(lambda k: init(k, (8, 4)))
    np.testing.assert_allclose(jitted(key), init(key, (8, 4)), rtol=1e-6, atol=1e-7)


def test_orthogonal_initializers_are_orthogonal():
    key = random.key(1)
    w = np.asarray(initializers.orthogonal(scale=2.0)(key, (6, 4)), np.float64)
    np.testing.assert_allclose(w.T @ w, 4 * np.eye(4), atol=1e-5)
    w = np.asarray(initializers.orthogonal(column_axis=0)(key, (3, 5)), np.float64)
    np.testing.assert_allclose(w @ w.T, np.eye(3), atol=1e-5)
    d = np.asarray(initializers.delta_orthogonal()(key, (3, 3, 4, 4)), np.float64)
    centre = d[1, 1]
    np.testing.assert_allclose(centre.T @ centre, np.eye(4), atol=1e-5)
    assert np.all(d[0] == 0) and np.all(d[:, 0] == 0)
    with pytest.raises(ValueError):
        initializers.delta_orthogonal()(key, (3, 3))


def test_initializer_protocol():
    # Every initializer is called as init(key, shape, dtype=None).
    for init in (initializers.zeros, initializers.lecun_normal(), initializers.constant(1.0)):
        assert isinstance(init, initializers.Initializer) or callable(init)
    assert issubclass(initializers.Initializer, object)


def test_variance_scaling_fans_and_errors():
    init = initializers.variance_scaling(1.0, "fan_in", "truncated_normal", in_axis=(0, 1),
                                         out_axis=2)
    w = init(random.key(0), (3, 3, 16))
    assert w.shape == (3, 3, 16)
    with pytest.raises(ValueError, match="mode"):
        initializers.variance_scaling(1.0, "fan_x", "normal")(random.key(0), (2, 2))
    with pytest.raises(ValueError, match="distribution"):
        initializers.variance_scaling(1.0, "fan_in", "cauchy")(random.key(0), (2, 2))
    with pytest.raises(ValueError, match="2D"):
        initializers.glorot_uniform()(random.key(0), (5,))


def test_constant_initializers_take_an_int_shape_as_jax():
    # JAX: [0. 0. 0.], [1. 1.], [2. 2.] (flax passes a bias shape as an int)
    np.testing.assert_array_equal(initializers.zeros(None, 3), np.zeros(3, np.float32))
    np.testing.assert_array_equal(initializers.ones(None, 2), np.ones(2, np.float32))
    np.testing.assert_array_equal(initializers.constant(2.0)(None, 2), [2.0, 2.0])
