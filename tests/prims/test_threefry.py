"""threefry2x32 as one primitive: the known-answer vectors of Random123 (Salmon et al.,
SC'11), the blocked kernel against itself element by element, and its rules (jit,
vmap, jvp, the jaxpr)."""
import numpy as np

import jaxlite as jax
from jaxlite._src.prims import threefry
from jaxlite._src.prims.elementwise import shift_right_logical_p
from jaxlite._src.prims.shape import iota_p
from jaxlite._src.prims.threefry import threefry2x32_kernel, threefry2x32_p

U32 = np.uint32


def _words(*values):
    return [U32(v) for v in values]


def test_known_answers():
    # (key, counter) -> output, Threefry-2x32 with 20 rounds.
    cases = [((0, 0, 0, 0), (0x6B200159, 0x99BA4EFE)),
             ((0xFFFFFFFF,) * 4, (0x1CB996FC, 0xBB002BE7)),
             ((0x13198A2E, 0x03707344, 0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0))]
    for operands, expected in cases:
        y0, y1 = threefry2x32_kernel(*_words(*operands))
        assert (int(y0), int(y1)) == expected


def test_blocks_and_per_element_keys_agree_with_single_hashes():
    rng = np.random.default_rng(0)
    n = threefry._BLOCK * 2 + 7  # three blocks, the last one partial
    k0 = rng.integers(0, 2 ** 32, n, dtype=U32)
    k1 = U32(12345)
    x1 = np.arange(n, dtype=U32)
    y0, y1 = threefry2x32_kernel(k0, k1, U32(0), x1)
    assert y0.shape == y1.shape == (n,) and y0.dtype == y1.dtype == np.uint32
    for i in [0, 1, threefry._BLOCK - 1, threefry._BLOCK, n - 1]:
        a, b = threefry2x32_kernel(k0[i], k1, U32(0), x1[i])
        assert (int(a), int(b)) == (int(y0[i]), int(y1[i]))


def test_few_pairs_on_python_ints_match_the_blocked_kernel():
    # Up to threefry._SMALL pairs hash on Python ints (64-bit lanes of big integers);
    # compare with the NumPy rounds, all three outputs.
    rng = np.random.default_rng(1)
    for shape in [(), (1,), (2, 3), (threefry._SMALL,), (0,)]:
        k0 = rng.integers(0, 2 ** 32, shape, dtype=U32)
        x0, x1 = rng.integers(0, 2 ** 32, (2,) + shape, dtype=U32)
        small = threefry._threefry_small(k0, U32(0xFFFFFFFF), x0, x1, shape, "pair")
        n = threefry._SMALL + 1  # the same pairs, padded past the threshold
        pad = lambda a: np.concatenate([np.ravel(a), np.zeros(n, U32)])  # noqa: E731
        big = threefry2x32_kernel(pad(k0), U32(0xFFFFFFFF), pad(x0), pad(x1))
        for s, b in zip(small, big):
            assert s.shape == shape and s.dtype == np.uint32 and s.flags.writeable
            np.testing.assert_array_equal(s.ravel(), b[:s.size])
        xor = threefry._threefry_small(k0, U32(0xFFFFFFFF), x0, x1, shape, "xor")
        np.testing.assert_array_equal(xor.ravel(), (big[0] ^ big[1])[:xor.size])
        stacked = threefry._threefry_small(k0, U32(0xFFFFFFFF), x0, x1, shape, "stacked")
        assert stacked.shape == shape + (2,) and stacked.flags.c_contiguous
        np.testing.assert_array_equal(stacked.reshape(-1, 2)[:, 1], big[1][:xor.size])


def test_broadcasting_shapes():
    k = np.array([[1], [2]], U32)
    x = np.arange(3, dtype=U32)
    y0, y1 = threefry2x32_kernel(k, U32(7), U32(0), x)
    assert y0.shape == (2, 3)
    a, b = threefry2x32_kernel(U32(2), U32(7), U32(0), U32(1))
    assert (int(y0[1, 1]), int(y1[1, 1])) == (int(a), int(b))


