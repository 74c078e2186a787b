"""Property tests (hypothesis) over random programs built from the primitives:

  grad == central finite differences (x64), jacfwd == jacrev,
  vmap == Python loop, jit == eager.

A program is a short random sequence of steps; each step applies a unary op to
one earlier value or a binary op to two, so programs mix elementwise math,
broadcasting, reductions, shape ops, indexing, scatters and contractions.
Budgets are small and derandomized so the file runs in seconds, reproducibly.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from hypothesis.extra import numpy as hnp

import jaxlite.numpy as jnp
from jaxlite import lax, grad, jacfwd, jacrev, jit, vmap, jvp, vjp

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])




# Every op maps (m, n) arrays to (m, n) arrays, is smooth everywhere, and keeps
# values of moderate size, so finite differences are accurate in float64.
UNARY = [
    ("sin", jnp.sin),
    ("cos", jnp.cos),
    ("tanh", jnp.tanh),
    ("atan", jnp.arctan),
    ("logistic", lax.logistic),
    ("soft_square", lambda x: x * x / (1 + x * x)),
    ("sqrt1p", lambda x: jnp.sqrt(1.0 + x * x)),
    ("exp_sin", lambda x: jnp.exp(jnp.sin(x))),
    ("log1p_sq", lambda x: jnp.log1p(x ** 2)),
    ("cube_scaled", lambda x: lax.integer_pow(x, 3) / 8.0),
    ("neg", lambda x: -x),
    ("flip0", lambda x: jnp.flip(x, axis=0)),
    ("flip1", lambda x: x[:, ::-1]),
    ("roll_rows", lambda x: jnp.concatenate([x[1:], x[:1]], axis=0)),
    ("center_cols", lambda x: x - jnp.mean(x, axis=0, keepdims=True)),
    ("scale_rows", lambda x: x * jnp.tanh(jnp.sum(x, axis=1, keepdims=True))),
    ("row_broadcast", lambda x: x + x[0]),
    ("gram", lambda x: jnp.tanh(x @ (x.T @ x)) / 2),
    ("transpose_twice", lambda x: jnp.transpose(x.reshape(x.shape[0], 1, x.shape[1]),
                                                (2, 1, 0)).reshape(x.shape[1], x.shape[0]).T),
    ("set_first_row", lambda x: x.at[0].set(jnp.sin(x[-1]))),
    ("add_at_duplicates", lambda x: x.at[jnp.array([0, 0])].add(x[-1])),
    ("gather_rows", lambda x: x[jnp.arange(x.shape[0])[::-1]]),
    ("max_smooth", lambda x: jnp.maximum(x, x + 1.0) - jnp.minimum(x - 1.0, x)),
    ("pad_slice", lambda x: lax.pad(x, 0.0, ((1, 1, 0), (0, 0, 0)))[1:-1]),
    ("where_const", lambda x: jnp.where(jnp.arange(x.shape[1]) % 2 == 0, x, 2 * x)),
    ("prod_rows", lambda x: x * jnp.prod(jnp.tanh(x) + 2.0, axis=1, keepdims=True) / 9.0),
]

BINARY = [
    ("add", jnp.add),
    ("sub", jnp.subtract),
    ("mul", jnp.multiply),
    ("mul_tanh", lambda a, b: a * jnp.tanh(b)),
    ("div_safe", lambda a, b: a / (1.0 + b * b)),
    ("hypot", lambda a, b: jnp.sqrt(a * a + b * b + 1.0)),
    ("outer_mix", lambda a, b: jnp.tanh(a @ b.T) @ b / (1.0 + b.shape[0])),
    ("einsum_mix", lambda a, b: jnp.einsum("ij,ij->i", a, b)[:, None] * a / 4),
    ("stack_mean", lambda a, b: jnp.mean(jnp.stack([a, b]), axis=0)),
    ("where_pick", lambda a, b: jnp.where(jnp.arange(a.shape[0])[:, None] % 2 == 0, a, b)),
]


@st.composite
def programs(draw, n_inputs=2):
    n_steps = draw(st.integers(1, 5))
    steps = []
    for k in range(n_steps):
        n_values = n_inputs + k
        if draw(st.booleans()):
            op = draw(st.integers(0, len(UNARY) - 1))
            steps.append(("u", op, (draw(st.integers(0, n_values - 1)),)))
        else:
            op = draw(st.integers(0, len(BINARY) - 1))
            steps.append(("b", op, (draw(st.integers(0, n_values - 1)),
                                    draw(st.integers(0, n_values - 1)))))
    return steps


def build(steps):
    def program(x, y):
        values = [x, y]
        for kind, op, operands in steps:
            fn = (UNARY if kind == "u" else BINARY)[op][1]
            values.append(fn(*[values[i] for i in operands]))
        return values[-1]
    program.__name__ = "program_" + "_".join(
        (UNARY if kind == "u" else BINARY)[op][0] for kind, op, _ in steps)
    return program


def describe(steps):
    return [((UNARY if kind == "u" else BINARY)[op][0], operands) for kind, op, operands in steps]


shapes = st.tuples(st.integers(2, 3), st.integers(1, 3))


def arrays(shape, dtype=np.float64):
    return hnp.arrays(dtype, shape, elements=st.floats(-2.0, 2.0, allow_nan=False, width=64
                                                       if dtype == np.float64 else 32))


@st.composite
def program_and_inputs(draw, dtype=np.float64, batch=None):
    steps = draw(programs())
    shape = draw(shapes)
    full = shape if batch is None else (batch,) + shape
    x = draw(arrays(full, dtype))
    y = draw(arrays(full, dtype))
    return steps, x, y


# ---- grad vs finite differences -------------------------------------------------------------------

@pytest.mark.usefixtures("x64")
@SETTINGS
@given(program_and_inputs(), st.integers(0, 2 ** 16))
def test_grad_matches_central_finite_differences(case, seed):
    steps, x, y = case
    program = build(steps)
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(x.shape)

    def loss(x, y):
        return jnp.sum(program(x, y) * w)

    gx, gy = grad(loss, argnums=(0, 1))(jnp.asarray(x), jnp.asarray(y))
    assert gx.dtype == np.float64 and gx.shape == x.shape
    vx, vy = rng.standard_normal(x.shape), rng.standard_normal(y.shape)
    eps = 1e-6
    plus = float(loss(jnp.asarray(x + eps * vx), jnp.asarray(y + eps * vy)))
    minus = float(loss(jnp.asarray(x - eps * vx), jnp.asarray(y - eps * vy)))
    numerical = (plus - minus) / (2 * eps)
    analytic = float(np.sum(np.asarray(gx) * vx) + np.sum(np.asarray(gy) * vy))
    scale = 1.0 + abs(plus) + abs(minus)
    assert abs(analytic - numerical) <= 1e-6 * scale, (describe(steps), analytic, numerical)
    # forward mode agrees with reverse mode on the same direction
    _, t = jvp(loss, (jnp.asarray(x), jnp.asarray(y)), (jnp.asarray(vx), jnp.asarray(vy)))
    assert abs(float(t) - analytic) <= 1e-9 * scale, describe(steps)


# ---- jacfwd == jacrev ---------------------------------------------------------------------------------

@pytest.mark.usefixtures("x64")
@SETTINGS
@given(program_and_inputs())
def test_jacfwd_equals_jacrev(case):
    steps, x, y = case
    program = build(steps)
    args = (jnp.asarray(x), jnp.asarray(y))
    Jf = jacfwd(program, argnums=(0, 1))(*args)
    Jr = jacrev(program, argnums=(0, 1))(*args)
    out_shape = program(*args).shape
    for a, b in zip(Jf, Jr):
        assert a.shape == b.shape == out_shape + x.shape
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10, atol=1e-12,
                                   err_msg=str(describe(steps)))


@pytest.mark.usefixtures("x64")
@SETTINGS
@given(program_and_inputs(), st.integers(0, 2 ** 16))
def test_vjp_is_transpose_of_jvp(case, seed):
    steps, x, y = case
    program = build(steps)
    rng = np.random.default_rng(seed)
    args = (jnp.asarray(x), jnp.asarray(y))
    tangents = (jnp.asarray(rng.standard_normal(x.shape)), jnp.asarray(rng.standard_normal(y.shape)))
    out, t_out = jvp(program, args, tangents)
    _, f_vjp = vjp(program, *args)
    ct = rng.standard_normal(out.shape)
    cx, cy = f_vjp(jnp.asarray(ct))
    lhs = float(np.sum(ct * np.asarray(t_out)))
    rhs = float(np.sum(np.asarray(cx) * np.asarray(tangents[0]))
                + np.sum(np.asarray(cy) * np.asarray(tangents[1])))
    assert abs(lhs - rhs) <= 1e-9 * (1 + abs(lhs)), describe(steps)


# ---- vmap == Python loop -----------------------------------------------------------------------------

@SETTINGS
@given(program_and_inputs(dtype=np.float32, batch=3), st.sampled_from([(0, 0), (0, None), (None, 0)]))
def test_vmap_equals_python_loop(case, in_axes):
    steps, xs, ys = case
    program = build(steps)
    ax, ay = in_axes
    x_arg = xs if ax is not None else xs[0]
    y_arg = ys if ay is not None else ys[0]
    out = vmap(program, in_axes=in_axes)(jnp.asarray(x_arg), jnp.asarray(y_arg))
    expected = np.stack([np.asarray(program(jnp.asarray(xs[i] if ax is not None else x_arg),
                                            jnp.asarray(ys[i] if ay is not None else y_arg)))
                         for i in range(3)])
    assert out.shape == expected.shape and out.dtype == expected.dtype
    np.testing.assert_allclose(np.asarray(out), expected, rtol=2e-5, atol=2e-5,
                               err_msg=str(describe(steps)))


@SETTINGS
@given(program_and_inputs(dtype=np.float32, batch=2), st.integers(0, 2))
def test_vmap_over_any_axis_equals_python_loop(case, axis):
    steps, xs, ys = case
    program = build(steps)
    # move the batch axis of x to `axis`; y stays batched on axis 0
    x_moved = np.moveaxis(xs, 0, axis)
    out = vmap(program, in_axes=(axis, 0), out_axes=-1)(jnp.asarray(x_moved), jnp.asarray(ys))
    expected = np.stack([np.asarray(program(jnp.asarray(xs[i]), jnp.asarray(ys[i])))
                         for i in range(2)], axis=-1)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=2e-5, atol=2e-5,
                               err_msg=str(describe(steps)))


# ---- jit == eager ------------------------------------------------------------------------------------------

@SETTINGS
@given(program_and_inputs(dtype=np.float32))
def test_jit_equals_eager(case):
    steps, x, y = case
    program = build(steps)
    args = (jnp.asarray(x), jnp.asarray(y))
    expected = program(*args)
    out = jit(program)(*args)
    assert out.shape == expected.shape
    assert out.dtype == expected.dtype and out.weak_type == expected.weak_type
    np.testing.assert_allclose(np.asarray(out), np.asarray(expected), rtol=1e-5, atol=1e-6,
                               err_msg=str(describe(steps)))
    # the gradient agrees as well, jitted or not
    loss = lambda x, y: jnp.sum(program(x, y))
    np.testing.assert_allclose(np.asarray(jit(grad(loss))(*args)), np.asarray(grad(loss)(*args)),
                               rtol=1e-5, atol=1e-5, err_msg=str(describe(steps)))


# ---- elementwise broadcasting and promotion over random shapes and dtypes ---------------------------------------

broadcastable = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
DTYPES = [np.float32, np.int32, np.float16, np.int8, np.uint8, np.bool_]


@SETTINGS
@given(broadcastable, st.sampled_from(DTYPES), st.sampled_from(DTYPES),
       st.sampled_from(["add", "multiply", "maximum", "subtract"]), st.data())
def test_binary_ops_match_numpy_values_with_jax_dtypes(shapes_, da, db, name, data):
    (sa, sb), result_shape = shapes_.input_shapes, shapes_.result_shape
    if name == "subtract" and np.bool_ in (da, db):
        return  # NumPy refuses boolean subtraction (and so does JAX)
    a = data.draw(hnp.arrays(da, sa, elements=st.integers(0, 5).map(da) if da != np.bool_
                             else st.booleans()))
    b = data.draw(hnp.arrays(db, sb, elements=st.integers(0, 5).map(db) if db != np.bool_
                             else st.booleans()))
    out = getattr(jnp, name)(jnp.asarray(a), jnp.asarray(b))
    expected_dtype = jnp.promote_types(da, db)
    assert out.shape == result_shape
    assert out.dtype == expected_dtype
    expected = getattr(np, name)(a.astype(expected_dtype), b.astype(expected_dtype))
    np.testing.assert_array_equal(np.asarray(out), expected)
    jitted = jit(getattr(jnp, name))(jnp.asarray(a), jnp.asarray(b))
    assert jitted.dtype == expected_dtype
    np.testing.assert_array_equal(np.asarray(jitted), expected)
