"""Derivatives at the edges of their domains agree with JAX 0.10.2: the values in this
file were recorded from JAX (see each test), and are checked too, where the function is
smooth there, by finite differences and by identities (jacfwd == jacrev, symmetry)."""
import os
import subprocess
import sys

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax


def _close(got, want, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                               rtol=rtol, atol=atol)


def _central_difference(f, x, eps=1e-3):
    x = np.asarray(x, np.float64)
    out = []
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = eps
        out.append((np.asarray(f(x + step), np.float64) - np.asarray(f(x - step), np.float64))
                   / (2 * eps))
    return np.stack(out, -1)


# ---- pow: JAX's JVP rule, y * x**(y-1) unguarded for inexact y -------------------------
def test_pow_hessian_at_zero_exponent_is_symmetric_and_jaxs():
    f = lambda q: q[0] ** q[1]  # noqa: E731
    q = jnp.array([2.0, 0.0])
    hess = jax.hessian(f)(q)
    _close(hess, [[0.0, 0.5], [0.5, 0.480453]])  # JAX 0.10.2
    _close(hess, np.asarray(hess).T, rtol=0, atol=0)
    _close(jax.jacrev(jax.jacfwd(f))(q), hess)
    with jax.enable_x64():
        grad = jax.grad(f)
        _close(hess, _central_difference(lambda v: grad(jnp.asarray(v)), [2.0, 0.0], 1e-5),
               rtol=1e-5, atol=1e-5)


def test_pow_second_and_third_derivatives_where_the_exponent_crosses_zero():
    f = lambda v: (v + 1.0) ** v  # noqa: E731
    assert float(jax.grad(jax.grad(f))(0.0)) == 2.0  # JAX: 2.0 (x**x's 2nd derivative at 1)
    assert float(jax.grad(jax.grad(jax.grad(f)))(0.0)) == -3.0  # JAX: -3.0


def test_pow_at_zero_base_and_zero_exponent():
    # JAX: grad(x ** 0.)(0.) is 0 * 0**-1 = nan; the hessian of q0**q1 at (0, 0) is all nan
    # and at (0, 2) is [[2, 0], [0, 0]] (d/dy uses log of x with 0 replaced by 1).
    assert np.isnan(float(jax.grad(lambda x: x ** 0.0)(0.0)))
    assert np.isnan(np.asarray(jax.hessian(lambda q: q[0] ** q[1])(jnp.array([0.0, 0.0])))).all()
    _close(jax.hessian(lambda q: q[0] ** q[1])(jnp.array([0.0, 2.0])), [[2.0, 0.0], [0.0, 0.0]])
    assert float(jax.grad(jax.grad(lambda y: 0.0 ** y))(1.0)) == 0.0


def test_pow_with_an_integer_exponent_array_keeps_it_integer():
    # jnp.power(float, int array) and lax.pow(float, int) bind pow with the integer exponent,
    # as JAX does, so x**0 has slope 0 at x == 0 (JAX: 0.0, and 1.0 for the sum over 0,1,2);
    # the second derivative goes through the float rule (JAX: nan).
    assert float(jax.grad(lambda x: lax.pow(x, 0))(0.0)) == 0.0
    assert float(jax.grad(lambda x: lax.pow(x, jnp.array(0)))(0.0)) == 0.0
    assert float(jax.grad(lambda x: jnp.power(x, jnp.arange(3)).sum())(0.0)) == 1.0
    assert np.isnan(float(jax.grad(jax.grad(lambda x: jnp.power(x, jnp.arange(3)).sum()))(0.0)))
    assert np.isnan(float(jax.grad(jax.grad(lambda x: lax.pow(x, 1)))(0.0)))
    out = jnp.power(2.0, jnp.arange(3))
    assert out.dtype == jnp.float32 and not out.weak_type
    assert jnp.power(jnp.float16(2), jnp.arange(3)).dtype == jnp.float16
    x, y = jnp.arange(3.0), jnp.arange(3)
    for got in (jnp.power(x, y), jax.jit(jnp.power)(x, y), jax.vmap(jnp.power)(x, y)):
        _close(got, [1.0, 1.0, 4.0], rtol=0, atol=0)
    _close(jax.jacrev(lambda v: lax.pow(v, y))(x), np.diag([0.0, 1.0, 4.0]))