def test_jit_and_vmap_match_eager():
    keys = np.array([[1, 2], [3, 4], [5, 6]], U32)
    counts = np.arange(10, dtype=U32)

    def hash_one(key):
        return threefry2x32_p.bind(key[0], key[1], U32(0), counts)

    batched = jax.vmap(hash_one)(keys)
    jitted = jax.jit(jax.vmap(hash_one))(keys)
    for i, key in enumerate(keys):
        expected = threefry2x32_kernel(key[0], key[1], U32(0), counts)
        for out in (batched, jitted):
            np.testing.assert_array_equal(np.asarray(out[0][i]), expected[0])
            np.testing.assert_array_equal(np.asarray(out[1][i]), expected[1])


def test_in_the_jaxpr_of_a_sampler_and_no_gradient_flows():
    key = jax.random.PRNGKey(0)
    text = str(jax.make_jaxpr(lambda k: jax.random.uniform(k, (3,)))(key))
    assert "threefry2x32" in text and "shift_left" not in text
    # The bits carry no derivative: a function of x through random bits has zero gradient
    # in the bits' branch.
    grad = jax.grad(lambda x: x * jax.random.uniform(key, ()))(2.0)
    np.testing.assert_allclose(grad, jax.random.uniform(key, ()))


def test_xor_and_stacked_outputs_combine_each_block_as_the_pair_would():
    # random bits are y0 ^ y1 and keys stack([y0, y1], -1); the kernel combines them per
    # block (sizes across blocks, a per-element key, an empty hash)
    rng = np.random.default_rng(7)
    for size in (0, 1, 5, threefry._BLOCK + 3, 2 * threefry._BLOCK):
        x1 = rng.integers(0, 2 ** 32, size, dtype=np.uint32)
        k1 = rng.integers(0, 2 ** 32, size, dtype=np.uint32)
        for key in [(np.uint32(3), np.uint32(9)), (np.uint32(5), k1)]:
            y0, y1 = threefry2x32_kernel(*key, np.uint32(0), x1)
            xor = threefry2x32_kernel(*key, np.uint32(0), x1, output="xor")
            stacked = threefry2x32_kernel(*key, np.uint32(0), x1, output="stacked")
            np.testing.assert_array_equal(xor, y0 ^ y1)
            np.testing.assert_array_equal(stacked, np.stack([y0, y1], -1))
    one = threefry2x32_kernel(np.uint32(1), np.uint32(2), np.uint32(0), np.uint32(4), "stacked")
    assert one.shape == (2,)


def test_few_pairs_combine_as_the_blocked_kernel_does():
    k0, x1 = np.array([3, 4], U32), np.array([5, 6], U32)
    n = threefry._SMALL + 1
    big_k0, big_x1 = np.resize(k0, n), np.resize(x1, n)
    for output in ("pair", "xor", "stacked"):
        small = threefry2x32_kernel(k0, U32(7), U32(0), x1, output=output)
        big = threefry2x32_kernel(big_k0, U32(7), U32(0), big_x1, output=output)
        for s, b in zip(small if output == "pair" else [small],
                        big if output == "pair" else [big]):
            assert s.dtype == np.uint32 and s.shape[1:] == b.shape[1:]
            np.testing.assert_array_equal(s, b[:2])


