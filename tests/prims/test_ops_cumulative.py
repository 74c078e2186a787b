"""Cumulative reductions (lax.cumsum/cumprod/cummax/cummin/cumlogsumexp and the jnp
functions over them) through the op table, plus JAX's dtype rules."""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from op_table import Arg, Op, check_op, op_id

F = Arg((3, 5))


def _reverse(fn, axis):
    return lambda x: np.flip(fn(np.flip(x, axis), axis), axis)


def _logcumsumexp(x, axis):
    return np.logaddexp.accumulate(x, axis=axis)


def _with_zeros(rng):
    x = rng.uniform(-2, 2, (3, 5))
    x[rng.random((3, 5)) < 0.3] = 0.0
    return x.astype(np.float32)


def _with_nans(rng):
    x = rng.uniform(-2, 2, (3, 5))
    x[rng.random((3, 5)) < 0.3] = np.nan
    return x.astype(np.float32)


def _lax_rows():
    rows = []
    refs = {"cumsum": lambda x, a: np.cumsum(x, a), "cumprod": lambda x, a: np.cumprod(x, a),
            "cummax": lambda x, a: np.maximum.accumulate(x, a),
            "cummin": lambda x, a: np.minimum.accumulate(x, a), "cumlogsumexp": _logcumsumexp}
    for name, ref in refs.items():
        fn = getattr(lax, name)
        for axis in (0, 1):
            for reverse in (False, True):
                reference = _reverse(ref, axis) if reverse else (lambda x, r=ref, a=axis: r(x, a))
                rows.append(Op(f"lax.{name} axis={axis} reverse={reverse}",
                               lambda x, f=fn, a=axis, r=reverse: f(x, axis=a, reverse=r),
                               reference, (F,), diff=(0,), rtol=1e-5, atol=1e-5))
    rows += [
        Op("lax.cumprod with zeros", lambda x: lax.cumprod(x, axis=1), lambda x: np.cumprod(x, 1),
           (Arg(kind="custom", gen=_with_zeros),), diff=(0,)),
        Op("lax.cumprod reverse with zeros", lambda x: lax.cumprod(x, axis=1, reverse=True),
           _reverse(lambda x, a: np.cumprod(x, a), 1), (Arg(kind="custom", gen=_with_zeros),),
           diff=(0,)),
        Op("lax.cumsum int32", lambda x: lax.cumsum(x, axis=1), lambda x: np.cumsum(x, 1),
           (Arg((3, 5), "int32", "int", -9, 9),)),
        Op("lax.cummax int8", lambda x: lax.cummax(x, axis=0),
           lambda x: np.maximum.accumulate(x, 0), (Arg((3, 5), "int8", "int", -9, 9),)),
        Op("lax.cumsum 3-D", lambda x: lax.cumsum(x, axis=1), lambda x: np.cumsum(x, 1),
           (Arg((2, 7, 3)),), diff=(0,)),
        Op("lax.cumprod 1 element", lambda x: lax.cumprod(x, axis=1), lambda x: np.cumprod(x, 1),
           (Arg((3, 1)),), diff=(0,)),
    ]
    return rows


