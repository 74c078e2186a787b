"""`jax._src.traceback_util` for equinox, flax and jaxlite: jaxlite does not filter
tracebacks, so `api_boundary` returns the function; exclusions are recorded where
jaxlite's source_info_util keeps them."""
from .._src.source_info_util import (register_exclusion, include_frame,
                                     _exclusions as _exclude_paths)


def api_boundary(fun=None, **unused_options):
    """Decorator marking a public API function (JAX filters its frames; jaxlite does not)."""
    if fun is None:
        return api_boundary
    return fun
