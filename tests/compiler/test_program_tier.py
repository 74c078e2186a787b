"""The whole-program tier (compiler/program.py): a hot jitted executable compiled by
Numba as one function, loops and branches included. Each test checks that the tier
was used (its listing in `as_python()`) and that it computes what eager code (the NumPy
implementation) computes: arithmetic exactly, sums and dot products within a
tolerance (other order of addition), transcendentals within a measured ULP bound.
Numba compiles each program in ~0.5-2 s: the tests share few programs."""
import os
import sys

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.config import flags

pytest.importorskip("numba")

BENCH = os.path.join(os.path.dirname(__file__), "..", "..", "bench")
IN_USE = "# Whole-program tier (Numba), in use"
_SETTINGS = {"jaxlite_fusion": "auto", "jaxlite_program_tier": "auto",
             "jaxlite_fusion_hot_calls": 0, "jaxlite_fusion_background": False}


@pytest.fixture(autouse=True)
def program_tier():
    """The tier in place at the first call (compiled in the calling thread)."""
    saved = {name: getattr(flags, name) for name in _SETTINGS}
    for name, value in _SETTINGS.items():
        jax.config.update(name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            jax.config.update(name, value)


def run_compiled(f, *args):
    """jit(f)(*args) on the whole-program tier (asserted), and its listing."""
    jitted = jax.jit(f)
    out = jitted(*args)
    listing = jitted.lower(*args).compile().as_python()
    assert IN_USE in listing, listing[-2000:]
    return out, listing


def eager(f, *args):
    """f(*args) unjitted, on NumPy alone (eager loops compile their bodies with jit's
    code generator, whose tiers are off here: no Numba compilation for the reference)."""
    jax.config.update("jaxlite_program_tier", "off")
    try:
        return f(*args)
    finally:
        jax.config.update("jaxlite_program_tier", "auto")


def assert_close(got, want, rtol=1e-5, atol=1e-6):
    got, want = jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def _data(*shape, seed=0, scale=1.0):
    return jnp.asarray((np.random.default_rng(seed).standard_normal(shape) * scale)
                       .astype(np.float32))


def test_scan_forward_reverse_and_grad():
    W, xs = _data(6, 6, scale=0.4), _data(7, 6, seed=1)

    def loss(W, xs):
        def step(h, x):
            h = jnp.tanh(W @ h + x)
            return h, jnp.sum(h)
        h, ys = lax.scan(step, jnp.zeros(6, jnp.float32), xs)
        _, backwards = lax.scan(lambda c, y: (c + y, c * y), jnp.float32(0), ys, reverse=True)
        return jnp.sum(h ** 2) + jnp.sum(backwards)

    def f(W, xs):
        return jax.value_and_grad(loss)(W, xs)
    out, listing = run_compiled(f, W, xs)
    assert "for step" in listing  # the loops are in the compiled code
    assert out[0].dtype == jnp.float32
    # tanh of 6-vectors runs as libm calls: within a few ULP of NumPy's, which the
    # loop carries along; sums in another order.
    assert_close(out, eager(f, W, xs), rtol=2e-5, atol=1e-6)


def test_fori_while_cond_switch_nested():
    A, b = _data(5, 4, seed=2), _data(5, seed=3)

    def f(A, b):
        def outer(i, x):
            # a scan inside the fori_loop: nested loops
            x, _ = lax.scan(lambda c, _: (c - 0.05 * A.T @ (A @ c - b), None), x, None,
                            length=3)
            return x
        x = lax.fori_loop(0, 10, outer, jnp.zeros(4, jnp.float32))

        def cond(state):
            k, y = state
            return (k < 50) & (jnp.max(jnp.abs(y)) < 100.0)
        k, y = lax.while_loop(cond, lambda s: (s[0] + 1, s[1] * 1.5 + 0.25), (0, x))
        branch = jnp.argmin(jnp.array([3, 1, 2])).astype(jnp.int32)  # 1
        z = lax.switch(branch, [lambda v: v + 1.0, lambda v: v * 2.0, lambda v: -v], y)
        w = lax.cond(jnp.sum(z) > 0, lambda v: v - 1.0, lambda v: v + 1.0, z)
        return x, k, w
    out, _ = run_compiled(f, A, b)
    want = eager(f, A, b)
    assert int(out[1]) == int(want[1])  # integer arithmetic is exact
    assert_close(out, want, rtol=1e-5, atol=1e-5)


def _ulp_distance(a, b):
    """ULPs between float32 arrays of one sign pattern (as ordered integers)."""
    def ordered(x):
        i = x.view(np.int32).astype(np.int64)
        return np.where(i < 0, -(i & 0x7FFFFFFF), i)
    return np.abs(ordered(a) - ordered(b))


# Measured over the points below (glibc 2.35's libm against NumPy 2.4's SIMD kernels,
# AVX-512): at most 1 ULP; the documented bound is 2.
ULP_BOUND = 2


def test_transcendentals():
    # 64 elements: the size up to which the compiled loops call libm; larger arrays go to
    # NumPy's ufunc, called from the compiled code (the same bits as NumPy), except
    # float32 exp, log, log1p, expm1, tanh and sigmoid: arithmetic only (prims/fast_math.py's
    # fm_*_float32), compiled loops at any size.
    x = np.linspace(-4, 4, 64).astype(np.float32)
    positive = np.linspace(1e-3, 50, 64).astype(np.float32)
    large = _data(100, 100)

    def f(x, p, large):
        small = (jnp.tanh(x), jnp.exp(x), jnp.sin(x), jnp.cos(x), jnp.expm1(x), jnp.log(p),
                 jnp.log1p(p), jax.nn.sigmoid(x))
        return small, (lax.fori_loop(0, 2, lambda i, y: jnp.sin(y) * 0.5, large),
                       lax.fori_loop(0, 2, lambda i, y: jnp.tanh(y) * 1.5, large))
    (small, (big_sin, big_tanh)), listing = run_compiled(f, x, positive, large)
    want_small, (want_sin, want_tanh) = eager(f, jnp.asarray(x), jnp.asarray(positive), large)
    program = listing.split(IN_USE)[1]
    assert "np.sin(a" in program and "objmode" in program and "fm_tanh_float32(" in program
    assert "np.tanh(" not in program and "np.exp(" not in program  # float32: never libm's
    assert "np.log(" not in program and "np.log1p(" not in program and "np.expm1(" not in program
    assert "fm_exp_float32(" in program and "fm_log_float32(" in program  # nor NumPy's
    for got, want in zip(small, want_small):
        distance = _ulp_distance(np.asarray(got), np.asarray(want))
        assert distance.max() <= ULP_BOUND, distance.max()
    np.testing.assert_array_equal(np.asarray(big_sin), np.asarray(want_sin))
    # (two steps: the first step's ULP of difference passes through the second)
    np.testing.assert_allclose(np.asarray(big_tanh), np.asarray(want_tanh), rtol=1e-6)


@pytest.mark.parametrize("name", ["tanh", "exp"])
def test_float32_transcendentals_everywhere(name):
    """fast_math's float32 tanh and exp in the whole-program tier across float32's range:
    within 1 ULP of the correctly rounded value (float64's function rounded to float32;
    measured: equal to it on every 97th float32) and ULP_BOUND of NumPy's float32
    function away from denormal results, with the special values exact: +-0 (tanh keeps
    the sign), +-inf, NaN, saturation (tanh beyond |x| = 10, exp's overflow and
    underflow)."""
    fn = getattr(jnp, name)
    bits = np.arange(0, 2 ** 32, 65537 * 7, dtype=np.uint64).astype(np.uint32)
    sample = bits.view(np.float32)
    sample = np.concatenate([sample[np.isfinite(sample)], np.linspace(-12, 12, 4001,
                                                                      dtype=np.float32)])
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e-30, 3.4e38, -3.4e38]
                       + ([10.0, 11.0, -40.0] if name == "tanh" else [100.0, -120.0]),
                       np.float32)
    (got, got_special), listing = run_compiled(
        lambda x, s: lax.fori_loop(0, 1, lambda i, c: (fn(c[0]), fn(c[1])), (x, s)),
        jnp.asarray(sample), jnp.asarray(special))
    assert f"fm_{name}_float32(" in listing.split(IN_USE)[1]
    got = np.asarray(got)
    with np.errstate(all="ignore"):
        rounded = getattr(np, name)(sample.astype(np.float64)).astype(np.float32)
        numpy32 = getattr(np, name)(sample)
    assert _ulp_distance(got, rounded).max() <= 1
    normal = np.abs(numpy32) >= np.finfo(np.float32).tiny
    assert _ulp_distance(got[normal], numpy32[normal]).max() <= ULP_BOUND
    got_special = np.asarray(got_special)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(got_special, getattr(np, name)(special))  # exact
    assert np.signbit(got_special[1]) == (name == "tanh")


