"""jax.scipy.optimize: `minimize` (BFGS) and the line search it uses, written on
jax.numpy and `lax.while_loop`, so they run under jit, vmap and grad."""
