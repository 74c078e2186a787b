"""Dtypes as JAX sees them: defaults, canonicalization, weak types, promotion.

JAX computes in 32 bits unless x64 is enabled: a requested 64-bit dtype is
*canonicalized* to its 32-bit sibling. Python scalars are *weakly typed*: they
take the dtype of whatever array they meet. Promotion follows JAX's type
lattice (not NumPy's value-based rules), so `int32 + float16 -> float16` and
`uint32 + int32 -> int64` with x64 (int32 without: JAX's x32 lattice).
"""
import numpy as np

from .config import flags

bool_ = np.dtype(np.bool_)
int8, int16, int32, int64 = (np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
uint8, uint16, uint32, uint64 = (np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))
float16, float32, float64 = (np.dtype(t) for t in (np.float16, np.float32, np.float64))
complex64, complex128 = np.dtype(np.complex64), np.dtype(np.complex128)

_to_32 = {int64: int32, uint64: uint32, float64: float32, complex128: complex64}
_python_scalar_kinds = {bool: "b", int: "i", float: "f", complex: "c"}


# The dtype of the cotangents of integer and boolean inputs (`grad(..., allow_int=True)`):
# zero bytes per element, as JAX's.
float0 = np.dtype([("float0", np.void, 0)])


class extended(np.generic):
    """Abstract scalar type above JAX's extended dtypes (`issubdtype(key.dtype, extended)`)."""


class prng_key(extended):
    """Abstract scalar type of typed PRNG key dtypes (`jax.random.key(0).dtype`)."""


class ExtendedDType:
    """Base class of extended dtypes: dtype objects NumPy does not know, whose `type` is a
    subclass of `extended` (a typed key's key<fry>; flax's fp8 meta dtype subclasses it)."""
    type = extended
    name = "extended"


def _extended_type(dtype):
    """The scalar type of an extended dtype (a typed key's key<fry>), else None."""
    t = getattr(dtype, "type", None)
    return t if isinstance(t, type) and issubclass(t, extended) else None


def canonicalize_dtype(dtype, allow_extended_dtype=False):
    """The dtype JAX actually uses for `dtype` under the current x64 setting.

    >>> jax.dtypes.canonicalize_dtype(np.float64)
    dtype('float32')
    """
    if _extended_type(dtype) is not None:
        if not allow_extended_dtype:
            raise ValueError(f"Internal: canonicalize_dtype called on extended dtype {dtype} "
                             "with allow_extended_dtype=False")
        return dtype
    dtype = as_dtype(dtype)
    if flags.jax_enable_x64:
        return dtype
    return _to_32.get(dtype, dtype)


def default_int_dtype():
    return int64 if flags.jax_enable_x64 else int32


def default_uint_dtype():
    return uint64 if flags.jax_enable_x64 else uint32


def default_float_dtype():
    return float64 if flags.jax_enable_x64 else float32


def default_complex_dtype():
    return complex128 if flags.jax_enable_x64 else complex64


def default_dtype_for_kind(kind):
    return {"b": bool_, "i": default_int_dtype(), "u": default_uint_dtype(),
            "f": default_float_dtype(), "c": default_complex_dtype()}[kind]


def python_scalar_dtype(value):
    """Dtype of a Python scalar: the default dtype of its kind (weakly typed)."""
    return default_dtype_for_kind(_python_scalar_kinds[type(value)])


def is_python_scalar(x):
    return type(x) in _python_scalar_kinds


def python_type_dtype(t):
    """Default dtype for the builtin type `t` (bool, int, float, complex), else None.

    Compared by identity: `jnp.int64 == int` is True (it compares as a dtype),
    but only the builtins are weak scalar types."""
    for builtin, kind in _python_scalar_kinds.items():
        if t is builtin:
            return default_dtype_for_kind(kind)
    return None


