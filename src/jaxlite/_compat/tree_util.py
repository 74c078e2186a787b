"""`jax._src.tree_util` for flax.nnx: `_registry`, the registered node types (a dict
keyed by type; flax tests `type(x) in _registry`). jaxlite's registry keeps them in
`default_registry.nodes`, the same dict its flattening registers into."""
from jaxlite._src.tree.flatten import default_registry

_registry = default_registry.nodes
