"""The PRNG namespace (see ops_numpy's docstring) on jaxlite arrays.

With this backend the samplers of threefry.py trace like any jax.numpy code,
so they run under jit, vmap and grad. Each op is the matching lax operation.
"""
from ..lax import lax
from ..numpy_api import shapes, creation
from ..conversion import asarray as _asarray
from ..prims.rounded import fma_p, rsqrt_rounded_p
from ..prims.special import erf_inv_p, erf_p, lgamma_p
from ..prims.threefry import threefry2x32_p
from ..lax.control_flow import while_loop as _while_loop


class LaxOps:
    @staticmethod
    def asarray(x, dtype=None):
        return _asarray(x, dtype)

    @staticmethod
    def full(shape, value, dtype):
        return creation.full(tuple(shape), value, dtype)

    @staticmethod
    def iota(dtype, size):
        return lax.iota(dtype, size)

    @staticmethod
    def reshape(x, shape):
        return shapes.reshape(x, tuple(shape))

    @staticmethod
    def broadcast_to(x, shape):
        return shapes.broadcast_to(x, tuple(shape))

    @staticmethod
    def concatenate(xs, axis=0):
        return shapes.concatenate(list(xs), axis=axis)

    @staticmethod
    def stack(xs, axis=0):
        return shapes.stack(list(xs), axis=axis)

    @staticmethod
    def index_axis(x, i, axis):
        return lax.index_in_dim(x, i, axis, keepdims=False)

    @staticmethod
    def slice_axis(x, start, stop, axis):
        return lax.slice_in_dim(x, start, stop, 1, axis)

    @staticmethod
    def convert_element_type(x, dtype):
        return lax.convert_element_type(x, dtype)

    bitcast_convert_type = staticmethod(lax.bitcast_convert_type)
    add = staticmethod(lax._adopting.add)
    subtract = staticmethod(lax._adopting.sub)
    multiply = staticmethod(lax._adopting.mul)
    divide = staticmethod(lax._adopting.div)
    rem = staticmethod(lax._adopting.rem)
    bitwise_and = staticmethod(lax._adopting.bitwise_and)
    bitwise_or = staticmethod(lax._adopting.bitwise_or)
    bitwise_xor = staticmethod(lax._adopting.bitwise_xor)
    shift_left = staticmethod(lax._adopting.shift_left)
    shift_right_logical = staticmethod(lax._adopting.shift_right_logical)

    @staticmethod
    def threefry2x32(k0, k1, x0, x1):
        return threefry2x32_p.bind(k0, k1, x0, x1)

    @classmethod
    def threefry2x32_xor(cls, k0, k1, x0, x1):
        return cls.bitwise_xor(*cls.threefry2x32(k0, k1, x0, x1))

    @classmethod
    def threefry2x32_stacked(cls, k0, k1, x0, x1):
        return cls.stack(list(cls.threefry2x32(k0, k1, x0, x1)), -1)

    @staticmethod
    def fma(x, y, z):
        x, y, z = lax._lax_operands("fma", x, y, z)
        return fma_p.bind(x, y, z)

    sqrt = staticmethod(lax.sqrt)
    floor = staticmethod(lax.floor)
    exp = staticmethod(lax.exp)
    tan = staticmethod(lax.tan)
    nextafter = staticmethod(lax._adopting.nextafter)

    @staticmethod
    def erf(x):
        return erf_p.bind(x)

    @staticmethod
    def erf_inv(x):
        return erf_inv_p.bind(x)

    @staticmethod
    def power(x, y):
        return lax._adopting.pow(x, y)

    @staticmethod
    def lgamma(x):
        return lgamma_p.bind(x)

    @staticmethod
    def rsqrt(x):
        return rsqrt_rounded_p.bind(x)

    @staticmethod
    def any(x):
        return lax.reduce_or(x, tuple(range(len(x.shape))))

    @staticmethod
    def while_loop(cond, body, init):
        return _while_loop(cond, body, init)

    log = staticmethod(lax.log)
    abs = staticmethod(lax.abs)
    negative = staticmethod(lax.neg)
    maximum = staticmethod(lax._adopting.max)
    minimum = staticmethod(lax._adopting.min)
    less = staticmethod(lax._adopting.lt)
    less_equal = staticmethod(lax._adopting.le)
    greater = staticmethod(lax._adopting.gt)
    equal = staticmethod(lax._adopting.eq)
    logical_and = staticmethod(lax._adopting.bitwise_and)
    logical_or = staticmethod(lax._adopting.bitwise_or)
    logical_not = staticmethod(lax.bitwise_not)

    @staticmethod
    def where(cond, x, y):
        return lax._adopting.select(cond, x, y)


ops = LaxOps()
