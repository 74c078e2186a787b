"""Pytrees: nested containers of leaves, taken apart into a flat list and rebuilt.

This module owns the pytree registry (which Python types are containers and
how to take them apart), `PyTreeDef` (the structure that remains once the
leaves are taken out), and every function that walks trees: flatten and
unflatten, map, reduce, transpose, broadcast, and the key-path variants.
The rest of jaxlite sees containers only through these functions.

The rules are JAX's. Tuples, lists, dicts (children in sorted key order),
None (a node with no children, not a leaf), namedtuples, OrderedDict
(insertion order) and defaultdict are nodes, and so is any type registered
here. Everything else, arrays and tracers included, is a leaf. Class
hierarchy is ignored: a subclass of dict is a leaf unless registered itself.

Flatten and unflatten run on every jitted call, so the common containers
are dispatched on `type(x)` through one dict and handled inline.
"""

from __future__ import annotations

import collections
import functools
from typing import Any, Callable, Hashable, Iterable

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
    "register_pytree_node", "register_pytree_node_class",
    "register_pytree_with_keys", "register_pytree_with_keys_class",
    "register_dataclass", "register_static", "static", "Partial",
]


# --- key paths --------------------------------------------------------------

class _Key:
    """Base of the key-path entries: an immutable one-field value object.

    (Plain classes rather than dataclasses: building dataclasses at import
    costs milliseconds, and `import jaxlite.numpy` is kept fast.)"""
    __slots__ = ()
    _field = ""

    def __init__(self, value):
        object.__setattr__(self, self._field, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other):
        return type(other) is type(self) and getattr(other, self._field) == getattr(self, self._field)

    def __hash__(self):
        return hash((type(self).__name__, getattr(self, self._field)))

    def __repr__(self):
        return f"{type(self).__name__}({self._field}={getattr(self, self._field)!r})"


class SequenceKey(_Key):
    """The position of a child in a tuple or list; prints as ``[0]``."""
    __slots__ = ("idx",)
    _field = "idx"

    def __str__(self):
        return f"[{self.idx!r}]"


class DictKey(_Key):
    """The key of a child in a dict; prints as ``['a']``."""
    __slots__ = ("key",)
    _field = "key"

    def __str__(self):
        return f"[{self.key!r}]"


class GetAttrKey(_Key):
    """The attribute holding a child (namedtuple, dataclass); prints as ``.name``."""
    __slots__ = ("name",)
    _field = "name"

    def __str__(self):
        return f".{self.name}"


class FlattenedIndexKey(_Key):
    """The index of a child of a node registered without keys."""
    __slots__ = ("key",)
    _field = "key"

    def __str__(self):
        return f"[<flat index {self.key}>]"


KeyEntry = Any
KeyPath = tuple  # tuple[KeyEntry, ...]

_SIMPLE_KEY_FIELD = {SequenceKey: "idx", DictKey: "key",
                     GetAttrKey: "name", FlattenedIndexKey: "key"}


def keystr(keys, *, simple=False, separator=""):
    """Joins a key path into one string.

    >>> keystr((DictKey('a'), SequenceKey(0)))
    "['a'][0]"
    >>> keystr((DictKey('a'), SequenceKey(0)), simple=True, separator='/')
    'a/0'
    """
    if not simple:
        return separator.join(str(key) for key in keys)
    parts = []
    for key in keys:
        field = _SIMPLE_KEY_FIELD.get(type(key))
        parts.append(str(getattr(key, field)) if field else str(key))
    return separator.join(parts)


# --- node kinds and the registry ---------------------------------------------

class _NodeKind:
    """How to take apart and rebuild one container type.

    flatten(x) -> (children, aux_data); unflatten(aux_data, children) -> x;
    flatten_with_keys(x) -> ([(key, child), ...], aux_data).
    """
    __slots__ = ("type", "flatten", "unflatten", "flatten_with_keys", "label")

    def __init__(self, type_, flatten, unflatten, flatten_with_keys, label=None):
        self.type = type_
        self.flatten = flatten
        self.unflatten = unflatten
        self.flatten_with_keys = flatten_with_keys
        self.label = label

    def __repr__(self):
        return f"<pytree node kind {getattr(self.type, '__name__', self.type)}>"


