"""jax.lax's special functions: thin wrappers over the primitives of prims/special.py
(operands of equal float dtype; Python scalars take the array operands' dtype)."""
from .. import dtypes
from .lax import _lax_operands
from ..conversion import asarray
from ..prims import special as sp


def _floats(name, operands):
    for x in operands:
        if not dtypes.is_float(x.dtype):
            raise TypeError(f"{name} does not accept dtype {x.dtype.name}. Accepted dtypes are "
                            "subtypes of floating.")
    return operands


def _unary(name, primitive, doc):
    def fn(x):
        return primitive.bind(*_floats(name, [asarray(x)]))
    fn.__name__ = name
    fn.__doc__ = doc
    return fn


def _nary(name, primitive, doc):
    def fn(*args):
        return primitive.bind(*_floats(name, _lax_operands(name, *args)))
    fn.__name__ = name
    fn.__doc__ = doc
    return fn


erf = _unary("erf", sp.erf_p, """Elementwise error function.

    >>> print(round(float(lax.erf(0.5)), 6))
    0.5205
    """)
erfc = _unary("erfc", sp.erfc_p, "Elementwise complementary error function 1 - erf(x).")
erf_inv = _unary("erf_inv", sp.erf_inv_p, "Elementwise inverse error function.")
lgamma = _unary("lgamma", sp.lgamma_p, "Elementwise log of the absolute value of Gamma(x).")
digamma = _unary("digamma", sp.digamma_p, "Elementwise digamma function d/dx lgamma(x).")
bessel_i0e = _unary("bessel_i0e", sp.bessel_i0e_p,
                    "Exponentially scaled modified Bessel function of order 0: exp(-|x|) I0(x).")
bessel_i1e = _unary("bessel_i1e", sp.bessel_i1e_p,
                    "Exponentially scaled modified Bessel function of order 1: exp(-|x|) I1(x).")
polygamma = _nary("polygamma", sp.polygamma_p, "Elementwise polygamma function of order m.")
zeta = _nary("zeta", sp.zeta_p, "Elementwise Hurwitz zeta function zeta(x, q).")
igamma = _nary("igamma", sp.igamma_p, "Regularized lower incomplete gamma function P(a, x).")
igammac = _nary("igammac", sp.igammac_p,
                "Regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x).")
igamma_grad_a = _nary("igamma_grad_a", sp.igamma_grad_a_p,
                      "Derivative of igamma(a, x) with respect to a.")
betainc = _nary("betainc", sp.regularized_incomplete_beta_p,
                "Regularized incomplete beta function I_x(a, b).")


def random_gamma_grad(a, x, *, dtype=None):
    """Derivative of a Gamma(a) sample x with respect to a (implicit reparameterization)."""
    return sp.random_gamma_grad_p.bind(*_floats("random_gamma_grad",
                                                _lax_operands("random_gamma_grad", a, x)))


__all__ = ["erf", "erfc", "erf_inv", "lgamma", "digamma", "bessel_i0e", "bessel_i1e",
           "polygamma", "zeta", "igamma", "igammac", "igamma_grad_a", "betainc",
           "random_gamma_grad"]
