"""A line search that returns a step satisfying the strong Wolfe conditions.

Written from Nocedal & Wright, *Numerical Optimization* (2nd ed.), Section 3.5:
Algorithm 3.5 (the bracketing phase: try growing steps until an interval is known to
hold acceptable steps) and Algorithm 3.6 (``zoom``: shrink that interval, choosing each
trial by cubic interpolation of the two end points' values and slopes, eq. 3.59, with a
quadratic and then a bisection fallback when the cubic's minimizer is unusable). The
initial trial step follows eq. 3.60 when the previous function value is known.

Both phases run as one ``lax.while_loop`` whose every iteration evaluates the function
and its gradient once at one trial step, so the search is traceable under jit and vmap.
In the bracketing phase the lower end ``lo`` of the state is the previous trial step
(Algorithm 3.5's alpha_{i-1}); the phase ends when a trial is accepted or an interval
``[lo, hi]`` containing acceptable steps is known, and zoom takes over.

As in JAX 0.10.2 this function is not public: ``jax.scipy.optimize`` exports only
``minimize`` and ``OptimizeResults``.

    >>> import jaxlite.numpy as jnp
    >>> from jaxlite._src.scipy.optimize.line_search import line_search
    >>> r = line_search(lambda x: jnp.sum(x ** 2), jnp.array([1.0, 1.0]),
    ...                 jnp.array([-1.0, -1.0]))
    >>> print(bool(r.failed), float(r.a_k), float(r.f_k))
    False 1.0 0.0
"""
from typing import Any, NamedTuple

import numpy as np

from ...api import value_and_grad
from ...conversion import asarray, promote_inexact
from ...lax.control_flow import while_loop
from ...numpy_api import ufuncs as uf
from ...numpy_api.contractions import dot
from ...numpy_api.creation import full_like, zeros_like

# status codes of LineSearchResults.status
SUCCEEDED = 0
MAX_ITERATIONS = 1      # maxiter trial steps evaluated without an acceptable one
INTERVAL_COLLAPSED = 2  # zoom shrank [lo, hi] to floating-point resolution
NOT_DESCENT = 3         # pk is not a descent direction: no step can satisfy the conditions


class LineSearchResults(NamedTuple):
    """The outcome of `line_search`.

    failed: True when no step satisfying the strong Wolfe conditions was found; then
      ``a_k``, ``f_k``, ``g_k`` describe the lowest trial point that satisfied the
      sufficient-decrease condition (the start point, ``a_k = 0``, if none did).
    nit: trial steps evaluated. nfev, ngev: function and gradient evaluations (every
      evaluation computes both; the start point counts when ``gfk`` was not given).
    a_k: the step length; f_k, g_k: the function value and gradient at ``xk + a_k pk``.
    status: 0 succeeded, 1 maximum iterations, 2 interval collapsed, 3 ``pk`` not a
      descent direction.
    """
    failed: Any
    nit: Any
    nfev: Any
    ngev: Any
    a_k: Any
    f_k: Any
    g_k: Any
    status: Any


class _SearchState(NamedTuple):
    i: Any          # trial steps evaluated so far
    done: Any       # stop: accepted, or failed with `status`
    status: Any
    zooming: Any    # False: Algorithm 3.5's bracketing phase; True: Algorithm 3.6
    a_next: Any     # the next bracketing-phase trial step
    a_lo: Any       # lo: satisfies sufficient decrease, lowest value seen so far
    phi_lo: Any
    dphi_lo: Any
    g_lo: Any
    a_hi: Any       # hi: the other end of the zoom interval
    phi_hi: Any
    dphi_hi: Any
    a_k: Any        # the accepted step (valid when done and status == 0)
    f_k: Any
    g_k: Any


def _safe_div(num, den):
    # num / den, with an unusable (non-finite) result instead of a warning where den == 0
    zero = den == 0
    return uf.where(zero, np.nan, num / uf.where(zero, 1.0, den))


def _cubic_minimizer(a0, f0, d0, a1, f1, d1):
    """The minimizer of the cubic matching value and slope at a0 and a1 (N&W eq. 3.59);
    NaN where that cubic has no minimizer."""
    e1 = d0 + d1 - 3.0 * _safe_div(f0 - f1, a0 - a1)
    radicand = e1 * e1 - d0 * d1
    e2 = uf.sign(a1 - a0) * uf.sqrt(uf.maximum(radicand, 0.0))
    step = (a1 - a0) * _safe_div(d1 + e2 - e1, d1 - d0 + 2.0 * e2)
    return uf.where(radicand >= 0, a1 - step, np.nan)


def _quadratic_minimizer(a0, f0, d0, a1, f1):
    """The minimizer of the parabola with value f0 and slope d0 at a0 and value f1 at a1."""
    span = a1 - a0
    curvature = f1 - f0 - d0 * span
    return uf.where(curvature > 0, a0 - _safe_div(d0 * span * span, 2.0 * curvature), np.nan)


def _zoom_trial(s):
    """The next trial inside [lo, hi]: cubic, else quadratic, else the midpoint; an
    interpolated step must keep 10% of the interval's width from either end."""
    width = uf.abs(s.a_hi - s.a_lo)
    left = uf.minimum(s.a_lo, s.a_hi) + 0.1 * width
    right = uf.maximum(s.a_lo, s.a_hi) - 0.1 * width

    def usable(a):
        return uf.isfinite(a) & (a >= left) & (a <= right)

    cubic = _cubic_minimizer(s.a_lo, s.phi_lo, s.dphi_lo, s.a_hi, s.phi_hi, s.dphi_hi)
    quadratic = _quadratic_minimizer(s.a_lo, s.phi_lo, s.dphi_lo, s.a_hi, s.phi_hi)
    midpoint = 0.5 * (s.a_lo + s.a_hi)
    return uf.where(usable(cubic), cubic, uf.where(usable(quadratic), quadratic, midpoint))


