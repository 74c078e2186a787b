"""jax.lax beyond the core ops: table rows (values against NumPy references, jit, vmap,
JVP/VJP against finite differences) for comparisons, bit functions, slicing, XLA's
general gather/scatter, generic reductions, structural helpers and dot variants; JAX's
recorded results for what it decides by convention (tests/lax_cases.py); and the
behaviour of the effect/platform helpers, solvers and errors."""
import json
import math
import os

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from op_table import Arg, Op, assert_close, check_op, decode_golden, op_id
import lax_cases

F = Arg((3, 4))
P = Arg((3, 4), kind="positive")
I32 = Arg((3, 4), "int32", "int", -100, 100)
U8 = Arg((3, 4), "uint8", "int", 0, 256)
B = Arg((3, 4), kind="bool")
GOLDEN = os.path.join(os.path.dirname(__file__), "..", "data", "lax_golden.json")


def static(value):
    return Arg(kind="static", value=value)


# ---- NumPy references of XLA's gather and scatter (loops over the index vectors) ------------
def gather_reference(x, idx, dn, sizes, mode="clip", fill=None):
    batch = idx.shape[:-1]
    kept = [d for d in range(x.ndim)
            if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims]
    windows = np.empty(batch + tuple(sizes[d] for d in kept), x.dtype)
    for b in np.ndindex(*batch):
        start, inside = [0] * x.ndim, True
        for k, d in enumerate(dn.start_index_map):
            s = int(idx[b + (k,)])
            inside &= 0 <= s <= x.shape[d] - sizes[d]
            start[d] = min(max(s, 0), x.shape[d] - sizes[d])
        for d, j in zip(dn.operand_batching_dims, dn.start_indices_batching_dims):
            start[d] = b[j]
        window = x[tuple(slice(s, s + n) for s, n in zip(start, sizes))]
        window = window.reshape([sizes[d] for d in kept])
        windows[b] = window if inside or mode != "fill" else fill
    rank = len(batch) + len(kept)
    others = iter(range(len(batch)))
    perm = [len(batch) + dn.offset_dims.index(p) if p in dn.offset_dims else next(others)
            for p in range(rank)]
    return np.transpose(windows, perm)


COMBINE = {"set": lambda a, u: u, "add": np.add, "sub": np.subtract, "mul": np.multiply,
           "min": np.minimum, "max": np.maximum}


def scatter_reference(x, idx, upd, dn, combine, mode="drop"):
    out = np.array(x, copy=True)
    batch = idx.shape[:-1]
    scatter_dims = [d for d in range(upd.ndim) if d not in dn.update_window_dims]
    kept = [d for d in range(x.ndim)
            if d not in dn.inserted_window_dims and d not in dn.operand_batching_dims]
    for b in np.ndindex(*batch):
        where = [slice(None)] * upd.ndim
        for position, d in enumerate(scatter_dims):
            where[d] = b[position]
        window = upd[tuple(where)]
        sizes = [1] * x.ndim
        for d, n in zip(kept, window.shape):
            sizes[d] = n
        start, inside = [0] * x.ndim, True
        for k, d in enumerate(dn.scatter_dims_to_operand_dims):
            s = int(idx[b + (k,)])
            inside &= 0 <= s <= x.shape[d] - sizes[d]
            start[d] = min(max(s, 0), x.shape[d] - sizes[d]) if mode == "clip" else s
        for d, j in zip(dn.operand_batching_dims, dn.scatter_indices_batching_dims):
            start[d] = b[j]
        if not inside and mode != "clip":
            continue
        region = tuple(slice(s, s + n) for s, n in zip(start, sizes))
        out[region] = COMBINE[combine](out[region], window.reshape(sizes))
    return out


GDN = lax.GatherDimensionNumbers
SDN = lax.ScatterDimensionNumbers
ROWS = GDN(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0, 1))  # x[i, j:j+2]
MIDDLE = GDN(offset_dims=(0, 2), collapsed_slice_dims=(1,), start_index_map=(1,))
ALONG = GDN(offset_dims=(), collapsed_slice_dims=(1,), start_index_map=(1,),
            operand_batching_dims=(0,), start_indices_batching_dims=(0,))  # take_along_axis
ROWS_S = SDN(update_window_dims=(1,), inserted_window_dims=(0,),
             scatter_dims_to_operand_dims=(0, 1))
MIDDLE_S = SDN(update_window_dims=(0, 2), inserted_window_dims=(1,),
               scatter_dims_to_operand_dims=(1,))
ALONG_S = SDN(update_window_dims=(), inserted_window_dims=(1,), scatter_dims_to_operand_dims=(1,),
              operand_batching_dims=(0,), scatter_indices_batching_dims=(0,))


def unique_rows(rng):
    """Index vectors (row, column start) with distinct rows, some out of bounds."""
    rows = rng.permutation(5)[:3]
    rows[rng.random(3) < 0.3] += 4
    return np.stack([rows, rng.integers(-1, 5, 3)], -1).astype(np.int32)


def gather_row(name, dn, sizes, x, idx, mode=None, fill=None, **kw):
    ref_mode = "fill" if mode == "fill" else "clip"
    return Op(f"lax.gather {name}", lambda x, i: lax.gather(x, i, dn, sizes, mode=mode,
                                                           fill_value=fill),
              lambda x, i: gather_reference(x, i, dn, sizes, ref_mode, fill), (x, idx),
              diff=(0,), **kw)


def scatter_row(name, fn, combine, dn, x, idx, upd, mode=None, diff=(0, 2), **kw):
    ref_mode = "clip" if mode == "clip" else "drop"
    return Op(f"lax.{fn.__name__} {name}", lambda x, i, u: fn(x, i, u, dn, mode=mode),
              lambda x, i, u: scatter_reference(x, i, u, dn, combine, ref_mode),
              (x, idx, upd), diff=diff, **kw)


