"""Networks built with jax.example_libraries.stax and optimizer trajectories from
jax.example_libraries.optimizers, to compare jaxlite with JAX.

Each case is a function of the modules (jax, jnp, lax) returning a pytree of arrays;
it reaches stax and optimizers through `jax` itself, so the same code runs on JAX and
on jaxlite. `/tmp/jaxref/bin/python tools/record_case_golden.py example_libraries`
stores JAX's results in tests/data/example_libraries_golden.json, and
tests/example_libraries/ compares: cases named `*_init` bit for bit (the parameters
come from the same keys through the same initializers), the others to float32
rounding. Nothing here imports JAX.
"""
import importlib

import numpy as np

RNG = np.random.default_rng(11)
IMAGES = RNG.normal(size=(4, 8, 8, 3)).astype(np.float32)      # NHWC
VECTORS = RNG.normal(size=(5, 6)).astype(np.float32)
SIGNAL = RNG.normal(size=(2, 5, 3)).astype(np.float32)          # NHC
TARGET = RNG.normal(size=(3, 2)).astype(np.float32)
STEPS = 5


def _libraries(jax):
    stax = importlib.import_module(jax.__name__ + ".example_libraries.stax")
    optimizers = importlib.import_module(jax.__name__ + ".example_libraries.optimizers")
    return stax, optimizers


def _shape(shape):
    """A layer's output shape as an array (a pytree leaf)."""
    return np.array([int(d) for d in shape], np.int64)


def _mlp(stax):
    return stax.serial(stax.Dense(16), stax.Relu, stax.Dense(8), stax.Tanh, stax.Dense(8),
                       stax.Elu, stax.Dense(8), stax.Gelu, stax.Dense(8), stax.Selu,
                       stax.Dense(8), stax.Softplus, stax.Dense(8), stax.Sigmoid,
                       stax.Dense(4), stax.LeakyRelu, stax.Dense(3), stax.LogSoftmax)


def _cnn(stax):
    residual = stax.serial(stax.FanOut(2),
                           stax.parallel(stax.serial(stax.Conv(4, (3, 3), padding="SAME"),
                                                     stax.BatchNorm(), stax.Relu),
                                         stax.Identity),
                           stax.FanInSum)
    return stax.serial(stax.Conv(4, (3, 3), (1, 1), padding="SAME"), stax.BatchNorm(),
                       stax.Relu, residual, stax.MaxPool((2, 2), strides=(2, 2)),
                       stax.AvgPool((3, 3), padding="SAME"), stax.SumPool((2, 2)),
                       stax.Flatten, stax.Dense(10), stax.LogSoftmax)


