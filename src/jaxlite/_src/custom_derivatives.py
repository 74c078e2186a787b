"""custom_jvp, custom_vjp, custom_gradient and closure_convert (JAX's API).

The decorators trace the function to a Jaxpr and bind a primitive of
higher_order/custom.py that carries the user's rule as a flat callable; the pytree
plumbing (nondiff_argnums, residual pytrees, structure checks) lives here.
"""
import functools
import inspect
import weakref

import numpy as np

from . import core
from .core import Tracer
from .tree import (tree_flatten, tree_unflatten, tree_map, tree_structure, tree_leaves,
                   register_pytree_node)
from .jaxpr import Jaxpr, eval_jaxpr
from .staging import trace_to_jaxpr, close_over_tracer_consts
from .conversion import asarray
from .ad import Zero
from .higher_order.custom import call_custom_jvp, call_custom_vjp


class SymbolicZero:
    """A tangent known to be zero, passed to rules defined with symbolic_zeros=True.
    Other attributes (ndim, size, ...) are its abstract value's."""

    def __init__(self, aval):
        self.aval = aval
        self.shape, self.dtype = aval.shape, aval.dtype

    def __getattr__(self, name):
        if name == "aval":  # not set yet (e.g. while unpickling)
            raise AttributeError(name)
        try:
            return getattr(self.aval, name)
        except AttributeError:
            raise AttributeError(f"SymbolicZero has no attribute {name}") from None

    def __repr__(self):
        return "SymbolicZero"

    @staticmethod
    def from_primal_value(value):
        return SymbolicZero(core.get_aval(value).strip_weak_type())


def zero_from_primal(value, symbolic_zeros=False):
    """Zero tangents for the pytree `value`: SymbolicZero leaves, or arrays of zeros.

    >>> jax.custom_derivatives.zero_from_primal((1.0, jnp.ones(2)))
    (Array(0., dtype=float32), Array([0., 0.], dtype=float32))
    """
    def zero(x):
        aval = core.get_aval(x).strip_weak_type()
        return SymbolicZero(aval) if symbolic_zeros else asarray(np.zeros(aval.shape, aval.dtype))
    return tree_map(zero, value)


class CustomVJPPrimal:
    """A primal argument of a custom_vjp fwd rule defined with symbolic_zeros=True:
    its `value`, and whether it is `perturbed` (differentiated)."""
    __slots__ = ("value", "perturbed")

    def __init__(self, value, perturbed):
        self.value, self.perturbed = value, perturbed

    def __repr__(self):
        return f"CustomVJPPrimal(value={self.value!r}, perturbed={self.perturbed})"


def custom_vjp_primal_tree_values(tree):
    """The values of a pytree of CustomVJPPrimal records (a fwd rule's arguments)."""
    return tree_map(lambda x: x.value if isinstance(x, CustomVJPPrimal) else x, tree,
                    is_leaf=lambda x: isinstance(x, CustomVJPPrimal))


def _resolve_args(fun, args, kwargs):
    """Keyword arguments bound to positions and omitted ones filled with their defaults,
    as JAX's custom rules require: the rules see every parameter (flax's fp8 dot leaves
    two nondiff_argnums to their defaults)."""
    signature = _signature(fun)
    if signature is None:
        if kwargs:
            raise TypeError(f"keyword arguments could not be resolved to positions: "
                            f"{fun!r} has no signature")
        return tuple(args)
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    return tuple(bound.args) + tuple(bound.kwargs.values())


_signatures = weakref.WeakKeyDictionary()


def _signature(fun):
    """inspect.signature(fun), remembered per function (it costs microseconds a call);
    None for a callable without one."""
    try:
        return _signatures[fun]
    except (KeyError, TypeError):
        pass
    try:
        signature = inspect.signature(fun)
    except (TypeError, ValueError):
        signature = None
    try:
        _signatures[fun] = signature
    except TypeError:  # not weakly referable or not hashable: computed each time
        pass
    return signature


def _split_nondiff(args, nondiff_argnums):
    nondiff = {i: args[i] for i in nondiff_argnums}
    diff = [a for i, a in enumerate(args) if i not in nondiff]
    return nondiff, diff


def _merge(nondiff, diff, n):
    it = iter(diff)
    return [nondiff[i] if i in nondiff else next(it) for i in range(n)]


