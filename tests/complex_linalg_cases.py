"""Complex linear algebra whose results JAX fixes by convention: values and derivatives
of jnp.linalg / jax.scipy.linalg / jax.lax.linalg on complex (Hermitian) matrices,
holomorphic Jacobians, and grads of real-valued functions of complex matrices
(df/dx - i df/dy). Each case is `fn(jax, jnp, lax) -> pytree of arrays`; the same code
runs on JAX (tools/record_case_golden.py complex_linalg writes
tests/data/complex_linalg_golden.json) and on jaxlite (tests/prims/test_complex_linalg.py).
Eigen- and singular vectors enter only through phase-invariant quantities.
"""
import importlib

import numpy as np

_rng = np.random.default_rng(11)
A = (_rng.normal(size=(3, 3)) + 1j * _rng.normal(size=(3, 3))).astype(np.complex64)
H = (A @ A.conj().T + 3 * np.eye(3)).astype(np.complex64)
B = (_rng.normal(size=(3, 2)) + 1j * _rng.normal(size=(3, 2))).astype(np.complex64)
ISSUE = np.array([[5, 2 + 3j], [2 - 3j, 7]], np.complex64)


def _jsl(jax):
    """jax.scipy.linalg of the library under test (JAX or jaxlite)."""
    return importlib.import_module(jax.__name__ + ".scipy.linalg")


def eigh_issue_example(jax, jnp, lax):
    return jnp.linalg.eigh(ISSUE).eigenvalues, jnp.linalg.eigvalsh(ISSUE)


def cholesky_values(jax, jnp, lax):
    jsl = _jsl(jax)
    return (jnp.linalg.cholesky(H), jnp.linalg.cholesky(H, upper=True), lax.linalg.cholesky(H),
            jsl.cholesky(H), jsl.cholesky(H, lower=True))


def cholesky_holomorphic_jacobians(jax, jnp, lax):
    f = jnp.linalg.cholesky
    return (jax.jacfwd(f, holomorphic=True)(H), jax.jacrev(f, holomorphic=True)(H))


def cholesky_grad_real_function(jax, jnp, lax):
    return jax.grad(lambda a: jnp.sum(jnp.abs(jnp.linalg.cholesky(a)) ** 2))(H)


def eigh_grads(jax, jnp, lax):
    def top(a):
        return jnp.linalg.eigvalsh(a)[-1]

    def projector(a):  # |v_0><v_0|: phase invariant
        v = jnp.linalg.eigh(a).eigenvectors[:, 0]
        return jnp.real(jnp.vdot(v, B[:, 0]) * jnp.vdot(B[:, 1], v))
    return jax.grad(top)(H), jax.grad(projector)(H)


def eigh_jvp(jax, jnp, lax):
    w, dw = jax.jvp(lambda a: jnp.linalg.eigh(a).eigenvalues, (H,), (A,))
    return w, dw


def svd_grads(jax, jnp, lax):
    def nuclear(a):
        return jnp.sum(jnp.linalg.svd(a, compute_uv=False))

    def gauge_free(a):
        u, s, vh = jnp.linalg.svd(a, full_matrices=False)
        return jnp.real(jnp.sum((u * s) @ vh * jnp.conj(A)))
    return jax.grad(nuclear)(A), jax.grad(gauge_free)(A)


def qr_grads(jax, jnp, lax):
    return (jax.grad(lambda a: jnp.real(jnp.sum(jnp.linalg.qr(a)[1] * A)))(A),
            jax.jacfwd(lambda a: jnp.linalg.qr(a)[0], holomorphic=True)(A)[0, 0])


