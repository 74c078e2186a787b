"""jaxlite.dtypes: `jax.dtypes` — canonical dtypes, promotion, and the narrow dtypes.

`dtypes.bfloat16` and the other ml_dtypes types load ml_dtypes on first access; without it
installed, access raises AttributeError saying `pip install ml_dtypes`.
"""
from ._src import dtypes as _dtypes
from ._src.dtypes import (canonicalize_dtype, issubdtype, result_type, finfo, iinfo,
                          TypePromotionError, float0, extended, prng_key, ExtendedDType, scalar_type_of,
                          itemsize_bits)


def __getattr__(name):
    if name in _dtypes.NARROW_NAMES:
        # As jax.dtypes.bfloat16: the ml_dtypes scalar type, usable as a dtype.
        narrow_type = _dtypes.narrow_dtype(name, f"jaxlite.dtypes.{name}").type
        globals()[name] = narrow_type
        return narrow_type
    raise AttributeError(f"module 'jaxlite.dtypes' has no attribute {name!r}")
