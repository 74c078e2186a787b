"""Small public utilities: devices, disable_jit, enable_x64, clear_caches."""
import contextlib

from .config import flags, update


class Device:
    """The one device jaxlite computes on: the host CPU, through NumPy."""
    platform = "cpu"
    device_kind = "cpu"
    id = 0
    process_index = 0

    def __repr__(self):
        return "CpuDevice(id=0)"


_cpu = Device()


def devices(backend=None):
    return [_cpu]


local_devices = devices


def device_count(backend=None):
    return 1


local_device_count = device_count


def default_backend():
    return "cpu"


@contextlib.contextmanager
def disable_jit(disable=True):
    """Context manager running jitted functions op by op (for debugging with print)."""
    previous = flags.jax_disable_jit
    update("jax_disable_jit", disable)
    try:
        yield
    finally:
        update("jax_disable_jit", previous)


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
    from .jit_api import _live_jits
    for f in list(_live_jits):
        f.clear_cache()


def named_call(fun, *, name=None):
    return fun


@contextlib.contextmanager
def ensure_compile_time_eval():
    yield


def typeof(x):
    from .core import get_aval
    return get_aval(x)
