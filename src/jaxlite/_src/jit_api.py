"""`jit`: trace once per abstract signature, compile to Python over NumPy, cache.

The cache key is (pytree structure, each leaf's shape/dtype/weak type, the
static arguments). With no transformation active, a call goes straight to
the compiled function; under a transformation it binds the jit primitive so
that the transformation's rule for jit applies.
"""
import functools
import inspect
import threading
import weakref
from collections import OrderedDict

import numpy as np

from . import dtypes
from .core import (Tracer, _context, eval_trace, trace_context, nested_call,
                   DEOPTIMIZED_NOTICE)
from .core import current_trace as core_current_trace
from .array import Array, place, place_tree, sharding_leaves
from .config import flags, _listeners as config_listeners
from .tree import tree_flatten, tree_unflatten, tree_structure
from .state import Ref, RefScope, ref_positions, write_back
from .jaxpr import ClosedJaxpr
from .staging import close_over_tracer_consts
from . import compiler
from .compiler import compile_jaxpr
from .higher_order.jit import jit_p
from .prims.placement import output_shardings, sharding_constraint_p
from .api import trace_pytree_function, ShapeDtypeStruct

_scalar_types = {bool, int, float, complex}


def _leaf_signature(x):
    t = type(x)
    if t is Array:
        v = x._value
        return (v.shape, v.dtype, x.weak_type)
    if t in _scalar_types:  # weakly typed (bool excepted): 2.0 and jnp.array(2.0) share an entry
        return ((), dtypes.python_scalar_dtype(x), t is not bool)
    if isinstance(x, Tracer):
        a = x.aval
        return (a.shape, a.dtype, a.weak_type)
    if isinstance(x, (np.ndarray, np.generic)):
        if dtypes.is_non_numeric(x.dtype):
            raise TypeError("Error interpreting an argument to jit as an abstract array: "
                            + dtypes.non_numeric_message(x.dtype))
        return (x.shape, dtypes.canonicalize_dtype(x.dtype), False)
    if isinstance(x, ShapeDtypeStruct):
        return (x.shape, dtypes.canonicalize_dtype(x.dtype), x.weak_type)
    if isinstance(x, Ref):
        return ("ref", *_leaf_signature(x._value))
    raise TypeError(f"Argument {x!r} of type {type(x).__name__} is not a valid JAX type. jit "
                    "accepts arrays, Python numbers and pytrees of them; mark other arguments "
                    "static with static_argnums/static_argnames.")


def _leaf_value(x):
    t = type(x)
    if t is Array:
        return x._value
    if t in _scalar_types:
        return np.asarray(x, dtypes.python_scalar_dtype(x))
    return np.asarray(x, dtypes.canonicalize_dtype(x.dtype))


class _Unsupported(Exception):
    """A node the fast signature walk does not know (custom pytree, namedtuple, ...)."""


def _fast_signature(x, values):
    """One walk over the arguments that both collects the leaves' NumPy values (in
    tree_flatten's order) and builds a hashable key of the structure and the leaves'
    (shape, dtype, weak type): cheaper than a PyTreeDef plus a signature tuple. Only
    tuples, lists, dicts with sortable keys, None and leaves; anything else raises
    _Unsupported and the call takes the general path."""
    t = type(x)
    if t is Array:
        v = x._value
        values.append(v)
        return (v.shape, v.dtype, x.weak_type)
    if t is tuple or t is list:
        return (t, *[_fast_signature(c, values) for c in x])
    if t is dict:
        try:
            keys = tuple(sorted(x))
        except TypeError:
            raise _Unsupported from None
        return (dict, keys, *[_fast_signature(x[k], values) for k in keys])
    if x is None:
        return None
    if t in _scalar_types or isinstance(x, (np.ndarray, np.generic)):
        values.append(_leaf_value(x))
        return _leaf_signature(x)
    raise _Unsupported


def _fast_key(args):
    """(cache key, leaf values) of positional arguments, or (None, None) for leaves jit
    rejects or traces (the general path explains those)."""
    values = []
    try:
        return (_fast_signature(args, values), flags.jax_enable_x64), values
    except _Unsupported:
        pass
    leaves, treedef = tree_flatten(args)  # custom nodes: key by the PyTreeDef
    if not all(type(x) is Array or type(x) in _scalar_types
               or isinstance(x, (np.ndarray, np.generic)) for x in leaves):
        return None, None
    key = (treedef, tuple(_leaf_signature(x) for x in leaves), flags.jax_enable_x64)
    return key, [_leaf_value(x) for x in leaves]


