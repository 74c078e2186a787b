"""Linear algebra on complex64/complex128 matrices: every jnp.linalg, jax.scipy.linalg
and jax.lax.linalg function.

Table rows (op_table) check values against NumPy/SciPy (LAPACK's complex routines),
jit, vmap, and JVPs/VJPs against central finite differences in the complex plane
(real and imaginary parts perturbed together; VJPs paired as JAX transposes, without
conjugation). Hermitian inputs are symmetrized with the *conjugate* transpose, as
JAX does. Eigen- and singular vectors are fixed only up to a phase per vector, so
rows compare them phase-normalized (first entry real and positive; the phase factor
is smooth where that entry is nonzero). Golden data from JAX 0.10.2
(tools/record_case_golden.py complex_linalg) pin what finite differences cannot:
holomorphic Jacobians of non-holomorphic rules (cholesky's), grad conventions.
"""
import json
import os

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
import jaxlite.lax as lax
import jaxlite.scipy.linalg as jsl
from jaxlite.numpy import linalg
from op_table import Arg, Op, check_op, decode_golden, op_id
import complex_linalg_cases

scipy_linalg = pytest.importorskip("scipy.linalg")

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "data", "complex_linalg_golden.json")


# ---- complex argument generators (complex128: x32 runs see complex64) ------------------------------
def _cnormal(rng, shape):
    return rng.normal(size=shape) + 1j * rng.normal(size=shape)


def _unitary(rng, batch, n):
    q, _ = np.linalg.qr(_cnormal(rng, tuple(batch) + (n, n)))
    return q


def c_well(shape):
    """Complex matrices with a dominant diagonal (well conditioned)."""
    def gen(rng):
        m, n = shape[-2:]
        return _cnormal(rng, shape) * 0.4 + 3 * np.eye(m, n)
    return Arg(shape, kind="custom", gen=gen)


def c_triangular(shape, lower):
    def gen(rng):
        a = _cnormal(rng, shape) * 0.4 + 3 * np.eye(shape[-1])
        return np.tril(a) if lower else np.triu(a)
    return Arg(shape, kind="custom", gen=gen)


def c_hpd(shape):
    """Hermitian positive-definite matrices with well-separated eigenvalues."""
    def gen(rng):
        *batch, n, _ = shape
        q = _unitary(rng, batch, n)
        w = np.arange(1, n + 1) * 1.5 + rng.uniform(0, 0.3, size=tuple(batch) + (n,))
        return (q * w[..., None, :]) @ np.conj(np.swapaxes(q, -1, -2))
    return Arg(shape, kind="custom", gen=gen)


def c_hermitian_indefinite(shape):
    """Hermitian matrices with eigenvalues of both signs, distinct in magnitude."""
    def gen(rng):
        *batch, n, _ = shape
        q = _unitary(rng, batch, n)
        w = (np.arange(1, n + 1) * 1.3 + 0.2) * np.where(np.arange(n) % 2, -1, 1)
        return (q * w) @ np.conj(np.swapaxes(q, -1, -2))
    return Arg(shape, kind="custom", gen=gen)


def c_distinct_singular(shape):
    def gen(rng):
        *batch, m, n = shape
        k = min(m, n)
        u, _ = np.linalg.qr(_cnormal(rng, tuple(batch) + (m, k)))
        v, _ = np.linalg.qr(_cnormal(rng, tuple(batch) + (n, k)))
        s = np.arange(k, 0, -1) * 1.2 + 0.5 + rng.uniform(0, 0.2, size=tuple(batch) + (k,))
        return (u * s[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))
    return Arg(shape, kind="custom", gen=gen)


def c_plain(shape, scale=1.0):
    return Arg(shape, kind="custom", gen=lambda rng: _cnormal(rng, shape) * scale)


def _herm(a):
    return (a + np.conj(np.swapaxes(a, -1, -2))) / 2


# ---- phase normalization of eigen/singular vectors -------------------------------------------------
def _phase(xp, vectors):
    """Per column: the unit phase that makes the first entry real and positive."""
    first = vectors[..., :1, :]
    return xp.conj(first) / xp.abs(first)


def _eigh_normalized(xp, eigh):
    def f(a):
        w, v = eigh(a)
        return w, v * _phase(xp, v)
    return f


def _svd_normalized(xp, svd, **kwargs):
    def f(a):
        u, s, vh = svd(a, **kwargs)
        p = _phase(xp, u)
        return u * p, s, vh * xp.conj(xp.swapaxes(p, -1, -2))
    return f


