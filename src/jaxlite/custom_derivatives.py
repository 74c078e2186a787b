"""jaxlite.custom_derivatives: custom_jvp, custom_vjp and their helpers (JAX's module)."""
from ._src.custom_derivatives import (custom_jvp, custom_vjp, custom_gradient, closure_convert,
                                      SymbolicZero, zero_from_primal, CustomVJPPrimal,
                                      custom_vjp_primal_tree_values)
from ._src.higher_order.custom import custom_jvp_call_p, custom_vjp_call_p

__all__ = ["custom_jvp", "custom_vjp", "custom_gradient", "closure_convert", "SymbolicZero",
           "zero_from_primal", "CustomVJPPrimal", "custom_vjp_primal_tree_values",
           "custom_jvp_call_p", "custom_vjp_call_p"]
