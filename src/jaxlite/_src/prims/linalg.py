"""dot_general: tensor contraction with batch dimensions, lowered to BLAS matmul."""
import math

import numpy as np

from .. import core, dtypes
from ..core import Primitive, ShapedArray
from ..ad import Zero, is_linear
from .util import ndim
from .shape import transpose_p, moveaxis
from .elementwise import add_p, mul_p, convert_element_type_p
from .compiler_rules import scalar_product_as_product, scalar_product_code, outer_kernel
from .program_rules import dot_general_code

def bilinear_jvp(primitive):
    """The JVP rule of a primitive linear in each operand separately (dot_general, conv):
    the product rule, d(x * y) = dx * y + x * dy, with each term bound only when its
    tangent is nonzero."""
    def jvp(primals, tangents, **params):
        (x, y), (tx, ty) = primals, tangents
        out = primitive.bind(x, y, **params)
        t = None
        if type(tx) is not Zero:
            t = primitive.bind(tx, y, **params)
        if type(ty) is not Zero:
            part = primitive.bind(x, ty, **params)
            t = part if t is None else add_p.bind(t, part)
        return out, t
    return jvp


dot_general_p = Primitive("dot_general")


def _free_dims(rank, contract, batch):
    return [i for i in range(rank) if i not in contract and i not in batch]


def _precision_rank(dtype):
    """XLA's order of operand types for a product of two dtypes (HigherPrecisionType):
    complex over real, then more exponent bits, more mantissa bits, more bits, signed over
    unsigned."""
    k = dtypes.kind(dtype)
    real = np.dtype(dtype) if k != "c" else np.finfo(dtype).dtype
    info = dtypes.finfo(real) if k in "fc" else None
    bits = 1 if k == "b" else (info.bits if info else dtypes.iinfo(real).bits)
    return (k == "c", info.maxexp if info else -1, info.nmant if info else -1, bits, k != "u")


def product_dtype(x_dtype, y_dtype):
    """The dtype of dot_general(x, y) without preferred_element_type: the operands' when
    they agree, else the one of higher precision, as JAX's rule."""
    if x_dtype == y_dtype:
        return x_dtype
    x_rank, y_rank = _precision_rank(x_dtype), _precision_rank(y_dtype)
    if x_rank == y_rank:
        raise TypeError(f"lax.dot_general argument type error: {x_dtype}, {y_dtype}")
    return x_dtype if x_rank > y_rank else y_dtype


def _dot_general_impl(x, y, dimension_numbers, precision=None, preferred_element_type=None,
                      out_sharding=None):
    (lc, rc), (lb, rb) = dimension_numbers
    x, y = np.asarray(x), np.asarray(y)
    out_dtype = preferred_element_type or product_dtype(x.dtype, y.dtype)
    if x.dtype != y.dtype:
        # As XLA: both operands are converted to preferred_element_type when it is given,
        # else the one of lower precision to the other's type (float8_e4m3fn 4.5 times a
        # float8_e5m2 is then 4 times it).
        common = preferred_element_type or product_dtype(x.dtype, y.dtype)
        x, y = x.astype(common), y.astype(common)
    if out_dtype != x.dtype and (
            (x.dtype.kind in "biu" and np.dtype(out_dtype).kind in "fc")
            or np.dtype(out_dtype).itemsize > x.dtype.itemsize):
        # Accumulate in the preferred type, as XLA does (int8 products summed in int32,
        # integer products in float without wrapping).
        x, y = x.astype(out_dtype), y.astype(out_dtype)
    if not lb and not lc:
        # An outer product by broadcasting: BLAS (np.tensordot's path) drops the products
        # with a zero operand, so inf * 0 would give 0 instead of NaN, and -x * 0 gives +0.
        return np.asarray(x.reshape(x.shape + (1,) * y.ndim) * y, dtype=out_dtype)
    if not lb:
        # np.dot uses BLAS only for operands of rank <= 2; tensordot reshapes to 2-D first.
        if _np_dot_applies(x.ndim, y.ndim, lc, rc, lb) and x.ndim <= 2 and y.ndim <= 2:
            out = np.dot(x, y)
        elif lc == (x.ndim - 1,) and rc == (1,) and y.ndim == 2 and x.ndim <= 2:
            out = np.dot(x, y.T)
        elif not lc:  # an outer product: one product per result, as with BLAS
            out = np.multiply(x.reshape(x.shape + (1,) * y.ndim), y)
        else:
            out = np.tensordot(x, y, axes=(lc, rc))
        return np.asarray(out, dtype=out_dtype)
    x_free = _free_dims(x.ndim, lc, lb)
    y_free = _free_dims(y.ndim, rc, rb)
    bshape = [x.shape[i] for i in lb]
    xfs = [x.shape[i] for i in x_free]
    yfs = [y.shape[i] for i in y_free]
    k = math.prod(x.shape[i] for i in lc)
    b, m, n = math.prod(bshape), math.prod(xfs), math.prod(yfs)
    xm = np.transpose(x, list(lb) + x_free + list(lc))
    ym = np.transpose(y, list(rb) + list(rc) + y_free)
    if not lc:  # batched outer product: broadcasting beats a matmul with k = 1
        out = xm.reshape(b, m, 1) * ym.reshape(b, 1, n)
    else:
        out = np.matmul(xm.reshape(b, m, k), ym.reshape(b, k, n))
    return out.reshape(bshape + xfs + yfs).astype(out_dtype, copy=False)


