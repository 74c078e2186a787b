"""Tests for pytrees (jaxlite._src.tree and the public tree/tree_util modules)."""

import collections
import dataclasses
import functools

import numpy as np
import pytest

import jaxlite.tree as jtree
import jaxlite.tree_util as tu
from jaxlite.tree_util import (
    DictKey, FlattenedIndexKey, GetAttrKey, Partial, PyTreeDef, SequenceKey,
    all_leaves, flatten_one_level, flatten_one_level_with_keys, is_tree_node,
    keystr, register_dataclass, register_pytree_node,
    register_pytree_node_class, register_pytree_with_keys,
    register_pytree_with_keys_class, register_static, tree_all,
    tree_broadcast, tree_flatten, tree_flatten_with_path, tree_leaves,
    tree_leaves_with_path, tree_map, tree_map_with_path, tree_reduce,
    tree_reduce_associative, tree_structure, tree_transpose, tree_unflatten,
    treedef_children, treedef_is_leaf, treedef_is_strict_leaf, treedef_tuple)

Point = collections.namedtuple("Point", ["x", "y"])


class Pair:
    def __init__(self, first, second, tag="pair"):
        self.first, self.second, self.tag = first, second, tag


register_pytree_node(Pair, lambda p: ((p.first, p.second), p.tag),
                     lambda tag, children: Pair(*children, tag=tag))


@register_pytree_node_class
class Box:
    def __init__(self, content, label):
        self.content, self.label = content, label

    def tree_flatten(self):
        return (self.content,), self.label

    @classmethod
    def tree_unflatten(cls, label, children):
        return cls(children[0], label)


class Named:
    def __init__(self, **fields):
        self.fields = fields


register_pytree_with_keys(
    Named,
    lambda n: ([(GetAttrKey(k), v) for k, v in sorted(n.fields.items())],
               tuple(sorted(n.fields))),
    lambda names, values: Named(**dict(zip(names, values))))


@register_pytree_with_keys_class
class Cell:
    def __init__(self, value):
        self.value = value

    def tree_flatten_with_keys(self):
        return [(GetAttrKey("value"), self.value)], None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)


@register_dataclass
@dataclasses.dataclass
class Layer:
    w: object
    b: object
    activation: str = jtree.static(default="relu")


@register_static
class Mode(str):
    pass


# --- flattening order and structure -----------------------------------------

def test_flatten_nested_containers_order():
    leaves, treedef = tree_flatten([1, (2, [3, 4]), {"b": 5, "a": 6}])
    assert leaves == [1, 2, 3, 4, 6, 5]
    assert repr(treedef) == "PyTreeDef([*, (*, [*, *]), {'a': *, 'b': *}])"
    assert treedef.num_leaves == 6


def test_dict_children_in_sorted_key_order():
    leaves, treedef = tree_flatten({"w": 1, "b": 2, "m": {"z": 3, "c": 4}})
    assert leaves == [2, 4, 3, 1]
    rebuilt = tree_unflatten(treedef, ["B", "C", "Z", "W"])
    assert rebuilt == {"b": "B", "m": {"c": "C", "z": "Z"}, "w": "W"}
    # Like JAX, the rebuilt dict has its keys in sorted order.
    assert list(rebuilt) == ["b", "m", "w"]
    assert list(rebuilt["m"]) == ["c", "z"]


def test_dict_with_unsortable_keys_raises():
    with pytest.raises(ValueError, match="sorting pytree dictionary keys"):
        tree_flatten({1: "a", "b": 2})


def test_none_is_a_node_without_children():
    leaves, treedef = tree_flatten(None)
    assert leaves == []
    assert repr(treedef) == "PyTreeDef(None)"
    assert (treedef.num_leaves, treedef.num_nodes) == (0, 1)
    leaves, treedef = tree_flatten({"w": 1, "cfg": None, "opt": [2, 3]})
    assert leaves == [2, 3, 1]
    assert repr(treedef) == "PyTreeDef({'cfg': None, 'opt': [*, *], 'w': *})"
    assert (treedef.num_leaves, treedef.num_nodes) == (3, 6)
    assert tree_unflatten(treedef, [7, 8, 9]) == {"cfg": None, "opt": [7, 8], "w": 9}


