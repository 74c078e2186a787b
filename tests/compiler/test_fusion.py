"""The fused tier: cluster finding (fusion.py), Numba kernels that return the NumPy
tier's bits (kernels.py), and tiered compilation (tiers.py): the swap after the hot
threshold, across threads, and the fall back to NumPy when anything fails.

Tests that compile kernels skip when Numba is not installed; the rest run everywhere."""
import logging
import subprocess
import sys
import threading

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite._src.compiler import fusion, kernels, tiers
from jaxlite._src.config import flags
from jaxlite._src.compiler.passes import optimize

needs_numba = pytest.mark.skipif(not kernels.numba_importable(), reason="Numba not installed")

# Every test here runs with small arrays fused at once (tests/compiler/conftest.py).
pytestmark = pytest.mark.usefixtures("small_array_fusion")


def optimized(f, *args):
    return optimize(jax.make_jaxpr(f)(*args).jaxpr)


def plan(f, *args, min_size=2, min_ops=3):
    return fusion.plan_fusion(optimized(f, *args), min_size, min_ops)


def cluster_names(p):
    return [[e.primitive.name for e in c] for c in p.clusters]


def schedule(p):
    return [[e.primitive.name for e in item] if isinstance(item, list) else item.primitive.name
            for item in p.items]


def jax_compiled(f, *args):
    from jaxlite._src.compiler.codegen import compile_jaxpr
    return compile_jaxpr(f.lower(*args)._entry.jaxpr)


