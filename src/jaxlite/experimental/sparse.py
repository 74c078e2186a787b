"""jax.experimental.sparse: not implemented in jaxlite. The names exist so that libraries
importing them (numpyro imports BCOO) load; making or using a sparse array raises
NotImplementedError. isinstance(x, BCOO) is simply False."""
from .._src.errors import unavailable

_REASON = "sparse arrays (BCOO, BCSR) are not implemented; use dense arrays"


class _SparseArray:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"jax.experimental.sparse.{type(self).__name__} is not "
                                  f"supported by jaxlite: {_REASON}")

    @classmethod
    def fromdense(cls, *args, **kwargs):
        cls()

    @classmethod
    def from_scipy_sparse(cls, *args, **kwargs):
        cls()


class BCOO(_SparseArray):
    pass


class BCSR(_SparseArray):
    pass


class JAXSparse(_SparseArray):
    pass


sparsify = unavailable("jax.experimental.sparse.sparsify", _REASON)
todense = unavailable("jax.experimental.sparse.todense", _REASON)
bcoo_fromdense = unavailable("jax.experimental.sparse.bcoo_fromdense", _REASON)
bcoo_todense = unavailable("jax.experimental.sparse.bcoo_todense", _REASON)
bcoo_dot_general = unavailable("jax.experimental.sparse.bcoo_dot_general", _REASON)
empty = unavailable("jax.experimental.sparse.empty", _REASON)
eye = unavailable("jax.experimental.sparse.eye", _REASON)