def test_is_leaf_can_make_none_and_subtrees_leaves():
    tree = {"a": None, "b": (1, 2)}
    assert tree_leaves(tree, is_leaf=lambda x: x is None) == [None, 1, 2]
    assert tree_leaves(tree, is_leaf=lambda x: isinstance(x, tuple)) == [(1, 2)]
    leaves, treedef = tree_flatten(tree, is_leaf=lambda x: isinstance(x, tuple))
    assert repr(treedef) == "PyTreeDef({'a': None, 'b': *})"


def test_leaf_structures():
    array = np.arange(3)
    leaves, treedef = tree_flatten(array)
    assert leaves[0] is array
    assert repr(treedef) == "PyTreeDef(*)"
    assert treedef_is_leaf(treedef) and treedef_is_strict_leaf(treedef)
    assert treedef_is_leaf(tree_structure(None))
    assert not treedef_is_strict_leaf(tree_structure(None))
    assert not treedef_is_leaf(tree_structure([1]))
    assert repr(tree_structure((1,))) == "PyTreeDef((*,))"
    assert repr(tree_structure(())) == "PyTreeDef(())"


def test_unregistered_subclasses_and_objects_are_leaves():
    class MyDict(dict):
        pass

    class MyTuple(tuple):
        pass

    tree = [MyDict(a=1), MyTuple((1, 2)), object, "str", 3.0]
    assert tree_leaves(tree) == tree
    assert not is_tree_node(MyDict)
    assert is_tree_node(dict) and is_tree_node(Point) and is_tree_node(type(None))


def test_namedtuple_is_a_node_and_keeps_its_type():
    leaves, treedef = tree_flatten(Point(1, (2, 3)))
    assert leaves == [1, 2, 3]
    assert repr(treedef) == "PyTreeDef(CustomNode(namedtuple[Point], [*, (*, *)]))"
    rebuilt = tree_unflatten(treedef, [4, 5, 6])
    assert type(rebuilt) is Point and rebuilt == Point(4, (5, 6))
    assert treedef != tree_structure((1, (2, 3)))


def test_ordered_dict_keeps_insertion_order():
    tree = collections.OrderedDict([("w", 1), ("b", 2)])
    leaves, treedef = tree_flatten(tree)
    assert leaves == [1, 2]
    assert repr(treedef) == "PyTreeDef(CustomNode(OrderedDict[('w', 'b')], [*, *]))"
    rebuilt = tree_unflatten(treedef, [3, 4])
    assert type(rebuilt) is collections.OrderedDict
    assert list(rebuilt.items()) == [("w", 3), ("b", 4)]
    other_order = collections.OrderedDict([("b", 1), ("w", 2)])
    assert tree_structure(other_order) != treedef


def test_defaultdict_keeps_factory_and_sorts_keys():
    tree = collections.defaultdict(list, {"z": 1, "a": 2})
    leaves, treedef = tree_flatten(tree)
    assert leaves == [2, 1]
    rebuilt = tree_unflatten(treedef, [3, 4])
    assert type(rebuilt) is collections.defaultdict
    assert rebuilt.default_factory is list
    assert dict(rebuilt) == {"a": 3, "z": 4}
    assert tree_structure(collections.defaultdict(set, {"z": 1, "a": 2})) != treedef


def test_round_trip_keeps_leaf_identity():
    arrays = [np.ones(2), np.zeros((2, 2)), np.arange(3), np.float32(1.0)]
    tree = {"params": (arrays[0], [arrays[1], None]), "x": Point(arrays[2], arrays[3])}
    leaves, treedef = tree_flatten(tree)
    assert [id(x) for x in leaves] == [id(x) for x in arrays]
    rebuilt = tree_unflatten(treedef, leaves)
    assert rebuilt["params"][0] is arrays[0]
    assert rebuilt["params"][1][1] is None
    assert rebuilt["x"].y is arrays[3]
    assert tree_structure(rebuilt) == treedef


