"""jax.random's samplers beyond uniform/normal: distributions (moments of large draws),
jit == eager and vmap == loop (bit for bit), gradients of the Gamma family, and
argument errors. Bit-exactness against JAX itself is in test_golden_expressions."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
import jaxlite.random as random

KEY = random.key(3)
N = 20000

# (name, draw(key, shape), expected mean, expected std; None skips a moment)
MOMENTS = [
    ("exponential", lambda k, s: random.exponential(k, s), 1.0, 1.0),
    ("laplace", lambda k, s: random.laplace(k, s), 0.0, np.sqrt(2)),
    ("logistic", lambda k, s: random.logistic(k, s), 0.0, np.pi / np.sqrt(3)),
    ("gumbel", lambda k, s: random.gumbel(k, s), 0.5772156649, np.pi / np.sqrt(6)),
    ("gumbel(high)", lambda k, s: random.gumbel(k, s, mode="high"), 0.5772156649,
     np.pi / np.sqrt(6)),
    ("truncated_normal", lambda k, s: random.truncated_normal(k, -1.0, 1.0, s), 0.0, 0.5380),
    ("rademacher", lambda k, s: random.rademacher(k, s), 0.0, 1.0),
    ("rayleigh", lambda k, s: random.rayleigh(k, 2.0, s), 2 * np.sqrt(np.pi / 2),
     2 * np.sqrt(2 - np.pi / 2)),
    ("pareto", lambda k, s: random.pareto(k, 5.0, s), 1.25, np.sqrt(5 / (16 * 3))),
    ("lognormal", lambda k, s: random.lognormal(k, 0.5, s), np.exp(0.125),
     np.sqrt((np.exp(0.25) - 1) * np.exp(0.25))),
    ("maxwell", lambda k, s: random.maxwell(k, s), 2 * np.sqrt(2 / np.pi),
     np.sqrt(3 - 8 / np.pi)),
    ("double_sided_maxwell", lambda k, s: random.double_sided_maxwell(k, 1.0, 2.0, s), 1.0,
     2 * np.sqrt(3)),
    ("weibull_min", lambda k, s: random.weibull_min(k, 1.0, 2.0, s), 0.8862269, 0.4632514),
    ("triangular", lambda k, s: random.triangular(k, 0.0, 1.0, 3.0, s), 4 / 3,
     np.sqrt((9 + 1 - 3) / 18)),
    ("wald", lambda k, s: random.wald(k, 1.5, s), 1.5, np.sqrt(1.5 ** 3)),
    ("geometric", lambda k, s: random.geometric(k, 0.25, s), 4.0, np.sqrt(0.75) / 0.25),
    ("gamma", lambda k, s: random.gamma(k, 2.5, s), 2.5, np.sqrt(2.5)),
    ("gamma(small a)", lambda k, s: random.gamma(k, 0.3, s), 0.3, np.sqrt(0.3)),
    ("loggamma", lambda k, s: jnp.exp(random.loggamma(k, 0.7, s)), 0.7, np.sqrt(0.7)),
    ("beta", lambda k, s: random.beta(k, 2.0, 3.0, s), 0.4, np.sqrt(6 / (25 * 6))),
    ("chisquare", lambda k, s: random.chisquare(k, 4.0, s), 4.0, np.sqrt(8.0)),
    ("f", lambda k, s: random.f(k, 5.0, 10.0, s), 10 / 8, None),
    ("t", lambda k, s: random.t(k, 5.0, s), 0.0, np.sqrt(5 / 3)),
    ("generalized_normal", lambda k, s: random.generalized_normal(k, 2.0, s), 0.0,
     np.sqrt(0.5)),
    ("poisson", lambda k, s: random.poisson(k, 3.5, s), 3.5, np.sqrt(3.5)),
    ("poisson(large)", lambda k, s: random.poisson(k, 40.0, s), 40.0, np.sqrt(40.0)),
    ("binomial", lambda k, s: random.binomial(k, 8.0, 0.3, s), 2.4, np.sqrt(8 * 0.21)),
    ("binomial(large)", lambda k, s: random.binomial(k, 200.0, 0.6, s), 120.0,
     np.sqrt(200 * 0.24)),
]


@pytest.mark.parametrize("name,draw,mean,std", MOMENTS, ids=[m[0] for m in MOMENTS])
def test_moments(name, draw, mean, std):
    x = np.asarray(draw(KEY, (N,)), np.float64)
    assert x.shape == (N,)
    tol = 6 * (std if std is not None else 1.0) / np.sqrt(N)
    assert abs(x.mean() - mean) < max(tol, 0.02 * abs(mean)), (x.mean(), mean)
    if std is not None:
        assert abs(x.std() - std) < 0.05 * std, (x.std(), std)


SAMPLERS = [
    ("exponential", lambda k: random.exponential(k, (5,))),
    ("laplace", lambda k: random.laplace(k, (5,))),
    ("cauchy", lambda k: random.cauchy(k, (5,))),
    ("truncated_normal", lambda k: random.truncated_normal(k, -2.0, 0.5, (5,))),
    ("categorical", lambda k: random.categorical(k, jnp.log(jnp.arange(1.0, 5.0)), shape=(6,))),
    ("choice", lambda k: random.choice(k, 10, (4,), replace=False)),
    ("permutation", lambda k: random.permutation(k, 8)),
    ("gamma", lambda k: random.gamma(k, jnp.array([0.5, 2.0, 9.0]))),
    ("poisson", lambda k: random.poisson(k, jnp.array([0.5, 20.0]))),
    ("binomial", lambda k: random.binomial(k, jnp.array([5.0, 50.0]), 0.3)),
    ("multinomial", lambda k: random.multinomial(k, 10.0, jnp.array([0.2, 0.3, 0.5]))),
    ("dirichlet", lambda k: random.dirichlet(k, jnp.array([1.0, 2.0, 3.0]))),
    ("multivariate_normal", lambda k: random.multivariate_normal(
        k, jnp.zeros(2), jnp.array([[2.0, 0.3], [0.3, 1.0]]), (3,))),
    ("orthogonal", lambda k: random.orthogonal(k, 3)),
    ("ball", lambda k: random.ball(k, 3, shape=(2,))),
    ("loggamma", lambda k: random.loggamma(k, 0.2, (3,))),
    ("lognormal", lambda k: random.lognormal(k, 1.0, (3,))),
    ("logistic", lambda k: random.logistic(k, (3,))),
    ("gumbel", lambda k: random.gumbel(k, (3,))),
    ("rademacher", lambda k: random.rademacher(k, (3,))),
]


@pytest.mark.parametrize("name,draw", SAMPLERS, ids=[s[0] for s in SAMPLERS])
def test_jit_and_vmap_agree_with_eager(name, draw):
    eager = np.asarray(draw(KEY))
    np.testing.assert_array_equal(np.asarray(jaxlite.jit(draw)(KEY)), eager)
    keys = random.split(KEY, 3)
    batched = np.asarray(jaxlite.vmap(draw)(keys))
    np.testing.assert_array_equal(batched, np.stack([np.asarray(draw(k)) for k in keys]))


def test_legacy_uint32_keys_and_typed_keys_agree():
    raw = random.PRNGKey(5)
    typed = random.wrap_key_data(raw)
    for fn in (lambda k: random.exponential(k, (4,)), lambda k: random.gamma(k, 1.5, (4,)),
               lambda k: random.permutation(k, 6), lambda k: random.t(k, 3.0, (4,))):
        np.testing.assert_array_equal(fn(raw), fn(typed))


def test_categorical_and_choice_semantics():
    logits = jnp.log(jnp.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    np.testing.assert_array_equal(random.categorical(KEY, logits), [1, 2])
    assert random.categorical(KEY, logits, shape=(5, 2)).shape == (5, 2)
    assert random.categorical(KEY, logits, axis=0).shape == (3,)
    picks = np.asarray(random.categorical(KEY, jnp.zeros(6), shape=(6,), replace=False))
    assert sorted(picks.tolist()) == list(range(6))
    p = jnp.array([0.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(random.choice(KEY, 4, (5,), p=p), [2] * 5)
    without = np.asarray(random.choice(KEY, 4, (3,), replace=False,
                                       p=jnp.array([0.1, 0.2, 0.3, 0.4])))
    assert len(set(without.tolist())) == 3
    rows = random.choice(KEY, jnp.arange(12).reshape(3, 4), (2,), replace=False)
    assert rows.shape == (2, 4)
    with pytest.raises(ValueError, match="larger sample"):
        random.choice(KEY, 3, (4,), replace=False)
    with pytest.raises(ValueError, match="p must be None"):
        random.choice(KEY, 3, (2,), p=jnp.ones(4) / 4)
    with pytest.raises(TypeError, match="sequence"):
        random.choice(KEY, 3, 2)


def test_permutation_semantics():
    x = jnp.arange(20).reshape(4, 5)
    rows = np.asarray(random.permutation(KEY, x))
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, np.asarray(x).tolist()))
    cols = np.asarray(random.permutation(KEY, x, axis=1, independent=True))
    assert all(sorted(r) == list(range(5 * i, 5 * i + 5)) for i, r in enumerate(cols.tolist()))
    big = np.asarray(random.permutation(KEY, 3000))  # two sorting rounds
    assert sorted(big.tolist()) == list(range(3000))
    with pytest.raises(TypeError, match="integer or at least 1-dimensional"):
        random.permutation(KEY, 3.0)


def test_multivariate_normal_and_orthogonal():
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    for method in ("cholesky", "svd", "eigh"):
        x = np.asarray(random.multivariate_normal(KEY, jnp.array([1.0, -1.0]), jnp.asarray(cov),
                                                  (N,), method=method), np.float64)
        np.testing.assert_allclose(x.mean(0), [1.0, -1.0], atol=0.05)
        np.testing.assert_allclose(np.cov(x.T), cov, atol=0.08)
    with pytest.raises(ValueError, match="method"):
        random.multivariate_normal(KEY, jnp.zeros(2), jnp.eye(2), method="lu")
    q = np.asarray(random.orthogonal(KEY, 4, (2,)), np.float64)
    np.testing.assert_allclose(q @ np.swapaxes(q, -1, -2), np.broadcast_to(np.eye(4), (2, 4, 4)),
                               atol=1e-5)
    assert random.orthogonal(KEY, 2, m=5).shape == (2, 5)


def test_ball_points_are_inside():
    points = np.asarray(random.ball(KEY, 3, p=1.5, shape=(500,)), np.float64)
    assert np.all(np.sum(np.abs(points) ** 1.5, -1) <= 1 + 1e-6)


def test_gamma_gradients_are_implicit_reparameterization():
    # d sample / d a = -(dF/da) / (dF/dx) at the sample, F the Gamma CDF.
    import scipy.special as sc
    with jaxlite.enable_x64():
        a = 2.7
        x = float(random.gamma(KEY, a))
        g = float(jaxlite.grad(lambda a: random.gamma(KEY, a))(a))
        h = 1e-6
        dF_da = (sc.gammainc(a + h, x) - sc.gammainc(a - h, x)) / (2 * h)
        dF_dx = np.exp(-x + (a - 1) * np.log(x) - sc.gammaln(a))
        np.testing.assert_allclose(g, -dF_da / dF_dx, rtol=1e-6)
        # loggamma: d log(sample) / da = (d sample / da) / sample
        lg = float(jaxlite.grad(lambda a: random.loggamma(KEY, a))(a))
        np.testing.assert_allclose(lg, g / x, rtol=1e-6)
        # through beta, dirichlet and t
        assert np.isfinite(jaxlite.grad(lambda a: random.beta(KEY, a, 2.0))(1.5))
        assert np.all(np.isfinite(jaxlite.grad(
            lambda a: jnp.sum(random.dirichlet(KEY, a) ** 2))(jnp.array([1.0, 2.0]))))


def test_dtypes_and_errors():
    assert random.exponential(KEY, (2,), jnp.float16).dtype == np.float16
    assert random.rademacher(KEY, (2,)).dtype == np.int32
    assert random.geometric(KEY, 0.5, (2,)).dtype == np.int32
    assert random.poisson(KEY, 2.0, (2,), jnp.int16).dtype == np.int16
    assert random.binomial(KEY, 5.0, 0.5, (2,)).dtype == np.float32
    with pytest.raises(ValueError, match="float dtype"):
        random.exponential(KEY, (2,), jnp.int32)
    with pytest.raises(ValueError, match="Incompatible shapes"):
        random.truncated_normal(KEY, jnp.zeros(3), 1.0, (2,))
    with pytest.raises(ValueError, match="broadcast-compatible"):
        random.truncated_normal(KEY, jnp.zeros(3), 1.0, (1,))
    with pytest.raises(ValueError, match="valid mode"):
        random.gumbel(KEY, (2,), mode="medium")
    with pytest.raises(ValueError, match="cannot safely cast"):
        with jaxlite.enable_x64():
            random.beta(KEY, jnp.ones(2, jnp.float64), 1.0, None, jnp.float32)
    with pytest.raises(ValueError, match="single key"):
        random.exponential(random.split(KEY, 2), (2,))


def test_key_helpers_and_gamma_primitive():
    np.testing.assert_array_equal(random.key_data(random.clone(KEY)), random.key_data(KEY))
    assert "threefry" in str(random.key_impl(KEY))
    # jax.random.random_gamma_p: raw key data and the (broadcast) shape parameter
    data = random.key_data(KEY)
    out = random.random_gamma_p.bind(data, jnp.full((3,), 2.5), log_space=False)
    np.testing.assert_array_equal(out, random.gamma(KEY, 2.5, (3,)))
