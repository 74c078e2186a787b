"""jax.scipy.sparse.linalg.gmres: restarted GMRES (Saad & Schultz 1986; Saad, *Iterative
Methods for Sparse Linear Systems*, Algorithms 6.9 and 6.11) for A x = b with any square
A, given as a matrix or as a function on pytrees.

The unknowns are worked on as one flat vector (the pytree's leaves raveled and joined),
so the Krylov basis is one (n, restart + 1) matrix. Each restart runs Arnoldi on the
left-preconditioned operator v -> M(A(v)) from the current preconditioned residual,
orthogonalizing each new vector twice by classical Gram-Schmidt, and keeps the
Hessenberg matrix triangular with Givens rotations as it grows, so the residual of the
small least-squares problem is known at every step. solve_method='incremental' ends a
restart as soon as that residual is below the inner tolerance; 'batched' (the default)
always builds the whole basis unless it breaks down (an exactly invariant subspace).
Restarts go on while |M(b - A x)| > max(tol |b|, atol) and fewer than maxiter have run.

As JAX's, the result is (x, info) with info 0, or -1 when x holds a NaN, and derivatives
solve the transposed system by GMRES (`lax.custom_linear_solve`).

    >>> import jaxlite.numpy as jnp
    >>> from jaxlite.scipy.sparse.linalg import gmres
    >>> x, info = gmres(jnp.array([[3.0, 1.0], [-1.0, 2.0]]), jnp.array([1.0, 0.0]))
    >>> print((7 * x).round(3), int(info))  # x = (2/7, 1/7)
    [2. 1.] 0
"""
import numpy as np

from .. import dtypes
from ..lax.control_flow import fori_loop, while_loop
from ..lax.solves import custom_linear_solve
from ..numpy_api import ufuncs as uf
from ..numpy_api.contractions import matmul
from ..numpy_api.creation import arange, eye, ones, zeros
from ..numpy_api.shapes import concatenate, ravel, reshape
from ..tree import tree_flatten, tree_leaves, tree_unflatten
from .linalg import solve_triangular
from .sparse_linalg import prepare


def _norm(v):
    return uf.sqrt(uf.real(matmul(uf.conjugate(v), v)))


def _flat_operator(f, tree, dtype):
    """f on pytrees shaped like `tree`, as a function of one flat vector of `dtype`."""
    leaves, treedef = tree_flatten(tree)
    sizes = np.cumsum([u.size for u in leaves])[:-1]

    def unravel(v):
        parts = [v[a:b] for a, b in zip([0, *sizes], [*sizes, v.shape[0]])]
        return tree_unflatten(treedef, [reshape(p, u.shape).astype(u.dtype)
                                        for p, u in zip(parts, leaves)])

    return lambda v: _ravel(f(unravel(v)), dtype), unravel


def _ravel(tree, dtype):
    return concatenate([ravel(u).astype(dtype) for u in tree_leaves(tree)])


def _safe_normalize(v, floor):
    """(v / |v|, |v|), or zeros and 0 where |v| <= floor (a residual at rounding level
    counts as zero, as in JAX)."""
    norm = _norm(v)
    small = norm <= floor
    unit = v / uf.where(small, 1, norm).astype(v.dtype)
    return uf.where(small, 0, unit).astype(v.dtype), uf.where(small, 0, norm)


def _rotate(c, s, a, b):
    """The Givens rotation [[conj(c), conj(s)], [-s, c]] applied to the pair (a, b)."""
    return uf.conjugate(c) * a + uf.conjugate(s) * b, c * b - s * a


