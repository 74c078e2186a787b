"""jax.dtypes and jax.typing: the public names and their behaviour (values from JAX 0.10.2)."""
import importlib.util

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import dtypes


def test_public_names_match_jax():
    names = {"TypePromotionError", "canonicalize_dtype", "extended", "finfo",
             "float0", "iinfo", "issubdtype", "itemsize_bits", "prng_key", "result_type",
             "scalar_type_of"}
    assert all(hasattr(dtypes, n) for n in names)
    # bfloat16 exists where ml_dtypes is installed (it loads on first use)
    assert hasattr(dtypes, "bfloat16") == (importlib.util.find_spec("ml_dtypes") is not None)


def test_float0_and_extended_dtypes():
    assert repr(dtypes.float0) == "dtype([('float0', 'V')])"
    assert dtypes.float0.itemsize == 0
    assert not dtypes.issubdtype(dtypes.float0, np.floating)
    key_dtype = jax.random.key(0).dtype
    assert dtypes.issubdtype(key_dtype, dtypes.prng_key)
    assert jnp.issubdtype(key_dtype, dtypes.extended)
    assert not dtypes.issubdtype(key_dtype, np.floating)
    assert not dtypes.issubdtype(np.float32, dtypes.prng_key)
    assert issubclass(dtypes.prng_key, dtypes.extended)
    with pytest.raises(ValueError):
        dtypes.canonicalize_dtype(key_dtype)
    assert dtypes.canonicalize_dtype(key_dtype, allow_extended_dtype=True) == key_dtype


def test_canonicalize_and_result_type():
    assert dtypes.canonicalize_dtype(np.float64) == np.float32
    assert dtypes.canonicalize_dtype(np.int64) == np.int32
    assert dtypes.result_type(1, 1.0) == np.float32
    assert dtypes.result_type(1, 1.0, return_weak_type_flag=True) == (np.float32, True)
    assert dtypes.result_type(np.int8, 1.0, return_weak_type_flag=True) == (np.float32, True)
    assert dtypes.result_type(jnp.int8(1), 1) == np.int8


def test_scalar_type_of_and_itemsize_bits():
    assert dtypes.scalar_type_of(1.0) is float
    assert dtypes.scalar_type_of(jnp.int8(1)) is int
    assert dtypes.scalar_type_of(np.array([True])) is bool
    assert dtypes.scalar_type_of(1j) is complex
    with pytest.raises(TypeError, match="not a valid JAX array type"):
        dtypes.scalar_type_of("a")
    assert dtypes.itemsize_bits(jnp.float32) == 32
    assert dtypes.itemsize_bits(jnp.bool_) == 8
    with pytest.raises(ValueError):
        dtypes.itemsize_bits(dtypes.float0)


def test_narrow_itemsize_bits():
    pytest.importorskip("ml_dtypes")
    assert dtypes.itemsize_bits(jnp.int4) == 4
    assert dtypes.itemsize_bits(dtypes.bfloat16) == 16
    assert dtypes.finfo(dtypes.bfloat16).eps == 0.0078125


def test_typing_annotations():
    from jaxlite import typing as jtyping
    import typing

    def f(x: jtyping.ArrayLike, dtype: jtyping.DTypeLike = None) -> jax.Array:
        return jnp.asarray(x, dtype)

    assert f(1.0).dtype == np.float32
    args = typing.get_args(jtyping.ArrayLike)
    assert jax.Array in args and np.ndarray in args and float in args
    assert str in typing.get_args(jtyping.DTypeLike)


def test_scalar_types_hash_like_numpys_scalar_types():
    # values from JAX 0.10.2: jnp.int32 hashes as np.int32 (so it is found in sets and
    # dicts keyed by NumPy's types, as tensorflow-probability's dtype checks need), and
    # not as np.dtype('int32') or the string
    assert hash(jnp.int32) == hash(np.int32)
    assert np.int32 in {jnp.int32, jnp.int64} and jnp.float32 in {np.float32}
    assert {jnp.int32: 1}.get(np.int32) == 1
    assert np.dtype("int32") not in {jnp.int32} and "int32" not in {jnp.int32}
