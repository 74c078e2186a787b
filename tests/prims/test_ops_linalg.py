"""Linear algebra: jaxlite.numpy.linalg, jaxlite.scipy.linalg and jaxlite.lax.linalg.

Table rows (op_table) check values against NumPy/SciPy, jit, vmap over a batch of
matrices and JVP/VJP against finite differences in x64. Decompositions with a sign
ambiguity are checked through sign-normalized outputs (each singular/eigen vector
scaled so its first entry is positive: the sign factor is locally constant, so the
normalized vectors are differentiable) or reconstructions. Specific tests cover what
a table cannot: gradients at singular matrices, NaN/inf behaviour, higher orders,
batched leading dimensions and vmap along other axes.
"""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
import jaxlite.lax as lax
import jaxlite.scipy.linalg as jsl
from jaxlite.numpy import linalg
from op_table import Arg, Op, check_op, op_id

scipy_linalg = pytest.importorskip("scipy.linalg")


# ---- argument generators ---------------------------------------------------------------------------
def well_conditioned(shape):
    """Random matrices with a dominant diagonal (condition number ~ 1-10)."""
    def gen(rng):
        *batch, m, n = shape
        a = rng.normal(size=shape) * 0.5
        return a + 3 * np.eye(m, n)
    return Arg(shape, kind="custom", gen=gen)


def triangular(shape, lower):
    def gen(rng):
        n = shape[-1]
        a = rng.normal(size=shape) * 0.5 + 3 * np.eye(n)
        return np.tril(a) if lower else np.triu(a)
    return Arg(shape, kind="custom", gen=gen)


def spread_spd(shape):
    """SPD matrices with well-separated eigenvalues (eigenvector derivatives ~ 1/gap)."""
    def gen(rng):
        *batch, n, _ = shape
        q, _ = np.linalg.qr(rng.normal(size=tuple(batch) + (n, n)))
        w = np.arange(1, n + 1) * 1.5 + rng.uniform(0, 0.3, size=tuple(batch) + (n,))
        return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)
    return Arg(shape, kind="custom", gen=gen)


def distinct_singular(shape):
    """Matrices with well-separated singular values."""
    def gen(rng):
        *batch, m, n = shape
        k = min(m, n)
        u, _ = np.linalg.qr(rng.normal(size=tuple(batch) + (m, k)))
        v, _ = np.linalg.qr(rng.normal(size=tuple(batch) + (n, k)))
        s = np.arange(k, 0, -1) * 1.2 + 0.5 + rng.uniform(0, 0.2, size=tuple(batch) + (k,))
        return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)
    return Arg(shape, kind="custom", gen=gen)


F = Arg
SPD = Arg((4, 4), kind="spd")
SPD_B = Arg((2, 3, 3), kind="spd")
A4 = well_conditioned((4, 4))
A4_B = well_conditioned((2, 4, 4))
B4 = Arg((4, 2))
B4_B = Arg((2, 4, 2))
V4 = Arg((4,))


# ---- sign normalization of decompositions ----------------------------------------------------------
def _flip(xp, vectors, axis):
    """Scale each vector (along `axis`) so that its first entry is positive; also return
    the signs so partner factors can be flipped consistently."""
    first = vectors[..., :1, :] if axis == -2 else vectors[..., :, :1]
    sign = xp.sign(first)
    return vectors * sign, sign


def _eigh_normalized(xp, eigh):
    def f(a):
        w, v = eigh(a)
        v, _ = _flip(xp, v, -2)
        return w, v
    return f


def _svd_normalized(xp, svd, **kwargs):
    def f(a):
        u, s, vh = svd(a, **kwargs)
        u, sign = _flip(xp, u, -2)
        return u, s, vh * xp.swapaxes(sign, -1, -2)
    return f


def _qr_np(mode):
    def f(a):
        q, r = np.linalg.qr(a, mode=mode)
        return q, r
    return f


def _np_lu_factor(a):
    """(lu, pivots, permutation) of LAPACK's getrf, through SciPy, for stacked matrices."""
    a = np.asarray(a, np.float64)
    flat = a.reshape((-1,) + a.shape[-2:])
    lus, pivs, perms = [], [], []
    for m in flat:
        p, l, u = scipy_linalg.lu(m)
        k = min(m.shape)
        lus.append(np.tril(l, -1)[:, :k] @ np.eye(k, m.shape[1]) + np.triu(u)
                   if m.shape[0] <= m.shape[1] else
                   np.tril(l, -1) + np.vstack([np.triu(u), np.zeros((m.shape[0] - k, m.shape[1]))]))
        perms.append(np.argmax(p.T, axis=1).astype(np.int32))
        pivs.append(scipy_linalg.lu_factor(m)[1].astype(np.int32) if m.shape[0] == m.shape[1]
                    else _pivots_from_perm(perms[-1], k))
    shape = a.shape[:-2]
    return (np.stack(lus).reshape(a.shape), np.stack(pivs).reshape(shape + (-1,)),
            np.stack(perms).reshape(shape + (-1,)))


def _pivots_from_perm(perm, k):
    perm = list(perm)
    current = list(range(len(perm)))
    pivots = []
    for j in range(k):
        i = current.index(perm[j])
        pivots.append(i)
        current[j], current[i] = current[i], current[j]
    return np.array(pivots, np.int32)


def _np_det(a):
    return np.linalg.det(a)


def _np_norm(**kw):
    return lambda x: np.linalg.norm(x, **kw)


# ---- jnp.linalg rows -------------------------------------------------------------------------------
G = dict(rtol=2e-4, atol=2e-5)  # float32 decompositions vs LAPACK in float64

