"""Turning user values into arrays, and dtype promotion before a primitive.

`asarray` canonicalizes dtypes (float64 -> float32 unless x64) and marks
Python scalars weakly typed; `promote` converts operands to their JAX result
dtype so primitives always see equal dtypes.
"""
import functools

import numpy as np

from . import dtypes
from .core import Tracer
from .array import Array
from .prims.elementwise import convert_element_type_p
from .prims.shape import broadcast_in_dim_p, concatenate_p, reshape_p

_scalar_types = (bool, int, float, complex)


# Array types of an extended dtype (typed PRNG key arrays, which live above this layer),
# registered by their module; each answers jnp functions with its `__jnp_override__`.
extended_array_types = set()


def override_of(x):
    t = type(x)
    return t.__jnp_override__ if t in extended_array_types else None


def extended_dispatch(fn=None, *, positions=(0,)):
    """Let arrays of an extended dtype answer a jnp function themselves: when the argument
    at one of `positions` (for position 0 also an element of a list or tuple there, as
    concatenate takes) is one, the call goes to its type's `__jnp_override__(fn, args,
    kwargs)`. Other calls pay one set lookup."""
    if fn is None:
        return lambda f: extended_dispatch(f, positions=positions)
    types = extended_array_types

    @functools.wraps(fn)
    def dispatching(*args, **kwargs):
        for i in positions:
            if i < len(args):
                a = args[i]
                t = type(a)
                if t in types:
                    return t.__jnp_override__(fn, args, kwargs)
                if i == 0 and (t is list or t is tuple) and types:
                    for b in a:
                        if type(b) in types:
                            return type(b).__jnp_override__(fn, args, kwargs)
        return fn(*args, **kwargs)
    return dispatching


def _check_int_range(x, dtype):
    if type(x) is int and dtype.kind in "iu":
        info = np.iinfo(dtype)
        if not info.min <= x <= info.max:
            raise OverflowError(f"Python int {x} too large to convert to {dtype.name}")


def _canonical_ndarray(x):
    value = np.asarray(x)
    return value.astype(dtypes.canonicalize_dtype(value.dtype), copy=False)


# Python type -> the function making a value of it a NumPy array of JAX's canonical dtype
# (JAX's `xla.canonicalize_dtype_handlers`). Libraries register array-like types here,
# copying the ndarray entry (tensorflow-probability's NumpyVariable); asarray uses it.
canonicalize_dtype_handlers = {np.ndarray: _canonical_ndarray}


def asarray(x, dtype=None, copy=None, order=None):
    """`jnp.asarray`: an Array (or tracer) with JAX's canonical dtype."""
    if dtype is not None:
        dtype = dtypes.python_type_dtype(dtype) or dtypes.canonicalize_dtype(dtype)
    t = type(x)
    if t is Array or isinstance(x, Tracer) or isinstance(x, Array):
        if dtype is None or (x.dtype == dtype and not x.weak_type):
            return x
        # An explicit dtype makes the result strongly typed, even when it is unchanged.
        return convert_element_type_p.bind(x, new_dtype=dtype, weak_type=False)
    if t in _scalar_types:
        weak = dtype is None and t is not bool
        dt = dtype or dtypes.python_scalar_dtype(x)
        _check_int_range(x, dt)
        return Array(np.asarray(x, dt), weak)
    if isinstance(x, (list, tuple)) and _contains_array(x):  # JAX promotion, not NumPy's
        out = _stack_nested(x, dtype)
        if out.weak_type:  # a list makes a strongly typed array, as in JAX
            out = convert_element_type_p.bind(out, new_dtype=out.dtype, weak_type=False)
        return out
    if hasattr(x, "__jax_array__"):
        return asarray(x.__jax_array__(), dtype)
    handler = canonicalize_dtype_handlers.get(t)
    if handler is not None and t is not np.ndarray:  # ndarrays: the path below, as before
        return asarray(handler(x), dtype)
    if x is None:
        raise ValueError("None is not a valid value for jnp.array")
    try:
        value = np.asarray(x)
    except ValueError as e:  # NumPy's ragged nested sequences: JAX keeps NumPy's ValueError
        raise ValueError(f"{e} (jnp.array needs nested lists of equal lengths)") from None
    except Exception:
        raise TypeError(f"Value {x!r} of type {type(x).__name__} is not a valid JAX array type: "
                        "pass numbers, NumPy arrays, or nested lists/tuples of them") from None
    if value.dtype == object or value.dtype.kind in "US":
        if isinstance(x, (list, tuple)) and _contains_none(x):
            raise ValueError("None is not a valid value for jnp.array")
        raise TypeError(f"Value {_short_repr(x)} with dtype {value.dtype} is not a valid JAX "
                        "array type. Only arrays of numeric types are supported by JAX.")
    if isinstance(x, (list, tuple)) and value.dtype.kind == "f" and dtype is not None \
            and dtype.kind in "iu":
        # Each Python float converted by NumPy, as JAX does: a NaN, an infinity or an
        # out-of-range value raises (ValueError, OverflowError) instead of wrapping.
        value = np.asarray(x, dtype)
    if isinstance(x, (list, tuple)) and value.dtype.kind in "iu" and dtype is None:
        value = value.astype(dtypes.default_int_dtype())
    target = dtype or dtypes.canonicalize_dtype(value.dtype)
    if value.dtype != target:
        with np.errstate(all="ignore"):
            value = value.astype(target)
    elif copy or isinstance(x, np.ndarray):
        value = value.copy()  # later writes to the NumPy array must not change ours
    return Array(value, False)