class _Entry:
    __slots__ = ("jaxpr", "in_tree", "out_tree", "compiled", "fn", "out_weak", "tracer_consts",
                 "single_output", "ref_positions", "outside_refs", "out_shardings")


class Lowered:
    """`jit(f).lower(*args)`: the staged program; `.as_text()` prints the optimized Jaxpr."""

    def __init__(self, entry):
        self._entry = entry

    def as_text(self, dialect=None):
        return compiler.passes.optimize(self._entry.jaxpr).pretty_print(source_comments=True)

    def jaxpr(self):
        return ClosedJaxpr(self._entry.jaxpr)

    def compiler_ir(self, dialect=None):
        """jaxlite's IR: the optimized Jaxpr's text, whatever `dialect` asks for (jaxlite
        has no StableHLO or HLO; the text is what it compiles to Python)."""
        return self.as_text()

    def cost_analysis(self):
        """The compiled program's cost_analysis(), as JAX's Lowered offers it."""
        return self.compile().cost_analysis()

    def compile(self, compiler_options=None, *, device_assignment=None):
        """The executable; XLA's `compiler_options` and `device_assignment` mean nothing to
        jaxlite's code generator and are accepted as JAX accepts them."""
        return CompiledFunction(self._entry)

    @property
    def out_info(self):
        return tree_unflatten(self._entry.out_tree, [
            ShapeDtypeStruct(a.shape, a.dtype, a.weak_type) for a in self._entry.jaxpr.out_avals])


class Traced:
    """`jit(f).trace(*args)`: the traced program; `.jaxpr` is its ClosedJaxpr (as JAX's
    `jax.stages.Traced`), `.lower()` the next stage."""

    def __init__(self, entry, name):
        self._entry = entry
        self.fun_name = name

    @property
    def jaxpr(self):
        return ClosedJaxpr(self._entry.jaxpr)

    @property
    def out_avals(self):
        return tree_unflatten(self._entry.out_tree, list(self._entry.jaxpr.out_avals))

    @property
    def out_info(self):
        return Lowered(self._entry).out_info

    def lower(self, **unused_options):
        return Lowered(self._entry)


class CompiledFunction:
    """`jit(f).lower(*args).compile()`: callable; `.as_python()` is the generated source."""

    def __init__(self, entry):
        self._entry = entry

    def as_python(self):
        return compile_jaxpr(self._entry.jaxpr).source

    as_text = as_python

    def cost_analysis(self):
        """XLA's cost keys, estimated on the Jaxpr: "flops" (one per output element of each
        equation, 2·M·N·K for a dot_general) and "bytes accessed" (the bytes of the
        equations' operands and results), summed over nested Jaxprs once each."""
        flops, nbytes = _costs(self._entry.jaxpr)
        return {"flops": float(flops), "bytes accessed": float(nbytes)}

    def __call__(self, *args, **kwargs):
        leaves, _ = tree_flatten((args, kwargs))
        values = compile_jaxpr(self._entry.jaxpr)(*[_leaf_value(x) for x in leaves])
        return tree_unflatten(self._entry.out_tree, [Array(v, w) for v, w in
                                                     zip(values, self._entry.out_weak)])


def _size(aval):
    return int(np.prod(getattr(aval, "shape", ()), dtype=np.int64))


def _costs(jaxpr):
    flops = nbytes = 0
    for eqn in jaxpr.eqns:
        outs = [v.aval for v in eqn.outvars]
        ins = [getattr(v, "aval", None) for v in eqn.invars]
        out_size = sum(_size(a) for a in outs)
        if eqn.primitive.name == "dot_general":
            (contracting, _), _ = eqn.params["dimension_numbers"]
            flops += 2 * out_size * int(np.prod([ins[0].shape[d] for d in contracting],
                                                dtype=np.int64))
        else:
            flops += out_size
        nbytes += sum(_size(a) * np.dtype(a.dtype).itemsize for a in ins + outs
                      if a is not None and isinstance(a.dtype, np.dtype))
        for param in eqn.params.values():
            inner = getattr(param, "jaxpr", param)
            if hasattr(inner, "eqns"):
                more_flops, more_bytes = _costs(inner)
                flops, nbytes = flops + more_flops, nbytes + more_bytes
    return flops, nbytes


