"""Linear solves: triangular_solve and linear_solve, plus the batched-matrix
helpers (mT, matmul, tril, triu, ...) that every linear-algebra rule uses.

Both primitives are linear in `b` (transpose rule: the solve with the transposed
matrix) and differentiable in `a` (d(A^-1 B) = -A^-1 dA A^-1 B). Matrices have
shape (..., m, m) and right-hand sides (..., m, k) with the *same* leading
(batch) dimensions; the jax.numpy wrappers broadcast before binding. Under
vmap, an unbatched matrix with a batched right-hand side folds the batch into
the columns (one solve); otherwise batch axes move to the front.

`linear_solve` stands in for JAX's `custom_linear_solve` over an LU
factorization: NumPy's `solve` (LAPACK gesv) does the factorization and the
substitutions in one call, and the JVP/transpose rules give JAX's derivatives.
"""
import numpy as np

from .. import core, dtypes
from ..core import Primitive, ShapedArray
from ..ad import Zero, is_linear
from . import linalg_kernels as kernels
from .util import ndim, shape_of, const_like
from .shape import transpose_p, reshape_p, moveaxis, _batch_to_front
from .index import gather_p
from .linalg import dot_general_p
from .elementwise import select_n_p, add_p, sub_p, neg_p
from .complex import conj_p, real_p


# ---- helpers on (batched) matrices, usable under any trace ---------------------------------------
def mT(x):
    """Swap the last two axes."""
    n = ndim(x)
    return transpose_p.bind(x, permutation=tuple(range(n - 2)) + (n - 1, n - 2))


def conj(x):
    """The complex conjugate of complex `x`; real `x` unchanged (no equation bound)."""
    dtype = core.get_aval(x).dtype
    return conj_p.bind(x, input_dtype=dtype) if dtype.kind == "c" else x


def mH(x):
    """The conjugate transpose of the last two axes (mT for real matrices)."""
    return conj(mT(x))


def real_part(x):
    """The real part of complex `x`, as a real array; real `x` unchanged."""
    return real_p.bind(x) if core.get_aval(x).dtype.kind == "c" else x


def matmul(a, b):
    """Batched matrix product of (..., m, k) and (..., k, n) with equal batch dims."""
    n = ndim(a)
    batch = tuple(range(n - 2))
    return dot_general_p.bind(a, b, dimension_numbers=(((n - 1,), (n - 2,)), (batch, batch)),
                              preferred_element_type=None)


def _triangle_mask(shape, k, lower):
    rows, cols = shape[-2], shape[-1]
    mask = np.tri(rows, cols, k, dtype=bool)
    return mask if lower else ~np.tri(rows, cols, k - 1, dtype=bool)


def tril(x, k=0):
    """Zero the entries above the k-th diagonal (a select, so inf/NaN stay put)."""
    return select_n_p.bind(_triangle_mask(shape_of(x), k, True), const_like(x, 0), x)


def triu(x, k=0):
    """Zero the entries below the k-th diagonal."""
    return select_n_p.bind(_triangle_mask(shape_of(x), k, False), const_like(x, 0), x)


def eye_like(x, n=None):
    """An (n, n) identity constant with the dtype of `x` (broadcasts over batch dims)."""
    n = shape_of(x)[-1] if n is None else n
    return core.Array(np.eye(n, dtype=core.get_aval(x).dtype), False)


def expand(x, axis):
    """Insert a size-1 axis at `axis` (negative counts from the end of the result)."""
    shape = list(shape_of(x))
    axis = axis % (len(shape) + 1)
    shape.insert(axis, 1)
    return reshape_p.bind(x, new_sizes=tuple(shape))


def diagonal(x):
    """The main diagonal of the last two axes: x[..., i, i], the gather jnp.diagonal binds."""
    k = min(shape_of(x)[-2:])
    i = core.Array(np.arange(k, dtype=np.int32), False)
    return gather_p.bind(x, i, i, index_spec=(("ellipsis",), ("array",), ("array",)))