OPS = _lax_rows() + [
    Op("jnp.cumsum", jnp.cumsum, np.cumsum, (F,), diff=(0,)),
    Op("jnp.cumsum axis=1", lambda x: jnp.cumsum(x, axis=1), lambda x: np.cumsum(x, axis=1),
       (F,), diff=(0,)),
    Op("jnp.cumsum axis=-2 int8", lambda x: jnp.cumsum(x, axis=-2),
       lambda x: np.cumsum(x, axis=-2, dtype=np.int8), (Arg((3, 5), "int8", "int", -9, 9),)),
    Op("jnp.cumsum bool", jnp.cumsum, lambda x: np.cumsum(x).astype(np.int32),
       (Arg((3, 5), kind="bool"),)),
    Op("jnp.cumsum dtype=float32", lambda x: jnp.cumsum(x, axis=0, dtype=jnp.float32),
       lambda x: np.cumsum(x, axis=0, dtype=np.float32), (Arg((3, 5), "int32", "int", -9, 9),)),
    Op("jnp.cumsum dtype=bool", lambda x: jnp.cumsum(x, axis=1, dtype=bool),
       lambda x: np.cumsum(x != 0, axis=1) > 0, (Arg((3, 5), "int32", "int", -1, 2),)),
    Op("jnp.cumprod", lambda x: jnp.cumprod(x, axis=1), lambda x: np.cumprod(x, axis=1), (F,),
       diff=(0,)),
    Op("jnp.cumprod flattened", jnp.cumprod, np.cumprod,
       (Arg(kind="custom", gen=_with_zeros),), diff=(0,)),
    Op("jnp.nancumsum", lambda x: jnp.nancumsum(x, axis=1), lambda x: np.nancumsum(x, axis=1),
       (Arg(kind="custom", gen=_with_nans),), diff=(0,)),
    Op("jnp.nancumprod", jnp.nancumprod, np.nancumprod, (Arg(kind="custom", gen=_with_nans),),
       diff=(0,)),
    Op("jnp.cumulative_sum", lambda x: jnp.cumulative_sum(x, axis=1),
       lambda x: np.cumsum(x, axis=1), (F,), diff=(0,)),
    Op("jnp.cumulative_sum include_initial",
       lambda x: jnp.cumulative_sum(x, axis=0, include_initial=True),
       lambda x: np.concatenate([np.zeros((1, 5), x.dtype), np.cumsum(x, axis=0)]), (F,),
       diff=(0,)),
    Op("jnp.cumulative_sum int8 promotes", jnp.cumulative_sum,
       lambda x: np.cumsum(x).astype(np.int32), (Arg((6,), "int8", "int", -9, 9),)),
    Op("jnp.cumulative_prod", lambda x: jnp.cumulative_prod(x, axis=1, include_initial=True),
       lambda x: np.concatenate([np.ones((3, 1), x.dtype), np.cumprod(x, axis=1)], axis=1),
       (F,), diff=(0,)),
    Op("x.cumsum()", lambda x: x.cumsum(axis=0), lambda x: np.cumsum(x, axis=0), (F,), diff=(0,)),
    Op("x.cumprod()", lambda x: x.cumprod(), lambda x: np.cumprod(x), (F,), diff=(0,)),
]


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)


def test_dtypes_follow_jax(x64):
    assert jnp.cumsum(jnp.arange(3, dtype=jnp.int8)).dtype == jnp.int8
    assert jnp.cumsum(jnp.arange(3, dtype=jnp.uint8)).dtype == jnp.uint8
    assert jnp.cumprod(jnp.arange(3, dtype=jnp.int16)).dtype == jnp.int16
    assert jnp.cumsum(jnp.array([True, False])).dtype == jnp.int64
    assert jnp.cumulative_sum(jnp.arange(3, dtype=jnp.int8)).dtype == jnp.int64
    assert jnp.cumulative_sum(jnp.arange(3, dtype=jnp.uint8)).dtype == jnp.uint64


def test_weak_types_and_errors():
    weak = jnp.broadcast_to(1.0, (3,))
    assert lax.cumsum(weak).weak_type and jaxlite.jit(lax.cumsum)(weak).weak_type
    assert not lax.cumsum(jnp.ones(3)).weak_type
    with pytest.raises(TypeError, match="number"):
        lax.cumsum(jnp.array([True, False]))
    with pytest.raises(ValueError, match="out of bounds"):
        lax.cummax(jnp.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="non-scalar"):
        jnp.cumulative_sum(jnp.asarray(1.0))
    with pytest.raises(ValueError, match="axis"):
        jnp.cumulative_prod(jnp.ones((2, 2)))


def test_higher_order_derivatives():
    x = jnp.array([0.5, -1.0, 2.0, 0.0, 1.5])
    h = jaxlite.hessian(lambda x: jnp.sum(lax.cumprod(x)))(x)
    np.testing.assert_allclose(h, jaxlite.jacrev(jaxlite.jacfwd(lambda x: jnp.sum(lax.cumprod(x))))(x))
    # d^2/dx_i dx_j sum_k prod_{l<=k} x_l: the product of the other factors, summed over k.
    want = np.zeros((5, 5))
    xs = np.asarray(x)
    for k in range(5):
        for i in range(k + 1):
            for j in range(k + 1):
                if i != j:
                    want[i, j] += np.prod([xs[l] for l in range(k + 1) if l not in (i, j)])
    np.testing.assert_allclose(h, want, rtol=1e-6, atol=1e-6)
    g = jaxlite.grad(lambda x: jnp.sum(lax.cumlogsumexp(x) ** 2))
    np.testing.assert_allclose(jaxlite.jit(g)(x), g(x), rtol=1e-6)


def test_jit_lowers_to_numpy_accumulations():
    # Integer sums and max/min (exact in any order) lower to NumPy's accumulations; float
    # sums call the implementation, which rounds in XLA's order.
    f = jaxlite.jit(lambda x: (lax.cumsum(x.astype(jnp.int32), axis=1), lax.cummax(x, axis=0),
                               lax.cumsum(x, axis=1)))
    source = f.lower(jnp.ones((2, 3))).compile().as_python()
    assert "np.cumsum" in source and "np.maximum.accumulate" in source
    assert "cumsum_" in source
