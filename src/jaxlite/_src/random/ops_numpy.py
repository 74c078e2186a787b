"""The NumPy backend of the small array namespace the PRNG code is written on.

`threefry.py` never touches NumPy directly: every array operation it performs
goes through an *ops* object with exactly the names below.  This module
provides `ops`, an implementation on eager NumPy arrays; the core provides a
second one on jaxlite arrays (so the same samplers run under jit, vmap and
grad).  A backend must give each op the semantics written here -- these are
the semantics of the matching `jax.lax` operation, which is what makes the
samplers bit-identical to JAX.

Dtypes are NumPy dtype objects (or anything `np.dtype` accepts).  Shapes are
static Python tuples of ints.  Arrays expose `.shape` and `.dtype`.  No op
needs dtype promotion: operands of a binary op always share one dtype, and
constants are made with asarray(value, dtype), never passed as bare Python
scalars.  Binary and select ops broadcast like NumPy.

Creation and shape
  asarray(x, dtype)             array of `x` converted to `dtype` (as
                                convert_element_type); dtype None keeps x's.
  full(shape, value, dtype)     array of `shape` filled with `value`.
  iota(dtype, size)             [0, 1, ..., size-1] (lax.iota).
  reshape(x, shape)             row-major reshape.
  concatenate(xs, axis)         join along an existing axis.
  stack(xs, axis)               join along a new axis.
  index_axis(x, i, axis)        x[i] taken along `axis` (the axis is dropped);
                                i is a static int.
  slice_axis(x, start, stop, axis)  x[start:stop] along `axis` (static ints).
  broadcast_to(x, shape)        NumPy-style broadcast to `shape`.

Conversions
  convert_element_type(x, dtype)  value conversion.  Integer -> integer wraps
                                modulo 2**bits (two's complement); float ->
                                float rounds to nearest even; bool -> 0/1.
  bitcast_convert_type(x, dtype)  reinterpret the bits of each element as
                                `dtype`, which must have the same width.

Integer and bitwise (operands share an integer dtype; results wrap)
  add(x, y), subtract(x, y), multiply(x, y)     modulo 2**bits.
  rem(x, y)                     remainder truncating toward zero, with XLA's
                                rule that x rem 0 == x (randint relies on
                                it when the span wraps to 0).
  bitwise_and(x, y), bitwise_or(x, y), bitwise_xor(x, y)
  shift_left(x, n)              n >= bits gives 0.
  shift_right_logical(x, n)     unsigned shift; n >= bits gives 0.

Threefry
  threefry2x32(k0, k1, x0, x1)  (y0, y1): the Threefry-2x32 hash of the uint32
                                counter pairs (x0, x1) under the key (k0, k1),
                                all four broadcasting (prims/threefry.py).
  threefry2x32_xor(...)         y0 ^ y1 (32 random bits per counter).
  threefry2x32_stacked(...)     stack([y0, y1], -1) (a key per counter).
                                (On NumPy the kernel combines each block while
                                it is in the cache; traced, the same equations.)

Floating point (IEEE round-to-nearest-even in the operands' dtype)
  add, subtract, multiply, divide   as above, for floats.
  fma(x, y, z)                  x * y + z rounded ONCE.  XLA:CPU contracts a
                                multiply feeding an add into a fused
                                multiply-add (on FMA-capable x86-64, the usual
                                case), so matching JAX bit-for-bit needs it.
  sqrt(x), abs(x), negative(x)  sqrt correctly rounded.
  log(x)                        natural log; used for float64 only, where
                                XLA:CPU calls the C library's log (glibc's is
                                correctly rounded in practice, as is NumPy's).
  maximum(x, y), minimum(x, y)  elementwise; NaN handling is unspecified
                                (results never depend on it).

  (used by samplers.py)
  floor(x)                      round toward -inf.
  exp(x)                        e^x; used for float64 only (float32 is built
                                from the ops above as XLA:CPU computes it).
  tan(x)                        tangent; XLA:CPU's float32 and float64 tan
                                agree with NumPy's bit for bit.
  erf(x)                        the error function as XLA:CPU computes it
                                (its float32 approximation; the C library's
                                erf for float64).
  erf_inv(x)                    the inverse error function as XLA:CPU
                                computes it (lax.erf_inv; prims/erf_inv.py).
  nextafter(x, y)               the next float after x toward y.
  power(x, y)                   x ** y (the C library's pow, as XLA:CPU
                                calls for pow(x, 1/a) in the Gamma sampler).
  lgamma(x)                     log|Gamma(x)| (lax.lgamma).
  rsqrt(x)                      1/sqrt(x) correctly rounded (XLA:CPU's own
                                float32 rsqrt is within 2 ulps of it; matching
                                it exactly is not possible without the CPU's
                                reciprocal-sqrt estimate).

Control flow and reductions (used by samplers.py)
  any(x)                        whether any element of a boolean array is true
                                (a 0-d boolean).
  while_loop(cond, body, init)  lax.while_loop over a tuple of arrays.

Comparisons and selection (also valid for integers)
  less, less_equal, greater, equal(x, y)   elementwise -> bool.
  logical_and(x, y), logical_or(x, y), logical_not(x)   elementwise on bools.
  where(cond, x, y)             elementwise select (lax.select).
"""

from ..prims import numpy_ops
from ..prims.special_math import erf as _erf, erf_inv as _erf_inv, lgamma as _lgamma
from ..prims.threefry import threefry2x32_kernel


class NumpyOps(numpy_ops.NumpyOps):
    """The PRNG namespace on eager NumPy arrays (see the module docstring): XLA's
    exactly-rounded NumPy ops, plus the special functions the samplers need."""

    threefry2x32 = staticmethod(threefry2x32_kernel)

    @staticmethod
    def threefry2x32_xor(k0, k1, x0, x1):
        return threefry2x32_kernel(k0, k1, x0, x1, output="xor")

    @staticmethod
    def threefry2x32_stacked(k0, k1, x0, x1):
        return threefry2x32_kernel(k0, k1, x0, x1, output="stacked")

    @staticmethod
    def erf(x):
        return _erf(x)

    @staticmethod
    def erf_inv(x):
        return _erf_inv(x)

    @staticmethod
    def lgamma(x):
        return _lgamma(x)


ops = NumpyOps()
