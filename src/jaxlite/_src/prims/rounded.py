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

from ..jaxpr import Eqn
from .compiler_rules import literal_is
from .elementwise import define, add_p, mul_p, div_p
from .numpy_ops import ops as _numpy_ops
from .util import const_like



def _times_one_as_add(eqn, ctx):
    """fma(x, 1, z) -> x + z (and fma(1, y, z)): the product is exact, so the one rounding
    is the add's. uniform's scale, maxval - minval, is 1 by default."""
    x, y, z = eqn.inputs
    for factor, other in ((y, x), (x, y)):
        if literal_is(factor, 1) and other.aval.shape == eqn.outputs[0].aval.shape:
            return Eqn(add_p, [other, z], {}, eqn.outputs, eqn.source)
    return None


fma_p = define(
    "fma", lambda x, y, z: _numpy_ops.fma(x, y, z),
    [lambda t, a, x, y, z: mul_p.bind(t, y), lambda t, a, x, y, z: mul_p.bind(x, t),
     lambda t, a, x, y, z: t], returns_output_dtype=True, simplify=[_times_one_as_add])

rsqrt_rounded_p = define(
    "rsqrt_rounded", lambda x: _numpy_ops.rsqrt(x),
    [lambda t, a, x: mul_p.bind(t, mul_p.bind(const_like(a, -0.5), div_p.bind(a, x)))],
    returns_output_dtype=True)


# The fused tier's fma (compiler/fusion.py), float32: LLVM's fma intrinsic, which is the
# correctly rounded x * y + z on every target (one instruction where the CPU has FMA,
# else the C library's fmaf), so the same bits as numpy_ops' exact emulation, and XLA's
# contracted multiply-add.
_FMA_FLOAT32_SOURCE = """
@numba.extending.intrinsic
def fma_float32(typing_context, x, y, z):
    float32 = numba.types.float32
    if not (x == y == z == float32):
        return None

    def codegen(context, builder, signature, args):
        return builder.fma(*args)
    return float32(float32, float32, float32), codegen
"""


def _fma_code(x, params, avals, out):
    if out.dtype != np.float32 or any(a.dtype != np.float32 for a in avals):
        return None
    return f"fma_float32({x[0]}, {x[1]}, {x[2]})"


fma_p.scalar_code = _fma_code
fma_p.scalar_helpers = {"fma_float32": _FMA_FLOAT32_SOURCE}
