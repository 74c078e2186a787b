"""Cases of jax.lax whose results JAX decides by convention: XLA's gather/scatter modes and
dimension numbers, reduce_precision's rounding, bit functions on negative numbers, the
order of generic reductions, implicit derivatives of custom_root/custom_linear_solve.

Each case is a function of the modules (jax, jnp, lax) returning a pytree of arrays.
tools/record_case_golden.py lax runs them with real JAX and stores the results in
tests/data/lax_golden.json; tests/lax/test_ops_lax.py runs them with jaxlite and compares.
Nothing here imports JAX.
"""
import numpy as np

RNG = np.random.default_rng(11)
X = RNG.normal(size=(4, 5, 3)).astype(np.float32)
IDX = np.array([[1, 0], [3, 4], [-1, 2], [2, 9], [0, 3]], np.int32)
UPD = RNG.normal(size=(5, 2, 3)).astype(np.float32)
TAKE = np.array([[[3], [0], [4], [4]], [[1], [1], [0], [2]], [[4], [3], [2], [1]],
                 [[0], [0], [1], [9]]], np.int32)
SPECIAL = np.array([1.2345678, 3e38, 1e-40, 65519., 65520., np.nan, -np.inf, -1e-5, 1e-5,
                    6e-5, 1.00390625, 1.01171875, -2.7, 300., 500., 0.0078125, 2 ** -14,
                    2 ** -15, -0.0, 448., 449., 57344.], np.float32)
INTS = np.array([0, 1, -1, 7, -8, 2 ** 30, -2 ** 31, 2 ** 31 - 1, 123456789, -987654321],
                np.int32)


def _gdn(lax, offset, collapsed, start_map, obatch=(), ibatch=()):
    return lax.GatherDimensionNumbers(offset_dims=offset, collapsed_slice_dims=collapsed,
                                      start_index_map=start_map, operand_batching_dims=obatch,
                                      start_indices_batching_dims=ibatch)


def _sdn(lax, window, inserted, to_operand, obatch=(), ibatch=()):
    return lax.ScatterDimensionNumbers(update_window_dims=window, inserted_window_dims=inserted,
                                       scatter_dims_to_operand_dims=to_operand,
                                       operand_batching_dims=obatch,
                                       scatter_indices_batching_dims=ibatch)


def gather_modes(jax, jnp, lax):
    dn = _gdn(lax, (1, 2), (0,), (0, 1))
    out = [lax.gather(X, IDX, dn, (1, 2, 3), mode=m) for m in (None, "clip", "fill")]
    out.append(lax.gather(X, IDX, dn, (1, 2, 3), mode="fill", fill_value=-7.0))
    out.append(lax.gather(np.arange(20, dtype=np.int32).reshape(4, 5), IDX,
                          _gdn(lax, (1,), (0,), (0, 1)), (1, 2), mode="fill"))
    return out


def gather_layouts(jax, jnp, lax):
    middle = lax.gather(X, np.array([[[4], [0]], [[2], [2]], [[1], [3]]], np.int32),
                        _gdn(lax, (0, 3), (1,), (1,)), (4, 1, 2))
    batched = lax.gather(X[:, :, 0], TAKE, _gdn(lax, (), (1,), (1,), (0,), (0,)), (1, 1))
    reversed_map = lax.gather(X, np.array([[2, 1], [0, 3]], np.int32),
                              _gdn(lax, (1,), (0, 2), (2, 0)), (1, 5, 1))
    return [middle, batched, reversed_map]


def gather_derivatives(jax, jnp, lax):
    dn = _gdn(lax, (1, 2), (0,), (0, 1))
    w = np.arange(30, dtype=np.float32).reshape(5, 2, 3)
    clip = jax.grad(lambda x: (lax.gather(x, IDX, dn, (1, 2, 3), mode="clip") * w).sum())(X)
    fill = jax.grad(lambda x: (lax.gather(x, IDX, dn, (1, 2, 3), mode="fill",
                                          fill_value=0.) * w).sum())(X)
    tangent = jax.jvp(lambda x: lax.gather(x, IDX, dn, (1, 2, 3)), (X,), (X * 2,))[1]
    return [clip, fill, tangent]


def scatter_modes(jax, jnp, lax):
    dn = _sdn(lax, (1, 2), (0,), (0, 1))
    out = []
    for fn in (lax.scatter, lax.scatter_add, lax.scatter_sub, lax.scatter_mul,
               lax.scatter_min, lax.scatter_max):
        for mode in (None, "clip", "promise_in_bounds"):
            if fn is lax.scatter and mode == "clip":
                continue  # clamped windows overlap: XLA leaves the winner unspecified
            out.append(fn(X, IDX, UPD, dn, mode=mode))
    return out


