"""jaxlite.scipy.sparse.linalg: the jax.scipy.sparse.linalg API (cg, bicgstab, gmres)."""
from ..._src.scipy.sparse_linalg import cg, bicgstab
from ..._src.scipy.sparse_gmres import gmres
