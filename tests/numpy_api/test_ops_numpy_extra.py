"""The jax.numpy long tail: table rows (values vs NumPy, jit, vmap, derivatives) for every
differentiable function, then targeted tests for value-dependent shapes (size=/fill_value=
under jit, concretization errors without them) and for JAX's documented differences from
NumPy. Values marked "JAX 0.10.2" were printed by real JAX."""
import io

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite.errors import ConcretizationTypeError
from op_table import Arg, Op, check_op, op_id

F = Arg((3, 4))
V = Arg((6,))
P = Arg((3, 4), kind="positive")
I = lambda shape, low, high: Arg(shape, "int32", "int", low, high)
S = lambda value: Arg(kind="static", value=value)


# References are written with what NumPy 1.24 has, so the table collects on any NumPy
# (the declared minimum is 2.0; 2.0 added bitwise_count, trapezoid, vecdot, permute_dims,
# matrix_transpose; 2.2 added matvec, vecmat).
def _bitwise_count(x):
    """np.bitwise_count: the number of 1 bits of |x|, as uint8."""
    counts = [bin(abs(int(v))).count("1") for v in np.ravel(x)]
    return np.array(counts, np.uint8).reshape(np.shape(x))


def _np_pad(x, pads, mode):
    """np.pad, but 'wrap' with pads wider than the axis as NumPy >= 1.25 and JAX do (whole
    periods of the original); NumPy 1.24 wraps the partly padded array instead."""
    if mode != "wrap":
        return np.pad(x, pads, mode=mode)
    index = [np.arange(-lo, n + hi) % n for n, (lo, hi) in zip(x.shape, pads)]
    return x[np.ix_(*index)]

def _with_nans(shape, fraction=0.25):
    def gen(rng):
        x = rng.uniform(-2, 2, shape)
        x[rng.random(shape) < fraction] = np.nan
        x.reshape(-1)[0] = 0.5  # at least one number per array
        return x.astype(np.float32)
    return Arg(shape, kind="custom", gen=gen)


def _distinct(shape, spread=4.0):
    """Floats without ties (sorts, quantiles and extrema have unique answers)."""
    def gen(rng):
        n = int(np.prod(shape))
        return (rng.permutation(n) / n * spread - spread / 2 + rng.uniform(0, 0.1 / n, n)
                ).reshape(shape).astype(np.float32)
    return Arg(shape, kind="custom", gen=gen)


def _sorted(n, low=-2.0, high=2.0):
    return Arg((n,), kind="custom",
               gen=lambda rng: np.sort(rng.uniform(low, high, n) + np.arange(n) * 0.3
                                       ).astype(np.float32))


N = _with_nans((3, 4))
D = _distinct((3, 4))


def _np_put_along_axis(a, i, v, axis):
    a = a.copy()
    np.put_along_axis(a, i, v, axis)
    return a


def _np_place(a, mask, vals):
    a = a.copy()
    np.place(a, mask, vals)
    return a


def _np_put(a, ind, v, mode):
    a = a.copy()
    np.put(a, ind, v, mode=mode)
    return a


def _np_fill_diagonal(a, v):
    a = a.copy()
    np.fill_diagonal(a, v)
    return a


PAD_MODES = ["constant", "edge", "wrap", "reflect", "symmetric", "linear_ramp", "maximum",
             "minimum", "mean", "median"]

