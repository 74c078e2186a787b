"""lax control flow: cond, switch, while_loop, fori_loop, scan, map, associative_scan.

Each is checked for its values against plain Python/NumPy, for JAX's documented
corner cases (both branches traced, index clamping, `length` without xs, ...), and
under jit, vmap, jvp and reverse mode. Expected values were computed by hand or by
NumPy; dtypes and error categories follow JAX 0.10.2.
"""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite import grad, jvp, vjp, linearize, hessian, jacfwd, jacrev, jit, vmap


def allclose(a, b, rtol=1e-6, atol=1e-6):
    """Pytrees a (computed) and b (expected, where a list stands for an array) agree."""
    a_leaves = jaxlite.tree_util.tree_leaves(a)
    b_leaves = jaxlite.tree_util.tree_leaves(b, is_leaf=lambda v: isinstance(v, list))
    assert len(a_leaves) == len(b_leaves)
    for x, y in zip(a_leaves, b_leaves):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=atol)


def jaxpr_text(f, *args):
    return str(jaxlite.make_jaxpr(f)(*args))


# ==== cond ==================================================================================

def branchy(pred, ops):
    return lax.cond(pred, lambda p: {"a": p[0] * 2.0, "b": p[1] + 1.0},
                    lambda p: {"a": p[0] - 1.0, "b": p[1] * 3.0}, ops)


def test_cond_takes_and_returns_pytrees():
    x = jnp.arange(3.0)
    allclose(branchy(True, (x, 2.0)), {"a": [0.0, 2.0, 4.0], "b": 3.0})
    allclose(branchy(False, (x, 2.0)), {"a": [-1.0, 0.0, 1.0], "b": 6.0})


def test_cond_operand_forms():
    # no operands, operand=, several positional operands, a numeric predicate (nonzero)
    assert float(lax.cond(False, lambda: 1.0, lambda: 2.0)) == 2.0
    allclose(lax.cond(False, lambda a: a, lambda a: a * 2, operand=jnp.ones(2)), [2.0, 2.0])
    assert float(lax.cond(True, lambda a, b: a - b, lambda a, b: a + b, 5.0, 3.0)) == 2.0
    assert float(lax.cond(3, lambda: 1.0, lambda: 2.0)) == 1.0
    assert float(lax.cond(0.0, lambda: 1.0, lambda: 2.0)) == 2.0


def test_cond_traces_both_branches_once():
    calls = {"true": 0, "false": 0}

    def true_fun(x):
        calls["true"] += 1
        return x + 1

    def false_fun(x):
        calls["false"] += 1
        return x - 1

    assert float(lax.cond(True, true_fun, false_fun, 1.0)) == 2.0
    assert calls == {"true": 1, "false": 1}  # even eagerly, the untaken branch is traced
    f = jit(lambda p, x: lax.cond(p, true_fun, false_fun, x))
    assert float(f(True, 1.0)) == 2.0 and float(f(False, 1.0)) == 0.0
    assert calls == {"true": 2, "false": 2}  # one trace for jit, reused for both values


def test_cond_output_dtype_and_weak_type():
    out = lax.cond(True, lambda: 1.0, lambda: 2.0)
    assert out.dtype == jnp.float32 and out.weak_type
    # a weak and a strong float32 branch agree; the result is weak when the first branch
    # (false_fun) is, whichever branch runs (as JAX 0.10.2 gives)
    out = lax.cond(True, lambda: 1.0, lambda: jnp.float32(2.0))
    assert out.dtype == jnp.float32 and not out.weak_type
    for pred in (True, False):
        out = lax.cond(pred, lambda: jnp.float32(1.0), lambda: 2.0)
        assert out.dtype == jnp.float32 and out.weak_type
        out = jaxlite.jit(lambda p: lax.cond(p, lambda: jnp.float32(1.0), lambda: 2.0))(pred)
        assert out.weak_type
    assert lax.switch(2, [lambda: 1.0, lambda: jnp.float32(2.0), lambda: jnp.float32(3.0)]
                      ).weak_type
    assert not lax.switch(1, [lambda: jnp.float32(1.0), lambda: 2.0]).weak_type
    assert lax.cond(False, lambda x: x, lambda x: x + 1, jnp.int8(3)).dtype == jnp.int8


def test_cond_branch_type_mismatches_are_type_errors():
    with pytest.raises(TypeError, match="identical types"):
        lax.cond(True, lambda: jnp.float32(1), lambda: jnp.int32(1))
    with pytest.raises(TypeError, match=r"f32\[3\].*f32\[2\]|f32\[2\].*f32\[3\]"):
        lax.cond(True, lambda: jnp.zeros(2), lambda: jnp.zeros(3))
    with pytest.raises(TypeError, match="pytree structure"):
        lax.cond(True, lambda: (1.0, 2.0), lambda: [1.0, 2.0])
    with pytest.raises(TypeError, match="true_fun|false_fun"):
        lax.cond(True, lambda: jnp.zeros(2), lambda: jnp.zeros(3))


