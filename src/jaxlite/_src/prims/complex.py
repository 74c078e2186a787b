"""Complex parts: real, imag, conj and complex (building x + iy), as in jax.lax.

All four are linear. Their transpose rules follow JAX's convention: cotangents
pair with tangents through the bilinear form Re(sum(ct * t)), *without*
conjugation. So the transpose of real is ct -> ct + 0j, of imag ct -> -i ct,
of complex(x, y) ct -> (Re ct, -Im ct), and of conj ct -> conj(ct). One
consequence, which JAX documents: grad of a real-valued f at complex z is
df/dx - i df/dy, the conjugate of the steepest-ascent direction
(grad(lambda z: abs(z)**2)(z) == 2 * conj(z)).

The jax.lax functions on them are in lax/complex.py.
"""
import numpy as np

from .elementwise import define, neg_p
from .shape import unbroadcast
from .util import dtype_of, const_like
from ..ad import is_linear

_real_of = {np.dtype(np.complex64): np.dtype(np.float32),
            np.dtype(np.complex128): np.dtype(np.float64)}
_complex_of = {np.dtype(np.float32): np.dtype(np.complex64),
               np.dtype(np.float64): np.dtype(np.complex128)}


def _accepts(name, dtype, allowed, what):
    if dtype not in allowed:
        raise TypeError(f"{name} does not accept dtype {np.dtype(dtype).name}. Accepted dtypes "
                        f"are subtypes of {what}.")


def _real_dtype(dtype):
    _accepts("real", dtype, _real_of, "complexfloating")
    return _real_of[dtype]


def _imag_dtype(dtype):
    _accepts("imag", dtype, _real_of, "complexfloating")
    return _real_of[dtype]


def _complex_dtype(dtype):
    _accepts("complex", dtype, _complex_of, "float32, float64")
    return _complex_of[dtype]


def _conj_dtype(dtype):
    _accepts("conj", dtype, set(_complex_of) | set(_real_of), "float32, complexfloating, float64")
    return _complex_of.get(dtype, dtype)


def _checked(dtype_rule, impl):
    """An implementation that rejects dtypes as the shape rule does (NumPy would accept
    them silently): the TypeError makes the eval trace report the shape rule's message."""
    def checked(*args, **params):
        for a in args:
            dtype_rule(np.result_type(a))
        return impl(*args, **params)
    return checked


def _complex_impl(x, y):
    x, y = np.asarray(x), np.asarray(y)
    out = np.empty(np.broadcast_shapes(x.shape, y.shape), _complex_of[x.dtype])
    out.real = x
    out.imag = y
    return out


def _conj_impl(x, input_dtype=None):
    x = np.asarray(x)
    return np.conjugate(x).astype(_conj_dtype(x.dtype), copy=False)


def _zeros(x):
    """A strongly typed 0-d zero of x's dtype (as JAX's transposes use np.zeros)."""
    return np.zeros((), dtype_of(x))


real_p = define("real", _checked(_real_dtype, np.real), [lambda t, a, x: real_p.bind(t)],
                dtype_rule=_real_dtype, numpy_name="np.real",
                linear_transpose=lambda ct, x: [complex_p.bind(ct, _zeros(ct))])
imag_p = define("imag", _checked(_imag_dtype, np.imag), [lambda t, a, x: imag_p.bind(t)],
                dtype_rule=_imag_dtype, numpy_name="np.imag",
                linear_transpose=lambda ct, x: [complex_p.bind(_zeros(ct), neg_p.bind(ct))])


def _complex_transpose(ct, x, y):
    return [unbroadcast(real_p.bind(ct), x.aval.shape) if is_linear(x) else None,
            unbroadcast(imag_p.bind(neg_p.bind(ct)), y.aval.shape) if is_linear(y) else None]


complex_p = define("complex", _checked(_complex_dtype, _complex_impl),
                   [lambda t, a, x, y: complex_p.bind(t, const_like(t, 0)),
                    lambda t, a, x, y: complex_p.bind(const_like(t, 0), t)],
                   dtype_rule=_complex_dtype, linear_transpose=_complex_transpose)


def _conj_transpose(ct, x, input_dtype):
    if np.dtype(input_dtype).kind == "c":
        return [conj_p.bind(ct, input_dtype=input_dtype)]
    return [real_p.bind(ct)]


conj_p = define("conj", _checked(_conj_dtype, _conj_impl),
                [lambda t, a, x, input_dtype: conj_p.bind(t, input_dtype=input_dtype)],
                dtype_rule=_conj_dtype, linear_transpose=_conj_transpose)
conj_p.lower = lambda names, params, avals=None: (
    f"np.conjugate({names[0]})" if avals and avals[0].dtype.kind == "c" else None)
