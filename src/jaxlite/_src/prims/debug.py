"""debug_callback: call a Python function on the runtime values, from inside any
transformation (jit, vmap, grad, scan). An effectful primitive: never dropped,
merged or folded by the compiler, and run in program order."""
import numpy as np

from .. import core
from ..core import Primitive
from .shape import moveaxis
from .index import gather_p

debug_callback_p = Primitive("debug_callback", multiple_results=True)
debug_callback_p.effectful = True


def _impl(*args, callback, ordered=True):
    callback(*[np.asarray(getattr(a, "_value", a)) for a in args])
    return []


def _jvp(primals, tangents, callback, ordered=True):
    debug_callback_p.bind(*primals, callback=callback, ordered=ordered)
    return [], []


def _batch(values, dims, callback, ordered=True):
    # One call per lane, in order (as JAX's unvectorized callbacks).
    size = next(core.get_aval(v).shape[d] for v, d in zip(values, dims) if d is not None)
    for i in range(size):
        lane = [v if d is None else gather_p.bind(moveaxis(v, d, 0), index_spec=(("int", i),))
                for v, d in zip(values, dims)]
        debug_callback_p.bind(*lane, callback=callback, ordered=ordered)
    return [], []


debug_callback_p.impl = _impl
debug_callback_p.abstract_eval = lambda *avals, callback, ordered=True: []
debug_callback_p.jvp = _jvp
debug_callback_p.batch = _batch
debug_callback_p.transpose = lambda cts, *args, callback, ordered=True: [None] * len(args)
