"""How a jax.random function runs: traced inline under a transformation; eagerly, as a
jitted function cached per static arguments, as JAX's own samplers are.

In JAX `random.normal(key, shape, dtype)` is a jitted function of the key with static
shape and dtype, so an eager call runs compiled code. jaxlite does the same: the
algorithm (threefry.py, samplers.py) is traced with the lax backend once per (algorithm,
static arguments), jit caches the executable per input signature, and later calls run
it, on the fused Numba tier once it is hot. The first call of a combination runs the
NumPy backend directly instead: a shape drawn once (a network's initialisation) never
pays for a trace and a compile. Both paths give the same bits (integer arithmetic and
the XLA-exact float kernels, tested against JAX's values).

    >>> from jaxlite._src.random import threefry
    >>> from jaxlite._src.random.dispatch import sample
    >>> key = jax.random.PRNGKey(0)
    >>> [sample(threefry.split, (key,), (2,)).shape for _ in range(2)]
    [(2, 2), (2, 2)]
"""
import threading
from collections import OrderedDict

import numpy as np

from .. import core
from ..array import Array
from ..config import flags
from ..core import Tracer
from ..jit_api import jit
from . import ops_lax, ops_numpy

# Calls of one (algorithm, static arguments) combination that run the NumPy backend
# directly before it gets a compiled executable.
_DIRECT_CALLS = 1
_MAX_ENTRIES = 512  # combinations kept (least recently used go), as jit's own LRU
# An executable keeps reusable buffers (the NumPy tier's workspace: ~4x its results, 16 MB
# for a 10^6 normal draw). Compiled samplers whose results add up to more than this many
# bytes give way, least recently used first, so that eager draws of many large shapes
# do not hold their buffers for good (at most ~128 MB); eight hot 10^6 draws fit, and
# small draws hardly count.
_MAX_COMPILED_RESULT_BYTES = 32 << 20

_entries = OrderedDict()  # (algorithm, static args, static kwargs) -> calls so far or a jit
_result_bytes = OrderedDict()  # the compiled ones' keys -> their results' bytes, LRU order
_lock = threading.Lock()


def eager(*values):
    """Whether every value is concrete and no transformation is active."""
    return core._context.trace is core.eval_trace and \
        not any(isinstance(v, Tracer) for v in values)


def backend(*values):
    """The ops namespace for these values: NumPy when eager, else traced lax ops."""
    return ops_numpy.ops if eager(*values) else ops_lax.ops


def numpy_value(x):
    """An eager value as NumPy (Array -> its array); tracers pass through."""
    return x._value if type(x) is Array else x


def wrap(x):
    """A NumPy result as an Array; traced results pass through."""
    if isinstance(x, (np.ndarray, np.generic)):
        return Array(np.asarray(x), False)
    return x


def sample(algorithm, arrays, static_args=(), static_kwargs=None):
    """algorithm(*arrays, *static_args, ops=..., **static_kwargs) as an Array (or a
    tuple/list of them): `arrays` are the key data and the other array operands (what
    JAX passes to its jitted sampler), the static arguments are hashable Python values
    (shapes, dtypes, modes)."""
    static_kwargs = static_kwargs or {}
    if not eager(*arrays):
        return algorithm(*arrays, *static_args, ops=ops_lax.ops, **static_kwargs)
    key = None
    if not flags.jax_disable_jit:
        try:
            key = (algorithm, static_args, tuple(static_kwargs.items()))
            entry = _entries.get(key, 0)
        except TypeError:  # an unhashable static argument: run it directly
            key = None
        if key is not None and type(entry) is not int:
            try:
                _entries.move_to_end(key)
                _result_bytes.move_to_end(key)
            except KeyError:  # another thread evicted it meanwhile; it still runs
                pass
            return entry(*arrays)
        if key is not None and entry >= _DIRECT_CALLS:
            out = _store(key, _jitted(algorithm, static_args, static_kwargs))(*arrays)
            _account(key, out)
            return out
    out = algorithm(*[numpy_value(a) for a in arrays], *static_args, ops=ops_numpy.ops,
                    **static_kwargs)
    if key is not None:  # counted once it ran: arguments it rejects never compile
        _store(key, entry + 1)
    return [wrap(x) for x in out] if isinstance(out, (tuple, list)) else wrap(out)


def _store(key, entry):
    """Record a count of direct calls or the jitted function; the oldest entry goes
    beyond _MAX_ENTRIES."""
    with _lock:
        _entries[key] = entry
        if len(_entries) > _MAX_ENTRIES:
            old, _ = _entries.popitem(last=False)
            _result_bytes.pop(old, None)
    return entry


def _account(key, out):
    """Count a new compiled sampler's result bytes; evict the least recently used
    compiled ones (back to direct calls) beyond _MAX_COMPILED_RESULT_BYTES."""
    leaves = out if isinstance(out, (tuple, list)) else [out]
    size = sum(getattr(getattr(x, "_value", x), "nbytes", 0) for x in leaves)
    with _lock:
        _result_bytes[key] = size
        total = sum(_result_bytes.values())
        while total > _MAX_COMPILED_RESULT_BYTES and len(_result_bytes) > 1:
            old, old_size = _result_bytes.popitem(last=False)
            total -= old_size
            if type(_entries.get(old, 0)) is not int:
                del _entries[old]


def _jitted(algorithm, static_args, static_kwargs):
    def traced(*arrays):
        return algorithm(*arrays, *static_args, ops=ops_lax.ops, **static_kwargs)
    traced.__name__ = getattr(algorithm, "__name__", "sample")
    return jit(traced)
