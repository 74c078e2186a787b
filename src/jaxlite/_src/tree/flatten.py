"""The pytree registry (which Python types are containers and how to take them
apart), `PyTreeDef` (the structure that remains once the leaves are taken out), and
flatten / unflatten, plain and with key paths: the walks every other tree function
is built on.

Flatten and unflatten run on every jitted call, so the common containers are
dispatched on `type(x)` through one dict and handled inline.
"""
from .keys import SequenceKey, DictKey, GetAttrKey, FlattenedIndexKey

# --- node kinds and the registry ---------------------------------------------

class _NodeKind:
    """How to take apart and rebuild one container type.

    flatten(x) -> (children, aux_data); unflatten(aux_data, children) -> x;
    flatten_with_keys(x) -> ([(key, child), ...], aux_data).
    """
    __slots__ = ("type", "flatten", "unflatten", "flatten_with_keys", "label", "array_like")

    def __init__(self, type_, flatten, unflatten, flatten_with_keys, label=None):
        self.type = type_
        self.flatten = flatten
        self.unflatten = unflatten
        self.flatten_with_keys = flatten_with_keys
        self.label = label
        self.array_like = False  # a leaf in users' view (register_array_like)

    def __repr__(self):
        return f"<pytree node kind {getattr(self.type, '__name__', self.type)}>"


class _UsersView:
    """The `is_leaf` of users' tree functions when they give none: array-like nodes are
    leaves. The walks test it by identity and read the node kind's flag, so users' view
    costs no call per node."""

    def __call__(self, x):
        kind = default_registry.dispatch.get(type(x))
        return kind is not None and kind.array_like

    def __repr__(self):
        return "USERS_VIEW"


