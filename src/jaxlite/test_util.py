"""jaxlite.test_util: check_grads, as JAX's (numerical checks of derivative rules)."""
import numpy as np

# Absolute imports: pytest's assertion rewriter claims any module named test_*.py, so
# under `python -m jaxlite.run -m pytest` this file may load as `jax.test_util` (package
# `jax`), where a relative import would look for JAX's private `jax._src`.
from jaxlite._src import api
from jaxlite._src.tree import tree_flatten, tree_map
from jaxlite._src.conversion import asarray

_default_eps = {np.dtype("float32"): 1e-3, np.dtype("float64"): 1e-5}
_default_tol = {np.dtype("float32"): 1e-2, np.dtype("float64"): 1e-5}


def _inner(a, b):
    return sum(float(np.vdot(np.asarray(x, np.float64), np.asarray(y, np.float64)))
               for x, y in zip(tree_flatten(a)[0], tree_flatten(b)[0]))


def _random_like(tree, rng):
    return tree_map(lambda x: asarray(rng.normal(size=np.shape(x)).astype(np.asarray(x).dtype)),
                    tree)


def _axpy(a, x, y):
    return tree_map(lambda u, v: asarray(np.asarray(v) + a * np.asarray(u)), x, y)


def _tolerance(args, given, table):
    if given is not None:
        return given
    dtypes = [np.asarray(x).dtype for x in tree_flatten(args)[0]]
    return max((table.get(d, 1e-2) for d in dtypes), default=1e-2)


def check_jvp(f, f_jvp, args, atol=None, rtol=None, eps=None, rng=None):
    rng = rng or np.random.default_rng(0)
    eps = _tolerance(args, eps, _default_eps)
    atol = _tolerance(args, atol, _default_tol)
    rtol = _tolerance(args, rtol, _default_tol)
    tangent = _random_like(args, rng)
    _, jvp_out = f_jvp(args, tangent)
    plus = f(*_axpy(eps / 2, tangent, args))
    minus = f(*_axpy(-eps / 2, tangent, args))
    fd = tree_map(lambda p, m: (np.asarray(p, np.float64) - np.asarray(m, np.float64)) / eps,
                  plus, minus)
    for got, want in zip(tree_flatten(jvp_out)[0], tree_flatten(fd)[0]):
        np.testing.assert_allclose(np.asarray(got, np.float64), want, atol=atol, rtol=rtol,
                                   err_msg="JVP does not match finite differences")


def check_vjp(f, f_vjp, args, atol=None, rtol=None, eps=None, rng=None):
    rng = rng or np.random.default_rng(1)
    atol = _tolerance(args, atol, _default_tol)
    rtol = _tolerance(args, rtol, _default_tol)
    eps = _tolerance(args, eps, _default_eps)
    out, pullback = f_vjp(*args)
    tangent = _random_like(args, rng)
    cotangent = _random_like(out, rng)
    ct_in = pullback(cotangent)
    plus = f(*_axpy(eps / 2, tangent, args))
    minus = f(*_axpy(-eps / 2, tangent, args))
    fd = tree_map(lambda p, m: (np.asarray(p, np.float64) - np.asarray(m, np.float64)) / eps,
                  plus, minus)
    lhs, rhs = _inner(cotangent, fd), _inner(ct_in, tangent)
    np.testing.assert_allclose(rhs, lhs, atol=atol * max(1.0, abs(lhs)), rtol=rtol,
                               err_msg="VJP is not the transpose of the finite-difference JVP")


def check_grads(f, args, order, modes=("fwd", "rev"), atol=None, rtol=None, eps=None):
    """Check f's derivatives up to `order` against finite differences, in forward
    ("fwd") and/or reverse ("rev") mode, as jax.test_util.check_grads does.

    It returns None when the derivatives agree, and raises AssertionError when a rule is
    wrong:

    >>> jax.test_util.check_grads(jnp.sin, (1.0,), order=2) is None
    True
    >>> @jax.custom_jvp
    ... def f(x):
    ...     return jnp.sin(x)
    >>> @f.defjvp
    ... def f_jvp(primals, tangents):
    ...     return f(*primals), 2.0 * tangents[0]  # wrong: d sin(x) = cos(x) dx
    >>> jax.test_util.check_grads(f, (1.0,), order=1, modes=("fwd",))
    Traceback (most recent call last):
    ...
    AssertionError: ...JVP does not match finite differences...
    """
    args = tuple(asarray(a) for a in args)
    unknown = set(modes) - {"fwd", "rev"}
    if unknown:
        raise ValueError(f"check_grads modes must be 'fwd' and/or 'rev', got {sorted(unknown)}")

    def check(fun, fun_args, remaining):
        if remaining == 0:
            return
        if "fwd" in modes:
            check_jvp(fun, lambda a, t: api.jvp(fun, a, t), fun_args, atol, rtol, eps)
            if remaining > 1:
                check(lambda *a: api.jvp(fun, a, _ones_like(a))[1], fun_args, remaining - 1)
        if "rev" in modes:
            check_vjp(fun, lambda *a: api.vjp(fun, *a), fun_args, atol, rtol, eps)
            if remaining > 1:
                def vjp_of(*a):
                    out, pull = api.vjp(fun, *a)
                    return pull(tree_map(lambda o: asarray(np.ones(np.shape(o),
                                                                   np.asarray(o).dtype)), out))
                check(vjp_of, fun_args, remaining - 1)

    check(f, args, order)


def _ones_like(tree):
    return tuple(tree_map(lambda x: asarray(np.ones(np.shape(x), np.asarray(x).dtype)), tree))