# ---- narrow floats and ints (ml_dtypes), loaded on first use -------------------------------
# ml_dtypes costs ~0.9 s to import, so it loads only when a program names one of its types
# (`jnp.bfloat16`, `jnp.dtype('bfloat16')`, `x.astype('int4')`) or hands us an array of one
# (which means someone else imported it already). JAX exports these names from jax.numpy.
NARROW_FLOAT_NAMES = ("bfloat16", "float8_e4m3fn", "float8_e5m2", "float8_e4m3b11fnuz",
                      "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e3m4", "float8_e4m3",
                      "float8_e8m0fnu", "float6_e2m3fn", "float6_e3m2fn", "float4_e2m1fn")
NARROW_INT_NAMES = ("int4", "uint4", "int2", "uint2")
NARROW_NAMES = NARROW_FLOAT_NAMES + NARROW_INT_NAMES
INSTALL_HINT = "install it with `pip install ml_dtypes`"


class TypePromotionError(ValueError):
    """No implicit promotion exists between two dtypes (as `jax.dtypes.TypePromotionError`)."""


class NarrowDtypeUnavailableError(ModuleNotFoundError):
    """A narrow dtype (bfloat16, float8_*, int4, ...) was named but ml_dtypes is not installed.

    Raised where a dtype *name* is converted (`jnp.dtype('bfloat16')`, `x.astype('int4')`).
    Attribute access (`jnp.bfloat16`) raises AttributeError instead, so `hasattr` probes work."""


_narrow = None            # name -> np.dtype, once ml_dtypes is loaded
_narrow_kind_of = {}      # np.dtype -> "f" | "i" | "u" for the narrow dtypes


def load_narrow_dtypes():
    """Import ml_dtypes and teach the promotion lattice its types; name -> dtype.

    Raises NarrowDtypeUnavailableError (a ModuleNotFoundError) without ml_dtypes."""
    global _narrow
    if _narrow is None:
        try:
            import ml_dtypes  # noqa: PLC0415 (optional dependency, loaded on first narrow dtype)
        except ImportError as e:
            raise NarrowDtypeUnavailableError(
                f"bfloat16, float8_*, int4 and the other narrow dtypes need the ml_dtypes "
                f"package: {INSTALL_HINT}", name="ml_dtypes") from e
        loaded = {}
        for name in NARROW_NAMES:
            t = getattr(ml_dtypes, name, None)  # older ml_dtypes lack the newest float8s
            if t is not None:
                loaded[name] = np.dtype(t)
        for name, d in loaded.items():
            _narrow_kind_of[d] = "f" if name in NARROW_FLOAT_NAMES else name[0]
            node = _narrow_nodes.get(name, name)
            _node_of_dtype[d] = node
            _dtype_of_node[node] = d
        _narrow = loaded
    return _narrow


def narrow_dtype(name, attribute=None):
    """The dtype of narrow type `name`, loading ml_dtypes. With `attribute` (the public name
    being looked up), a missing ml_dtypes raises AttributeError saying what to install."""
    try:
        loaded = load_narrow_dtypes()
    except NarrowDtypeUnavailableError:
        if attribute is None:
            raise
        raise AttributeError(f"{attribute} needs the ml_dtypes package, which is not "
                             f"installed: {INSTALL_HINT}") from None
    if name not in loaded:
        import ml_dtypes  # noqa: PLC0415 (optional dependency, loaded already by this point)
        message = (f"{name} needs a newer ml_dtypes than the installed {ml_dtypes.__version__}: "
                   f"`pip install -U ml_dtypes`")
        raise (AttributeError if attribute else NarrowDtypeUnavailableError)(message)
    return loaded[name]


def _is_ml_dtype(d):
    return d.kind == "V" and d.type.__module__.split(".")[0] == "ml_dtypes"


