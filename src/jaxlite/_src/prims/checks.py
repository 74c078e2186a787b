"""check: a runtime assertion (jax.experimental.checkify.check).

An effectful primitive with no outputs, never dropped by the compiler. checkify's
interpreter (_src/checkify.py) turns each check into an error value; a check it does
not functionalize raises JaxRuntimeError when it runs with a false predicate.
Under vmap the predicate holds for every lane and the message shows the first
failing lane's values; under differentiation the check runs on the primal values.
"""
import contextlib
import threading

import numpy as np

from .. import core
from ..core import Primitive
from .shape import moveaxis
from .index import gather_p
from .reduce import reduce_and_p, argmin_p

check_p = Primitive("check", multiple_results=True)
check_p.effectful = True


# Whether checkify is tracing (per thread): only then may a check be staged into a Jaxpr,
# as in JAX, where jit of an unfunctionalized check fails at trace time.
_functionalizing = threading.local()


core.trace_context_providers.append(lambda: getattr(_functionalizing, "on", False))


@contextlib.contextmanager
def functionalizing():
    previous = getattr(_functionalizing, "on", False)
    _functionalizing.on = True
    try:
        yield
    finally:
        _functionalizing.on = previous


def _abstract_eval(*avals, **params):
    # Evaluating eagerly (or explaining an eager failure) is fine; staging is not.
    if core.current_trace() is not core.eval_trace and not getattr(_functionalizing, "on",
                                                                   False):
        raise ValueError(
            "Cannot abstractly evaluate a checkify.check which was not functionalized. This "
            "probably means you tried to stage (jit/scan/pmap/...) a `check` without "
            "functionalizing it through `checkify.checkify`.")
    return []


class JaxRuntimeError(ValueError):
    """A failed checkify check, raised by `Error.throw()` or by an unfunctionalized check."""


def format_check_message(fmt, payload_tree, payload):
    """The message of a failed check: `fmt` (a str.format template, or a function of the
    payload values, for an error re-raised by check_error) with its payload."""
    values = [np.asarray(getattr(p, "_value", p)) for p in payload]
    if callable(fmt):
        return fmt(values)
    args, kwargs = payload_tree.unflatten(values)
    return fmt.format(*args, **kwargs) + " (`check` failed)"


def _impl(pred, *payload, fmt, payload_tree):
    if not bool(np.all(np.asarray(getattr(pred, "_value", pred)))):
        raise JaxRuntimeError(format_check_message(fmt, payload_tree, payload))
    return []


def _jvp(primals, tangents, **params):
    check_p.bind(*primals, **params)
    return [], []


def _batch(values, dims, fmt, payload_tree):
    pred, payload = values[0], values[1:]
    if dims[0] is None:
        first = None
    else:
        pred = moveaxis(pred, dims[0], 0)
        if pred.ndim > 1:
            pred = reduce_and_p.bind(pred, axes=tuple(range(1, pred.ndim)))
        first = argmin_p.bind(pred, axis=0, index_dtype=np.dtype(np.int32))
    lane = []
    for p, d in zip(payload, dims[1:]):
        if d is not None:
            p = moveaxis(p, d, 0)
            p = (gather_p.bind(p, index_spec=(("int", 0),)) if first is None
                 else gather_p.bind(p, first, index_spec=(("array",),)))
        lane.append(p)
    check_p.bind(pred, *lane, fmt=fmt, payload_tree=payload_tree)
    return [], []


check_p.impl = _impl
check_p.abstract_eval = _abstract_eval
check_p.jvp = _jvp
check_p.batch = _batch
check_p.transpose = lambda cts, *args, **params: [None] * len(args)