OPS = [
    # ---- manipulation ----
    Op("jnp.tile", lambda x: jnp.tile(x, (2, 1, 2)), lambda x: np.tile(x, (2, 1, 2)), (F,),
       diff=(0,)),
    Op("jnp.repeat", lambda x: jnp.repeat(x, 2, axis=1), lambda x: np.repeat(x, 2, axis=1),
       (F,), diff=(0,)),
    Op("jnp.repeat/array", lambda x: jnp.repeat(x, np.array([1, 0, 2]), axis=0,
                                                total_repeat_length=3),
       lambda x: np.repeat(x, [1, 0, 2], axis=0), (F,), diff=(0,)),
    Op("jnp.roll", lambda x: jnp.roll(x, (1, -3), (0, 1)), lambda x: np.roll(x, (1, -3), (0, 1)),
       (F,), diff=(0,)),
    Op("jnp.roll/flat", lambda x: jnp.roll(x, 5), lambda x: np.roll(x, 5), (F,), diff=(0,)),
    Op("jnp.rot90", lambda x: jnp.rot90(x, 3, axes=(1, 0)), lambda x: np.rot90(x, 3, (1, 0)),
       (F,), diff=(0,)),
    Op("jnp.rollaxis", lambda x: jnp.rollaxis(x, 2), lambda x: np.rollaxis(x, 2),
       (Arg((2, 3, 4)),), diff=(0,)),
    Op("jnp.unstack", lambda x: jnp.unstack(x, axis=1),
       lambda x: tuple(np.moveaxis(x, 1, 0)), (F,), diff=(0,)),
    *[Op(f"jnp.pad/{mode}", lambda x, mode=mode: jnp.pad(x, ((2, 5), (1, 3)), mode=mode),
         lambda x, mode=mode: _np_pad(x, ((2, 5), (1, 3)), mode), (D,), diff=(0,))
      for mode in PAD_MODES],
    Op("jnp.pad/reflect-odd", lambda x: jnp.pad(x, ((2, 5), (1, 3)), mode="reflect",
                                                reflect_type="odd"),
       lambda x: np.pad(x, ((2, 5), (1, 3)), mode="reflect", reflect_type="odd"), (F,),
       diff=(0,)),
    Op("jnp.pad/stat_length", lambda x: jnp.pad(x, 2, mode="mean", stat_length=(1, 2)),
       lambda x: np.pad(x, 2, mode="mean", stat_length=(1, 2)), (F,), diff=(0,)),
    Op("jnp.pad/constant_values", lambda x, c: jnp.pad(x, (1, 2), constant_values=c),
       lambda x, c: np.pad(x, (1, 2), constant_values=c), (F, Arg(())), diff=(0, 1)),
    Op("jnp.append", lambda x, y: jnp.append(x, y, axis=0),
       lambda x, y: np.append(x, y, axis=0), (F, Arg((2, 4))), diff=(0, 1)),
    Op("jnp.insert", lambda x, v: jnp.insert(x, np.array([1, 3, 3]), v, axis=1),
       lambda x, v: np.insert(x, [1, 3, 3], v, axis=1), (F, Arg((3, 3))), diff=(0, 1)),
    Op("jnp.delete", lambda x: jnp.delete(x, np.array([0, 2]), axis=1),
       lambda x: np.delete(x, [0, 2], axis=1), (F,), diff=(0,)),
    Op("jnp.resize", lambda x: jnp.resize(x, (5, 5)), lambda x: np.resize(x, (5, 5)), (F,),
       diff=(0,)),
    Op("jnp.block", lambda a, b: jnp.block([[a, b], [b, a]]),
       lambda a, b: np.block([[a, b], [b, a]]), (Arg((2, 2)), Arg((2, 2))), diff=(0, 1)),
    # ---- selection ----
    Op("jnp.tril", lambda x: jnp.tril(x, 1), lambda x: np.tril(x, 1), (Arg((2, 3, 4)),),
       diff=(0,)),
    Op("jnp.triu", lambda x: jnp.triu(x, -1), lambda x: np.triu(x, -1), (F,), diff=(0,)),
    Op("jnp.diagflat", lambda x: jnp.diagflat(x, -1), lambda x: np.diagflat(x, -1),
       (Arg((2, 2)),), diff=(0,)),
    Op("jnp.fill_diagonal", lambda x, v: jnp.fill_diagonal(x, v, inplace=False),
       _np_fill_diagonal, (Arg((5, 3)), Arg((2,))), diff=(0, 1)),
    Op("jnp.select", lambda c1, c2, a, b: jnp.select([c1, c2], [a, b], -1.0),
       lambda c1, c2, a, b: np.select([c1, c2], [a, b], -1.0),
       (Arg((3, 4), kind="bool"), Arg((3, 4), kind="bool"), F, F), diff=(2, 3)),
    Op("jnp.piecewise", lambda x: jnp.piecewise(x, [x < -1, x > 1], [jnp.sin, 2.0, jnp.cos]),
       lambda x: np.piecewise(x, [x < -1, x > 1], [np.sin, 2.0, np.cos]), (F,), diff=(0,)),
    Op("jnp.choose", lambda i, a, b: jnp.choose(i, [a, b, 2.0], mode="clip"),
       lambda i, a, b: np.choose(i, [a, b, 2.0], mode="clip"),
       (I((3, 4), -1, 4), F, Arg((4,))), diff=(1, 2)),
    Op("jnp.place", lambda x, m, v: jnp.place(x, m, v, inplace=False), _np_place,
       (V, Arg((6,), kind="bool"), Arg((4,))), diff=(0, 2), vmap=False),
    Op("jnp.put", lambda x, v: jnp.put(x, np.array([7, 1, -2]), v, mode="wrap", inplace=False),
       lambda x, v: _np_put(x, np.array([7, 1, -2]), v, "wrap"), (F, Arg((3,))), diff=(0, 1)),
    Op("jnp.put_along_axis",
       lambda x, v: jnp.put_along_axis(x, np.array([[1], [0], [3]]), v, 1, inplace=False),
       lambda x, v: _np_put_along_axis(x, np.array([[1], [0], [3]]), v, 1),
       (F, Arg((3, 1))), diff=(0, 1)),
    Op("jnp.compress", lambda x: jnp.compress(np.array([True, False, True]), x, axis=0),
       lambda x: np.compress([True, False, True], x, axis=0), (F,), diff=(0,)),
    Op("jnp.extract", lambda c, x: jnp.extract(c, x, size=5, fill_value=-1.0),
       lambda c, x: np.concatenate([np.extract(c, x), -np.ones(12)])[:5],
       (Arg((3, 4), kind="bool"), F), diff=(1,)),
    Op("jnp.meshgrid", lambda a, b: jnp.meshgrid(a, b), lambda a, b: tuple(np.meshgrid(a, b)),
       (Arg((3,)), Arg((2,))), diff=(0, 1)),
    # ---- statistics ----
    *[Op(f"jnp.{name}", lambda x, name=name: getattr(jnp, name)(x, axis=1),
         lambda x, name=name: getattr(np, name)(x, axis=1), (N,), diff=(0,))
      for name in ["nansum", "nanprod", "nanmean", "nanvar", "nanstd"]],
    Op("jnp.nanmax", lambda x: jnp.nanmax(x, axis=0), lambda x: np.nanmax(x, axis=0),
       (_with_nans((4, 3), 0.2),), diff=(0,)),
    Op("jnp.nanmin", lambda x: jnp.nanmin(x, axis=1, keepdims=True),
       lambda x: np.nanmin(x, axis=1, keepdims=True), (N,), diff=(0,)),
    Op("jnp.nanargmax", lambda x: jnp.nanargmax(x, axis=1), lambda x: np.nanargmax(x, axis=1),
       (N,)),
    Op("jnp.nanargmin", jnp.nanargmin, np.nanargmin, (N,)),
    Op("jnp.quantile", lambda x: jnp.quantile(x, np.array([0.1, 0.5, 0.8]), axis=1),
       lambda x: np.quantile(x, [0.1, 0.5, 0.8], axis=1), (D,), diff=(0,)),
    Op("jnp.quantile/q", lambda x, q: jnp.quantile(x, q, axis=(0, 1), keepdims=True),
       lambda x, q: np.quantile(x, q, axis=(0, 1), keepdims=True),
       (D, Arg((), low=0.05, high=0.95)), diff=(0, 1)),
    *[Op(f"jnp.quantile/{m}", lambda x, m=m: jnp.quantile(x, 0.3, axis=0, method=m),
         lambda x, m=m: np.quantile(x, 0.3, axis=0, method=m), (D,), diff=(0,))
      for m in ["lower", "higher", "midpoint", "nearest"]],
    Op("jnp.percentile", lambda x: jnp.percentile(x, 40.0), lambda x: np.percentile(x, 40.0),
       (D,), diff=(0,)),
    Op("jnp.median", lambda x: jnp.median(x, axis=0), lambda x: np.median(x, axis=0), (D,),
       diff=(0,)),
    Op("jnp.nanmedian", lambda x: jnp.nanmedian(x, axis=1), lambda x: np.nanmedian(x, axis=1),
       (N,), diff=(0,)),
    Op("jnp.nanquantile", lambda x: jnp.nanquantile(x, np.array([0.25, 0.75]), axis=1),
       lambda x: np.nanquantile(x, [0.25, 0.75], axis=1), (N,), diff=(0,)),
    Op("jnp.nanpercentile", lambda x: jnp.nanpercentile(x, 60.0, axis=0),
       lambda x: np.nanpercentile(x, 60.0, axis=0), (_with_nans((4, 3), 0.2),), diff=(0,)),
    Op("jnp.cov", jnp.cov, np.cov, (Arg((3, 6)),), diff=(0,)),
    Op("jnp.cov/weights", lambda x, w: jnp.cov(x, rowvar=False, aweights=w),
       lambda x, w: np.cov(x, rowvar=False, aweights=w),
       (Arg((6, 2)), Arg((6,), kind="positive")), diff=(0, 1)),
    Op("jnp.corrcoef", jnp.corrcoef, np.corrcoef, (Arg((3, 6)),), diff=(0,)),
    # ---- math ----
    Op("jnp.i0", jnp.i0, np.i0, (Arg((3, 4), low=-12, high=12),), diff=(0,), rtol=2e-5),
    Op("jnp.frexp", jnp.frexp, np.frexp, (Arg((3, 4), low=-100, high=100),), diff=(0,)),
    Op("jnp.ldexp", jnp.ldexp, np.ldexp, (F, I((3, 4), -5, 5)), diff=(0,)),
    Op("jnp.modf", jnp.modf, np.modf, (Arg((3, 4), low=-5, high=5),), diff=(0,)),
    Op("jnp.gcd", jnp.gcd, np.gcd, (I((3, 4), -50, 50), I((4,), -50, 50))),
    Op("jnp.lcm", jnp.lcm, np.lcm, (I((3, 4), -20, 20), I((3, 4), -20, 20))),
    Op("jnp.nan_to_num", lambda x: jnp.nan_to_num(x, nan=-1.0, posinf=9.0), lambda x:
       np.nan_to_num(x, nan=-1.0, posinf=9.0), (N,), diff=(0,)),
    Op("jnp.spacing", jnp.spacing, np.spacing, (F,)),
    Op("jnp.fabs", jnp.fabs, np.fabs, (F,), diff=(0,)),
    Op("jnp.angle", jnp.angle, np.angle, (F,)),
    Op("jnp.bitwise_count", jnp.bitwise_count, _bitwise_count, (I((3, 4), -100, 100),)),
    Op("jnp.bitwise_invert", jnp.bitwise_invert, np.invert, (I((5,), -9, 9),)),
    Op("jnp.bitwise_left_shift", jnp.bitwise_left_shift, np.left_shift,
       (I((5,), -9, 9), I((5,), 0, 5))),
    Op("jnp.bitwise_right_shift", jnp.bitwise_right_shift, np.right_shift,
       (I((5,), -9, 9), I((5,), 0, 5))),
    Op("jnp.pow", jnp.pow, np.power, (P, F), diff=(0, 1)),
    Op("jnp.atan2", jnp.atan2, np.arctan2, (F, P), diff=(0, 1)),
    Op("jnp.packbits", lambda x: jnp.packbits(x, axis=1), lambda x: np.packbits(x, axis=1),
       (Arg((3, 11), kind="bool"),)),
    Op("jnp.unpackbits", lambda x: jnp.unpackbits(x, axis=0, count=13, bitorder="little"),
       lambda x: np.unpackbits(x, axis=0, count=13, bitorder="little"),
       (Arg((2, 3), "uint8", "int", 0, 256),)),
    # ---- calculus and geometry ----
    Op("jnp.diff", lambda x: jnp.diff(x, n=2, axis=0, prepend=1.0),
       lambda x: np.diff(x, n=2, axis=0, prepend=1.0), (F,), diff=(0,)),
    Op("jnp.ediff1d", lambda x, e: jnp.ediff1d(x, to_end=e, to_begin=-1.0),
       lambda x, e: np.ediff1d(x, to_end=e, to_begin=-1.0), (F, Arg((2,))), diff=(0, 1)),
    Op("jnp.gradient", lambda x: jnp.gradient(x, 0.5, np.array([0., 1., 3., 4.5])),
       lambda x: tuple(np.gradient(x, 0.5, np.array([0., 1., 3., 4.5]))), (F,), diff=(0,)),
    Op("jnp.trapezoid", lambda y, x: jnp.trapezoid(y, x, axis=0),
       lambda y, x: np.sum(np.diff(x)[:, None] * (y[1:] + y[:-1]) / 2, axis=0), (F, _sorted(3)),
       diff=(0, 1)),
    Op("jnp.unwrap", jnp.unwrap, np.unwrap, (Arg((3, 6), low=-6, high=6),), diff=(0,)),
    Op("jnp.interp", jnp.interp, np.interp, (Arg((7,), low=-4, high=6), _sorted(6), V),
       diff=(0, 1, 2)),
    Op("jnp.interp/period", lambda x, xp, fp: jnp.interp(x, xp, fp, period=2.5),
       lambda x, xp, fp: np.interp(x, xp, fp, period=2.5), (Arg((7,)), _sorted(6, 0, 1), V),
       diff=(0, 2)),
    Op("jnp.cross", jnp.cross, np.cross, (Arg((4, 3)), Arg((4, 3))), diff=(0, 1)),
    Op("jnp.kron", jnp.kron, np.kron, (Arg((2, 3)), Arg((2, 2))), diff=(0, 1)),
    Op("jnp.vander", lambda x: jnp.vander(x, 4), lambda x: np.vander(x, 4), (Arg((5,)),),
       diff=(0,)),
    Op("jnp.matvec", jnp.matvec, lambda a, v: np.einsum("...ij,...j->...i", a, v),
       (Arg((2, 3, 4)), Arg((4,))), diff=(0, 1)),
    Op("jnp.vecmat", jnp.vecmat, lambda v, a: np.einsum("...i,...ij->...j", np.conj(v), a),
       (Arg((3,)), Arg((2, 3, 4))), diff=(0, 1)),
    Op("jnp.geomspace", lambda a, b: jnp.geomspace(a, b, 5),
       lambda a, b: np.geomspace(a, b, 5), (Arg((), kind="positive"), Arg((), kind="positive")),
       diff=(0, 1)),
    Op("jnp.kaiser", lambda b: jnp.kaiser(7, b), lambda b: np.kaiser(7, b),
       (Arg((), kind="positive", low=1, high=6),), diff=(0,)),
    # ---- polynomials ----
    Op("jnp.polyval", jnp.polyval, np.polyval, (Arg((4,)), F), diff=(0, 1)),
    Op("jnp.poly", jnp.poly, np.poly, (Arg((4,)),), diff=(0,)),
    Op("jnp.polyadd", jnp.polyadd, np.polyadd, (Arg((4,)), Arg((2,))), diff=(0, 1)),
    Op("jnp.polysub", jnp.polysub, np.polysub, (Arg((2,)), Arg((4,))), diff=(0, 1)),
    Op("jnp.polymul", jnp.polymul, np.polymul, (Arg((4,)), Arg((3,))), diff=(0, 1)),
    Op("jnp.polyder", lambda p: jnp.polyder(p, 2), lambda p: np.polyder(p, 2), (Arg((5,)),),
       diff=(0,)),
    Op("jnp.polyint", lambda p, k: jnp.polyint(p, 2, k), lambda p, k: np.polyint(p, 2, k),
       (Arg((4,)), Arg((2,))), diff=(0, 1)),
    Op("jnp.polydiv", jnp.polydiv, lambda u, v: (np.polydiv(u, v)[0],
                                                 np.concatenate([np.zeros(5), np.polydiv(u, v)[1]])[-5:]),
       (Arg((5,)), Arg((2,), kind="positive")), diff=(0, 1), atol=1e-5),
    Op("jnp.polyfit", lambda x, y: jnp.polyfit(x, y, 2), lambda x, y: np.polyfit(x, y, 2),
       (_sorted(8), Arg((8,))), diff=(1,), rtol=1e-3, atol=1e-4),
    # ---- sets and counting (differentiable through their gathers and scatters) ----
    Op("jnp.unique", lambda x: jnp.unique(x, size=6, fill_value=0.0),
       lambda x: np.concatenate([np.unique(x), np.zeros(6)])[:6], (_distinct((5,)),),
       diff=(0,)),
    Op("jnp.unique/ties", lambda x: jnp.unique(x, return_counts=True, size=4, fill_value=-1.0),
       lambda x: tuple(np.concatenate([v, f * np.ones(4, v.dtype)])[:4] for v, f in
                       zip(np.unique(x, return_counts=True), (-1, 0))),
       (Arg((5,), kind="custom", gen=lambda rng: rng.integers(0, 3, 5).astype(np.float32)),)),
    Op("jnp.union1d", lambda a, b: jnp.union1d(a, b, size=7, fill_value=9),
       lambda a, b: np.concatenate([np.union1d(a, b), 9 * np.ones(7, a.dtype)])[:7],
       (I((4,), 0, 6), I((3,), 0, 6))),
    Op("jnp.bincount", lambda i, w: jnp.bincount(i, w, length=6),
       lambda i, w: np.bincount(i, w, minlength=6)[:6], (I((8,), 0, 7), Arg((8,))),
       diff=(1,)),
    Op("jnp.histogram", lambda x, w: jnp.histogram(x, bins=4, range=(-2, 2), weights=w),
       lambda x, w: np.histogram(x, bins=4, range=(-2, 2), weights=w),
       (Arg((10,)), Arg((10,))), diff=(1,)),
    Op("jnp.digitize", lambda x, b: jnp.digitize(x, b, right=True),
       lambda x, b: np.digitize(x, b, right=True), (F, _sorted(5))),
    Op("jnp.isin", lambda a, b: jnp.isin(a, b, invert=True),
       lambda a, b: np.isin(a, b, invert=True), (I((3, 4), 0, 6), I((3,), 0, 6))),
    # ---- functional ----
    Op("jnp.vectorize", jnp.vectorize(lambda a, b: jnp.dot(a, b) * jnp.sum(a),
                                      signature="(n),(n)->()"),
       lambda a, b: np.einsum("...n,...n->...", a, b) * a.sum(-1), (F, Arg((4,))),
       diff=(0, 1)),
    Op("jnp.apply_along_axis", lambda x: jnp.apply_along_axis(lambda v: v * jnp.sum(v), 1, x),
       lambda x: np.apply_along_axis(lambda v: v * v.sum(), 1, x), (Arg((2, 3, 4)),),
       diff=(0,)),
    Op("jnp.apply_over_axes", lambda x: jnp.apply_over_axes(jnp.max, x, [0, 2]),
       lambda x: np.apply_over_axes(np.max, x, [0, 2]), (_distinct((2, 3, 4)),), diff=(0,)),
    Op("jnp.ufunc.reduce", lambda x: jnp.frompyfunc(jnp.hypot, 2, 1).reduce(x, axis=1),
       lambda x: np.hypot.reduce(x, axis=1), (F,), diff=(0,)),
]


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)


