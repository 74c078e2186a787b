"""Key paths: the entries that name a child in its container, and `keystr`."""
from typing import Any

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

    >>> from jaxlite.tree_util import DictKey, SequenceKey, keystr
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

