"""The `jax._src.*` modules that libraries import, in one place.

JAX's private modules have no stable API; a library that imports one needs a few
names from it. `PRIVATE_MODULES` maps each such `jax._src.X` that a library of the
ecosystem imports to the jaxlite module that stands for it (jaxlite's own module, or a
small module here that re-exports jaxlite's objects), with the library that needs it.
The import hook (jaxlite/run.py) reads this table; any other `jax._src.X` is an error
naming the module. Never a second implementation: only aliases.
"""

PRIVATE_MODULES = {
    # equinox, flax, jaxtyping: register_exclusion, api_boundary, _exclude_paths
    "traceback_util": "jaxlite._compat.traceback_util",
    # equinox: `import jax._src.dispatch` (reads wait_for_tokens if present)
    "dispatch": "jaxlite._compat.dispatch",
    # lineax: registers a transpose rule for stop_gradient_p
    "ad_util": "jaxlite._compat.ad_util",
    # flax.nnx: `from jax._src.state.types import AbstractRef` (is_array_ref)
    "state": "jaxlite._compat.state",
    "state.types": "jaxlite._compat.state.types",
    # flax.nnx: `from jax._src.tree_util import _registry` (is_pytree_node)
    "tree_util": "jaxlite._compat.tree_util",
    # orbax-checkpoint: jax._src.distributed.global_state (.process_id, .client)
    "distributed": "jaxlite._src.distributed",
    # equinox (TypePromotionError), flax.linen (issubdtype, finfo, extended)
    "dtypes": "jaxlite._src.dtypes",
    # flax.linen (ShapedArray), numpyro (trace_state_clean)
    "core": "jaxlite._src.core",
    # chex: `from jax._src import compiler` at import (restrict_backends patches it)
    "compiler": "jaxlite._compat.compiler",
    # chex: set_n_cpu_devices reads xla_bridge._backends
    "xla_bridge": "jaxlite._compat.xla_bridge",
    # JAX's tutorials ("Writing custom Jaxpr interpreters", "How primitives work"):
    # safe_map / safe_zip, and `from jax._src.lax import lax`, `from jax._src import api`
    "util": "jaxlite._src.util",
    "lax": "jaxlite._src.lax",
    "lax.lax": "jaxlite._src.lax.lax",
    "api": "jaxlite._src.api",
    # blackjax: `from jax._src.flatten_util import ravel_pytree` (smc.tuning)
    "flatten_util": "jaxlite._src.flatten_util",
}
