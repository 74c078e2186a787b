"""jax.extend.linear_util: functions with a stack of transformations (WrappedFun)."""
from .._src.extend.linear_util import (StoreException, Store, EqualStore, WrappedFun, wrap_init,
                                       transformation, transformation2, transformation_with_aux,
                                       transformation_with_aux2, cache, merge_linear_aux)
