"""jax.example_libraries.optimizers: trajectories match JAX's (float32), the update
formulas, schedules, the OptimizerState pytree and its (un)packing, and the errors."""
import json
import os
import pickle

import numpy as np
import pytest

import example_libraries_cases
import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite.example_libraries import optimizers
from op_table import assert_close, decode_golden

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "data", "example_libraries_golden.json")
with open(GOLDEN) as _f:
    _GOLDEN = json.load(_f)["cases"]

ALL = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "rmsprop_momentum", "adam",
       "adamax", "sm3"]


def _make(name, step_size=0.1):
    maker = getattr(optimizers, name)
    return maker(step_size, 0.9) if name in ("momentum", "nesterov") else maker(step_size)


@pytest.mark.parametrize("name", sorted(n for n in example_libraries_cases.CASES
                                        if n.endswith("_steps")))
def test_trajectory_matches_jax(name):
    # Five steps on a quadratic, float32. XLA's CPU division and x ** n are not always
    # the correctly rounded ones NumPy computes, so values may differ in the last bits.
    got = jaxlite.tree_util.tree_leaves(example_libraries_cases.CASES[name](jaxlite, jnp, lax))
    assert_close(got, [decode_golden(entry) for entry in _GOLDEN[name]], 1e-5, 1e-6, name)


def test_update_formulas_one_leaf():
    x, g = jnp.array([1.0, -2.0]), jnp.array([0.5, 4.0])
    expected = {
        "sgd": x - 0.1 * g,
        "momentum": x - 0.1 * g,
        "nesterov": x - 0.1 * (0.9 * g + g),
        "adagrad": x - 0.1 * (0.1 * g / jnp.abs(g)),
        "rmsprop": x - 0.1 * g / jnp.sqrt(0.1 * g ** 2 + 1e-8),
        "rmsprop_momentum": x - 0.1 * g / jnp.sqrt(0.1 * g ** 2 + 1e-8),
        "adam": x - 0.1 * g / (jnp.abs(g) + 1e-8),
        "adamax": x - 0.1 * g / (jnp.abs(g) + 1e-8),
        "sm3": x - 0.1 * (0.1 * g / jnp.abs(g)),
    }
    for name in ALL:
        opt_init, opt_update, get_params = _make(name)
        new = get_params(opt_update(0, g, opt_init(x)))
        np.testing.assert_allclose(new, expected[name], rtol=1e-5, err_msg=name)


@pytest.mark.parametrize("name", ALL)
def test_minimizes_a_quadratic_under_jit(name):
    target = {"a": jnp.array([1.0, -3.0]), "b": (jnp.ones((2, 3)), jnp.array(2.0))}
    loss = lambda p: sum(jnp.sum((x - t) ** 2) for x, t in zip(
        jaxlite.tree_util.tree_leaves(p), jaxlite.tree_util.tree_leaves(target)))
    # adagrad's and sm3's steps shrink as squared gradients accumulate
    opt_init, opt_update, get_params = _make(name, 0.5 if name in ("adagrad", "sm3") else 0.05)
    state = opt_init(jaxlite.tree_util.tree_map(jnp.zeros_like, target))

    def step(i, state):
        return opt_update(i, jaxlite.grad(loss)(get_params(state)), state)
    # sm3 keeps each parameter's shape as integer leaves of its state, which jit traces;
    # its get_params (a reshape to that shape) then cannot run under jit, in JAX too.
    step = step if name == "sm3" else jaxlite.jit(step)

    start = loss(get_params(state))
    for i in range(40):
        state = step(i, state)
    assert loss(get_params(state)) < 0.5 * start, name
    assert jaxlite.tree_util.tree_structure(get_params(state)) == \
        jaxlite.tree_util.tree_structure(target)


def test_sm3_keeps_scalar_and_matrix_shapes():
    opt_init, opt_update, get_params = optimizers.sm3(0.1)
    params = (jnp.array(1.0), jnp.ones((2, 3)))
    state = opt_update(0, (jnp.array(2.0), jnp.ones((2, 3))), opt_init(params))
    scalar, matrix = get_params(state)
    assert scalar.shape == () and matrix.shape == (2, 3)
    # per-axis accumulators: one vector per axis of the matrix
    assert [v.shape for v in state.packed_state[1][2:4]] == [(2,), (3,)]


