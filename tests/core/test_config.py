"""jax.config: every JAX option name, JAX's errors for unknown names and bad enum values,
NotImplementedError for values jaxlite cannot honour, environment variables, absl."""
import os
import subprocess
import sys

import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite._src import config as config_src


def test_every_jax_option_name_is_accepted():
    # A sample of JAX 0.10.2's names (the full list is config_src.JAX_OPTIONS).
    for name in ("jax_compilation_cache_dir", "jax_traceback_filtering", "jax_platforms",
                 "jax_default_device", "jax_check_tracer_leaks", "jax_softmax_custom_jvp",
                 "jax_persistent_cache_min_compile_time_secs", "jax_explain_cache_misses"):
        assert name in jaxlite.config.values
    assert len(config_src.JAX_OPTIONS) == 133
    previous = jaxlite.config.jax_compilation_cache_dir
    jaxlite.config.update("jax_compilation_cache_dir", "/tmp/cache")
    try:
        assert jaxlite.config.jax_compilation_cache_dir == "/tmp/cache"
        assert jaxlite.config.values["jax_compilation_cache_dir"] == "/tmp/cache"
    finally:
        jaxlite.config.update("jax_compilation_cache_dir", previous)


def test_defaults_are_jax_defaults():
    assert jaxlite.config.jax_platforms is None
    assert jaxlite.config.jax_default_prng_impl == "threefry2x32"
    assert jaxlite.config.jax_traceback_filtering == "auto"
    assert jaxlite.config.x64_enabled is jaxlite.config.jax_enable_x64


def test_unknown_option_raises_attribute_error_as_jax():
    with pytest.raises(AttributeError, match="Unrecognized config option: jax_enable_x65"):
        jaxlite.config.update("jax_enable_x65", True)
    with pytest.raises(AttributeError):
        jaxlite.config.jax_enable_x65


def test_enum_options_check_their_values():
    with pytest.raises(ValueError, match=r"new enum value must be in \['allow', 'warn', "):
        jaxlite.config.update("jax_numpy_rank_promotion", "sometimes")


def test_values_jaxlite_cannot_honour_raise_not_implemented():
    with pytest.raises(NotImplementedError, match="threefry2x32 only"):
        jaxlite.config.update("jax_default_prng_impl", "rbg")
    with pytest.raises(NotImplementedError, match="key-reuse checking"):
        jaxlite.config.update("jax_debug_key_reuse", True)
    assert jaxlite.config.jax_default_prng_impl == "threefry2x32"
    jaxlite.config.update("jax_debug_key_reuse", False)  # the default is fine


def test_strict_dtype_promotion_is_honoured_and_restored():
    # Honoured since equinox's test suite sets it; a test that sets it must restore it,
    # or every later test runs under strict promotion.
    try:
        jaxlite.config.update("jax_numpy_dtype_promotion", "strict")
        with pytest.raises(jaxlite.dtypes.TypePromotionError):
            jaxlite.numpy.ones(2, "float32") + jaxlite.numpy.ones(2, "int32")
    finally:
        jaxlite.config.update("jax_numpy_dtype_promotion", "standard")
    assert (jaxlite.numpy.ones(2, "float32") + jaxlite.numpy.ones(2, "int32")).dtype == "float32"


def _run(code, *args, env=None):
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, check=True).stdout


@pytest.mark.needs_subprocess
def test_options_read_their_environment_variables():
    code = "import jaxlite; print(jaxlite.config.jax_enable_x64, jaxlite.config.jax_log_compiles)"
    assert _run(code, env={"JAX_ENABLE_X64": "1", "JAX_LOG_COMPILES": "true"}) == "True True\n"


def test_config_with_absl_defines_flags_read_by_app_run():
    pytest.importorskip("absl")
    code = ("from absl import app\nimport jaxlite as jax, jaxlite.numpy as jnp\n"
            "def main(argv):\n    print(jnp.zeros(1).dtype, jax.config.use_absl)\n"
            "jax.config.config_with_absl()\napp.run(main)\n")
    assert _run(code, "--jax_enable_x64=true") == "float64 True\n"
    assert _run(code) == "float32 True\n"


def test_config_with_absl_needs_absl():
    if config_src.use_absl:
        pytest.skip("absl already configured")
    try:
        import absl  # noqa: F401
    except ImportError:
        with pytest.raises(ModuleNotFoundError):
            jaxlite.config.config_with_absl()
    assert jnp.zeros(1).dtype == jnp.float32
