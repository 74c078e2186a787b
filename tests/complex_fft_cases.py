"""Cases whose results JAX fixes by convention rather than by NumPy: gradients of
real-valued functions of complex inputs, holomorphic derivatives, and the transposes
(VJPs) of the FFTs. Each case is `fn(jax, jnp, lax) -> pytree of arrays`, so that the
same code runs on JAX (tools/record_case_golden.py complex_fft records the results in
tests/data/complex_fft_golden.json) and on jaxlite (tests/prims/test_complex.py and
tests/prims/test_ops_fft.py compare).
"""
import numpy as np

Z = np.array([1 + 2j, -0.5 + 0.25j, 3 - 1j, -2 - 2j], np.complex64)
W = np.array([0.5 - 1j, 2 + 0.5j, -1 + 1j, 0.25 + 3j], np.complex64)
X = np.array([0.5, -1.25, 2.0, 0.75, -0.5, 1.5], np.float32)


# ---- grad of real-valued functions of complex inputs: df/dx - i df/dy -------------------------
def grad_abs_squared(jax, jnp, lax):
    return jax.grad(lambda z: jnp.abs(z) ** 2)(1 + 2j)


def grad_abs(jax, jnp, lax):
    return jax.grad(jnp.abs)(3 + 4j)


def grad_abs_at_zero(jax, jnp, lax):
    return jax.grad(jnp.abs)(0j), jax.grad(jnp.abs)(0.0)


def grad_real_imag_conj(jax, jnp, lax):
    return (jax.grad(jnp.real)(3 + 4j), jax.grad(jnp.imag)(3 + 4j),
            jax.grad(lambda z: jnp.real(jnp.conj(z) * (1 + 2j)))(1 + 1j))


def grad_angle(jax, jnp, lax):
    return jax.grad(jnp.angle)(1 + 2j), jax.grad(lambda z: jnp.angle(z, deg=True))(Z[1])


def grad_sum_abs_sin(jax, jnp, lax):
    return jax.grad(lambda z: jnp.sum(jnp.abs(jnp.sin(z))))(Z)


def grad_vector_norm(jax, jnp, lax):
    return jax.grad(lambda z, w: jnp.abs(jnp.vdot(z, w)) ** 2, argnums=(0, 1))(Z, W)


def grad_real_of_product(jax, jnp, lax):
    return jax.grad(lambda z: jnp.real(jnp.prod(z)))(Z)


def grad_lax_complex(jax, jnp, lax):
    return jax.grad(lambda x, y: jnp.abs(lax.complex(x, y)) ** 2, argnums=(0, 1))(
        np.float32(1.0), np.float32(2.0))


def grad_real_input_through_complex(jax, jnp, lax):
    return (jax.grad(lambda x: jnp.real(jnp.exp(1j * x)))(0.5),
            jax.grad(lambda x: jnp.abs(x * (1 + 1j)))(2.0))


def jacrev_complex_input(jax, jnp, lax):
    return jax.jacrev(jnp.abs)(jnp.asarray(Z[:2]))


def second_order_real_of_complex(jax, jnp, lax):
    # Reverse over reverse on complex inputs (jacrev of a complex gradient needs
    # holomorphic=True, so take the grad of a real function of the gradient).
    f = lambda z: jnp.sum(jnp.abs(z) ** 2 * jnp.real(z))
    return jax.grad(lambda z: jnp.real(jnp.sum(jax.grad(f)(z) * jnp.asarray(W))))(
        jnp.asarray(Z))


# ---- holomorphic derivatives -------------------------------------------------------------
def grad_holomorphic(jax, jnp, lax):
    return (jax.grad(lambda z: z ** 2, holomorphic=True)(1 + 2j),
            jax.grad(jnp.sin, holomorphic=True)(1 + 2j),
            jax.grad(lambda z: jnp.sum(jnp.exp(z) * z), holomorphic=True)(Z))


