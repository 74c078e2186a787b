"""jax.lax's functions: thin wrappers over the primitives, one module per family
(lax.py: elementwise, shape and reduction wrappers; control_flow, convolution, slicing, ...)."""