def _qr_np(mode):
    return lambda a: tuple(np.linalg.qr(a, mode=mode))


def _np_slogdet(a):
    sign, logdet = np.linalg.slogdet(a)
    return sign, logdet


G = dict(rtol=2e-4, atol=2e-5)  # complex64 decompositions vs LAPACK in complex128
H4 = c_hpd((4, 4))
H3_B = c_hpd((2, 3, 3))
A4 = c_well((4, 4))
A4_B = c_well((2, 4, 4))
B4 = c_plain((4, 2))
V4 = c_plain((4,))

LINALG_OPS = [
    Op("linalg.cholesky", linalg.cholesky, np.linalg.cholesky, (H4,), diff=(0,), **G),
    Op("linalg.cholesky upper", lambda a: linalg.cholesky(a, upper=True),
       lambda a: np.conj(np.swapaxes(np.linalg.cholesky(a), -1, -2)), (H3_B,), diff=(0,), **G),
    Op("linalg.eigh", _eigh_normalized(jnp, linalg.eigh), _eigh_normalized(np, np.linalg.eigh),
       (H4,), diff=(0,), **G),
    Op("linalg.eigh batched UPLO=U", _eigh_normalized(jnp, lambda a: linalg.eigh(a, UPLO="U")),
       _eigh_normalized(np, lambda a: np.linalg.eigh(a, UPLO="U")), (H3_B,), diff=(0,), **G),
    Op("linalg.eigvalsh", linalg.eigvalsh, np.linalg.eigvalsh, (H4,), diff=(0,), **G),
    Op("linalg.eigvalsh symmetrizes", linalg.eigvalsh, lambda a: np.linalg.eigvalsh(_herm(a)),
       (c_well((3, 3)),), diff=(0,), **G),
    Op("linalg.svd tall", _svd_normalized(jnp, linalg.svd, full_matrices=False),
       _svd_normalized(np, np.linalg.svd, full_matrices=False), (c_distinct_singular((5, 3)),),
       diff=(0,), **G),
    Op("linalg.svd wide", _svd_normalized(jnp, linalg.svd, full_matrices=False),
       _svd_normalized(np, np.linalg.svd, full_matrices=False), (c_distinct_singular((3, 5)),),
       diff=(0,), **G),
    Op("linalg.svd square", _svd_normalized(jnp, linalg.svd),
       _svd_normalized(np, np.linalg.svd), (c_distinct_singular((2, 4, 4)),), diff=(0,), **G),
    Op("linalg.svd compute_uv=False", lambda a: linalg.svd(a, compute_uv=False),
       lambda a: np.linalg.svd(a, compute_uv=False), (c_distinct_singular((4, 3)),),
       diff=(0,), **G),
    Op("linalg.svd hermitian", _svd_normalized(jnp, linalg.svd, hermitian=True),
       _svd_normalized(np, np.linalg.svd, hermitian=True), (c_hermitian_indefinite((4, 4)),),
       diff=(0,), **G),
    Op("linalg.svdvals", linalg.svdvals, lambda a: np.linalg.svd(a, compute_uv=False),
       (c_distinct_singular((2, 3, 4)),), diff=(0,), **G),
    Op("linalg.qr reduced", linalg.qr, _qr_np("reduced"), (A4_B,), diff=(0,), **G),
    Op("linalg.qr reduced tall", linalg.qr, _qr_np("reduced"), (c_well((5, 3)),), diff=(0,),
       **G),
    Op("linalg.qr complete tall", lambda a: linalg.qr(a, mode="complete"), _qr_np("complete"),
       (c_well((5, 3)),), diff=(0,), **G),
    Op("linalg.qr wide", linalg.qr, _qr_np("reduced"), (c_well((3, 5)),), diff=(0,), **G),
    Op("linalg.qr raw", lambda a: linalg.qr(a, mode="raw"),
       lambda a: np.linalg.qr(a, mode="raw"), (c_plain((5, 3)),), **G),
    Op("linalg.solve", linalg.solve, np.linalg.solve, (A4, B4), diff=(0, 1), **G),
    Op("linalg.solve vector batched", linalg.solve, np.linalg.solve, (A4_B, V4), diff=(0, 1),
       **G),
    Op("linalg.inv", linalg.inv, np.linalg.inv, (A4_B,), diff=(0,), **G),
    *[Op(f"linalg.det {n}x{n}", linalg.det, np.linalg.det, (c_plain((2, n, n)),), diff=(0,),
         rtol=1e-4, atol=1e-4) for n in (1, 2, 3, 5)],
    *[Op(f"linalg.slogdet {n}x{n}", lambda a: tuple(linalg.slogdet(a)), _np_slogdet,
         (c_plain((2, n, n)),), diff=(0,), **G) for n in (1, 2, 4)],
    Op("linalg.pinv", linalg.pinv, np.linalg.pinv, (c_distinct_singular((5, 3)),), diff=(0,),
       **G),
    Op("linalg.pinv wide", linalg.pinv, np.linalg.pinv, (c_distinct_singular((3, 5)),),
       diff=(0,), **G),
    Op("linalg.pinv hermitian", lambda a: linalg.pinv(a, hermitian=True),
       lambda a: np.linalg.pinv(a, hermitian=True), (c_hermitian_indefinite((4, 4)),),
       diff=(0,), **G),
    Op("linalg.lstsq", lambda a, b: linalg.lstsq(a, b)[:2],
       lambda a, b: np.linalg.lstsq(a, b, rcond=None)[:2],
       (c_distinct_singular((5, 3)), c_plain((5, 2))), diff=(0, 1), vmap=False, **G),
    *[Op(f"linalg.norm matrix ord={o}", lambda x, o=o: linalg.norm(x, o),
         lambda x, o=o: np.linalg.norm(x, o), (c_distinct_singular((4, 3)),), diff=(0,), **G)
      for o in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)],
    *[Op(f"linalg.norm vector ord={o}", lambda x, o=o: linalg.norm(x, o),
         lambda x, o=o: np.linalg.norm(x, o), (c_plain((5,)),), diff=(0,), **G)
      for o in (None, 1, 3, np.inf)],
    Op("linalg.cond", linalg.cond, np.linalg.cond, (c_distinct_singular((4, 4)),), diff=(0,),
       **G),
    # NumPy 2.0's cond(x, 1) of a complex matrix is complex (with zero imaginary part); the
    # condition number, as JAX and later NumPy give it, is its real part.
    Op("linalg.cond p=1", lambda x: linalg.cond(x, 1), lambda x: np.linalg.cond(x, 1).real, (A4,),
       diff=(0,), **G),
    Op("linalg.matrix_rank", linalg.matrix_rank,
       lambda x: np.linalg.matrix_rank(x).astype(np.int32),
       (Arg((5, 4), kind="custom", gen=lambda rng: _cnormal(rng, (5, 2)) @ _cnormal(
           rng, (2, 4))),)),
    Op("linalg.matrix_rank hermitian", lambda x: linalg.matrix_rank(x, hermitian=True),
       lambda x: np.linalg.matrix_rank(x, hermitian=True).astype(np.int32), (H4,)),
    *[Op(f"linalg.matrix_power n={n}", lambda x, n=n: linalg.matrix_power(x, n),
         lambda x, n=n: np.linalg.matrix_power(x, n), (A4 if n < 0 else c_plain((3, 3), 0.6),),
         diff=(0,), **G) for n in (-2, 0, 3, 6)],
    Op("linalg.tensorinv", lambda a: linalg.tensorinv(a, ind=2),
       lambda a: np.linalg.tensorinv(a, ind=2),
       (Arg((2, 3, 6), kind="custom", gen=lambda rng: (_cnormal(rng, (6, 6)) * 0.3 + 3 * np.eye(
           6)).reshape(2, 3, 6)),), diff=(0,), vmap=False, **G),
    Op("linalg.tensorsolve", linalg.tensorsolve, np.linalg.tensorsolve,
       (Arg((2, 3, 6), kind="custom", gen=lambda rng: (_cnormal(rng, (6, 6)) * 0.3 + 3 * np.eye(
           6)).reshape(2, 3, 6)), c_plain((2, 3))), diff=(0, 1), vmap=False, **G),
    Op("linalg.eigvals (sorted)", lambda a: jnp.sort_complex(linalg.eigvals(a)),
       lambda a: np.sort_complex(np.linalg.eigvals(a)), (c_plain((4, 4)),), vmap=False, **G),
    Op("linalg.vecdot", linalg.vecdot, lambda a, b: np.sum(np.conj(a) * b, axis=-1),
       (c_plain((3, 4)), c_plain((3, 4))), diff=(0, 1)),
]

