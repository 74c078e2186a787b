"""jaxlite.experimental.checkify: the jax.experimental.checkify API."""
from .._src.checkify import (Error, ErrorCategory, JaxRuntimeError, all_checks,
                             automatic_checks, check, check_error, checkify, debug_check,
                             div_checks, float_checks, index_checks, init_error, nan_checks,
                             user_checks)
