"""jaxlite.random: JAX's PRNG (threefry2x32, partitionable), bit-identical to JAX."""
from .._src.random.api import (PRNGKey, key, key_data, wrap_key_data, key_impl, split, fold_in,
                               clone, bits, uniform, normal, randint, bernoulli)
from .._src.random.keys import PRNGKeyArray as KeyArray