LAX_OPS = [
    Op("lax.linalg.cholesky", lax.linalg.cholesky, np.linalg.cholesky, (H3_B,), diff=(0,), **G),
    # Values only: with an unsymmetrized input, JAX's JVP rule (this one) assumes a
    # Hermitian tangent, which finite differences along any direction do not.
    Op("lax.linalg.cholesky symmetrize_input=False",
       lambda a: lax.linalg.cholesky(a, symmetrize_input=False), np.linalg.cholesky, (H4,), **G),
    Op("lax.linalg.eigh", lambda a: lax.linalg.eigh(a)[1], np.linalg.eigvalsh, (H4,),
       diff=(0,), **G),
    Op("lax.linalg.eigh vectors", lambda a: _eigh_normalized(jnp, lambda x: lax.linalg.eigh(
        x)[::-1])(a)[1], lambda a: _eigh_normalized(np, np.linalg.eigh)(a)[1], (H3_B,),
       diff=(0,), **G),
    Op("lax.linalg.lu", lax.linalg.lu, None, (c_plain((2, 4, 4)),), diff=(0,), **G),
    Op("lax.linalg.lu wide", lax.linalg.lu, None, (c_plain((3, 5)),), diff=(0,), **G),
    Op("lax.linalg.lu tall", lax.linalg.lu, None, (c_plain((5, 3)),), diff=(0,), **G),
    Op("lax.linalg.qr", lax.linalg.qr, _qr_np("complete"), (c_well((4, 3)),), diff=(0,), **G),
    Op("lax.linalg.svd", lambda a: lax.linalg.svd(a, compute_uv=False),
       lambda a: np.linalg.svd(a, compute_uv=False), (c_distinct_singular((4, 3)),), diff=(0,),
       **G),
    *[Op(f"lax.linalg.triangular_solve left={left} lower={lower} T={t} conj={c}",
         lambda a, b, left=left, lower=lower, t=t, c=c: lax.linalg.triangular_solve(
             a, b, left_side=left, lower=lower, transpose_a=t, conjugate_a=c),
         lambda a, b, left=left, lower=lower, t=t, c=c: _np_triangular_solve(
             a, b, left, lower, t, c),
         (c_triangular((4, 4), lower), B4 if left else c_plain((3, 4))), diff=(0, 1), **G)
      for left, lower, t, c in [(True, True, False, False), (True, False, True, True),
                                (False, True, True, False), (False, False, False, True),
                                (True, True, False, True)]],
    Op("lax.linalg.tridiagonal_solve",
       lambda dl, d, du, b: lax.linalg.tridiagonal_solve(dl, d, du, b),
       lambda dl, d, du, b: np.linalg.solve(np.diag(d) + np.diag(du[:-1], 1)
                                            + np.diag(dl[1:], -1), b),
       (c_plain((4,), 0.3), Arg((4,), kind="custom", gen=lambda rng: 3 + _cnormal(rng, 4) * .2),
        c_plain((4,), 0.3), B4), diff=(1, 3), **G),
    Op("lax.linalg.householder_product",
       lambda a: lax.linalg.householder_product(*lax.linalg.geqrf(a)),
       lambda a: np.linalg.qr(a)[0], (c_well((5, 3)),), **G),
    Op("lax.linalg.hessenberg", lambda a: jsl.hessenberg(a) - jnp.triu(
       lax.linalg.hessenberg(a)[0], -1), lambda a: np.zeros_like(a), (c_plain((2, 4, 4)),)),
    Op("lax.linalg.eig eigenvalue derivatives", lambda a: _sorted_eig(a, None)[0],
       lambda a: np.sort_complex(np.linalg.eigvals(a)), (c_plain((4, 4)),), diff=(0,), **G),
    Op("lax.linalg.eig right eigenvectors, enable_eigvec_derivs",
       lambda a: _sorted_eig(a, "right"), None, (c_plain((4, 4)),), diff=(0,), **G),
    Op("lax.linalg.eig left eigenvectors, enable_eigvec_derivs",
       lambda a: _sorted_eig(a, "left"), None, (c_plain((2, 3, 3)),), diff=(0,), **G),
    Op("lax.linalg.eig eigenvalues of real matrices",
       lambda a: jnp.sort_complex(lax.linalg.eig(a, compute_left_eigenvectors=False,
                                                 compute_right_eigenvectors=False)[0]),
       lambda a: np.sort_complex(np.linalg.eigvals(a)), (Arg((4, 4)),), diff=(0,), **G),
    Op("lax.linalg.eig eigenvalues (sorted)",
       lambda a: jnp.sort_complex(lax.linalg.eig(a, compute_left_eigenvectors=False,
                                                 compute_right_eigenvectors=False)[0]),
       lambda a: np.sort_complex(np.linalg.eigvals(a)), (c_plain((4, 4)),), vmap=False, **G),
]


