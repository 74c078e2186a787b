"""vmap over pytrees: in_axes / out_axes specs, argument checks and error messages, on
batching.py's flat vmap."""
import functools

import numpy as np

from .. import batching
from ..ad import Zero
from ..core import Tracer, current_trace
from ..state import Ref, RefScope, write_back
from ..array import Array
from ..tree import (tree_flatten, tree_unflatten, tree_map, tree_structure, broadcast_prefix,
                    tree_flatten_with_path, keystr, tree_leaves, user_view, default_registry)
from .arguments import check_callable, _as_array_leaf


def _is_array_like(x):
    return (not isinstance(x, (Array, Tracer, Ref))
            and (isinstance(x, (int, float, complex, bool, np.ndarray, np.generic))
                 or hasattr(x, "__jax_array__")))


def _from_the_end(dims, tree):
    """`dims` (one axis per leaf of `tree` as the transformations see it) with negative axes
    counted from the end of what the user sees: an array-like leaf (a typed key array)
    carries data with trailing axes of its own (the key data's 2), which come after."""
    if not any(d is not None and d < 0 for d in dims):
        return dims
    trailing = []
    for leaf in user_view.tree_leaves(tree):
        if type(leaf) in default_registry.array_like_types:
            trailing.extend(np.ndim(child) - len(leaf.shape) for child in tree_leaves(leaf))
        else:
            trailing.append(0)
    return [d - t if d is not None and d < 0 else d for d, t in zip(dims, trailing)]


class _NoneAxis:
    def __repr__(self):
        return "None"


_NONE_AXIS = _NoneAxis()


def _axes_leaves(axes, tree, what, fun):
    """One axis (int or None) per leaf of `tree`, from an axis-spec pytree prefix."""
    axes = tree_map(lambda a: _NONE_AXIS if a is None else a, axes, is_leaf=lambda a: a is None)
    try:
        out = broadcast_prefix(axes, tree)
    except ValueError as e:
        raise ValueError(f"vmap({getattr(fun, '__name__', 'fun')}): {what} specification must be "
                         f"a tree prefix of the corresponding value, got {what}={axes!r} for a "
                         f"value with structure {tree_structure(tree)}. ({e})") from None
    for a in out:
        if a is not _NONE_AXIS and not isinstance(a, (int, np.integer)):
            raise TypeError(f"vmap {what} must be an int, None, or a (nested) container with "
                            f"those types as leaves, but got {a!r}.")
    return [None if a is _NONE_AXIS else int(a) for a in out]


def _inconsistent_sizes_message(all_args, leaves, dims, name):
    paths = [p for p, _ in tree_flatten_with_path(all_args)[0]]
    lines = []
    for path, x, d in zip(paths, leaves, dims):
        if d is None:
            continue
        # path[0] selects positional args (0) or kwargs (1); path[1] the argument itself.
        where = (f"argument {path[1].idx}" if path[0].idx == 0 else f"keyword argument "
                 f"{path[1].key!r}") + keystr(path[2:])
        lines.append(f"  {where} of shape {tuple(x.shape)} has size {x.shape[d]} along "
                     f"mapped axis {d}")
    return ("vmap got inconsistent sizes for array axes to be mapped:\n"  # JAX's first line
            + "\n".join(lines) + f"\nAll mapped axes of vmap({name}) must have the same size; "
            "use in_axes=None for arguments that should not be mapped.")


def vmap(fun, in_axes=0, out_axes=0, axis_name=None, axis_size=None, spmd_axis_name=None):
    """Vectorize `fun` over an axis of its arguments.

    >>> jax.vmap(jnp.dot, in_axes=(0, None))(jnp.ones((4, 3)), jnp.ones(3)).shape
    (4,)
    """
    check_callable(fun, "vmap")
    return mapped_over_lanes(fun, in_axes, out_axes, axis_name, axis_size)


