"""JAX's public error classes, with the same base classes as JAX's, and where in the
user's code an error happened (the source line that messages and Jaxprs name)."""
import os
import sys
import threading

_package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class SourceLine(str):
    """'file:line (function)', the short form messages and Jaxprs print, which also knows
    the full location (`location()`: '/path/file.py:line:column (function)', as JAX names
    source lines in print_saved_residuals). The column is found only when asked for."""

    def __new__(cls, code, line, instruction):
        text = super().__new__(cls, f"{os.path.basename(code.co_filename)}:{line} "
                                    f"({code.co_name})")
        text._code, text._line, text._instruction = code, line, instruction
        return text

    def location(self):
        code, column = self._code, None
        if hasattr(code, "co_positions"):  # Python >= 3.11: the instruction's column
            for i, position in enumerate(code.co_positions()):
                if i == self._instruction // 2:
                    column = position[2]
                    break
        at = f"{self._line}:{column}" if column is not None else f"{self._line}"
        # the qualified name where Python has one (3.11+): `outer.<locals>.f`, as JAX
        return f"{code.co_filename}:{at} ({getattr(code, 'co_qualname', code.co_name)})"


# While a Jaxpr is replayed (eval_jaxpr under a transformation), the equations it stages
# keep the source line of the equation they come from, as JAX propagates source info.
_replaying = threading.local()


def user_source_line():
    """SourceLine ('file:line (function)') of the innermost frame outside jaxlite, or the
    source of the equation being replayed."""
    replayed = getattr(_replaying, "source", None)
    if replayed is not None:
        return replayed
    frame = sys._getframe(2)
    # At most _MAX_FRAMES frames up: under a deep nesting of jit wrappers the user's
    # frame is thousands of jaxlite frames away, and a walk per equation would cost
    # quadratic time; such an equation has no source line.
    for _ in range(_MAX_FRAMES):
        if frame is None:
            return None
        if not frame.f_code.co_filename.startswith(_package_dir):
            return SourceLine(frame.f_code, frame.f_lineno, frame.f_lasti)
        frame = frame.f_back
    return None


_MAX_FRAMES = 400


class UnsupportedAttributeError(NotImplementedError, AttributeError):
    """A name of a JAX module that jaxlite has no counterpart for: a NotImplementedError
    saying why, and an AttributeError so that `hasattr` (how libraries probe for names
    that JAX versions add and remove) answers False instead of raising."""


class JAXTypeError(TypeError):
    """The base of JAX's type errors about tracing (so `except TypeError` catches them)."""


class JAXIndexError(IndexError):
    """The base of JAX's indexing errors."""


class ConcretizationTypeError(JAXTypeError):
    """A traced (abstract) value was used where a concrete Python value is needed."""


class TracerBoolConversionError(ConcretizationTypeError):
    """`bool()` / `if` / `while` on a traced value."""


class TracerIntegerConversionError(JAXTypeError):
    """`int()` / `range()` / indexing a Python list with a traced value."""


class TracerArrayConversionError(JAXTypeError):
    """`np.asarray()` on a traced value."""


class NonConcreteBooleanIndexError(JAXIndexError):
    """Boolean-mask indexing of an array inside a transformation that needs static shapes."""


class UnexpectedTracerError(JAXTypeError):
    """A tracer escaped the transformation that created it and was used later."""


class KeyReuseError(JAXTypeError):
    """A PRNG key used twice (JAX raises it only under its key-reuse checker, which
    jaxlite does not implement; the class exists so programs can name it)."""


class JaxprTypeError(TypeError):
    """A Jaxpr that does not type-check (`jax.extend.core.check_jaxpr`)."""


class InconclusiveDimensionOperation(Exception):
    """A shape-polymorphic dimension comparison with no definite answer (JAX's shape
    polymorphism; jaxlite's shapes are always concrete, so it never raises this)."""


class JaxRuntimeError(RuntimeError):
    """An error raised while running a compiled computation."""


class InvalidInputException(TypeError):
    pass


_fixes = (
    "Usual fixes: mark the argument static with `jit(f, static_argnums=...)` / "
    "`static_argnames=...`; replace Python `if`/`while` on array values with "
    "`jnp.where`, `lax.cond` or `lax.while_loop`; compute shapes from `x.shape`, "
    "which is always concrete.")


def concretization_message(tracer, what):
    line = user_source_line()
    at = f" at {line}" if line else ""
    return (f"Abstract tracer value encountered where a concrete value is expected: "
            f"{what} was called on {tracer!r}{tracer._trace.where()}{at}.\n"
            f"The value depends on a traced input, so its Python value is unknown while "
            f"the function is being transformed.\n{_fixes}")

def unavailable(name, reason):
    """A stand-in for a JAX API that cannot work in jaxlite: using it (calling it)
    raises NotImplementedError saying why; merely importing or naming it does not."""

    def raise_not_implemented(*args, **kwargs):
        raise NotImplementedError(f"{name} is not supported by jaxlite: {reason}")

    raise_not_implemented.__name__ = name.rsplit(".", 1)[-1]
    raise_not_implemented.__qualname__ = raise_not_implemented.__name__
    raise_not_implemented.__doc__ = f"Not supported by jaxlite ({reason}); raises NotImplementedError."
    return raise_not_implemented


def UnboundAxisNameError(name, primitive_name, inside_transformation):
    """JAX's NameError for a collective over an axis name no vmap/pmap/shard_map binds."""
    if inside_transformation:
        return NameError(f"Found an unbound axis name: {name}. To fix this, please call "
                         f"{primitive_name} under `jax.shard_map`.")
    return NameError(f"unbound axis name: {name}")
