"""Functions of functions: vectorize (with gufunc signatures), apply_along_axis,
apply_over_axes, fromfunction, and the ufunc class (frompyfunc) with reduce, accumulate,
outer, at and reduceat. All map with vmap or loop over static sizes, so they compose with
the transformations."""
import re

import numpy as np

from .. import core, dtypes
from ..conversion import asarray, convert
from ..api import vmap
from .shapes import canonical_axes, expand_dims, broadcast_to, reshape, moveaxis, stack
from .creation import arange
from .ufuncs import where as select


def _vmap(fn, in_axes=0, out_axes=0):
    return vmap(fn, in_axes=in_axes, out_axes=out_axes)


# ---- vectorize ---------------------------------------------------------------------------------
_DIMENSION = r"\w+"
_CORE = rf"\((?:{_DIMENSION}(?:,{_DIMENSION})*)?\)"
_ARGUMENTS = rf"{_CORE}(?:,{_CORE})*"
_SIGNATURE = rf"^{_ARGUMENTS}->{_ARGUMENTS}$"


def _parse_signature(signature):
    signature = signature.replace(" ", "")
    if not re.match(_SIGNATURE, signature):
        raise ValueError(f"not a valid gufunc signature: {signature}")
    inputs, outputs = signature.split("->")
    parse = lambda part: [tuple(re.findall(_DIMENSION, core_dims))
                          for core_dims in re.findall(_CORE, part)]
    return parse(inputs), parse(outputs)


class vectorize:
    """`np.vectorize` on vmap: `pyfunc` maps over the broadcast loop dimensions of its
    arguments; a gufunc `signature` such as "(n),(n)->()" names core dimensions.

    >>> jnp.vectorize(jnp.dot, signature="(n),(n)->()")(jnp.ones((4, 3)), jnp.ones(3)).shape
    (4,)
    """

    def __init__(self, pyfunc, *, excluded=frozenset(), signature=None):
        self.pyfunc = pyfunc
        self.excluded = frozenset(excluded)
        self.signature = signature
        self.__doc__ = getattr(pyfunc, "__doc__", None)
        self.__name__ = getattr(pyfunc, "__name__", "vectorized")

    def __call__(self, *args, **kwargs):
        excluded = self.excluded
        fixed_kwargs = {k: v for k, v in kwargs.items() if k in excluded}
        mapped_kwargs = {k: v for k, v in kwargs.items() if k not in excluded}
        kw_names = list(mapped_kwargs)
        positions = [i for i in range(len(args)) if i not in excluded]
        mapped = [asarray(args[i]) for i in positions] + [asarray(mapped_kwargs[k])
                                                          for k in kw_names]
        if self.signature is None:
            in_core = [()] * len(mapped)
            out_core = None
        else:
            in_core, out_core = _parse_signature(self.signature)
            if len(in_core) != len(mapped):
                raise TypeError(f"wrong number of positional arguments: expected "
                                f"{len(in_core)}, got {len(mapped)}")
        sizes = {}
        loop_shapes = []
        for x, dims in zip(mapped, in_core):
            if x.ndim < len(dims):
                raise ValueError(f"input with shape {x.shape} does not have enough dimensions "
                                 f"for its core dimensions {dims}")
            core_shape = x.shape[x.ndim - len(dims):]
            for name, size in zip(dims, core_shape):
                if sizes.setdefault(name, size) != size:
                    raise ValueError(f"inconsistent size for core dimension {name!r}: "
                                     f"{size} vs {sizes[name]}")
            loop_shapes.append(x.shape[:x.ndim - len(dims)])
        loop_shape = tuple(np.broadcast_shapes(*loop_shapes)) if loop_shapes else ()
        count = int(np.prod(loop_shape, dtype=np.int64))
        flat = [reshape(broadcast_to(x, loop_shape + x.shape[x.ndim - len(dims):]),
                        (count,) + x.shape[x.ndim - len(dims):])
                for x, dims in zip(mapped, in_core)]

        def call(*values):
            full = list(args)
            for i, v in zip(positions, values):
                full[i] = v
            kw = dict(fixed_kwargs)
            kw.update(zip(kw_names, values[len(positions):]))
            return self.pyfunc(*full, **kw)

        outs = _vmap(call)(*flat) if mapped else call()
        if not mapped:
            return outs
        single = not isinstance(outs, (tuple, list))
        outs_list = [outs] if single else list(outs)
        if out_core is not None and len(out_core) != len(outs_list):
            raise ValueError(f"wrong number of outputs from pyfunc: expected {len(out_core)}, "
                             f"got {len(outs_list)}")
        results = [reshape(o, loop_shape + tuple(o.shape[1:])) for o in outs_list]
        return results[0] if single else tuple(results)


