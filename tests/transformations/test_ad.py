"""Tests for automatic differentiation: grad, value_and_grad, jvp, vjp, linearize,
jacfwd, jacrev, hessian, stop_gradient, and every primitive's derivative rules
checked against central finite differences in x64 mode.

Expected values are mathematically exact or come from JAX 0.10.2.
"""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite.extend.core import Primitive
from jaxlite import grad, value_and_grad, jvp, vjp, linearize, jacfwd, jacrev, hessian, jit, vmap




def assert_tree_allclose(a, b, rtol=1e-6, atol=1e-6):
    la, ta = jaxlite.tree_flatten(a)
    lb, tb = jaxlite.tree_flatten(b)
    assert ta == tb, (ta, tb)
    for x, y in zip(la, lb):
        assert np.shape(x) == np.shape(y), (np.shape(x), np.shape(y))
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=atol)


X = np.array([0.5, 1.0, 2.0], np.float32)
Y = np.array([1.0, -2.0, 3.0], np.float32)


def f_sin_sq(x, y):
    return jnp.sum(jnp.sin(x) * y ** 2)


# ---- grad and value_and_grad ---------------------------------------------------------------

def test_grad_simple_values():
    assert float(grad(lambda x: x ** 3)(2.0)) == 12.0
    assert float(grad(lambda x: x * 3)(2.0)) == 3.0
    np.testing.assert_allclose(grad(jnp.sin)(1.0), np.cos(1.0), rtol=1e-6)
    np.testing.assert_allclose(grad(jnp.sqrt)(4.0), 0.25)
    np.testing.assert_allclose(grad(jnp.exp)(0.0), 1.0)


def test_grad_argnums():
    x, y = jnp.asarray(X), jnp.asarray(Y)
    gx = np.cos(X) * Y ** 2
    gy = 2 * np.sin(X) * Y
    np.testing.assert_allclose(grad(f_sin_sq)(x, y), gx, rtol=1e-6)
    np.testing.assert_allclose(grad(f_sin_sq, argnums=1)(x, y), gy, rtol=1e-6)
    np.testing.assert_allclose(grad(f_sin_sq, argnums=-1)(x, y), gy, rtol=1e-6)
    both = grad(f_sin_sq, argnums=(0, 1))(x, y)
    assert isinstance(both, tuple) and len(both) == 2
    np.testing.assert_allclose(both[0], gx, rtol=1e-6)
    np.testing.assert_allclose(both[1], gy, rtol=1e-6)
    single = grad(f_sin_sq, argnums=(1,))(x, y)
    assert isinstance(single, tuple) and len(single) == 1
    np.testing.assert_allclose(single[0], gy, rtol=1e-6)


def test_value_and_grad():
    x, y = jnp.asarray(X), jnp.asarray(Y)
    value, g = value_and_grad(f_sin_sq)(x, y)
    np.testing.assert_allclose(value, np.sum(np.sin(X) * Y ** 2), rtol=1e-6)
    np.testing.assert_allclose(g, np.cos(X) * Y ** 2, rtol=1e-6)
    v, g = value_and_grad(lambda x: x ** 2)(3.0)
    assert (float(v), float(g)) == (9.0, 6.0)
    assert v.weak_type and g.weak_type


def test_has_aux():
    x = jnp.asarray(X)
    (value, aux), g = value_and_grad(lambda x: (jnp.sum(x ** 2), {"a": x * 2}), has_aux=True)(x)
    np.testing.assert_allclose(value, np.sum(X ** 2), rtol=1e-6)
    assert set(aux) == {"a"}
    np.testing.assert_allclose(aux["a"], X * 2)
    np.testing.assert_allclose(g, 2 * X)
    g, aux = grad(lambda x: (jnp.sum(x ** 2), x * 2), has_aux=True)(x)
    np.testing.assert_allclose(g, 2 * X)
    np.testing.assert_allclose(aux, 2 * X)


def test_grad_pytrees_dicts_and_tuples():
    g = grad(lambda p: p["w"] * p["b"][0] + p["b"][1])({"w": 2.0, "b": (3.0, 4.0)})
    assert set(g) == {"w", "b"}
    assert isinstance(g["b"], tuple)
    assert float(g["w"]) == 3.0 and float(g["b"][0]) == 2.0 and float(g["b"][1]) == 1.0

    def loss(params, x):
        return jnp.sum((x @ params["W"] + params["b"]) ** 2)

    W = np.arange(6.0, dtype=np.float32).reshape(3, 2) / 10
    b = np.array([0.5, -0.5], np.float32)
    x = np.array([[1.0, 2.0, 3.0]], np.float32)
    g = grad(loss)({"W": jnp.asarray(W), "b": jnp.asarray(b)}, jnp.asarray(x))
    r = x @ W + b
    np.testing.assert_allclose(g["W"], 2 * x.T @ r, rtol=1e-6)
    np.testing.assert_allclose(g["b"], 2 * r.sum(0), rtol=1e-6)
    assert g["W"].shape == (3, 2) and g["W"].dtype == np.float32


def test_grad_with_kwargs_and_unused_argument():
    assert float(grad(lambda x, *, s: x * s)(2.0, s=5.0)) == 5.0
    g = grad(lambda x, y: x * 2, argnums=1)(1.0, 2.0)
    assert float(g) == 0.0
    assert float(grad(lambda x: 1.0)(2.0)) == 0.0


def test_grad_output_dtypes():
    g = grad(lambda x: x * x)(jnp.float16(3.0))
    assert g.dtype == np.float16 and float(g) == 6.0
    g = grad(lambda x: jnp.sum(x))(jnp.ones(3))
    assert g.dtype == np.float32 and not g.weak_type


def test_higher_order_grad():
    np.testing.assert_allclose(grad(grad(jnp.sin))(1.0), -np.sin(1.0), rtol=1e-6)
    assert float(grad(grad(grad(lambda x: x ** 4)))(2.0)) == 48.0
    assert float(grad(grad(lambda x: x ** 4))(2.0)) == 48.0


def test_nonsmooth_points_like_jax():
    assert float(grad(jnp.abs)(0.0)) == 1.0
    assert float(grad(jnp.abs)(-2.0)) == -1.0
    assert float(grad(lambda x: jnp.maximum(x, 0.0))(0.0)) == 0.5
    assert float(grad(lambda x: jnp.minimum(x, 1.0))(1.0)) == 0.5
    np.testing.assert_array_equal(grad(lambda x: jnp.max(x))(jnp.array([1.0, 3.0, 3.0])),
                                  [0.0, 0.5, 0.5])
    np.testing.assert_allclose(grad(lambda x: jnp.sum(jnp.where(x > 1, x ** 2, -x)))(jnp.asarray(X)),
                               [-1.0, -1.0, 4.0])


