"""jax.experimental.checkify: functionalized runtime checks.

`checkify(f, errors)` traces `f` to a Jaxpr and replays it with an interpreter
that threads an error value through the computation: each `check` equation, and,
for the enabled automatic checks, each equation that makes a NaN (nan_checks),
divides integers by zero (div_checks) or indexes out of bounds (index_checks),
records the first failure as an error code plus the values its message needs.
The interpreter binds every primitive under the current trace, so `checkify`
composes with jit, vmap and grad (in either order). Loops and conditionals carry
the error through `lax.while_loop`/`scan`/`switch`; a `jit` inside is inlined.

    >>> from jaxlite.experimental import checkify
    >>> def f(x):
    ...     checkify.check(x > 0, "x must be positive, got {x}", x=x)
    ...     return jnp.log(x)
    >>> err, out = checkify.checkify(f)(-1.)
    >>> print(err.get())
    x must be positive, got -1.0 (`check` failed)
"""
import functools

import numpy as np

from . import core
from .conversion import asarray
from .higher_order.jit import jit_p
from .higher_order.control import cond_p, while_p, scan_p
from .jaxpr import Literal, eval_jaxpr
from .lax.control_flow import scan, switch, while_loop
from .numpy_api import ufuncs as uf
from .numpy_api.reductions import any as reduce_any
from .prims.checks import check_p, JaxRuntimeError, format_check_message, functionalizing
from .prims.elementwise import div_p
from .prims.index import gather_p, scatter_p
from .prims.transcendental import rem_p
from .staging import trace_to_jaxpr, close_over_tracer_consts
from .tree import tree_flatten, tree_unflatten, register_pytree_node

__all__ = ["Error", "ErrorCategory", "JaxRuntimeError", "all_checks", "automatic_checks",
           "check", "check_error", "checkify", "debug_check", "div_checks", "float_checks",
           "index_checks", "init_error", "nan_checks", "user_checks"]