def kind(d):
    """`d.kind`, except that ml_dtypes' narrow floats are "f" and narrow ints "i"/"u"
    (NumPy reports "V" for all of them)."""
    k = d.kind
    if k != "V":
        return k
    k = _narrow_kind_of.get(d)
    if k is None and _is_ml_dtype(d):  # an ml_dtypes array reached us before any name did
        load_narrow_dtypes()
        k = _narrow_kind_of.get(d)
    return k or "V"


def as_dtype(x):
    """`np.dtype(x)`, also for narrow dtype names before ml_dtypes is loaded ('bfloat16')."""
    try:
        return np.dtype(x)
    except TypeError:
        if isinstance(x, str) and x in NARROW_NAMES:
            return narrow_dtype(x)
        raise


class _DTypeMeta(type):
    """Makes `jnp.dtype` behave as `np.dtype` (isinstance, subscripting) while its call also
    knows the narrow names before ml_dtypes is loaded."""

    def __call__(cls, obj, *args, **kwargs):
        if not args and not kwargs:
            return as_dtype(obj)
        return np.dtype(obj, *args, **kwargs)

    def __instancecheck__(cls, obj):
        return isinstance(obj, np.dtype)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, np.dtype)

    def __getitem__(cls, item):
        return np.dtype[item]


class DType(metaclass=_DTypeMeta):
    """`jnp.dtype`: `np.dtype`, which also loads ml_dtypes for `jnp.dtype('bfloat16')`
    (and says what to install where it is missing).

    >>> jnp.dtype('float32')
    dtype('float32')
    """


# ---- JAX's promotion lattice -------------------------------------------------
# Nodes are dtypes plus the weak categories "i*", "f*", "c*". Each node lists
# the nodes directly above it; the result of promotion is the least upper bound.
# The narrow types are leaves (except bfloat16): JAX promotes float8/6/4 and 2/4-bit
# integers only with weak scalars and their own kind's bool/int inputs below them.
_narrow_nodes = {"bfloat16": "bf16"}
_small_float_nodes = [n for n in NARROW_FLOAT_NAMES if n != "bfloat16"]
_edges = {
    "b1": ["i*"],
    "i*": ["u8", "i8", *NARROW_INT_NAMES],
    "u8": ["i16", "u16"], "u16": ["i32", "u32"], "u32": ["i64", "u64"], "u64": ["f*"],
    "i8": ["i16"], "i16": ["i32"], "i32": ["i64"], "i64": ["f*"],
    "f*": [*_small_float_nodes, "bf16", "f16", "c*"],
    "bf16": ["f32"], "f16": ["f32"], "f32": ["f64", "c64"], "f64": ["c128"],
    "c*": ["c64"], "c64": ["c128"], "c128": [],
    **{n: [] for n in (*_small_float_nodes, *NARROW_INT_NAMES)},
}
_node_of_dtype = {bool_: "b1", int8: "i8", int16: "i16", int32: "i32", int64: "i64",
                  uint8: "u8", uint16: "u16", uint32: "u32", uint64: "u64",
                  float16: "f16", float32: "f32", float64: "f64",
                  complex64: "c64", complex128: "c128"}
_dtype_of_node = {v: k for k, v in _node_of_dtype.items()}


def _upper_set(node):
    seen, todo = set(), [node]
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo.extend(_edges[n])
    return seen


_uppers_x64 = {n: _upper_set(n) for n in _edges}
# Without x64, no promotion may form a 64-bit type from 32-bit inputs: JAX's
# x32 lattice joins u32 and i32 at i32 (so jnp.promote_types gives int32 too).
_edges["u32"] = ["i32", "u64"]
_uppers_x32 = {n: _upper_set(n) for n in _edges}
_edges["u32"] = ["i64", "u64"]


def _join(a, b):
    uppers = _uppers_x64 if flags.jax_enable_x64 else _uppers_x32
    common = uppers[a] & uppers[b]
    # The least upper bound is the common node whose upper set contains all others.
    for n in common:
        if uppers[n] >= common:
            return n
    raise TypePromotionError(_no_promotion_message(a, b))