# ---- along axes -----------------------------------------------------------------------------------
def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """Apply `func1d` to the 1-D slices of `arr` along `axis` (through vmap)."""
    x = asarray(arr)
    axis = canonical_axes(axis, x.ndim)[0]
    fn = lambda v: func1d(v, *args, **kwargs)
    for i in range(1, x.ndim - axis):
        fn = _vmap(fn, in_axes=i, out_axes=-1)
    for _ in range(axis):
        fn = _vmap(fn, in_axes=0, out_axes=0)
    return fn(x)


def apply_over_axes(func, a, axes):
    """Apply `func(a, axis)` repeatedly over `axes`, keeping reduced axes as size 1."""
    x = asarray(a)
    for axis in [axes] if isinstance(axes, int) else axes:
        out = asarray(func(x, axis))
        x = out if out.ndim == x.ndim else expand_dims(out, axis)
    return x


def fromfunction(function, shape, *, dtype=float, **kwargs):
    """Build an array by calling `function` on each index (vmapped, so it sees scalars)."""
    shape = tuple(int(d) for d in shape)
    for i in range(len(shape)):
        in_axes = [0 if i == j else None for j in range(len(shape))]
        function = _vmap(function, in_axes=tuple(in_axes[::-1]))
    return function(*(arange(s, dtype=dtype) for s in shape), **kwargs)