def test_float_power_vjp_under_value_and_grad_x64():
    # The factor-2 error at x == 0 (where the exponent is 0). JAX 0.10.2, x64.
    with jax.enable_x64():
        g = lambda x: jnp.float_power(jnp.abs(x) + 1, x)  # noqa: E731

        def h(x):
            y, pullback = jax.vjp(g, x)
            return pullback(jnp.ones_like(y))[0].sum()

        value, grad = jax.value_and_grad(h)(jnp.array([0.0, 1.0, -2.0, 0.5]))
        _close(value, 3.48727607, rtol=1e-8)
        _close(grad, [2.0, 4.34720039, 0.29686282, 2.02932172], rtol=1e-8)
        fd = _central_difference(lambda v: jax.grad(lambda u: g(u).sum())(jnp.asarray(v)),
                                 [1.0, -2.0, 0.5], 1e-6)
        _close(np.diag(fd), grad[1:], rtol=1e-6)


# ---- hypot: JAX's formula, and so its derivatives ---------------------------------------
def test_hypot_gradient_at_the_origin_is_jaxs():
    gx, gy = jax.grad(jnp.hypot, argnums=(0, 1))(0.0, 0.0)
    assert (float(gx), float(gy)) == (0.5, 0.5)  # JAX 0.10.2 (max/min tie split in half)
    assert [float(v) for v in jax.grad(jnp.hypot, argnums=(0, 1))(-3.0, 0.0)] == [-1.0, 0.0]
    primal, tangent = jax.jvp(jnp.hypot, (0.0, 0.0), (1.0, 1.0))
    assert float(primal) == 0.0 and float(tangent) == 1.0 and tangent.weak_type
    _close(jax.grad(jnp.hypot, argnums=(0, 1))(3.0, 4.0), (0.6, 0.8))


def test_hypot_does_not_overflow_and_handles_infinities():
    got = jnp.hypot(jnp.array([1e30, 3.0, 0.0, np.inf, np.nan, -np.inf, np.nan]),
                    jnp.array([1e30, -4.0, 0.0, np.nan, np.inf, 1.0, 2.0]))
    _close(got[:3], [1.4142135e30, 5.0, 0.0])
    assert np.isposinf(np.asarray(got[3:6])).all() and np.isnan(np.asarray(got[6]))


# ---- arctanh, arccosh, div: JAX's forms of the rules, nan (inf - inf) at the edges ------
def test_arctanh_and_arccosh_higher_derivatives_at_the_domain_edge():
    # JAX 0.10.2: hessian(arctanh)(+-1) is nan; d2 arccosh at 1 is -inf, d3 nan.
    assert np.isnan(float(jax.hessian(jnp.arctanh)(1.0)))
    assert np.isnan(float(jax.hessian(jnp.arctanh)(-1.0)))
    assert float(jax.grad(jnp.arctanh)(1.0)) == np.inf
    assert float(jax.grad(jax.grad(jnp.arccosh))(1.0)) == -np.inf
    assert np.isnan(float(jax.grad(jax.grad(jax.grad(jnp.arccosh)))(1.0)))
    for f, x in ((jnp.arctanh, 0.3), (jnp.arccosh, 1.7)):
        with jax.enable_x64():
            grad = jax.grad(f)
            _close(jax.hessian(f)(x), _central_difference(lambda v: grad(float(v[0])), [x], 1e-6)[0],
                   rtol=1e-6)


def test_division_slope_in_the_denominator_is_nan_where_its_square_underflows():
    # JAX: grad(hypot(x, 0.))(1e-30) is nan (0 * (1e-30)**-2 = 0 * inf in float32).
    assert np.isnan(float(jax.grad(lambda x: jnp.hypot(x, 0.0))(1e-30)))
    assert np.isnan(float(jax.grad(lambda y: 0.0 / y)(0.0)))
    _close(jax.grad(lambda y: 3.0 / y)(2.0), -0.75)


