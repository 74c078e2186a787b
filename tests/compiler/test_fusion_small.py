"""The fused tier on small arrays (fusion.py's cost model): clusters that save NumPy
calls, row operands (a statistic per row), and sums added inside the loop in NumPy's
own order — all with the NumPy tier's bits.

Tests that compile kernels skip when Numba is not installed; the rest run everywhere."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite._src.compiler import fusion, kernels

from test_fusion import (jax_compiled, numpy_tier_and_fused, optimized, same_bits,
                         special_values)

needs_numba = pytest.mark.skipif(not kernels.numba_importable(), reason="Numba not installed")


@pytest.fixture(autouse=True)
def hot_at_once(small_array_fusion):
    """The default sizes (min_size 65536: these arrays are small), compiled at once."""
    jax.config.update("jaxlite_fusion_min_size", 65536)
    jax.config.update("jaxlite_fusion_min_saved_calls", 8)


def layer_norm(h, gain, bias):
    mean = jnp.mean(h, axis=-1, keepdims=True)
    var = jnp.mean((h - mean) ** 2, axis=-1, keepdims=True)
    return gain * (h - mean) / jnp.sqrt(var + 1e-5) + bias


def block_loss(params, x):
    """Layer norm, softmax attention on one head, a bias: their gradients are sums over
    rows and columns of small arrays, between elementwise equations."""
    h = layer_norm(x, params["g"], params["b"])
    scores = (h @ params["w"]) @ h.T * 0.125
    attention = jax.nn.softmax(scores, axis=-1)
    return jnp.mean((attention @ h + params["c"]) ** 2)


def block_args(rng, rows=24, width=40):
    params = {name: rng.standard_normal(shape).astype(np.float32)
              for name, shape in (("g", width), ("b", width), ("c", width),
                                  ("w", (width, width)))}
    return params, rng.standard_normal((rows, width)).astype(np.float32)


def sums_in(tier):
    return [e.params["axes"] for c in tier.clusters for e in c.jaxpr.eqns
            if e.primitive.name == "reduce_sum"]


# ---- what is fused ---------------------------------------------------------------------

def test_small_clusters_only_where_they_save_enough_calls():
    params, x = block_args(np.random.default_rng(0))
    jaxpr = optimized(jax.value_and_grad(block_loss), params, x)
    assert fusion.plan_fusion(jaxpr, 65536, 3) is None  # small arrays: never, without a budget
    plan = fusion.plan_fusion(jaxpr, 65536, 3, 8)
    assert plan is not None and len(plan.clusters) >= 3
    saved = sum(sum(fusion._weight(e) for e in c) - 1 for c in plan.clusters)
    assert fusion.plan_fusion(jaxpr, 65536, 3, saved + 1) is None  # budget not met: none

    def tiny(x):
        return jnp.sum(x * 2.0 + 1.0)
    assert not fusion.may_fuse(optimized(tiny, x), 65536, 3, 8)  # too few to pay a kernel


def test_sums_over_rows_and_columns_join_the_loop_users_wait():
    params, x = block_args(np.random.default_rng(1))
    plan = fusion.plan_fusion(optimized(jax.grad(block_loss), params, x), 65536, 3, 8)
    joined = [e for c in plan.clusters for e in c if e.primitive.name == "reduce_sum"]
    assert {e.params["axes"] for e in joined} >= {(0,), (1,)}
    for cluster in plan.clusters:  # nothing reads a sum in the loop that adds it up
        made = {v for e in cluster if e.primitive.name == "reduce_sum" for v in e.outputs}
        assert not any(v in made for e in cluster for v in e.inputs)


def test_small_clusters_take_no_approximate_transcendentals():
    def f(x):
        return jnp.tanh(x * 0.5 + 1.0) * x + x * x - 1.0
    x = np.ones((8, 16), np.float32)
    plan = fusion.plan_fusion(optimized(f, x), 65536, 3, 1)
    assert plan is not None
    assert all(e.primitive.name != "tanh" for c in plan.clusters for e in c)


# ---- the kernels: the NumPy tier's bits -----------------------------------------------------

@needs_numba
@pytest.mark.parametrize("seed", range(3))
def test_block_gradients_have_numpy_bits(seed):
    params, x = block_args(np.random.default_rng(seed))
    reference, fused, tier = numpy_tier_and_fused(jax.value_and_grad(block_loss), params, x)
    assert tier.state == "fused", tier.error
    assert (0,) in sums_in(tier) and (1,) in sums_in(tier)
    assert any("for r in range" in c.source for c in tier.clusters)
    for r, o in zip(jax.tree_util.tree_leaves(reference), jax.tree_util.tree_leaves(fused)):
        assert same_bits(r, o)


@needs_numba
@pytest.mark.parametrize("width", [3, 7, 8, 13, 64, 100, 128, 200, 300])
def test_row_sums_add_pairwise_as_numpy_does(width):
    rng = np.random.default_rng(width)
    # exponents far apart: every change of order shows in the bits
    x = (rng.standard_normal((6, width)) * 10.0 ** rng.uniform(-4, 4, (6, width))).astype(np.float32)
    x[0, : min(width, 5)] = -0.0  # NumPy's sums of -0.0 are +0.0
    y = rng.standard_normal((6, width)).astype(np.float32)

    def f(x, y):
        t = x * y + x
        return jnp.sum(t * t - y, axis=-1), jnp.sum(t, axis=0), t * 3.0
    jax.config.update("jaxlite_fusion_min_saved_calls", 1)
    reference, fused, tier = numpy_tier_and_fused(f, x, y)
    assert tier.state == "fused", tier.error
    assert (1,) in sums_in(tier) and (0,) in sums_in(tier)
    for r, o in zip(reference, fused):
        assert same_bits(r, o)


@needs_numba
def test_wide_column_sums_stay_numpy():
    # 200 rows: a float32 column sum accumulates in float64 (prims/reduce.py), not in a loop
    x = np.random.default_rng(3).standard_normal((200, 8)).astype(np.float32)

    def f(x):
        t = x * 2.0 + x * x
        return jnp.sum(t - 1.0, axis=0), t
    jax.config.update("jaxlite_fusion_min_saved_calls", 1)
    reference, fused, tier = numpy_tier_and_fused(f, x)
    assert tier.state == "fused", tier.error
    assert sums_in(tier) == []
    for r, o in zip(reference, fused):
        assert same_bits(r, o)


@needs_numba
def test_row_operands_and_special_values():
    rng = np.random.default_rng(4)
    x = special_values(rng, 12 * 20, np.float32).reshape(12, 20)
    gain, bias = (rng.standard_normal(20).astype(np.float32) for _ in range(2))
    jax.config.update("jaxlite_fusion_min_saved_calls", 1)
    reference, fused, tier = numpy_tier_and_fused(layer_norm, x, gain, bias)
    assert tier.state == "fused", tier.error
    assert any(any(c.row_inputs) for c in tier.clusters)
    assert same_bits(reference, fused)


@needs_numba
def test_transposed_operands_take_the_general_path():
    # x.T is a view in the NumPy tier: the kernel's dispatch refuses it (not C-ordered),
    # and the cluster, which adds a sum, runs NumPy's ufuncs instead: the same bits
    x = np.random.default_rng(5).standard_normal((16, 24)).astype(np.float32)

    def f(x):
        t = x.T * 2.0 + x.T * x.T
        return jnp.sum(t - 1.0, axis=-1), t
    jax.config.update("jaxlite_fusion_min_saved_calls", 1)
    reference, fused, tier = numpy_tier_and_fused(f, x)
    assert tier.state == "fused", tier.error
    assert sums_in(tier)
    for r, o in zip(reference, fused):
        assert same_bits(r, o)
    # Numba's refusal costs ~1 ms: after one, the cluster goes to the general path at once
    calls = [v for k, v in tier.fn.__globals__.items() if k.startswith("fused_elementwise")]
    assert calls and all(call.__globals__["_general"] for call in calls)


def test_a_small_operand_of_a_large_loop_runs_before_it():
    # jacfwd of tanh(W x): the (2000,) factor 1 - tanh**2 feeds the (100, 2000) loop;
    # grouped on its own it would split that loop in two
    W = np.ones((2000, 100), np.float32)
    jaxpr = optimized(jax.jacfwd(lambda x: jnp.tanh(W @ x)), np.ones(100, np.float32))
    plan = fusion.plan_fusion(jaxpr, 65536, 3, 8)
    assert [[e.primitive.name for e in c] for c in plan.clusters] == [["mul", "add", "mul"]]


@needs_numba
def test_jit_equals_eager_on_the_block():
    params, x = block_args(np.random.default_rng(6))
    f = jax.value_and_grad(block_loss)
    eager = f(params, x)
    g = jax.jit(f)
    g(params, x)
    jitted = g(params, x)
    assert jax_compiled(g, params, x).tier.state == "fused"
    for e, j in zip(jax.tree_util.tree_leaves(eager), jax.tree_util.tree_leaves(jitted)):
        assert same_bits(e, j)


@needs_numba
def test_integer_powers_fuse_with_the_implementations_products():
    x = np.random.default_rng(7).uniform(0.5, 1.5, (16, 24)).astype(np.float32)

    def f(x):
        return x ** -2 + x ** 3 - x ** -3 * x ** 5 + x ** 7
    jax.config.update("jaxlite_fusion_min_saved_calls", 1)
    reference, fused, tier = numpy_tier_and_fused(f, x)
    assert tier.state == "fused", tier.error
    assert any(e.primitive.name == "integer_pow" for c in tier.clusters for e in c.jaxpr.eqns)
    assert same_bits(reference, fused)


@needs_numba
def test_values_per_row_are_computed_once_per_row():
    x = np.random.default_rng(8).standard_normal((16, 24)).astype(np.float32)

    def f(x):
        s = jnp.sum(x * x, axis=-1, keepdims=True)
        scale = 1.0 / jnp.sqrt(s * 0.5 + 1e-3)  # per row
        return x * scale - scale, scale
    jax.config.update("jaxlite_fusion_min_saved_calls", 1)
    reference, fused, tier = numpy_tier_and_fused(f, x)
    assert tier.state == "fused", tier.error
    assert any(c.row_eqns for c in tier.clusters)
    for r, o in zip(reference, fused):
        assert same_bits(r, o)


def random_matrix_program(rng):
    """A random program on three matrices: elementwise arithmetic, sums over rows (kept
    as a column and read back) and over columns, statistics per row and their
    arithmetic, a transcendental in between; several results."""
    unary = [lambda a: -a, jnp.abs, jnp.square, lambda a: a * 0.1, lambda a: 2.0 - a,
             jnp.sqrt, lambda a: a ** -2, jnp.tanh]
    binary = [jnp.add, jnp.subtract, jnp.multiply, jnp.divide, jnp.maximum,
              lambda a, b: jnp.where(a > b, a, b * 2.0)]
    reducing = [lambda a: jnp.sum(a, axis=-1, keepdims=True),
                lambda a: jnp.mean(a, axis=-1, keepdims=True) * 0.5 + 1.0,
                lambda a: jnp.sum(a, axis=0)]
    steps = [(int(rng.integers(0, 3)), int(rng.integers(0, 100)), int(rng.integers(0, 100)))
             for _ in range(int(rng.integers(8, 16)))]
    outs = sorted(set(int(i) for i in rng.integers(0, 100, 2)))

    def f(x, y, z):
        pool = [x, y, z]
        for kind, i, j in steps:
            a = pool[j % len(pool)]
            if kind == 0:
                pool.append(unary[i % len(unary)](a))
            elif kind == 1:
                pool.append(binary[i % len(binary)](pool[-1], a))
            else:
                pool.append(reducing[i % len(reducing)](a) + 0.0 * pool[-1])
        return pool[-1], *[pool[3 + o % (len(pool) - 3)] for o in outs]
    return f


@needs_numba
@pytest.mark.parametrize("seed", range(12))  # 80 x 2 dtypes passed once
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_random_matrix_programs_have_numpy_bits(seed, dtype, request):
    if dtype == "float64":
        request.getfixturevalue("x64")
    rng = np.random.default_rng(seed)
    shape = [(12, 20), (8, 64), (3, 130), (2, 6, 32)][seed % 4]
    args = [special_values(rng, int(np.prod(shape)), np.dtype(dtype).type).reshape(shape)
            for _ in range(3)]
    f = random_matrix_program(rng)
    jax.config.update("jaxlite_fusion_min_saved_calls", 1)
    reference, fused, tier = numpy_tier_and_fused(f, *args)
    if tier is None or tier.state == "unfused":  # this program drew no cluster
        return
    assert tier.state == "fused", tier.error
    for r, o in zip(reference, fused):
        assert same_bits(r, o)


@needs_numba
def test_the_self_check_sees_a_sum_added_in_another_order(monkeypatch):
    # the special probe values make every sum inf or NaN; the finite probe of a cluster
    # with sums shows the order, which must be NumPy's (bits, not a tolerance)
    jaxpr = optimized(lambda x: jnp.sum(x * x + 1.0, axis=-1), np.ones((8, 64), np.float32))
    _, (cluster,) = fusion.fuse(jaxpr, fusion.plan_fusion(jaxpr, 65536, 2, 1))
    kernels.compile_cluster(cluster)  # pairwise: passes

    def one_after_another(buffer, start, count, name, lines):
        terms = [f"{buffer}[{k}]" for k in range(start, start + count)]
        return "(" + " + ".join(terms) + ")"
    monkeypatch.setattr(fusion, "_pairwise_sum", one_after_another)
    _, (wrong,) = fusion.fuse(jaxpr, fusion.plan_fusion(jaxpr, 65536, 2, 1))
    with pytest.raises(AssertionError, match="disagrees"):
        kernels.compile_cluster(wrong)