def test_cond_predicate_must_be_a_scalar():
    with pytest.raises(TypeError, match="scalar"):
        lax.cond(jnp.array([True]), lambda: 1.0, lambda: 2.0)


def test_cond_under_jit():
    f = jit(branchy)
    allclose(f(True, (jnp.arange(3.0), 2.0)), {"a": [0.0, 2.0, 4.0], "b": 3.0})
    allclose(f(False, (jnp.arange(3.0), 2.0)), {"a": [-1.0, 0.0, 1.0], "b": 6.0})
    assert "cond" in jit(branchy).lower(True, (jnp.arange(3.0), 2.0)).as_text()


def test_cond_vmap_batched_predicate_becomes_select():
    f = lambda p, x: lax.cond(p, lambda a: a * 2.0, lambda a: a - 1.0, x)
    preds = jnp.array([True, False, True])
    xs = jnp.array([1.0, 2.0, 3.0])
    allclose(vmap(f)(preds, xs), [2.0, 1.0, 6.0])
    text = jaxpr_text(vmap(f), preds, xs)
    assert "select_n" in text and "cond" not in text
    # an unbatched predicate stays a cond over batched operands
    allclose(vmap(f, in_axes=(None, 0))(False, xs), [0.0, 1.0, 2.0])
    assert "cond" in jaxpr_text(vmap(f, in_axes=(None, 0)), False, xs)
    # pytree operands with the predicate batched and part of the operands not
    out = vmap(branchy, in_axes=(0, (None, 0)))(jnp.array([True, False]),
                                                (jnp.arange(2.0), jnp.array([1.0, 2.0])))
    allclose(out, {"a": [[0.0, 2.0], [-1.0, 0.0]], "b": [2.0, 6.0]})


def test_cond_jvp_and_grad():
    f = lambda y: lax.cond(y > 0, jnp.sin, jnp.cos, y)
    primal, tangent = jvp(f, (0.5,), (2.0,))
    allclose((primal, tangent), (np.sin(0.5), 2 * np.cos(0.5)))
    allclose(grad(f)(0.5), np.cos(0.5))
    allclose(grad(f)(-0.5), np.sin(0.5))
    allclose(jit(grad(f))(-0.5), np.sin(0.5))
    allclose(vmap(grad(f))(jnp.array([0.5, -0.5])), [np.cos(0.5), np.sin(0.5)])


def test_cond_grad_pytree_operands_and_closures():
    g = grad(lambda a, b: lax.cond(a > b, lambda p: p[0] * p[1], lambda p: p[0] - p[1],
                                   (a, b)), argnums=(0, 1))
    allclose(g(3.0, 2.0), (2.0, 3.0))
    allclose(g(1.0, 2.0), (1.0, -1.0))
    # the branches close over the differentiated value
    h = grad(lambda a: lax.cond(a > 0, lambda: a * a * 3, lambda: a * 2))
    allclose((h(1.0), h(-1.0)), (6.0, 2.0))
    # vjp with a pytree output
    out, pullback = vjp(lambda x: branchy(True, (x, 2.0)), jnp.arange(3.0))
    allclose(pullback({"a": jnp.ones(3), "b": 1.0}), ([2.0, 2.0, 2.0],))


# ==== switch ================================================================================

BRANCHES = [lambda a: a, lambda a: a * 2.0, lambda a: a * 3.0]


def test_switch_clamps_the_index():
    for i, expected in [(-5, 1.0), (0, 1.0), (1, 2.0), (2, 3.0), (7, 3.0)]:
        assert float(lax.switch(i, BRANCHES, 1.0)) == expected
        assert float(jit(lambda i: lax.switch(i, BRANCHES, 1.0))(i)) == expected
    allclose(vmap(lambda i: lax.switch(i, BRANCHES, 1.0))(jnp.array([-5, 0, 1, 2, 7])),
             [1.0, 1.0, 2.0, 3.0, 3.0])


def test_switch_vmap_batched_index_and_operand():
    f = lambda i, x: lax.switch(i, [jnp.sin, jnp.cos, lambda a: a * 2], x)
    xs = jnp.arange(4.0)
    allclose(vmap(f)(jnp.array([0, 1, 2, 5]), xs),
             [np.sin(0.0), np.cos(1.0), 4.0, 6.0])


def test_switch_derivatives():
    f = lambda i, y: lax.switch(i, [jnp.sin, jnp.cos, jnp.exp], y)
    allclose(grad(f, argnums=1)(1, 0.5), -np.sin(0.5))
    allclose(jvp(lambda y: f(2, y), (0.5,), (1.0,)), (np.exp(0.5), np.exp(0.5)))
    g = grad(lambda a: lax.switch(2, [lambda: a, lambda: a * 2, lambda: jnp.sin(a) * a]))
    allclose(g(1.0), np.cos(1.0) + np.sin(1.0))


def test_switch_errors():
    with pytest.raises(TypeError, match="integer"):
        lax.switch(1.0, BRANCHES, 1.0)
    with pytest.raises(ValueError):
        lax.switch(0, [], 1.0)
    with pytest.raises(TypeError, match="identical types"):
        lax.switch(0, [lambda x: x, lambda x: jnp.stack([x, x])], 1.0)