def test_grad_of_pow_both_arguments():
    gx, gy = grad(lambda x, y: x ** y, argnums=(0, 1))(2.0, 3.0)
    assert float(gx) == 12.0
    np.testing.assert_allclose(gy, 8 * np.log(2.0), rtol=1e-6)
    assert float(grad(lambda x: x ** 0.0)(2.0)) == 0.0
    assert float(grad(lambda x, y: x ** y, argnums=1)(0.0, 2.0)) == 0.0


# ---- jvp, vjp, linearize -----------------------------------------------------------------------

def test_jvp():
    out, t = jvp(jnp.sin, (1.0,), (2.0,))
    np.testing.assert_allclose(out, np.sin(1.0), rtol=1e-6)
    np.testing.assert_allclose(t, 2 * np.cos(1.0), rtol=1e-6)
    assert out.weak_type and t.weak_type
    out, t = jvp(lambda p: p["a"] * p["b"], ({"a": 2.0, "b": 3.0},), ({"a": 1.0, "b": 0.0},))
    assert (float(out), float(t)) == (6.0, 3.0)
    out, t = jvp(lambda a, b: a * b, (jnp.asarray(X), jnp.asarray(Y)), (jnp.ones(3), jnp.zeros(3)))
    np.testing.assert_allclose(t, Y)


def test_jvp_has_aux_and_output_pytree():
    out, t, aux = jvp(lambda x: (x ** 2, x + 1), (3.0,), (1.0,), has_aux=True)
    assert (float(out), float(t), float(aux)) == (9.0, 6.0, 4.0)
    out, t = jvp(lambda x: {"sq": x ** 2, "pair": (x, 2 * x)}, (3.0,), (1.0,))
    assert float(t["sq"]) == 6.0
    assert float(t["pair"][0]) == 1.0 and float(t["pair"][1]) == 2.0


def test_jvp_of_constant_output_is_zero():
    out, t = jvp(lambda x: jnp.ones(2), (1.0,), (1.0,))
    np.testing.assert_array_equal(t, [0.0, 0.0])