def permute_rows(x, permutation):
    """x[..., permutation, :] for (..., m, n) x and (..., m) permutation: the gather
    jnp.take_along_axis binds (a permutation is never out of bounds)."""
    shape = shape_of(x)
    rank = len(shape)
    index = []
    for axis, size in enumerate(shape):
        if axis == rank - 2:
            index.append(expand(permutation, -1))
        else:
            positions = np.arange(size).reshape([size if a == axis else 1 for a in range(rank)])
            index.append(core.Array(positions.astype(dtypes.default_int_dtype()), False))
    return gather_p.bind(x, *index, index_spec=(("array",),) * rank)


def diag_embed(v):
    """(..., n) -> (..., n, n) with v on the diagonal."""
    n = shape_of(v)[-1]
    return select_n_p.bind(np.eye(n, dtype=bool), const_like(v, 0), expand(v, -2))


# ---- triangular_solve ---------------------------------------------------------------------------
triangular_solve_p = Primitive("triangular_solve")


def _triangular_solve_impl(a, b, *, left_side, lower, transpose_a, conjugate_a, unit_diagonal):
    return kernels.triangular_solve(a, b, left_side, lower, transpose_a, conjugate_a,
                                    unit_diagonal)


def _check_matrix(name, aval, square=True):
    if aval.ndim < 2 or (square and aval.shape[-1] != aval.shape[-2]):
        raise ValueError(f"{name}: expected a (batch of) square matrices of shape [..., m, m], "
                         f"got {aval.shape}")
    if aval.dtype.kind not in "fc":
        raise TypeError(f"{name}: expected a floating-point or complex matrix, got "
                        f"{aval.dtype.name} (jax.numpy functions promote integers for you)")


def _triangular_solve_abstract(a, b, *, left_side, **params):
    _check_matrix("triangular_solve", a)
    common = -2 if left_side else -1
    if b.ndim != a.ndim or b.shape[:-2] != a.shape[:-2] or b.shape[common] != a.shape[-1]:
        raise ValueError(f"triangular_solve: incompatible shapes {a.shape} and {b.shape} (b "
                         f"needs a's batch dims and {a.shape[-1]} "
                         f"{'rows' if left_side else 'columns'})")
    if a.dtype != b.dtype:
        raise TypeError(f"triangular_solve requires equal dtypes, got {a.dtype} and {b.dtype}")
    return ShapedArray(b.shape, b.dtype, False)


def _triangular_solve_jvp(primals, tangents, *, left_side, lower, transpose_a, conjugate_a,
                          unit_diagonal):
    a, b = primals
    ta, tb = tangents
    params = dict(left_side=left_side, lower=lower, transpose_a=transpose_a,
                  conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)
    ans = triangular_solve_p.bind(a, b, **params)
    out = None
    if type(tb) is not Zero:
        out = triangular_solve_p.bind(a, tb, **params)
    if type(ta) is not Zero:
        k = 1 if unit_diagonal else 0
        g = tril(ta, -k) if lower else triu(ta, k)
        g = neg_p.bind(g)
        if transpose_a:
            g = mT(g)
        if conjugate_a:
            g = conj(g)

        def a_inverse(rhs):
            return triangular_solve_p.bind(a, rhs, **params)

        m, n = shape_of(b)[-2:]
        # Order the product and the solve by cost, as JAX does.
        if left_side:
            part = a_inverse(matmul(g, ans)) if m > n else matmul(a_inverse(g), ans)
        else:
            part = a_inverse(matmul(ans, g)) if m < n else matmul(ans, a_inverse(g))
        out = part if out is None else add_p.bind(out, part)
    return ans, out


def _triangular_solve_transpose(ct, a, b, *, transpose_a, **params):
    if is_linear(a):
        raise NotImplementedError("triangular_solve is not linear in its matrix argument")
    return [None, triangular_solve_p.bind(a, ct, transpose_a=not transpose_a, **params)]


def batch_size(values, dims):
    """The vmapped axis size, read off the first batched operand."""
    for v, d in zip(values, dims):
        if d is not None:
            return shape_of(v)[d]
    raise ValueError("no batched operand")


def batch_leading(primitive):
    """Batching rule of a primitive whose operands and outputs all have the same leading
    batch dims: move the vmapped axes to the front and bind again."""
    def batch(values, dims, **params):
        out = primitive.bind(*_batch_to_front(values, dims, batch_size(values, dims)), **params)
        return (out, [0] * len(out)) if primitive.multiple_results else (out, 0)
    return batch