# ---- ufunc -------------------------------------------------------------------------------------
class ufunc:
    """A universal function made from a scalar function of `nin` inputs and `nout` outputs
    (`jnp.frompyfunc`): it broadcasts (through vectorize) and has `reduce`, `accumulate`,
    `outer`, `at` and `reduceat`, like `jax.numpy.ufunc`."""

    def __init__(self, func, /, nin, nout, *, name=None, nargs=None, identity=None, call=None,
                 reduce=None, accumulate=None, at=None, reduceat=None):
        self._func = func
        self.nin, self.nout = int(nin), int(nout)
        self.nargs = nargs if nargs is not None else self.nin
        self.identity = identity
        self.__name__ = name or getattr(func, "__name__", "ufunc")
        self._call = call or vectorize(func)

    def __repr__(self):
        return f"<jnp.ufunc '{self.__name__}'>"

    def __call__(self, *args, out=None, where=None):
        if out is not None:
            raise NotImplementedError(f"out argument of {self}")
        if where is not None:
            raise NotImplementedError(f"where argument of {self}")
        if len(args) != self.nin:
            raise TypeError(f"{self} takes {self.nin} positional arguments, got {len(args)}")
        return self._call(*args)

    def _check_binary(self, what):
        if self.nin != 2 or self.nout != 1:
            raise ValueError(f"{what} only supported for binary ufuncs with a single output; "
                             f"got nin={self.nin}, nout={self.nout}")

    def reduce(self, a, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=None):
        """Fold the binary function over `axis` (or several axes, or None for all)."""
        self._check_binary("reduce")
        x = asarray(a)
        if dtype is not None:
            x = convert(x, dtypes.canonicalize_dtype(dtype))
        axes = canonical_axes(axis, x.ndim) if axis is not None else tuple(range(x.ndim))
        if where is not None:
            identity = initial if initial is not None else self.identity
            if identity is None:
                raise ValueError("reduction with where= needs an identity or initial")
            x = select(broadcast_to(asarray(where), x.shape), x, convert(identity, x.dtype))
        kept = [i for i in range(x.ndim) if i not in axes]
        lanes = moveaxis(x, list(axes), list(range(x.ndim - len(axes), x.ndim))) if axes else x
        lanes = reshape(lanes, tuple(x.shape[i] for i in kept) + (-1,)) if axes else \
            reshape(x, x.shape + (1,))
        n = lanes.shape[-1]
        if initial is not None:
            acc = broadcast_to(convert(initial, x.dtype), lanes.shape[:-1])
            start = 0
        elif n == 0:
            if self.identity is None:
                raise ValueError("zero-size reduction with no identity")
            acc = broadcast_to(convert(self.identity, x.dtype), lanes.shape[:-1])
            start = 0
        else:
            acc, start = lanes[..., 0], 1
        for i in range(start, n):
            acc = self(acc, lanes[..., i])
        if keepdims:
            acc = reshape(acc, tuple(1 if i in axes else d for i, d in enumerate(x.shape)))
        return acc

    def accumulate(self, a, axis=0, dtype=None, out=None):
        """The running fold along `axis`."""
        self._check_binary("accumulate")
        x = asarray(a)
        if dtype is not None:
            x = convert(x, dtypes.canonicalize_dtype(dtype))
        axis = canonical_axes(axis, x.ndim)[0]
        moved = moveaxis(x, axis, 0)
        if moved.shape[0] == 0:
            return x
        results = [moved[0]]
        for i in range(1, moved.shape[0]):
            results.append(self(results[-1], moved[i]))
        return moveaxis(stack(results), 0, axis)

    def outer(self, A, B, /):
        """f(A[i...], B[j...]) for every pair."""
        self._check_binary("outer")
        a, b = asarray(A), asarray(B)
        return self(reshape(a, a.shape + (1,) * b.ndim), b)

    def at(self, a, indices, b=None, /, *, indices_are_sorted=False, unique_indices=False,
           inplace=True):
        """`a` with a[indices] = f(a[indices], b), applied index by index (repeats compound)."""
        if inplace:
            raise NotImplementedError("jax.numpy.ufunc.at operation does not support "
                                      "inplace=True")
        x = asarray(a)
        index = indices if isinstance(indices, tuple) else (indices,)
        index = tuple(asarray(i) for i in index)
        shape = np.broadcast_shapes(*[tuple(i.shape) for i in index])
        index = tuple(broadcast_to(i, shape).reshape((-1,)) for i in index)
        count = index[0].shape[0] if index else 0
        if b is not None:
            values = broadcast_to(asarray(b), shape).reshape((-1,))
        for k in range(count):
            position = tuple(i[k] for i in index)
            current = x[position]
            new = self(current) if b is None else self(current, values[k])
            x = x.at[position].set(convert(new, x.dtype))
        return x

    def reduceat(self, a, indices, axis=0, dtype=None, out=None):
        """Reductions over the slices [indices[i], indices[i+1]) along `axis` (concrete
        indices)."""
        self._check_binary("reduceat")
        x = asarray(a)
        axis = canonical_axes(axis, x.ndim)[0]
        idx = np.asarray(core.concrete_or_error(asarray(indices), "the indices of reduceat"))
        moved = moveaxis(x, axis, 0)
        n = moved.shape[0]
        parts = []
        for k, start in enumerate(idx):
            stop = idx[k + 1] if k + 1 < len(idx) else n
            if stop <= start:
                parts.append(moved[start])
            else:
                parts.append(self.reduce(moved[start:stop], axis=0, dtype=dtype))
        return moveaxis(stack(parts), 0, axis)


def frompyfunc(func, /, nin, nout, *, identity=None):
    """A `ufunc` from a function of scalars."""
    return ufunc(func, nin, nout, identity=identity)