# ==== while_loop ============================================================================

def doubling(limit):
    return lambda init: lax.while_loop(lambda c: c[0] < limit,
                                       lambda c: (c[0] + 1, c[1] * 2.0), init)


def test_while_loop_values():
    i, x = doubling(10)((0, 1.0))
    assert int(i) == 10 and float(x) == 1024.0
    # zero iterations: the initial value comes back
    i, x = doubling(0)((3, 5.0))
    assert int(i) == 3 and float(x) == 5.0


def test_while_loop_under_jit_with_traced_bound():
    f = jit(lambda n: lax.while_loop(lambda c: c[0] < n, lambda c: (c[0] + 1, c[1] * 2.0),
                                     (0, 1.0)))
    for n in (0, 1, 5):
        assert float(f(n)[1]) == 2.0 ** n


def test_while_loop_vmap_runs_until_every_lane_is_done():
    calls = []

    def body(c):
        calls.append(1)
        return c[0] + 1, c[1] * 2.0

    f = lambda n: lax.while_loop(lambda c: c[0] < n, body, (0, 1.0))
    i, x = vmap(f)(jnp.array([1, 3, 0, 5]))
    # every lane stops at its own trip count although the loop runs five times
    allclose(i, [1, 3, 0, 5])
    allclose(x, [2.0, 8.0, 1.0, 32.0])
    assert len(calls) == 1  # traced once, not once per iteration
    # a batched carry with an unbatched predicate constant, and a batched body constant
    allclose(vmap(lambda x, lim: lax.while_loop(lambda c: c < lim, lambda c: c * x, 1.0))(
        jnp.array([2.0, 3.0]), jnp.array([10.0, 5.0])), [16.0, 9.0])
    allclose(vmap(lambda x: lax.while_loop(lambda c: c < 10.0, lambda c: c * x, 1.0))(
        jnp.array([2.0, 3.0])), [16.0, 27.0])
    allclose(jit(vmap(f))(jnp.array([2, 4]))[1], [4.0, 16.0])


def power_by_while(y):
    return lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * y), (0, 1.0))[1]


def test_while_loop_jvp():
    allclose(jvp(power_by_while, (2.0,), (1.0,)), (8.0, 12.0))  # y^3, 3 y^2
    allclose(jit(lambda y: jvp(power_by_while, (y,), (1.0,)))(2.0), (8.0, 12.0))
    allclose(vmap(lambda y: jvp(power_by_while, (y,), (1.0,)))(jnp.array([1.0, 2.0])),
             ([1.0, 8.0], [3.0, 12.0]))
    allclose(jacfwd(power_by_while)(2.0), 12.0)
    # linearize works (as in JAX): only transposition needs the trip count
    out, f_jvp = linearize(power_by_while, 2.0)
    allclose((out, f_jvp(1.0)), (8.0, 12.0))


def test_while_loop_reverse_mode_raises_jax_error():
    from jaxlite._src.higher_order.control import ReverseModeWhileError
    for f in [lambda: grad(power_by_while)(2.0),
              lambda: vjp(power_by_while, 2.0)[1](1.0),
              lambda: jacrev(power_by_while)(2.0),
              lambda: jit(grad(power_by_while))(2.0)]:
        with pytest.raises(ValueError, match="scan.*fori_loop") as info:
            f()
        assert isinstance(info.value, ReverseModeWhileError)
    # a while_loop the differentiated value does not flow through is fine
    g = grad(lambda x: x * lax.while_loop(lambda c: c < 3.0, lambda c: c + 1.0, 0.0))
    allclose(g(2.0), 3.0)


def test_while_loop_type_errors_and_weak_promotion():
    with pytest.raises(TypeError, match="boolean scalar"):
        lax.while_loop(lambda c: c, lambda c: c + 1.0, 0.0)
    with pytest.raises(TypeError, match="identical types"):
        lax.while_loop(lambda c: c.sum() < 3, lambda c: jnp.stack([c, c]), jnp.float32(0))
    with pytest.raises(TypeError, match="identical types"):
        lax.while_loop(lambda c: c < 3, lambda c: (c + 1).astype(jnp.float32), jnp.int32(0))
    # JAX promotes a weakly typed initial carry to the body's dtype
    out = lax.while_loop(lambda c: c < 3, lambda c: c + 1.0, 0)
    assert float(out) == 3.0 and out.dtype == jnp.float32 and not out.weak_type


# ==== fori_loop =============================================================================

def test_fori_loop_static_bounds():
    out = lax.fori_loop(0, 5, lambda i, c: c + i, 0)
    assert int(out) == 10 and out.dtype == jnp.int32 and out.weak_type
    assert float(lax.fori_loop(0, 3, lambda i, c: c * 1.5 + i, 1.0)) == 1.5 ** 3 + 1.5 + 2
    assert int(lax.fori_loop(5, 0, lambda i, c: c + i, 0)) == 0  # upper <= lower: no steps
    assert int(lax.fori_loop(2, 5, lambda i, c: c + i, 0)) == 9
    # concrete array bounds are static too; the index is a weak int32 as in JAX
    out = lax.fori_loop(jnp.int8(0), 4, lambda i, c: c + i, 0)
    assert int(out) == 6 and out.dtype == jnp.int32
    # a weak carry the body turns into a float is promoted
    out = lax.fori_loop(0, 3, lambda i, c: c + 1.5, 0)
    assert float(out) == 4.5 and out.dtype == jnp.float32
    assert "scan" in jaxpr_text(lambda x: lax.fori_loop(0, 3, lambda i, c: c * x, x), 1.0)


