"""Higher-order primitives: those whose parameters hold Jaxprs (jit, cond/while/scan,
custom_jvp/custom_vjp calls, remat, linear solves). They run their Jaxprs through the
compiler, so they sit above it; first-order primitives (prims/) sit below it."""