def _dot_general_abstract(x, y, dimension_numbers, precision=None,
                          preferred_element_type=None, out_sharding=None):
    (lc, rc), (lb, rb) = dimension_numbers
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise TypeError(f"dot_general: dimension_numbers {dimension_numbers} must pair up "
                        "contracting and batch dimensions of both operands")
    for a, b in zip(lc + lb, rc + rb):
        if x.shape[a] != y.shape[b]:
            raise TypeError(
                f"dot_general: incompatible shapes for contraction: {x.shape} and {y.shape} "
                f"(axis {a} of size {x.shape[a]} vs axis {b} of size {y.shape[b]})")
    out_dtype = preferred_element_type or product_dtype(x.dtype, y.dtype)
    shape = ([x.shape[i] for i in lb] + [x.shape[i] for i in _free_dims(x.ndim, lc, lb)]
             + [y.shape[i] for i in _free_dims(y.ndim, rc, rb)])
    return ShapedArray(shape, out_dtype, x.weak_type and y.weak_type)


def _transpose_operand(ct, other, my_rank, my_contract, my_batch, other_contract, other_batch,
                       my_free_first, preferred_element_type=None, precision=None):
    """Cotangent of one operand of dot_general, contracting `ct` with the other operand.

    `ct` has axes (batch, lhs free, rhs free); `my_free_first` says whether this
    operand is the lhs (its free axes come first in `ct`)."""
    nb = len(my_batch)
    my_free = _free_dims(my_rank, my_contract, my_batch)
    other_free = _free_dims(ndim(other), other_contract, other_batch)
    start = nb + len(my_free) if my_free_first else nb
    ct_other_free = tuple(range(start, start + len(other_free)))
    dims = ((ct_other_free, tuple(other_free)), (tuple(range(nb)), tuple(other_batch)))
    result = dot_general_p.bind(ct, other, dimension_numbers=dims, precision=precision,
                                preferred_element_type=preferred_element_type)
    # result axes: batch, my free, then my contracting axes in the other's axis order
    result_axes = list(my_batch) + my_free + [my_contract[other_contract.index(r)]
                                              for r in sorted(other_contract)]
    perm = tuple(result_axes.index(i) for i in range(my_rank))
    if perm != tuple(range(my_rank)):
        result = transpose_p.bind(result, permutation=perm)
    return result


def _dot_general_transpose(ct, x, y, dimension_numbers, precision=None,
                           preferred_element_type=None, out_sharding=None):
    (lc, rc), (lb, rb) = map(lambda p: tuple(map(list, p)), dimension_numbers)
    # As JAX: a product that names its result type names the operand's in its transpose.
    if is_linear(x):
        pet = None if preferred_element_type is None else x.aval.dtype
        ct_x = _transpose_operand(ct, y, x.aval.ndim, lc, lb, rc, rb, True, pet, precision)
        return [_cast(ct_x, x.aval.dtype), None]
    pet = None if preferred_element_type is None else y.aval.dtype
    ct_y = _transpose_operand(ct, x, y.aval.ndim, rc, rb, lc, lb, False, pet, precision)
    return [None, _cast(ct_y, y.aval.dtype)]


def _cast(x, dtype):
    if core.get_aval(x).dtype == dtype:
        return x
    return convert_element_type_p.bind(x, new_dtype=dtype, weak_type=False)


def _shift(dims, d):
    return tuple(i + 1 if i >= d else i for i in dims)


