"""jax.example_libraries: the small neural-network (`stax`) and optimizer
(`optimizers`) libraries that JAX ships as examples, written from their documented
API on jaxlite's numpy, lax, random and nn layers."""
