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


def canonicalize_dtype(dtype):
    """The dtype JAX actually uses for `dtype` under the current x64 setting."""
    dtype = np.dtype(dtype)
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


# ---- JAX's promotion lattice -------------------------------------------------
# Nodes are dtypes plus the weak categories "i*", "f*", "c*". Each node lists
# the nodes directly above it; the result of promotion is the least upper bound.
_edges = {
    "b1": ["i*"],
    "i*": ["u8", "i8"],
    "u8": ["i16", "u16"], "u16": ["i32", "u32"], "u32": ["i64", "u64"], "u64": ["f*"],
    "i8": ["i16"], "i16": ["i32"], "i32": ["i64"], "i64": ["f*"],
    "f*": ["bf16", "f16", "c*"],
    "bf16": ["f32"], "f16": ["f32"], "f32": ["f64", "c64"], "f64": ["c128"],
    "c*": ["c64"], "c64": ["c128"], "c128": [],
}
_node_of_dtype = {bool_: "b1", int8: "i8", int16: "i16", int32: "i32", int64: "i64",
                  uint8: "u8", uint16: "u16", uint32: "u32", uint64: "u64",
                  float16: "f16", float32: "f32", float64: "f64",
                  complex64: "c64", complex128: "c128"}
try:  # bfloat16 exists only where ml_dtypes is installed
    import ml_dtypes as _ml_dtypes
    bfloat16 = np.dtype(_ml_dtypes.bfloat16)
    _node_of_dtype[bfloat16] = "bf16"
except ImportError:
    bfloat16 = None
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
    raise TypeError(f"no common type for {a} and {b}")


_join_cache = {}


def _node(dtype, weak):
    if weak:
        kind = dtype.kind
        if kind in "iu":
            return "i*"
        if kind == "f":
            return "f*"
        if kind == "c":
            return "c*"
    return _node_of_dtype[dtype]


def promote(dtype_a, weak_a, dtype_b, weak_b):
    """(dtype, weak_type) of combining two typed values, as JAX does."""
    key = (dtype_a, weak_a, dtype_b, weak_b, flags.jax_enable_x64)
    hit = _join_cache.get(key)
    if hit is not None:
        return hit
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
        return canonicalize_dtype(np.dtype(x)), False
    if isinstance(x, type) and x in _python_scalar_kinds:
        return default_dtype_for_kind(_python_scalar_kinds[x]), x is not bool
    return dtype_and_weak(x)


def result_type(*args):
    """`jnp.result_type`: the dtype that combining `args` produces."""
    if not args:
        raise ValueError("at least one array or dtype is required")
    dtype, weak = _as_dtype_spec(args[0])
    for a in args[1:]:
        dtype, weak = promote(dtype, weak, *_as_dtype_spec(a))
    return dtype


def promote_types(a, b):
    """`jnp.promote_types`: promotion of two dtypes, both taken as strongly typed."""
    da, db = np.dtype(a), np.dtype(b)
    node = _join(_node_of_dtype[da], _node_of_dtype[db])
    # Strong uint64 with a signed int meets at the float category: JAX picks float64.
    return _dtype_of_node.get(node) or {"f*": float64, "i*": int64, "c*": complex128}[node]


def issubdtype(a, b):
    return np.issubdtype(a, b)


def is_float(dtype):
    return np.dtype(dtype).kind == "f" or dtype == bfloat16


def is_inexact(dtype):
    return np.dtype(dtype).kind in "fc" or dtype == bfloat16


def is_integer(dtype):
    return np.dtype(dtype).kind in "iu"


def to_inexact(dtype):
    """The float dtype an operation like sin/mean uses for `dtype`.

    As in JAX, integers up to 32 bits become float32 and 64-bit ones float64
    (so with x64 enabled, `jnp.sin` of an int32 array is float32)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "fc" or dtype == bfloat16:
        return dtype
    return canonicalize_dtype(float64 if dtype.itemsize == 8 else float32)
