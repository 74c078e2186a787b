"""jaxopt's quick start: ridge regression with LBFGS and GradientDescent, a box-
constrained problem with ProjectedGradient, implicit differentiation of the solution
with respect to the regularization, a root with Bisection, and ScipyMinimize.
Prints `name: values` lines."""
import jax
import jax.numpy as jnp
import jaxopt
from jaxopt import projection


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


X = jax.random.normal(jax.random.PRNGKey(0), (20, 4))
y = X @ jnp.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * jax.random.normal(jax.random.PRNGKey(1), (20,))


def ridge_reg_objective(params, l2reg, X, y):
    residuals = jnp.dot(X, params) - y
    return jnp.mean(residuals ** 2) + 0.5 * l2reg * jnp.dot(params, params)


w_init = jnp.zeros(4)
lbfgs = jaxopt.LBFGS(fun=ridge_reg_objective, maxiter=100, tol=1e-6)
res = lbfgs.run(w_init, l2reg=0.1, X=X, y=y)
report("lbfgs.params", res.params)
report("lbfgs.value", ridge_reg_objective(res.params, 0.1, X, y))

gd = jaxopt.GradientDescent(fun=ridge_reg_objective, maxiter=500, stepsize=0.1)
report("gd.params", gd.run(w_init, l2reg=0.1, X=X, y=y).params)


def solution(l2reg):
    return jaxopt.LBFGS(fun=ridge_reg_objective, maxiter=100, tol=1e-8,
                        implicit_diff=True).run(w_init, l2reg=l2reg, X=X, y=y).params


report("implicit.jacobian", jax.jacobian(solution)(0.1))
pg = jaxopt.ProjectedGradient(fun=ridge_reg_objective, projection=projection.projection_box,
                              maxiter=2000, tol=1e-7)
report("projected.params", pg.run(w_init, hyperparams_proj=(-1.0, 1.0), l2reg=0.1,
                                  X=X, y=y).params)
bis = jaxopt.Bisection(optimality_fun=lambda x: x ** 3 - x - 2, lower=1.0, upper=2.0,
                       tol=1e-6)
report("bisection.root", bis.run().params)
sp = jaxopt.ScipyMinimize(fun=ridge_reg_objective, method="L-BFGS-B", tol=1e-8)
report("scipy.params", sp.run(w_init, l2reg=0.1, X=X, y=y).params)


def logreg_loss(W, data):
    logits = data[0] @ W
    return jnp.mean(jax.nn.logsumexp(logits, -1) - jnp.sum(logits * data[1], -1))


labels = jax.nn.one_hot(jnp.argmax(X[:, :3], 1), 3)
pgd = jaxopt.ProximalGradient(fun=logreg_loss, prox=jaxopt.prox.prox_lasso, maxiter=100)
report("prox_lasso.W", pgd.run(jnp.zeros((4, 3)), hyperparams_prox=0.01, data=(X, labels)).params)
