"""vmap: the batching trace.

A BatchTracer holds a value with one extra axis (`batch_dim`) or None when the
value is the same for every lane. Each primitive's `batch` rule receives the
underlying values and their batch dims and returns (output, output batch dim),
computing under the parent trace: the batch axis is just data to it.
"""
from . import core
from .core import Tracer, Trace, ShapedArray, _context
from .jaxpr import eval_jaxpr
from .staging import trace_closed_jaxpr

# Moving a batch axis (or broadcasting an unbatched output) takes shape primitives, which
# are defined above this module: prims/shape.py registers its `move_batch_dim` here.
_move_batch_dim = []


def register_move_batch_dim(move):
    """Set the function (x, src, dst, size) -> x with its batch axis moved from `src`
    (None: unbatched, broadcast to `size`) to `dst` (None: must be unbatched)."""
    _move_batch_dim[:] = [move]


class BatchTracer(Tracer):
    __slots__ = ("val", "batch_dim", "_aval")

    def __init__(self, trace, val, batch_dim):
        self._trace = trace
        self.val = val
        self.batch_dim = batch_dim
        self._aval = None

    @property
    def aval(self):
        aval = self._aval
        if aval is None:
            inner = core.get_aval(self.val)
            shape = inner.shape
            d = self.batch_dim
            aval = self._aval = ShapedArray(shape[:d] + shape[d + 1:], inner.dtype,
                                            inner.weak_type)
        return aval


    def __repr__(self):
        return f"VmapTracer(aval={self.aval}, batched={core.get_aval(self.val)})"


class AxisData:
    """The vmapped axis as an axis-aware batching rule sees it: name, size, spmd_name."""
    __slots__ = ("name", "size", "spmd_name")

    def __init__(self, trace):
        self.name = trace.axis_name
        self.size = trace.axis_size
        self.spmd_name = None

    def __repr__(self):
        return f"AxisData(name={self.name!r}, size={self.size})"


class BatchTrace(Trace):
    def __init__(self, parent, axis_size, axis_name=None, name=None):
        self.parent = parent
        self.axis_size = axis_size
        self.axis_name = axis_name
        self.name = name

    def where(self):
        return f" inside vmap of {self.name}" if self.name else " inside vmap"

    def process_primitive(self, primitive, args, params):
        values, dims, batched = [], [], False
        for a in args:
            if type(a) is BatchTracer and a._trace is self:
                values.append(a.val)
                dims.append(a.batch_dim)
                batched = True
            else:
                values.append(a)
                dims.append(None)
        if not batched:
            return core.bind_under(self.parent, primitive, values, params)
        if primitive.axis_batch is not None:
            out, out_dim = core.call_under(self.parent, primitive.axis_batch, AxisData(self),
                                           values, dims, **params)
        elif primitive.batch is None:
            raise NotImplementedError(f"Batching rule for '{primitive}' not implemented")
        else:
            out, out_dim = core.call_under(self.parent, primitive.batch, values, dims,
                                           **params)
        if primitive.multiple_results:
            return [o if d is None else BatchTracer(self, o, d) for o, d in zip(out, out_dim)]
        return out if out_dim is None else BatchTracer(self, out, out_dim)


def vmap_flat(fun, args, in_dims, axis_size, out_dims, axis_name=None, name=None):
    """Map `fun` over axis `in_dims[i]` of each arg; outputs get axis `out_dims[j]`.

    `out_dims` may be a callable taking the number of outputs (known after tracing)."""
    trace = BatchTrace(_context.trace, axis_size, axis_name, name)
    tracers = [a if d is None else BatchTracer(trace, a, d) for a, d in zip(args, in_dims)]
    try:
        with core.set_current_trace(trace):
            outs = fun(*tracers)
    finally:
        trace.alive = False
    if callable(out_dims):
        out_dims = out_dims(len(outs))
    move_batch_dim = _move_batch_dim[0]
    results = []
    for out, dst in zip(outs, out_dims):
        if type(out) is BatchTracer and out._trace is trace:
            val, src = out.val, out.batch_dim
        else:
            val, src = out, None
        results.append(move_batch_dim(val, src, dst, axis_size))
    return results


def batch_jaxpr(jaxpr, dims, size, out_dims=None):
    """The batched Jaxpr: inputs carry a batch axis at `dims` (None: unbatched),
    outputs at `out_dims` (default: axis 0 for every output)."""
    dims = tuple(dims)
    out_dims = tuple(out_dims) if out_dims is not None else (0,) * len(jaxpr.outvars)
    key = ("batch", dims, size, out_dims)
    hit = jaxpr.cache.get(key)
    if hit is not None:
        return hit
    in_avals = []
    for v, d in zip(jaxpr.invars, dims):
        aval = v.aval
        if d is not None:
            aval = aval.update(shape=aval.shape[:d] + (size,) + aval.shape[d:])
        in_avals.append(aval)

    def batched(*args):
        return vmap_flat(lambda *xs: eval_jaxpr(jaxpr, jaxpr.consts, *xs), args, dims, size,
                         out_dims)

    result = trace_closed_jaxpr(batched, in_avals)
    jaxpr.cache[key] = result
    return result
