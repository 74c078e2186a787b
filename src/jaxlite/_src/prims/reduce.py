"""Reductions over axes: reduce_sum, reduce_max, reduce_min, reduce_prod,
reduce_and, reduce_or, reduce_xor (logical on booleans, bitwise on integers),
argmax, argmin."""
import math

import numpy as np

from .. import core, dtypes
from ..core import Primitive, ShapedArray
from ..ad import Zero
from .util import shape_of
from .program_rules import reduction_code
from .shape import (moveaxis, broadcast_in_dim_p, reshape_p, transpose_p, concatenate_p,
                    slice_p, register_defined_above)
from .elementwise import eq_p, convert_element_type_p, mul_p, div_p
from .compiler_rules import unit_reduction_as_reshape


def _reduced_shape(shape, axes):
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _check_axes(name, aval, axes):
    for a in axes:
        if not 0 <= a < aval.ndim:
            raise ValueError(f"{name}: axis {a} is out of bounds for an array of rank "
                             f"{aval.ndim} (shape {aval.shape})")


def _expand_back(x, shape, axes):
    """Broadcast a reduced value back to the operand's shape."""
    kept = tuple(i for i in range(len(shape)) if i not in axes)
    return broadcast_in_dim_p.bind(x, shape=tuple(shape), broadcast_dimensions=kept)


def _batch_reduce(primitive, axes_param="axes"):
    def batch(values, dims, **params):
        params = dict(params)
        if axes_param == "axes":
            # As JAX: the batch axis stays where it is; each reduced axis skips over it
            # (NumPy integers, which JAX's jaxprs print: `axes=(np.int64(1),)`).
            d = dims[0]
            axes = tuple(np.int64(a) + (a >= d) for a in params["axes"])
            params["axes"] = axes
            return primitive.bind(values[0], **params), d - sum(int(a < d) for a in axes)
        x = moveaxis(values[0], dims[0], 0)
        params["axis"] = params["axis"] + 1
        return primitive.bind(x, **params), 0
    return batch


def _define_reduction(name, impl, numpy_name, dtype_rule=None, keep_dtype=False):
    """numpy_name: the ufunc's reduce method (np.add.reduce), which np.sum & co. call
    after a Python-level wrapper that costs more than the reduction of a small array."""
    p = Primitive(name)

    def impl_in_output_dtype(x, axes):
        # ml_dtypes' maximum/minimum/bitwise loops reduce int4/uint4 to int8; XLA keeps them.
        out = impl(x, axes)
        dtype = x.dtype if dtype_rule is None else dtype_rule(x.dtype)
        return out if out.dtype is dtype or out.dtype == dtype else out.astype(dtype)

    p.impl = impl if keep_dtype else impl_in_output_dtype  # sum/prod pass dtype= already

    def abstract_eval(x, axes):
        _check_axes(name, x, axes)
        dtype = x.dtype if dtype_rule is None else dtype_rule(x.dtype)
        return ShapedArray(_reduced_shape(x.shape, axes), dtype, x.weak_type)

    p.abstract_eval = abstract_eval
    p.batch = _batch_reduce(p)
    p.simplify_rules = (unit_reduction_as_reshape(reshape_p),)
    # A reduction makes a new array (NumPy's reduce copies even over no axes), never a
    # view of its operand: the operand's buffer may be reused once read (codegen.py).
    p.fresh_results = True
    # Positional arguments: keywords cost a ufunc method call more than a small reduction.
    if keep_dtype:  # add/multiply.reduce alone would widen small ints to the platform int
        def lower(names, params, avals=None):
            if avals is not None and avals[0].dtype.kind in "fc":  # already keeps the dtype
                return f"{numpy_name}({names[0]}, {params['axes']!r})"
            if avals is not None and avals[0].dtype.kind == "V":  # narrow dtypes: the impl
                return None
            return f"{numpy_name}({names[0]}, {params['axes']!r}, {names[0]}.dtype)"
        p.lower = lower
    else:  # narrow dtypes: the impl, which casts back what ml_dtypes' loops widen
        p.lower = lambda names, params, avals=None: (
            None if avals is not None and avals[0].dtype.kind == "V"
            else f"{numpy_name}({names[0]}, {params['axes']!r})")
    return p


