"""Custom derivative rules (custom_jvp, custom_vjp, custom_gradient, closure_convert) and
rematerialization (checkpoint/remat with policies and checkpoint_name).

A rule that deliberately disagrees with the true derivative (e.g. scaled by 10) shows
that the rule, not the traced function, was differentiated. Expected values are
closed-form; behaviours (errors, which transformations apply) follow JAX 0.10.2.
"""
from functools import partial

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite import grad, jvp, vjp, hessian, jacfwd, jacrev, jit, vmap
from jaxlite import custom_jvp, custom_vjp, custom_gradient, closure_convert
from jaxlite.ad_checkpoint import checkpoint_name
from jaxlite._src.custom_derivatives import SymbolicZero


def _is_number_list(v):
    return isinstance(v, list) and all(isinstance(e, (int, float, np.number)) or
                                       _is_number_list(e) for e in v)


def allclose(a, b, rtol=1e-6, atol=1e-6):
    """Pytrees a (computed) and b (expected, where a list stands for an array) agree."""
    a_leaves = jaxlite.tree_util.tree_leaves(a)
    b_leaves = jaxlite.tree_util.tree_leaves(b, is_leaf=_is_number_list)
    assert len(a_leaves) == len(b_leaves)
    for x, y in zip(a_leaves, b_leaves):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=atol)


# ==== custom_jvp ============================================================================

@custom_jvp
def sin_times(x, y):
    return jnp.sin(x) * y


@sin_times.defjvp
def _sin_times_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    # d/dx deliberately scaled by 10: derivatives must come from this rule
    return sin_times(x, y), 10 * jnp.cos(x) * tx * y + jnp.sin(x) * ty


def test_custom_jvp_uses_the_rule_in_every_mode():
    assert float(sin_times(1.0, 2.0)) == pytest.approx(2 * np.sin(1.0))
    dx, dy = 10 * np.cos(1.0) * 2.0, np.sin(1.0)
    allclose(jvp(sin_times, (1.0, 2.0), (1.0, 0.0)), (2 * np.sin(1.0), dx))
    allclose(grad(sin_times, argnums=(0, 1))(1.0, 2.0), (dx, dy))
    allclose(jit(grad(sin_times, argnums=(0, 1)))(1.0, 2.0), (dx, dy))
    allclose(jacfwd(sin_times)(1.0, 2.0), dx)
    allclose(jacrev(sin_times)(1.0, 2.0), dx)


def test_custom_jvp_under_vmap_and_jit():
    xs = jnp.arange(3.0)
    allclose(vmap(sin_times)(xs, jnp.ones(3)), np.sin(np.arange(3.0)))
    expected = 10 * np.cos(np.arange(3.0))
    allclose(vmap(grad(sin_times))(xs, jnp.ones(3)), expected, rtol=1e-6)
    allclose(vmap(grad(sin_times), in_axes=(0, None))(xs, 1.0), expected, rtol=1e-6)
    allclose(jit(vmap(grad(sin_times)))(xs, jnp.ones(3)), expected, rtol=1e-6)
    allclose(grad(lambda x: vmap(sin_times)(x, jnp.ones(3)).sum())(xs), expected, rtol=1e-6)
    # vmap of jvp, with the rule batched
    allclose(vmap(lambda x: jvp(lambda x: sin_times(x, 2.0), (x,), (1.0,)))(xs)[1],
             2 * expected, rtol=1e-6)


@custom_jvp
def relu(x):
    return jnp.maximum(x, 0.0)


relu.defjvp(lambda p, t: (relu(p[0]), jnp.where(p[0] > 0, t[0], 0.0)))


def test_custom_jvp_elementwise_rule_jacobians():
    x = jnp.array([-1.0, 2.0])
    allclose(jacfwd(relu)(x), np.diag([0.0, 1.0]))
    allclose(jacrev(relu)(x), np.diag([0.0, 1.0]))
    allclose(vmap(grad(relu))(x), [0.0, 1.0])


def test_defjvps():
    @custom_jvp
    def exp(x):
        return jnp.exp(x)

    exp.defjvps(lambda t, ans, x: 3 * ans * t)
    allclose(grad(exp)(1.0), 3 * np.e, rtol=1e-6)
    allclose(grad(grad(exp))(1.0), 9 * np.e, rtol=1e-6)  # the rule's own derivative

    @custom_jvp
    def mul(x, y):
        return x * y

    mul.defjvps(lambda t, ans, x, y: t * y * 2, None)  # None: no dependence on y
    allclose(grad(mul, argnums=(0, 1))(2.0, 3.0), (6.0, 0.0))
    allclose(jvp(mul, (2.0, 3.0), (1.0, 1.0)), (6.0, 6.0))


def test_custom_jvp_nondiff_argnums():
    @partial(custom_jvp, nondiff_argnums=(0,))
    def apply(fn, x):
        return fn(x)

    @apply.defjvp
    def apply_jvp(fn, primals, tangents):
        (x,), (t,) = primals, tangents
        return apply(fn, x), 2 * t

    assert float(apply(jnp.sin, 1.0)) == pytest.approx(np.sin(1.0))
    assert float(grad(lambda x: apply(jnp.sin, x))(1.0)) == 2.0
    assert float(jit(grad(lambda x: apply(jnp.sin, x)))(1.0)) == 2.0
    allclose(vmap(grad(lambda x: apply(jnp.cos, x)))(jnp.arange(3.0)), [2.0, 2.0, 2.0])

    # a nondiff integer argument, passed by keyword
    @partial(custom_jvp, nondiff_argnums=(1,))
    def power(x, n):
        return x ** n

    @power.defjvp
    def power_jvp(n, primals, tangents):
        (x,), (t,) = primals, tangents
        return power(x, n), n * x ** (n - 1) * t

    assert float(grad(lambda x: power(x, n=3))(2.0)) == 12.0


