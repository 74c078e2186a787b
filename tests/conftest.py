"""Fixtures shared by the test modules."""
import pytest

import jaxlite


@pytest.fixture
def x64():
    """Enable x64 for one test, restoring the previous setting afterwards."""
    previous = jaxlite.config.jax_enable_x64
    jaxlite.config.update("jax_enable_x64", True)
    try:
        yield
    finally:
        jaxlite.config.update("jax_enable_x64", previous)
