"""Shape primitives: broadcast_in_dim, reshape, transpose, squeeze, expand_dims,
concatenate, pad, slice, rev, iota — and the batching helpers built on them."""
import numpy as np

from .. import core
from ..core import Primitive, ShapedArray
from ..ad import Zero, is_linear, instantiate
from ..batching import register_move_batch_dim
from .util import ndim, shape_of
from .program_rules import (broadcast_code, reshape_code, transpose_code, concatenate_code,
                            slice_code, iota_code as iota_program_code)
from .compiler_rules import (compose_broadcasts, compose_reshapes, compose_transposes,
                             scalar_broadcast_code, iota_code)


# Primitives that shape's rules bind but that modules above this one define (they import
# it): broadcast_in_dim's transpose is reduce_sum, and pad's rules sum, subtract and
# select. reduce.py and elementwise.py register them where they are defined, as the
# interpreters' tables are filled (ad.register_cotangent_add).
_defined_above = {}


def register_defined_above(**primitives):
    _defined_above.update(primitives)


def _batch_to_front(values, dims, size=None):
    """Move every batch dim to axis 0 (broadcasting unbatched values if size given)."""
    out = []
    for v, d in zip(values, dims):
        if d is None:
            out.append(v if size is None else broadcast_batch(v, size))
        else:
            out.append(moveaxis(v, d, 0))
    return out


def moveaxis(x, src, dst):
    n = ndim(x)
    src, dst = src % n, dst % n
    if src == dst:
        return x
    perm = [i for i in range(n) if i != src]
    perm.insert(dst, src)
    return transpose_p.bind(x, permutation=tuple(perm))


def broadcast_batch(x, size):
    """`x` repeated along a new leading axis of length `size`."""
    shape = shape_of(x)
    return broadcast_in_dim_p.bind(x, shape=(size,) + tuple(shape),
                                   broadcast_dimensions=tuple(range(1, len(shape) + 1)))


def move_batch_dim(x, src, dst, size):
    """Put the batch axis of `x` (at src, or absent if None) at dst."""
    if dst is None:
        if src is None:
            return x
        raise ValueError(f"at vmap out_axes, got axis spec None but output was batched on "
                         f"axis {src}")
    if src is None:
        x = broadcast_batch(x, size)
        src = 0
    return moveaxis(x, src, dst)


register_move_batch_dim(move_batch_dim)


def broadcast_trailing(x, shape):
    """Broadcast `x` up to `shape` as NumPy does (trailing axes aligned); the inverse
    of unbroadcast."""
    x_shape = tuple(shape_of(x))
    if x_shape == tuple(shape):
        return x
    n = len(shape)
    return broadcast_in_dim_p.bind(x, shape=tuple(shape),
                                   broadcast_dimensions=tuple(range(n - len(x_shape), n)))


def unbroadcast(ct, shape):
    """Sum a cotangent of a broadcast result back down to `shape`."""
    ct_shape = shape_of(ct)
    if tuple(ct_shape) == tuple(shape):
        return ct
    reduce_sum_p = _defined_above["reduce_sum"]
    lead = len(ct_shape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, d in enumerate(shape) if d == 1 and ct_shape[lead + i] != 1)
    if axes:
        ct = reduce_sum_p.bind(ct, axes=axes)
    if tuple(shape_of(ct)) != tuple(shape):
        ct = reshape_p.bind(ct, new_sizes=tuple(shape))
    return ct


def _linear_jvp(primitive):
    """JVP rule of a primitive linear in its (single) operand."""
    def jvp(primals, tangents, **params):
        return primitive.bind(*primals, **params), primitive.bind(tangents[0], *primals[1:], **params)
    return jvp


# ---- broadcast_in_dim ------------------------------------------------------------
broadcast_in_dim_p = Primitive("broadcast_in_dim")


def _broadcast_in_dim_impl(x, shape, broadcast_dimensions, sharding=None):
    x = np.asarray(x)
    expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = x.shape[i]
    return np.broadcast_to(x.reshape(expanded), shape)


