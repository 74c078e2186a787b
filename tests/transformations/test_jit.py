"""Tests for jit: agreement with eager execution, the compilation cache, static
arguments, composition with grad/vmap/jvp, closures, make_jaxpr, lower/compile
text, eval_shape and disable_jit."""
import functools

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax, jit, grad, vmap, jvp, make_jaxpr


def dtype_and_weak(x):
    return x.dtype, x.weak_type


def counting(fn):
    """`fn` plus a Python-side counter of how many times it is traced (or run)."""
    calls = []

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        calls.append(1)
        return fn(*args, **kwargs)

    wrapped.count = lambda: len(calls)
    return wrapped


# ---- jit == eager --------------------------------------------------------------------------------

EAGER_CASES = {
    "elementwise": (lambda x, y: jnp.sin(x) * y + 1.0, [(3, 4), (4,)]),
    "reductions": (lambda x, y: (jnp.sum(x, axis=0), jnp.max(y), jnp.mean(x * 2)), [(3, 4), (4,)]),
    "matmul": (lambda x, y: jnp.tanh(x @ y), [(3, 4), (4,)]),
    "indexing": (lambda x, y: x[1:, ::2] + y[jnp.array([0, 0])], [(3, 4), (4,)]),
    "at_update": (lambda x, y: x.at[0].set(y).at[:, 1].add(3.0), [(3, 4), (4,)]),
    "where_clip": (lambda x, y: jnp.where(x > 0, jnp.clip(x, 0.1, 0.9), y), [(3, 4), (4,)]),
    "shapes": (lambda x, y: jnp.concatenate([x.T.reshape(-1), y, jnp.flip(y)]), [(3, 4), (4,)]),
    "int_ops": (lambda x, y: ((x * 10).astype(jnp.int32) // 3) % 5, [(3, 4), (4,)]),
    "comparisons": (lambda x, y: jnp.logical_and(x > y, x < 1.0), [(3, 4), (4,)]),
    "dict_output": (lambda x, y: {"a": x + 1, "b": (y * 2, jnp.sum(y))}, [(3, 4), (4,)]),
    "constants": (lambda x, y: x + jnp.arange(4.0) + np.ones(4, np.float32), [(3, 4), (4,)]),
    "pow_and_exp": (lambda x, y: jnp.exp(-x ** 2) + jnp.abs(y) ** 1.5, [(3, 4), (4,)]),
    "dot_general": (lambda x, y: lax.dot_general(x, x, (((1,), (1,)), ((), ()))), [(3, 4), (4,)]),
    "integer_division": (lambda x, y: jnp.arange(12).reshape(3, 4) // 5, [(3, 4), (4,)]),
}


@pytest.mark.parametrize("name", sorted(EAGER_CASES))
def test_jit_matches_eager(name):
    fn, shapes = EAGER_CASES[name]
    rng = np.random.default_rng(0)
    args = [jnp.asarray(rng.standard_normal(s).astype(np.float32)) for s in shapes]
    expected = fn(*args)
    out = jit(fn)(*args)
    leaves_e, tree_e = jaxlite.tree_flatten(expected)
    leaves_o, tree_o = jaxlite.tree_flatten(out)
    assert tree_e == tree_o
    for e, o in zip(leaves_e, leaves_o):
        assert isinstance(o, jaxlite.Array)
        assert dtype_and_weak(o) == dtype_and_weak(e)
        np.testing.assert_allclose(np.asarray(o), np.asarray(e), rtol=1e-6, atol=1e-6)


def test_jit_output_dtypes_and_weak_types():
    assert dtype_and_weak(jit(lambda x: x * 2)(3.0)) == (np.float32, True)
    assert dtype_and_weak(jit(lambda x: x * 2)(jnp.float32(3.0))) == (np.float32, False)
    assert dtype_and_weak(jit(lambda x: x * 2)(3)) == (np.int32, True)
    out = jit(lambda x: x * 2)(np.arange(3.0))
    assert dtype_and_weak(out) == (np.float32, False)
    np.testing.assert_array_equal(out, [0.0, 2.0, 4.0])
    out = jit(lambda x: jnp.sum(x))(jnp.ones(3, jnp.int8))
    assert out.dtype == np.int32 and int(out) == 3


def test_jit_pytree_inputs_and_outputs():
    out = jit(lambda x: (x, {"a": x + 1}))(1.0)
    assert isinstance(out, tuple) and set(out[1]) == {"a"}
    assert float(out[0]) == 1.0 and float(out[1]["a"]) == 2.0
    assert jit(lambda x: None)(1.0) is None
    out = jit(lambda p: p["w"] @ p["x"])({"w": jnp.eye(2), "x": jnp.array([1.0, 2.0])})
    np.testing.assert_array_equal(out, [1.0, 2.0])


def test_jit_as_decorator_and_with_options():
    @jit
    def f(x):
        return x * 3

    assert float(f(2.0)) == 6.0

    @functools.partial(jit, static_argnums=(1,))
    def g(x, n):
        return x * n

    assert float(g(2.0, 5)) == 10.0

    @jit
    def h(x, *, scale=2.0):
        return x * scale

    assert float(h(2.0)) == 4.0
    assert float(h(2.0, scale=3.0)) == 6.0


def test_jit_on_methods():
    class Model:
        def __init__(self, w):
            self.w = w

        @functools.partial(jit, static_argnums=0)
        def apply(self, x):
            return self.w * x

        def __hash__(self):
            return id(self)

    m = Model(3.0)
    assert float(m.apply(2.0)) == 6.0


# ---- the cache --------------------------------------------------------------------------------------

def test_cache_hit_for_same_shapes_and_dtypes():
    f = counting(lambda x: x + 1)
    jf = jit(f)
    jf(jnp.ones(3))
    jf(jnp.zeros(3))
    jf(jnp.arange(3.0))
    assert f.count() == 1
    jf(np.ones(3, np.float32))  # NumPy arrays of the same aval share the entry
    assert f.count() == 1


def test_cache_keyed_on_shape_dtype_weak_type():
    f = counting(lambda x: x * 2)
    jf = jit(f)
    jf(jnp.ones(3))
    jf(jnp.ones(4))  # new shape
    assert f.count() == 2
    jf(jnp.ones(3, jnp.int32))  # new dtype
    assert f.count() == 3
    jf(jnp.ones((3, 1)))  # new rank
    assert f.count() == 4
    jf(2.0)  # weak f32[]
    jf(3.0)
    assert f.count() == 5
    jf(jnp.float32(2.0))  # strong f32[]: different weak type
    assert f.count() == 6
    jf(jnp.array(2.0))  # weak f32[] again (an Array this time): cached
    assert f.count() == 6
    jf(2)  # weak int
    assert f.count() == 7


def test_cache_keyed_on_pytree_structure():
    f = counting(lambda t: jax_sum_leaves(t))
    jf = jit(f)
    jf((1.0, 2.0))
    jf((3.0, 4.0))
    assert f.count() == 1
    jf([1.0, 2.0])  # list instead of tuple
    assert f.count() == 2
    jf({"a": 1.0, "b": 2.0})
    jf({"a": 5.0, "b": 6.0})
    assert f.count() == 3
    jf({"a": 1.0, "c": 2.0})  # different keys
    assert f.count() == 4
    jf((1.0, 2.0, 3.0))
    assert f.count() == 5


def test_fast_path_values_follow_the_structure():
    """The call path's one-walk key must hand leaves over in tree_flatten's order, for
    dicts in any insertion order, None leaves, NumPy scalars and custom nodes."""
    import collections
    Pair = collections.namedtuple("Pair", "x y")
    f = counting(lambda d, n, p: d["a"] * 10.0 + d["b"] + p.x * 100.0 - p.y + n[1])
    jf = jit(f)
    for k in range(3):
        d = {"b": jnp.float32(k), "a": jnp.float32(2 * k)} if k % 2 else \
            {"a": jnp.float32(2 * k), "b": jnp.float32(k)}
        n = (None, np.float32(0.5 * k))
        p = Pair(jnp.float32(k + 1), jnp.float32(3 * k))
        expected = 2 * k * 10.0 + k + (k + 1) * 100.0 - 3 * k + 0.5 * k
        assert float(jf(d, n, p)) == expected
    assert f.count() == 1


def jax_sum_leaves(t):
    return sum(jaxlite.tree_leaves(t))


def test_cache_size_and_clear():
    jf = jit(lambda x: x)
    jf(1.0)
    jf(jnp.ones(2))
    assert jf._cache_size() == 2
    jf.clear_cache()
    assert jf._cache_size() == 0


def test_results_are_correct_after_retrace():
    jf = jit(lambda x: x.sum() * x.shape[0])
    assert float(jf(jnp.ones(3))) == 9.0
    assert float(jf(jnp.ones(4))) == 16.0
    assert float(jf(jnp.ones(3))) == 9.0


# ---- static arguments ---------------------------------------------------------------------------------

def test_static_argnums():
    f = counting(lambda x, n: x * n if n > 2 else x - n)
    jf = jit(f, static_argnums=1)
    assert float(jf(2.0, 3)) == 6.0
    assert float(jf(2.0, 1)) == 1.0
    assert float(jf(5.0, 3)) == 15.0
    assert f.count() == 2
    jf2 = jit(lambda x, shape: jnp.reshape(x, shape), static_argnums=(1,))
    assert jf2(jnp.arange(6.0), (2, 3)).shape == (2, 3)
    assert jf2(jnp.arange(6.0), (3, 2)).shape == (3, 2)


def test_static_argnames():
    f = counting(lambda x, n: x * n)
    jf = jit(f, static_argnames="n")
    assert float(jf(2.0, n=4)) == 8.0
    assert float(jf(3.0, n=4)) == 12.0
    assert f.count() == 1
    assert float(jf(3.0, n=5)) == 15.0
    assert f.count() == 2
    # positional use of a static name is also static
    assert float(jf(3.0, 5)) == 15.0


def test_static_argument_with_python_control_flow():
    @functools.partial(jit, static_argnames=("mode",))
    def f(x, mode):
        if mode == "square":
            return x ** 2
        return -x

    assert float(f(3.0, mode="square")) == 9.0
    assert float(f(3.0, mode="neg")) == -3.0


def test_static_arg_equal_values_share_cache_entry():
    f = counting(lambda x, t: x * len(t))
    jf = jit(f, static_argnums=1)
    jf(1.0, (1, 2))
    jf(1.0, (1, 2))
    jf(2.0, tuple([1, 2]))
    assert f.count() == 1


# ---- composition with other transformations ---------------------------------------------------------------

def test_grad_of_jit_and_jit_of_grad():
    f = lambda x: jnp.sin(x) * x
    expected = np.cos(1.0) * 1.0 + np.sin(1.0)
    np.testing.assert_allclose(grad(jit(f))(1.0), expected, rtol=1e-6)
    np.testing.assert_allclose(jit(grad(f))(1.0), expected, rtol=1e-6)
    np.testing.assert_allclose(jit(grad(jit(f)))(1.0), expected, rtol=1e-6)
    np.testing.assert_allclose(grad(grad(jit(f)))(1.0), 2 * np.cos(1.0) - np.sin(1.0), rtol=1e-6)
    # weak types survive, as in JAX
    assert dtype_and_weak(jit(grad(jit(f)))(1.0)) == (np.float32, True)
    assert dtype_and_weak(jit(grad(f))(jnp.float32(1.0))) == (np.float32, False)


def test_vmap_of_jit_and_jit_of_vmap():
    f = jit(lambda x: x ** 2 + jnp.sum(x))
    xs = jnp.arange(6.0).reshape(3, 2)
    expected = np.array([np.arange(2.0) ** 2, np.arange(2.0, 4.0) ** 2, np.arange(4.0, 6.0) ** 2])
    expected += np.arange(6.0).reshape(3, 2).sum(1, keepdims=True)
    np.testing.assert_array_equal(vmap(f)(xs), expected)
    np.testing.assert_array_equal(jit(vmap(f))(xs), expected)
    np.testing.assert_array_equal(vmap(jit(vmap(jit(lambda x: x * 2))))(xs), np.arange(6.0).reshape(3, 2) * 2)


def test_jvp_of_jit():
    out, t = jvp(jit(lambda x: x ** 3), (2.0,), (1.0,))
    assert (float(out), float(t)) == (8.0, 12.0)
    out, t = jit(lambda x, t: jvp(lambda y: y ** 3, (x,), (t,)))(2.0, 1.0)
    assert (float(out), float(t)) == (8.0, 12.0)


def test_jit_inside_grad_inside_vmap():
    f = jit(lambda w, x: jnp.tanh(w * x))
    per_example = vmap(grad(lambda w, x: f(w, x)), in_axes=(None, 0))(0.5, jnp.arange(3.0))
    expected = np.arange(3.0) * (1 - np.tanh(0.5 * np.arange(3.0)) ** 2)
    np.testing.assert_allclose(per_example, expected, rtol=1e-6)


def test_jit_closing_over_outer_tracers():
    # The jitted function closes over x, a tracer of the outer grad / vmap.
    assert float(grad(lambda x: jit(lambda y: x * y)(2.0))(3.0)) == 2.0
    np.testing.assert_array_equal(vmap(lambda x: jit(lambda y: x * y)(2.0))(jnp.arange(3.0)),
                                  [0.0, 2.0, 4.0])
    np.testing.assert_allclose(grad(lambda x: jit(lambda y: jnp.sin(x * y))(x))(1.5),
                               2 * 1.5 * np.cos(1.5 ** 2), rtol=1e-6)
    # ... and over concrete arrays
    w = jnp.arange(3.0)
    np.testing.assert_array_equal(jit(lambda x: x * w)(2.0), [0.0, 2.0, 4.0])


def test_closure_over_outer_tracer_is_not_cached_with_stale_value():
    def outer(x):
        return jit(lambda y: x + y)(1.0)

    assert float(grad(outer)(3.0)) == 1.0
    np.testing.assert_array_equal(vmap(outer)(jnp.array([1.0, 2.0])), [2.0, 3.0])
    np.testing.assert_array_equal(vmap(outer)(jnp.array([5.0, 7.0])), [6.0, 8.0])


def test_nested_jit():
    inner = jit(lambda x: x * 2)
    outer = jit(lambda x: inner(x) + inner(x + 1))
    assert float(outer(1.0)) == 6.0


# ---- make_jaxpr, lower, compile, eval_shape --------------------------------------------------------------

def test_make_jaxpr_printing():
    text = str(make_jaxpr(lambda x: jnp.sin(x) * 2)(1.0))
    assert text == "{ lambda ; a:f32[]. let b:f32[] = sin a; c:f32[] = mul b 2.0:f32[] in (c,) }"
    text = str(make_jaxpr(lambda x: (x * 2, x + 1))(jnp.ones(2, jnp.int32)))
    assert text == ("{ lambda ; a:i32[2]. let\n"
                    "    b:i32[2] = mul a 2:i32[]\n"
                    "    c:i32[2] = add a 1:i32[]\n"
                    "  in (b, c) }")


def test_make_jaxpr_contents():
    jaxpr = make_jaxpr(lambda x, y: jnp.dot(x, y) + 1.0)(jnp.ones(3), jnp.ones(3))
    text = str(jaxpr)
    assert "a:f32[3] b:f32[3]" in text
    assert "dot_general" in text and "add" in text
    assert [e.primitive.name for e in jaxpr.eqns] == ["dot_general", "add"]
    assert [repr(a) for a in jaxpr.in_avals] == ["ShapedArray(float32[3])", "ShapedArray(float32[3])"]
    assert [str(a) for a in jaxpr.in_avals] == ["float32[3]", "float32[3]"]  # as in JAX
    assert jaxpr.out_avals[0].shape == ()
    # constants become constvars
    text = str(make_jaxpr(lambda x: x + jnp.arange(3.0))(jnp.ones(3)))
    assert text.startswith("{ lambda a:f32[3]; b:f32[3]. let")
    # static arguments are baked in
    text = str(make_jaxpr(lambda x, n: x * n, static_argnums=1)(1.0, 3))
    assert "mul a 3.0:f32[]" in text
    # jit appears as a call with the inner jaxpr
    text = str(make_jaxpr(jit(lambda x: x + 1))(1.0))
    assert "jit[" in text and "add a 1.0:f32[]" in text
    # a grad's jaxpr computes the derivative with no transpose left
    jaxpr = make_jaxpr(grad(lambda x: x ** 2))(3.0)
    assert jaxpr.out_avals[0].shape == () and "integer_pow" in str(jaxpr)


def test_make_jaxpr_return_shape():
    jaxpr, shapes = make_jaxpr(lambda x: {"y": x * 2}, return_shape=True)(jnp.ones((2, 3)))
    assert shapes["y"] == jaxlite.ShapeDtypeStruct((2, 3), jnp.float32)


def test_lower_as_text_and_compile_as_python():
    f = jit(lambda x, y: jnp.sin(x) * y + 1.0)
    lowered = f.lower(jnp.ones(3), 2.0)
    text = lowered.as_text()
    assert isinstance(text, str)
    assert "sin" in text and "mul" in text and "f32[3]" in text
    compiled = lowered.compile()
    source = compiled.as_python()
    assert isinstance(source, str)
    assert "def " in source and "np.sin" in source
    np.testing.assert_allclose(compiled(jnp.zeros(3), 2.0), np.ones(3))
    np.testing.assert_allclose(compiled(jnp.full(3, np.pi / 2), 2.0), np.full(3, 3.0), rtol=1e-6)
    assert lowered.out_info == jaxlite.ShapeDtypeStruct((3,), jnp.float32)


def test_lower_uses_the_cache():
    f = counting(lambda x: x + 1)
    jf = jit(f)
    jf.lower(jnp.ones(3))
    jf(jnp.ones(3))
    assert f.count() == 1


def test_eval_shape():
    out = jaxlite.eval_shape(lambda x: x.reshape(2, -1) @ jnp.ones((3, 5)), jnp.ones(6))
    assert out == jaxlite.ShapeDtypeStruct((2, 5), jnp.float32)
    out = jaxlite.eval_shape(lambda x: x.sum(), jaxlite.ShapeDtypeStruct((2, 3), jnp.float32))
    assert out.shape == () and out.dtype == np.float32
    out = jaxlite.eval_shape(lambda d: {"y": d["x"] * 2, "n": d["x"].shape[0]}, {"x": jnp.ones(4)})
    assert out["y"] == jaxlite.ShapeDtypeStruct((4,), jnp.float32)
    assert out["n"] == jaxlite.ShapeDtypeStruct((), jnp.int32, weak_type=True)
    assert jit(lambda x: x[:2] + 1).eval_shape(jnp.ones(3)) == jaxlite.ShapeDtypeStruct((2,), jnp.float32)


def test_eval_shape_does_not_compute():
    calls = []

    def f(x):
        calls.append(type(x).__name__)
        return x * 2

    out = jaxlite.eval_shape(f, jaxlite.ShapeDtypeStruct((1000, 1000), jnp.float32))
    assert out.shape == (1000, 1000)
    assert calls and calls[0] != "Array"


# ---- disable_jit -----------------------------------------------------------------------------------------

def test_disable_jit_runs_python_every_call():
    seen = []

    def f(x):
        seen.append(float(x))  # needs a concrete value
        return x + 1

    jf = jit(f)
    with jaxlite.disable_jit():
        assert float(jf(1.0)) == 2.0
        assert float(jf(2.0)) == 3.0
    assert seen == [1.0, 2.0]
    assert jaxlite.config.jax_disable_jit is False
    with pytest.raises(jaxlite.errors.ConcretizationTypeError):
        jf(3.0)


def test_disable_jit_allows_value_dependent_python_control_flow():
    jf = jit(lambda x: x if x > 0 else -x)
    with jaxlite.disable_jit():
        assert float(jf(-2.0)) == 2.0
    with pytest.raises(jaxlite.errors.TracerBoolConversionError):
        jf(-2.0)


def test_trace_returns_traced_with_jaxpr_attribute():
    traced = jit(lambda x: jnp.sin(x) * 2.0).trace(1.0)
    assert str(traced.jaxpr) == ("{ lambda ; a:f32[]. let b:f32[] = sin a; "
                                 "c:f32[] = mul b 2.0:f32[] in (c,) }")
    assert traced.fun_name == "<lambda>"
    assert traced.out_info.shape == () and traced.out_info.dtype == np.float32
    assert float(traced.lower().compile()(1.0)) == pytest.approx(2 * np.sin(1.0), rel=1e-6)
    # XLA's compiler options are accepted and mean nothing here (flax.nnx passes them on)
    assert float(traced.lower().compile(None)(1.0)) == pytest.approx(2 * np.sin(1.0), rel=1e-6)


def test_reshape_to_traced_shape_is_a_type_error_as_jax():
    f = jit(lambda x: x.reshape(jnp.array(x.shape).prod()))
    with pytest.raises(TypeError, match="Shapes must be 1D sequences of concrete values") as e:
        f(jnp.ones((2, 3)))
    assert type(e.value) is TypeError


def test_jitted_function_type_and_repr_are_jaxs():
    # JAX 0.10.2 prints "<PjitFunction of <function f at 0x...>>", and chex's
    # assert_max_traces recognises jitted functions by that type name.
    def f(x):
        return x

    g = jaxlite.jit(f)
    assert type(g).__name__ == "PjitFunction"
    assert repr(g) == f"<PjitFunction of {f!r}>"
    assert g.__wrapped__ is f


def test_compiled_cost_analysis_counts_flops_like_xla():
    # JAX (XLA CPU): 6.0 flops for x*2+1 on 3 elements, 48.0 for a (2,3)@(3,4) matmul.
    x = jnp.ones(3)
    cost = jit(lambda x: x * 2 + 1).lower(x).compile().cost_analysis()
    assert cost["flops"] == 6.0 and cost["bytes accessed"] > 0
    a, b = jnp.ones((2, 3)), jnp.ones((3, 4))
    assert jit(lambda a, b: a @ b).lower(a, b).compile().cost_analysis()["flops"] == 48.0