def _in_float32(reduce):
    """bfloat16 and the other ml_dtypes floats accumulate in float32 and round once, as XLA
    does (ml_dtypes' own add.reduce would round after every element)."""
    def impl(x, axes):
        if x.dtype.kind == "V" and dtypes.kind(x.dtype) == "f":
            return np.asarray(reduce(x.astype(np.float32), axes, np.float32)).astype(x.dtype)
        return reduce(x, axes, x.dtype)
    return impl


def _wide_sum(shape, dtype, axes):
    """Whether a float16/float32 sum should accumulate in float64: NumPy adds along an
    outer axis (a column sum of a C-order array) one row after another, whose rounding
    error grows with the row count, where XLA adds in a tree; float64 accumulation rounds
    once, as close to the exact sum as XLA's tree (NumPy's own inner-axis sums are
    pairwise already)."""
    if np.dtype(dtype) not in (np.float16, np.float32):
        return False
    last = len(shape) - 1
    return math.prod(shape[a] for a in axes if a != last) >= _WIDE_SUM_ROWS


_WIDE_SUM_ROWS = 128  # NumPy's pairwise sum adds blocks of up to 128 elements in a row too


def _wide_sum_steps(shape, axes):
    """The axes of a float64 sum in one or two reductions. NumPy's inner loop runs over
    the kept axes after the last reduced one: where those hold few elements (a bias
    gradient's channels) it loops once per row, ~4x slower than reducing the other axes
    first (their inner loop runs over the last reduced axis and the kept ones)."""
    axes = sorted(int(a) % len(shape) for a in axes)
    last = axes[-1] if axes else len(shape) - 1
    if len(axes) > 1 and last < len(shape) - 1 and math.prod(shape[last + 1:]) < 256:
        return (tuple(axes[:-1]), (last - len(axes) + 1,))
    return (tuple(axes),)


def _sum(x, axes, dtype):
    if _wide_sum(x.shape, x.dtype, axes):
        first, *rest = _wide_sum_steps(x.shape, axes)
        out = np.add.reduce(x, first, np.float64)
        for step in rest:
            out = np.add.reduce(out, step)
        return out.astype(dtype)
    return np.sum(x, axis=axes, dtype=dtype)


reduce_sum_p = _define_reduction("reduce_sum", _in_float32(_sum), "np.add.reduce",
                                 keep_dtype=True)
_lower_sum = reduce_sum_p.lower


def _lower_reduce_sum(names, params, avals=None):
    if avals is not None and _wide_sum(avals[0].shape, avals[0].dtype, params["axes"]):
        first, *rest = _wide_sum_steps(avals[0].shape, params["axes"])
        code = f"np.add.reduce({names[0]}, {first!r}, np.float64)"
        for step in rest:  # as _sum: the same additions in the same order as eager
            code = f"np.add.reduce({code}, {step!r})"
        return f"{code}.astype(np.{avals[0].dtype.name})"
    return _lower_sum(names, params, avals)


reduce_sum_p.lower = _lower_reduce_sum


def _fused_reduction(eqn):
    """How a fused loop (compiler/fusion.py) adds this sum in NumPy's order, so with its
    bits: "rows", over the last axis of a C-ordered array, which NumPy adds pairwise
    (blocks of up to 128 elements in 8 running sums); "columns", over the first axis of a
    matrix, which NumPy adds one row after another. None for other axes, dtypes, and the
    float32 sums accumulated in float64 (_wide_sum)."""
    (x,) = eqn.inputs
    shape, dtype, axes = x.aval.shape, x.aval.dtype, tuple(eqn.params["axes"])
    if dtype not in (np.float32, np.float64) or len(shape) < 2 or _wide_sum(shape, dtype, axes):
        return None
    if axes == (len(shape) - 1,):
        return "rows"
    return "columns" if axes == (0,) and len(shape) == 2 else None


reduce_sum_p.fused_reduction = _fused_reduction
# A sum costs NumPy about two elementwise calls (1.4 us vs 0.6 us on 32x64 float32): what
# a fused loop saves by adding it up (compiler/fusion.py's cost model).
reduce_sum_p.fusion_weight = 2
reduce_sum_p.jvp = lambda primals, tangents, axes: (
    reduce_sum_p.bind(primals[0], axes=axes), reduce_sum_p.bind(tangents[0], axes=axes))
reduce_sum_p.transpose = lambda ct, x, axes: [_expand_back(ct, x.aval.shape, axes)]
reduce_sum_p.diagonal = "sum_reduction"
# As JAX prints it: with its `out_sharding` param (None here).
reduce_sum_p.print_rule = lambda eqn, context: sorted({**eqn.params, "out_sharding": None}.items())
register_defined_above(reduce_sum=reduce_sum_p)


