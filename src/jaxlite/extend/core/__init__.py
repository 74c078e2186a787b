"""jax.extend.core: Primitive, Jaxpr, ClosedJaxpr, JaxprEqn, Var, Literal, DropVar and
the functions interpreters use; `primitives` holds jaxlite's primitives by JAX's names."""
from ..._src.core import (Primitive, ShapedArray, Trace, Tracer, set_current_trace,
                           take_current_trace)
from ..._src.errors import UnsupportedAttributeError as _UnsupportedAttributeError
from ..._src.jaxpr import (Jaxpr, ClosedJaxpr, JaxprEqn, Var, DropVar, Literal, eval_jaxpr,
                           new_jaxpr_eqn, jaxpr_as_fun, jaxprs_in_params)
from ..._src.extend.core import (Atom, JaxprTypeError, check_jaxpr, concrete_or_error, gensym,
                                 mapped_aval, unmapped_aval, no_effects, subjaxprs,
                                 primal_dtype_to_tangent_dtype, valid_jaxtype,
                                 get_opaque_trace_state, find_top_trace, Effect, Effects,
                                 UNSUPPORTED as _UNSUPPORTED)
from . import primitives


def __getattr__(name):
    if name in _UNSUPPORTED:
        raise _UnsupportedAttributeError(f"jax.extend.core.{name}: {_UNSUPPORTED[name]}.")
    raise AttributeError(f"module 'jax.extend.core' has no attribute {name!r}")
