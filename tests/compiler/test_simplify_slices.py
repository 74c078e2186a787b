"""A static `x[1:, 0]` stages as JAX stages it (slice, then squeeze); the compiler folds
the pair back into the one NumPy index the eager path runs."""
import numpy as np

import jaxlite
import jaxlite.numpy as jnp


def test_squeeze_of_slice_compiles_to_one_index():
    x = jnp.arange(24.).reshape((2, 3, 4))
    f = jaxlite.jit(lambda a: a[1:, 0] * 2)
    code = f.lower(x).compile().as_python()
    assert "np.squeeze" not in code and "slice_" not in code and "gather_" in code
    np.testing.assert_array_equal(f(x), np.asarray(x)[1:, 0] * 2)