def _sorted_eig(a, vectors):
    """Eigenvalues (and LAPACK-normalized eigenvectors) sorted by real part, which keeps
    their order locally constant for finite differences."""
    w, *vs = lax.linalg.eig(a, compute_left_eigenvectors=vectors == "left",
                            compute_right_eigenvectors=vectors == "right",
                            enable_eigvec_derivs=vectors is not None)
    order = jnp.argsort(jnp.real(w), axis=-1)
    w = jnp.take_along_axis(w, order, axis=-1)
    return (w, *[jnp.take_along_axis(v, order[..., None, :], axis=-1) for v in vs])


def _np_triangular_solve(a, b, left, lower, transpose, conjugate):
    op = np.tril(a) if lower else np.triu(a)
    if conjugate:
        op = np.conj(op)
    if transpose:
        op = op.T
    return np.linalg.solve(op, b) if left else np.linalg.solve(op.T, b.T).T


SCIPY_OPS = [
    *[Op(f"scipy.linalg.solve_triangular lower={lower} trans={trans}",
         lambda a, b, lower=lower, trans=trans: jsl.solve_triangular(a, b, trans=trans,
                                                                      lower=lower),
         lambda a, b, lower=lower, trans=trans: scipy_linalg.solve_triangular(
             a, b, trans=trans, lower=lower), (c_triangular((4, 4), lower), B4), diff=(0, 1), **G)
      for lower, trans in [(True, 0), (False, 1), (True, 2), (False, "C"), (True, "T")]],
    *[Op(f"scipy.linalg.cho_factor/cho_solve lower={lower}",
         lambda a, b, lower=lower: jsl.cho_solve(jsl.cho_factor(_herm_j(a), lower=lower), b),
         lambda a, b, lower=lower: scipy_linalg.cho_solve(
             scipy_linalg.cho_factor(_herm(a), lower=lower), b), (H4, B4), diff=(0, 1), **G)
      for lower in (False, True)],
    *[Op(f"scipy.linalg.cholesky lower={lower}", lambda a, lower=lower: jsl.cholesky(
        _herm_j(a), lower=lower), lambda a, lower=lower: scipy_linalg.cholesky(
        _herm(a), lower=lower), (H4,), diff=(0,), **G) for lower in (False, True)],
    *[Op(f"scipy.linalg.lu_factor/lu_solve trans={trans}",
         lambda a, b, trans=trans: jsl.lu_solve(jsl.lu_factor(a), b, trans=trans),
         lambda a, b, trans=trans: scipy_linalg.lu_solve(scipy_linalg.lu_factor(a), b,
                                                         trans=trans),
         (A4, B4), diff=(0, 1), **G) for trans in (0, 1, 2)],
    Op("scipy.linalg.lu", jsl.lu, scipy_linalg.lu, (c_plain((4, 4)),), diff=(0,), vmap=False,
       **G),
    Op("scipy.linalg.solve assume_a=her", lambda a, b: jsl.solve(a, b, assume_a="her"),
       lambda a, b: scipy_linalg.solve(a, b, assume_a="her"), (H4, B4), diff=(0, 1), **G),
    Op("scipy.linalg.inv", jsl.inv, scipy_linalg.inv, (A4,), diff=(0,), vmap=False, **G),
    Op("scipy.linalg.det", jsl.det, scipy_linalg.det, (c_plain((4, 4)),), diff=(0,),
       vmap=False, **G),
    Op("scipy.linalg.eigh", _eigh_normalized(jnp, jsl.eigh),
       _eigh_normalized(np, scipy_linalg.eigh), (H4,), diff=(0,), vmap=False, **G),
    Op("scipy.linalg.eigh eigvals_only", lambda a: jsl.eigh(a, eigvals_only=True),
       lambda a: scipy_linalg.eigh(a, eigvals_only=True), (H4,), diff=(0,), vmap=False, **G),
    Op("scipy.linalg.qr", jsl.qr, scipy_linalg.qr, (c_well((5, 3)),), diff=(0,), **G),
    Op("scipy.linalg.qr_multiply", lambda a, c: jsl.qr_multiply(a, c),
       lambda a, c: scipy_linalg.qr_multiply(a, c), (c_well((5, 3)), c_plain((2, 5))),
       diff=(0, 1), vmap=False, **G),
    *[Op(f"scipy.linalg.qr_multiply mode={mode} conjugate", lambda a, c, mode=mode:
         jsl.qr_multiply(a, c, mode=mode, conjugate=True), lambda a, c, mode=mode:
         scipy_linalg.qr_multiply(a, c, mode=mode, conjugate=True),
         (c_well((5, 3)), c_plain((3, 2) if mode == "left" else (2, 5))), diff=(0, 1),
         vmap=False, **G) for mode in ("left", "right")],
    Op("scipy.linalg.svd", _svd_normalized(jnp, jsl.svd, full_matrices=False),
       _svd_normalized(np, scipy_linalg.svd, full_matrices=False),
       (c_distinct_singular((5, 3)),), diff=(0,), vmap=False, **G),
    Op("scipy.linalg.hessenberg", lambda a: jsl.hessenberg(a, calc_q=True),
       lambda a: scipy_linalg.hessenberg(a, calc_q=True), (c_plain((5, 5)),), vmap=False, **G),
    Op("scipy.linalg.polar", jsl.polar, scipy_linalg.polar, (c_distinct_singular((4, 3)),),
       diff=(0,), **G),
    Op("scipy.linalg.polar left", lambda a: jsl.polar(a, side="left"),
       lambda a: scipy_linalg.polar(a, side="left"), (c_distinct_singular((3, 3)),), diff=(0,),
       **G),
    Op("scipy.linalg.solve_sylvester", jsl.solve_sylvester, scipy_linalg.solve_sylvester,
       (A4, c_well((3, 3)), c_plain((4, 3))), diff=(0, 1, 2), **G),
    Op("scipy.linalg.expm", jsl.expm, scipy_linalg.expm, (c_plain((4, 4), 0.5),), diff=(0,),
       **G),
    Op("scipy.linalg.expm large norm", jsl.expm, scipy_linalg.expm, (c_plain((3, 3), 2.0),),
       diff=(0,), rtol=1e-3, atol=1e-3, grad_rtol=1e-3, grad_atol=1e-3),
    Op("scipy.linalg.expm_frechet", lambda a, e: jsl.expm_frechet(a, e),
       lambda a, e: scipy_linalg.expm_frechet(a, e), (c_plain((3, 3), 0.5), c_plain((3, 3))),
       diff=(0, 1), vmap=False, **G),
]


