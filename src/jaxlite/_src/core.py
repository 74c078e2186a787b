"""The core vocabulary: ShapedArray, Primitive, Tracer, Trace, the current trace.

Every computation is a `Primitive.bind`. `bind` hands the primitive to the
*current trace*, held per thread. Each transformation (jvp, batching, staging)
is a Trace whose rules compute on the values of its tracers under its *parent*
trace; the bottom trace evaluates with NumPy. A tracer knows its trace, so a
value owned by another (outer) trace is simply a constant to this one: nested
transformations and closures never confuse their perturbations.

A primitive carries all its rules as attributes (impl, abstract_eval, jvp,
transpose, batch, lower), so adding a primitive touches one module in prims/.
"""
import sys
import threading
import weakref
from collections.abc import MutableMapping

import numpy as np

from . import dtypes
from .config import flags
from .errors import (UnexpectedTracerError, TracerBoolConversionError,
                     TracerIntegerConversionError, TracerArrayConversionError,
                     ConcretizationTypeError, concretization_message)

try:  # NumPy's floating-point error state as a context variable (NumPy >= 2)
    from numpy._core import _ufunc_config
except ImportError:
    _ufunc_config = None

_short_dtype_names = {
    "bool": "bool", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64",
    "complex64": "c64", "complex128": "c128", "key<fry>": "key<fry>"}


class ShapedArray:
    """An abstract value: what is known of an array while tracing."""
    __slots__ = ("shape", "dtype", "weak_type")

    def __init__(self, shape, dtype, weak_type=False, *, sharding=None, vma=frozenset(),
                 memory_space=None):
        # sharding, vma, memory_space: JAX's sharding-in-types, accepted (flax builds avals
        # with them) and not kept: a jaxlite value lives whole on one device.
        self.shape = tuple(shape)
        # An extended dtype (a typed key's key<fry>) stays itself: NumPy has no such dtype.
        self.dtype = dtype if dtypes._extended_type(dtype) is not None else np.dtype(dtype)
        self.weak_type = weak_type

    ndim = property(lambda self: len(self.shape))
    sharding = property(lambda self: None)  # no sharding in jaxlite's types

    @property
    def size(self):
        n = 1
        for d in self.shape:
            n *= d
        return n

    def update(self, shape=None, dtype=None, weak_type=None):
        return ShapedArray(self.shape if shape is None else shape,
                           self.dtype if dtype is None else dtype,
                           self.weak_type if weak_type is None else weak_type)

    def to_tangent_aval(self):
        """The abstract value of this value's tangents: float0 for integers and bools."""
        if self.dtype.kind in "fc" or dtypes.is_float(self.dtype):
            return self
        return ShapedArray(self.shape, dtypes.float0, self.weak_type)

    def strip_weak_type(self):
        return ShapedArray(self.shape, self.dtype, False) if self.weak_type else self

    def str_short(self, short_dtypes=False, mesh_axis_types=False):
        name = "float0" if self.dtype == dtypes.float0 else self.dtype.name  # NumPy: void
        if short_dtypes:
            name = _short_dtype_names.get(name, name)
        return f"{name}[{','.join(map(str, self.shape))}]"

    def __str__(self):
        return ("~" if self.weak_type else "") + self.str_short()

    def __eq__(self, other):
        return (type(other) is ShapedArray and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))


    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.str_short()}{weak})"


def _all_weak(weak_types, params):
    return bool(weak_types) and all(weak_types)


def never_weak(weak_types, params):
    return False


