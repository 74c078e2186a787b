"""optimistix's README usage: a root find (Newton), a fixed point, a least-squares fit
(Levenberg-Marquardt) and a minimisation (BFGS), plus a gradient through the root find
(implicit differentiation)."""
import jax
import jax.numpy as jnp
import optimistix as optx


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


def fn(y, args):
    a, b = y
    c = jnp.tanh(jnp.sum(b)) - a
    d = a**2 - jnp.sinh(b + 1)
    return c, d


solver = optx.Newton(rtol=1e-5, atol=1e-5)
y0 = (jnp.array(0.), jnp.zeros((2, 2)))
sol = optx.root_find(fn, solver, y0)
report("newton.a", sol.value[0])
report("newton.b", sol.value[1])

fixed = optx.fixed_point(lambda y, args: jnp.cos(y), optx.FixedPointIteration(
    rtol=1e-6, atol=1e-6), jnp.array(0.5), max_steps=1000)
report("fixed_point.value", fixed.value)

xs = jnp.linspace(0.0, 1.0, 8)
ys = 2.0 * jnp.exp(-1.5 * xs)


def residuals(p, args):
    x, y = args
    return p[0] * jnp.exp(-p[1] * x) - y


lm = optx.least_squares(residuals, optx.LevenbergMarquardt(rtol=1e-5, atol=1e-5),
                        jnp.array([1.0, 1.0]), args=(xs, ys))
report("least_squares.value", lm.value)


def rosenbrock(p, args):
    return (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2


bfgs = optx.minimise(rosenbrock, optx.BFGS(rtol=1e-6, atol=1e-6), jnp.array([-1.0, 1.0]),
                     max_steps=500)
report("bfgs.value", bfgs.value)


def sqrt_of(c):
    return optx.root_find(lambda y, c: y**2 - c, optx.Newton(rtol=1e-5, atol=1e-5),
                          jnp.array(1.0), args=c).value


report("implicit.value", sqrt_of(jnp.array(2.0)))
report("implicit.grad", jax.grad(sqrt_of)(jnp.array(2.0)))
report("implicit.jit_grad", jax.jit(jax.grad(sqrt_of))(jnp.array(3.0)))
