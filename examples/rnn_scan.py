"""A recurrent network trained with lax.scan, and its per-example gradients.

Run:  python examples/rnn_scan.py

The task: read a noisy sine wave one sample at a time and predict the next sample.
The recurrence h_t = tanh(W_h h_{t-1} + W_x x_t + b) is a `lax.scan` over time, so
the traced program holds one copy of the step however long the sequence is, and
`grad` differentiates it by running the scan backwards (backpropagation through
time). Per-example gradients come from `vmap(grad(loss_of_one_sequence))`.
"""
import time

import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax


def init_params(key, hidden=16):
    k1, k2, k3 = jax.random.split(key, 3)
    scale = 1.0 / np.sqrt(hidden)
    return {
        "W_x": jax.random.normal(k1, (1, hidden)) * 0.5,
        "W_h": jax.random.normal(k2, (hidden, hidden)) * scale,
        "b": jnp.zeros(hidden),
        "W_out": jax.random.normal(k3, (hidden, 1)) * scale,
        "b_out": jnp.zeros(1),
    }


def predict(params, inputs):
    """inputs: (time, 1) -> predictions (time, 1), one per step."""
    def step(h, x_t):
        h = jnp.tanh(x_t @ params["W_x"] + h @ params["W_h"] + params["b"])
        return h, h @ params["W_out"] + params["b_out"]

    h0 = jnp.zeros(params["b"].shape)
    _, outputs = lax.scan(step, h0, inputs)
    return outputs


def sequence_loss(params, sequence):
    """Mean squared error of predicting sequence[t + 1] from sequence[:t + 1]."""
    predictions = predict(params, sequence[:-1])
    return jnp.mean((predictions - sequence[1:]) ** 2)


def batch_loss(params, sequences):
    # vmap over the batch: each sequence runs its own scan, batched together
    return jnp.mean(jax.vmap(sequence_loss, in_axes=(None, 0))(params, sequences))


def make_batch(key, batch, length):
    k1, k2, k3 = jax.random.split(key, 3)
    phase = jax.random.uniform(k1, (batch, 1), minval=0.0, maxval=2 * np.pi)
    freq = jax.random.uniform(k2, (batch, 1), minval=0.2, maxval=0.4)
    t = jnp.arange(length)[None, :]
    wave = jnp.sin(freq * t + phase) + 0.05 * jax.random.normal(k3, (batch, length))
    return wave[..., None]  # (batch, time, 1)


@jax.jit
def train_step(params, velocity, sequences, lr=0.1, momentum=0.9):
    loss, grads = jax.value_and_grad(batch_loss)(params, sequences)
    velocity = jax.tree_util.tree_map(lambda v, g: momentum * v + g, velocity, grads)
    params = jax.tree_util.tree_map(lambda p, v: p - lr * v, params, velocity)
    return params, velocity, loss


def main(steps=300, batch=32, length=25, verbose=True):
    key = jax.random.PRNGKey(0)
    params = init_params(key)
    velocity = jax.tree_util.tree_map(jnp.zeros_like, params)
    test_batch = make_batch(jax.random.PRNGKey(1), batch, length)
    initial_loss = float(batch_loss(params, test_batch))
    start = time.perf_counter()
    for i in range(steps):
        key, sub = jax.random.split(key)
        params, velocity, loss = train_step(params, velocity, make_batch(sub, batch, length))
        if verbose and (i % 50 == 0 or i == steps - 1):
            print(f"step {i:4d}  training loss {float(loss):.4f}")
    final_loss = float(batch_loss(params, test_batch))
    if verbose:
        print(f"held-out loss: {initial_loss:.4f} before training, {final_loss:.4f} after "
              f"({time.perf_counter() - start:.1f} s)")

    # Per-example gradients: one gradient per sequence, from vmap(grad(.)).
    per_example = jax.jit(jax.vmap(jax.grad(sequence_loss), in_axes=(None, 0)))(
        params, test_batch[:8])
    # Their mean is the gradient of the mean loss, and each one is what grad of that
    # single sequence gives (checked for the first).
    mean_of_per_example = jax.tree_util.tree_map(lambda g: g.mean(0), per_example)
    batch_grad = jax.grad(batch_loss)(params, test_batch[:8])
    first = jax.grad(sequence_loss)(params, test_batch[0])
    agree_mean = all(np.allclose(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(
        jax.tree_util.tree_leaves(mean_of_per_example), jax.tree_util.tree_leaves(batch_grad)))
    agree_first = all(np.allclose(a[0], b, rtol=1e-4, atol=1e-6) for a, b in zip(
        jax.tree_util.tree_leaves(per_example), jax.tree_util.tree_leaves(first)))
    norms = jnp.sqrt(sum(jnp.sum(g.reshape(8, -1) ** 2, axis=1)
                         for g in jax.tree_util.tree_leaves(per_example)))
    if verbose:
        print("per-example gradient norms:", np.round(np.asarray(norms), 4))
        print("mean of per-example gradients == batch gradient:", agree_mean)
        print("per-example gradient of sequence 0 == grad on it alone:", agree_first)
    return {"initial_loss": initial_loss, "final_loss": final_loss,
            "per_example_grads": per_example, "agree_mean": agree_mean,
            "agree_first": agree_first}


if __name__ == "__main__":
    main()
