"""Data-parallel training of a small MLP on N CPU devices, three ways, one loss trajectory.

Run:  python examples/data_parallel_mlp.py [N]      (N devices, default 4)
      mpiexec -n 2 python examples/data_parallel_mlp.py 2 --distributed
                   (2 processes with 2 devices each: pmap and shard_map span the 4)

1. one device: jit(value_and_grad) on the whole batch;
2. pmap: the batch split over the devices, gradients averaged with lax.pmean;
3. jit(shard_map): the same over a 1-D mesh, inputs split by PartitionSpec("batch"),
   gradients averaged with lax.pmean (check_vma=False);
4. jit(shard_map) differentiating the global loss pmean(local loss) (check_vma=True).

Each device computes the mean loss of its equal share of the batch, so the mean over
devices of those means, and of their gradients, is the single-device loss and gradient:
the three runs print the same losses (to float32 rounding).
"""
import sys
from functools import partial

import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax

P = jax.P
LEARNING_RATE = 0.1


def make_data(n=256, d_in=8, seed=0):
    """A regression task: y = sin(x @ w) plus noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d_in)).astype(np.float32)
    w = rng.normal(size=(d_in, 1)).astype(np.float32)
    y = np.sin(x @ w) + 0.05 * rng.normal(size=(n, 1)).astype(np.float32)
    return jnp.asarray(x), jnp.asarray(y)


def init_params(sizes=(8, 32, 32, 1), seed=1):
    keys = jax.random.split(jax.random.key(seed), len(sizes) - 1)
    return [(jax.random.normal(k, (m, n)) / np.sqrt(m), jnp.zeros(n))
            for k, m, n in zip(keys, sizes[:-1], sizes[1:])]


def predict(params, x):
    for w, b in params[:-1]:
        x = jnp.tanh(x @ w + b)
    w, b = params[-1]
    return x @ w + b


def loss_fn(params, x, y):
    return jnp.mean((predict(params, x) - y) ** 2)


def sgd(params, grads):
    return jax.tree.map(lambda p, g: p - LEARNING_RATE * g, params, grads)


def train_single(params, x, y, steps):
    @jax.jit
    def update(params, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        return sgd(params, grads), loss

    losses = []
    for _ in range(steps):
        params, loss = update(params, x, y)
        losses.append(float(loss))
    return losses


def train_pmap(params, x, y, steps):
    """pmap over this process's devices; under jax.distributed (mpiexec) the "batch" axis
    spans every process's devices, and pmean averages over all of them."""
    @partial(jax.pmap, axis_name="batch")
    def update(params, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        grads = lax.pmean(grads, "batch")
        return sgd(params, grads), lax.pmean(loss, "batch")

    # each device holds a copy of the parameters and its slice of the batch; this
    # process feeds its own devices' slices
    n_local, n_all = jax.local_device_count(), jax.device_count()
    first = jax.process_index() * n_local
    params = jax.tree.map(lambda p: jnp.stack([p] * n_local), params)
    x = x.reshape(n_all, -1, *x.shape[1:])[first:first + n_local]
    y = y.reshape(n_all, -1, *y.shape[1:])[first:first + n_local]
    losses = []
    for _ in range(steps):
        params, loss = update(params, x, y)
        losses.append(float(loss[0]))
    return losses


def train_shard_map(params, x, y, steps, global_loss=False):
    """shard_map over every device; under jax.distributed the mesh spans the processes,
    each feeding its rows of the batch."""
    mesh = jax.make_mesh((jax.device_count(),), ("batch",),
                         axis_types=(jax.sharding.AxisType.Auto,))
    specs = dict(mesh=mesh, in_specs=(P(), P("batch"), P("batch")), out_specs=(P(), P()))
    # The batch as a global array split over "batch", of which this process holds its
    # rows (all of them in one process).
    rows = x.shape[0] // jax.process_count()
    first = jax.process_index() * rows
    batch = jax.sharding.NamedSharding(mesh, P("batch"))
    x = jax.make_array_from_process_local_data(batch, x[first:first + rows])
    y = jax.make_array_from_process_local_data(batch, y[first:first + rows])

    @jax.jit
    @partial(jax.shard_map, check_vma=False, **specs)
    def update(params, x, y):
        # check_vma=False: each device's gradient is its own, averaged here.
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        grads = lax.pmean(grads, "batch")
        return sgd(params, grads), lax.pmean(loss, "batch")

    @jax.jit
    @partial(jax.shard_map, **specs)
    def update_global(params, x, y):
        # check_vma=True (the default): params are the same on every device (P()), so
        # the gradient with respect to them is summed over the devices; differentiating
        # the mean over devices of the local losses gives the mean gradient.
        global_loss = lambda p: lax.pmean(loss_fn(p, x, y), "batch")
        loss, grads = jax.value_and_grad(global_loss)(params)
        return sgd(params, grads), loss

    step = update_global if global_loss else update
    losses = []
    for _ in range(steps):
        params, loss = step(params, x, y)
        losses.append(float(loss))
    return losses


def main(steps=20):
    """Train on every device (jax_num_cpu_devices of them in each process); under mpiexec
    with jax.distributed, pmap and shard_map span every process's devices."""
    x, y = make_data()
    params = init_params()
    n_all = jax.device_count()
    runs = {"one device": train_single(params, x, y, steps),
            f"pmap on {n_all}": train_pmap(params, x, y, steps),
            f"jit(shard_map) on {n_all}": train_shard_map(params, x, y, steps),
            "global loss": train_shard_map(params, x, y, steps, global_loss=True)}
    print("step  " + "  ".join(f"{name:>20}" for name in runs))
    for step in range(0, steps, max(steps // 10, 1)):
        print(f"{step:4d}  " + "  ".join(f"{losses[step]:20.6f}" for losses in runs.values()))
    single = np.array(runs["one device"])
    for name, losses in runs.items():
        worst = np.max(np.abs(np.array(losses) - single) / single)
        print(f"{name}: largest relative difference from one device {worst:.1e}")
    return runs


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    jax.config.update("jax_num_cpu_devices", n)
    if "--distributed" in sys.argv:  # mpiexec -n K python examples/data_parallel_mlp.py N --distributed
        jax.distributed.initialize()
    main()
