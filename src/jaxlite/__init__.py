"""jaxlite: JAX's programming model — grad, jvp, vjp, vmap, jit, jax.numpy,
jax.random — in pure Python on NumPy.

    import jaxlite as jax
    import jaxlite.numpy as jnp
"""
from ._src.config import __version__, JAX_API_VERSION_INFO as __version_info__

import importlib as _importlib

from ._src import allocator as _allocator  # noqa: F401 (glibc: large arrays reused, at import)

from . import config
from ._src.array import AnyArray as Array  # arrays and tracers alike, as jax.Array
from . import numpy  # also installs jax.numpy's operators and methods on Array and Tracer
from ._src.api import (grad, value_and_grad, jvp, vjp, linearize, jacfwd, jacrev, jacobian,
                       hessian, vmap, make_jaxpr, eval_shape, ShapeDtypeStruct,
                       block_until_ready, device_get, device_put)
from ._src.jit_api import jit
from ._src.state import new_ref, freeze, Ref
from ._src.lax.lax import stop_gradient
from ._src.misc import (disable_jit, devices, local_devices, device_count, local_device_count,
                        default_backend, clear_caches, enable_x64, Device, named_call,
                        ensure_compile_time_eval, typeof, debug_nans, debug_infs,
                        log_compiles, default_matmul_precision, numpy_rank_promotion,
                        numpy_dtype_promotion, check_tracer_leaks, checking_leaks,
                        threefry_partitionable, named_scope, process_index, process_count,
                        host_id, host_count, process_indices, host_ids, effects_barrier,
                        live_arrays, print_environment_info, linear_transpose)
from . import tree_util, tree, errors
from ._src.tree import tree_unflatten
from ._src.tree.user_view import tree_map, tree_leaves, tree_flatten, tree_structure
from ._src.custom_derivatives import (custom_jvp, custom_vjp, custom_gradient,
                                      closure_convert)
from ._src.checkpoint import checkpoint, remat, checkpoint_policies

_lazy_submodules = {"lax", "random", "nn", "scipy", "dtypes", "test_util", "flatten_util",
                    "debug", "experimental", "ad_checkpoint", "example_libraries", "core",
                    "extend", "custom_derivatives", "typing", "ops", "image", "custom_batching",
                    "sharding", "distributed", "interpreters", "version", "monitoring",
                    "api_util", "stages"}
# Attributes whose module `import jaxlite.numpy` does not need: name -> module.
_lazy_attributes = {"pure_callback": "jaxlite._src.debugging",
                    "make_mesh": "jaxlite._src.sharding", "set_mesh": "jaxlite._src.sharding",
                    "NamedSharding": "jaxlite._src.sharding", "P": "jaxlite._src.sharding",
                    "pmap": "jaxlite._src.spmd", "shard_map": "jaxlite._src.spmd",
                    "make_array_from_callback": "jaxlite._src.spmd",
                    "make_array_from_process_local_data": "jaxlite._src.spmd",
                    "make_array_from_single_device_arrays": "jaxlite._src.spmd"}


def __getattr__(name):
    # Submodules and attributes not needed by `import jaxlite.numpy` load on first use
    # (keeps import fast).
    if name in _lazy_submodules:
        return _importlib.import_module(f"{__name__}.{name}")
    if name in _lazy_attributes:
        return getattr(_importlib.import_module(_lazy_attributes[name]), name)
    raise AttributeError(f"module 'jaxlite' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _lazy_submodules | set(_lazy_attributes))
