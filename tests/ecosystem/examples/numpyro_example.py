"""numpyro's README usage: the eight schools model sampled with NUTS, and SVI; a
regression sampled longer.

Eight schools' funnel makes NUTS trajectories chaotic: a difference in the last bit of a
float32 grows until, after some dozens of iterations, two runs take different paths
(JAX on two CPUs may too). So its chain is short; the longer regression chain (a
well-conditioned posterior) is compared by its means."""
import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro.infer import MCMC, NUTS, SVI, Trace_ELBO
from numpyro.infer.autoguide import AutoNormal


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


J = 8
y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
sigma = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


def eight_schools(J, sigma, y=None):
    mu = numpyro.sample("mu", dist.Normal(0, 5))
    tau = numpyro.sample("tau", dist.HalfCauchy(5))
    with numpyro.plate("J", J):
        theta = numpyro.sample("theta", dist.Normal(mu, tau))
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)


mcmc = MCMC(NUTS(eight_schools), num_warmup=5, num_samples=5, progress_bar=False)
mcmc.run(jax.random.PRNGKey(0), J, sigma, y=y, extra_fields=("potential_energy",))
samples = mcmc.get_samples()
report("nuts.mu", samples["mu"])
report("nuts.tau", samples["tau"])
report("nuts.theta_0", samples["theta"][:, 0])
report("nuts.potential_energy", mcmc.get_extra_fields()["potential_energy"])

x = np.linspace(-1, 1, 20)
y_reg = 1.5 * x - 0.5 + 0.3 * np.sin(7 * x)


def regression(x, y=None):
    a = numpyro.sample("a", dist.Normal(0, 2))
    b = numpyro.sample("b", dist.Normal(0, 2))
    s = numpyro.sample("s", dist.HalfNormal(1))
    numpyro.sample("y", dist.Normal(a * x + b, s), obs=y)


mcmc = MCMC(NUTS(regression), num_warmup=100, num_samples=100, progress_bar=False)
mcmc.run(jax.random.PRNGKey(0), x, y=y_reg)
report("nuts_long.means", jnp.array([jnp.mean(v) for v in mcmc.get_samples().values()]))

guide = AutoNormal(eight_schools)
svi = SVI(eight_schools, guide, numpyro.optim.Adam(0.05), Trace_ELBO())
result = svi.run(jax.random.PRNGKey(1), 200, J, sigma, y=y, progress_bar=False)
report("svi.final_loss", result.losses[-1])
report("svi.mu_loc", result.params["mu_auto_loc"])
report("normal.log_prob", dist.Normal(1.0, 2.0).log_prob(jnp.array([0.0, 1.0, 3.0])))
report("gamma.sample", dist.Gamma(2.0, 1.0).sample(jax.random.PRNGKey(3), (3,)))
