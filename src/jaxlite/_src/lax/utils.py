"""Shape helpers the lax families share, on the shape primitives: the few NumPy-style
operations (moveaxis, broadcast_to, stacking with promotion, basic slices) that lax code
needs and that jax.numpy offers above it. Each binds exactly what the jnp function of the
same name binds, so programs stage the same Jaxprs whichever layer spells them."""
import builtins
import operator

import numpy as np

from ..conversion import asarray, promote
from ..prims.index import gather_p
from ..prims.shape import broadcast_in_dim_p, concatenate_p, reshape_p, transpose_p


def normalize_axis(axis, ndim, what="axis"):
    """`axis` in [0, ndim): negative counts from the end. As JAX: a float axis is a
    TypeError; out of range (a 0-d array has no axis 0) is NumPy's AxisError, both a
    ValueError (JAX's class) and an IndexError."""
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {axis!r}") from None
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(f"{what} {axis} is out of bounds for array of dimension "
                                      f"{ndim}")
    return axis % ndim


def transpose(x, permutation):
    """`x` with its axes permuted; the identity permutation binds nothing."""
    permutation = tuple(permutation)
    if permutation == tuple(range(x.ndim)):
        return x
    return transpose_p.bind(x, permutation=permutation)


def moveaxis(x, source, destination):
    """jnp.moveaxis: the axes `source` (an int or a sequence) moved to `destination`."""
    x = asarray(x)
    src = [normalize_axis(s, x.ndim, "source")
           for s in (source if isinstance(source, (tuple, list)) else [source])]
    dst = [normalize_axis(d, x.ndim, "destination")
           for d in (destination if isinstance(destination, (tuple, list)) else [destination])]
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same number of axes")
    order = [i for i in range(x.ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(x, order)


def swapaxes(x, axis1, axis2):
    """jnp.swapaxes: `x` with two axes exchanged."""
    x = asarray(x)
    permutation = list(range(x.ndim))
    i, j = normalize_axis(axis1, x.ndim, "axis1"), normalize_axis(axis2, x.ndim, "axis2")
    permutation[i], permutation[j] = permutation[j], permutation[i]
    return transpose(x, permutation)


def broadcast_to(x, shape):
    """jnp.broadcast_to: `x` broadcast (NumPy rules) to `shape`."""
    x = asarray(x)
    shape = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)
    if x.shape == shape:
        return x
    lead = len(shape) - x.ndim
    if lead < 0 or builtins.any(d not in (1, s) for d, s in zip(x.shape, shape[lead:])):
        raise ValueError(f"Incompatible shapes for broadcasting: {x.shape} and requested shape "
                         f"{shape}")
    return broadcast_in_dim_p.bind(x, shape=shape,
                                   broadcast_dimensions=tuple(range(lead, len(shape))))


def concatenate(values, axis=0):
    """jnp.concatenate: arrays (of at least one dimension) promoted to their common dtype
    and joined along `axis`."""
    xs = promote(*values)
    ndim = xs[0].ndim
    if ndim == 0:
        raise ValueError("Zero-dimensional arrays cannot be concatenated.")
    for x in xs:
        if x.ndim != ndim:
            raise ValueError("All input arrays must have the same number of dimensions, got "
                             + ", ".join(str(tuple(x.shape)) for x in xs))
    if len(xs) == 1:
        return xs[0]
    return concatenate_p.bind(*xs, dimension=axis % ndim)


def stack(values, axis=0):
    """jnp.stack: arrays of one shape, promoted to their common dtype, joined along a new
    axis."""
    xs = [asarray(v) for v in values]
    if not xs:
        raise ValueError("Need at least one array to stack.")
    shape = xs[0].shape
    for x in xs:
        if x.shape != shape:
            raise ValueError("All input arrays must have the same shape, got "
                             + ", ".join(str(tuple(x.shape)) for x in xs))
    axis = axis % (len(shape) + 1)
    expanded = []
    for x in xs:
        new_shape = list(x.shape)
        new_shape.insert(axis, 1)
        expanded.append(reshape_p.bind(x, new_sizes=tuple(new_shape)))
    return concatenate(expanded, axis)


def leading_slice(x, start=None, stop=None, step=None):
    """x[start:stop:step] along the first axis (the gather jnp's basic indexing binds)."""
    return gather_p.bind(x, index_spec=(("slice", start, stop, step),))


def leading_index(x, i):
    """x[i] along the first axis, for a Python int i."""
    n = x.shape[0]
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for axis 0 with size {n}")
    return gather_p.bind(x, index_spec=(("int", i % n),))