_live_jits = weakref.WeakSet()  # for jaxlite.clear_caches()
_caches_by_function = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _start_afresh_after_config_change(name, value):
    """Traces and generated code depend on the flags (x64, fusion, workspace, matmul
    precision...): a jit applied after a flag changes starts with empty caches (wrappers
    made before keep theirs, as before the change)."""
    if name not in ("jax_disable_jit", "jax_log_compiles", "jax_debug_nans", "jax_debug_infs"):
        with _caches_lock:
            _caches_by_function.clear()


config_listeners.append(_start_afresh_after_config_change)


def _function_caches(fun, statics):
    """(trace cache, fast-path cache) of `fun` with these static arguments. As in JAX the
    traces belong to the function, not to the jit wrapper: `jit(f)` made twice (inside a
    loop, or by a helper on each call) reuses f's traces instead of tracing again. A callable
    that cannot be weakly referenced or hashed keeps its caches on the wrapper."""
    try:
        with _caches_lock:
            per_function = _caches_by_function.setdefault(fun, {})
            caches = per_function.get(statics)
            if caches is None:
                caches = per_function[statics] = (OrderedDict(), OrderedDict())
            return caches
    except TypeError:
        return OrderedDict(), OrderedDict()


def _check_static_arguments(signature, static_argnums, static_argnames):
    """JAX's checks when jit is applied: static_argnums within the positional parameters
    (negative ones counted from the end), static_argnames among the parameters. Returns
    static_argnums with negative positions resolved."""
    kinds = [p.kind for p in signature.parameters.values()]
    positional = sum(k in (inspect.Parameter.POSITIONAL_ONLY,
                           inspect.Parameter.POSITIONAL_OR_KEYWORD) for k in kinds)
    if inspect.Parameter.VAR_POSITIONAL not in kinds:
        for i in static_argnums:
            if not -positional <= i < positional:
                raise ValueError(f"Jitted function has static_argnums={static_argnums}, but "
                                 f"only accepts {positional} positional arguments.")
        static_argnums = tuple(i % positional if i < 0 else i for i in static_argnums)
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        invalid = set(static_argnames) - set(signature.parameters)
        if invalid:
            raise ValueError(f"Jitted function has invalid argnames {invalid} in "
                             "static_argnames. Function does not take these args.")
    return static_argnums


