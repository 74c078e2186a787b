"""The functions that walk pytrees: map, reduce, transpose, broadcast, the key-path
variants, and helpers on treedefs and single nodes."""
import functools

from .flatten import (PyTreeDef, default_registry, tree_flatten, tree_flatten_with_path,
                      tree_leaves, tree_structure, _unflatten, _kind_of, _LEAF, _TUPLE)

def _describe_structure(tree, is_leaf):
    try:
        return str(tree_structure(tree, is_leaf))
    except Exception as error:  # e.g. unsortable dict keys
        return f"<unflattenable: {error}>"


def tree_map(f, tree, *rest, is_leaf=None):
    """Applies `f` leafwise, returning a tree of the same structure.

    With several trees, `f` gets one leaf of each; the others must have the
    first tree's structure, or extend it (a leaf of the first tree takes
    the whole subtree at that place in the others).

    >>> jax.tree_util.tree_map(lambda x, y: x + y, (1, {'a': 2}), (10, {'a': 20}))
    (11, {'a': 22})
    """
    leaves, treedef = tree_flatten(tree, is_leaf)
    if not rest:
        return _unflatten(treedef, map(f, leaves))
    columns = [leaves]
    for position, other in enumerate(rest, 1):
        try:
            columns.append(treedef.flatten_up_to(other))
        except ValueError as error:
            raise ValueError(
                f"tree_map: tree {position} does not match the structure of the "
                f"first tree: {error}\n  first tree: {treedef}\n  tree "
                f"{position}:     {_describe_structure(other, is_leaf)}") from None
    return _unflatten(treedef, map(f, *columns))


def tree_all(tree, *, is_leaf=None):
    """True when every leaf is truthy (vacuously True for no leaves).

    >>> jax.tree_util.tree_all([True, {'a': 1}])
    True
    """
    return all(tree_leaves(tree, is_leaf))


_NO_VALUE = object()


def tree_reduce(function, tree, initializer=_NO_VALUE, is_leaf=None):
    """functools.reduce over the leaves.

    >>> jax.tree_util.tree_reduce(lambda a, b: a + b, [1, (2, 3)])
    6
    """
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _NO_VALUE:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_reduce_associative(operation, tree, *, identity=_NO_VALUE, is_leaf=None):
    """Reduces the leaves pairwise, as a balanced tree of `operation` calls.

    >>> jax.tree_util.tree_reduce_associative(lambda a, b: a + b, [1, 2, 3])
    6
    """
    items = tree_leaves(tree, is_leaf)
    if not items:
        if identity is _NO_VALUE:
            raise ValueError("Must specify identity for parallel reduction of "
                             "empty sequence.")
        return identity
    while len(items) > 1:
        paired = [operation(items[i], items[i + 1])
                  for i in range(0, len(items) - 1, 2)]
        if len(items) % 2:
            paired.append(items[-1])
        items = paired
    return items[0]


def tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose, *, is_leaf=None):
    """Turns a tree of structure (outer, inner) into one of (inner, outer).

    `inner_treedef` may be None to read it off the first outer leaf.

    >>> from jaxlite.tree_util import tree_structure, tree_transpose
    >>> tree_transpose(tree_structure([0, 0]), tree_structure((0, 0)), [(1, 2), (3, 4)])
    ([1, 3], [2, 4])
    """
    if inner_treedef is None:
        first = outer_treedef.flatten_up_to(pytree_to_transpose)[0]
        inner_treedef = tree_structure(first, is_leaf)
    leaves, treedef = tree_flatten(pytree_to_transpose, is_leaf)
    expected = outer_treedef.compose(inner_treedef)
    if treedef != expected:
        raise TypeError(f"Mismatch\n{treedef}\n != \n{expected}")
    inner_size = inner_treedef.num_leaves
    rows = [leaves[i * inner_size:(i + 1) * inner_size]
            for i in range(outer_treedef.num_leaves)]
    columns = zip(*rows) if rows else [[]] * inner_size
    outers = [outer_treedef.unflatten(column) for column in columns]
    return inner_treedef.unflatten(outers)