LINALG_OPS = [
    Op("linalg.cholesky", linalg.cholesky, np.linalg.cholesky, (SPD,), diff=(0,), **G),
    Op("linalg.cholesky upper", lambda a: linalg.cholesky(a, upper=True),
       lambda a: np.swapaxes(np.linalg.cholesky(a), -1, -2), (SPD,), diff=(0,), **G),
    Op("linalg.cholesky batched", linalg.cholesky, np.linalg.cholesky, (SPD_B,), diff=(0,), **G),
    Op("linalg.eigh", _eigh_normalized(jnp, linalg.eigh), _eigh_normalized(np, np.linalg.eigh),
       (spread_spd((4, 4)),), diff=(0,), **G),
    Op("linalg.eigh batched", _eigh_normalized(jnp, linalg.eigh),
       _eigh_normalized(np, np.linalg.eigh), (spread_spd((2, 3, 3)),), diff=(0,), **G),
    Op("linalg.eigh UPLO=U", lambda a: linalg.eigh(a, UPLO="U", symmetrize_input=False)[0],
       lambda a: np.linalg.eigh(a, UPLO="U")[0], (Arg((4, 4)),), **G),
    Op("linalg.eigvalsh", linalg.eigvalsh, np.linalg.eigvalsh, (SPD,), diff=(0,), **G),
    Op("linalg.svd tall", _svd_normalized(jnp, linalg.svd, full_matrices=False),
       _svd_normalized(np, np.linalg.svd, full_matrices=False), (distinct_singular((5, 3)),),
       diff=(0,), **G),
    Op("linalg.svd wide", _svd_normalized(jnp, linalg.svd, full_matrices=False),
       _svd_normalized(np, np.linalg.svd, full_matrices=False), (distinct_singular((3, 5)),),
       diff=(0,), **G),
    Op("linalg.svd square full", _svd_normalized(jnp, linalg.svd),
       _svd_normalized(np, np.linalg.svd), (distinct_singular((2, 4, 4)),), diff=(0,), **G),
    Op("linalg.svd full_matrices (values)", lambda a: linalg.svd(a)[1],
       lambda a: np.linalg.svd(a)[1], (Arg((5, 3)),), **G),
    Op("linalg.svd compute_uv=False", lambda a: linalg.svd(a, compute_uv=False),
       lambda a: np.linalg.svd(a, compute_uv=False), (distinct_singular((4, 3)),), diff=(0,),
       **G),
    Op("linalg.svd hermitian", _svd_normalized(jnp, linalg.svd, hermitian=True),
       _svd_normalized(np, np.linalg.svd, hermitian=True), (spread_spd((4, 4)),), diff=(0,),
       **G),
    Op("linalg.svdvals", linalg.svdvals, lambda a: np.linalg.svd(a, compute_uv=False),
       (distinct_singular((2, 3, 4)),), diff=(0,), **G),
    Op("linalg.qr reduced tall", linalg.qr, _qr_np("reduced"), (A4_B,), diff=(0,), **G),
    Op("linalg.qr reduced tall 5x3", linalg.qr, _qr_np("reduced"), (well_conditioned((5, 3)),),
       diff=(0,), **G),
    Op("linalg.qr complete tall", lambda a: linalg.qr(a, mode="complete"), _qr_np("complete"),
       (well_conditioned((5, 3)),), diff=(0,), **G),
    Op("linalg.qr wide", linalg.qr, _qr_np("reduced"), (well_conditioned((3, 5)),), diff=(0,),
       **G),
    Op("linalg.qr r", lambda a: linalg.qr(a, mode="r"), lambda a: np.linalg.qr(a, mode="r"),
       (well_conditioned((5, 3)),), diff=(0,), **G),
    Op("linalg.qr raw", lambda a: linalg.qr(a, mode="raw"),
       lambda a: np.linalg.qr(a, mode="raw"), (Arg((5, 3)),), **G),
    Op("linalg.solve matrix", linalg.solve, np.linalg.solve, (A4, B4), diff=(0, 1), **G),
    Op("linalg.solve vector", linalg.solve, np.linalg.solve, (A4, V4), diff=(0, 1), **G),
    Op("linalg.solve batched", linalg.solve, np.linalg.solve, (A4_B, B4_B), diff=(0, 1), **G),
    Op("linalg.solve batched a, vector b", linalg.solve, np.linalg.solve, (A4_B, V4),
       diff=(0, 1), **G),
    Op("linalg.inv", linalg.inv, np.linalg.inv, (A4,), diff=(0,), **G),
    Op("linalg.inv batched", linalg.inv, np.linalg.inv, (A4_B,), diff=(0,), **G),
    Op("linalg.det 2x2", linalg.det, _np_det, (Arg((2, 2)),), diff=(0,), **G),
    Op("linalg.det 3x3", linalg.det, _np_det, (Arg((2, 3, 3)),), diff=(0,), **G),
    Op("linalg.det 5x5", linalg.det, _np_det, (Arg((5, 5)),), diff=(0,), rtol=1e-4, atol=1e-4),
    Op("linalg.det 1x1", linalg.det, _np_det, (Arg((3, 1, 1)),), diff=(0,)),
    Op("linalg.slogdet", lambda a: tuple(linalg.slogdet(a)),
       lambda a: tuple(np.linalg.slogdet(a)), (Arg((4, 4)),), diff=(0,), **G),
    Op("linalg.slogdet 2x2", lambda a: tuple(linalg.slogdet(a)),
       lambda a: tuple(np.linalg.slogdet(a)), (Arg((3, 2, 2)),), diff=(0,), **G),
    Op("linalg.pinv", linalg.pinv, np.linalg.pinv, (distinct_singular((5, 3)),), diff=(0,), **G),
    Op("linalg.pinv wide", linalg.pinv, np.linalg.pinv, (distinct_singular((3, 5)),),
       diff=(0,), **G),
    Op("linalg.pinv hermitian", lambda a: linalg.pinv(a, hermitian=True),
       lambda a: np.linalg.pinv(a, hermitian=True), (spread_spd((4, 4)),), diff=(0,), **G),
    Op("linalg.lstsq", lambda a, b: linalg.lstsq(a, b),
       lambda a, b: np.linalg.lstsq(a, b, rcond=None), (distinct_singular((5, 3)), Arg((5,))),
       diff=(0, 1), **G),
    Op("linalg.lstsq matrix b", lambda a, b: linalg.lstsq(a, b)[0],
       lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
       (distinct_singular((5, 3)), Arg((5, 2))), diff=(0, 1), **G),
    Op("linalg.norm", linalg.norm, np.linalg.norm, (Arg((3, 4)),), diff=(0,)),
    Op("linalg.norm nd", linalg.norm, np.linalg.norm, (Arg((2, 3, 4)),), diff=(0,)),
    *[Op(f"linalg.norm vector ord={o}", lambda x, o=o: linalg.norm(x, o),
         _np_norm(ord=o), (Arg((5,), kind="positive"),), diff=() if o == 0 else (0,))
      for o in (None, 0, 1, 2, 3, 0.5, np.inf, -np.inf)],
    *[Op(f"linalg.norm matrix ord={o}", lambda x, o=o: linalg.norm(x, o),
         _np_norm(ord=o), (distinct_singular((4, 3)),), diff=(0,), **G)
      for o in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)],
    Op("linalg.norm axis keepdims", lambda x: linalg.norm(x, 1, axis=(2, 0), keepdims=True),
       _np_norm(ord=1, axis=(2, 0), keepdims=True), (Arg((3, 2, 4)),), diff=(0,)),
    Op("linalg.norm vector axis", lambda x: linalg.norm(x, 3, axis=-1),
       _np_norm(ord=3, axis=-1), (Arg((3, 4)),), diff=(0,)),
    Op("linalg.vector_norm", lambda x: linalg.vector_norm(x, axis=(0, 2), ord=1),
       lambda x: np.sum(np.abs(x), axis=(0, 2)), (Arg((2, 3, 4)),), diff=(0,)),
    Op("linalg.vector_norm all", linalg.vector_norm, lambda x: np.linalg.norm(x.ravel()),
       (Arg((2, 3)),), diff=(0,)),
    Op("linalg.matrix_norm", lambda x: linalg.matrix_norm(x, ord="nuc"),
       lambda x: np.linalg.norm(x, "nuc", axis=(-2, -1)), (distinct_singular((2, 3, 4)),),
       diff=(0,), **G),
    Op("linalg.cond", linalg.cond, np.linalg.cond, (distinct_singular((4, 4)),), diff=(0,), **G),
    Op("linalg.cond p=1", lambda x: linalg.cond(x, 1), lambda x: np.linalg.cond(x, 1), (A4,),
       diff=(0,), **G),
    Op("linalg.cond p=fro", lambda x: linalg.cond(x, "fro"), lambda x: np.linalg.cond(x, "fro"),
       (A4,), diff=(0,), **G),
    Op("linalg.matrix_rank", linalg.matrix_rank,
       lambda x: np.linalg.matrix_rank(x).astype(np.int32), (Arg((4, 3)),)),
    Op("linalg.matrix_rank deficient", linalg.matrix_rank,
       lambda x: np.linalg.matrix_rank(x).astype(np.int32),
       (Arg((5, 4), kind="custom", gen=lambda rng: rng.normal(size=(5, 2)) @ rng.normal(
           size=(2, 4))),)),
    *[Op(f"linalg.matrix_power n={n}", lambda x, n=n: linalg.matrix_power(x, n),
         lambda x, n=n: np.linalg.matrix_power(x, n), (A4 if n < 0 else Arg((3, 3), low=-1, high=1),),
         diff=(0,), **G) for n in (-2, 0, 1, 3, 6)],
    Op("linalg.multi_dot", lambda a, b, c, d: linalg.multi_dot([a, b, c, d]),
       lambda a, b, c, d: np.linalg.multi_dot([a, b, c, d]),
       (Arg((3,)), Arg((3, 5)), Arg((5, 2)), Arg((2, 4))), diff=(0, 1, 2, 3), **G),
    Op("linalg.tensorinv", lambda a: linalg.tensorinv(a, ind=2),
       lambda a: np.linalg.tensorinv(a, ind=2),
       (Arg((2, 3, 6), kind="custom", gen=lambda rng: (rng.normal(size=(6, 6)) * 0.3 + 3 * np.eye(
           6)).reshape(2, 3, 6)),), diff=(0,), vmap=False, **G),
    Op("linalg.tensorsolve", linalg.tensorsolve, np.linalg.tensorsolve,
       (Arg((2, 3, 6), kind="custom", gen=lambda rng: (rng.normal(size=(6, 6)) * 0.3 + 3 * np.eye(
           6)).reshape(2, 3, 6)), Arg((2, 3))), diff=(0, 1), vmap=False, **G),
    Op("linalg.cross", linalg.cross, np.cross, (Arg((4, 3)), Arg((4, 3))), diff=(0, 1)),
    Op("linalg.cross axis", lambda a, b: linalg.cross(a, b, axis=0),
       lambda a, b: np.cross(a, b, axis=0), (Arg((3, 2)), Arg((3, 2))), diff=(0, 1)),
    Op("linalg.outer", linalg.outer, np.outer, (Arg((3,)), Arg((4,))), diff=(0, 1)),
    Op("linalg.matmul", linalg.matmul, np.matmul, (Arg((2, 3, 4)), Arg((4, 5))), diff=(0, 1)),
    Op("linalg.matrix_transpose", linalg.matrix_transpose, lambda x: np.swapaxes(x, -1, -2),
       (Arg((2, 3, 4)),), diff=(0,)),
    Op("linalg.vecdot", linalg.vecdot, lambda a, b: np.sum(a * b, axis=-1),
       (Arg((3, 4)), Arg((3, 4))), diff=(0, 1)),
    Op("linalg.tensordot", lambda a, b: linalg.tensordot(a, b, axes=1),
       lambda a, b: np.tensordot(a, b, axes=1), (Arg((2, 3)), Arg((3, 4))), diff=(0, 1)),
    Op("linalg.diagonal", lambda x: linalg.diagonal(x, offset=1),
       lambda x: np.diagonal(x, 1, -2, -1), (Arg((2, 3, 4)),), diff=(0,)),
    Op("linalg.trace", linalg.trace, lambda x: np.trace(x, axis1=-2, axis2=-1),
       (Arg((2, 3, 3)),), diff=(0,)),
]


