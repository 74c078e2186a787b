"""optax's README usage: fit a linear model with adam under jit (plus a schedule and a
chained transformation, as its quick start shows). Prints `name: values` lines."""
import jax
import jax.numpy as jnp
import optax


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


key_x, key_w = jax.random.split(jax.random.key(0))
xs = jax.random.normal(key_x, (16, 3))
true_w = jnp.array([0.5, -1.0, 2.0])
ys = xs @ true_w

compute_loss = lambda params, x, y: optax.l2_loss(x @ params["w"], y).mean()

for name, optimizer in [
        ("adam", optax.adam(1e-1)),
        ("sgd_momentum", optax.sgd(1e-2, momentum=0.9)),
        ("chain_clip_adamw", optax.chain(optax.clip_by_global_norm(1.0),
                                         optax.adamw(optax.exponential_decay(0.1, 10, 0.9)))),
        ("lion", optax.lion(1e-2))]:
    params = {"w": jnp.zeros(3)}
    opt_state = optimizer.init(params)

    @jax.jit
    def step(params, opt_state):
        loss, grads = jax.value_and_grad(compute_loss)(params, xs, ys)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    for _ in range(50):
        params, opt_state, loss = step(params, opt_state)
    report(f"{name}.w", params["w"])
    report(f"{name}.loss", loss)

report("softmax_cross_entropy", optax.softmax_cross_entropy(
    jnp.array([[1.0, 2.0, 0.5]]), jnp.array([[0.0, 1.0, 0.0]])))
report("cosine_schedule", jnp.array([optax.cosine_decay_schedule(1.0, 100)(i)
                                     for i in (0, 50, 99)]))
