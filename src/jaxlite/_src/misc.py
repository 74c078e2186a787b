"""Small public utilities: devices, disable_jit, enable_x64, clear_caches."""
import contextlib
import functools
import gc
import platform
import sys

import numpy as np

from .config import flags, update, __version__
from .config import disable_jit as disable_jit  # public from here; jit_api needs it below
from .core import get_aval
from .array import Array
from .state import Ref, AbstractRef
from .sharding import Device as Device  # public from here
from . import distributed
from .sharding import devices
from .sharding import local_devices as local_devices  # public from here
from .sharding import device_count as device_count
from .sharding import local_device_count as local_device_count
from .api import vjp
from .api.tracing import ShapeDtypeStruct
from .tree import tree_map
from .jit_api import _live_jits


def default_backend():
    return "cpu"


@contextlib.contextmanager
def enable_x64(new_val=True):
    previous = flags.jax_enable_x64
    update("jax_enable_x64", new_val)
    try:
        yield
    finally:
        update("jax_enable_x64", previous)


def clear_caches():
    """Drop every jitted function's traces and executables (each retraces on its next call)."""
    for f in list(_live_jits):
        f.clear_cache()


def named_call(fun, *, name=None):
    return fun


@contextlib.contextmanager
def ensure_compile_time_eval():
    yield


def typeof(x):
    if isinstance(x, Ref):
        aval = get_aval(x[...])
        return AbstractRef(aval.shape, aval.dtype)
    return get_aval(x)


def _flag_context(name):
    """A context manager setting one config flag (jax.debug_nans(True), ...)."""
    @contextlib.contextmanager
    def manager(new_val=True):
        previous = getattr(flags, name)
        update(name, new_val)
        try:
            yield
        finally:
            update(name, previous)
    manager.__name__ = name[len("jax_"):]
    return manager


debug_nans = _flag_context("jax_debug_nans")
debug_infs = _flag_context("jax_debug_infs")
log_compiles = _flag_context("jax_log_compiles")
default_matmul_precision = _flag_context("jax_default_matmul_precision")
numpy_rank_promotion = _flag_context("jax_numpy_rank_promotion")
numpy_dtype_promotion = _flag_context("jax_numpy_dtype_promotion")
# The flag is recorded; jaxlite reports a leaked tracer when it is used (UnexpectedTracerError)
# rather than by scanning the heap when a trace ends.
check_tracer_leaks = _flag_context("jax_check_tracer_leaks")
checking_leaks = functools.partial(check_tracer_leaks, True)
threefry_partitionable = _flag_context("jax_threefry_partitionable")


@contextlib.contextmanager
def named_scope(name):
    """Names a region of the program for profilers; nothing to do on NumPy."""
    yield


def process_index():
    return distributed.process_index()


def process_count():
    return distributed.process_count()


host_id = process_index
host_count = process_count


def process_indices():
    return list(range(distributed.process_count()))


host_ids = process_indices


def effects_barrier():
    """Wait for pending side effects: computation is synchronous, so nothing to wait for."""


def live_arrays(platform=None):
    return [o for o in gc.get_objects() if isinstance(o, Array)]


def print_environment_info(return_string=False):
    text = (f"jaxlite: {__version__}\nnumpy:   {np.__version__}\npython:  {sys.version}\n"
            f"platform: {platform.platform()}\ndevices: {devices()}\n")
    if return_string:
        return text
    print(text)


def linear_transpose(fun, *primals, reduce_axes=()):
    """The transpose of a linear function, as a function of output cotangents.

    >>> f_t = jax.linear_transpose(lambda x: 2 * x, 1.0); f_t(1.0)
    (Array(2., dtype=float32, weak_type=True),)
    """
    # As in JAX, only the primals' shapes and dtypes matter (they may be
    # ShapeDtypeStructs, as lineax passes): fun is linear, so its transpose is the same
    # at every point, and zeros of those shapes and dtypes stand for them.
    points = tree_map(_zeros_like_struct, primals, is_leaf=_is_struct)
    _, pullback = vjp(fun, *points)
    return lambda *cts: pullback(*cts)


def _is_struct(x):
    return isinstance(x, ShapeDtypeStruct)


def _zeros_like_struct(x):
    if isinstance(x, ShapeDtypeStruct):
        return Array(np.zeros(x.shape, x.dtype), x.weak_type)
    return x