def same_bits(a, b):
    """Equal dtype, shape and bits; NaNs (whose payloads may differ) in the same places."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind != "f":
        return np.array_equal(a, b)
    nan = np.isnan(a)
    bits = f"u{a.itemsize}"
    return np.array_equal(nan, np.isnan(b)) and np.array_equal(a[~nan].view(bits),
                                                               b[~nan].view(bits))


X = np.linspace(-2, 2, 64, dtype=np.float32)


# --- finding clusters ------------------------------------------------------------------

def test_transcendentals_stay_out_and_run_first():
    jax.config.update("jaxlite_fusion_fast_math", False)  # float32 sin/cos would join
    def f(x, y):
        return jnp.sin(x) * y + x ** 2 - 2.0 * y + jnp.cos(y)
    p = plan(f, X, X)
    # (simplify writes x ** 2 as x * x)
    assert schedule(p) == ["sin", "cos", ["mul", "mul", "add", "mul", "sub", "add"]]


def test_cluster_between_transcendentals_and_sinking():
    jax.config.update("jaxlite_fusion_fast_math", False)  # NumPy's tanh
    # b = 0.5 * x is ready at once but only tanh's users read it: it sinks into the
    # cluster after tanh instead of being written out by the first one.
    def f(x):
        a = x * 3.0 + 1.0 - x
        b = 0.5 * x
        t = jnp.tanh(a)
        return t * b + b * b
    p = plan(f, X)
    assert schedule(p) == [["mul", "add", "sub"], "tanh", ["mul", "mul", "mul", "add"]]


def test_small_clusters_and_small_arrays_are_left_alone():
    jax.config.update("jaxlite_fusion_fast_math", False)  # NumPy's sin
    assert plan(lambda x: jnp.sin(x * 2.0) + 1.0, X) is None        # runs of one and two
    assert plan(lambda x: x * 2.0 + 1.0 - x, X, min_size=65) is None  # 64 elements
    assert plan(lambda x: x * 2.0 + 1.0 - x, X, min_ops=4) is None


@pytest.mark.parametrize("f, args", [
    (lambda x, y: x * y + x - y, (X.reshape(64, 1), X.reshape(1, 64))),  # broadcasting
    (lambda x, y: x * y + x - y, (np.arange(64, dtype=np.int32),) * 2),  # integers
    (lambda x: x ** 3 * 2.0 + 1.0 - x, (X,)),  # x**3 is np.power in the NumPy tier
])
def test_not_fusible(f, args):
    p = plan(f, *args)
    assert p is None or all("integer_pow" not in names for names in cluster_names(p))


def test_scalar_operands_and_select_join_clusters():
    def f(x, s):
        return jnp.where(x > s, x * s, jnp.maximum(x, -s)) + 1.0
    p = plan(f, X, np.float32(0.5))
    assert len(p.clusters) == 1
    fused, (cluster,) = fusion.fuse(optimized(f, X, np.float32(0.5)), p)
    assert [e.primitive.name for e in fused.eqns] == ["neg", "fused_elementwise"]  # -s: 0-d
    assert cluster.array_inputs == [True, False, False]  # x, then s and -s as scalars
    assert "select_n" in [e.primitive.name for e in cluster.jaxpr.eqns]


def test_effects_keep_their_order():
    seen = []

    def f(x):
        jax.debug.callback(lambda v: seen.append(1), x)
        y = x * 2.0 + 1.0 - x
        jax.debug.callback(lambda v: seen.append(2), y)
        return y
    p = plan(f, X)
    names = schedule(p)
    callbacks = [i for i, n in enumerate(names) if n == "debug_callback"]
    assert len(callbacks) == 2 and names.index(["mul", "add", "sub"]) < callbacks[1]


def test_kernel_source_types_constants_and_is_shared():
    def f(x):
        return x * 0.1 + 3.0 - jnp.minimum(x, 1.0)
    jaxpr = optimized(f, X)
    _, (cluster,) = fusion.fuse(jaxpr, fusion.plan_fusion(jaxpr, 2, 3))
    assert "np.float32(0.1" in cluster.source and "0.1 " not in cluster.source
    other = optimized(f, X + 1)
    _, (again,) = fusion.fuse(other, fusion.plan_fusion(other, 2, 3))
    assert again.source == cluster.source and again.signature == cluster.signature


# --- the kernels: the NumPy tier's bits ---------------------------------------------------

def special_values(rng, n, dtype):
    x = rng.standard_normal(n).astype(dtype) * dtype(3)
    x[rng.integers(0, n, 6)] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0]
    return x


def random_program(rng):
    """A random elementwise program on three vectors: fusible arithmetic with
    transcendentals in between, several results."""
    unary = [lambda a: -a, jnp.abs, jnp.square, lambda a: a * 0.1, lambda a: a + 3.0,
             lambda a: 2.0 - a, jnp.sqrt, lambda a: a ** 3, jnp.sin, jnp.tanh,
             lambda a: jnp.exp(-jnp.abs(a))]
    binary = [jnp.add, jnp.subtract, jnp.multiply, jnp.divide, jnp.maximum, jnp.minimum,
              lambda a, b: jnp.where(a > b, a, b * 2.0),
              lambda a, b: jnp.where((a <= b) | (a == 0.5), a - b, b),
              lambda a, b: jnp.where(a != b, a * b, 1.0)]
    steps = [(int(rng.integers(0, 2)), int(rng.integers(0, 100)), int(rng.integers(0, 100)))
             for _ in range(int(rng.integers(6, 14)))]
    outs = sorted(set(int(i) for i in rng.integers(0, 100, 2)))

    def f(x, y, z):
        pool = [x, y, z]
        for kind, i, j in steps:
            if kind == 0:
                pool.append(unary[i % len(unary)](pool[j % len(pool)]))
            else:
                pool.append(binary[i % len(binary)](pool[-1], pool[j % len(pool)]))
        return pool[-1], *[pool[3 + o % (len(pool) - 3)] for o in outs]
    return f


def numpy_tier_and_fused(f, *args):
    jax.config.update("jaxlite_fusion", "off")
    reference = jax.jit(f)(*args)
    jax.config.update("jaxlite_fusion", "auto")
    g = jax.jit(f)
    fused = g(*args)
    return reference, fused, jax_compiled(g, *args).tier


@needs_numba
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_equals_numpy_tier_bit_for_bit(seed, dtype, request):
    jax.config.update("jaxlite_fusion_fast_math", False)  # bits: NumPy's transcendentals
    # (tests/compiler/test_fast_math.py checks the fast ones' bounds)
    if dtype == "float64":
        request.getfixturevalue("x64")
    rng = np.random.default_rng(seed)
    args = [special_values(rng, 300, np.dtype(dtype).type) for _ in range(3)]
    f = random_program(rng)
    reference, fused, tier = numpy_tier_and_fused(f, *args)
    if tier is None or tier.state == "unfused":  # this program drew no cluster of three
        return
    assert tier.state == "fused", tier.error
    for r, o in zip(reference, fused):
        assert same_bits(r, o)


@needs_numba
def test_fused_2d_views_scalars_and_conversions(x64):
    x = special_values(np.random.default_rng(0), 120, np.float32).reshape(10, 12)

    def f(x, s):
        t = x.T  # a non-contiguous operand
        y = (t * s + 1.0) * t - jnp.maximum(t, 0.0)
        wide = y.astype(jnp.float64) * 1e-3 + 0.5 * y.astype(jnp.float64)
        return y, wide, (y > s).astype(jnp.float32) * 2.0 + 1.0
    reference, fused, tier = numpy_tier_and_fused(f, x, np.float32(0.25))
    assert tier.state == "fused", tier.error
    assert [r.shape for r in fused] == [(12, 10)] * 3
    for r, o in zip(reference, fused):
        assert same_bits(r, o)


@needs_numba
def test_fused_results_keep_the_operands_memory_order():
    """A reduction after the cluster adds in memory order: a transposed operand must give
    a transposed (F-ordered) result, as NumPy's ufuncs do, or the sums differ."""
    a = np.random.default_rng(1).standard_normal((300, 400)).astype(np.float32)

    def f(a):
        t = a.T * 1.5
        u = (t * t + t) * t - 2.0
        return jnp.sum(u * u, axis=0), jnp.sum(u + 1.0, axis=1), u
    reference, fused, tier = numpy_tier_and_fused(f, a)
    assert tier.state == "fused", tier.error
    assert np.asarray(fused[2]).flags.f_contiguous and np.asarray(reference[2]).flags.f_contiguous
    for r, o in zip(reference, fused):
        assert same_bits(r, o)
    eager = f(jnp.asarray(a))
    for e, o in zip(eager, fused):
        assert same_bits(np.asarray(e), o)


