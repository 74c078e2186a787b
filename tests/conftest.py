"""Fixtures shared by the test modules, and the platform markers:
`@pytest.mark.needs_subprocess` and `@pytest.mark.needs_threads` skip a test, with the
reason, where the platform cannot start a process or a thread (Pyodide and other wasm32
builds of CPython: `sys.platform` is 'emscripten' or 'wasi').

Layout: the subdirectories mirror src/jaxlite/_src/ (core/, transformations/ for ad,
batching, jit and the other public transformations, prims/, compiler/, higher_order/,
lax/, numpy_api/, random/, scipy/, nn/); the suites that cut across layers (properties,
fuzz, errors, golden expressions, tutorial, docstrings, import, run) sit here at the top,
beside the helpers they share (op_table, the *_cases files, window_references) and data/.
The subdirectories are not packages (no __init__.py, as pytest's default "prepend" import
mode expects): test file names must be unique across tests/, and a package named random/
or scipy/ would shadow the real one.
"""
import os
import sys
import threading

import pytest

import jaxlite

# The suites in the subdirectories import the shared helpers here by name (`from op_table
# import Op`). pytest's default prepend mode puts this directory on sys.path for conftest.py
# anyway; saying so here keeps the helpers' home explicit rather than a side effect.
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)


def _can_start_subprocess():
    # As CPython's own test.support.has_subprocess_support: no fork/exec on these platforms.
    return sys.platform not in ("emscripten", "wasi", "ios", "tvos", "watchos")


def _can_start_thread():
    # A probe rather than a platform list: Pyodide may be built with or without pthreads.
    try:
        thread = threading.Thread(target=lambda: None)
        thread.start()
    except RuntimeError:  # "can't start new thread"
        return False
    thread.join()
    return True


# The suite checks the NumPy tier's numbers, many of them to the bit; the whole-program
# tier (Numba, compiled once a jitted function is hot) adds in other orders and calls
# libm, and costs a second of compilation per program: tests/compiler/test_program_tier.py
# turns it on where it is tested.
jaxlite.config.update("jaxlite_program_tier", "off")

HAS_SUBPROCESS = _can_start_subprocess()
HAS_THREADS = _can_start_thread()
_PLATFORM_SKIPS = {
    "needs_subprocess": (HAS_SUBPROCESS, f"{sys.platform} cannot start subprocesses"),
    "needs_threads": (HAS_THREADS, f"{sys.platform} cannot start threads"),
}


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_subprocess: skipped where the platform cannot "
                            "start a subprocess (Pyodide, WASI)")
    config.addinivalue_line("markers", "needs_threads: skipped where the platform cannot "
                            "start a thread (Pyodide without pthreads, WASI)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        for name, (available, reason) in _PLATFORM_SKIPS.items():
            if not available and item.get_closest_marker(name) is not None:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def x64():
    """Enable x64 for one test, restoring the previous setting afterwards."""
    previous = jaxlite.config.jax_enable_x64
    jaxlite.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        jaxlite.config.update("jax_enable_x64", previous)


@pytest.fixture
def cpu_devices():
    """Eight CPU devices for one test, as `jax_num_cpu_devices=8` set at a program's start
    gives (a program fixes its device count at first use, so the suite resets it here)."""
    from jaxlite._src import sharding
    previous = sharding._devices.reset(8)
    try:
        yield jaxlite.devices()
    finally:
        sharding._devices.all = previous
