"""The contraction pass (compiler/contract.py): reduce_sum of a broadcast product (an outer
product summed over shared axes) becomes a dot_general. Values match the unoptimized
program up to the rounding of another summation order; the large temporary is gone."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite._src.compiler.codegen import compile_jaxpr
from jaxlite._src.compiler.contract import contract_sums
from jaxlite._src.compiler.passes import optimize
from jaxlite._src.jaxpr import eval_jaxpr

rng = np.random.default_rng(1)
F32 = np.float32
A = rng.standard_normal((6, 9)).astype(F32)
B = rng.standard_normal((7, 9)).astype(F32)
C = rng.standard_normal((6, 9)).astype(F32)
V = rng.standard_normal(9).astype(F32)


def staged(f, *args):
    return jax.jit(f).lower(*args)._entry.jaxpr


def largest_intermediate(jaxpr):
    return max((v.aval.size for e in jaxpr.eqns for v in e.outputs), default=0)


def names(jaxpr):
    return [e.primitive.name for e in jaxpr.eqns]


def check(f, *args, contracted=True, rtol=1e-5):
    jaxpr = staged(f, *args)
    expected = [np.asarray(v) for v in eval_jaxpr(jaxpr, jaxpr.consts, *args)]
    got = [np.asarray(v) for v in compile_jaxpr(jaxpr)(*args)]
    for g, e in zip(got, expected):
        assert g.shape == e.shape and g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=rtol, atol=1e-5)
    opt = optimize(jaxpr)
    if contracted:
        assert "dot_general" in names(opt) and "reduce_sum" not in names(opt)
        assert largest_intermediate(opt) < 6 * 7 * 9
    return opt


@pytest.mark.parametrize("f", [
    lambda a, b, c: jnp.sum(a[:, None, :] * b[None, :, :], axis=2),
    lambda a, b, c: jnp.sum(b[None, :, :] * a[:, None, :], axis=-1),
    lambda a, b, c: jnp.sum(a[:, None, :] * b, axis=2),                    # numpy alignment
    lambda a, b, c: jnp.sum(a[:, :, None] * b.T[None, :, :], axis=1),      # reduce a middle axis
    lambda a, b, c: jnp.sum(a[:, None, :] * b[None] * c[:1, None, :], axis=2),  # three factors
    lambda a, b, c: jnp.sum(a[:, None, :] * b[None] - 2.0 * (c[:, None, :] * b[None]), axis=2),
    lambda a, b, c: -jnp.sum(-(a[:, None, :] * b[None]) + c[:, None, :] * b[None], axis=2),
    lambda a, b, c: jnp.sum(a[:, None, :, None] * b[None, :, :, None], axis=(2, 3)),
], ids=["outer", "swapped", "aligned", "middle", "three", "sub_scaled", "neg_add",
        "unit_axis"])
def test_broadcast_products_become_dot_general(f):
    check(f, A, B, C)


def test_batch_axes():
    x = rng.standard_normal((4, 6, 9)).astype(F32)
    y = rng.standard_normal((4, 7, 9)).astype(F32)
    opt = check(lambda x, y: jnp.sum(x[:, :, None, :] * y[:, None, :, :], axis=-1), x, y)
    dot = next(e for e in opt.eqns if e.primitive.name == "dot_general")
    assert dot.params["dimension_numbers"][1] == ((0,), (0,))


def test_float64_and_complex(x64):
    a, b = A.astype(np.float64), B.astype(np.float64)
    check(lambda a, b: jnp.sum(a[:, None, :] * b[None], axis=2), a, b, rtol=1e-12)
    a, b = a + 1j * a[::-1], b - 0.5j * b
    check(lambda a, b: jnp.sum(a[:, None, :] * b[None], axis=2), a, b, rtol=1e-12)


@pytest.mark.parametrize("f", [
    lambda a, b: jnp.sum(a * a),                                 # nothing is broadcast
    lambda a, b: jnp.sum(a[:, None, :] * b[None, :, :1], axis=2),  # axis 2 on one side only
    lambda a, b: jnp.sum(a[:, None, :] * b[None, :, :], axis=(0, 2)),  # axis 0 likewise
    lambda a, b: (lambda p: (jnp.sum(p, axis=2), p))(a[:, None, :] * b[None]),  # read twice
    lambda a, b: jnp.sum(jnp.sin(a[:, None, :] * b[None]), axis=2),  # not a product
], ids=["dot_of_equal_shapes", "one_sided", "one_sided_batch", "product_is_output", "sin"])
def test_left_alone(f):
    jaxpr = staged(f, A, B)
    assert contract_sums(jaxpr) is jaxpr
    opt = check(f, A, B, contracted=False)
    assert "reduce_sum" in names(opt)


def test_forward_over_forward_hessian(x64):
    n = 8
    a = rng.standard_normal((n, n)) / np.sqrt(n)
    x = rng.standard_normal(n)

    def f(x):
        return jnp.sum(jnp.tanh(a @ x) ** 2)

    hess = jax.jacfwd(jax.jacfwd(f))
    opt = optimize(staged(hess, x))
    assert largest_intermediate(opt) <= n * n
    got = np.asarray(jax.jit(hess)(x))
    np.testing.assert_allclose(got, np.asarray(jax.jit(jax.jacrev(jax.jacrev(f)))(x)),
                               rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(got, np.asarray(hess(x)), rtol=1e-12, atol=1e-13)
    t = np.tanh(a @ x)
    exact = 2 * a.T @ np.diag((1 - t ** 2) * (1 - 3 * t ** 2)) @ a
    np.testing.assert_allclose(got, exact, rtol=1e-10, atol=1e-12)
