"""jax.interpreters.partial_eval: PartialVal and tracing with known and unknown inputs."""
from .._src.extend.interpreters import (PartialVal, trace_to_jaxpr_nounits,
                                         trace_to_jaxpr_dynamic, convert_constvars_jaxpr)