# ---- jax.lax.linalg rows -------------------------------------------------------------------------
LAX_OPS = [
    Op("lax.linalg.cholesky", lax.linalg.cholesky, np.linalg.cholesky, (SPD_B,), diff=(0,), **G),
    Op("lax.linalg.lu", lax.linalg.lu, _np_lu_factor, (Arg((2, 4, 4)),), diff=(0,), **G),
    Op("lax.linalg.lu tall", lax.linalg.lu, _np_lu_factor, (Arg((5, 3)),), diff=(0,), **G),
    Op("lax.linalg.lu wide", lax.linalg.lu, _np_lu_factor, (Arg((3, 5)),), diff=(0,), **G),
    Op("lax.linalg.triangular_solve left lower",
       lambda a, b: lax.linalg.triangular_solve(a, b, left_side=True, lower=True),
       lambda a, b: scipy_linalg.solve_triangular(a, b, lower=True),
       (triangular((4, 4), True), B4), diff=(0, 1), **G),
    Op("lax.linalg.triangular_solve right upper transposed unit",
       lambda a, b: lax.linalg.triangular_solve(a, b, left_side=False, lower=False,
                                                transpose_a=True, unit_diagonal=True),
       lambda a, b: scipy_linalg.solve_triangular(a, b.T, lower=False, trans=0,
                                                  unit_diagonal=True).T,
       (triangular((4, 4), False), Arg((3, 4))), diff=(0, 1), **G),
    Op("lax.linalg.triangular_solve vector",
       lambda a, b: lax.linalg.triangular_solve(a, b, left_side=True, lower=False,
                                                transpose_a=True),
       lambda a, b: scipy_linalg.solve_triangular(a, b, lower=False, trans=1),
       (triangular((4, 4), False), V4), diff=(0, 1), **G),
    Op("lax.linalg.qr", lax.linalg.qr, _qr_np("complete"), (well_conditioned((4, 3)),),
       diff=(0,), **G),
    Op("lax.linalg.svd", lambda a: lax.linalg.svd(a, compute_uv=False),
       lambda a: np.linalg.svd(a, compute_uv=False), (distinct_singular((4, 3)),), diff=(0,),
       **G),
    Op("lax.linalg.eigh", lambda a: lax.linalg.eigh(a)[1], np.linalg.eigvalsh, (SPD,),
       diff=(0,), **G),
    Op("lax.linalg.tridiagonal_solve",
       lambda dl, d, du, b: lax.linalg.tridiagonal_solve(dl, d, du, b),
       lambda dl, d, du, b: np.linalg.solve(np.diag(d) + np.diag(du[:-1], 1)
                                            + np.diag(dl[1:], -1), b),
       (Arg((4,), low=-0.5, high=0.5), Arg((4,), low=3, high=4), Arg((4,), low=-0.5, high=0.5),
        Arg((4, 2))), diff=(1, 3), **G),
    Op("lax.linalg.householder_product",
       lambda a: lax.linalg.householder_product(*lax.linalg.geqrf(a)),
       lambda a: np.linalg.qr(a)[0], (well_conditioned((5, 3)),), **G),
    # ormqr applies the full m x m Q of geqrf's reflectors without forming it.
    Op("lax.linalg.ormqr", lambda a, c: lax.linalg.ormqr(*lax.linalg.geqrf(a), c),
       lambda a, c: np.linalg.qr(a, mode="complete")[0] @ c,
       (well_conditioned((5, 3)), Arg((5, 2))), **G),
    Op("lax.linalg.ormqr(transpose)",
       lambda a, c: lax.linalg.ormqr(*lax.linalg.geqrf(a), c, transpose=True),
       lambda a, c: np.linalg.qr(a, mode="complete")[0].T @ c,
       (well_conditioned((5, 3)), Arg((5, 2))), **G),
    Op("lax.linalg.ormqr(right)",
       lambda a, c: lax.linalg.ormqr(*lax.linalg.geqrf(a), c, left=False),
       lambda a, c: c @ np.linalg.qr(a, mode="complete")[0],
       (well_conditioned((5, 3)), Arg((2, 5))), **G),
    Op("lax.linalg.ormqr(right, transpose)",
       lambda a, c: lax.linalg.ormqr(*lax.linalg.geqrf(a), c, left=False, transpose=True),
       lambda a, c: c @ np.linalg.qr(a, mode="complete")[0].T,
       (well_conditioned((5, 3)), Arg((2, 5))), **G),
    Op("lax.linalg.hessenberg", lambda a: jsl.hessenberg(a) - jnp.triu(
       lax.linalg.hessenberg(a)[0], -1), lambda a: np.zeros_like(a), (Arg((2, 4, 4)),)),
    Op("lax.linalg.lu_pivots_to_permutation",
       lambda p: lax.linalg.lu_pivots_to_permutation(p, 5),
       lambda p: np.stack([_perm_of_pivots(row, 5) for row in p.reshape(-1, 3)]).reshape(
           p.shape[:-1] + (5,)), (Arg((2, 3), "int32", "int", 0, 5),)),
]


