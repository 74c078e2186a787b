"""The fused tier's float32 transcendentals (prims/fast_math.py): their measured error
bound, their special values, the later passes of sin and cos beyond |x| = 6400
(fast_math.SIN_COS_BOUND: float64 inside up to 2**24, then libm), and their use in
fused loops (float32 sin(x) * x**2 and its derivatives: one loop).

The bound: within 1 ULP of float64 libm's result rounded to float32 (itself within
0.5 ULP of the exact value, plus a double rounding that is rare). sin and cos (float32
arithmetic) were measured over every float32 up to the bound by tools/fit_sincos.py
--check: 1 ULP (0.7% of results); here over dense samples, every float32 of the last
binade below the bound and the float32s nearest to multiples of pi/2 (the hardest
reductions). Their float64 pass (up to 2**24) and the others (float64 inside, rounded
once) over dense samples: 1 ULP and 0 ULP."""
import math

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite._src.compiler import fusion, kernels
from jaxlite._src.compiler.passes import optimize
from jaxlite._src.prims import fast_math

pytestmark = [pytest.mark.skipif(not kernels.numba_importable(), reason="Numba not installed"),
              pytest.mark.usefixtures("small_array_fusion")]

BOUND_ULP = 1


def _logistic(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


REFERENCE = {"sin": np.sin, "cos": np.cos, "exp": np.exp, "log": np.log, "log1p": np.log1p,
             "expm1": np.expm1, "tanh": np.tanh, "logistic": _logistic}


def _pass_loop(numba, name, helpers, guard):
    """A Numba loop applying float32 `name` as a fused kernel's pass does: returns its flag."""
    flag = guard(["a[i]"], {}, [], None) if guard else False
    source = "\n".join([*(helpers[k] for k in sorted(helpers)), f"""
@numba.njit(error_model='numpy')
def loop(a, o):
    slow = np.int32(0)
    for i in range(o.shape[0]):
        o[i] = fm_{name}_float32(a[i])
        slow |= np.int32({flag})
    return slow
"""])
    namespace = {"np": np, "numba": numba, "math": math}
    exec(source, namespace)
    return namespace["loop"]


@pytest.fixture(scope="module")
def loops():
    """name -> the Numba loops of its passes, as the fused kernels run them: the fast
    helper, then (sin, cos) the later passes of fast_math.fallbacks, each with its guard."""
    numba = pytest.importorskip("numba")
    return {name: [_pass_loop(numba, name, helpers, guard) for helpers, guard in
                   [(fast_math.helpers(name), fast_math.scalar_guard(name)),
                    *fast_math.fallbacks(name)]]
            for name in fast_math.NAMES}


def ulp_distance(a, b):
    """|a - b| in float32 ULPs (steps of the float32 order); 0 where both are nan."""
    def key(v):
        bits = v.view(np.int32).astype(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)
    d = np.abs(key(a) - key(b))
    both_nan = np.isnan(a) & np.isnan(b)
    d[both_nan] = 0
    d[np.isnan(a) != np.isnan(b)] = 2 ** 40
    return d


def samples(name, rng, n=200_000):
    every = rng.integers(0, 0x7F800000, n, dtype=np.int64).astype(np.int32).view(np.float32)
    signs = np.where(rng.random(n) < 0.5, -1, 1).astype(np.float32)
    bound = fast_math.SIN_COS_BOUND
    dense = {"sin": bound, "cos": bound, "exp": 105.0, "expm1": 90.0, "tanh": 12.0,
             "logistic": 110.0, "log": None, "log1p": None}[name]
    parts = [every * signs, np.array([0.0, -0.0, 1e-45, -1e-45, 1e-30, -1e-30, 1.0, -1.0,
                                      0.5, 88.72, 88.73, -87.3, -103.9, -104.0, 3e38, -3e38,
                                      np.inf, -np.inf, np.nan, 16777216.0, 16777218.0,
                                      6400.0, 6400.0005, -6400.0005, 7000.0, 1.5707964,
                                      3.1415927, 1e-9, 1e-3, 1e-2],
                                     np.float32)]
    if dense is None:  # positive arguments, and log1p's (-1, 0)
        parts += [every, rng.uniform(0, 4, n).astype(np.float32),
                  -rng.random(n).astype(np.float32)]
    else:
        parts.append(rng.uniform(-dense, dense, n).astype(np.float32))
        parts.append(rng.uniform(-4, 4, n).astype(np.float32))
        parts.append(rng.uniform(-1e5, 1e5, n).astype(np.float32))  # sin, cos: wide pass
        parts.append(rng.uniform(-1, 1, n).astype(np.float32) * np.float32(1e-3))
    return np.concatenate(parts)


# the range of each pass of sin and cos (the last: every x)
PASS_BOUNDS = (fast_math.SIN_COS_BOUND, fast_math.WIDE_BOUND, np.inf)


@pytest.mark.parametrize("name", fast_math.NAMES)
def test_within_the_bound_of_the_correctly_rounded_result(name, loops):
    x = samples(name, np.random.default_rng(abs(hash(name)) % 1000))
    with np.errstate(all="ignore"):
        want = REFERENCE[name](x.astype(np.float64)).astype(np.float32)
    covered = np.zeros(x.shape, bool)
    for j, loop in enumerate(loops[name]):  # each pass, on what it covers
        got = np.empty_like(x)
        slow = loop(x, got)
        last = j == len(loops[name]) - 1
        inside = np.ones(x.shape, bool) if last else np.abs(x) <= PASS_BOUNDS[j]
        assert bool(slow) == (not inside.all())  # the flag: some x for the next pass
        distance = ulp_distance(got[inside], want[inside])
        worst = int(np.argmax(distance))
        assert distance.max() <= BOUND_ULP, (name, x[inside][worst], got[inside][worst],
                                             want[inside][worst])
        zero = inside & (want == 0)
        assert np.array_equal(np.signbit(got[zero]), np.signbit(want[zero]))  # -0.0 stays
        covered |= inside
    assert covered.all()


def near_multiples_of_half_pi():
    """The float32s nearest to k * pi/2 (and 4 neighbours each side) for every k below the
    bound: where x - k * pi/2 cancels most, the reduction's precision shows."""
    k = np.arange(1, int(fast_math.SIN_COS_BOUND / (np.pi / 2)) + 1)
    nearest = (k * (np.pi / 2)).astype(np.float32).view(np.int32)
    x = (nearest[:, None] + np.arange(-4, 5)).ravel().view(np.float32)
    return np.concatenate([x, -x])


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_every_float32_of_the_last_binade_and_near_multiples_of_half_pi(name, loops):
    top = np.float32(fast_math.SIN_COS_BOUND).view(np.int32)
    x = np.concatenate([np.arange(np.float32(4096).view(np.int32), top + 1,
                                  dtype=np.int32).view(np.float32),
                        near_multiples_of_half_pi()])
    got = np.empty_like(x)
    assert loops[name][0](x, got) == 0  # all within the fast pass's range
    want = REFERENCE[name](x.astype(np.float64)).astype(np.float32)
    distance = ulp_distance(got, want)
    worst = int(np.argmax(distance))
    assert distance.max() <= BOUND_ULP, (name, x[worst], got[worst], want[worst])


def test_special_values_come_out_of_the_branch_free_code(loops):
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 100.0, -200.0, -1.0], np.float32)
    out = {}
    for name in ("exp", "log", "log1p", "expm1", "tanh", "logistic"):
        out[name] = np.empty_like(x)
        loops[name][0](x, out[name])
    assert out["exp"].tolist()[:4] == [1.0, 1.0, np.inf, 0.0] and np.isnan(out["exp"][4])
    assert out["exp"][5] == np.inf and out["exp"][6] == 0.0
    assert out["log"][0] == out["log"][1] == -np.inf and out["log"][2] == np.inf
    assert np.isnan(out["log"][[3, 4, 6, 7]]).all()
    assert out["log1p"][7] == -np.inf and np.signbit(out["log1p"][1])
    assert out["expm1"][3] == -1.0 and out["tanh"][2] == 1.0 and out["tanh"][3] == -1.0
    assert np.signbit(out["tanh"][1]) and out["logistic"][2] == 1.0 and out["logistic"][3] == 0.0


