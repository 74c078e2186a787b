"""The table-driven harness: one row per function, every check derived from the row.

A row (`Op`) names a function, how to draw its arguments, and which arguments are
differentiable. `check_op` then verifies, for that row:

  values   against a NumPy/SciPy reference (if the row has one), dtype included;
  jit      jit(fn) == fn;
  vmap     vmap(fn) over a batch of 3 (each array argument mapped) == a Python loop;
  grad     in x64 mode, JVPs along random directions and VJPs of random cotangents
           against central finite differences, for each differentiable argument.
           Complex values count as pairs of reals: complex outputs are split into
           real and imaginary parts, complex inputs get complex directions, and a
           VJP pairs with a direction as JAX's transposes do, Re(sum(ct * v)).

Use it from a test module:

    OPS = [Op("jnp.cumsum", jnp.cumsum, np.cumsum, (Arg((3, 4)),), {"axis": 1}, diff=(0,))]

    @pytest.mark.parametrize("op", OPS, ids=op_id)
    def test_op(op):
        check_op(op)
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

import jaxlite
import jaxlite.numpy as jnp


@dataclass
class Arg:
    """How to draw one positional argument.

    kind: "float" (uniform in [low, high]), "positive" (uniform in [low, high] with
    low > 0 by default), "complex" (real and imaginary parts uniform in [low, high];
    give dtype="complex64"), "int" (integers in [low, high)), "bool", "spd" (a symmetric
    positive-definite matrix, shape (..., n, n)), "static" (pass `value` as is, never
    mapped or differentiated), or "custom" (call `gen(rng)` -> np.ndarray)."""
    shape: tuple = ()
    dtype: str = "float32"
    kind: str = "float"
    low: float = -2.0
    high: float = 2.0
    value: object = None
    gen: Optional[Callable] = None

    def draw(self, rng, dtype_override=None):
        dtype = np.dtype(dtype_override or self.dtype)
        if self.kind == "static":
            return self.value
        if self.kind == "custom":
            return np.asarray(self.gen(rng))
        if self.kind == "float":
            return rng.uniform(self.low, self.high, self.shape).astype(dtype)
        if self.kind == "complex":
            parts = rng.uniform(self.low, self.high, (2,) + tuple(self.shape))
            return (parts[0] + 1j * parts[1]).astype(dtype)
        if self.kind == "positive":
            low = self.low if self.low > 0 else 0.5
            return rng.uniform(low, max(self.high, low + 1), self.shape).astype(dtype)
        if self.kind == "int":
            return rng.integers(int(self.low), int(self.high), self.shape).astype(dtype)
        if self.kind == "bool":
            return rng.random(self.shape) < 0.5
        if self.kind == "spd":
            *batch, n, _ = self.shape
            a = rng.normal(size=tuple(batch) + (n, n))
            return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)
        raise ValueError(f"unknown Arg kind {self.kind!r}")


@dataclass
class Op:
    """One function under test (see the module docstring)."""
    name: str
    fn: Callable
    ref: Optional[Callable]
    args: tuple
    kwargs: dict = field(default_factory=dict)
    diff: tuple = ()
    rtol: float = 1e-5
    atol: float = 1e-6
    grad_rtol: float = 2e-4
    grad_atol: float = 2e-5
    vmap: bool = True
    jit: bool = True
    modes: tuple = ("fwd", "rev")
    check_dtype: bool = True
    seed: int = 0


def op_id(op):
    return op.name


def _to_numpy(tree):
    # A Python int leaf is recorded as NumPy saw it on the recording machine (int64);
    # np.asarray would give the platform's int (int32 on wasm32).
    return jaxlite.tree_util.tree_map(
        lambda x: np.asarray(x, np.int64) if type(x) is int else np.asarray(x), tree)


def decode_golden(entry):
    """An array recorded by tools/record_*_golden.py: values (complex as [re, im] pairs),
    dtype and shape."""
    dtype = np.dtype(entry["dtype"])
    values = np.array(entry["values"], dtype=np.float64 if dtype.kind in "fc" else dtype)
    if dtype.kind == "c":
        values = values[..., 0] + 1j * values[..., 1]
    return values.astype(dtype).reshape(entry["shape"])


def ulp_distance(a, b):
    """|a - b| in units in the last place, elementwise, for float arrays of one dtype
    (NaN against NaN counts 0). Floats map to a monotonic integer line, so the distance
    is the number of representable values between them, across zero too."""
    a, b = np.atleast_1d(np.asarray(a)), np.atleast_1d(np.asarray(b))
    signed = {2: np.int16, 4: np.int32, 8: np.int64}[a.dtype.itemsize]

    def line(x):
        bits = x.view(signed).astype(np.int64)
        return np.where(bits < 0, np.iinfo(signed).min - bits, bits)
    distance = np.abs(line(a) - line(b))
    return np.where(np.isnan(a) & np.isnan(b), 0, distance)


def assert_close(got, want, rtol, atol, what, check_dtype=True):
    got_leaves = jaxlite.tree_util.tree_leaves(_to_numpy(got))
    want_leaves = jaxlite.tree_util.tree_leaves(want)
    assert len(got_leaves) == len(want_leaves), f"{what}: {len(got_leaves)} outputs, expected {len(want_leaves)}"
    for g, w in zip(got_leaves, want_leaves):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"{what}: shape {g.shape}, expected {w.shape}"
        if check_dtype:
            assert g.dtype == w.dtype, f"{what}: dtype {g.dtype}, expected {w.dtype}"
        if g.dtype == np.bool_ or w.dtype == np.bool_ or g.dtype.kind in "iu":
            np.testing.assert_array_equal(g, w, err_msg=what)
        else:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=what, equal_nan=True)


def _draw(op, rng, x64=False):
    out = []
    for a in op.args:
        dtype = None
        if x64 and a.kind in ("float", "positive", "spd") and a.dtype == "float32":
            dtype = "float64"
        if x64 and a.kind == "complex" and a.dtype == "complex64":
            dtype = "complex128"
        value = a.draw(rng, dtype)
        if x64 and a.kind == "custom" and np.asarray(value).dtype == np.float32:
            value = np.asarray(value, np.float64)  # gradient checks run in float64
        out.append(value)
    return out


def _call(op, args):
    return op.fn(*[a if spec.kind == "static" else jnp.asarray(a)
                   for a, spec in zip(args, op.args)], **op.kwargs)


def check_values(op):
    if op.ref is None:
        return
    rng = np.random.default_rng(op.seed)
    args = _draw(op, rng)
    want = op.ref(*args, **op.kwargs)
    want = jaxlite.tree_util.tree_map(
        lambda w: np.asarray(w).astype(_jax_dtype(np.asarray(w).dtype)), want)
    assert_close(_call(op, args), want, op.rtol, op.atol, f"{op.name} vs reference",
                  op.check_dtype)


def _jax_dtype(dtype):
    """What JAX's x32 mode makes of a NumPy result dtype (float64 -> float32, ...)."""
    return {np.dtype("float64"): np.dtype("float32"), np.dtype("int64"): np.dtype("int32"),
            np.dtype("uint64"): np.dtype("uint32"),
            np.dtype("complex128"): np.dtype("complex64")}.get(np.dtype(dtype), np.dtype(dtype))


