"""jaxlite.numpy.fft and lax.fft.

Table rows (op_table) check every transform with `n`/`s`, `axis`/`axes` and each
`norm` against numpy.fft, under jit and vmap, and their JVPs/VJPs against finite
differences (complex values as pairs of reals; VJPs paired through Re(sum(ct * v)),
JAX's convention, which makes the RFFT/IRFFT transposes non-trivial). Golden data from
JAX 0.10.2 pins the transposes and float32 values; the rest covers dtypes, lax.fft,
batching along other axes, higher derivatives, jaxprs and JAX's errors.
"""
import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from op_table import Arg, Op, check_op, op_id
from test_complex import check_golden
import complex_fft_cases

C = lambda *shape: Arg(shape, "complex64", "complex")
R = lambda *shape: Arg(shape)


def row(name, arg, norm=None, **kw):
    kwargs = dict(kw, norm=norm) if norm else kw
    label = f"{name}{arg.shape}" + "".join(f" {k}={v}" for k, v in kwargs.items())
    ref = getattr(np.fft, name)
    if "s" in kwargs and "axes" not in kwargs:  # NumPy 2 wants the axes spelled out
        ref = lambda a, **kw: getattr(np.fft, name)(a, axes=tuple(range(-len(kw["s"]), 0)), **kw)
    return Op(label, getattr(jnp.fft, name), ref, (arg,), kwargs, diff=(0,), rtol=2e-5,
              atol=2e-5)


ROWS = []
for norm in (None, "ortho", "forward"):
    ROWS += [
        row("fft", C(3, 5), norm), row("fft", C(3, 5), norm, n=7, axis=0),
        row("fft", C(3, 5), norm, n=3), row("fft", R(2, 6), norm),
        row("ifft", C(3, 6), norm), row("ifft", C(4, 3), norm, n=5, axis=0),
        row("rfft", R(3, 6), norm), row("rfft", R(3, 5), norm, n=8, axis=0),
        row("rfft", R(4, 5), norm, n=3),
        row("irfft", C(3, 4), norm), row("irfft", C(3, 4), norm, n=7),
        row("irfft", C(5, 3), norm, n=4, axis=0),
        row("hfft", C(3, 4), norm), row("hfft", C(3, 4), norm, n=5),
        row("ihfft", R(3, 6), norm), row("ihfft", R(3, 5), norm, n=4),
        row("fft2", C(2, 3, 4), norm), row("ifft2", C(2, 3, 4), norm, s=(4, 2)),
        row("rfft2", R(2, 3, 4), norm, axes=(0, 2)), row("irfft2", C(2, 3, 4), norm),
        row("irfft2", C(2, 3, 4), norm, s=(3, 5), axes=(1, 0)),
        row("fftn", C(2, 3, 4), norm), row("fftn", C(2, 3, 4, 2), norm, axes=(0, 3)),
        row("ifftn", C(2, 3, 4), norm, s=(3, 3)), row("rfftn", R(2, 3, 4), norm),
        row("rfftn", R(2, 3, 4), norm, s=(4, 5), axes=(2, 0)), row("irfftn", C(2, 3, 4), norm),
        row("irfftn", C(2, 3, 3), norm, s=(2, 3, 5)),
        row("fftn", C(2, 2, 2, 2, 3), norm), row("irfftn", C(2, 2, 2, 2, 3), norm),
    ]
ROWS += [
    Op("fftshift", jnp.fft.fftshift, np.fft.fftshift, (C(3, 5),), diff=(0,)),
    Op("ifftshift axes=1", lambda x: jnp.fft.ifftshift(x, axes=1),
       lambda x: np.fft.ifftshift(x, axes=1), (R(4, 5),), diff=(0,)),
    Op("fftshift axes=(0,)", lambda x: jnp.fft.fftshift(x, axes=(0,)),
       lambda x: np.fft.fftshift(x, axes=(0,)), (R(5, 2),), diff=(0,)),
    Op("fft of int", jnp.fft.fft, np.fft.fft, (Arg((2, 6), "int32", "int", -5, 5),)),
    Op("lax.fft FFT", lambda x: lax.fft(x, lax.FftType.FFT, (3, 4)),
       lambda x: np.fft.fftn(x, axes=(1, 2)), (C(2, 3, 4),), diff=(0,)),
    Op("lax.fft irfft", lambda x: lax.fft(x, "irfft", (6,)), lambda x: np.fft.irfft(x, 6),
       (C(2, 4),), diff=(0,)),
]


@pytest.mark.parametrize("op", ROWS, ids=op_id)
def test_op(op):
    check_op(op)


@pytest.mark.parametrize("name", [n for n in complex_fft_cases.CASES if "fft" in n])
def test_matches_jax(name):
    check_golden(name, rtol=2e-5, atol=2e-5)


