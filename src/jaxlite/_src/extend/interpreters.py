"""`jax.interpreters` (ad, batching, mlir, partial_eval): JAX's API for giving a primitive
its transformation rules, onto jaxlite's own rule attributes.

The rule tables are views of the primitives' attributes (core.RuleTable), not copies:
`ad.primitive_jvps[p] = rule` sets `p.jvp`, the rule jaxlite's JVP trace calls, so a
primitive defined outside jaxlite (equinox's, numpyro's) works under jit, vmap and grad:

    >>> from jaxlite.extend.core import Primitive
    >>> from jaxlite.interpreters import ad, batching
    >>> twice_p = Primitive("twice")
    >>> _ = twice_p.def_impl(lambda x: 2 * x)
    >>> _ = twice_p.def_abstract_eval(lambda x: x)
    >>> ad.deflinear2(twice_p, lambda ct, x: [twice_p.bind(ct)])
    >>> batching.defvectorized(twice_p)
    >>> jax.grad(lambda x: twice_p.bind(x) ** 2)(3.0)
    Array(24., dtype=float32, weak_type=True)

jaxlite has no MLIR: `mlir.register_lowering` records nothing, and jit runs the impl.
"""
from .. import core
from ..ad import Zero, LinearInput, is_linear, instantiate, zeros_like_aval, add_cotangents
from ..batching import _move_batch_dim
from ..core import RuleTable
from ..staging import StagingTrace, StagingTracer, trace_to_jaxpr

# ---- ad ----------------------------------------------------------------------------
primitive_jvps = RuleTable("jvp")
primitive_transposes = RuleTable("transpose")
UndefinedPrimal = LinearInput       # a linear input of a transpose rule: UndefinedPrimal(aval)
is_undefined_primal = is_linear


def instantiate_zeros(tangent):
    """A real array for a tangent that may be a symbolic `Zero`."""
    return instantiate(tangent)


def add_jaxvals(x, y):
    return add_cotangents(x, y)


def zeros_like_jaxval(value):
    return zeros_like_aval(core.get_aval(value))


def _sum_tangents(tangents):
    total = None
    for t in tangents:
        if type(t) is not Zero and t is not None:
            total = t if total is None else add_cotangents(total, t)
    return total


def defjvp(primitive, *jvp_rules):
    """One rule per operand, `rule(tangent, *primals, **params)`, its tangent's share
    of the output tangent (None: the output does not depend on that operand)."""
    def jvp(primals, tangents, **params):
        out = primitive.bind(*primals, **params)
        parts = [rule(t, *primals, **params) for rule, t in zip(jvp_rules, tangents)
                 if rule is not None and type(t) is not Zero]
        total = _sum_tangents(parts)
        return out, (Zero(out) if total is None else total)
    primitive.jvp = jvp


def defjvp2(primitive, *jvp_rules):
    """As defjvp, with rules `rule(tangent, output, *primals, **params)`."""
    def jvp(primals, tangents, **params):
        out = primitive.bind(*primals, **params)
        parts = [rule(t, out, *primals, **params) for rule, t in zip(jvp_rules, tangents)
                 if rule is not None and type(t) is not Zero]
        total = _sum_tangents(parts)
        return out, (Zero(out) if total is None else total)
    primitive.jvp = jvp


def defjvp_zero(primitive):
    """The primitive's outputs do not depend differentiably on its inputs."""
    def jvp(primals, tangents, **params):
        out = primitive.bind(*primals, **params)
        if primitive.multiple_results:
            return out, [Zero(o) for o in out]
        return out, Zero(out)
    primitive.jvp = jvp


def deflinear2(primitive, transpose_rule):
    """A primitive linear in all its operands: its JVP applies it to the tangents;
    `transpose_rule(cotangent, *operands, **params)` gives the operands' cotangents."""
    def jvp(primals, tangents, **params):
        out = primitive.bind(*primals, **params)
        tangent = primitive.bind(*[instantiate(t) for t in tangents], **params)
        return out, tangent

    def transpose(cotangent, *operands, **params):
        if type(cotangent) is Zero:
            return [None] * len(operands)
        return transpose_rule(cotangent, *operands, **params)
    primitive.jvp = jvp
    primitive.transpose = transpose


def deflinear(primitive, transpose_rule):
    """As deflinear2, with `transpose_rule(cotangent, **params)`."""
    deflinear2(primitive, lambda cotangent, *operands, **params:
               transpose_rule(cotangent, **params))


def get_primitive_transpose(primitive):
    return primitive_transposes[primitive]


# ---- batching ----------------------------------------------------------------------
primitive_batchers = RuleTable("batch")
fancy_primitive_batchers = RuleTable("axis_batch")  # rule(axis_data, values, dims, **params)


class _AxisSizeNameRules(RuleTable):
    """`axis_primitive_batchers`: JAX's older signature for rules that see the vmapped
    axis, `rule(axis_size, axis_name, trace_type, values, dims, **params)` (equinox's
    vprims register theirs here); stored as the primitive's axis_batch rule, adapted."""

    def __setitem__(self, primitive, rule):
        def axis_batch(axis_data, values, dims, **params):
            return rule(axis_data.size, axis_data.name, None, values, dims, **params)
        super().__setitem__(primitive, axis_batch)