class Primitive:
    """A named operation. `bind` is the only way computation happens.

    Rules (set by the module in prims/ that defines the primitive):
      impl(*ndarrays, **params) -> ndarray (or list, if multiple_results)
      abstract_eval(*avals, **params) -> ShapedArray (or list)
      jvp(primals, tangents, **params) -> (primal_out, tangent_out)
      transpose(cotangent, *args, **params) -> cotangents per arg (linear prims)
      batch(values, batch_dims, **params) -> (out, out_batch_dim)
      lower(names_in, params, namespace) -> Python expression (jit codegen)
      weak_type_rule(input_weak_types, params) -> bool
    """

    def __init__(self, name, multiple_results=False):
        self.name = name
        self.multiple_results = multiple_results
        self.impl = self.abstract_eval = self.jvp = self.transpose = None
        self.batch = self.lower = None
        # Collectives (prims/collectives.py): the axis names a bind reduces over, and the
        # batch rule of the vmap that binds one of them (batching.py).
        self.axis_names = None     # axis_names(params) -> names
        self.batch_named = None    # batch_named(axis_name, axis_size, values, dims, **params)
        # A batching rule that also takes the vmapped axis (JAX's axis_primitive_batchers):
        # axis_batch(axis_data, values, batch_dims, **params); used instead of `batch`.
        self.axis_batch = None
        # The impl runs user Python (a callback, a primitive defined outside jaxlite with
        # def_impl): it may have effects, so the compiler never evaluates it at compile time.
        self.runs_user_code = False
        # transposed even when every output's cotangent is zero (custom_lin: a custom_vjp's
        # bwd may return nonzero cotangents from zeros, as flax's fp8 meta updates do)
        self.transpose_zero_cotangents = False
        self.partial_eval = None  # optional override of partial evaluation (jit inlines)
        # The impl returning plain NumPy values where `impl` returns Arrays (to keep each
        # output's weak type): generated code calls it, so the next lines take NumPy arrays
        # rather than converting an Array at every use (compiler/codegen.py).
        self.numpy_impl = None
        self.effectful = False    # has side effects (callbacks): never dropped or merged
        self.ufunc_name = None    # "np.add" etc.: lowered to a ufunc that accepts out=
        self.weak_type_rule = _all_weak
        _all_primitives.add(self)
        # Compiler knowledge, data the compiler reads (prims/compiler_rules.py):
        self.simplify_rules = ()   # rewrite rules, tried in order (compiler/simplify.py)
        self.scalar_code = None    # one element as a scalar expression (compiler/fusion.py)
        # The whole-program tier (compiler/program.py, prims/program_rules.py): an element
        # as an expression that may differ from NumPy's in the last bits (libm), and the
        # statements of a non-elementwise primitive.
        self.numba_scalar_code = None
        self.numba_code = None
        self.diagonal = None       # how identity structure passes through (compiler/identity.py)
        self.layout = None         # results' memory order: "operand" (views, astype) or
                                   # "permuted" (transpose); None: C order (compiler/codegen.py)
        # prune_outputs(eqn, used) -> an equation computing only the flagged outputs (its
        # others unread), or None (compiler/dce.py): a loop's dead carries and ys
        self.prune_outputs = None
        # ((name, default), ...): the params a staged equation records, in JAX's order
        # (staging.py fills in the defaults, e.g. sharding=None); the rules accept them.
        self.param_order = ()

    # Printing (jaxpr.py): print_rule(eqn, context) -> the (name, value) params to show.
    print_rule = None
    call_primitive = False
    map_primitive = False

    def bind(self, *args, **params):
        return _context.trace.process_primitive(self, args, params)

    def __repr__(self):
        return self.name

    # ---- JAX's API for defining a primitive (jax.extend.core.Primitive) ----------
    def def_impl(self, impl):
        """Set how the primitive computes; `impl` takes and returns arrays.

        >>> from jaxlite.extend.core import Primitive
        >>> twice_p = Primitive("twice")
        >>> _ = twice_p.def_impl(lambda x: 2 * x)
        >>> _ = twice_p.def_abstract_eval(lambda x: x)
        >>> twice_p.bind(3.0)
        Array(6., dtype=float32, weak_type=True)
        """
        multiple = self.multiple_results

        def numpy_impl(*values, **params):
            out = impl(*[Array(v) for v in values], **params)
            return [_numpy_result(o) for o in out] if multiple else _numpy_result(out)
        self.impl = numpy_impl
        self.runs_user_code = True
        return impl

    def def_abstract_eval(self, abstract_eval):
        """Set the shapes and dtypes of the results (ShapedArrays or ShapeDtypeStructs)."""
        multiple = self.multiple_results

        def shaped(*avals, **params):
            out = abstract_eval(*avals, **params)
            return [_as_shaped(o) for o in out] if multiple else _as_shaped(out)
        self.abstract_eval = shaped
        return abstract_eval

    def def_effectful_abstract_eval(self, effectful_abstract_eval):
        """As `def_abstract_eval`, for a rule returning (avals, effects)."""
        self.effectful = True
        self.def_abstract_eval(lambda *avals, **params:
                               effectful_abstract_eval(*avals, **params)[0])
        return effectful_abstract_eval


_all_primitives = weakref.WeakSet()


