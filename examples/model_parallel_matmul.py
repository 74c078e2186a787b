"""Model parallelism on a 2-D mesh of CPU devices: matrix products split over devices.

Run:  python examples/model_parallel_matmul.py      (uses 4 devices: a 2 x 2 mesh)

1. C = A @ B with A split over rows ("x") and its inner dimension ("y"), B over its
   inner dimension ("y"): each device multiplies its blocks, a psum over "y" adds the
   partial products.
2. The same product as a ring, A and B split by rows over "y": B's row blocks travel
   around the ring with ppermute while each device accumulates its rows of C (no psum,
   no all_gather: each step moves one block to the next device).
3. A two-layer MLP split as Megatron does: the first weight by columns, the second by
   rows over "model", the batch over "data"; forward and gradients equal the
   unsplit network's.

Every result is compared with the same computation on one device.
"""
from functools import partial

import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax

P = jax.P


def auto_mesh(names):
    return jax.make_mesh((2, 2), names, axis_types=(jax.sharding.AxisType.Auto,) * 2)


def psum_matmul(A, B, mesh):
    @jax.jit
    @partial(jax.shard_map, mesh=mesh, in_specs=(P("x", "y"), P("y", None)),
             out_specs=P("x", None))
    def matmul(a, b):
        return lax.psum(a @ b, "y")
    return matmul(A, B)


def ring_matmul(A, B, mesh):
    n = mesh.shape["y"]

    @jax.jit
    @partial(jax.shard_map, mesh=mesh, in_specs=(P("y", None), P("y", None)),
             out_specs=P("y", None))
    def matmul(a, b):
        # a: this device's rows of A (all columns); b: row block k of B, which then moves
        # one device along the ring per step until every block has passed by.
        k = lax.axis_index("y")
        width = b.shape[0]
        acc = jnp.zeros((a.shape[0], b.shape[1]), a.dtype)
        for step in range(n):
            block = (k + step) % n            # the row block of B held at this step
            acc = acc + lax.dynamic_slice_in_dim(a, block * width, width, axis=1) @ b
            b = lax.ppermute(b, "y", [(i, (i - 1) % n) for i in range(n)])
        return acc
    return matmul(A, B)


def megatron_mlp(params, x, mesh):
    @partial(jax.shard_map, mesh=mesh,
             in_specs=((P(None, "model"), P("model", None)), P("data", None)),
             out_specs=P("data", None))
    def forward(params, x):
        w1, w2 = params
        h = jnp.tanh(x @ w1)                  # this device's hidden units
        return lax.psum(h @ w2, "model")      # sum the partial outputs over "model"
    return forward(params, x)


def dense_mlp(params, x):
    w1, w2 = params
    return jnp.tanh(x @ w1) @ w2


def main():
    rng = np.random.default_rng(0)
    A = jnp.asarray(rng.normal(size=(8, 12)).astype(np.float32))
    B = jnp.asarray(rng.normal(size=(12, 6)).astype(np.float32))
    mesh = auto_mesh(("x", "y"))
    C = psum_matmul(A, B, mesh)
    print("psum matmul: sharding", C.sharding.spec, "| max |C - A @ B| =",
          float(jnp.max(jnp.abs(C - A @ B))))
    R = ring_matmul(A, B, mesh)
    print("ring matmul: max |C - A @ B| =", float(jnp.max(jnp.abs(R - A @ B))))

    mesh = auto_mesh(("data", "model"))
    params = (jnp.asarray(rng.normal(size=(12, 16)).astype(np.float32)) / 4,
              jnp.asarray(rng.normal(size=(16, 3)).astype(np.float32)) / 4)
    x = jnp.asarray(rng.normal(size=(8, 12)).astype(np.float32))
    y = megatron_mlp(params, x, mesh)
    print("Megatron MLP: max |y - dense| =", float(jnp.max(jnp.abs(y - dense_mlp(params, x)))))
    loss = lambda p: jnp.sum(jax.jit(megatron_mlp, static_argnums=2)(p, x, mesh) ** 2)
    dense_loss = lambda p: jnp.sum(dense_mlp(p, x) ** 2)
    g, g_dense = jax.grad(loss)(params), jax.grad(dense_loss)(params)
    print("Megatron MLP gradients: max difference =",
          max(float(jnp.max(jnp.abs(a - b))) for a, b in zip(g, g_dense)))
    return C, R, y, g, g_dense


if __name__ == "__main__":
    jax.config.update("jax_num_cpu_devices", 4)
    main()
