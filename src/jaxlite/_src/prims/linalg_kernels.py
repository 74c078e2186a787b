"""NumPy kernels behind the linear-algebra primitives: batched LU with partial
pivoting, triangular solves, and solves that degrade to inf/NaN like LAPACK.

Everything here takes and returns plain ndarrays with leading batch
dimensions; no tracers, no primitives. NumPy's `linalg` has no `getrf` and no
`trsm`, and it raises on singular input where JAX returns inf/NaN, so these
fill the gaps.
"""
import numpy as np


def lu_factor(a):
    """LU with partial pivoting of (..., m, n) matrices, as LAPACK's getrf.

    Returns (lu, pivots, permutation): `lu` holds the unit-lower L below the
    diagonal and U on and above it; `pivots[..., j]` is the row swapped with row
    j at step j (int32); `permutation` is the resulting row order, so that
    `a[..., permutation, :] == L @ U`. A zero pivot leaves its column unscaled
    (as getrf does), so singular matrices factor without warnings."""
    a = np.asarray(a)
    dtype = a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64)
    *batch, m, n = a.shape
    k = min(m, n)
    work = np.array(a, dtype=dtype).reshape((-1, m, n))
    count = work.shape[0]
    pivots = np.zeros((count, k), np.int32)
    permutation = np.tile(np.arange(m, dtype=np.int32), (count, 1))
    with np.errstate(all="ignore"):
        if count <= 4:  # few matrices: scalar pivots, fewer NumPy calls per column
            for w, piv, perm in zip(work, pivots, permutation):
                _lu_single(w, piv, perm, k)
        else:
            _lu_batched(work, pivots, permutation, k)
    return (work.reshape(a.shape), pivots.reshape(tuple(batch) + (k,)),
            permutation.reshape(tuple(batch) + (m,)))


def _lu_single(w, pivots, permutation, k):
    """In-place LU of one (m, n) matrix; the per-column loop of getf2."""
    n = w.shape[1]
    for j in range(k):
        p = j + int(np.argmax(np.abs(w[j:, j])))
        pivots[j] = p
        if p != j:
            w[[j, p]] = w[[p, j]]
            permutation[[j, p]] = permutation[[p, j]]
        pivot = w[j, j]
        if pivot != 0:
            w[j + 1:, j] /= pivot
        if j + 1 < n:
            w[j + 1:, j + 1:] -= np.multiply.outer(w[j + 1:, j], w[j, j + 1:])


def _lu_batched(work, pivots, permutation, k):
    """In-place LU of a stack of (m, n) matrices, vectorized over the stack."""
    n = work.shape[2]
    rows = np.arange(work.shape[0])
    for j in range(k):
        p = j + np.argmax(np.abs(work[:, j:, j]), axis=1)
        pivots[:, j] = p
        swap = p != j
        if swap.any():
            r, pj = rows[swap], p[swap]
            top = work[r, j].copy()
            work[r, j] = work[r, pj]
            work[r, pj] = top
            top = permutation[r, j].copy()
            permutation[r, j] = permutation[r, pj]
            permutation[r, pj] = top
        pivot = work[:, j, j]
        nonzero = pivot != 0
        column = work[:, j + 1:, j]
        if nonzero.all():
            column /= pivot[:, None]
        else:
            column[nonzero] /= pivot[nonzero, None]
        if j + 1 < n:
            work[:, j + 1:, j + 1:] -= column[:, :, None] * work[:, j, None, j + 1:]


def substitute(tri, b, lower, unit_diagonal=False):
    """Solve tri @ x = b by forward (lower) or back substitution; tri (..., m, m),
    b (..., m, k) with equal batch dims. Zero pivots give inf/NaN, as trsm."""
    m = tri.shape[-1]
    x = np.zeros(np.broadcast_shapes(tri.shape[:-2], b.shape[:-2]) + b.shape[-2:],
                 np.result_type(tri, b))
    order = range(m) if lower else range(m - 1, -1, -1)
    with np.errstate(all="ignore"):
        for i in order:
            if lower:
                s = b[..., i, :] - (tri[..., i:i + 1, :i] @ x[..., :i, :])[..., 0, :]
            else:
                s = b[..., i, :] - (tri[..., i:i + 1, i + 1:] @ x[..., i + 1:, :])[..., 0, :]
            x[..., i, :] = s if unit_diagonal else s / tri[..., i, i, None]
    return x


