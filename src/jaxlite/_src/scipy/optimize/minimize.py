"""jax.scipy.optimize.minimize with method="BFGS", and its `OptimizeResults`.

BFGS as in Nocedal & Wright, *Numerical Optimization* (2nd ed.), Algorithm 6.1: keep an
estimate H of the inverse Hessian (starting from the identity), step along p = -H g with
a step length satisfying the strong Wolfe conditions (`line_search`, N&W Algorithms 3.5
and 3.6), then update H with s = x_new - x and y = g_new - g (N&W eq. 6.17):

    H <- (I - rho s y^T) H (I - rho y s^T) + rho s s^T,   rho = 1 / (y^T s)

The iteration is one ``lax.while_loop`` over a state, so `minimize` runs under jit and
vmap. It stops when the gradient's norm (``options['norm']``, default inf) falls below
``options['gtol']`` (default 1e-5), after ``options['maxiter']`` iterations (default 200
per variable), or when the line search fails; the point is then left where it was.

``OptimizeResults.status`` uses JAX's documented codes: 0 converged, 1 maximum BFGS
iterations reached, 3 the line search's zoom failed (its interval collapsed), 4 the
search direction was not a descent direction (a saddle point, or an estimate that lost
positive definiteness), 5 maximum line-search iterations reached.

    >>> import jaxlite.numpy as jnp
    >>> from jaxlite.scipy.optimize import minimize
    >>> r = minimize(lambda x: jnp.sum((x - jnp.array([1.0, -2.0])) ** 2), jnp.zeros(2),
    ...              method="BFGS")
    >>> print(r.x.round(4), bool(r.success), int(r.status))
    [ 1. -2.] True 0
"""
from typing import Any, NamedTuple

import numpy as np

from ...api import value_and_grad
from ...conversion import asarray, promote_inexact
from ...lax.control_flow import while_loop
from ...numpy_api import ufuncs as uf
from ...numpy_api.contractions import dot, matmul, outer
from ...numpy_api.creation import eye
from ...numpy_api.linalg import norm as vector_norm
from . import line_search as ls

# line-search status -> OptimizeResults.status
_FAILURE_STATUS = {ls.MAX_ITERATIONS: 5, ls.INTERVAL_COLLAPSED: 3, ls.NOT_DESCENT: 4}


class OptimizeResults(NamedTuple):
    """Object holding optimization results (JAX's fields, in JAX's order).

    x: the final point. success: True if the gradient-norm test was met. status: 0
    converged, 1 maximum BFGS iterations reached, 3 zoom failed, 4 saddle point (not a
    descent direction), 5 maximum line-search iterations reached. fun, jac: the function
    value and gradient at x. hess_inv: the final inverse-Hessian estimate. nfev, njev:
    function and gradient evaluations. nit: BFGS iterations.
    """
    x: Any
    success: Any
    status: Any
    fun: Any
    jac: Any
    hess_inv: Any
    nfev: Any
    njev: Any
    nit: Any


class _BFGSState(NamedTuple):
    converged: Any
    failed: Any
    status: Any     # the failing line search's mapped status, while `failed`
    k: Any
    nfev: Any
    ngev: Any
    x: Any
    f: Any
    g: Any
    H: Any


def _minimize_bfgs(fun, x0, maxiter=None, norm=np.inf, gtol=1e-5, line_search_maxiter=10):
    (x0,) = promote_inexact(asarray(x0))
    if x0.ndim != 1:
        raise TypeError(f"jax.scipy.optimize.minimize: x0 must be a 1-D array, got shape "
                        f"{tuple(x0.shape)}")
    n = x0.shape[0]
    if maxiter is None:
        maxiter = 200 * n
    evaluate = value_and_grad(fun)
    f0, g0 = evaluate(x0)
    identity = eye(n, dtype=x0.dtype)

    def small_gradient(g):
        return vector_norm(g, ord=norm) < gtol

    init = _BFGSState(converged=small_gradient(g0), failed=asarray(False), status=0, k=0,
                      nfev=1, ngev=1, x=x0, f=f0, g=g0, H=identity)

    def keep_going(s):
        return ~s.converged & ~s.failed & (s.k < maxiter)

    def iterate(s):
        p = -matmul(s.H, s.g)
        # With H = I the first step is plain steepest descent: try a unit-length step.
        first = uf.where(s.k == 0, uf.minimum(1.0, 1.0 / vector_norm(s.g)), 1.0)
        search = ls.line_search(fun, s.x, p, old_fval=s.f, gfk=s.g,
                                maxiter=line_search_maxiter, initial_step=first)
        moved = ~search.failed
        step = search.a_k * p
        y = search.g_k - s.g
        sy = dot(step, y)
        # Strong Wolfe steps give y^T s > 0; anything else leaves H as it was.
        curved = moved & uf.isfinite(sy) & (sy > 0)
        rho = 1.0 / uf.where(curved, sy, 1.0)
        left = identity - rho * outer(step, y)
        H_new = matmul(matmul(left, s.H), left.T) + rho * outer(step, step)
        status = s.status
        for code, mapped in _FAILURE_STATUS.items():
            status = uf.where(search.status == code, mapped, status)
        g = uf.where(moved, search.g_k, s.g)
        return _BFGSState(
            converged=small_gradient(g), failed=search.failed,
            status=uf.where(search.failed, status, 0), k=s.k + 1,
            nfev=s.nfev + search.nfev, ngev=s.ngev + search.ngev,
            x=uf.where(moved, s.x + step, s.x), f=uf.where(moved, search.f_k, s.f), g=g,
            H=uf.where(curved, H_new, s.H))

    s = while_loop(keep_going, iterate, init)
    status = uf.where(s.converged, 0, uf.where(s.failed, s.status, 1))
    return OptimizeResults(x=s.x, success=s.converged & ~s.failed, status=status, fun=s.f,
                           jac=s.g, hess_inv=s.H, nfev=s.nfev, njev=s.ngev, nit=s.k)


def minimize(fun, x0, args=(), *, method, tol=None, options=None):
    """Minimize a scalar function of one 1-D array argument: ``fun(x, *args)``.

    ``method`` must be "BFGS" (any case). ``options``: ``maxiter`` (default
    ``200 * x0.size``), ``norm`` (order of the gradient norm, default inf), ``gtol``
    (stop when that norm is below it, default 1e-5), ``line_search_maxiter`` (trial steps
    per line search, default 10). ``tol`` is accepted for SciPy compatibility and, as in
    JAX 0.10.2, does not change the stopping test: set ``options['gtol']``. Returns
    `OptimizeResults`; runs under jit and vmap.
    """
    if not isinstance(args, tuple):
        raise TypeError("args argument to jax.scipy.optimize.minimize must be a tuple, "
                        f"got {args}")
    if options is None:
        options = {}

    def objective(x):
        return fun(x, *args)

    if method.lower() == "bfgs":
        return _minimize_bfgs(objective, x0, **options)
    raise ValueError(f"Method {method} not recognized")