def test_fori_loop_traced_bounds():
    f = jit(lambda n: lax.fori_loop(0, n, lambda i, c: c + i, 0))
    assert [int(f(n)) for n in (0, 1, 5)] == [0, 0, 10]
    assert "while" in jaxpr_text(lambda n: lax.fori_loop(0, n, lambda i, c: c + i, 0), 3)
    allclose(vmap(lambda n: lax.fori_loop(0, n, lambda i, c: c + i, 0))(jnp.arange(5)),
             [0, 0, 1, 3, 6])
    # the index takes the strong bound's dtype
    out = jit(lambda n: lax.fori_loop(jnp.int8(0), n, lambda i, c: c + i, 0))(4)
    assert int(out) == 6 and out.dtype == jnp.int8
    with pytest.raises(TypeError, match="equal types"):
        lax.fori_loop(jnp.int8(0), jnp.int16(4), lambda i, c: c + i, 0)


def test_fori_loop_derivatives():
    f = lambda x: lax.fori_loop(0, 4, lambda i, c: c * x + i, 0.0)
    # c = ((0 x + 0) x + 1) x + 2) x + 3 = x^2 + 2x + 3, f' = 2x + 2
    allclose(f(1.5), 1.5 ** 2 + 3 + 3)
    allclose(grad(f)(1.5), 5.0)
    allclose(jit(grad(f))(1.5), 5.0)
    allclose(vmap(grad(f))(jnp.array([0.0, 1.0])), [2.0, 4.0])
    allclose(jvp(f, (1.5,), (1.0,)), (8.25, 5.0))
    allclose(grad(grad(f))(1.5), 2.0)
    # traced bounds: forward mode works, reverse mode raises JAX's error
    g = lambda x, n: lax.fori_loop(0, n, lambda i, c: c * x, 1.0)
    allclose(jit(lambda x, n: jvp(lambda x: g(x, n), (x,), (1.0,)))(2.0, 3), (8.0, 12.0))
    with pytest.raises(ValueError, match="fori_loop"):
        jit(lambda x, n: grad(g)(x, n))(2.0, 3)
    with pytest.raises(ValueError, match="unroll"):
        jit(lambda n: lax.fori_loop(0, n, lambda i, c: c + i, 0, unroll=2))(3)


# ==== scan ==================================================================================

def step(carry, x):
    return ({"a": carry["a"] + x[0], "b": carry["b"] * x[1]},
            (carry["a"], x[0] * carry["b"]))


INIT = {"a": 0.0, "b": 1.0}
XS = (jnp.arange(3.0), jnp.array([1.0, 2.0, 3.0]))


def python_scan(f, init, xs, reverse=False):
    """The reference semantics, from lax.scan's docstring."""
    n = len(jaxlite.tree_util.tree_leaves(xs)[0])
    carry, ys = init, []
    for i in (reversed(range(n)) if reverse else range(n)):
        carry, y = f(carry, jaxlite.tree_util.tree_map(lambda v: v[i], xs))
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, jaxlite.tree_util.tree_map(lambda *v: jnp.stack(v), *ys)


def test_scan_pytree_carry_and_xs():
    carry, ys = lax.scan(step, INIT, XS)
    allclose(carry, {"a": 3.0, "b": 6.0})
    allclose(ys, ([0.0, 0.0, 1.0], [0.0, 1.0, 4.0]))
    allclose((carry, ys), python_scan(step, INIT, XS))
    # a dict of xs, ys None, 2-D xs
    carry, ys = lax.scan(lambda c, x: (c + x["a"] * x["b"], None), 0.0,
                         {"a": jnp.arange(3.0), "b": jnp.full(3, 2.0)})
    assert float(carry) == 6.0 and ys is None
    carry, ys = lax.scan(lambda c, x: (c + x, x.sum()), jnp.zeros(2), jnp.arange(6.0).reshape(3, 2))
    allclose((carry, ys), ([6.0, 9.0], [1.0, 5.0, 9.0]))


def test_scan_reverse_and_unroll():
    expected = python_scan(step, INIT, XS, reverse=True)
    allclose(lax.scan(step, INIT, XS, reverse=True), expected)
    allclose(expected[1], ([3.0, 2.0, 0.0], [0.0, 3.0, 2.0]))
    for unroll in (1, 2, 5, True, False):
        allclose(lax.scan(step, INIT, XS, unroll=unroll), python_scan(step, INIT, XS))


