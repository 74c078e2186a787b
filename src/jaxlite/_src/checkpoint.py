"""jax.checkpoint / jax.remat, checkpoint policies and checkpoint_name."""
import functools
import inspect

from . import core
from .tree import keystr, tree_flatten, tree_flatten_with_path, tree_leaves, tree_unflatten, tree_map
from .jaxpr import Literal
from .staging import trace_to_jaxpr, close_over_tracer_consts
from .api import vjp
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


def _argument_names(f, args, kwargs):
    """JAX's names of the flattened arguments: the parameter's name and the leaf's key path
    ("W", "params['b']"); "unknown" where f's signature cannot tell."""
    try:
        bound = inspect.signature(f).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    names = []
    for name, value in bound.arguments.items():
        kind = inspect.signature(f).parameters[name].kind
        values = (list(enumerate(value)) if kind is inspect.Parameter.VAR_POSITIONAL
                  else list(value.items()) if kind is inspect.Parameter.VAR_KEYWORD
                  else [(None, value)])
        for key, v in values:
            base = name if key is None else (f"{name}[{key}]" if isinstance(key, int) else key)
            names += [base + keystr(path) for path, _ in tree_flatten_with_path(v)[0]]
    return names


def saved_residuals(f, *args, **kwargs):
    """[(aval, where it comes from)] for each value reverse mode keeps from the forward
    pass of f(*args, **kwargs) (JAX's `jax.ad_checkpoint.saved_residuals`)."""
    leaves, in_tree = tree_flatten((args, kwargs))
    leaves = [asarray(x) for x in leaves]
    names = _argument_names(f, args, kwargs)
    if names is None or len(names) != len(leaves):
        names = ["unknown"] * len(leaves)

    def residuals(*xs):
        a, kw = tree_unflatten(in_tree, xs)
        _, pullback = vjp(lambda *a: f(*a, **kw), *a)
        return [asarray(r) for r in tree_leaves(pullback)]

    jaxpr = trace_to_jaxpr(residuals, [core.get_aval(x) for x in leaves],
                           getattr(f, "__name__", "saved_residuals"))
    return _describe(jaxpr, names)


def _forwarded_input(eqn, v):
    """The outer input a jit equation's output `v` merely forwards, else None."""
    inner = eqn.params["jaxpr"]
    out = inner.outvars[eqn.outputs.index(v)]
    if out in inner.invars:
        return eqn.inputs[inner.invars.index(out)]
    return None


def _named(eqn, v):
    """The checkpoint_name equation that gives `v` its name: `eqn` itself, or, for a
    checkpoint's output saved by its policy, the one inside the checkpoint's Jaxpr."""
    if eqn.primitive is name_p:
        return eqn
    if eqn.primitive is checkpoint_p:
        inner = eqn.params["jaxpr"]
        out = inner.outvars[eqn.outputs.index(v)]
        return next((e for e in inner.eqns if e.primitive is name_p and out in e.outputs), None)
    return None


def _computed_inside(eqn, v):
    """For a checkpoint's output `v`, the equation inside its Jaxpr (or a nested one's)
    that computes it, as JAX names a residual by the operation that made it; else `eqn`."""
    while eqn.primitive is checkpoint_p:
        inner = eqn.params["jaxpr"]
        v = inner.outvars[eqn.outputs.index(v)]
        producer = next((e for e in inner.eqns if v in e.outputs), None)
        if producer is None:
            break
        eqn = producer
    return eqn


def _describe(jaxpr, names):
    """JAX's descriptions, in JAX's order: literals, constants, arguments, then the
    equations' outputs in program order."""
    producer = {v: eqn for eqn in jaxpr.eqns for v in eqn.outputs}
    wanted = set()
    found = []
    for v in jaxpr.outvars:
        while not isinstance(v, Literal) and v in producer and producer[v].primitive.name == "jit":
            source = _forwarded_input(producer[v], v)
            if source is None:
                break
            v = source
        if isinstance(v, Literal):
            found.append((v.aval, "from a literal"))
        else:
            wanted.add(v)
    found += [(v.aval, "from a constant") for v in jaxpr.constvars if v in wanted]
    found += [(v.aval, f"from the argument {name}") for v, name in zip(jaxpr.invars, names)
              if v in wanted]
    for eqn in jaxpr.eqns:
        where = _location(eqn.source)
        for v in eqn.outputs:
            if v not in wanted:
                continue
            named = _named(eqn, v)
            if named is not None:
                found.append((v.aval, f"named '{named.params['name']}' from "
                                      f"{_location(named.source) or where}"))
            elif eqn.primitive.name == "jit":
                name = eqn.params["name"]
                while name.startswith("jvp(") and name.endswith(")"):
                    name = name[4:-1]
                found.append((v.aval, f"output of jitted function '{name}' from {where}"))
            else:
                made_by = _computed_inside(eqn, v)
                found.append((v.aval, f"output of {made_by.primitive.name} from "
                                      f"{_location(made_by.source) or where}"))
    return found


def _location(source):
    """Where an equation was staged, as JAX names it: '/path/file.py:line:column (function)'."""
    return source.location() if hasattr(source, "location") else (source or "")


def print_saved_residuals(f, *args, **kwargs):
    """Print the values reverse mode of f keeps from the forward pass, one a line: shape
    and dtype, and where each comes from (an argument, or the operation computing it).

    >>> jax.ad_checkpoint.print_saved_residuals(lambda W, x: jnp.sum(W @ x), jnp.ones((2, 2)),
    ...                                         jnp.ones(2))
    f32[2,2] from the argument W
    f32[2] from the argument x
    """
    for aval, where in saved_residuals(f, *args, **kwargs):
        print(f"{aval.str_short(short_dtypes=True)} {where}")