def _no_promotion_message(*nodes):
    """JAX's words for a pair with no common type (only narrow types have none)."""
    names = tuple({"i*": "int", "f*": "float", "c*": "complex"}.get(n) or _dtype_of_node[n].name
                  for n in nodes)
    start = f"Input dtypes {names} have no available implicit dtype promotion path."
    for prefix, what in (("float8", "8-bit floats"), ("float6", "6-bit floats"),
                         ("float4", "4-bit floats")):
        if any(name.startswith(prefix) for name in names):
            return (f"{start} To avoid unintended promotion, {what} do not support implicit "
                    "promotion. If you'd like your inputs to be promoted to another type, you "
                    "can do so explicitly using e.g. x.astype('float32')")
    if any(name in NARROW_INT_NAMES for name in names):
        return (f"{start} To avoid unintended promotion, 1-bit, 2-bit and 4-bit integers do not "
                "support implicit promotion. If you'd like your inputs to be promoted to another "
                "type, you can do so explicitly using e.g. x.astype('int32')")
    return f"{start} Try explicitly casting inputs to the desired output type."


_join_cache = {}


def _node(dtype, weak):
    if weak:
        k = kind(dtype)
        if k in "iu":
            return "i*"
        if k == "f":
            return "f*"
        if k == "c":
            return "c*"
    node = _node_of_dtype.get(dtype)
    if node is None:
        if kind(dtype) == "V":  # not a JAX type (kind() registers ml_dtypes' types it meets)
            raise TypePromotionError(f"dtype={dtype} is not a valid dtype for JAX type promotion.")
        if is_non_numeric(dtype):
            raise TypeError(non_numeric_message(dtype))
        node = _node_of_dtype[dtype]
    return node


def is_non_numeric(dtype):
    """Strings, bytes, Python objects, dates and times: NumPy dtypes JAX has no arrays of."""
    return isinstance(dtype, np.dtype) and dtype.kind in "USOMma"


def non_numeric_message(dtype):
    return (f"Dtype {dtype} is not a valid JAX array type. Only arrays of numeric types are "
            "supported by JAX.")


# jax_numpy_dtype_promotion="strict": two typed values combine only if their dtypes are
# equal; a weakly typed value (a Python scalar) joins a typed one of its kind or above
# (int into int, float or complex; float into float or complex; complex into complex).
_STRICT_WEAK_JOINS = {"i": "iufcV", "f": "fcV", "c": "c"}


def _strict_allows(dtype_a, weak_a, dtype_b, weak_b):
    if weak_a and weak_b:
        return True
    if weak_a or weak_b:
        weak, typed = (dtype_a, dtype_b) if weak_a else (dtype_b, dtype_a)
        return kind(typed) in _STRICT_WEAK_JOINS.get(kind(weak), "")
    return dtype_a == dtype_b


def _strict_message(dtype_a, weak_a, dtype_b, weak_b):
    # Named in JAX's order: Python scalar types first, then bool, integers, floats,
    # complex, narrower first.
    pairs = sorted([(dtype_a, weak_a), (dtype_b, weak_b)], key=lambda p: (
        not p[1], "biufcV".find(kind(p[0])), np.dtype(p[0]).itemsize))
    names = tuple(str({"i": int, "f": float, "c": complex}[kind(d)]) if w
                  else np.dtype(d).name for d, w in pairs)
    return (f"Input dtypes {names} have no available implicit dtype promotion path when "
            "jax_numpy_dtype_promotion=strict. Try explicitly casting inputs to the desired "
            "output type, or set jax_numpy_dtype_promotion=standard.")


