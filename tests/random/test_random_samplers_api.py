"""Every sampler of jaxlite.random as a user calls it: shape and dtype, jit == eager
(bit for bit), vmap over keys == a Python loop. Bit-exactness against JAX is in the
golden tests (test_golden_expressions.py, test_random_reference.py)."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import random

SAMPLERS = {
    "uniform": lambda k: random.uniform(k, (3,)),
    "normal": lambda k: random.normal(k, (3,)),
    "randint": lambda k: random.randint(k, (3,), 0, 10),
    "bernoulli": lambda k: random.bernoulli(k, 0.3, (3,)),
    "bits": lambda k: random.bits(k, (3,)),
    "truncated_normal": lambda k: random.truncated_normal(k, -1.0, 2.0, (3,)),
    "exponential": lambda k: random.exponential(k, (3,)),
    "laplace": lambda k: random.laplace(k, (3,)),
    "logistic": lambda k: random.logistic(k, (3,)),
    "gumbel": lambda k: random.gumbel(k, (3,)),
    "cauchy": lambda k: random.cauchy(k, (3,)),
    "rademacher": lambda k: random.rademacher(k, (3,)),
    "categorical": lambda k: random.categorical(k, jnp.array([0.1, 0.5, 0.2]), shape=(3,)),
    "choice": lambda k: random.choice(k, 5, (3,), replace=False),
    "permutation": lambda k: random.permutation(k, 5),
    "multivariate_normal": lambda k: random.multivariate_normal(
        k, jnp.zeros(2), jnp.array([[2.0, 0.5], [0.5, 1.0]]), (3,)),
    "orthogonal": lambda k: random.orthogonal(k, 3),
    "ball": lambda k: random.ball(k, 2, shape=(3,)),
    "gamma": lambda k: random.gamma(k, 2.0, (3,)),
    "loggamma": lambda k: random.loggamma(k, 2.0, (3,)),
    "beta": lambda k: random.beta(k, 2.0, 3.0, (3,)),
    "dirichlet": lambda k: random.dirichlet(k, jnp.array([1.0, 2.0, 3.0])),
    "chisquare": lambda k: random.chisquare(k, 3.0, (3,)),
    "f": lambda k: random.f(k, 3.0, 4.0, (3,)),
    "t": lambda k: random.t(k, 3.0, (3,)),
    "poisson": lambda k: random.poisson(k, 3.0, (3,)),
    "binomial": lambda k: random.binomial(k, 10.0, 0.3, (3,)),
    "geometric": lambda k: random.geometric(k, 0.3, (3,)),
    "multinomial": lambda k: random.multinomial(k, 10.0, jnp.array([0.2, 0.3, 0.5])),
    "pareto": lambda k: random.pareto(k, 3.0, (3,)),
    "lognormal": lambda k: random.lognormal(k, 0.5, (3,)),
    "maxwell": lambda k: random.maxwell(k, (3,)),
    "double_sided_maxwell": lambda k: random.double_sided_maxwell(k, 0.0, 1.0, (3,)),
    "rayleigh": lambda k: random.rayleigh(k, 1.0, (3,)),
    "triangular": lambda k: random.triangular(k, 0.0, 0.5, 1.0, (3,)),
    "wald": lambda k: random.wald(k, 1.0, (3,)),
    "weibull_min": lambda k: random.weibull_min(k, 1.0, 2.0, (3,)),
    "generalized_normal": lambda k: random.generalized_normal(k, 2.0, (3,)),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_sampler_jit_vmap_agree(name):
    sample = SAMPLERS[name]
    key = random.key(7)
    eager = np.asarray(sample(key))
    assert eager.size > 0 and np.all(np.isfinite(eager.astype(np.float64)))
    np.testing.assert_array_equal(np.asarray(jax.jit(sample)(key)), eager)
    keys = random.split(key, 3)
    batched = np.asarray(jax.vmap(sample)(keys))
    loop = np.stack([np.asarray(sample(k)) for k in keys])
    np.testing.assert_allclose(batched, loop, rtol=1e-6, atol=1e-6)
    # A different key gives different draws (the sampler really uses its key).
    other = np.asarray(sample(random.key(8)))
    assert name in ("orthogonal",) or not np.array_equal(other, eager) or eager.dtype == bool


def test_sampler_ranges():
    key = random.key(0)
    assert np.all(np.asarray(random.exponential(key, (100,))) >= 0)
    assert set(np.unique(np.asarray(random.rademacher(key, (100,))))) <= {-1, 1}
    b = np.asarray(random.beta(key, 2.0, 3.0, (200,)))
    assert np.all((b > 0) & (b < 1)) and abs(b.mean() - 0.4) < 0.08
    d = np.asarray(random.dirichlet(key, jnp.array([1.0, 2.0, 3.0]), (50,)))
    np.testing.assert_allclose(d.sum(-1), 1.0, rtol=1e-5)
    p = np.asarray(random.permutation(key, 10))
    assert sorted(p.tolist()) == list(range(10))
    q = np.asarray(random.orthogonal(key, 4))
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-5)
