"""jax.lax sorting: sort, sort_key_val, top_k, approx_max_k, approx_min_k."""
from collections.abc import Sequence

from ..conversion import asarray
from ..prims import sort as so
from ..prims.elementwise import neg_p


def _axis(axis, ndim, name):
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for an array of rank {ndim}")
    return int(axis) % ndim


def sort(operand, dimension=-1, is_stable=True, num_keys=1):
    """Sorts along `dimension`; with a sequence of operands, sorts them all by the
    lexicographic order of the first `num_keys` (returns a tuple).

    >>> lax.sort(jnp.array([3., 1., 2.]))
    Array([1., 2., 3.], dtype=float32)
    >>> lax.sort((jnp.array([2, 1]), jnp.array([10., 20.])), num_keys=1)
    (Array([1, 2], dtype=int32), Array([20., 10.], dtype=float32))
    """
    if isinstance(operand, Sequence):
        if len(operand) == 0:
            raise TypeError("Sort requires at least one operand")
        if not 1 <= num_keys <= len(operand):
            raise ValueError(f"num_keys={num_keys} must be between 1 and {len(operand)}")
        xs = [asarray(x) for x in operand]
        dimension = _axis(dimension, xs[0].ndim, "sort")
        return tuple(so.sort_p.bind(*xs, dimension=dimension, is_stable=bool(is_stable),
                                    num_keys=int(num_keys)))
    if num_keys != 1:
        raise ValueError(f"num_keys={num_keys} must equal 1 for a single operand.")
    x = asarray(operand)
    dimension = _axis(dimension, x.ndim, "sort")
    return so.sort_p.bind(x, dimension=dimension, is_stable=bool(is_stable), num_keys=1)[0]


def sort_key_val(keys, values, dimension=-1, is_stable=True):
    """Sorts `keys` along `dimension` and applies the same permutation to `values`."""
    k, v = asarray(keys), asarray(values)
    dimension = _axis(dimension, k.ndim, "sort_key_val")
    k, v = so.sort_p.bind(k, v, dimension=dimension, is_stable=bool(is_stable), num_keys=1)
    return k, v


def top_k(operand, k, *, axis=-1):
    """The `k` largest entries along `axis` and their int32 indices (lower index first
    among equal values).

    >>> lax.top_k(jnp.array([9., 3., 6., 4., 10.]), 3)
    [Array([10.,  9.,  6.], dtype=float32), Array([4, 0, 2], dtype=int32)]
    """
    x = asarray(operand)
    k = int(k)
    if k < 0:
        raise ValueError(f"k argument to top_k must be nonnegative, got {k}")
    if x.ndim == 0:
        raise TypeError(f"top_k operand must have >= 1 dimension, got {x.shape}")
    return list(so.top_k_p.bind(x, k=k, axis=_axis(axis, x.ndim, "top_k")))  # a list, as JAX


def _approx_k(name, operand, k, reduction_dimension, is_max):
    x = asarray(operand)
    if x.dtype.kind != "f":
        raise ValueError("operand must be a floating type")
    axis = _axis(reduction_dimension, x.ndim, name)
    if is_max:
        return list(so.top_k_p.bind(x, k=int(k), axis=axis))
    values, indices = so.top_k_p.bind(neg_p.bind(x), k=int(k), axis=axis)
    return [neg_p.bind(values), indices]


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True):
    """The k largest values along `reduction_dimension` and their indices. On CPU JAX
    computes them exactly, and so does jaxlite (recall 1): this is top_k."""
    return _approx_k("approx_max_k", operand, k, reduction_dimension, True)


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True):
    """The k smallest values along `reduction_dimension` and their indices (exactly, lower
    index first among equal values)."""
    return _approx_k("approx_min_k", operand, k, reduction_dimension, False)