def test_vjp():
    x, y = jnp.asarray(X), jnp.asarray(Y)
    out, f_vjp = vjp(lambda x: x * x, x)
    np.testing.assert_allclose(out, X * X)
    (g,) = f_vjp(jnp.ones(3))
    np.testing.assert_allclose(g, 2 * X)
    out, f_vjp = vjp(lambda a, b: a * b, x, y)
    ga, gb = f_vjp(jnp.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(ga, Y * [1, 2, 3])
    np.testing.assert_allclose(gb, X * [1, 2, 3])
    # A pullback can be called many times.
    (g2,) = vjp(jnp.sin, 0.5)[1](2.0)
    np.testing.assert_allclose(g2, 2 * np.cos(0.5), rtol=1e-6)


def test_vjp_has_aux_and_pytrees():
    out, f_vjp, aux = vjp(lambda x: (x ** 2, x * 10), 3.0, has_aux=True)
    assert float(out) == 9.0 and float(aux) == 30.0
    assert float(f_vjp(1.0)[0]) == 6.0
    out, f_vjp = vjp(lambda p: {"u": p["a"] * 2, "v": p["b"] ** 2}, {"a": 1.0, "b": 3.0})
    (g,) = f_vjp({"u": 1.0, "v": 1.0})
    assert float(g["a"]) == 2.0 and float(g["b"]) == 6.0


def test_vjp_cotangent_must_match_output():
    _, f_vjp = vjp(lambda x: x * 2, jnp.ones(3))
    with pytest.raises(ValueError, match=r"\(3,\)"):
        f_vjp(jnp.ones(4))


def test_linearize():
    out, f_lin = linearize(jnp.sin, 1.0)
    np.testing.assert_allclose(out, np.sin(1.0), rtol=1e-6)
    np.testing.assert_allclose(f_lin(2.0), 2 * np.cos(1.0), rtol=1e-6)
    np.testing.assert_allclose(f_lin(3.0), 3 * np.cos(1.0), rtol=1e-6)
    assert f_lin(2.0).weak_type and not f_lin(jnp.float32(2.0)).weak_type  # as in JAX
    x, y = jnp.asarray(X), jnp.asarray(Y)
    out, f_lin = linearize(lambda a, b: a * b + jnp.sin(a), x, y)
    np.testing.assert_allclose(out, X * Y + np.sin(X), rtol=1e-6)
    np.testing.assert_allclose(f_lin(jnp.ones(3), jnp.zeros(3)), Y + np.cos(X), rtol=1e-6)
    np.testing.assert_allclose(f_lin(jnp.zeros(3), jnp.ones(3)), X, rtol=1e-6)


def test_linearize_matches_jvp():
    f = lambda x: jnp.tanh(x) * jnp.sum(x ** 2)
    x = jnp.asarray(X)
    t = jnp.asarray(Y)
    _, f_lin = linearize(f, x)
    np.testing.assert_allclose(f_lin(t), jvp(f, (x,), (t,))[1], rtol=1e-6)


# ---- Jacobians and Hessians ---------------------------------------------------------------------

def test_jacfwd_jacrev_elementwise():
    x = jnp.asarray(X)
    for jac in (jacfwd, jacrev):
        J = jac(lambda x: x ** 2)(x)
        assert J.shape == (3, 3)
        np.testing.assert_allclose(J, np.diag(2 * X))
    np.testing.assert_allclose(jacfwd(jnp.sin)(1.0), np.cos(1.0), rtol=1e-6)
    np.testing.assert_allclose(jacrev(jnp.sin)(1.0), np.cos(1.0), rtol=1e-6)


def test_jacobian_shapes_matrix_in_matrix_out():
    m = jnp.array([[1.0, 2.0], [3.0, 4.0]])
    Jf = jacfwd(lambda m: m @ m)(m)
    Jr = jacrev(lambda m: m @ m)(m)
    assert Jf.shape == Jr.shape == (2, 2, 2, 2)
    M = np.array([[1.0, 2.0], [3.0, 4.0]])
    # d(MM)_ij / dM_kl = delta_ik M_lj + M_ik delta_jl
    expected = np.zeros((2, 2, 2, 2))
    for i in range(2):
        for j in range(2):
            for k in range(2):
                for l in range(2):
                    expected[i, j, k, l] = (i == k) * M[l, j] + M[i, k] * (j == l)
    np.testing.assert_allclose(Jf, expected)
    np.testing.assert_allclose(Jr, expected)


def test_jacobians_with_pytrees_in_and_out():
    x, y = jnp.asarray(X), jnp.asarray(Y)
    f = lambda p: {"o": p["a"] * p["b"], "s": jnp.sum(p["a"])}
    for jac in (jacfwd, jacrev):
        J = jac(f)({"a": x, "b": y})
        assert set(J) == {"o", "s"}
        assert set(J["o"]) == {"a", "b"}
        np.testing.assert_allclose(J["o"]["a"], np.diag(Y))
        np.testing.assert_allclose(J["o"]["b"], np.diag(X))
        np.testing.assert_allclose(J["s"]["a"], np.ones(3))
        np.testing.assert_allclose(J["s"]["b"], np.zeros(3))
        Ja, Jb = jac(lambda a, b: a * b, argnums=(0, 1))(x, y)
        np.testing.assert_allclose(Ja, np.diag(Y))
        np.testing.assert_allclose(Jb, np.diag(X))


def test_jacobians_has_aux():
    x = jnp.asarray(X)
    for jac in (jacfwd, jacrev):
        J, aux = jac(lambda x: (x ** 2, x.sum()), has_aux=True)(x)
        np.testing.assert_allclose(J, np.diag(2 * X))
        np.testing.assert_allclose(aux, X.sum())


def _sigmoid(x):
    return 0.5 * (jnp.tanh(x / 2) + 1)


def _predict(W, b, inputs):
    return _sigmoid(jnp.dot(inputs, W) + b)


def test_tutorial_dict_jacobian():
    # The autodiff cookbook: Jacobians of a logistic regression w.r.t. a dict of params.
    rng = np.random.RandomState(0)
    inputs = rng.randn(4, 3).astype(np.float32)
    W = rng.randn(3).astype(np.float32)
    b = np.float32(0.3)

    def predict_dict(params, inputs):
        return _predict(params["W"], params["b"], inputs)

    params = {"W": jnp.asarray(W), "b": jnp.asarray(b)}
    s = 1 / (1 + np.exp(-(inputs @ W + b)))
    for jac in (jacfwd, jacrev):
        J = jac(predict_dict)(params, jnp.asarray(inputs))
        assert set(J) == {"W", "b"}
        assert J["W"].shape == (4, 3) and J["b"].shape == (4,)
        np.testing.assert_allclose(J["W"], (s * (1 - s))[:, None] * inputs, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(J["b"], s * (1 - s), rtol=1e-5, atol=1e-6)
    H = hessian(lambda p: jnp.sum(predict_dict(p, jnp.asarray(inputs))))(params)
    assert set(H) == {"W", "b"} and set(H["W"]) == {"W", "b"}
    assert H["W"]["W"].shape == (3, 3) and H["W"]["b"].shape == (3,) and H["b"]["b"].shape == ()
    d2 = s * (1 - s) * (1 - 2 * s)
    np.testing.assert_allclose(H["W"]["W"], (inputs * d2[:, None]).T @ inputs, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(H["b"]["b"], d2.sum(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(H["W"]["b"], H["b"]["W"], rtol=1e-5, atol=1e-6)


def test_hessian():
    x = jnp.asarray(X)
    np.testing.assert_allclose(hessian(lambda x: jnp.sum(x ** 3))(x), np.diag(6 * X), rtol=1e-6)
    assert hessian(lambda x: jnp.sum(x ** 3))(jnp.ones((2, 2))).shape == (2, 2, 2, 2)
    A = np.array([[2.0, 1.0], [1.0, 3.0]], np.float32)
    H = hessian(lambda v: v @ jnp.asarray(A) @ v)(jnp.ones(2))
    np.testing.assert_allclose(H, 2 * A)


# ---- perturbation confusion, HVPs, stop_gradient -------------------------------------------------

@pytest.mark.parametrize("x", [0.0, 1.0, 2.0, -3.5])
def test_perturbation_confusion(x):
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1, for any x.
    out = grad(lambda x: x * grad(lambda y: x + y)(x))(x)
    assert float(out) == 1.0


def test_nested_closure_derivative():
    # d/dx [d/dy (x * y)] at y = x: inner derivative is x, outer is 1.
    assert float(grad(lambda x: grad(lambda y: x * y)(x))(3.0)) == 1.0
    # x * d/dy (x * y**2) at y = 2 is x * 4x = 4x^2, whose derivative at 3 is 24.
    f = lambda x: x * grad(lambda y: x * y ** 2)(2.0)
    assert float(grad(f)(3.0)) == 24.0
    # Forward over reverse and reverse over forward agree on the same closure.
    g = lambda x: jvp(lambda y: x * jnp.sin(y), (x,), (1.0,))[1]  # x cos x
    np.testing.assert_allclose(grad(g)(1.0), np.cos(1.0) - np.sin(1.0), rtol=1e-6)


def _f_for_hvp(x):
    return jnp.sum(jnp.sin(x) * x ** 2) + jnp.prod(x)


def test_hvp_grad_of_grad_with_closure_matches_dense_hessian():
    x = jnp.asarray(X)
    v = jnp.array([1.0, 0.0, 2.0])

    def hvp(f, x, v):
        return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)

    H = hessian(_f_for_hvp)(x)
    np.testing.assert_allclose(hvp(_f_for_hvp, x, v), np.asarray(H) @ np.asarray(v),
                               rtol=1e-5, atol=1e-6)
    # forward-over-reverse and reverse-over-forward give the same product
    fwd_rev = jvp(grad(_f_for_hvp), (x,), (v,))[1]
    rev_fwd = grad(lambda x: jvp(_f_for_hvp, (x,), (v,))[1])(x)
    np.testing.assert_allclose(fwd_rev, np.asarray(H) @ np.asarray(v), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rev_fwd, np.asarray(H) @ np.asarray(v), rtol=1e-5, atol=1e-6)


def test_stop_gradient():
    assert float(grad(lambda x: x * lax.stop_gradient(x))(3.0)) == 3.0
    assert float(grad(lambda x: lax.stop_gradient(x) ** 2)(3.0)) == 0.0
    x = jnp.asarray(X)
    g = grad(lambda x: jnp.sum(lax.stop_gradient({"a": x})["a"] * x))(x)
    np.testing.assert_allclose(g, X)
    out = lax.stop_gradient({"a": x, "i": jnp.arange(2)})
    np.testing.assert_array_equal(out["a"], X)
    assert out["i"].dtype == np.int32
    # jvp through stop_gradient is a symbolic zero
    np.testing.assert_array_equal(jvp(lax.stop_gradient, (x,), (jnp.ones(3),))[1], np.zeros(3))
    # the second derivative through stop_gradient vanishes as well
    assert float(grad(grad(lambda x: x * lax.stop_gradient(x)))(3.0)) == 0.0


def test_straight_through_estimator():
    x = jnp.array([0.2, 1.7, -2.6])

    def ste_round(x):
        return x + lax.stop_gradient(jnp.round(x) - x)

    np.testing.assert_array_equal(ste_round(x), [0.0, 2.0, -3.0])
    np.testing.assert_array_equal(grad(lambda x: jnp.sum(ste_round(x)))(x), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(grad(lambda x: jnp.sum(jnp.round(x)))(x), [0.0, 0.0, 0.0])
    np.testing.assert_allclose(grad(lambda x: jnp.sum(ste_round(x) ** 2))(x), [0.0, 4.0, -6.0])


# ---- derivative rules of every primitive vs central finite differences (x64) ------------------

def _random_like(rng, x):
    return rng.standard_normal(np.shape(x))


def _numerical_jvp(f, args, tangents, eps=1e-6):
    plus = f(*[a + eps * t for a, t in zip(args, tangents)])
    minus = f(*[a - eps * t for a, t in zip(args, tangents)])
    return (np.asarray(plus, np.float64) - np.asarray(minus, np.float64)) / (2 * eps)


def _inner(a, b):
    return float(np.sum(np.asarray(a, np.float64) * np.asarray(b, np.float64)))


def check_grads(f, args, order=2, rtol=1e-6, atol=1e-6, seed=0):
    """Forward mode against finite differences, reverse mode against forward mode
    (<ct, J t> == <J^T ct, t>), then the same for the jvp and vjp functions
    (second derivatives in every mix of modes)."""
    rng = np.random.default_rng(seed)
    args = [jnp.asarray(np.asarray(a, np.float64)) for a in args]
    tangents = [jnp.asarray(_random_like(rng, a)) for a in args]
    out, t_out = jvp(f, tuple(args), tuple(tangents))
    assert out.dtype == np.float64 and t_out.dtype == np.float64
    assert t_out.shape == out.shape
    np.testing.assert_allclose(np.asarray(out), np.asarray(f(*args)), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(t_out), _numerical_jvp(f, args, tangents),
                               rtol=rtol, atol=atol)
    out2, f_vjp = vjp(f, *args)
    ct = jnp.asarray(_random_like(rng, out))
    cts = f_vjp(ct)
    assert len(cts) == len(args)
    for c, a in zip(cts, args):
        assert c.shape == a.shape and c.dtype == a.dtype
    np.testing.assert_allclose(_inner(ct, t_out), sum(_inner(c, t) for c, t in zip(cts, tangents)),
                               rtol=rtol, atol=atol)
    if order > 1:
        check_grads(lambda *a: jvp(f, a, tuple(tangents))[1], args, order - 1, rtol, atol, seed + 1)
        check_grads(lambda *a: vjp(f, *a)[1](ct)[0], args, order - 1, rtol, atol, seed + 2)


def check_jacobians_agree(f, args):
    args = [jnp.asarray(np.asarray(a, np.float64)) for a in args]
    argnums = tuple(range(len(args)))
    assert_tree_allclose(jacfwd(f, argnums=argnums)(*args), jacrev(f, argnums=argnums)(*args),
                         rtol=1e-10, atol=1e-12)


def _uniform(lo, hi, shape=(3,)):
    def make(rng):
        return rng.uniform(lo, hi, shape)
    return make


_normal = lambda shape=(3,): (lambda rng: rng.standard_normal(shape))
_away_from_zero = lambda shape=(3,): (lambda rng: rng.uniform(0.5, 2.0, shape)
                                      * rng.choice([-1.0, 1.0], shape))

UNARY = {
    "neg": (lax.neg, _normal()),
    "exp": (lax.exp, _normal()),
    "exp2": (lax.exp2, _normal()),
    "log": (lax.log, _uniform(0.5, 3.0)),
    "log1p": (lax.log1p, _uniform(-0.5, 2.0)),
    "expm1": (lax.expm1, _normal()),
    "tanh": (lax.tanh, _normal()),
    "logistic": (lax.logistic, _normal()),
    "sin": (lax.sin, _normal()),
    "cos": (lax.cos, _normal()),
    "tan": (lax.tan, _uniform(-1.2, 1.2)),
    "asin": (lax.asin, _uniform(-0.9, 0.9)),
    "acos": (lax.acos, _uniform(-0.9, 0.9)),
    "atan": (lax.atan, _normal()),
    "sinh": (lax.sinh, _normal()),
    "cosh": (lax.cosh, _normal()),
    "asinh": (lax.asinh, _normal()),
    "acosh": (lax.acosh, _uniform(1.2, 3.0)),
    "atanh": (lax.atanh, _uniform(-0.9, 0.9)),
    "sqrt": (lax.sqrt, _uniform(0.5, 3.0)),
    "rsqrt": (lax.rsqrt, _uniform(0.5, 3.0)),
    "cbrt": (lax.cbrt, _away_from_zero()),
    "abs": (lax.abs, _away_from_zero()),
    "square": (lax.square, _normal()),
    "reciprocal": (lax.reciprocal, _away_from_zero()),
    "integer_pow_3": (lambda x: lax.integer_pow(x, 3), _normal()),
    "integer_pow_1": (lambda x: lax.integer_pow(x, 1), _normal()),
    "integer_pow_0": (lambda x: lax.integer_pow(x, 0), _normal()),
    "integer_pow_-2": (lambda x: lax.integer_pow(x, -2), _away_from_zero()),
    "jnp_log2": (jnp.log2, _uniform(0.5, 3.0)),
    "jnp_log10": (jnp.log10, _uniform(0.5, 3.0)),
    "jnp_sinc": (jnp.sinc, _away_from_zero()),
    "jnp_hypot_self": (lambda x: jnp.hypot(x, 2.0), _normal()),
    "jnp_logaddexp": (lambda x: jnp.logaddexp(x, 0.5), _normal()),
    "jnp_deg2rad": (jnp.deg2rad, _normal()),
    "convert_f64_f64": (lambda x: lax.convert_element_type(x, jnp.float64), _normal()),
}

BINARY = {
    "add": (lax.add, _normal(), _normal()),
    "sub": (lax.sub, _normal(), _normal()),
    "mul": (lax.mul, _normal(), _normal()),
    "div": (lax.div, _normal(), _away_from_zero()),
    "max": (lax.max, _uniform(0.0, 1.0), _uniform(2.0, 3.0)),
    "max_swapped": (lax.max, _uniform(2.0, 3.0), _uniform(0.0, 1.0)),
    "min": (lax.min, _uniform(0.0, 1.0), _uniform(2.0, 3.0)),
    "pow": (lax.pow, _uniform(0.5, 2.0), _normal()),
    "atan2": (lax.atan2, _away_from_zero(), _away_from_zero()),
    "rem": (lax.rem, _uniform(2.1, 2.9), _uniform(0.9, 1.0)),
    "jnp_add_broadcast": (jnp.add, _normal((3, 1)), _normal((4,))),
    "jnp_mul_broadcast": (jnp.multiply, _normal((2, 1, 3)), _normal((4, 1))),
    "jnp_div_broadcast": (jnp.divide, _normal((3, 4)), _away_from_zero((4,))),
    "jnp_maximum_broadcast": (jnp.maximum, _uniform(0.0, 1.0, (2, 3)), _uniform(2.0, 3.0, (3,))),
    "jnp_power": (jnp.power, _uniform(0.5, 2.0, (2, 3)), _normal((3,))),
    "jnp_arctan2": (jnp.arctan2, _away_from_zero(), _away_from_zero()),
}


@pytest.mark.usefixtures("x64")
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_primitive_derivatives_vs_finite_differences(name):
    fn, sample = UNARY[name]
    x = sample(np.random.default_rng(1))
    check_grads(fn, [x], order=2)
    check_jacobians_agree(fn, [x])


@pytest.mark.usefixtures("x64")
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_primitive_derivatives_vs_finite_differences(name):
    fn, sample_x, sample_y = BINARY[name]
    rng = np.random.default_rng(2)
    x, y = sample_x(rng), sample_y(rng)
    check_grads(fn, [x, y], order=2)
    check_jacobians_agree(fn, [x, y])


@pytest.mark.usefixtures("x64")
@pytest.mark.parametrize("fn", [lax.sign, lax.floor, lax.ceil, lax.round, jnp.round, jnp.trunc,
                                lambda x: jnp.floor_divide(x, 0.7)],
                         ids=["sign", "floor", "ceil", "round", "jnp_round", "trunc", "floor_divide"])
def test_piecewise_constant_primitives_have_zero_derivative(fn):
    x = jnp.array([0.3, 1.7, -2.2])
    _, t = jvp(fn, (x,), (jnp.ones(3),))
    np.testing.assert_array_equal(t, np.zeros(3))
    np.testing.assert_array_equal(grad(lambda x: jnp.sum(fn(x)))(x), np.zeros(3))


@pytest.mark.usefixtures("x64")
def test_select_derivatives():
    pred = jnp.array([True, False, True])
    rng = np.random.default_rng(3)
    check_grads(lambda a, b: lax.select(pred, a, b), [rng.standard_normal(3),
                                                     rng.standard_normal(3)])
    check_grads(lambda a, b: jnp.where(pred, a, b), [rng.standard_normal((2, 3)),
                                                     rng.standard_normal(3)])
    check_grads(lambda a: lax.select_n(jnp.array([0, 2, 1]), a, 2 * a, a ** 2),
                [rng.standard_normal(3)])
    check_jacobians_agree(lambda a, b: jnp.where(pred, a, b), [rng.standard_normal((2, 3)),
                                                               rng.standard_normal(3)])


@pytest.mark.usefixtures("x64")
def test_convert_element_type_derivatives():
    x = jnp.array([0.5, 1.5])
    _, t = jvp(lambda x: lax.convert_element_type(x, jnp.float32), (x,), (jnp.array([1.0, 2.0]),))
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t, [1.0, 2.0])
    g = grad(lambda x: jnp.sum(lax.convert_element_type(x, jnp.float32) * 3))(x)
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [3.0, 3.0])
    # float -> int -> float has zero derivative
    g = grad(lambda x: jnp.sum(x.astype(jnp.int32).astype(jnp.float64)))(x)
    np.testing.assert_array_equal(g, [0.0, 0.0])


REDUCTIONS = {
    "sum_all": (lambda x: jnp.sum(x), (3, 4)),
    "sum_axis0": (lambda x: lax.reduce_sum(x, (0,)), (3, 4)),
    "sum_axis1_keepdims": (lambda x: jnp.sum(x, axis=1, keepdims=True), (3, 4)),
    "sum_axes02": (lambda x: jnp.sum(x, axis=(0, 2)), (2, 3, 4)),
    "max_all": (lambda x: jnp.max(x), (3, 4)),
    "max_axis1": (lambda x: lax.reduce_max(x, (1,)), (3, 4)),
    "min_axis0": (lambda x: jnp.min(x, axis=0), (3, 4)),
    "prod_all": (lambda x: jnp.prod(x), (2, 3)),
    "prod_axis1": (lambda x: lax.reduce_prod(x, (1,)), (3, 4)),
    "prod_axes01": (lambda x: jnp.prod(x, axis=(0, 1)), (2, 2, 3)),
    "mean": (lambda x: jnp.mean(x, axis=0), (3, 4)),
    "var": (lambda x: jnp.var(x, axis=1), (3, 4)),
    "std": (lambda x: jnp.std(x), (3, 4)),
    "logsumexp_like": (lambda x: jnp.log(jnp.sum(jnp.exp(x), axis=-1)), (3, 4)),
    "average_weighted": (lambda x: jnp.average(x, axis=0, weights=jnp.arange(1.0, 4.0)), (3, 4)),
}


@pytest.mark.usefixtures("x64")
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reduction_derivatives_vs_finite_differences(name):
    fn, shape = REDUCTIONS[name]
    # distinct values: max/min are differentiable there
    x = np.random.default_rng(4).permutation(np.prod(shape)).reshape(shape) / 7.0 + 0.3
    check_grads(fn, [x], order=2)
    check_jacobians_agree(fn, [x])


@pytest.mark.usefixtures("x64")
def test_prod_derivative_with_zeros_is_exact():
    x = jnp.array([2.0, 0.0, 3.0, 4.0])
    np.testing.assert_array_equal(grad(jnp.prod)(x), [0.0, 24.0, 0.0, 0.0])
    x = jnp.array([0.0, 0.0, 3.0])
    np.testing.assert_array_equal(grad(jnp.prod)(x), [0.0, 0.0, 0.0])
    check_grads(jnp.prod, [np.array([2.0, 0.0, 3.0, 4.0])])


@pytest.mark.usefixtures("x64")
def test_argmax_has_zero_derivative():
    x = jnp.array([1.0, 3.0, 2.0])
    g = grad(lambda x: x[jnp.argmax(x)] * 2)(x)
    np.testing.assert_array_equal(g, [0.0, 2.0, 0.0])


SHAPE_OPS = {
    "broadcast_in_dim": (lambda x: lax.broadcast_in_dim(x, (2, 3), (1,)), (3,)),
    "broadcast_in_dim_ones": (lambda x: lax.broadcast_in_dim(x, (3, 4, 2), (0, 1)), (3, 1)),
    "broadcast_to": (lambda x: jnp.broadcast_to(x, (2, 3, 4)), (3, 1)),
    "reshape": (lambda x: lax.reshape(x, (6, 2)), (3, 4)),
    "reshape_ravel": (lambda x: jnp.ravel(x), (2, 3, 2)),
    "transpose": (lambda x: lax.transpose(x, (2, 0, 1)), (2, 3, 4)),
    "jnp_T": (lambda x: x.T, (3, 4)),
    "moveaxis": (lambda x: jnp.moveaxis(x, 0, -1), (2, 3, 4)),
    "squeeze": (lambda x: lax.squeeze(x, (1,)), (3, 1, 2)),
    "expand_dims": (lambda x: jnp.expand_dims(x, (0, 2)), (3, 2)),
    "rev": (lambda x: lax.rev(x, (0, 1)), (3, 4)),
    "flip": (lambda x: jnp.flip(x, axis=1), (3, 4)),
    "concatenate": (lambda x: lax.concatenate([x, 2 * x, x ** 2], 1), (2, 3)),
    "jnp_stack": (lambda x: jnp.stack([x, jnp.sin(x)], axis=1), (2, 3)),
    "slice": (lambda x: lax.slice(x, (1, 0), (3, 4)), (3, 4)),
    "slice_strided": (lambda x: lax.slice(x, (0, 1), (3, 4), (2, 2)), (3, 4)),
    "pad": (lambda x: lax.pad(x, 0.0, ((1, 2, 0), (0, 1, 1))), (3, 4)),
    "pad_negative": (lambda x: lax.pad(x, 0.0, ((-1, 1, 0), (1, -2, 1))), (3, 4)),
    "split": (lambda x: jnp.split(x, 2, axis=1)[1] * 3, (3, 4)),
    "tile_like": (lambda x: jnp.concatenate([x, x], axis=0), (2, 2)),
}


@pytest.mark.usefixtures("x64")
@pytest.mark.parametrize("name", sorted(SHAPE_OPS))
def test_shape_primitive_derivatives_vs_finite_differences(name):
    fn, shape = SHAPE_OPS[name]
    x = np.random.default_rng(5).standard_normal(shape)
    check_grads(lambda x: fn(x) * jnp.cos(fn(x)), [x], order=2)
    check_jacobians_agree(fn, [x])


@pytest.mark.usefixtures("x64")
def test_pad_derivative_wrt_padding_value():
    x = np.random.default_rng(6).standard_normal((2, 3))
    check_grads(lambda x, v: lax.pad(x, v, ((1, 1, 1), (0, 2, 0))) ** 2, [x, np.array(0.7)])
    g = grad(lambda v: jnp.sum(lax.pad(jnp.ones((2, 3)), v, ((1, 1, 1), (0, 2, 0)))))(0.5)
    # output is (5, 5): 25 entries, 6 of them from x, 19 padding
    assert float(g) == 19.0


IDX = np.array([2, 0, 2])

INDEXING = {
    "int": (lambda x: x[1], (3, 4)),
    "negative_int_pair": (lambda x: x[-1, 2], (3, 4)),
    "slices": (lambda x: x[:, ::2], (3, 4)),
    "reverse_slice": (lambda x: x[::-1, 1:3], (3, 4)),
    "none_ellipsis": (lambda x: x[None, ..., 1], (3, 4)),
    "int_array_duplicates": (lambda x: x[jnp.asarray(IDX)], (3, 4)),
    "two_int_arrays": (lambda x: x[jnp.asarray(IDX), jnp.array([0, 3, 3])], (3, 4)),
    "array_after_slice": (lambda x: x[:, jnp.array([3, 0])], (3, 4)),
    "separated_arrays": (lambda x: x[jnp.array([0, 1]), :, jnp.array([1, 1])], (2, 3, 2)),
    "bool_mask_concrete": (lambda x: x[np.array([True, False, True])], (3, 4)),
    "take": (lambda x: jnp.take(x, jnp.array([3, 1, 1]), axis=1), (3, 4)),
    "take_along_axis": (lambda x: jnp.take_along_axis(x, jnp.array([[0], [3], [1]]), axis=1),
                        (3, 4)),
    "dynamic_slice": (lambda x: lax.dynamic_slice(x, (1, 1), (2, 2)), (3, 4)),
    "dynamic_index": (lambda x: lax.dynamic_index_in_dim(x, 2, axis=1, keepdims=False), (3, 4)),
    "diagonal": (lambda x: jnp.diagonal(x), (3, 4)),
    "trace": (lambda x: jnp.trace(x), (3, 3)),
}


@pytest.mark.usefixtures("x64")
@pytest.mark.parametrize("name", sorted(INDEXING))
def test_gather_derivatives_vs_finite_differences(name):
    fn, shape = INDEXING[name]
    x = np.random.default_rng(7).standard_normal(shape)
    check_grads(lambda x: fn(x) ** 2, [x], order=2)
    check_jacobians_agree(fn, [x])


@pytest.mark.usefixtures("x64")
def test_gather_gradient_accumulates_duplicate_indices():
    g = grad(lambda x: jnp.sum(x[jnp.array([0, 0, 2])]))(jnp.zeros(4))
    np.testing.assert_array_equal(g, [2.0, 0.0, 1.0, 0.0])


SCATTERS = {
    "set_int": (lambda x, u: x.at[1].set(u), (3, 4), (4,)),
    "set_slice": (lambda x, u: x.at[:, 1:3].set(u), (3, 4), (3, 2)),
    "set_array": (lambda x, u: x.at[jnp.array([2, 0])].set(u), (3, 4), (2, 4)),
    "set_broadcast_update": (lambda x, u: x.at[1:].set(u), (3, 4), (4,)),
    "add_duplicates": (lambda x, u: x.at[jnp.array([1, 1, 0])].add(u), (3, 2), (3, 2)),
    "add_slice": (lambda x, u: x.at[::2].add(u), (4, 2), (2, 2)),
    "dynamic_update_slice": (lambda x, u: lax.dynamic_update_slice(x, u, (1, 2)), (3, 4), (2, 2)),
    "set_duplicates": (lambda x, u: x.at[jnp.array([1, 1, 0])].set(u), (3, 2), (3, 2)),
    "set_duplicates_broadcast": (lambda x, u: x.at[jnp.array([2, 0, 2])].set(u), (3, 2), (2,)),
    "max_array": (lambda x, u: x.at[jnp.array([2, 0])].max(u), (3, 2), (2, 2)),
    "min_duplicates": (lambda x, u: x.at[jnp.array([1, 1, 0])].min(u), (3, 2), (3, 2)),
    "max_slice": (lambda x, u: x.at[1:].max(u), (3, 2), (2,)),
}


@pytest.mark.usefixtures("x64")
@pytest.mark.parametrize("name", sorted(SCATTERS))
def test_scatter_derivatives_vs_finite_differences(name):
    fn, x_shape, u_shape = SCATTERS[name]
    rng = np.random.default_rng(8)
    x, u = rng.standard_normal(x_shape), rng.standard_normal(u_shape)
    check_grads(lambda x, u: fn(x, u) ** 2, [x, u], order=2)
    check_jacobians_agree(fn, [x, u])


@pytest.mark.usefixtures("x64")
def test_scatter_multiply_derivative_wrt_operand():
    rng = np.random.default_rng(12)
    u = jnp.asarray(rng.standard_normal((3, 2)))
    fn = lambda x: x.at[jnp.array([1, 1, 0])].multiply(u)
    check_grads(lambda x: fn(x) ** 2, [rng.standard_normal((3, 2))], order=2)
    check_jacobians_agree(fn, [rng.standard_normal((3, 2))])
    with pytest.raises(NotImplementedError):
        grad(lambda u: jnp.sum(jnp.ones(3).at[jnp.array([0, 0])].multiply(u)))(jnp.ones(2))


def test_scatter_gradients_with_duplicates_and_ties_like_jax():
    x, u = jnp.array([1.0, 2.0, 3.0]), jnp.array([5.0, 7.0])
    i = jnp.array([0, 0])
    # set: only the update that lands (the last duplicate) gets a gradient
    np.testing.assert_array_equal(grad(lambda u: jnp.sum(x.at[i].set(u) * 2))(u), [0.0, 2.0])
    np.testing.assert_array_equal(grad(lambda u: jnp.sum(x.at[i].set(u[0]) * 2))(u), [2.0, 0.0])
    np.testing.assert_array_equal(jacrev(lambda u: x.at[i].set(u))(u),
                                  jacfwd(lambda u: x.at[i].set(u))(u))
    np.testing.assert_array_equal(jit(grad(lambda u, i: jnp.sum(x.at[i].set(u) * 2)))(u, i),
                                  [0.0, 2.0])
    np.testing.assert_array_equal(vmap(grad(lambda u: jnp.sum(x.at[i].set(u) * 2)))(jnp.stack([u, u])),
                                  [[0.0, 2.0], [0.0, 2.0]])
    m, w = jnp.arange(6.0).reshape(3, 2), jnp.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(
        grad(lambda v: jnp.sum(m.at[jnp.array([1, 1, 2])].set(v) * w))(jnp.ones((3, 2))),
        [[0.0, 0.0], [2.0, 3.0], [4.0, 5.0]])
    np.testing.assert_array_equal(
        grad(lambda v: jnp.sum(m.at[jnp.array([1, 1, 2])].set(v) * w))(jnp.ones(2)), [6.0, 8.0])
    # max/min: the tangent is shared evenly among the values attaining the extremum
    u2 = jnp.array([2.0, 3.0])
    gx, gu = grad(lambda x, u: jnp.sum(x.at[jnp.array([0, 2])].max(u)), argnums=(0, 1))(x, u2)
    np.testing.assert_array_equal(gx, [0.0, 1.0, 0.5])
    np.testing.assert_array_equal(gu, [1.0, 0.5])
    gx, gu = grad(lambda x, u: jnp.sum(x.at[jnp.array([0, 2])].min(u)), argnums=(0, 1))(x, u2)
    np.testing.assert_array_equal(gx, [1.0, 1.0, 0.5])
    np.testing.assert_array_equal(gu, [0.0, 0.5])
    g = grad(lambda u: jnp.sum(x.at[jnp.array([0, 0, 2])].max(u) * jnp.array([1.0, 10.0, 100.0])))(
        jnp.array([2.0, 2.0, 3.0]))
    np.testing.assert_array_equal(g, [0.5, 0.5, 50.0])
    np.testing.assert_array_equal(grad(lambda x: jnp.sum(x.at[1:].max(2.5)))(x), [1.0, 0.0, 1.0])
    # multiply: linear in the operand
    g = grad(lambda x: jnp.sum(x.at[i].multiply(u) * jnp.array([1.0, 10.0, 100.0])))(x)
    np.testing.assert_array_equal(g, [35.0, 10.0, 100.0])


@pytest.mark.usefixtures("x64")
def test_scatter_set_gradient_values():
    # Overwritten entries of x get no gradient; the update gets the cotangent of its slot.
    gx, gu = grad(lambda x, u: jnp.sum(x.at[1].set(u) * jnp.arange(3.0)), argnums=(0, 1))(
        jnp.ones(3), 5.0)
    np.testing.assert_array_equal(gx, [0.0, 0.0, 2.0])
    assert float(gu) == 1.0


CONTRACTIONS = {
    "dot_vv": (jnp.dot, (4,), (4,)),
    "dot_mv": (jnp.dot, (3, 4), (4,)),
    "dot_vm": (jnp.dot, (3,), (3, 4)),
    "matmul_mm": (jnp.matmul, (2, 3), (3, 4)),
    "matmul_batched": (jnp.matmul, (2, 2, 3), (2, 3, 4)),
    "matmul_broadcast_batch": (jnp.matmul, (2, 1, 2, 3), (3, 3, 2)),
    "dot_general_batch": (lambda a, b: lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,)))),
                          (2, 3, 4), (2, 4, 5)),
    "dot_general_two_contracting": (lambda a, b: lax.dot_general(a, b, (((1, 2), (1, 0)), ((), ()))),
                                    (3, 4, 5), (5, 4, 2)),
    "dot_general_batch_not_leading": (
        lambda a, b: lax.dot_general(a, b, (((0,), (2,)), ((2,), (0,)))), (3, 2, 4), (4, 2, 3)),
    "einsum": (lambda a, b: jnp.einsum("ij,jk->ik", a, b), (2, 3), (3, 4)),
    "einsum_batch_trace": (lambda a, b: jnp.einsum("bij,bjk->bk", a, b), (2, 3, 3), (2, 3, 4)),
    "tensordot": (lambda a, b: jnp.tensordot(a, b, axes=([1, 2], [0, 1])), (2, 3, 4), (3, 4, 2)),
    "outer": (jnp.outer, (3,), (4,)),
    "inner": (jnp.inner, (2, 3), (4, 3)),
    "vdot": (jnp.vdot, (2, 3), (2, 3)),
}