GATHER_SCATTER = [
    gather_row("rows", ROWS, (1, 2), Arg((4, 5)), Arg((6, 2), "int32", "int", -2, 7)),
    gather_row("rows fill", ROWS, (1, 2), Arg((4, 5)), Arg((6, 2), "int32", "int", -2, 7),
               mode="fill", fill=-1.0),
    gather_row("offsets around the batch", MIDDLE, (3, 1, 2), Arg((3, 5, 2)),
               Arg((2, 4, 1), "int32", "int", 0, 5)),
    gather_row("batching dims", ALONG, (1, 1), Arg((3, 5)), Arg((3, 4, 1), "int32", "int", 0, 5)),
    Op("lax.index_take", lambda x, i, j: lax.index_take(x, (i, j), (0, 2)),
       lambda x, i, j: x[i % 4, :, j % 5].reshape(len(i), -1), (Arg((4, 2, 5)),
       Arg((6,), "int32", "int", -4, 4), Arg((6,), "int32", "int", -5, 5)), diff=(0,)),
    scatter_row("rows", lax.scatter_add, "add", ROWS_S, Arg((4, 5)),
                Arg((6, 2), "int32", "int", -2, 7), Arg((6, 2))),
    scatter_row("rows clip", lax.scatter_add, "add", ROWS_S, Arg((4, 5)),
                Arg((6, 2), "int32", "int", -2, 7), Arg((6, 2)), mode="clip"),
    scatter_row("rows", lax.scatter_sub, "sub", ROWS_S, Arg((4, 5)),
                Arg((6, 2), "int32", "int", -2, 7), Arg((6, 2))),
    scatter_row("rows", lax.scatter_mul, "mul", ROWS_S, Arg((4, 5)),
                Arg((6, 2), "int32", "int", -2, 7), Arg((6, 2)), diff=(0,)),
    scatter_row("rows", lax.scatter_min, "min", ROWS_S, Arg((4, 5)),
                Arg((6, 2), "int32", "int", -2, 7), Arg((6, 2))),
    scatter_row("rows", lax.scatter_max, "max", ROWS_S, Arg((4, 5)),
                Arg((6, 2), "int32", "int", -2, 7), Arg((6, 2))),
    scatter_row("unique rows", lax.scatter, "set", ROWS_S, Arg((8, 5)),
                Arg(kind="custom", gen=unique_rows), Arg((3, 2))),
    scatter_row("window around the batch", lax.scatter_add, "add", MIDDLE_S, Arg((3, 5, 2)),
                Arg((4, 1), "int32", "int", -1, 6), Arg((3, 4, 2))),
    scatter_row("batching dims", lax.scatter_max, "max", ALONG_S, Arg((3, 5)),
                Arg((3, 4, 1), "int32", "int", 0, 5), Arg((3, 4))),
    Op("lax.scatter_mul unique_indices", lambda x, i, u: lax.scatter_mul(
        x, i, u, ROWS_S, unique_indices=True),
       lambda x, i, u: scatter_reference(x, i, u, ROWS_S, "mul"),
       (Arg((8, 5)), Arg(kind="custom", gen=unique_rows), Arg((3, 2))), diff=(0, 2)),
    Op("lax.scatter_apply", lambda x, i: lax.scatter_apply(
        x, i, jnp.sin, SDN((), (0,), (0,)), update_shape=(5,)),
       lambda x, i: _apply_reference(x, i, np.sin), (Arg((4,)),
       Arg((5, 1), "int32", "int", -1, 5)), diff=(0,)),
]


def _apply_reference(x, idx, fn):
    out = np.array(x, copy=True)
    for (i,) in idx:
        if 0 <= i < len(out):
            out[i] = fn(out[i])
    return out


# ---- elementwise, bits, slicing: names that existed without rows ---------------------------
def _mulhi_reference(x, y):
    bits = x.dtype.itemsize * 8
    out = [(int(a) * int(b)) >> bits for a, b in zip(x.ravel(), y.ravel())]
    return np.array([v % (1 << bits) for v in out], np.uint64).astype(
        np.dtype(f"uint{bits}")).view(x.dtype).reshape(x.shape)


def _clz_reference(x):
    bits = x.dtype.itemsize * 8
    unsigned = x.view(np.dtype(f"uint{bits}")) if x.dtype.kind == "i" else x
    return np.array([bits - int(v).bit_length() for v in unsigned.ravel()],
                    x.dtype).reshape(x.shape)


def _popcount_reference(x):
    unsigned = x.view(np.dtype(f"uint{x.dtype.itemsize * 8}")) if x.dtype.kind == "i" else x
    return np.array([bin(int(v)).count("1") for v in unsigned.ravel()], x.dtype).reshape(x.shape)


def _shift_amounts(dtype):
    return Arg((3, 4), dtype, "int", 0, 40)


def _np_shift_right_logical(x, y):
    bits = x.dtype.itemsize * 8
    unsigned = x.view(np.dtype(f"uint{bits}"))
    out = np.where(y >= bits, 0, unsigned >> np.minimum(y, bits - 1).astype(unsigned.dtype))
    return out.astype(unsigned.dtype).view(x.dtype)


def _np_shift_left(x, y):
    bits = x.dtype.itemsize * 8
    return np.where(y >= bits, 0, x << np.minimum(y, bits - 1).astype(x.dtype)).astype(x.dtype)


def _np_shift_right_arithmetic(x, y):
    bits = x.dtype.itemsize * 8
    return (x >> np.minimum(y, bits - 1).astype(x.dtype)).astype(x.dtype)