class RuleTable(MutableMapping):
    """One rule of every primitive, seen as a dict keyed by Primitive.

    JAX code registers rules by item assignment (`ad.primitive_jvps[p] = rule`);
    these tables store nothing themselves: setting an item sets the primitive's own
    attribute (`p.jvp = rule`), the very rule jaxlite's transformations call, and
    reading gives it back. So `ad.primitive_jvps[add_p]` is jaxlite's add JVP rule."""

    def __init__(self, attribute):
        self._attribute = attribute

    def _check(self, primitive):
        if not isinstance(primitive, Primitive):
            raise TypeError(f"rule tables are keyed by Primitive, got {primitive!r}")

    def __getitem__(self, primitive):
        self._check(primitive)
        rule = getattr(primitive, self._attribute)
        if rule is None:
            raise KeyError(primitive)
        return rule

    def __setitem__(self, primitive, rule):
        self._check(primitive)
        setattr(primitive, self._attribute, rule)

    def __delitem__(self, primitive):
        self.__getitem__(primitive)  # KeyError when absent, as a dict
        setattr(primitive, self._attribute, None)

    def __iter__(self):
        return iter([p for p in list(_all_primitives)
                     if getattr(p, self._attribute) is not None])

    def __len__(self):
        return sum(1 for _ in self)

    def __repr__(self):
        return f"<rule table {self._attribute!r} of {len(self)} primitives>"


def _numpy_result(x):
    value = np.asarray(getattr(x, "_value", x))
    return np.asarray(value, dtypes.canonicalize_dtype(value.dtype))


def _as_shaped(aval):
    if type(aval) is ShapedArray:
        return aval
    return ShapedArray(aval.shape, dtypes.canonicalize_dtype(aval.dtype),
                       getattr(aval, "weak_type", False))


class Trace:
    """A transformation's rules for handling primitives. Each knows its parent."""
    parent = None
    alive = True

    def process_primitive(self, primitive, args, params):
        raise NotImplementedError

    def where(self):
        """Where this trace comes from, for error messages."""
        return ""

    @property
    def main(self):
        """What tells this trace's tracers from others' (JAX's deprecated `Trace.main`, its
        tag; equinox compares `tracer._trace.main is main`): traces are told apart by
        identity here, so the trace itself."""
        return self


class Tracer:
    """A value inside a transformation. Subclasses define `aval`."""
    # Weak-referenceable, as JAX's tracers (and arrays) are: tensorflow-probability keys
    # its caches by weak references to the values it is given, traced or not.
    __slots__ = ("_trace", "__weakref__")
    __array_priority__ = 1000

    @property
    def shape(self):
        return self.aval.shape

    @property
    def dtype(self):
        return self.aval.dtype

    @property
    def ndim(self):
        return len(self.aval.shape)

    @property
    def size(self):
        return self.aval.size

    @property
    def weak_type(self):
        return self.aval.weak_type

    def to_concrete_value(self):
        """The concrete value behind this tracer, or None if it is abstract."""
        return None

    def _concrete(self, what, error=ConcretizationTypeError):
        value = self.to_concrete_value()
        if value is None:
            raise error(concretization_message(self, what))
        return value

    def __bool__(self):
        return bool(self._concrete("bool()", TracerBoolConversionError))

    def __int__(self):
        return int(self._concrete("int()", TracerIntegerConversionError))

    def __index__(self):
        return int(self._concrete("__index__()", TracerIntegerConversionError))

    def __float__(self):
        return float(self._concrete("float()"))

    def __complex__(self):
        return complex(self._concrete("complex()"))

    def __array__(self, dtype=None, copy=None):
        value = self.to_concrete_value()
        if value is None:
            raise TracerArrayConversionError(
                f"The numpy.ndarray conversion method __array__() was called on {self!r}"
                f"{self._trace.where()}.\nNumPy cannot see inside a transformation: use "
                f"jaxlite.numpy functions instead of numpy ones on traced values.")
        return np.asarray(value, dtype=dtype)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def __hash__(self):
        raise TypeError(f"unhashable type: {type(self).__name__}. Traced arrays are not "
                        "hashable; pass hashable values as static arguments instead.")

    def __repr__(self):
        return f"Traced<{self.aval!r}>with<{type(self._trace).__name__}>"

    def item(self):
        value = self._concrete("item()")
        return np.asarray(value).item()

    def tolist(self):
        return np.asarray(self._concrete("tolist()")).tolist()


class TraceContext(threading.local):
    """The current trace, one per thread (the only mutable global state besides caches)."""

    def __init__(self):
        self.trace = eval_trace


def _quiet_floating_point():
    """(set, reset, ignore-state) for silencing NumPy's floating-point warnings.

    JAX is silent on overflow/invalid; NumPy warns. `np.errstate` costs ~1.3 us per
    call, a large share of a small operation, so eager evaluation and jitted code set
    NumPy's error-state context variable directly (~0.2 us) when this NumPy has it."""
    try:
        var = _ufunc_config._extobj_contextvar
        with np.errstate(all="ignore"):
            ignore = var.get()
        return var.set, var.reset, ignore
    except (ImportError, AttributeError):
        return None