def _sorted_keys(d):
    try:
        return tuple(sorted(d))
    except TypeError:
        raise ValueError("Comparator raised exception while sorting pytree "
                         f"dictionary keys: {list(d)!r}.") from None


def _sequence_with_keys(seq):
    return [(SequenceKey(i), child) for i, child in enumerate(seq)], None


def _flat_index_keys(flatten):
    # Nodes registered without keys still get paths: the child's position.
    def flatten_with_keys(node):
        children, aux = flatten(node)
        return [(FlattenedIndexKey(i), c) for i, c in enumerate(children)], aux
    return flatten_with_keys


def _dict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], keys


def _dict_flatten_with_keys(d):
    keys = _sorted_keys(d)
    return [(DictKey(k), d[k]) for k in keys], keys


_LEAF = _NodeKind(None, None, None, None)
_NONE = _NodeKind(type(None), lambda _: ((), None), lambda _, __: None,
                  lambda _: ((), None))
_TUPLE = _NodeKind(tuple, lambda t: (t, None), lambda _, c: tuple(c),
                   _sequence_with_keys)
_LIST = _NodeKind(list, lambda l: (l, None), lambda _, c: list(c),
                  _sequence_with_keys)
_DICT = _NodeKind(dict, _dict_flatten, lambda keys, c: dict(zip(keys, c)),
                  _dict_flatten_with_keys)


class PyTreeRegistry:
    """The table from Python type to node kind.

    `nodes` holds what was registered (including the built-in containers);
    `dispatch` is what flattening reads: `nodes` plus every type seen so far,
    classified once as leaf or namedtuple, so no leaf pays an isinstance
    check after the first time its type is seen. jaxlite has a single
    registry, `default_registry`, as JAX has one for all of its tree
    functions.
    """

    def __init__(self):
        self.nodes = {}
        self.dispatch = {}

    def register(self, kind):
        if kind.type in self.nodes:
            raise ValueError("Duplicate custom PyTreeDef type registration for "
                             f"{kind.type}.")
        self.nodes[kind.type] = kind
        self.dispatch[kind.type] = kind  # replaces a cached "leaf" verdict

    def kind_of(self, cls):
        kind = self.dispatch.get(cls)
        if kind is None:
            # setdefault: threads racing here must agree on one namedtuple
            # kind, since treedefs compare kinds by identity.
            kind = self.dispatch.setdefault(cls, self._classify(cls))
        return kind

    @staticmethod
    def _classify(cls):
        # namedtuples are nodes without registration, one kind per class.
        if isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields"):
            return _NodeKind(
                cls, lambda t: (t, None), lambda _, c: cls(*c),
                lambda t: ([(GetAttrKey(f), c) for f, c in zip(t._fields, t)], None),
                f"namedtuple[{cls.__name__}]")
        return _LEAF

    # JAX's registry object exposes its walkers too.
    def flatten(self, tree, leaf_predicate=None):
        return tree_flatten(tree, leaf_predicate)

    def flatten_one_level(self, tree):
        kind = self.kind_of(type(tree))
        if kind is _LEAF:
            return None
        children, aux = kind.flatten(tree)
        return list(children), aux

    def flatten_with_path(self, tree, leaf_predicate=None):
        return tree_flatten_with_path(tree, leaf_predicate)


default_registry = PyTreeRegistry()
for _kind in (_NONE, _TUPLE, _LIST, _DICT):
    default_registry.register(_kind)
del _kind
# The hot paths read the dispatch table directly.
_dispatch = default_registry.dispatch
_kind_of = default_registry.kind_of


# --- PyTreeDef ----------------------------------------------------------------