def _round_even(x):
    return np.round(x)


def _reduce_precision_reference(x, exponent_bits, mantissa_bits):
    # Round to nearest even on the mantissa through float64 arithmetic, then clamp range.
    m, e = np.frexp(x.astype(np.float64))  # x = m * 2**e, 0.5 <= |m| < 1
    scale = 2.0 ** (mantissa_bits + 1)
    rounded = np.ldexp(np.round(m * scale) / scale, e)
    max_exponent = 2 ** (exponent_bits - 1) - 1
    largest = (2 - 2.0 ** -mantissa_bits) * 2.0 ** max_exponent
    out = np.where(np.abs(rounded) > largest, np.sign(x) * np.inf, rounded)
    smallest_normal = 2.0 ** (1 - max_exponent)
    out = np.where(np.abs(out) < smallest_normal, 0.0 * np.sign(x), out)
    return out.astype(x.dtype)


ELEMENTWISE = [
    Op("lax.eq", lax.eq, np.equal, (Arg((3, 4), "int32", "int", 0, 3),) * 2),
    Op("lax.ne", lax.ne, np.not_equal, (Arg((3, 4), "int32", "int", 0, 3),) * 2),
    Op("lax.lt", lax.lt, np.less, (F, F)),
    Op("lax.le", lax.le, np.less_equal, (Arg((3, 4), "int32", "int", 0, 3),) * 2),
    Op("lax.gt", lax.gt, np.greater, (F, Arg((1, 4)))),
    Op("lax.ge", lax.ge, np.greater_equal, (F, F)),
    Op("lax.clamp", lambda lo, x, hi: lax.clamp(lo, x, hi), np.clip,
       (Arg((3, 4), low=-2, high=-0.5), F, Arg((3, 4), low=0.5, high=2)), diff=(0, 1, 2)),
    Op("lax.clamp scalars", lambda x: lax.clamp(-0.5, x, 1.0), lambda x: np.clip(x, -0.5, 1.0),
       (F,), diff=(0,)),
    Op("lax.is_finite", lax.is_finite, np.isfinite,
       (Arg(kind="custom", gen=lambda r: np.array([1., np.inf, -np.inf, np.nan, 0.],
                                                  np.float32)),)),
    Op("lax.nextafter", lax.nextafter, np.nextafter, (F, F)),
    Op("lax.round to nearest even",
       lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN), _round_even,
       (Arg(kind="custom", gen=lambda r: np.array([0.5, 1.5, 2.5, -0.5, -2.5, 1.2], np.float32)),)),
    Op("lax.round away from zero", lambda x: lax.round(x, lax.RoundingMethod.AWAY_FROM_ZERO),
       lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5),
       (Arg(kind="custom", gen=lambda r: np.array([0.5, 1.5, 2.5, -0.5, -2.5, 1.2], np.float32)),)),
    Op("lax.bitwise_and", lax.bitwise_and, np.bitwise_and, (I32, I32)),
    Op("lax.bitwise_or", lax.bitwise_or, np.bitwise_or, (U8, U8)),
    Op("lax.bitwise_xor", lax.bitwise_xor, np.bitwise_xor, (B, B)),
    Op("lax.bitwise_not", lax.bitwise_not, np.invert, (I32,)),
    Op("lax.bitwise_not bool", lax.bitwise_not, np.logical_not, (B,)),
    Op("lax.population_count", lax.population_count, _popcount_reference, (I32,)),
    Op("lax.population_count uint8", lax.population_count, _popcount_reference, (U8,)),
    Op("lax.clz", lax.clz, _clz_reference, (I32,)),
    Op("lax.clz uint8", lax.clz, _clz_reference, (U8,)),
    Op("lax.mulhi int32", lax.mulhi, _mulhi_reference,
       (Arg((3, 4), "int32", "int", -2 ** 31, 2 ** 31 - 1),) * 2),
    Op("lax.mulhi uint32", lax.mulhi, _mulhi_reference,
       (Arg((3, 4), "uint32", "int", 0, 2 ** 32 - 1),) * 2),
    Op("lax.mulhi int16", lax.mulhi, _mulhi_reference,
       (Arg((3, 4), "int16", "int", -2 ** 15, 2 ** 15 - 1),) * 2),
    Op("lax.shift_left", lax.shift_left, _np_shift_left, (I32, _shift_amounts("int32"))),
    Op("lax.shift_right_logical", lax.shift_right_logical, _np_shift_right_logical,
       (I32, _shift_amounts("int32"))),
    Op("lax.shift_right_arithmetic", lax.shift_right_arithmetic, _np_shift_right_arithmetic,
       (I32, _shift_amounts("int32"))),
    Op("lax.bitcast_convert_type float32 -> int32",
       lambda x: lax.bitcast_convert_type(x, jnp.int32), lambda x: x.view(np.int32), (F,)),
    Op("lax.bitcast_convert_type float32 -> uint8",
       lambda x: lax.bitcast_convert_type(x, jnp.uint8),
       lambda x: x.view(np.uint8).reshape(x.shape + (4,)), (F,)),
    Op("lax.bitcast_convert_type uint16 -> float32",
       lambda x: lax.bitcast_convert_type(x, jnp.float32),
       lambda x: x.view(np.float32).reshape(x.shape[:-1]),
       (Arg((3, 2), "uint16", "int", 0, 2 ** 14),)),
    Op("lax.reduce_precision bfloat16", lambda x: lax.reduce_precision(x, 8, 7),
       lambda x: _reduce_precision_reference(x, 8, 7), (Arg((3, 4), low=-1e3, high=1e3),),
       rtol=0, atol=0),
    Op("lax.reduce_precision float16", lambda x: lax.reduce_precision(x, 5, 10),
       lambda x: x.astype(np.float16).astype(np.float32),
       (Arg(kind="custom", gen=lambda r: (np.sign(r.normal(size=(3, 4))) * 10.0 ** r.uniform(
           -4, 4, (3, 4))).astype(np.float32)),), rtol=0, atol=0),  # float16's normal range
]