# ---- no nan from branches not taken or carries not used ---------------------------------
def _cond_programs():
    from jaxlite.scipy.special import logsumexp  # noqa: PLC0415

    def with_max(x):
        return lax.cond(x > 1.0, lambda v: jnp.maximum(v, 2.0) * 2, jnp.log, x)

    def with_sqrt_and_max(x):
        return lax.cond(x > 0.0, jnp.sqrt, lambda v: jnp.max(jnp.stack([v, -v])), x)

    def with_logsumexp(x):
        return lax.cond(x < 1.0, lambda v: v ** 2,
                        lambda v: logsumexp(jnp.stack([v, jnp.log(v - 1.0)])), x)

    def with_overflow(x):
        return lax.cond(x > 50.0, lambda v: v, jnp.exp, x)

    # (f, JAX 0.10.2's vmap(grad(f)) at XS, its grad(sum(vmap(grad(f))))).
    return [(with_max, [-0.5, 2.0, 2.0, 2.0], [-0.25, -4.0, 0.0, 0.0]),
            (with_sqrt_and_max, [-1.0, 0.70710677, 0.28867513, 0.05],
             [0.0, -0.70710683, -0.048112523, -2.5000001e-04]),
            (with_logsumexp, [-4.0, 1.0, 0.9547215, 1.0], [2.0, 2.0, -0.00205019, 0.0]),
            (with_overflow, [0.13533528, 1.6487212, 20.085537, 1.0],
             [0.13533528, 1.6487212, 20.085537, 0.0])]


XS = jnp.array([-2.0, 0.5, 3.0, 100.0])


def test_vmap_of_cond_differentiates_only_the_branch_each_lane_takes():
    for f, first, second in _cond_programs():
        _close(jax.vmap(jax.grad(f))(XS), first)
        _close(jax.grad(lambda v: jax.vmap(jax.grad(f))(v).sum())(XS), second, atol=1e-6)
        _close(jax.vmap(jax.grad(jax.grad(f)))(XS), second, atol=1e-6)
        _close(jnp.diag(jax.jacrev(jax.vmap(f))(XS)), first)
        _close(jnp.diag(jax.jacfwd(jax.vmap(f))(XS)), first)
        # vmap == a loop of the unbatched gradient
        _close(jax.vmap(jax.grad(f))(XS), [jax.grad(f)(x) for x in XS])


def _scan_with_an_overflowing_unused_carry(x):
    def body(carry, xi):
        a, b = carry
        return (a + xi, jnp.exp(b)), a   # b overflows, and reaches no output
    (a, _), ys = lax.scan(body, (x, x), jnp.arange(5.0))
    return ys.sum() + a


def _nested_scans(x):
    def outer(carry, _):
        inner = lambda c, _: ((c[0] * 1.1, jnp.exp(c[1])), None)  # noqa: E731
        return lax.scan(inner, carry, None, length=3)[0], None
    return lax.scan(outer, (x, x), None, length=3)[0][0]


def test_scan_gradient_ignores_carries_that_reach_no_output():
    f = _scan_with_an_overflowing_unused_carry
    for grad in (jax.grad(f), jax.grad(jax.jit(f)), jax.jit(jax.grad(f)), jax.jacrev(f),
                 jax.grad(jax.checkpoint(f)), jax.jacfwd(f)):
        assert float(grad(1.0)) == 6.0  # JAX 0.10.2: 6.0 for each
    _close(jax.vmap(jax.grad(f))(jnp.array([1.0, 2.0])), [6.0, 6.0], rtol=0, atol=0)
    assert float(jax.hessian(f)(1.0)) == 0.0
    _close(jax.grad(_nested_scans)(1.0), 2.357948)  # JAX: 2.357948 = 1.1 ** 9
    _close(jax.grad(_nested_scans)(1.0), jax.jvp(_nested_scans, (1.0,), (1.0,))[1])


def test_cond_and_jit_gradients_ignore_outputs_that_are_not_used():
    branches = (lambda v: (v * 2.0, jnp.exp(v * 1e3)), lambda v: (v, v))
    f = lambda x: lax.cond(x > 0, *branches, x)[0]  # noqa: E731
    g = lambda x: jax.jit(branches[0])(x)[0]  # noqa: E731
    for grad in (jax.grad(f), jax.grad(jax.jit(f)), jax.grad(g)):
        assert float(grad(1.0)) == 2.0  # JAX 0.10.2


# ---- jit wrappers nested 1,000 deep --------------------------------------------------------
_NESTED_JITS = """
import sys
import jaxlite as jax, jaxlite.numpy as jnp
f = lambda x: x * 2.0 + 1.0
for _ in range(1000):
    f = jax.jit(f)
print(float(f(1.0)), float(jax.grad(f)(1.0)), jax.vmap(f)(jnp.arange(3.0)).tolist(),
      float(jax.jvp(f, (1.0,), (1.0,))[1]), float(jax.jit(jax.grad(f))(1.0)),
      float(jax.hessian(f)(1.0)), len(str(jax.make_jaxpr(f)(1.0))) > 0,
      sys.getrecursionlimit())
"""