def test_custom_jvp_symbolic_zeros():
    seen = []

    @custom_jvp
    def f(x, y):
        return x * y

    def f_jvp(primals, tangents):
        x, y = primals
        tx, ty = tangents
        seen.append((isinstance(tx, SymbolicZero), isinstance(ty, SymbolicZero)))
        t = jnp.zeros_like(x)
        if not isinstance(tx, SymbolicZero):
            t = t + tx * y
        if not isinstance(ty, SymbolicZero):
            t = t + 100 * ty * x
        return x * y, t

    f.defjvp(f_jvp, symbolic_zeros=True)
    assert float(grad(f)(2.0, 3.0)) == 3.0
    assert seen[-1] == (False, True)  # y is not differentiated: its tangent is symbolic
    assert float(grad(f, argnums=1)(2.0, 3.0)) == 200.0
    assert seen[-1] == (True, False)
    assert float(jit(grad(f, argnums=1))(2.0, 3.0)) == 200.0
    allclose(vmap(grad(f))(jnp.arange(3.0), jnp.ones(3)), [1.0, 1.0, 1.0])
    allclose(jvp(f, (2.0, 3.0), (1.0, 1.0)), (6.0, 203.0))
    assert seen[-1] == (False, False)
    assert repr(SymbolicZero(jaxlite.ShapeDtypeStruct((), jnp.float32))).startswith("SymbolicZero")

    # without symbolic_zeros the rule sees materialized zeros
    g = custom_jvp(lambda x, y: x * y)
    g.defjvp(lambda p, t: (p[0] * p[1], (seen.append(type(t[1]).__name__) or t[0] * p[1])))
    assert float(grad(g)(2.0, 3.0)) == 3.0
    assert seen[-1] != "SymbolicZero"


@custom_jvp
def my_sin(x):
    return jnp.sin(x)


@custom_jvp
def my_cos(x):
    return jnp.cos(x)


my_sin.defjvp(lambda p, t: (my_sin(p[0]), my_cos(p[0]) * t[0]))
my_cos.defjvp(lambda p, t: (my_cos(p[0]), -my_sin(p[0]) * t[0]))


def test_custom_jvp_higher_order():
    allclose(grad(grad(my_sin))(1.0), -np.sin(1.0))
    allclose(grad(grad(grad(my_sin)))(1.0), -np.cos(1.0))
    allclose(jvp(grad(my_sin), (1.0,), (1.0,)), (np.cos(1.0), -np.sin(1.0)))
    x = jnp.array([1.0, 2.0])
    allclose(hessian(lambda x: my_sin(x).sum())(x), np.diag(-np.sin([1.0, 2.0])), rtol=1e-6)


def test_custom_jvp_inside_control_flow():
    x = jnp.array([1.0, 2.0])
    f = lambda x: lax.scan(lambda c, v: (my_sin(c * v), None), 1.0, x)[0]
    c1 = np.sin(1.0)
    allclose(grad(f)(x), [np.cos(2 * c1) * 2 * np.cos(1.0), np.cos(2 * c1) * c1], rtol=1e-6)
    allclose(grad(lambda x: lax.cond(x > 0, my_sin, my_cos, x))(1.0), np.cos(1.0))


def test_custom_jvp_errors():
    f = custom_jvp(lambda x: x * 2)
    with pytest.raises(AttributeError, match="defjvp"):
        f(1.0)
    f.defjvp(lambda p, t: p[0] * 2)  # not a pair
    with pytest.raises(TypeError, match="pair"):
        jvp(f, (1.0,), (1.0,))
    g = custom_jvp(lambda x: x * 2)
    g.defjvp(lambda p, t: (p[0] * 2, jnp.ones(3)))  # wrong tangent shape
    with pytest.raises(TypeError, match="shape"):
        jvp(g, (1.0,), (1.0,))
    h = custom_jvp(lambda x: x * 2)
    h.defjvp(lambda p, t: ((p[0] * 2, p[0]), t[0]))  # wrong primal output structure
    with pytest.raises(TypeError, match="structure"):
        jvp(h, (1.0,), (1.0,))


# ==== custom_vjp ============================================================================

@custom_vjp
def sin_times_v(x, y):
    return jnp.sin(x) * y


def _stv_fwd(x, y):
    # residuals as a pytree
    return sin_times_v(x, y), {"cos": jnp.cos(x), "sin_and_y": (jnp.sin(x), y)}


def _stv_bwd(res, g):
    return 10 * res["cos"] * res["sin_and_y"][1] * g, res["sin_and_y"][0] * g


sin_times_v.defvjp(_stv_fwd, _stv_bwd)