def test_unflatten_accepts_any_iterable():
    treedef = tree_structure((0, [0, 0]))
    assert tree_unflatten(treedef, iter("abc")) == ("a", ["b", "c"])
    assert treedef.unflatten(x * 2 for x in range(3)) == (0, [2, 4])


def test_unflatten_wrong_number_of_leaves():
    treedef = tree_structure({"a": 1, "b": (2, 3)})
    with pytest.raises(ValueError, match="Too few leaves for PyTreeDef; expected 3, got 2"):
        tree_unflatten(treedef, [1, 2])
    with pytest.raises(ValueError, match="Too many leaves for PyTreeDef; expected 3, got 4"):
        tree_unflatten(treedef, [1, 2, 3, 4])


# --- PyTreeDef -------------------------------------------------------------------

def test_treedef_equality_and_hash():
    first = tree_structure({"a": np.ones(3), "b": (1, 2)})
    second = tree_structure({"a": 5, "b": ("x", np.zeros(2))})
    assert first == second and hash(first) == hash(second)
    assert {first: "cached"}[second] == "cached"
    assert first != tree_structure({"a": 1, "c": (1, 2)})
    assert first != tree_structure({"a": 1, "b": [1, 2]})
    assert first != tree_structure({"a": 1, "b": (1, 2, 3)})
    assert first != tree_structure({"a": (1,), "b": (1, 2)})
    assert tree_structure((None, 1)) != tree_structure((1, None))
    assert tree_structure([1]) != [1]
    assert len({tree_structure((1, 2)), tree_structure((3, 4)), tree_structure([1, 2])}) == 2


def test_treedef_children_and_tuple():
    treedef = tree_structure((1, [2, 3], None))
    children = treedef.children()
    assert [repr(c) for c in children] == ["PyTreeDef(*)", "PyTreeDef([*, *])", "PyTreeDef(None)"]
    assert treedef_children(treedef) == children
    rebuilt = treedef_tuple(children)
    assert rebuilt == treedef and rebuilt.num_leaves == 3
    assert treedef.num_nodes == 6


def test_flatten_up_to():
    treedef = tree_structure((0, {"a": 0}))
    assert treedef.flatten_up_to(([1, 2], {"a": (3,)})) == [[1, 2], (3,)]
    with pytest.raises(ValueError, match="Dict key mismatch"):
        treedef.flatten_up_to((1, {"b": 2}))


# --- registered nodes ------------------------------------------------------------

def test_register_pytree_node():
    leaves, treedef = tree_flatten(Pair(1, [2, 3], tag="t"))
    assert leaves == [1, 2, 3]
    assert repr(treedef) == "PyTreeDef(CustomNode(Pair[t], [*, [*, *]]))"
    rebuilt = tree_unflatten(treedef, [4, 5, 6])
    assert isinstance(rebuilt, Pair)
    assert (rebuilt.first, rebuilt.second, rebuilt.tag) == (4, [5, 6], "t")
    # Aux data is part of the structure.
    assert tree_structure(Pair(1, 2, tag="a")) != tree_structure(Pair(1, 2, tag="b"))
    assert tree_structure(Pair(1, 2)) == tree_structure(Pair("x", "y"))


def test_register_pytree_node_class():
    doubled = tree_map(lambda x: x * 2, Box({"k": 3}, "lbl"))
    assert isinstance(doubled, Box)
    assert (doubled.content, doubled.label) == ({"k": 6}, "lbl")
    assert repr(tree_structure(Box(1, "lbl"))) == "PyTreeDef(CustomNode(Box[lbl], [*]))"


def test_duplicate_registration_raises():
    class Thing:
        pass

    register_pytree_node(Thing, lambda t: ((), None), lambda _, __: Thing())
    with pytest.raises(ValueError, match="Duplicate custom PyTreeDef type registration"):
        register_pytree_node(Thing, lambda t: ((), None), lambda _, __: Thing())
    with pytest.raises(ValueError, match="Duplicate"):
        register_pytree_node(dict, lambda d: ((), None), lambda _, __: {})