def _prepare_call(fun, args, kwargs, nondiff_argnums):
    """What custom_jvp and custom_vjp calls share: bind keywords to positions, split off
    the non-differentiable arguments and flatten the rest."""
    args = _resolve_args(fun, args, kwargs)
    nondiff, diff = _split_nondiff(args, nondiff_argnums)
    leaves, diff_tree = tree_flatten(tuple(diff))
    ordered_nondiff = [nondiff[i] for i in sorted(nondiff)]
    return args, nondiff, diff, ordered_nondiff, leaves, diff_tree


def _note_out_tree(store, tree, name, what):
    """The output structure, from whichever of the function and its rules ran first."""
    known = store.setdefault("out_tree", tree)
    if known != tree:
        raise TypeError(f"Custom {what} rule of {name} returned a primal output with "
                        f"structure {tree}, but the function returns {known}")


def _flat_fun(fun, nondiff, diff_tree, n_args, store):
    def flat(*xs):
        out = fun(*_merge(nondiff, list(tree_unflatten(diff_tree, xs)), n_args))
        out_leaves, tree = tree_flatten(out)
        store["out_tree"] = tree
        return out_leaves
    return flat


_PYTHON_SCALARS = (bool, int, float, complex)


class custom_jvp:
    """A function with a custom JVP rule.

    >>> @jax.custom_jvp
    ... def f(x):
    ...     return jnp.sin(x)
    >>> @f.defjvp
    ... def f_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return f(x), jnp.cos(x) * t
    """

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp = None
        self.symbolic_zeros = False

    def defjvp(self, jvp, symbolic_zeros=False):
        self.jvp = jvp
        self.symbolic_zeros = symbolic_zeros
        return jvp

    def defjvps(self, *jvps):
        """One rule per argument: jvp_i(tangent_i, primal_out, *primals) -> its contribution."""
        def jvp(primals, tangents):
            out = self(*primals)
            total = None
            for rule, t in zip(jvps, tangents):
                if rule is None or isinstance(t, SymbolicZero):
                    continue
                part = rule(t, out, *primals)
                total = part if total is None else tree_map(lambda a, b: a + b, total, part)
            if total is None:
                total = tree_map(lambda o: np.zeros(np.shape(o), core.get_aval(o).dtype), out)
            return out, total
        self.defjvp(jvp)

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args, **kwargs):
        name = getattr(self.fun, "__name__", "function")
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {name} using defjvp.")
        if core.current_trace() is core.eval_trace:
            # Nothing transforms this call: the function runs as written, as in JAX.
            return self.fun(*_resolve_args(self.fun, args, kwargs))
        args, nondiff, diff, ordered_nondiff, leaves, diff_tree = \
            _prepare_call(self.fun, args, kwargs, self.nondiff_argnums)
        rule, symbolic = self.jvp, self.symbolic_zeros
        store = {}

        def flat_jvp(primals, tangents):
            p_tree = tuple(tree_unflatten(diff_tree, primals))
            if symbolic:
                tangents = [SymbolicZero(core.get_aval(p)) if type(t) is Zero else t
                            for p, t in zip(primals, tangents)]
            t_tree = tuple(tree_unflatten(diff_tree, tangents))
            result = rule(*ordered_nondiff, p_tree, t_tree)
            if not (isinstance(result, (tuple, list)) and len(result) == 2):
                raise TypeError(f"Custom JVP rule of {name} must return a pair (primal_out, "
                                f"tangent_out), got {type(result).__name__}")
            out, t_out = result
            out_leaves, tree = tree_flatten(out)
            _note_out_tree(store, tree, name, "JVP")
            # The tangents have the primal output's structure (a None node where the
            # primal has None); a None or SymbolicZero in place of a leaf is a zero.
            try:
                t_leaves = tree.flatten_up_to(t_out)
            except (ValueError, TypeError):
                t_leaves = None
            if t_leaves is None or any(isinstance(t, (tuple, list, dict)) for t in t_leaves):
                t_tree_out = tree_structure(t_out, is_leaf=lambda x: x is None or
                                            isinstance(x, SymbolicZero))
                raise TypeError(f"Custom JVP rule of {name} returned a tangent output with "
                                f"structure {t_tree_out}, which must match the primal output "
                                f"structure {tree}")
            t_leaves = [None if isinstance(t, SymbolicZero) else t for t in t_leaves]
            return out_leaves, [t if t is None else asarray(t) for t in t_leaves]

        fun = _flat_fun(self.fun, nondiff, diff_tree, len(args), store)
        outs = call_custom_jvp(fun, flat_jvp, leaves, symbolic, name)
        return tree_unflatten(store["out_tree"], outs)


