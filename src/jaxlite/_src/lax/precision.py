"""lax.Precision and the canonical form of a `precision=` argument, which dot_general
keeps as a parameter (JAX's jaxprs print it; NumPy computes every product the same)."""
import enum


class Precision(enum.Enum):
    """Precision of matrix products on accelerators (no effect on CPU, nor here).
    Aliases: 'default'/'fastest'/'bfloat16', 'high'/'tensorfloat32', 'highest'/'float32'."""
    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2

    @classmethod
    def _missing_(cls, value):
        return _PRECISION_STRINGS.get(value)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self.name}"

    def __str__(self):
        return self.name


_PRECISION_STRINGS = {
    "highest": Precision.HIGHEST, "float32": Precision.HIGHEST,
    "high": Precision.HIGH, "bfloat16_3x": Precision.HIGH, "tensorfloat32": Precision.HIGH,
    "default": Precision.DEFAULT, "bfloat16": Precision.DEFAULT, "fastest": Precision.DEFAULT,
    None: Precision.DEFAULT}


def canonicalize_precision(precision):
    """`precision=` as dot_general's parameter, as JAX keeps it: None stays None; a
    Precision or its name becomes a pair (lhs, rhs); a pair is canonicalized item by item;
    an algorithm (DotAlgorithm, DotAlgorithmPreset) is kept as given."""
    if precision is None:
        return None
    if isinstance(precision, str) and precision in _PRECISION_STRINGS:
        precision = Precision(precision)
    if isinstance(precision, Precision):
        return (precision, precision)
    if isinstance(precision, (tuple, list)) and len(precision) == 2 and all(
            p is None or isinstance(p, (str, Precision)) for p in precision):
        return tuple(Precision(p) if not isinstance(p, Precision) else p for p in precision)
    if isinstance(precision, (str, tuple, list)):
        raise ValueError(f"precision argument must be None, a string in "
                         f"{sorted(k for k in _PRECISION_STRINGS if k)}, a lax.Precision value "
                         f"or a tuple of two lax.Precision values or strings; got {precision!r}.")
    return precision
