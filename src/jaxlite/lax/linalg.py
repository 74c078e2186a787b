"""jaxlite.lax.linalg: the jax.lax.linalg API (the linear-algebra primitives)."""
from .._src.prims.linalg_solve import triangular_solve_p
from .._src.prims.linalg_decomp import (cholesky_p, eigh_p, svd_p, qr_p, lu_p, eig_p, geqrf_p,
                                        lu_pivots_to_permutation_p, lu_pivots_to_permutation,
                                        hessenberg_p)
from .._src.lax.linalg import (cholesky, eigh, eig, lu, qr, svd, triangular_solve, geqrf,
                                   householder_product, ormqr, tridiagonal_solve, lu_solve, hessenberg)
