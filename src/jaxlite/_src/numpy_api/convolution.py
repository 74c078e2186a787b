"""jax.numpy.convolve and jax.numpy.correlate: 1-D, as conv_general_dilated
(modes 'full', 'same', 'valid'; inputs promoted to inexact unless
preferred_element_type is given, as in JAX)."""
from ..prims.shape import reshape_p, rev_p
from .. import lax as lax_modules  # convolution loads at first use (PEP 562)
from ..conversion import asarray, promote, promote_inexact, check_arraylike
from .ufuncs import conjugate


def _conv(x, y, mode, op, precision, preferred_element_type):
    check_arraylike(op, x, y)
    x, y = asarray(x), asarray(y)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"{op}() only support 1-dimensional inputs.")
    x, y = promote_inexact(x, y) if preferred_element_type is None else promote(x, y)
    if x.shape[0] == 0 or y.shape[0] == 0:
        raise ValueError(f"{op}: inputs cannot be empty, got shapes {x.shape} and {y.shape}.")
    reverse_output = False
    if op == "correlate":
        if y.dtype.kind == "c":
            y = conjugate(y)
        if x.shape[0] < y.shape[0]:
            x, y = y, x
            reverse_output = True
    else:
        if x.shape[0] < y.shape[0]:
            x, y = y, x
        y = rev_p.bind(y, dimensions=(0,))
    n = y.shape[0]
    if mode == "valid":
        padding = [(0, 0)]
    elif mode == "same":
        padding = [(n // 2, n - n // 2 - 1)]
    elif mode == "full":
        padding = [(n - 1, n - 1)]
    else:
        raise ValueError("mode must be one of ['full', 'same', 'valid']")
    out = lax_modules.convolution.conv_general_dilated(
        reshape_p.bind(x, new_sizes=(1, 1, x.shape[0])), reshape_p.bind(y, new_sizes=(1, 1, n)),
        (1,), padding, precision=precision, preferred_element_type=preferred_element_type)
    out = reshape_p.bind(out, new_sizes=(out.shape[-1],))
    return rev_p.bind(out, dimensions=(0,)) if reverse_output else out


def convolve(a, v, mode="full", *, precision=None, preferred_element_type=None):
    """Discrete 1-D convolution of `a` and `v`.

    >>> jnp.convolve(jnp.array([1., 2., 3.]), jnp.array([0., 1., 0.5]))
    Array([0. , 1. , 2.5, 4. , 1.5], dtype=float32)
    """
    return _conv(a, v, mode, "convolve", precision, preferred_element_type)


def correlate(a, v, mode="valid", *, precision=None, preferred_element_type=None):
    """Cross-correlation of the 1-D arrays `a` and `v` (v conjugated, as NumPy).

    >>> jnp.correlate(jnp.array([1., 2., 3.]), jnp.array([0., 1., 0.5]), mode="same")
    Array([2. , 3.5, 3. ], dtype=float32)
    """
    return _conv(a, v, mode, "correlate", precision, preferred_element_type)