@pytest.mark.usefixtures("x64")
@pytest.mark.parametrize("name", sorted(CONTRACTIONS))
def test_contraction_derivatives_vs_finite_differences(name):
    fn, a_shape, b_shape = CONTRACTIONS[name]
    rng = np.random.default_rng(9)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    check_grads(fn, [a, b], order=2)
    check_jacobians_agree(fn, [a, b])


@pytest.mark.usefixtures("x64")
def test_composite_network_derivatives():
    rng = np.random.default_rng(10)
    W1, W2 = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    x = rng.standard_normal((5, 3))

    def net(W1, W2):
        h = jnp.tanh(jnp.asarray(x) @ W1)
        logits = h @ W2
        return jnp.mean(logits - jnp.log(jnp.sum(jnp.exp(logits), axis=1, keepdims=True)))

    check_grads(net, [W1, W2], order=2, rtol=1e-5, atol=1e-6)
    check_jacobians_agree(net, [W1, W2])


@pytest.mark.usefixtures("x64")
def test_derivatives_through_jit():
    rng = np.random.default_rng(11)
    f = jit(lambda x, y: jnp.sum(jnp.sin(x) * y) * x)
    check_grads(f, [rng.standard_normal(3), rng.standard_normal(3)], order=2)
    check_jacobians_agree(f, [rng.standard_normal(3), rng.standard_normal(3)])