def test_dtypes():
    x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    assert jnp.fft.fft(x).dtype == np.complex64
    assert jnp.fft.rfft(x).dtype == np.complex64
    assert jnp.fft.irfft(jnp.fft.rfft(x)).dtype == np.float32
    assert jnp.fft.fft(np.arange(4)).dtype == np.complex64
    assert jnp.fft.fft(x.astype(np.float16)).dtype == np.complex64
    assert jnp.fft.fftfreq(4).dtype == np.float32 and jnp.fft.rfftfreq(4).dtype == np.float32
    assert not jnp.fft.fft(x).weak_type
    with jaxlite.enable_x64():
        assert jnp.fft.fft(np.arange(3.0)).dtype == np.complex128
        assert jnp.fft.fft(x).dtype == np.complex64  # float32 stays single precision
        assert jnp.fft.irfft(np.ones(3, np.complex128)).dtype == np.float64
        assert jnp.fft.fftfreq(4).dtype == np.float64


def test_frequencies():
    np.testing.assert_allclose(jnp.fft.fftfreq(5), np.fft.fftfreq(5), rtol=1e-6)
    np.testing.assert_allclose(jnp.fft.fftfreq(8, 0.25), np.fft.fftfreq(8, 0.25), rtol=1e-6)
    np.testing.assert_allclose(jnp.fft.rfftfreq(7, 0.1), np.fft.rfftfreq(7, 0.1), rtol=1e-6)
    np.testing.assert_allclose(jnp.fft.rfftfreq(8), np.fft.rfftfreq(8), rtol=1e-6)
    np.testing.assert_array_equal(jnp.fft.fftfreq(4, dtype=jnp.int32), [0, 0, 0, 0])  # as JAX
    assert jnp.fft.fftfreq(4, dtype=jnp.float16).dtype == np.float16
    np.testing.assert_allclose(jnp.fft.fftfreq(4, d=jnp.asarray(0.5)), np.fft.fftfreq(4, 0.5))


def test_round_trips():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 8)).astype(np.float32)
    np.testing.assert_allclose(jnp.fft.irfft(jnp.fft.rfft(x)), x, atol=1e-6)
    np.testing.assert_allclose(jnp.fft.ifftn(jnp.fft.fftn(x)).real, x, atol=1e-6)
    np.testing.assert_allclose(jnp.fft.ihfft(jnp.fft.hfft(x[:, :5])), x[:, :5], atol=1e-5)
    for norm in ("backward", "ortho", "forward"):
        np.testing.assert_allclose(jnp.fft.irfft2(jnp.fft.rfft2(x, norm=norm), x.shape,
                                                  norm=norm), x, atol=1e-5)


def test_vmap_along_transformed_and_other_axes():
    rng = np.random.default_rng(1)
    z = (rng.normal(size=(4, 3, 6)) + 1j * rng.normal(size=(4, 3, 6))).astype(np.complex64)
    for in_axes in (0, 1, 2):
        got = jaxlite.vmap(lambda a: jnp.fft.fft2(a), in_axes=in_axes)(z)
        want = np.stack([np.fft.fft2(np.take(z, i, axis=in_axes))
                         for i in range(z.shape[in_axes])])
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    got = jaxlite.vmap(lambda a: lax.fft(a, "rfft", (6,)), in_axes=1, out_axes=1)(z.real)
    np.testing.assert_allclose(got, np.fft.rfft(z.real), rtol=1e-4, atol=1e-4)
    # vmap of a VJP: batched cotangents through the RFFT transpose
    x = rng.normal(size=(5, 6))
    pull = lambda ct: jaxlite.vjp(jnp.fft.rfft, jnp.asarray(x[0]))[1](ct)[0]
    cts = (rng.normal(size=(5, 4)) + 1j * rng.normal(size=(5, 4))).astype(np.complex64)
    np.testing.assert_allclose(jaxlite.vmap(pull)(cts), np.stack([pull(c) for c in cts]),
                               rtol=1e-5, atol=1e-5)


