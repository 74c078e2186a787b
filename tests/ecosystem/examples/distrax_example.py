"""distrax's README usage: distributions (Normal, MultivariateNormalDiag, Categorical)
with sample/log_prob/entropy/KL, bijectors (ScalarAffine, Tanh, Chain) and a
Transformed distribution, jitted and differentiated. Prints `name: values` lines."""
import distrax
import jax
import jax.numpy as jnp


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


key = jax.random.PRNGKey(1234)
mu = jnp.array([-1.0, 0.0, 1.0])
sigma = jnp.array([0.1, 0.2, 0.3])
dist = distrax.MultivariateNormalDiag(mu, sigma)
samples = dist.sample(seed=key)
report("mvn.sample", samples)
report("mvn.log_prob", dist.log_prob(samples))
report("mvn.entropy", dist.entropy())
other = distrax.MultivariateNormalDiag(jnp.zeros(3), jnp.ones(3))
report("mvn.kl", dist.kl_divergence(other))

normal = distrax.Normal(loc=0.0, scale=1.0)
report("normal.log_prob", normal.log_prob(jnp.array([-1.0, 0.5, 2.0])))
report("normal.cdf", normal.cdf(jnp.array([-1.0, 0.5, 2.0])))
xs, lps = normal.sample_and_log_prob(seed=jax.random.PRNGKey(0), sample_shape=4)
report("normal.sample_and_log_prob", jnp.concatenate([xs, lps]))

cat = distrax.Categorical(logits=jnp.array([1.0, 2.0, 0.5]))
report("categorical.probs", cat.probs)
report("categorical.entropy", cat.entropy())
report("categorical.samples", cat.sample(seed=jax.random.PRNGKey(3), sample_shape=6))

# Bijectors: y = tanh(2 x + 1), and the distribution of y.
bij = distrax.Chain([distrax.Tanh(), distrax.ScalarAffine(shift=1.0, scale=2.0)])
x = jnp.array([-0.7, 0.1, 0.4])
y, ldj = bij.forward_and_log_det(x)
report("bijector.forward", y)
report("bijector.log_det", ldj)
report("bijector.inverse", bij.inverse(y))
transformed = distrax.Transformed(distrax.Normal(0.0, 1.0), bij)
report("transformed.log_prob", transformed.log_prob(y))


@jax.jit
def nll(loc, scale, data):
    return -jnp.sum(distrax.Normal(loc, scale).log_prob(data))


data = jnp.array([0.3, -0.2, 1.5, 0.8])
report("jit.nll", nll(0.5, 1.2, data))
report("grad.nll", jnp.stack(jax.grad(nll, argnums=(0, 1))(0.5, 1.2, data)))
mix = distrax.MixtureSameFamily(distrax.Categorical(probs=jnp.array([0.3, 0.7])),
                                distrax.Normal(jnp.array([-1.0, 2.0]), jnp.array([0.5, 1.0])))
report("mixture.log_prob", mix.log_prob(jnp.array([0.0, 1.5])))
report("vmap.log_prob", jax.vmap(lambda m: distrax.Normal(m, 1.0).log_prob(0.0))(mu))
