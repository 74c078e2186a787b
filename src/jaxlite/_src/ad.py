"""Automatic differentiation: jvp, linearize (jvp + partial evaluation), transpose, vjp.

Forward mode is a JVPTrace whose tracers carry (primal, tangent); each
primitive's `jvp` rule runs under the parent trace. Reverse mode is JAX's
recipe: run the JVP over a *partial* StagingTrace whose tracers are the
tangent inputs, so that only the linear tangent computation is staged (with
primal values as residual constants), then evaluate that linear Jaxpr
backwards with each primitive's `transpose` rule. One rule per primitive gives
every mix of modes and orders.

Symbolic zeros (`Zero`) stand for tangents and cotangents known to be zero;
they are never materialized unless a rule needs a real array.
"""
import numpy as np

from . import core, dtypes
from .core import Tracer, Trace, _context
from .jaxpr import Jaxpr, Literal, eval_jaxpr
from .staging import StagingTrace, trace_closed_jaxpr, trace_to_jaxpr


class Zero:
    """A symbolic zero tangent of the value `primal`, or of the abstract value `primal`
    (JAX's rules write `Zero(aval)`)."""
    __slots__ = ("_primal",)

    def __init__(self, primal):
        self._primal = primal

    @property
    def aval(self):
        primal = self._primal
        if type(primal) is core.ShapedArray:
            return primal
        return core.get_aval(primal)

    @staticmethod
    def from_primal_value(value):
        return Zero(value)

    def __repr__(self):
        return f"Zero({self.aval})"


def zeros_like_aval(aval):
    # An Array keeps the weak type: select(p, x, 0.) of a weak x has a weak tangent.
    return core.Array(np.zeros(aval.shape, aval.dtype), aval.weak_type)


def instantiate(tangent):
    """A real array for a tangent that may be a symbolic zero."""
    if type(tangent) is Zero:
        return zeros_like_aval(tangent.aval)
    return tangent


def is_zero(t):
    return type(t) is Zero


