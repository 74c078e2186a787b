"""jax.extend.ifrt_programs: building programs for an IFRT runtime (Pathways plugins).
jaxlite has no IFRT runtime: the names exist (orbax imports them at import time), and
calling one raises NotImplementedError."""
import types as _types

from .._src.errors import unavailable as _unavailable

_REASON = "jaxlite has no IFRT runtime to build or compile programs for"
ifrt_programs = _types.SimpleNamespace(**{
    name: _unavailable(f"jax.extend.ifrt_programs.{name}", _REASON)
    for name in ("make_hlo_program", "make_plugin_program", "make_colocated_python_program",
                 "make_xla_compile_options", "make_plugin_compile_options",
                 "make_colocated_python_compile_options")})
