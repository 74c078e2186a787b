"""lineax's README usage: solve a linear system given as a matrix operator, then with
other operators and solvers (LU, QR least squares, CG on a positive definite operator,
a function operator), a gradient through the solve, and vmap over right-hand sides."""
import jax
import jax.numpy as jnp
import jax.random as jr
import lineax as lx


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


matkey, veckey = jr.split(jr.PRNGKey(0))
matrix = jr.normal(matkey, (10, 10))
vector = jr.normal(veckey, (10,))
operator = lx.MatrixLinearOperator(matrix)
solution = lx.linear_solve(operator, vector)
report("readme.value", solution.value)

lu = lx.linear_solve(operator, vector, solver=lx.LU())
report("lu.value", lu.value)

tall = jr.normal(jr.PRNGKey(1), (6, 3))
rhs = jr.normal(jr.PRNGKey(2), (6,))
lstsq = lx.linear_solve(lx.MatrixLinearOperator(tall), rhs, solver=lx.QR())
report("qr.value", lstsq.value)

spd = matrix @ matrix.T + 10.0 * jnp.eye(10)
spd_op = lx.MatrixLinearOperator(spd, lx.positive_semidefinite_tag)
cg = lx.linear_solve(spd_op, vector, solver=lx.CG(rtol=1e-6, atol=1e-6))
report("cg.value", cg.value)

fn_op = lx.FunctionLinearOperator(lambda x: jnp.stack([2.0 * x[0] + x[1], x[0] + 3.0 * x[1]]),
                                  jax.ShapeDtypeStruct((2,), jnp.float32))
report("function.value", lx.linear_solve(fn_op, jnp.array([1.0, 2.0])).value)


def loss(m, v):
    return jnp.sum(lx.linear_solve(lx.MatrixLinearOperator(m), v).value ** 2)


gm, gv = jax.grad(loss, argnums=(0, 1))(spd, vector)
report("grad.matrix_row0", gm[0])
report("grad.vector", gv)

many = jax.vmap(lambda v: lx.linear_solve(operator, v).value)(jnp.stack([vector, 2 * vector]))
report("vmap.value", many[:, :3])
