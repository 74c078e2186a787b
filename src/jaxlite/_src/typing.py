"""Type annotations for JAX programs (`jax.typing`): ArrayLike and DTypeLike."""
from typing import Any, Protocol, Union

import numpy as np

from .array import AnyArray as Array


class SupportsDType(Protocol):
    """Anything with a `dtype` attribute (an array, a ShapeDtypeStruct)."""

    @property
    def dtype(self) -> np.dtype: ...


# What jax.numpy functions accept as an array: arrays, NumPy arrays and scalars, and Python
# scalars (not lists or tuples, which JAX asks you to convert explicitly).
ArrayLike = Union[Array, np.ndarray, np.bool_, np.number, bool, int, float, complex]

# What is accepted as a dtype: names ('float32'), scalar types (jnp.float32, float),
# np.dtype objects, and anything with a dtype.
DTypeLike = Union[str, type[Any], np.dtype, SupportsDType]
