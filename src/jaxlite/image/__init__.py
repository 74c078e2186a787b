"""jaxlite.image: the jax.image API (resize, scale_and_translate, ResizeMethod)."""
from .._src.image.resample import ResizeMethod, resize, scale_and_translate
