"""jaxlite.example_libraries.optimizers: jax.example_libraries.optimizers
((init, update, get_params) triples, schedules, OptimizerState), re-exported from
jaxlite._src.example_libraries.optimizers."""
from .._src.example_libraries.optimizers import *  # noqa: F403
from .._src.example_libraries.optimizers import (  # noqa: F401
    __all__, InitFn, Params, ParamsFn, Schedule, State, Step, UpdateFn, Updates)
