"""`jax.experimental.hijax`: JAX's high-level types (a type whose values a primitive
lowers to several arrays, with quasi-dynamic data, "QDD"). jaxlite has none.

flax.nnx declares hijax-backed Variables when it is imported (classes that subclass
HiPrimitive and MutableHiType, a registration with register_hitype), and uses them only
when `nnx.use_hijax(True)` is set. So the declarations here succeed, and using one
raises NotImplementedError: binding a HiPrimitive, which is the only way to create a
value of a high-level type.
"""
from .ad import Zero  # noqa: F401  (hijax.Zero: the symbolic zero tangent)
from .core import ShapedArray as AbstractValue  # noqa: F401

REASON = ("jaxlite has no high-level (hijax) types: their values cannot be created or "
          "used (flax.nnx: leave nnx.use_hijax off)")


class HiPrimitive:
    """A primitive over high-level types: subclasses define abstract_eval, to_lojax, jvp,
    transpose as methods. jaxlite cannot bind one."""
    multiple_results = False

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name

    def bind(self, *args, **params):
        raise NotImplementedError(f"{self.name}: {REASON}")


class HiType:
    """A high-level aval type (subclassed by libraries; never instantiated by jaxlite)."""


class MutableHiType(HiType):
    """A high-level aval type whose values are mutable (with quasi-dynamic data)."""


class AvalQDD:
    """An aval together with its quasi-dynamic data (what a HiPrimitive's abstract_eval
    returns)."""
    __slots__ = ("aval", "qdd")

    def __init__(self, aval, qdd):
        self.aval, self.qdd = aval, qdd


class aval_property(property):
    """A property that a high-level aval type exposes from its values' type."""


def aval_method(method):
    """A method that a high-level aval type exposes from its values' type."""
    return method


# The classes a library declared as high-level types, with the function giving a value's
# aval type. Kept so the declaration is not lost; no jaxlite value ever has such a type.
hitypes = {}


def register_hitype(cls, to_type):
    hitypes[cls] = to_type


class _EffectTypes(set):
    """The effect types allowed inside control flow (jaxlite tracks no effects)."""

    def add_type(self, effect_type):
        self.add(effect_type)


control_flow_allowed_effects = _EffectTypes()
