"""jax.example_libraries.optimizers: optimizers as triples of pure functions.

An optimizer is ``(init_fun, update_fun, get_params)``:

- ``init_fun(params) -> opt_state`` for a pytree of parameters;
- ``update_fun(step, grads, opt_state) -> opt_state`` with grads of the params' structure;
- ``get_params(opt_state) -> params``.

Each optimizer here is written for one array (``init``, ``update``, ``get_params`` on a
leaf's state) and lifted to pytrees by the ``optimizer`` decorator. The state is an
``OptimizerState``, a pytree whose leaves are the per-leaf states' arrays, so it passes
through ``jit`` and ``lax.scan``. Step sizes are numbers or schedules ``step -> size``.

    >>> from jaxlite.example_libraries import optimizers
    >>> opt_init, opt_update, get_params = optimizers.sgd(0.1)
    >>> state = opt_init({"w": jnp.array([1.0, 2.0])})
    >>> state = opt_update(0, {"w": jnp.array([10.0, 10.0])}, state)
    >>> get_params(state)
    {'w': Array([0., 1.], dtype=float32)}
"""
import functools
from collections import namedtuple
from typing import Any, Callable, NamedTuple

from ..conversion import asarray
from ..numpy_api import contractions, creation, reductions, shapes, ufuncs
from ..tree import register_pytree_node, tree_flatten, tree_map, tree_unflatten

__all__ = [
    "JoinPoint", "Optimizer", "OptimizerState", "adagrad", "adam", "adamax", "clip_grads",
    "constant", "exponential_decay", "inverse_time_decay", "l2_norm", "make_schedule",
    "momentum", "nesterov", "optimizer", "pack_optimizer_state", "piecewise_constant",
    "polynomial_decay", "rmsprop", "rmsprop_momentum", "sgd", "sm3",
    "unpack_optimizer_state"]

# Type names of the documented signatures.
Step = int
Schedule = Callable[[Step], float]
Params = Any
Updates = Params
State = Any
InitFn = Callable[[Params], "OptimizerState"]
UpdateFn = Callable[[Step, Updates, "OptimizerState"], "OptimizerState"]
ParamsFn = Callable[["OptimizerState"], Params]

# packed_state: one list of leaves per parameter leaf (that leaf's optimizer state,
# flattened); tree_def: the parameters' structure; subtree_defs: the structure of each
# parameter leaf's state. Only packed_state holds arrays: the rest is static.
OptimizerState = namedtuple("OptimizerState", ["packed_state", "tree_def", "subtree_defs"])
register_pytree_node(
    OptimizerState,
    lambda state: ((state.packed_state,), (state.tree_def, state.subtree_defs)),
    lambda static, children: OptimizerState(children[0], static[0], static[1]))


class Optimizer(NamedTuple):
    init_fn: InitFn
    update_fn: UpdateFn
    params_fn: ParamsFn


def _flatten_states(states):
    """Per-leaf states -> (tuple of leaf lists, tuple of their treedefs)."""
    flat = [tree_flatten(state) for state in states]
    return tuple(leaves for leaves, _ in flat), tuple(tree for _, tree in flat)


