"""dm-haiku's README usage: hk.transform an MLP, init/apply, a jitted SGD step with
jax.grad; plus hk.transform_with_state (BatchNorm) and hk.LSTM unrolled with
hk.dynamic_unroll. Prints `name: values` lines."""
import haiku as hk
import jax
import jax.numpy as jnp


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


def forward(x):
    mlp = hk.nets.MLP([16, 8, 1])
    return mlp(x)


net = hk.without_apply_rng(hk.transform(forward))
x = jax.random.normal(jax.random.PRNGKey(0), (8, 4))
y = jnp.sum(x, axis=1, keepdims=True)
params = net.init(jax.random.PRNGKey(42), x)
report("param_count", sum(p.size for p in jax.tree_util.tree_leaves(params)))


def loss_fn(params, x, y):
    return jnp.mean((net.apply(params, x) - y) ** 2)


@jax.jit
def update(params, x, y):
    grads = jax.grad(loss_fn)(params, x, y)
    return jax.tree_util.tree_map(lambda p, g: p - 0.05 * g, params, grads)


report("mlp.loss0", loss_fn(params, x, y))
for _ in range(30):
    params = update(params, x, y)
report("mlp.loss30", loss_fn(params, x, y))
report("mlp.out", net.apply(params, x[:2]))


def bn_forward(x, is_training):
    h = hk.Linear(6)(x)
    h = hk.BatchNorm(create_scale=True, create_offset=True, decay_rate=0.9)(h, is_training)
    return jax.nn.relu(h).sum(axis=-1)


bn = hk.transform_with_state(bn_forward)
bparams, state = bn.init(jax.random.PRNGKey(1), x, is_training=True)
out, state = bn.apply(bparams, state, None, x, is_training=True)
report("bn.train_out", out)
report("bn.mean_ema", state["batch_norm/~/mean_ema"]["average"])
out, _ = bn.apply(bparams, state, None, x, is_training=False)
report("bn.eval_out", out)


def lstm_forward(xs):
    core = hk.LSTM(5)
    outs, _ = hk.dynamic_unroll(core, xs, core.initial_state(xs.shape[1]))
    return hk.Linear(1)(outs)


lstm = hk.without_apply_rng(hk.transform(lstm_forward))
seq = jax.random.normal(jax.random.PRNGKey(2), (7, 3, 2))  # [time, batch, features]
lparams = lstm.init(jax.random.PRNGKey(3), seq)
report("lstm.out_last", lstm.apply(lparams, seq)[-1])
report("lstm.grad_norm", jnp.sqrt(sum(
    jnp.sum(g ** 2) for g in jax.tree_util.tree_leaves(
        jax.grad(lambda p: jnp.sum(lstm.apply(p, seq) ** 2))(lparams)))))


def conv_forward(img):
    h = hk.Conv2D(4, kernel_shape=3)(img)
    h = jax.nn.relu(h)
    h = hk.max_pool(h, window_shape=2, strides=2, padding="VALID")
    return hk.Linear(2)(hk.Flatten()(h))


conv = hk.transform(conv_forward)
img = jax.random.normal(jax.random.PRNGKey(4), (2, 6, 6, 1))
cparams = conv.init(jax.random.PRNGKey(5), img)
report("conv.out", conv.apply(cparams, None, img))
drop = hk.transform(lambda x: hk.dropout(hk.next_rng_key(), 0.5, x))
report("dropout.sum", drop.apply(drop.init(jax.random.PRNGKey(7), x), jax.random.PRNGKey(6), x).sum())