def triangular_solve(a, b, left_side, lower, transpose_a, conjugate_a, unit_diagonal):
    """lax.linalg.triangular_solve on ndarrays: op(a) @ x = b (left) or x @ op(a) = b."""
    a, b = np.asarray(a), np.asarray(b)
    tri = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        tri = tri.copy()
        i = np.arange(tri.shape[-1])
        tri[..., i, i] = 1
    if conjugate_a:
        tri = np.conj(tri)
    effective_lower = lower
    if transpose_a:
        tri = np.swapaxes(tri, -1, -2)
        effective_lower = not lower
    if not left_side:  # x op(a) = b  <=>  op(a)^T x^T = b^T
        tri = np.swapaxes(tri, -1, -2)
        b = np.swapaxes(b, -1, -2)
        effective_lower = not effective_lower
    try:
        with np.errstate(all="ignore"):
            x = np.linalg.solve(tri, b)
    except np.linalg.LinAlgError:
        x = substitute(tri, b, effective_lower, unit_diagonal)
    x = x.astype(b.dtype, copy=False)
    return x if left_side else np.swapaxes(x, -1, -2)


def solve(a, b):
    """a @ x = b for (..., n, n) a and (..., n, k) b with equal batch dims; singular
    matrices give inf/NaN (an LU solve with a zero pivot) instead of an error."""
    a, b = np.asarray(a), np.asarray(b)
    try:
        with np.errstate(all="ignore"):
            return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        pass
    lu, _, permutation = lu_factor(a)
    pb = np.take_along_axis(b, permutation[..., :, None].astype(np.intp), axis=-2)
    y = substitute(lu, pb, lower=True, unit_diagonal=True)
    return substitute(lu, y, lower=False).astype(b.dtype, copy=False)


def hessenberg(a):
    """Householder reduction to upper Hessenberg form, as LAPACK's gehrd: returns the
    packed result (H on and above the first subdiagonal, reflector tails below it) and
    the reflector scales taus (..., n-1) (the last one is 0 for real matrices;
    for complex ones it makes the last subdiagonal entry real, as zgehrd)."""
    a = np.asarray(a)
    *batch, n, _ = a.shape
    work = np.array(a, dtype=a.dtype if a.dtype.kind in "fc" else np.float64).reshape((-1, n, n))
    taus = np.zeros((work.shape[0], max(n - 1, 0)), work.dtype)
    with np.errstate(all="ignore"):
        for w, tau_row in zip(work, taus):
            for k in range(n - 1):  # the last one is I for real A; complex: a phase
                x = w[k + 1:, k]
                alpha, xnorm = x[0], np.linalg.norm(x[1:])
                if xnorm == 0 and alpha.imag == 0:
                    continue  # H_k = I (tau = 0), as dlarfg/zlarfg
                # beta real with the sign opposite to Re(alpha), as zlarfg (dlarfg if real).
                beta = -np.copysign(np.sqrt(abs(alpha) ** 2 + xnorm ** 2), alpha.real)
                tau = (beta - alpha) / beta
                v = np.concatenate([[1], x[1:] / (alpha - beta)])
                # A <- H^H A H with H = I - tau v v^H (v v^T and tau real for real A).
                w[k + 1:, k + 1:] -= np.conj(tau) * np.multiply.outer(v, np.conj(v) @ w[k + 1:, k + 1:])
                w[:, k + 1:] -= tau * np.multiply.outer(w[:, k + 1:] @ v, np.conj(v))
                w[k + 1, k] = beta
                w[k + 2:, k] = v[1:]
                tau_row[k] = tau
    return work.reshape(a.shape), taus.reshape(tuple(batch) + (max(n - 1, 0),))
