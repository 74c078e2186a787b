"""jax.checkpoint / jax.remat, checkpoint policies and checkpoint_name."""
import functools

from . import core
from .tree import tree_flatten, tree_unflatten, tree_map
from .staging import trace_to_jaxpr, close_over_tracer_consts
from .conversion import asarray
from .higher_order.remat import checkpoint_p, name_p


def checkpoint(fun=None, *, prevent_cse=True, policy=None, static_argnums=()):
    """Trade compute for memory: under reverse mode, values inside `fun` are recomputed
    in the backward pass instead of being kept from the forward pass (except those the
    policy saves).

    >>> layer = jax.checkpoint(lambda W, x: jnp.tanh(W @ x))
    >>> print(jnp.round(jax.grad(lambda W: layer(W, jnp.ones(2)).sum())(jnp.eye(2)), 4))
    [[0.42 0.42]
     [0.42 0.42]]
    """
    if fun is None:
        return functools.partial(checkpoint, prevent_cse=prevent_cse, policy=policy,
                                 static_argnums=static_argnums)
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        dyn = [a for i, a in enumerate(args) if i not in static]
        leaves, in_tree = tree_flatten((dyn, kwargs))
        leaves = [asarray(x) for x in leaves]
        store = {}

        def flat(*xs):
            d, kw = tree_unflatten(in_tree, xs)
            d = iter(d)
            full = [a if i in static else next(d) for i, a in enumerate(args)]
            out = fun(*full, **kw)
            out_leaves, store["tree"] = tree_flatten(out)
            return [asarray(o) for o in out_leaves]

        jaxpr = trace_to_jaxpr(flat, [core.get_aval(x) for x in leaves],
                               getattr(fun, "__name__", "checkpoint"))
        jaxpr, consts = close_over_tracer_consts(jaxpr)
        outs = checkpoint_p.bind(*consts, *leaves, jaxpr=jaxpr, policy=policy,
                                 prevent_cse=prevent_cse)
        return tree_unflatten(store["tree"], outs)

    return wrapped


remat = checkpoint


def checkpoint_name(x, name):
    """Tag a value so that `save_only_these_names` / `save_any_names_but_these` find it."""
    return tree_map(lambda leaf: name_p.bind(asarray(leaf), name=name), x)


class checkpoint_policies:
    """Which intermediate values a checkpoint keeps (the others are recomputed)."""

    @staticmethod
    def everything_saveable(prim, *_, **__):
        return True

    @staticmethod
    def nothing_saveable(prim, *_, **__):
        return False

    @staticmethod
    def dots_saveable(prim, *_, **__):
        return prim.name == "dot_general"

    checkpoint_dots = dots_saveable

    @staticmethod
    def dots_with_no_batch_dims_saveable(prim, *_, **params):
        if prim.name != "dot_general":
            return False
        (_, _), (lb, _) = params["dimension_numbers"]
        return not lb

    checkpoint_dots_with_no_batch_dims = dots_with_no_batch_dims_saveable

    @staticmethod
    def save_only_these_names(*names):
        names = set(names)
        return lambda prim, *_, **params: prim.name == "name" and params.get("name") in names

    @staticmethod
    def save_any_names_but_these(*names):
        names = set(names)
        return lambda prim, *_, **params: prim.name == "name" and params.get("name") not in names

    @staticmethod
    def save_from_both_policies(policy_1, policy_2):
        return lambda prim, *a, **p: policy_1(prim, *a, **p) or policy_2(prim, *a, **p)