QUIET_NUMPY = _quiet_floating_point()


class EvalTrace(Trace):
    """The bottom trace: runs each primitive's NumPy implementation."""

    def process_primitive(self, primitive, args, params):
        values, weak_types = [], []
        for a in args:
            if type(a) is Array:
                values.append(a._value)
                weak_types.append(a.weak_type)
            elif isinstance(a, Tracer):
                raise UnexpectedTracerError(leaked_tracer_message(a))
            elif isinstance(a, (np.ndarray, np.generic)):
                values.append(a)
                weak_types.append(False)
            elif isinstance(a, Array):
                values.append(a._value)
                weak_types.append(a.weak_type)
            else:
                dtype, weak = dtypes.dtype_and_weak(a)
                values.append(np.asarray(a, dtype))
                weak_types.append(weak)
        if primitive.impl is None:  # a user's Primitive without def_impl, as JAX says
            raise NotImplementedError(f"Evaluation rule for '{primitive.name}' not implemented")
        try:
            if QUIET_NUMPY is not None:
                quiet, unquiet, ignore = QUIET_NUMPY
                token = quiet(ignore)
                try:
                    out = primitive.impl(*values, **params)
                finally:
                    unquiet(token)
            else:
                with np.errstate(all="ignore"):
                    out = primitive.impl(*values, **params)
        except (ValueError, TypeError, IndexError) as numpy_error:
            # Bad operands: let the primitive's shape rule say what is wrong, in JAX's
            # terms, rather than surfacing NumPy's message from deep inside.
            explain_bad_operands(primitive, values, weak_types, params, numpy_error)
            raise
        if flags.jax_debug_nans or flags.jax_debug_infs:
            check_floating_point(primitive, out)
        weak = primitive.weak_type_rule(weak_types, params)
        if primitive.multiple_results:
            return [o if type(o) is Array else Array(o, weak) for o in out]
        return Array(out, weak)


def explain_bad_operands(primitive, values, weak_types, params, error):
    if primitive.abstract_eval is None:
        return
    avals = [ShapedArray(np.shape(v), np.result_type(v), w) for v, w in zip(values, weak_types)]
    # Raises a TypeError/ValueError naming the shapes when the operands are at fault;
    # otherwise the original error (e.g. from a user callback) propagates unchanged.
    primitive.abstract_eval(*avals, **params)


# Modules whose public functions JAX jits (jax.numpy's): a NaN/inf computed eagerly inside
# one is first seen in that jit's output, so JAX prints DEOPTIMIZED_NOTICE and reruns it op
# by op before the primitive raises. Each such layer registers its module prefix here.
jitted_in_jax_modules = []

DEOPTIMIZED_NOTICE = ("Invalid nan value encountered in the output of a jax.jit function. "
                      "Calling the de-optimized version.")


def _inside_jitted_in_jax():
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if any(module.startswith(prefix) for prefix in jitted_in_jax_modules):
            return True
        frame = frame.f_back
    return False


def check_floating_point(primitive, out):
    """jax_debug_nans / jax_debug_infs: raise FloatingPointError naming the primitive, with
    JAX's message (invalid value (nan) encountered in log)."""
    for value in (out if primitive.multiple_results else [out]):
        value = getattr(value, "_value", value)
        value = np.asarray(value)
        if value.dtype.kind not in "fc":
            continue
        for flag, test, what in (("jax_debug_nans", np.isnan, "nan"),
                                 ("jax_debug_infs", np.isinf, "inf")):
            if getattr(flags, flag) and test(value).any():
                if not flags.jax_disable_jit and _inside_jitted_in_jax():
                    print(DEOPTIMIZED_NOTICE)
                raise FloatingPointError(f"invalid value ({what}) encountered in "
                                         f"{primitive.name}")


def leaked_tracer_message(tracer):
    return (f"Encountered an unexpected tracer: {tracer!r}{tracer._trace.where()}.\n"
            "A value computed inside a transformation (jit, grad, vmap, ...) was kept "
            "after the transformation finished (stored in a global, an attribute, or a "
            "closure) and then used. Return such values as outputs of the transformed "
            "function instead of saving them.")


eval_trace = EvalTrace()
_context = TraceContext()
Array = None  # set by array.py: the concrete array type the eval trace produces


def current_trace():
    return _context.trace


def trace_state_clean():
    """Whether no transformation is active on this thread (numpyro asks, to cache only
    outside transformations)."""
    return _context.trace is eval_trace