def optimizer(opt_maker):
    """Lifts an optimizer written for a single array to pytrees of arrays.

    `opt_maker(*args, **kwargs)` returns ``(init, update, get_params)`` acting on one
    leaf: ``init(x0) -> state``, ``update(i, g, state) -> state`` and
    ``get_params(state) -> x``, where a state is any pytree. The decorated maker
    returns an ``Optimizer`` whose functions map them over the leaves of the
    parameters and keep the result in an ``OptimizerState``."""
    @functools.wraps(opt_maker)
    def tree_opt_maker(*args, **kwargs):
        init, update, get_params = opt_maker(*args, **kwargs)

        @functools.wraps(init)
        def tree_init(x0_tree):
            x0_flat, tree = tree_flatten(x0_tree)
            states_flat, subtrees = _flatten_states(init(x0) for x0 in x0_flat)
            return OptimizerState(states_flat, tree, subtrees)

        @functools.wraps(update)
        def tree_update(i, grad_tree, opt_state):
            states_flat, tree, subtrees = opt_state
            grad_flat, grad_tree_def = tree_flatten(grad_tree)
            if grad_tree_def != tree:
                raise TypeError(
                    "optimizer update function was passed a gradient tree that did not "
                    "match the parameter tree structure with which it was initialized: "
                    f"parameter tree {tree} and grad tree {grad_tree_def}.")
            states = map(tree_unflatten, subtrees, states_flat)
            new_states_flat, new_subtrees = _flatten_states(
                update(i, g, state) for g, state in zip(grad_flat, states))
            for subtree, new_subtree in zip(subtrees, new_subtrees):
                if new_subtree != subtree:
                    raise TypeError(
                        "optimizer update function produced an output structure that did "
                        f"not match its input structure: input {subtree} and output "
                        f"{new_subtree}.")
            return OptimizerState(new_states_flat, tree, subtrees)

        @functools.wraps(get_params)
        def tree_get_params(opt_state):
            states_flat, tree, subtrees = opt_state
            states = map(tree_unflatten, subtrees, states_flat)
            return tree_unflatten(tree, [get_params(state) for state in states])

        return Optimizer(tree_init, tree_update, tree_get_params)
    return tree_opt_maker


def _dtype_power(base, exponent, like):
    """base ** exponent with base in like's dtype (Adam's bias corrections)."""
    return asarray(base, like.dtype) ** exponent


# ---- optimizers -------------------------------------------------------------------------

@optimizer
def sgd(step_size):
    """Stochastic gradient descent: ``x - step_size(i) * g``."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0

    def update(i, g, x):
        return x - step_size(i) * g

    def get_params(x):
        return x
    return init, update, get_params


@optimizer
def momentum(step_size, mass):
    """Heavy-ball momentum: ``v = mass * v + g; x = x - step_size(i) * v``."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, creation.zeros_like(x0)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * velocity, velocity

    def get_params(state):
        return state[0]
    return init, update, get_params


@optimizer
def nesterov(step_size, mass):
    """Nesterov momentum: ``v = mass * v + g; x = x - step_size(i) * (mass * v + g)``."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, creation.zeros_like(x0)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - step_size(i) * (mass * velocity + g), velocity

    def get_params(state):
        return state[0]
    return init, update, get_params


def _inverse_sqrt_or_zero(accumulated):
    return ufuncs.where(accumulated > 0, 1. / ufuncs.sqrt(accumulated), 0.0)


@optimizer
def adagrad(step_size, momentum=0.9):
    """Adagrad (Duchi et al., 2011) with momentum: the gradient divided by the root of
    the sum of squared gradients, averaged with weight `momentum`."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, creation.zeros_like(x0), creation.zeros_like(x0)

    def update(i, g, state):
        x, g_sq, m = state
        g_sq = g_sq + ufuncs.square(g)
        m = (1. - momentum) * (g * _inverse_sqrt_or_zero(g_sq)) + momentum * m
        return x - step_size(i) * m, g_sq, m

    def get_params(state):
        return state[0]
    return init, update, get_params


@optimizer
def rmsprop(step_size, gamma=0.9, eps=1e-8):
    """RMSProp: the gradient divided by the root of a moving average (weight `gamma`)
    of squared gradients."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, creation.zeros_like(x0)

    def update(i, g, state):
        x, avg_sq_grad = state
        avg_sq_grad = avg_sq_grad * gamma + ufuncs.square(g) * (1. - gamma)
        return x - step_size(i) * g / ufuncs.sqrt(avg_sq_grad + eps), avg_sq_grad

    def get_params(state):
        return state[0]
    return init, update, get_params


@optimizer
def rmsprop_momentum(step_size, gamma=0.9, eps=1e-8, momentum=0.9):
    """RMSProp whose steps accumulate with weight `momentum`."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, creation.zeros_like(x0), creation.zeros_like(x0)

    def update(i, g, state):
        x, avg_sq_grad, mom = state
        avg_sq_grad = avg_sq_grad * gamma + ufuncs.square(g) * (1. - gamma)
        mom = momentum * mom + step_size(i) * g / ufuncs.sqrt(avg_sq_grad + eps)
        return x - mom, avg_sq_grad, mom

    def get_params(state):
        return state[0]
    return init, update, get_params


