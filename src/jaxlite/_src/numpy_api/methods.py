"""Operators and methods of arrays, shared by Array and every Tracer: the one place that
installs jax.numpy onto the core's Array and Tracer classes (imported by jaxlite.numpy)."""
import numpy as np

from .. import dtypes
from ..core import Tracer
from ..array import Array, AnyArray
from ..conversion import asarray
from . import ufuncs as uf, reductions as rd, shapes as sh, contractions as ct, indexing as ix
from . import cumulative, sorting


def _swap(f):
    return lambda self, other: f(other, self)


def _defer_unknown(f):
    """Return NotImplemented for operand types we don't know (lets Python try others)."""
    def op(self, other):
        if not _known(other):
            return NotImplemented
        return f(self, other)
    return op


def _known(x):
    # An object with __jax_array__ (flax.nnx's Variable) joins the operation as its array,
    # as in JAX, before its own reflected operator is tried.
    return isinstance(x, (Array, Tracer, int, float, complex, bool, np.ndarray, np.generic)) \
        or hasattr(x, "__jax_array__")


def _setitem(self, index, value):
    raise TypeError("JAX arrays are immutable and do not support in-place "
                    "item assignment. Instead of x[idx] = y, use x = x.at[idx].set(y) or another "
                    ".at[] method (add, multiply, min, max, ...).")


def _astype(self, dtype, copy=False, device=None):
    return asarray(self, dtype=dtype)


def _reshape(self, *shape, order="C"):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return sh.reshape(self, shape, order=order)


def _transpose(self, *axes):
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = axes[0]
    return sh.transpose(self, axes or None)


def _round_builtin(self, ndigits=None):
    """Python's round(x[, ndigits]): rounds half to even; without ndigits, to integers of
    the default int dtype, as JAX's arrays do."""
    if ndigits is None:
        return _astype(uf.round(self), dtypes.default_int_dtype())
    return uf.round(self, ndigits)


_methods = {
    "__add__": uf.add, "__radd__": _swap(uf.add),
    "__sub__": uf.subtract, "__rsub__": _swap(uf.subtract),
    "__mul__": uf.multiply, "__rmul__": _swap(uf.multiply),
    "__truediv__": uf.true_divide, "__rtruediv__": _swap(uf.true_divide),
    "__floordiv__": uf.floor_divide, "__rfloordiv__": _swap(uf.floor_divide),
    "__mod__": uf.remainder, "__rmod__": _swap(uf.remainder),
    "__divmod__": uf.divmod, "__rdivmod__": _swap(uf.divmod),
    "__pow__": uf.power, "__rpow__": _swap(uf.power),
    "__matmul__": ct.matmul, "__rmatmul__": _swap(ct.matmul),
    "__and__": uf.bitwise_and, "__rand__": _swap(uf.bitwise_and),
    "__or__": uf.bitwise_or, "__ror__": _swap(uf.bitwise_or),
    "__xor__": uf.bitwise_xor, "__rxor__": _swap(uf.bitwise_xor),
    "__lshift__": uf.left_shift, "__rlshift__": _swap(uf.left_shift),
    "__rshift__": uf.right_shift, "__rrshift__": _swap(uf.right_shift),
    "__eq__": uf.equal, "__ne__": uf.not_equal,
    "__lt__": uf.less, "__le__": uf.less_equal, "__gt__": uf.greater, "__ge__": uf.greater_equal,
    "__neg__": uf.negative, "__pos__": uf.positive, "__abs__": uf.absolute,
    "__invert__": uf.bitwise_not, "__round__": _round_builtin,
    "__getitem__": ix.getitem, "__setitem__": _setitem,
    "sum": rd.sum, "mean": rd.mean, "max": rd.max, "min": rd.min, "prod": rd.prod,
    "argmax": rd.argmax, "argmin": rd.argmin, "all": rd.all, "any": rd.any,
    "var": rd.var, "std": rd.std, "ptp": rd.ptp,
    "reshape": _reshape, "transpose": _transpose, "ravel": sh.ravel, "flatten": sh.ravel,
    "squeeze": sh.squeeze, "swapaxes": sh.swapaxes, "astype": _astype,
    "dot": ct.dot, "clip": uf.clip, "round": uf.round, "conj": uf.conjugate,
    "conjugate": uf.conjugate, "take": ix.take, "diagonal": ix.diagonal, "trace": ix.trace,
    "nonzero": ix.nonzero, "cumsum": cumulative.cumsum, "cumprod": cumulative.cumprod,
    "sort": sorting.sort, "argsort": sorting.argsort, "searchsorted": sorting.searchsorted,
}

_binary_ops = {name for name in _methods if name.startswith("__") and name not in (
    "__neg__", "__pos__", "__abs__", "__invert__", "__getitem__", "__setitem__",
    "__round__")}


def install(cls):
    for name, fn in _methods.items():
        setattr(cls, name, _defer_unknown(fn) if name in _binary_ops else fn)
    cls.T = property(lambda self: sh.transpose(self))
    cls.mT = property(lambda self: sh.matrix_transpose(self))
    cls.at = property(lambda self: ix._IndexUpdateHelper(self))
    cls.real = property(uf.real)
    cls.imag = property(uf.imag)
    cls.__hash__ = cls.__dict__.get("__hash__") or Tracer.__hash__


# AnyArray (jax.Array) gets them too, to declare the API as JAX's Array class does (it is
# never instantiated: isinstance checks go through its metaclass).
for _cls in (Array, Tracer, AnyArray):
    _saved_hash = _cls.__hash__
    install(_cls)
    _cls.__hash__ = _saved_hash  # defining __eq__ must not make arrays hashable or unhashable
