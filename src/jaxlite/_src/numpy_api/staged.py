"""Staging some jax.numpy functions as an inner `jit`, as JAX does.

JAX wraps a few jnp functions in `jax.jit` (`jnp.where` is `jit(_where)`), so a traced
program shows them as `jit[name=_where jaxpr={...}]`. `staged_as_jit(fun)` does the same
only while a staging trace (make_jaxpr, jit) is current; eager calls and other traces
(grad, vmap) call `fun` directly, tracing nothing. Under `jit` the compiler inlines inner
jits, so the generated code is the same.
"""
import functools

from .. import core
from ..staging import StagingTrace
from ..jit_api import jit


def staged_as_jit(fun):
    jitted = jit(fun)

    @functools.wraps(fun)
    def wrapper(*args):
        if isinstance(core.current_trace(), StagingTrace):
            return jitted(*args)
        return fun(*args)
    wrapper.jitted = jitted
    return wrapper