def test_fallback_without_a_rule():
    # sort has no rule: the executable stays on the NumPy tier, and says why.
    def g(x):
        return lax.fori_loop(0, 3, lambda i, y: jnp.sort(y) * 2.0, x)
    f, x = jax.jit(g), _data(8)
    np.testing.assert_array_equal(np.asarray(f(x)), np.asarray(eager(g, x)))
    assert IN_USE not in f.lower(x).compile().as_python()


def test_large_loop_free_programs_stay_on_numpy():
    x = jnp.ones((100, 100), jnp.float32)  # 10^4 elements: NumPy's own speed already
    f = jax.jit(lambda x: [jnp.tanh(x) * 2.0 + x for _ in range(20)][-1])
    f(x)
    assert IN_USE not in f.lower(x).compile().as_python()


@pytest.mark.parametrize("name", ["RNN via lax.scan", "gradient descent in fori_loop",
                                  "while_loop solver"])
def test_bench_workloads(name, caplog):
    """bench/ workloads 9, 11 and 13, jitted, against eager. (MAML, workload 7, compiles
    for ~10 s: bench/run.py checks it against JAX. The transformer block, on 32x256
    arrays, stays on the NumPy tier: faster there.)"""
    sys.path.insert(0, BENCH)
    try:
        import workloads
    finally:
        sys.path.remove(BENCH)
    (work,) = [w for w in workloads.WORKLOADS if w.name.startswith(name)
               and w.name.endswith("jit steady state")]
    (eager_work,) = [w for w in workloads.WORKLOADS if w.name.startswith(name)
                and w.name.endswith("eager")]
    jitted_thunk, eager_thunk = work.build(jax, jnp), eager_work.build(jax, jnp)
    jax.config.update("jax_log_compiles", True)
    try:
        with caplog.at_level("WARNING", logger="jaxlite"):
            got = jitted_thunk()
    finally:
        jax.config.update("jax_log_compiles", False)
    assert any("Whole-program tier (Numba) of a jitted function compiled" in r.getMessage()
               for r in caplog.records)
    assert_close(got, eager(eager_thunk), rtol=1e-4, atol=1e-5)


