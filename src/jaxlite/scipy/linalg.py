"""jaxlite.scipy.linalg: the jax.scipy.linalg API."""
from .._src.scipy.linalg import (  # noqa: F401
    block_diag, cho_factor, cho_solve, cholesky, circulant, companion, convolution_matrix, det,
    dft, eigh, eigh_tridiagonal, expm, expm_frechet, fiedler, fiedler_companion, hadamard, hankel,
    helmert, hessenberg, hilbert, inv, invhilbert, invpascal, leslie, lu, lu_factor, lu_solve,
    pascal, polar, qr, qr_multiply, solve, solve_sylvester, solve_triangular, svd, toeplitz)