REDUCTIONS_AND_SLICES = [
    Op("lax.argmax", lambda x: lax.argmax(x, 1, jnp.int32), lambda x: np.argmax(x, 1), (F,)),
    Op("lax.argmin", lambda x: lax.argmin(x, 0, jnp.int32), lambda x: np.argmin(x, 0), (F,)),
    Op("lax.reduce_min", lambda x: lax.reduce_min(x, (0,)), lambda x: np.min(x, 0), (F,),
       diff=(0,)),
    Op("lax.reduce_and", lambda x: lax.reduce_and(x, (1,)), lambda x: np.all(x, 1), (B,)),
    Op("lax.reduce_or", lambda x: lax.reduce_or(x, (0, 1)), np.any, (B,)),
    Op("lax.reduce_and int32", lambda x: lax.reduce_and(x, (1,)),
       lambda x: np.bitwise_and.reduce(x, 1), (I32,)),
    Op("lax.reduce_or uint8", lambda x: lax.reduce_or(x, (0,)),
       lambda x: np.bitwise_or.reduce(x, 0), (U8,)),
    Op("lax.reduce_xor", lambda x: lax.reduce_xor(x, (1,)),
       lambda x: np.bitwise_xor.reduce(x, 1), (I32,)),
    Op("lax.reduce_xor bool", lambda x: lax.reduce_xor(x, (0,)),
       lambda x: np.bitwise_xor.reduce(x, 0), (B,)),
    Op("lax.reduce add", lambda x: lax.reduce(x, 0., lax.add, (1,)), lambda x: np.sum(x, 1),
       (F,), diff=(0,)),
    Op("lax.reduce max over all", lambda x: lax.reduce(x, -jnp.inf, lax.max, (0, 1)),
       np.max, (F,), diff=(0,)),
    Op("lax.reduce generic (non-monoid init)", lambda x: lax.reduce(x, 1., lax.mul, (0,)),
       lambda x: np.prod(x, 0), (F,), diff=(0,)),
    Op("lax.reduce generic sequential", lambda x: lax.reduce(x, 0., lambda a, b: a * 0.5 + b,
                                                             (1,)),
       lambda x: _fold(x, 0.0, lambda a, b: a * 0.5 + b), (Arg((3, 7)),), diff=(0,)),
    Op("lax.reduce generic tree (> 32 elements)",
       lambda x: lax.reduce(x, 0., lambda a, b: jnp.logaddexp(a, b), (0,)),
       lambda x: np.logaddexp(np.logaddexp.reduce(x, 0), 0.0), (Arg((40, 3)),), diff=(0,),
       rtol=1e-5),
    Op("lax.reduce variadic argmax",
       lambda x, i: lax.reduce((x, i), (-jnp.inf, 0), _argmax_pair, (1,)),
       lambda x, i: (np.max(x, 1), np.take_along_axis(i, np.argmax(x, 1)[:, None], 1)[:, 0]),
       (F, Arg((3, 4), "int32", "int", 0, 100)), diff=(0,)),
    Op("lax.slice_in_dim", lambda x: lax.slice_in_dim(x, -3, None, 2, axis=1),
       lambda x: x[:, -3::2], (F,), diff=(0,)),
    Op("lax.index_in_dim", lambda x: lax.index_in_dim(x, -1, 0, keepdims=False),
       lambda x: x[-1], (F,), diff=(0,)),
    Op("lax.dynamic_slice_in_dim", lambda x, i: lax.dynamic_slice_in_dim(x, i, 2, axis=1),
       lambda x, i: x[:, _clamp_start(i, 4, 2):_clamp_start(i, 4, 2) + 2],
       (F, Arg((), "int32", "int", -6, 6)), diff=(0,)),
    Op("lax.dynamic_update_slice_in_dim",
       lambda x, u, i: lax.dynamic_update_slice_in_dim(x, u, i, axis=1),
       lambda x, u, i: _update(x, u, (0, _clamp_start(i, 4, 2))),
       (F, Arg((3, 2)), Arg((), "int32", "int", -6, 6)), diff=(0, 1)),
    Op("lax.dynamic_update_index_in_dim",
       lambda x, u, i: lax.dynamic_update_index_in_dim(x, u, i, 0),
       lambda x, u, i: _update(x, u[None], (_clamp_start(i, 3, 1), 0)),
       (F, Arg((4,)), Arg((), "int32", "int", -3, 3)), diff=(0, 1)),
    Op("lax.expand_dims", lambda x: lax.expand_dims(x, (0, -1)), lambda x: x[None, :, :, None],
       (F,), diff=(0,)),
    Op("lax.broadcast", lambda x: lax.broadcast(x, (2, 1)),
       lambda x: np.broadcast_to(x, (2, 1) + x.shape), (F,), diff=(0,)),
    Op("lax.broadcast_to_rank", lambda x: lax.broadcast_to_rank(x, 4), lambda x: x[None, None],
       (F,), diff=(0,)),
    Op("lax.broadcast_like", lambda x, y: lax.broadcast_like(x, y),
       lambda x, y: np.broadcast_to(x, y.shape), (Arg((4,)), F), diff=(0,)),
    Op("lax.collapse", lambda x: lax.collapse(x, 1), lambda x: x.reshape(2, -1),
       (Arg((2, 3, 4)),), diff=(0,)),
    Op("lax.tile", lambda x: lax.tile(x, (2, 3)), lambda x: np.tile(x, (2, 3)), (F,), diff=(0,)),
    Op("lax.split", lambda x: lax.split(x, (1, 0, 3), axis=1),
       lambda x: np.split(x, [1, 1], axis=1), (F,), diff=(0,)),
    Op("lax.stack", lambda x, y: lax.stack([x, y], axis=-1), lambda x, y: np.stack([x, y], -1),
       (F, F), diff=(0, 1)),
    Op("lax.unstack", lambda x: lax.unstack(x, axis=1), lambda x: tuple(np.moveaxis(x, 1, 0)),
       (F,), diff=(0,)),
    Op("lax.iota", lambda n: lax.iota(jnp.int32, n), lambda n: np.arange(n, dtype=np.int32),
       (static(5),)),
    Op("lax.broadcasted_iota", lambda n: lax.broadcasted_iota(jnp.float32, (2, n, 3), 1),
       lambda n: np.broadcast_to(np.arange(n, dtype=np.float32)[:, None], (2, n, 3)),
       (static(4),)),
    Op("lax.full", lambda v: lax.full((2, 3), v), lambda v: np.full((2, 3), v), (Arg(()),)),
    Op("lax.full_like", lambda x: lax.full_like(x, 2, jnp.int32, (5,)),
       lambda x: np.full((5,), 2, np.int32), (F,)),
    Op("lax.empty", lambda x: lax.empty((2, 3), jnp.float32) * 0 + x,
       lambda x: np.zeros((2, 3), np.float32) + x, (Arg(()),)),
    Op("lax.stage", lambda x: lax.stage(x) * 2, lambda x: x * 2, (F,), diff=(0,)),
]