@pytest.mark.needs_subprocess  # a crash of a deep recursion must not take pytest with it
def test_jit_wrappers_nested_a_thousand_deep():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", _NESTED_JITS], capture_output=True, text=True,
                         env=env, timeout=300, check=True).stdout.split()
    # JAX 0.10.2 gives the same values; the recursion limit is back at its default after.
    assert out == ["3.0", "2.0", "[1.0,", "3.0,", "5.0]", "2.0", "2.0", "0.0", "True",
                   str(sys.getrecursionlimit())]


def test_unexpected_tracer_error_is_a_type_error():
    assert issubclass(jax.errors.UnexpectedTracerError, TypeError)  # as JAX's


# ---- scatter: extremum tangents at NaN, and JAX's promotion of the updates ----------------
def test_scatter_max_min_tangent_is_zero_where_the_result_is_nan():
    x = jnp.array([1.0, 2.0, 3.0, 4.0, 2.0])
    t = jnp.array([10.0, 20.0, 30.0, 40.0, 50.0])
    # JAX 0.10.2: nothing attains a NaN result, so its tangent is 0 (not 0/0).
    f = lambda v: v.at[jnp.array([0, 1])].max(jnp.nan)  # noqa: E731
    for tangent in (jax.jvp(f, (x,), (t,))[1], jax.jit(lambda v, s: jax.jvp(f, (v,), (s,))[1])(x, t)):
        _close(tangent, [0.0, 0.0, 30.0, 40.0, 50.0], rtol=0, atol=0)
    g = lambda v: jnp.array([jnp.nan, 1.0]).at[jnp.array([0, 1])].min(v[:2])  # noqa: E731
    _close(jax.jvp(g, (x,), (t,))[1], [0.0, 0.0], rtol=0, atol=0)
    # ties still share the tangent: x[1] == update 2.0 at index 1, x[4] == update 2.0 at 4
    h = lambda v: v.at[jnp.array([1, 4])].max(v[jnp.array([4, 1])])  # noqa: E731
    _close(jax.jvp(h, (x,), (t,))[1], [10.0, 35.0, 30.0, 40.0, 35.0])
    _close(jax.jacrev(h)(x), jax.jacfwd(h)(x))


def test_scatter_combines_in_the_promoted_dtype_then_casts_back():
    # JAX 0.10.2: bools combine with int updates as ints (False max -1 is 0: False).
    flags = jnp.array([False, False])
    assert flags.at[jnp.array([0, 1])].max(jnp.array([-1, 0])).tolist() == [False, False]
    assert jnp.array([True, False, True]).at[jnp.array([0])].add(-1).tolist() == [False, False, True]
    assert jnp.array([True, False, True]).at[jnp.array([0])].max(-1).tolist() == [True, False, True]
    assert jnp.array([True, False, True]).at[jnp.array([1])].set(-1).tolist() == [True, True, True]
    out = jnp.array([True, False]).at[jnp.array([1])].min(2)
    assert out.dtype == jnp.bool_ and out.tolist() == [True, False]


# ---- logaddexp: JAX's custom JVP, nan slopes at nan, +inf read as 0 ------------------------
def test_logaddexp_slopes_are_jaxs():
    grad = jax.grad(jnp.logaddexp, argnums=(0, 1))
    # JAX 0.10.2: a nan operand gives nan slopes (softplus and log_sigmoid too)
    assert np.isnan([float(v) for v in grad(jnp.nan, 0.0)]).all()
    assert np.isnan(float(jax.grad(jax.nn.softplus)(jnp.nan)))
    assert np.isnan(float(jax.grad(jax.nn.log_sigmoid)(jnp.nan)))
    # at an infinite operand the exponent reads +inf as 0: slopes 1 and e
    _close(grad(np.inf, 1.0), [1.0, np.e])
    _close(grad(1.0, np.inf), [np.e, 1.0])
    _close(grad(2.0, 2.0), [0.5, 0.5], rtol=0, atol=0)
    _close(grad(0.0, 1.0), [0.26894143, 0.7310586])
    assert float(jnp.logaddexp(np.inf, np.inf)) == np.inf
    assert float(jnp.logaddexp(-np.inf, -np.inf)) == -np.inf
    with jax.enable_x64():
        g = jax.grad(jnp.logaddexp)
        _close(jax.grad(g)(0.3, -1.2),
               _central_difference(lambda v: g(float(v[0]), -1.2), [0.3], 1e-6)[0], rtol=1e-6)