# Per-thread state, besides the trace, that changes what tracing a function produces (for
# example checkify functionalizing `check`s). jit keys its traces by it, as JAX keys its
# caches by the trace context, so a trace made in one context is not reused in another.
trace_context_providers = []


def trace_context():
    return tuple(provider() for provider in trace_context_providers)


class set_current_trace:
    """Context manager making `trace` the current trace of this thread."""
    __slots__ = ("trace", "previous")

    def __init__(self, trace):
        self.trace = trace

    def __enter__(self):
        self.previous = _context.trace
        _context.trace = self.trace
        return self.trace

    def __exit__(self, *exc):
        _context.trace = self.previous


class take_current_trace:
    """Context manager yielding this thread's current trace, with the eval trace current
    inside (JAX's `take_current_trace`: a trace's rules that call back into user code
    take the trace they run under, so that code binds at the level below)."""
    __slots__ = ("previous",)

    def __enter__(self):
        self.previous = _context.trace
        _context.trace = eval_trace
        return self.previous

    def __exit__(self, *exc):
        _context.trace = self.previous


class _Nesting(threading.local):
    depth = 0
    raised = None  # (the recursion limit set, the one before) while raised


_nesting = _Nesting()
_FRAMES_PER_LEVEL = 50   # generous: a level of jit tracing takes about 10 Python frames
# wasm32 builds (Pyodide, WASI) have a small machine stack: there the limit stays, and
# deep nestings raise RecursionError rather than crash.
_RAISE_FROM_DEPTH = 10 if sys.platform not in ("emscripten", "wasi") else 1 << 62


class nested_call:
    """Context manager around one level of nested calls (a jit wrapper tracing its
    function, a jit primitive's rule transforming its Jaxpr). jit wrappers nest as deep
    as the user writes them (JAX handles 1,000), each level costing some ten Python
    frames of recursion, so past a few levels the interpreter's recursion limit is raised
    in proportion, and put back when the outermost level returns."""
    __slots__ = ()

    def __enter__(self):
        nesting = _nesting
        nesting.depth += 1
        if nesting.depth >= _RAISE_FROM_DEPTH:
            before = nesting.raised[1] if nesting.raised else sys.getrecursionlimit()
            needed = before + nesting.depth * _FRAMES_PER_LEVEL
            if needed > sys.getrecursionlimit():
                sys.setrecursionlimit(needed)
                nesting.raised = (needed, before)

    def __exit__(self, *exc):
        nesting = _nesting
        nesting.depth -= 1
        if nesting.depth == 0 and nesting.raised is not None:
            raised, before = nesting.raised
            nesting.raised = None
            if sys.getrecursionlimit() == raised:  # unless the user changed it meanwhile
                sys.setrecursionlimit(before)


def bind_under(trace, primitive, args, params):
    """Bind `primitive` with `trace` as the current trace (a rule's parent)."""
    ctx = _context
    previous = ctx.trace
    ctx.trace = trace
    try:
        return trace.process_primitive(primitive, args, params)
    finally:
        ctx.trace = previous


def call_under(trace, fn, *args, **kwargs):
    """Call a rule with `trace` (a transformation's parent) as the current trace."""
    ctx = _context
    previous = ctx.trace
    ctx.trace = trace
    try:
        return fn(*args, **kwargs)
    finally:
        ctx.trace = previous


def _ndarray_aval(x):
    return ShapedArray(np.shape(x), dtypes.canonicalize_dtype(x.dtype), False)


# Python type -> the function giving a value's aval (JAX's `core.pytype_aval_mappings`).
# Libraries register their array-like types here, copying the ndarray entry
# (tensorflow-probability's NumpyVariable, a proxy of an ndarray).
pytype_aval_mappings = {np.ndarray: _ndarray_aval}


def get_aval(x):
    """The abstract value of any array-like value."""
    aval = getattr(x, "aval", None)
    if aval is not None:
        return aval
    mapping = pytype_aval_mappings.get(type(x))
    if mapping is not None:
        return mapping(x)
    if isinstance(x, (np.ndarray, np.generic)):
        return ShapedArray(np.shape(x), dtypes.canonicalize_dtype(x.dtype), False)
    dtype, weak = dtypes.dtype_and_weak(x)
    return ShapedArray(np.shape(x), dtype, weak)


def is_concrete(x):
    return not isinstance(x, Tracer) or x.to_concrete_value() is not None


def concrete_or_error(x, what):
    """The concrete NumPy value of `x`, or a ConcretizationTypeError explaining `what`."""
    if isinstance(x, Tracer):
        x = x._concrete(what)
    return np.asarray(x)
