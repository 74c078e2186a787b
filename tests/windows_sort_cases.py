"""Cases where JAX decides by convention (ties in pools, sorts and cumulative extrema,
-inf in cumlogsumexp, the layouts of conv_transpose and patch extraction).

Each case is a function of the modules (jax, jnp, lax) returning a pytree of
arrays. tools/record_case_golden.py windows_sort runs them with real JAX and stores
the results in tests/data/windows_sort_golden.json; tests/prims/test_ops_windows.py
runs them with jaxlite and compares. Nothing here imports JAX.
"""
import numpy as np

TIES = np.array([[1., 3., 3., 2.], [5., 5., 5., 5.], [0., 5., 1., 5.]], np.float32)
SEQ = np.array([2., 1., 2., 1., 3.], np.float32)
RNG = np.random.default_rng(7)
IMAGE = RNG.normal(size=(2, 3, 5, 6)).astype(np.float32)
KERNEL = RNG.normal(size=(3, 3, 3, 4)).astype(np.float32)   # HWIO
VECTOR = RNG.normal(size=(2, 7, 3)).astype(np.float32)      # NHC
KERNEL_1D = RNG.normal(size=(3, 3, 2)).astype(np.float32)   # HIO


def _pool(lax, jnp, x, kind, window, strides, padding, **kw):
    init, op = (-jnp.inf, lax.max) if kind == "max" else (jnp.inf, lax.min)
    return lax.reduce_window(x, init, op, window, strides, padding, **kw)


def maxpool_valid_grad(jax, jnp, lax):
    f = lambda x: _pool(lax, jnp, x, "max", (2, 2), (1, 1), "VALID")
    return [f(TIES), jax.grad(lambda x: f(x).sum())(TIES)]


def maxpool_same_strided_grad(jax, jnp, lax):
    f = lambda x: _pool(lax, jnp, x, "max", (3, 3), (2, 2), "SAME")
    w = np.arange(4, dtype=np.float32).reshape(2, 2)
    return [f(TIES), jax.grad(lambda x: (f(x) * w).sum())(TIES)]


def maxpool_jvp(jax, jnp, lax):
    f = lambda x: _pool(lax, jnp, x, "max", (2, 3), (1, 1), "VALID")
    t = np.arange(12, dtype=np.float32).reshape(3, 4)
    return jax.jvp(f, (TIES,), (t[::-1, ::-1].copy(),))[1]


def minpool_same_grad(jax, jnp, lax):
    f = lambda x: _pool(lax, jnp, x, "min", (2, 2), (1, 1), "SAME")
    return jax.grad(lambda x: f(x).sum())(TIES)


def maxpool_base_dilation_grad(jax, jnp, lax):
    x = np.array([1., 3., 3., 2., 2.], np.float32)
    f = lambda x: _pool(lax, jnp, x, "max", (3,), (1,), [(1, 1)], base_dilation=(2,))
    return [f(x), jax.grad(lambda x: (f(x) * np.arange(1., 10.)).sum())(x)]