def _broadcast_in_dim_abstract(x, shape, broadcast_dimensions, sharding=None):
    if len(broadcast_dimensions) != x.ndim:
        raise TypeError(f"broadcast_in_dim: broadcast_dimensions {broadcast_dimensions} must have "
                        f"one entry per operand dimension (operand shape {x.shape})")
    for i, d in enumerate(broadcast_dimensions):
        if x.shape[i] not in (1, shape[d]):
            raise TypeError(f"broadcast_in_dim: cannot broadcast operand of shape {x.shape} "
                            f"to {shape} with broadcast_dimensions={broadcast_dimensions}")
    return ShapedArray(shape, x.dtype, x.weak_type)


def _broadcast_in_dim_transpose(ct, x, shape, broadcast_dimensions, sharding=None):
    reduce_sum_p = _defined_above["reduce_sum"]
    in_shape = x.aval.shape
    summed = tuple(i for i in range(len(shape)) if i not in broadcast_dimensions)
    kept_ones = tuple(d for i, d in enumerate(broadcast_dimensions)
                      if in_shape[i] == 1 and shape[d] != 1)
    axes = tuple(sorted(summed + kept_ones))
    if axes:
        ct = reduce_sum_p.bind(ct, axes=axes)
    if tuple(shape_of(ct)) != in_shape:
        ct = reshape_p.bind(ct, new_sizes=in_shape)
    return [ct]


def _broadcast_in_dim_batch(values, dims, shape, broadcast_dimensions, sharding=None):
    (x,), (d,) = values, dims
    x = moveaxis(x, d, 0)
    size = shape_of(x)[0]
    return broadcast_in_dim_p.bind(
        x, shape=(size,) + tuple(shape),
        broadcast_dimensions=(0,) + tuple(b + 1 for b in broadcast_dimensions)), 0


broadcast_in_dim_p.impl = _broadcast_in_dim_impl
broadcast_in_dim_p.abstract_eval = _broadcast_in_dim_abstract
broadcast_in_dim_p.jvp = _linear_jvp(broadcast_in_dim_p)
broadcast_in_dim_p.transpose = _broadcast_in_dim_transpose
broadcast_in_dim_p.batch = _broadcast_in_dim_batch


def _lower_broadcast_in_dim(names, params, avals=None):
    shape, dims = params["shape"], params["broadcast_dimensions"]
    if dims == tuple(range(len(shape) - len(dims), len(shape))):  # numpy's own alignment
        return f"np.broadcast_to({names[0]}, {shape!r})"
    return None


broadcast_in_dim_p.lower = _lower_broadcast_in_dim
broadcast_in_dim_p.simplify_rules = (compose_broadcasts,)
# As JAX prints it: the shape is the result's type; trivial broadcast_dimensions hidden.
broadcast_in_dim_p.print_rule = lambda eqn, context: sorted(
    (k, v) for k, v in eqn.params.items()
    if k not in ("shape", "sharding") and (k != "broadcast_dimensions" or v))
broadcast_in_dim_p.scalar_code = scalar_broadcast_code
broadcast_in_dim_p.numba_code = broadcast_code
broadcast_in_dim_p.param_order = (("shape", None), ("broadcast_dimensions", None),
                                  ("sharding", None))
broadcast_in_dim_p.layout, broadcast_in_dim_p.diagonal = "operand", "broadcast"

# ---- reshape ----------------------------------------------------------------------
reshape_p = Primitive("reshape")


def _reshape_abstract(x, new_sizes, dimensions=None):
    size = 1
    for d in new_sizes:
        size *= d
    if size != x.size:
        raise TypeError(f"reshape: cannot reshape array of shape {x.shape} (size {x.size}) "
                        f"into shape {tuple(new_sizes)} (size {size})")
    return ShapedArray(new_sizes, x.dtype, x.weak_type)