# ---- more compositions (values from JAX 0.10.2) ----------------------------------------------------

def test_hessian_with_aux_and_argnums():
    x = jnp.array([0.5, 1.0, 2.0])
    H, aux = hessian(lambda x: (jnp.sum(x ** 3), x * 2), has_aux=True)(x)
    np.testing.assert_allclose(H, np.diag([3.0, 6.0, 12.0]))
    np.testing.assert_allclose(aux, [1.0, 2.0, 4.0])
    (Haa, Hab), (Hba, Hbb) = hessian(lambda a, b: jnp.sum(a * a * b), argnums=(0, 1))(x, x)
    np.testing.assert_allclose(Haa, np.diag([1.0, 2.0, 4.0]))
    np.testing.assert_allclose(Hab, np.diag([1.0, 2.0, 4.0]))
    np.testing.assert_allclose(Hba, np.diag([1.0, 2.0, 4.0]))
    np.testing.assert_allclose(Hbb, np.zeros((3, 3)))
    H = hessian(lambda a, b: jnp.sum(a * a * b * b), argnums=1)(x, x)
    np.testing.assert_allclose(H, np.diag([0.5, 2.0, 8.0]))


def test_grad_under_jit_and_vmap():
    x = jnp.array([0.5, 1.0, 2.0])
    v, g = jit(value_and_grad(lambda x: jnp.sum(x ** 2)))(x)
    assert float(v) == 5.25
    np.testing.assert_allclose(g, [1.0, 2.0, 4.0])
    g, aux = jit(grad(lambda x: (jnp.sum(x ** 2), x), has_aux=True))(x)
    np.testing.assert_allclose(g, [1.0, 2.0, 4.0])
    np.testing.assert_allclose(aux, [0.5, 1.0, 2.0])
    v, g = vmap(value_and_grad(lambda x: x ** 3))(x)
    np.testing.assert_allclose(v, [0.125, 1.0, 8.0])
    np.testing.assert_allclose(g, [0.75, 3.0, 12.0])
    assert float(grad(jit(lambda x, n: x ** n, static_argnums=1))(2.0, 3)) == 12.0
    assert float(grad(lambda x: jit(lambda y: jit(lambda z: x * z * y)(y))(x))(3.0)) == 27.0
    hvp = jit(lambda x, v: jvp(grad(lambda x: jnp.sum(x ** 4)), (x,), (v,))[1])(x, jnp.ones(3))
    np.testing.assert_allclose(hvp, [3.0, 12.0, 48.0])
    assert float(grad(lambda w: jnp.sum(vmap(lambda x: w * x)(x)))(2.0)) == 3.5


