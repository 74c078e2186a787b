"""What the public transformations share: checking and flattening their arguments
(argnums, pytrees of array leaves, input and output dtypes) and building the flat
functions of leaves that ad.py and batching.py transform."""
import numpy as np

from .. import dtypes
from ..core import Tracer
from ..array import Array
from ..tree import tree_flatten, tree_unflatten
from ..conversion import asarray


def check_callable(fun, transform):
    """As JAX: a transformation of a non-callable fails when it is built, not when called."""
    if not callable(fun):
        raise TypeError(f"{transform}: expected a callable value, got {fun!r}")


def _normalize_argnums(argnums, nargs, transform, fun):
    multiple = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if multiple else (argnums,)
    for a in nums:
        if not isinstance(a, (int, np.integer)):
            raise TypeError(f"{transform}: argnums must be an int or a tuple of ints, got {argnums!r}")
        if not -nargs <= a < nargs:
            # JAX's classes: grad and value_and_grad raise TypeError, the jacobians ValueError.
            error = TypeError if transform == "grad" else ValueError
            raise error(
                f"{transform}({getattr(fun, '__name__', 'fun')}) got argnums={argnums!r}, but "
                f"the function was called with only {nargs} positional argument(s). "
                "argnums refers to positional arguments; pass the arguments positionally or "
                "change argnums.")
    return tuple(a % nargs for a in nums), multiple


def _as_array_leaf(x, transform):
    if isinstance(x, (Array, Tracer)):
        return x
    if isinstance(x, (int, float, complex, bool, np.ndarray, np.generic)):
        return asarray(x)
    if hasattr(x, "__jax_array__"):
        return asarray(x)
    raise TypeError(f"{transform}: argument leaf of type {type(x).__name__} is not a valid JAX "
                    f"type: {x!r}. Pass arrays, Python numbers, or pytrees (tuples, lists, dicts) "
                    "of them.")


def _check_inexact_inputs(leaves, transform, holomorphic=False, allow_int=False):
    for x in leaves:
        dtype = x.dtype
        if holomorphic:
            if dtype.kind != "c":
                raise TypeError(f"{transform} with holomorphic=True requires inputs with complex "
                                f"dtype, but got {dtype.name}.")
        elif not dtypes.is_inexact(dtype) and not allow_int:
            raise TypeError(
                f"{transform} requires real- or complex-valued inputs (input dtype that is a "
                f"sub-dtype of np.inexact), but got {dtype.name}. If you want to use Boolean- or "
                f"integer-valued inputs, use vjp or set allow_int to True; or convert the input "
                f"to float, e.g. x.astype(jnp.float32) or 1.0 instead of 1.")


def _check_output_dtype(transform, dtype, holomorphic):
    """JAX's checks on what grad/jacrev differentiate (jacfwd: only the holomorphic one)."""
    if holomorphic:
        if dtype.kind != "c":
            raise TypeError(f"{transform} with holomorphic=True requires outputs with complex "
                            f"dtype, but got {dtype.name}.")
    elif transform != "jacfwd" and dtype.kind == "c":
        raise TypeError(f"{transform} requires real-valued outputs (output dtype that is a "
                        f"sub-dtype of np.floating), but got {dtype.name}. For holomorphic "
                        "differentiation, pass holomorphic=True. For differentiation of "
                        "non-holomorphic functions involving complex outputs, use jax.vjp "
                        "directly.")


def _check_jacfwd_inputs(leaves, holomorphic):
    """jacfwd pushes forward real basis vectors: complex inputs need holomorphic=True."""
    for x in leaves:
        if not holomorphic and not dtypes.is_float(x.dtype):
            raise TypeError(
                f"jacfwd requires real-valued inputs (input dtype that is a sub-dtype of "
                f"np.floating), but got {x.dtype.name}. For holomorphic differentiation, pass "
                "holomorphic=True. For differentiation of non-holomorphic functions involving "
                "complex inputs or integer inputs, use jax.jvp directly.")


def _split_args(args, argnums):
    """(tuple of differentiated args, function rebuilding the full args list)."""
    def rebuild(diff):
        full = list(args)
        for i, v in zip(argnums, diff):
            full[i] = v
        return full
    return tuple(args[i] for i in argnums), rebuild


def _flat_fun_with_aux(fun, rebuild, in_tree, kwargs, has_aux, store):
    """A flat function for ad/batching: flat leaves in, [outputs..., aux leaves...] out."""
    def flat_fun(*leaves):
        diff = tree_unflatten(in_tree, leaves)
        out = fun(*rebuild(diff), **kwargs)
        if has_aux:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise TypeError("has_aux=True requires the function to return a pair "
                                f"(output, auxiliary data), got {type(out).__name__}")
            out, aux = out
            aux_leaves, aux_tree = tree_flatten(aux)
            store["aux_tree"] = aux_tree
            # Auxiliary leaves that are no arrays (any Python object, as JAX allows: haiku
            # returns its state objects) pass by, around the transformation.
            store["aux_static"] = {i: leaf for i, leaf in enumerate(aux_leaves)
                                   if not _is_jax_value(leaf)}
            store["aux_n"] = len(aux_leaves)
            aux_leaves = [leaf for i, leaf in enumerate(aux_leaves)
                          if i not in store["aux_static"]]
        else:
            aux_leaves = []
        out_leaves, out_tree = tree_flatten(out)
        store["out_tree"] = out_tree
        store["n_out"] = len(out_leaves)
        return [_as_array_leaf(o, "output") for o in out_leaves] + list(aux_leaves)
    return flat_fun


def _differentiable_call(transform, fun, args, kwargs, argnums, has_aux, holomorphic,
                         allow_int):
    """What grad, jacfwd and jacrev share: pick args[argnums], flatten and check them,
    and build the flat function ad.py differentiates.

    Returns (leaves, in_tree, multiple_argnums, flat_fun, store)."""
    nums, multiple = _normalize_argnums(argnums, len(args), transform, fun)
    diff, rebuild = _split_args(args, nums)
    leaves, in_tree = tree_flatten(diff)
    if transform in ("jacfwd", "jacrev"):
        # JAX checks the jacobians' input dtypes with a tree_map whose function returns
        # None, rebuilding every custom node with None leaves: a node whose unflatten
        # rejects None (say, jnp.asarray(None): ValueError) fails there, so here too.
        tree_unflatten(in_tree, [None] * len(leaves))
    leaves = [_as_array_leaf(x, transform) for x in leaves]
    _check_inexact_inputs(leaves, transform, holomorphic, allow_int)
    store = {}
    flat = _flat_fun_with_aux(fun, rebuild, in_tree, kwargs, has_aux, store)
    return leaves, in_tree, multiple, flat, store


def _is_jax_value(x):
    return (isinstance(x, (Array, Tracer, int, float, complex, bool, np.ndarray, np.generic))
            or hasattr(x, "__jax_array__"))


def _unpack_aux(store, outs):
    n = store["n_out"]
    aux = None
    if "aux_tree" in store:
        static, transformed = store["aux_static"], iter(outs[n:])
        aux = tree_unflatten(store["aux_tree"], [static[i] if i in static else next(transformed)
                                                 for i in range(store["aux_n"])])
    return tree_unflatten(store["out_tree"], outs[:n]), aux

