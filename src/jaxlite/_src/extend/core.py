"""`jax.core` and `jax.extend.core`: the objects of jaxlite's core under JAX's names,
and the few functions of JAX's core API that are not jaxlite's own.

    >>> from jaxlite.extend.core import jaxpr_as_fun
    >>> closed = jax.make_jaxpr(lambda x: x + 1)(1.0)
    >>> [eqn.primitive.name for eqn in closed.jaxpr.eqns]
    ['add']
    >>> jaxpr_as_fun(closed)(2.0)
    [Array(3., dtype=float32, weak_type=True)]
"""
import weakref

import numpy as np

from .. import core, dtypes
from ..core import ShapedArray, Tracer
from ..jaxpr import Var, Literal, Jaxpr, ClosedJaxpr
from ..errors import JaxprTypeError


def get_aval(x):
    """The abstract value (ShapedArray) of an array, scalar or tracer."""
    return core.get_aval(x)


def concrete_aval(x):
    if isinstance(x, Tracer):
        return x.aval
    return core.get_aval(x)


def raise_to_shaped(aval, weak_type=None):
    """The ShapedArray of `aval` (avals here are always ShapedArrays)."""
    return aval if weak_type is None else aval.update(weak_type=weak_type)


def valid_jaxtype(x):
    try:
        core.get_aval(x)
    except TypeError:
        return False
    return True


def is_concrete(x):
    return core.is_concrete(x)


def concrete_or_error(force, value, context=""):
    """`force(value)` of the concrete value behind `value`; a tracer without one raises
    ConcretizationTypeError naming `context`."""
    concrete = core.concrete_or_error(value, context or "this operation")
    return concrete if force is None else force(concrete)


def gensym(suffix=""):
    """A factory of fresh Vars: `gensym()(aval)`."""
    return Var


def mapped_aval(size, axis, aval):
    if axis is None:
        return aval
    return aval.update(shape=aval.shape[:axis] + aval.shape[axis + 1:])


def unmapped_aval(size, axis, aval, explicit_mesh_axis=None):
    if axis is None:
        return aval
    return aval.update(shape=aval.shape[:axis] + (size,) + aval.shape[axis:])


def max_dim(d1, d2):
    return max(d1, d2)


def min_dim(d1, d2):
    return min(d1, d2)


def subjaxprs(jaxpr):
    """The Jaxprs held in the params of `jaxpr`'s equations."""
    for eqn in jaxpr.eqns:
        for value in eqn.params.values():
            for v in (value if isinstance(value, (tuple, list)) else (value,)):
                if isinstance(v, Jaxpr):
                    yield v
                elif isinstance(v, ClosedJaxpr):
                    yield v.jaxpr


def check_jaxpr(jaxpr):
    """Check that every variable is defined before use and each equation's outputs have
    the types its primitive computes; raises JaxprTypeError otherwise."""
    defined = set(jaxpr.constvars) | set(jaxpr.invars)
    for i, eqn in enumerate(jaxpr.eqns):
        for v in eqn.invars:
            if isinstance(v, Var) and v not in defined:
                raise JaxprTypeError(f"equation {i} ({eqn.primitive.name}) reads a variable "
                                     "that is not defined before it")
        if eqn.primitive.abstract_eval is not None:
            out = eqn.primitive.abstract_eval(*[v.aval for v in eqn.invars], **eqn.params)
            out = out if eqn.primitive.multiple_results else [out]
            for v, aval in zip(eqn.outvars, out):
                if (v.aval.shape, v.aval.dtype) != (aval.shape, aval.dtype):
                    raise JaxprTypeError(
                        f"equation {i} ({eqn.primitive.name}) binds {v.aval.str_short()} "
                        f"but computes {aval.str_short()}")
        defined.update(eqn.outvars)
    for v in jaxpr.outvars:
        if isinstance(v, Var) and v not in defined:
            raise JaxprTypeError("an output of the Jaxpr is not defined")


def primal_dtype_to_tangent_dtype(primal_dtype):
    """Tangents of inexact values have their dtype; of integers and bools, float0."""
    primal_dtype = np.dtype(primal_dtype)
    if primal_dtype.kind in "fc" or primal_dtype.name in dtypes.NARROW_FLOAT_NAMES:
        return primal_dtype
    return np.dtype([("float0", np.void, 0)])


class OpaqueTraceState:
    """Which transformation is current, compared by identity (flax records it when a
    Module is bound and checks it is still the same)."""
    __slots__ = ("_trace",)

    def __init__(self, trace):
        self._trace = weakref.ref(trace)

    def __eq__(self, other):
        return isinstance(other, OpaqueTraceState) and self._trace() is other._trace()

    def __hash__(self):
        return id(self._trace())


def get_opaque_trace_state(convention=None):
    return OpaqueTraceState(core.current_trace())


def find_top_trace(_args):
    """The trace that a primitive applied to `_args` would be processed by: as in JAX
    (one current trace per thread), the current trace, whatever the arguments (equinox's
    filter_jvp asks for it, then keeps the outputs whose tracer belongs to it)."""
    return core.current_trace()


no_effects = frozenset()


class Effect:
    """Base class of effect types (jaxlite's Jaxprs carry no effects; libraries subclass
    it to declare theirs, as flax.nnx's VariableEffect)."""


Effects = frozenset
Atom = Var | Literal
AbstractValue = ShapedArray

# JAX's names with no counterpart here, and why (raised as NotImplementedError on use)
UNSUPPORTED = {
    "Token": "jaxlite has no tokens: effects are ordered by running in program order",
    "AbstractToken": "jaxlite has no tokens: effects are ordered by running in program order",
    "TraceTag": "jaxlite's traces are told apart by identity, not tags",
    "call_impl": "jaxlite has no call primitive (jit is its call)",
    "CallPrimitive": "jaxlite has no call primitives besides jit",
    "nonempty_axis_env_DO_NOT_USE": "jaxlite has no named-axis environment",
    "unsafe_am_i_under_a_jit_DO_NOT_USE": "an internal JAX query",
    "unsafe_am_i_under_a_vmap_DO_NOT_USE": "an internal JAX query",
    "unsafe_get_axis_names_DO_NOT_USE": "jaxlite has no named-axis environment",
    "DebugInfo": "jaxlite's Jaxprs carry no debug info (Jaxpr.debug_info is None)",
    "InconclusiveDimensionOperation": "jaxlite has no symbolic dimensions",
    "array_types": "jaxlite's arrays are jaxlite.Array and NumPy arrays",
}
