"""Complex numbers: complex64/complex128 arrays end to end.

Table rows (op_table) run every elementwise function, reduction and contraction on
complex inputs: values against NumPy, jit, vmap, and JVP/VJP against finite
differences (complex values as pairs of reals, VJPs paired through Re(sum(ct * v)) as
JAX transposes without conjugation). Golden data recorded from JAX 0.10.2
(tools/record_case_golden.py complex_fft) pins the conventions finite differences cannot
tell: grad of a real-valued f at complex z is df/dx - i df/dy (so grad of |z|^2 is
2 conj(z)), abs has slope 0 at 0j, holomorphic derivatives, weak types. The rest:
creation, promotion and printing as JAX does them, jaxprs and generated code, and
JAX's errors for holomorphic=True and complex outputs.
"""
import json
import os

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from op_table import Arg, Op, check_op, decode_golden, op_id
import complex_fft_cases

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "data", "complex_fft_golden.json")

C = Arg((4,), "complex64", "complex")
C34 = Arg((3, 4), "complex64", "complex")
C_RIGHT = Arg((4,), "complex64", "complex", low=0.5, high=2.0)  # away from branch cuts
C_SMALL = Arg((4,), "complex64", "complex", low=-0.6, high=0.6)  # inside |z| < 1
F = Arg((4,))


def unary(name, fn=None, ref=None, arg=C, diff=(0,), **kw):
    fn = fn or getattr(jnp, name)
    ref = ref or getattr(np, name)
    return Op(f"complex {name}", fn, ref, (arg,), diff=diff, **kw)


UNARY = [unary(n) for n in ["negative", "exp", "expm1", "sin", "cos", "tan", "sinh", "cosh",
                            "tanh", "arctan", "arcsinh", "square", "reciprocal", "conjugate",
                            "real", "imag", "abs", "angle", "positive"]] + [
    unary("exp2", arg=C_SMALL),
    unary("log", arg=C_RIGHT), unary("log1p", arg=C_RIGHT), unary("log2", arg=C_RIGHT),
    unary("log10", arg=C_RIGHT), unary("sqrt", arg=C_RIGHT),
    unary("arcsin", arg=C_SMALL), unary("arccos", arg=C_SMALL), unary("arctanh", arg=C_SMALL),
    # JAX's acosh rule uses rsqrt((z - 1)(z + 1)): the true derivative where both factors'
    # square roots stay on the principal branch (Re z, Im z > 0).
    unary("arccosh", arg=C_RIGHT),
    unary("sign", diff=()),
    unary("round", fn=lambda z: jnp.round(z, 1), ref=lambda z: np.round(z, 1), diff=()),
    unary("sinc", arg=C_SMALL),
    unary("isfinite", diff=()),
    Op("complex angle deg", lambda z: jnp.angle(z, deg=True), lambda z: np.angle(z, deg=True),
       (C,), diff=(0,)),
    Op("complex lax.real", lax.real, np.real, (C,), diff=(0,)),
    Op("complex lax.imag", lax.imag, np.imag, (C,), diff=(0,)),
    Op("complex lax.conj", lax.conj, np.conj, (C,), diff=(0,)),
    Op("complex lax.conj of real", lax.conj, lambda x: x.astype(np.complex64), (F,), diff=(0,)),
    Op("complex lax.complex", lax.complex, lambda x, y: (x + 1j * y).astype(np.complex64),
       (F, Arg((3, 1, 4))), diff=(0, 1)),
    Op("complex power int", lambda z: z ** 3, lambda z: z ** 3, (C,), diff=(0,)),
]


def binary(name, args=(C, C), diff=(0, 1), **kw):
    return Op(f"complex {name}", getattr(jnp, name), getattr(np, name), args, diff=diff, **kw)


BINARY = [binary(n) for n in ["add", "subtract", "multiply"]] + [
    binary("divide", (C, C_RIGHT)),
    binary("power", (C_RIGHT, C_SMALL)),
    binary("add", (C34, F)),  # complex with real: promotion and broadcasting
    binary("multiply", (F, C34)),
    binary("maximum", diff=()), binary("minimum", diff=()),
    binary("equal", diff=()), binary("less", diff=()),
]

