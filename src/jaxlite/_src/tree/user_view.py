"""The tree functions as users call them (`jax.tree_util`, `jax.tree`): array-like nodes
(typed PRNG key arrays) are leaves, as JAX's key arrays are. jaxlite's own transformations
call the functions of `flatten` and `functions` directly, which take those nodes apart,
so jit, vmap, grad and the control-flow primitives carry a key's data like any array's.
Each function here is its namesake with `is_leaf` extended to the array-like types.
"""
from . import functions
from . import flatten
from .flatten import default_registry

_user_is_leaf = default_registry.user_is_leaf
_array_like = default_registry.array_like_types


def _with_path(is_leaf, takes_path):
    if not takes_path or is_leaf is None:
        return _user_is_leaf(is_leaf), takes_path
    return (lambda path, x: type(x) in _array_like or is_leaf(path, x)), True


def tree_flatten(tree, is_leaf=None):
    return flatten.tree_flatten(tree, _user_is_leaf(is_leaf))


def tree_leaves(tree, is_leaf=None):
    return flatten.tree_leaves(tree, _user_is_leaf(is_leaf))


def tree_structure(tree, is_leaf=None):
    return flatten.tree_structure(tree, _user_is_leaf(is_leaf))


def tree_flatten_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    return flatten.tree_flatten_with_path(tree, *_with_path(is_leaf, is_leaf_takes_path))


def tree_leaves_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    return functions.tree_leaves_with_path(tree, *_with_path(is_leaf, is_leaf_takes_path))


def tree_map(f, tree, *rest, is_leaf=None):
    return functions.tree_map(f, tree, *rest, is_leaf=_user_is_leaf(is_leaf))


def tree_map_with_path(f, tree, *rest, is_leaf=None, is_leaf_takes_path=False):
    is_leaf, takes_path = _with_path(is_leaf, is_leaf_takes_path)
    return functions.tree_map_with_path(f, tree, *rest, is_leaf=is_leaf,
                                        is_leaf_takes_path=takes_path)


def tree_all(tree, *, is_leaf=None):
    return functions.tree_all(tree, is_leaf=_user_is_leaf(is_leaf))


def tree_reduce(function, tree, initializer=functions._NO_VALUE, is_leaf=None):
    return functions.tree_reduce(function, tree, initializer, _user_is_leaf(is_leaf))


def tree_reduce_associative(operation, tree, *, identity=functions._NO_VALUE, is_leaf=None):
    return functions.tree_reduce_associative(operation, tree, identity=identity,
                                             is_leaf=_user_is_leaf(is_leaf))


def tree_broadcast(prefix_tree, full_tree, is_leaf=None):
    return functions.tree_broadcast(prefix_tree, full_tree, _user_is_leaf(is_leaf))


def tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    return functions.tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose,
                                    is_leaf=_user_is_leaf())


def all_leaves(iterable, is_leaf=None):
    return functions.all_leaves(iterable, _user_is_leaf(is_leaf))


def is_tree_node(typ):
    return typ not in _array_like and functions.is_tree_node(typ)


def flatten_one_level(tree):
    if type(tree) in _array_like:
        raise ValueError(f"can't tree-flatten type: {type(tree)}")
    return functions.flatten_one_level(tree)


def flatten_one_level_with_keys(tree):
    if type(tree) in _array_like:
        raise ValueError(f"can't tree-flatten type: {type(tree)}")
    return functions.flatten_one_level_with_keys(tree)


for _name in ("tree_flatten", "tree_leaves", "tree_structure", "tree_flatten_with_path",
              "tree_leaves_with_path", "tree_map", "tree_map_with_path", "tree_all",
              "tree_reduce", "tree_reduce_associative", "tree_broadcast", "tree_transpose",
              "all_leaves", "is_tree_node", "flatten_one_level",
              "flatten_one_level_with_keys"):
    _namesake = getattr(flatten, _name, None) or getattr(functions, _name)
    globals()[_name].__doc__ = _namesake.__doc__
del _name, _namesake