class PyTreeDef:
    """The structure of a pytree: its containers, with a hole for each leaf.

    Hashable and comparable, so it can key a cache. Built by `tree_flatten`;
    `treedef.unflatten(leaves)` puts leaves back in the holes.

    >>> tree_structure((1, {'a': 2}))
    PyTreeDef((*, {'a': *}))
    """
    # _kind: the node's _NodeKind; _data: its aux data; _children: child
    # treedefs. _num_nodes is filled in on first use.
    __slots__ = ("_kind", "_data", "_children", "num_leaves", "_num_nodes")

    def __init__(self, kind, data, children, num_leaves):
        self._kind = kind
        self._data = data
        self._children = children
        self.num_leaves = num_leaves

    @property
    def num_nodes(self):
        """Nodes in the tree, counting containers, None and leaves."""
        try:
            return self._num_nodes
        except AttributeError:
            self._num_nodes = 1 + sum(c.num_nodes for c in self._children)
            return self._num_nodes

    def unflatten(self, leaves):
        """Rebuilds a pytree of this structure from `leaves`."""
        return tree_unflatten(self, leaves)

    def children(self):
        """The treedefs of this node's children."""
        return list(self._children)

    def node_data(self):
        """(type, aux data) of the root node; None for a leaf."""
        if self._kind is _LEAF:
            return None
        return self._kind.type, self._data

    def flatten_up_to(self, tree):
        """Flattens `tree` only as deep as this structure goes.

        Each leaf of this treedef takes the whole subtree at its place in
        `tree`; raises ValueError where `tree` does not have this structure.
        """
        subtrees = []
        _flatten_up_to(self, tree, subtrees)
        return subtrees

    def compose(self, inner):
        """The structure of this tree with `inner` in place of every leaf."""
        if self._kind is _LEAF:
            return inner
        return PyTreeDef(self._kind, self._data,
                         tuple(c.compose(inner) for c in self._children),
                         self.num_leaves * inner.num_leaves)

    def __eq__(self, other):
        if self is other:
            return True
        if type(other) is not PyTreeDef:
            return NotImplemented
        # Children compare by identity first (tuple ==), so shared leaf
        # treedefs cost nothing.
        return (self._kind is other._kind
                and self.num_leaves == other.num_leaves
                and self._data == other._data
                and self._children == other._children)

    def __hash__(self):
        # Shallow on purpose: a treedef is hashed once per cache lookup,
        # fresh from flattening, and recursing into children would cost a
        # Python call per node. Equal treedefs still hash equal; deeper
        # differences are settled by __eq__.
        return hash((self._kind, self._data, self.num_leaves, len(self._children)))

    def __repr__(self):
        return f"PyTreeDef({self._show()})"

    def _show(self):
        kind = self._kind
        if kind is _LEAF:
            return "*"
        if kind is _NONE:
            return "None"
        shown = [c._show() for c in self._children]
        if kind is _TUPLE:
            return f"({shown[0]},)" if len(shown) == 1 else f"({', '.join(shown)})"
        if kind is _LIST:
            return f"[{', '.join(shown)}]"
        if kind is _DICT:
            items = ", ".join(f"{k!r}: {s}" for k, s in zip(self._data, shown))
            return "{" + items + "}"
        label = kind.label or f"{kind.type.__name__}[{self._data}]"
        return f"CustomNode({label}, [{', '.join(shown)}])"


_LEAF_DEF = PyTreeDef(_LEAF, None, (), 1)
_NONE_DEF = PyTreeDef(_NONE, None, (), 0)


# --- flatten and unflatten -----------------------------------------------------

def _flatten(tree, leaves, is_leaf):
    kind = _dispatch.get(type(tree)) or _kind_of(type(tree))
    if kind is _LEAF or (is_leaf is not None and is_leaf(tree)):
        leaves.append(tree)
        return _LEAF_DEF
    if kind is _TUPLE or kind is _LIST:
        children, data = tree, None
    elif kind is _DICT:
        data = _sorted_keys(tree)
        children = [tree[k] for k in data]
    elif kind is _NONE:
        return _NONE_DEF
    else:
        children, data = kind.flatten(tree)
    start = len(leaves)
    child_defs = []
    for child in children:
        # Most children are leaves: append them here, saving a call. (A
        # leaf stays a leaf whatever is_leaf says, so it need not be asked.)
        if _dispatch.get(type(child)) is _LEAF:
            leaves.append(child)
            child_defs.append(_LEAF_DEF)
        else:
            child_defs.append(_flatten(child, leaves, is_leaf))
    return PyTreeDef(kind, data, tuple(child_defs), len(leaves) - start)