def _reshape_batch(values, dims, new_sizes, dimensions=None):
    x = moveaxis(values[0], dims[0], 0)
    return reshape_p.bind(x, new_sizes=(shape_of(x)[0],) + tuple(new_sizes)), 0


reshape_p.impl = lambda x, new_sizes, dimensions=None: np.reshape(x, new_sizes)
reshape_p.abstract_eval = _reshape_abstract
reshape_p.jvp = _linear_jvp(reshape_p)
reshape_p.transpose = lambda ct, x, new_sizes, dimensions=None: [
    reshape_p.bind(ct, new_sizes=x.aval.shape)]
reshape_p.batch = _reshape_batch
reshape_p.simplify_rules = (compose_reshapes,)
# As JAX prints it: with its `dimensions` (None here) and `sharding` params.
reshape_p.print_rule = lambda eqn, context: sorted(
    {"dimensions": None, "sharding": None, **eqn.params}.items())
reshape_p.layout, reshape_p.diagonal = "operand", "unit_reshape"
reshape_p.lower = lambda names, params, avals=None: (  # the method: np.reshape wraps it
    f"{names[0]}.reshape({tuple(params['new_sizes'])!r})")
reshape_p.numba_code = reshape_code

# ---- transpose ----------------------------------------------------------------------
transpose_p = Primitive("transpose")


def _transpose_abstract(x, permutation):
    if sorted(permutation) != list(range(x.ndim)):
        raise TypeError(f"transpose: permutation {permutation} is not a permutation of the "
                        f"{x.ndim} axes of an array of shape {x.shape}")
    return ShapedArray(tuple(x.shape[p] for p in permutation), x.dtype, x.weak_type)


def _transpose_batch(values, dims, permutation):
    x = moveaxis(values[0], dims[0], 0)
    return transpose_p.bind(x, permutation=(0,) + tuple(p + 1 for p in permutation)), 0


transpose_p.impl = lambda x, permutation: np.transpose(x, permutation)
transpose_p.abstract_eval = _transpose_abstract
transpose_p.jvp = _linear_jvp(transpose_p)
transpose_p.transpose = lambda ct, x, permutation: [
    transpose_p.bind(ct, permutation=tuple(np.argsort(permutation).tolist()))]
transpose_p.batch = _transpose_batch


def _lower_transpose(names, params, avals=None):
    # The ndarray attribute/method, not np.transpose: the same view without the Python
    # wrapper of the function (one attribute lookup for a matrix).
    perm = tuple(params["permutation"])
    if perm == (1, 0):
        return f"{names[0]}.T"
    return f"{names[0]}.transpose({perm!r})"


transpose_p.lower = _lower_transpose
transpose_p.numba_code = transpose_code
transpose_p.simplify_rules = (compose_transposes,)
transpose_p.layout, transpose_p.diagonal = "permuted", "transpose"

# ---- squeeze ---------------------------------------------------------------------------
squeeze_p = Primitive("squeeze")


def _squeeze_abstract(x, dimensions):
    for d in dimensions:
        if x.shape[d] != 1:
            raise TypeError(f"squeeze: cannot squeeze axis {d} of size {x.shape[d]} "
                            f"(shape {x.shape}); only axes of size 1 can be squeezed")
    return ShapedArray(tuple(s for i, s in enumerate(x.shape) if i not in dimensions),
                       x.dtype, x.weak_type)


def _squeeze_batch(values, dims, dimensions):
    x = moveaxis(values[0], dims[0], 0)
    return squeeze_p.bind(x, dimensions=tuple(d + 1 for d in dimensions)), 0


squeeze_p.impl = lambda x, dimensions: np.squeeze(x, axis=dimensions)
squeeze_p.abstract_eval = _squeeze_abstract
squeeze_p.jvp = _linear_jvp(squeeze_p)
squeeze_p.transpose = lambda ct, x, dimensions: [reshape_p.bind(ct, new_sizes=x.aval.shape)]
squeeze_p.batch = _squeeze_batch
squeeze_p.lower = lambda names, params, avals=None: f"np.squeeze({names[0]}, axis={params['dimensions']!r})"
squeeze_p.numba_code = reshape_code
squeeze_p.layout, squeeze_p.diagonal = "operand", "unit_reshape"