def test_registration_after_type_was_seen_as_leaf():
    class Late:
        def __init__(self, v):
            self.v = v

    late = Late(1)
    assert tree_leaves([late]) == [late]
    register_pytree_node(Late, lambda l: ((l.v,), None), lambda _, c: Late(*c))
    assert tree_leaves([late]) == [1]


def test_register_dataclass_with_static_field():
    layer = Layer(w=1, b=2, activation="tanh")
    leaves, treedef = tree_flatten(layer)
    assert leaves == [1, 2]
    assert repr(treedef) == "PyTreeDef(CustomNode(Layer[('tanh',)], [*, *]))"
    assert tree_map(lambda x: x + 10, layer) == Layer(11, 12, "tanh")
    assert tree_structure(Layer(1, 2)) != treedef
    paths = [keystr(p) for p, _ in tree_leaves_with_path(layer)]
    assert paths == [".w", ".b"]


def test_register_dataclass_with_explicit_fields():
    @dataclasses.dataclass
    class Opt:
        lr: float
        state: object
        name: str

    register_dataclass(Opt, data_fields=["state", "lr"], meta_fields=["name"])
    leaves, treedef = tree_flatten(Opt(0.1, (1, 2), "sgd"))
    assert leaves == [1, 2, 0.1]
    assert tree_unflatten(treedef, [3, 4, 0.5]) == Opt(0.5, (3, 4), "sgd")

    @dataclasses.dataclass
    class Bad:
        a: int
        b: int

    with pytest.raises(ValueError, match="missing"):
        register_dataclass(Bad, data_fields=["a"], meta_fields=[])


def test_register_static():
    leaves, treedef = tree_flatten({"x": 1, "mode": Mode("add")})
    assert leaves == [1]
    assert repr(treedef) == "PyTreeDef({'mode': CustomNode(Mode[add], []), 'x': *})"
    rebuilt = tree_unflatten(treedef, [2])
    assert rebuilt == {"mode": "add", "x": 2} and type(rebuilt["mode"]) is Mode
    assert treedef != tree_structure({"x": 1, "mode": Mode("sub")})


# --- tree_map and friends ----------------------------------------------------------

def test_tree_map_single_and_multiple_trees():
    tree = {"a": 1, "b": (2, None, [3])}
    assert tree_map(lambda x: x * 10, tree) == {"a": 10, "b": (20, None, [30])}
    other = {"a": 100, "b": (200, None, [300])}
    assert tree_map(lambda x, y, z: x + y + z, tree, other, other) == \
        {"a": 201, "b": (402, None, [603])}


def test_tree_map_first_tree_is_a_prefix_of_the_others():
    result = tree_map(lambda a, b: (a, b), {"a": 1.0}, {"a": {"deeper": 2.0}})
    assert result == {"a": (1.0, {"deeper": 2.0})}


def test_tree_map_structure_mismatch_names_both_structures():
    with pytest.raises(ValueError) as info:
        tree_map(lambda x, y: x, [1, 2], (1, 2))
    message = str(info.value)
    assert "Expected list, got (1, 2)." in message
    assert "PyTreeDef([*, *])" in message and "PyTreeDef((*, *))" in message

    with pytest.raises(ValueError) as info:
        tree_map(lambda x, y: x, {"a": 1, "b": 2}, {"a": 1, "c": 2})
    message = str(info.value)
    assert "Dict key mismatch; expected keys: ['a', 'b']" in message
    assert "PyTreeDef({'a': *, 'b': *})" in message
    assert "PyTreeDef({'a': *, 'c': *})" in message

    with pytest.raises(ValueError, match="Tuple arity mismatch: 3 != 2"):
        tree_map(lambda x, y: x, (1, 2), (1, 2, 3))
    with pytest.raises(ValueError, match="Expected None, got 1"):
        tree_map(lambda x, y: x, (None, 2), (1, 2))
    with pytest.raises(ValueError, match="Expected named tuple of type Point"):
        tree_map(lambda x, y: x, Point(1, 2), (1, 2))
    with pytest.raises(ValueError, match="Mismatch custom node data"):
        tree_map(lambda x, y: x, Pair(1, 2, "a"), Pair(1, 2, "b"))