def scatter_layouts(jax, jnp, lax):
    dups = np.array([[1], [3], [1], [0], [3], [3]], np.int32)
    add = lax.scatter_add(X, dups, np.ones((4, 6, 3), np.float32) * np.arange(6)[:, None],
                          _sdn(lax, (0, 2), (1,), (1,)))
    batched = lax.scatter_add(X[:, :, 0], TAKE, np.ones((4, 4), np.float32),
                              _sdn(lax, (), (1,), (1,), (0,), (0,)))
    apply = lax.scatter_apply(np.arange(6.0, dtype=np.float32), np.array([[1], [1], [2], [9]]),
                              lambda v: v * 2 + 1, _sdn(lax, (), (0,), (0,)), update_shape=(4,))
    take = lax.index_take(X, (np.array([1, 0, -1, 3]), np.array([2, -5, 0, 4])), (0, 1))
    return [add, batched, apply, take]


def scatter_derivatives(jax, jnp, lax):
    dn = _sdn(lax, (1, 2), (0,), (0, 1))
    w = np.arange(60, dtype=np.float32).reshape(4, 5, 3)
    out = []
    for fn in (lax.scatter, lax.scatter_add, lax.scatter_min, lax.scatter_max):
        out += list(jax.grad(lambda x, u: (fn(x, IDX, u, dn) * w).sum(), (0, 1))(X, UPD))
    out.append(jax.grad(lambda x: (lax.scatter_mul(x, IDX, UPD, dn) * w).sum())(X))
    out.append(jax.grad(lambda u: (lax.scatter_mul(X, IDX[:2], u, dn, unique_indices=True)
                                   * w).sum())(UPD[:2]))
    return out


def reduce_precision(jax, jnp, lax):
    out = [lax.reduce_precision(SPECIAL, e, m) for e, m in
           ((5, 10), (8, 7), (4, 3), (5, 2), (8, 0), (2, 1), (8, 23), (11, 52))]
    out.append(lax.reduce_precision(np.clip(SPECIAL, -6e4, 6e4).astype(np.float16), 4, 3))
    out.append(jax.grad(lambda x: lax.reduce_precision(x * 1.2345678, 5, 10))(1.0))
    return out


def bit_functions(jax, jnp, lax):
    small = INTS.astype(np.int8)
    return [lax.population_count(INTS), lax.population_count(small),
            lax.population_count(INTS.view(np.uint32)), lax.clz(INTS), lax.clz(small),
            lax.clz(INTS.astype(np.uint16)),
            lax.mulhi(INTS, INTS[::-1].copy()), lax.mulhi(small, small[::-1].copy()),
            lax.mulhi(INTS.view(np.uint32), INTS[::-1].view(np.uint32)),
            lax.shift_right_logical(INTS, np.int32(3)), lax.shift_right_arithmetic(INTS, 33),
            lax.shift_left(INTS, np.arange(10, dtype=np.int32) * 4),
            lax.reduce_and(INTS.reshape(2, 5), (1,)), lax.reduce_or(INTS.reshape(2, 5), (0,)),
            lax.reduce_xor(INTS.reshape(2, 5), (1,)),
            lax.reduce_xor(np.array([[True, True, False], [True, False, False]]), (1,)),
            lax.bitcast_convert_type(np.float32([1.0, -2.5]), np.uint8),
            lax.bitcast_convert_type(np.arange(8, dtype=np.uint8).reshape(2, 4), np.float32),
            lax.bitcast_convert_type(INTS, np.float32)]


def dynamic_slicing(jax, jnp, lax):
    x = np.arange(20, dtype=np.float32).reshape(4, 5)
    return [lax.dynamic_slice(x, (-1, -3), (2, 2)), lax.dynamic_slice(x, (-9, 7), (2, 2)),
            lax.dynamic_slice_in_dim(x, -2, 2, axis=1),
            lax.dynamic_index_in_dim(x, -1, 0, keepdims=False),
            lax.dynamic_update_slice(x, -np.ones((2, 2), np.float32), (-1, 2)),
            lax.dynamic_update_slice_in_dim(x, -np.ones((4, 2), np.float32), -1, axis=1),
            lax.dynamic_update_index_in_dim(x, -np.ones(5, np.float32), -2, 0),
            jax.grad(lambda x: (lax.dynamic_slice(x, (-1, 1), (2, 3)) ** 2).sum())(x),
            jax.jit(lambda x, i: lax.dynamic_slice_in_dim(x, i, 3, axis=1))(x, -2)]


