"""glibc's malloc settings for arrays of megabytes.

Eager code makes a fresh NumPy array per operation. glibc serves an allocation of
128 KB or more by mmap until a freed one raises that threshold, and gives freed memory
at the top of the heap back to the OS: either way a 4 MB result costs ~1000 page faults
when it is first written, which was two thirds of an eager HVP at n = 10^6 (35 -> 10
ms with the settings below; the peak RSS stayed the same). XLA and PyTorch keep their
own pools; NumPy has none for large arrays, so jaxlite sets, once, at import:

- M_MMAP_THRESHOLD 32 MB: glibc's own ceiling for its dynamic threshold, reached from
  the start (arrays below it come from the heap and are reused there);
- M_TOP_PAD 64 MB: up to that much freed memory at the heap's top stays mapped.

Process-wide, as every malloc setting is; only where glibc's `mallopt` exists (not on
macOS, musl or Pyodide). `JAXLITE_MALLOC=off` in the environment leaves malloc alone.
"""
import ctypes
import os
import sys

_M_TOP_PAD = -2         # glibc's malloc.h parameter numbers
_M_MMAP_THRESHOLD = -3
SETTINGS = ((_M_MMAP_THRESHOLD, 32 << 20), (_M_TOP_PAD, 64 << 20))

applied = False  # whether mallopt accepted the settings


def configure():
    global applied
    if applied or os.environ.get("JAXLITE_MALLOC", "on") == "off" \
            or not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no libc symbols (musl, Pyodide)
        return
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    applied = all(mallopt(parameter, value) == 1 for parameter, value in SETTINGS)


configure()