def test_grad_with_traced_and_static_indices():
    x = jnp.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(grad(lambda x: x[1] * x[2])(x), [0.0, 2.0, 1.0])
    np.testing.assert_allclose(grad(lambda x, i: x[i] ** 2)(x, 2), [0.0, 0.0, 4.0])
    np.testing.assert_allclose(jit(grad(lambda x, i: x[i] ** 2))(x, 2), [0.0, 0.0, 4.0])


def test_common_gradients_match_jax():
    x = jnp.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(grad(lambda x: jnp.sqrt(jnp.sum(x ** 2)))(x),
                               [0.21822, 0.43644, 0.87287], rtol=1e-4)
    np.testing.assert_allclose(grad(lambda x: jnp.exp(x)[0] / jnp.sum(jnp.exp(x)))(x),
                               [0.12058, -0.03243, -0.08815], rtol=1e-3)
    np.testing.assert_allclose(grad(lambda x: jnp.var(x) + jnp.std(x))(x),
                               [-0.80079, -0.20020, 1.00099], rtol=1e-4)
    np.testing.assert_allclose(grad(lambda m: jnp.prod(m, axis=0).sum())(jnp.array([[1.0, 0.0], [2.0, 3.0]])),
                               [[2.0, 3.0], [1.0, 0.0]])
    np.testing.assert_allclose(grad(lambda m: jnp.max(m, axis=1).sum())(jnp.array([[1.0, 3.0], [2.0, 2.0]])),
                               [[0.0, 1.0], [0.5, 0.5]])
    np.testing.assert_allclose(grad(lambda x: jnp.sum(jnp.concatenate([x, x[:1] * 3]) ** 2))(x),
                               [10.0, 2.0, 4.0])
    np.testing.assert_allclose(grad(lambda m: jnp.einsum("ii->", m @ m))(jnp.array([[1.0, 2.0], [3.0, 4.0]])),
                               [[2.0, 6.0], [4.0, 8.0]])
    np.testing.assert_allclose(grad(lambda x: jnp.sum(jnp.clip(x, 0.7, 1.5)))(x), [0.0, 1.0, 0.0])
    g = grad(lambda x: jnp.sum(x.astype(jnp.float16) ** 2).astype(jnp.float32))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, [1.0, 2.0, 4.0])
    # the classic where-NaN gotcha behaves as in JAX: the untaken sqrt branch still poisons it
    g = grad(lambda x: jnp.sum(jnp.where(x > 0, jnp.sqrt(jnp.abs(x)), 0.0)))(jnp.array([0.0, 4.0]))
    assert np.isnan(np.asarray(g)[0]) and float(g[1]) == 0.25


