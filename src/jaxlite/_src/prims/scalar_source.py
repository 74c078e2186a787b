"""An ops namespace (xla_math.py's convention) that writes a kernel as scalar Python
source for Numba: running an XLA-exact kernel such as erf_inv's over it gives the fused
tier's helper for one element (compiler/fusion.py's `scalar_helpers`), the same
arithmetic as the NumPy kernel, op for op, instead of a second hand-written copy.

Float32 stays float32 in Numba (no fast-math, so no contraction); each fma is LLVM's
correctly rounded one (rounded.py's `fma_float32`); integer results are wrapped to their
dtype, since Numba widens integer arithmetic. Only the ops the float32 kernels use exist.

    >>> from jaxlite._src.prims.scalar_source import kernel_source
    >>> from jaxlite._src.prims.xla_math import _log1p_f32
    >>> print(kernel_source("log1p_float32", _log1p_f32, np.float32))  # doctest: +ELLIPSIS
    log1p_float32_c0 = np.float32(4.527000055531971e-05)
    ...
    @numba.njit(nogil=True, inline='always')
    def log1p_float32(x):
        v0 = x * x
        v1 = fma_float32(log1p_float32_c0, x, log1p_float32_c1)
    ...
"""
import numpy as np

from .compiler_rules import constant


class _Value:
    """A named scalar of the generated code, with its dtype."""

    def __init__(self, name, dtype):
        self.name, self.dtype = name, np.dtype(dtype)
        self.shape = ()


class ScalarSource:
    def __init__(self, prefix):
        self.lines = []
        self.constants = {}  # source text -> global name (Numba freezes globals)
        self.prefix = prefix

    def _emit(self, expr, dtype):
        dtype = np.dtype(dtype)
        if dtype.kind in "iu":
            expr = f"np.{dtype.name}({expr})"
        value = _Value(f"v{len(self.lines)}", dtype)
        self.lines.append(f"    {value.name} = {expr}")
        return value

    # -- constants and conversions
    def asarray(self, value, dtype=None):
        if isinstance(value, _Value):
            return value if dtype is None else self.convert_element_type(value, dtype)
        dtype = np.dtype(dtype if dtype is not None else np.asarray(value).dtype)
        text = constant(value, dtype)
        if text not in self.constants:
            self.constants[text] = f"{self.prefix}_c{len(self.constants)}"
        return _Value(self.constants[text], dtype)

    def convert_element_type(self, x, dtype):
        return self._emit(f"np.{np.dtype(dtype).name}({x.name})", dtype)

    def bitcast_convert_type(self, x, dtype):
        return self._emit(f"np.{x.dtype.name}({x.name}).view(np.{np.dtype(dtype).name})", dtype)

    # -- arithmetic
    def _infix(self, symbol, x, y):
        return self._emit(f"{x.name} {symbol} {y.name}", x.dtype)

    def add(self, x, y):
        return self._infix("+", x, y)

    def subtract(self, x, y):
        return self._infix("-", x, y)

    def multiply(self, x, y):
        return self._infix("*", x, y)

    def divide(self, x, y):
        return self._infix("/", x, y)

    def bitwise_and(self, x, y):
        return self._infix("&", x, y)

    def bitwise_or(self, x, y):
        return self._infix("|", x, y)

    def shift_right_logical(self, x, n):  # constant amounts below the width only
        return self._infix(">>", x, n)

    def negative(self, x):
        return self._emit(f"-{x.name}", x.dtype)

    def abs(self, x):
        return self._emit(f"abs({x.name})", x.dtype)

    def sqrt(self, x):
        return self._emit(f"np.sqrt({x.name})", x.dtype)

    def fma(self, x, y, z):
        if not x.dtype == y.dtype == z.dtype == np.float32:
            raise NotImplementedError("scalar fma is generated for float32 only")
        return self._emit(f"fma_float32({x.name}, {y.name}, {z.name})", x.dtype)

    def maximum(self, x, y):  # NumPy's: the first NaN propagates
        return self._emit(f"({x.name} if ({x.name} > {y.name} or {x.name} != {x.name}) "
                          f"else {y.name})", x.dtype)

    # -- comparisons and selection
    def less(self, x, y):
        return self._emit(f"{x.name} < {y.name}", np.bool_)

    def equal(self, x, y):
        return self._emit(f"{x.name} == {y.name}", np.bool_)

    def where(self, cond, x, y):
        return self._emit(f"({x.name} if {cond.name} else {y.name})", x.dtype)


def kernel_source(name, kernel, dtype, numba=True):
    """Numba source of `name(x)`: `kernel(ops, x)` for one scalar x of `dtype`. With
    numba=False, the same function undecorated: plain Python on NumPy scalars (whose
    float32 arithmetic rounds as the arrays' does), given an `fma_float32` to call."""
    ops = ScalarSource(name)
    out = kernel(ops, _Value("x", dtype))
    lines = [f"{global_name} = {text}" for text, global_name in ops.constants.items()]
    # Inlined into the fused loop (Numba's IR inlining): as a call per element the loop
    # neither vectorizes nor hoists, ~13x slower.
    decorator = ["@numba.njit(nogil=True, inline='always')"] if numba else []
    lines += ["", "", *decorator, f"def {name}(x):"] + ops.lines
    lines.append(f"    return {out.name}")
    return "\n".join(lines) + "\n"