@needs_numba
def test_max_min_nan_and_signed_zero_as_numpy():
    zeros = np.array([0.0, -0.0, np.nan, 1.0, -np.inf], np.float32)
    x, y = np.repeat(zeros, 5), np.tile(zeros, 5)

    def f(x, y):
        return jnp.maximum(x, y) * 1.0, jnp.minimum(x, y) * 1.0, (x == y) & (x >= y)
    reference, fused, tier = numpy_tier_and_fused(f, x, y)
    assert tier.state == "fused"
    for r, o in zip(reference, fused):
        assert same_bits(r, o)


@needs_numba
def test_identical_clusters_compile_once():
    def f(x):
        return x * 2.0 + 1.0 - x
    for scale in (1.0, 2.0):
        g = jax.jit(lambda x: f(x) * scale)  # another function, the same cluster but one op
        g(X)
    f1, f2 = jax.jit(f), jax.jit(lambda x: f(x))
    f1(X), f2(X)
    k1 = jax_compiled(f1, X).tier.clusters[0].kernel
    k2 = jax_compiled(f2, X).tier.clusters[0].kernel
    assert k1 is k2


# --- tiers -----------------------------------------------------------------------------

def hvp_like(x, v):
    return jnp.sin(x) * v * x * x + jnp.cos(x) * 2.0 * v - 0.5 * x * v


@needs_numba
def test_swap_after_the_threshold_in_the_background(monkeypatch):
    # no kernel compiled in this process yet (else the first call runs fused: below)
    monkeypatch.setattr(kernels, "_kernels", {})
    jax.config.update("jaxlite_fusion_fast_math", False)  # the same bits across the swap
    jax.config.update("jaxlite_fusion_background", True)
    jax.config.update("jaxlite_fusion_hot_calls", 3)
    x, v = X, X[::-1].copy()
    f = jax.jit(hvp_like)
    expected = np.asarray(f(x, v))
    tier = jax_compiled(f, x, v).tier
    assert tier.state == "cold" and tier.fn is tier.numpy_fn
    assert same_bits(f(x, v), expected)
    assert tier.state == "cold"
    assert same_bits(f(x, v), expected)  # the third call: compiled in the background
    assert tiers.wait_for_tiers(timeout=60)
    assert tier.state == "fused" and tier.fn is tier.fused.fn
    assert tier.numpy_fn is None  # its workspace is not kept alive
    for _ in range(3):
        assert same_bits(f(x, v), expected)
    source = f.lower(x, v).compile().as_python()
    assert "# Fused tier (Numba), in use after 3 calls" in source
    assert "fused_elementwise" in source and "def kernel(" in source