def det_slogdet(jax, jnp, lax):
    a4 = np.kron(A[:2, :2], A[1:, 1:])
    return (jnp.linalg.det(A), jnp.linalg.det(a4), jnp.linalg.slogdet(A), jnp.linalg.slogdet(a4),
            jax.grad(lambda a: jnp.linalg.slogdet(a)[1])(a4),
            jax.jvp(lambda a: tuple(jnp.linalg.slogdet(a)), (a4,), (np.ones_like(a4),))[1],
            jax.jacfwd(jnp.linalg.det, holomorphic=True)(a4),
            jax.grad(lambda a: jnp.abs(jnp.linalg.det(a)))(A))


def solves(jax, jnp, lax):
    jsl = _jsl(jax)
    tri = np.triu(A) + 3 * np.eye(3, dtype=np.complex64)
    return (jnp.linalg.solve(A, B), jnp.linalg.inv(A),
            jsl.solve_triangular(tri, B, trans="C"), jsl.solve_triangular(tri, B, trans=1),
            jsl.lu_solve(jsl.lu_factor(A), B, trans=2), jsl.cho_solve(jsl.cho_factor(H), B),
            jsl.cho_solve(jsl.cho_factor(H, lower=True), B),
            jax.jacrev(lambda a: jnp.linalg.solve(a, B), holomorphic=True)(A)[0, 0],
            jax.grad(lambda a: jnp.real(jnp.sum(jsl.solve_triangular(a, B, trans="C"))))(tri))


def pinv_lstsq(jax, jnp, lax):
    return (jnp.linalg.pinv(B), jnp.linalg.pinv(H, hermitian=True),
            jnp.linalg.lstsq(A, B)[0], jax.grad(lambda b: jnp.sum(jnp.abs(jnp.linalg.pinv(b))))(B))


def norms(jax, jnp, lax):
    return (jnp.linalg.norm(A, 2), jnp.linalg.norm(A, "nuc"), jnp.linalg.cond(A),
            jnp.linalg.matrix_rank(A), jax.grad(lambda a: jnp.linalg.norm(a, 2))(A))


def expm(jax, jnp, lax):
    jsl = _jsl(jax)
    return (jsl.expm(A), jsl.expm_frechet(A, B @ B.conj().T)[1],
            jax.jacfwd(jsl.expm, holomorphic=True)(A)[1, 2])


def polar_hessenberg(jax, jnp, lax):
    jsl = _jsl(jax)
    u, p = jsl.polar(A)
    return u, p, jsl.hessenberg(A, calc_q=True)


def svd_hermitian(jax, jnp, lax):
    h = H - 5 * np.eye(3, dtype=np.complex64)
    u, s, vh = jnp.linalg.svd(h, hermitian=True)
    return s, (u * s) @ vh, jnp.linalg.svd(h, hermitian=True, compute_uv=False)


def eig_derivatives(jax, jnp, lax):
    def eigvals_sorted(a):
        w = jnp.linalg.eigvals(a)
        return w[jnp.argsort(jnp.real(w))]

    def right(a):  # gauge: LAPACK's normalization, which the JVP differentiates
        w, v = lax.linalg.eig(a, compute_left_eigenvectors=False, enable_eigvec_derivs=True)
        order = jnp.argsort(jnp.real(w))
        return w[order], v[:, order]

    def left(a):
        w, vl = lax.linalg.eig(a, compute_right_eigenvectors=False, enable_eigvec_derivs=True)
        order = jnp.argsort(jnp.real(w))
        return vl[:, order]
    real = np.real(A).astype(np.float32)
    return (jax.jvp(eigvals_sorted, (A,), (A.T,))[1],
            jax.jacfwd(eigvals_sorted, holomorphic=True)(A),
            jax.grad(lambda a: jnp.sum(jnp.abs(eigvals_sorted(a))))(A),
            jax.jvp(eigvals_sorted, (real,), (np.eye(3, dtype=np.float32),))[1],
            jax.jvp(right, (A,), (A.T,))[1], jax.jvp(left, (A,), (A.T,))[1])


CASES = {name: fn for name, fn in dict(globals()).items()
         if callable(fn) and not name.startswith("_") and fn.__module__ == __name__}
