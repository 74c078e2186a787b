"""jax.core: the Jaxpr and tracing objects, as interpreters written for JAX use them.

Besides what JAX 0.10's `jax.core` exports, the names older JAX code and JAX's
tutorials take from it (Jaxpr, ClosedJaxpr, JaxprEqn, Var, Literal, Primitive,
get_aval, ...) stay available here; JAX moved them to `jax.extend.core`.
"""
from ._src.core import (ShapedArray, Trace, Tracer, Primitive, set_current_trace,
                         take_current_trace, pytype_aval_mappings)
from ._src.errors import UnsupportedAttributeError as _UnsupportedAttributeError
from ._src.jaxpr import (Jaxpr, ClosedJaxpr, JaxprEqn, Var, DropVar, Literal, eval_jaxpr,
                         new_jaxpr_eqn, jaxpr_as_fun, jaxprs_in_params)
from ._src.misc import ensure_compile_time_eval
from ._src.extend.core import (AbstractValue, Atom, JaxprTypeError, get_aval, concrete_aval,
                               raise_to_shaped, valid_jaxtype, is_concrete, concrete_or_error,
                               gensym, mapped_aval, unmapped_aval, max_dim, min_dim, subjaxprs,
                               check_jaxpr, primal_dtype_to_tangent_dtype, no_effects,
                               get_opaque_trace_state, Effect, Effects,
                               UNSUPPORTED as _UNSUPPORTED)

ParamDict = dict
Value = object
eval_context = ensure_compile_time_eval


def __getattr__(name):
    if name in _UNSUPPORTED:
        raise _UnsupportedAttributeError(f"jax.core.{name}: {_UNSUPPORTED[name]}.")
    raise AttributeError(f"module 'jax.core' has no attribute {name!r}")