@needs_numba
def test_first_call_runs_fused_when_its_kernels_are_compiled_already(monkeypatch):
    jax.config.update("jaxlite_fusion_fast_math", False)  # the same bits as NumPy
    jax.config.update("jaxlite_fusion_background", True)
    jax.config.update("jaxlite_fusion_hot_calls", 3)
    x, v = X, X[::-1].copy()
    expected = np.asarray(hvp_like(x, v))  # eager: the NumPy tier's bits

    def again(x, v):  # a new function with the same equations: the same kernel sources
        return jnp.sin(x) * v * x * x + jnp.cos(x) * 2.0 * v - 0.5 * x * v

    monkeypatch.setattr(kernels, "_kernels", {})
    hot = jax.jit(hvp_like)
    for _ in range(3):
        hot(x, v)
    assert tiers.wait_for_tiers(timeout=60)
    assert jax_compiled(hot, x, v).tier.state == "fused"
    compiled = dict(kernels._kernels)
    f = jax.jit(again)
    assert same_bits(f(x, v), expected)  # the first call
    tier = jax_compiled(f, x, v).tier
    assert tier.state == "fused" and tier.from_cache and tier.fn is tier.fused.fn
    assert tier.fused.source.count("fused_elementwise") == 1
    assert kernels._kernels == compiled  # nothing new compiled
    assert "in use from the first call" in f.lower(x, v).compile().as_python()

    # other code: no kernel compiled for it, and not even planned (a cold first call
    # pays nothing); nothing waits for Numba, the tier stays cold
    def other(x, v):
        return jnp.cos(x) * v * x - jnp.sin(x) * 3.0 * v + x * v
    g = jax.jit(other)
    np.testing.assert_allclose(g(x, v), jnp.cos(x) * v * x - jnp.sin(x) * 3.0 * v + x * v,
                               rtol=1e-6)
    tier = jax_compiled(g, x, v).tier
    assert tier.state == "cold" and not tier.from_cache and tier.fn is tier.numpy_fn
    assert tier._fusion is None
    assert kernels._kernels == compiled


@pytest.mark.needs_threads
@needs_numba
def test_threads_across_the_swap():
    jax.config.update("jaxlite_fusion_fast_math", False)  # the same bits across the swap
    jax.config.update("jaxlite_fusion_background", True)
    jax.config.update("jaxlite_fusion_hot_calls", 5)
    x = special_values(np.random.default_rng(1), 4096, np.float32)
    v = special_values(np.random.default_rng(2), 4096, np.float32)
    f = jax.jit(hvp_like)
    expected = np.asarray(f(x, v))
    wrong, errors = [], []

    def worker():
        try:
            for _ in range(40):
                if not same_bits(f(x, v), expected):
                    wrong.append(1)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert tiers.wait_for_tiers(timeout=60)
    assert not errors and not wrong
    assert jax_compiled(f, x, v).tier.state == "fused"
    assert same_bits(f(x, v), expected)


def test_errors_fall_back_to_numpy_and_are_logged(monkeypatch, caplog):
    def broken(cluster, cached_only=False):
        raise RuntimeError("no compiler today")
    monkeypatch.setattr(kernels, "compile_cluster", broken)
    monkeypatch.setattr(kernels, "_importable", True)
    jax.config.update("jax_log_compiles", True)
    x, v = X, X + 1
    f = jax.jit(hvp_like)
    with caplog.at_level(logging.WARNING, logger="jaxlite"):
        out = f(x, v)
    tier = jax_compiled(f, x, v).tier
    assert tier.state == "failed" and tier.fn is tier.numpy_fn
    assert "no compiler today" in caplog.text
    np.testing.assert_allclose(out, hvp_like(x, v), rtol=1e-6)
    assert "Fused tier (Numba): failed" in f.lower(x, v).compile().as_python()


