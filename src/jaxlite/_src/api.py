"""The public transformations: grad, value_and_grad, jvp, vjp, linearize,
jacfwd, jacrev, hessian, vmap, make_jaxpr, eval_shape, and friends.

These wrappers own everything user-facing — argnums, pytrees, has_aux,
argument checks and error messages — and call the flat transformations of
ad.py and batching.py. (jit lives in jit_api.py.)
"""
import functools
import inspect

import numpy as np

from . import core, dtypes
from .core import Tracer, ShapedArray
from .array import Array
from .tree import (tree_flatten, tree_unflatten, tree_map, tree_structure, tree_leaves,
                   broadcast_prefix)
from . import ad, batching
from .staging import trace_to_jaxpr
from .jaxpr import ClosedJaxpr
from .conversion import asarray


def fun_name(fun):
    name = getattr(fun, "__name__", None) or type(fun).__name__
    try:
        _, line = inspect.getsourcelines(fun)
        filename = inspect.getsourcefile(fun)
        import os
        return f"{name} at {os.path.basename(filename)}:{line}"
    except (TypeError, OSError):
        return name


def _normalize_argnums(argnums, nargs, transform, fun):
    multiple = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if multiple else (argnums,)
    for a in nums:
        if not isinstance(a, (int, np.integer)):
            raise TypeError(f"{transform}: argnums must be an int or a tuple of ints, got {argnums!r}")
        if not -nargs <= a < nargs:
            raise ValueError(
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
    leaves = [_as_array_leaf(x, transform) for x in leaves]
    _check_inexact_inputs(leaves, transform, holomorphic, allow_int)
    store = {}
    flat = _flat_fun_with_aux(fun, rebuild, in_tree, kwargs, has_aux, store)
    return leaves, in_tree, multiple, flat, store


def _unpack_aux(store, outs):
    n = store["n_out"]
    aux = tree_unflatten(store["aux_tree"], outs[n:]) if "aux_tree" in store else None
    return tree_unflatten(store["out_tree"], outs[:n]), aux


# ---- reverse mode ------------------------------------------------------------------

def vjp(fun, *primals, has_aux=False, reduce_axes=()):
    """(fun(*primals), vjp_fn[, aux]) where vjp_fn(cotangent) -> cotangents of primals.

    >>> y, f_vjp = jaxlite.vjp(jnp.sin, 0.5); f_vjp(1.0)
    (Array(0.87758255, dtype=float32, weak_type=True),)
    """
    leaves, in_tree = tree_flatten(primals)
    leaves = [_as_array_leaf(x, "vjp") for x in leaves]
    store = {}
    flat = _flat_fun_with_aux(fun, lambda d: list(d), in_tree, {}, has_aux, store)
    outs, pullback, _ = ad.vjp_flat(flat, leaves)
    out, aux = _unpack_aux(store, outs)
    n_out = store["n_out"]
    out_avals = [core.get_aval(o) for o in outs[:n_out]]

    def vjp_fn(*cotangents):
        ct = cotangents[0] if len(cotangents) == 1 else cotangents
        ct_leaves, ct_tree = tree_flatten(ct)
        if ct_tree != store["out_tree"]:
            raise ValueError(f"vjp function expected a cotangent with the structure of the "
                             f"primal output {store['out_tree']}, got {ct_tree}")
        cts = []
        for c, aval in zip(ct_leaves, out_avals):
            c = asarray(c)
            if tuple(c.shape) != aval.shape:
                raise ValueError(f"vjp function expected a cotangent of shape {aval.shape} "
                                 f"(the primal output's), got shape {tuple(c.shape)}")
            if (c.dtype.kind == "c") != (aval.dtype.kind == "c"):  # real vs complex: as JAX
                got, expected = (f"{a.dtype.name}[{','.join(map(str, a.shape))}]"
                                 for a in (core.get_aval(c), aval))
                raise ValueError(
                    "unexpected JAX type (e.g. shape/dtype) for argument to VJP function: got "
                    f"{got}, but expected {expected} because the "
                    "corresponding output of the differentiated function had JAX type "
                    f"{expected}")
            cts.append(c)
        grads = pullback(cts + [None] * (len(outs) - n_out))
        grads = [_match_input(g, x) for g, x in zip(grads, leaves)]
        return tuple(tree_unflatten(in_tree, grads))

    if has_aux:
        return out, vjp_fn, aux
    return out, vjp_fn


def _match_input(g, x):
    """A cotangent with the dtype and weak type of its primal input."""
    dtype = x.dtype
    if core.get_aval(g).dtype != dtype:
        from .conversion import convert
        g = convert(g, dtype)
    # Complex cotangents keep the weak type the transposition gave them: as in JAX, those
    # that pass through real/imag/abs (grads of real-valued functions) are strongly typed.
    if type(g) is Array and g.weak_type != x.weak_type and dtype.kind != "c":
        g = Array(g._value, x.weak_type)
    elif isinstance(g, np.ndarray) or isinstance(g, np.generic):
        g = Array(np.asarray(g, dtype), x.weak_type)
    return g


def value_and_grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False,
                   reduce_axes=()):
    """A function returning (fun(*args), gradient of fun with respect to args[argnums]).

    >>> jaxlite.value_and_grad(lambda x: x ** 2)(3.0)
    (Array(9., dtype=float32, weak_type=True), Array(6., dtype=float32, weak_type=True))
    """
    name = getattr(fun, "__name__", "fun")

    @functools.wraps(fun)
    def value_and_grad_f(*args, **kwargs):
        leaves, in_tree, multiple, flat, store = _differentiable_call(
            "grad", fun, args, kwargs, argnums, has_aux, holomorphic, allow_int)
        outs, pullback, _ = ad.vjp_flat(flat, leaves)
        if store["n_out"] != 1 or store["out_tree"] != tree_structure(0):
            raise TypeError(f"Gradient only defined for scalar-output functions. {name} returned "
                            f"a {store['out_tree']} pytree; use jacrev or vjp for non-scalar or "
                            "structured outputs.")
        out = outs[0]
        aval = core.get_aval(out)
        if aval.shape != ():
            raise TypeError(f"Gradient only defined for scalar-output functions. Output of {name} "
                            f"had shape: {aval.shape}. Reduce it to a scalar (e.g. with .sum()) "
                            "or use jacrev/vjp.")
        _check_output_dtype("grad", aval.dtype, holomorphic)
        if not dtypes.is_inexact(aval.dtype):
            raise TypeError(f"grad requires real-valued outputs (output dtype that is a sub-dtype "
                            f"of np.floating), but {name} returned {aval.dtype.name}. For "
                            "differentiation of functions with integer outputs, use jax.vjp "
                            "directly.")
        one = Array(np.ones((), aval.dtype), aval.weak_type)  # JAX seeds with ones_like(out)
        grads = pullback([one] + [None] * (len(outs) - 1))
        grads = [_match_input(g, x) for g, x in zip(grads, leaves)]
        g = tree_unflatten(in_tree, grads)
        g = g if multiple else g[0]
        value, aux = _unpack_aux(store, outs)
        if has_aux:
            return (value, aux), g
        return value, g

    return value_and_grad_f


def grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False, reduce_axes=()):
    """The gradient of a scalar function with respect to args[argnums].

    >>> jaxlite.grad(lambda x: x ** 3)(2.0)
    Array(12., dtype=float32, weak_type=True)
    """
    vg = value_and_grad(fun, argnums, has_aux, holomorphic, allow_int)

    @functools.wraps(fun)
    def grad_f(*args, **kwargs):
        value, g = vg(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g

    return grad_f


# ---- forward mode -------------------------------------------------------------------

def jvp(fun, primals, tangents, has_aux=False):
    """(fun(*primals), the directional derivative of fun at primals along tangents).

    >>> jaxlite.jvp(jnp.sin, (0.0,), (1.0,))
    (Array(0., dtype=float32, weak_type=True), Array(1., dtype=float32, weak_type=True))
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp: primals and tangents must be tuples or lists with one entry per "
                        f"positional argument, got {type(primals).__name__} and "
                        f"{type(tangents).__name__}")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents; they must "
                         "match one to one")
    p_leaves, p_tree = tree_flatten(tuple(primals))
    t_leaves, t_tree = tree_flatten(tuple(tangents))
    if p_tree != t_tree:
        raise ValueError(f"jvp: primal and tangent arguments must have the same tree structure; "
                         f"got {p_tree} and {t_tree}")
    p_leaves = [_as_array_leaf(x, "jvp") for x in p_leaves]
    t_leaves = [_as_array_leaf(x, "jvp") for x in t_leaves]
    for p, t in zip(p_leaves, t_leaves):
        if tuple(p.shape) != tuple(t.shape):
            raise ValueError(f"jvp: primal and tangent shapes must match, got primal shape "
                             f"{tuple(p.shape)} and tangent shape {tuple(t.shape)}")
        if dtypes.is_inexact(p.dtype) and p.dtype != t.dtype:
            raise TypeError(f"jvp: primal and tangent dtypes must match, got primal dtype "
                            f"{p.dtype.name} and tangent dtype {t.dtype.name}")
    store = {}
    flat = _flat_fun_with_aux(fun, lambda d: list(d), p_tree, {}, has_aux, store)
    outs, touts = ad.jvp_flat(flat, p_leaves, t_leaves)
    n = store["n_out"]
    out, aux = _unpack_aux(store, outs)
    tangent_out = tree_unflatten(store["out_tree"],
                                 [_wrap_np(ad.instantiate(t)) for t in touts[:n]])
    if has_aux:
        return out, tangent_out, aux
    return out, tangent_out


def _wrap_np(x):
    return Array(x, False) if isinstance(x, (np.ndarray, np.generic)) else x


def linearize(fun, *primals):
    """(fun(*primals), f_jvp): f_jvp(*tangents) evaluates the JVP, reusing the linearization."""
    from .jaxpr import eval_jaxpr
    leaves, in_tree = tree_flatten(primals)
    leaves = [_as_array_leaf(x, "linearize") for x in leaves]
    store = {}
    flat = _flat_fun_with_aux(fun, lambda d: list(d), in_tree, {}, False, store)
    outs, jaxpr = ad.linearize_flat(flat, leaves)
    out, _ = _unpack_aux(store, outs)

    def f_jvp(*tangents):
        t_leaves, t_tree = tree_flatten(tangents)
        if t_tree != in_tree:
            raise ValueError(f"linearized function expected tangents with structure {in_tree}, "
                             f"got {t_tree}")
        touts = eval_jaxpr(jaxpr, jaxpr.consts, *[asarray(t) for t in t_leaves])
        return tree_unflatten(store["out_tree"], [_wrap_np(t) for t in touts])

    return out, f_jvp


# ---- Jacobians ---------------------------------------------------------------------

def _std_basis(leaves):
    """Rows of the identity over all leaves, split per leaf: leaf i gets shape (N, *shape_i)."""
    sizes = [int(np.prod(l.shape, dtype=np.int64)) for l in leaves]
    total = sum(sizes)
    dtype = dtypes.result_type(*[l.dtype for l in leaves]) if leaves else dtypes.float32
    eye = np.eye(total, dtype=dtype)
    out, start = [], 0
    for l, s in zip(leaves, sizes):
        # A single leaf takes `eye` itself (its reshape is a view; astype of the same dtype
        # copies nothing): no second n x n array to fill.
        block = eye if s == total else eye[:, start:start + s]
        out.append(Array(block.reshape((total,) + tuple(l.shape)).astype(
            l.dtype, copy=s != total), False))
        start += s
    return out, sizes


def jacfwd(fun, argnums=0, has_aux=False, holomorphic=False):
    """Jacobian by forward mode: one JVP per input coordinate, vectorized with vmap."""
    from .numpy_api.shapes import reshape, moveaxis

    def jacfun(*args, **kwargs):
        leaves, in_tree, multiple, flat, store = _differentiable_call(
            "jacfwd", fun, args, kwargs, argnums, has_aux, holomorphic, True)
        _check_jacfwd_inputs(leaves, holomorphic)
        basis, sizes = _std_basis(leaves)

        def pushforward(*tangents):
            outs, touts = ad.jvp_flat(flat, leaves, list(tangents))
            store["primal_outs"] = outs
            return [_wrap_np(ad.instantiate(t)) for t in touts[:store["n_out"]]]

        jac_cols = batching.vmap_flat(pushforward, basis, [0] * len(basis), sum(sizes),
                                      lambda n: [0] * n)
        outs = store["primal_outs"]
        n = store["n_out"]
        for o in outs[:n]:
            _check_output_dtype("jacfwd", core.get_aval(o).dtype, holomorphic)
        per_out = []
        for col, o in zip(jac_cols, outs[:n]):
            pieces, start = [], 0
            o_shape = tuple(core.get_aval(o).shape)
            for leaf, s in zip(leaves, sizes):
                block = col[start:start + s]  # (s, *out_shape)
                block = reshape(block, tuple(leaf.shape) + o_shape)
                block = moveaxis(block, tuple(range(leaf.ndim)),
                                 tuple(range(len(o_shape), len(o_shape) + leaf.ndim))) \
                    if leaf.ndim else block
                pieces.append(block)
                start += s
            tree = tree_unflatten(in_tree, pieces)
            per_out.append(tree if multiple else tree[0])
        jac = tree_unflatten(store["out_tree"], per_out)
        if has_aux:
            _, aux = _unpack_aux(store, [_strip(o) for o in outs])
            return jac, aux
        return jac

    return jacfun


def _strip(x):
    return x


def jacrev(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """Jacobian by reverse mode: one VJP per output coordinate, vectorized with vmap."""
    from .numpy_api.shapes import reshape

    def jacfun(*args, **kwargs):
        leaves, in_tree, multiple, flat, store = _differentiable_call(
            "jacrev", fun, args, kwargs, argnums, has_aux, holomorphic, allow_int)
        outs, pullback, _ = ad.vjp_flat(flat, leaves)
        n = store["n_out"]
        out_leaves = [_wrap_np(o) if not isinstance(o, (Array, Tracer)) else o for o in outs[:n]]
        for o in out_leaves:
            _check_output_dtype("jacrev", o.dtype, holomorphic)
        basis, sizes = _std_basis(out_leaves)

        def pull(*cts):
            grads = pullback(list(cts) + [None] * (len(outs) - n))
            return [_match_input(g, x) for g, x in zip(grads, leaves)]

        rows = batching.vmap_flat(pull, basis, [0] * len(basis), sum(sizes), lambda k: [0] * k)
        per_out, start = [], 0
        for o, s in zip(out_leaves, sizes):
            o_shape = tuple(o.shape)
            pieces = [reshape(r[start:start + s], o_shape + tuple(leaf.shape))
                      for r, leaf in zip(rows, leaves)]
            tree = tree_unflatten(in_tree, pieces)
            per_out.append(tree if multiple else tree[0])
            start += s
        jac = tree_unflatten(store["out_tree"], per_out)
        if has_aux:
            _, aux = _unpack_aux(store, outs)
            return jac, aux
        return jac

    return jacfun


jacobian = jacrev


def hessian(fun, argnums=0, has_aux=False, holomorphic=False):
    """The Hessian as forward-over-reverse: jacfwd(jacrev(fun))."""
    return jacfwd(jacrev(fun, argnums, has_aux=has_aux, holomorphic=holomorphic), argnums,
                  has_aux=has_aux, holomorphic=holomorphic)


# ---- vmap ----------------------------------------------------------------------------

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
    from .tree import tree_flatten_with_path, keystr
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
    return (f"vmap({name}) got inconsistent sizes for the array axes to be mapped:\n"
            + "\n".join(lines) + "\nAll mapped axes must have the same size; use in_axes=None "
            "for arguments that should not be mapped.")


def vmap(fun, in_axes=0, out_axes=0, axis_name=None, axis_size=None, spmd_axis_name=None):
    """Vectorize `fun` over an axis of its arguments.

    >>> jaxlite.vmap(jnp.dot, in_axes=(0, None))(jnp.ones((4, 3)), jnp.ones(3)).shape
    (4,)
    """
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
        dims = _axes_leaves(axes_spec, all_args, "in_axes", fun)
        leaves = [_as_array_leaf(x, "vmap") if d is not None or not isinstance(
            x, (Array, Tracer)) else x for x, d in zip(leaves, dims)]
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
            a, kw = tree_unflatten(in_tree, xs)
            out = fun(*a, **kw)
            out_leaves, out_tree = tree_flatten(out)
            store["out_tree"] = out_tree
            store["out"] = out
            return [_as_array_leaf(o, "vmap output") for o in out_leaves]

        def out_dims(n):
            shape_tree = tree_unflatten(store["out_tree"], [0] * n)
            spec = out_axes
            if isinstance(spec, list):
                spec = tuple(spec)
            return _axes_leaves(spec, shape_tree, "out_axes", fun)

        outs = batching.vmap_flat(flat_fun, leaves, dims, size, out_dims, axis_name, name)
        return tree_unflatten(store["out_tree"], outs)

    return vmapped


# ---- shapes, staging, utilities -----------------------------------------------------------

class ShapeDtypeStruct:
    """A shape and dtype standing in for an array (eval_shape's outputs, jit.lower's inputs)."""
    __slots__ = ("shape", "dtype", "weak_type", "sharding")

    def __init__(self, shape, dtype, weak_type=False, sharding=None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.weak_type = weak_type
        self.sharding = sharding

    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(np.prod(self.shape, dtype=np.int64)))

    @property
    def aval(self):
        return ShapedArray(self.shape, dtypes.canonicalize_dtype(self.dtype), self.weak_type)

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{weak})"

    def __eq__(self, other):
        return (isinstance(other, ShapeDtypeStruct) and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))


def leaf_aval(x):
    if isinstance(x, ShapeDtypeStruct):
        return x.aval
    if isinstance(x, (Array, Tracer)):
        return x.aval
    return core.get_aval(asarray(x) if not isinstance(x, np.ndarray) else
                         np.asarray(x, dtypes.canonicalize_dtype(x.dtype)))


def trace_pytree_function(fun, args, kwargs, static_argnums=(), name=None):
    """Trace fun(*args, **kwargs) to a Jaxpr over the array leaves of the non-static args.

    Returns (jaxpr, in_tree, out_tree)."""
    dyn = tuple(a for i, a in enumerate(args) if i not in static_argnums)
    leaves, in_tree = tree_flatten((dyn, kwargs))
    avals = [leaf_aval(x) for x in leaves]
    store = {}

    def flat_fun(*xs):
        d, kw = tree_unflatten(in_tree, xs)
        d = iter(d)
        full = [a if i in static_argnums else next(d) for i, a in enumerate(args)]
        out = fun(*full, **kw)
        out_leaves, out_tree = tree_flatten(out)
        store["out_tree"] = out_tree
        return [_as_array_leaf(o, "output") for o in out_leaves]

    jaxpr = trace_to_jaxpr(flat_fun, avals, name=name or getattr(fun, "__name__", None))
    return jaxpr, in_tree, store["out_tree"]


def make_jaxpr(fun, static_argnums=(), axis_env=None, return_shape=False, abstracted_axes=None):
    """A function returning the Jaxpr that `fun` stages for the given arguments.

    >>> print(jaxlite.make_jaxpr(lambda x: jnp.sin(x) * 2)(1.0))
    { lambda ; a:f32[]. let
        b:f32[] = sin a
        c:f32[] = mul b 2.0
      in (c,) }
    """
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def make(*args, **kwargs):
        jaxpr, _, out_tree = trace_pytree_function(fun, args, kwargs, static)
        closed = ClosedJaxpr(jaxpr)
        if return_shape:
            shapes = tree_unflatten(out_tree, [ShapeDtypeStruct(a.shape, a.dtype, a.weak_type)
                                               for a in jaxpr.out_avals])
            return closed, shapes
        return closed

    return make


def eval_shape(fun, *args, **kwargs):
    """The shapes and dtypes of fun's outputs, as ShapeDtypeStructs, without computing."""
    jaxpr, _, out_tree = trace_pytree_function(fun, args, kwargs)
    return tree_unflatten(out_tree, [ShapeDtypeStruct(a.shape, a.dtype, a.weak_type)
                                     for a in jaxpr.out_avals])


def block_until_ready(x):
    """Wait for every array in a pytree (computation here is synchronous) and return it."""
    for leaf in tree_leaves(x):
        if hasattr(leaf, "block_until_ready"):
            leaf.block_until_ready()
    return x


def device_get(x):
    """Pytree of Arrays -> pytree of NumPy arrays."""
    return tree_map(lambda l: np.asarray(l) if isinstance(l, Array) else l, x)


def device_put(x, device=None, *, src=None, donate=False, may_alias=None):
    return tree_map(lambda l: asarray(l) if isinstance(l, (np.ndarray, np.generic, int, float,
                                                           complex, bool)) else l, x)