def test_jit_rewrites_the_words_xor_into_one_primitive():
    # Random bits are y0 ^ y1: the compiler's simplification makes that threefry2x32_xor
    # (one pass per block), the traced jaxpr keeps JAX's threefry2x32 and xor.
    key = jax.random.PRNGKey(9)
    f = jax.jit(lambda k: jax.random.bits(k, (threefry._BLOCK + 5,)))
    traced = str(jax.make_jaxpr(lambda k: jax.random.bits(k, (3,)))(key))
    assert "threefry2x32_xor" not in traced and "xor" in traced
    assert "threefry2x32_xor" in f.lower(key).as_text()
    k = np.asarray(key)
    expected = np.bitwise_xor(*threefry2x32_kernel(k[0], k[1], U32(0),
                                                   np.arange(threefry._BLOCK + 5, dtype=U32)))
    np.testing.assert_array_equal(f(key), expected)
    # its own rules: batched keys, and no tangent
    counts = np.arange(6, dtype=U32)
    keys = np.array([[1, 2], [3, 4]], U32)
    batched = jax.vmap(lambda kk: threefry.threefry2x32_xor_p.bind(kk[0], kk[1], U32(0), counts))(keys)
    for i, (k0, k1) in enumerate(keys):
        np.testing.assert_array_equal(batched[i], np.bitwise_xor(*threefry2x32_kernel(
            k0, k1, U32(0), counts)))
    out, tangent = jax.jvp(lambda c: threefry.threefry2x32_xor_p.bind(U32(1), U32(2), U32(0), c),
                           (counts,), (np.zeros(6, jax.dtypes.float0),))
    np.testing.assert_array_equal(out, batched[0])


def test_random_bits_write_into_a_given_buffer():
    # threefry2x32_xor's impl_out: the NumPy tier passes a workspace buffer
    for n in (5, threefry._BLOCK + 3):
        counts = np.arange(n, dtype=U32)
        out = np.empty(n, U32)
        got = threefry.threefry2x32_xor_p.impl(U32(3), U32(4), U32(0), counts, out=out)
        assert np.shares_memory(got, out) and got.shape == (n,)
        np.testing.assert_array_equal(out, np.bitwise_xor(*threefry2x32_kernel(
            U32(3), U32(4), U32(0), counts)))


def test_shift_right_logical_into_a_buffer_matches_the_fresh_result():
    # shift_right_logical's impl_out (uniform's bits >> 9 under jit), every kind of amount
    x = np.arange(-4, 4, dtype=np.int32) * 123457
    for y in (np.int32(1), np.int32(0), np.int32(-1), np.int32(32), np.int32(40),
              np.arange(8, dtype=np.int32) * 5):
        out = np.empty_like(x)
        got = shift_right_logical_p.impl(x, y, out=out)
        assert got is out
        np.testing.assert_array_equal(out, shift_right_logical_p.impl(x, y))


def test_jit_rewrites_the_stacked_words_into_one_primitive():
    # A split's keys are stack([y0, y1], -1): compiled as threefry2x32_stacked (one pass
    # per block); the traced jaxpr keeps JAX's stack. Batched keys too (vmap).
    key = jax.random.PRNGKey(4)
    f = jax.jit(lambda k: jax.random.split(k, 70000))
    assert "stack" in str(jax.make_jaxpr(lambda k: jax.random.split(k, 3))(key))
    assert "threefry2x32_stacked" in f.lower(key).as_text()
    k = np.asarray(key)
    expected = np.stack(threefry2x32_kernel(k[0], k[1], U32(0), np.arange(70000, dtype=U32)), -1)
    np.testing.assert_array_equal(f(key), expected)
    keys = jax.random.split(key, 3)
    batched = jax.jit(jax.vmap(lambda kk: jax.random.split(kk, 5)))(keys)
    for i in range(3):
        np.testing.assert_array_equal(batched[i], jax.random.split(keys[i], 5))
    out, _ = jax.jvp(lambda c: threefry.threefry2x32_stacked_p.bind(U32(1), U32(2), U32(0), c),
                     (np.arange(4, dtype=U32),), (np.zeros(4, jax.dtypes.float0),))
    assert out.shape == (4, 2)


def test_iota_into_a_buffer_matches_the_fresh_result():
    # iota's impl_out (the counters of jit's random draws): blocks from a cached arange
    for dtype, shape, dimension in [(np.uint32, (200003,), 0), (np.int32, (5,), 0),
                                    (np.int8, (300,), 0), (np.float32, (70,), 0),
                                    (np.uint32, (3, 4), 1)]:
        out = np.empty(shape, dtype)
        got = iota_p.impl(dtype=np.dtype(dtype), shape=shape, dimension=dimension, out=out)
        assert got is out
        np.testing.assert_array_equal(out, iota_p.impl(dtype=np.dtype(dtype), shape=shape,
                                                       dimension=dimension))