def _perm_of_pivots(pivots, size):
    perm = list(range(size))
    for i, j in enumerate(pivots):
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, np.int32)


# ---- jax.scipy.linalg rows ----------------------------------------------------------------------
def _pos(a):
    return (a + np.swapaxes(a, -1, -2)) / 2


SCIPY_OPS = [
    *[Op(f"scipy.linalg.solve_triangular lower={lower} trans={trans} unit={unit}",
         lambda a, b, lower=lower, trans=trans, unit=unit: jsl.solve_triangular(
             a, b, trans=trans, lower=lower, unit_diagonal=unit),
         lambda a, b, lower=lower, trans=trans, unit=unit: scipy_linalg.solve_triangular(
             a, b, trans=trans, lower=lower, unit_diagonal=unit),
         (triangular((4, 4), lower), B4), diff=(0, 1), **G)
      for lower, trans, unit in [(True, 0, False), (False, 1, False), (True, "T", True),
                                 (False, "N", True)]],
    Op("scipy.linalg.solve_triangular vector", lambda a, b: jsl.solve_triangular(a, b),
       lambda a, b: scipy_linalg.solve_triangular(a, b), (triangular((4, 4), False), V4),
       diff=(0, 1), **G),
    *[Op(f"scipy.linalg.cho_factor/cho_solve lower={lower}",
         lambda a, b, lower=lower: jsl.cho_solve(jsl.cho_factor(_pos(a), lower=lower), b),
         lambda a, b, lower=lower: scipy_linalg.cho_solve(
             scipy_linalg.cho_factor(_pos(a), lower=lower), b), (SPD, B4), diff=(0, 1), **G)
      for lower in (False, True)],
    Op("scipy.linalg.cho_solve vector", lambda a, b: jsl.cho_solve(jsl.cho_factor(a), b),
       lambda a, b: scipy_linalg.cho_solve(scipy_linalg.cho_factor(a), b), (SPD, V4), **G),
    Op("scipy.linalg.cholesky", lambda a: jsl.cholesky(_pos(a)),
       lambda a: scipy_linalg.cholesky(_pos(a)), (SPD,), diff=(0,), **G),
    Op("scipy.linalg.cholesky lower", lambda a: jsl.cholesky(_pos(a), lower=True),
       lambda a: scipy_linalg.cholesky(_pos(a), lower=True), (SPD,), diff=(0,), **G),
    *[Op(f"scipy.linalg.lu_factor/lu_solve trans={trans}",
         lambda a, b, trans=trans: jsl.lu_solve(jsl.lu_factor(a), b, trans=trans),
         lambda a, b, trans=trans: scipy_linalg.lu_solve(scipy_linalg.lu_factor(a), b,
                                                         trans=trans),
         (A4, B4), diff=(0, 1), **G) for trans in (0, 1)],
    Op("scipy.linalg.lu_solve vector", lambda a, b: jsl.lu_solve(jsl.lu_factor(a), b),
       lambda a, b: scipy_linalg.lu_solve(scipy_linalg.lu_factor(a), b), (A4, V4), diff=(0, 1),
       **G),
    Op("scipy.linalg.lu_factor", jsl.lu_factor, scipy_linalg.lu_factor, (Arg((4, 4)),),
       vmap=False, **G),
    Op("scipy.linalg.lu", jsl.lu, scipy_linalg.lu, (Arg((4, 4)),), diff=(0,), vmap=False, **G),
    Op("scipy.linalg.lu wide permute_l", lambda a: jsl.lu(a, permute_l=True),
       lambda a: scipy_linalg.lu(a, permute_l=True), (Arg((3, 5)),), diff=(0,), vmap=False,
       **G),
    Op("scipy.linalg.solve", jsl.solve, scipy_linalg.solve, (A4, B4), diff=(0, 1), **G),
    Op("scipy.linalg.solve assume_a=pos", lambda a, b: jsl.solve(a, b, assume_a="pos"),
       lambda a, b: scipy_linalg.solve(a, b, assume_a="pos"), (SPD, B4), diff=(0, 1), **G),
    Op("scipy.linalg.inv", jsl.inv, scipy_linalg.inv, (A4,), diff=(0,), vmap=False, **G),
    Op("scipy.linalg.det", jsl.det, scipy_linalg.det, (Arg((4, 4)),), diff=(0,), vmap=False,
       **G),
    Op("scipy.linalg.eigh", _eigh_normalized(jnp, jsl.eigh),
       _eigh_normalized(np, scipy_linalg.eigh), (spread_spd((4, 4)),), diff=(0,), vmap=False,
       **G),
    Op("scipy.linalg.eigh eigvals_only", lambda a: jsl.eigh(a, eigvals_only=True),
       lambda a: scipy_linalg.eigh(a, eigvals_only=True), (SPD,), diff=(0,), vmap=False, **G),
    Op("scipy.linalg.eigh_tridiagonal",
       lambda d, e: jsl.eigh_tridiagonal(d, e, eigvals_only=True),
       lambda d, e: scipy_linalg.eigh_tridiagonal(d, e, eigvals_only=True),
       (Arg((5,)), Arg((4,))), diff=(0, 1), vmap=False, **G),
    Op("scipy.linalg.qr", jsl.qr, scipy_linalg.qr, (well_conditioned((5, 3)),), diff=(0,), **G),
    Op("scipy.linalg.qr economic", lambda a: jsl.qr(a, mode="economic"),
       lambda a: scipy_linalg.qr(a, mode="economic"), (well_conditioned((5, 3)),), diff=(0,),
       **G),
    Op("scipy.linalg.qr r", lambda a: jsl.qr(a, mode="r"),
       lambda a: scipy_linalg.qr(a, mode="r"), (well_conditioned((3, 3)),), diff=(0,),
       vmap=False, **G),
    Op("scipy.linalg.qr_multiply", lambda a, c: jsl.qr_multiply(a, c),
       lambda a, c: scipy_linalg.qr_multiply(a, c), (well_conditioned((5, 3)), Arg((2, 5))),
       diff=(0, 1), vmap=False, **G),
    Op("scipy.linalg.qr_multiply left", lambda a, c: jsl.qr_multiply(a, c, mode="left"),
       lambda a, c: scipy_linalg.qr_multiply(a, c, mode="left"),
       (well_conditioned((5, 3)), Arg((3, 2))), diff=(0, 1), vmap=False, **G),
    Op("scipy.linalg.svd", _svd_normalized(jnp, jsl.svd, full_matrices=False),
       _svd_normalized(np, scipy_linalg.svd, full_matrices=False), (distinct_singular((5, 3)),),
       diff=(0,), vmap=False, **G),
    Op("scipy.linalg.svd compute_uv=False", lambda a: jsl.svd(a, compute_uv=False),
       lambda a: scipy_linalg.svd(a, compute_uv=False), (distinct_singular((3, 4)),),
       diff=(0,), **G),
    Op("scipy.linalg.hessenberg", lambda a: jsl.hessenberg(a, calc_q=True),
       lambda a: scipy_linalg.hessenberg(a, calc_q=True), (Arg((5, 5)),), vmap=False, **G),
    Op("scipy.linalg.hessenberg h only", jsl.hessenberg, scipy_linalg.hessenberg,
       (Arg((2, 2)),), vmap=False, **G),
    Op("scipy.linalg.polar", jsl.polar, scipy_linalg.polar, (distinct_singular((4, 3)),),
       diff=(0,), **G),
    Op("scipy.linalg.polar left", lambda a: jsl.polar(a, side="left"),
       lambda a: scipy_linalg.polar(a, side="left"), (distinct_singular((3, 3)),), diff=(0,),
       **G),
    Op("scipy.linalg.solve_sylvester", jsl.solve_sylvester, scipy_linalg.solve_sylvester,
       (A4, well_conditioned((3, 3)), Arg((4, 3))), diff=(0, 1, 2), **G),
    Op("scipy.linalg.expm", jsl.expm, scipy_linalg.expm, (Arg((4, 4), low=-1, high=1),),
       diff=(0,), **G),
    Op("scipy.linalg.expm large norm", jsl.expm, scipy_linalg.expm,
       (Arg((3, 3), low=-3, high=3),), diff=(0,), rtol=1e-3, atol=1e-3,
       grad_rtol=1e-3, grad_atol=1e-3),
    Op("scipy.linalg.expm small norm", jsl.expm, scipy_linalg.expm,
       (Arg((3, 3), low=-0.05, high=0.05),), diff=(0,), **G),
    Op("scipy.linalg.expm upper_triangular", lambda a: jsl.expm(a, upper_triangular=True),
       scipy_linalg.expm, (triangular((3, 3), False),), diff=(0,), rtol=1e-3, atol=1e-3,
       grad_rtol=1e-3, grad_atol=1e-3),
    Op("scipy.linalg.expm_frechet", lambda a, e: jsl.expm_frechet(a, e),
       lambda a, e: scipy_linalg.expm_frechet(a, e), (Arg((3, 3), low=-1, high=1), Arg((3, 3))),
       diff=(0, 1), rtol=1e-3, atol=1e-4),
    Op("scipy.linalg.block_diag", lambda a, b, c: jsl.block_diag(a, b, c),
       lambda a, b, c: scipy_linalg.block_diag(a, b, c), (Arg((2, 3)), Arg(()), Arg((2,))),
       diff=(0, 1, 2), vmap=False),
    Op("scipy.linalg.toeplitz", jsl.toeplitz, scipy_linalg.toeplitz, (Arg((3,)), Arg((4,))),
       diff=(0, 1)),
    Op("scipy.linalg.toeplitz symmetric", jsl.toeplitz, scipy_linalg.toeplitz, (Arg((4,)),),
       diff=(0,)),
    Op("scipy.linalg.hankel", jsl.hankel, scipy_linalg.hankel, (Arg((3,)), Arg((4,))),
       diff=(0, 1)),
    Op("scipy.linalg.hankel c only", jsl.hankel, scipy_linalg.hankel, (Arg((4,)),), diff=(0,)),
    Op("scipy.linalg.circulant", jsl.circulant, scipy_linalg.circulant, (Arg((4,)),),
       diff=(0,)),
    Op("scipy.linalg.companion", jsl.companion, scipy_linalg.companion,
       (Arg((4,), kind="positive"),), diff=(0,)),
    Op("scipy.linalg.fiedler", jsl.fiedler, scipy_linalg.fiedler, (Arg((4,)),), diff=(0,)),
    Op("scipy.linalg.fiedler_companion", jsl.fiedler_companion,
       scipy_linalg.fiedler_companion, (Arg((5,), kind="positive"),), diff=(0,)),
    Op("scipy.linalg.leslie", jsl.leslie, scipy_linalg.leslie, (Arg((4,)), Arg((3,))),
       diff=(0, 1)),
    *[Op(f"scipy.linalg.convolution_matrix {mode}",
         lambda a, mode=mode: jsl.convolution_matrix(a, 5, mode),
         lambda a, mode=mode: scipy_linalg.convolution_matrix(a, 5, mode), (Arg((3,)),),
         diff=(0,)) for mode in ("full", "same", "valid")],
    Op("scipy.linalg.hilbert", jsl.hilbert, scipy_linalg.hilbert, (Arg(kind="static", value=4),)),
    Op("scipy.linalg.invhilbert", jsl.invhilbert, scipy_linalg.invhilbert,
       (Arg(kind="static", value=4),), rtol=1e-5),
    *[Op(f"scipy.linalg.pascal {kind}", lambda n, kind=kind: jsl.pascal(n, kind),
         lambda n, kind=kind: scipy_linalg.pascal(n, kind or "symmetric").astype(np.float32),
         (Arg(kind="static", value=5),)) for kind in (None, "lower", "upper")],
    Op("scipy.linalg.invpascal", jsl.invpascal,
       lambda n: scipy_linalg.invpascal(n).astype(np.float64), (Arg(kind="static", value=5),)),
    Op("scipy.linalg.helmert", lambda n: jsl.helmert(n, full=True),
       lambda n: scipy_linalg.helmert(n, full=True), (Arg(kind="static", value=4),)),
    Op("scipy.linalg.hadamard", jsl.hadamard,
       lambda n: scipy_linalg.hadamard(n).astype(np.int32), (Arg(kind="static", value=8),)),
    Op("scipy.linalg.dft", lambda n: jsl.dft(n, "sqrtn"),
       lambda n: scipy_linalg.dft(n, "sqrtn").astype(np.complex64), (Arg(kind="static", value=4),)),
]


