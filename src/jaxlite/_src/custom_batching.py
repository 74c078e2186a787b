"""jax.custom_batching: custom_vmap (a function with a user-written vmap rule) and
sequential_vmap (a function that vmap runs as a loop).

`custom_vmap.__call__` traces the function to a Jaxpr and binds custom_vmap_call
(higher_order/custom_vmap.py) with the rule flattened; this module only does the
pytree plumbing. It sits with the libraries because sequential_vmap loops with
`lax.map`.

    >>> @jax.custom_batching.custom_vmap
    ... def f(x):
    ...     return jnp.sin(x)
    >>> @f.def_vmap
    ... def f_vmap_rule(axis_size, in_batched, x):
    ...     return jnp.cos(x), in_batched[0]
    >>> print(f(0.), jax.vmap(f)(jnp.zeros(2)))
    0.0 [1. 1.]
"""
import functools

from . import core
from .conversion import asarray
from .custom_derivatives import _resolve_args
from .higher_order.custom_vmap import custom_vmap_call_p
from .lax.control_flow import map as lax_map
from .staging import trace_to_jaxpr, close_over_tracer_consts
from .tree import tree_flatten, tree_unflatten

__all__ = ["custom_vmap", "sequential_vmap"]


def _broadcast_bools(prefix, tree, what):
    """`prefix` (a bool, or a pytree of bools that is a prefix of `tree`) per leaf of tree."""
    if isinstance(prefix, bool) or (hasattr(prefix, "dtype") and prefix.shape == ()):
        return [bool(prefix)] * tree.num_leaves
    leaves, prefix_tree = tree_flatten(prefix)
    if prefix_tree == tree:
        return [bool(b) for b in leaves]
    raise ValueError(f"custom_vmap rule returned {what} with structure {prefix_tree}, which "
                     f"must match the output structure {tree} (or be a single bool)")


class custom_vmap:
    """A function with a custom vmap rule: `rule(axis_size, in_batched, *args)` returns
    `(out, out_batched)`; batched arguments arrive with their batch axis first and
    `in_batched` holds one bool per argument leaf (in the arguments' pytree structure)."""

    def __init__(self, fun):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.vmap_rule = None

    def def_vmap(self, vmap_rule):
        self.vmap_rule = vmap_rule
        return vmap_rule

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args, **kwargs):
        name = getattr(self.fun, "__name__", "function")
        if self.vmap_rule is None:
            raise AttributeError(
                f"No batching rule defined for custom_vmap function {name} using def_vmap.")
        args = _resolve_args(self.fun, args, kwargs)
        leaves, in_tree = tree_flatten(args)
        leaves = [asarray(x) for x in leaves]
        store = {}

        def flat(*xs):
            out = self.fun(*tree_unflatten(in_tree, xs))
            out_leaves, store["out_tree"] = tree_flatten(out)
            return [asarray(o) for o in out_leaves]

        jaxpr = trace_to_jaxpr(flat, [core.get_aval(x) for x in leaves], name)
        jaxpr, consts = close_over_tracer_consts(jaxpr)
        out_tree = store["out_tree"]
        rule = self.vmap_rule

        def flat_rule(axis_size, in_batched, *xs):
            batched_tree = tree_unflatten(in_tree, in_batched)
            out, out_batched = rule(axis_size, list(batched_tree), *tree_unflatten(in_tree, xs))
            out_leaves, tree = tree_flatten(out)
            if tree != out_tree:
                raise ValueError(f"custom_vmap rule of {name} returned an output with "
                                 f"structure {tree}, but the function returns {out_tree}")
            return ([asarray(o) for o in out_leaves],
                    _broadcast_bools(out_batched, out_tree, "out_batched"))

        outs = custom_vmap_call_p.bind(*consts, *leaves, call_jaxpr=jaxpr, rule=flat_rule,
                                       num_consts=len(consts))
        return tree_unflatten(out_tree, outs)


def sequential_vmap(f):
    """`f` as a custom_vmap function whose vmap rule loops over the batch (lax.map).

    >>> f = jax.custom_batching.sequential_vmap(lambda x: x.sum())
    >>> print(jax.vmap(f)(jnp.ones((3, 2))))
    [2. 2. 2.]
    """
    f = custom_vmap(f)

    @f.def_vmap
    def rule(axis_size, in_batched, *args):
        leaves, tree = tree_flatten(args)
        batched = tree_flatten(in_batched)[0]
        mapped = [x for x, b in zip(leaves, batched) if b]

        def one(mapped_leaves):
            it = iter(mapped_leaves)
            return f(*tree_unflatten(tree, [next(it) if b else x
                                            for x, b in zip(leaves, batched)]))

        out = lax_map(one, mapped)
        return out, _all_true(out)

    return f


def _all_true(out):
    leaves, tree = tree_flatten(out)
    return tree_unflatten(tree, [True] * len(leaves))