def test_tree_map_is_leaf():
    params = {"w": 1.0, "b": 2.0}
    grads = {"w": 0.5, "b": None}
    updated = tree_map(lambda p, g: p if g is None else p - g, params, grads,
                       is_leaf=lambda x: x is None)
    assert updated == {"w": 0.5, "b": 2.0}
    assert tree_map(len, [[1, 2], [3]], is_leaf=lambda x: isinstance(x, list)
                    and all(not isinstance(y, list) for y in x)) == [2, 1]


def test_tree_all_and_reduce():
    assert tree_all([True, {"a": 1, "b": (2,)}])
    assert not tree_all([True, {"a": 0}])
    assert tree_all([]) and tree_all(None)
    assert tree_reduce(lambda a, b: a + b, [1, (2, 3), {"x": 4}]) == 10
    assert tree_reduce(lambda a, b: a + b, [], 7) == 7
    assert tree_reduce(lambda acc, x: acc + [x], {"b": 1, "a": 2}, []) == [2, 1]
    pairs = tree_reduce_associative(lambda a, b: (a, b), list("abcde"))
    assert pairs == ((("a", "b"), ("c", "d")), "e")
    assert tree_reduce_associative(lambda a, b: a + b, [], identity=0) == 0
    with pytest.raises(ValueError, match="identity"):
        tree_reduce_associative(lambda a, b: a + b, [])


def test_tree_transpose():
    outer = tree_structure([0, 0, 0])
    inner = tree_structure({"a": 0, "b": 0})
    tree = [{"a": 1, "b": 2}, {"a": 3, "b": 4}, {"a": 5, "b": 6}]
    expected = {"a": [1, 3, 5], "b": [2, 4, 6]}
    assert tree_transpose(outer, inner, tree) == expected
    assert tree_transpose(outer, None, tree) == expected
    with pytest.raises(TypeError, match="Mismatch"):
        tree_transpose(outer, tree_structure((0, 0)), tree)
    # Empty outer or inner structures.
    assert tree_transpose(tree_structure([]), tree_structure((0, 0)), []) == ([], [])
    assert tree_transpose(tree_structure([0, 0]), tree_structure(None), [None, None]) is None


def test_tree_broadcast():
    prefix = (1, 2, 3)
    full = (0, {"a": 0, "b": 0}, (0, 0))
    assert tree_broadcast(prefix, full) == (1, {"a": 2, "b": 2}, (3, 3))
    assert jtree.broadcast(None, [1, 2], is_leaf=lambda x: x is None) == [None, None]


def test_all_leaves():
    assert all_leaves([1, "a", np.ones(2)])
    assert not all_leaves([1, (2,)])
    assert not all_leaves([None])
    assert all_leaves([None, (1,)], is_leaf=lambda x: x is None or isinstance(x, tuple))


def test_flatten_one_level():
    assert flatten_one_level({"b": 1, "a": (2, 3)}) == ([(2, 3), 1], ("a", "b"))
    assert flatten_one_level((1, [2])) == ([1, [2]], None)
    assert flatten_one_level(None) == ([], None)
    keyed, aux = flatten_one_level_with_keys(Point(1, 2))
    assert keyed == [(GetAttrKey("x"), 1), (GetAttrKey("y"), 2)] and aux is None
    with pytest.raises(ValueError, match="can't tree-flatten type"):
        flatten_one_level(1.0)


# --- key paths --------------------------------------------------------------------

