"""Tracing to a Jaxpr, and partial evaluation.

A StagingTrace records each primitive applied to its tracers as an equation
instead of computing it. Values from other traces (concrete arrays, tracers of
outer transformations) become constants of the Jaxpr.

With `partial=True` it is a *partial evaluator*: an operation none of whose
inputs are this trace's tracers is "known" and computed right away under the
parent trace; only the "unknown" part is staged. Running a JVP on top of a
partial StagingTrace whose tracers are the tangents stages exactly the linear
(tangent) computation, with the primal values as residual constants: that is
`linearize`, and transposing it gives `vjp`.
"""
import numpy as np

from . import core
from .core import Tracer, Trace, _context
from .jaxpr import Var, Literal, Eqn, Jaxpr, eval_jaxpr
from .errors import UnexpectedTracerError, user_source_line

class StagingTracer(Tracer):
    # `_var`, not `var`: the slot would hide the array method x.var() (blackjax calls it)
    __slots__ = ("aval", "_var")

    def __init__(self, trace, aval, var):
        self._trace = trace
        self.aval = aval
        self._var = var

    def __repr__(self):
        return f"JitTracer({self.aval})"  # JAX's repr of a tracer under jit


class StagingTrace(Trace):
    def __init__(self, parent, partial=False, name=None):
        self.parent = parent
        self.partial = partial
        self.name = name
        self.eqns = []
        self.invars = []
        self.const_vars = {}  # id(value) -> Var
        self.consts = []      # values, in the order of their Vars
        self.const_var_list = []

    def where(self):
        if self.name:
            return f" while tracing the function {self.name}"
        return ""

    def new_arg(self, aval):
        var = Var(aval)
        self.invars.append(var)
        return StagingTracer(self, aval, var)

    def var_of(self, x):
        """The Jaxpr variable for `x`: its own var, or a constant/literal."""
        if type(x) is StagingTracer and x._trace is self:
            return x._var
        key = id(x)
        var = self.const_vars.get(key)
        if var is not None:
            return var
        if isinstance(x, Tracer) and not x._trace.alive:
            raise UnexpectedTracerError(core.leaked_tracer_message(x))
        aval = core.get_aval(x)
        if not isinstance(x, Tracer) and aval.shape == () and aval.dtype.kind != "V":
            value = x._value if type(x) is core.Array else np.asarray(x, aval.dtype)
            return Literal(value, aval)
        var = Var(aval)
        self.const_vars[key] = var
        self.consts.append(x)
        self.const_var_list.append(var)
        return var

    def process_primitive(self, primitive, args, params):
        if self.partial:
            for a in args:
                if type(a) is StagingTracer and a._trace is self:
                    break
            else:  # every input is known: compute it now
                return core.bind_under(self.parent, primitive, args, params)
            if primitive.partial_eval is not None:
                return primitive.partial_eval(self, args, params)
        return self.stage(primitive, args, params)

    def stage(self, primitive, args, params):
        """Record `primitive` applied to `args` as an equation; return its output tracers."""
        in_vars = [self.var_of(a) for a in args]
        if primitive.param_order:
            params = _in_jax_order(primitive.param_order, params)
        if primitive.abstract_eval is None:  # a user's Primitive without def_abstract_eval
            raise NotImplementedError(f"Abstract evaluation for '{primitive.name}' not "
                                      "implemented")
        out_avals = primitive.abstract_eval(*[v.aval for v in in_vars], **params)
        # Source lines are for readers of jit's code; linearized tangent maps skip the cost.
        source = None if self.partial else user_source_line()
        if primitive.multiple_results:
            out_vars = [Var(a) for a in out_avals]
            self.eqns.append(Eqn(primitive, in_vars, params, out_vars, source))
            return [StagingTracer(self, v.aval, v) for v in out_vars]
        out_var = Var(out_avals)
        self.eqns.append(Eqn(primitive, in_vars, params, [out_var], source))
        return StagingTracer(self, out_avals, out_var)

    def to_jaxpr(self, outputs):
        out_vars = [self.var_of(x) for x in outputs]
        return Jaxpr(self.const_var_list, self.consts, self.invars, self.eqns, out_vars)


def trace_to_jaxpr(fun, in_avals, name=None):
    """Trace `fun` (taking and returning flat lists of arrays) to a Jaxpr.

    Constants of the result may be tracers of enclosing transformations."""
    trace = StagingTrace(_context.trace, partial=False, name=name)
    args = [trace.new_arg(aval) for aval in in_avals]
    with core.set_current_trace(trace):
        outs = fun(*args)
    jaxpr = trace.to_jaxpr(outs)
    trace.alive = False
    return jaxpr


