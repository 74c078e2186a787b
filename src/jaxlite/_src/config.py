"""Global flags (jax_enable_x64, jax_disable_jit, ...), read on hot paths.

Flags live in one plain object so that reading one is an attribute access.
`jaxlite.config.update(name, value)` is the public way to change them.
"""
import contextlib
import os

__version__ = "0.1.0"  # jaxlite's version (`jaxlite.__version__`)


class Flags:
    def __init__(self):
        self.jax_enable_x64 = os.environ.get("JAX_ENABLE_X64", "").lower() in ("1", "true")
        self.jax_disable_jit = os.environ.get("JAX_DISABLE_JIT", "").lower() in ("1", "true")
        self.jax_debug_nans = False
        self.jax_debug_infs = False
        self.jax_log_compiles = False
        self.jax_jit_cache_size = 4096  # traces kept per jitted function (LRU)
        self.jax_threefry_partitionable = True
        self.jax_default_matmul_precision = None
        self.jax_numpy_rank_promotion = "allow"
        self.jax_platforms = ""
        self.jax_platform_name = ""
        # jaxlite's own: jitted code keeps large intermediates in buffers reused across
        # calls (False: every call allocates them afresh, as eager code does).
        self.jaxlite_jit_workspace = True
        # The fused tier (compiler/tiers.py): elementwise clusters of hot jitted functions
        # compiled to Numba loops in the background. "auto": when Numba is importable.
        self.jaxlite_fusion = os.environ.get("JAXLITE_FUSION", "auto")  # "auto" | "off"
        self.jaxlite_fusion_hot_calls = 3       # calls before the fused tier compiles
        self.jaxlite_fusion_background = True   # False: compile at the hot call, in its thread
        self.jaxlite_fusion_min_size = 65536    # elements a fused cluster must have
        self.jaxlite_fusion_min_ops = 3         # equations a fused cluster must have
        self.jaxlite_fusion_cache_dir = os.environ.get("JAXLITE_FUSION_CACHE_DIR")  # None: default


flags = Flags()
_listeners = []


def update(name, value):
    """Set a flag, as `jax.config.update("jax_enable_x64", True)`."""
    if not hasattr(flags, name):
        raise AttributeError(f"Unrecognized config option: {name!r}. Known options: "
                             + ", ".join(sorted(vars(flags))))
    setattr(flags, name, value)
    for listener in _listeners:
        listener(name, value)


def read(name):
    return getattr(flags, name)


@contextlib.contextmanager
def disable_jit(disable=True):
    """Context manager running jitted functions op by op (for debugging with print)."""
    previous = flags.jax_disable_jit
    update("jax_disable_jit", disable)
    try:
        yield
    finally:
        update("jax_disable_jit", previous)
