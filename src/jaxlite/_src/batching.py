"""vmap: the batching trace.

A BatchTracer holds a value with one extra axis (`batch_dim`) or None when the
value is the same for every lane. Each primitive's `batch` rule receives the
underlying values and their batch dims and returns (output, output batch dim),
computing under the parent trace: the batch axis is just data to it.

Named axes: `vmap(..., axis_name="i")` binds the name "i" while the function is
traced. A collective over "i" (psum, all_gather, ...) is handled by the batch
trace that owns the name, even when its operands are not batched by it, through
the primitive's `batch_named` rule: the lanes of the vmapped axis are the
participants of the collective. jit and the other primitives holding Jaxprs are
batched when their Jaxprs use the name, so the collectives inside them meet it.
"""
import threading

from . import core
from .core import Tracer, Trace, ShapedArray, _context
from .errors import UnboundAxisNameError
from .jaxpr import eval_jaxpr, jaxprs_in_params
from .staging import trace_closed_jaxpr, trace_to_jaxpr


class _NamedAxes(threading.local):
    """The axis names bound by the enclosing vmaps of this thread, innermost last, and
    the name of the batch trace whose rule is running (jit's batch rule re-batches its
    Jaxpr with that name)."""

    def __init__(self):
        self.frames = ()       # ((name, lanes, invariant_cotangents, processes), ...)
        self.rule_axis = None


_named = _NamedAxes()
core.trace_context_providers.append(lambda: _named.frames)  # jit retraces per axis env


def axis_size(name, primitive_name="axis_size"):
    """The size of the bound axis `name`, or JAX's NameError if no vmap binds it."""
    for bound, lanes, _, processes in reversed(_named.frames):
        if bound == name:
            return lanes * processes
    raise UnboundAxisNameError(name, primitive_name, bool(_named.frames))


def check_bound(names, primitive_name):
    """JAX's NameError (in its words for traced code) unless every name is bound."""
    frames = {frame[0] for frame in _named.frames}
    for name in names:
        if name not in frames:
            raise UnboundAxisNameError(name, primitive_name, True)


def sums_cotangents(name):
    """Whether a psum over `name` transposes to a psum (vmap, pmap) rather than to a copy
    of the cotangent on every device (shard_map's axes, as JAX's check_vma types them)."""
    for bound, _, invariant_cotangents, _ in reversed(_named.frames):
        if bound == name:
            return not invariant_cotangents
    return True


def process_span(name):
    """How many processes the lanes of the bound axis `name` are spread over (pmap's axis
    under jax.distributed spans them all; every other axis lives in one process)."""
    for bound, _, _, processes in reversed(_named.frames):
        if bound == name:
            return processes
    return 1


def _axis_names_in_jaxpr(jaxpr):
    names = jaxpr.cache.get("axis_names")
    if names is None:
        names = set()
        for eqn in jaxpr.eqns:
            names |= axis_names_used(eqn.primitive, eqn.params)
        names = jaxpr.cache["axis_names"] = frozenset(names)
    return names


def axis_names_used(primitive, params):
    """The axis names a primitive's collectives (its own or its Jaxprs') reduce over."""
    names = set(primitive.axis_names(params)) if primitive.axis_names else set()
    for jaxpr in jaxprs_in_params(params):
        names |= _axis_names_in_jaxpr(jaxpr)
    return names

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
    # shard_map's axes (check_vma): a value not batched along one is the same on every
    # device, and a gradient with respect to it is summed over the devices (varying_axes).
    invariant_cotangents = False

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
        name = self.axis_name
        if name is not None and name in axis_names_used(primitive, params):
            out, out_dim = self._batch_named(primitive, values, dims, batched, params)
        elif not batched:
            return core.bind_under(self.parent, primitive, values, params)
        elif primitive.axis_batch is not None:
            out, out_dim = core.call_under(self.parent, primitive.axis_batch, AxisData(self),
                                           values, dims, **params)
        else:
            if primitive.batch is None:
                raise NotImplementedError(f"Batching rule for '{primitive}' not implemented")
            if _named.rule_axis == name:
                out, out_dim = core.call_under(self.parent, primitive.batch, values, dims,
                                               **params)
            else:  # the Jaxprs this rule batches see this trace's axis name, not an outer's
                previous, _named.rule_axis = _named.rule_axis, name
                try:
                    out, out_dim = core.call_under(self.parent, primitive.batch, values, dims,
                                                   **params)
                finally:
                    _named.rule_axis = previous
        if primitive.multiple_results:
            return [o if d is None else BatchTracer(self, o, d) for o, d in zip(out, out_dim)]
        return out if out_dim is None else BatchTracer(self, out, out_dim)


    def _batch_named(self, primitive, values, dims, batched, params):
        """A primitive that uses this trace's axis name: a collective over its lanes, or a
        primitive whose Jaxprs hold such collectives (batched even if no input is)."""
        named, previous = _named, _named.rule_axis
        named.rule_axis = self.axis_name
        try:
            if primitive.batch_named is not None:
                return core.call_under(self.parent, primitive.batch_named, self.axis_name,
                                       self.axis_size, values, dims, **params)
            if not batched and values:  # batch one input so the rule sees the axis size
                values = list(values)
                values[0] = core.call_under(self.parent, _move_batch_dim[0], values[0], None, 0,
                                            self.axis_size)
                dims = [0] + list(dims[1:])
            if primitive.batch is None or not values:
                raise NotImplementedError(f"Batching rule for '{primitive}' over the named axis "
                                          f"{self.axis_name!r} not implemented")
            return core.call_under(self.parent, primitive.batch, values, dims, **params)
        finally:
            named.rule_axis = previous