def tree_flatten(tree, is_leaf=None):
    """Flattens a pytree into its leaves and its structure.

    >>> tree_flatten((1, {'b': 2, 'a': 3}, None))
    ([1, 3, 2], PyTreeDef((*, {'a': *, 'b': *}, None)))

    `is_leaf(x)`, if given, is called on each subtree; True makes that
    subtree a leaf. (Values that are leaves anyway are not asked.)
    """
    leaves = []
    return leaves, _flatten(tree, leaves, is_leaf)


def _unflatten(treedef, leaves_iter):
    kind = treedef._kind
    if kind is _LEAF:
        return next(leaves_iter)
    # Leaf children inline, as in _flatten: most children are leaves.
    children = [next(leaves_iter) if c._kind is _LEAF else _unflatten(c, leaves_iter)
                for c in treedef._children]
    if kind is _TUPLE:
        return tuple(children)
    if kind is _LIST:
        return children
    if kind is _DICT:
        return dict(zip(treedef._data, children))
    return kind.unflatten(treedef._data, tuple(children))


def tree_unflatten(treedef, leaves):
    """Rebuilds a pytree from its structure and its leaves.

    >>> tree_unflatten(tree_structure((0, [0])), ['x', 'y'])
    ('x', ['y'])
    """
    if type(leaves) is not list and type(leaves) is not tuple:
        leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        few_or_many = "few" if len(leaves) < treedef.num_leaves else "many"
        raise ValueError(f"Too {few_or_many} leaves for PyTreeDef; expected "
                         f"{treedef.num_leaves}, got {len(leaves)}. "
                         f"Structure: {treedef}")
    return _unflatten(treedef, iter(leaves))


def _collect_leaves(tree, leaves, is_leaf):
    # tree_flatten without building treedefs.
    kind = _dispatch.get(type(tree)) or _kind_of(type(tree))
    if kind is _LEAF or (is_leaf is not None and is_leaf(tree)):
        leaves.append(tree)
        return
    if kind is _TUPLE or kind is _LIST:
        children = tree
    elif kind is _DICT:
        children = [tree[k] for k in _sorted_keys(tree)]
    else:
        children = kind.flatten(tree)[0]
    for child in children:
        _collect_leaves(child, leaves, is_leaf)


def tree_leaves(tree, is_leaf=None):
    """The leaves of a pytree, in flattening order.

    >>> tree_leaves([1, (2, None), {'b': 3, 'a': 4}])
    [1, 2, 4, 3]
    """
    leaves = []
    _collect_leaves(tree, leaves, is_leaf)
    return leaves


def tree_structure(tree, is_leaf=None):
    """The treedef of a pytree.

    >>> tree_structure([1, (2, 3)])
    PyTreeDef([*, (*, *)])
    """
    return _flatten(tree, [], is_leaf)


def _type_name(kind):
    return kind.type.__name__ if kind.type is not None else "leaf"


