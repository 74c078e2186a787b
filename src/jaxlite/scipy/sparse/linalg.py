"""jaxlite.scipy.sparse.linalg: the jax.scipy.sparse.linalg API (cg; bicgstab and gmres
are not implemented yet)."""
from ..._src.scipy.sparse_linalg import cg