axis_primitive_batchers = _AxisSizeNameRules("axis_batch")
not_mapped = None


def moveaxis(x, src, dst):
    """`x` with its batch axis moved from `src` to `dst`."""
    return _move_batch_dim[0](x, src, dst, None)


def bdim_at_front(x, bdim, size):
    """`x` with its batch axis first; an unbatched `x` (bdim None) broadcast to `size`."""
    return _move_batch_dim[0](x, bdim, 0, size)


def broadcast(x, size, axis):
    return _move_batch_dim[0](x, None, axis, size)


def matchaxis(axis_name, size, src, dst, x, sum_match=False):
    return _move_batch_dim[0](x, src, dst, size)


def defvectorized(primitive):
    """An elementwise-in-the-batch primitive: apply it to the batched operand as is."""
    def batch(values, dims, **params):
        (x,), (d,) = values, dims
        return primitive.bind(x, **params), d
    primitive.batch = batch


def defbroadcasting(primitive):
    """A primitive broadcasting its operands: move every batch axis to the front."""
    def batch(values, dims, **params):
        size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
        moved = []
        for v, d in zip(values, dims):
            rank = len(core.get_aval(v).shape) - (d is not None)
            v = bdim_at_front(v, d, size) if d is not None else v
            if d is None:  # add the batch axis and any missing rank as size-1 axes
                v = _move_batch_dim[0](v, None, 0, 1)
            moved.append((v, rank))
        out_rank = max(r for _, r in moved)
        values = [v.reshape(v.shape[:1] + (1,) * (out_rank - r) + v.shape[1:])
                  if r < out_rank else v for v, r in moved]
        return primitive.bind(*values, **params), 0
    primitive.batch = batch


# ---- mlir --------------------------------------------------------------------------
def register_lowering(primitive, rule, platform=None, **unused):
    """Ignored: jaxlite compiles to Python over NumPy, and jit runs the primitive's impl.
    Returns `rule`, so it also works as a decorator."""
    return rule


def lower_fun(fun, multiple_results=True):
    """The function itself: a lowering is never used (see register_lowering)."""
    return fun


# ---- partial_eval ------------------------------------------------------------------
class PartialVal(tuple):
    """(aval, None) for an unknown value, (None, value) for a known one."""

    def __new__(cls, xs):
        return tuple.__new__(cls, xs)

    @classmethod
    def known(cls, value):
        return PartialVal((None, value))

    @classmethod
    def unknown(cls, aval):
        return PartialVal((aval, None))

    def is_known(self):
        return self[0] is None

    def get_known(self):
        return self[1] if self[0] is None else None

    def get_aval(self):
        known = self.get_known()
        return core.get_aval(known) if self.is_known() else self[0]


def trace_to_jaxpr_dynamic(fun, in_avals, *unused_args, **unused_kwargs):
    """Trace `fun` (a function or a linear_util WrappedFun of flat arguments) to a
    Jaxpr: returns (jaxpr, out_avals, consts), the constants also held by the Jaxpr."""
    call = getattr(fun, "call_wrapped", fun)
    jaxpr = trace_to_jaxpr(lambda *args: list(call(*args)), list(in_avals))
    return jaxpr.replace(constvars=[], consts=[], invars=jaxpr.constvars + jaxpr.invars), \
        jaxpr.out_avals, list(jaxpr.consts)


def convert_constvars_jaxpr(jaxpr):
    """The Jaxpr with its constants as leading inputs."""
    return jaxpr.replace(constvars=[], consts=[], invars=jaxpr.constvars + jaxpr.invars)


def trace_to_jaxpr_nounits(fun, partial_values, instantiate=False):
    """Partially evaluate `fun` on PartialVals: what depends only on known values
    computes now, the rest is staged (a partial StagingTrace, as linearize does).
    Returns (jaxpr, out_partial_values, consts): the jaxpr maps the unknown inputs to
    the unknown outputs, and holds `consts` (the residuals) itself."""
    call = getattr(fun, "call_wrapped", fun)
    trace = StagingTrace(core.current_trace(), partial=True, name="partial evaluation")
    args = [pv.get_known() if pv.is_known() else trace.new_arg(pv[0])
            for pv in partial_values]
    try:
        with core.set_current_trace(trace):
            outs = list(call(*args))
        force = [instantiate] * len(outs) if isinstance(instantiate, bool) else instantiate
        unknown = [(type(o) is StagingTracer and o._trace is trace) or f
                   for o, f in zip(outs, force)]
        jaxpr = trace.to_jaxpr([o for o, u in zip(outs, unknown) if u])
    finally:
        trace.alive = False
    out_pvals = [PartialVal.unknown(core.get_aval(o)) if u else PartialVal.known(o)
                 for o, u in zip(outs, unknown)]
    return jaxpr, out_pvals, list(jaxpr.consts)
