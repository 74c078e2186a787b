"""Pytrees: nested containers of leaves, taken apart into a flat list and rebuilt.

This package owns the pytree registry (which Python types are containers and
how to take them apart), `PyTreeDef` (the structure that remains once the
leaves are taken out), and every function that walks trees: flatten and
unflatten, map, reduce, transpose, broadcast, and the key-path variants.
The rest of jaxlite sees containers only through these functions.

It is a package of five modules, bottom to top: `keys` (key-path entries),
`flatten` (the registry, PyTreeDef, flatten and unflatten), `functions` (map,
reduce, transpose, broadcast and the other walks), `registration` (registering
new node types, Partial, OrderedDict and defaultdict) and `user_view` (the walks as
`jax.tree_util` offers them: array-like nodes, typed PRNG key arrays, are leaves there).
This module re-exports them; what it calls `tree_flatten` etc. is the view of jaxlite's
transformations, which take array-like nodes apart; `user_view` holds the public ones.

The rules are JAX's. Tuples, lists, dicts (children in sorted key order),
None (a node with no children, not a leaf), namedtuples, OrderedDict
(insertion order) and defaultdict are nodes, and so is any type registered
here. Everything else, arrays and tracers included, is a leaf. Class
hierarchy is ignored: a subclass of dict is a leaf unless registered itself.
"""

from .keys import (KeyEntry, KeyPath, SequenceKey, DictKey, GetAttrKey, FlattenedIndexKey,
                   keystr)
from .flatten import (PyTreeDef, PyTreeRegistry, default_registry, tree_flatten,
                      tree_unflatten, tree_leaves, tree_structure, tree_flatten_with_path)
from .functions import (tree_map, tree_all, tree_reduce, tree_reduce_associative,
                        tree_transpose, broadcast_prefix, tree_broadcast, treedef_children,
                        treedef_is_leaf, treedef_is_strict_leaf, treedef_tuple, all_leaves,
                        is_tree_node, flatten_one_level, flatten_one_level_with_keys,
                        tree_leaves_with_path, tree_map_with_path)
from .registration import (register_pytree_node, register_pytree_with_keys, register_array_like_node,
                           register_pytree_node_class, register_pytree_with_keys_class,
                           register_dataclass, static, register_static, Partial)
from . import user_view

__all__ = [
    "PyTreeDef", "PyTreeRegistry", "default_registry",
    "tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure",
    "tree_map", "tree_all", "tree_reduce", "tree_reduce_associative",
    "tree_transpose", "tree_broadcast", "broadcast_prefix",
    "treedef_children", "treedef_is_leaf", "treedef_is_strict_leaf",
    "treedef_tuple", "all_leaves", "is_tree_node",
    "flatten_one_level", "flatten_one_level_with_keys",
    "tree_flatten_with_path", "tree_leaves_with_path", "tree_map_with_path",
    "keystr", "KeyEntry", "KeyPath",
    "SequenceKey", "DictKey", "GetAttrKey", "FlattenedIndexKey",
    "register_pytree_node", "register_pytree_node_class", "register_array_like_node",
    "register_pytree_with_keys", "register_pytree_with_keys_class",
    "register_dataclass", "register_static", "static", "Partial", "user_view",
]

