"""JAX's public error classes, with the same base classes as JAX's."""


class JAXTypeError(TypeError):
    pass


class ConcretizationTypeError(TypeError):
    """A traced (abstract) value was used where a concrete Python value is needed."""


class TracerBoolConversionError(ConcretizationTypeError):
    """`bool()` / `if` / `while` on a traced value."""


class TracerIntegerConversionError(TypeError):
    """`int()` / `range()` / indexing a Python list with a traced value."""


class TracerArrayConversionError(TypeError):
    """`np.asarray()` on a traced value."""


class NonConcreteBooleanIndexError(IndexError):
    """Boolean-mask indexing of an array inside a transformation that needs static shapes."""


class UnexpectedTracerError(Exception):
    """A tracer escaped the transformation that created it and was used later."""


class InvalidInputException(TypeError):
    pass


_fixes = (
    "Usual fixes: mark the argument static with `jit(f, static_argnums=...)` / "
    "`static_argnames=...`; replace Python `if`/`while` on array values with "
    "`jnp.where`, `lax.cond` or `lax.while_loop`; compute shapes from `x.shape`, "
    "which is always concrete.")


def concretization_message(tracer, what):
    from .staging import user_source_line
    line = user_source_line()
    at = f" at {line}" if line else ""
    return (f"Abstract tracer value encountered where a concrete value is expected: "
            f"{what} was called on {tracer!r}{tracer._trace.where()}{at}.\n"
            f"The value depends on a traced input, so its Python value is unknown while "
            f"the function is being transformed.\n{_fixes}")