def test_scan_length_without_xs():
    carry, ys = lax.scan(lambda c, _: (c + 1, c * 2), 0, None, length=4)
    assert int(carry) == 4
    allclose(ys, [0, 2, 4, 6])
    carry, ys = lax.scan(lambda c, _: (c + 1, c * 2.0), 0, None, length=0)
    assert int(carry) == 0 and ys.shape == (0,) and ys.dtype == jnp.float32
    allclose(lax.scan(lambda c, x: (c + x, c), 0.0, jnp.ones(3), length=3)[0], 3.0)


def test_scan_errors():
    with pytest.raises(ValueError, match="length"):
        lax.scan(lambda c, _: (c + 1, c), 0, None)
    with pytest.raises(ValueError, match="length"):
        lax.scan(lambda c, x: (c + x, c), 0.0, jnp.ones(3), length=4)
    with pytest.raises(ValueError):
        lax.scan(lambda c, x: (c, c), 0.0, (jnp.ones(3), jnp.ones(4)))
    with pytest.raises(TypeError, match="carry"):
        lax.scan(lambda c, x: (jnp.stack([c, x]), c), 0.0, jnp.ones(3))
    with pytest.raises(TypeError, match="carry"):
        lax.scan(lambda c, x: (c.astype(jnp.float32), c), jnp.int32(0), jnp.ones(3))
    with pytest.raises(TypeError, match="pair"):
        lax.scan(lambda c, x: (c, c, c), 0.0, jnp.ones(3))
    # a weak carry the body turns into a float is promoted, as in JAX
    carry, ys = lax.scan(lambda c, x: (c + x, c * 2), 0, jnp.ones(3))
    assert carry.dtype == jnp.float32 and float(carry) == 3.0
    allclose(ys, [0.0, 2.0, 4.0])


def test_scan_traces_the_body_once():
    calls = []

    def body(c, x):
        calls.append(1)
        return c + x, c

    lax.scan(body, jnp.float32(0), jnp.arange(100.0))
    assert len(calls) == 1


def test_scan_under_jit_is_a_loop_not_unrolled():
    def f(x):
        return lax.scan(lambda c, v: (jnp.sin(c) * v + 1.0, c * v), 0.5, x)

    short, long = jnp.arange(3.0), jnp.arange(300.0)
    allclose(jit(f)(short), f(short))
    allclose(jit(f)(long), f(long))
    src_short = jit(f).lower(short).compile().as_python()
    src_long = jit(f).lower(long).compile().as_python()
    assert "scan" in src_short
    assert len(src_short.splitlines()) == len(src_long.splitlines())
    assert src_short.count("sin") <= 1  # the body is not inlined per iteration
    assert "scan" in jit(f).lower(short).as_text()


def test_scan_vmap():
    batched_init = {"a": jnp.arange(2.0), "b": jnp.ones(2)}
    carry, ys = vmap(lambda i: lax.scan(step, i, XS))(batched_init)
    for k in range(2):
        ref = python_scan(step, {"a": float(k), "b": 1.0}, XS)
        allclose(({"a": carry["a"][k], "b": carry["b"][k]}, (ys[0][k], ys[1][k])), ref)
    # batched xs along axis 1, an unbatched initial carry
    xs = jnp.arange(6.0).reshape(3, 2)
    carry, ys = vmap(lambda x: lax.scan(lambda c, v: (c + v, c * v), 0.0, x), in_axes=1)(xs)
    allclose(carry, [6.0, 9.0])
    allclose(ys, [[0.0, 0.0, 8.0], [0.0, 3.0, 20.0]])
    # only a closed-over constant batched
    out = vmap(lambda w: lax.scan(lambda c, v: (c * w + v, c), 0.0, jnp.ones(3))[0])(
        jnp.array([1.0, 2.0]))
    allclose(out, [3.0, 7.0])
    allclose(jit(vmap(lambda x: lax.scan(lambda c, v: (c + v, c), 0.0, x)))(jnp.ones((2, 3)))[0],
             [3.0, 3.0])


def rnn_like(x):
    return lax.scan(lambda c, v: (jnp.sin(c * v), c * v), 1.0, x)


def test_scan_jvp_and_grad():
    x = jnp.array([1.0, 2.0, 0.5])
    # reference derivative by central differences in float64
    def ref(x):
        c, ys = 1.0, []
        for v in x:
            c, y = np.sin(c * v), c * v
            ys.append(y)
        return c + 0.5 * sum(ys)

    eps = 1e-6
    fd = [(ref(np.array(x, np.float64) + eps * e) - ref(np.array(x, np.float64) - eps * e)) / (2 * eps)
          for e in np.eye(3)]
    loss = lambda x: rnn_like(x)[0] + 0.5 * rnn_like(x)[1].sum()
    allclose(grad(loss)(x), fd, rtol=1e-5, atol=1e-5)
    allclose(jit(grad(loss))(x), fd, rtol=1e-5, atol=1e-5)
    primal, tangent = jvp(loss, (x,), (jnp.array([1.0, -1.0, 2.0]),))
    allclose(tangent, np.dot(fd, [1.0, -1.0, 2.0]), rtol=1e-5, atol=1e-5)
    allclose(jacfwd(lambda x: rnn_like(x)[1])(x), jacrev(lambda x: rnn_like(x)[1])(x))
    # pytree carry: gradient with respect to the initial carry
    g = grad(lambda init: lax.scan(step, init, XS)[0]["b"])(INIT)
    allclose(g, {"a": 0.0, "b": 6.0})
    # vmap of grad (per-example gradients through a scan)
    per_example = vmap(grad(loss))(jnp.stack([x, x * 0.5]))
    allclose(per_example[0], fd, rtol=1e-5, atol=1e-5)