class custom_vjp:
    """A function with a custom VJP rule (fwd computes residuals, bwd the cotangents).

    >>> @jax.custom_vjp
    ... def f(x):
    ...     return jnp.sin(x)
    >>> f.defvjp(lambda x: (jnp.sin(x), jnp.cos(x)), lambda cos_x, g: (cos_x * g,))
    """

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd = self.bwd = None
        self.symbolic_zeros = False

    def defvjp(self, fwd, bwd, symbolic_zeros=False, optimize_remat=False):
        self.fwd, self.bwd = fwd, bwd
        self.symbolic_zeros = symbolic_zeros

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args, **kwargs):
        name = getattr(self.fun, "__name__", "function")
        if self.fwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {name} using defvjp.")
        if core.current_trace() is core.eval_trace:
            return self.fun(*_resolve_args(self.fun, args, kwargs))
        args, nondiff, diff, ordered_nondiff, leaves, diff_tree = \
            _prepare_call(self.fun, args, kwargs, self.nondiff_argnums)
        fwd, bwd = self.fwd, self.bwd
        res_trees = []
        store = {}

        def flat_fwd(primals, perturbed):
            if self.symbolic_zeros:
                primals = [CustomVJPPrimal(p, bool(z)) for p, z in zip(primals, perturbed)]
            full = _merge(nondiff, list(tree_unflatten(diff_tree, primals)), len(args))
            result = fwd(*full)
            if not (isinstance(result, (tuple, list)) and len(result) == 2):
                raise TypeError(f"Custom VJP fwd rule of {name} must return a pair (primal_out, "
                                f"residuals), got {type(result).__name__}")
            out, res = result
            out_leaves, tree = tree_flatten(out)
            _note_out_tree(store, tree, name, "VJP fwd")
            res_leaves, res_tree = tree_flatten(res)
            # Python scalars among the residuals reach bwd as they are, as in JAX (equinox
            # keeps its `perturbed` booleans there and uses them as filters): only
            # arrays go through the trace.
            python = {i: r for i, r in enumerate(res_leaves) if type(r) in _PYTHON_SCALARS}
            res_trees[:] = [(res_tree, python)]
            return out_leaves, [r for i, r in enumerate(res_leaves) if i not in python]

        def flat_bwd(residuals, cts):
            res_tree, python = res_trees[0]
            arrays = iter(residuals)
            res = tree_unflatten(res_tree, [python[i] if i in python else next(arrays)
                                            for i in range(res_tree.num_leaves)])
            ct_tree = tree_unflatten(store["out_tree"], cts)
            result = bwd(*ordered_nondiff, res, ct_tree)
            if not isinstance(result, (tuple, list)):
                raise TypeError(f"Custom VJP bwd rule of {name} must return a tuple with one "
                                f"cotangent per differentiable argument, got "
                                f"{type(result).__name__}")
            if len(result) != len(diff):
                raise ValueError(f"Custom VJP bwd rule of {name} returned {len(result)} "
                                 f"cotangents, but the function has {len(diff)} differentiable "
                                 "arguments")
            flat = []
            for i, (ct, arg) in enumerate(zip(result, diff)):
                arg_leaves, arg_tree = tree_flatten(arg)
                if ct is None:
                    flat.extend([None] * len(arg_leaves))
                    continue
                # As in JAX, the cotangent's structure leads: None stands for a zero
                # cotangent of the whole subtree of the argument at its place, and a leaf
                # may stand where the argument has a node holding one leaf (flax.nnx
                # returns arrays where its arguments hold Variables).
                ct_leaves = []
                try:
                    ct_flat, ct_def = tree_flatten(ct, is_leaf=lambda x: x is None)
                    for c, sub in zip(ct_flat, ct_def.flatten_up_to(arg)):
                        count = len(tree_leaves(sub))
                        if c is None:
                            ct_leaves.extend([None] * count)
                        elif count == 1:
                            ct_leaves.append(c)
                        else:
                            raise ValueError
                except (ValueError, TypeError):
                    ct_leaves = None
                if ct_leaves is None or any(isinstance(c, (tuple, list, dict))
                                            for c in ct_leaves):
                    ct_tree = tree_structure(tree_map(lambda c: 0, ct,
                                                      is_leaf=lambda x: x is None))
                    raise TypeError(f"Custom VJP bwd rule of {name} returned a cotangent with "
                                    f"structure {ct_tree} for argument {i}, whose structure "
                                    f"is {arg_tree}; they must match")
                flat.extend(None if c is None or isinstance(c, SymbolicZero) else asarray(c)
                            for c in ct_leaves)
            return flat

        fun = _flat_fun(self.fun, nondiff, diff_tree, len(args), store)
        outs = call_custom_vjp(fun, flat_fwd, flat_bwd, leaves, self.symbolic_zeros, name)
        return tree_unflatten(store["out_tree"], outs)


