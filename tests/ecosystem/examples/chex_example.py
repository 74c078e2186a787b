"""chex's README usage: dataclasses as pytrees, assertions inside jit, variants."""
import chex
import jax
import jax.numpy as jnp


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


@chex.dataclass
class Params:
    w: chex.Array
    b: chex.Array


params = Params(w=jnp.ones((2, 3)), b=jnp.zeros(3))
doubled = jax.tree_util.tree_map(lambda x: 2 * x + 1, params)
report("dataclass.w", doubled.w)
report("dataclass.b", doubled.b)


@jax.jit
def f(x, y):
    chex.assert_equal_shape([x, y])
    chex.assert_rank(x, 2)
    chex.assert_type(x, float)
    return x @ y.T


x = jnp.arange(6.0).reshape(2, 3)
report("assert_in_jit", f(x, x + 1))
chex.assert_trees_all_close(params, Params(w=jnp.ones((2, 3)), b=jnp.zeros(3)))
try:
    chex.assert_shape(x, (3, 2))
    report("assert_shape_raised", 0)
except AssertionError:
    report("assert_shape_raised", 1)
report("tree_all_finite", chex.assert_tree_all_finite(params) is None)