@optimizer
def adam(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """Adam (Kingma and Ba, 2015): bias-corrected moving averages of the gradient
    (weight `b1`) and of its square (weight `b2`)."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, creation.zeros_like(x0), creation.zeros_like(x0)

    def update(i, g, state):
        x, m, v = state
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * ufuncs.square(g) + b2 * v
        m_hat = m / (1 - _dtype_power(b1, i + 1, m))
        v_hat = v / (1 - _dtype_power(b2, i + 1, m))
        return x - step_size(i) * m_hat / (ufuncs.sqrt(v_hat) + eps), m, v

    def get_params(state):
        return state[0]
    return init, update, get_params


@optimizer
def adamax(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """AdaMax, Adam's infinity-norm variant: the second moment becomes a decaying
    maximum of |g|."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0, creation.zeros_like(x0), creation.zeros_like(x0)

    def update(i, g, state):
        x, m, u = state
        m = (1 - b1) * g + b1 * m
        u = ufuncs.maximum(b2 * u, ufuncs.abs(g))
        x = x - (step_size(i) / (1 - _dtype_power(b1, i + 1, m))) * m / (u + eps)
        return x, m, u

    def get_params(state):
        return state[0]
    return init, update, get_params


def _broadcast_along(ndim, v, axis):
    """A 1-D `v` as an ndim array varying along `axis` only."""
    index = [None] * ndim
    index[axis:axis + 1] = [slice(None)]
    return v[tuple(index)]


@optimizer
def sm3(step_size, momentum=0.9):
    """SM3 (Anil et al., 2019): Adagrad whose accumulator is kept as one vector per axis
    (the maxima over the other axes), with momentum. Scalars are treated as shape (1,)."""
    step_size = make_schedule(step_size)

    def init(x0):
        x_shape = x0.shape
        x0 = shapes.atleast_1d(x0)
        accumulators = [creation.zeros(n, dtype=x0.dtype) for n in x0.shape]
        return x0, creation.zeros_like(x0), accumulators, x_shape

    def update(i, g, state):
        x, m, accumulators, x_shape = state
        expanded = [_broadcast_along(g.ndim, v, axis) for axis, v in enumerate(accumulators)]
        accum = functools.reduce(ufuncs.minimum, expanded) + ufuncs.square(g)
        m = (1. - momentum) * (g * _inverse_sqrt_or_zero(accum)) + momentum * m
        x = x - step_size(i) * m
        accumulators = [accum.max(tuple(a for a in range(x.ndim) if a != axis))
                        for axis in range(x.ndim)]
        return x, m, accumulators, x_shape

    def get_params(state):
        x, _, _, x_shape = state
        return x.reshape(x_shape)
    return init, update, get_params


# ---- learning-rate schedules ------------------------------------------------------------

def constant(step_size) -> Schedule:
    """The schedule ``i -> step_size``."""
    def schedule(i):
        return step_size
    return schedule


def exponential_decay(step_size, decay_steps, decay_rate):
    """``i -> step_size * decay_rate ** (i / decay_steps)``."""
    def schedule(i):
        return step_size * decay_rate ** (i / decay_steps)
    return schedule


def inverse_time_decay(step_size, decay_steps, decay_rate, staircase=False):
    """``i -> step_size / (1 + decay_rate * i / decay_steps)``, with ``i / decay_steps``
    floored if `staircase`."""
    if staircase:
        def schedule(i):
            return step_size / (1 + decay_rate * ufuncs.floor(i / decay_steps))
    else:
        def schedule(i):
            return step_size / (1 + decay_rate * i / decay_steps)
    return schedule


def polynomial_decay(step_size, decay_steps, final_step_size, power=1.0):
    """From step_size down to final_step_size along ``(1 - i / decay_steps) ** power``,
    then constant after decay_steps."""
    def schedule(step_num):
        step_num = ufuncs.minimum(step_num, decay_steps)
        step_mult = (1 - step_num / decay_steps) ** power
        return step_mult * (step_size - final_step_size) + final_step_size
    return schedule


def piecewise_constant(boundaries: Any, values: Any):
    """``values[k]`` for steps i with exactly k boundaries below i (``len(values) ==
    len(boundaries) + 1``).

    >>> from jaxlite.example_libraries import optimizers
    >>> schedule = optimizers.piecewise_constant([10, 20], [1.0, 0.5, 0.1])
    >>> [float(schedule(i)) for i in (0, 10, 11, 25)]
    [1.0, 1.0, 0.5, 0.10000000149011612]
    """
    boundaries = asarray(boundaries)
    values = asarray(values)
    if not boundaries.ndim == values.ndim == 1:
        raise ValueError("boundaries and values must be sequences")
    if not boundaries.shape[0] == values.shape[0] - 1:
        raise ValueError("boundaries length must be one shorter than values length")

    def schedule(i):
        return values[reductions.sum(i > boundaries)]
    return schedule


def make_schedule(scalar_or_schedule):
    """A schedule from a schedule (returned as is) or a scalar (a constant schedule)."""
    if callable(scalar_or_schedule):
        return scalar_or_schedule
    if shapes.ndim(scalar_or_schedule) == 0:
        return constant(scalar_or_schedule)
    raise TypeError(type(scalar_or_schedule))


# ---- utilities --------------------------------------------------------------------------

def l2_norm(tree):
    """The l2 norm of all the leaves of a pytree together."""
    leaves, _ = tree_flatten(tree)
    return ufuncs.sqrt(sum(contractions.vdot(x, x) for x in leaves))


def clip_grads(grad_tree, max_norm):
    """Scales a pytree of gradients down to l2 norm `max_norm` if its norm is larger."""
    norm = l2_norm(grad_tree)

    def normalize(g):
        return ufuncs.where(norm < max_norm, g, g * (max_norm / norm))
    return tree_map(normalize, grad_tree)


# ---- serialization ----------------------------------------------------------------------

class JoinPoint:
    """Marks where a parameter leaf's optimizer state hangs in the tree that
    unpack_optimizer_state builds (a leaf there: it is not a registered pytree)."""

    def __init__(self, subtree):
        self.subtree = subtree

    # Pickling and pytree tools that walk containers see the state inside.
    def __iter__(self):
        yield self.subtree


def unpack_optimizer_state(opt_state):
    """An OptimizerState as plain Python containers (for pickling): the parameters'
    tree with each leaf replaced by a JoinPoint holding that leaf's state.

    >>> from jaxlite.example_libraries import optimizers
    >>> init, _, _ = optimizers.momentum(0.1, 0.9)
    >>> state = init({"w": jnp.ones(2)})
    >>> tree = optimizers.unpack_optimizer_state(state)
    >>> tree["w"].subtree[1]
    Array([0., 0.], dtype=float32)
    >>> packed = optimizers.pack_optimizer_state(tree)
    >>> packed.tree_def == state.tree_def, packed.subtree_defs == state.subtree_defs
    (True, True)
    """
    states_flat, tree_def, subtree_defs = opt_state
    subtrees = map(tree_unflatten, subtree_defs, states_flat)
    return tree_unflatten(tree_def, [JoinPoint(subtree) for subtree in subtrees])


def pack_optimizer_state(marked_pytree):
    """The inverse of unpack_optimizer_state: an OptimizerState from a tree of
    JoinPoints."""
    sentinels, tree_def = tree_flatten(marked_pytree)
    if not all(isinstance(s, JoinPoint) for s in sentinels):
        raise TypeError("pack_optimizer_state expects the tree of JoinPoints that "
                        "unpack_optimizer_state returns")
    states_flat, subtree_defs = _flatten_states(s.subtree for s in sentinels)
    return OptimizerState(states_flat, tree_def, subtree_defs)