def _extremum_jvp(primitive):
    # The derivative flows evenly to every location attaining the extremum, as in JAX.
    def jvp(primals, tangents, axes):
        (x,), (t,) = primals, tangents
        ans = primitive.bind(x, axes=axes)
        shape = shape_of(x)
        location = eq_p.bind(x, _expand_back(ans, shape, axes))
        dtype = core.get_aval(x).dtype
        weights = convert_element_type_p.bind(location, new_dtype=dtype, weak_type=False)
        counts = reduce_sum_p.bind(weights, axes=axes)
        return ans, div_p.bind(reduce_sum_p.bind(mul_p.bind(t, weights), axes=axes), counts)
    return jvp


def _extremum_identity(dtype, sign):
    """XLA's identity of max (sign -1) or min (+1): what an empty reduction gives."""
    kind = dtypes.kind(dtype)
    if kind == "b":
        return sign > 0
    if kind in "iu":
        info = dtypes.iinfo(dtype)
        return info.max if sign > 0 else info.min
    return np.array(sign * np.inf).astype(dtype)


def _rows_first(shape, dtype, axes):
    """(rows, n) where a max/min over the last axis alone should run on the transposed
    copy: NumPy reduces a short contiguous row one row at a time (~40 ns per row of 32
    float32s: 7.5 us for the (4, 32, 32) of 4-head attention's softmax), but reduces
    along the outer axis of the (n, rows) copy with one vectorized maximum per row of
    that copy (~3x faster with the copy). Max and min pick one of the elements in any
    order (NaN propagates either way), so the result is the same; None otherwise."""
    if len(shape) < 2 or tuple(int(a) for a in axes) != (len(shape) - 1,) \
            or np.dtype(dtype).kind not in "fiu":
        return None
    n, rows = shape[-1], math.prod(shape[:-1])
    return (rows, n) if 2 <= n <= _ROWS_FIRST_MAX_N and rows >= _ROWS_FIRST_MIN_ROWS else None


_ROWS_FIRST_MAX_N, _ROWS_FIRST_MIN_ROWS = 32, 64  # measured: NumPy 2.4, float32 / float64


def _extremum_reduction(name, reduce, numpy_name, sign):
    ufunc = getattr(np, numpy_name.split(".")[1])

    def impl(x, axes):
        x = np.asarray(x)
        if x.size == 0 or any(x.shape[a] == 0 for a in axes):
            shape = _reduced_shape(x.shape, axes)
            return np.full(shape, _extremum_identity(x.dtype, sign), x.dtype)
        rows_first = _rows_first(x.shape, x.dtype, axes)
        if rows_first is not None:
            return ufunc.reduce(x.reshape(rows_first).T.copy(), 0).reshape(x.shape[:-1])
        return reduce(x, axis=axes)

    p = _define_reduction(name, impl, numpy_name)
    lower = p.lower

    def lower_extremum(names, params, avals=None):
        if avals is None or any(avals[0].shape[a] == 0 for a in params["axes"]):
            return None  # empty: the identity, from the implementation
        rows_first = _rows_first(avals[0].shape, avals[0].dtype, params["axes"])
        if rows_first is not None:  # as impl, inline
            return (f"{numpy_name}({names[0]}.reshape({rows_first!r}).T.copy(), 0)"
                    f".reshape({avals[0].shape[:-1]!r})")
        return lower(names, params, avals)
    p.lower = lower_extremum
    p.jvp = _extremum_jvp(p)
    return p


reduce_max_p = _extremum_reduction("reduce_max", np.max, "np.maximum.reduce", -1)
reduce_min_p = _extremum_reduction("reduce_min", np.min, "np.minimum.reduce", 1)
reduce_sum_p.numba_code = reduction_code("sum")
reduce_max_p.numba_code = reduction_code("max")
reduce_min_p.numba_code = reduction_code("min")