# ---- error categories ------------------------------------------------------------------
class ErrorCategory:
    """A kind of check: user checks, NaN, division by zero, out-of-bounds index."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


class FailedCheckError(ErrorCategory):
    pass


USER = FailedCheckError("FailedCheckError")
NAN = ErrorCategory("NaNError")
DIV = ErrorCategory("DivisionByZeroError")
OOB = ErrorCategory("OOBError")

user_checks = frozenset({USER})
nan_checks = frozenset({NAN})
div_checks = frozenset({DIV})
index_checks = frozenset({OOB})
float_checks = nan_checks | div_checks
automatic_checks = float_checks | index_checks
all_checks = automatic_checks | user_checks


# ---- the error value -------------------------------------------------------------------
class _Site:
    """One place that can fail: its category, and how to write its message."""

    def __init__(self, category, message):
        self.category = category
        self.message = message  # payload values -> str

    def __repr__(self):
        return f"{self.category}"


def _user_message(fmt, payload_tree):
    return lambda payload: format_check_message(fmt, payload_tree, payload)


class Error:
    """The error of a checkified function: `get()` gives its message (None when no check
    failed), `throw()` raises it as JaxRuntimeError. A pytree (an int32 code and the
    failing check's values), so it passes through jit and vmap."""

    def __init__(self, code, payloads, sites):
        self._code = code
        self._payloads = payloads
        self._sites = sites

    def _first_failure(self):
        code = np.asarray(getattr(self._code, "_value", self._code))
        failing = np.flatnonzero(code.reshape(-1) >= 0)
        if failing.size == 0:
            return None
        lane = np.unravel_index(failing[0], code.shape)
        site = int(code[lane])
        payload = [np.asarray(getattr(p, "_value", p)) for p in self._payloads[site]]
        if not code.ndim:
            return self._sites[site].message(payload)
        # A batched error (vmap of checkify): the first failing lane, named as JAX does.
        payload = [p[lane] if p.ndim >= code.ndim else p for p in payload]
        where = int(lane[0]) if code.ndim == 1 else tuple(int(i) for i in lane)
        return f"at mapped index {where}: " + self._sites[site].message(payload)

    def get(self):
        """The message of the first failed check, or None."""
        return self._first_failure()

    def get_exception(self):
        message = self._first_failure()
        return None if message is None else JaxRuntimeError(message)

    def throw(self):
        """Raise JaxRuntimeError if a check failed."""
        exception = self.get_exception()
        if exception is not None:
            raise exception

    def __str__(self):
        return f"Error({self.get()})"

    __repr__ = __str__


def _error_flatten(error):
    flat, tree = tree_flatten(error._payloads)
    return [error._code, *flat], (tree, error._sites)


def _error_unflatten(aux, children):
    tree, sites = aux
    children = list(children)
    return Error(children[0], tree_unflatten(tree, children[1:]), sites)


register_pytree_node(Error, _error_flatten, _error_unflatten)


def init_error():
    """An Error in which no check has failed."""
    return Error(asarray(np.int32(-1)), [], ())


# ---- the interpreter -------------------------------------------------------------------
class _State:
    """The error being threaded through one (sub)computation. In a loop body the
    payloads of its sites come in carried (`incoming`) and are kept unless a site fires."""

    def __init__(self, enabled, code=None, incoming=None):
        self.enabled = enabled
        self.code = asarray(np.int32(-1)) if code is None else code
        self.payloads = []
        self.sites = []
        self.incoming = incoming

    def record(self, site, failed, payload):
        index = len(self.sites)
        self.sites.append(site)
        fire = failed & (self.code < 0)
        self.code = uf.where(fire, np.int32(index), self.code)
        payload = [asarray(p) for p in payload]
        if self.incoming is not None:
            payload = [uf.where(fire, new, old)
                       for new, old in zip(payload, self.incoming[index])]
        self.payloads.append(payload)

    def merge(self, code, payloads, sites):
        """Fold in the error of a nested computation (its own site numbering)."""
        offset = len(self.sites)
        fire = (code >= 0) & (self.code < 0)
        for site, payload in zip(sites, payloads):
            index = len(self.sites)
            self.sites.append(site)
            payload = [asarray(p) for p in payload]
            if self.incoming is not None:
                payload = [uf.where(fire, new, old)
                           for new, old in zip(payload, self.incoming[index])]
            self.payloads.append(payload)
        self.code = uf.where(fire, code + np.int32(offset), self.code)


def _read(env, v):
    if type(v) is Literal:
        return core.Array(v.value, True) if v.aval.weak_type else v.value
    return env[v]


def _interpret(jaxpr, consts, args, state):
    env = dict(zip(jaxpr.constvars, consts))
    env.update(zip(jaxpr.invars, args))
    for eqn in jaxpr.eqns:
        ins = [_read(env, v) for v in eqn.inputs]
        outs = _interpret_eqn(eqn, ins, state)
        if not eqn.primitive.multiple_results:
            outs = [outs]
        env.update(zip(eqn.outputs, outs))
    return [_read(env, v) for v in jaxpr.outvars]


def _interpret_eqn(eqn, ins, state):
    prim, params = eqn.primitive, eqn.params
    if prim is check_p:
        if USER in state.enabled:
            state.record(_Site(USER, _user_message(params["fmt"], params["payload_tree"])),
                         reduce_any(uf.logical_not(ins[0])), ins[1:])
        return []
    if prim is jit_p:
        return _interpret(params["jaxpr"], params["jaxpr"].consts, ins, state)
    if prim is cond_p:
        return _interpret_cond(ins, params, state)
    if prim is while_p:
        return _interpret_while(ins, params, state)
    if prim is scan_p:
        return _interpret_scan(ins, params, state)
    if OOB in state.enabled and prim in (gather_p, scatter_p):
        _check_indices(prim, ins, params, state)
    if DIV in state.enabled and prim in (div_p, rem_p):
        divisor = asarray(ins[1])
        if np.issubdtype(divisor.dtype, np.integer):
            state.record(_Site(DIV, lambda payload: "division by zero"),
                         reduce_any(divisor == 0), [])
    outs = prim.bind(*ins, **params)
    if NAN in state.enabled:
        for out in (outs if prim.multiple_results else [outs]):
            if np.issubdtype(core.get_aval(out).dtype, np.inexact):
                name = prim.name
                state.record(_Site(NAN, lambda payload, name=name:
                                   f"nan generated by primitive: {name}."),
                             reduce_any(uf.isnan(out)), [])
    return outs


def _check_indices(prim, ins, params, state):
    spec = params["index_spec"]
    x = ins[0]
    shape = core.get_aval(x).shape
    arrays = iter(ins[1:] if prim is gather_p else ins[2:])
    n_consuming = sum(1 for item in spec if item[0] in ("int", "slice", "array"))
    axis = 0
    for item in spec:
        kind = item[0]
        if kind == "ellipsis":
            axis += len(shape) - n_consuming
        elif kind in ("int", "slice"):
            axis += 1
        elif kind == "array":
            index = asarray(next(arrays))
            size = shape[axis]
            if not np.issubdtype(index.dtype, np.bool_):
                bad = (index < -size) | (index >= size)
                first_bad = uf.where(reduce_any(bad), index.reshape(-1)[
                    uf.argmax(bad.reshape(-1))] if index.ndim else index, 0)

                def message(payload, shape=shape, axis=axis, size=size):
                    return (f"out-of-bounds indexing for array of shape {shape}: index "
                            f"{int(payload[0])} is out of bounds for axis {axis} with size "
                            f"{size}. ")
                state.record(_Site(OOB, message), reduce_any(bad), [first_bad])
            axis += 1


def _discover(fun, in_avals, enabled):
    """Trace a checkified body once to learn its sites and their payloads' avals."""
    store = {}

    def flat(*xs):
        state = _State(enabled)
        outs = fun(state, *xs)
        store["sites"] = state.sites
        flat_payloads, store["tree"] = tree_flatten(state.payloads)
        return [state.code, *flat_payloads, *outs]

    jaxpr = trace_to_jaxpr(flat, in_avals)
    payload_avals = [v.aval for v in jaxpr.outvars[1:1 + store["tree"].num_leaves]]
    return store["sites"], store["tree"], payload_avals


def _zeros(aval):
    return asarray(np.zeros(aval.shape, aval.dtype))


def _interpret_cond(ins, params, state):
    index, ops = ins[0], ins[1:]
    branches = params["branches"]
    avals = [core.get_aval(o) for o in ops]
    found = [_discover(lambda st, *xs, b=b: _interpret(b, b.consts, xs, st), avals,
                       state.enabled) for b in branches]
    all_sites = [s for sites, _, _ in found for s in sites]
    offsets = np.cumsum([0] + [len(sites) for sites, _, _ in found])
    zero_payloads = [tree.unflatten([_zeros(a) for a in pavals]) for _, tree, pavals in found]

    def branch_fun(k):
        def run(*xs):
            local = _State(state.enabled)
            outs = _interpret(branches[k], branches[k].consts, xs, local)
            code = uf.where(local.code >= 0, local.code + np.int32(offsets[k]), local.code)
            payloads = [local.payloads if j == k else zero_payloads[j]
                        for j in range(len(branches))]
            return code, payloads, outs
        return run

    code, payloads, outs = switch(index, [branch_fun(k) for k in range(len(branches))], *ops)
    state.merge(code, [p for ps in payloads for p in ps], all_sites)
    return outs


def _interpret_while(ins, params, state):
    nc, nb = params["cond_nconsts"], params["body_nconsts"]
    cond_consts, body_consts, init = ins[:nc], ins[nc:nc + nb], ins[nc + nb:]
    cond_jaxpr, body_jaxpr = params["cond_jaxpr"], params["body_jaxpr"]
    body = lambda st, *xs: _interpret(body_jaxpr, body_jaxpr.consts,
                                      list(body_consts) + list(xs), st)
    sites, tree, pavals = _discover(body, [core.get_aval(x) for x in init], state.enabled)
    payload0 = tree.unflatten([_zeros(a) for a in pavals])

    def cond_fun(carry):
        _, _, vals = carry
        return eval_jaxpr(cond_jaxpr, cond_jaxpr.consts, *cond_consts, *vals)[0]

    def body_fun(carry):
        code, payloads, vals = carry
        local = _State(state.enabled, code, payloads)
        outs = body(local, *vals)
        return local.code, local.payloads, list(outs)

    code, payloads, outs = while_loop(cond_fun, body_fun,
                                      (asarray(np.int32(-1)), payload0, list(init)))
    state.merge(code, payloads, sites)
    return outs


def _interpret_scan(ins, params, state):
    n_consts, n_carry = params["num_consts"], params["num_carry"]
    consts, init, xs = ins[:n_consts], ins[n_consts:n_consts + n_carry], ins[n_consts + n_carry:]
    jaxpr = params["jaxpr"]
    body = lambda st, *vals: _interpret(jaxpr, jaxpr.consts, list(consts) + list(vals), st)
    x_avals = [core.get_aval(x).update(shape=core.get_aval(x).shape[1:]) for x in xs]
    sites, tree, pavals = _discover(body, [core.get_aval(c) for c in init] + x_avals,
                                    state.enabled)
    payload0 = tree.unflatten([_zeros(a) for a in pavals])

    def step(carry, x):
        code, payloads, vals = carry
        local = _State(state.enabled, code, payloads)
        outs = body(local, *vals, *x)
        return (local.code, local.payloads, list(outs[:n_carry])), list(outs[n_carry:])

    (code, payloads, carry), ys = scan(step, (asarray(np.int32(-1)), payload0, list(init)),
                                      list(xs), length=params["length"],
                                      reverse=params["reverse"])
    state.merge(code, payloads, sites)
    return list(carry) + list(ys)


# ---- the public API --------------------------------------------------------------------
def checkify(f, errors=user_checks):
    """`f` returning `(error, out)`: the checks of the enabled categories (`errors`:
    user_checks by default, nan_checks, div_checks, index_checks, float_checks,
    automatic_checks, all_checks, or a union with `|`) become an Error value instead of
    exceptions, so `f` can be jitted, vmapped and differentiated."""
    enabled = frozenset(errors)

    @functools.wraps(f)
    def checked(*args, **kwargs):
        leaves, in_tree = tree_flatten((args, kwargs))
        leaves = [asarray(x) for x in leaves]
        store = {}

        def flat(*xs):
            a, kw = tree_unflatten(in_tree, xs)
            out_leaves, store["out_tree"] = tree_flatten(f(*a, **kw))
            return [asarray(o) for o in out_leaves]

        with functionalizing():
            jaxpr = trace_to_jaxpr(flat, [core.get_aval(x) for x in leaves],
                                   getattr(f, "__name__", "checkify"))
            jaxpr, tracer_consts = close_over_tracer_consts(jaxpr)
            state = _State(enabled)
            outs = _interpret(jaxpr, jaxpr.consts, list(tracer_consts) + leaves, state)
        error = Error(state.code, state.payloads, tuple(state.sites))
        return error, tree_unflatten(store["out_tree"], outs)

    return checked


def check(pred, msg, *fmt_args, **fmt_kwargs):
    """Check that `pred` holds (everywhere, for an array). Under `checkify` a failure
    becomes the Error's message; elsewhere it raises JaxRuntimeError when it runs.
    `msg` is formatted with `fmt_args`/`fmt_kwargs` (arrays) as `str.format` does."""
    if not isinstance(msg, str):
        raise TypeError(f"check takes a string as message, got {type(msg).__name__}")
    pred = asarray(pred)
    if pred.dtype != np.bool_:
        raise TypeError(f"check takes a scalar boolean as predicate, got {pred.dtype}")
    payload, payload_tree = tree_flatten((fmt_args, fmt_kwargs))
    check_p.bind(pred, *[asarray(p) for p in payload], fmt=msg, payload_tree=payload_tree)


debug_check = check


def check_error(error):
    """Raise `error` (an Error) if it holds a failure; under checkify, record it into the
    checkified function's error instead (as JAX's check_error re-raises)."""
    if not isinstance(error, Error):
        raise TypeError(f"check_error takes an Error, got {type(error).__name__}")
    code = asarray(error._code)
    if code.ndim:
        raise NotImplementedError("check_error of a batched Error (from vmap of checkify) "
                                  "is not supported here; call .throw() on it")
    for k, (site, payload) in enumerate(zip(error._sites, error._payloads)):
        payload_tree = tree_flatten(payload)[1]
        check_p.bind(code != np.int32(k), *[asarray(p) for p in payload], fmt=site.message,
                     payload_tree=payload_tree)
