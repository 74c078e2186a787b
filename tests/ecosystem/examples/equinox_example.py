"""equinox's README usage: a Module of Linear layers trained with filter_jit and
filter_value_and_grad; plus an eqx.nn.MLP under vmap and the error_if check."""
import equinox as eqx
import jax
import jax.numpy as jnp


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


class Linear(eqx.Module):
    weight: jax.Array
    bias: jax.Array

    def __init__(self, in_size, out_size, key):
        wkey, bkey = jax.random.split(key)
        self.weight = jax.random.normal(wkey, (out_size, in_size))
        self.bias = jax.random.normal(bkey, (out_size,))

    def __call__(self, x):
        return self.weight @ x + self.bias


@jax.jit
@jax.grad
def loss_fn(model, x, y):
    pred_y = jax.vmap(model)(x)
    return jax.numpy.mean((y - pred_y) ** 2)


batch_size, in_size, out_size = 32, 2, 3
model = Linear(in_size, out_size, key=jax.random.PRNGKey(0))
x = jax.numpy.zeros((batch_size, in_size))
y = jax.numpy.zeros((batch_size, out_size))
grads = loss_fn(model, x, y)
report("linear.grad_weight", grads.weight)
report("linear.grad_bias", grads.bias)

mlp = eqx.nn.MLP(in_size=2, out_size=1, width_size=8, depth=2, key=jax.random.PRNGKey(1))
xs = jax.random.normal(jax.random.PRNGKey(2), (20, 2))
ys = jnp.sin(xs[:, :1])


@eqx.filter_jit
def step(model, xs, ys):
    def loss(model):
        return jnp.mean((jax.vmap(model)(xs) - ys) ** 2)
    value, grads = eqx.filter_value_and_grad(loss)(model)
    model = eqx.apply_updates(model, jax.tree_util.tree_map(lambda g: -0.1 * g, grads))
    return model, value


for _ in range(20):
    mlp, value = step(mlp, xs, ys)
report("mlp.loss", value)
report("mlp.out", jax.vmap(mlp)(xs[:3]))


@eqx.filter_jit
def checked(x):
    return eqx.error_if(x, x < 0, "negative")


report("error_if.ok", checked(jnp.array([1.0, 2.0])))
try:
    checked(jnp.array([-1.0]))
    report("error_if.raised", 0)
except Exception:
    report("error_if.raised", 1)