def trace_closed_jaxpr(fun, in_avals, name=None):
    """Trace `fun` to a Jaxpr that closes over no tracers (for a primitive's params)."""
    jaxpr, lifted = close_over_tracer_consts(trace_to_jaxpr(fun, in_avals, name))
    if lifted:
        raise AssertionError("a derived Jaxpr unexpectedly closed over tracers")
    return jaxpr


def _in_jax_order(order, params):
    """An equation's params as JAX records them: its names in JAX's order, the ones
    jaxlite leaves out (sharding=None and the like) filled in with their defaults, so a
    program reading `eqn.params` sees the dict JAX would give it."""
    out = {name: params.get(name, default) for name, default in order}
    out.update((k, v) for k, v in params.items() if k not in out)
    return out


def close_over_tracer_consts(jaxpr, lift_all=False):
    """Split a Jaxpr's constants: concrete ones stay; tracers become leading inputs.
    `lift_all`: concrete ones become inputs too (JAX's cond takes every constant of its
    branches as an operand, so its branches print with no constants).

    Returns (jaxpr, tracer_consts): call the new jaxpr with tracer_consts + args.
    """
    keep_vars, keep_vals, lift_vars, lift_vals = [], [], [], []
    for var, value in zip(jaxpr.constvars, jaxpr.consts):
        if isinstance(value, Tracer) or lift_all:
            lift_vars.append(var)
            lift_vals.append(value if isinstance(value, (Tracer, core.Array))
                             else core.Array(value, var.aval.weak_type))
        else:
            keep_vars.append(var)
            keep_vals.append(value._value if type(value) is core.Array else value)
    if not lift_vars and len(keep_vals) == len(jaxpr.consts) and all(
            a is b for a, b in zip(keep_vals, jaxpr.consts)):
        return jaxpr, []
    return Jaxpr(keep_vars, keep_vals, lift_vars + jaxpr.invars, jaxpr.eqns, jaxpr.outvars), lift_vals


def partial_eval_jaxpr(jaxpr, unknowns, instantiate=False):
    """Split `jaxpr` by which inputs are unknown.

    Returns (known_jaxpr, unknown_jaxpr, out_unknowns, num_residuals):
      known_jaxpr:   known inputs -> known outputs + residuals
      unknown_jaxpr: residuals + unknown inputs -> unknown outputs
    `instantiate` (a bool or one bool per output) forces outputs to be unknown.
    The split is found by evaluating the Jaxpr under a partial StagingTrace (the
    unknown part) whose parent StagingTrace records the known part.
    """
    n_out = len(jaxpr.outvars)
    force = [instantiate] * n_out if isinstance(instantiate, bool) else list(instantiate)
    key = ("partial_eval", tuple(unknowns), tuple(force))
    hit = jaxpr.cache.get(key)
    if hit is not None:
        return hit
    known_trace = StagingTrace(_context.trace, partial=False, name="known part")
    unknown_trace = StagingTrace(known_trace, partial=True, name="unknown part")
    args = [unknown_trace.new_arg(v.aval) if u else known_trace.new_arg(v.aval)
            for v, u in zip(jaxpr.invars, unknowns)]
    try:
        with core.set_current_trace(unknown_trace):
            outs = eval_jaxpr(jaxpr, jaxpr.consts, *args)
        out_unknowns = [(type(o) is StagingTracer and o._trace is unknown_trace) or f
                        for o, f in zip(outs, force)]
        # Known outputs forced unknown become constants of the unknown part, so both
        # traces must still be alive while it is built.
        unknown_jaxpr = unknown_trace.to_jaxpr([o for o, u in zip(outs, out_unknowns) if u])
    finally:
        known_trace.alive = unknown_trace.alive = False
    # Constants of the unknown part that the known part computes are the residuals.
    residual_vars, residuals, const_vars, consts = [], [], [], []
    for var, value in zip(unknown_jaxpr.constvars, unknown_jaxpr.consts):
        if type(value) is StagingTracer and value._trace is known_trace:
            residual_vars.append(var)
            residuals.append(value)
        else:
            const_vars.append(var)
            consts.append(value._value if type(value) is core.Array else value)
    unknown_jaxpr = Jaxpr(const_vars, consts, residual_vars + unknown_jaxpr.invars,
                          unknown_jaxpr.eqns, unknown_jaxpr.outvars)
    known_jaxpr = known_trace.to_jaxpr([o for o, u in zip(outs, out_unknowns) if not u]
                                       + residuals)
    known_jaxpr, lifted = close_over_tracer_consts(known_jaxpr)
    if lifted:
        raise AssertionError("the known part of a Jaxpr unexpectedly closed over tracers")
    result = (known_jaxpr, unknown_jaxpr, out_unknowns, len(residuals))
    jaxpr.cache[key] = result
    return result