def _argmax_pair(a, b):
    return jnp.maximum(a[0], b[0]), jnp.where(a[0] >= b[0], a[1], b[1])


def _fold(x, init, fn):
    acc = np.full(x.shape[0], init, x.dtype)
    for j in range(x.shape[1]):
        acc = fn(acc, x[:, j]).astype(x.dtype)
    return acc


def _clamp_start(i, n, size):
    i = int(i)
    i = i + n if i < 0 else i
    return min(max(i, 0), n - size)


def _update(x, u, starts):
    out = np.array(x, copy=True)
    out[tuple(slice(s, s + n) for s, n in zip(starts, u.shape))] = u
    return out


def _ragged_reference(lhs, rhs, sizes):
    out = np.zeros((lhs.shape[0], rhs.shape[-1]), np.float64)
    start = 0
    for g, n in enumerate(sizes):
        out[start:start + n] = lhs[start:start + n] @ rhs[g]
        start += n
    return out.astype(lhs.dtype)


def _ragged_contracting_reference(lhs, rhs, sizes):
    out, start = [], 0
    for n in sizes:
        out.append(lhs[start:start + n].T @ rhs[start:start + n])
        start += n
    return np.stack(out).astype(lhs.dtype)


GROUP_SIZES = Arg(kind="custom", gen=lambda rng: np.array([2, 0, 3], np.int32))
CONTRACTING = lax.RaggedDotDimensionNumbers(dot_dimension_numbers=(((0,), (0,)), ((), ())),
                                            lhs_ragged_dimensions=[0], rhs_group_dimensions=[])

DOTS = [
    Op("lax.dot", lax.dot, np.dot, (F, Arg((4, 2))), diff=(0, 1)),
    Op("lax.dot matrix-vector", lax.dot, np.dot, (F, Arg((4,))), diff=(0, 1)),
    Op("lax.dot dimension_numbers", lambda x, y: lax.dot(
        x, y, dimension_numbers=(((2,), (1,)), ((0,), (0,))), precision=lax.Precision.HIGHEST),
       lambda x, y: np.einsum("bij,bjk->bik", x, y), (Arg((2, 3, 4)), Arg((2, 4, 5))),
       diff=(0, 1)),
    Op("lax.dot preferred_element_type", lambda x, y: lax.dot(
        x, y, precision=lax.DotAlgorithmPreset.F32_F32_F32, preferred_element_type=jnp.float32),
       lambda x, y: np.dot(x, y).astype(np.float32), (Arg((3, 4), "int8", "int", -9, 9),
                                                      Arg((4, 2), "int8", "int", -9, 9))),
    Op("lax.batch_matmul", lambda x, y: lax.batch_matmul(x, y, precision=("highest", "high")),
       np.matmul, (Arg((2, 3, 4)), Arg((2, 4, 5))), diff=(0, 1)),
    Op("lax.ragged_dot", lambda x, y, g: lax.ragged_dot(x, y, g), _ragged_reference,
       (Arg((5, 4)), Arg((3, 4, 2)), GROUP_SIZES), diff=(0, 1)),
    Op("lax.ragged_dot rows past the groups", lambda x, y, g: lax.ragged_dot(x, y, g),
       _ragged_reference, (Arg((6, 4)), Arg((3, 4, 2)), GROUP_SIZES), diff=(0, 1)),
    Op("lax.ragged_dot_general ragged contracting", lambda x, y, g: lax.ragged_dot_general(
        x, y, g, CONTRACTING), _ragged_contracting_reference,
       (Arg((5, 3)), Arg((5, 2)), GROUP_SIZES), diff=(0, 1)),
    Op("lax.scaled_dot", lambda x, y, sx, sy: lax.scaled_dot(
        x, y, lhs_scale=sx, rhs_scale=sy, preferred_element_type=jnp.float32),
       lambda x, y, sx, sy: (x * np.repeat(sx, 2, 1)) @ (y * np.repeat(sy, 2, 0)),
       (Arg((3, 4)), Arg((4, 2)), Arg((3, 2)), Arg((2, 2))), rtol=1e-5),
]

