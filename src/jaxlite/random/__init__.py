"""jaxlite.random: JAX's PRNG (threefry2x32, partitionable), bit-identical to JAX."""
from .._src.random.api import (PRNGKey, key, key_data, wrap_key_data, key_impl, split, fold_in,
                               clone, bits, uniform, normal, randint, bernoulli)
from .._src.random.keys import PRNGKeyArray as KeyArray
from .._src.random.sampler_api import (  # noqa: F401
    exponential, laplace, logistic, gumbel, cauchy, truncated_normal, rademacher, rayleigh,
    pareto, lognormal, maxwell, double_sided_maxwell, weibull_min, triangular, wald, geometric,
    categorical, permutation, choice, multivariate_normal, orthogonal, gamma, loggamma, beta,
    dirichlet, chisquare, f, t, generalized_normal, ball, poisson, binomial, multinomial)
from .._src.random.gamma import random_gamma_p  # noqa: F401
