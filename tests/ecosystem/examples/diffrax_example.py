"""diffrax's README usage: solve dy/dt = -y with Tsit5 from t=0 to 3, plus the gradient
of the solution with respect to the initial condition and a parameter (checkpointed
adjoint), an adaptive-step solve with saveat, and a vmapped solve."""
import diffrax
import jax
import jax.numpy as jnp


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


def f(t, y, args):
    return -y


term = diffrax.ODETerm(f)
solver = diffrax.Dopri5()
y0 = jnp.array([2., 3.])
solution = diffrax.diffeqsolve(term, solver, t0=0, t1=1, dt0=0.1, y0=y0)
report("readme.ts", solution.ts)
report("readme.ys", solution.ys)


def vector_field(t, y, args):
    return -args * y


@jax.jit
def final(y0, k):
    sol = diffrax.diffeqsolve(diffrax.ODETerm(vector_field), diffrax.Tsit5(), t0=0.0,
                              t1=3.0, dt0=0.1, y0=y0, args=k)
    return jnp.sum(sol.ys[-1])


report("tsit5.value", final(jnp.array([1.0, 2.0]), 0.5))
grad_y0, grad_k = jax.grad(final, argnums=(0, 1))(jnp.array([1.0, 2.0]), 0.5)
report("tsit5.grad_y0", grad_y0)
report("tsit5.grad_k", grad_k)

# Adaptive steps (PID controller) and dense output at fixed times.
sol = diffrax.diffeqsolve(diffrax.ODETerm(lambda t, y, args: jnp.stack([y[1], -y[0]])),
                          diffrax.Tsit5(), t0=0.0, t1=2.0, dt0=0.05,
                          y0=jnp.array([1.0, 0.0]),
                          saveat=diffrax.SaveAt(ts=jnp.linspace(0.0, 2.0, 5)),
                          stepsize_controller=diffrax.PIDController(rtol=1e-5, atol=1e-5))
report("adaptive.ys", sol.ys)

batched = jax.vmap(lambda y: diffrax.diffeqsolve(
    diffrax.ODETerm(f), diffrax.Euler(), t0=0.0, t1=1.0, dt0=0.1, y0=y).ys[-1])(
        jnp.array([1.0, 2.0, 3.0]))
report("vmap.ys", batched)
