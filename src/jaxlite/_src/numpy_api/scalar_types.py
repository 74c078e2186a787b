"""jax.numpy's scalar types and dtype names (`jnp.float32`, `jnp.bool_`, `jnp.int_`, ...),
the abstract types and constants NumPy defines, and the dtype predicates (issubdtype,
can_cast, isscalar, iscomplexobj, isrealobj).

A scalar type is usable as a dtype and callable to make a 0-d array, as in JAX:

>>> jnp.float32(1.5)
Array(1.5, dtype=float32)
>>> jnp.float32 == "float32", jnp.int8.dtype
(True, dtype('int8'))

The narrow types (bfloat16, float8_*, int4, ...) need ml_dtypes: `narrow_scalar_type` makes
them when first asked for, so that `import jaxlite.numpy` does not load ml_dtypes."""
import numpy as np

from .. import dtypes
from ..array import Array
from ..conversion import asarray


class _ScalarMeta(type):
    """`jnp.float32` etc.: usable as a dtype and callable to make a 0-d array."""

    def __call__(cls, x=0):
        return asarray(x, dtype=cls.dtype)

    def __eq__(cls, other):
        try:
            return cls.dtype == np.dtype(other)
        except TypeError:
            return NotImplemented

    def __ne__(cls, other):
        eq = cls.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(cls):
        # NumPy's scalar type's hash, as in JAX: `np.int32 in {jnp.int32, jnp.int64}` holds
        # (tensorflow-probability checks dtypes against such sets).
        return hash(cls.dtype.type)

    def __repr__(cls):
        return f"<class 'jaxlite.numpy.{cls.__name__}'>"

    def __instancecheck__(cls, instance):
        return getattr(instance, "dtype", None) == cls.dtype


def _scalar_type(name, np_type):
    # Public as jaxlite.numpy.<name> (for repr, pickling and introspection, as in JAX).
    return _ScalarMeta(name, (), {"dtype": np.dtype(np_type), "_np_type": np_type,
                                  "__module__": "jaxlite.numpy"})


bool_ = _scalar_type("bool_", np.bool_)
int8, int16, int32, int64 = (_scalar_type(f"int{n}", getattr(np, f"int{n}"))
                             for n in (8, 16, 32, 64))
uint8, uint16, uint32, uint64 = (_scalar_type(f"uint{n}", getattr(np, f"uint{n}"))
                                 for n in (8, 16, 32, 64))
float16, float32, float64 = (_scalar_type(f"float{n}", getattr(np, f"float{n}"))
                             for n in (16, 32, 64))
complex64, complex128 = (_scalar_type("complex64", np.complex64),
                         _scalar_type("complex128", np.complex128))
int_ = int64
uint = uint64
float_ = float64
complex_ = complex128
single, double = float32, float64
cdouble, csingle = complex128, complex64
# `bool` shadows the builtin only inside this module (and as jnp.bool)
bool = bool_

dtype = dtypes.DType
generic, number, inexact, floating, complexfloating = (np.generic, np.number, np.inexact,
                                                       np.floating, np.complexfloating)
integer, signedinteger, unsignedinteger = np.integer, np.signedinteger, np.unsignedinteger
object_, flexible, character = np.object_, np.flexible, np.character
pi, e, inf, nan, euler_gamma = np.pi, np.e, np.inf, np.nan, np.euler_gamma
newaxis = None
finfo, iinfo = dtypes.finfo, dtypes.iinfo

_narrow_scalar_types = {}


def narrow_scalar_type(name):
    """The scalar type of narrow dtype `name` (bfloat16, float8_*, int4, ...), made on first
    use, when ml_dtypes loads; AttributeError for any other name, as a module attribute."""
    if name not in dtypes.NARROW_NAMES:
        raise AttributeError(f"module 'jaxlite.numpy' has no attribute {name!r}")
    if name not in _narrow_scalar_types:
        _narrow_scalar_types[name] = _scalar_type(
            name, dtypes.narrow_dtype(name, f"jnp.{name}").type)
    return _narrow_scalar_types[name]


def issubdtype(arg1, arg2):
    """Whether `arg1` is a dtype lower in NumPy's type hierarchy than `arg2`.

    >>> jnp.issubdtype(jnp.float32, jnp.floating), jnp.issubdtype(jnp.int32, jnp.floating)
    (True, False)
    """
    return dtypes.issubdtype(np.dtype(arg1) if isinstance(arg1, _ScalarMeta) else arg1,
                             arg2.dtype.type if isinstance(arg2, _ScalarMeta) else arg2)


def isscalar(element):
    return np.isscalar(element) or (hasattr(element, "ndim") and element.ndim == 0
                                    and isinstance(element, Array))


def can_cast(from_, to, casting="safe"):
    return np.can_cast(from_, to, casting)


def iscomplexobj(x):
    # Not getattr(x, "dtype", np.asarray(x).dtype): the default would convert a tracer.
    dtype = x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype
    # (a typed key's extended dtype is no NumPy dtype: diffrax asks this of every leaf)
    return not isinstance(dtype, dtypes.ExtendedDType) and np.dtype(dtype).kind == "c"


def isrealobj(x):
    return not iscomplexobj(x)
