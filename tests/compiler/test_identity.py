"""The identity pass (compiler/identity.py): contractions and reductions of identity
constants (jacfwd/jacrev bases, jnp.eye) become the broadcast multiplies they really are.
Each rewrite gives the values of the unoptimized program (bit for bit: every dropped term
is an exact zero), and the dense work is gone from the optimized Jaxpr."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite._src.compiler.codegen import compile_jaxpr
from jaxlite._src.compiler.identity import collapse_identities, _identity_axes, _diagonal_of
from jaxlite._src.compiler.passes import optimize
from jaxlite._src.core import ShapedArray
from jaxlite._src.jaxpr import Eqn, Jaxpr, Var, eval_jaxpr
from jaxlite._src.prims import elementwise as ew
from jaxlite._src.prims.linalg import dot_general_p

F32 = np.float32
rng = np.random.default_rng(0)


def staged(f, *args):
    return jax.jit(f).lower(*args)._entry.jaxpr


def unoptimized(jaxpr, *args):
    """The program as traced, evaluated equation by equation (no passes)."""
    return [np.asarray(v) for v in eval_jaxpr(jaxpr, jaxpr.consts, *args)]


def compiled(jaxpr, *args):
    return [np.asarray(v) for v in compile_jaxpr(jaxpr)(*args)]


def largest_intermediate(jaxpr):
    return max((v.aval.size for e in jaxpr.eqns for v in e.outputs), default=0)


def dots(jaxpr):
    return [e for e in jaxpr.eqns if e.primitive.name == "dot_general"]


def assert_same_as_unoptimized(f, *args):
    jaxpr = staged(f, *args)
    expected = unoptimized(jaxpr, *args)
    got = compiled(jaxpr, *args)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == e.shape and g.dtype == e.dtype
        np.testing.assert_array_equal(g, e)
    return optimize(jaxpr)


# --- recognizing identities ---------------------------------------------------------------

def test_identity_axes_of_constants():
    assert _identity_axes(np.eye(4, dtype=F32)) == (0, 1)
    assert _identity_axes(np.eye(3, dtype=np.int32)) == (0, 1)
    assert _identity_axes(np.eye(3, dtype=np.complex64)) == (0, 1)
    assert _identity_axes(np.eye(5).T) == (0, 1)
    # An identity broadcast along other axes (what folding a broadcast_in_dim leaves).
    assert _identity_axes(np.broadcast_to(np.eye(4)[:, None, :], (4, 6, 4))) == (0, 2)
    assert _identity_axes(np.eye(4).reshape(4, 1, 4)) == (0, 2)
    near = np.eye(4)
    near[3, 0] = 1e-30
    assert _identity_axes(near) is None
    assert _identity_axes(np.eye(4) * 2) is None
    assert _identity_axes(np.eye(3, 4)) is None
    assert _identity_axes(np.ones((1, 1))) is None
    assert _identity_axes(np.eye(4, dtype=bool)) is None  # no arithmetic on booleans
    assert _identity_axes(np.eye(8)[::2, ::2]) == (0, 1)  # a strided view
    p, q, d = _diagonal_of(np.diag([2.0, 0.0, -0.0, 3.0]))  # other diagonal constants
    assert (p, q) == (0, 1) and d.tolist() == [2.0, 0.0, -0.0, 3.0]
    assert _diagonal_of(np.zeros((3, 3))) is None
    signed_zero = np.diag([1.0, 2.0, 3.0])
    signed_zero[2, 0] = -0.0
    assert _diagonal_of(signed_zero) is None  # only all-zero bits count as zero


# --- hand-built programs ---------------------------------------------------------------

def _diag_times_matrix(identity_side, contract):
    """(I * g) contracted with W on one axis of the identity, as jacrev's pullback does."""
    n, m = 5, 3
    ident, g, w = Var(ShapedArray((n, n), F32)), Var(ShapedArray((n,), F32)), \
        Var(ShapedArray((n, m), F32))
    scaled = Var(ShapedArray((n, n), F32))
    out = Var(ShapedArray((n, m), F32))
    if identity_side == 0:
        dims = (((contract,), (0,)), ((), ()))
        operands = [scaled, w]
    else:
        w = Var(ShapedArray((m, n), F32))
        dims = (((1,), (contract,)), ((), ()))
        operands = [w, scaled]
        out = Var(ShapedArray((m, n), F32))
    eqns = [Eqn(ew.mul_p, [ident, g], {}, [scaled]),
            Eqn(dot_general_p, operands, {"dimension_numbers": dims,
                                          "preferred_element_type": None}, [out])]
    return Jaxpr([ident], [np.eye(n, dtype=F32)], [g, w], eqns, [out]), n, m