def test_custom_vjp_uses_the_rule():
    assert float(sin_times_v(1.0, 2.0)) == pytest.approx(2 * np.sin(1.0))
    dx, dy = 10 * np.cos(1.0) * 2.0, np.sin(1.0)
    allclose(grad(sin_times_v, argnums=(0, 1))(1.0, 2.0), (dx, dy))
    allclose(jit(grad(sin_times_v, argnums=(0, 1)))(1.0, 2.0), (dx, dy))
    out, pullback = vjp(sin_times_v, 1.0, 2.0)
    allclose(pullback(2.0), (2 * dx, 2 * dy))
    allclose(jacrev(sin_times_v)(1.0, 2.0), dx)


def test_custom_vjp_under_vmap_and_jit():
    xs = jnp.arange(3.0)
    allclose(vmap(sin_times_v)(xs, jnp.ones(3)), np.sin(np.arange(3.0)))
    expected = 10 * np.cos(np.arange(3.0))
    allclose(vmap(grad(sin_times_v))(xs, jnp.ones(3)), expected, rtol=1e-6)
    allclose(vmap(grad(sin_times_v), in_axes=(0, None))(xs, 1.0), expected, rtol=1e-6)
    allclose(jit(vmap(grad(sin_times_v)))(xs, jnp.ones(3)), expected, rtol=1e-6)
    allclose(grad(lambda x: vmap(sin_times_v)(x, jnp.ones(3)).sum())(xs), expected, rtol=1e-6)


def test_custom_vjp_higher_order_differentiates_bwd():
    @custom_vjp
    def vsin(x):
        return jnp.sin(x)

    vsin.defvjp(lambda x: (jnp.sin(x), x), lambda x, g: (jnp.cos(x) * g,))
    allclose(grad(grad(vsin))(1.0), -np.sin(1.0))
    allclose(jacfwd(jacrev(vsin))(1.0), -np.sin(1.0))
    allclose(hessian(lambda x: vsin(x).sum())(jnp.array([1.0, 2.0])),
             np.diag(-np.sin([1.0, 2.0])), rtol=1e-6)
    f = lambda x: lax.scan(lambda c, v: (vsin(c * v), None), 1.0, x)[0]
    c1 = np.sin(1.0)
    allclose(grad(f)(jnp.array([1.0, 2.0])),
             [np.cos(2 * c1) * 2 * np.cos(1.0), np.cos(2 * c1) * c1], rtol=1e-6)


def test_custom_vjp_pytree_args_and_outputs():
    @custom_vjp
    def f(d):
        return {"prod": d["a"] * d["b"], "a": d["a"]}

    f.defvjp(lambda d: (f(d), d),
             lambda d, g: ({"a": g["prod"] * d["b"] + g["a"], "b": g["prod"] * d["a"]},))
    g = grad(lambda d: f(d)["prod"] + 2 * f(d)["a"])({"a": 2.0, "b": 3.0})
    allclose(g, {"a": 5.0, "b": 2.0})


def test_custom_vjp_bwd_may_return_none():
    @custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (x * y, y), lambda y, g: (g * y, None))
    allclose(grad(f, argnums=(0, 1))(2.0, 3.0), (3.0, 0.0))

    # None for one leaf of a pytree argument
    @custom_vjp
    def h(p):
        return p[0] * p[1]

    h.defvjp(lambda p: (h(p), p), lambda p, g: ((g * p[1], None),))
    allclose(grad(h)((2.0, 3.0)), (3.0, 0.0))


def test_custom_vjp_nondiff_argnums():
    @partial(custom_vjp, nondiff_argnums=(0,))
    def power(n, x):
        return x ** n

    power.defvjp(lambda n, x: (x ** n, x), lambda n, x, g: (100 * n * x ** (n - 1) * g,))
    assert float(grad(power, argnums=1)(3, 2.0)) == 1200.0
    assert float(jit(grad(power, argnums=1), static_argnums=0)(3, 2.0)) == 1200.0

    @partial(custom_vjp, nondiff_argnums=(0,))
    def apply(fn, x):
        return fn(x)

    apply.defvjp(lambda fn, x: (fn(x), x), lambda fn, x, g: (2 * g,))
    assert float(grad(lambda x: apply(jnp.sin, x))(1.0)) == 2.0


def test_custom_vjp_keyword_arguments():
    @custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (x * y, (x, y)), lambda r, g: (r[1] * g, r[0] * g))
    assert float(grad(lambda x: f(x, y=3.0))(2.0)) == 3.0


def _rule(fwd, bwd):
    f = custom_vjp(lambda x: x * 2)
    f.defvjp(fwd, bwd)
    return f


def test_custom_vjp_structure_errors():
    with pytest.raises(ValueError, match="2 cotangents"):  # one argument, two cotangents
        grad(_rule(lambda x: (x * 2, None), lambda r, g: (g, g)))(1.0)
    with pytest.raises(TypeError, match="tuple"):
        grad(_rule(lambda x: (x * 2, None), lambda r, g: g))(1.0)
    with pytest.raises(ValueError, match="shape"):
        grad(_rule(lambda x: (x * 2, None), lambda r, g: (jnp.ones(3),)))(1.0)
    with pytest.raises(TypeError, match="pair"):
        grad(_rule(lambda x: x * 2, lambda r, g: (g,)))(1.0)
    with pytest.raises(TypeError, match="structure"):
        grad(_rule(lambda x: ((x * 2, x), None), lambda r, g: (g,)))(1.0)

    @custom_vjp
    def f(d):
        return d["a"] * 2

    f.defvjp(lambda d: (d["a"] * 2, None), lambda r, g: ((g,),))  # a tuple for a dict
    with pytest.raises(TypeError, match="structure"):
        grad(f)({"a": 1.0})
    g = custom_vjp(lambda x: x)
    with pytest.raises(AttributeError, match="defvjp"):
        g(1.0)