USERS_VIEW = _UsersView()


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
        # Array-like nodes (typed PRNG key arrays): nodes to the transformations, which
        # carry their underlying data, but leaves to users (user_view.py), as in JAX,
        # where they are arrays of an extended dtype.
        self.array_like_types = set()

    def register(self, kind):
        if kind.type in self.nodes:
            raise ValueError("Duplicate custom PyTreeDef type registration for "
                             f"{kind.type}.")
        self.nodes[kind.type] = kind
        self.dispatch[kind.type] = kind  # replaces a cached "leaf" verdict

    def register_array_like(self, kind):
        """Register an array-like node: its own data are its children when jaxlite traces
        it, but users' tree functions see it whole, as one leaf."""
        kind.array_like = True
        self.dispatch[kind.type] = kind
        self.array_like_types.add(kind.type)

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

    def user_is_leaf(self, is_leaf=None):
        """`is_leaf` for the tree functions users call: array-like nodes are leaves too."""
        types = self.array_like_types
        if not types:  # none registered yet (jaxlite.random not imported): no cost
            return is_leaf
        if is_leaf is None:
            return USERS_VIEW
        return lambda x: type(x) in types or is_leaf(x)

    # JAX's registry object exposes its walkers too (users' view: array-like nodes are
    # leaves).
    def flatten(self, tree, leaf_predicate=None):
        return tree_flatten(tree, self.user_is_leaf(leaf_predicate))

    def flatten_one_level(self, tree):
        kind = self.kind_of(type(tree))
        if kind is _LEAF or kind.type in self.array_like_types:
            return None
        children, aux = kind.flatten(tree)
        return list(children), aux

    def flatten_with_path(self, tree, leaf_predicate=None):
        return tree_flatten_with_path(tree, self.user_is_leaf(leaf_predicate))


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

    >>> jax.tree_util.tree_structure((1, {'a': 2}))
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

    def walk(self, f_node, f_leaf, leaves):
        """Fold the tree bottom-up: f_leaf(leaf) at each leaf (the leaf itself when f_leaf is
        None) and f_node(tuple of the children's results, node's aux data) at each node.

        >>> jax.tree_util.tree_structure((1, [2, 3])).walk(lambda c, _: sum(c), None, [1, 2, 3])
        6
        """
        leaves = iter(leaves)

        def visit(treedef):
            if treedef._kind is _LEAF:
                leaf = next(leaves)
                return leaf if f_leaf is None else f_leaf(leaf)
            return f_node(tuple(visit(c) for c in treedef._children), treedef._data)

        return visit(self)

    def from_iterable_tree(self, subtrees):
        """Rebuild this structure's containers from nested iterables of the same shape.

        >>> jax.tree_util.tree_structure((1, {'x': 2})).from_iterable_tree(('a', ['b']))
        ('a', {'x': 'b'})
        """
        def build(treedef, subtree):
            if treedef._kind is _LEAF:
                return subtree
            items = list(subtree)
            if len(items) != len(treedef._children):
                raise ValueError(f"from_iterable_tree: a node of {treedef} has "
                                 f"{len(treedef._children)} children, the iterable {len(items)}")
            return treedef._kind.unflatten(
                treedef._data, [build(c, x) for c, x in zip(treedef._children, items)])

        return build(self, subtrees)

    def from_node_data_and_children(self, registry, node_data, children):
        """The treedef with root `node_data` ((type, aux data), or None for a leaf) over the
        treedefs `children`: the inverse of node_data() and children()."""
        if node_data is None:
            return _LEAF_DEF
        kind = registry.kind_of(node_data[0])
        if kind is _LEAF:
            raise ValueError(f"from_node_data_and_children: {node_data[0]} is not a registered "
                             "pytree node type")
        children = tuple(children)
        return PyTreeDef(kind, node_data[1], children, sum(c.num_leaves for c in children))

    def serialize_using_proto(self):
        raise NotImplementedError("PyTreeDef.serialize_using_proto is not supported by jaxlite: "
                                  "it needs XLA's protobuf schema")

    @staticmethod
    def deserialize_using_proto(registry, data):
        raise NotImplementedError("PyTreeDef.deserialize_using_proto is not supported by "
                                  "jaxlite: it needs XLA's protobuf schema")

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
        # differences are settled by __eq__. Aux data need not be hashable (equinox's
        # hold lists; JAX hashes none of it): it then counts for nothing here.
        try:
            data_hash = hash(self._data)
        except TypeError:
            data_hash = 0
        return hash((self._kind, data_hash, self.num_leaves, len(self._children)))

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
    if kind is _LEAF or (is_leaf is not None and (kind.array_like if is_leaf is USERS_VIEW
                                                  else is_leaf(tree))):
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

    >>> jax.tree_util.tree_flatten((1, {'b': 2, 'a': 3}, None))
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

    >>> treedef = jax.tree_util.tree_structure((0, [0]))
    >>> jax.tree_util.tree_unflatten(treedef, ['x', 'y'])
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
    if kind is _LEAF or (is_leaf is not None and (kind.array_like if is_leaf is USERS_VIEW
                                                  else is_leaf(tree))):
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

    >>> jax.tree_util.tree_leaves([1, (2, None), {'b': 3, 'a': 4}])
    [1, 2, 4, 3]
    """
    leaves = []
    _collect_leaves(tree, leaves, is_leaf)
    return leaves


def tree_structure(tree, is_leaf=None):
    """The treedef of a pytree.

    >>> jax.tree_util.tree_structure([1, (2, 3)])
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




# --- key paths ----------------------------------------------------------------

def _flatten_with_path(tree, path, out, is_leaf, is_leaf_takes_path):
    kind = _kind_of(type(tree))
    if kind is _LEAF or (is_leaf is not None and (
            kind.array_like if is_leaf is USERS_VIEW else
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

    >>> jax.tree_util.tree_flatten_with_path({'a': [5]})[0]
    [((DictKey(key='a'), SequenceKey(idx=0)), 5)]
    """
    out = []
    treedef = _flatten_with_path(tree, (), out, is_leaf, is_leaf_takes_path)
    return out, treedef