class PjitFunction:
    """The function returned by `jit` (JAX's type name: chex tells jitted functions by
    it)."""

    def __init__(self, fun, static_argnums, static_argnames, max_cache_size=None):
        self._fun = fun
        self._name = getattr(fun, "__name__", type(fun).__name__)
        functools.update_wrapper(self, fun, updated=())
        try:
            self._signature = inspect.signature(fun)
        except (TypeError, ValueError):
            self._signature = None
        static_argnums = (static_argnums,) if isinstance(static_argnums, int) else \
            tuple(static_argnums or ())
        static_argnames = (static_argnames,) if isinstance(static_argnames, str) else \
            tuple(static_argnames or ())
        if self._signature is not None:
            static_argnums = _check_static_arguments(self._signature, static_argnums,
                                                     static_argnames)
            params = list(self._signature.parameters)
            for name in static_argnames:
                if name in params and params.index(name) not in static_argnums:
                    kind = self._signature.parameters[name].kind
                    if kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                inspect.Parameter.POSITIONAL_ONLY):
                        static_argnums += (params.index(name),)
            for i in static_argnums:
                if i < len(params) and self._signature.parameters[params[i]].kind in (
                        inspect.Parameter.POSITIONAL_OR_KEYWORD,) and params[i] not in static_argnames:
                    static_argnames += (params[i],)
        self._static_argnums = tuple(sorted(set(static_argnums)))
        self._static_argnames = static_argnames
        # _fast_cache is keyed by _fast_key of the positional args.
        self._cache, self._fast_cache = _function_caches(
            fun, (self._static_argnums, self._static_argnames))
        # An LRU of traces per function; jax_jit_cache_size (config) sets its default size.
        self._max_cache_size = max_cache_size or flags.jax_jit_cache_size
        self._lock = threading.Lock()
        _live_jits.add(self)

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def _split(self, args, kwargs):
        statics = []
        if self._static_argnums:
            dyn = []
            for i, a in enumerate(args):
                if i in self._static_argnums:
                    statics.append((i, a))
                else:
                    dyn.append(a)
            args = tuple(dyn)
        if self._static_argnames and kwargs:
            kw = {}
            for k, v in kwargs.items():
                if k in self._static_argnames:
                    statics.append((k, v))
                else:
                    kw[k] = v
            kwargs = kw
        for key, value in statics:
            try:
                hash(value)
            except TypeError:
                raise ValueError(
                    f"Non-hashable static arguments are not supported. Static argument {key!r} of "
                    f"jit({self._name}) is a {type(value).__name__}: {value!r}. Pass a hashable "
                    "value (e.g. a tuple instead of a list), or make the argument non-static.") \
                    from None
        return args, kwargs, tuple(statics)

    def _entry(self, args, kwargs):
        dyn_args, dyn_kwargs, statics = self._split(args, kwargs)
        leaves, in_tree = tree_flatten((dyn_args, dyn_kwargs))
        signature = tuple(_leaf_signature(x) for x in leaves)
        key = (in_tree, signature, statics, flags.jax_enable_x64, trace_context())
        entry = self._cache.get(key)
        if entry is not None:
            self._cache.move_to_end(key)
        else:
            entry = self._trace(args, kwargs, statics)
            if not entry.tracer_consts:
                with self._lock:
                    self._cache[key] = entry
                    if len(self._cache) > self._max_cache_size:
                        self._cache.popitem(last=False)
        return entry, leaves

    def _trace(self, args, kwargs, statics):
        static_positions = tuple(i for i, _ in statics if isinstance(i, int))
        static_kw = {k: v for k, v in statics if isinstance(k, str)}
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in static_kw}

        positions = ref_positions(tree_flatten((args, dyn_kwargs))[0])
        if positions:  # trace with the values the Refs hold; fun puts the Refs back
            leaves, tree = tree_flatten((args, dyn_kwargs))
            arg_refs = [leaves[p] for p in positions]
            for p in positions:
                leaves[p] = leaves[p]._value
            args, dyn_kwargs = tree_unflatten(tree, leaves)
        store = {}

        def fun(*full_args, **kw):
            values = []
            if positions:
                leaves, tree = tree_flatten((full_args, kw))
                values = [leaves[p] for p in positions]
                for p, ref in zip(positions, arg_refs):
                    leaves[p] = ref
                full_args, kw = tree_unflatten(tree, leaves)
            scope = RefScope(core_current_trace(), arg_refs if positions else (), values)
            with scope:
                out = self._fun(*full_args, **kw, **static_kw)
            store["scope"], store["out_tree"] = scope, tree_structure(out)
            return out, scope.finals

        jaxpr, in_tree, out_tree = trace_pytree_function(fun, args, dyn_kwargs,
                                                         static_positions, name=self._name)
        scope = store["scope"]
        out_tree = store["out_tree"]
        jaxpr, tracer_consts = close_over_tracer_consts(jaxpr)
        entry = _Entry()
        entry.jaxpr = jaxpr
        entry.in_tree = in_tree
        entry.out_tree = out_tree
        entry.compiled = None
        entry.out_weak = [a.weak_type for a in jaxpr.out_avals]
        entry.single_output = out_tree.num_leaves == 1 and out_tree.num_nodes == 1
        entry.tracer_consts = tracer_consts
        entry.ref_positions = positions
        entry.outside_refs = scope.outside_refs(len(positions))
        # Results constrained to a sharding (shard_map's) come out laid out by it.
        shardings = output_shardings(jaxpr)
        entry.out_shardings = shardings if any(s is not None for s in shardings) else None
        if flags.jax_log_compiles:
            import logging  # noqa: PLC0415 (~3 ms at import; loaded only when logging compiles)
            logging.getLogger("jaxlite").warning(
                "Compiling %s for args %s.%s", self._name,
                ", ".join(a.str_short(short_dtypes=True) + ("{weak}" if a.weak_type else "") for a in jaxpr.in_avals),
                self._explain_miss(in_tree, jaxpr.in_avals, statics))
        return entry

    def _explain_miss(self, in_tree, in_avals, statics):
        """Why an earlier trace of this function could not be reused (JAX's
        explain_cache_misses): the closest cached signature and what differs."""
        if not self._cache:
            return ""
        best = None
        for (tree, signature, old_statics, *_), entry in self._cache.items():
            reasons = []
            if tree != in_tree:
                reasons.append(f"the argument structure changed from {tree} to {in_tree}")
            else:
                for i, (old, new) in enumerate(zip(entry.jaxpr.in_avals, in_avals)):
                    if old != new:
                        reasons.append(f"argument leaf {i} changed from {old.str_short(short_dtypes=True)}"
                                       f"{'{weak}' if old.weak_type else ''} to "
                                       f"{new.str_short(short_dtypes=True)}{'{weak}' if new.weak_type else ''}")
            if old_statics != statics:
                reasons.append(f"static arguments changed from {old_statics!r} to {statics!r}")
            if best is None or len(reasons) < len(best):
                best = reasons
        if not best:
            return " Cache miss: a traced constant of an enclosing transformation changed."
        return " Cache miss because " + "; ".join(best) + "."

    def __call__(self, *args, **kwargs):
        if kwargs or self._static_argnums or flags.jax_disable_jit \
                or _context.trace is not eval_trace or flags.jax_debug_nans or flags.jax_debug_infs:
            return self._call(args, kwargs)
        # The hot path (no statics, no kwargs, no active transformation): one walk makes
        # the signature key and the values, a dict lookup finds the generated code.
        # Kept to a few microseconds.
        key, values = _fast_key(args)
        entry = self._fast_cache.get(key) if key is not None else None
        if entry is None:
            return self._call(args, kwargs)
        outs = entry.fn(*values)
        if entry.single_output:
            return Array(outs[0], entry.out_weak[0])
        return tree_unflatten(entry.out_tree, [Array(v, w) for v, w in zip(outs, entry.out_weak)])

    def _call(self, args, kwargs):
        with nested_call():  # jit wrappers nest as deep as the user writes them
            if flags.jax_disable_jit:
                return self._fun(*args, **kwargs)
            return self._call_one_level(args, kwargs)

    def _call_one_level(self, args, kwargs):
        entry, leaves = self._entry(args, kwargs)
        if entry.ref_positions or entry.outside_refs:
            return self._call_with_refs(entry, leaves)
        if _context.trace is eval_trace and not entry.tracer_consts:
            compiled = entry.compiled
            if compiled is None:
                compiled = entry.compiled = compile_jaxpr(entry.jaxpr)
                entry.fn = compiled.fn
            key = _fast_key(args)[0] if not kwargs and not self._static_argnums else None
            if key is not None and entry.out_shardings is None:
                with self._lock:
                    self._fast_cache[key] = entry
                    if len(self._fast_cache) > self._max_cache_size:
                        self._fast_cache.popitem(last=False)
            values = compiled.fn(*[_leaf_value(x) for x in leaves])
            if flags.jax_debug_nans or flags.jax_debug_infs:
                self._locate_bad_values(values, args, kwargs)
            outs = [Array(v, w) for v, w in zip(values, entry.out_weak)]
            if entry.out_shardings is not None:
                outs = [o if s is None else place(o, s)
                        for o, s in zip(outs, entry.out_shardings)]
            return tree_unflatten(entry.out_tree, outs)
        outs = jit_p.bind(*entry.tracer_consts, *leaves, jaxpr=entry.jaxpr, name=self._name)
        return tree_unflatten(entry.out_tree, outs)

    def _call_with_refs(self, entry, leaves):
        """Pass the values of the Refs the function uses as extra inputs; write the
        extra outputs (their final values) back."""
        refs = [leaves[p] for p in entry.ref_positions] + entry.outside_refs
        values = [x._value if type(x) is Ref else x for x in leaves] + \
            [r._value for r in entry.outside_refs]
        if _context.trace is eval_trace and not entry.tracer_consts and \
                not any(isinstance(v, Tracer) for v in values):
            if entry.compiled is None:
                entry.compiled = compile_jaxpr(entry.jaxpr)
                entry.fn = entry.compiled.fn
            outs = [Array(v, w) for v, w in zip(entry.fn(*[_leaf_value(x) for x in values]),
                                                entry.out_weak)]
        else:
            outs = jit_p.bind(*entry.tracer_consts, *values, jaxpr=entry.jaxpr, name=self._name)
        n = entry.out_tree.num_leaves
        write_back(refs, outs[n:])
        return tree_unflatten(entry.out_tree, outs[:n])

    def _locate_bad_values(self, values, args, kwargs):
        """As JAX: on a NaN/inf in a jitted result, print its notice and rerun the function
        de-optimized (op by op; jits inside it check their own outputs) to raise
        FloatingPointError at the primitive that made it."""
        bad = None
        for v in values:
            v = np.asarray(v)
            if v.dtype.kind in "fc":
                if flags.jax_debug_nans and np.isnan(v).any():
                    bad = bad or "nan"
                elif flags.jax_debug_infs and np.isinf(v).any():
                    bad = bad or "inf"
        if bad is None:
            return
        print(DEOPTIMIZED_NOTICE)
        self._fun(*args, **kwargs)  # raises FloatingPointError at the primitive
        raise FloatingPointError(
            f"invalid value ({bad}) encountered in jit({self._name}). Because "
            "jax_config.debug_nans.value and/or config.jax_debug_infs is set, the de-optimized "
            "function (i.e., the function as if the `jit` decorator were removed) was called "
            "in an attempt to get a more precise error message. However, the de-optimized "
            "function did not produce invalid values during its execution. This behavior can "
            "result from `jit` optimizations causing the invalid value to be produced. It may "
            "also arise from having nan/inf literals as inputs or outputs, like "
            "`jax.jit(lambda ...: jax.numpy.nan)(...)`. \n\nIt may be possible to avoid the "
            "invalid value by removing the `jit` decorator, at the cost of losing "
            "optimizations.")

    def lower(self, *args, **kwargs):
        entry, _ = self._entry(args, kwargs)
        return Lowered(entry)

    def trace(self, *args, **kwargs):
        entry, _ = self._entry(args, kwargs)
        return Traced(entry, self._name)

    def eval_shape(self, *args, **kwargs):
        return self.lower(*args, **kwargs).out_info

    def clear_cache(self):
        self._cache.clear()
        self._fast_cache.clear()

    def _cache_size(self):
        return len(self._cache)

    def __repr__(self):
        return f"<PjitFunction of {self._fun!r}>"  # as JAX prints it