def _one_restart(op, unit_residual, residual_norm, restart, ptol, incremental):
    """The correction V y of one restart: V the Arnoldi basis of op from unit_residual,
    y the least-squares solution of min |residual_norm e_1 - H y|."""
    n, dtype = unit_residual.shape[0], unit_residual.dtype
    eps = float(dtypes.finfo(dtype).eps)
    basis = zeros((n, restart + 1), dtype).at[:, 0].set(unit_residual)
    tri = zeros((restart + 1, restart), dtype)  # the rotated Hessenberg matrix R
    rhs = zeros(restart + 1, dtype).at[0].set(residual_norm.astype(dtype))
    cos, sin = ones(restart, dtype), zeros(restart, dtype)

    def cond(state):
        k, stop = state[0], state[-1]
        return (k < restart) & ~stop

    def body(state):
        k, basis, tri, rhs, cos, sin, _ = state
        w = op(basis[:, k])
        w_norm = _norm(w)
        h = zeros(restart + 1, dtype)
        for _ in range(2):  # Gram-Schmidt twice keeps the basis orthogonal to rounding
            coef = matmul(uf.conjugate(basis).T, w)
            w = w - matmul(basis, coef)
            h = h + coef
        w, h_next = _safe_normalize(w, eps * w_norm)
        basis = basis.at[:, k + 1].set(w)
        h = h.at[k + 1].set(h_next.astype(dtype))
        # the rotations so far (identities past k) bring column k to triangular form
        h = fori_loop(0, restart, lambda i, h: _rotate_pair(h, i, cos[i], sin[i]), h)
        a, b = h[k], h[k + 1]
        r = uf.hypot(uf.abs(a), uf.abs(b))
        c = uf.where(r == 0, 1, a / uf.where(r == 0, 1, r).astype(dtype)).astype(dtype)
        s = uf.where(r == 0, 0, b / uf.where(r == 0, 1, r).astype(dtype)).astype(dtype)
        h = _rotate_pair(h, k, c, s)
        cos, sin = cos.at[k].set(c), sin.at[k].set(s)
        rhs = _rotate_pair(rhs, k, c, s)
        stop = h_next == 0
        if incremental:
            stop = stop | (uf.abs(rhs[k + 1]) <= ptol)
        return k + 1, basis, tri.at[:, k].set(h), rhs, cos, sin, stop

    k, basis, tri, rhs, *_ = while_loop(cond, body, (0, basis, tri, rhs, cos, sin, False))
    # Columns not built are completed by the identity, which keeps the triangular solve
    # of fixed size. Their right-hand sides are zero but for the first, the estimated
    # residual when 'incremental' stopped early: as in JAX, that multiple of the last
    # basis vector is added too (the restart loop measures the true residual anyway).
    built = arange(restart) < k
    square = uf.where(built[None, :], tri[:restart], eye(restart, dtype=dtype))
    return matmul(basis[:, :restart], solve_triangular(square, rhs[:restart]))


def _rotate_pair(v, i, c, s):
    a, b = _rotate(c, s, v[i], v[i + 1])
    return v.at[i].set(a).at[i + 1].set(b)


def gmres(A, b, x0=None, *, tol=1e-5, atol=0.0, restart=20, maxiter=None, M=None,
          solve_method="batched"):
    """Solve A x = b by restarted GMRES; returns (x, info) as JAX does: info is 0, or -1
    when x holds a NaN. maxiter counts restarts (default 10 times the number of
    unknowns); restart is at most the number of unknowns."""
    if solve_method not in ("incremental", "batched"):
        raise ValueError(f"invalid solve_method {solve_method}, must be either "
                         "'incremental' or 'batched'")
    A, b, x0, maxiter, M = prepare("gmres", A, b, x0, maxiter, M)
    leaves = tree_leaves(b)
    dtype = dtypes.result_type(*leaves)
    size = sum(u.size for u in leaves)
    restart = min(restart, size)
    b_norm = _norm(_ravel(b, dtype))
    atol = uf.maximum(tol * b_norm, atol)
    ptol = _norm(_ravel(M(b), dtype)) * uf.minimum(1.0, atol / b_norm)
    eps = float(dtypes.finfo(dtype).eps)

    def solve(matvec, rhs):
        flat_a, unravel = _flat_operator(matvec, rhs, dtype)
        flat_m, _ = _flat_operator(M, rhs, dtype)
        flat_b = _ravel(rhs, dtype)

        def residual(x):
            return _safe_normalize(flat_m(flat_b - flat_a(x)), eps)

        def cond(state):
            return (state[1] < maxiter) & (state[3] > atol)

        def body(state):
            x, k, unit, norm = state
            x = x + _one_restart(lambda v: flat_m(flat_a(v)), unit, norm, restart, ptol,
                                 solve_method == "incremental")
            return (x, k + 1, *residual(x))

        x = _ravel(x0, dtype)
        x = while_loop(cond, body, (x, 0, *residual(x)))[0]
        return unravel(x)

    x = custom_linear_solve(A, b, solve=solve, transpose_solve=solve)
    failed = uf.isnan(_norm(_ravel(x, dtype)))
    return x, uf.where(failed, -1, 0)