# ---- rev ---------------------------------------------------------------------------------
rev_p = Primitive("rev")
rev_p.impl = lambda x, dimensions: np.flip(x, dimensions)
rev_p.layout = "operand"
rev_p.abstract_eval = lambda x, dimensions: x
rev_p.jvp = _linear_jvp(rev_p)
rev_p.transpose = lambda ct, x, dimensions: [rev_p.bind(ct, dimensions=dimensions)]
rev_p.batch = lambda values, dims, dimensions: (
    rev_p.bind(moveaxis(values[0], dims[0], 0), dimensions=tuple(d + 1 for d in dimensions)), 0)

# ---- concatenate ----------------------------------------------------------------------------
concatenate_p = Primitive("concatenate")


def _concatenate_abstract(*xs, dimension):
    first = xs[0]
    for x in xs[1:]:
        if x.ndim != first.ndim or any(a != b for i, (a, b) in enumerate(zip(x.shape, first.shape))
                                       if i != dimension):
            raise TypeError("concatenate: arrays must have the same shape except along axis "
                            f"{dimension}; got shapes " + ", ".join(str(a.shape) for a in xs))
        if x.dtype != first.dtype:
            raise TypeError("concatenate: arrays must have the same dtype; got "
                            + ", ".join(a.dtype.name for a in xs))
    shape = list(first.shape)
    shape[dimension] = sum(x.shape[dimension] for x in xs)
    return ShapedArray(shape, first.dtype, all(x.weak_type for x in xs))


def _joining_jvp(primitive):
    """The JVP of a primitive that joins its operands (concatenate, stack): it is linear, so
    the tangent is the same join of the tangents."""
    def jvp(primals, tangents, **params):
        out = primitive.bind(*primals, **params)
        if all(type(t) is Zero for t in tangents):
            return out, Zero(out)
        return out, primitive.bind(*[instantiate(t) for t in tangents], **params)
    return jvp


def _concatenate_transpose(ct, *xs, dimension):
    cts, start = [], 0
    for x in xs:
        shape = x.aval.shape if is_linear(x) else shape_of(x)
        size = shape[dimension]
        if is_linear(x):
            starts = [0] * len(shape)
            limits = list(shape_of(ct))
            starts[dimension], limits[dimension] = start, start + size
            cts.append(slice_p.bind(ct, start_indices=tuple(starts), limit_indices=tuple(limits),
                                    strides=None))
        else:
            cts.append(None)
        start += size
    return cts


def _concatenate_batch(values, dims, dimension):
    size = next(shape_of(v)[d] for v, d in zip(values, dims) if d is not None)
    xs = _batch_to_front(values, dims, size)
    return concatenate_p.bind(*xs, dimension=dimension + 1), 0


concatenate_p.impl = lambda *xs, dimension: np.concatenate(xs, axis=dimension)
concatenate_p.numba_code = concatenate_code
concatenate_p.abstract_eval = _concatenate_abstract
concatenate_p.jvp = _joining_jvp(concatenate_p)
concatenate_p.transpose = _concatenate_transpose
concatenate_p.batch = _concatenate_batch
concatenate_p.weak_type_rule = lambda weak, params: all(weak)
concatenate_p.lower = lambda names, params, avals=None: (
    f"np.concatenate(({', '.join(names)},), axis={params['dimension']})")

# ---- stack / unstack ---------------------------------------------------------------------------
# jnp.stack is one primitive in JAX's jaxprs (`stack[axis=0] a b`), whose transpose is
# `unstack`: the operands' slices along `axis`, as many outputs.
stack_p = Primitive("stack")
unstack_p = Primitive("unstack", multiple_results=True)