def _herm_j(a):
    return (a + jnp.conj(jnp.swapaxes(a, -1, -2))) / 2


@pytest.mark.parametrize("op", LINALG_OPS + LAX_OPS + SCIPY_OPS, ids=op_id)
def test_op(op):
    check_op(op)


# ---- golden conventions (JAX 0.10.2) --------------------------------------------------------
def _golden():
    with open(GOLDEN) as f:
        return json.load(f)["cases"]


@pytest.mark.parametrize("name", list(complex_linalg_cases.CASES))
def test_matches_jax(name):
    want = _golden()[name]
    got = jaxlite.tree_util.tree_leaves(complex_linalg_cases.CASES[name](jaxlite, jnp, lax))
    assert len(got) == len(want), name
    for i, (g, w) in enumerate(zip(got, want)):
        expected = decode_golden(w)
        g = np.asarray(g)
        assert g.dtype == expected.dtype, f"{name}[{i}]: dtype {g.dtype} != {expected.dtype}"
        assert g.shape == expected.shape, f"{name}[{i}]: shape {g.shape} != {expected.shape}"
        np.testing.assert_allclose(g, expected, rtol=2e-4, atol=2e-4, err_msg=f"{name}[{i}]")


# ---- holomorphic derivatives, grad conventions, eig's opt-in -------------------------------------
def _holomorphic_fd(f, z, eps=1e-6):
    """d f / d z by central differences along the real axis (f holomorphic), as a Jacobian
    with output axes first."""
    z = np.asarray(z, np.complex128)
    cols = []
    for i in range(z.size):
        e = np.zeros(z.size, np.complex128)
        e[i] = eps
        e = e.reshape(z.shape)
        cols.append((np.asarray(f(z + e)) - np.asarray(f(z - e))) / (2 * eps))
    return np.stack(cols, -1).reshape(np.shape(cols[0]) + z.shape)