def test_flatten_with_path_and_keystr():
    params = {"foo": {"bar": {"baz": 1, "bat": [2, 3]}}}
    path_leaves, treedef = tree_flatten_with_path(params)
    assert treedef == tree_structure(params)
    assert [leaf for _, leaf in path_leaves] == [2, 3, 1]
    assert [keystr(p) for p, _ in path_leaves] == [
        "['foo']['bar']['bat'][0]", "['foo']['bar']['bat'][1]", "['foo']['bar']['baz']"]
    assert [keystr(p, simple=True, separator="/") for p, _ in path_leaves] == [
        "foo/bar/bat/0", "foo/bar/bat/1", "foo/bar/baz"]
    assert path_leaves[0][0] == (DictKey("foo"), DictKey("bar"), DictKey("bat"), SequenceKey(1 - 1))


def test_path_keys_for_each_node_kind():
    tree = (Point(1, 2), Pair(3, 4), Named(q=5), Cell(6),
            collections.OrderedDict(z=7), None)
    paths = [keystr(p) for p, _ in tree_leaves_with_path(tree)]
    assert paths == ["[0].x", "[0].y", "[1][<flat index 0>]", "[1][<flat index 1>]",
                     "[2].q", "[3].value", "[4]['z']"]
    assert tree_flatten_with_path(tree)[1] == tree_structure(tree)
    assert repr(SequenceKey(0)) == "SequenceKey(idx=0)"
    assert repr(DictKey("a")) == "DictKey(key='a')"
    assert repr(GetAttrKey("x")) == "GetAttrKey(name='x')"
    assert str(FlattenedIndexKey(2)) == "[<flat index 2>]"
    assert hash(DictKey("a")) == hash(DictKey("a")) and DictKey("a") != DictKey("b")


def test_tree_map_with_path():
    tree = {"a": (1, 2), "b": 3}
    result = tree_map_with_path(lambda p, x, y: f"{keystr(p)}={x + y}", tree, tree)
    assert result == {"a": ("['a'][0]=2", "['a'][1]=4"), "b": "['b']=6"}
    with pytest.raises(ValueError, match="PyTreeDef"):
        tree_map_with_path(lambda p, x, y: x, tree, {"a": 1})


def test_is_leaf_takes_path():
    tree = {"keep": (1, 2), "split": (3, 4)}
    leaves = tree_leaves_with_path(
        tree, is_leaf=lambda path, x: path == (DictKey("keep"),), is_leaf_takes_path=True)
    assert [(keystr(p), x) for p, x in leaves] == [
        ("['keep']", (1, 2)), ("['split'][0]", 3), ("['split'][1]", 4)]


# --- Partial -----------------------------------------------------------------------

def add(x, y, scale=1):
    return (x + y) * scale


def test_partial_is_a_pytree_with_static_function():
    partial = Partial(add, 1, scale=10)
    assert partial(2) == 30
    leaves, treedef = tree_flatten(partial)
    assert leaves == [1, 10]
    rebuilt = tree_unflatten(treedef, [5, 2])
    assert isinstance(rebuilt, Partial) and rebuilt(1) == 12
    assert tree_map(lambda x: x * 2, partial)(0) == 40
    assert treedef == tree_structure(Partial(add, 7, scale=8))
    assert treedef != tree_structure(Partial(max, 7, scale=8))


def test_partial_of_partial_merges_arguments_but_functools_partial_stays_static():
    nested = Partial(Partial(add, 1), 2)
    assert tree_leaves(nested) == [1, 2] and nested() == 3
    static_inner = Partial(functools.partial(add, 100), 2)
    assert tree_leaves(static_inner) == [2] and static_inner() == 102


# --- public modules ------------------------------------------------------------------

def test_jax_tree_aliases():
    tree = {"a": 1, "b": [2, 3]}
    assert jtree.map(lambda x: -x, tree) == {"a": -1, "b": [-2, -3]}
    assert jtree.leaves(tree) == [1, 2, 3]
    leaves, treedef = jtree.flatten(tree)
    assert jtree.unflatten(treedef, leaves) == tree
    assert jtree.structure(tree) == treedef
    assert jtree.all(tree) and jtree.reduce(max, tree) == 3
    assert jtree.reduce_associative(lambda a, b: a + b, tree) == 6
    assert [keystr(p) for p, _ in jtree.leaves_with_path(tree)] == ["['a']", "['b'][0]", "['b'][1]"]
    assert jtree.map_with_path(lambda p, x: len(p), tree) == {"a": 1, "b": [2, 2]}
    assert jtree.flatten_with_path(tree)[1] == treedef
    assert jtree.transpose(jtree.structure([0, 0]), None, [(1, 2), (3, 4)]) == ([1, 3], [2, 4])


