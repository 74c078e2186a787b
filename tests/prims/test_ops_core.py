"""Table-driven checks (values, jit, vmap, derivatives) for the first jax.numpy functions."""
import numpy as np
import pytest

import jaxlite.numpy as jnp
from op_table import Arg, Op, check_op, op_id

F = Arg((3, 4))
P = Arg((3, 4), kind="positive")

OPS = [
    Op("jnp.sin", jnp.sin, np.sin, (F,), diff=(0,)),
    Op("jnp.tanh", jnp.tanh, np.tanh, (F,), diff=(0,)),
    Op("jnp.log", jnp.log, np.log, (P,), diff=(0,)),
    Op("jnp.sqrt", jnp.sqrt, np.sqrt, (P,), diff=(0,)),
    Op("jnp.arctan2", jnp.arctan2, np.arctan2, (F, P), diff=(0, 1)),
    Op("jnp.maximum", jnp.maximum, np.maximum, (F, Arg((4,))), diff=(0, 1)),
    Op("jnp.sum", jnp.sum, np.sum, (F,), {"axis": 1}, diff=(0,)),
    Op("jnp.mean", jnp.mean, np.mean, (F,), {"axis": 0, "keepdims": True}, diff=(0,)),
    Op("jnp.prod", jnp.prod, np.prod, (F,), {"axis": 1}, diff=(0,)),
    Op("jnp.max", jnp.max, np.max, (F,), {"axis": 1}, diff=(0,)),
    Op("jnp.dot", jnp.dot, np.dot, (F, Arg((4, 2))), diff=(0, 1)),
    Op("jnp.matmul", jnp.matmul, np.matmul, (Arg((2, 3, 4)), Arg((4, 5))), diff=(0, 1)),
    Op("jnp.einsum", lambda a, b: jnp.einsum("ij,jk->ik", a, b),
       lambda a, b: np.einsum("ij,jk->ik", a, b), (F, Arg((4, 2))), diff=(0, 1)),
    Op("jnp.transpose", jnp.transpose, np.transpose, (Arg((2, 3, 4)),), {"axes": (2, 0, 1)},
       diff=(0,)),
    Op("jnp.concatenate", lambda a, b: jnp.concatenate([a, b], axis=1),
       lambda a, b: np.concatenate([a, b], axis=1), (F, Arg((3, 2))), diff=(0, 1)),
    Op("jnp.where", jnp.where, np.where, (Arg((3, 4), kind="bool"), F, F), diff=(1, 2)),
    Op("jnp.argmax", jnp.argmax, np.argmax, (F,), {"axis": 1}),
    Op("jnp.take", lambda x, i: jnp.take(x, i, axis=1), lambda x, i: np.take(x, i, axis=1),
       (F, Arg((5,), "int32", "int", 0, 4)), diff=(0,)),
]


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)
