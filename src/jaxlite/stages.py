"""jax.stages: the stages of `jit(f).trace(...).lower().compile()`, for annotations
and isinstance checks."""
from ._src.jit_api import Traced, Lowered, CompiledFunction as Compiled
