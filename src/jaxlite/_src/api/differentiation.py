"""The differentiation API: vjp, grad, value_and_grad, jvp, linearize, jacfwd, jacrev,
jacobian and hessian, over pytrees, on ad.py's flat jvp / linearize / vjp."""
import functools

import numpy as np

from .. import core, dtypes, ad, batching
from ..core import Tracer
from ..array import Array
from ..tree import Partial, tree_flatten, tree_unflatten, tree_structure
from ..jaxpr import eval_jaxpr
from ..conversion import asarray, convert
from ..prims.shape import reshape_p, transpose_p
from ..prims.elementwise import convert_element_type_p
from ..prims.collectives import psum_p
from .arguments import (check_callable, _as_array_leaf, _check_output_dtype, _check_jacfwd_inputs,
                        _flat_fun_with_aux, _differentiable_call, _unpack_aux)


def _reshape(x, shape):
    """jnp.reshape for a known target shape, with the reshape primitive."""
    x = asarray(x)
    shape = tuple(shape)
    if tuple(x.shape) == shape:
        return x
    return reshape_p.bind(x, new_sizes=shape)


def _move_leading_axes_last(x, k):
    """jnp.moveaxis(x, range(k), range(ndim - k, ndim)): the first k axes go last."""
    x = asarray(x)
    n = x.ndim
    order = tuple(range(k, n)) + tuple(range(k))
    if order == tuple(range(n)):
        return x
    return transpose_p.bind(x, permutation=order)


# ---- reverse mode ------------------------------------------------------------------

def vjp(fun, *primals, has_aux=False, reduce_axes=()):
    """(fun(*primals), vjp_fn[, aux]) where vjp_fn(cotangent) -> cotangents of primals.

    >>> y, f_vjp = jax.vjp(jnp.sin, 0.5); f_vjp(1.0)
    (Array(0.87758255, dtype=float32, weak_type=True),)

    As in JAX, `vjp_fn` is a pytree (a `jax.tree_util.Partial`) whose leaves are the
    residuals the backward pass needs, so it can be passed to a jitted function:

    >>> y, f_vjp = jax.vjp(lambda x: x * jnp.sin(x), 0.5)
    >>> jax.jit(lambda f, ct: f(ct))(f_vjp, 1.0)
    (Array(0.9182168, dtype=float32, weak_type=True),)
    """
    leaves, in_tree = tree_flatten(primals)
    leaves = [_as_array_leaf(x, "vjp") for x in leaves]
    store = {}
    flat = _flat_fun_with_aux(fun, lambda d: list(d), in_tree, {}, has_aux, store)
    outs, _, jaxpr = ad.vjp_flat(flat, leaves)
    out, aux = _unpack_aux(store, outs)
    n_out = store["n_out"]
    out_avals = tuple(core.get_aval(o) for o in outs[:n_out])
    in_avals = tuple(core.get_aval(x) for x in leaves)
    in_varying = tuple(batching.varying_axes(x) for x in leaves)
    pullback = functools.partial(_vjp_pullback, jaxpr, store["out_tree"], out_avals,
                                 len(outs), in_tree, in_avals, in_varying)
    vjp_fn = Partial(pullback, list(jaxpr.consts))
    if has_aux:
        return out, vjp_fn, aux
    return out, vjp_fn


def _vjp_pullback(jaxpr, out_tree, out_avals, n_outs, in_tree, in_avals, in_varying,
                  residuals, *cotangents):
    """The function vjp returns, with its residuals (the linear Jaxpr's constants) passed
    in, so that they are the leaves of the Partial and travel through jit and tree_map."""
    ct = cotangents[0] if len(cotangents) == 1 else cotangents
    ct_leaves, ct_tree = tree_flatten(ct)
    if ct_tree != out_tree:
        raise ValueError(f"vjp function expected a cotangent with the structure of the "
                         f"primal output {out_tree}, got {ct_tree}")
    cts = []
    for c, aval in zip(ct_leaves, out_avals):
        c = asarray(c)
        if tuple(c.shape) != aval.shape:
            raise ValueError(f"vjp function expected a cotangent of shape {aval.shape} "
                             f"(the primal output's), got shape {tuple(c.shape)}")
        if (c.dtype.kind == "c") != (aval.dtype.kind == "c") or (
                dtypes.is_inexact(aval.dtype) and c.dtype != aval.dtype):  # as JAX
            got, expected = (f"{a.dtype.name}[{','.join(map(str, a.shape))}]"
                             for a in (core.get_aval(c), aval))
            raise ValueError(
                "unexpected JAX type (e.g. shape/dtype) for argument to VJP function: got "
                f"{got}, but expected {expected} because the "
                "corresponding output of the differentiated function had JAX type "
                f"{expected}")
        cts.append(c)
    cts += [None] * (n_outs - len(out_avals))
    grads = ad.backward_pass(jaxpr, cts, dict(zip(jaxpr.constvars, residuals)))
    grads = [ad.zeros_like_aval(v.aval) if g is None else g
             for g, v in zip(grads, jaxpr.invars)]
    grads = [_match_input(_sum_over_devices(g, v), aval)
             for g, aval, v in zip(grads, in_avals, in_varying)]
    return tuple(tree_unflatten(in_tree, grads))


def _sum_over_devices(g, x_varying):
    """Inside shard_map, the gradient with respect to a value that is the same on every
    device of a mesh axis is summed over that axis (JAX's transpose of the implicit
    broadcast of an invariant value). `x_varying`: the axes the value varies along."""
    extra = batching.varying_axes(g) - x_varying
    return psum_p.bind(g, axes=tuple(sorted(extra, key=str))) if extra else g