def test_higher_order_derivatives():
    with jaxlite.enable_x64():
        rng = np.random.default_rng(2)
        x = rng.normal(size=6)
        f = lambda x: jnp.sum(jnp.abs(jnp.fft.rfft(x * jnp.sin(x))) ** 2)
        h_rev = jaxlite.hessian(f)(x)
        h_fwd = jaxlite.jacfwd(jaxlite.jacfwd(f))(x)
        h_mixed = jaxlite.jacrev(jaxlite.jacrev(f))(x)
        np.testing.assert_allclose(h_rev, h_fwd, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(h_rev, h_mixed, rtol=1e-9, atol=1e-9)
        g = jaxlite.grad(f)
        eps = 1e-5
        fd = np.stack([(np.asarray(g(x + eps * e)) - np.asarray(g(x - eps * e))) / (2 * eps)
                       for e in np.eye(6)])
        np.testing.assert_allclose(h_rev, fd, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(jaxlite.jit(jaxlite.hessian(f))(x), h_rev, rtol=1e-12)


def test_jaxpr_and_generated_code():
    x = jnp.arange(4.0)
    assert str(jaxlite.make_jaxpr(jnp.fft.fft)(x)) == (
        "{ lambda ; a:f32[4]. let\n"
        "    b:c64[4] = convert_element_type[new_dtype=complex64 weak_type=False] a\n"
        "    c:c64[4] = fft[fft_lengths=(4,) fft_type=0] b\n  in (c,) }")
    text = str(jaxlite.make_jaxpr(jaxlite.grad(lambda x: jnp.sum(jnp.fft.irfft(x) ** 2),
                                               holomorphic=False))(x))
    assert "fft_type=2" in text and "fft_type=3" in text  # IRFFT transposes to an RFFT
    f = jaxlite.jit(lambda x: jnp.fft.rfft(x, norm="ortho"))
    np.testing.assert_allclose(f(x), np.fft.rfft(np.arange(4.0), norm="ortho"), rtol=1e-6)
    assert "fft" in f.lower(x).compile().as_python()


def test_lax_fft_types_and_shapes():
    assert lax.FftType.IRFFT == 3 and lax.FftType["RFFT"] is lax.FftType.RFFT
    np.testing.assert_allclose(lax.fft(jnp.ones(3), "fft", (3,)), [3, 0, 0])
    out = lax.fft(jnp.ones((2, 4)), lax.FftType.RFFT, (2, 4))
    assert out.shape == (2, 3) and out.dtype == np.complex64
    np.testing.assert_allclose(out, np.fft.rfft2(np.ones((2, 4))))
    assert lax.fft(jnp.ones(3), "FFT", ()).dtype == np.complex64  # no axes: just the cast
    assert jnp.fft.irfft(jnp.ones(1)).shape == (0,)  # n = 2 * (1 - 1) = 0, as in JAX


@pytest.mark.parametrize("call,error,message", [
    (lambda: lax.fft(jnp.ones(3), "rfft", (4,)), ValueError,
     "RFFT input shape (3,) minor dimensions must be equal to fft_lengths (4,)"),
    (lambda: lax.fft(jnp.ones(3, jnp.complex64), "rfft", (3,)), ValueError,
     "only real valued inputs supported for rfft"),
    (lambda: lax.fft(jnp.ones(3), "dct", (3,)), ValueError, "Unknown FFT type 'dct'"),
    (lambda: lax.fft(jnp.ones(3), 7, (3,)), TypeError, "Unknown FFT type value '7'"),
    (lambda: lax.fft(jnp.ones((2, 3)), "irfft", (3, 4)), ValueError,
     "IRFFT input shape (2, 3) minor dimensions must be equal to all except the last"),
    (lambda: lax.fft(jnp.ones(3), "fft", (1, 3)), ValueError,
     "must have at least as many input dimensions as fft_lengths"),
    (lambda: jnp.fft.fft(jnp.ones(3), axis=(0,)), ValueError,
     "jax.numpy.fft.fft does not support multiple axes. Please use jax.numpy.fft.fftn. "
     "Got axis = (0,)."),
    (lambda: jnp.fft.fftn(jnp.ones((3, 3)), axes=(0, 0)), ValueError,
     "jax.numpy.fft.fftn does not support repeated axes. Got axes (0, 0)."),
    (lambda: jnp.fft.fft(jnp.ones(3), norm="bad"), ValueError,
     'Invalid norm value bad; should be "backward","ortho" or "forward".'),
    (lambda: jnp.fft.fft2(jnp.ones((2, 2, 2)), axes=(0, 1, 2)), ValueError,
     "jax.numpy.fft.fft2 only supports 2 axes."),
    (lambda: jnp.fft.fftn(jnp.ones((2, 2)), s=(2,), axes=(0, 1)), ValueError,
     "Shape and axes have different lengths."),
    (lambda: jnp.fft.fft(jnp.ones(3), n=0), ValueError, "Shape should be positive."),
    (lambda: jnp.fft.fft(jnp.float32(1.0)), ValueError,
     "axis -1 is out of bounds for array of dimension 0"),
    (lambda: jnp.fft.fftfreq([4]), ValueError,
     "The n argument of jax.numpy.fft.fftfreq only takes an int. Got n = [4]."),
    (lambda: jnp.fft.rfftfreq(4, d=[1.0]), ValueError,
     "The d argument of jax.numpy.fft.rfftfreq only takes a single value."),
    (lambda: jnp.fft.fft([1.0, 2.0]), TypeError, "requires ndarray or scalar arguments"),
])
def test_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