def jit(fun=None, *, static_argnums=None, static_argnames=None, donate_argnums=None,
        donate_argnames=None, keep_unused=False, device=None, backend=None, inline=False,
        abstracted_axes=None, in_shardings=None, out_shardings=None, compiler_options=None):
    """Compile `fun` (Python over NumPy, generated once per argument signature).

    >>> f = jax.jit(lambda x: x * 2 + 1)
    >>> f(jnp.arange(3.0))
    Array([1., 3., 5.], dtype=float32)
    >>> print(f.lower(jnp.arange(3.0)).as_text())  # the Jaxpr, with the user's source lines
    { lambda ; a:f32[3]. let
        b:f32[3] = mul 2.0:f32[] a  # ...
        c:f32[3] = add b 1.0:f32[]  # ...
      in (c,) }
    >>> print(f.lower(jnp.arange(3.0)).compile().as_python())  # the generated code
    def jitted(a1):
    ...
    """
    if fun is None:
        return lambda f: jit(f, static_argnums=static_argnums, static_argnames=static_argnames,
                             in_shardings=in_shardings, out_shardings=out_shardings)
    if not callable(fun):
        raise TypeError(f"jit expects a callable, got {type(fun).__name__}")
    if in_shardings is not None or out_shardings is not None:
        return _PlacedJit(fun, static_argnums, static_argnames, in_shardings, out_shardings)
    return PjitFunction(fun, static_argnums, static_argnames)