def test_custom_vjp_forward_mode_is_an_error():
    for f in [lambda: jvp(sin_times_v, (1.0, 2.0), (1.0, 0.0)),
              lambda: jacfwd(sin_times_v)(1.0, 2.0),
              lambda: jit(lambda x: jvp(sin_times_v, (x, 2.0), (1.0, 0.0)))(1.0)]:
        with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
            f()


def test_custom_rules_closing_over_differentiated_values_are_refused():
    def closes_over(w, x):
        @custom_vjp
        def f(x):
            return jnp.sin(w * x)
        f.defvjp(lambda x: (f(x), x), lambda x, g: (jnp.cos(w * x) * w * g,))
        return f(x)

    allclose(grad(closes_over, argnums=1)(2.0, 1.0), 2 * np.cos(2.0))  # w not differentiated
    # As in JAX: the rules run on the primal values, where w (differentiated) is a tracer
    # of grad that the rule cannot use.
    with pytest.raises(jaxlite.errors.UnexpectedTracerError):
        grad(closes_over)(2.0, 1.0)


# ==== custom_jvp and custom_vjp nested in each other ========================================

def test_custom_jvp_inside_custom_vjp():
    @custom_vjp
    def outer(x):
        return sin_times(x, 2.0)

    # bwd differentiates the custom_jvp function, whose rule scales d/dx by 10
    outer.defvjp(lambda x: (outer(x), x), lambda x, g: (grad(sin_times)(x, 2.0) * g,))
    allclose(outer(1.0), 2 * np.sin(1.0))
    allclose(grad(outer)(1.0), 20 * np.cos(1.0))
    allclose(jit(grad(outer))(1.0), 20 * np.cos(1.0))
    allclose(vmap(grad(outer))(jnp.array([0.0, 1.0])), 20 * np.cos([0.0, 1.0]), rtol=1e-6)


def test_custom_vjp_inside_custom_jvp():
    @custom_jvp
    def outer(x):
        return sin_times_v(x, 2.0)

    outer.defjvp(lambda p, t: (outer(p[0]), grad(sin_times_v)(p[0], 2.0) * t[0]))
    allclose(grad(outer)(1.0), 20 * np.cos(1.0))
    allclose(jvp(outer, (1.0,), (1.0,)), (2 * np.sin(1.0), 20 * np.cos(1.0)))
    allclose(jit(vmap(grad(outer)))(jnp.array([0.0, 1.0])), 20 * np.cos([0.0, 1.0]), rtol=1e-6)


# ==== custom_gradient and closure_convert ===================================================

def test_custom_gradient():
    @custom_gradient
    def clip_gradient(x):
        return x, lambda g: (jnp.clip(g, -0.5, 0.5),)

    assert float(grad(lambda x: 3 * clip_gradient(x))(1.0)) == 0.5
    assert float(grad(lambda x: 0.2 * clip_gradient(x))(1.0)) == pytest.approx(0.2)

    @custom_gradient
    def scaled_mul(x, y):
        return x * y, lambda g: (2 * g * y, 3 * g * x)

    assert float(scaled_mul(2.0, 5.0)) == 10.0
    allclose(grad(scaled_mul, argnums=(0, 1))(2.0, 5.0), (10.0, 6.0))
    allclose(jit(grad(scaled_mul))(2.0, 5.0), 10.0)
    allclose(vmap(grad(scaled_mul))(jnp.array([1.0, 2.0]), jnp.array([5.0, 6.0])), [10.0, 12.0])
    with pytest.raises(TypeError, match="forward-mode"):
        jvp(scaled_mul, (2.0, 5.0), (1.0, 0.0))


def test_closure_convert_hoists_closed_over_values():
    n_consts = []

    def outer(w, x):
        inner = lambda y: jnp.sin(w * y)
        converted, consts = closure_convert(inner, x)
        n_consts.append(len(consts))
        return converted(x, *consts)

    # a Python float closed over is a literal (nothing to hoist), a tracer is hoisted
    assert float(outer(2.0, 3.0)) == pytest.approx(np.sin(6.0)) and n_consts[-1] == 0
    allclose(grad(lambda w: outer(w, 3.0))(2.0), 3 * np.cos(6.0), rtol=1e-6)
    assert n_consts[-1] == 1
    allclose(jit(grad(lambda w: outer(w, 3.0)))(2.0), 3 * np.cos(6.0), rtol=1e-6)
    # concrete arrays closed over stay inside (only values that may be perturbed move)
    table, offset = jnp.array([1.0, 2.0]), jnp.array([1, 0])
    converted, consts = closure_convert(lambda y: y * table[offset], 3.0)
    assert len(consts) == 0
    allclose(converted(3.0), [6.0, 3.0])
    converted, consts = jit(lambda t: jnp.float32(len(closure_convert(lambda y: y * t, 3.0)[1])))(
        table), None
    allclose(converted, 1.0)