def _mixed(stax):
    """The remaining layers: GeneralConv (NCHW), ConvTranspose, FanInConcat,
    shape_dependent, BatchNorm without centering, Softmax, Exp."""
    branches = stax.parallel(stax.GeneralConv(("NHWC", "OIHW", "NHWC"), 2, (2, 2)),
                             stax.serial(stax.ConvTranspose(3, (2, 2), (1, 1)),
                                         stax.MaxPool((3, 3), (1, 1))))
    by_shape = stax.shape_dependent(lambda shape: stax.Dense(shape[-1] // 35))
    return stax.serial(stax.FanOut(2), branches, stax.FanInConcat(-1),
                       stax.BatchNorm(axis=(0, 1, 2), center=False), stax.Flatten, by_shape,
                       stax.Softmax, stax.Exp)


def _init_case(build, input_shape):
    def case(jax, jnp, lax):
        stax, _ = _libraries(jax)
        init_fun, _ = build(stax)
        out_shape, params = init_fun(jax.random.PRNGKey(0), input_shape)
        return [_shape(out_shape), params]
    return case


def _apply_case(build, input_shape, inputs):
    def case(jax, jnp, lax):
        stax, _ = _libraries(jax)
        init_fun, apply_fun = build(stax)
        _, params = init_fun(jax.random.PRNGKey(0), input_shape)
        return apply_fun(params, jnp.asarray(inputs))
    return case


def conv1d_transpose_init(jax, jnp, lax):
    stax, _ = _libraries(jax)
    init_fun, apply_fun = stax.Conv1DTranspose(4, (3,), (2,), padding="SAME")
    out_shape, params = init_fun(jax.random.PRNGKey(3), (-1, 5, 3))
    return [_shape(out_shape), params]


def conv1d_transpose_apply(jax, jnp, lax):
    stax, _ = _libraries(jax)
    init_fun, apply_fun = stax.Conv1DTranspose(4, (3,), (2,), padding="SAME")
    _, params = init_fun(jax.random.PRNGKey(3), (-1, 5, 3))
    return apply_fun(params, jnp.asarray(SIGNAL))


def dropout_apply(jax, jnp, lax):
    stax, _ = _libraries(jax)
    init_fun, apply_fun = stax.serial(stax.Dense(6), stax.Dropout(0.6), stax.Dense(2),
                                      stax.Dropout(0.9, mode="test"))
    _, params = init_fun(jax.random.PRNGKey(4), (-1, 6))
    return apply_fun(params, jnp.asarray(VECTORS), rng=jax.random.PRNGKey(5))


def _quadratic_loss(jnp):
    def loss(params):
        w, b = params["w"], params["b"]
        return jnp.sum((w * 2.0 - TARGET) ** 2) + jnp.sum(b ** 2) + 0.5 * jnp.sum(w * b[0])
    return loss


def _trajectory(make):
    def case(jax, jnp, lax):
        _, optimizers = _libraries(jax)
        opt_init, opt_update, get_params = make(optimizers)
        params = {"w": jnp.asarray(np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2)),
                  "b": jnp.asarray(np.array([0.5, -1.5], np.float32))}
        state = opt_init(params)
        grad = jax.grad(_quadratic_loss(jnp))
        out = []
        for i in range(STEPS):
            state = opt_update(i, grad(get_params(state)), state)
            out.append(get_params(state))
        return [out, jax.tree_util.tree_leaves(state)]
    return case


CASES = {
    "mlp_init": _init_case(_mlp, (-1, 6)),
    "mlp_apply": _apply_case(_mlp, (-1, 6), VECTORS),
    "cnn_init": _init_case(_cnn, (-1, 8, 8, 3)),
    "cnn_apply": _apply_case(_cnn, (-1, 8, 8, 3), IMAGES),
    "mixed_init": _init_case(_mixed, (4, 8, 8, 3)),
    "mixed_apply": _apply_case(_mixed, (4, 8, 8, 3), IMAGES),
    "conv1d_transpose_init": conv1d_transpose_init,
    "conv1d_transpose_apply": conv1d_transpose_apply,
    "dropout_apply": dropout_apply,
    "sgd_steps": _trajectory(lambda o: o.sgd(0.05)),
    "sgd_schedule_steps": _trajectory(lambda o: o.sgd(o.exponential_decay(0.1, 2, 0.5))),
    "momentum_steps": _trajectory(lambda o: o.momentum(0.05, 0.9)),
    "nesterov_steps": _trajectory(lambda o: o.nesterov(0.05, 0.9)),
    "adagrad_steps": _trajectory(lambda o: o.adagrad(0.1)),
    "rmsprop_steps": _trajectory(lambda o: o.rmsprop(0.01)),
    "rmsprop_momentum_steps": _trajectory(lambda o: o.rmsprop_momentum(0.01)),
    "adam_steps": _trajectory(lambda o: o.adam(0.1)),
    "adam_schedule_steps": _trajectory(
        lambda o: o.adam(o.piecewise_constant([1, 3], [0.1, 0.05, 0.01]))),
    "adamax_steps": _trajectory(lambda o: o.adamax(0.1)),
    "sm3_steps": _trajectory(lambda o: o.sm3(0.1)),
}