def _flatten_up_to(treedef, tree, subtrees):
    kind = treedef._kind
    if kind is _LEAF:
        subtrees.append(tree)
        return
    actual = _dispatch.get(type(tree)) or _kind_of(type(tree))
    expected = treedef._children
    if kind is _NONE:
        if tree is not None:
            raise ValueError(f"Expected None, got {tree!r}.")
        return
    if kind is _TUPLE or kind is _LIST:
        if actual is not kind:
            raise ValueError(f"Expected {_type_name(kind)}, got {tree!r}.")
        if len(tree) != len(expected):
            raise ValueError(f"{_type_name(kind).capitalize()} arity mismatch: "
                             f"{len(tree)} != {len(expected)}; "
                             f"{_type_name(kind)}: {tree!r}.")
        children = tree
    elif kind is _DICT:
        if actual is not _DICT:
            raise ValueError(f"Expected dict, got {tree!r}.")
        keys = _sorted_keys(tree)
        if keys != treedef._data:
            raise ValueError(f"Dict key mismatch; expected keys: "
                             f"{list(treedef._data)!r}; dict: {tree!r}.")
        children = [tree[k] for k in keys]
    else:
        if actual is not kind:
            if kind.label:  # namedtuple
                raise ValueError(f"Expected named tuple of type "
                                 f"{kind.type.__name__}, got {tree!r}.")
            raise ValueError(f"Custom node type mismatch; expected type: "
                             f"{kind.type}; value: {tree!r}.")
        children, data = kind.flatten(tree)
        children = list(children)
        if not (data == treedef._data):
            raise ValueError(f"Mismatch custom node data: {treedef._data!r} != "
                             f"{data!r}; value: {tree!r}.")
        if len(children) != len(expected):
            raise ValueError(f"Custom node arity mismatch: expected "
                             f"{len(expected)} children, got {len(children)}; "
                             f"value: {tree!r}.")
    for child_def, child in zip(expected, children):
        _flatten_up_to(child_def, child, subtrees)


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

    >>> tree_map(lambda x, y: x + y, (1, {'a': 2}), (10, {'a': 20}))
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

    >>> tree_all([True, {'a': 1}])
    True
    """
    return all(tree_leaves(tree, is_leaf))


_NO_VALUE = object()


def tree_reduce(function, tree, initializer=_NO_VALUE, is_leaf=None):
    """functools.reduce over the leaves.

    >>> tree_reduce(lambda a, b: a + b, [1, (2, 3)])
    6
    """
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _NO_VALUE:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_reduce_associative(operation, tree, *, identity=_NO_VALUE, is_leaf=None):
    """Reduces the leaves pairwise, as a balanced tree of `operation` calls.

    >>> tree_reduce_associative(lambda a, b: a + b, [1, 2, 3])
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


def tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    """Turns a tree of structure (outer, inner) into one of (inner, outer).

    `inner_treedef` may be None to read it off the first outer leaf.

    >>> tree_transpose(tree_structure([0, 0]), tree_structure((0, 0)),
    ...                [(1, 2), (3, 4)])
    ([1, 3], [2, 4])
    """
    if inner_treedef is None:
        first = outer_treedef.flatten_up_to(pytree_to_transpose)[0]
        inner_treedef = tree_structure(first)
    leaves, treedef = tree_flatten(pytree_to_transpose)
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

    >>> tree_broadcast((1, 2, 3), (0, {'a': 0, 'b': 0}, (0, 0)))
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

    >>> flatten_one_level({'b': 1, 'a': 2})
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


# --- key paths ----------------------------------------------------------------

def _flatten_with_path(tree, path, out, is_leaf, is_leaf_takes_path):
    kind = _kind_of(type(tree))
    if kind is _LEAF or (is_leaf is not None and (
            is_leaf(path, tree) if is_leaf_takes_path else is_leaf(tree))):
        out.append((path, tree))
        return _LEAF_DEF
    keyed, data = kind.flatten_with_keys(tree)
    start = len(out)
    child_defs = tuple([
        _flatten_with_path(child, path + (key,), out, is_leaf, is_leaf_takes_path)
        for key, child in keyed])
    return PyTreeDef(kind, data, child_defs, len(out) - start)


def tree_flatten_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    """Like tree_flatten, with each leaf paired with its key path.

    >>> tree_flatten_with_path({'a': [5]})[0]
    [((DictKey(key='a'), SequenceKey(idx=0)), 5)]
    """
    out = []
    treedef = _flatten_with_path(tree, (), out, is_leaf, is_leaf_takes_path)
    return out, treedef