def custom_gradient(fun):
    """fun(*args) returns (value, vjp_fn); the result's gradient is given by vjp_fn.

    As in JAX, fun runs once per differentiation: its vjp_fn is traced when the forward
    pass runs, and the backward pass evaluates that trace.

    >>> @jax.custom_gradient
    ... def f(x):
    ...     return x ** 2, lambda g: (3.0 * g,)
    >>> print(jax.grad(f)(2.0))
    3.0
    """
    @custom_vjp
    def wrapped(*args):
        return fun(*args)[0]

    def fwd(*args):
        value, vjp_fn = fun(*args)
        out_leaves, out_tree = tree_flatten(value)
        store = {}

        def flat_rule(*cts):
            result = vjp_fn(tree_unflatten(out_tree, cts))
            leaves, store["tree"] = tree_flatten(result)
            return [asarray(c) for c in leaves]

        avals = [core.get_aval(o).strip_weak_type() for o in out_leaves]
        jaxpr, consts = close_over_tracer_consts(trace_to_jaxpr(flat_rule, avals))
        return value, (consts, _Rule(jaxpr, out_tree, store["tree"]))

    def bwd(residuals, ct):
        consts, rule = residuals
        cts = tree_flatten(ct)[0]
        result = tree_unflatten(rule.in_tree, eval_jaxpr(rule.jaxpr, rule.jaxpr.consts,
                                                         *consts, *cts))
        return tuple(result) if isinstance(result, (tuple, list)) else (result,)

    wrapped.defvjp(fwd, bwd)
    return functools.wraps(fun)(lambda *args: wrapped(*args))


class _Rule:
    """custom_gradient's traced vjp_fn, carried through the residuals as a pytree leaf
    that is not an array (flattening keeps it whole: it is static data)."""

    def __init__(self, jaxpr, out_tree, in_tree):
        self.jaxpr, self.out_tree, self.in_tree = jaxpr, out_tree, in_tree


register_pytree_node(_Rule, lambda rule: ((), rule), lambda rule, _: rule)

def closure_convert(fun, *example_args):
    """(converted, consts): converted(*args, *consts) == fun(*args), with the tracers fun
    closes over (values a transformation may perturb) hoisted out as explicit arguments;
    concrete values stay inside, as in JAX.

    >>> x = jnp.array(0.5)
    >>> def f(w):
    ...     converted, consts = jax.closure_convert(lambda y: jnp.sin(w * y), x)
    ...     print(len(consts), "hoisted")
    ...     return converted(x, *consts)
    >>> print(f"{f(2.0):.4f}")  # w is concrete: it stays inside
    0 hoisted
    0.8415
    >>> print(f"{jax.grad(f)(2.0):.4f}")  # w is a tracer of grad: hoisted
    1 hoisted
    0.2702
    """
    leaves, in_tree = tree_flatten(example_args)
    store = {}

    def flat(*xs):
        out = fun(*tree_unflatten(in_tree, xs))
        out_leaves, store["tree"] = tree_flatten(out)
        return [asarray(o) for o in out_leaves]

    jaxpr = trace_to_jaxpr(flat, [core.get_aval(asarray(x)) for x in leaves])
    hoist = [i for i, c in enumerate(jaxpr.consts) if isinstance(c, Tracer)]
    consts = [jaxpr.consts[i] for i in hoist]
    kept_vars = [v for i, v in enumerate(jaxpr.constvars) if i not in hoist]
    kept = [c for i, c in enumerate(jaxpr.consts) if i not in hoist]
    hoisted_vars = [jaxpr.constvars[i] for i in hoist]
    closed = Jaxpr(kept_vars, kept, list(jaxpr.invars) + hoisted_vars, jaxpr.eqns, jaxpr.outvars)

    def converted(*args):
        arg_leaves = tree_flatten(args[:len(args) - len(consts)])[0]
        outs = eval_jaxpr(closed, closed.consts, *arg_leaves, *args[len(args) - len(consts):])
        return tree_unflatten(store["tree"], outs)

    return converted, consts