def test_scan_reverse_mode_with_reverse_and_closures():
    x = jnp.array([1.0, 2.0, 0.5])
    f = lambda x: lax.scan(lambda c, v: (c * v, c), 1.0, x, reverse=True)[1].sum()
    # reverse: ys = [x1 x2, x2, 1] for x = (x0, x1, x2): d/dx = [0, x2, 1 + x1]
    allclose(f(x), 2.0 * 0.5 + 0.5 + 1.0)
    allclose(grad(f)(x), [0.0, 0.5, 3.0])
    # the body closes over the differentiated weight
    h = lambda w: lax.scan(lambda c, v: (c * w + v, c), 0.0, jnp.ones(3))[0]  # w^2 + w + 1
    allclose(grad(h)(2.0), 5.0)
    allclose(grad(grad(h))(2.0), 2.0)


def test_hessian_of_a_function_with_a_scan():
    x = jnp.array([1.0, 2.0, 0.5, 3.0])
    prod = lambda x: lax.scan(lambda c, v: (c * v, None), 1.0, x)[0]
    expected = np.prod(x) / np.outer(x, x) * (1 - np.eye(4))
    allclose(hessian(prod)(x), expected, rtol=1e-5)
    allclose(jit(hessian(prod))(x), expected, rtol=1e-5)
    smooth = lambda x: rnn_like(x)[0]
    allclose(hessian(smooth)(x), jacfwd(jacfwd(smooth))(x), rtol=1e-5, atol=1e-5)
    allclose(hessian(smooth)(x), jacrev(jacrev(smooth))(x), rtol=1e-5, atol=1e-5)


def test_nested_control_flow_derivatives():
    def nested(x):
        def outer(c, xi):
            c2, ys = lax.scan(lambda d, y: (d * y + xi, d), c, jnp.array([1.0, 0.5]))
            return jnp.sin(c2), ys.sum()
        return lax.scan(outer, 0.3, x)

    x = jnp.arange(3.0)
    g = grad(lambda x: nested(x)[0])(x)
    allclose(jit(vmap(grad(lambda x: nested(x)[0])))(jnp.stack([x, x])), [g, g], rtol=1e-6)
    allclose(hessian(lambda x: nested(x)[0])(x), jacfwd(grad(lambda x: nested(x)[0]))(x),
             rtol=1e-5, atol=1e-6)
    # cond inside scan and scan inside cond
    f = lambda x: lax.scan(lambda c, v: (lax.cond(v > 1, lambda a: a * v,
                                                  lambda a: jnp.sin(a) + v, c), c), 0.5, x)[0]
    x = jnp.arange(4.0)
    # c: 0.5 -> sin(0.5) -> sin(sin(0.5)) + 1 -> *2 -> *3
    c1 = np.sin(0.5)
    allclose(f(x), 6 * (np.sin(c1) + 1), rtol=1e-6)
    allclose(grad(f)(x), [6 * np.cos(c1), 6.0, 3 * (np.sin(c1) + 1),
                          2 * (np.sin(c1) + 1)], rtol=1e-6)


def test_cond_inside_a_loop_under_reverse_mode():
    # A branch whose output is known (here: computed from the carry alone) while the other
    # branch's depends on the differentiated x. Partial evaluation of the loop body then
    # forces a known output of one branch to be unknown (instantiate=...).
    # JAX: grad(f)(1.5) == 1.0 for both loops, and -3.2822375 for the switch.
    f = lambda x: lax.scan(lambda c, i: (lax.cond(i > 0, lambda a: a + 1.0, lambda a: a * x, c),
                                         c), 1.0, jnp.array([0, 1, 2]))[0]
    allclose(jvp(f, (1.5,), (1.0,)), (3.5, 1.0))
    allclose(grad(f)(1.5), 1.0)
    g = lambda x: lax.fori_loop(0, 3, lambda i, c: lax.cond(i > 0, lambda a: a + 1.0,
                                                            lambda a: a * x, c), 1.0)
    allclose(grad(g)(1.5), 1.0)
    h = lambda x: lax.scan(lambda c, i: (lax.switch(i, [lambda a: a + x, lambda a: a * x,
                                                        jnp.sin], c), c), 1.0,
                           jnp.array([0, 1, 2]))[0]
    allclose(grad(h)(1.5), -3.2822375, rtol=1e-5)


# ==== map ===================================================================================

