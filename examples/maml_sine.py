"""MAML meta-gradients on sine regression: grad of a function that takes a grad step.

Run:  python examples/maml_sine.py

Each task is a sine wave y = A sin(x + phase) with its own amplitude and phase.
Model-agnostic meta-learning looks for initial weights from which ONE gradient step
on a task's data already fits that task. Its objective is the tutorial's
`meta_loss_fn`: the loss after one SGD step,

    meta_loss(params) = loss(params - lr * grad(loss)(params))

and its gradient, the meta-gradient, differentiates through that inner gradient step:
    grad(meta_loss)(params) = (I - lr * H) @ grad(loss)(params')
with H the Hessian of the loss at params, a second-order quantity `grad` gets for free.
The meta-gradient of a batch of tasks is `vmap` over tasks; training uses Adam.
"""
import time

import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite.tree_util import tree_map, tree_leaves

INNER_LR = 0.01  # the step size inside meta_loss_fn
POINTS = 10      # samples per task (K-shot)


def init_params(key, sizes=(1, 40, 40, 1)):
    params = []
    for n_in, n_out, k in zip(sizes[:-1], sizes[1:], jax.random.split(key, len(sizes) - 1)):
        # small weights, as in the MAML paper: the untrained net predicts about 0, and
        # the first inner steps stay stable on waves of amplitude up to 5
        params.append({"w": jax.random.normal(k, (n_in, n_out)) * 0.01, "b": jnp.zeros(n_out)})
    return params


def net(params, x):
    for layer in params[:-1]:
        x = jax.nn.relu(x @ layer["w"] + layer["b"])
    return x @ params[-1]["w"] + params[-1]["b"]


def loss_fn(params, data):
    x, y = data
    return jnp.mean((net(params, x) - y) ** 2)


def meta_loss_fn(params, data):
    """The loss after one step of SGD on `data` (the tutorial's meta_loss_fn)."""
    grads = jax.grad(loss_fn)(params, data)
    return loss_fn(tree_map(lambda p, g: p - INNER_LR * g, params, grads), data)


def sample_tasks(key, n_tasks):
    k_amp, k_phase, k_x = jax.random.split(key, 3)
    amplitude = jax.random.uniform(k_amp, (n_tasks, 1, 1), minval=0.1, maxval=5.0)
    phase = jax.random.uniform(k_phase, (n_tasks, 1, 1), minval=0.0, maxval=np.pi)
    x = jax.random.uniform(k_x, (n_tasks, POINTS, 1), minval=-5.0, maxval=5.0)
    return x, amplitude * jnp.sin(x + phase)


def batch_meta_loss(params, tasks):
    return jnp.mean(jax.vmap(meta_loss_fn, in_axes=(None, 0))(params, tasks))


def adam(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    def init(params):
        return 0, tree_map(jnp.zeros_like, params), tree_map(jnp.zeros_like, params)

    def update(grads, state, params):
        step, m, v = state
        step += 1
        m = tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, grads)
        v = tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, grads)
        scale = lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step)
        params = tree_map(lambda p, m, v: p - scale * m / (jnp.sqrt(v) + eps), params, m, v)
        return params, (step, m, v)

    return init, update


@jax.jit
def meta_gradient(params, tasks):
    return jax.value_and_grad(batch_meta_loss)(params, tasks)


def check_meta_gradient(params, task):
    """grad(meta_loss) == (I - lr H) grad(loss)(params'), with H @ v from jvp of grad.

    Returns (relative difference, relative size of the second-order term lr H g)."""
    inner = jax.grad(loss_fn)(params, task)
    adapted = tree_map(lambda p, g: p - INNER_LR * g, params, inner)
    outer = jax.grad(loss_fn)(adapted, task)
    _, hessian_times_outer = jax.jvp(lambda p: jax.grad(loss_fn)(p, task), (params,), (outer,))
    expected = tree_map(lambda g, hg: g - INNER_LR * hg, outer, hessian_times_outer)
    got = jax.grad(meta_loss_fn)(params, task)
    norm = lambda tree: float(jnp.sqrt(sum(jnp.sum(x ** 2) for x in tree_leaves(tree))))
    difference = norm(tree_map(lambda a, b: a - b, got, expected)) / norm(expected)
    second_order = INNER_LR * norm(hessian_times_outer) / norm(expected)
    return difference, second_order


def main(meta_steps=300, tasks_per_step=16, verbose=True):
    key = jax.random.PRNGKey(0)
    params = init_params(key)
    held_out = sample_tasks(jax.random.PRNGKey(123), 64)
    opt_init, opt_update = adam(1e-3)
    opt_state = opt_init(params)
    history = [float(batch_meta_loss(params, held_out))]
    if verbose:
        print(f"meta-step {0:4d}  held-out meta-loss {history[0]:.3f}")
    start = time.perf_counter()
    for step in range(1, meta_steps + 1):
        key, sub = jax.random.split(key)
        loss, grads = meta_gradient(params, sample_tasks(sub, tasks_per_step))
        params, opt_state = opt_update(grads, opt_state, params)
        if step % max(meta_steps // 6, 1) == 0 or step == meta_steps:
            history.append(float(batch_meta_loss(params, held_out)))
            if verbose:
                print(f"meta-step {step:4d}  held-out meta-loss {history[-1]:.3f}")
    # The meta-gradient is the first-order gradient corrected by a Hessian term.
    task = (held_out[0][0], held_out[1][0])
    meta_gradient_error, second_order = check_meta_gradient(params, task)
    if verbose:
        print(f"held-out loss after one inner step: {history[0]:.3f} from the initial "
              f"weights, {history[-1]:.3f} from the meta-learned ones "
              f"({time.perf_counter() - start:.1f} s)")
        print(f"grad(meta_loss_fn) vs (I - lr H) grad(loss)(params'): relative difference "
              f"{meta_gradient_error:.1e} (the lr H term is {second_order:.1e} of it)")
    return {"history": history, "meta_gradient_error": meta_gradient_error,
            "second_order": second_order}

if __name__ == "__main__":
    main()
