"""jaxlite.scipy.fft: the jax.scipy.fft API (dct, idct, dctn, idctn)."""
from .._src.scipy.fft import dct, idct, dctn, idctn