@pytest.mark.parametrize("identity_side", [0, 1])
@pytest.mark.parametrize("contract", [0, 1])
def test_scaled_identity_contraction_becomes_broadcast_multiply(identity_side, contract):
    jaxpr, n, m = _diag_times_matrix(identity_side, contract)
    g = rng.standard_normal(n).astype(F32)
    w = rng.standard_normal((n, m) if identity_side == 0 else (m, n)).astype(F32)
    out = collapse_identities(jaxpr)
    assert not dots(out)
    np.testing.assert_array_equal(unoptimized(out, g, w)[0], unoptimized(jaxpr, g, w)[0])
    optimized_jaxpr = optimize(jaxpr)
    assert not dots(optimized_jaxpr) and optimized_jaxpr.consts == []
    assert largest_intermediate(optimized_jaxpr) == n * m  # no n x n array any more
    np.testing.assert_array_equal(compiled(jaxpr, g, w)[0], unoptimized(jaxpr, g, w)[0])


def test_pass_leaves_programs_without_identities_alone():
    jaxpr = staged(lambda x, w: jnp.tanh(w @ x), np.ones(3, F32), np.ones((2, 3), F32))
    assert collapse_identities(jaxpr) is jaxpr


# --- identities written with jnp.eye under jit -------------------------------------------

N = 6
G = rng.standard_normal(N).astype(F32)
H = rng.standard_normal(N).astype(F32)
W = rng.standard_normal((N, 4)).astype(F32)
M = rng.standard_normal((3, N)).astype(F32)


@pytest.mark.parametrize("f", [
    lambda g, w: (jnp.eye(N) * g) @ w,                      # diag(g) @ W
    lambda g, w: (g[:, None] * jnp.eye(N)) @ w,             # the same, scaled by rows
    lambda g, w: w.T @ (jnp.eye(N) * g),                    # W^T diag(g)
    lambda g, w: jnp.eye(N) @ w,                            # I @ W
    lambda g, w: w.T @ jnp.eye(N),                          # W^T @ I
    lambda g, w: (jnp.eye(N) * g).T @ w,                    # through a transpose
    lambda g, w: (-(jnp.eye(N) * g) + 2.0 * jnp.eye(N)) @ w,  # neg, add, literal scaling
    lambda g, w: (jnp.eye(N) * g * g[::-1]) @ w,            # products of scalings
    lambda g, w: jnp.einsum("ij,jk->ik", jnp.eye(N) * g, w),
    lambda g, w: jnp.sum(jnp.eye(N) * g, axis=0),           # reductions over one axis
    lambda g, w: jnp.sum(jnp.eye(N) * g[:, None], axis=1),
    lambda g, w: jnp.sum(jnp.eye(N)[:, None, :] * g * w[:, :1, None], axis=2),
    lambda g, w: jnp.tensordot(jnp.eye(N) * g, w, axes=([0], [0])),
    lambda g, w: jnp.diag(jnp.arange(N, dtype=jnp.float32) - 2.0) @ (w * g[:, None]),
    lambda g, w: (jnp.eye(N) / (g * g + 1.0) * g) @ w,      # divided (as sqrt's JVP does)
], ids=["diag_w", "row_scaled", "w_diag", "eye_w", "w_eye", "transposed", "neg_add",
        "product", "einsum", "sum0", "sum1", "broadcast_sum", "tensordot", "diagonal_constant",
        "divided"])
