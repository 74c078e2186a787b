"""`jax._src.tree_util` for flax.nnx and orbax-checkpoint: `_registry`, the registered
node types (a dict keyed by type; flax tests `type(x) in _registry`), which jaxlite
keeps in `default_registry.nodes`, the dict its flattening registers into; and
`flatten_one_level` (orbax: ValueError for a leaf)."""
from jaxlite._src.tree.flatten import default_registry
from jaxlite._src.tree.user_view import flatten_one_level, flatten_one_level_with_keys  # noqa: F401

_registry = default_registry.nodes