class JVPTracer(Tracer):
    __slots__ = ("primal", "tangent")

    def __init__(self, trace, primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def aval(self):
        return core.get_aval(self.primal)

    def __repr__(self):
        # As JAX: under jvp (a concrete tangent) both values; under grad, vjp and
        # linearize (a traced or symbolically zero tangent) the tangent's type.
        if isinstance(self.tangent, (Tracer, Zero)):
            return (f"GradTracer(primal={self.primal}, "
                    f"typeof(tangent)={core.get_aval(self.tangent).str_short(short_dtypes=True)})")
        return f"JVPTracer(primal={self.primal}, tangent={self.tangent})"

    def to_concrete_value(self):
        p = self.primal
        return p.to_concrete_value() if isinstance(p, Tracer) else p


class JVPTrace(Trace):
    def __init__(self, parent):
        self.parent = parent

    def process_primitive(self, primitive, args, params):
        primals, tangents, nonzero = [], [], False
        for a in args:
            if type(a) is JVPTracer and a._trace is self:
                primals.append(a.primal)
                tangents.append(a.tangent)
                nonzero = nonzero or type(a.tangent) is not Zero
            else:
                primals.append(a)
                tangents.append(Zero(a))
        if not nonzero:
            return core.bind_under(self.parent, primitive, primals, params)
        if primitive.jvp is None:
            raise NotImplementedError(f"Differentiation rule for '{primitive}' not implemented")
        primal_out, tangent_out = core.call_under(self.parent, primitive.jvp, primals, tangents,
                                                  **params)
        if primitive.multiple_results:
            return [p if _no_tangent(p, t) else JVPTracer(self, p, t)
                    for p, t in zip(primal_out, tangent_out)]
        if _no_tangent(primal_out, tangent_out):
            return primal_out
        return JVPTracer(self, primal_out, tangent_out)


def _no_tangent(primal, tangent):
    """A symbolic zero, or the (instantiated, always zero) tangent of an integer, bool or
    key output, such as a jit's or a loop's: as in JAX, primitives downstream of it see no
    tangent, so they need no differentiation rule (equinox's unvmap_max of a step count)."""
    return type(tangent) is Zero or not dtypes.is_inexact(core.get_aval(primal).dtype)


def jvp_flat(fun, primals, tangents):
    """Forward mode over flat lists: returns (primals_out, tangents_out)."""
    trace = JVPTrace(_context.trace)
    tracers = [JVPTracer(trace, p, t) for p, t in zip(primals, tangents)]
    try:
        with core.set_current_trace(trace):
            outs = fun(*tracers)
    finally:
        trace.alive = False
    return split_tangents(trace, outs)


def split_tangents(trace, values):
    """(primals, tangents) of `values`: a tracer of `trace` gives its primal and tangent,
    anything else is a primal with a symbolic zero tangent."""
    primals, tangents = [], []
    for x in values:
        if type(x) is JVPTracer and x._trace is trace:
            primals.append(x.primal)
            tangents.append(x.tangent)
        else:
            primals.append(x)
            tangents.append(Zero(x))
    return primals, tangents


def tangent_aval(aval):
    return aval


class LinearInput:
    """Marks a linear (unknown) input of an equation being transposed."""
    __slots__ = ("aval",)

    def __init__(self, aval):
        self.aval = aval


def is_linear(x):
    return type(x) is LinearInput


def linearize_flat(fun, primals):
    """Returns (primals_out, linear_jaxpr): the jaxpr maps input tangents to output tangents."""
    lin = StagingTrace(_context.trace, partial=True, name="linearized tangent map")
    tangents_in = [lin.new_arg(tangent_aval(core.get_aval(p))) for p in primals]
    try:
        with core.set_current_trace(lin):
            primals_out, tangents_out = jvp_flat(fun, primals, tangents_in)
    finally:
        lin.alive = False
    jaxpr = lin.to_jaxpr([instantiate(t) for t in tangents_out])
    return primals_out, _inputs_first(jaxpr, primals)


def _inputs_first(jaxpr, primals):
    """The linear Jaxpr with its residuals (constants) in JAX's order: the primal inputs
    it needs first, in argument order, then the computed values in order of first use."""
    position = {id(p): i for i, p in enumerate(primals)}
    order = sorted(range(len(jaxpr.consts)),
                   key=lambda k: (0, position[id(jaxpr.consts[k])])
                   if id(jaxpr.consts[k]) in position else (1, k))
    if order == list(range(len(order))):
        return jaxpr
    return Jaxpr([jaxpr.constvars[k] for k in order], [jaxpr.consts[k] for k in order],
                 jaxpr.invars, jaxpr.eqns, jaxpr.outvars)


# Adding two contributions to one cotangent is a primitive's job (JAX's add_jaxvals), and
# primitives are defined above this module: prims/elementwise.py registers its `add` here.
_cotangent_add = []


def register_cotangent_add(add):
    """Set the function (a, b) -> a + b that accumulates cotangents of one variable."""
    _cotangent_add[:] = [add]


def add_cotangents(a, b):
    return _cotangent_add[0](a, b)


def backward_pass(jaxpr, cotangents_out, known_inputs=None):
    """Transpose a linear Jaxpr: cotangents of outputs -> cotangents of inputs.

    `known_inputs` maps non-linear input variables (residuals) to their values.
    Runs under the current trace, so the transposition is itself differentiable."""
    consts = dict(zip(jaxpr.constvars, jaxpr.consts))
    if known_inputs:
        consts.update(known_inputs)
    cts = {}

    def accumulate(var, ct):
        if ct is None or type(ct) is Zero or type(var) is Literal or var in consts:
            return
        previous = cts.get(var)
        cts[var] = ct if previous is None else add_cotangents(previous, ct)

    for var, ct in zip(jaxpr.outvars, cotangents_out):
        accumulate(var, ct)
    for eqn in reversed(jaxpr.eqns):
        if eqn.primitive.multiple_results:
            # Missing cotangents stay None (symbolic zeros): the rules of the primitives
            # holding Jaxprs (jit, scan, cond) leave such outputs out of their transposes.
            cts_out = [cts.pop(v, None) for v in eqn.outputs]
            if all(c is None for c in cts_out) and not eqn.primitive.transpose_zero_cotangents:
                continue
        else:
            cts_out = cts.pop(eqn.outputs[0], None)
            if cts_out is None:
                continue
        args = []
        for v in eqn.inputs:
            if type(v) is Literal:  # as an Array: its weak type steers the cotangent's
                args.append(core.Array(v.value, v.aval.weak_type) if isinstance(
                    v.value, (np.ndarray, np.generic)) else v.value)
            elif v in consts:
                args.append(consts[v])
            else:
                args.append(LinearInput(v.aval))
        transpose = eqn.primitive.transpose
        if transpose is None:
            raise NotImplementedError(
                f"Transpose rule (for reverse-mode differentiation) for '{eqn.primitive}' "
                "not implemented")
        cts_in = transpose(cts_out, *args, **eqn.params)
        for v, ct in zip(eqn.inputs, cts_in):
            accumulate(v, ct)
    return [cts.get(v) for v in jaxpr.invars]


def transpose_jaxpr(jaxpr, linear, has_cotangent=None):
    """The transpose of a Jaxpr linear in the inputs flagged in `linear`, as a Jaxpr:
    (non-linear inputs..., output cotangents...) -> cotangents of the linear inputs.
    `has_cotangent` flags the outputs whose cotangents it takes (default: all); the
    others are symbolic zeros, so nothing is computed from them (0 * inf would be nan)."""
    n_out = len(jaxpr.outvars)
    has_cotangent = (True,) * n_out if has_cotangent is None else tuple(has_cotangent)
    key = ("transpose", tuple(linear), has_cotangent)
    hit = jaxpr.cache.get(key)
    if hit is not None:
        return hit
    nonlinear_vars = [v for v, l in zip(jaxpr.invars, linear) if not l]
    linear_vars = [v for v, l in zip(jaxpr.invars, linear) if l]

    def transposed(*args):
        known = dict(zip(nonlinear_vars, args[:len(nonlinear_vars)]))
        given = iter(args[len(nonlinear_vars):])
        cts = backward_pass(jaxpr, [next(given) if h else None for h in has_cotangent], known)
        by_var = dict(zip(jaxpr.invars, cts))
        return [zeros_like_aval(v.aval) if by_var[v] is None else by_var[v] for v in linear_vars]

    ct_avals = [a for a, h in zip(jaxpr.out_avals, has_cotangent) if h]
    result = trace_closed_jaxpr(transposed, [v.aval for v in nonlinear_vars] + ct_avals)
    jaxpr.cache[key] = result
    return result


def jvp_jaxpr(jaxpr, nonzero):
    """The JVP of a Jaxpr as a Jaxpr: (primals..., nonzero tangents...) ->
    (primal outputs..., tangent outputs... (all instantiated))."""
    nonzero = tuple(nonzero)
    key = ("jvp", nonzero)
    hit = jaxpr.cache.get(key)
    if hit is not None:
        return hit
    n = len(jaxpr.invars)

    def jvp_fun(*args):
        primals, tangent_args = args[:n], iter(args[n:])
        tangents = [next(tangent_args) if nz else Zero(p) for p, nz in zip(primals, nonzero)]
        outs, touts = jvp_flat(lambda *xs: eval_jaxpr(jaxpr, jaxpr.consts, *xs), primals,
                               tangents)
        return list(outs) + [instantiate(t) for t in touts]

    tangent_avals = [v.aval for v, nz in zip(jaxpr.invars, nonzero) if nz]
    result = trace_closed_jaxpr(jvp_fun, jaxpr.in_avals + tangent_avals)
    jaxpr.cache[key] = result
    return result


def nonzero_tangent_outputs(jaxpr, nonzero):
    """Which outputs of `jaxpr` get a tangent that is not a symbolic zero when the inputs
    flagged in `nonzero` have tangents (for loops: a carry whose tangent stays zero needs
    none, as in JAX)."""
    n = len(jaxpr.invars)
    flags = []

    def probe(*args):
        primals, tangent_args = args[:n], iter(args[n:])
        tangents = [next(tangent_args) if nz else Zero(p) for p, nz in zip(primals, nonzero)]
        outs, touts = jvp_flat(lambda *xs: eval_jaxpr(jaxpr, jaxpr.consts, *xs), primals,
                               tangents)
        flags[:] = [type(t) is not Zero for t in touts]
        return list(outs)

    tangent_avals = [v.aval for v, nz in zip(jaxpr.invars, nonzero) if nz]
    trace_to_jaxpr(probe, jaxpr.in_avals + tangent_avals)
    return flags


def vjp_flat(fun, primals):
    """Returns (primals_out, pullback) with pullback(cotangents_out) -> cotangents_in."""
    primals_out, jaxpr = linearize_flat(fun, primals)

    def pullback(cotangents_out):
        cts = backward_pass(jaxpr, cotangents_out)
        return [zeros_like_aval(v.aval) if c is None else c for c, v in zip(cts, jaxpr.invars)]

    return primals_out, pullback, jaxpr