def broadcast_prefix(prefix_tree, full_tree, is_leaf=None):
    """One entry per leaf of `full_tree`: the prefix leaf that covers it.

    >>> from jaxlite._src.tree import broadcast_prefix
    >>> broadcast_prefix((1, 2), (0, [0, 0]))
    [1, 2, 2]
    """
    prefix_leaves, prefix_def = tree_flatten(prefix_tree, is_leaf)
    subtrees = prefix_def.flatten_up_to(full_tree)
    result = []
    for prefix_leaf, subtree in zip(prefix_leaves, subtrees):
        result.extend([prefix_leaf] * len(tree_leaves(subtree, is_leaf)))
    return result


def tree_broadcast(prefix_tree, full_tree, is_leaf=None):
    """Copies each leaf of `prefix_tree` over the matching subtree of `full_tree`.

    >>> jax.tree_util.tree_broadcast((1, 2, 3), (0, {'a': 0, 'b': 0}, (0, 0)))
    (1, {'a': 2, 'b': 2}, (3, 3))
    """
    leaves = broadcast_prefix(prefix_tree, full_tree, is_leaf)
    return tree_structure(full_tree, is_leaf).unflatten(leaves)


# --- treedef helpers -----------------------------------------------------------

def treedef_children(treedef):
    """The treedefs of the root's children."""
    return treedef.children()


def treedef_is_leaf(treedef):
    """True for a treedef of one node: a leaf, or a childless node like None."""
    return treedef.num_nodes == 1


def treedef_is_strict_leaf(treedef):
    """True only for the treedef of a single leaf."""
    return treedef.num_nodes == 1 and treedef.num_leaves == 1


def treedef_tuple(treedefs):
    """The treedef of a tuple whose children have the given treedefs."""
    treedefs = tuple(treedefs)
    return PyTreeDef(_TUPLE, None, treedefs, sum(t.num_leaves for t in treedefs))


def all_leaves(iterable, is_leaf=None):
    """True when every element of `iterable` is a leaf.

    >>> from jaxlite.tree_util import all_leaves
    >>> all_leaves([1, 'a']), all_leaves([1, (2,)]), all_leaves([None])
    (True, False, False)
    """
    if is_leaf is None:
        return all(_kind_of(type(x)) is _LEAF for x in iterable)
    items = list(iterable)
    leaves = tree_leaves(items, is_leaf)
    return len(leaves) == len(items) and all(a is b for a, b in zip(leaves, items))


def is_tree_node(typ):
    """True when instances of `typ` are pytree nodes (registered or namedtuple)."""
    return _kind_of(typ) is not _LEAF


def flatten_one_level(tree):
    """(children, aux_data) of a node; ValueError for a leaf.

    >>> jax.tree_util.flatten_one_level({'b': 1, 'a': 2})
    ([2, 1], ('a', 'b'))
    """
    out = default_registry.flatten_one_level(tree)
    if out is None:
        raise ValueError(f"can't tree-flatten type: {type(tree)}")
    return out


def flatten_one_level_with_keys(tree):
    """([(key, child), ...], aux_data) of a node; ValueError for a leaf."""
    kind = _kind_of(type(tree))
    if kind is _LEAF:
        raise ValueError(f"can't tree-flatten type: {type(tree)}")
    keyed, data = kind.flatten_with_keys(tree)
    return list(keyed), data




def tree_leaves_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    """[(key_path, leaf), ...] in flattening order."""
    return tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)[0]


def tree_map_with_path(f, tree, *rest, is_leaf=None, is_leaf_takes_path=False):
    """Like tree_map, but calls `f(key_path, leaf, *other_leaves)`.

    >>> from jaxlite.tree_util import keystr, tree_map_with_path
    >>> tree_map_with_path(lambda p, x: keystr(p), {'a': (0, 0)})
    {'a': ("['a'][0]", "['a'][1]")}
    """
    path_leaves, treedef = tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)
    paths = [path for path, _ in path_leaves]
    columns = [[leaf for _, leaf in path_leaves]]
    for position, other in enumerate(rest, 1):
        try:
            columns.append(treedef.flatten_up_to(other))
        except ValueError as error:
            raise ValueError(
                f"tree_map_with_path: tree {position} does not match the "
                f"structure of the first tree: {error}\n  first tree: {treedef}"
                f"\n  tree {position}:     {_describe_structure(other, is_leaf)}"
            ) from None
    return _unflatten(treedef, map(f, paths, *columns))