# ---- value-dependent output sizes ---------------------------------------------------------------
def test_unique_eager_matches_numpy():
    x = np.array([3., 1., 3., np.nan, 2., np.nan, 1.], np.float32)
    got = jnp.unique(x, return_index=True, return_inverse=True, return_counts=True)
    for g, w in zip(got, np.unique(x, return_index=True, return_inverse=True,
                                   return_counts=True)):
        np.testing.assert_array_equal(g, w)
    rows = np.array([[1, 2], [3, 4], [1, 2]])
    values, inverse, counts = jnp.unique(rows, axis=0, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(values, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(inverse, [0, 1, 0])
    np.testing.assert_array_equal(counts, [2, 1])


def test_unique_with_size_under_jit_matches_jax():
    x = jnp.array([3., 1., 3., np.nan, 2., np.nan, 1.])
    got = jaxlite.jit(lambda a: jnp.unique(a, return_index=True, return_inverse=True,
                                           return_counts=True, size=6))(x)
    # JAX 0.10.2: padding repeats the smallest value (its index), with count 0
    want = ([1., 2., 3., np.nan, 1., 1.], [1, 4, 0, 3, 1, 1], [2, 0, 2, 3, 1, 3, 0],
            [2, 1, 2, 2, 0, 0])
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(jaxlite.jit(lambda a: jnp.unique(a, size=6, fill_value=-9))(x),
                                  [1, 2, 3, np.nan, -9, -9])
    all_ = jaxlite.jit(lambda a: jnp.unique_all(a, size=6))(x)  # NaNs stay distinct
    np.testing.assert_array_equal(all_.values, [1, 2, 3, np.nan, np.nan, 1])
    np.testing.assert_array_equal(all_.counts, [2, 1, 2, 1, 1, 0])
    assert jnp.unique_counts(jnp.array([3, 1, 3])).counts.tolist() == [1, 2]
    inv = jnp.unique_inverse(jnp.array([[1, 2], [3, 1]]))
    assert inv.inverse_indices.shape == (2, 2) and inv.values.tolist() == [1, 2, 3]
    assert jnp.unique_values(jnp.array([2, 2, 0])).tolist() == [0, 2]
    rows = jaxlite.jit(lambda a: jnp.unique(a, axis=0, size=3))(jnp.array([[3, 2], [1, 4],
                                                                           [3, 2]]))
    np.testing.assert_array_equal(rows, [[1, 4], [3, 2], [1, 4]])


def test_unique_vmap_and_grad():
    x = jnp.array([[3., 1., 3.], [2., 2., 0.]])
    got = jaxlite.vmap(lambda r: jnp.unique(r, size=3, fill_value=-1.0))(x)
    np.testing.assert_array_equal(got, [[1, 3, -1], [0, 2, -1]])
    # The gradient reaches the first occurrence of each value (JAX 0.10.2: [1, 2, 0]).
    grad = jaxlite.grad(lambda a: jnp.unique(a, size=3).sum())(jnp.array([3., 1., 3.]))
    np.testing.assert_array_equal(grad, [1, 2, 0])


def test_set_operations_match_jax():
    a, b = jnp.array([5, 1, 3, 3, 7]), jnp.array([3, 9, 1, 1])
    for fn, want in [(jnp.intersect1d, np.intersect1d), (jnp.union1d, np.union1d),
                     (jnp.setdiff1d, np.setdiff1d), (jnp.setxor1d, np.setxor1d)]:
        np.testing.assert_array_equal(fn(a, b), want(np.asarray(a), np.asarray(b)))
    values, i1, i2 = jnp.intersect1d(a, b, return_indices=True)
    np.testing.assert_array_equal(i1, [1, 2])
    np.testing.assert_array_equal(i2, [2, 0])
    jit = jaxlite.jit
    # JAX 0.10.2 padding: the smallest value, except setdiff1d pads with 0; indices point
    # past the arrays.
    np.testing.assert_array_equal(jit(lambda a, b: jnp.union1d(a, b, size=8))(a, b),
                                  [1, 3, 5, 7, 9, 1, 1, 1])
    np.testing.assert_array_equal(jit(lambda a, b: jnp.setdiff1d(a, b, size=4))(a, b),
                                  [5, 7, 0, 0])
    np.testing.assert_array_equal(jit(lambda a, b: jnp.setxor1d(a, b, size=6))(a, b),
                                  [5, 7, 9, 5, 5, 5])
    got = jit(lambda a, b: jnp.intersect1d(a, b, return_indices=True, size=4))(a, b)
    for g, w in zip(got, ([1, 3, 1, 1], [1, 2, 5, 5], [2, 0, 4, 4])):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("call", [
    lambda x: jnp.unique(x),
    lambda x: jnp.union1d(x, x),
    lambda x: jnp.intersect1d(x, x),
    lambda x: jnp.setdiff1d(x, x),
    lambda x: jnp.setxor1d(x, x),
    lambda x: jnp.unique_values(x),
    lambda x: jnp.nonzero(x),
    lambda x: jnp.repeat(x, x),
    lambda x: jnp.bincount(x),
    lambda x: jnp.compress(x > 1, x),
    lambda x: jnp.extract(x > 1, x),
    lambda x: jnp.trim_zeros(x),
    lambda x: jnp.delete(x, x),
    lambda x: jnp.insert(x, x, 0),
    lambda x: jnp.choose(x, [x, x]),
], ids=["unique", "union1d", "intersect1d", "setdiff1d", "setxor1d", "unique_values",
        "nonzero", "repeat", "bincount", "compress", "extract", "trim_zeros", "delete", "insert",
        "choose-raise"])
def test_value_dependent_shapes_need_size_under_jit(call):
    with pytest.raises(ConcretizationTypeError):
        jaxlite.jit(call)(jnp.array([0, 1, 2, 2]))


def test_size_arguments_under_jit():
    x = jnp.array([0, 3, 0, 5, 0])
    jit = jaxlite.jit
    np.testing.assert_array_equal(jit(lambda a: jnp.where(a, size=3, fill_value=-1))(x)[0],
                                  [1, 3, -1])
    np.testing.assert_array_equal(jit(lambda a: jnp.extract(a > 0, a, size=3))(x), [3, 5, 0])
    np.testing.assert_array_equal(
        jit(lambda a: jnp.compress(a > 2, a, size=3, fill_value=-7))(x), [3, 5, -7])
    np.testing.assert_array_equal(jit(lambda a: jnp.bincount(a, length=4))(x), [3, 0, 0, 1])
    np.testing.assert_array_equal(
        jit(lambda a, r: jnp.repeat(a, r, total_repeat_length=6))(jnp.arange(3),
                                                                  jnp.array([1, 0, 2])),
        [0, 2, 2, 2, 2, 2])  # JAX: a short total repeats the last element
    np.testing.assert_array_equal(
        jit(lambda a, i: jnp.delete(a, i, assume_unique_indices=True))(jnp.arange(6),
                                                                       jnp.array([4, 1])),
        [0, 2, 3, 5])
    np.testing.assert_array_equal(jit(lambda a, s: jnp.roll(a, s))(jnp.arange(5), 2),
                                  np.roll(np.arange(5), 2))
    np.testing.assert_array_equal(jit(lambda m: jnp.mask_indices(3, jnp.triu, 1, size=3)[1])(0),
                                  [1, 2, 2])


# ---- JAX's documented differences from NumPy ------------------------------------------------------
def test_immutable_updates_need_inplace_false():
    x = jnp.zeros(5)
    with pytest.raises(NotImplementedError, match="immutable"):
        jnp.fill_diagonal(jnp.zeros((3, 3)), 1.0)
    with pytest.raises(ValueError, match="immutable"):
        jnp.place(x, x > 0, 1.0)
    with pytest.raises(ValueError, match="immutable"):
        jnp.put(x, 0, 1.0)
    with pytest.raises(ValueError, match="immutable"):
        jnp.put_along_axis(x, jnp.array([0]), 1.0, 0)
    with pytest.raises(NotImplementedError):
        jnp.fromfile("nothing")
    with pytest.raises(NotImplementedError):
        jnp.fromiter(iter([1]))
    with pytest.raises(NotImplementedError):
        jnp.frompyfunc(jnp.add, 2, 1).at(x, 0, 1.0)


def test_out_of_bounds_behaviour_matches_jax():
    # JAX 0.10.2 values
    np.testing.assert_array_equal(
        jnp.put(jnp.zeros(5), jnp.array([1, 7]), jnp.array([1., 2.]), inplace=False),
        [0, 1, 0, 0, 2])  # out-of-bounds indices clamp
    rows, cols = jnp.unravel_index(jnp.array([-1, 7, 100]), (2, 3))
    np.testing.assert_array_equal(rows, [1, 1, 1])
    np.testing.assert_array_equal(cols, [2, 2, 2])
    np.testing.assert_array_equal(
        jnp.ravel_multi_index((jnp.array([0, 1, 5]), jnp.array([2, -1, 0])), (2, 3),
                              mode="clip"), [2, 3, 3])
    with pytest.raises(ValueError, match="invalid entry"):
        jnp.ravel_multi_index((jnp.array([0, 2]), jnp.array([0, 0])), (2, 3))
    np.testing.assert_array_equal(jnp.bincount(jnp.array([-1, 0, 2, 2, 7]), length=4),
                                  [2, 0, 2, 0])  # negatives count as 0, too large dropped
    np.testing.assert_array_equal(jnp.choose(jnp.array([0, 3, -1]), [1, 2, 3], mode="wrap"),
                                  [1, 1, 3])
    with pytest.raises(ValueError, match="invalid entry"):
        jnp.choose(jnp.array([0, 3]), [1, 2])


def test_numeric_conventions_match_jax():
    x = jnp.arange(24.0).reshape(4, 6)
    # 'nearest' rounds a half position down in JAX (NumPy rounds to even).
    np.testing.assert_array_equal(jnp.quantile(jnp.arange(4.0), 0.5, method="nearest"), 1.0)
    # polydiv keeps the full-length remainder unless trim_leading_zeros=True
    q, r = jnp.polydiv(jnp.array([1., 2., 3., 4.]), jnp.array([2., 1.]))
    np.testing.assert_allclose(r, [0, 0, 0, 2.875])
    assert jnp.polydiv(jnp.array([1., 2., 3., 4.]), jnp.array([2., 1.]),
                       trim_leading_zeros=True)[1].shape == (1,)
    # histogram counts are floats; histogram2d counts are ints (JAX 0.10.2)
    counts, edges = jnp.histogram(jnp.array([1., 2., 2., 3., 9.]), bins=3)
    assert counts.dtype == jnp.float32 and counts.tolist() == [4, 0, 1]
    counts2, _, _ = jnp.histogram2d(jnp.array([0., 1, 2]), jnp.array([1., 1, 3]), bins=2)
    assert counts2.dtype == jnp.int32 and counts2.tolist() == [[1, 0], [1, 1]]
    np.testing.assert_allclose(jnp.histogram_bin_edges(jnp.array([1, 1]), bins=2),
                               [0.5, 1, 1.5])
    s = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32)
    np.testing.assert_array_equal(jnp.histogramdd(s, bins=3)[0], np.histogramdd(s, bins=3)[0])
    # nanargmax of an all-NaN lane is -1; nanmax is NaN
    assert jnp.nanargmax(jnp.array([np.nan, np.nan])) == -1
    assert np.isnan(jnp.nanmax(jnp.array([np.nan, np.nan])))
    # frexp: derivative of the mantissa is 2**-exponent (JAX 0.10.2: 0.25 at 3.0)
    assert jaxlite.grad(lambda v: jnp.frexp(v)[0])(3.0) == 0.25
    f = np.array([0., 1e-40, np.inf, -np.inf, np.nan, 1e30, -0.75], np.float32)
    mantissa, exponent = np.frexp(f)
    # C leaves frexp's exponent of inf/NaN unspecified (glibc: 0, wasm32: garbage); JAX: 0
    exponent = np.where(np.isfinite(f), exponent, 0).astype(exponent.dtype)
    for g, w in zip(jnp.frexp(f), (mantissa, exponent)):
        np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(jnp.modf(jnp.array([np.inf]))[0], [np.nan])  # JAX: nan
    np.testing.assert_allclose(jaxlite.grad(jnp.i0)(1.5), 0.9816664, rtol=1e-6)
    assert jnp.gcd(jnp.int32(1071), jnp.int32(462)) == 21
    np.testing.assert_array_equal(jaxlite.jit(jnp.lcm)(jnp.array([4, -6, 0]), 6), [12, 6, 0])
    np.testing.assert_array_equal(jnp.spacing(jnp.array([np.inf, 0.0], jnp.float32)),
                                  np.spacing(np.array([np.inf, 0.0], np.float32)))
    assert jnp.array_equiv(x, x[0]).item() is False
    assert jnp.array_equiv(jnp.ones((2, 3)), 1.0)
    assert not jnp.iscomplex(1.0) and jnp.isreal(jnp.array([1.0])).all()


def test_pad_modes_and_errors():
    x = jnp.array([10, 20, 30, 40])
    np.testing.assert_array_equal(jnp.pad(x, 2, mode="mean"), [25, 25, 10, 20, 30, 40, 25, 25])
    np.testing.assert_array_equal(jnp.pad(x, 9, mode="wrap"), np.pad(np.asarray(x), 9, "wrap"))
    np.testing.assert_array_equal(jnp.pad(x, 9, mode="symmetric"),
                                  np.pad(np.asarray(x), 9, "symmetric"))
    np.testing.assert_array_equal(jnp.pad(x, (1, 2), mode="empty").shape, (7,))
    np.testing.assert_array_equal(jnp.pad(jnp.ones((2, 2)), 1, constant_values=((1, 2), (3, 4))),
                                  np.pad(np.ones((2, 2)), 1, constant_values=((1, 2), (3, 4))))
    padded = jnp.pad(jnp.arange(4.0), 2, lambda row, width, axis, kw: row.at[:width[0]].set(-1.0))
    np.testing.assert_array_equal(padded, [-1, -1, 0, 1, 2, 3, 0, 0])
    with pytest.raises(ValueError, match="Unimplemented padding mode"):
        jnp.pad(x, 1, mode="nope")
    with pytest.raises(ValueError, match="negative"):
        jnp.pad(x, -1)
    with pytest.raises(ValueError, match="empty axis"):
        jnp.pad(jnp.zeros((0,)), 1, mode="wrap")


def test_manipulation_details():
    x = np.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(jnp.insert(x, 1, 7, axis=1), np.insert(x, 1, 7, axis=1))
    np.testing.assert_array_equal(jnp.insert(x, slice(None, None, 2), -1),
                                  np.insert(x, slice(None, None, 2), -1))
    np.testing.assert_array_equal(jnp.delete(x, slice(1, 3), axis=1),
                                  np.delete(x, slice(1, 3), axis=1))
    np.testing.assert_array_equal(jnp.delete(x, -1), np.delete(x, -1))
    np.testing.assert_array_equal(jnp.trim_zeros(jnp.array([0, 0, 1, 2, 0]), "b"), [0, 0, 1, 2])
    np.testing.assert_array_equal(jnp.trim_zeros(jnp.array([0, 0])), [])
    assert jnp.block(5.0).shape == () and jnp.block([[1.0, 2.0]]).shape == (1, 2)
    assert jnp.rot90(jnp.ones((2, 3)), 1).shape == (3, 2)
    np.testing.assert_array_equal(jnp.resize(jnp.array([1, 2]), 5), [1, 2, 1, 2, 1])
    np.testing.assert_array_equal(jnp.tril_indices(3, 1, 4)[1], np.tril_indices(3, 1, 4)[1])
    np.testing.assert_array_equal(jnp.triu_indices(3)[0], np.triu_indices(3)[0])
    np.testing.assert_array_equal(jnp.tril_indices_from(x)[1], np.tril_indices_from(x)[1])
    np.testing.assert_array_equal(jnp.triu_indices_from(x, 1)[1], np.triu_indices_from(x, 1)[1])
    np.testing.assert_array_equal(jnp.diag_indices(3, 3)[2], [0, 1, 2])
    np.testing.assert_array_equal(jnp.diag_indices_from(jnp.ones((2, 2)))[0], [0, 1])
    np.testing.assert_array_equal(jnp.indices((2, 3)), np.indices((2, 3)))
    assert jnp.indices((2, 3), sparse=True)[1].shape == (1, 3)
    np.testing.assert_array_equal(x[jnp.ix_(jnp.array([0, 2]), jnp.array([1, 3]))],
                                  x[np.ix_([0, 2], [1, 3])])
    np.testing.assert_array_equal(jnp.ravel_multi_index((jnp.array([0, 2]), jnp.array([3, 1])),
                                                        (3, 4), order="F"),
                                  np.ravel_multi_index(([0, 2], [3, 1]), (3, 4), order="F"))


def test_index_tricks_and_grids():
    np.testing.assert_array_equal(jnp.r_[1:3, 5, jnp.array([7, 8])], np.r_[1:3, 5, [7, 8]])
    np.testing.assert_allclose(jnp.r_[0:1:5j, 3.0], np.r_[0:1:5j, 3.0])
    np.testing.assert_array_equal(jnp.r_["0,2,0", [1, 2, 3], [4, 5, 6]],
                                  np.r_["0,2,0", [1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(jnp.c_[jnp.ones((2, 2)), jnp.array([3, 4])],
                                  np.c_[np.ones((2, 2)), [3, 4]])
    np.testing.assert_array_equal(jnp.mgrid[0:2, 0:3], np.mgrid[0:2, 0:3])
    np.testing.assert_allclose(jnp.mgrid[0:1:3j], np.mgrid[0:1:3j])
    for g, w in zip(jnp.ogrid[0:2, 0:3], np.ogrid[0:2, 0:3]):
        np.testing.assert_array_equal(g, w)
    assert jnp.s_[1:2] == slice(1, 2) and jnp.index_exp[1] == (1,)


def test_windows_and_spaces():
    for name in ["bartlett", "blackman", "hamming", "hanning"]:
        np.testing.assert_allclose(getattr(jnp, name)(7), getattr(np, name)(7), atol=1e-6)
    assert jnp.hanning(1).tolist() == [1.0] and jnp.kaiser(0, 1.0).shape == (0,)
    np.testing.assert_allclose(jnp.geomspace(-1.0, -1000.0, 4), np.geomspace(-1, -1000, 4),
                               rtol=1e-6)
    assert jnp.geomspace(1.0, 8.0, 4, endpoint=False).dtype == jnp.float32


def test_functional_helpers():
    v = jnp.vectorize(lambda a, k: jnp.sum(a[:k]), excluded={1}, signature="(n)->()")
    np.testing.assert_allclose(v(jnp.arange(12.0).reshape(3, 4), 2), [1, 9, 17])
    outer = jnp.vectorize(lambda a, b: a * b)(jnp.arange(3.0), jnp.ones((2, 1)))
    assert outer.shape == (2, 3)
    two = jnp.vectorize(lambda a: (a, 2 * a), signature="()->(),()")(jnp.arange(3.0))
    np.testing.assert_allclose(two[1], [0, 2, 4])
    np.testing.assert_allclose(jnp.fromfunction(lambda i, j: i * 10 + j, (2, 3)),
                               np.fromfunction(lambda i, j: i * 10 + j, (2, 3)))
    assert jnp.fromfunction(lambda i: i, (3,), dtype=int).dtype == jnp.int32
    mul = jnp.frompyfunc(lambda a, b: a * b, 2, 1, identity=1)
    assert isinstance(mul, jnp.ufunc) and mul.nin == 2 and mul.identity == 1
    assert mul.reduce(jnp.arange(1, 5)) == 24
    np.testing.assert_array_equal(mul.accumulate(jnp.arange(1, 5)), [1, 2, 6, 24])
    np.testing.assert_array_equal(mul.outer(jnp.arange(2), jnp.arange(3)), [[0, 0, 0], [0, 1, 2]])
    np.testing.assert_array_equal(mul.at(jnp.arange(4), jnp.array([1, 1]), 3, inplace=False),
                                  [0, 9, 2, 3])  # repeated indices compound, JAX 0.10.2
    np.testing.assert_array_equal(jnp.frompyfunc(jnp.add, 2, 1).reduceat(jnp.arange(8),
                                                                          [0, 4, 1, 5]),
                                  np.add.reduceat(np.arange(8), [0, 4, 1, 5]))
    assert mul.reduce(jnp.zeros((0,))) == 1
    assert jaxlite.jit(lambda a: mul.reduce(a, axis=None))(jnp.arange(1.0, 5.0)) == 24


def test_dtypes_io_and_printing(tmp_path):
    assert jnp.bool == jnp.bool_ and jnp.cdouble == jnp.complex128 and jnp.csingle == jnp.complex64
    assert jnp.object_ is np.object_ and jnp.flexible is np.flexible
    assert jnp.character is np.character and issubclass(jnp.ComplexWarning, Warning)
    assert jnp.isdtype(jnp.float32, "real floating")
    assert jnp.isdtype(jnp.int32, ("bool", "integral"))
    assert not jnp.isdtype(np.uint8, "signed integer")
    assert jnp.isdtype(jnp.float32, jnp.float32)
    assert jnp.astype(jnp.arange(3), jnp.float32).dtype == jnp.float32
    assert not jnp.astype(1.0, jnp.float32).weak_type
    assert jnp.copy(jnp.arange(3)).tolist() == [0, 1, 2]
    assert jnp.iterable([1]) and not jnp.iterable(1)
    path = tmp_path / "x.npy"
    jnp.save(path, jnp.arange(3))
    loaded = jnp.load(path)
    assert isinstance(loaded, jnp.ndarray) and loaded.tolist() == [0, 1, 2]
    buffer = io.BytesIO()
    jnp.savez(buffer, a=jnp.ones(2))
    buffer.seek(0)
    assert np.load(buffer)["a"].tolist() == [1.0, 1.0]
    assert jnp.frombuffer(b"\x01\x02", dtype=jnp.uint8).tolist() == [1, 2]
    assert jnp.fromstring("1, 2", dtype=int, sep=",").tolist() == [1, 2]
    assert jnp.from_dlpack(np.arange(3.0)).dtype == jnp.float32
    with jnp.printoptions(precision=2):
        assert jnp.get_printoptions()["precision"] == 2
        assert jnp.array_str(jnp.array([1.23456])) == "[1.23]"
    previous = jnp.get_printoptions()["precision"]
    jnp.set_printoptions(precision=previous)
    assert "Array" in jnp.array_repr(jnp.arange(2))
    path, _ = jnp.einsum_path("ij,jk,kl", jnp.ones((2, 3)), jnp.ones((3, 4)), jnp.ones((4, 5)),
                              optimize="greedy")
    assert path[0] == "einsum_path"


def test_polyfit_and_roots():
    x = np.linspace(0, 1, 10)
    y = 3 * x ** 2 - x + 0.5
    np.testing.assert_allclose(jnp.polyfit(x, y, 2), [3, -1, 0.5], atol=1e-3)
    two = jnp.polyfit(x, np.stack([y, 2 * y], 1), 2)
    np.testing.assert_allclose(two[:, 1], [6, -2, 1], atol=2e-3)
    with pytest.raises(NotImplementedError):
        jnp.roots(jnp.array([1.0, -3.0, 2.0]))


# ---- names that existed before the long tail, checked here so each has a test --------------------
U = Arg((3, 4), low=-0.9, high=0.9)
EXISTING = [
    Op("jnp.absolute", jnp.absolute, np.absolute, (F,), diff=(0,)),
    Op("jnp.acos", jnp.acos, np.arccos, (U,), diff=(0,)),
    Op("jnp.arccos", jnp.arccos, np.arccos, (U,), diff=(0,)),
    Op("jnp.asin", jnp.asin, np.arcsin, (U,), diff=(0,)),
    Op("jnp.arcsin", jnp.arcsin, np.arcsin, (U,), diff=(0,)),
    Op("jnp.atanh", jnp.atanh, np.arctanh, (U,), diff=(0,)),
    Op("jnp.arctanh", jnp.arctanh, np.arctanh, (U,), diff=(0,)),
    Op("jnp.asinh", jnp.asinh, np.arcsinh, (F,), diff=(0,)),
    Op("jnp.acosh", jnp.acosh, np.arccosh, (Arg((3, 4), kind="positive", low=1.5, high=3),),
       diff=(0,)),
    Op("jnp.degrees", jnp.degrees, np.degrees, (F,), diff=(0,)),
    Op("jnp.rad2deg", jnp.rad2deg, np.rad2deg, (F,), diff=(0,)),
    Op("jnp.radians", jnp.radians, np.radians, (F,), diff=(0,)),
    Op("jnp.around", lambda x: jnp.around(x, 1), lambda x: np.around(x, 1), (F,)),
    Op("jnp.true_divide", jnp.true_divide, np.true_divide, (F, P), diff=(0, 1)),
    Op("jnp.mod", jnp.mod, np.mod, (F, P), diff=(0,)),
    Op("jnp.divmod", jnp.divmod, np.divmod, (I((3, 4), -9, 9), I((3, 4), 1, 5))),
    Op("jnp.logaddexp2", jnp.logaddexp2, np.logaddexp2, (F, F), diff=(0, 1)),
    Op("jnp.heaviside", jnp.heaviside, np.heaviside, (F, F)),
    Op("jnp.nextafter", jnp.nextafter, np.nextafter, (F, F)),
    Op("jnp.greater", jnp.greater, np.greater, (F, F)),
    Op("jnp.less_equal", jnp.less_equal, np.less_equal, (F, F)),
    Op("jnp.logical_or", jnp.logical_or, np.logical_or, (F, Arg((3, 4), kind="bool"))),
    Op("jnp.bitwise_and", jnp.bitwise_and, np.bitwise_and, (I((5,), -9, 9), I((5,), -9, 9))),
    Op("jnp.bitwise_or", jnp.bitwise_or, np.bitwise_or, (I((5,), -9, 9), I((5,), -9, 9))),
    Op("jnp.bitwise_xor", jnp.bitwise_xor, np.bitwise_xor, (I((5,), -9, 9), I((5,), -9, 9))),
    Op("jnp.bitwise_not", jnp.bitwise_not, np.bitwise_not, (I((5,), -9, 9),)),
    Op("jnp.invert", jnp.invert, np.invert, (I((5,), -9, 9),)),
    Op("jnp.conj", jnp.conj, np.conj, (F,), diff=(0,)),
    Op("jnp.conjugate", jnp.conjugate, np.conjugate, (F,), diff=(0,)),
    Op("jnp.real", jnp.real, np.real, (F,), diff=(0,)),
    Op("jnp.imag", jnp.imag, np.imag, (F,)),
    Op("jnp.amax", lambda x: jnp.amax(x, axis=0), lambda x: np.amax(x, axis=0), (D,), diff=(0,)),
    Op("jnp.amin", lambda x: jnp.amin(x, axis=1), lambda x: np.amin(x, axis=1), (D,), diff=(0,)),
    Op("jnp.swapaxes", lambda x: jnp.swapaxes(x, 0, 2), lambda x: np.swapaxes(x, 0, 2),
       (Arg((2, 3, 4)),), diff=(0,)),
    Op("jnp.permute_dims", lambda x: jnp.permute_dims(x, (1, 2, 0)),
       lambda x: np.transpose(x, (1, 2, 0)), (Arg((2, 3, 4)),), diff=(0,)),
    Op("jnp.matrix_transpose", jnp.matrix_transpose, lambda x: np.swapaxes(x, -1, -2),
       (Arg((2, 3, 4)),), diff=(0,)),
    Op("jnp.vecdot", jnp.vecdot, lambda a, b: np.sum(np.conj(a) * b, axis=-1), (F, Arg((4,))),
       diff=(0, 1)),
    Op("jnp.diag", jnp.diag, np.diag, (Arg((4,)),), diff=(0,)),
    Op("jnp.fliplr", jnp.fliplr, np.fliplr, (F,), diff=(0,)),
    Op("jnp.flipud", jnp.flipud, np.flipud, (F,), diff=(0,)),
    Op("jnp.concat", lambda a, b: jnp.concat([a, b], axis=1),
       lambda a, b: np.concatenate([a, b], axis=1), (F, Arg((3, 2))), diff=(0, 1)),
    Op("jnp.hstack", lambda a, b: jnp.hstack([a, b]), lambda a, b: np.hstack([a, b]),
       (F, Arg((3, 2))), diff=(0, 1)),
    Op("jnp.vstack", lambda a, b: jnp.vstack([a, b]), lambda a, b: np.vstack([a, b]),
       (F, Arg((4,))), diff=(0, 1)),
    Op("jnp.dstack", lambda a, b: jnp.dstack([a, b]), lambda a, b: np.dstack([a, b]),
       (F, F), diff=(0, 1)),
    Op("jnp.column_stack", lambda a, b: jnp.column_stack([a, b]),
       lambda a, b: np.column_stack([a, b]), (Arg((3,)), Arg((3, 2))), diff=(0, 1)),
    Op("jnp.array_split", lambda x: jnp.array_split(x, 3, axis=1),
       lambda x: tuple(np.array_split(x, 3, axis=1)), (F,), diff=(0,)),
    Op("jnp.hsplit", lambda x: jnp.hsplit(x, 2), lambda x: tuple(np.hsplit(x, 2)), (F,),
       diff=(0,)),
    Op("jnp.vsplit", lambda x: jnp.vsplit(x, 3), lambda x: tuple(np.vsplit(x, 3)), (F,),
       diff=(0,)),
    Op("jnp.dsplit", lambda x: jnp.dsplit(x, 2), lambda x: tuple(np.dsplit(x, 2)),
       (Arg((2, 3, 4)),), diff=(0,)),
    Op("jnp.broadcast_arrays", lambda a, b: jnp.broadcast_arrays(a, b),
       lambda a, b: tuple(np.broadcast_arrays(a, b)), (F, Arg((4,))), diff=(0, 1)),
    Op("jnp.flatnonzero", lambda x: jnp.flatnonzero(x, size=12, fill_value=-1),
       lambda x: np.concatenate([np.flatnonzero(x), -np.ones(12, np.int64)])[:12],
       (Arg((3, 4), kind="bool"),)),
    Op("jnp.argwhere", lambda x: jnp.argwhere(x, size=12, fill_value=-1),
       lambda x: np.concatenate([np.argwhere(x), -np.ones((12, 2), np.int64)])[:12],
       (Arg((3, 4), kind="bool"),)),
    Op("jnp.isclose", lambda a, b: jnp.isclose(a, b, atol=0.5), lambda a, b: np.isclose(a, b,
                                                                                         atol=0.5),
       (F, F)),
]


@pytest.mark.parametrize("op", EXISTING, ids=op_id)
def test_existing_op(op):
    check_op(op)


def test_existing_helpers():
    x = jnp.arange(6.0).reshape(2, 3)
    assert jnp.allclose(x, x + 1e-9) and jnp.array_equal(x, x)
    assert jnp.atleast_1d(1.0).shape == (1,) and jnp.atleast_2d(1.0).shape == (1, 1)
    assert jnp.atleast_3d(jnp.ones(2)).shape == (1, 2, 1)
    assert jnp.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert jnp.can_cast(jnp.int8, jnp.int32) and not jnp.can_cast(jnp.float32, jnp.int32)
    assert jnp.iscomplexobj(jnp.zeros(2, jnp.complex64)) and jnp.isrealobj(x)
    assert jnp.isscalar(1.0) and not jnp.isscalar(x)
    assert jnp.ndim(x) == 2 and jnp.shape(x) == (2, 3) and jnp.size(x) == 6
    assert jnp.empty_like(x).shape == (2, 3) and jnp.identity(2).tolist() == [[1, 0], [0, 1]]
    assert jnp.tri(2, 3, 1).tolist() == np.tri(2, 3, 1).tolist()
    np.testing.assert_allclose(jnp.linspace(0.0, 1.0, 5), np.linspace(0, 1, 5))
    np.testing.assert_allclose(jnp.logspace(0.0, 2.0, 3), [1, 10, 100], rtol=1e-6)
    assert jnp.pi == np.pi and jnp.e == np.e and jnp.euler_gamma == np.euler_gamma
    assert x[:, jnp.newaxis].shape == (2, 1, 3)
    assert jnp.finfo(jnp.float32).eps == np.finfo(np.float32).eps
    assert jnp.single == jnp.float32 and jnp.double == jnp.float64
    assert jnp.int_ == jnp.int64 and jnp.uint == jnp.uint64 and jnp.float_ == jnp.float64
    assert jnp.complex_ == jnp.complex128
    for general, specific in [(jnp.generic, jnp.float32), (jnp.number, jnp.int8),
                              (jnp.floating, jnp.float16), (jnp.complexfloating, jnp.complex64),
                              (jnp.integer, jnp.uint8), (jnp.signedinteger, jnp.int16),
                              (jnp.unsignedinteger, jnp.uint32)]:
        assert jnp.issubdtype(specific, general)


_i = jnp.arange(6).reshape(2, 3)
_i8 = jnp.array([1, -2], dtype=jnp.int8)
_u8 = jnp.array([1, 2], dtype=jnp.uint8)
# (call, dtype, weak_type) as printed by JAX 0.10.2 (x32)
JAX_DTYPES = {
    "pad/mean": (lambda: jnp.pad(_i, 1, mode="mean"), "int32", False),
    "pad/linear_ramp": (lambda: jnp.pad(_i, 1, mode="linear_ramp", end_values=5), "int32", False),
    "insert": (lambda: jnp.insert(_i, 1, 2.7), "int32", False),
    "piecewise": (lambda: jnp.piecewise(_i, [_i > 2], [1.5, 2]), "int32", False),
    "choose": (lambda: jnp.choose(jnp.array([0, 1]), [_i8, 3]), "int8", False),
    "bincount": (lambda: jnp.bincount(jnp.array([1, 2], jnp.int8)), "int32", False),
    "bincount/weights": (lambda: jnp.bincount(jnp.array([1, 2]), weights=_u8), "uint8", False),
    "histogram": (lambda: jnp.histogram(_i)[0], "float32", False),
    "nanmean": (lambda: jnp.nanmean(_i), "float32", False),
    "median": (lambda: jnp.median(_i), "float32", False),
    "quantile/lower": (lambda: jnp.quantile(_i, 0.5, method="lower"), "float32", False),
    "cov": (lambda: jnp.cov(_i), "float32", False),
    "frexp": (lambda: jnp.frexp(_i)[1], "int32", False),
    "ldexp": (lambda: jnp.ldexp(_i, _i), "float32", False),
    "gcd": (lambda: jnp.gcd(_u8, _u8), "uint8", False),
    "lcm": (lambda: jnp.lcm(_i8, 3), "int8", False),
    "spacing": (lambda: jnp.spacing(_i), "float32", False),
    "bitwise_count": (lambda: jnp.bitwise_count(_i), "uint8", False),
    "diff/bool": (lambda: jnp.diff(_i > 2), "bool", False),
    "ediff1d": (lambda: jnp.ediff1d(_i, to_end=2.5), "int32", False),
    "gradient": (lambda: jnp.gradient(jnp.arange(4)), "float32", False),
    "vander": (lambda: jnp.vander(jnp.arange(3)), "int32", False),
    "polyval": (lambda: jnp.polyval(jnp.arange(3), 2), "int32", False),
    "polymul": (lambda: jnp.polymul(jnp.arange(3), jnp.arange(2)), "float32", False),
    "polyint": (lambda: jnp.polyint(jnp.arange(3)), "float32", False),
    "r_": (lambda: jnp.r_[1:3, 0.5], "float32", True),
    "mgrid": (lambda: jnp.mgrid[0:1:3j, 0:2], "float32", False),
    "setdiff1d": (lambda: jnp.setdiff1d(_i8, _u8), "int8", False),
    "union1d": (lambda: jnp.union1d(_i8, _u8), "int16", False),
    "nanprod/bool": (lambda: jnp.nanprod(_i > 2), "int32", False),
    "nanmin/bool": (lambda: jnp.nanmin(_i > 2), "bool", False),
    "block": (lambda: jnp.block([[1, 2.5]]), "float32", True),
    "histogram2d": (lambda: jnp.histogram2d(jnp.arange(6.0), jnp.arange(6.0))[0], "int32", False),
}


@pytest.mark.parametrize("name", list(JAX_DTYPES))
def test_dtypes_match_jax(name):
    call, dtype, weak = JAX_DTYPES[name]
    out = call()
    assert (out.dtype, out.weak_type) == (np.dtype(dtype), weak)


# ---- floor division of floats, lax.round and linspace, bit for bit as JAX 0.10 ----
def test_float_floor_divide_matches_jax_signed_zeros_and_exact_quotients():
    # JAX divides x - fmod(x, y) by y (CPython's float_divmod), not floor(x / y): 1 // 0.1 is
    # 9 (floor(10.000000149) would be 10), and -0.5 // -1.9 is -0.0.
    x = jnp.array([-0.5, 0.0, -0.0, 1.0, -1.0, 7.5, -3.7, 5.0], jnp.float32)
    y = jnp.array([-1.9, -3.3, 3.3, 0.1, 0.1, 1.5, 0.7, -2.5], jnp.float32)
    quotient = [-0.0, -0.0, 0.0, 9.0, -10.0, 5.0, -6.0, -2.0]
    remainder = [-0.5, 0.0, -0.0, 0.09999998658895493, 1.4901161193847656e-08, 0.0,
                 0.49999988079071045, 0.0]
    for q, r in (jnp.divmod(x, y), jaxlite.jit(jnp.divmod)(x, y), (x // y, None)):
        np.testing.assert_array_equal(np.asarray(q), np.float32(quotient))
        np.testing.assert_array_equal(np.signbit(q), np.signbit(np.float32(quotient)))
        if r is not None:
            np.testing.assert_array_equal(np.asarray(r), np.float32(remainder))
            np.testing.assert_array_equal(np.signbit(r), np.signbit(np.float32(remainder)))


def test_lax_round_away_from_zero_is_exact():
    # floor(|x| + 0.5) rounds the sum first: 2**23 + 1 became 2**23 + 2, 0.49999997 became 1.
    x = jnp.array([8388609., -8388609., 0.49999997, -0.0, -0.5, 2.5], jnp.float32)
    want = np.float32([8388609., -8388609., 0.0, -0.0, -1.0, 3.0])
    for got in (lax.round(x), jaxlite.jit(lax.round)(x)):
        np.testing.assert_array_equal(np.asarray(got), want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def test_linspace_integer_dtype_takes_the_floor():
    assert jnp.linspace(-1.7, 2.3, 13, dtype=jnp.int32).tolist() == [
        -2, -2, -2, -1, -1, -1, 0, 0, 0, 1, 1, 1, 2]
    assert jnp.linspace(3, -2, 11, dtype=jnp.int32).tolist() == [
        3, 2, 2, 1, 1, 0, -1, -1, -1, -2, -2]
    # start and stop broadcast against each other, for every num
    assert jnp.linspace(jnp.arange(3.), 5., 1).shape == (1, 3)
    assert jnp.linspace(0., jnp.arange(3.), 0).shape == (0, 3)
    np.testing.assert_array_equal(np.asarray(jnp.linspace(0., jnp.arange(3.), 3, axis=1)),
                                  np.float32([[0, 0, 0], [0, 0.5, 1], [0, 1, 2]]))


def test_complex_logaddexp_and_softplus_match_jax():
    # complex64 values printed by JAX 0.10.2; the imaginary part is wrapped into [-pi, pi)
    # (optimistix runs eqx.nn.MLP's softplus on complex128 inputs).
    x = jnp.array([0.5 + 0j, -1 + 2j, 3 - 1j, -2 - 0.5j], jnp.complex64)
    y = jnp.array([0.1 + 1j, 2 + 0j, 3 - 1j, 1 + 1j], jnp.complex64)
    want = [0.88821077 + 0.39258837j, 1.98013105 + 0.04619617j, 3.69314718 - 1j,
            1.00473865 + 0.95055228j]
    for f in (jnp.logaddexp, jaxlite.jit(jnp.logaddexp)):
        out = f(x, y)
        assert out.dtype == jnp.complex64
        np.testing.assert_allclose(np.asarray(out), want, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(jaxlite.nn.softplus(x)),
                               [0.97407698, -0.09367616 + 0.37617137j,
                                3.02737612 - 0.95922568j, 0.11390688 - 0.05793033j],
                               rtol=1e-5, atol=1e-6)
    # the slope in each operand is exp(operand - out), as in JAX
    _, tangent = jaxlite.jvp(jnp.logaddexp, (x, y), (jnp.ones_like(x), 2 * jnp.ones_like(y)))
    np.testing.assert_allclose(np.asarray(tangent),
                               [1.37333208 + 0.25949307j, 2.01897939 - 0.04710646j, 1.5,
                                1.99405605 + 0.04919391j], rtol=1e-5)


def test_polyval_of_stacked_coefficients_broadcasts_with_x():
    # (values recorded from JAX 0.10.2: coefficients run along axis 0, the other axes of
    # p broadcast with x; diffrax's local interpolation evaluates such a stack)
    p = jnp.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    np.testing.assert_array_equal(jnp.polyval(p, 2.0), [2.5, 3.0, 8.0])
    np.testing.assert_array_equal(jnp.polyval(p, jnp.array([[1.0], [3.0]])),
                                  [[1.5, 1.0, 5.0], [3.5, 5.0, 11.0]])
    np.testing.assert_array_equal(jaxlite.jit(jnp.polyval)(p, 2.0), [2.5, 3.0, 8.0])
    assert float(jaxlite.grad(lambda x: jnp.polyval(p, x).sum())(2.0)) == 6.0
    empty = jnp.polyval(jnp.zeros((0, 3)), 2.0)
    assert empty.shape == (3,) and not np.asarray(empty).any()
    with pytest.raises(IndexError, match="polyval"):
        jnp.polyval(jnp.array(3.0), 2.0)