@jax.custom_jvp
def twice(x):
    return x * 2.0


twice.defjvp(lambda primals, tangents: (twice(primals[0]), tangents[0] * 2.0))


def test_gather_scatter_in_a_loop():
    table = _data(6, 3, seed=4)
    idx = jnp.asarray(np.array([0, 5, -1, 9, 2, 2], np.int32))  # negative, out of bounds

    def f(table, idx):
        def body(i, acc):
            window = lax.dynamic_slice(table, (i, 0), (2, 3))        # clamped near the end
            acc = lax.dynamic_update_slice(acc, window * 2.0, (i + 1, 1))
            acc = acc.at[idx].add(acc[(idx + 1) % 7] * 0.5)       # duplicates add in order
            return acc.at[idx, 0].set(jnp.float32(i))              # out of bounds dropped
        # XLA's integer division and remainder: toward zero; x / 0 == -1, x rem 0 == x
        integers = (lax.div(idx * 7, jnp.int32(-2)), lax.rem(idx * 7, jnp.int32(-4)),
                    lax.div(idx, idx - idx), lax.rem(idx, idx - idx))
        # rounding both ways, and a custom_jvp function (its primal code runs, inline)
        halves = table * 2.5
        rounded = (lax.round(halves), lax.round(halves, lax.RoundingMethod.TO_NEAREST_EVEN),
                   twice(halves))
        return (lax.fori_loop(0, 5, body, jnp.zeros((7, 4), jnp.float32)), table[idx], integers,
                rounded)
    out, listing = run_compiled(f, table, idx)
    assert "_dot3" not in listing.split(IN_USE)[1]
    for got, want in zip(jax.tree_util.tree_leaves(out),
                         jax.tree_util.tree_leaves(eager(f, table, idx))):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))  # exact