def test_closure_convert_makes_a_custom_vjp_differentiable_in_its_closure():
    # the documented use: a custom_vjp solver whose function argument closes over a tracer
    @partial(custom_vjp, nondiff_argnums=(0,))
    def apply_twice(fn, x, *consts):
        return fn(fn(x, *consts), *consts)

    def fwd(fn, x, *consts):
        return apply_twice(fn, x, *consts), (x, consts)

    def bwd(fn, res, g):
        x, consts = res
        _, pullback = vjp(lambda x, *c: fn(fn(x, *c), *c), x, *consts)
        return pullback(g)

    apply_twice.defvjp(fwd, bwd)

    def loss(w, x):
        f = lambda y: jnp.sin(w * y)
        converted, consts = closure_convert(f, x)
        return apply_twice(converted, x, *consts)

    # d/dw sin(w sin(w x)) = cos(w sin(w x)) (sin(w x) + w x cos(w x))
    w, x = 0.7, 1.3
    expected = np.cos(w * np.sin(w * x)) * (np.sin(w * x) + w * x * np.cos(w * x))
    allclose(grad(loss)(w, x), expected, rtol=1e-5)


# ==== checkpoint / remat ====================================================================

def mlp(params, x):
    for W, b in params:
        x = jnp.tanh(x @ W + b)
    return jnp.sum(x ** 2)


def make_params(n_layers=4, width=5, seed=0):
    rng = np.random.RandomState(seed)
    return [(jnp.asarray(rng.randn(width, width).astype(np.float32) / np.sqrt(width)),
             jnp.asarray(rng.randn(width).astype(np.float32) * 0.1)) for _ in range(n_layers)]


X = jnp.asarray(np.random.RandomState(1).randn(3, 5).astype(np.float32))
POLICIES = [None, jaxlite.checkpoint_policies.everything_saveable,
            jaxlite.checkpoint_policies.nothing_saveable,
            jaxlite.checkpoint_policies.dots_saveable,
            jaxlite.checkpoint_policies.dots_with_no_batch_dims_saveable,
            jaxlite.checkpoint_policies.save_only_these_names("hidden")]


def test_checkpoint_gives_the_same_values_and_gradients():
    params = make_params()
    expected_value, expected_grad = jaxlite.value_and_grad(mlp)(params, X)
    for policy in POLICIES:
        f = jaxlite.checkpoint(mlp, policy=policy)
        value, g = jaxlite.value_and_grad(f)(params, X)
        allclose(value, expected_value)
        allclose(g, expected_grad, rtol=1e-5, atol=1e-6)
        allclose(jit(grad(f))(params, X), expected_grad, rtol=1e-5, atol=1e-6)
        allclose(jvp(lambda x: f(params, x), (X,), (jnp.ones_like(X),))[1],
                 jvp(lambda x: mlp(params, x), (X,), (jnp.ones_like(X),))[1], rtol=1e-5)
    assert jaxlite.remat is jaxlite.checkpoint


def test_checkpoint_per_layer_and_blocks():
    params = make_params(n_layers=6)
    expected = grad(mlp)(params, X)
    layer = jaxlite.checkpoint(lambda W, b, x: jnp.tanh(x @ W + b))

    def per_layer(params, x):
        for W, b in params:
            x = layer(W, b, x)
        return jnp.sum(x ** 2)

    allclose(grad(per_layer)(params, X), expected, rtol=1e-5, atol=1e-6)
    block = jaxlite.checkpoint(lambda ps, x: _layers(ps, x))

    def blocks(params, x):
        for i in range(0, 6, 3):
            x = block(params[i:i + 3], x)
        return jnp.sum(x ** 2)

    allclose(grad(blocks)(params, X), expected, rtol=1e-5, atol=1e-6)
    allclose(hessian(lambda x: per_layer(params, x))(X[0]),
             hessian(lambda x: mlp(params, x))(X[0]), rtol=1e-4, atol=1e-5)


def _layers(params, x):
    for W, b in params:
        x = jnp.tanh(x @ W + b)
    return x


def test_checkpoint_static_argnums_and_prevent_cse():
    @partial(jaxlite.checkpoint, static_argnums=(1,))
    def repeat_sin(x, times):
        for _ in range(times):  # `times` must be a Python int: it is static
            x = jnp.sin(x)
        return x

    expected = np.cos(1.0) * np.cos(np.sin(1.0)) * np.cos(np.sin(np.sin(1.0)))
    allclose(grad(repeat_sin)(1.0, 3), expected, rtol=1e-6)
    allclose(jit(grad(repeat_sin), static_argnums=1)(1.0, 3), expected, rtol=1e-6)
    f = jaxlite.checkpoint(lambda x: jnp.sin(x) * 2, prevent_cse=False)
    allclose(grad(f)(1.0), 2 * np.cos(1.0))


def test_checkpoint_under_vmap_and_jit():
    params = make_params()
    f = jaxlite.checkpoint(mlp, policy=jaxlite.checkpoint_policies.dots_saveable)
    per_example = vmap(grad(f, argnums=1), in_axes=(None, 0))(params, X)
    expected = vmap(grad(mlp, argnums=1), in_axes=(None, 0))(params, X)
    allclose(per_example, expected, rtol=1e-5, atol=1e-6)
    allclose(jit(vmap(grad(f, argnums=1), in_axes=(None, 0)))(params, X), expected,
             rtol=1e-5, atol=1e-6)
    allclose(vmap(jaxlite.checkpoint(lambda x: jnp.sin(x) * x))(jnp.arange(3.0)),
             np.sin(np.arange(3.0)) * np.arange(3.0))