def test_map_values_and_batch_size():
    xs = jnp.arange(5.0)
    allclose(lax.map(lambda a: a ** 2, xs), np.arange(5.0) ** 2)
    for batch_size in (1, 2, 3, 5, 8):
        allclose(lax.map(lambda a: a ** 2, xs, batch_size=batch_size), np.arange(5.0) ** 2)
    out = lax.map(lambda p: (p[0] + p[1], p[0]), (xs, jnp.ones(5)), batch_size=3)
    allclose(out, (np.arange(5.0) + 1, np.arange(5.0)))
    # a matrix per element
    allclose(lax.map(lambda m: m @ m, jnp.ones((3, 2, 2)), batch_size=2), np.full((3, 2, 2), 2.0))


def test_map_under_transformations():
    xs = jnp.arange(5.0)
    f = lambda x: lax.map(lambda a: jnp.sin(a) * a, x, batch_size=2)
    allclose(jit(f)(xs), np.sin(np.arange(5.0)) * np.arange(5.0), rtol=1e-6)
    allclose(vmap(f)(jnp.stack([xs, xs])), np.stack([np.sin(xs) * xs] * 2), rtol=1e-6)
    expected = np.cos(np.arange(5.0)) * np.arange(5.0) + np.sin(np.arange(5.0))
    allclose(grad(lambda x: f(x).sum())(xs), expected, rtol=1e-6)
    allclose(grad(lambda x: lax.map(lambda a: jnp.sin(a) * a, x).sum())(xs), expected, rtol=1e-6)
    allclose(jvp(f, (xs,), (jnp.ones(5),))[1], expected, rtol=1e-6)
    assert "scan" in jaxpr_text(lambda x: lax.map(jnp.sin, x), xs)


# ==== associative_scan ======================================================================

def test_associative_scan_matches_cumulative_ops():
    for n in (1, 2, 5, 8, 13):
        x = jnp.arange(1.0, n + 1.0)
        allclose(lax.associative_scan(jnp.add, x), np.cumsum(np.arange(1.0, n + 1.0)))
        allclose(lax.associative_scan(jnp.multiply, x), np.cumprod(np.arange(1.0, n + 1.0)),
                 rtol=1e-6)
        allclose(lax.associative_scan(jnp.add, x, reverse=True),
                 np.cumsum(np.arange(1.0, n + 1.0)[::-1])[::-1])
    m = jnp.arange(12.0).reshape(3, 4)
    allclose(lax.associative_scan(jnp.add, m, axis=1), np.cumsum(np.arange(12.0).reshape(3, 4), 1))
    allclose(lax.associative_scan(jnp.maximum, jnp.array([[1.0, 3, 2], [0, 5, 1]]), axis=-1,
                                  reverse=True), [[3.0, 3.0, 2.0], [5.0, 5.0, 1.0]])
    assert lax.associative_scan(jnp.add, jnp.zeros(0)).shape == (0,)


def test_associative_scan_pytrees_linear_recurrence():
    # h_t = a_t h_{t-1} + b_t as a scan over affine maps composed associatively
    a = jnp.array([0.5, 2.0, -1.0, 0.25, 3.0])
    b = jnp.array([1.0, -1.0, 2.0, 0.5, 1.0])

    def compose(first, second):
        a1, b1 = first
        a2, b2 = second
        return a2 * a1, a2 * b1 + b2

    _, h = lax.associative_scan(compose, (a, b))
    expected, state = [], 0.0
    for at, bt in zip(np.asarray(a), np.asarray(b)):
        state = at * state + bt
        expected.append(state)
    allclose(h, expected)
    with pytest.raises(ValueError):
        lax.associative_scan(compose, (a, b[:4]))


def test_associative_scan_under_transformations():
    x = jnp.arange(1.0, 6.0)
    allclose(jit(lambda x: lax.associative_scan(jnp.add, x))(x), np.cumsum(np.arange(1.0, 6.0)))
    allclose(vmap(lambda x: lax.associative_scan(jnp.add, x))(jnp.stack([x, 2 * x])),
             [np.cumsum(np.arange(1.0, 6.0)), 2 * np.cumsum(np.arange(1.0, 6.0))])
    # d/dx_i sum_k prod_{j<=k} x_j = sum_{k>=i} prod_{j<=k, j!=i} x_j
    xv = np.arange(1.0, 6.0)
    expected = [sum(np.prod(np.delete(xv[:k + 1], i)) for k in range(i, 5)) for i in range(5)]
    allclose(grad(lambda x: lax.associative_scan(jnp.multiply, x).sum())(x), expected, rtol=1e-6)
    allclose(jvp(lambda x: lax.associative_scan(jnp.multiply, x), (x,), (jnp.ones(5),))[1],
             [sum(np.prod(np.delete(xv[:k + 1], i)) for i in range(k + 1)) for k in range(5)],
             rtol=1e-6)


# ==== disable_jit: control flow runs as Python, as in JAX =====================================