def check_jit(op):
    if not op.jit:
        return
    rng = np.random.default_rng(op.seed + 1)
    args = _draw(op, rng)
    eager = _call(op, args)
    static = tuple(i for i, spec in enumerate(op.args) if spec.kind == "static")
    jitted = jaxlite.jit(lambda *xs: op.fn(*xs, **op.kwargs), static_argnums=static)
    got = jitted(*[a if spec.kind == "static" else jnp.asarray(a)
                   for a, spec in zip(args, op.args)])
    assert_close(got, _to_numpy(eager), op.rtol * 10, op.atol * 10, f"{op.name}: jit vs eager")


def check_vmap(op, batch=3):
    if not op.vmap:
        return
    rng = np.random.default_rng(op.seed + 2)
    per_lane = [_draw(op, rng) for _ in range(batch)]
    mapped = [i for i, spec in enumerate(op.args) if spec.kind != "static"]
    if not mapped:
        return
    stacked = []
    for i, spec in enumerate(op.args):
        stacked.append(per_lane[0][i] if spec.kind == "static"
                       else jnp.asarray(np.stack([lane[i] for lane in per_lane])))
    in_axes = tuple(None if spec.kind == "static" else 0 for spec in op.args)

    def f(*xs):
        return op.fn(*xs, **op.kwargs)

    got = jaxlite.vmap(f, in_axes=in_axes)(*stacked)
    lanes = [_to_numpy(_call(op, lane)) for lane in per_lane]
    want = jaxlite.tree_util.tree_map(lambda *xs: np.stack(xs), *lanes)
    assert_close(got, want, op.rtol * 10, op.atol * 10, f"{op.name}: vmap vs loop")


def _scalarize(op, args, argnum):
    """A function of one argument (flattened inputs and outputs, float64)."""
    def f(x):
        full = list(args)
        full[argnum] = x
        out = op.fn(*[a if spec.kind == "static" else jnp.asarray(a)
                      for a, spec in zip(full, op.args)], **op.kwargs)
        leaves = [jnp.asarray(l) for l in jaxlite.tree_util.tree_leaves(out)]
        parts = []
        for l in leaves:
            if jnp.issubdtype(l.dtype, jnp.complexfloating):
                parts += [jnp.real(l), jnp.imag(l)]
            elif jnp.issubdtype(l.dtype, jnp.inexact):
                parts.append(l)
        return jnp.concatenate([jnp.ravel(jnp.asarray(p, dtype=jnp.float64)) for p in parts])
    return f


def check_grads(op, eps=1e-6):
    if not op.diff:
        return
    previous = jaxlite.config.jax_enable_x64
    jaxlite.config.update("jax_enable_x64", True)
    try:
        rng = np.random.default_rng(op.seed + 3)
        args = _draw(op, rng, x64=True)
        for argnum in op.diff:
            f = _scalarize(op, args, argnum)
            x = np.asarray(args[argnum])
            x = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)
            v = rng.normal(size=x.shape)
            if x.dtype.kind == "c":
                v = v + 1j * rng.normal(size=x.shape)
            fd = (np.asarray(f(x + eps * v)) - np.asarray(f(x - eps * v))) / (2 * eps)
            if "fwd" in op.modes:
                _, tangent = jaxlite.jvp(f, (jnp.asarray(x),), (jnp.asarray(v),))
                np.testing.assert_allclose(tangent, fd, rtol=op.grad_rtol, atol=op.grad_atol,
                                           err_msg=f"{op.name}: JVP of arg {argnum} vs FD")
            if "rev" in op.modes:
                y, pullback = jaxlite.vjp(f, jnp.asarray(x))
                u = rng.normal(size=np.shape(y))
                (ct,) = pullback(jnp.asarray(u))
                # <u, J v> from finite differences must equal <J^T u, v>.
                np.testing.assert_allclose(np.real(np.sum(np.asarray(ct) * v)), np.sum(u * fd),
                                           rtol=op.grad_rtol, atol=op.grad_atol * max(1, x.size),
                                           err_msg=f"{op.name}: VJP of arg {argnum} vs FD")
    finally:
        jaxlite.config.update("jax_enable_x64", previous)


def check_op(op):
    check_values(op)
    check_jit(op)
    check_vmap(op)
    check_grads(op)