def test_checkpoint_inside_scan():
    body = jaxlite.checkpoint(lambda c, v: (jnp.sin(c * v), c))
    f = lambda x: lax.scan(body, 1.0, x)[0]
    g = lambda x: lax.scan(lambda c, v: (jnp.sin(c * v), c), 1.0, x)[0]
    x = jnp.array([1.0, 2.0, 0.5])
    allclose(grad(f)(x), grad(g)(x), rtol=1e-6)


def named(x):
    a = checkpoint_name(jnp.sin(x), "a")
    b = checkpoint_name(jnp.dot(a, a), "b")
    return jnp.cos(b) * jnp.sum(jnp.exp(a))


def count_ops(f, x, name):
    """How often primitive `name` appears in the traced gradient of f."""
    text = str(jaxlite.make_jaxpr(grad(f))(x))
    return sum(line.split("=", 1)[1].split()[0].split("[")[0] == name
               for line in text.splitlines() if "=" in line and ":" in line.split("=")[0])


def test_checkpoint_policies_decide_what_is_recomputed():
    x = jnp.arange(3.0)
    policies = jaxlite.checkpoint_policies
    expected = grad(named)(x)

    def check(policy):
        f = jaxlite.checkpoint(named, policy=policy)
        allclose(grad(f)(x), expected, rtol=1e-6)
        return count_ops(f, x, "exp"), count_ops(f, x, "dot_general")

    plain = count_ops(named, x, "exp"), count_ops(named, x, "dot_general")
    # saving everything recomputes nothing; saving nothing recomputes exp and the dot
    assert check(policies.everything_saveable) == plain
    exps, dots = check(policies.nothing_saveable)
    assert exps == plain[0] + 1 and dots == plain[1] + 1
    assert check(None) == (exps, dots)
    # dots_saveable keeps the dot product; the exp is recomputed
    assert check(policies.dots_saveable) == (plain[0] + 1, plain[1])
    # a named value is saved: saving "b" spares the dot, saving "a" does not
    assert check(policies.save_only_these_names("b")) == (plain[0] + 1, plain[1])
    assert check(policies.save_only_these_names("a")) == (plain[0] + 1, plain[1] + 1)
    assert check(policies.save_any_names_but_these("a")) == (plain[0] + 1, plain[1])
    # checkpoint_name is the identity outside checkpoint, and on pytrees
    allclose(checkpoint_name({"u": jnp.ones(2)}, "u"), {"u": [1.0, 1.0]})
    allclose(grad(lambda x: checkpoint_name(x, "n") ** 2)(3.0), 6.0)
    allclose(jit(named)(x), named(x))


# ==== concrete evaluation outside jit (JAX calls the function and rules on values) ============

def _counting():
    calls = []

    @custom_jvp
    def f(x):
        calls.append("f")
        return 2 * x if x > 0 else -x  # Python control flow on the value

    @f.defjvp
    def f_jvp(primals, tangents):
        calls.append("jvp")
        return f(primals[0]), 3 * tangents[0]

    @custom_vjp
    def g(x):
        calls.append("g")
        return 2 * x if x > 0 else -x

    def g_fwd(x):
        calls.append("fwd")
        return g(x), x

    def g_bwd(x, ct):
        calls.append("bwd")
        return (3 * ct,)

    g.defvjp(g_fwd, g_bwd)
    return calls, f, g


# (transformation, calls JAX 0.10.2 makes, in order), measured with print side effects.
CALL_COUNTS = [
    ("call_f", ["f"]), ("grad_f", ["jvp", "f"]), ("jvp_f", ["jvp", "f"]),
    ("vjp_f", ["jvp", "f"]), ("call_g", ["g"]), ("grad_g", ["fwd", "g", "bwd"]),
    ("vjp_g", ["fwd", "g", "bwd"]), ("vjp_g_forward_only", ["fwd", "g"]),
]


@pytest.mark.parametrize("case,expected", CALL_COUNTS)
def test_custom_functions_and_rules_run_once_on_concrete_values(case, expected):
    calls, f, g = _counting()
    run = {"call_f": lambda: f(1.0), "grad_f": lambda: grad(f)(1.0),
           "jvp_f": lambda: jvp(f, (1.0,), (1.0,)), "vjp_f": lambda: vjp(f, 1.0)[1](1.0),
           "call_g": lambda: g(1.0), "grad_g": lambda: grad(g)(1.0),
           "vjp_g": lambda: vjp(g, 1.0)[1](1.0), "vjp_g_forward_only": lambda: vjp(g, 1.0)[0]}
    run[case]()
    assert calls == expected


def test_concrete_custom_functions_values():
    _, f, g = _counting()
    assert f(1.0) == 2.0 and type(f(1.0)) is float  # a Python value stays one
    assert f(-2) == 2 and type(f(-2)) is int
    allclose(grad(f)(1.0), 3.0)
    allclose(grad(f)(-1.0), 3.0)
    allclose(grad(g)(-1.0), 3.0)
    allclose(jvp(f, (1.0,), (1.0,)), (2.0, 3.0))
    # Under jit and vmap the function is traced as before: Python `if` on a tracer fails.
    for transformed, x in ((jit(f), 1.0), (vmap(f), jnp.ones(2)), (jit(g), 1.0),
                           (vmap(g), jnp.ones(2))):
        with pytest.raises(jaxlite.errors.TracerBoolConversionError):
            transformed(x)