def line_search(f, xk, pk, old_fval=None, old_old_fval=None, gfk=None, c1=1e-4, c2=0.9,
                maxiter=20, initial_step=None):
    """A step length ``a`` along ``pk`` from ``xk`` satisfying the strong Wolfe conditions

        f(xk + a pk) <= f(xk) + c1 a g(xk)·pk       (sufficient decrease)
        |g(xk + a pk)·pk| <= c2 |g(xk)·pk|          (curvature)

    with ``0 < c1 < c2 < 1``. ``old_fval`` and ``gfk`` are f and its gradient at ``xk``
    (computed when omitted); with ``old_old_fval`` (f at the previous iterate) the first
    trial is min(1, 1.01 * 2 (f(xk) - old_old_fval) / g·pk) (N&W eq. 3.60), otherwise
    ``initial_step`` or 1. At most ``maxiter`` trial steps are evaluated. Returns
    `LineSearchResults`.
    """
    xk, pk = promote_inexact(asarray(xk), asarray(pk))
    evaluate = value_and_grad(f)
    extra_evals = 0
    if old_fval is None or gfk is None:
        old_fval, gfk = evaluate(xk)
        extra_evals = 1
    phi0 = asarray(old_fval)
    dphi0 = dot(gfk, pk)
    dtype = phi0.dtype

    first = full_like(phi0, 1.0) if initial_step is None else asarray(initial_step, dtype)
    if old_old_fval is not None:
        guess = 1.01 * _safe_div(2.0 * (phi0 - old_old_fval), dphi0)
        first = uf.where(uf.isfinite(guess) & (guess > 0), uf.minimum(guess, 1.0), first)

    descent = dphi0 < 0
    zero = zeros_like(phi0)
    init = _SearchState(
        i=0, done=~descent, status=uf.where(descent, SUCCEEDED, NOT_DESCENT),
        zooming=asarray(False), a_next=first,
        a_lo=zero, phi_lo=phi0, dphi_lo=dphi0, g_lo=gfk,
        a_hi=zero, phi_hi=phi0, dphi_hi=dphi0,
        a_k=zero, f_k=phi0, g_k=gfk)
    eps = float(np.finfo(dtype).eps)

    def keep_going(s):
        return ~s.done & (s.i < maxiter)

    def step(s):
        a = uf.where(s.zooming, _zoom_trial(s), s.a_next)
        phi, g = evaluate(xk + a * pk)
        dphi = dot(g, pk)
        # a becomes the interval's upper end: too little decrease (Alg. 3.5 and 3.6 alike)
        to_hi = ~uf.isfinite(phi) | (phi > phi0 + c1 * a * dphi0) | (phi >= s.phi_lo)
        accept = ~to_hi & uf.isfinite(dphi) & (uf.abs(dphi) <= -c2 * dphi0)
        # a becomes lo, and the slope says the minimizer lies back towards the old lo
        uphill = uf.where(s.zooming, dphi * (s.a_hi - s.a_lo) >= 0, dphi >= 0)
        flip = ~to_hi & ~accept & uphill
        new_lo = ~to_hi & ~accept            # a is the new lo (with or without the flip)

        def pick(cond, new, old):
            return uf.where(cond, new, old)

        a_hi = pick(to_hi, a, pick(flip, s.a_lo, s.a_hi))
        phi_hi = pick(to_hi, phi, pick(flip, s.phi_lo, s.phi_hi))
        dphi_hi = pick(to_hi, dphi, pick(flip, s.dphi_lo, s.dphi_hi))
        a_lo = pick(new_lo, a, s.a_lo)
        zooming = s.zooming | to_hi | flip
        collapsed = zooming & ~accept & (
            uf.abs(a_hi - a_lo) <= eps * uf.maximum(uf.abs(a_lo), uf.abs(a_hi)))
        return _SearchState(
            i=s.i + 1, done=accept | collapsed,
            status=pick(accept, SUCCEEDED, pick(collapsed, INTERVAL_COLLAPSED, s.status)),
            zooming=zooming, a_next=pick(s.zooming, s.a_next, 2.0 * a),
            a_lo=a_lo, phi_lo=pick(new_lo, phi, s.phi_lo), dphi_lo=pick(new_lo, dphi, s.dphi_lo),
            g_lo=pick(new_lo, g, s.g_lo),
            a_hi=a_hi, phi_hi=phi_hi, dphi_hi=dphi_hi,
            a_k=pick(accept, a, s.a_k), f_k=pick(accept, phi, s.f_k), g_k=pick(accept, g, s.g_k))

    s = while_loop(keep_going, step, init)
    succeeded = s.done & (s.status == SUCCEEDED)
    status = uf.where(s.done, s.status, MAX_ITERATIONS)
    nfev = s.i + extra_evals
    return LineSearchResults(
        failed=~succeeded, nit=s.i, nfev=nfev, ngev=nfev,
        a_k=uf.where(succeeded, s.a_k, s.a_lo), f_k=uf.where(succeeded, s.f_k, s.phi_lo),
        g_k=uf.where(succeeded, s.g_k, s.g_lo), status=status)
