"""Mutable array references (`jax.new_ref`, `jax.freeze`): the Ref object and how
transformations see it.

A Ref holds an array (or a tracer) and the trace it belongs to. Reading
`ref[idx]` indexes the held value; writing `ref[idx] = v` replaces it by
`value.at[idx].set(v)`, so under grad and vmap reads and writes are ordinary
indexing and scatter operations on the held value, in program order.

jit makes the state explicit (functionalization at trace time): a Ref passed as
an argument, or one created outside the jitted function and used inside it
(found while tracing, the first time the function touches it), becomes an extra
input of the staged Jaxpr, and its final value an extra output that jit writes
back after the call. A cached trace remembers which outside Refs it touched and
passes their current values on every call. So the Jaxpr shows the reads and
writes as `gather`/`scatter`-style equations on an input, not as JAX's
`get`/`swap` equations on a `Ref{...}` input.

A Ref created outside a transformation cannot receive a value of that
transformation (a vmapped or differentiated value): that raises `Exception`, as
in JAX; pass the Ref as an argument instead.
"""
import itertools
import threading

import numpy as np

from . import core, dtypes
from .core import Tracer, _context

_serials = itertools.count()


class _Scopes(threading.local):
    def __init__(self):
        self.stack = []  # the jit traces running now, outermost first


_scopes = _Scopes()


def _as_value(x):
    if isinstance(x, (core.Array, Tracer)):
        return x
    if isinstance(x, (bool, int, float, complex)):
        return core.Array(np.asarray(x, dtypes.python_scalar_dtype(x)), not isinstance(x, bool))
    value = np.asarray(x)
    return core.Array(np.asarray(value, dtypes.canonicalize_dtype(value.dtype)), False)


def _short(value):
    aval = core.get_aval(value)
    return f"Ref{{{aval.str_short()}}}" if hasattr(aval, "str_short") else "Ref"


class AbstractRef(core.ShapedArray):
    """The type of a Ref (`jax.typeof(ref)`): the shape and dtype of the array it holds,
    shown as JAX shows it (`Ref{float32[3]}`). flax.nnx tells Refs from arrays by it."""
    __slots__ = ()

    def str_short(self, short_dtypes=False, mesh_axis_types=False):
        return "Ref{" + super().str_short(short_dtypes) + "}"

    def __str__(self):
        return self.str_short()

    def __eq__(self, other):
        return (type(other) is AbstractRef and self.shape == other.shape
                and self.dtype == other.dtype)

    def __hash__(self):
        return hash(("Ref", self.shape, self.dtype))

    def __repr__(self):
        return f"AbstractRef({super().str_short()})"


class Ref:
    """A mutable reference to an array: `ref[...]` reads it, `ref[idx] = v` writes it.

    >>> ref = jax.new_ref(jnp.zeros(3))
    >>> ref[1] = 2.0
    >>> ref
    Ref([0., 2., 0.], dtype=float32)
    >>> jax.freeze(ref)
    Array([0., 2., 0.], dtype=float32)
    """
    __slots__ = ("_value", "_trace", "_serial", "__weakref__")

    def __init__(self, value):
        self._value = _as_value(value)
        self._trace = _context.trace
        self._serial = next(_serials)

    def _current(self):
        for scope in _scopes.stack:
            if self._serial < scope.start and id(self) not in scope.lifted:
                scope.lift(self)
        return self._value

    def __getitem__(self, index):
        value = self._current()
        if index is Ellipsis or index == ():
            return value
        return value[index]

    def __setitem__(self, index, update):
        value = self._current()
        new = value.at[index].set(update)
        if isinstance(new, Tracer) and not _visible(new._trace, self._trace):
            kind = ("a vmapped value on an unbatched" if "Batch" in type(new._trace).__name__
                    else "a differentiated value on a non-differentiated"
                    if "JVP" in type(new._trace).__name__.upper()
                    else "a value of an inner transformation on an outer")
            raise Exception(  # noqa: TRY002 (JAX raises this very class)
                f"performing a set/swap operation with {kind} array reference of type "
                f"{_short(value)}. Move the array reference to be an argument of the "
                "transformed function?")
        self._value = new

    @property
    def shape(self):
        return tuple(self._value.shape)

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self):
        return len(self._value.shape)

    @property
    def size(self):
        return int(np.prod(self._value.shape))

    @property
    def weak_type(self):
        return core.get_aval(self._value).weak_type

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def unsafe_buffer_pointer(self):
        value = self._value
        if isinstance(value, Tracer):
            raise core.ConcretizationTypeError(
                "unsafe_buffer_pointer() of a Ref holding a traced value")
        return value._value.__array_interface__["data"][0]

    def __repr__(self):
        value = self._value
        if isinstance(value, Tracer):
            return f"Ref({value!r})"
        text = repr(value)
        if text.startswith("Array("):  # re-indent the continuation lines for "Ref("
            text = "Ref(" + text[len("Array("):].replace("\n  ", "\n")
        return text

    __str__ = __repr__