def test_forward_mode_of_custom_vjp_runs_fwd_first_as_jax():
    calls, _, g = _counting()
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jvp(g, (1.0,), (1.0,))
    assert calls == ["fwd", "g"]


def test_custom_jvp_closing_over_a_batched_value_is_batched():
    def scaled(w):
        @custom_jvp
        def f(y):
            return y * w
        f.defjvp(lambda p, t: (f(p[0]), t[0] * w))
        return f(2.0)
    allclose(vmap(scaled)(jnp.array([1.0, 3.0])), [2.0, 6.0])
    allclose(jit(vmap(scaled))(jnp.array([1.0, 3.0])), [2.0, 6.0])


def test_custom_gradient_runs_fun_once_per_differentiation():
    calls = []

    @custom_gradient
    def f(x):
        calls.append("f")
        return jnp.sin(x), lambda ct: (calls.append("vjp_fn"), ct * jnp.cos(x))[1]

    allclose(grad(f)(1.0), np.cos(1.0))
    assert calls == ["f", "vjp_fn"]  # vjp_fn traced in the forward pass, as in JAX
    allclose(vmap(grad(f))(jnp.array([0.0, 1.0])), np.cos([0.0, 1.0]))
    allclose(jit(grad(f))(1.0), np.cos(1.0))
    allclose(grad(grad(f))(1.0), -np.sin(1.0))


def test_custom_vjp_symbolic_zeros_fwd_gets_custom_vjp_primals():
    from jaxlite.custom_derivatives import CustomVJPPrimal, custom_vjp_primal_tree_values
    seen = []

    @custom_vjp
    def f(x, y):
        return x * y

    def fwd(x, y):
        seen.append((type(x), x.perturbed, y.perturbed))
        x, y = custom_vjp_primal_tree_values((x, y))
        return x * y, (x, y)

    f.defvjp(fwd, lambda res, ct: (ct * res[1], ct * res[0]), symbolic_zeros=True)
    allclose(grad(f)(2.0, 3.0), 3.0)
    allclose(grad(f, (0, 1))(2.0, 3.0), (3.0, 2.0))
    allclose(vmap(grad(f), (0, None))(jnp.array([1.0, 2.0]), 3.0), [3.0, 3.0])
    assert seen[:2] == [(CustomVJPPrimal, True, False), (CustomVJPPrimal, True, True)]


# ---- what equinox / diffrax / optimistix rely on -------------------------------------

def test_custom_vjp_python_scalar_residuals_reach_bwd_as_python_values():
    # As in JAX, a Python bool/int residual is not turned into an array (equinox keeps
    # its `perturbed` flags there and uses them as filter specs).
    seen = []

    @jaxlite.custom_vjp
    def f(x):
        return x * 2

    def fwd(x):
        return x * 2, (True, 3, x)

    def bwd(res, g):
        flag, count, x = res
        seen.append((type(flag), type(count)))
        return (g * count * flag,)

    f.defvjp(fwd, bwd)
    assert float(jaxlite.grad(f)(1.5)) == 3.0
    assert float(jaxlite.jit(jaxlite.grad(f))(1.5)) == 3.0
    assert seen == [(bool, int), (bool, int)]


def test_custom_jvp_tangent_with_none_where_the_primal_has_none():
    # The tangent output has the primal output's structure: a None node stays None.
    @jaxlite.custom_jvp
    def f(d):
        return d

    @f.defjvp
    def f_jvp(primals, tangents):
        return primals[0], tangents[0]

    out = jaxlite.jvp(lambda x: f({"a": x, "b": None})["a"] * 3, (2.0,), (1.0,))
    assert float(out[1]) == 3.0

    @jaxlite.custom_jvp
    def g(x):
        return (x, None)

    g.defjvp(lambda p, t: ((p[0], None), (t[0], None)))
    assert float(jaxlite.grad(lambda x: g(x)[0] * 2)(1.0)) == 2.0


def test_custom_vjp_cotangent_none_node_and_symbolic_zero():
    @jaxlite.custom_vjp
    def f(x, d):
        return x * d["w"]

    f.defvjp(lambda x, d: (x * d["w"], (x, d["w"])),
             lambda res, g: (g * res[1], {"w": jaxlite.custom_derivatives.SymbolicZero(
                 jaxlite.core.ShapedArray((), jnp.float32)), "none": None}))
    gx, gd = jaxlite.grad(f, argnums=(0, 1))(2.0, {"w": 3.0, "none": None})
    assert float(gx) == 3.0 and float(gd["w"]) == 0.0 and gd["none"] is None


