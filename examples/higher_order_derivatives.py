"""Higher-order derivatives with jaxlite: a walk through the ideas of JAX's tutorial.

Run:  python examples/higher_order_derivatives.py

Each section prints what it computes next to a value it can be checked against
(a closed form, finite differences, or another transformation), so the output
is its own test.
"""
import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp


def section(title):
    print(f"\n== {title} ==")


# -- 1. Hessians are Jacobians of gradients ------------------------------------------
section("Hessian of a quadratic form")
# f(x) = x^T A x has Hessian A + A^T, whatever x is.
A = jnp.array([[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [1.0, 0.0, 1.0]])
quadratic = lambda x: x @ A @ x
x0 = jnp.array([0.3, -1.2, 2.0])
H_fwd_rev = jax.jacfwd(jax.jacrev(quadratic))(x0)
H_rev_rev = jax.jacrev(jax.jacrev(quadratic))(x0)
print("jacfwd(jacrev(f)):\n", H_fwd_rev)
print("A + A^T:\n", A + A.T)
print("jacrev(jacrev(f)) agrees:", bool(jnp.allclose(H_fwd_rev, H_rev_rev)))

# Higher derivatives of a scalar function are just more grads.
poly = lambda x: x ** 3 + 2 * x ** 2 - 3 * x + 1
d1, d2, d3 = jax.grad(poly), jax.grad(jax.grad(poly)), jax.grad(jax.grad(jax.grad(poly)))
print("p(x)=x^3+2x^2-3x+1 at x=2: p'=%.1f (3x^2+4x-3=17), p''=%.1f (6x+4=16), p'''=%.1f (6)"
      % (d1(2.0), d2(2.0), d3(2.0)))

# -- 2. stop_gradient and TD(0) --------------------------------------------------------
section("TD(0) with stop_gradient")
value_fn = lambda theta, state: jnp.dot(theta, state)
theta = jnp.array([0.1, -0.1, 0.0])
s_prev, reward, s_next = jnp.array([1.0, 2.0, -1.0]), jnp.array(1.0), jnp.array([2.0, 1.0, 0.0])


def naive_loss(theta, s_prev, reward, s_next):
    target = reward + value_fn(theta, s_next)
    return -0.5 * (target - value_fn(theta, s_prev)) ** 2


def td_loss(theta, s_prev, reward, s_next):
    target = reward + value_fn(theta, s_next)
    return -0.5 * (jax.lax.stop_gradient(target) - value_fn(theta, s_prev)) ** 2


td_error = reward + value_fn(theta, s_next) - value_fn(theta, s_prev)
print("gradient through the target (not TD(0)):", jax.grad(naive_loss)(theta, s_prev, reward, s_next))
print("TD(0) update via stop_gradient:         ", jax.grad(td_loss)(theta, s_prev, reward, s_next))
print("TD(0) update by hand, delta * s_prev:   ", td_error * s_prev)

# -- 3. Straight-through estimator -----------------------------------------------------
section("Straight-through estimator")


def straight_through(f):
    # Forward: f(x). Backward: identity. x - stop_gradient(x) is exactly zero.
    return lambda x: x - jax.lax.stop_gradient(x) + jax.lax.stop_gradient(f(x))


st_round = straight_through(jnp.round)
print("round(2.7) =", jnp.round(2.7), " d/dx round =", jax.grad(jnp.round)(2.7))
print("straight-through round(2.7) =", st_round(2.7), " d/dx =", jax.grad(st_round)(2.7))

# -- 4. Per-example gradients: vmap of grad, compiled with jit -----------------------------
section("Per-example gradients")
batch = 4
rng = np.random.default_rng(0)
states_prev = jnp.asarray(rng.normal(size=(batch, 3)), dtype=jnp.float32)
rewards = jnp.asarray(rng.normal(size=(batch,)), dtype=jnp.float32)
states_next = jnp.asarray(rng.normal(size=(batch, 3)), dtype=jnp.float32)
per_example = jax.jit(jax.vmap(jax.grad(td_loss), in_axes=(None, 0, 0, 0)))
grads = per_example(theta, states_prev, rewards, states_next)
loop = jnp.stack([jax.grad(td_loss)(theta, states_prev[i], rewards[i], states_next[i])
                  for i in range(batch)])
print("vmap(grad) rows:\n", grads)
print("equal to a Python loop of grads:", bool(jnp.allclose(grads, loop)))
print("the code jit generated:")
print(per_example.lower(theta, states_prev, rewards, states_next).compile().as_python())

# -- 5. Hessian-vector products ------------------------------------------------------------
section("Hessian-vector products")


def rosenbrock(x):
    return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def hvp_reverse_over_reverse(f, x, v):
    # The closure over v is fine: transformations never confuse their perturbations.
    return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)


def hvp_forward_over_reverse(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


x = jnp.array([0.5, -0.3, 1.2, 0.8])
v = jnp.array([1.0, 0.0, -2.0, 0.5])
dense = jax.hessian(rosenbrock)(x) @ v
print("reverse-over-reverse:", hvp_reverse_over_reverse(rosenbrock, x, v))
print("forward-over-reverse:", hvp_forward_over_reverse(rosenbrock, x, v))
print("dense Hessian @ v:   ", dense)

# -- 6. Jacobians of dict-valued parameters ------------------------------------------------
section("Jacobians with pytrees")
key = jax.random.key(0)
key, w_key, b_key = jax.random.split(key, 3)
params = {"W": jax.random.normal(w_key, (3,)), "b": jax.random.normal(b_key, ())}
inputs = jnp.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15],
                    [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]])


def predict(params, inputs):
    # The logistic sigmoid written with tanh, as in the tutorial.
    return 0.5 * (jnp.tanh((inputs @ params["W"] + params["b"]) / 2) + 1)


J = jax.jacrev(predict)(params, inputs)
print("dprob/dW, shape", J["W"].shape, "\n", J["W"])
print("dprob/db, shape", J["b"].shape, "\n", J["b"])
Jf = jax.jacfwd(predict)(params, inputs)
print("jacfwd agrees with jacrev:", all(bool(jnp.allclose(J[k], Jf[k])) for k in J))
H = jax.hessian(lambda W: predict({"W": W, "b": params["b"]}, inputs))(params["W"])
print("per-example Hessians w.r.t. W, shape", H.shape)

# A finite-difference check of one Jacobian entry, in float64 arithmetic on the side.
eps = 1e-3
W = np.asarray(params["W"], np.float64)
probe = lambda W: 0.5 * (np.tanh((np.asarray(inputs, np.float64) @ W + float(params["b"])) / 2) + 1)
fd = (probe(W + eps * np.eye(3)[1]) - probe(W - eps * np.eye(3)[1])) / (2 * eps)
print("finite differences for column 1:", np.round(fd, 5), " jacrev:", np.round(np.asarray(J["W"])[:, 1], 5))