REDUCTIONS = [
    Op("complex sum", lambda z: jnp.sum(z, axis=0), lambda z: np.sum(z, axis=0), (C34,),
       diff=(0,)),
    Op("complex prod", lambda z: jnp.prod(z, axis=1), lambda z: np.prod(z, axis=1), (C34,),
       diff=(0,)),
    Op("complex mean", jnp.mean, np.mean, (C34,), diff=(0,)),
    Op("complex var", lambda z: jnp.var(z, axis=1), lambda z: np.var(z, axis=1), (C34,),
       diff=(0,)),
    Op("complex std", jnp.std, np.std, (C34,), diff=(0,)),
    Op("complex cumsum", lambda z: jnp.cumsum(z, axis=1), lambda z: np.cumsum(z, axis=1),
       (C34,), diff=(0,)),
    Op("complex dot", jnp.dot, np.dot, (C34, C), diff=(0, 1)),
    Op("complex matmul", jnp.matmul, np.matmul, (C34, Arg((4, 2), "complex64", "complex")),
       diff=(0, 1)),
    Op("complex vdot", jnp.vdot, np.vdot, (C, C), diff=(0, 1)),
    Op("complex einsum", lambda a, b: jnp.einsum("ij,j->i", a, b),
       lambda a, b: np.einsum("ij,j->i", a, b), (C34, C), diff=(0, 1)),
    Op("complex norm", jnp.linalg.norm, np.linalg.norm, (C34,), diff=(0,)),
    Op("complex where", lambda z, w: jnp.where(jnp.real(z) > 0, z, w),
       lambda z, w: np.where(z.real > 0, z, w), (C, C), diff=(0, 1)),
    Op("complex indexing", lambda z: z[1:, ::2][jnp.array([0, 1, 0])],
       lambda z: z[1:, ::2][[0, 1, 0]], (C34,), diff=(0,)),
]


@pytest.mark.parametrize("op", UNARY + BINARY + REDUCTIONS, ids=op_id)
def test_op(op):
    check_op(op)


# ---- golden conventions (JAX 0.10.2) --------------------------------------------------------
def _golden():
    with open(GOLDEN) as f:
        return json.load(f)["cases"]


def check_golden(name, rtol=2e-6, atol=2e-6):
    want = _golden()[name]
    got = jaxlite.tree_util.tree_leaves(complex_fft_cases.CASES[name](jaxlite, jnp, lax))
    assert len(got) == len(want), name
    for i, (g, w) in enumerate(zip(got, want)):
        expected = decode_golden(w)
        assert np.asarray(g).dtype == expected.dtype, (name, i, np.asarray(g).dtype)
        assert bool(getattr(g, "weak_type", False)) == w["weak_type"], (name, i, "weak_type")
        np.testing.assert_allclose(np.asarray(g), expected, rtol=rtol, atol=atol,
                                   err_msg=f"{name}[{i}]")


COMPLEX_CASES = [n for n in complex_fft_cases.CASES if "fft" not in n]


@pytest.mark.parametrize("name", COMPLEX_CASES)
def test_matches_jax(name):
    check_golden(name)


def test_grad_convention_is_conjugate_of_steepest_ascent():
    # grad f(z) = df/dx - i df/dy, checked against finite differences along x and y.
    f = lambda z: jnp.sum(jnp.abs(jnp.sin(z)) ** 2 + jnp.real(z) * jnp.imag(z) ** 3)
    with jaxlite.enable_x64():
        z = np.array([0.3 + 0.7j, -1.1 + 0.2j])
        g = np.asarray(jaxlite.grad(f)(jnp.asarray(z)))
        eps = 1e-6
        for k in range(2):
            e = np.zeros(2)
            e[k] = eps
            dx = (float(f(jnp.asarray(z + e))) - float(f(jnp.asarray(z - e)))) / (2 * eps)
            dy = (float(f(jnp.asarray(z + 1j * e))) - float(f(jnp.asarray(z - 1j * e)))) / (2 * eps)
            np.testing.assert_allclose(g[k], dx - 1j * dy, rtol=1e-6)


def test_holomorphic_grad_is_complex_derivative():
    with jaxlite.enable_x64():
        z = 0.4 - 0.9j
        for f, df in [(jnp.exp, np.exp), (jnp.tan, lambda z: 1 / np.cos(z) ** 2),
                      (lambda z: jnp.log(z) * z, lambda z: np.log(z) + 1)]:
            np.testing.assert_allclose(complex(jaxlite.grad(f, holomorphic=True)(z)), df(z),
                                       rtol=1e-12)


def test_higher_order_holomorphic_and_mixed_modes():
    with jaxlite.enable_x64():
        z = jnp.asarray([0.5 + 0.5j, -1 + 0.25j])
        f = lambda z: jnp.sum(jnp.sin(z) * z ** 2)
        h = jaxlite.hessian(f, holomorphic=True)(z)
        d2 = lambda z: -np.sin(z) * z ** 2 + 4 * z * np.cos(z) + 2 * np.sin(z)
        np.testing.assert_allclose(np.asarray(h), np.diag(d2(np.asarray(z))), rtol=1e-12)
        fwd = jaxlite.jacfwd(jaxlite.grad(f, holomorphic=True), holomorphic=True)(z)
        np.testing.assert_allclose(np.asarray(fwd), np.asarray(h), rtol=1e-12)
        np.testing.assert_allclose(
            np.asarray(jaxlite.jit(jaxlite.vmap(jaxlite.grad(lambda z: jnp.sin(z) * z ** 2,
                                                             holomorphic=True)))(z)),
            np.diag(np.asarray(jaxlite.jacrev(lambda z: jnp.sin(z) * z ** 2,
                                              holomorphic=True)(z))), rtol=1e-12)