@pytest.mark.parametrize("op", LINALG_OPS + LAX_OPS + SCIPY_OPS, ids=op_id)
def test_op(op):
    check_op(op)


# ---- specific behaviours ----------------------------------------------------------------------------
def _adjugate(a):
    n = a.shape[0]
    adj = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, 0), j, 1)
            adj[j, i] = (-1) ** (i + j) * np.linalg.det(minor)
    return adj


def test_det_gradient_at_singular_matrices(x64):
    # rank n-1: the gradient of det is the transposed adjugate (JAX's cofactor solve)
    a = np.array([[1., 2, 3, 4], [2, 4, 6, 8], [1, 0, 1, 0], [0, 1, 0, 3]])
    assert np.linalg.matrix_rank(a) == 3
    g = jaxlite.grad(linalg.det)(a)
    np.testing.assert_allclose(g, _adjugate(a).T, atol=1e-12)
    assert np.abs(g).max() > 1  # not the zero matrix
    # rank n-2: every cofactor vanishes
    b = np.outer(np.arange(1., 5), np.arange(2., 6))
    np.testing.assert_array_equal(jaxlite.grad(linalg.det)(b), np.zeros((4, 4)))
    # forward mode agrees, and so does a batch
    _, t = jaxlite.jvp(linalg.det, (a,), (np.eye(4),))
    np.testing.assert_allclose(t, np.trace(_adjugate(a)), atol=1e-12)
    gb = jaxlite.vmap(jaxlite.grad(linalg.det))(np.stack([a, b]))
    np.testing.assert_allclose(gb[0], _adjugate(a).T, atol=1e-12)