def test_jnp_eye_rewrites_match_the_unoptimized_program(f):
    opt = assert_same_as_unoptimized(f, G, W)
    assert largest_intermediate(opt) < N * N * 3  # no n x n x k work
    assert all(N * N != max(v.aval.size for v in e.inputs) or e.primitive.name != "dot_general"
               for e in opt.eqns)
    assert not any(_identity_axes(c) for c in opt.consts)  # the identity is gone


def test_dense_uses_of_the_identity_still_work():
    # The identity scaled along both axes, or added to a dense matrix, is not diagonal.
    f = lambda g, w: ((jnp.eye(N) * g) * g[:, None] + 1.0) @ w  # noqa: E731
    opt = assert_same_as_unoptimized(f, G, W)
    assert dots(opt)
    g = lambda g, w: ((jnp.eye(N) * g) @ w, jnp.eye(N) * g)  # noqa: E731
    assert_same_as_unoptimized(g, G, W)  # the scaled identity itself is an output


def test_integer_identity():
    f = lambda v, w: (jnp.eye(N, dtype=jnp.int32) * v) @ w  # noqa: E731
    v = np.arange(N, dtype=np.int32) - 2
    w = np.arange(N * 3, dtype=np.int32).reshape(N, 3)
    opt = assert_same_as_unoptimized(f, v, w)
    assert not dots(opt)
    np.testing.assert_array_equal(compiled(staged(f, v, w), v, w)[0], v[:, None] * w)


# --- Jacobians and Hessians ---------------------------------------------------------------

def _finite_differences(f, x, eps=1e-6):
    x = np.asarray(x, np.float64)
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    return np.stack(cols, axis=-1)


@pytest.mark.parametrize("n_in, n_out", [(4, 7), (7, 4)])
def test_jacobians_of_tanh_layer(n_in, n_out):
    w = rng.standard_normal((n_out, n_in)).astype(F32)
    x = rng.standard_normal(n_in).astype(F32)
    f = lambda x, w: jnp.tanh(w @ x)  # noqa: E731
    for mode in (jax.jacfwd, jax.jacrev):
        jaxpr = staged(mode(f), x, w)
        opt = optimize(jaxpr)
        # Neither the identity basis nor any n x n product of it survives.
        assert largest_intermediate(opt) <= n_in * n_out
        assert not any(_identity_axes(c) for c in opt.consts)
        np.testing.assert_array_equal(compiled(jaxpr, x, w)[0], unoptimized(jaxpr, x, w)[0])
    fwd = np.asarray(jax.jit(jax.jacfwd(f))(x, w))
    rev = np.asarray(jax.jit(jax.jacrev(f))(x, w))
    np.testing.assert_allclose(fwd, rev, rtol=1e-6, atol=1e-6)
    fd = _finite_differences(lambda v: np.tanh(w.astype(np.float64) @ v), x)
    np.testing.assert_allclose(rev, fd, rtol=1e-4, atol=1e-5)


HESSIAN_MODES = [(jax.jacfwd, jax.jacrev), (jax.jacrev, jax.jacfwd), (jax.jacrev, jax.jacrev),
                 (jax.jacfwd, jax.jacfwd)]


@pytest.mark.parametrize("outer, inner", HESSIAN_MODES,
                         ids=[f"{o.__name__}_{i.__name__}" for o, i in HESSIAN_MODES])
def test_hessians_have_no_cubic_work(outer, inner, x64):
    n = 7
    a = rng.standard_normal((n, n)) / np.sqrt(n)
    x = rng.standard_normal(n)

    def f(x):
        return jnp.sum(jnp.tanh(jnp.dot(a, x)) ** 2)

    hess = outer(inner(f))
    jaxpr = staged(hess, x)
    opt = optimize(jaxpr)
    # No n x n x n broadcast-multiply-reduce: a scaled identity collapses (this pass), a
    # real contraction becomes a dot_general (contract.py; jacfwd(jacfwd) has one).
    assert largest_intermediate(opt) <= n * n
    got = compiled(jaxpr, x)[0]
    np.testing.assert_allclose(got, unoptimized(jaxpr, x)[0], rtol=1e-13, atol=1e-14)
    expected = _finite_differences(
        lambda v: 2 * a.T @ (np.tanh(a @ v) * (1 - np.tanh(a @ v) ** 2)), x)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got, got.T, rtol=1e-12, atol=1e-14)