def test_public_names():
    tree_util_names = """DictKey FlattenedIndexKey GetAttrKey KeyEntry KeyPath Partial
        PyTreeDef SequenceKey all_leaves default_registry flatten_one_level
        flatten_one_level_with_keys is_tree_node keystr register_dataclass
        register_pytree_node register_pytree_node_class register_pytree_with_keys
        register_pytree_with_keys_class register_static tree_all tree_broadcast
        tree_flatten tree_flatten_with_path tree_leaves tree_leaves_with_path
        tree_map tree_map_with_path tree_reduce tree_reduce_associative
        tree_structure tree_transpose tree_unflatten treedef_children
        treedef_is_leaf treedef_tuple""".split()
    assert [n for n in tree_util_names if not hasattr(tu, n)] == []
    tree_names = """all broadcast flatten flatten_with_path leaves leaves_with_path
        map map_with_path reduce reduce_associative static structure transpose
        unflatten""".split()
    assert [n for n in tree_names if not hasattr(jtree, n)] == []
    assert isinstance(tree_structure(1), PyTreeDef)
    assert tu.default_registry.flatten([1, (2,)])[0] == [1, 2]


def test_treedef_walk_from_iterable_tree_and_node_data():
    # Expected values from JAX 0.10.2.
    from jaxlite import tree_util as tu
    td = tu.tree_structure((1, [2, {'x': 3}]))
    assert td.walk(lambda children, _: sum(children), None, [1, 2, 3]) == 6
    assert td.walk(lambda children, _: max(children), lambda leaf: -leaf, [1, 2, 3]) == -1
    assert td.from_iterable_tree(('a', ('b', ('c',)))) == ('a', ['b', {'x': 'c'}])
    with pytest.raises(ValueError):
        td.from_iterable_tree(('a',))
    d = tu.tree_structure({'a': 1, 'b': (2, 3)})
    assert d.from_node_data_and_children(tu.default_registry, d.node_data(), d.children()) == d
    rebuilt = d.from_node_data_and_children(tu.default_registry, (tuple, None),
                                            [tu.tree_structure(1), tu.tree_structure([1, 2])])
    assert rebuilt == tu.tree_structure((1, [2, 3]))
    assert d.from_node_data_and_children(tu.default_registry, None, []) == tu.tree_structure(1)
    with pytest.raises(NotImplementedError, match="protobuf"):
        d.serialize_using_proto()


def test_vmap_output_of_a_class_that_flattens_numbers_as_metadata():
    # distrax's distributions flatten Python numbers into their metadata and arrays (and
    # the placeholders vmap puts in their place) into children: vmap's output must keep
    # the arrays mapped
    import jaxlite  # noqa: PLC0415
    import jaxlite.numpy as jnp  # noqa: PLC0415

    @jaxlite.tree_util.register_pytree_node_class
    class Box:
        def __init__(self, value, scale):
            self.value, self.scale = value, scale

        def tree_flatten(self):
            numbers = [isinstance(x, (int, float)) for x in (self.value, self.scale)]
            children = [None if n else x for x, n in zip((self.value, self.scale), numbers)]
            meta = [x if n else None for x, n in zip((self.value, self.scale), numbers)]
            return children, (meta, numbers)

        @classmethod
        def tree_unflatten(cls, aux, children):
            meta, numbers = aux
            return cls(*[m if n else c for c, m, n in zip(children, meta, numbers)])

    out = jaxlite.vmap(lambda x: Box(x.sum(keepdims=True), 2))(jnp.arange(6.0).reshape(3, 2))
    assert out.scale == 2 and out.value.shape == (3, 1)
    assert out.value.ravel().tolist() == [1.0, 5.0, 9.0]