def _dot_general_batch(values, dims, dimension_numbers, precision=None,
                       preferred_element_type=None, out_sharding=None):
    x, y = values
    dx, dy = dims
    (lc, rc), (lb, rb) = dimension_numbers
    if dx is not None and dy is not None:
        x, y = moveaxis(x, dx, 0), moveaxis(y, dy, 0)
        new = ((_shift(lc, 0), _shift(rc, 0)), ((0,) + _shift(lb, 0), (0,) + _shift(rb, 0)))
        return dot_general_p.bind(x, y, dimension_numbers=new,
                                  precision=precision,
                                  preferred_element_type=preferred_element_type), 0
    if dx is not None:
        new_lc, new_lb = _shift(lc, dx), _shift(lb, dx)
        new = ((new_lc, rc), (new_lb, rb))
        out = dot_general_p.bind(x, y, dimension_numbers=new, precision=precision,
                                 preferred_element_type=preferred_element_type)
        return out, len(lb) + _free_dims(ndim(x), new_lc, new_lb).index(dx)
    new_rc, new_rb = _shift(rc, dy), _shift(rb, dy)
    new = ((lc, new_rc), (lb, new_rb))
    out = dot_general_p.bind(x, y, dimension_numbers=new, precision=precision,
                             preferred_element_type=preferred_element_type)
    x_free = _free_dims(ndim(x), lc, lb)
    return out, len(lb) + len(x_free) + _free_dims(ndim(y), new_rc, new_rb).index(dy)


def _np_dot_applies(x_ndim, y_ndim, lc, rc, lb):
    """Whether np.dot computes this contraction directly (no batch dims, NumPy's axes)."""
    if lb or len(lc) != 1 or x_ndim == 0 or y_ndim == 0:
        return False
    y_axis = 0 if y_ndim == 1 else y_ndim - 2
    return lc == (x_ndim - 1,) and rc == (y_axis,)


def _einsum_subscripts(x_ndim, y_ndim, dimension_numbers):
    (lc, rc), (lb, rb) = dimension_numbers
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    xs = [next(letters) for _ in range(x_ndim)]
    ys = [None] * y_ndim
    for a, b in zip(lc + lb, rc + rb):
        ys[b] = xs[a]
    ys = [c or next(letters) for c in ys]
    out = [xs[i] for i in lb] + [xs[i] for i in _free_dims(x_ndim, lc, lb)] + \
        [ys[i] for i in _free_dims(y_ndim, rc, rb)]
    return f"{''.join(xs)},{''.join(ys)}->{''.join(out)}"


def _lower_dot_general(names, params, avals=None):
    """Specialize on shapes at compile time: np.dot / matmul / broadcasting where they
    apply (BLAS, little overhead), einsum otherwise."""
    if avals is None or params.get("preferred_element_type") not in (None, avals[0].dtype):
        return None
    if avals[0].dtype != avals[1].dtype:
        return None  # mixed operand dtypes: the implementation casts them
    if avals[0].dtype.kind not in "biufc":
        return None  # ml_dtypes' narrow floats (bfloat16): np.einsum has no loop for them
    dims = params["dimension_numbers"]
    (lc, rc), (lb, rb) = dims
    x, y = names
    xa, ya = avals
    if not lc and not lb:
        # An outer product (a matmul's weight gradient per scan step): each result is one
        # product, as BLAS's k = 1 product gives too; np.tensordot costs ~15 us of Python.
        xs = tuple(xa.shape) + (1,) * ya.ndim
        xr = x if xa.ndim == 0 or ya.ndim == 0 else f"{x}.reshape({xs!r})"
        return f"np.multiply({xr}, {y})"
    if not lb and lc and all(xa.shape[i] == 1 for i in lc):
        # Contracting only size-1 axes: each result is one product, which is exactly what
        # BLAS returns too (0 + a*b); a broadcasting multiply skips BLAS's call overhead
        # (the x @ W1 of a 1-input network). Dropping size-1 axes keeps the free axes'
        # order, which is dot_general's output order (x's free axes, then y's).
        x_free = [xa.shape[i] for i in _free_dims(xa.ndim, lc, lb)]
        y_free = [ya.shape[i] for i in _free_dims(ya.ndim, rc, rb)]
        xs, ys = tuple(x_free) + (1,) * len(y_free), tuple(y_free)
        xr = x if xs == tuple(xa.shape) else f"{x}.reshape({xs!r})"
        yr = y if ys == tuple(ya.shape) else f"{y}.reshape({ys!r})"
        return f"np.multiply({xr}, {yr})"
    small = xa.ndim <= 2 and ya.ndim <= 2  # np.dot uses BLAS only up to rank 2
    if small and _np_dot_applies(xa.ndim, ya.ndim, lc, rc, lb):
        return f"np.dot({x}, {y})"
    if small and not lb and len(lc) == 1 and (ya.ndim == 1 or xa.ndim == 1):
        if _np_dot_applies(ya.ndim, xa.ndim, rc, lc, ()):
            return f"np.dot({y}, {x})"
    if small and not lb and len(lc) == 1 and xa.ndim == ya.ndim == 2:
        # matrix . matrix^T and matrix^T . matrix (what transposition of matmul produces)
        if lc == (1,) and rc == (1,):
            return f"np.dot({x}, {y}.T)"
        if lc == (0,) and rc == (0,):
            return f"np.dot({x}.T, {y})"
        if lc == (0,) and rc == (1,):  # what np.tensordot computes, without its overhead
            return f"np.dot({x}.T, {y}.T)"
    if not lb:
        return f"np.tensordot({x}, {y}, axes=({list(lc)!r}, {list(rc)!r}))"
    nb = len(lb)
    if lb == rb == tuple(range(nb)) and nb:
        x_free = _free_dims(xa.ndim, lc, lb)
        y_free = _free_dims(ya.ndim, rc, rb)
        if not lc:  # a batched outer product: broadcasting multiply
            xs = tuple(xa.shape[:nb]) + tuple(xa.shape[i] for i in x_free) + (1,) * len(y_free)
            ys = tuple(ya.shape[:nb]) + (1,) * len(x_free) + tuple(ya.shape[i] for i in y_free)
            xr = x if xs == tuple(xa.shape) else f"{x}.reshape({xs!r})"  # the method:
            yr = y if ys == tuple(ya.shape) else f"{y}.reshape({ys!r})"  # np.reshape wraps it
            return f"np.multiply({xr}, {yr})"
        if (lc == (xa.ndim - 1,) and rc == (nb,) and len(x_free) == 1 and len(y_free) == 1):
            return f"np.matmul({x}, {y})"
        if nb == 1 and xa.ndim == ya.ndim == 3 and len(lc) == 1:
            # One batch axis: the implementation's own matmul of the operands transposed
            # to (batch, free, contracted) and (batch, contracted, free), as views (what
            # attention's transposes need: q k^T, and p^T g, g v^T in reverse mode).
            xr = x if lc == (2,) else f"{x}.transpose((0, 2, 1))"
            yr = y if rc == (1,) else f"{y}.transpose((0, 2, 1))"
            return f"np.matmul({xr}, {yr})"
    if xa.size * ya.size <= 1 << 16:  # tiny: one einsum call beats the general path
        # order="C": einsum may lay its result out as its operands are (as eager's
        # matmul does not), and a later reduction would then add in another order
        return f"np.einsum({_einsum_subscripts(xa.ndim, ya.ndim, dims)!r}, {x}, {y}, order='C')"
    return None  # the implementation: transposes and reshapes into one BLAS matmul


