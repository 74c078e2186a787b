"""jax.image: image resampling (resize, scale_and_translate)."""