def test_optimizer_state_is_a_pytree():
    opt_init, opt_update, get_params = optimizers.adam(0.1)
    state = opt_init({"w": jnp.ones(2), "b": 1.0})
    assert isinstance(state, optimizers.OptimizerState)
    assert isinstance(state.packed_state, tuple)
    leaves, tree = jaxlite.tree_util.tree_flatten(state)
    assert len(leaves) == 6   # (x, m, v) for each of two parameters
    rebuilt = jaxlite.tree_util.tree_unflatten(tree, leaves)
    assert rebuilt.tree_def == state.tree_def and rebuilt.subtree_defs == state.subtree_defs
    doubled = jaxlite.tree_util.tree_map(lambda x: x * 2, state)
    np.testing.assert_array_equal(get_params(doubled)["w"], [2., 2.])
    # through lax.scan: the state is a carry
    grads = {"w": jnp.ones((3, 2)), "b": jnp.ones(3)}
    final, _ = lax.scan(lambda s, g: (opt_update(0, g, s), None), state, grads)
    assert get_params(final)["w"].shape == (2,)


def test_pack_and_unpack():
    opt_init, opt_update, get_params = optimizers.momentum(0.1, 0.9)
    state = opt_update(0, {"w": jnp.ones(2), "v": [jnp.ones(())]},
                       opt_init({"w": jnp.zeros(2), "v": [jnp.zeros(())]}))
    unpacked = optimizers.unpack_optimizer_state(state)
    assert isinstance(unpacked["w"], optimizers.JoinPoint)
    assert isinstance(unpacked["v"][0], optimizers.JoinPoint)
    restored = optimizers.pack_optimizer_state(pickle.loads(pickle.dumps(unpacked)))
    assert restored.tree_def == state.tree_def
    assert restored.subtree_defs == state.subtree_defs
    for a, b in zip(jaxlite.tree_util.tree_leaves(restored),
                    jaxlite.tree_util.tree_leaves(state)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="JoinPoint"):
        optimizers.pack_optimizer_state({"w": jnp.ones(2)})


def test_optimizer_decorator_and_structure_errors():
    @optimizers.optimizer
    def halve():
        """Halves each parameter."""
        return (lambda x0: x0), (lambda i, g, x: x / 2), (lambda x: x)
    opt = halve()
    assert isinstance(opt, optimizers.Optimizer) and halve.__doc__ == "Halves each parameter."
    init_fn, update_fn, params_fn = opt
    assert opt.init_fn is init_fn and opt.update_fn is update_fn and opt.params_fn is params_fn
    state = init_fn([jnp.array(4.0)])
    assert float(params_fn(update_fn(0, [jnp.array(0.0)], state))[0]) == 2.0
    with pytest.raises(TypeError, match="did not match the parameter tree"):
        update_fn(0, (jnp.array(0.0),), state)

    @optimizers.optimizer
    def changes_structure():
        return (lambda x0: x0), (lambda i, g, x: (x, x)), (lambda x: x)
    init_fn, update_fn, _ = changes_structure()
    with pytest.raises(TypeError, match="output structure"):
        update_fn(0, [jnp.array(0.0)], init_fn([jnp.array(1.0)]))


def test_schedules():
    assert optimizers.constant(0.3)(100) == 0.3
    np.testing.assert_allclose(optimizers.exponential_decay(1.0, 10, 0.5)(20), 0.25)
    np.testing.assert_allclose(optimizers.inverse_time_decay(1.0, 10, 1.0)(5), 1 / 1.5)
    np.testing.assert_allclose(optimizers.inverse_time_decay(1.0, 10, 1.0, staircase=True)(15),
                               0.5)
    decay = optimizers.polynomial_decay(1.0, 10, 0.1, power=2.0)
    np.testing.assert_allclose([decay(0), decay(5), decay(10), decay(50)],
                               [1.0, 0.325, 0.1, 0.1], rtol=1e-6)
    schedule = optimizers.piecewise_constant([2, 4], [3.0, 2.0, 1.0])
    assert [float(schedule(i)) for i in range(6)] == [3., 3., 3., 2., 2., 1.]
    assert float(jaxlite.jit(schedule)(3)) == 2.0
    with pytest.raises(ValueError, match="one shorter"):
        optimizers.piecewise_constant([1, 2], [1.0, 2.0])
    with pytest.raises(ValueError, match="sequences"):
        optimizers.piecewise_constant(1, [1.0, 2.0])
    assert optimizers.make_schedule(schedule) is schedule
    assert optimizers.make_schedule(0.5)(7) == 0.5
    with pytest.raises(TypeError):
        optimizers.make_schedule([0.1, 0.2])


def test_l2_norm_and_clip_grads():
    grads = {"a": jnp.array([3.0]), "b": [jnp.array([4.0, 0.0])]}
    np.testing.assert_allclose(optimizers.l2_norm(grads), 5.0)
    clipped = optimizers.clip_grads(grads, 1.0)
    np.testing.assert_allclose(clipped["a"], [0.6], rtol=1e-6)
    np.testing.assert_allclose(clipped["b"][0], [0.8, 0.0], rtol=1e-6)
    kept = optimizers.clip_grads(grads, 10.0)
    np.testing.assert_array_equal(kept["a"], grads["a"])
