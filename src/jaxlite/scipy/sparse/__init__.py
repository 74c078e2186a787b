"""jaxlite.scipy.sparse: the jax.scipy.sparse API (its `linalg` submodule)."""
from . import linalg