def tree_leaves_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    """[(key_path, leaf), ...] in flattening order."""
    return tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)[0]


def tree_map_with_path(f, tree, *rest, is_leaf=None, is_leaf_takes_path=False):
    """Like tree_map, but calls `f(key_path, leaf, *other_leaves)`.

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


# --- registration ---------------------------------------------------------------

def register_pytree_node(nodetype, flatten_func, unflatten_func,
                         flatten_with_keys_func=None):
    """Makes `nodetype` a pytree node.

    flatten_func(x) -> (children, aux_data), aux_data hashable;
    unflatten_func(aux_data, children) -> x.

    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> register_pytree_node(Pair, lambda p: ((p.a, p.b), None),
    ...                      lambda _, c: Pair(*c))
    >>> tree_leaves(Pair(1, (2, 3)))
    [1, 2, 3]
    """
    if flatten_with_keys_func is None:
        flatten_with_keys_func = _flat_index_keys(flatten_func)
    default_registry.register(
        _NodeKind(nodetype, flatten_func, unflatten_func, flatten_with_keys_func))


def register_pytree_with_keys(nodetype, flatten_with_keys, unflatten_func,
                              flatten_func=None):
    """Like register_pytree_node, with a flatten that names each child.

    flatten_with_keys(x) -> ([(key, child), ...], aux_data). `flatten_func`
    is optional and only saves building keys when paths are not asked for.
    """
    if flatten_func is None:
        def flatten_func(node):
            keyed, aux = flatten_with_keys(node)
            return [child for _, child in keyed], aux
    default_registry.register(
        _NodeKind(nodetype, flatten_func, unflatten_func, flatten_with_keys))


def register_pytree_node_class(cls):
    """Class decorator: uses `x.tree_flatten()` and `cls.tree_unflatten(aux, children)`.

    >>> @register_pytree_node_class
    ... class Box:
    ...     def __init__(self, x): self.x = x
    ...     def tree_flatten(self): return (self.x,), None
    ...     @classmethod
    ...     def tree_unflatten(cls, aux, children): return cls(*children)
    >>> tree_leaves(Box([1, 2]))
    [1, 2]
    """
    register_pytree_node(cls, lambda node: node.tree_flatten(), cls.tree_unflatten)
    return cls


def register_pytree_with_keys_class(cls):
    """Class decorator: uses `x.tree_flatten_with_keys()` (and `x.tree_flatten()`
    when defined) with `cls.tree_unflatten(aux, children)`."""
    flatten_func = ((lambda node: node.tree_flatten())
                    if hasattr(cls, "tree_flatten") else None)
    register_pytree_with_keys(cls, lambda node: node.tree_flatten_with_keys(),
                              cls.tree_unflatten, flatten_func)
    return cls


def register_dataclass(nodetype=None, data_fields=None, meta_fields=None,
                       drop_fields=()):
    """Makes a dataclass a node: data fields are children, meta fields aux data.

    Without field lists, fields marked `static()` (metadata static=True)
    are meta and the rest are data. Usable as a decorator.

    >>> @register_dataclass
    ... @dataclasses.dataclass
    ... class Op:
    ...     x: Any
    ...     name: str = static(default='add')
    >>> tree_flatten(Op(1))
    ([1], PyTreeDef(CustomNode(Op[('add',)], [*])))
    """
    import dataclasses
    if nodetype is None:
        return functools.partial(register_dataclass, data_fields=data_fields,
                                 meta_fields=meta_fields, drop_fields=drop_fields)
    if data_fields is None and meta_fields is None:
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError(f"register_dataclass: {nodetype.__name__} is not a "
                            "dataclass; pass data_fields and meta_fields.")
        data_fields, meta_fields = [], []
        for field in dataclasses.fields(nodetype):
            if not field.init or field.name in drop_fields:
                continue
            (meta_fields if field.metadata.get("static") else data_fields).append(field.name)
    elif data_fields is None or meta_fields is None:
        raise TypeError("register_dataclass: pass both data_fields and "
                        "meta_fields, or neither.")
    data_fields, meta_fields = tuple(data_fields), tuple(meta_fields)
    if dataclasses.is_dataclass(nodetype):
        init_fields = {f.name for f in dataclasses.fields(nodetype) if f.init}
        given = set(data_fields) | set(meta_fields) | set(drop_fields)
        if init_fields != given:
            raise ValueError(
                f"register_dataclass: data_fields, meta_fields and drop_fields "
                f"of {nodetype.__name__} must name each init field once; "
                f"missing {sorted(init_fields - given)}, unknown "
                f"{sorted(given - init_fields)}.")

    def flatten(node):
        return ([getattr(node, name) for name in data_fields],
                tuple(getattr(node, name) for name in meta_fields))

    def flatten_with_keys(node):
        return ([(GetAttrKey(name), getattr(node, name)) for name in data_fields],
                tuple(getattr(node, name) for name in meta_fields))

    def unflatten(meta, data):
        return nodetype(**dict(zip(meta_fields, meta)), **dict(zip(data_fields, data)))

    default_registry.register(_NodeKind(nodetype, flatten, unflatten, flatten_with_keys))
    return nodetype


def static(**field_kwargs):
    """dataclasses.field(...) marked static, for register_dataclass."""
    import dataclasses
    metadata = dict(field_kwargs.pop("metadata", None) or {}, static=True)
    return dataclasses.field(metadata=metadata, **field_kwargs)


def register_static(cls):
    """Makes instances of `cls` childless nodes that carry themselves as aux
    data: part of the structure (so of jit's cache key), never a leaf.
    Instances must be hashable. Usable as a decorator."""
    register_pytree_node(cls, lambda node: ((), node), lambda node, _: node)
    return cls


# --- Partial ------------------------------------------------------------------

class _StaticCallable:
    """Holds a functools.partial passed as Partial's func.

    functools.partial would merge a partial's arguments into the new one's,
    turning them into leaves; wrapped, they stay part of the static function.
    """
    __slots__ = ("wrapped",)

    def __init__(self, wrapped):
        self.wrapped = wrapped

    def __call__(self, *args, **kwargs):
        return self.wrapped(*args, **kwargs)

    def __eq__(self, other):
        return type(other) is _StaticCallable and self.wrapped == other.wrapped

    def __hash__(self):
        return hash(self.wrapped)

    def __repr__(self):
        return repr(self.wrapped)


class Partial(functools.partial):
    """functools.partial that is a pytree: the function is static (aux data),
    the bound arguments are children. Useful to pass a callable with array
    arguments through jit or as a transformation argument.

    >>> add = Partial(lambda x, y: x + y, 1)
    >>> tree_leaves(add), add(2)
    ([1], 3)
    """

    def __new__(cls, func, *args, **kwargs):
        if isinstance(func, functools.partial) and not isinstance(func, Partial):
            func = _StaticCallable(func)
        # A Partial as func is merged by functools.partial itself: its
        # arguments were leaves already and stay leaves.
        return super().__new__(cls, func, *args, **kwargs)


register_pytree_node(
    Partial,
    lambda partial: ((partial.args, partial.keywords), partial.func),
    lambda func, children: Partial(func, *children[0], **children[1]))


# --- the other standard containers ---------------------------------------------

register_pytree_with_keys(
    collections.OrderedDict,
    lambda d: ([(DictKey(k), v) for k, v in d.items()], tuple(d)),
    lambda keys, values: collections.OrderedDict(zip(keys, values)),
    lambda d: (list(d.values()), tuple(d)))


def _defaultdict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], (d.default_factory, keys)


def _defaultdict_flatten_with_keys(d):
    keys = _sorted_keys(d)
    return [(DictKey(k), d[k]) for k in keys], (d.default_factory, keys)


register_pytree_with_keys(
    collections.defaultdict,
    _defaultdict_flatten_with_keys,
    lambda aux, values: collections.defaultdict(aux[0], zip(aux[1], values)),
    _defaultdict_flatten)
