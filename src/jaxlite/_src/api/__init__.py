"""The public transformations: grad, value_and_grad, jvp, vjp, linearize,
jacfwd, jacrev, hessian, vmap, make_jaxpr, eval_shape, and friends.

These wrappers own everything user-facing — argnums, pytrees, has_aux,
argument checks and error messages — and call the flat transformations of
ad.py and batching.py. (jit lives in jit_api.py.) The package's modules:
`arguments` (what the wrappers share), `differentiation`, `mapping` (vmap) and `tracing`
(make_jaxpr, eval_shape and the device utilities); this module re-exports them.
"""
from .differentiation import (vjp, value_and_grad, grad, jvp, linearize, jacfwd, jacrev,
                              jacobian, hessian)
from .mapping import vmap
from .tracing import (ShapeDtypeStruct, leaf_aval, trace_pytree_function, make_jaxpr,
                      eval_shape, block_until_ready, device_get, device_put)
