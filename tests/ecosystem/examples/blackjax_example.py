"""blackjax's README quick start: NUTS on a Gaussian with step size and mass matrix
from window adaptation, the inference loop written with lax.scan; plus a random-walk
Metropolis and MALA kernel. Prints `name: values` lines."""
import blackjax
import jax
import jax.numpy as jnp
import jax.scipy.stats as stats
import numpy as np


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


observed = np.random.default_rng(0).normal(10, 20, size=200).astype(np.float32)


def logdensity_fn(x):
    logpdf = stats.norm.logpdf(observed, x["loc"], x["scale"])
    return jnp.sum(logpdf)


initial_position = {"loc": 1.0, "scale": 2.0}
rng_key = jax.random.key(1000)
warmup_key, sample_key, rmh_key, mala_key = jax.random.split(rng_key, 4)

# Window adaptation (the README's "use the adaptation" step), then NUTS.
warmup = blackjax.window_adaptation(blackjax.nuts, logdensity_fn)
(state, parameters), _ = warmup.run(warmup_key, initial_position, num_steps=100)
report("warmup.step_size", parameters["step_size"])
report("warmup.inverse_mass", parameters["inverse_mass_matrix"])
kernel = blackjax.nuts(logdensity_fn, **parameters).step


def inference_loop(rng_key, kernel, initial_state, num_samples):
    @jax.jit
    def one_step(state, rng_key):
        state, _ = kernel(rng_key, state)
        return state, state

    keys = jax.random.split(rng_key, num_samples)
    _, states = jax.lax.scan(one_step, initial_state, keys)
    return states


states = inference_loop(sample_key, kernel, state, 100)
report("nuts.loc_mean", states.position["loc"].mean())
report("nuts.scale_mean", states.position["scale"].mean())
report("nuts.last", jnp.array([states.position["loc"][-1], states.position["scale"][-1]]))

rmh = blackjax.rmh(logdensity_fn, blackjax.mcmc.random_walk.normal(jnp.array(1.0)))
rstates = inference_loop(rmh_key, rmh.step, rmh.init(initial_position), 200)
report("rmh.loc_mean", rstates.position["loc"].mean())

mala = blackjax.mala(logdensity_fn, 1e-2)
mstates = inference_loop(mala_key, mala.step, mala.init({"loc": 10.0, "scale": 20.0}), 100)
report("mala.scale_mean", mstates.position["scale"].mean())
