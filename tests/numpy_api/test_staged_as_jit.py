"""jnp functions JAX wraps in jit (jnp.where) stage as an inner jit under make_jaxpr/jit,
as JAX prints them; eager calls and other traces do not trace them; the compiled code
is the same as a plain select (the compiler inlines inner jits)."""
import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite._src.numpy_api import ufuncs


def test_where_prints_as_jax_inner_jit():
    text = str(jax.make_jaxpr(lambda x: jnp.where(x > 0, x, 2.0 * x))(jnp.arange(5.0)))
    assert text == ("{ lambda ; a:f32[5]. let\n"
                    "    b:bool[5] = gt a 0.0:f32[]\n"
                    "    c:f32[5] = mul 2.0:f32[] a\n"
                    "    d:f32[5] = jit[\n"
                    "      name=_where\n"
                    "      jaxpr={ lambda ; b:bool[5] a:f32[5] c:f32[5]. let\n"
                    "          d:f32[5] = select_n b c a\n"
                    "        in (d,) }\n"
                    "    ] b a c\n"
                    "  in (d,) }")


def test_where_eager_and_grad_do_not_trace():
    x = jnp.arange(-1.0, 6.0)  # a shape no other test uses
    ufuncs._where.jitted.clear_cache()
    before = 0
    np.testing.assert_array_equal(jnp.where(x > 0, x, 0.0), np.maximum(x, 0.0))
    np.testing.assert_array_equal(jax.grad(lambda x: jnp.where(x > 0, x, 0.0).sum())(x),
                                  x > 0)
    np.testing.assert_array_equal(jax.vmap(lambda v: jnp.where(v > 0, v, 0.0))(x),
                                  np.maximum(x, 0.0))
    assert ufuncs._where.jitted._cache_size() == before
    jax.make_jaxpr(lambda x: jnp.where(x > 0, x, 0.0))(x)
    assert ufuncs._where.jitted._cache_size() == before + 1


def test_where_under_jit_compiles_to_one_select():
    f = jax.jit(lambda x: jnp.where(x > 0, x, 2.0 * x))
    source = f.lower(jnp.ones(3)).compile().as_python()
    assert "np.where(" in source and "_where" not in source
    np.testing.assert_array_equal(f(jnp.arange(-1.0, 2.0)), [-2.0, 0.0, 1.0])


def test_where_broadcast_error_under_jit():
    with pytest.raises(ValueError, match="Incompatible shapes"):
        jax.jit(lambda c: jnp.where(c, jnp.ones(2), jnp.ones(3)))(jnp.ones(2, bool))