def test_linearize_with_pytree_output_and_jvp_of_jit_with_zero_tangent():
    x = jnp.array([0.5, 1.0, 2.0])
    t = linearize(lambda x: {"a": x * 2, "b": jnp.sin(x)}, x)[1](jnp.ones(3))
    np.testing.assert_allclose(t["a"], [2.0, 2.0, 2.0])
    np.testing.assert_allclose(t["b"], np.cos([0.5, 1.0, 2.0]), rtol=1e-6)
    out, t = jvp(jit(lambda a, b: a * b), (x, x), (jnp.ones(3), jnp.zeros(3)))
    np.testing.assert_allclose(out, [0.25, 1.0, 4.0])
    np.testing.assert_allclose(t, [0.5, 1.0, 2.0])


def test_integer_outputs_of_a_jit_carry_no_tangent():
    # A primitive with no differentiation rule (equinox's unvmap_max) applied to an integer
    # that a jit returns under jvp: the integer's tangent is zero, so, as in JAX, the rule
    # is never needed.
    count_max = Primitive("count_max")
    count_max.def_impl(lambda n: jnp.max(n))
    count_max.def_abstract_eval(lambda n: jaxlite.core.ShapedArray((), n.dtype))

    def f(x):
        y, n = jit(lambda x: (x * 2.0, jnp.arange(3) + jnp.round(x).astype(jnp.int32)))(x)
        return y * count_max.bind(n)
    primal, tangent = jvp(f, (1.0,), (1.0,))
    assert (float(primal), float(tangent)) == (6.0, 6.0)
    assert float(grad(f)(1.0)) == 6.0
    assert float(jvp(jit(f), (1.0,), (1.0,))[1]) == 6.0