def _prod_jvp(primals, tangents, axes):
    # d(prod x) = sum_i t_i * prod_{j != i} x_j, with the "product of the others"
    # computed from exclusive products on both sides so zeros in x are exact.
    (x,), (t,) = primals, tangents
    ans = reduce_prod_p.bind(x, axes=axes)
    shape = shape_of(x)
    n = len(shape)
    kept = [i for i in range(n) if i not in axes]
    perm = tuple(kept + list(axes))
    xt = moveaxis_all(x, perm)
    tt = moveaxis_all(t, perm)
    kept_shape = tuple(shape[i] for i in kept)
    size = 1
    for a in axes:
        size *= shape[a]
    xf = reshape_p.bind(xt, new_sizes=kept_shape + (size,))
    tf = reshape_p.bind(tt, new_sizes=kept_shape + (size,))
    others = _product_of_others(xf)
    return ans, reduce_sum_p.bind(mul_p.bind(tf, others), axes=(len(kept_shape),))


def moveaxis_all(x, perm):
    if perm == tuple(range(len(perm))):
        return x
    return transpose_p.bind(x, permutation=perm)


def _product_of_others(x):
    """For each position i along the last axis, the product of all other entries."""
    shape = shape_of(x)
    n = shape[-1]
    if n == 1:
        return np.ones(shape, dtype=core.get_aval(x).dtype)
    columns = [slice_p.bind(x, start_indices=(0,) * (len(shape) - 1) + (i,),
                            limit_indices=tuple(shape[:-1]) + (i + 1,), strides=None)
               for i in range(n)]
    one = np.ones(tuple(shape[:-1]) + (1,), dtype=core.get_aval(x).dtype)
    left, right = [one], [one]
    for i in range(1, n):
        left.append(mul_p.bind(left[-1], columns[i - 1]))
        right.append(mul_p.bind(right[-1], columns[n - i]))
    right.reverse()
    return concatenate_p.bind(*[mul_p.bind(l, r) for l, r in zip(left, right)],
                              dimension=len(shape) - 1)


reduce_prod_p = _define_reduction("reduce_prod",
                                  _in_float32(lambda x, axes, dtype: np.prod(x, axis=axes,
                                                                             dtype=dtype)),
                                  "np.multiply.reduce", keep_dtype=True)
reduce_prod_p.jvp = _prod_jvp

_bool_reduction_jvp = lambda p: (lambda primals, tangents, axes: (
    lambda out: (out, Zero(out)))(p.bind(primals[0], axes=axes)))


def _define_bitwise_reduction(name, ufunc):
    """reduce_and/or/xor: logical on booleans, bitwise on integers (as XLA's reductions)."""
    def impl(x, axes):
        x = np.asarray(x)
        return ufunc.reduce(x, axis=axes) if x.ndim else x.copy()  # fresh_results
    p = _define_reduction(name, impl, None)
    p.jvp = _bool_reduction_jvp(p)
    p.lower = lambda names, params, avals=None: (
        None if avals is not None and avals[0].dtype.kind == "V"
        else f"np.{ufunc.__name__}.reduce({names[0]}, {params['axes']!r})")

    def abstract_eval(x, axes):
        _check_axes(name, x, axes)
        if x.dtype != np.bool_ and dtypes.kind(x.dtype) not in "iu":
            raise TypeError(f"{name} requires a boolean or integer operand, got {x.dtype}")
        return ShapedArray(_reduced_shape(x.shape, axes), x.dtype, x.weak_type)
    p.abstract_eval = abstract_eval
    return p


reduce_and_p = _define_bitwise_reduction("reduce_and", np.bitwise_and)
reduce_or_p = _define_bitwise_reduction("reduce_or", np.bitwise_or)
reduce_xor_p = _define_bitwise_reduction("reduce_xor", np.bitwise_xor)


def _define_arg_reduction(name, fn):
    p = Primitive(name)
    p.impl = lambda x, axis, index_dtype: fn(x, axis=axis).astype(index_dtype)

    def abstract_eval(x, axis, index_dtype):
        _check_axes(name, x, (axis,))
        if x.shape[axis] == 0:
            raise ValueError(f"{name}: cannot take the {name} of an empty axis (shape {x.shape})")
        return ShapedArray(_reduced_shape(x.shape, (axis,)), index_dtype, False)

    p.abstract_eval = abstract_eval
    p.weak_type_rule = core.never_weak
    p.jvp = lambda primals, tangents, **params: (lambda out: (out, Zero(out)))(
        p.bind(primals[0], **params))
    p.batch = _batch_reduce(p, "axis")
    return p


argmax_p = _define_arg_reduction("argmax", np.argmax)
argmin_p = _define_arg_reduction("argmin", np.argmin)