def promote(dtype_a, weak_a, dtype_b, weak_b):
    """(dtype, weak_type) of combining two typed values, as JAX does."""
    key = (dtype_a, weak_a, dtype_b, weak_b, flags.jax_enable_x64,
           flags.jax_numpy_dtype_promotion)
    hit = _join_cache.get(key)
    if hit is not None:
        return hit
    if (flags.jax_numpy_dtype_promotion == "strict"
            and not _strict_allows(dtype_a, weak_a, dtype_b, weak_b)):
        raise TypePromotionError(_strict_message(dtype_a, weak_a, dtype_b, weak_b))
    node = _join(_node(dtype_a, weak_a), _node(dtype_b, weak_b))
    if node.endswith("*"):
        result = (default_dtype_for_kind(node[0]), True)
    else:
        result = (canonicalize_dtype(_dtype_of_node[node]), False)
    _join_cache[key] = result
    return result


def dtype_and_weak(x):
    """(dtype, weak_type) of any value: Python scalar, NumPy array, Array, Tracer."""
    t = type(x)
    if t in _python_scalar_kinds:
        return python_scalar_dtype(x), t is not bool
    aval = getattr(x, "aval", None)
    if aval is not None:
        return aval.dtype, aval.weak_type
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return canonicalize_dtype(dtype), False
    if isinstance(x, (list, tuple)):
        return canonicalize_dtype(np.asarray(x).dtype), False
    if isinstance(x, (np.bool_, np.number)):
        return canonicalize_dtype(np.asarray(x).dtype), False
    raise TypeError(f"{x!r} of type {type(x).__name__} is not a valid JAX type")


def result_type_and_weak(*args):
    dtype, weak = dtype_and_weak(args[0])
    for a in args[1:]:
        dtype, weak = promote(dtype, weak, *dtype_and_weak(a))
    return dtype, weak


def _as_dtype_spec(x):
    """Treat dtype-like arguments (np.float32, 'int32', dtype objects) as strong dtypes."""
    if isinstance(x, (np.dtype, type, str)) and not (isinstance(x, type) and x in _python_scalar_kinds):
        return canonicalize_dtype(x), False
    if isinstance(x, type) and x in _python_scalar_kinds:
        return default_dtype_for_kind(_python_scalar_kinds[x]), x is not bool
    return dtype_and_weak(x)


def result_type(*args, return_weak_type_flag=False):
    """`jnp.result_type`: the dtype that combining `args` produces (with
    `return_weak_type_flag=True`, also whether it is weakly typed, as `jax.dtypes`'s).

    >>> jax.dtypes.result_type(1, 1.0, return_weak_type_flag=True)
    (dtype('float32'), True)
    """
    if not args:
        raise ValueError("at least one array or dtype is required")
    dtype, weak = _as_dtype_spec(args[0])
    for a in args[1:]:
        dtype, weak = promote(dtype, weak, *_as_dtype_spec(a))
    return (dtype, weak) if return_weak_type_flag else dtype


def scalar_type_of(x):
    """The Python scalar type (bool, int, float, complex) of `x`'s dtype kind.

    >>> jax.dtypes.scalar_type_of(jnp.int8(3))
    <class 'int'>
    """
    try:
        dtype = dtype_and_weak(x)[0]
    except TypeError:
        dtype = np.asarray(x).dtype
    scalar = {"b": bool, "i": int, "u": int, "f": float, "c": complex}.get(kind(dtype))
    if scalar is None:
        raise TypeError(f"Value {x!r} with dtype {dtype} is not a valid JAX array type. Only "
                        "arrays of numeric types are supported by JAX.")
    return scalar


def itemsize_bits(dtype):
    """Bits one element of `dtype` takes (4 for int4, 8 for bool).

    >>> jax.dtypes.itemsize_bits(jnp.float32)
    32
    """
    if dtype is None:
        raise ValueError("dtype cannot be None.")
    d = as_dtype(dtype)
    if d == float0:
        raise ValueError(f"unexpected input: dtype={d!r}")
    if d.kind == "V" and kind(d) in "iu":  # ml_dtypes' int4 / int2 report one byte
        return int("".join(c for c in d.name if c.isdigit()))
    if d.kind == "V" and d.name.startswith(("float4", "float6")):
        return int(d.name[5])
    return d.itemsize * 8