def jacobians_holomorphic(jax, jnp, lax):
    f = lambda z: z ** 2 * jnp.sum(z)
    z = jnp.asarray(Z[:3])
    return (jax.jacfwd(f, holomorphic=True)(z), jax.jacrev(f, holomorphic=True)(z),
            jax.hessian(lambda z: jnp.sum(z ** 3), holomorphic=True)(z))


def jacfwd_real_to_complex(jax, jnp, lax):
    return jax.jacfwd(lambda x: x * (1 + 1j) + jnp.sin(x) * 2j)(jnp.asarray(X[:3]))


def vjp_complex_linear(jax, jnp, lax):
    _, pull = jax.vjp(lambda z: z * (2 + 1j), 1 + 2j)
    _, pull_real = jax.vjp(lambda x: x * (2 + 1j), 1.0)
    _, pull_conj = jax.vjp(jnp.conj, jnp.asarray(Z))
    return pull(1 + 0j), pull_real(1 + 1j), pull_conj(jnp.asarray(W))


def jvp_abs_complex(jax, jnp, lax):
    return jax.jvp(jnp.abs, (3 + 4j,), (1 + 1j,)), jax.jvp(jnp.abs, (0j,), (1 + 1j,))


# ---- FFT transposes and values ---------------------------------------------------------------
def vjp_fft_family(jax, jnp, lax):
    z4 = jnp.asarray(Z)
    x6 = jnp.asarray(X)
    out = []
    for fn, arg, ct in [
            (jnp.fft.fft, z4, W),
            (jnp.fft.ifft, z4, W),
            (lambda a: jnp.fft.rfft(a), x6, W),
            (lambda a: jnp.fft.rfft(a[:5]), x6, W[:3]),
            (lambda a: jnp.fft.irfft(a), z4, X),
            (lambda a: jnp.fft.irfft(a, n=7), z4, np.concatenate([X, X[:1]])),
            (lambda a: jnp.fft.hfft(a, norm="ortho"), z4, X),
            (lambda a: jnp.fft.ihfft(a), x6, W),
            (lambda a: jnp.fft.fft(a, n=6, norm="forward"), z4, np.concatenate([W, W[:2]])),
    ]:
        _, pull = jax.vjp(fn, arg)
        out.append(pull(jnp.asarray(ct))[0])
    return out


def grad_of_fft_losses(jax, jnp, lax):
    x = jnp.asarray(X)
    return (jax.grad(lambda x: jnp.sum(jnp.abs(jnp.fft.rfft(x)) ** 2))(x),
            jax.grad(lambda x: jnp.sum(jnp.fft.irfft(jnp.fft.rfft(x) * (1 + 1j)) ** 2))(x),
            jax.grad(lambda z: jnp.sum(jnp.abs(jnp.fft.fft2(z.reshape(2, 2)))))(jnp.asarray(Z)))


def fft_values_float32(jax, jnp, lax):
    a = jnp.asarray(np.arange(12, dtype=np.float32).reshape(3, 4) ** 1.5)
    return (jnp.fft.fft(a), jnp.fft.rfft2(a), jnp.fft.irfftn(jnp.fft.rfftn(a), a.shape),
            jnp.fft.fftn(a, norm="ortho"), jnp.fft.fft(jnp.arange(5)),
            jnp.fft.fftfreq(5), jnp.fft.rfftfreq(6, 0.1), jnp.fft.fftshift(jnp.arange(5)),
            lax.fft(jnp.asarray(Z), lax.FftType.IFFT, (4,)))


CASES = {f.__name__: f for f in [
    grad_abs_squared, grad_abs, grad_abs_at_zero, grad_real_imag_conj, grad_angle,
    grad_sum_abs_sin, grad_vector_norm, grad_real_of_product, grad_lax_complex,
    grad_real_input_through_complex, jacrev_complex_input, second_order_real_of_complex,
    grad_holomorphic, jacobians_holomorphic, jacfwd_real_to_complex, vjp_complex_linear,
    jvp_abs_complex, vjp_fft_family, grad_of_fft_losses, fft_values_float32]}
