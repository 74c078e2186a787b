"""Per-call costs of small programs in the NumPy tier: operations that used to run their
Python implementation (or repeat constant work) on every call now lower to single NumPy
expressions. Each is checked to compute exactly what eager computes (jit == eager to the
bit) and to appear in the generated code as intended."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.compiler.codegen import compile_jaxpr


def generated(f, *args):
    return jax.jit(f).lower(*args).compile().as_python()


def optimized_names(f, *args):
    closed = jax.jit(f).lower(*args).jaxpr()
    return [e.primitive.name for e in compile_jaxpr(closed.jaxpr).jaxpr.eqns]


def assert_jit_equals_eager(f, *args):
    eager, jitted = f(*args), jax.jit(f)(*args)
    for e, j in zip(jax.tree_util.tree_leaves(eager), jax.tree_util.tree_leaves(jitted)):
        assert np.asarray(e).dtype == np.asarray(j).dtype
        np.testing.assert_array_equal(np.asarray(j), np.asarray(e))


RNG = np.random.default_rng(14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("y", [3, -1, -2])
def test_integer_pow_lowers_as_the_implementations_products(y, dtype):
    x = jnp.asarray(np.concatenate([RNG.uniform(0.5, 3.0, 7), [1e-20, -2.5, 0.0]]).astype(dtype))
    f = lambda x: lax.integer_pow(x, y)  # noqa: E731
    assert "integer_pow_" not in generated(f, x)  # no Python call of the implementation
    assert_jit_equals_eager(f, x)
    assert_jit_equals_eager(f, x[3])  # a 0-d operand
    np.testing.assert_allclose(np.asarray(jax.jit(f)(x[:7])),
                               np.asarray(x[:7], np.float64) ** y, rtol=1e-6)


@pytest.mark.parametrize("spec", ["hqc,hkc->hqk", "hkq,hkc->hqc", "hqk,hck->hqc", "hqk,hkc->hqc"])
def test_one_batch_axis_contractions_lower_to_matmul_of_views(spec):
    # Attention's products and their transposes in reverse mode: each is the
    # implementation's own np.matmul of transposed views.
    sizes = {"h": 4, "q": 6, "k": 7, "c": 5}
    a, b = (jnp.asarray(RNG.standard_normal(tuple(sizes[c] for c in operand)).astype(np.float32))
            for operand in spec.split("->")[0].split(","))
    f = lambda a, b: jnp.einsum(spec, a, b)  # noqa: E731
    source = generated(f, a, b)
    assert "np.matmul(" in source and "dot_general_" not in source
    assert_jit_equals_eager(f, a, b)
    np.testing.assert_allclose(np.asarray(jax.jit(f)(a, b)),
                               np.einsum(spec, np.asarray(a, np.float64), np.asarray(b, np.float64)),
                               rtol=1e-5, atol=1e-5)


def test_attention_gradient_jit_equals_eager():
    q, k, v = (jnp.asarray(RNG.standard_normal((2, 8, 4)).astype(np.float32)) for _ in range(3))

    def loss(q, k, v):
        p = jax.nn.softmax(jnp.einsum("hqc,hkc->hqk", q, k) / 2.0, axis=-1)
        return jnp.sum(jnp.einsum("hqk,hkc->hqc", p, v) ** 2)
    f = jax.grad(loss, argnums=(0, 1, 2))
    assert "dot_general_" not in generated(f, q, k, v)
    assert_jit_equals_eager(f, q, k, v)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_division_by_a_literal_is_a_product_with_its_reciprocal(dtype):
    x = jnp.asarray(RNG.standard_normal((3, 4)).astype(dtype))
    f = lambda x: x / 3.0 + jnp.mean(x, axis=1, keepdims=True)  # noqa: E731  (/ the count)
    names = optimized_names(f, x)
    assert "div" not in names
    assert "np.divide" not in generated(f, x)  # the reciprocal is computed once, here
    assert_jit_equals_eager(f, x)
    np.testing.assert_allclose(np.asarray(jax.jit(f)(x)),
                               np.asarray(x, np.float64) / 3
                               + np.mean(np.asarray(x, np.float64), axis=1, keepdims=True),
                               rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_quotients_by_one_broadcast_divisor_share_its_reciprocal(dtype):
    # Layer norm's shape: two arrays divided by the same (rows, 1) array, forward and
    # backward; 1/y is computed once and each quotient is x * (1/y), as eagerly.
    x = jnp.asarray(RNG.standard_normal((6, 8)).astype(dtype))
    w = jnp.asarray(RNG.standard_normal((6, 8)).astype(dtype))

    def f(x, w):
        s = jnp.sqrt(jnp.sum(x * x, axis=1, keepdims=True) + 1.0)
        return jnp.sum(x / s) + jnp.sum(w / s)
    names = optimized_names(f, x, w)
    assert names.count("div") == 1, names  # the shared reciprocal
    assert_jit_equals_eager(f, x, w)
    assert_jit_equals_eager(jax.grad(f), x, w)
    xs, ws = np.asarray(x, np.float64), np.asarray(w, np.float64)
    s = np.sqrt((xs * xs).sum(1, keepdims=True) + 1)
    np.testing.assert_allclose(float(jax.jit(f)(x, w)), (xs / s).sum() + (ws / s).sum(),
                               rtol=1e-5)


def test_division_that_divides_exactly_stays_a_division():
    # A divisor of the full shape, and a 0-d dividend: true divisions, as in JAX.
    x = jnp.asarray(RNG.standard_normal(5).astype(np.float32))
    assert "div" in optimized_names(lambda s: s / 3.0, x[0])
    assert "div" in optimized_names(lambda x: x / (x + 4.0), x)


def test_reductions_over_unit_axes_are_reshapes():
    # The bias gradient of a batched layer: a sum to (1, n), then over the unit axis.
    x = jnp.asarray(RNG.standard_normal((1, 6)).astype(np.float32))
    for reduce in (jnp.sum, jnp.max, jnp.min, jnp.prod):
        f = lambda x: reduce(x, axis=0)  # noqa: E731
        names = optimized_names(f, x)
        assert not any(n.startswith("reduce") for n in names), names
        assert_jit_equals_eager(f, x)
    f = lambda x: jnp.sum(x.reshape(1, 6) * 2.0, axis=0, keepdims=True).sum(axis=0)  # noqa: E731
    assert_jit_equals_eager(f, x[0])
    assert_jit_equals_eager(lambda x: jnp.sum(x, axis=(0, 1)), x)  # a real sum stays one
    assert "reduce_sum" in optimized_names(lambda x: jnp.sum(x, axis=(0, 1)), x)


@pytest.mark.parametrize("loop", ["scan", "while", "cond", "fori"])
def test_control_flow_hands_numpy_values_to_the_generated_code(loop):
    # A loop's results feed the next lines of generated code as NumPy arrays (an Array
    # would be converted at every use); jit's outputs keep their weak types all the same.
    x = jnp.asarray(np.arange(1.0, 4.0, dtype=np.float32))
    f = {"scan": lambda x: lax.scan(lambda c, y: (c + y, c * y), 0.0, x),
         "while": lambda x: lax.while_loop(lambda c: c[0] < 4.0, lambda c: (c[0] * 2.0, c[1] + 1),
                                           (x[0], 0)),
         "cond": lambda x: lax.cond(x[0] > 0, lambda v: (v * 2.0, 1.0), lambda v: (v, 2.0), x),
         "fori": lambda x: lax.fori_loop(0, 3, lambda i, c: c * 2.0, 1.0)}[loop]
    closed = jax.jit(f).lower(x).jaxpr()
    outs = compile_jaxpr(closed.jaxpr)(np.asarray(x))
    assert all(type(o) is np.ndarray or isinstance(o, np.generic) for o in outs), \
        [type(o) for o in outs]
    eager, jitted = f(x), jax.jit(f)(x)
    for e, j in zip(jax.tree_util.tree_leaves(eager), jax.tree_util.tree_leaves(jitted)):
        assert e.dtype == j.dtype and e.weak_type == j.weak_type
        np.testing.assert_array_equal(np.asarray(j), np.asarray(e))


def test_elementwise_results_may_reuse_a_dying_contraction_result():
    # acc + outer(g, h), the weight-gradient accumulation of a scan's reverse pass: the
    # sum is written into the outer product's fresh buffer, with eager's values.
    a = jnp.asarray(RNG.standard_normal((6, 5)).astype(np.float32))
    g, h = (jnp.asarray(RNG.standard_normal(n).astype(np.float32)) for n in (6, 5))
    f = lambda a, g, h: (a + lax.dot_general(g, h, (((), ()), ((), ())))) * 2.0  # noqa: E731
    source = generated(f, a, g, h)
    product = source.split(" = np.multiply(")[0].split()[-1]  # the outer product's name
    assert f"out={product})" in source.split("np.add(")[1].split("\n")[0]
    assert_jit_equals_eager(f, a, g, h)
    # a contraction of a transposed operand may lie in another memory order: no reuse
    f = lambda a, g: jnp.dot(a.T, g) + 1.0  # noqa: E731
    assert_jit_equals_eager(f, a, g)
