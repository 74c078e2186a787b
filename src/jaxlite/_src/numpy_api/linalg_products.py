"""jax.numpy.linalg's products and shape helpers: matrix_power, multi_dot, tensorinv,
tensorsolve, and the array-API names (cross, outer, matmul, tensordot, vecdot,
matrix_transpose, diagonal, trace)."""
import builtins
import math
import operator

from ..prims import linalg_solve as ls
from ..conversion import asarray, check_arraylike, promote
from . import shapes as sh
from . import contractions as ct
from .creation import eye
from .indexing import diagonal as _jnp_diagonal, trace as _jnp_trace
from .linalg import solve, inv


def matrix_power(a, n):
    """a raised to the integer power n (negative n inverts first), by repeated squaring."""
    check_arraylike("jnp.linalg.matrix_power", a)
    arr = asarray(a)
    if arr.ndim < 2:
        raise TypeError(f"{arr.ndim}-dimensional array given. Array must be at least "
                        "two-dimensional")
    if arr.shape[-2] != arr.shape[-1]:
        raise TypeError("Last 2 dimensions of the array must be square")
    try:
        n = operator.index(n)
    except TypeError as err:
        raise TypeError(f"exponent must be an integer, got {n}") from err
    if n == 0:
        return sh.broadcast_to(eye(arr.shape[-2], dtype=arr.dtype), arr.shape)
    if n < 0:
        arr = inv(arr)
        n = -n
    if n == 1:
        return arr
    if n == 2:
        return arr @ arr
    if n == 3:
        return (arr @ arr) @ arr
    z = result = None
    while n > 0:
        z = arr if z is None else z @ z
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else result @ z
    return result


def _chain_order(dims):
    """Optimal parenthesization of a matrix chain (dims[i] x dims[i+1] factors)."""
    k = len(dims) - 1
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j] = math.inf
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s
    return split


def multi_dot(arrays, *, precision=None):
    """Product of a chain of matrices in the cheapest order (first/last may be vectors)."""
    check_arraylike("jnp.linalg.multi_dot", *arrays)
    arrs = [asarray(a) for a in arrays]
    if len(arrs) < 2:
        raise ValueError(f"multi_dot requires at least two arrays; got len(arrays)={len(arrs)}")
    if not (arrs[0].ndim in (1, 2) and arrs[-1].ndim in (1, 2)
            and builtins.all(a.ndim == 2 for a in arrs[1:-1])):
        raise ValueError("multi_dot: input arrays must all be two-dimensional, except for the "
                         "first and last array which may be 1 or 2 dimensional. Got array "
                         f"shapes {[tuple(a.shape) for a in arrs]}")
    if builtins.any(a.shape[-1] != b.shape[0] for a, b in zip(arrs[:-1], arrs[1:])):
        raise ValueError("multi_dot: last dimension of each array must match first dimension "
                         f"of following array. Got array shapes {[tuple(a.shape) for a in arrs]}")
    first_vector, last_vector = arrs[0].ndim == 1, arrs[-1].ndim == 1
    if first_vector:
        arrs[0] = arrs[0][None, :]
    if last_vector:
        arrs[-1] = arrs[-1][:, None]
    split = _chain_order([a.shape[0] for a in arrs] + [arrs[-1].shape[1]])

    def product(i, j):
        if i == j:
            return arrs[i]
        s = split[i][j]
        return ct.matmul(product(i, s), product(s + 1, j))

    out = product(0, len(arrs) - 1)
    if first_vector:
        out = out[0]
    if last_vector:
        out = out[..., 0]
    return out


def tensorinv(a, ind=2):
    """Inverse of a tensor seen as a matrix (first `ind` axes vs the rest)."""
    check_arraylike("tensorinv", a)
    arr = asarray(a)
    ind = operator.index(ind)
    if ind <= 0:
        raise ValueError(f"ind must be a positive integer; got ind={ind}")
    contracting_shape, batch_shape = tuple(arr.shape[:ind]), tuple(arr.shape[ind:])
    flatshape = (math.prod(contracting_shape), math.prod(batch_shape))
    if flatshape[0] != flatshape[1]:
        raise ValueError("tensorinv is only possible when the product of the first `ind` "
                         "dimensions equals that of the remaining dimensions. got "
                         f"arr.shape={tuple(arr.shape)} with ind={ind}.")
    return sh.reshape(inv(sh.reshape(arr, flatshape)), batch_shape + contracting_shape)


