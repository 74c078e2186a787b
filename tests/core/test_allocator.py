"""jaxlite sets glibc's malloc thresholds once at import (_src/allocator.py), so that eager
arrays of megabytes are reused instead of page-faulted afresh; JAXLITE_MALLOC=off opts out."""
import ctypes
import os
import subprocess
import sys

import pytest

from jaxlite._src import allocator


def _has_mallopt():
    try:
        return sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "mallopt")
    except OSError:
        return False


@pytest.mark.skipif(not _has_mallopt(), reason="no glibc mallopt on this platform")
def test_settings_applied_at_import():
    assert allocator.applied == (os.environ.get("JAXLITE_MALLOC", "on") != "off")
    allocator.configure()  # a second call changes nothing
    assert dict(allocator.SETTINGS) == {-3: 32 << 20, -2: 64 << 20}


@pytest.mark.needs_subprocess
def test_opt_out_leaves_malloc_alone():
    env = dict(os.environ, JAXLITE_MALLOC="off")
    code = "import jaxlite; from jaxlite._src import allocator; print(allocator.applied)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"