def mapped_over_lanes(fun, in_axes=0, out_axes=0, axis_name=None, axis_size=None, processes=1):
    """vmap's function; `processes` > 1 (pmap over MPI) makes the named axis span that
    many processes, each mapping its own lanes."""
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    name = getattr(fun, "__name__", "fun")

    @functools.wraps(fun)
    def vmapped(*args, **kwargs):
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(f"vmap in_axes must be an int, None, or a tuple of entries "
                             f"corresponding to the positional arguments passed to the function, "
                             f"but got len(in_axes)={len(in_axes)}, len(args)={len(args)}")
        all_args = (args, kwargs)
        axes_spec = (in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args),
                     {k: 0 for k in kwargs})
        leaves, in_tree = tree_flatten(all_args)
        dims = _from_the_end(_axes_leaves(axes_spec, all_args, "in_axes", fun), all_args)
        # A Ref mapped along an axis: its value is mapped, and its final value written back.
        positions = [i for i, (x, d) in enumerate(zip(leaves, dims))
                     if type(x) is Ref and d is not None]
        refs = [leaves[i] for i in positions]
        leaves = [x._value if i in positions else x for i, x in enumerate(leaves)]
        # An unmapped leaf that is no array (a function, a string) passes through as it is,
        # as in JAX (equinox passes functions with in_axes None).
        leaves = [_as_array_leaf(x, "vmap") if d is not None or _is_array_like(x) else x
                  for x, d in zip(leaves, dims)]
        sizes = []
        for i, (x, d) in enumerate(zip(leaves, dims)):
            if d is None:
                continue
            nd = x.ndim
            if not -nd <= d < nd:
                raise ValueError(f"vmap was requested to map its argument along axis {d}, which "
                                 f"implies that its rank should be at least {d + 1 if d >= 0 else -d}, "
                                 f"but is only {nd} (its shape is {tuple(x.shape)})")
            dims[i] = d % nd
            sizes.append(x.shape[dims[i]])
        size = axis_size
        if sizes:
            if len(set(sizes)) > 1:
                raise ValueError(_inconsistent_sizes_message(all_args, leaves, dims, name))
            if axis_size is not None and axis_size != sizes[0]:
                raise ValueError(f"vmap got axis_size={axis_size} but mapped axes have size "
                                 f"{sizes[0]}")
            size = sizes[0]
        elif axis_size is None:
            raise ValueError("vmap must have at least one non-None value in in_axes, or be given "
                             "axis_size")
        store = {}

        def flat_fun(*xs):
            xs = list(xs)
            scope = RefScope(current_trace(), refs, [xs[i] for i in positions], lift=False)
            for i, ref in zip(positions, refs):
                xs[i] = ref
            a, kw = tree_unflatten(in_tree, xs)
            with scope:
                out = fun(*a, **kw)
            out_leaves, out_tree = tree_flatten(out)
            store["out_tree"] = out_tree
            store["out"] = out
            # A symbolic zero tangent (`ad.Zero`) returned by the function passes through
            # unbatched, as in JAX: equinox's vmapped JVP rules return them.
            store["zeros"] = {i: o for i, o in enumerate(out_leaves) if type(o) is Zero}
            return [_as_array_leaf(o, "vmap output") for i, o in enumerate(out_leaves)
                    if i not in store["zeros"]] + scope.finals

        def out_dims(n):
            spec = out_axes
            if isinstance(spec, list):
                spec = tuple(spec)
            n_user = n - len(refs)
            refs_dims = [dims[i] for i in positions]
            zeros = store["zeros"]
            n_all = n_user + len(zeros)
            if spec is None or isinstance(spec, (int, np.integer)):
                # one axis for every leaf: the output tree is not rebuilt, as in JAX (a
                # pytree class may not accept placeholders, or may flatten a number as
                # metadata, as distrax's distributions do)
                axes = _axes_leaves(spec, 0, "out_axes", fun) * n_all
            else:
                # a prefix tree of axes: matched against the output rebuilt with
                # placeholders that are no Python numbers, JAX's object()
                shape_tree = tree_unflatten(store["out_tree"], [object()] * n_all)
                axes = _axes_leaves(spec, shape_tree, "out_axes", fun)
            axes = _from_the_end(axes, store["out"])
            return [d for i, d in enumerate(axes) if i not in zeros] + refs_dims

        def out_path(j):
            try:  # the output rebuilt around placeholders, for its key paths
                shape_tree = tree_unflatten(store["out_tree"],
                                            [object()] * store["out_tree"].num_leaves)
                return keystr(tree_flatten_with_path(shape_tree)[0][j][0])
            except Exception:  # a pytree class that rejects placeholders: no path
                return ""

        outs = batching.vmap_flat(flat_fun, leaves, dims, size, out_dims, axis_name, name,
                                  processes=processes, out_path=out_path)
        n_user = len(outs) - len(refs)
        write_back(refs, outs[n_user:])
        user = iter(outs[:n_user])
        zeros = store["zeros"]
        return tree_unflatten(store["out_tree"], [zeros[i] if i in zeros else next(user)
                                                  for i in range(n_user + len(zeros))])

    return vmapped