def hvp_like(x, v):
    return jnp.sin(x) * v * x * x + jnp.cos(x) * 2.0 * v - 0.5 * x * v


def test_fused_sin_and_cos_are_one_loop_within_the_bound():
    rng = np.random.default_rng(0)
    x = rng.uniform(-10, 10, 4096).astype(np.float32)
    x[:7] = [0.0, -0.0, 1e30, -3e38, np.inf, np.nan, 7000.0]  # the later passes' cases
    v = rng.standard_normal(4096).astype(np.float32)
    f = jax.jit(hvp_like)
    got = np.asarray(f(x, v))
    source = jax.jit(hvp_like).lower(x, v).compile().as_python()
    assert "fm_sin_float32" in source and "fm_cos_float32" in source
    assert "np.sin(" not in source.split("# Fused tier")[1].split("# kernel")[0]
    x64, v64 = x.astype(np.float64), v.astype(np.float64)
    with np.errstate(all="ignore"):
        want = np.sin(x64) * v64 * x64 * x64 + np.cos(x64) * 2.0 * v64 - 0.5 * x64 * v64
        # the special values: float32 arithmetic on the correctly rounded sin and cos
        s, c = np.sin(x64[:7]).astype(np.float32), np.cos(x64[:7]).astype(np.float32)
        special = s * v[:7] * x[:7] * x[:7] + c * np.float32(2) * v[:7] - np.float32(0.5) * x[:7] * v[:7]
    assert np.allclose(got[:7], special, rtol=1e-6, atol=0, equal_nan=True)
    # elsewhere, float32 arithmetic around the functions: a few ULPs of the terms' size
    scale = np.abs(x64) ** 2 * np.abs(v64) + 2 * np.abs(v64) + np.abs(x64 * v64)
    assert np.all(np.abs(got[7:] - want[7:]) <= 4e-7 * scale[7:])