def _random_scalar_function(rng, n):
    """sum(g(W1 @ x + b) * (W2 @ x)) + c * x @ x for a random elementwise g: a dense
    Hessian with cross terms, closed-over matrices and a bias."""
    w1, w2 = rng.standard_normal((2, n + 2, n)) / np.sqrt(n)
    b = rng.standard_normal(n + 2)
    c = rng.standard_normal()
    g = [jnp.tanh, jnp.sin, lambda u: jnp.exp(-u * u), lambda u: u ** 3 / 6][rng.integers(4)]

    def f(x):
        return jnp.sum(g(jnp.dot(w1, x) + b) * jnp.dot(w2, x)) + c * jnp.dot(x, x)
    return f


@pytest.mark.parametrize("seed", range(4))
def test_hessian_modes_agree_on_random_functions(seed, x64):
    # Every order of jacfwd/jacrev, hessian, jitted and not: one matrix, the finite
    # differences of the gradient, symmetric.
    rng = np.random.default_rng(seed)
    n = 6
    f = _random_scalar_function(rng, n)
    x = rng.standard_normal(n)
    eager = np.asarray(jax.hessian(f)(x))
    results = [np.asarray(jax.jit(jax.hessian(f))(x))]
    results += [np.asarray(jax.jit(outer(inner(f)))(x)) for outer, inner in HESSIAN_MODES]
    for got in results:
        np.testing.assert_allclose(got, eager, rtol=1e-12, atol=1e-12)
    gradient = jax.jit(jax.grad(f))
    fd = _finite_differences(lambda v: np.asarray(gradient(v)), x)
    np.testing.assert_allclose(eager, fd, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(eager, eager.T, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("outer, inner", HESSIAN_MODES[:3],
                         ids=[f"{o.__name__}_{i.__name__}" for o, i in HESSIAN_MODES[:3]])
def test_hessian_of_a_layer_is_one_matrix_product(outer, inner):
    # sum(tanh(A @ x)**2) has Hessian A^T diag(w) A: besides A @ x, one n x n x n product
    # (the basis' products with A are transposes of it, folded at compile time), and no
    # operand of it is a transposed view (fold.py copies A^T once).
    n = 12
    a = rng.standard_normal((n, n)).astype(F32)
    x = rng.standard_normal(n).astype(F32)
    opt = optimize(staged(outer(inner(lambda x: jnp.sum(jnp.tanh(a @ x) ** 2))), x))
    assert sorted(max(v.aval.size for v in e.inputs) for e in dots(opt)) == [n * n, n * n]
    assert all(np.asarray(c).flags.c_contiguous for c in opt.consts if np.ndim(c) > 1
               and 0 not in np.shape(c) and all(np.asarray(c).strides))


def test_hessian_of_closed_over_identity_program(x64):
    # jnp.eye inside the differentiated function meets the jacfwd/jacrev bases.
    n = 5
    x = rng.standard_normal(n)

    def f(x):
        return jnp.sum((jnp.eye(n) * jnp.sin(x)) @ x)  # sum_i sin(x_i) x_i

    jaxpr = staged(jax.hessian(f), x)
    got = compiled(jaxpr, x)[0]
    np.testing.assert_allclose(got, unoptimized(jaxpr, x)[0], rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(got, np.diag(2 * np.cos(x) - x * np.sin(x)), atol=1e-12)


def test_jacobians_with_several_inputs_and_outputs():
    # Several leaves share one basis (blocks of the identity, not square): values only.
    x = rng.standard_normal(3).astype(F32)
    y = rng.standard_normal((2, 2)).astype(F32)

    def f(x, y):
        return {"a": jnp.sin(x) * jnp.sum(y), "b": jnp.tanh(y @ y) * x[0]}

    for mode in (jax.jacfwd, jax.jacrev):
        jac = mode(f, argnums=(0, 1))
        expected = jax.tree_util.tree_leaves(jac(x, y))
        got = jax.tree_util.tree_leaves(jax.jit(jac)(x, y))
        for g, e in zip(got, expected):
            np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6, atol=1e-6)


def test_infinite_derivative_stays_in_its_column():
    # d sqrt(x)/dx is inf at 0. Dense, the basis' off-diagonal 0 / 0 would make every
    # entry NaN; the Jacobian (and JAX's jit(jacfwd) here) keeps inf/nan to column 0.
    x = np.array([0.0, 1.0, 4.0], F32)
    w = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]], F32)
    expected = np.array([[np.inf, 1.0, 0.75], [np.nan, 0.5, 0.0]], F32)
    for mode in (jax.jacfwd, jax.jacrev):
        got = np.asarray(jax.jit(mode(lambda x: jnp.asarray(w) @ jnp.sqrt(x)))(x))
        np.testing.assert_array_equal(got, expected)