def _outer_product_kernel(eqn):
    """The fused tier's kernel for an outer product, batched or not (what vmapped weight
    gradients are): the broadcasting multiply of the lowering above, as plain loops."""
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    xa, ya = (v.aval for v in eqn.inputs)
    nb = len(lb)
    if lc or lb != rb or lb != tuple(range(nb)) or xa.dtype != ya.dtype \
            or eqn.outputs[0].aval.dtype != xa.dtype:
        return None
    x_free, y_free = xa.shape[nb:], ya.shape[nb:]
    xs = tuple(xa.shape) + (1,) * len(y_free)
    ys = tuple(ya.shape[:nb]) + (1,) * len(x_free) + tuple(y_free)
    return outer_kernel("*", np.multiply, xs, ys, eqn.outputs[0].aval)


dot_general_p.impl = _dot_general_impl
dot_general_p.lower = _lower_dot_general
dot_general_p.fused_kernel = _outer_product_kernel
# Its results are new arrays; its lowerings' (np.dot, matmul, einsum in C order, a
# broadcasting multiply of C-order operands) are in C order: a later elementwise operation
# may write into one that dies there (compiler/codegen.py), e.g. the accumulation of a
# weight gradient in a scan.
dot_general_p.fresh_results = dot_general_p.writable_results = True
dot_general_p.abstract_eval = _dot_general_abstract
dot_general_p.jvp = bilinear_jvp(dot_general_p)
dot_general_p.transpose = _dot_general_transpose


def _print_dot_general(eqn, context):
    # As JAX prints it: dimension numbers as lists, no None-valued params.
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    params = {k: v for k, v in eqn.params.items() if v is not None}
    params["dimension_numbers"] = ((list(lc), list(rc)), (list(lb), list(rb)))
    return sorted(params.items())


dot_general_p.print_rule = _print_dot_general
dot_general_p.param_order = (("dimension_numbers", None), ("precision", None),
                             ("preferred_element_type", None), ("out_sharding", None))
dot_general_p.batch = _dot_general_batch
dot_general_p.weak_type_rule = lambda weak, params: all(weak)
dot_general_p.simplify_rules = (scalar_product_as_product(mul_p),)
dot_general_p.scalar_code = scalar_product_code
dot_general_p.numba_code = dot_general_code
dot_general_p.diagonal = "contraction"