@extended_dispatch
def array(x, dtype=None, copy=True, order=None, ndmin=0):
    out = asarray(x, dtype)
    if ndmin and out.ndim < ndmin:
        out = reshape_p.bind(out, new_sizes=(1,) * (ndmin - out.ndim) + tuple(out.shape))
    return out


def _contains_none(x):
    return any(e is None or (isinstance(e, (list, tuple)) and _contains_none(e)) for e in x)


def _short_repr(x):
    text = str(x)
    return f"'{text}'" if len(text) <= 60 else f"'{text[:57]}...'"


def _contains_array(x):
    return any(isinstance(e, (Tracer, Array)) or (isinstance(e, (list, tuple)) and _contains_array(e))
               for e in x)


def _leaves(x):
    return [leaf for e in x for leaf in (_leaves(e) if isinstance(e, (list, tuple)) else [e])]


def _stack_nested(x, dtype):
    """A nested list holding tracers or arrays, staged as JAX stages it: every leaf in the
    list's dtype, strongly typed, and each level stacked by broadcasting its parts to a
    leading axis of 1 and concatenating them."""
    if dtype is None:
        dtype = dtypes.canonicalize_dtype(dtypes.result_type_and_weak(*_leaves(x))[0])
    parts = []
    for e in x:
        if isinstance(e, (list, tuple)):
            part = _stack_nested(e, dtype)
        else:  # an explicit dtype makes it strongly typed (Python scalars concretely)
            part = asarray(e, dtype)
        parts.append(broadcast_in_dim_p.bind(part, shape=(1,) + tuple(part.shape),
                                             broadcast_dimensions=tuple(range(1, part.ndim + 1))))
    return concatenate_p.bind(*parts, dimension=0)


def convert(x, dtype, weak=False):
    """`x` as an array of `dtype` (x may be a Python scalar, array or tracer)."""
    t = type(x)
    if t in _scalar_types:
        if t is int and dtype.kind in "iu":
            # As JAX: a Python int joining an operation is a weak default int first (its
            # range checked there), then converted to the operand's integer dtype with
            # wraparound, so `uint8_array * -1` is 255s and `int8_array + 200` wraps.
            default = dtypes.default_int_dtype()
            _check_int_range(x, default)
            return Array(np.asarray(x, default).astype(dtype), weak)
        if t is float and dtype.kind in "iu":  # saturating, as convert_element_type
            value = np.asarray(x, dtypes.python_scalar_dtype(x))
            return Array(convert_element_type_p.impl(value, new_dtype=dtype), weak)
        return Array(np.asarray(x, dtype), weak)
    if t is Array:
        if x.dtype == dtype:
            return x if x.weak_type == weak or weak else Array(x._value, False)
        if not x.ndim:  # a concrete scalar converts concretely (a literal in JAX's jaxprs)
            return Array(convert_element_type_p.impl(x._value, new_dtype=dtype), weak)
        return convert_element_type_p.bind(x, new_dtype=dtype, weak_type=weak)
    if isinstance(x, Tracer):
        # A weakly typed operand joining a strongly typed one is converted, as JAX stages
        # it: `convert_element_type[weak_type=False]` shows in a jaxpr even for one dtype.
        if x.dtype == dtype and (x.weak_type == weak or weak):
            return x
        return convert_element_type_p.bind(x, new_dtype=dtype, weak_type=weak)
    return convert(asarray(x), dtype, weak)


def promote(*args):
    """Convert operands to their common JAX result dtype."""
    dtype, weak = dtypes.result_type_and_weak(*args)
    return [convert(a, dtype, weak) for a in args]


def promote_numeric(*args):
    """Promote, then turn booleans into int32 (for arithmetic like %, **, <<): int32 in
    x64 mode too, as JAX's numeric promotion does."""
    dtype, weak = dtypes.result_type_and_weak(*args)
    if dtype == np.bool_:
        dtype = np.dtype(np.int32)
    return [convert(a, dtype, weak) for a in args]


def promote_inexact(*args):
    """Promote, then move integer/bool results to a float dtype (for sin, mean...)."""
    dtype, weak = dtypes.result_type_and_weak(*args)
    if not dtypes.is_inexact(dtype):
        dtype = dtypes.to_inexact(dtype)
    return [convert(a, dtype, weak) for a in args]


def check_arraylike(name, *args):
    for i, a in enumerate(args):
        if not (type(a) in _scalar_types or isinstance(a, (Array, Tracer, np.ndarray, np.generic))
                or hasattr(a, "__jax_array__")):
            raise TypeError(f"{name} requires ndarray or scalar arguments, got {type(a).__name__} "
                            f"at position {i}.")