def test_grad_of_the_hvp_workload_fuses_the_transcendentals():
    def f(x):
        return jnp.sum(jnp.sin(x) * x ** 2) + 0.5 * x @ x
    x = np.linspace(-4, 4, 5000, dtype=np.float32)
    g = jax.jit(jax.grad(f))
    got = np.asarray(g(x))
    source = g.lower(x).compile().as_python()
    assert "fm_sin_float32" in source and "fm_cos_float32" in source
    x64 = x.astype(np.float64)
    want = 2 * x64 * np.sin(x64) + x64 ** 2 * np.cos(x64) + x64
    assert np.allclose(got, want, rtol=0, atol=2e-6 * (x64 ** 2 + 2 * np.abs(x64) + 1).max())


def test_off_keeps_numpy_bits_and_float64_stays_numpy(x64):
    x = np.linspace(-3, 3, 300, dtype=np.float32)
    jax.config.update("jaxlite_fusion_fast_math", False)
    f = jax.jit(lambda x: jnp.exp(jnp.sin(x) * 2.0 + 1.0) - x * x)
    got = np.asarray(f(x))
    assert "fm_" not in f.lower(x).compile().as_python()
    with np.errstate(all="ignore"):
        want = np.exp(np.sin(x) * np.float32(2) + np.float32(1)) - x * x
    assert np.array_equal(got, want)
    jax.config.update("jaxlite_fusion_fast_math", True)
    g = jax.jit(lambda x: jnp.exp(jnp.sin(x) * 2.0 + 1.0) - x * x)
    assert "fm_" not in g.lower(x.astype(np.float64)).compile().as_python()


def test_the_kernel_runs_the_later_passes_only_where_needed():
    x = np.random.default_rng(1).uniform(-10, 10, 256).astype(np.float32)
    v = np.ones(256, np.float32)
    jaxpr = optimize(jax.make_jaxpr(hvp_like)(x, v).jaxpr)
    _, (cluster,) = fusion.fuse(jaxpr, fusion.plan_fusion(jaxpr, 2, 3))
    kernels.compile_cluster(cluster)
    assert len(cluster.fallback_kernels) == 2  # float64 up to 2**24, then libm
    ran = []

    def spy(n, kernel):
        def run(*args):
            ran.append(n)
            return kernel(*args)
        return run
    cluster.fallback_kernels = [spy(n, k) for n, k in enumerate(cluster.fallback_kernels)]
    for big, passes in ((6400.0, []), (-6400.5, [0]), (1.6e7, [0]), (2e7, [0, 1]),
                        (np.nan, [0, 1])):
        x[7] = big
        ran.clear()
        (got,) = cluster(x, v)
        assert ran == passes, big
        x64 = x.astype(np.float64)
        with np.errstate(invalid="ignore"):
            s, c = np.sin(x64).astype(np.float32), np.cos(x64).astype(np.float32)
            want = s * v * x * x + c * np.float32(2) * v - np.float32(0.5) * x * v
        assert np.allclose(got, want, rtol=2e-6, atol=1e-5, equal_nan=True), big