def define_linalg(name, impl, abstract_eval, jvp, multiple_results):
    """A primitive over matrices with any leading batch dims: vmap moves the batched
    axes to the front (batch_leading); its results are never weakly typed."""
    p = Primitive(name, multiple_results=multiple_results)
    p.impl = impl
    p.abstract_eval = abstract_eval
    p.jvp = jvp
    p.batch = batch_leading(p)
    p.weak_type_rule = core.never_weak
    return p


def _fold_batch_into_rhs(primitive, a, b, db, left_side, params):
    """Unbatched matrix, batched right-hand sides: one solve with the batch as extra
    columns (left side) or rows (right side)."""
    if left_side:
        b = moveaxis(b, db, -1)
        shape = shape_of(b)
        flat = reshape_p.bind(b, new_sizes=tuple(shape[:-3]) + (shape[-3], shape[-2] * shape[-1]))
        out_dim = len(shape) - 1
    else:
        b = moveaxis(b, db, -2)
        shape = shape_of(b)
        flat = reshape_p.bind(b, new_sizes=tuple(shape[:-3]) + (shape[-3] * shape[-2], shape[-1]))
        out_dim = len(shape) - 2
    out = primitive.bind(a, flat, **params)
    return reshape_p.bind(out, new_sizes=tuple(shape)), out_dim


def _solve_batch(primitive, left_side_param):
    def batch(values, dims, **params):
        a, b = values
        da, db = dims
        left_side = params[left_side_param] if left_side_param else True
        if da is None:
            return _fold_batch_into_rhs(primitive, a, b, db, left_side, params)
        a, b = _batch_to_front(values, dims, batch_size(values, dims))
        return primitive.bind(a, b, **params), 0
    return batch


triangular_solve_p.impl = _triangular_solve_impl
triangular_solve_p.abstract_eval = _triangular_solve_abstract
triangular_solve_p.jvp = _triangular_solve_jvp
triangular_solve_p.transpose = _triangular_solve_transpose
triangular_solve_p.batch = _solve_batch(triangular_solve_p, "left_side")
triangular_solve_p.weak_type_rule = core.never_weak


# ---- linear_solve: a @ x = b (or a^T @ x = b) for general square a ----------------------------------
linear_solve_p = Primitive("linear_solve")


def _linear_solve_impl(a, b, *, transpose_a=False):
    a = np.asarray(a)
    return kernels.solve(np.swapaxes(a, -1, -2) if transpose_a else a, b)


def _linear_solve_abstract(a, b, *, transpose_a=False):
    _check_matrix("solve", a)
    if b.ndim != a.ndim or b.shape[:-2] != a.shape[:-2] or b.shape[-2] != a.shape[-1]:
        raise ValueError(f"solve: incompatible shapes {a.shape} and {b.shape} (b needs a's "
                         f"batch dims and {a.shape[-1]} rows)")
    if a.dtype != b.dtype:
        raise TypeError(f"solve requires equal dtypes, got {a.dtype} and {b.dtype}")
    return ShapedArray(b.shape, b.dtype, False)


def _linear_solve_jvp(primals, tangents, *, transpose_a=False):
    a, b = primals
    ta, tb = tangents
    x = linear_solve_p.bind(a, b, transpose_a=transpose_a)
    rhs = None if type(tb) is Zero else tb
    if type(ta) is not Zero:
        dax = matmul(mT(ta) if transpose_a else ta, x)
        rhs = neg_p.bind(dax) if rhs is None else sub_p.bind(rhs, dax)
    return x, linear_solve_p.bind(a, rhs, transpose_a=transpose_a)


def _linear_solve_transpose(ct, a, b, *, transpose_a=False):
    if is_linear(a):
        raise NotImplementedError("solve is not linear in its matrix argument")
    return [None, linear_solve_p.bind(a, ct, transpose_a=not transpose_a)]


linear_solve_p.impl = _linear_solve_impl
linear_solve_p.abstract_eval = _linear_solve_abstract
linear_solve_p.jvp = _linear_solve_jvp
linear_solve_p.transpose = _linear_solve_transpose
linear_solve_p.batch = _solve_batch(linear_solve_p, None)
linear_solve_p.weak_type_rule = core.never_weak