OPS = GATHER_SCATTER + ELEMENTWISE + REDUCTIONS_AND_SLICES + DOTS


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)


# ---- JAX's recorded results ----------------------------------------------------------------
with open(GOLDEN) as _f:
    _GOLDEN = json.load(_f)["cases"]


@pytest.mark.parametrize("name", sorted(lax_cases.CASES))
def test_matches_jax(name):
    got = jaxlite.tree_util.tree_leaves(lax_cases.CASES[name](jaxlite, jnp, lax))
    assert_close(got, [decode_golden(entry) for entry in _GOLDEN[name]], 2e-6, 2e-6, name)


# ---- specific behaviour ----------------------------------------------------------------------
def test_mulhi_64_bit_is_exact():
    jaxlite.config.update("jax_enable_x64", True)
    try:
        rng = np.random.default_rng(3)
        for dtype in (np.int64, np.uint64):
            info = np.iinfo(dtype)
            x = rng.integers(info.min, info.max, 50, dtype=dtype, endpoint=True)
            y = rng.integers(info.min, info.max, 50, dtype=dtype, endpoint=True)
            x[:4] = [info.min, info.max, 0, -1 if dtype == np.int64 else 1]
            y[:4] = [info.min, info.max, info.max, info.min]
            np.testing.assert_array_equal(np.asarray(lax.mulhi(x, y)), _mulhi_reference(x, y))
            np.testing.assert_array_equal(np.asarray(lax.clz(x)), _clz_reference(x))
    finally:
        jaxlite.config.update("jax_enable_x64", False)


def test_reduce_precision_derivatives_round_like_the_value():
    f = lambda x: lax.reduce_precision(x * 1.2345678, 5, 10)
    # Linear as in JAX: the cotangent 1.0 is already representable, the tangent is rounded.
    assert float(jaxlite.grad(f)(1.0)) == float(np.float32(1.2345678))
    assert float(jaxlite.jvp(f, (1.0,), (2.0,))[1]) == float(np.float16(2 * 1.2345678))
    assert float(jaxlite.jit(f)(1.0)) == 1.234375


