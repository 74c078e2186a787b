"""jaxlite.scipy.signal: the jax.scipy.signal API."""
from .._src.scipy.signal import (convolve, convolve2d, correlate, correlate2d, detrend,
                                 fftconvolve)
from .._src.scipy.spectral import csd, istft, stft, welch
