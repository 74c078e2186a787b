"""Global flags (jax_enable_x64, jax_disable_jit, ...), read on hot paths.

Flags live in one plain object so that reading one is an attribute access.
`jaxlite.config.update(name, value)` is the public way to change them.
"""
import contextlib
import os
import sys

__version__ = "0.1.0"  # jaxlite's version (`jaxlite.__version__`)
# The JAX release whose API jaxlite implements. Libraries pick code paths by comparing
# `jax.__version_info__` (or `jax.version.__version_info__`) with JAX releases, so those
# report it; `__version__` stays jaxlite's own.
JAX_API_VERSION_INFO = (0, 10, 2)


# Every option of JAX 0.10.2's `jax.config` (name: (default, type or allowed values)), so
# that programs setting any of them run. Options that only tune XLA, devices, caches or
# logging mean nothing here and are accepted as they are; those jaxlite honours are read
# where they apply (x64, disable_jit, debug_nans/infs, log_compiles); those whose
# non-default values would change results and which jaxlite does not implement are in
# UNSUPPORTED below and raise NotImplementedError when set to such a value.
JAX_OPTIONS = {
    'check_vma': (False, bool),
    'eager_constant_folding': (False, bool),
    'jax2tf_associative_scan_reductions': (False, bool),
    'jax2tf_default_native_serialization': (True, bool),
    'jax_allow_f16_reductions': (True, bool),
    'jax_array_garbage_collection_guard': (None, ('allow', 'log', 'fatal')),
    'jax_auto_pcast': (True, bool),
    'jax_backend_target': ('', str),
    'jax_bcoo_cusparse_lowering': (False, bool),
    'jax_captured_constants_report_frames': (0, int),
    'jax_captured_constants_warn_bytes': (2000000000, int),
    'jax_check_proxy_envs': (True, bool),
    'jax_check_static_indices': (False, bool),
    'jax_check_tracer_leaks': (False, bool),
    'jax_compilation_cache_check_contents': (False, bool),
    'jax_compilation_cache_dir': (None, str),
    'jax_compilation_cache_expect_pgle': (False, bool),
    'jax_compilation_cache_include_metadata_in_key': (False, bool),
    'jax_compilation_cache_max_size': (-1, int),
    'jax_compiler_detailed_logging_min_ops': (10, int),
    'jax_compiler_enable_remat_pass': (True, bool),
    'jax_cpu_collectives_implementation': ('gloo', ('gloo', 'mpi', 'megascale')),
    'jax_cpu_enable_async_dispatch': (True, bool),
    'jax_cpu_get_global_topology_timeout_minutes': (5, int),
    'jax_cpu_get_local_topology_timeout_minutes': (2, int),
    'jax_cross_host_transfer_socket_address': ('', str),
    'jax_cross_host_transfer_timeout_seconds': (None, int),
    'jax_cross_host_transfer_transfer_size': (None, int),
    'jax_cross_host_transport_addresses': ('', str),
    'jax_cuda_visible_devices': ('all', str),
    'jax_custom_vjp3': (False, bool),
    'jax_debug_infs': (False, bool),
    'jax_debug_key_reuse': (False, bool),
    'jax_debug_leaked_clients_on_clear_backends': (False, bool),
    'jax_debug_log_modules': ('', str),
    'jax_debug_nans': (False, bool),
    'jax_default_device': (None, str),
    'jax_default_matmul_precision': (None, ('default', 'high', 'highest', 'bfloat16', 'tensorfloat32', 'float32', 'ANY_F8_ANY_F8_F32', 'ANY_F8_ANY_F8_F32_FAST_ACCUM', 'ANY_F8_ANY_F8_ANY', 'ANY_F8_ANY_F8_ANY_FAST_ACCUM', 'F16_F16_F16', 'F16_F16_F32', 'BF16_BF16_BF16', 'BF16_BF16_F32', 'BF16_BF16_F32_X3', 'BF16_BF16_F32_X6', 'BF16_BF16_F32_X9', 'TF32_TF32_F32', 'TF32_TF32_F32_X3', 'F32_F32_F32', 'F64_F64_F64')),
    'jax_default_prng_impl': ('threefry2x32', ('threefry2x32', 'threefry4x32', 'rbg', 'unsafe_rbg', 'philox2x32', 'philox4x32')),
    'jax_disable_bwd_checks': (False, bool),
    'jax_disable_jit': (False, bool),
    'jax_disable_most_optimizations': (False, bool),
    'jax_disable_vmap_shmap_error': (False, bool),
    'jax_disallow_mesh_context_manager': (False, bool),
    'jax_distributed_debug': (False, bool),
    'jax_dump_ir_modes': ('stablehlo', str),
    'jax_dump_ir_to': ('', str),
    'jax_embedded_constants_max_bytes': (32, int),
    'jax_enable_checks': (False, bool),
    'jax_enable_compilation_cache': (True, bool),
    'jax_enable_custom_prng': (False, bool),
    'jax_enable_pgle': (False, bool),
    'jax_enable_preemption_service': (True, bool),
    'jax_enable_recoverability': (False, bool),
    'jax_enable_x64': (False, bool),
    'jax_error_checking_behavior_divide': ('ignore', ('ignore', 'raise')),
    'jax_error_checking_behavior_nan': ('ignore', ('ignore', 'raise')),
    'jax_error_checking_behavior_oob': ('ignore', ('ignore', 'raise')),
    'jax_exec_time_optimization_effort': (0.0, float),
    'jax_experimental_unsafe_xla_runtime_errors': (False, bool),
    'jax_explain_cache_misses': (False, bool),
    'jax_explicit_x64_dtypes': ('warn', ('warn', 'error', 'allow')),
    'jax_export_calling_convention_version': (10, int),
    'jax_export_ignore_forward_compatibility': (False, bool),
    'jax_force_dcn_cross_host_transfers': (False, bool),
    'jax_high_dynamic_range_gumbel': (False, bool),
    'jax_hlo_source_file_canonicalization_regex': (None, str),
    'jax_include_debug_info_in_dumps': (True, bool),
    'jax_include_full_tracebacks_in_locations': (True, bool),
    'jax_legacy_prng_key': ('allow', ('allow', 'warn', 'error')),
    'jax_log_checkpoint_residuals': (False, bool),
    'jax_log_compiles': (False, bool),
    'jax_logging_level': ('NOTSET', ('NOTSET', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')),
    'jax_memory_fitting_effort': (0.0, float),
    'jax_memory_fitting_level': ('O2', ('UNKNOWN', 'O0', 'O1', 'O2', 'O3')),
    'jax_mock_gpu_topology': ('', str),
    'jax_mosaic_allow_hlo': (False, bool),
    'jax_mutable_array_checks': (True, bool),
    'jax_no_execution': (False, bool),
    'jax_no_tracing': (False, bool),
    'jax_num_cpu_devices': (-1, int),
    'jax_numpy_dtype_promotion': ('standard', ('standard', 'strict')),
    'jax_numpy_rank_promotion': ('allow', ('allow', 'warn', 'raise')),
    'jax_oneapi_visible_devices': ('all', str),
    'jax_optimization_level': ('UNKNOWN', ('UNKNOWN', 'O0', 'O1', 'O2', 'O3')),
    'jax_pallas_enable_debug_checks': (False, bool),
    'jax_pallas_poison_buffers': (False, bool),
    'jax_pallas_use_mosaic_gpu': (True, bool),
    'jax_pallas_verbose_errors': (False, bool),
    'jax_persistent_cache_enable_xla_caches': ('xla_gpu_per_fusion_autotune_cache_dir', str),
    'jax_persistent_cache_min_compile_time_secs': (1.0, float),
    'jax_persistent_cache_min_entry_size_bytes': (0, int),
    'jax_pgle_aggregation_percentile': (90, int),
    'jax_pgle_profiling_runs': (3, int),
    'jax_pjrt_client_create_options': (None, str),
    'jax_platform_name': ('', str),
    'jax_platforms': (None, str),
    'jax_pprint_use_color': (True, bool),
    'jax_ragged_dot_use_gpu_pallas_triton_lowering': (False, bool),
    'jax_ragged_dot_use_ragged_dot_instruction': (True, bool),
    'jax_raise_persistent_cache_errors': (False, bool),
    'jax_random_seed_offset': (0, int),
    'jax_refs_to_pins': (False, bool),
    'jax_remat3': (False, bool),
    'jax_remove_custom_partitioning_ptr_from_cache_key': (False, bool),
    'jax_remove_size_one_mesh_axis_from_type': (False, bool),
    'jax_rocm_visible_devices': ('all', str),
    'jax_scan3': (False, bool),
    'jax_send_traceback_to_runtime': ('off', ('off', 'on', 'full')),
    'jax_serialization_version': (0, int),
    'jax_share_binary_between_hosts': (False, bool),
    'jax_share_binary_between_hosts_timeout_ms': (1200000, int),
    'jax_softmax_custom_jvp': (False, bool),
    'jax_sort_devices_by_process_index': (True, bool),
    'jax_source_url_schema': (None, str),
    'jax_thread_guard': (False, bool),
    'jax_threefry_gpu_kernel_lowering': (False, bool),
    'jax_threefry_partitionable': (True, bool),
    'jax_traceback_filtering': ('auto', ('off', 'tracebackhide', 'remove_frames', 'quiet_remove_frames', 'auto')),
    'jax_traceback_in_locations_limit': (100, int),
    'jax_tracer_error_num_traceback_frames': (5, int),
    'jax_transfer_guard': (None, ('allow', 'log', 'disallow', 'log_explicit', 'disallow_explicit')),
    'jax_transfer_guard_device_to_device': (None, ('allow', 'log', 'disallow', 'log_explicit', 'disallow_explicit')),
    'jax_transfer_guard_device_to_host': (None, ('allow', 'log', 'disallow', 'log_explicit', 'disallow_explicit')),
    'jax_transfer_guard_host_to_device': (None, ('allow', 'log', 'disallow', 'log_explicit', 'disallow_explicit')),
    'jax_use_direct_linearize': (True, bool),
    'jax_use_emit_pipeline_primitive': (False, bool),
    'jax_use_magma': ('auto', ('off', 'on', 'auto')),
    'jax_use_shardy_partitioner': (True, bool),
    'jax_use_simplified_jaxpr_constants': (False, bool),
    'jax_xla_backend': ('', str),
    'jax_xla_profile_version': (0, int),
    'mock_num_gpu_processes': (0, int),
}

# Option -> (the values jaxlite implements, why the others cannot work here).
UNSUPPORTED = {
    "jax_default_prng_impl": (("threefry2x32",), "jaxlite's PRNG is threefry2x32 only"),
    "jax_enable_custom_prng": ((False,), "custom PRNG implementations are not supported"),
    "jax_threefry_partitionable": ((True,), "jaxlite implements the partitionable threefry "
                                   "bit generation only (JAX's default)"),
    "jax_debug_key_reuse": ((False,), "key-reuse checking is not implemented"),
    "jax_legacy_prng_key": (("allow",), "legacy-key warnings and errors are not implemented"),
    "jax_random_seed_offset": ((0,), "seed offsets are not implemented"),
    "jax_high_dynamic_range_gumbel": ((False,), "only the standard Gumbel sampler exists"),
    "jax_error_checking_behavior_nan": (("ignore",), "use jax.experimental.checkify or "
                                        "jax_debug_nans instead"),
    "jax_error_checking_behavior_divide": (("ignore",), "use jax.experimental.checkify"),
    "jax_error_checking_behavior_oob": (("ignore",), "use jax.experimental.checkify"),
    "jax_no_execution": ((False,), "not implemented"),
    "jax_no_tracing": ((False,), "not implemented"),
}


def _from_environment(name, default, spec):
    """JAX reads every option's initial value from the environment variable of its name
    in capitals (JAX_ENABLE_X64=1)."""
    text = os.environ.get(name.upper())
    if text is None:
        return default
    if spec is bool:
        return text.lower() in ("y", "yes", "t", "true", "on", "1")
    if spec in (int, float):
        return spec(text)
    return text


class Flags:
    def __init__(self):
        for name, (default, spec) in JAX_OPTIONS.items():
            setattr(self, name, _from_environment(name, default, spec))
        self.jax_jit_cache_size = 4096  # jaxlite's own: traces kept per jitted function (LRU)
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
        # Clusters on fewer than min_size elements: fused when together they save this
        # many NumPy calls per call of the executable (None: never).
        self.jaxlite_fusion_min_saved_calls = 8
        self.jaxlite_fusion_cache_dir = os.environ.get("JAXLITE_FUSION_CACHE_DIR")  # None: default
        # float32 sin/cos/exp/log/tanh/... in fused loops as vectorizable code within 1 ULP
        # (prims/fast_math.py); False: they stay NumPy's ufuncs, and fused == NumPy bits.
        self.jaxlite_fusion_fast_math = os.environ.get("JAXLITE_FUSION_FAST_MATH", "1") != "0"
        # The whole-program tier (compiler/program.py): a hot executable with loops, or of
        # >= jaxlite_program_min_eqns equations on small arrays, compiled whole by Numba.
        self.jaxlite_program_tier = os.environ.get("JAXLITE_PROGRAM_TIER", "auto")  # | "off"
        self.jaxlite_program_min_eqns = 16


flags = Flags()
_listeners = []
backend_initialized = [False]  # set by sharding.py when the device list is first made
use_absl = False  # True once config_with_absl() has defined the absl flags


def _check(name, value):
    spec = JAX_OPTIONS.get(name, (None, None))[1]
    if isinstance(spec, tuple) and value is not None and value not in spec:
        raise ValueError(f"new enum value must be in {list(spec)}, got {value} of type "
                         f"{type(value)}.")
    supported, reason = UNSUPPORTED.get(name, (None, None))
    if supported is not None and value not in supported:
        raise NotImplementedError(f"jax.config option {name}={value!r} is not supported by "
                                  f"jaxlite: {reason}.")


def update(name, value):
    """Set an option, as `jax.config.update("jax_enable_x64", True)`.

    Every JAX option name is accepted; an unknown name raises AttributeError, as in JAX:

    >>> jax.config.update("jax_enable_x64", False)
    >>> jax.config.update("jax_enable_x65", True)
    Traceback (most recent call last):
    ...
    AttributeError: Unrecognized config option: jax_enable_x65
    """
    if not hasattr(flags, name):
        raise AttributeError(f"Unrecognized config option: {name}")
    _check(name, value)
    if name == "jax_num_cpu_devices" and backend_initialized[0]:
        raise RuntimeError("jax_num_cpu_devices config should be updated before backends are "
                           "initialized i.e. before any JAX operation is executed. You should "
                           "initialize this config immediately after `import jax`.")
    setattr(flags, name, value)
    for listener in _listeners:
        listener(name, value)


def values():
    """Every option's current value (JAX's `jax.config.values`)."""
    return dict(vars(flags))


def config_with_absl():
    """Define an absl flag for every option (`--jax_enable_x64`), read when `absl.app.run`
    parses the command line, as JAX's `jax.config.config_with_absl()`. Needs absl-py."""
    global use_absl
    from absl import app, flags as absl_flags  # noqa: PLC0415 (optional dependency: absl-py)
    definers = {bool: absl_flags.DEFINE_bool, int: absl_flags.DEFINE_integer,
                float: absl_flags.DEFINE_float, str: absl_flags.DEFINE_string}
    for name, (_, spec) in JAX_OPTIONS.items():
        if name in absl_flags.FLAGS:
            continue
        value = getattr(flags, name)
        if isinstance(spec, tuple):
            absl_flags.DEFINE_enum(name, value, [str(v) for v in spec], name)
        else:
            definers[spec](name, value, name)
    use_absl = True
    app.call_after_init(lambda: _complete_absl_config(absl_flags))


def _complete_absl_config(absl_flags):
    """Copy the parsed absl flags that the command line set into the options."""
    for name in JAX_OPTIONS:
        if name in absl_flags.FLAGS and absl_flags.FLAGS[name].present:
            update(name, absl_flags.FLAGS[name].value)


def parse_flags_with_absl():
    """Parse the `--jax_*` options in sys.argv with absl (JAX's entry point for tests)."""
    from absl import flags as absl_flags  # noqa: PLC0415 (optional dependency: absl-py)
    jax_argv = [sys.argv[0]] + [a for a in sys.argv[1:]
                                if a.lstrip("-").split("=")[0] in JAX_OPTIONS]
    config_with_absl()
    absl_flags.FLAGS(jax_argv, known_only=True)
    _complete_absl_config(absl_flags)


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


def set_cache_dir(path):
    """`jax.experimental.compilation_cache.compilation_cache.set_cache_dir`: sets the
    `jax_compilation_cache_dir` option (jaxlite keeps no persistent cache of executables:
    its jitted code is Python over NumPy, generated in milliseconds)."""
    update("jax_compilation_cache_dir", path)


def reset_cache():
    """`...compilation_cache.reset_cache`: there is no persistent cache to reset."""
