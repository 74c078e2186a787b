"""Special-function primitives: erf, erfc, erf_inv, erfcx, log_ndtr, lgamma, digamma, polygamma, zeta,
igamma, igammac, igamma_grad_a, random_gamma_grad, regularized_incomplete_beta,
bessel_i0e, bessel_i1e -- JAX's lax primitives of the same names -- and erfcx,
log_ndtr, xlogx, xlogy, xlog1py (JAX defines those with custom JVPs in
jax.scipy.special; here they are primitives with JAX's derivative rules).

The NumPy kernels live in special_math.py; this module gives each primitive its
shape/dtype rule, JVP (JAX's rules) and batching rule, through elementwise.define.
"""
import numpy as np

from .. import core, dtypes
from ..ad import instantiate, jvp_flat
from . import special_math as kernels, special_math_incomplete as incomplete
from .erf_inv import scalar_helper as _erf_inv_scalar_helper
from .cumulative import cumprod_p
from .reduce import reduce_sum_p
from .shape import iota_p, reshape_p, slice_p
from .elementwise import define, add_p, sub_p, mul_p, div_p, neg_p, sign_p, select_n_p, gt_p, min_p
from .transcendental import exp_p, log_p, log1p_p, abs_p, pow_p
from .util import const_like, shape_of


def _float_only(name):
    def rule(dtype):
        if not dtypes.is_float(dtype):
            raise TypeError(f"{name} does not accept dtype {np.dtype(dtype).name}. Accepted "
                            "dtypes are subtypes of floating.")
        return dtype
    return rule


def _special(name, impl, jvps):
    return define(name, impl, jvps, dtype_rule=_float_only(name))


