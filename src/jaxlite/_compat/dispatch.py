"""`jax._src.dispatch` for equinox's `import jax._src.dispatch`: jaxlite runs every
computation synchronously, so it has no runtime tokens to wait for (equinox reads
`wait_for_tokens` only if it exists)."""
