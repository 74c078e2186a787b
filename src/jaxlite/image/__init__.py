"""jaxlite.image: the jax.image API (resize, scale_and_translate, ResizeMethod)."""
from .._src.image.scale import ResizeMethod, resize, scale_and_translate