def _mul(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = mul_p.bind(out, x)
    return out


def _not_differentiable(message):
    def rule(t, ans, *primals):
        raise ValueError(message)
    return rule


# ---- error function family -----------------------------------------------------------------
def _gaussian(x):
    return exp_p.bind(neg_p.bind(mul_p.bind(x, x)))


erf_p = _special("erf", kernels.erf, [
    lambda t, ans, x: _mul(const_like(x, 2 / np.sqrt(np.pi)), t, _gaussian(x))])
erfc_p = _special("erfc", kernels.erfc, [
    lambda t, ans, x: _mul(const_like(x, -2 / np.sqrt(np.pi)), t, _gaussian(x))])
erf_inv_p = _special("erf_inv", kernels.erf_inv, [
    lambda t, ans, x: _mul(const_like(x, np.sqrt(np.pi) / 2), t,
                           exp_p.bind(mul_p.bind(ans, ans)))])
# The fused tier's float32 erf_inv: the kernel's own ops, as one scalar Numba function.
erf_inv_p.scalar_code = lambda x, params, avals, out: (
    f"erf_inv_float32({x[0]})" if avals[0].dtype == np.float32 else None)
erf_inv_p.scalar_helpers = _erf_inv_scalar_helper()
erf_inv_p.fusion_weight = 30  # ~30 fused multiply-adds: worth a loop on its own

erfcx_p = _special("erfcx", kernels.erfcx, [
    lambda t, ans, x: mul_p.bind(t, sub_p.bind(_mul(const_like(x, 2), x, ans),
                                               const_like(x, 2 / np.sqrt(np.pi))))])
# log_ndtr: JAX's custom JVP, exp(log pdf(x) - log_ndtr(x)), stable in both tails.
log_ndtr_p = _special("log_ndtr", kernels.log_ndtr, [
    lambda t, ans, x: mul_p.bind(t, exp_p.bind(sub_p.bind(
        sub_p.bind(_mul(const_like(x, -0.5), x, x), const_like(x, 0.5 * np.log(2 * np.pi))),
        ans)))])

# ---- gamma function family ------------------------------------------------------------------
lgamma_p = _special("lgamma", kernels.lgamma, [
    lambda t, ans, x: mul_p.bind(t, digamma_p.bind(x))])
digamma_p = _special("digamma", kernels.digamma, [
    lambda t, ans, x: mul_p.bind(t, polygamma_p.bind(const_like(x, 1), x))])
polygamma_p = _special("polygamma", kernels.polygamma, [
    _not_differentiable("polygamma gradient with respect to m is not supported"),
    lambda t, ans, m, x: mul_p.bind(t, polygamma_p.bind(add_p.bind(m, const_like(m, 1)), x))])
def _zeta_series(s, a):
    """Hurwitz zeta by Euler-Maclaurin with N = M = 8 (float32) or 16 terms (Johansson,
    "Rigorous high-precision computation of the Hurwitz zeta function and its
    derivatives", 2015, formula 5): JAX differentiates this series for d/dx zeta(x, q).
    Written with primitives (the operations jnp would bind), so its JVP is the same."""
    dtype = np.dtype(core.get_aval(a).dtype)
    n = 8 if dtype == np.float32 else 16
    c = lambda value: const_like(a, value)  # noqa: E731
    s_, a_ = _expand_last(s), _expand_last(a)
    k = iota_p.bind(dtype=dtype, shape=(n,), dimension=0)
    total = _sum_last(pow_p.bind(add_p.bind(a_, k), neg_p.bind(s_)))
    a_n = add_p.bind(a, c(n))
    integral = div_p.bind(pow_p.bind(a_n, sub_p.bind(c(1), s)), sub_p.bind(s, c(1)))
    t0 = pow_p.bind(a_n, neg_p.bind(s))
    m = iota_p.bind(dtype=dtype, shape=(2 * n,), dimension=0)
    t1 = cumprod_p.bind(div_p.bind(add_p.bind(s_, m), add_p.bind(a_, c(n))),
                        axis=len(shape_of(t0)), reverse=False)
    t1 = _every_other_last(t1)
    t1 = min_p.bind(t1, c(np.finfo(dtype).max))
    coefficients = np.array([kernels._ZETA_EULER_MACLAURIN[i] for i in range(n)], dtype)
    tail = mul_p.bind(t0, add_p.bind(c(0.5), _sum_last(div_p.bind(t1, coefficients))))
    return add_p.bind(add_p.bind(total, integral), tail)


def _expand_last(x):
    return reshape_p.bind(x, new_sizes=tuple(shape_of(x)) + (1,), dimensions=None)


def _sum_last(x):
    return reduce_sum_p.bind(x, axes=(len(shape_of(x)) - 1,))


def _every_other_last(x):
    shape = tuple(shape_of(x))
    return slice_p.bind(x, start_indices=(0,) * len(shape), limit_indices=shape,
                        strides=(1,) * (len(shape) - 1) + (2,))


def _zeta_dx(t, ans, s, q):
    _, (tangent,) = jvp_flat(lambda s: [_zeta_series(s, q)], [s], [t])
    return instantiate(tangent)


zeta_p = _special("zeta", kernels.zeta, [
    _zeta_dx,
    lambda t, ans, s, q: _mul(neg_p.bind(s), zeta_p.bind(add_p.bind(s, const_like(s, 1)), q),
                              t)])


def _igamma_dx(a, x):
    """d/dx igamma(a, x) = exp(-x + (a - 1) log x - lgamma(a))."""
    log_density = sub_p.bind(add_p.bind(neg_p.bind(x), mul_p.bind(
        sub_p.bind(a, const_like(a, 1)), log_p.bind(x))), lgamma_p.bind(a))
    return exp_p.bind(log_density)


igamma_grad_a_p = _special("igamma_grad_a", incomplete.igamma_grad_a, None)
random_gamma_grad_p = _special("random_gamma_grad", incomplete.random_gamma_grad, None)
igamma_p = _special("igamma", incomplete.igamma, [
    lambda t, ans, a, x: mul_p.bind(t, igamma_grad_a_p.bind(a, x)),
    lambda t, ans, a, x: mul_p.bind(t, _igamma_dx(a, x))])
igammac_p = _special("igammac", incomplete.igammac, [
    lambda t, ans, a, x: neg_p.bind(mul_p.bind(t, igamma_grad_a_p.bind(a, x))),
    lambda t, ans, a, x: neg_p.bind(mul_p.bind(t, _igamma_dx(a, x)))])


def _betainc_dx(t, ans, a, b, x):
    one = const_like(a, 1)
    lbeta = sub_p.bind(add_p.bind(lgamma_p.bind(a), lgamma_p.bind(b)),
                       lgamma_p.bind(add_p.bind(a, b)))
    log_density = sub_p.bind(add_p.bind(
        mul_p.bind(sub_p.bind(b, one), log1p_p.bind(neg_p.bind(x))),
        mul_p.bind(sub_p.bind(a, one), log_p.bind(x))), lbeta)
    return mul_p.bind(t, exp_p.bind(log_density))


_betainc_ab = _not_differentiable("Betainc gradient with respect to a and b not supported.")
regularized_incomplete_beta_p = _special("regularized_incomplete_beta", incomplete.betainc,
                                         [_betainc_ab, _betainc_ab, _betainc_dx])

# ---- Bessel functions ------------------------------------------------------------------------
bessel_i0e_p = _special("bessel_i0e", incomplete.bessel_i0e, [
    lambda t, ans, x: mul_p.bind(t, sub_p.bind(bessel_i1e_p.bind(x),
                                               mul_p.bind(sign_p.bind(x), ans)))])


def _bessel_i1e_jvp(t, ans, x):
    eps = const_like(x, np.finfo(x.dtype if hasattr(x, "dtype") else np.float64).eps)
    not_tiny = gt_p.bind(abs_p.bind(x), eps)
    safe_x = select_n_p.bind(not_tiny, eps, x)
    derivative = sub_p.bind(bessel_i0e_p.bind(safe_x), mul_p.bind(
        ans, add_p.bind(sign_p.bind(safe_x), div_p.bind(const_like(x, 1), safe_x))))
    derivative = select_n_p.bind(not_tiny, const_like(x, 0.5), derivative)
    return mul_p.bind(t, derivative)


bessel_i1e_p = _special("bessel_i1e", incomplete.bessel_i1e, [_bessel_i1e_jvp])


# ---- x log y, x log(1 + y) ------------------------------------------------------------------------
def _xlogy_impl(x, y):
    with np.errstate(all="ignore"):
        out = np.asarray(x * np.log(y))
        # NaN in y propagates even where x == 0 (as SciPy and JAX do).
        return np.where((x == 0) & ~np.isnan(y), np.zeros((), out.dtype), out)


def _xlog1py_impl(x, y):
    with np.errstate(all="ignore"):
        out = np.asarray(x * np.log1p(y))
        return np.where((x == 0) & ~np.isnan(y), np.zeros((), out.dtype), out)


def _xlogx_impl(x):
    with np.errstate(all="ignore"):
        out = np.asarray(x * np.log(x))
        return np.where(x == 0, np.zeros((), out.dtype), out)


# x log x with JAX's derivative log(x) + 1 (-inf at 0), for entr and rel_entr.
xlogx_p = define("xlogx", _xlogx_impl, [
    lambda t, ans, x: mul_p.bind(t, add_p.bind(log_p.bind(x), const_like(x, 1)))],
    returns_output_dtype=True)
xlogy_p = define("xlogy", _xlogy_impl, [
    lambda t, ans, x, y: mul_p.bind(t, log_p.bind(y)),
    lambda t, ans, x, y: mul_p.bind(t, div_p.bind(x, y))], returns_output_dtype=True)
xlog1py_p = define("xlog1py", _xlog1py_impl, [
    lambda t, ans, x, y: mul_p.bind(t, log1p_p.bind(y)),
    lambda t, ans, x, y: mul_p.bind(t, div_p.bind(x, add_p.bind(y, const_like(y, 1))))],
    returns_output_dtype=True)
