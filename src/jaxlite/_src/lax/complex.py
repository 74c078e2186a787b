"""jax.lax's complex-number functions: real, imag, conj and complex, on the primitives of
prims/complex.py (which hold their rules)."""
from .. import core
from ..conversion import asarray
from ..prims.complex import real_p, imag_p, conj_p, complex_p
from .lax import _lax_operands


def real(x):
    """`lax.real`: the real part of a complex array (a real array of matching precision)."""
    return real_p.bind(_operand(x))


def imag(x):
    """`lax.imag`: the imaginary part of a complex array."""
    return imag_p.bind(_operand(x))


def conj(x):
    """`lax.conj`: the complex conjugate; real floating inputs become complex."""
    x = _operand(x)
    return conj_p.bind(x, input_dtype=core.get_aval(x).dtype)


def complex(x, y):
    """`lax.complex`: x + iy from two real arrays of one floating dtype.

    >>> lax.complex(1., 2.)
    Array(1.+2.j, dtype=complex64, weak_type=True)
    """
    return complex_p.bind(*_lax_operands("complex", x, y))


def _operand(x):
    return asarray(x)
