"""flax.nnx's README usage: a Linear layer and an MLP (Linear, Dropout, BatchNorm)
module, trained a few steps with nnx.Optimizer (optax) under nnx.jit, plus eval
mode, nnx.split/merge and nnx.vmap of a module's call."""
import jax
import jax.numpy as jnp
import optax
from flax import nnx


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


class Linear(nnx.Module):
    def __init__(self, din: int, dout: int, *, rngs: nnx.Rngs):
        key = rngs.params()
        self.w = nnx.Param(jax.random.uniform(key, (din, dout)))
        self.b = nnx.Param(jnp.zeros((dout,)))
        self.din, self.dout = din, dout

    def __call__(self, x: jax.Array):
        return x @ self.w + self.b


class MLP(nnx.Module):
    def __init__(self, din, dmid, dout, *, rngs: nnx.Rngs):
        self.linear1 = Linear(din, dmid, rngs=rngs)
        self.dropout = nnx.Dropout(rate=0.1, rngs=rngs)
        self.bn = nnx.BatchNorm(dmid, rngs=rngs)
        self.linear2 = nnx.Linear(dmid, dout, rngs=rngs)

    def __call__(self, x: jax.Array):
        x = nnx.gelu(self.dropout(self.bn(self.linear1(x))))
        return self.linear2(x)


model = MLP(2, 16, 5, rngs=nnx.Rngs(0))
# SGD with momentum rather than the README's adam(1e-3): linear1's bias sits before
# BatchNorm, so its gradient is zero up to rounding, and Adam's normalisation turns that
# rounding into steps of +-lr, different in JAX and jaxlite (and across CPUs).
optimizer = nnx.Optimizer(model, optax.sgd(0.05, momentum=0.9), wrt=nnx.Param)


@nnx.jit
def train_step(model, optimizer, x, y):
    def loss_fn(model):
        y_pred = model(x)
        return ((y_pred - y) ** 2).mean()

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


x = jax.random.normal(jax.random.key(1), (8, 2))
y = jax.random.normal(jax.random.key(2), (8, 5))
losses = [train_step(model, optimizer, x, y) for _ in range(5)]
report("train.losses", jnp.stack(losses))
report("train.bn_mean", model.bn.mean[...])
model.eval()
report("eval.out", model(x[:2]))

graphdef, state = nnx.split(model)
merged = nnx.merge(graphdef, state)
report("merge.same", jnp.abs(merged(x[:2]) - model(x[:2])).max())
report("param_count", sum(p.size for p in jax.tree_util.tree_leaves(nnx.state(model, nnx.Param))))

linear = Linear(3, 2, rngs=nnx.Rngs(params=7))
report("linear.out", linear(jnp.ones((1, 3))))



# nnx.vmap over module state: the same MLP applied to a batch of inputs with in_axes.
@nnx.vmap(in_axes=(None, 0))
def apply_each(model, x):
    return model(x[None])[0]


report("vmap.out", apply_each(model, x[:3]))