def test_no_tier_without_numba_or_when_off(monkeypatch):
    monkeypatch.setattr(kernels, "_importable", False)
    f = jax.jit(hvp_like)
    f(X, X)
    assert jax_compiled(f, X, X).tier is None
    monkeypatch.setattr(kernels, "_importable", None)
    jax.config.update("jaxlite_fusion", "off")
    g = jax.jit(hvp_like)
    g(X, X)
    assert jax_compiled(g, X, X).tier is None


@pytest.mark.needs_subprocess
def test_import_does_not_import_numba():
    code = "import sys, jaxlite, jaxlite.numpy; print('numba' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_a_broadcast_scalar_read_outside_stays_a_view():
    from jaxlite._src.core import ShapedArray
    from jaxlite._src.jaxpr import Eqn, Jaxpr, Var
    from jaxlite._src.prims import elementwise as ew
    from jaxlite._src.prims.shape import broadcast_in_dim_p
    vec, scalar = ShapedArray((64,), np.float32), ShapedArray((), np.float32)
    x, s, b, m, a, n = Var(vec), Var(scalar), Var(vec), Var(vec), Var(vec), Var(vec)
    jaxpr = Jaxpr([], [], [x, s], [
        Eqn(broadcast_in_dim_p, [s], {"shape": (64,), "broadcast_dimensions": ()}, [b]),
        Eqn(ew.mul_p, [x, b], {}, [m]),
        Eqn(ew.add_p, [m, b], {}, [a]),
        Eqn(ew.sub_p, [a, x], {}, [n]),
    ], [n, b])
    fused, (cluster,) = fusion.fuse(jaxpr, fusion.plan_fusion(jaxpr, 2, 3))
    assert [e.primitive.name for e in fused.eqns] == ["broadcast_in_dim", "fused_elementwise"]
    assert cluster.jaxpr.outvars == [n] and cluster.array_inputs == [False, True]  # s, x


def test_fusible_equations_without_a_cluster_stay_on_numpy(monkeypatch):
    jax.config.update("jaxlite_fusion_fast_math", False)  # sin stays NumPy's
    monkeypatch.setattr(kernels, "_importable", True)  # no kernel is compiled: none needed
    f = jax.jit(lambda x: jnp.sin(jnp.sin(x * 2.0) * 3.0) + 1.0)  # runs of one equation
    out = f(X)
    tier = jax_compiled(f, X).tier
    assert tier.state == "unfused" and tier.fn is tier.numpy_fn
    assert same_bits(out, np.sin(np.sin(X * np.float32(2)) * np.float32(3)) + np.float32(1))


@needs_numba
def test_out_buffers_may_alias_dying_inputs():
    def f(x, y):
        return x * y + x - 2.0 * y
    jaxpr = optimized(f, X, X)
    _, (cluster,) = fusion.fuse(jaxpr, fusion.plan_fusion(jaxpr, 2, 3))
    kernels.compile_cluster(cluster)
    x, y = X.copy(), X[::-1].copy()
    expected = x * y + x - np.float32(2) * y
    (result,) = cluster(x, y, out=(x,))  # written over x, which it reads
    assert result is x and same_bits(result, expected)
    strided = np.zeros(2 * len(X), np.float32)[::2]
    (fresh,) = cluster(X, y, out=(strided,))  # not written through a copy: allocated
    assert fresh is not strided and not strided.any()
    assert same_bits(fresh, X * y + X - np.float32(2) * y)


@needs_numba
@pytest.mark.parametrize("which", ["max", "min"])
def test_extremum_weight_as_numpy(which):
    from jaxlite._src.prims.elementwise import extremum_weight_p
    values = np.array([0.0, -0.0, np.nan, 1.0, -np.inf, 2.0], np.float32)
    x, y = np.repeat(values, 6), np.tile(values, 6)

    def f(x, y):
        return extremum_weight_p.bind(x * 2.0, y * 2.0, which=which) * 3.0  # 2x: exact
    reference, fused, tier = numpy_tier_and_fused(f, x, y)
    assert tier.state == "fused"
    assert "extremum_weight" in [e.primitive.name for e in tier.clusters[0].jaxpr.eqns]
    assert same_bits(reference, fused)