def _match_input(g, x):
    """A cotangent with the dtype and weak type of its primal input; for an integer or
    bool input, JAX's float0 zeros (a NumPy array of that structured dtype, not an Array:
    no arithmetic is defined on it, so a program cannot add it to the integer by mistake)."""
    dtype = x.dtype
    if not dtypes.is_inexact(dtype) and not isinstance(g, core.Tracer):
        return np.zeros(x.shape, dtypes.float0)
    if core.get_aval(g).dtype != dtype:
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

    >>> jax.value_and_grad(lambda x: x ** 2)(3.0)
    (Array(9., dtype=float32, weak_type=True), Array(6., dtype=float32, weak_type=True))
    """
    check_callable(fun, "value_and_grad")
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
        grads = [_match_input(_sum_over_devices(g, batching.varying_axes(x)), x)
                 for g, x in zip(grads, leaves)]
        g = tree_unflatten(in_tree, grads)
        g = g if multiple else g[0]
        value, aux = _unpack_aux(store, outs)
        if has_aux:
            return (value, aux), g
        return value, g

    return value_and_grad_f


def grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False, reduce_axes=()):
    """The gradient of a scalar function with respect to args[argnums].

    >>> jax.grad(lambda x: x ** 3)(2.0)
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

    >>> jax.jvp(jnp.sin, (0.0,), (1.0,))
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
        if not dtypes.is_inexact(p.dtype) and t.dtype != dtypes.float0:
            raise TypeError(f"jvp: primal and tangent arguments do not match: the tangent of "
                            f"an integer or boolean primal (dtype {p.dtype.name}) must have "
                            f"dtype float0, got {t.dtype.name}")
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


def _with_weak_type(x, weak):
    """`x` with the weak type of the pytree leaf it is laid out like: JAX's jacobians take
    jacfwd's from the outputs and jacrev's from the inputs (a weakly typed scalar argument
    gives a weakly typed jacrev)."""
    if x.weak_type == weak:
        return x
    return convert_element_type_p.bind(x, new_dtype=x.dtype, weak_type=weak)


def _wrap_np(x):
    return Array(x, False) if isinstance(x, (np.ndarray, np.generic)) else x


def linearize(fun, *primals, has_aux=False):
    """(fun(*primals), f_jvp): f_jvp(*tangents) evaluates the JVP, reusing the linearization.
    With has_aux, fun returns (output, aux) and linearize returns (output, f_jvp, aux)."""
    leaves, in_tree = tree_flatten(primals)
    leaves = [_as_array_leaf(x, "linearize") for x in leaves]
    store = {}
    flat = _flat_fun_with_aux(fun, lambda d: list(d), in_tree, {}, has_aux, store)
    outs, jaxpr = ad.linearize_flat(flat, leaves)
    out, aux = _unpack_aux(store, outs)
    n_out = store["n_out"]

    def f_jvp(*tangents):
        t_leaves, t_tree = tree_flatten(tangents)
        if t_tree != in_tree:
            raise ValueError(f"linearized function expected tangents with structure {in_tree}, "
                             f"got {t_tree}")
        t_leaves = [asarray(t) for t in t_leaves]
        for t, p in zip(t_leaves, leaves):
            expected = p.dtype if dtypes.is_inexact(p.dtype) else dtypes.float0
            if tuple(t.shape) != tuple(p.shape) or t.dtype != expected:
                expected = "float0" if expected == dtypes.float0 else expected.name
                raise ValueError(
                    "linearized function called on tangent values inconsistent with the "
                    f"original primal values: got tangent {t.dtype.name}{list(t.shape)} for "
                    f"primal {p.dtype.name}{list(p.shape)} but expected "
                    f"{expected}{list(p.shape)}")
        touts = eval_jaxpr(jaxpr, jaxpr.consts, *t_leaves)[:n_out]
        return tree_unflatten(store["out_tree"], [_wrap_np(t) for t in touts])

    return (out, f_jvp, aux) if has_aux else (out, f_jvp)


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
    check_callable(fun, "jacfwd")

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
        tree_unflatten(store["out_tree"], [None] * n)  # as JAX's tree_map output check
        per_out = []
        for col, o in zip(jac_cols, outs[:n]):
            pieces, start = [], 0
            o_shape = tuple(core.get_aval(o).shape)
            for leaf, s in zip(leaves, sizes):
                block = col[start:start + s]  # (s, *out_shape)
                block = _reshape(block, tuple(leaf.shape) + o_shape)
                block = _move_leading_axes_last(block, leaf.ndim) if leaf.ndim else block
                pieces.append(_with_weak_type(block, core.get_aval(o).weak_type))
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
    check_callable(fun, "jacrev")

    def jacfun(*args, **kwargs):
        leaves, in_tree, multiple, flat, store = _differentiable_call(
            "jacrev", fun, args, kwargs, argnums, has_aux, holomorphic, allow_int)
        outs, pullback, _ = ad.vjp_flat(flat, leaves)
        n = store["n_out"]
        out_leaves = [_wrap_np(o) if not isinstance(o, (Array, Tracer)) else o for o in outs[:n]]
        for o in out_leaves:
            _check_output_dtype("jacrev", o.dtype, holomorphic)
        tree_unflatten(store["out_tree"], [None] * n)  # as JAX's tree_map output check
        basis, sizes = _std_basis(out_leaves)

        def pull(*cts):
            grads = pullback(list(cts) + [None] * (len(outs) - n))
            return [_match_input(g, x) for g, x in zip(grads, leaves)]

        rows = batching.vmap_flat(pull, basis, [0] * len(basis), sum(sizes), lambda k: [0] * k)
        per_out, start = [], 0
        for o, s in zip(out_leaves, sizes):
            o_shape = tuple(o.shape)
            pieces = [_with_weak_type(_reshape(r[start:start + s], o_shape + tuple(leaf.shape)),
                                      leaf.weak_type)
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