def test_abs_derivative_at_zero():
    # Real abs: slope +1 at 0. Complex abs: slope 0 at 0j (|z| replaced by 1 in the rule).
    assert float(jaxlite.grad(jnp.abs)(0.0)) == 1.0
    assert complex(jaxlite.grad(jnp.abs)(0j)) == 0
    _, t = jaxlite.jvp(jnp.abs, (0j,), (1 + 1j,))
    assert float(t) == 0 and t.dtype == np.float32


# ---- creation, promotion, printing -----------------------------------------------------------
def test_creation_dtypes():
    z = jnp.array(1 + 2j)
    assert z.dtype == np.complex64 and z.weak_type
    assert jnp.array([1j, 2]).dtype == np.complex64 and not jnp.array([1j, 2]).weak_type
    assert jnp.asarray(np.complex128(1j)).dtype == np.complex64  # canonicalized without x64
    assert jnp.zeros(2, complex).dtype == np.complex64
    assert jnp.complex64(3).dtype == np.complex64
    with jaxlite.enable_x64():
        assert jnp.array(1 + 2j).dtype == np.complex128 and jnp.array(1 + 2j).weak_type
        assert jnp.asarray(np.complex64(1j)).dtype == np.complex64
        assert (jnp.array([1j]) + jnp.float32(1)).dtype == np.complex128
        assert lax.complex(1.0, 2.0).dtype == np.complex128


@pytest.mark.parametrize("dtype,with_c64,with_weak_1j,weak", [
    # (dtype, dtype + complex64 array, dtype + 1j, is the latter weak) as JAX gives them
    ("bool", "complex64", "complex64", True), ("int8", "complex64", "complex64", True),
    ("uint32", "complex64", "complex64", True), ("int32", "complex64", "complex64", True),
    ("float16", "complex64", "complex64", False), ("float32", "complex64", "complex64", False),
    ("complex64", "complex64", "complex64", False)])
def test_promotion(dtype, with_c64, with_weak_1j, weak):
    x = jnp.zeros(1, dtype)
    assert (x + jnp.zeros(1, jnp.complex64)).dtype == with_c64
    assert (x + 1j).dtype == with_weak_1j and (x + 1j).weak_type == weak
    assert jnp.promote_types(jnp.float64, jnp.complex64) == np.complex128
    assert jnp.promote_types(dtype, jnp.complex128) == np.complex128


def test_printing_like_jax():
    a = jnp.array([[1.5 + 2j, -3j], [1e-3 + 0j, 100]])
    assert repr(a) == ("Array([[ 1.5e+00+2.j, -0.0e+00-3.j],\n"
                       "       [ 1.0e-03+0.j,  1.0e+02+0.j]], dtype=complex64)")
    assert str(a) == "[[ 1.5e+00+2.j -0.0e+00-3.j]\n [ 1.0e-03+0.j  1.0e+02+0.j]]"
    assert repr(jnp.array(1 + 2j)) == "Array(1.+2.j, dtype=complex64, weak_type=True)"
    assert repr(jnp.int32(2) * 1j) == "Array(0.+2.j, dtype=complex64, weak_type=True)"
    assert repr(jnp.array(1 + 2j).real) == "Array(1., dtype=float32, weak_type=True)"
    assert repr(jnp.array([1 + 2j]).imag) == "Array([2.], dtype=float32)"
    assert repr(jnp.array(1 + 2j).conj()) == "Array(1.-2.j, dtype=complex64, weak_type=True)"


def test_real_dtypes_pass_through():
    assert repr(jnp.real(3)) == "Array(3, dtype=int32, weak_type=True)"
    assert repr(jnp.imag(3)) == "Array(0, dtype=int32, weak_type=True)"
    np.testing.assert_array_equal(jnp.imag(jnp.array([np.inf, 1.0])), [0.0, 0.0])
    assert jnp.conj(jnp.array([1, 2])).dtype == np.int32
    np.testing.assert_allclose(jnp.angle(jnp.array([1.0, -1.0, 0.0])), [0, np.pi, 0])
    assert jnp.angle(jnp.array([1, -1])).dtype == np.float32
    assert repr(jnp.angle(1j, deg=True)) == "Array(90., dtype=float32, weak_type=True)"
    np.testing.assert_allclose(jnp.angle(jnp.array([1 + 1j, -1, 0j, complex(-1, -0.0)])),
                               [np.pi / 4, np.pi, 0, -np.pi], rtol=1e-6)