def maxpool_nchw_grad(jax, jnp, lax):
    x = np.round(IMAGE[:1, :1] * 2) / 2  # many ties
    f = lambda x: _pool(lax, jnp, x, "max", (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
    return jax.grad(lambda x: (f(x) ** 2).sum())(x)


def sum_pool_dilated(jax, jnp, lax):
    f = lambda x: lax.reduce_window(x, 0., lax.add, (2, 2), (2, 1), [(1, 0), (0, 2)],
                                    base_dilation=(1, 2), window_dilation=(2, 1))
    return [f(TIES), jax.grad(lambda x: (f(x) ** 2).sum())(TIES)]


def prod_window(jax, jnp, lax):
    return lax.reduce_window(TIES, 1., lax.mul, (2, 2), (1, 2), "SAME")


def sort_ties_grad(jax, jnp, lax):
    w = np.arange(5, dtype=np.float32)
    return [jax.grad(lambda y: jnp.sort(y) @ w)(SEQ),
            jax.grad(lambda y: jnp.sort(y, descending=True) @ w)(SEQ)]


def argsort_ties(jax, jnp, lax):
    y = np.array([3, 1, 3, 2, 1, 3], np.int32)
    return [jnp.argsort(y), jnp.argsort(y, descending=True), jnp.argsort(y, stable=True),
            jnp.lexsort([y, y % 2]), jnp.partition(y, 2), jnp.argpartition(y, 2)]


def sort_nan(jax, jnp, lax):
    y = np.array([np.nan, 1., -np.inf, -0., 0., np.inf, -1.], np.float32)
    return [jnp.sort(y), jnp.argsort(y), lax.top_k(y, 3)[0], lax.top_k(y, 3)[1],
            jnp.searchsorted(jnp.sort(y), y, side="left"),
            jnp.searchsorted(jnp.sort(y), y, side="right")]


def top_k_ties_grad(jax, jnp, lax):
    y = np.array([[1., 3., 3., 3.], [2., 2., 0., 2.]], np.float32)
    return [lax.top_k(y, 2)[1], jax.grad(lambda y: (lax.top_k(y, 2)[0] * np.array([1., 2.]))
                                         .sum())(y)]


def cumulative_ties(jax, jnp, lax):
    ones = np.ones(7, np.float32)
    return [jax.grad(lambda y: lax.cummax(y).sum())(ones),
            jax.jacfwd(lambda y: lax.cummin(y))(ones[:5]),
            jax.jacrev(lambda y: lax.cummax(y, reverse=True))(SEQ),
            jax.grad(lambda y: lax.cummax(y) @ np.arange(1., 6.))(SEQ)]


def cumulative_special(jax, jnp, lax):
    zeros = np.array([2., 0., 3., 0., 4.], np.float32)
    with_inf = np.array([-np.inf, 0., 1., -np.inf], np.float32)
    return [jax.jacrev(lambda y: lax.cumprod(y))(zeros),
            jax.jacfwd(lambda y: lax.cumprod(y, reverse=True))(zeros),
            lax.cumlogsumexp(with_inf),
            jax.jacrev(lambda y: lax.cumlogsumexp(y))(with_inf)]


def conv_transpose_layouts(jax, jnp, lax):
    outs = []
    for padding in ("SAME", "VALID", ((1, 2), (0, 1))):
        outs.append(lax.conv_transpose(np.transpose(IMAGE, (0, 2, 3, 1)), KERNEL, (2, 1),
                                       padding))
    outs.append(lax.conv_transpose(VECTOR, np.swapaxes(KERNEL_1D, 1, 2), (3,), "SAME",
                                   rhs_dilation=(2,), transpose_kernel=True))
    outs.append(lax.conv_transpose(VECTOR, KERNEL_1D, (2,), ((1, 1),),
                                   use_consistent_padding=True))
    return outs


def conv_patches_and_local(jax, jnp, lax):
    patches = lax.conv_general_dilated_patches(IMAGE, (2, 3), (1, 2), "SAME")
    local_kernel = np.random.default_rng(3).normal(size=(2, 3 * 2 * 2, 4, 5)).astype(np.float32)
    local = lax.conv_general_dilated_local(IMAGE[:, :, :4, :5], local_kernel, (1, 1), "SAME",
                                           (2, 2))
    return [patches, local]


def conv_shapes(jax, jnp, lax):
    # Shape helpers return tuples of ints; int64 here because np.array of Python ints takes
    # the platform's default integer (int32 on wasm32 and on Windows before NumPy 2).
    dn = ("NHWC", "HWIO", "NHWC")
    shapes = [lax.conv_general_shape_tuple((2, 9, 8, 3), (3, 2, 3, 5), (2, 1), "SAME", dn),
              lax.conv_transpose_shape_tuple((2, 9, 8, 3), (3, 2, 3, 5), (2, 1), "SAME", dn),
              lax.conv_shape_tuple((2, 3, 9, 8), (5, 3, 3, 2), (2, 2), "VALID"),
              lax.padtype_to_pads((9, 8), (3, 2), (2, 3), "SAME_LOWER"),
              lax.reduce_window_shape_tuple((9, 8), (3, 2), (2, 3), ((1, 0), (2, 2)), (2, 1),
                                            (1, 3))]
    return [np.array(shape, np.int64) for shape in shapes]


def correlate_complex(jax, jnp, lax):
    a = np.array([1 + 2j, 3 - 1j, 0.5j, 2.], np.complex64)
    v = np.array([1j, 2 - 1j], np.complex64)
    return [jnp.correlate(a, v, mode="full"), jnp.convolve(a, v, mode="same"),
            jnp.correlate(v, a, mode="valid")]


CASES = {f.__name__: f for f in [
    maxpool_valid_grad, maxpool_same_strided_grad, maxpool_jvp, minpool_same_grad,
    maxpool_base_dilation_grad, maxpool_nchw_grad, sum_pool_dilated, prod_window,
    sort_ties_grad, argsort_ties, sort_nan, top_k_ties_grad, cumulative_ties,
    cumulative_special, conv_transpose_layouts, conv_patches_and_local, conv_shapes,
    correlate_complex]}
