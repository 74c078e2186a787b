"""Newton's method: jax.hessian inside lax.while_loop, compiled with jit.

Run:  python examples/newton_hessian.py

Newton's method minimizes a smooth convex function by repeating
    x <- x - H(x)^{-1} grad f(x)
until the gradient vanishes. The number of steps depends on the data, so the loop
is a `lax.while_loop`: under `jit` the whole solver (gradient, Hessian, linear solve,
stopping test) becomes one compiled function with a real loop in it. Near the
minimum the error squares at every step (quadratic convergence), which the
recorded gradient norms show. Runs in float64 so that the convergence is visible
past float32's precision.
"""
import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax

MAX_STEPS = 30


def newton_minimize(f, x0, tol=1e-12):
    """Minimize f from x0; returns (x, steps taken, gradient norm after each step)."""
    grad_f, hess_f = jax.grad(f), jax.hessian(f)

    def keep_going(state):
        _, step, grad_norm, _ = state
        # a while_loop predicate must be a scalar boolean
        return (grad_norm > tol) & (step < MAX_STEPS)

    def newton_step(state):
        x, step, _, history = state
        x = x - jnp.linalg.solve(hess_f(x), grad_f(x))
        grad_norm = jnp.linalg.norm(grad_f(x))
        # the carry has a fixed shape, so the history is a preallocated buffer
        return x, step + 1, grad_norm, history.at[step].set(grad_norm)

    init = (x0, 0, jnp.linalg.norm(grad_f(x0)), jnp.full(MAX_STEPS, jnp.nan))
    x, steps, _, history = lax.while_loop(keep_going, newton_step, init)
    return x, steps, history


def separable(c):
    # f(x) = sum(exp(x) - c x) is strictly convex with its minimum at x = log(c)
    return lambda x: jnp.sum(jnp.exp(x) - c * x)


def logistic_regression(features, labels, l2=0.1):
    # the mean logistic loss plus an L2 penalty: convex, with no closed-form minimizer
    def loss(w):
        margins = labels * (features @ w)
        return jnp.mean(jnp.logaddexp(0.0, -margins)) + 0.5 * l2 * jnp.sum(w ** 2)
    return loss


def gradient_descent(f, x0, lr, steps):
    """A slow reference: plain gradient descent, a fori_loop with static bounds."""
    return lax.fori_loop(0, steps, lambda i, x: x - lr * jax.grad(f)(x), x0)


def main(verbose=True):
    with jax.enable_x64():
        c = jnp.array([0.5, 2.0, 5.0])
        solve = jax.jit(lambda x0: newton_minimize(separable(c), x0))
        x, steps, history = solve(jnp.zeros(3))
        if verbose:
            print("sum(exp(x) - c x):  Newton ->", np.asarray(x), f"in {int(steps)} steps")
            print("                    log(c) =", np.log(np.asarray(c)))

        rng = np.random.RandomState(0)
        features = jnp.asarray(rng.randn(200, 5))
        true_w = jnp.asarray([1.5, -2.0, 0.5, 0.0, 1.0])
        labels = jnp.sign(features @ true_w + 0.5 * jnp.asarray(rng.randn(200)))
        loss = logistic_regression(features, labels)
        w, lr_steps, lr_history = jax.jit(lambda w0: newton_minimize(loss, w0))(jnp.zeros(5))
        w_gd = jax.jit(lambda w0: gradient_descent(loss, w0, lr=1.0, steps=3000))(jnp.zeros(5))
        hessian_eigenvalues = jnp.linalg.eigvalsh(jax.hessian(loss)(w))
        if verbose:
            print("logistic regression: Newton w =", np.round(np.asarray(w), 6),
                  f"in {int(lr_steps)} steps")
            print("   3000 steps of gradient descent =", np.round(np.asarray(w_gd), 6))
            print("   gradient norm after each Newton step:")
            for k in range(int(lr_steps)):
                print(f"     step {k + 1}: {float(lr_history[k]):.3e}")
            print("   Hessian eigenvalues at the minimum (all > 0: convex):",
                  np.round(np.asarray(hessian_eigenvalues), 4))
        return {"separable_x": np.asarray(x), "separable_expected": np.log(np.asarray(c)),
                "separable_steps": int(steps), "w": np.asarray(w), "w_gd": np.asarray(w_gd),
                "steps": int(lr_steps), "grad_norms": np.asarray(lr_history[:int(lr_steps)]),
                "final_grad_norm": float(jnp.linalg.norm(jax.grad(loss)(w))),
                "hessian_eigenvalues": np.asarray(hessian_eigenvalues)}


if __name__ == "__main__":
    main()