class _PlacedJit(PjitFunction):
    """jit with in_shardings/out_shardings: the arguments are laid out (and checked) by
    in_shardings, the results by out_shardings. The values are those of the unsharded
    computation: jaxlite runs it on the global arrays."""

    def __init__(self, fun, static_argnums, static_argnames, in_shardings, out_shardings):
        super().__init__(fun, static_argnums, static_argnames)
        self._in_shardings = in_shardings
        self._out_shardings = out_shardings

    def __call__(self, *args, **kwargs):
        if self._in_shardings is not None:
            # in_shardings is a pytree prefix of the tuple of non-static positional arguments
            dynamic = [i for i in range(len(args)) if i not in self._static_argnums]
            shardings = self._in_shardings
            if isinstance(shardings, list):
                shardings = tuple(shardings)
            placed = place_tree(tuple(args[i] for i in dynamic), shardings, "jit in_shardings")
            args = list(args)
            for i, value in zip(dynamic, placed):
                args[i] = value
        out = super().__call__(*args, **kwargs)
        if self._out_shardings is None:
            return out
        # Inside another trace the layout is a constraint on the traced results, which the
        # enclosing jit's outputs then carry (flax shards variables so, in nnx.jit's init).
        leaves, treedef = tree_flatten(out)
        targets = sharding_leaves(out, self._out_shardings, "jit out_shardings")
        return tree_unflatten(treedef, [
            sharding_constraint_p.bind(x, sharding=s) if s is not None and isinstance(x, Tracer)
            else place(x, s) if s is not None and isinstance(x, Array) else x
            for x, s in zip(leaves, targets)])
