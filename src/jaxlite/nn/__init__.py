"""jaxlite.nn: the jax.nn API (activations, softmax, one_hot, attention, initializers)."""
from .._src.nn.functions import (  # noqa: F401
    celu, dot_product_attention, elu, gelu, glu, hard_tanh, identity, leaky_relu, log1mexp,
    log_sigmoid, log_softmax, logmeanexp, logsumexp, mish, one_hot, relu, relu6,
    scaled_dot_general, selu, sigmoid, silu, soft_sign, softmax, softplus, sparse_plus,
    sparse_sigmoid, squareplus, standardize, swish, tanh)
from .._src.nn.functions import hard_sigmoid, hard_silu, hard_swish  # noqa: F401
from . import initializers  # noqa: F401,E402
