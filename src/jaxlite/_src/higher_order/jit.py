"""The jit primitive: a call of a staged Jaxpr, compiled once per Jaxpr.

Because jit is a primitive, transformations compose with it by transforming
the inner Jaxpr: jvp and vmap bind jit again with a transformed Jaxpr (so the
result stays compiled); partial evaluation (linearize / grad) splits it into a known call, run now, and
a linear call that is staged and later transposed.
"""

from .. import core
from ..core import Primitive
from ..ad import Zero, jvp_jaxpr, is_linear, transpose_jaxpr
from ..batching import batch_jaxpr
from ..compiler import compile_jaxpr
from ..staging import StagingTracer, partial_eval_jaxpr
from ..prims.program_rules import inline_call_code

jit_p = Primitive("jit", multiple_results=True)


def _jit_impl(*args, jaxpr, name):
    compiled = compile_jaxpr(jaxpr)
    return wrap_outputs(compiled(*args), jaxpr)


def wrap_outputs(values, jaxpr):
    return [core.Array(v, var.aval.weak_type) for v, var in zip(values, jaxpr.outvars)]


def _jit_abstract(*avals, jaxpr, name):
    return jaxpr.out_avals


def _jit_jvp(primals, tangents, jaxpr, name):
    nonzero = tuple(type(t) is not Zero for t in tangents)
    new = jvp_jaxpr(jaxpr, nonzero)
    outs = jit_p.bind(*primals, *[t for t in tangents if type(t) is not Zero],
                      jaxpr=new, name=f"jvp({name})")
    k = len(jaxpr.outvars)
    return outs[:k], outs[k:]


def _jit_batch(values, dims, jaxpr, name):
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    new = batch_jaxpr(jaxpr, dims, size)
    return jit_p.bind(*values, jaxpr=new, name=f"vmap({name})"), [0] * len(jaxpr.outvars)


def _jit_partial_eval(trace, args, params):
    """Split the call: the known part runs (compiled) now under the parent trace and
    returns residuals; the unknown (linear) part is staged as another jit call."""
    jaxpr, name = params["jaxpr"], params["name"]
    unknowns = [type(a) is StagingTracer and a._trace is trace for a in args]
    known_jaxpr, unknown_jaxpr, out_unknowns, n_res = partial_eval_jaxpr(jaxpr, unknowns)
    known_args = [a for a, u in zip(args, unknowns) if not u]
    known_outs = core.bind_under(trace.parent, jit_p, known_args,
                                 dict(jaxpr=known_jaxpr, name=name))
    residuals = known_outs[len(known_outs) - n_res:]
    unknown_args = [a for a, u in zip(args, unknowns) if u]
    unknown_outs = trace.stage(jit_p, residuals + unknown_args,
                               dict(jaxpr=unknown_jaxpr, name=f"linear({name})"))
    known_iter, unknown_iter = iter(known_outs), iter(unknown_outs)
    return [next(unknown_iter) if u else next(known_iter) for u in out_unknowns]


def _jit_transpose(cts, *args, jaxpr, name):
    linear = [is_linear(a) for a in args]
    # Outputs with symbolic-zero cotangents are left out of the transpose (see scan's).
    has_cotangent = [not (c is None or type(c) is Zero) for c in cts]
    transposed = transpose_jaxpr(jaxpr, linear, has_cotangent)
    nonlinear = [a for a, l in zip(args, linear) if not l]
    cts = [c for c, h in zip(cts, has_cotangent) if h]
    outs = iter(jit_p.bind(*nonlinear, *cts, jaxpr=transposed, name=f"transpose({name})"))
    return [next(outs) if l else None for l in linear]


def _one_level(rule):
    """A rule that recurses into the jit calls nested in its Jaxpr, one level deeper."""
    def nested_rule(*args, **params):
        with core.nested_call():
            return rule(*args, **params)
    nested_rule.__name__ = rule.__name__
    return nested_rule


jit_p.impl = _jit_impl
jit_p.abstract_eval = _jit_abstract
jit_p.jvp = _one_level(_jit_jvp)
jit_p.batch = _one_level(_jit_batch)
jit_p.partial_eval = _one_level(_jit_partial_eval)
jit_p.numba_code = inline_call_code  # the whole-program tier inlines calls
jit_p.transpose = _one_level(_jit_transpose)


def _print_jit(eqn, context):
    # As JAX prints it: the inner Jaxpr's binders take the names of the operands and
    # results they stand for, and name= comes first.
    jaxpr = eqn.params["jaxpr"]
    if jaxpr not in context.shared:
        context.suggest_same_names(jaxpr.invars, eqn.invars)
        context.suggest_same_names(jaxpr.outvars, eqn.outvars)
    rest = sorted((k, v) for k, v in eqn.params.items() if k != "name")
    return [("name", eqn.params["name"])] + rest


jit_p.print_rule = _print_jit


# JAX's call primitives, `closed_call_p` (params: call_jaxpr, a ClosedJaxpr) and `call_p`
# (call_jaxpr, a Jaxpr): jaxlite stages calls as jit, so it never binds them itself, but
# code written for JAX binds them or keys rule tables by them (numpyro). Binding one is
# a jit call of the same Jaxpr: every rule defers to jit's.
def _call_rules(call_p):
    def params(call_jaxpr):
        return dict(jaxpr=getattr(call_jaxpr, "jaxpr", call_jaxpr), name=call_p.name)
    call_p.impl = lambda *args, call_jaxpr: _jit_impl(*args, **params(call_jaxpr))
    call_p.abstract_eval = lambda *avals, call_jaxpr: params(call_jaxpr)["jaxpr"].out_avals
    call_p.jvp = lambda primals, tangents, call_jaxpr: _jit_jvp(primals, tangents,
                                                                **params(call_jaxpr))
    call_p.batch = lambda values, dims, call_jaxpr: _jit_batch(values, dims,
                                                               **params(call_jaxpr))
    call_p.transpose = lambda cts, *args, call_jaxpr: _jit_transpose(cts, *args,
                                                                     **params(call_jaxpr))


closed_call_p = Primitive("closed_call", multiple_results=True)
call_p = Primitive("call", multiple_results=True)
_call_rules(closed_call_p)
_call_rules(call_p)
