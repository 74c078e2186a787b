"""`jax._src.xla_bridge` for chex (set_n_cpu_devices reads `_backends` to tell whether
XLA has started): jaxlite starts no XLA backends, so the table is empty."""
_backends = {}
