"""Typed PRNG keys (`jax.random.key`): an array of keys over uint32 key data.

A key array is a pytree node whose one child is its raw key data (shape
(*key_shape, 2), uint32), so jit, vmap and grad carry keys through like any
other array; its shape is the key data's shape without the trailing 2.
"""
import numpy as np

from .. import dtypes
from ..tree import register_pytree_node
from ..array import register_array_type
from ..core import ShapedArray, Tracer
from ..numpy_api.reductions import all as all_, any as any_
from ..numpy_api.shapes import reshape


class KeyDtype(dtypes.ExtendedDType):
    """The dtype of typed threefry keys; prints as key<fry>, as in JAX."""
    name = "key<fry>"
    impl = "threefry2x32"
    itemsize = 8
    kind = "V"
    type = dtypes.prng_key  # so issubdtype(key.dtype, jax.dtypes.prng_key) holds

    def __repr__(self):
        return "key<fry>"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, KeyDtype)

    def __hash__(self):
        return hash("key<fry>")


key_dtype = KeyDtype()


class PRNGKeyArray:
    __slots__ = ("_data",)

    def __init__(self, data):
        self._data = data

    shape = property(lambda self: tuple(self._data.shape[:-1]))
    ndim = property(lambda self: len(self._data.shape) - 1)
    size = property(lambda self: int(np.prod(self.shape, dtype=np.int64)))
    dtype = property(lambda self: key_dtype)

    @property
    def aval(self):
        """The key array's abstract value, key<fry>[shape] (jax.typeof prints it)."""
        return ShapedArray(self.shape, key_dtype, False)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object (a single PRNG key)")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a single PRNG key; split it first")
        return (self[i] for i in range(self.shape[0]))

    def __getitem__(self, index):
        if not isinstance(index, tuple):
            index = (index,)
        return PRNGKeyArray(self._data[index + (Ellipsis, slice(None))]
                            if Ellipsis not in index else self._data[index + (slice(None),)])

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return PRNGKeyArray(reshape(self._data, tuple(shape) + (2,)))

    def block_until_ready(self):
        return self

    def __repr__(self):
        if isinstance(self._data, Tracer):
            return f"Traced<key<fry>[{','.join(map(str, self.shape))}]>"
        return f"Array({self.shape}, dtype=key<fry>) overlaying:\n{np.asarray(self._data)}"

    def __eq__(self, other):
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return all_(self._data == other._data, axis=-1)

    def __ne__(self, other):  # (Python's default negates __eq__ with `not`: one bool)
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return any_(self._data != other._data, axis=-1)

    __hash__ = None


register_array_type(PRNGKeyArray)
register_pytree_node(PRNGKeyArray, lambda k: ((k._data,), None),
                     lambda _, children: PRNGKeyArray(children[0]))