def generic_reduce(jax, jnp, lax):
    x = np.arange(1, 25, dtype=np.float32).reshape(4, 6) / 7
    seq = lambda a, b: a * 0.5 + b
    argmax = lambda a, b: (jnp.maximum(a[0], b[0]), jnp.where(a[0] >= b[0], a[1], b[1]))
    values = np.array([[3., 1., 5., 5.], [2., 7., 0., 7.]], np.float32)
    return [lax.reduce(x, 0., lax.add, (1,)), lax.reduce(x, 1., lax.mul, (0,)),
            lax.reduce(x, -np.inf, lax.max, (0, 1)), lax.reduce(x, 0., seq, (1,)),
            lax.reduce(x, 2., seq, (0,)), lax.reduce(x, 1., lax.add, (0,)),
            lax.reduce((values, np.broadcast_to(np.arange(4, dtype=np.int32), (2, 4))),
                       (-np.inf, 0), argmax, (1,)),
            lax.reduce(np.array([6, 3, 5], np.int32), -1, lax.bitwise_and, (0,)),
            jax.grad(lambda x: lax.reduce(x, 1., lax.mul, (1,)).sum())(x),
            jax.grad(lambda x: lax.reduce(x, 0., lambda a, b: jnp.maximum(a, b) + 0 * b,
                                          (0,)).sum())(x)]


def solvers(jax, jnp, lax):
    def newton(f, x0):
        for _ in range(20):
            x0 = x0 - f(x0) / jax.grad(f)(x0)
        return x0

    def cube_root(a):
        return lax.custom_root(lambda x: x ** 3 - a, 1.0, newton, lambda g, y: y / g(1.0))

    a = np.array([[4., 1., 0.], [1., 3., 1.], [0., 1., 2.]], np.float32)
    b = np.array([1., -2., 0.5], np.float32)

    def linear(a, b):
        return lax.custom_linear_solve(lambda x: a @ x, b,
                                       lambda mv, r: jnp.linalg.solve(a, r),
                                       lambda vm, r: jnp.linalg.solve(a.T, r))

    def root_of_linear(a, b):
        return lax.custom_root(lambda x: a @ x - b, jnp.zeros(3),
                               lambda f, x0: jnp.linalg.solve(a, b),
                               lambda g, y: jnp.linalg.solve(jax.jacobian(g)(y), y))

    return [cube_root(5.0), jax.grad(cube_root)(5.0), jax.grad(jax.grad(cube_root))(5.0),
            jax.vmap(jax.grad(cube_root))(np.array([1., 8., 27.], np.float32)),
            linear(a, b), jax.grad(lambda a: (linear(a, b) ** 2).sum())(a),
            jax.jacfwd(lambda b: linear(a, b))(b), jax.jacrev(lambda b: linear(a, b))(b),
            jax.grad(lambda a: root_of_linear(a, b).sum())(a)]


def dots_and_shapes(jax, jnp, lax):
    lhs = X[:, :, 0]
    groups = np.array([1, 0, 3], np.int32)
    rhs = RNG.normal(size=(3, 5, 2)).astype(np.float32)
    contracting = lax.RaggedDotDimensionNumbers(
        dot_dimension_numbers=(((0,), (0,)), ((), ())), lhs_ragged_dimensions=[0],
        rhs_group_dimensions=[])
    return [lax.dot(lhs, lhs, dimension_numbers=(((1,), (1,)), ((), ()))),
            lax.dot(INTS[:4].reshape(2, 2), INTS[4:8].reshape(2, 2),
                    preferred_element_type=np.float32),
            lax.batch_matmul(X, np.swapaxes(X, 1, 2)),
            lax.ragged_dot(lhs, rhs, groups), lax.ragged_dot(lhs, rhs, np.array([2, 1, 1])),
            lax.ragged_dot_general(lhs, X[:, :2, 1], np.array([1, 3], np.int32), contracting),
            jax.grad(lambda r: lax.ragged_dot(lhs, r, groups).sum())(rhs),
            lax.tile(lhs[:2, :3], (2, 3)), lax.split(lhs, (1, 0, 4), axis=1)[2],
            lax.stack([lhs, lhs * 2], axis=1), lax.unstack(lhs, axis=1)[3],
            lax.collapse(X, 1), lax.collapse(X, 0, 2), lax.broadcast_to_rank(lhs, 4),
            lax.broadcast_like(lhs[0], X[:, :, 0]),
            lax.expand_dims(lhs, (0, 3)), lax.broadcast(lhs, (2,)),
            lax.platform_dependent(lhs, cpu=lambda v: v + 1, default=lambda v: v - 1),
            jax.grad(lambda v: lax.optimization_barrier(v * v).sum())(lhs)]


CASES = {f.__name__: f for f in (gather_modes, gather_layouts, gather_derivatives,
                                  scatter_modes, scatter_layouts, scatter_derivatives,
                                  reduce_precision, bit_functions, dynamic_slicing,
                                  generic_reduce, solvers, dots_and_shapes)}
