"""Array creation: zeros, ones, full, *_like, arange, linspace, eye, identity."""
import builtins
import operator

import numpy as np

from .. import core, dtypes
from ..array import Array
from .. import conversion
from ..conversion import convert, extended_dispatch
from ..lax.lax import full as lax_full, full_like as lax_full_like, weak_of
from .shapes import broadcast_to, reshape, moveaxis, expand_dims, concatenate
from .ufuncs import add, multiply, subtract, divide, power, floor


def _dtype(dtype, default_kind="f"):
    if dtype is None:
        return dtypes.default_dtype_for_kind(default_kind)
    return dtypes.python_type_dtype(dtype) or dtypes.canonicalize_dtype(dtype)


def _shape(shape):
    if isinstance(shape, (int, np.integer)) or (hasattr(shape, "ndim") and not isinstance(shape, tuple)
                                                and getattr(shape, "ndim", 1) == 0):
        shape = (shape,)
    try:
        out = tuple(operator.index(core.concrete_or_error(d, "an array shape")
                                   if isinstance(d, core.Tracer) else d) for d in shape)
    except TypeError:
        raise TypeError(f"Shapes must be 1D sequences of concrete values of integer type, got "
                        f"{shape!r}") from None
    if builtins.any(d < 0 for d in out):
        # JAX's class (its shape rule rejects them), NumPy's words
        raise TypeError(f"negative dimensions are not allowed: {out}")
    return out


def zeros(shape, dtype=None, device=None):
    if core.current_trace() is not core.eval_trace:
        return lax_full(shape, 0, _dtype(dtype))
    return Array(np.zeros(_shape(shape), _dtype(dtype)), False)


def ones(shape, dtype=None, device=None):
    if core.current_trace() is not core.eval_trace:
        return lax_full(shape, 1, _dtype(dtype))
    return Array(np.ones(_shape(shape), _dtype(dtype)), False)


def empty(shape, dtype=None, device=None):
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None, device=None):
    return lax_full(shape, fill_value, dtype)


def _like(a, dtype, shape):
    a_dtype = a.dtype if hasattr(a, "dtype") else dtypes.dtype_and_weak(a)[0]
    dtype = dtypes.canonicalize_dtype(dtype) if dtype is not None else a_dtype
    shape = _shape(shape) if shape is not None else tuple(np.shape(a) if not hasattr(a, "shape")
                                                          else a.shape)
    return dtype, shape


def zeros_like(a, dtype=None, shape=None, device=None):
    weak = weak_of(a) and dtype is None
    dtype, shape = _like(a, dtype, shape)
    return Array(np.zeros(shape, dtype), weak)


def ones_like(a, dtype=None, shape=None, device=None):
    weak = weak_of(a) and dtype is None
    dtype, shape = _like(a, dtype, shape)
    return Array(np.ones(shape, dtype), weak)


def empty_like(a, dtype=None, shape=None, device=None):
    return zeros_like(a, dtype, shape)


def full_like(a, fill_value, dtype=None, shape=None, device=None):
    return lax_full_like(a, fill_value, dtype, shape)


def arange(start, stop=None, step=None, dtype=None, device=None):
    """Evenly spaced values in [start, stop); arguments must be concrete."""
    args = [core.concrete_or_error(a, "jnp.arange argument").item() if a is not None and
            not isinstance(a, (int, float)) else a for a in (start, stop, step)]
    start, stop, step = args
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if dtype is None:
        values = [v for v in (start, stop, step)]
        kind = "f" if builtins.any(isinstance(v, float) for v in values) else "i"
        dtype = dtypes.default_dtype_for_kind(kind)
    else:
        dtype = _dtype(dtype)
    return Array(np.arange(start, stop, step).astype(dtype), False)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, device=None):
    """`num` evenly spaced values from `start` to `stop`, computed as JAX does: in the
    requested dtype (bfloat16 rounds every step, as XLA), `start * (1 - t) + stop * t` with
    t = iota / (num - 1), which recovers both endpoints; integer dtypes take the floor.

    >>> jnp.linspace(0, 1, 5)
    Array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    dt = dtypes.canonicalize_dtype(dtype) if dtype is not None else dtypes.to_inexact(
        dtypes.result_type(start, stop))
    compute = dtypes.to_inexact(dt)
    s = convert(start, compute)
    e = convert(stop, compute)
    div = (num - 1) if endpoint else num
    shape = np.broadcast_shapes(np.shape(s), np.shape(e))
    if shape:
        s, e = broadcast_to(s, shape), broadcast_to(e, shape)
    s_ = expand_dims(s, 0) if s.ndim or shape else s
    e_ = expand_dims(e, 0) if e.ndim or shape else e
    if num > 1:
        step = divide(subtract(e, s), Array(np.asarray(div, compute), False))
        real = dtypes.finfo(compute).dtype  # complex linspace interpolates with real weights
        t = np.arange(div).astype(real).reshape((div,) + (1,) * len(shape)) / np.asarray(div, real)
        t = Array(np.asarray(t, real).astype(compute), False)
        out = add(multiply(s_, subtract(Array(np.ones((), compute), False), t)), multiply(e_, t))
        if endpoint:
            out = concatenate([out, e_ if shape else reshape(e, (1,))], axis=0)
    else:
        step = subtract(e, s) if num == 1 and not endpoint else Array(np.array(np.nan, compute),
                                                                      False)
        out = broadcast_to(s, (num,) + shape)  # [start], or empty
    out = out if not shape else moveaxis(out, 0, axis)
    if dtypes.is_integer(dt) and not dtypes.is_integer(out.dtype):
        out = floor(out)
    out = convert(out, dt)
    if retstep:
        return out, step
    return out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    lin = linspace(start, stop, num, endpoint=endpoint, axis=axis)
    out = power(convert(base, lin.dtype), lin)
    return convert(out, _dtype(dtype)) if dtype is not None else out


def eye(N, M=None, k=0, dtype=None, device=None):
    M = N if M is None else M
    return Array(np.eye(operator.index(N), operator.index(M), k, dtype=_dtype(dtype)), False)


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    return Array(np.tri(N, M, k, dtype=_dtype(dtype)), False)


@extended_dispatch
def asarray(a, dtype=None, order=None, *, copy=None, device=None):
    """Convert to a jaxlite Array with JAX's canonical dtype.

    >>> jnp.asarray([1, 2])
    Array([1, 2], dtype=int32)
    """
    return conversion.asarray(a, dtype, copy)
