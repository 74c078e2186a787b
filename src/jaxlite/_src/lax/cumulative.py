"""jax.lax cumulative reductions: cumsum, cumprod, cummax, cummin, cumlogsumexp."""
from ..conversion import asarray
from ..prims import cumulative as cu


def _cumulative(name, primitive):
    def fn(operand, axis=0, reverse=False):
        x = asarray(operand)
        # A negative axis counts from the end: JAX rejects one only when it runs lax.cum*
        # outside a transformation (XLA has no negative axes), and accepts it under grad,
        # so programs that run in JAX use both.
        if not -x.ndim <= axis < x.ndim:
            raise ValueError(f"lax.{name}: axis {axis} is out of bounds for array of shape "
                             f"{x.shape}")
        return primitive.bind(x, axis=int(axis) % x.ndim, reverse=bool(reverse))
    fn.__name__ = name
    fn.__doc__ = f"""Computes a cumulative {name[3:]} along `axis` (from the end if `reverse`).

    {_EXAMPLES[name]}
    """
    return fn


_EXAMPLES = {
    "cumsum": ">>> lax.cumsum(jnp.array([1., 2., 3.]))\n    Array([1., 3., 6.], dtype=float32)",
    "cumprod": ">>> lax.cumprod(jnp.array([1., 2., 3.]))\n    Array([1., 2., 6.], dtype=float32)",
    "cummax": ">>> lax.cummax(jnp.array([1., 3., 2.]))\n    Array([1., 3., 3.], dtype=float32)",
    "cummin": ">>> lax.cummin(jnp.array([3., 1., 2.]))\n    Array([3., 1., 1.], dtype=float32)",
    "cumlogsumexp": ">>> jnp.round(lax.cumlogsumexp(jnp.array([0., 0.])), 4)\n"
                    "    Array([0.    , 0.6931], dtype=float32)",
}


cumsum = _cumulative("cumsum", cu.cumsum_p)
cumprod = _cumulative("cumprod", cu.cumprod_p)
cummax = _cumulative("cummax", cu.cummax_p)
cummin = _cumulative("cummin", cu.cummin_p)
cumlogsumexp = _cumulative("cumlogsumexp", cu.cumlogsumexp_p)