def _stack_abstract(*xs, axis):
    first = xs[0]
    for x in xs[1:]:
        if x.shape != first.shape:
            raise ValueError("All input arrays must have the same shape, got "
                             + ", ".join(str(tuple(a.shape)) for a in xs))
        if x.dtype != first.dtype:
            raise TypeError("stack: arrays must have the same dtype; got "
                            + ", ".join(a.dtype.name for a in xs))
    shape = list(first.shape)
    shape.insert(axis, len(xs))
    return ShapedArray(shape, first.dtype, all(x.weak_type for x in xs))


def _stack_transpose(ct, *xs, axis):
    if type(ct) is Zero:
        return [None] * len(xs)
    parts = unstack_p.bind(ct, axis=axis)
    return [part if is_linear(x) else None for part, x in zip(parts, xs)]


def _stack_batch(values, dims, axis):
    """As JAX: operands batched alike stack where they are (the new axis goes before or after
    the batch axis); otherwise batch axes move to the front first."""
    dim = next(d for d in dims if d is not None)
    if all(d == dim for d in dims):
        if axis <= dim:
            return stack_p.bind(*values, axis=axis), dim + 1
        return stack_p.bind(*values, axis=axis + 1), dim
    size = next(shape_of(v)[d] for v, d in zip(values, dims) if d is not None)
    return stack_p.bind(*_batch_to_front(values, dims, size), axis=axis + 1), 0


stack_p.impl = lambda *xs, axis: np.stack(xs, axis=axis)
stack_p.abstract_eval = _stack_abstract
stack_p.jvp = _joining_jvp(stack_p)
stack_p.transpose = _stack_transpose
stack_p.batch = _stack_batch
stack_p.weak_type_rule = lambda weak, params: all(weak)
stack_p.lower = lambda names, params, avals=None: (
    f"np.stack(({', '.join(names)},), axis={params['axis']})")


def _unstack_abstract(x, axis):
    shape = list(x.shape)
    n = shape.pop(axis)
    return [ShapedArray(shape, x.dtype, x.weak_type)] * n


def _unstack_jvp(primals, tangents, axis):
    outs = unstack_p.bind(primals[0], axis=axis)
    if type(tangents[0]) is Zero:
        return outs, [Zero(o) for o in outs]
    return outs, unstack_p.bind(tangents[0], axis=axis)


def _unstack_transpose(cts, x, axis):
    return [stack_p.bind(*[instantiate(c) for c in cts], axis=axis)]


def _unstack_batch(values, dims, axis):
    (x,), (d,) = values, dims
    outs = unstack_p.bind(x, axis=axis + (axis >= d))
    return outs, [d - (axis < d)] * len(outs)


unstack_p.impl = lambda x, axis: [np.take(x, i, axis=axis) for i in range(x.shape[axis])]
unstack_p.abstract_eval = _unstack_abstract
unstack_p.jvp = _unstack_jvp
unstack_p.transpose = _unstack_transpose
unstack_p.batch = _unstack_batch

# ---- slice ------------------------------------------------------------------------------------
slice_p = Primitive("slice")


def _slices(start_indices, limit_indices, strides):
    strides = strides or (1,) * len(start_indices)
    return tuple(slice(a, b, s) for a, b, s in zip(start_indices, limit_indices, strides))


def _slice_abstract(x, start_indices, limit_indices, strides):
    if len(start_indices) != x.ndim or len(limit_indices) != x.ndim:
        raise TypeError(f"slice: start_indices {start_indices} and limit_indices {limit_indices} "
                        f"must have one entry per dimension of the operand (shape {x.shape})")
    for a, b, n in zip(start_indices, limit_indices, x.shape):
        if not 0 <= a <= b <= n:
            raise TypeError(f"slice: indices {start_indices}..{limit_indices} out of bounds for "
                            f"shape {x.shape}")
    shape = tuple(len(range(a, b, s)) for a, b, s in zip(start_indices, limit_indices,
                                                         strides or (1,) * x.ndim))
    return ShapedArray(shape, x.dtype, x.weak_type)