# ---- operands of the loop's trailing dimensions (a bias) -----------------------------------

def bias_relu(h, b, g):
    """A conv layer's bias, ReLU and ReLU's derivative weight, used later by a product."""
    y = h + b
    r = jnp.maximum(y, 0.0)
    weight = jnp.where(y > 0.0, 1.0, 0.0)
    return r, jnp.sum(jnp.sort(r * g, axis=-1) * weight)


H = np.linspace(-3, 3, 4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)
B = np.array([0.5, -0.25, 0.0, 1.0, -1.0, 2.0], np.float32)


def test_a_bias_joins_the_cluster():
    names = cluster_names(plan(bias_relu, H, B, H))
    # ReLU's weight is used only after the sort, in a later group: it stays with the add
    # (moving it there would write y for it instead: nothing saved, the cluster split).
    # (The weight's float32 -> float32 conversion of its weak type is no equation.)
    assert names == [["add", "max", "gt", "select_n", "mul"]]


@needs_numba
def test_bias_cluster_has_numpy_bits():
    reference, fused, tier = numpy_tier_and_fused(bias_relu, H, B, H)
    assert tier.state == "fused", tier.error
    # rows of 6, the bias read contiguously in the inner loop (a gather would not vectorize)
    assert any("for c in range(6):" in c.source and "[c]" in c.source for c in tier.clusters)
    for a, b in zip(reference, fused):
        assert same_bits(a, b)


@needs_numba
def test_bias_cluster_on_a_transposed_operand():
    def f(h, b):
        y = jnp.transpose(h, (1, 0, 2)) + b
        return jnp.maximum(y, 0.0) * y - b
    h = np.linspace(-3, 3, 5 * 4 * 6, dtype=np.float32).reshape(5, 4, 6)
    reference, fused, tier = numpy_tier_and_fused(f, h, B)
    assert tier.state == "fused", tier.error
    assert same_bits(reference, fused)
    assert np.asarray(reference).strides == np.asarray(fused).strides


@needs_numba
def test_hessian_clusters_read_the_folded_transpose_in_their_kernels(monkeypatch):
    # jacfwd(jacrev(f)) of sum(tanh(A @ x)**2) multiplies A.T (folded from the basis) by
    # vectors: a C-ordered constant, so each cluster runs its kernel, never the
    # equation-by-equation fallback that a transposed operand with a bias takes.
    monkeypatch.setattr(flags, "jaxlite_program_tier", "off")
    fallbacks = []
    evaluate = fusion._numpy_evaluate
    monkeypatch.setattr(fusion, "_numpy_evaluate",
                        lambda *args: fallbacks.append(1) or evaluate(*args))
    rng = np.random.default_rng(3)
    a = rng.standard_normal((9, 9)).astype(np.float32)
    x = rng.standard_normal(9).astype(np.float32)
    hessian = jax.jacfwd(jax.jacrev(lambda x: jnp.sum(jnp.tanh(a @ x) ** 2)))
    reference, fused, tier = numpy_tier_and_fused(hessian, x)
    assert tier.state == "fused", tier.error
    assert fallbacks == []
    assert same_bits(reference, fused)


@needs_numba
def test_bias_cluster_with_two_tiles_has_numpy_bits():
    """A loop with tiles of two sizes runs in rows of the smaller, read contiguously; the
    larger is read at its remainder: both give the NumPy tier's bits."""
    def f(h, b, c):
        y = h + b - c
        return jnp.maximum(y, 0.0) * y + b
    rng = np.random.default_rng(2)
    h = np.round(rng.standard_normal((7, 9, 6)), 2).astype(np.float32)
    c = np.round(rng.standard_normal((9, 6)), 2).astype(np.float32)
    h.reshape(-1)[::17] = 0.0  # ReLU's ties
    reference, fused, tier = numpy_tier_and_fused(f, h, B, c)
    assert tier.state == "fused", tier.error
    # tiles of 6 and 54 elements: columns of 6
    assert any("for c in range(6)" in cl.source and "% 54]" in cl.source
               for cl in tier.clusters)
    assert same_bits(reference, fused)
