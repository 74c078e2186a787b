"""jax.scipy.sparse.linalg.cg: the conjugate gradient method for A x = b with A
Hermitian positive definite, given as a matrix or as a function (a linear operator on
pytrees, as jaxopt's implicit differentiation passes it).

The iteration is the textbook preconditioned CG (Saad, *Iterative Methods for Sparse
Linear Systems*, Algorithm 9.1) in one `lax.while_loop`; it stops once the residual's
squared norm is at most max(tol**2 * |b|**2, atol**2), or after `maxiter` steps (default
10 times the number of unknowns). The solve is wrapped in `lax.custom_linear_solve` with
symmetric=True, so derivatives of x solve the same system instead of differentiating
through the iterations.

    >>> import jaxlite.numpy as jnp
    >>> from jaxlite.scipy.sparse.linalg import cg
    >>> A = jnp.array([[4.0, 1.0], [1.0, 3.0]])
    >>> x, info = cg(A, jnp.array([1.0, 2.0]))
    >>> print(x.round(4), info)
    [0.0909 0.6364] None

`bicgstab` (here) and `gmres` (`sparse_gmres`) take the same arguments and solve
non-symmetric systems; their derivatives solve the transposed system with the same
method, as JAX's do.
"""
import functools

from .. import dtypes
from ..conversion import asarray, convert
from ..lax.control_flow import while_loop
from ..lax.solves import custom_linear_solve
from ..numpy_api import ufuncs as uf
from ..numpy_api.contractions import matmul, vdot
from ..numpy_api.creation import zeros_like
from ..tree import tree_leaves, tree_map, tree_structure


def _as_operator(A, name="cg"):
    if callable(A):
        return A
    matrix = asarray(A)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name}: A must be a square matrix or a function, got shape "
                         f"{matrix.shape}")
    return lambda x: matmul(matrix, x)


def prepare(name, A, b, x0, maxiter, M):
    """The arguments every Krylov solver checks alike: (A, b, x0, maxiter, M) with A and M
    as functions, b and x0 pytrees of arrays of one structure and shapes, x0 zeros by
    default and maxiter 10 times the number of unknowns (SciPy's default)."""
    b = tree_map(asarray, b)
    x0 = tree_map(zeros_like, b) if x0 is None else tree_map(asarray, x0)
    if tree_structure(x0) != tree_structure(b):
        raise ValueError(f"{name}: x0 and b must have the same tree structure, got "
                         f"{tree_structure(x0)} and {tree_structure(b)}")
    shapes = [(u.shape, v.shape) for u, v in zip(tree_leaves(x0), tree_leaves(b))]
    if any(s != t for s, t in shapes):
        raise ValueError(f"{name}: x0 and b must have matching shapes, got {shapes}")
    if maxiter is None:
        maxiter = 10 * sum(u.size for u in tree_leaves(b))
    M = (lambda x: x) if M is None else _as_operator(M, name)
    return _as_operator(A, name), b, x0, maxiter, M


def _vdot_tree(x, y):
    return sum(vdot(a, b) for a, b in zip(tree_leaves(x), tree_leaves(y)))


def _norm2_tree(x):
    return uf.real(_vdot_tree(x, x))


def _axpy(alpha, x, y):
    """alpha * x + y, leaf by leaf, keeping y's dtypes."""
    return tree_map(lambda a, b: (alpha * a + b).astype(b.dtype), x, y)


def _cg_iterations(A, b, x0, *, tol, atol, maxiter, M):
    atol2 = uf.maximum(tol ** 2 * _norm2_tree(b), atol ** 2)

    def cond(state):
        _, r, _, _, k = state
        return (_norm2_tree(r) > atol2) & (k < maxiter)

    def body(state):
        x, r, gamma, p, k = state
        Ap = A(p)
        alpha = gamma / _vdot_tree(p, Ap)
        x = _axpy(alpha, p, x)
        r = _axpy(-alpha, Ap, r)
        z = M(r)
        gamma_next = _vdot_tree(r, z)
        p = _axpy(gamma_next / gamma, p, z)
        return x, r, gamma_next, p, k + 1

    r0 = tree_map(lambda u, v: u - v, b, A(x0))
    z0 = M(r0)
    x, *_ = while_loop(cond, body, (x0, r0, _vdot_tree(r0, z0), z0, 0))
    return x


def cg(A, b, x0=None, *, tol=1e-5, atol=0.0, maxiter=None, M=None):
    """Solve A x = b by conjugate gradients; returns (x, None) as JAX does (the second
    value stands for SciPy's convergence info, which JAX does not compute)."""
    A, b, x0, maxiter, M = prepare("cg", A, b, x0, maxiter, M)
    solve = functools.partial(_cg_iterations, x0=x0, tol=tol, atol=atol, maxiter=maxiter,
                              M=M)
    return custom_linear_solve(A, b, solve=solve, symmetric=True), None


def _bicgstab_iterations(A, b, x0, *, tol, atol, maxiter, M):
    """Right-preconditioned BiCGSTAB (van der Vorst 1992; Saad, Algorithm 7.7, with p and
    s preconditioned before A is applied). It stops once |r|**2 <= max(tol**2 |b|**2,
    atol**2), after maxiter steps, or at a breakdown (rho, alpha or omega exactly 0); when
    the half-step residual s is already small enough, x takes the half step only."""
    atol2 = uf.maximum(tol ** 2 * _norm2_tree(b), atol ** 2)

    def cond(state):
        r, k, broken = state[1], state[-2], state[-1]
        return (_norm2_tree(r) > atol2) & (k < maxiter) & ~broken

    def body(state):
        x, r, r_hat, rho, alpha, omega, p, v, k, _ = state
        rho_next = _vdot_tree(r_hat, r)
        beta = (rho_next / rho) * (alpha / omega)
        p = _axpy(beta, _axpy(-omega, v, p), r)
        p_hat = M(p)
        v = A(p_hat)
        alpha = rho_next / _vdot_tree(r_hat, v)
        s = _axpy(-alpha, v, r)
        x_half = _axpy(alpha, p_hat, x)
        done = _norm2_tree(s) <= atol2
        s_hat = M(s)
        t = A(s_hat)
        omega = _vdot_tree(t, s) / _vdot_tree(t, t)
        x = tree_map(lambda h, f: uf.where(done, h, f), x_half, _axpy(omega, s_hat, x_half))
        r = tree_map(lambda h, f: uf.where(done, h, f), s, _axpy(-omega, t, s))
        broken = (rho_next == 0) | (alpha == 0) | (omega == 0)
        return x, r, r_hat, rho_next, alpha, omega, p, v, k + 1, broken

    r0 = tree_map(lambda u, w: u - w, b, A(x0))
    one = convert(1, dtypes.result_type(*tree_leaves(b)))
    state = (x0, r0, r0, one, one, one, r0, r0, 0, False)
    return while_loop(cond, body, state)[0]


def bicgstab(A, b, x0=None, *, tol=1e-5, atol=0.0, maxiter=None, M=None):
    """Solve A x = b (A square, not necessarily symmetric) by BiCGSTAB; returns (x, None)
    as JAX does. Its derivatives solve the transposed system by BiCGSTAB too."""
    A, b, x0, maxiter, M = prepare("bicgstab", A, b, x0, maxiter, M)
    solve = functools.partial(_bicgstab_iterations, x0=x0, tol=tol, atol=atol,
                              maxiter=maxiter, M=M)
    return custom_linear_solve(A, b, solve=solve, transpose_solve=solve), None