def test_inline_contractions():
    """Small dot_generals as loops in the program: batched, to a scalar, matrix-vector,
    vector-matrix, outer products and contractions over several axes, each against
    NumPy's (another order of addition: a tolerance)."""
    a, v, w = _data(3, 4, 5, seed=5), _data(5, seed=6), _data(4, seed=7)
    m, t = _data(4, 5, seed=8), _data(2, 3, 4, seed=9)

    def f(a, v, w, m, t):
        def body(i, acc):
            s = acc * 0.5
            return (s + jnp.einsum("bij,j->bi", a, v).sum() + jnp.dot(v, v)
                    + (m @ v).sum() + (w @ m).sum() + jnp.outer(w, v).sum()
                    + jnp.einsum("bij,bjk->bik", a, jnp.swapaxes(a, 1, 2)).sum()
                    + jnp.einsum("abc,abc->", t, t) + jnp.einsum("abc,cb->a", t, m[:, :3]).sum())
        return lax.fori_loop(0, 3, body, jnp.float32(0))
    out, listing = run_compiled(f, a, v, w, m, t)
    assert "acc" in listing.split(IN_USE)[1]  # the sums without rhs free axes: scalars
    assert_close(out, eager(f, a, v, w, m, t), rtol=1e-5, atol=1e-5)


def test_carries_updated_in_place():
    """Loop carries whose next value an elementwise loop writes into the carry's own
    array (each element's reads come before its store, so swapped carries and carries
    read again in the same loop are fine), and where it must not: a carry read by
    another equation (a reduction), a value both carried and stacked, one array as
    two carries' start, an argument (read-only) as the start. Arithmetic only: exact."""
    x, y = _data(4, 3, seed=10), _data(4, 3, seed=11)

    def f(x, y):
        def step(c, row):
            a, b, s, t, u, w = c
            a = a + row * 2.0           # carried and stacked
            b = b * 0.5 - row           # in place, although a and b start as one array
            s, t = t + 1.0, s * 3.0     # swapped, in one loop
            v = u + 1.0
            w2 = w * 0.5 + 1.0          # w is read by jnp.max too: not in place
            return (a, b, s, t, v * u, w2 + jnp.max(w)), a
        zeros = jnp.zeros((3,), jnp.float32)
        carry, stacked = lax.scan(step, (zeros, zeros, x.min(0), y.max(0), x.max(0), y.min(0)), x)

        def body(i, c):
            return c * 0.5 + y           # the argument x as the start
        return carry, stacked, lax.fori_loop(0, 6, body, x)
    out, listing = run_compiled(f, x, y)
    program = listing.split(IN_USE)[1]
    assert any(f"{k}[i] = s" in program for k in ("k" + str(n) for n in range(200)))
    for got, want in zip(jax.tree_util.tree_leaves(out),
                         jax.tree_util.tree_leaves(eager(f, x, y))):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    np.testing.assert_array_equal(np.asarray(x), np.asarray(_data(4, 3, seed=10)))
