"""jax.api_util: flattening WrappedFuns' pytree arguments, and debug info."""
from ._src.extend.api_util import (flatten_fun, flatten_fun_nokwargs, debug_info, DebugInfo,
                                   fun_signature)
