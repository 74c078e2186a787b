"""Elementwise primitives rounded once, as XLA:CPU computes them: fma (x * y + z, the
fused multiply-add XLA:CPU contracts a multiply feeding an add into, which JAX's
erf_inv polynomial relies on) and rsqrt_rounded (1/sqrt(x) rounded once, where
lax.rsqrt may round twice; the Gamma sampler needs it). Their NumPy kernels are
numpy_ops.py's; the samplers bind them through random/ops_lax.py.

    >>> from jaxlite._src.prims.rounded import fma_p
    >>> fma_p.bind(np.float32(0.1), np.float32(10.0), np.float32(-1.0))
    Array(1.4901161e-08, dtype=float32)
"""
import numpy as np

from .elementwise import define, mul_p, div_p
from .numpy_ops import ops as _numpy_ops
from .util import const_like

fma_p = define(
    "fma", lambda x, y, z: _numpy_ops.fma(x, y, z),
    [lambda t, a, x, y, z: mul_p.bind(t, y), lambda t, a, x, y, z: mul_p.bind(x, t),
     lambda t, a, x, y, z: t], returns_output_dtype=True)

rsqrt_rounded_p = define(
    "rsqrt_rounded", lambda x: _numpy_ops.rsqrt(x),
    [lambda t, a, x: mul_p.bind(t, mul_p.bind(const_like(a, -0.5), div_p.bind(a, x)))],
    returns_output_dtype=True)


# The fused tier's fma (compiler/fusion.py): float32 only, as numpy_ops computes it. The
# float32 product is exact in float64, so only the float64 sum s rounds before r, its
# rounding to float32. That double rounding errs only where s lies exactly halfway
# between r and the neighbour `other` = r + 2 (s - r) (then a float32) and the float64
# sum was inexact (TwoSum's error != 0): the exact value is then on the error's side of
# s, which is `other`'s side when the error and s - r have one sign. Float arithmetic
# and one select, so that fused loops vectorize.
_FMA_FLOAT32_SOURCE = """
def fma_float32(x, y, z):
    p = np.float64(x) * np.float64(y)
    w = np.float64(z)
    s = p + w
    b = s - p
    error = (p - (s - b)) + (w - b)
    r = np.float32(s)
    m = np.float64(r)
    d = s - m
    other = m + 2.0 * d
    midpoint = (d != 0.0) & (np.float64(np.float32(other)) == other)
    return np.float32(other) if midpoint & (error != 0.0) & ((error > 0.0) == (d > 0.0)) else r
"""


def _fma_code(x, params, avals, out):
    if out.dtype != np.float32 or any(a.dtype != np.float32 for a in avals):
        return None
    return f"fma_float32({x[0]}, {x[1]}, {x[2]})"


fma_p.scalar_code = _fma_code
fma_p.scalar_helpers = {"fma_float32": _FMA_FLOAT32_SOURCE}