def test_jaxpr_and_generated_code():
    text = str(jaxlite.make_jaxpr(lambda z: jnp.abs(z) + jnp.real(z) * jnp.imag(jnp.conj(z)))(
        1 + 1j))
    assert text == ("{ lambda ; a:c64[]. let\n    b:f32[] = abs a\n    c:f32[] = real a\n"
                    "    d:c64[] = conj[input_dtype=complex64] a\n    e:f32[] = imag d\n"
                    "    f:f32[] = mul c e\n    g:f32[] = add b f\n  in (g,) }")
    assert str(jaxlite.make_jaxpr(lax.complex)(1.0, 2.0)) == \
        "{ lambda ; a:f32[] b:f32[]. let c:c64[] = complex a b in (c,) }"
    f = jaxlite.jit(jaxlite.grad(lambda z: jnp.sum(jnp.abs(z * (2 - 1j)) ** 2)))
    z = jnp.asarray(np.array([1 + 1j, 2 - 3j], np.complex64))
    np.testing.assert_allclose(f(z), 2 * np.conj(np.asarray(z)) * 5, rtol=1e-6)
    assert "np.conjugate" in f.lower(z).compile().as_python()


# ---- errors, as JAX raises them -----------------------------------------------------------------
@pytest.mark.parametrize("call,error,message", [
    (lambda: jaxlite.grad(lambda z: z ** 2, holomorphic=True)(1.0), TypeError,
     "grad with holomorphic=True requires inputs with complex dtype, but got float32."),
    (lambda: jaxlite.grad(jnp.abs, holomorphic=True)(1 + 1j), TypeError,
     "grad with holomorphic=True requires outputs with complex dtype, but got float32."),
    (lambda: jaxlite.grad(lambda z: z ** 2)(1 + 2j), TypeError,
     "grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), "
     "but got complex64. For holomorphic differentiation, pass holomorphic=True. For "
     "differentiation of non-holomorphic functions involving complex outputs, use jax.vjp "
     "directly."),
    (lambda: jaxlite.jacfwd(jnp.abs)(jnp.array([1 + 2j])), TypeError,
     "jacfwd requires real-valued inputs (input dtype that is a sub-dtype of np.floating), "
     "but got complex64. For holomorphic differentiation, pass holomorphic=True."),
    (lambda: jaxlite.jacfwd(jnp.abs, holomorphic=True)(jnp.array([1 + 2j])), TypeError,
     "jacfwd with holomorphic=True requires outputs with complex dtype, but got float32."),
    (lambda: jaxlite.jacfwd(jnp.sin, holomorphic=True)(jnp.array([1.0])), TypeError,
     "jacfwd with holomorphic=True requires inputs with complex dtype, but got float32."),
    (lambda: jaxlite.jacrev(lambda x: x * (1 + 1j))(jnp.array([1.0])), TypeError,
     "jacrev requires real-valued outputs (output dtype that is a sub-dtype of np.floating), "
     "but got complex64."),
    (lambda: jaxlite.jacrev(jnp.abs, holomorphic=True)(jnp.array([1j])), TypeError,
     "jacrev with holomorphic=True requires outputs with complex dtype, but got float32."),
    (lambda: jaxlite.hessian(lambda z: jnp.sum(jnp.abs(z)))(jnp.array([1j])), TypeError,
     "jacfwd requires real-valued inputs"),
    (lambda: jaxlite.vjp(lambda z: z * 2, 1 + 2j)[1](1.0), ValueError,
     "unexpected JAX type (e.g. shape/dtype) for argument to VJP function: got float32[], but "
     "expected complex64[] because the corresponding output of the differentiated function "
     "had JAX type complex64[]"),
    (lambda: lax.real(jnp.float32(1)), TypeError,
     "real does not accept dtype float32. Accepted dtypes are subtypes of complexfloating."),
    (lambda: lax.imag(jnp.float32(1)), TypeError, "imag does not accept dtype float32."),
    (lambda: lax.conj(1), TypeError,
     "conj does not accept dtype int32. Accepted dtypes are subtypes of float32, "
     "complexfloating, float64."),
    (lambda: lax.complex(1, 2), TypeError, "complex does not accept dtype int32."),
    (lambda: jaxlite.jit(lax.real)(jnp.float32(1)), TypeError, "real does not accept dtype"),
])
def test_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


def test_grad_of_complex_output_via_vjp():
    # What the error message recommends: vjp works for non-holomorphic complex outputs.
    y, pull = jaxlite.vjp(lambda z: jnp.conj(z) * z, 1 + 2j)
    assert complex(y) == 5
    assert complex(pull(1 + 0j)[0]) == 2 - 4j  # ct * conj(z) + conj(ct * z)