def _visible(trace, from_trace):
    """Whether values of `trace` may be stored where `from_trace` is current."""
    while from_trace is not None:
        if from_trace is trace:
            return True
        from_trace = from_trace.parent
    return False


def new_ref(init_val):
    """A new mutable array reference holding `init_val`.

    >>> ref = jax.new_ref(1.0)
    >>> ref[...] = ref[...] + 1
    >>> ref[...]
    Array(2., dtype=float32, weak_type=True)
    """
    if isinstance(init_val, Ref):
        raise TypeError("new_ref expects an array, got a Ref")
    return Ref(init_val)


def freeze(ref):
    """The array a Ref holds (JAX also invalidates the Ref; here it stays usable).

    >>> jax.freeze(jax.new_ref(jnp.arange(3)))
    Array([0, 1, 2], dtype=int32)
    """
    if not isinstance(ref, Ref):
        raise TypeError(f"freeze expects a Ref, got {type(ref).__name__}")
    return ref[...]


class RefScope:
    """The Refs a trace reads and writes, as extra inputs and outputs.

    `refs` are given up front (Refs passed as arguments, or found by an earlier trace)
    with the tracers standing for their values; Refs created before the scope and
    touched for the first time inside it are *lifted*: their value becomes a new input
    of `trace` (`trace.new_arg`). On exit each Ref gets its outside value back;
    `finals` holds the values the trace left in them."""

    def __init__(self, trace, refs=(), values=(), lift=True):
        self.trace = trace
        self.lifting = lift  # vmap's scope only swaps the values of the given Refs
        self.start = next(_serials)
        self.lifted = {}   # id(ref) -> (ref, outside value, outside trace)
        self.refs = []
        for ref, value in zip(refs, values):
            self._enter(ref, value)
        self.finals = None

    def _enter(self, ref, value):
        self.lifted[id(ref)] = (ref, ref._value, ref._trace)
        self.refs.append(ref)
        ref._value, ref._trace = value, self.trace

    def lift(self, ref):
        self._enter(ref, self.trace.new_arg(core.get_aval(ref._value)))

    def __enter__(self):
        if self.lifting:
            _scopes.stack.append(self)
        return self

    def __exit__(self, *exc):
        if self.lifting:
            _scopes.stack.remove(self)
        self.finals = [ref._value for ref in self.refs]
        for ref, value, trace in self.lifted.values():
            ref._value, ref._trace = value, trace

    def outside_refs(self, n_given):
        """The Refs lifted during the trace (after the `n_given` given ones)."""
        return self.refs[n_given:]


def ref_positions(leaves):
    return [i for i, x in enumerate(leaves) if isinstance(x, Ref)]


def write_back(refs, values):
    for ref, value in zip(refs, values):
        ref._value = value