def tensorsolve(a, b, axes=None):
    """x with tensordot(a, x, x.ndim) == b."""
    check_arraylike("tensorsolve", a, b)
    a_arr, b_arr = asarray(a), asarray(b)
    if axes is not None:
        a_arr = sh.moveaxis(a_arr, axes, len(axes) * (a_arr.ndim - 1,))
    out_shape = tuple(a_arr.shape[b_arr.ndim:])
    if tuple(a_arr.shape[:b_arr.ndim]) != tuple(b_arr.shape):
        raise ValueError("After moving axes to end, leading shape of a must match shape of b. "
                         f"got a.shape={tuple(a_arr.shape)}, b.shape={tuple(b_arr.shape)}")
    if b_arr.size != math.prod(out_shape):
        raise ValueError("Input arrays must have prod(a.shape[:b.ndim]) == "
                         f"prod(a.shape[b.ndim:]); got a.shape={tuple(a_arr.shape)}, "
                         f"b.ndim={b_arr.ndim}.")
    a_arr = sh.reshape(a_arr, (b_arr.size, math.prod(out_shape)))
    return sh.reshape(solve(a_arr, sh.ravel(b_arr)), out_shape)


def cross(x1, x2, /, *, axis=-1):
    """Cross product of (arrays of) 3-vectors along `axis`."""
    check_arraylike("jnp.linalg.cross", x1, x2)
    x1, x2 = asarray(x1), asarray(x2)
    if x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError("Both input arrays must be (arrays of) 3-dimensional vectors, but they "
                         f"have x1.shape[axis]={x1.shape[axis]} and "
                         f"x2.shape[axis]={x2.shape[axis]}")
    return cross3(x1, x2, axis)


def cross3(x1, x2, axis=-1):
    """The cross product of 3-vectors along `axis` (shared with jnp.cross)."""
    a, b = promote(asarray(x1), asarray(x2))
    a, b = sh.moveaxis(a, axis, -1), sh.moveaxis(b, axis, -1)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    out = sh.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return sh.moveaxis(out, -1, axis)


def outer(x1, x2, /):
    """Outer product of two vectors."""
    check_arraylike("jnp.linalg.outer", x1, x2)
    x1, x2 = asarray(x1), asarray(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are x1.ndim={x1.ndim} "
                         f"x2.ndim={x2.ndim}")
    return x1[:, None] * x2[None, :]


def matrix_transpose(x, /):
    """Swap the last two axes."""
    check_arraylike("jnp.linalg.matrix_transpose", x)
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose requires at least 2 dimensions; got ndim={x.ndim}")
    return ls.mT(x)


def matmul(x1, x2, /, *, precision=None, preferred_element_type=None):
    """Matrix product with broadcasting (the `@` operator)."""
    check_arraylike("jnp.linalg.matmul", x1, x2)
    return ct.matmul(x1, x2, precision=precision, preferred_element_type=preferred_element_type)


def tensordot(x1, x2, /, *, axes=2, precision=None, preferred_element_type=None,
              out_sharding=None):
    """Tensor contraction over `axes`."""
    check_arraylike("jnp.linalg.tensordot", x1, x2)
    return ct.tensordot(x1, x2, axes=axes, precision=precision,
                        preferred_element_type=preferred_element_type)


def vecdot(x1, x2, /, *, axis=-1, precision=None, preferred_element_type=None):
    """Conjugated dot product of vectors along `axis`."""
    check_arraylike("jnp.linalg.vecdot", x1, x2)
    return ct.vecdot(x1, x2, axis=axis, precision=precision,
                     preferred_element_type=preferred_element_type)


def diagonal(x, /, *, offset=0):
    """Diagonal of the last two axes."""
    check_arraylike("jnp.linalg.diagonal", x)
    return _jnp_diagonal(x, offset, -2, -1)


def trace(x, /, *, offset=0, dtype=None):
    """Trace of the last two axes."""
    check_arraylike("jnp.linalg.trace", x)
    return _jnp_trace(x, offset, -2, -1, dtype)
