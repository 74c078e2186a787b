"""Implicit differentiation of a fixed point with jax.custom_vjp.

Run:  python examples/implicit_fixed_point.py

An "equilibrium layer" maps an input a to the z that solves z = tanh(W z + U a + b).
The forward pass finds z* by iterating until z stops changing (a lax.while_loop, whose
trip count depends on the data). Reverse mode cannot go through such a loop, and even
if it could it would store every iterate. The implicit function theorem gives the
gradient from z* alone: with F(theta, z) = tanh(W z + U a + b),

    dz*/dtheta = (I - dF/dz)^{-1} dF/dtheta,   so for a cotangent g:
    g . dz*/dtheta = u . dF/dtheta   where   u = g + u . dF/dz

and u is itself a fixed point, found by the same kind of loop. A custom_vjp says so:
`fwd` saves only (theta, z*), `bwd` solves for u and applies F's VJP once. The result is
checked against differentiating 200 unrolled iterations (a fori_loop with static
bounds, which reverse mode handles as a scan).
"""
from functools import partial

import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax


def iterate_to_fixed_point(f, z0, tol=1e-7, max_steps=1000):
    """Apply f until successive iterates differ by less than tol (a while_loop)."""
    def not_converged(state):
        z_prev, z, step = state
        return (jnp.max(jnp.abs(z - z_prev)) > tol) & (step < max_steps)

    def step(state):
        _, z, k = state
        return z, f(z), k + 1

    _, z, _ = lax.while_loop(not_converged, step, (z0, f(z0), 0))
    return z


@partial(jax.custom_vjp, nondiff_argnums=(0,))
def fixed_point(F, theta, z0):
    """z* with z* = F(theta, z*), reached by iterating from z0."""
    return iterate_to_fixed_point(lambda z: F(theta, z), z0)


def fixed_point_fwd(F, theta, z0):
    z_star = fixed_point(F, theta, z0)
    return z_star, (theta, z_star)  # no iterates saved: memory does not grow with steps


def fixed_point_bwd(F, residuals, g):
    theta, z_star = residuals
    _, vjp_z = jax.vjp(lambda z: F(theta, z), z_star)
    # u = g + u . dF/dz, a fixed point again (it converges when F is a contraction in z)
    u = iterate_to_fixed_point(lambda u: g + vjp_z(u)[0], g)
    _, vjp_theta = jax.vjp(lambda th: F(th, z_star), theta)
    (theta_bar,) = vjp_theta(u)
    return theta_bar, jnp.zeros_like(z_star)  # z0 does not affect z*


fixed_point.defvjp(fixed_point_fwd, fixed_point_bwd)


def layer(theta, z):
    return jnp.tanh(theta["W"] @ z + theta["U"] @ theta["a"] + theta["b"])


def make_theta(seed=0, n=8, m=4):
    rng = np.random.RandomState(seed)
    W = rng.randn(n, n)
    W *= 0.6 / np.linalg.norm(W, 2)  # spectral norm 0.6 < 1: F is a contraction in z
    return {"W": jnp.asarray(W, jnp.float32),
            "U": jnp.asarray(rng.randn(n, m) / np.sqrt(m), jnp.float32),
            "b": jnp.asarray(0.1 * rng.randn(n), jnp.float32),
            "a": jnp.asarray(rng.randn(m), jnp.float32)}


def implicit_loss(theta):
    z_star = fixed_point(layer, theta, jnp.zeros(theta["b"].shape))
    return jnp.sum(z_star ** 2)


def unrolled_loss(theta, steps=200):
    # the same fixed point reached by a fixed number of steps; reverse mode stores them all
    z = lax.fori_loop(0, steps, lambda i, z: layer(theta, z), jnp.zeros(theta["b"].shape))
    return jnp.sum(z ** 2)


def main(verbose=True):
    theta = make_theta()
    z_star = fixed_point(layer, theta, jnp.zeros(8))
    residual = float(jnp.max(jnp.abs(z_star - layer(theta, z_star))))
    implicit = jax.jit(jax.grad(implicit_loss))(theta)
    unrolled = jax.jit(jax.grad(unrolled_loss))(theta)
    differences = {k: float(jnp.max(jnp.abs(implicit[k] - unrolled[k]))) for k in theta}
    if verbose:
        print(f"fixed point residual |z* - F(z*)|: {residual:.2e}")
        print("loss:", float(implicit_loss(theta)), "(unrolled:", float(unrolled_loss(theta)), ")")
        for k in sorted(theta):
            print(f"d loss / d {k}: max |implicit - unrolled| = {differences[k]:.2e}")
        print("d loss / d a (implicit):", np.round(np.asarray(implicit["a"]), 5))
        print("d loss / d a (unrolled):", np.round(np.asarray(unrolled["a"]), 5))

    # Without the custom rule, reverse mode meets the data-dependent while_loop.
    plain = lambda theta: jnp.sum(iterate_to_fixed_point(lambda z: layer(theta, z),
                                                         jnp.zeros(8)) ** 2)
    try:
        jax.grad(plain)(theta)
        plain_error = None
    except ValueError as e:
        plain_error = str(e)
    if verbose:
        print("grad without custom_vjp:", (plain_error or "no error")[:80], "...")
    return {"residual": residual, "implicit": implicit, "unrolled": unrolled,
            "differences": differences, "plain_error": plain_error}


if __name__ == "__main__":
    main()
