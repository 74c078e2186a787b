"""Small helpers shared by the primitive modules' rules."""
import numpy as np

from .. import core


def ndim(x):
    return np.ndim(x) if not isinstance(x, core.Tracer) else x.ndim


def shape_of(x):
    return x.shape if hasattr(x, "shape") else np.shape(x)


def dtype_of(x):
    return core.get_aval(x).dtype


def const_like(x, value):
    """A 0-d weakly typed constant with the dtype of `x` (broadcasts in elementwise
    primitives, and leaves the weak type of the result to the other operands, as in JAX)."""
    return core.Array(np.array(value, dtype=dtype_of(x)), True)


def broadcast_shapes(*shapes, name=None):
    first = shapes[0]
    for s in shapes[1:]:
        if s != first:
            break
    else:
        return first
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise TypeError((f"{name} got " if name else "") + "incompatible shapes for broadcasting: "
                        + ", ".join(str(tuple(s)) for s in shapes) + ".") from None


def quiet(fn):
    """Run a NumPy implementation without floating-point warnings (JAX is silent)."""
    def impl(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)
    impl.__name__ = getattr(fn, "__name__", "impl")
    return impl
