"""jaxlite.numpy.linalg: the jax.numpy.linalg API."""
from .._src.numpy_api.linalg import (  # noqa: F401
    EighResult, EigResult, QRResult, SlogdetResult, SVDResult,
    cholesky, cond, cross, det, diagonal, eig, eigh, eigvals, eigvalsh, inv, lstsq, matmul,
    matrix_norm, matrix_power, matrix_rank, matrix_transpose, multi_dot, norm, outer, pinv, qr,
    slogdet, solve, svd, svdvals, tensordot, tensorinv, tensorsolve, trace, vecdot, vector_norm)