def test_disable_jit_runs_control_flow_as_python():
    calls = []

    def true_fun(x):
        calls.append("true")
        return x + 1

    def false_fun(x):
        calls.append("false")
        return x - 1

    with jaxlite.disable_jit():
        assert float(lax.cond(True, true_fun, false_fun, 1.0)) == 2.0
        assert float(lax.switch(7, [false_fun, true_fun], 1.0)) == 2.0  # still clamped
        assert calls == ["true", "true"]  # only the taken branch runs
        seen = []

        def body(c, x):
            seen.append(type(c).__name__)
            return c + x, c

        carry, ys = lax.scan(body, 0.0, jnp.arange(3.0))
        assert float(carry) == 3.0 and len(seen) == 3  # one call per step
        allclose(ys, [0.0, 0.0, 1.0])
        allclose(lax.scan(lambda c, x: (c + x, c), 0.0, jnp.arange(3.0), reverse=True)[1],
                 [3.0, 2.0, 0.0])
        with pytest.raises(ValueError, match="zero-length"):
            lax.scan(lambda c, x: (c, c), 0.0, None, length=0)
        indices = []
        assert int(lax.fori_loop(0, 3, lambda i, c: (indices.append(i), c + i)[1], 0)) == 3
        assert indices == [0, 1, 2]  # Python ints
        assert int(lax.fori_loop(3, 0, lambda i, c: c + i, 0)) == 0
        steps = []
        out = lax.while_loop(lambda c: c < 3, lambda c: (steps.append(1), c + 1)[1], 0)
        assert int(out) == 3 and len(steps) == 3
        # reverse mode through a while_loop works when it is a Python loop
        allclose(grad(power_by_while)(2.0), 12.0)


def test_a_function_given_for_several_branches_is_traced_once():
    # as in JAX 0.10.2 (haiku's stateful cond/switch test it)
    calls = []

    def f(x):
        calls.append(None)
        return x ** 2

    assert float(lax.cond(False, f, f, 3.0)) == 9.0 and len(calls) == 1
    calls.clear()
    g = lambda x: x + 1.0
    assert float(lax.switch(2, [f, g] * 3, 2.0)) == 4.0 and len(calls) == 1
    assert float(lax.switch(3, [f, g] * 3, 2.0)) == 3.0


def test_branch_structure_mismatch_uses_jaxs_wording():
    with pytest.raises(TypeError, match="cond branch outputs must have the same pytree"):
        lax.cond(True, lambda x: (x,), lambda x: x, 1.0)
    with pytest.raises(TypeError, match="switch branch outputs must have the same pytree"):
        lax.switch(0, [lambda x: (x,), lambda x: x], 1.0)


def test_operand_none_is_passed_to_the_branches():
    # jaxopt: cond(pred, lambda _: ..., lambda _: ..., operand=None), as in JAX
    assert float(lax.cond(True, lambda _: 1.0, lambda _: 2.0, operand=None)) == 1.0
    assert float(lax.switch(1, [lambda _: 1.0, lambda _: 2.0], operand=None)) == 2.0
    assert float(lax.cond(False, lambda: 1.0, lambda: 2.0)) == 2.0


def test_loop_bodies_are_traced_once_per_function_and_types():
    # As JAX caches them (counts recorded from JAX 0.10.2): scan and while_loop called
    # again with the same function and argument types reuse the trace; new types retrace;
    # a body closing over a tracer of an enclosing jit is traced anew each time.
    calls = {"scan": 0, "while": 0}

    def step(c, x):
        calls["scan"] += 1
        return c + 1, x ** 2

    def body(c):
        calls["while"] += 1
        return c + 1

    for _ in range(3):
        carry, ys = lax.scan(step, jnp.array(0), jnp.arange(5))
        lax.while_loop(lambda c: c < 3, body, 0)
    assert calls == {"scan": 1, "while": 1} and int(carry) == 5
    lax.scan(step, jnp.array(0), jnp.arange(5.0))
    assert calls["scan"] == 2

    @jaxlite.jit
    def closing(x):
        return lax.scan(lambda c, y: (c + y * x[0], None), 0.0, x)[0]

    x = jnp.ones(3)
    assert float(closing(x)) == 3.0 and float(closing(2 * x)) == 12.0


def test_cond_outputs_forwarded_by_every_branch_are_the_operands():
    # As JAX: the jaxpr returns the operand itself (JAX prints `in (b, e)`), so under vmap
    # with a batched predicate a passed-through unbatched operand stays unbatched.
    def f(p, x, y):
        return lax.cond(p, lambda x, y: (x, y + 1), lambda x, y: (x, y * 2), x, y)

    jaxpr = jaxlite.make_jaxpr(f)(True, 1.0, 2.0)
    assert str(jaxpr).endswith("in (b, e) }")
    x, y = vmap(f, in_axes=(0, None, 0), out_axes=(None, 0))(jnp.array([True, False]), 1.0,
                                                               jnp.ones(2))
    assert float(x) == 1.0
    np.testing.assert_array_equal(y, [2.0, 2.0])
    # a different operand per branch is a real output
    swapped = jaxlite.make_jaxpr(lambda p, x, y: lax.cond(p, lambda x, y: (y, y + 1),
                                                          lambda x, y: (x, y * 2), x, y))
    assert str(swapped(True, 1.0, 2.0)).endswith("in (e, f) }")
    assert grad(lambda x: f(True, x, 2.0)[0] * 3.0)(1.0) == 3.0
