"""Special functions as lax primitives (prims/special.py, prims/special_math.py): accuracy
against SciPy over wide ranges, JAX's special values, one op-table row per lax function
(values, jit, vmap, JVP/VJP against finite differences), and the constants of the kernels.
The jax.scipy.special / jax.scipy.stats rows are in tests/scipy/test_scipy_special.py;
JAX's own values are in test_golden_expressions."""
import math
from fractions import Fraction

import numpy as np
import pytest
import scipy.special as sc

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
import jaxlite.scipy.special as special
from jaxlite._src.prims import special_math
from jaxlite._src.scipy.special import bernoulli_numbers

from op_table import Op, Arg, check_op, op_id

RNG = np.random.default_rng(1234)


def _wide(n=4000):
    return np.concatenate([RNG.uniform(-6, 6, n), RNG.uniform(-40, 40, n // 4),
                           10.0 ** RNG.uniform(-12, 2, n // 4),
                           [0.0, -0.0, 1.0, -1.0, 0.5, 26.0, -26.0, np.inf, -np.inf, np.nan]])


def _positive(n=4000):
    return np.concatenate([10.0 ** RNG.uniform(-8, 8, n), RNG.uniform(0, 20, n // 2),
                           [1.0, 2.0, 3.0, 0.5, 1e300, np.inf, np.nan]])


def assert_close(got, want, rtol, atol=0.0):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    inf = np.isinf(want)
    np.testing.assert_array_equal(got[inf], want[inf])
    ok = ~(np.isnan(want) | inf)
    np.testing.assert_allclose(got[ok], want[ok], rtol=rtol, atol=atol)


# Each: (lax function, SciPy reference, argument generator, float64 rtol, float64 atol)
UNARY = [
    (lax.erf, sc.erf, _wide, 1e-15, 0),
    (lax.erfc, sc.erfc, _wide, 1e-13, 1e-300),  # SciPy's own error is 5.7e-14
    (lax.lgamma, sc.gammaln, lambda: np.concatenate([_wide(), _positive()]), 1e-14, 1e-15),
    (lax.digamma, sc.psi, lambda: np.concatenate([_wide(), _positive()]), 1e-13, 1e-14),
    (lax.bessel_i0e, sc.i0e, lambda: np.concatenate([_wide(), -_positive()]), 1e-15, 0),
    (lax.bessel_i1e, sc.i1e, lambda: np.concatenate([_wide(), -_positive()]), 1e-15, 0),
    (lax.erf_inv, sc.erfinv, lambda: RNG.uniform(-1, 1, 5000), 3e-14, 1e-15),
    (special.erfcx, sc.erfcx, _wide, 2e-13, 0),
    # SciPy loses ~2e-13 relative in the far upper tail (checked against mpmath).
    (special.log_ndtr, sc.log_ndtr, lambda: np.concatenate([_wide(), -_positive()]), 3e-13,
     1e-300),
]


def _no_poles(x):
    # SciPy gives +-inf / different NaNs at the poles; JAX's conventions are tested with
    # golden values instead.
    return x[~((x <= 0) & (x == np.floor(x)))]


@pytest.mark.parametrize("fn,ref,draw,rtol,atol", UNARY, ids=lambda v: getattr(v, "__name__", ""))
def test_unary_accuracy_against_scipy(fn, ref, draw, rtol, atol):
    x = _no_poles(draw())
    if fn in (lax.digamma,):
        # Relative error is meaningless at digamma's positive root; compare absolutely there.
        atol = max(atol, 1e-15)
    with jaxlite.enable_x64():
        assert_close(fn(jnp.asarray(x)), ref(x), rtol, atol)
    # float32: computed in float64 and rounded once, so within an ulp or so of SciPy.
    with np.errstate(over="ignore"):
        x32 = x.astype(np.float32)
    with np.errstate(all="ignore"):
        want = ref(x32.astype(np.float64)).astype(np.float32)
    # (erf_inv is XLA's float32 polynomial, bit for bit, which is good to ~3e-6 near +-1.)
    assert_close(fn(jnp.asarray(x32)), want, 5e-6 if fn is lax.erf_inv else 3e-7, 1e-37)


def test_incomplete_gamma_and_beta_against_scipy():
    a = 10.0 ** RNG.uniform(-3, 3, 3000)
    x = 10.0 ** RNG.uniform(-4, 3.5, 3000)
    with jaxlite.enable_x64():
        assert_close(lax.igamma(a, x), sc.gammainc(a, x), 1e-10, 1e-300)
        assert_close(lax.igammac(a, x), sc.gammaincc(a, x), 1e-10, 1e-300)
        aa = 10.0 ** RNG.uniform(-2, 2, 3000)
        bb = 10.0 ** RNG.uniform(-2, 2, 3000)
        xx = RNG.uniform(0, 1, 3000)
        assert_close(lax.betainc(aa, bb, xx), sc.betainc(aa, bb, xx), 1e-10, 1e-300)
        q = RNG.uniform(0.01, 30, 2000)
        s = RNG.uniform(1.01, 40, 2000)
        assert_close(lax.zeta(s, q), sc.zeta(s, q), 1e-14)
        n = RNG.integers(0, 7, 2000)
        assert_close(lax.polygamma(n.astype(float), q), sc.polygamma(n, q), 1e-13)
        # d/da P(a, x) against central differences of SciPy's gammainc.
        a, x = RNG.uniform(0.2, 30, 200), RNG.uniform(0.01, 40, 200)
        h = 1e-6 * a
        fd = (sc.gammainc(a + h, x) - sc.gammainc(a - h, x)) / (2 * h)
        np.testing.assert_allclose(lax.igamma_grad_a(a, x), fd, rtol=1e-6, atol=1e-9)


def test_special_values_follow_jax():
    nan, inf = np.nan, np.inf
    np.testing.assert_array_equal(lax.lgamma(jnp.array([0.0, -1.0, -2.0, inf, -inf])),
                                  [inf, inf, inf, inf, inf])
    np.testing.assert_array_equal(lax.digamma(jnp.array([0.0, -1.0, -inf, inf])),
                                  [nan, nan, nan, inf])
    np.testing.assert_array_equal(lax.igamma(jnp.array([0.0, 1.0, 1.0]), jnp.array([0.0, 0.0, inf])),
                                  [nan, 0.0, 1.0])
    np.testing.assert_array_equal(lax.zeta(jnp.array([1.0, 0.5, 2.0]), jnp.array([1.0, 1.0, 0.0])),
                                  [inf, nan, inf])
    np.testing.assert_array_equal(special.erfinv(jnp.array([-1.0, 1.0, 2.0])), [-inf, inf, nan])
    with pytest.raises(TypeError, match="floating"):
        lax.erf(jnp.arange(3))
    with pytest.raises(ValueError, match="integer"):
        special.polygamma(1.0, 2.0)
    with pytest.raises(NotImplementedError):
        special.zeta(2.0)


def test_erf_inv_primitive_is_bit_identical_to_sampler_polynomial():
    # jax.scipy.special.erfinv and jax.random.normal share XLA's float32 polynomial.
    from jaxlite._src.random import threefry
    u = RNG.uniform(-1, 1, 10000).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(special.erfinv(u)), threefry.erf_inv(u))


def test_gradients_of_non_differentiable_arguments_raise():
    with pytest.raises(ValueError, match="polygamma"):
        jaxlite.grad(lambda m: lax.polygamma(m, 2.0))(1.0)
    with pytest.raises(ValueError, match="Betainc"):
        jaxlite.grad(lambda a: lax.betainc(a, 2.0, 0.5))(1.0)


def test_higher_order_derivatives():
    # lgamma'' = polygamma(1); digamma' = polygamma(1); through hessian, jacfwd and jit.
    with jaxlite.enable_x64():
        x = 3.7
        np.testing.assert_allclose(jaxlite.hessian(lax.lgamma)(x), sc.polygamma(1, x), rtol=1e-13)
        np.testing.assert_allclose(jaxlite.jit(jaxlite.grad(jaxlite.grad(special.erf)))(0.3),
                                   -4 * 0.3 / np.sqrt(np.pi) * np.exp(-0.09), rtol=1e-13)
        np.testing.assert_allclose(jaxlite.jacfwd(jaxlite.grad(special.gammaln))(2.5),
                                   sc.polygamma(1, 2.5), rtol=1e-13)


F = Arg((3, 4))
POS = Arg((3, 4), kind="positive", low=0.5, high=4.0)
PROB = Arg((3, 4), kind="float", low=0.05, high=0.95)
OPS = [
    Op("lax.erf", lax.erf, sc.erf, (F,), diff=(0,)),
    Op("lax.erfc", lax.erfc, sc.erfc, (F,), diff=(0,)),
    Op("lax.erf_inv", lax.erf_inv, sc.erfinv, (Arg((3, 4), low=-0.9, high=0.9),), diff=(0,)),
    Op("lax.lgamma", lax.lgamma, sc.gammaln, (POS,), diff=(0,)),
    Op("lax.digamma", lax.digamma, sc.psi, (POS,), diff=(0,)),
    Op("lax.polygamma", lambda m, x: lax.polygamma(m.astype(x.dtype), x),
       lambda m, x: sc.polygamma(m.astype(int), x),
       (Arg((3, 4), kind="int", low=0, high=4, dtype="float32"), POS), diff=(1,), rtol=1e-5),
    Op("lax.zeta", lax.zeta, sc.zeta, (Arg((3, 4), kind="positive", low=1.5, high=5), POS),
       diff=(0, 1), rtol=1e-5),
    Op("lax.igamma", lax.igamma, sc.gammainc, (POS, POS), diff=(0, 1), rtol=1e-5),
    Op("lax.igammac", lax.igammac, sc.gammaincc, (POS, POS), diff=(0, 1), rtol=1e-5),
    Op("lax.igamma_grad_a", lax.igamma_grad_a, None, (POS, POS)),
    Op("lax.random_gamma_grad", lax.random_gamma_grad, None, (POS, POS)),
    Op("lax.betainc", lax.betainc, sc.betainc, (POS, POS, PROB), diff=(2,), rtol=1e-5),
    Op("lax.bessel_i0e", lax.bessel_i0e, sc.i0e, (Arg((3, 4), low=-10, high=10),), diff=(0,)),
    Op("lax.bessel_i1e", lax.bessel_i1e, sc.i1e, (Arg((3, 4), low=-10, high=10),), diff=(0,)),
]


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)


def test_zeta_euler_maclaurin_coefficients_are_the_exact_rationals_rounded():
    # (2k)! / B_2k with B_n from the Akiyama-Tanigawa algorithm in exact arithmetic: the
    # literals in special_math (written out so that import does no Fraction arithmetic).
    bernoulli = bernoulli_numbers(34)
    expected = tuple(float(Fraction(math.factorial(2 * k)) / bernoulli[2 * k])
                     for k in range(1, 17))
    assert special_math._ZETA_EULER_MACLAURIN == expected
    assert special_math._ZETA_A == expected[:12]