# ---- sinc, logit and x**0.5 at their special points -----------------------------------------
def test_sinc_derivatives_at_zero_are_its_maclaurin_coefficients():
    # JAX 0.10.2: 1, 0, -pi**2/3, 0, pi**4/5 (sinc(x) = sum (-1)^k (pi x)^(2k) / (2k+1)!).
    g, want = jnp.sinc, [1.0, 0.0, -np.pi ** 2 / 3, 0.0, np.pi ** 4 / 5]
    for order in range(5):
        _close(g(0.0), want[order], rtol=1e-6)
        g = jax.grad(g)
    _close(jax.jit(jax.hessian(jnp.sinc))(0.0), -np.pi ** 2 / 3, rtol=1e-6)
    _close(jax.vmap(jax.grad(jax.grad(jnp.sinc)))(jnp.array([0.0, 0.5])),
           [-3.2898684, -1.190227])
    _close(jnp.sinc(jnp.array([0.0, 1.0, 0.25])), [1.0, 0.0, 0.9003163], atol=1e-7)


def test_logit_slope_is_jaxs_at_the_ends():
    grad = jax.grad(jax.scipy.special.logit)
    # JAX 0.10.2: +inf at 1 and at +0.0, -inf at -0.0, -0.0 at +-inf.
    assert float(grad(1.0)) == np.inf and float(grad(0.0)) == np.inf
    assert float(grad(-0.0)) == -np.inf
    assert float(grad(np.inf)) == 0.0 and float(grad(-np.inf)) == 0.0
    _close(grad(0.25), 1 / (0.25 * 0.75))


def test_square_root_power_at_negative_zero_and_infinity():
    # JAX 0.10.2 (XLA's pow): (-0.)**0.5 is +0. and (-inf)**0.5 is +inf; NumPy's sqrt-based
    # x**0.5 gives -0. and nan.
    x = jnp.array([-0.0, -np.inf, 0.0, np.inf, 4.0])
    for got in (x ** 0.5, jax.jit(lambda v: v ** 0.5)(x), jnp.power(x, jnp.full(5, 0.5))):
        _close(got, [0.0, np.inf, 0.0, np.inf, 2.0], rtol=0, atol=0)
        assert not np.signbit(np.asarray(got)).any()
    assert float(jax.grad(lambda v: v ** 1.5)(-np.inf)) == np.inf


def test_cotangents_of_integer_and_bool_inputs_are_float0_zeros():
    # JAX 0.10.2: vjp and grad(allow_int=True) give NumPy arrays of dtype float0 for
    # integer and bool inputs (no arithmetic is defined on them).
    _, pullback = jax.vjp(lambda x, i, b: x * i, 2.0, 3, jnp.array([True, False]))
    gx, gi, gb = pullback(1.0)
    assert float(gx) == 3.0
    for g, shape in ((gi, ()), (gb, (2,))):
        assert isinstance(g, np.ndarray) and g.dtype == jax.dtypes.float0 and g.shape == shape
    _, gi = jax.grad(lambda x, i: x * i, argnums=(0, 1), allow_int=True)(2.0, 3)
    assert gi.dtype == jax.dtypes.float0


def test_aux_leaves_that_are_not_arrays_pass_through_unchanged():
    # as in JAX 0.10.2 (haiku's stateful.grad returns its own objects as aux)
    marker = object()
    f = lambda x: (x ** 2, {"o": marker, "v": x * 3.0, "s": "name"})
    g, aux = jax.grad(f, has_aux=True)(3.0)
    assert float(g) == 6.0 and aux["o"] is marker and aux["s"] == "name"
    assert float(aux["v"]) == 9.0
    (value, aux), g = jax.value_and_grad(f, has_aux=True)(3.0)
    assert float(value) == 9.0 and aux["o"] is marker
    _, _, aux = jax.vjp(f, 3.0, has_aux=True)
    assert aux["o"] is marker
    assert jax.jacrev(f, has_aux=True)(3.0)[1]["o"] is marker
    assert float(jax.jit(lambda y: jax.grad(f, has_aux=True)(y)[0])(3.0)) == 6.0
