"""jit's back end: passes over a Jaxpr, then Python source over NumPy, cached."""
from .codegen import compile_jaxpr, generated_source
