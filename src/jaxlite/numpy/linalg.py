"""jaxlite.numpy.linalg: the jax.numpy.linalg API."""
from .._src.numpy_api.linalg import (
    EighResult, EigResult, QRResult, SlogdetResult, SVDResult,
    cholesky, cond, det, eig, eigh, eigvals, eigvalsh, inv, lstsq, matrix_norm, matrix_rank,
    norm, pinv, qr, slogdet, solve, svd, svdvals, vector_norm)
from .._src.numpy_api.linalg_products import (
    cross, diagonal, matmul, matrix_power, matrix_transpose, multi_dot, outer, tensordot,
    tensorinv, tensorsolve, trace, vecdot)
