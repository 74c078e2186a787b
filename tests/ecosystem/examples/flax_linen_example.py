"""flax.linen's README usage: an MLP module, init and apply, and a training step
with optax."""
from typing import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


class MLP(nn.Module):
    features: Sequence[int]

    @nn.compact
    def __call__(self, x):
        for feat in self.features[:-1]:
            x = nn.relu(nn.Dense(feat)(x))
        x = nn.Dense(self.features[-1])(x)
        return x


model = MLP([12, 8, 4])
batch = jnp.ones((32, 10))
variables = model.init(jax.random.key(0), batch)
output = model.apply(variables, batch)
report("mlp.output_row0", output[0])
report("mlp.kernel0_sum", jnp.sum(variables["params"]["Dense_0"]["kernel"]))


class CNN(nn.Module):
    @nn.compact
    def __call__(self, x, train=False):
        # No conv bias: BatchNorm cancels it, its gradient is rounding noise that adam
        # would amplify into run-to-run differences.
        x = nn.Conv(features=4, kernel_size=(3, 3), use_bias=False)(x)
        x = nn.BatchNorm(use_running_average=not train)(x)
        x = nn.relu(x)
        x = nn.avg_pool(x, window_shape=(2, 2), strides=(2, 2))
        x = x.reshape((x.shape[0], -1))
        x = nn.Dropout(0.5, deterministic=not train)(x)
        return nn.Dense(features=2)(x)


cnn = CNN()
images = jax.random.normal(jax.random.key(1), (4, 8, 8, 1))
labels = jnp.array([0, 1, 1, 0])
cnn_vars = cnn.init(jax.random.key(2), images)
tx = optax.adam(1e-2)
params, batch_stats = cnn_vars["params"], cnn_vars["batch_stats"]
opt_state = tx.init(params)


@jax.jit
def train_step(params, batch_stats, opt_state, key):
    def loss_fn(params):
        logits, updates = cnn.apply({"params": params, "batch_stats": batch_stats}, images,
                                    train=True, mutable=["batch_stats"],
                                    rngs={"dropout": key})
        loss = optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()
        return loss, updates["batch_stats"]
    (loss, batch_stats), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
    updates, opt_state = tx.update(grads, opt_state)
    return optax.apply_updates(params, updates), batch_stats, opt_state, loss


key = jax.random.key(3)
for i in range(5):
    key, sub = jax.random.split(key)
    params, batch_stats, opt_state, loss = train_step(params, batch_stats, opt_state, sub)
report("cnn.loss", loss)
report("cnn.eval_logits", cnn.apply({"params": params, "batch_stats": batch_stats}, images))