def varying_axes(x):
    """The shard_map axis names along which the value `x` varies (is batched), for the
    named batch traces enclosing the current one. A gradient with respect to a value
    invariant along an axis, computed from values varying along it, is summed over that
    axis, as JAX's shard_map transposes its implicit broadcast."""
    names, trace = set(), _context.trace
    while type(trace) is BatchTrace:
        if type(x) is BatchTracer and x._trace is trace:
            if trace.invariant_cotangents:
                names.add(trace.axis_name)
            x = x.val
        trace = trace.parent
    return names


def vmap_flat(fun, args, in_dims, axis_size, out_dims, axis_name=None, name=None,
              invariant_cotangents=False, processes=1, out_path=None):
    """Map `fun` over axis `in_dims[i]` of each arg; outputs get axis `out_dims[j]`.

    `out_dims` may be a callable taking the number of outputs (known after tracing);
    `out_path(j)`, if given, names output j in errors (JAX's key path, e.g. "['a'][0]")."""
    trace = BatchTrace(_context.trace, axis_size, axis_name, name)
    trace.invariant_cotangents = invariant_cotangents
    tracers = [a if d is None else BatchTracer(trace, a, d) for a, d in zip(args, in_dims)]
    previous = _named.frames
    if axis_name is not None:
        _named.frames = previous + ((axis_name, axis_size, invariant_cotangents, processes),)
    try:
        with core.set_current_trace(trace):
            outs = fun(*tracers)
    finally:
        trace.alive = False
        _named.frames = previous
    if callable(out_dims):
        out_dims = out_dims(len(outs))
    move_batch_dim = _move_batch_dim[0]
    results = []
    for j, (out, dst) in enumerate(zip(outs, out_dims)):
        if type(out) is BatchTracer and out._trace is trace:
            val, src = out.val, out.batch_dim
        else:
            val, src = out, None
        if dst is None and src is not None:  # JAX's message, word for word
            raise ValueError(f"at vmap out_axes{'' if out_path is None else out_path(j)}, "
                             f"got axis spec None but output was batched on axis {src}")
        if dst is not None:
            rank = len(core.get_aval(val).shape) + (src is None)  # with its batch axis
            if not -rank <= dst < rank:
                raise ValueError(f"vmap{'' if name is None else f' of {name}'}: out_axes "
                                 f"{dst} is out of bounds for an output of rank {rank - 1} "
                                 f"(axis {dst} is out of bounds for array of dimension {rank})")
            dst %= rank
        results.append(move_batch_dim(val, src, dst, axis_size))
    return results


def _batched_avals(jaxpr, dims, size):
    """The avals of `jaxpr`'s inputs with a batch axis of `size` inserted at `dims`."""
    return [v.aval if d is None else
            v.aval.update(shape=v.aval.shape[:d] + (size,) + v.aval.shape[d:])
            for v, d in zip(jaxpr.invars, dims)]


def batched_outputs(jaxpr, dims, size):
    """Which outputs of `jaxpr` the batch rules give a batch axis when its inputs have
    one at `dims` (None: unbatched); for loops that batch only the carries that need it."""
    in_avals = _batched_avals(jaxpr, dims, size)
    flags = []

    def probe(*xs):
        outs = eval_jaxpr(jaxpr, jaxpr.consts, *xs)
        trace = _context.trace
        flags[:] = [type(o) is BatchTracer and o._trace is trace for o in outs]
        return outs

    trace_to_jaxpr(lambda *args: vmap_flat(probe, args, tuple(dims), size,
                                           (0,) * len(jaxpr.outvars), _named.rule_axis),
                   in_avals)
    return flags


def batch_jaxpr(jaxpr, dims, size, out_dims=None):
    """The batched Jaxpr: inputs carry a batch axis at `dims` (None: unbatched),
    outputs at `out_dims` (default: axis 0 for every output)."""
    dims = tuple(dims)
    out_dims = tuple(out_dims) if out_dims is not None else (0,) * len(jaxpr.outvars)
    # Inside a batch rule of a named vmap, the Jaxpr's collectives over that name are the
    # lanes of this batching.
    axis_name = _named.rule_axis
    key = ("batch", dims, size, out_dims, axis_name)
    hit = jaxpr.cache.get(key)
    if hit is not None:
        return hit
    in_avals = _batched_avals(jaxpr, dims, size)

    def batched(*args):
        return vmap_flat(lambda *xs: eval_jaxpr(jaxpr, jaxpr.consts, *xs), args, dims, size,
                         out_dims, axis_name)

    result = trace_closed_jaxpr(batched, in_avals)
    jaxpr.cache[key] = result
    return result