def test_closed_over_matrix_with_inf_or_nan_keeps_the_dense_products_nans():
    # W @ I with an inf or NaN in a constant W: the dense product's 0 * inf spreads NaN
    # along the contraction. JAX 0.10.2 prints these for jit(jacfwd) and jit(jacrev).
    w = np.array([[1.0, np.inf, 0.0], [2.0, 3.0, -1.0], [0.0, 0.5, np.nan]], F32)
    x = np.array([0.5, -1.0, 2.0], F32)
    nan, inf = np.nan, np.inf
    expected = {jax.jacfwd: [[nan, inf, nan], [2.0, 3.0, -1.0], [nan, nan, nan]],
                jax.jacrev: [[1.0, inf, nan], [2.0, nan, nan], [0.0, nan, nan]]}
    for mode, want in expected.items():
        jac = mode(lambda x: jnp.asarray(w) @ x)
        np.testing.assert_array_equal(np.asarray(jax.jit(jac)(x)), np.array(want, F32))
        np.testing.assert_array_equal(np.asarray(jac(x)), np.array(want, F32))


def test_closed_over_matrix_with_negative_zeros_gives_the_dense_products_zeros():
    # -0.0 + 0.0 is +0.0: the dense W @ I (and JAX) shows 0.0 where W holds -0.0. The
    # product still collapses: W + 0.0, folded at compile time.
    w = np.array([[1.0, -0.0, 0.0], [-0.0, 3.0, -1.0], [0.0, 0.5, -2.0]], F32)
    x = np.array([0.5, -1.0, 2.0], F32)
    for mode in (jax.jacfwd, jax.jacrev):
        jac = mode(lambda x: jnp.asarray(w) @ x)
        got = np.asarray(jax.jit(jac)(x))
        np.testing.assert_array_equal(got, w)
        assert not np.signbit(got[got == 0]).any()
        assert not dots(optimize(staged(jac, x)))


def test_closed_over_complex_matrix_with_inf_or_negative_zeros():
    # Each part is checked: an inf spreads NaN along the contraction (JAX 0.10.2 prints
    # row 1 all nan+nanj), and the -0.0 parts become +0.0 as in the dense product.
    x = np.array([0.5, -1.0], F32)
    w = np.array([[1, complex(-0.0, 2)], [complex(3, -0.0), complex(np.inf, 1)]], np.complex64)
    jac = jax.jacfwd(lambda x: jnp.asarray(w) @ x.astype(jnp.complex64))
    got = np.asarray(jax.jit(jac)(x))
    np.testing.assert_array_equal(got[0], w[0])
    assert np.isnan(got[1].real).all() and np.isnan(got[1].imag).all()
    w[1, 1] = 1j
    jac = jax.jacfwd(lambda x: jnp.asarray(w) @ x.astype(jnp.complex64))
    got = np.asarray(jax.jit(jac)(x))
    np.testing.assert_array_equal(got, w)
    assert not np.signbit(got.real[got.real == 0]).any()
    assert not np.signbit(got.imag[got.imag == 0]).any()
    assert not dots(optimize(staged(jac, x)))