def test_gather_scatter_errors():
    x = jnp.arange(5.)
    take = GDN(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,))
    with pytest.raises(ValueError, match="integer"):
        lax.gather(x, jnp.array([[1.]]), take, (1,))
    with pytest.raises(TypeError, match="collapse slice dims with bound 1"):
        lax.gather(x, jnp.array([[1]]), take, (2,))
    with pytest.raises(ValueError, match="Unknown gather mode"):
        lax.gather(x, jnp.array([[1]]), take, (1,), mode="wrap")
    with pytest.raises(NotImplementedError):
        lax.gather(x, jnp.array([[1]]), take, (1,), mode=lax.GatherScatterMode.ONE_HOT)
    add = SDN(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
    with pytest.raises(TypeError, match="same dtypes"):
        lax.scatter_add(x, jnp.array([[1], [2]]), jnp.array([1, 2]), add)
    with pytest.raises(TypeError, match="updates of shape"):
        lax.scatter_add(x, jnp.array([[1], [2]]), jnp.ones(3), add)
    assert lax.GatherScatterMode.from_any("fill") is lax.GatherScatterMode.FILL_OR_DROP
    assert lax.GatherScatterMode.from_any(None) is lax.GatherScatterMode.FILL_OR_DROP


def test_scatter_apply_applies_once_per_hit_under_jit():
    dn = SDN(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
    f = jaxlite.jit(lambda x, i: lax.scatter_apply(x, i, lambda v: v * 2 + 1, dn,
                                                   update_shape=(4,)))
    out = f(jnp.arange(5.), jnp.array([[1], [1], [1], [4]]))
    np.testing.assert_array_equal(np.asarray(out), [0., 15., 2., 3., 9.])


def test_generic_reduce_checks_structure_and_dtypes():
    with pytest.raises(ValueError, match="same tree structure"):
        lax.reduce((jnp.ones(3), jnp.ones(3)), 0., lax.add, (0,))
    with pytest.raises(TypeError, match="dtype"):
        lax.reduce(jnp.ones(3), 0., lambda a, b: (a + b).astype(jnp.int32), (0,))
    assert lax.reduce(jnp.zeros((2, 0)), 5., lambda a, b: a + b, (1,)).tolist() == [5., 5.]
    out = lax.reduce(2.0, 0., lax.add, ())  # weak operand and init: weak result, as JAX
    assert out.weak_type and float(out) == 2.0


def test_structural_errors():
    with pytest.raises(ValueError, match="Sum of sizes"):
        lax.split(jnp.ones((2, 3)), (1, 1), axis=1)
    with pytest.raises(TypeError, match="reps length"):
        lax.tile(jnp.ones((2, 3)), (2,))
    with pytest.raises(TypeError, match="same dtypes"):
        lax.stack([jnp.ones(3), jnp.ones(3, jnp.int32)])
    with pytest.raises(ValueError, match="Incompatible shapes"):
        lax.broadcast_shapes((2, 1), (3, 4))
    with pytest.raises(ValueError, match="dimension_numbers must be specified"):
        lax.dot(jnp.ones((2, 3, 4)), jnp.ones(4))
    with pytest.raises(ValueError, match="same ndim"):
        lax.batch_matmul(jnp.ones((3, 4)), jnp.ones((2, 4, 5)))
    with pytest.raises(TypeError, match="does not accept dtype float32"):
        lax.clz(jnp.ones(2))
    with pytest.raises(TypeError, match="bool or complex"):
        lax.bitcast_convert_type(jnp.ones(2, jnp.int8), jnp.bool_)
    assert lax.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert lax.collapse(jnp.ones((2, 3, 4)), -2, -1).shape == (2, 3, 4)


def test_types_and_enums():
    assert lax.dtype(1.0) == np.float32 and lax.dtype(np.float64) == np.float32
    assert lax.dtype(True) == np.bool_ and lax.dtype(jnp.ones(2, jnp.int8)) == np.int8
    assert lax.dtype("int64") == np.int32 and lax.dtype(3) == np.int32
    assert np.asarray(lax.shape_as_value((2, 3))).tolist() == [2, 3]
    assert lax.shape_as_value(()).shape == (0,)
    assert lax.Precision("highest") is lax.Precision.HIGHEST
    assert lax.Precision("float32") is lax.Precision.HIGHEST and str(lax.Precision.HIGH) == "HIGH"
    assert [m.value for m in lax.DotAlgorithmPreset][-1] == 16
    assert lax.DotAlgorithm(jnp.float32, jnp.float32, jnp.float32).num_primitive_operations == 1
    assert [m.name for m in lax.AccuracyMode] == ["HIGHEST", "DEFAULT"]
    assert lax.Tolerance(atol=1e-3).atol == 1e-3
    with pytest.raises(ValueError):
        lax.Tolerance()
    assert float(lax.exp(0.0, accuracy=lax.AccuracyMode.HIGHEST)) == 1.0
    precision: lax.PrecisionLike = lax.Precision.DEFAULT
    dims: lax.DotDimensionNumbers = (((1,), (0,)), ((), ()))
    assert lax.dot(jnp.ones((2, 3)), jnp.ones(3), precision=precision).shape == (2,)
    assert dims[0] == ((1,), (0,))
    assert [int(a) for a in lax.RandomAlgorithm] == [0, 1, 2]
    assert int(lax.RoundingMethod.TO_NEAREST_EVEN) == 1


def test_tokens_barriers_and_platforms():
    token = lax.create_token()
    assert isinstance(lax.after_all(token, lax.create_token()), type(token))
    assert isinstance(jaxlite.jit(lambda x: (x + 1, lax.create_token()))(1.0)[1], type(token))
    x = jnp.arange(3.)
    y, z = lax.optimization_barrier((x, 2.0))
    assert np.asarray(y).tolist() == [0., 1., 2.] and z.weak_type
    assert float(jaxlite.grad(lambda a: lax.optimization_barrier(a * a))(3.0)) == 6.0
    assert lax.dce_sink(x) is None
    assert float(lax.platform_dependent(1.0, cpu=lambda a: a + 1, default=lambda a: a - 1)) == 2
    assert float(lax.platform_dependent(1.0, tpu=lambda a: a + 1, default=lambda a: a - 1)) == 0
    g = jaxlite.grad(lambda a: lax.platform_dependent(a, cpu=lambda v: v * v))(3.0)
    assert float(g) == 6.0
    with pytest.raises(ValueError, match="cuda"):
        lax.platform_dependent(1.0, gpu=lambda a: a)
    with pytest.raises(NotImplementedError):
        lax.platform_dependent(1.0, tpu=lambda a: a)
    double = lax.composite(lambda a, scale=2: a * scale, name="my.double")
    assert float(double(3.0, scale=3)) == 9.0
    assert float(jaxlite.grad(double)(3.0)) == 2.0


def test_rng_uniform_and_bit_generator():
    u = lax.rng_uniform(2.0, 3.0, (1000,))
    assert u.shape == (1000,) and u.dtype == np.float32 and u.weak_type
    assert 2.0 <= float(u.min()) and float(u.max()) < 3.0
    f = jaxlite.jit(lambda: lax.rng_uniform(0.0, 1.0, (4,)))
    assert not np.array_equal(np.asarray(f()), np.asarray(f()))  # stateful: fresh each call
    key = jnp.array([1, 2, 3, 4], jnp.uint32)
    new_key, bits = lax.rng_bit_generator(key, (2, 3))
    assert new_key.shape == (4,) and new_key.dtype == np.uint32
    assert bits.shape == (2, 3) and bits.dtype == np.uint32
    again = lax.rng_bit_generator(key, (2, 3))
    assert np.array_equal(np.asarray(again[1]), np.asarray(bits))  # deterministic in the key
    jitted = jaxlite.jit(lambda k: lax.rng_bit_generator(k, (2, 3)))(key)
    assert np.array_equal(np.asarray(jitted[1]), np.asarray(bits))
    assert not np.array_equal(np.asarray(lax.rng_bit_generator(new_key, (2, 3))[1]),
                              np.asarray(bits))
    assert lax.rng_bit_generator(key, (5,), jnp.uint8)[1].dtype == np.uint8
    with pytest.raises(TypeError, match="unsupported dtype"):
        lax.rng_bit_generator(key, (3,), jnp.int32)
    assert lax.rng_bit_generator(key, (3,), algorithm=lax.RandomAlgorithm.RNG_PHILOX)[1].shape \
        == (3,)


def test_custom_linear_solve_rules():
    a = jnp.array([[4., 1.], [1., 3.]])
    b = jnp.array([1., 2.])
    solve = lambda mv, r: jnp.linalg.solve(a, r)
    without_transpose = lambda b: lax.custom_linear_solve(lambda x: a @ x, b, solve)
    np.testing.assert_allclose(np.asarray(without_transpose(b)), np.linalg.solve(a, b),
                               rtol=1e-6)
    _, tangent = jaxlite.jvp(without_transpose, (b,), (b,))  # forward mode needs no transpose
    np.testing.assert_allclose(np.asarray(tangent), np.linalg.solve(a, b), rtol=1e-6)
    with pytest.raises(TypeError, match="transpose_solve required"):
        jaxlite.grad(lambda b: without_transpose(b).sum())(b)
    with pytest.raises(ValueError, match="output shapes must match"):
        lax.custom_linear_solve(lambda x: a @ x, b, lambda mv, r: jnp.ones(3))
    tree = lax.custom_linear_solve(lambda x: {"u": 2 * x["u"], "v": 4 * x["v"]},
                                   {"u": 1., "v": jnp.ones(2)},
                                   lambda mv, r: {"u": r["u"] / 2, "v": r["v"] / 4},
                                   symmetric=True)
    assert float(tree["u"]) == 0.5 and np.asarray(tree["v"]).tolist() == [0.25, 0.25]
    x, aux = lax.custom_linear_solve(lambda x: a @ x, b, lambda mv, r: (solve(mv, r), 7),
                                     symmetric=True, has_aux=True)
    assert int(aux) == 7
    # A solver that cannot be differentiated (a while_loop) is differentiated implicitly.
    def conjugate_gradient(matvec, r):
        def body(state):
            x, res, p, rs = state
            ap = matvec(p)
            alpha = rs / (p @ ap)
            x, res = x + alpha * p, res - alpha * ap
            return x, res, res + (res @ res / rs) * p, res @ res
        return lax.while_loop(lambda s: s[3] > 1e-12, body, (jnp.zeros_like(r), r, r, r @ r))[0]
    g = jaxlite.grad(lambda a: lax.custom_linear_solve(lambda x: a @ x, b, conjugate_gradient,
                                                       symmetric=True).sum())(a)
    x = np.linalg.solve(np.asarray(a), np.asarray(b))
    np.testing.assert_allclose(np.asarray(g), -np.outer(np.linalg.solve(np.asarray(a).T,
                                                                        np.ones(2)), x),
                               rtol=1e-5)


def test_custom_root_matches_finite_differences():
    def newton(f, x0):
        for _ in range(25):
            x0 = x0 - f(x0) / jaxlite.grad(f)(x0)
        return x0

    def root(a):  # the positive root of x**2 + a x - 3
        return lax.custom_root(lambda x: x ** 2 + a * x - 3.0, 1.0, newton,
                               lambda g, y: y / g(1.0))

    exact = lambda a: (-a + math.sqrt(a * a + 12.0)) / 2
    for a in (0.5, 2.0):
        assert abs(float(root(a)) - exact(a)) < 1e-6
        fd = (exact(a + 1e-4) - exact(a - 1e-4)) / 2e-4
        assert abs(float(jaxlite.grad(root)(a)) - fd) < 1e-4
        assert abs(float(jaxlite.jit(jaxlite.grad(root))(a)) - fd) < 1e-4
    # The initial guess gets no gradient; solve may return auxiliary data.
    assert float(jaxlite.grad(lambda g: lax.custom_root(
        lambda x: x - 2.0, g, lambda f, x0: 2.0 + 0 * x0, lambda g, y: y))(1.0)) == 0.0
    value, aux = lax.custom_root(lambda x: x ** 3 - 8.0, 1.0,
                                 lambda f, x0: (newton(f, x0), 25), lambda g, y: y / g(1.0),
                                 has_aux=True)
    assert abs(float(value) - 2.0) < 1e-6 and int(aux) == 25


_SIZE_ONE_CONTRACTIONS = [
    ((25, 1), (1, 40), (((1,), (0,)), ((), ()))),
    ((1, 25), (1, 40), (((0,), (0,)), ((), ()))),
    ((1, 25), (40, 1), (((0,), (1,)), ((), ()))),
    ((3, 1, 4), (1, 5), (((1,), (0,)), ((), ()))),
    ((1,), (1, 7), (((0,), (0,)), ((), ()))),
    ((6, 1), (1,), (((1,), (0,)), ((), ()))),
]


@pytest.mark.parametrize("x_shape, y_shape, dims", _SIZE_ONE_CONTRACTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_dot_general_over_size_one_axes_is_a_product_under_jit(x_shape, y_shape, dims, dtype):
    """Contracting only size-1 axes lowers to a broadcasting multiply: the same values as
    the BLAS call eager makes, bit for bit, in dot_general's output order."""
    rng = np.random.default_rng(0)
    x = jnp.asarray((rng.standard_normal(x_shape) * 10).astype(dtype))
    y = jnp.asarray((rng.standard_normal(y_shape) * 10).astype(dtype))
    f = lambda x, y: lax.dot_general(x, y, dims)
    jitted = jaxlite.jit(f)
    assert "np.multiply" in jitted.lower(x, y).compile().as_python()
    eager = np.asarray(f(x, y))
    np.testing.assert_array_equal(np.asarray(jitted(x, y)), eager)
    assert eager.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64"])
def test_population_count_without_numpy_bitwise_count(dtype):
    # NumPy < 2.0 has no np.bitwise_count: the per-byte table stands in for it.
    from jaxlite._src.prims.elementwise import _bitwise_count_by_bytes
    info = np.iinfo(dtype)
    x = np.random.default_rng(0).integers(0, info.max, (5, 6), dtype=dtype, endpoint=True)
    x[0, :3] = [0, info.max, 1]
    for value in (x, x[:, ::2], x[1, 1]):  # contiguous, strided, 0-d
        got = _bitwise_count_by_bytes(np.asarray(value))
        assert got.dtype == np.uint8 and got.shape == np.shape(value)
        np.testing.assert_array_equal(got, _popcount_reference(np.asarray(value)))