def test_det_hessian_matches_formula(x64):
    rng = np.random.default_rng(1)
    a = rng.normal(size=(4, 4)) + 3 * np.eye(4)
    h = jaxlite.hessian(linalg.det)(a)
    # d2 det / da_ij da_kl = det(a) (inv_ji inv_lk - inv_li inv_jk)
    inv, d = np.linalg.inv(a), np.linalg.det(a)
    want = d * (np.einsum("ji,lk->ijkl", inv, inv) - np.einsum("li,jk->ijkl", inv, inv))
    np.testing.assert_allclose(h, want, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(jaxlite.jacfwd(jaxlite.jacrev(linalg.det))(a), want, rtol=1e-8,
                               atol=1e-10)


def test_logdet_hessian(x64):
    rng = np.random.default_rng(2)
    a = rng.normal(size=(3, 3))
    s = a @ a.T + 3 * np.eye(3)
    f = lambda x: linalg.slogdet(x)[1]
    inv = np.linalg.inv(s)
    np.testing.assert_allclose(jaxlite.grad(f)(s), inv.T, rtol=1e-10)
    np.testing.assert_allclose(jaxlite.hessian(f)(s), -np.einsum("li,jk->ijkl", inv, inv),
                               rtol=1e-8, atol=1e-12)
    # the same through a Cholesky factorization (its JVP under a JVP/transpose); cholesky
    # symmetrizes its input, so the Hessian is the symmetrized one
    g = lambda x: 2 * jnp.sum(jnp.log(jnp.diagonal(linalg.cholesky(x))))
    np.testing.assert_allclose(jaxlite.grad(g)(s), inv, rtol=1e-10)
    h = -np.einsum("li,jk->ijkl", inv, inv)
    want = (h + h.transpose(1, 0, 2, 3) + h.transpose(0, 1, 3, 2) + h.transpose(1, 0, 3, 2)) / 4
    np.testing.assert_allclose(jaxlite.hessian(g)(s), want, rtol=1e-8, atol=1e-12)


def test_second_order_mixed_modes(x64):
    rng = np.random.default_rng(3)
    a = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    b = rng.normal(size=(3,))
    for f in (lambda x: jnp.sum(linalg.solve(x, b) ** 3),
              lambda x: jnp.sum(linalg.inv(x) ** 2),
              lambda x: jnp.sum(jnp.sin(linalg.eigvalsh(x @ x.T))),
              lambda x: jnp.sum(linalg.svd(x, compute_uv=False) ** 3),
              lambda x: jnp.sum(linalg.qr(x)[1] ** 2),
              lambda x: jnp.sum(jsl.expm(0.3 * x))):
        h1 = jaxlite.jacfwd(jaxlite.jacrev(f))(a)
        h2 = jaxlite.jacrev(jaxlite.jacfwd(f))(a)
        np.testing.assert_allclose(h1, h2, rtol=1e-7, atol=1e-9)
        assert np.isfinite(h1).all()


def test_cholesky_not_positive_definite_gives_nan():
    a = np.array([[1., 0, 0], [0, -1, 0], [0, 0, 1]], np.float32)
    L = linalg.cholesky(a)
    assert np.isnan(np.asarray(L)[np.tril_indices(3)]).all()
    np.testing.assert_array_equal(np.asarray(L)[np.triu_indices(3, 1)], 0)
    # a batch fails only where the matrix is not positive definite, under jit too
    good = np.eye(3, dtype=np.float32) * 4
    out = np.asarray(jaxlite.jit(linalg.cholesky)(np.stack([good, a])))
    np.testing.assert_allclose(out[0], 2 * np.eye(3))
    assert np.isnan(out[1, 1, 1])



def test_cholesky_not_positive_definite_without_floating_point_flags(monkeypatch):
    # Where the platform has no floating-point flags (wasm32: Pyodide), NumPy does not raise
    # for a matrix that is not positive definite: it returns NaN everywhere.
    numpy_cholesky = np.linalg.cholesky

    def without_flags(a):
        a = np.asarray(a)
        flat = a.reshape((-1,) + a.shape[-2:])
        out = np.full_like(flat, np.nan)
        for i, m in enumerate(flat):
            try:
                out[i] = numpy_cholesky(m)
            except np.linalg.LinAlgError:
                pass
        return out.reshape(a.shape)

    monkeypatch.setattr(np.linalg, "cholesky", without_flags)
    bad = np.array([[1., 0, 0], [0, -1, 0], [0, 0, 1]], np.float32)
    good = np.eye(3, dtype=np.float32) * 4
    out = np.asarray(linalg.cholesky(np.stack([good, bad])))
    np.testing.assert_array_equal(out[0], 2 * np.eye(3))
    assert np.isnan(out[1][np.tril_indices(3)]).all()
    np.testing.assert_array_equal(out[1][np.triu_indices(3, 1)], 0)

def test_singular_solves_do_not_raise():
    sing = np.array([[1., 2], [2, 4]], np.float32)
    x = np.asarray(linalg.solve(sing, np.ones(2, np.float32)))
    assert not np.isfinite(x).all()
    inv = np.asarray(linalg.inv(np.outer(np.arange(1., 4), np.arange(1., 4)).astype(np.float32)))
    assert not np.isfinite(inv).all()
    s, logdet = linalg.slogdet(np.zeros((3, 3), np.float32))
    assert float(s) == 0 and float(logdet) == -np.inf
    x = np.asarray(jsl.solve_triangular(np.triu(np.ones((2, 2), np.float32)) - np.eye(2, dtype=np.float32),
                                        np.ones(2, np.float32)))
    assert not np.isfinite(x).all()
    assert np.isnan(linalg.cond(np.zeros((2, 2), np.float32)))  # 0 / 0, as JAX
    assert linalg.cond(sing, 1) == np.inf  # NaN from the inverse becomes inf


def test_vmap_along_other_axes_and_unbatched_matrix():
    rng = np.random.default_rng(4)
    a = (rng.normal(size=(4, 4)) + 3 * np.eye(4)).astype(np.float32)
    bs = rng.normal(size=(4, 5)).astype(np.float32)  # 5 right-hand sides along axis 1
    got = jaxlite.vmap(linalg.solve, in_axes=(None, 1), out_axes=1)(a, bs)
    np.testing.assert_allclose(got, np.linalg.solve(a, bs), rtol=1e-5, atol=1e-5)
    # matrices stacked along the last axis
    stack = np.stack([a, a.T, a + np.eye(4, dtype=np.float32)], axis=-1)
    got = jaxlite.vmap(linalg.det, in_axes=2)(stack)
    np.testing.assert_allclose(got, [np.linalg.det(stack[..., i]) for i in range(3)], rtol=1e-5)
    tri = np.triu(a)
    got = jaxlite.vmap(lambda b: jsl.solve_triangular(tri, b))(bs.T)
    np.testing.assert_allclose(got, scipy_linalg.solve_triangular(tri, bs).T, rtol=1e-5,
                               atol=1e-5)
    # vmap of a vjp through a solve: the transpose rule under batching
    ct = jaxlite.vmap(lambda b: jaxlite.vjp(lambda y: linalg.solve(a, y), b)[1](b)[0])(bs.T)
    np.testing.assert_allclose(ct, np.linalg.solve(a.T, bs).T, rtol=1e-5, atol=1e-5)


def test_batched_leading_dims_everywhere():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 4, 4)).astype(np.float32)
    spd = x @ np.swapaxes(x, -1, -2) + 4 * np.eye(4, dtype=np.float32)
    np.testing.assert_allclose(linalg.cholesky(spd), np.linalg.cholesky(spd), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(linalg.det(x), np.linalg.det(x), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(linalg.inv(spd), np.linalg.inv(spd), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(linalg.eigvalsh(spd), np.linalg.eigvalsh(spd), rtol=1e-4)
    np.testing.assert_allclose(linalg.svdvals(x), np.linalg.svd(x, compute_uv=False), rtol=1e-4,
                               atol=1e-5)
    q, r = linalg.qr(x)
    np.testing.assert_allclose(q @ r, x, rtol=1e-4, atol=1e-5)
    lu, piv, perm = lax.linalg.lu(x)
    l = np.tril(np.asarray(lu), -1) + np.eye(4)
    u = np.triu(np.asarray(lu))
    np.testing.assert_allclose(l @ u, np.take_along_axis(x, np.asarray(perm)[..., None], -2),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(jsl.expm(x * 0.2), [[scipy_linalg.expm(m * 0.2) for m in row]
                                                   for row in x], rtol=1e-4, atol=1e-5)
    # grads with batch dims: d/dx sum(logdet) = inv^T
    g = jaxlite.grad(lambda m: jnp.sum(linalg.slogdet(m)[1]))(spd)
    np.testing.assert_allclose(g, np.swapaxes(np.linalg.inv(spd), -1, -2), rtol=1e-3, atol=1e-5)


def test_jit_stages_linalg_primitives():
    a = np.eye(3, dtype=np.float32) * 2
    text = str(jaxlite.make_jaxpr(lambda x: linalg.solve(linalg.cholesky(x), x))(a))
    assert "cholesky" in text and "linear_solve" in text
    f = jaxlite.jit(jaxlite.grad(lambda x: jnp.sum(linalg.eigh(x)[0] ** 2)))
    np.testing.assert_allclose(f(a), 2 * a, rtol=1e-6)


def test_eig_forward_only():
    rng = np.random.default_rng(6)
    a = rng.normal(size=(4, 4)).astype(np.float32)
    w, v = linalg.eig(a)
    assert w.dtype == np.complex64 and v.dtype == np.complex64
    w, v = np.asarray(w), np.asarray(v)
    np.testing.assert_allclose(a @ v, v * w, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.sort_complex(np.asarray(linalg.eigvals(a))),
                               np.sort_complex(np.linalg.eigvals(a)), rtol=1e-4, atol=1e-5)
    wj = np.asarray(jaxlite.jit(linalg.eigvals)(a))
    np.testing.assert_allclose(np.sort_complex(wj), np.sort_complex(w), rtol=1e-5, atol=1e-6)
    wb = np.asarray(jaxlite.vmap(linalg.eigvals)(np.stack([a, a.T])))
    np.testing.assert_allclose(np.sort_complex(wb[1]), np.sort_complex(w), rtol=1e-4, atol=1e-5)


def test_scipy_lu_reconstructs_and_factor_pivots_match_lapack():
    rng = np.random.default_rng(7)
    a = rng.normal(size=(5, 5)).astype(np.float32)
    lu, piv = jsl.lu_factor(a)
    lu_ref, piv_ref = scipy_linalg.lu_factor(a)
    np.testing.assert_array_equal(piv, piv_ref)
    np.testing.assert_allclose(lu, lu_ref, rtol=1e-4, atol=1e-5)
    p, l, u = jsl.lu(a[:, :3])
    np.testing.assert_allclose(p @ l @ u, a[:, :3], rtol=1e-5, atol=1e-5)


def test_errors_name_the_shapes():
    with pytest.raises(ValueError, match="Invalid shapes for solve"):
        linalg.solve(np.stack([np.eye(3)] * 2), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\[\.\.\., n, n\]"):
        linalg.det(np.ones((2, 3)))
    with pytest.raises(NotImplementedError, match="full matrices"):
        jaxlite.jvp(lambda x: linalg.svd(x)[0], (np.ones((3, 2)),), (np.ones((3, 2)),))
    with pytest.raises(TypeError, match="two-dimensional"):
        linalg.matrix_power(np.ones(3), 2)