def test_custom_jvp_under_vmap_keeps_unbatched_operands_unbatched():
    # A cond on an unbatched predicate inside a custom_jvp function still runs one branch
    # under vmap (equinox's error_if raises from the other).
    calls = []

    def loud(x):
        calls.append(1)
        return x

    @jaxlite.custom_jvp
    def f(x, pred):
        return jaxlite.lax.cond(pred, lambda: jaxlite.pure_callback(loud, x, x), lambda: x)

    f.defjvp(lambda p, t: (f(*p), t[0]))
    out = jaxlite.vmap(jaxlite.jit(f), in_axes=(0, None))(jnp.arange(3.0), False)
    np.testing.assert_array_equal(out, [0.0, 1.0, 2.0])
    assert calls == []
    _, tangent = jaxlite.jvp(jaxlite.vmap(f, in_axes=(0, None)), (jnp.arange(3.0), False),
                         (jnp.ones(3), np.zeros((), jaxlite.dtypes.float0)))
    np.testing.assert_array_equal(tangent, np.ones(3))


def test_find_top_trace_and_trace_main_tell_this_jvps_tracers():
    # equinox's filter_jvp: keep the outputs that are tracers of the current JVP.
    from jaxlite.extend.core import find_top_trace
    from jaxlite.interpreters import ad

    def fn(x):
        main = find_top_trace([x]).main
        out = x * 2
        assert isinstance(out, ad.JVPTracer) and out._trace.main is main
        return out

    assert float(jaxlite.jvp(fn, (1.0,), (1.0,))[1]) == 2.0


def test_omitted_arguments_reach_the_rules_as_their_defaults():
    # As in JAX 0.10.2: a call that leaves parameters to their defaults binds them by
    # position, so nondiff_argnums may name them and the rules see every parameter
    # (flax's fp8 dot_general_with_precision).
    seen = []

    @partial(jaxlite.custom_jvp, nondiff_argnums=(1, 2))
    def scaled(x, scale=3.0, shift=None):
        return x * scale

    @scaled.defjvp
    def scaled_jvp(scale, shift, primals, tangents):
        seen.append((scale, shift, len(primals)))
        return scaled(primals[0], scale, shift), tangents[0] * scale

    assert jaxlite.jvp(scaled, (2.0,), (1.0,)) == (6.0, 3.0)
    assert seen == [(3.0, None, 1)]

    @jaxlite.custom_vjp
    def weighted(x, w=2.0):
        return x * w

    weighted.defvjp(lambda x, w: (x * w, w), lambda w, g: (g * w, None))
    assert jaxlite.grad(weighted)(5.0) == 2.0


def test_bwd_runs_when_every_output_cotangent_is_zero():
    # As in JAX 0.10.2: the bwd rule is called (with zeros) even when the function's
    # outputs get no cotangent, and what it returns counts (flax's fp8 layers return the
    # updated scale and amax history as the "gradient" of their state).
    calls = []

    @jaxlite.custom_vjp
    def f(x, h):
        return x * 2

    def bwd(h, g):
        calls.append(np.asarray(g).tolist())
        return g, h + 1

    f.defvjp(lambda x, h: (x * 2, h), bwd)

    @jaxlite.custom_vjp
    def drop(a, y):
        return a * 3

    drop.defvjp(lambda a, y: (a * 3, None), lambda r, g: (g * 3, None))

    def loss(p):
        return jnp.sum(drop(p["a"], f(p["x"], p["h"])))

    p = {"x": jnp.ones(2), "h": jnp.zeros(2), "a": jnp.ones(2)}
    for grad_fn in (jaxlite.grad(loss), jaxlite.jit(jaxlite.grad(loss))):
        g = grad_fn(p)
        np.testing.assert_array_equal(g["h"], [1.0, 1.0])
        np.testing.assert_array_equal(g["x"], [0.0, 0.0])
        np.testing.assert_array_equal(g["a"], [3.0, 3.0])
    assert calls[0] == [0.0, 0.0]


def test_custom_vjp_bwd_gets_zero_cotangents_as_arrays():
    # An output the loss does not use has a zero cotangent; bwd receives it as an array,
    # as in JAX (not a NumPy array that item assignment could write into).
    seen = []

    @custom_vjp
    def f(x):
        return x, 2.0 * x

    def f_bwd(_, cts):
        seen.extend(type(c) for c in cts)
        return (cts[0] + 2.0 * cts[1],)

    f.defvjp(lambda x: (f(x), None), f_bwd)
    assert float(grad(lambda x: f(x)[1])(1.0)) == 2.0
    assert all(issubclass(t, jaxlite.Array) for t in seen) and len(seen) == 2


class _Box:
    def __init__(self, v):
        self.v = v


jaxlite.tree_util.register_pytree_node(_Box, lambda b: ((b.v,), None), lambda _, c: _Box(c[0]))


def test_custom_vjp_cotangent_structure_leads_as_in_jax():
    # bwd may give a leaf where the argument has a node holding one leaf (flax.nnx returns
    # arrays for its Variables), and None for a whole subtree. JAX: 3.0 and (0., 1.).
    @custom_vjp
    def f(b, t):
        return b.v * 3.0 + t[0]

    f.defvjp(lambda b, t: (f(b, t), None), lambda _, g: (g * 3.0, (None, g)))
    gb, gt = grad(f, argnums=(0, 1))(_Box(jnp.float32(2.0)), (1.0, 2.0))
    assert isinstance(gb, _Box) and float(gb.v) == 3.0
    assert (float(gt[0]), float(gt[1])) == (0.0, 1.0)
    f.defvjp(lambda b, t: (f(b, t), None), lambda _, g: (g * 3.0, (g, g, g)))
    with pytest.raises(TypeError, match="structure"):
        grad(f)(_Box(jnp.float32(2.0)), (1.0, 2.0))
