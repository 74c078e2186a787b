"""Making types pytree nodes: register_pytree_node and its variants (classes,
dataclasses, static values), `Partial`, and the standard containers beyond tuple, list,
dict and None (OrderedDict, defaultdict)."""
import collections
import functools

from .keys import DictKey, GetAttrKey
from .flatten import default_registry, _NodeKind, _flat_index_keys, _sorted_keys

# --- registration ---------------------------------------------------------------

def register_pytree_node(nodetype, flatten_func, unflatten_func,
                         flatten_with_keys_func=None):
    """Makes `nodetype` a pytree node.

    flatten_func(x) -> (children, aux_data), aux_data hashable;
    unflatten_func(aux_data, children) -> x.

    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> jax.tree_util.register_pytree_node(Pair, lambda p: ((p.a, p.b), None),
    ...                                    lambda _, c: Pair(*c))
    >>> jax.tree_util.tree_leaves(Pair(1, (2, 3)))
    [1, 2, 3]
    """
    if flatten_with_keys_func is None:
        flatten_with_keys_func = _flat_index_keys(flatten_func)
    default_registry.register(
        _NodeKind(nodetype, flatten_func, unflatten_func, flatten_with_keys_func))


def register_array_like_node(nodetype, flatten_func, unflatten_func):
    """Makes `nodetype` an array-like node: jaxlite's transformations take it apart with
    `flatten_func` (its children are its data arrays), while the tree functions users call
    (`jax.tree_util`, `user_view`) see it whole, as one leaf. Typed PRNG key arrays are
    these: arrays of an extended dtype in JAX."""
    default_registry.register_array_like(
        _NodeKind(nodetype, flatten_func, unflatten_func, _flat_index_keys(flatten_func)))


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

    >>> @jax.tree_util.register_pytree_node_class
    ... class Box:
    ...     def __init__(self, x): self.x = x
    ...     def tree_flatten(self): return (self.x,), None
    ...     @classmethod
    ...     def tree_unflatten(cls, aux, children): return cls(*children)
    >>> jax.tree_util.tree_leaves(Box([1, 2]))
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

    >>> import dataclasses
    >>> @jax.tree_util.register_dataclass
    ... @dataclasses.dataclass
    ... class Op:
    ...     x: object
    ...     name: str = jax.tree.static(default='add')
    >>> jax.tree_util.tree_flatten(Op(1))
    ([1], PyTreeDef(CustomNode(Op[('add',)], [*])))
    """
    import dataclasses  # noqa: PLC0415 (~2 ms; import-time cost only where dataclasses are registered)
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
    import dataclasses  # noqa: PLC0415 (~2 ms; import-time cost only where dataclasses are used)
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

    >>> add = jax.tree_util.Partial(lambda x, y: x + y, 1)
    >>> jax.tree_util.tree_leaves(add), add(2)
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