_W = np.arange(9).reshape(3, 3) * (0.3 - 0.2j)

HOLOMORPHIC = {
    "inv": linalg.inv,
    "solve": lambda a: linalg.solve(a, np.arange(1, 4) * (1 + 0.5j)),
    "det": linalg.det,
    "det 4x4": lambda a: linalg.det(jnp.kron(a[:2, :2], a[1:, 1:])),
    "matrix_power": lambda a: linalg.matrix_power(a, 3),
    "expm": jsl.expm,
    "lu": lambda a: lax.linalg.lu(a)[0],
    "eigvals": lambda a: _sorted_eig(a, None)[0],
    "solve_triangular": lambda a: jsl.solve_triangular(a, np.ones((3, 2)), lower=True, trans=1),
}


@pytest.mark.parametrize("name", list(HOLOMORPHIC))
def test_holomorphic_jacobians(name):
    f = HOLOMORPHIC[name]
    rng = np.random.default_rng(5)
    z = _cnormal(rng, (3, 3)) * 0.5 + 2 * np.eye(3)
    with jaxlite.enable_x64():
        fwd = jaxlite.jacfwd(f, holomorphic=True)(jnp.asarray(z))
        rev = jaxlite.jacrev(f, holomorphic=True)(jnp.asarray(z))
        fd = _holomorphic_fd(lambda x: f(jnp.asarray(x)), z)
    np.testing.assert_allclose(fwd, rev, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fwd, fd, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,f", [
    ("eigvalsh", lambda a: linalg.eigvalsh(a)[-1]),
    ("cholesky", lambda a: jnp.sum(jnp.abs(linalg.cholesky(a)) ** 2)),
    ("slogdet", lambda a: linalg.slogdet(a)[1]),
    ("nuclear norm", lambda a: linalg.norm(a, "nuc")),
    ("svd phase-invariant", lambda a: jnp.real(linalg.svd(a)[0][:, 0] @ _W @ linalg.svd(a)[2][0])),
])
def test_grad_of_real_function_is_df_dx_minus_i_df_dy(name, f):
    rng = np.random.default_rng(6)
    z = _cnormal(rng, (3, 3)) * 0.3 + 3 * np.eye(3)
    with jaxlite.enable_x64():
        g = np.asarray(jaxlite.grad(f)(jnp.asarray(z)))
        eps = 1e-6
        want = np.zeros_like(z)
        for i in np.ndindex(z.shape):
            e = np.zeros_like(z)
            e[i] = eps
            dx = (float(f(jnp.asarray(z + e))) - float(f(jnp.asarray(z - e)))) / (2 * eps)
            dy = (float(f(jnp.asarray(z + 1j * e))) - float(f(jnp.asarray(z - 1j * e)))) / (2 * eps)
            want[i] = dx - 1j * dy
    np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6)