def promote_types(a, b):
    """`jnp.promote_types`: promotion of two dtypes, both taken as strongly typed."""
    node = _join(_node(as_dtype(a), False), _node(as_dtype(b), False))
    # Strong uint64 with a signed int meets at the float category: JAX picks float64.
    return _dtype_of_node.get(node) or {"f*": float64, "i*": int64, "c*": complex128}[node]


_abstract_of_kind = {"f": (np.floating, np.inexact, np.number, np.generic),
                     "i": (np.signedinteger, np.integer, np.number, np.generic),
                     "u": (np.unsignedinteger, np.integer, np.number, np.generic)}
_abstract_types = {np.generic, np.number, np.inexact, np.floating, np.complexfloating,
                   np.integer, np.signedinteger, np.unsignedinteger, np.bool_, np.character,
                   np.flexible}


def _narrow_or_none(x):
    """The narrow dtype `x` names (a dtype, scalar type or name), else None; never imports."""
    if isinstance(x, str):
        return as_dtype(x) if x in NARROW_NAMES else None
    if isinstance(x, type) and x in _abstract_types:
        return None
    try:
        d = np.dtype(x)
    except TypeError:
        return None
    return d if kind(d) != "V" and d.kind == "V" else None


def issubdtype(a, b):
    """`jnp.issubdtype`: NumPy's, with ml_dtypes' types placed as JAX places them
    (`issubdtype(bfloat16, floating)` and `issubdtype(int4, signedinteger)` are True)."""
    extended_a = _extended_type(a) or (a if isinstance(a, type) and issubclass(a, extended)
                                        else None)
    if extended_a is not None or (isinstance(b, type) and issubclass(b, extended)):
        return (extended_a is not None and isinstance(b, type) and issubclass(extended_a, b)
                or a == b)
    if a is float0 or b is float0 or (isinstance(a, np.dtype) and a == float0):
        return a == b
    narrow_a, narrow_b = _narrow_or_none(a), _narrow_or_none(b)
    if narrow_b is not None:
        return narrow_a == narrow_b
    if narrow_a is not None:
        return isinstance(b, type) and b in _abstract_of_kind[kind(narrow_a)]
    return np.issubdtype(a, b)


def finfo(dtype):
    """`jnp.finfo`: NumPy's, or ml_dtypes' for the narrow floats."""
    d = _narrow_or_none(dtype)
    if d is None:
        return np.finfo(dtype)
    import ml_dtypes  # noqa: PLC0415 (optional dependency, loaded already for a narrow dtype)
    return ml_dtypes.finfo(d)


def iinfo(dtype):
    """`jnp.iinfo`: NumPy's, or ml_dtypes' for int4, uint4, int2, uint2."""
    d = _narrow_or_none(dtype)
    if d is None:
        return np.iinfo(dtype)
    import ml_dtypes  # noqa: PLC0415 (optional dependency, loaded already for a narrow dtype)
    return ml_dtypes.iinfo(d)


def is_float(dtype):
    return kind(as_dtype(dtype)) == "f"


def is_inexact(dtype):
    return kind(as_dtype(dtype)) in "fc"


def is_integer(dtype):
    return kind(as_dtype(dtype)) in "iu"


def to_inexact(dtype):
    """The float dtype an operation like sin/mean uses for `dtype`.

    As in JAX, integers up to 32 bits become float32 and 64-bit ones float64
    (so with x64 enabled, `jnp.sin` of an int32 array is float32)."""
    dtype = as_dtype(dtype)
    if kind(dtype) in "fc":
        return dtype
    return canonicalize_dtype(float64 if dtype.itemsize == 8 else float32)


def __getattr__(name):
    # `dtypes.bfloat16` etc.: the narrow dtypes, loading ml_dtypes on first use.
    if name in NARROW_NAMES:
        return narrow_dtype(name, attribute=f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
