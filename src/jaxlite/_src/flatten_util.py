"""jax.flatten_util.ravel_pytree: a pytree of arrays as one flat vector, and back."""
import numpy as np

from . import core, dtypes
from .tree import tree_flatten, tree_unflatten
from .lax.lax import concatenate, convert_element_type, full, reshape
from .lax.structure import split


def _leaf_dtype(leaf):
    """A leaf's dtype taken as strongly typed (a Python float counts as float64, then
    canonicalized), as JAX's ravel_pytree promotes leaves."""
    if dtypes.is_python_scalar(leaf):
        return dtypes.python_scalar_dtype(leaf)
    return dtypes.dtype_and_weak(leaf)[0]


class _Unravel:
    """The inverse of one ravel: splits a flat vector and restores the leaves' shapes, dtypes
    and tree structure. Hashable (like JAX's HashablePartial), so it can be a static
    argument of jit."""

    def __init__(self, treedef, sizes, shapes, from_dtypes, to_dtype):
        self._key = (treedef, sizes, shapes, from_dtypes, to_dtype)

    def __call__(self, flat):
        treedef, sizes, shapes, from_dtypes, to_dtype = self._key
        if from_dtypes is not None:
            flat_dtype = dtypes.dtype_and_weak(flat)[0]
            if flat_dtype != to_dtype:
                raise TypeError(f"unravel function given array of dtype {flat_dtype}, but "
                                f"expected dtype {to_dtype}")
        chunks = split(flat, sizes) if sizes else []
        leaves = [reshape(chunk, shape) for chunk, shape in zip(chunks, shapes)]
        if from_dtypes is not None:
            leaves = [convert_element_type(leaf, d) for leaf, d in zip(leaves, from_dtypes)]
        return tree_unflatten(treedef, leaves)

    def __eq__(self, other):
        return isinstance(other, _Unravel) and self._key == other._key

    def __hash__(self):
        return hash(self._key)

    def __repr__(self):
        return f"<unravel_pytree of {self._key[0]}>"


def ravel_pytree(pytree):
    """Ravel a pytree of arrays and scalars into one 1D array of the leaves' promoted dtype,
    and return it with the function that unravels such a vector back into the pytree.

    >>> flat, unravel = jax.flatten_util.ravel_pytree({'w': jnp.ones((2, 2)), 'b': jnp.zeros(2)})
    >>> flat
    Array([0., 0., 1., 1., 1., 1.], dtype=float32)
    >>> unravel(flat)['w']
    Array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    leaves, treedef = tree_flatten(pytree)
    if not leaves:
        return full((0,), 0, np.float32), _Unravel(treedef, (), (), None, None)
    from_dtypes = tuple(_leaf_dtype(leaf) for leaf in leaves)
    to_dtype = dtypes.result_type(*from_dtypes)
    shapes = tuple(tuple(core.get_aval(leaf).shape) if isinstance(leaf, core.Tracer)
                   else np.shape(leaf) for leaf in leaves)
    sizes = tuple(int(np.prod(shape, dtype=np.int64)) for shape in shapes)
    if all(d == to_dtype for d in from_dtypes):
        # One dtype: no conversion, so unravel accepts vectors of any dtype (JAX issue 7809).
        flat = concatenate([reshape(leaf, (size,)) for leaf, size in zip(leaves, sizes)], 0)
        return flat, _Unravel(treedef, sizes, shapes, None, None)
    flat = concatenate([reshape(convert_element_type(leaf, to_dtype), (size,))
                        for leaf, size in zip(leaves, sizes)], 0)
    return flat, _Unravel(treedef, sizes, shapes, from_dtypes, to_dtype)