def test_eigenvector_derivatives_need_opt_in():
    a = jnp.asarray(np.array([[1, 2j], [0.5, 3]], np.complex64))
    with pytest.raises(NotImplementedError, match="enable_eigvec_derivs"):
        jaxlite.jvp(lambda x: linalg.eig(x)[1], (a,), (a,))
    with pytest.raises(NotImplementedError, match="enable_eigvec_derivs"):
        jaxlite.grad(lambda x: jnp.abs(lax.linalg.eig(x)[0][0]))(a)
    jaxlite.grad(lambda x: jnp.abs(linalg.eigvals(x)[0]))(a)  # eigenvalues alone: fine


def test_issue_example_and_dtypes():
    w = linalg.eigh(jnp.array([[5, 2 + 3j], [2 - 3j, 7]])).eigenvalues
    np.testing.assert_allclose(w, [2.2583, 9.7417], atol=1e-4)
    assert w.dtype == np.float32
    sign, logdet = linalg.slogdet(jnp.eye(2, dtype=jnp.complex64) * 1j)
    assert sign.dtype == np.complex64 and logdet.dtype == np.float32
    p, l, u = jsl.lu(jnp.eye(3, dtype=jnp.complex64))
    assert p.dtype == np.float32 and l.dtype == u.dtype == np.complex64