def _slice_transpose(ct, x, start_indices, limit_indices, strides):
    shape = x.aval.shape
    strides = strides or (1,) * len(shape)
    config = []
    ct_shape = shape_of(ct)
    for a, b, s, n, m in zip(start_indices, limit_indices, strides, shape, ct_shape):
        hi = n - (a + (m - 1) * s + 1) if m > 0 else n - a
        config.append((a, hi, s - 1))
    zero = np.zeros((), dtype=core.get_aval(ct).dtype)
    return [pad_p.bind(ct, zero, padding_config=tuple(config))]


def _slice_batch(values, dims, start_indices, limit_indices, strides):
    x = moveaxis(values[0], dims[0], 0)
    n = shape_of(x)[0]
    return slice_p.bind(x, start_indices=(0,) + tuple(start_indices),
                        limit_indices=(n,) + tuple(limit_indices),
                        strides=None if strides is None else (1,) + tuple(strides)), 0


slice_p.impl = lambda x, start_indices, limit_indices, strides: x[
    _slices(start_indices, limit_indices, strides)]
slice_p.numba_code = slice_code
slice_p.abstract_eval = _slice_abstract
slice_p.jvp = _linear_jvp(slice_p)
slice_p.transpose = _slice_transpose
slice_p.batch = _slice_batch
slice_p.layout = "operand"

# ---- pad ------------------------------------------------------------------------------------------
pad_p = Primitive("pad")


def _pad_impl(x, padding_value, padding_config):
    x = np.asarray(x)
    shape = []
    for n, (lo, hi, interior) in zip(x.shape, padding_config):
        shape.append(max(lo + hi + n + max(n - 1, 0) * interior, 0))
    # Build with non-negative padding, then crop where padding is negative.
    full_shape = [n + max(lo, 0) + max(hi, 0) + max(n - 1, 0) * it
                  for n, (lo, hi, it) in zip(x.shape, padding_config)]
    out = np.full(full_shape, padding_value, dtype=x.dtype)
    out[tuple(slice(max(lo, 0), max(lo, 0) + (n - 1) * (it + 1) + 1 if n else max(lo, 0), it + 1)
              for n, (lo, hi, it) in zip(x.shape, padding_config))] = x
    crop = tuple(slice(-min(lo, 0), f + min(hi, 0))
                 for f, (lo, hi, it) in zip(full_shape, padding_config))
    return out[crop]


def _pad_abstract(x, padding_value, padding_config):
    if len(padding_config) != x.ndim:
        raise TypeError(f"pad: padding_config needs one (low, high, interior) triple per "
                        f"dimension of the operand (shape {x.shape})")
    shape = [lo + hi + n + max(n - 1, 0) * it for n, (lo, hi, it) in zip(x.shape, padding_config)]
    return ShapedArray(shape, x.dtype, x.weak_type)


def _pad_jvp(primals, tangents, padding_config):
    x, v = primals
    out = pad_p.bind(x, v, padding_config=padding_config)
    tx, tv = tangents
    if type(tx) is Zero and type(tv) is Zero:
        return out, Zero(out)
    return out, pad_p.bind(instantiate(tx), instantiate(tv), padding_config=padding_config)


