"""jaxlite.scipy.signal: the jax.scipy.signal API."""
from .._src.scipy.signal import (convolve, convolve2d, correlate, correlate2d, csd, detrend,
                                 fftconvolve, istft, stft, welch)