def _pad_transpose(ct, x, padding_value, padding_config):
    reduce_sum_p = _defined_above["reduce_sum"]
    shape = x.aval.shape if is_linear(x) else shape_of(x)
    # Undo negative padding by padding the cotangent with zeros, then slice out x's part.
    unpad = tuple((-min(lo, 0), -min(hi, 0), 0) for lo, hi, it in padding_config)
    zero = np.zeros((), dtype=core.get_aval(ct).dtype)
    if any(lo or hi for lo, hi, _ in unpad):
        ct = pad_p.bind(ct, zero, padding_config=unpad)
    starts = tuple(max(lo, 0) for lo, hi, it in padding_config)
    limits = tuple(s + (n - 1) * (it + 1) + 1 if n else s
                   for s, n, (lo, hi, it) in zip(starts, shape, padding_config))
    strides = tuple(it + 1 for lo, hi, it in padding_config)
    ct_x = slice_p.bind(ct, start_indices=starts, limit_indices=limits, strides=strides) \
        if is_linear(x) else None
    ct_v = None
    if is_linear(padding_value):
        sub_p = _defined_above["sub"]
        total = reduce_sum_p.bind(ct, axes=tuple(range(len(shape))))
        inner = reduce_sum_p.bind(ct_x, axes=tuple(range(len(shape)))) if ct_x is not None else \
            reduce_sum_p.bind(slice_p.bind(ct, start_indices=starts, limit_indices=limits,
                                           strides=strides), axes=tuple(range(len(shape))))
        ct_v = sub_p.bind(total, inner)
    return [ct_x, ct_v]


def _pad_batch(values, dims, padding_config):
    x, v = values
    dx, dv = dims
    if dv is not None:
        # Pad with zeros, then put each lane's padding value where the mask says "padding".
        select_n_p = _defined_above["select_n"]
        size = shape_of(v)[dv]
        x = broadcast_batch(x, size) if dx is None else moveaxis(x, dx, 0)
        config = ((0, 0, 0),) + tuple(padding_config)
        dtype = core.get_aval(x).dtype
        padded = pad_p.bind(x, np.zeros((), dtype), padding_config=config)
        is_x = _pad_impl(np.ones(shape_of(x), np.bool_), np.bool_(False), config)
        lanes = broadcast_in_dim_p.bind(moveaxis(v, dv, 0), shape=tuple(shape_of(padded)),
                                        broadcast_dimensions=(0,))
        return select_n_p.bind(is_x, lanes, padded), 0
    x = moveaxis(x, dx, 0)
    return pad_p.bind(x, v, padding_config=((0, 0, 0),) + tuple(padding_config)), 0


pad_p.impl = _pad_impl
pad_p.abstract_eval = _pad_abstract
pad_p.jvp = _pad_jvp
pad_p.transpose = _pad_transpose
pad_p.batch = _pad_batch

# ---- iota -------------------------------------------------------------------------------------------
iota_p = Primitive("iota")


_IOTA_BLOCK = 1 << 16
_iota_blocks = {}  # integer dtype -> arange(_IOTA_BLOCK) of it, read-only (a cache)


def _iota_impl(dtype, shape, dimension, out=None):
    dtype = np.dtype(dtype)
    if out is not None and len(shape) == 1 and dtype.kind in "iu" \
            and shape[0] - 1 <= np.iinfo(dtype).max:
        # A workspace buffer (impl_out): the counters of jit's random draws, filled block by
        # block from a cached arange instead of a fresh array (and its page faults) per call.
        base = _iota_blocks.get(dtype)
        if base is None:
            base = _iota_blocks[dtype] = np.arange(_IOTA_BLOCK, dtype=dtype)
            base.flags.writeable = False
        for start in range(0, shape[0], _IOTA_BLOCK):
            stop = min(shape[0], start + _IOTA_BLOCK)
            np.add(base[:stop - start], dtype.type(start), out=out[start:stop])
        return out
    r = np.arange(shape[dimension], dtype=dtype)
    expanded = [1] * len(shape)
    expanded[dimension] = shape[dimension]
    result = np.broadcast_to(r.reshape(expanded), shape)
    if out is None:
        return result
    out[...] = result
    return out


iota_p.impl = _iota_impl
iota_p.impl_out = True
iota_p.fresh_results = True  # no operands to alias
iota_p.abstract_eval = lambda dtype, shape, dimension: ShapedArray(shape, dtype, False)
iota_p.weak_type_rule = core.never_weak
iota_p.scalar_code = iota_code  # 1-D: the fused loop's index
iota_p.numba_code = iota_program_code  # the others
