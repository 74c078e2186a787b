"""The vocabulary of the whole-program tier's rules (compiler/program.py): statements
in Numba-compiled Python for primitives that are not elementwise. A primitive's module
sets `Primitive.numba_code` where it defines the primitive:

    transpose_p.numba_code = transpose_code

  rule(ctx, eqn, ins, outs) -> True (statements emitted) | False (not compiled)
  `ins`: the operands' names (0-d values are Numba scalars, others C-contiguous arrays)
  or typed constants; `outs`: the names to assign. The context offers ctx.emit(line),
  ctx.fresh(prefix), ctx.for_each(shape) (nested loops, yields index names),
  ctx.indent(), ctx.jaxpr(jaxpr, names) -> output names (a nested Jaxpr's code, here),
  ctx.owned(name) (a certainly writable array), ctx.writable (the set of names of
  arrays the program made), ctx.view_of(out, operand), ctx.helper(name, source).
  Every result is a C-contiguous array (or a scalar); arrays are never written after
  the statements that make them (but a loop's own carries: new_carries).

`numba_scalar_code` (elementwise, rules as `scalar_code`'s) is for expressions that
may differ from NumPy's in the last bits: the transcendental ufuncs, libm's or
prims/fast_math.py's against NumPy's SIMD kernels (tests/compiler/test_program_tier.py
and test_fast_math.py measure the bounds).
"""
import importlib.util
import math

import numpy as np

from . import fast_math


def dtype_code(dtype):
    """The dtype as Numba-compiled code spells it."""
    return "np.bool_" if np.dtype(dtype).kind == "b" else f"np.{np.dtype(dtype).name}"


def _index(names):
    return ", ".join(names)


# ---- elementwise expressions that may differ from NumPy in the last bits ---------------

def libm_code(function, kinds="f"):
    """`np.function(x)` on one float element (Numba calls libm's float or double)."""
    def rule(x, params, avals, out):
        return f"np.{function}({x[0]})" if avals[0].dtype.kind in kinds else None
    return rule


def fast_float32_code(name, fallback=None):
    """float32: prims/fast_math.py's helper, arithmetic only, so loops vectorize at any size
    (within fast_math's measured bounds: the correctly rounded result for exp, log, log1p,
    expm1, tanh and logistic); other floats: `fallback`, libm's function by default. The
    rule carries the helpers (`helpers`) the generated program defines."""
    fast, other = fast_math.scalar_code(name), fallback or libm_code(name)

    def rule(x, params, avals, out):
        return fast(x, params, avals, out) or other(x, params, avals, out)
    rule.vectorized = frozenset({np.dtype(np.float32)})
    rule.helpers = fast_math.helpers(name)
    return rule


def logistic_code(x, params, avals, out):
    """1 / (1 + exp(-x)), the operations of the NumPy implementation."""
    if avals[0].dtype.kind != "f":
        return None
    one = f"{dtype_code(out.dtype)}(1)"
    return f"{one} / ({one} + np.exp(-{x[0]}))"


def remainder_code(x, params, avals, out):
    """XLA's remainder: truncated toward zero (C's fmod; exact for floats too), and for
    integers x rem 0 == x. Integer operands are widened to 64 bits by Numba, so |x| of
    the most negative int32 does not overflow; the loop wraps the result back."""
    a, b = x
    kind = avals[0].dtype.kind
    if kind == "f":
        return f"np.fmod({a}, {b})"
    if kind == "i":
        return (f"(((abs(np.int64({a})) % abs(np.int64({b}))) * (1 if {a} >= 0 else -1))"
                f" if {b} != 0 else {a})")
    return None


def integer_quotient_code(x, params, avals, out):
    """XLA's integer division: toward zero, x / 0 == -1 (all bits set), INT_MIN / -1 wraps
    (in Numba's 64-bit arithmetic, wrapped back to the dtype by the loop)."""
    if avals[0].dtype.kind not in "iu":
        return None
    a, b = (f"np.int64({v})" for v in x)
    return (f"(-1 if {b} == 0 else (abs({a}) // abs({b})) * (1 if ({a} < 0) == ({b} < 0)"
            f" else -1))")


def bool_to_integer_code(x, params, avals, out):
    """convert_element_type of a bool to an integer (0 or 1), e.g. cond's index."""
    if avals[0].dtype.kind != "b" or out.dtype.kind not in "iu":
        return None
    return f"{dtype_code(out.dtype)}({x[0]})"


def round_code(x, params, avals, out):
    """lax.round as the implementation computes it: half to even (np.rint), or half away
    from zero: the integer part, one further out where the cut-off fraction (exact) is
    at least a half."""
    if avals[0].dtype.kind != "f":
        return None
    if params.get("rounding_method", 0) in (1, "TO_NEAREST_EVEN"):
        return f"np.rint({x[0]})"
    whole = f"np.trunc({x[0]})"
    return f"({whole} + np.sign({x[0]}) if abs({x[0]} - {whole}) >= 0.5 else {whole})"


def clamp_code(x, params, avals, out):
    """minimum(maximum(x, lo), hi) as NumPy computes it (NaN propagates; of equal operands
    the second is returned)."""
    lo, value, hi = x
    if out.dtype.kind in "iu":
        return f"min(max({value}, {lo}), {hi})"
    if out.dtype.kind != "f":
        return None
    low = f"({value} if ({value} > {lo} or {value} != {value}) else {lo})"
    return f"({low} if ({low} < {hi} or {low} != {low}) else {hi})"


def power_code(x, params, avals, out):
    """x ** y for a small integer y as repeated products (NumPy's power rounds once)."""
    y = params["y"]
    if avals[0].dtype.kind != "f" or not 1 <= abs(y) <= 4:
        return None
    product = " * ".join([x[0]] * abs(y))
    return f"({product})" if y > 0 else f"({dtype_code(out.dtype)}(1) / ({product}))"


# ---- shapes ----------------------------------------------------------------------------

def broadcast_code(ctx, eqn, ins, outs):
    x, out = ins[0], outs[0]
    operand, shape = eqn.inputs[0].aval.shape, tuple(eqn.params["shape"])
    dims = tuple(eqn.params["broadcast_dimensions"])
    dtype = dtype_code(eqn.outputs[0].aval.dtype)
    if shape == ():
        ctx.emit(f"{out} = {x}")
        return True
    if operand == ():
        ctx.emit(f"{out} = np.full({shape!r}, {x}, {dtype})")
    else:
        ctx.emit(f"{out} = np.empty({shape!r}, {dtype})")
        with ctx.for_each(shape) as index:
            source = ["0" if operand[k] == 1 and shape[d] != 1 else index[d]
                      for k, d in enumerate(dims)]
            ctx.emit(f"{out}[{_index(index)}] = {x}[{_index(source)}]")
    ctx.writable.add(out)
    return True


def reshape_code(ctx, eqn, ins, outs):
    """reshape, squeeze, expand_dims: the row-major order is kept."""
    if eqn.params.get("dimensions") is not None:
        return False
    x, out = ins[0], outs[0]
    operand, shape = eqn.inputs[0].aval.shape, eqn.outputs[0].aval.shape
    if operand == () and shape == ():
        ctx.emit(f"{out} = {x}")
    elif shape == ():
        ctx.emit(f"{out} = {x}.reshape(1)[0]")
    elif operand == ():
        ctx.emit(f"{out} = np.full({tuple(shape)!r}, {x}, {dtype_code(eqn.outputs[0].aval.dtype)})")
        ctx.writable.add(out)
    else:
        ctx.emit(f"{out} = {x}.reshape({tuple(shape)!r})")
        ctx.view_of(out, x)
    return True


def emit_transpose(ctx, x, shape, permutation, dtype):
    """A C-ordered copy of `x` (of `shape`) with its axes permuted; returns its name."""
    out_shape = tuple(shape[p] for p in permutation)
    out = ctx.fresh("v")
    ctx.emit(f"{out} = np.empty({out_shape!r}, {dtype_code(dtype)})")
    with ctx.for_each(out_shape) as index:
        source = [None] * len(shape)
        for k, p in enumerate(permutation):
            source[p] = index[k]
        ctx.emit(f"{out}[{_index(index)}] = {x}[{_index(source)}]")
    ctx.writable.add(out)
    return out


def transpose_code(ctx, eqn, ins, outs):
    aval = eqn.inputs[0].aval
    if aval.shape == ():
        ctx.emit(f"{outs[0]} = {ins[0]}")
        return True
    name = emit_transpose(ctx, ins[0], aval.shape, tuple(eqn.params["permutation"]), aval.dtype)
    ctx.emit(f"{outs[0]} = {name}")
    ctx.writable.add(outs[0])
    return True


def concatenate_code(ctx, eqn, ins, outs):
    axis, out_aval = eqn.params["dimension"], eqn.outputs[0].aval
    out = outs[0]
    ctx.emit(f"{out} = np.empty({tuple(out_aval.shape)!r}, {dtype_code(out_aval.dtype)})")
    start = 0
    for x, v in zip(ins, eqn.inputs):
        n = v.aval.shape[axis]
        where = [":"] * len(out_aval.shape)
        where[axis] = f"{start}:{start + n}"
        ctx.emit(f"{out}[{_index(where)}] = {x}")
        start += n
    ctx.writable.add(out)
    return True


def slice_code(ctx, eqn, ins, outs):
    starts, limits = eqn.params["start_indices"], eqn.params["limit_indices"]
    strides = eqn.params.get("strides") or (1,) * len(starts)
    where = [f"{a}:{b}:{s}" for a, b, s in zip(starts, limits, strides)]
    ctx.emit(f"{outs[0]} = {ins[0]}[{_index(where)}].copy()")
    ctx.writable.add(outs[0])
    return True


def iota_code(ctx, eqn, ins, outs):
    dtype, shape, dimension = eqn.params["dtype"], eqn.params["shape"], eqn.params["dimension"]
    out = outs[0]
    ctx.emit(f"{out} = np.empty({tuple(shape)!r}, {dtype_code(dtype)})")
    with ctx.for_each(shape) as index:
        ctx.emit(f"{out}[{_index(index)}] = {dtype_code(dtype)}({index[dimension]})")
    ctx.writable.add(out)
    return True


# ---- reductions --------------------------------------------------------------------------

def _combine_sum(acc, x):
    return f"{acc} + {x}"


def _combine_max(acc, x):  # NaN propagates, as np.max
    return f"({acc} if ({acc} > {x} or {acc} != {acc}) else {x})"


def _combine_min(acc, x):
    return f"({acc} if ({acc} < {x} or {acc} != {acc}) else {x})"


def reduction_code(kind):
    """reduce_sum ("sum"), reduce_max ("max"), reduce_min ("min") over `axes`. A float sum
    accumulates in float64 and rounds once (NumPy adds pairwise, XLA in a tree: all
    three agree within a few ULP); an integer sum wraps around, as NumPy's."""
    combine = {"sum": _combine_sum, "max": _combine_max, "min": _combine_min}[kind]

    def rule(ctx, eqn, ins, outs):
        x, out = ins[0], outs[0]
        aval, out_aval = eqn.inputs[0].aval, eqn.outputs[0].aval
        dtype = aval.dtype
        if dtype.kind not in "fiu":
            return False
        axes = set(eqn.params["axes"])
        if kind == "sum":
            acc_dtype = np.dtype(np.float64) if dtype.kind == "f" else np.dtype(np.int64)
            init = "0"
        else:
            acc_dtype = dtype
            if dtype.kind == "f":
                init = "-np.inf" if kind == "max" else "np.inf"
            else:
                info = np.iinfo(dtype)
                init = str(info.min if kind == "max" else info.max)
        acc = ctx.fresh("acc")
        if aval.shape == ():
            ctx.emit(f"{out} = {x}")
            return True
        if out_aval.shape == ():
            ctx.emit(f"{acc} = {dtype_code(acc_dtype)}({init})")
            with ctx.for_each(aval.shape) as index:
                ctx.emit(f"{acc} = {combine(acc, f'{x}[{_index(index)}]')}")
            ctx.emit(f"{out} = {dtype_code(dtype)}({acc})")
            return True
        ctx.emit(f"{acc} = np.full({tuple(out_aval.shape)!r}, {init}, {dtype_code(acc_dtype)})")
        with ctx.for_each(aval.shape) as index:
            kept = _index(i for k, i in enumerate(index) if k not in axes)
            ctx.emit(f"{acc}[{kept}] = {combine(f'{acc}[{kept}]', f'{x}[{_index(index)}]')}")
        ctx.emit(f"{out} = {acc}.astype({dtype_code(dtype)})" if acc_dtype != dtype else f"{out} = {acc}")
        ctx.writable.add(out)
        return True
    return rule


# ---- contractions ------------------------------------------------------------------------

# Per batch, a product this large (multiply-adds) calls BLAS through np.dot (Numba needs
# SciPy for it); smaller ones loop: measured, the loops match BLAS up to ~10^5 and beat
# its call for tiny matrices.
_BLAS_MIN_WORK = 1 << 18

_DOT_SOURCE = '''
@numba.njit(error_model="numpy", fastmath={"reassoc"})
def _dot3(a, b):
    # (batch, m, k) @ (batch, k, n), accumulated in the operands' dtype as BLAS does.
    # "reassoc" lets LLVM add a dot product in vector lanes (as BLAS does): 5x faster
    # for a matrix-vector product, each product still rounded alone (no contraction).
    nb, m, k = a.shape
    n = b.shape[2]
    out = np.zeros((nb, m, n), a.dtype)
    for q in range(nb):
        BLAS_BRANCH
        if n == 1:
            for i in range(m):
                s = out[q, i, 0]
                for p in range(k):
                    s += a[q, i, p] * b[q, p, 0]
                out[q, i, 0] = s
        else:
            for i in range(m):
                for p in range(k):
                    aip = a[q, i, p]
                    for j in range(n):
                        out[q, i, j] += aip * b[q, p, j]
    return out
'''


# Products up to this many multiply-adds are loops in the program itself: no helper
# call, no transposed copies, no reshapes (a step of a small loop pays ~1 us for those).
_INLINE_MAX_WORK = 1 << 13


def _emit_inline_dot(ctx, eqn, ins, outs, lfree, rfree):
    """out[batch, i, j] += lhs[batch, i, c] * rhs[batch, c, j] with each operand read in
    its own layout. Each result adds its products in contraction order; the innermost
    loop runs over rhs's free axes (independent results, contiguous in a row-major
    rhs), which LLVM vectorizes without reassociating a sum. The lhs element is read
    once outside that loop and a sum without rhs free axes runs in a local scalar: the
    result may alias an operand for all LLVM knows, so it would reload them per product
    and not vectorize (measured: an RNN's backward step 1.25x faster)."""
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    lhs, rhs, out_aval = eqn.inputs[0].aval, eqn.inputs[1].aval, eqn.outputs[0].aval
    dtype = dtype_code(out_aval.dtype)
    lhs_index, rhs_index = [None] * len(lhs.shape), [None] * len(rhs.shape)

    def bind(names, axes):  # loop names -> the operands' indices; axes: (lhs, rhs) each
        for name, (l, r) in zip(names, axes):
            if l is not None:
                lhs_index[l] = name
            if r is not None:
                rhs_index[r] = name
    result_axes = [(l, r) for l, r in zip(lb, rb)] + [(l, None) for l in lfree]
    contracted_axes = list(zip(lc, rc))
    free_axes = [(None, r) for r in rfree]
    extent = lambda axes: [lhs.shape[l] if l is not None else rhs.shape[r]  # noqa: E731
                           for l, r in axes]
    rhs_read = lambda: f"{ins[1]}[{_index(rhs_index)}]"  # noqa: E731
    # Without contracted axes (an outer product) each result is one product: stored,
    # not added to zeros (one pass less, and -0.0 products stay -0.0 as NumPy's).
    accumulate = "+=" if contracted_axes else "="
    if out_aval.shape:
        ctx.emit(f"{outs[0]} = np.{'zeros' if rfree and contracted_axes else 'empty'}"
                 f"({tuple(out_aval.shape)!r}, {dtype})")
        ctx.writable.add(outs[0])
    with ctx.for_each(extent(result_axes)) as result:
        bind(result, result_axes)
        if not rfree:
            acc = ctx.fresh("acc")
            ctx.emit(f"{acc} = {dtype}(0)")
            with ctx.for_each(extent(contracted_axes)) as contracted:
                bind(contracted, contracted_axes)
                ctx.emit(f"{acc} += {ins[0]}[{_index(lhs_index)}] * {rhs_read()}")
            ctx.emit(f"{outs[0]}[{_index(result)}] = {acc}" if out_aval.shape
                     else f"{outs[0]} = {acc}")
            return
        with ctx.for_each(extent(contracted_axes)) as contracted:
            bind(contracted, contracted_axes)
            element = ctx.fresh("e")
            ctx.emit(f"{element} = {ins[0]}[{_index(lhs_index)}]")
            with ctx.for_each(extent(free_axes)) as free:
                bind(free, free_axes)
                ctx.emit(f"{outs[0]}[{_index(result + free)}] {accumulate} {element} * "
                         f"{rhs_read()}")


def dot_general_code(ctx, eqn, ins, outs):
    """Operands transposed to (batch, free, contracted) and (batch, contracted, free),
    then one (batch, m, k) @ (batch, k, n) product (`_dot3`), reshaped. The sums are
    added in another order than BLAS's: results agree within a tolerance, not bits."""
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    lhs, rhs = eqn.inputs[0].aval, eqn.inputs[1].aval
    out_aval = eqn.outputs[0].aval
    dtype = out_aval.dtype
    if (dtype.kind != "f" or lhs.dtype != dtype or rhs.dtype != dtype
            or eqn.params.get("preferred_element_type") not in (None, dtype)
            or lhs.shape == () or rhs.shape == ()):
        return False
    lfree = [d for d in range(len(lhs.shape)) if d not in lc and d not in lb]
    rfree = [d for d in range(len(rhs.shape)) if d not in rc and d not in rb]

    def operand(x, aval, order, dims3):
        if tuple(order) != tuple(range(len(order))):
            x = emit_transpose(ctx, x, aval.shape, order, dtype)
        name = ctx.fresh("v")
        ctx.emit(f"{name} = {x}.reshape({dims3!r})")
        return name

    size = lambda shape, dims: math.prod(shape[d] for d in dims)  # noqa: E731
    b, m = size(lhs.shape, lb), size(lhs.shape, lfree)
    k, n = size(lhs.shape, lc), size(rhs.shape, rfree)
    # (A matrix-vector product's sums run one after another there: with k large, the
    # helper's vectorized sums are faster.)
    if b * m * k * n <= _INLINE_MAX_WORK and (rfree or k <= 16):
        _emit_inline_dot(ctx, eqn, ins, outs, lfree, rfree)
        return True
    a3 = operand(ins[0], lhs, list(lb) + lfree + list(lc), (b, m, k))
    b3 = operand(ins[1], rhs, list(rb) + list(rc) + rfree, (b, k, n))
    blas = importlib.util.find_spec("scipy") is not None
    branch = (f"if m * n * k >= {_BLAS_MIN_WORK} and m > 1 and n > 1:\n"
              "            out[q] = np.dot(a[q], b[q])\n            continue" if blas else "")
    ctx.helper("_dot3", _DOT_SOURCE.replace("BLAS_BRANCH", branch))
    result = ctx.fresh("v")
    ctx.emit(f"{result} = _dot3({a3}, {b3})")
    if out_aval.shape == ():
        ctx.emit(f"{outs[0]} = {result}[0, 0, 0]")
    else:
        ctx.emit(f"{outs[0]} = {result}.reshape({tuple(out_aval.shape)!r})")
        ctx.writable.add(outs[0])
    return True


# ---- calls -------------------------------------------------------------------------------

def inline_call_code(ctx, eqn, ins, outs):
    """A call of a held Jaxpr (params["jaxpr"], or a custom_jvp/vjp function's
    params["call_jaxpr"], whose rules only matter to transformations): its code, inline."""
    jaxpr = eqn.params.get("jaxpr", eqn.params.get("call_jaxpr"))
    jaxpr = getattr(jaxpr, "jaxpr", jaxpr)  # a ClosedJaxpr's
    for out, value in zip(outs, ctx.jaxpr(jaxpr, ins)):
        ctx.emit(f"{out} = {value}")
        ctx.view_of(out, value)
    return True


# ---- loop carries and branch results (the control-flow primitives' rules) ----------------

def new_carries(ctx, values, avals):
    """Fresh names holding `values`, each of one Numba type for the whole loop: arrays
    copied (the loop's own: the body may update them in place, ctx.jaxpr's `carries`),
    scalars of their dtype."""
    names = [ctx.fresh("k") for _ in values]
    for name, value, aval in zip(names, values, avals):
        ctx.emit(f"{name} = {value}.copy()" if aval.shape
                 else f"{name} = {dtype_code(aval.dtype)}({value})")
        if aval.shape:
            ctx.writable.add(name)
    return names


def assign(ctx, names, values, avals):
    """names[i] = values[i], all at once (a value may read a name assigned here, as a loop
    body returning its carries swapped does), with new_carries' types."""
    typed = [ctx.owned(v) if a.shape else f"{dtype_code(a.dtype)}({v})"
             for v, a in zip(values, avals)]
    if any(t != n for t, n in zip(typed, names)):
        temporaries = [ctx.fresh("n") for _ in names]
        for t, value in zip(temporaries, typed):
            ctx.emit(f"{t} = {value}")
        for name, t, a in zip(names, temporaries, avals):
            ctx.emit(f"{name} = {t}")
            if a.shape:
                ctx.writable.add(name)


# ---- indexing: gather and scatter with leading integer indices ----------------------------

def _leading_indices(eqn, array_avals, x_shape):
    """For an index_spec of ("array",) and ("int", i) items only (x[i, j] with integer
    index arrays or constants, the trailing axes whole: what dynamic_slice, x[idx] and
    x.at[idx, 0] bind), the broadcast shape of the index arrays, else None."""
    spec = eqn.params["index_spec"]
    if not spec or len(spec) > len(x_shape) or any(item[0] not in ("array", "int")
                                                    for item in spec):
        return None
    if any(a.dtype.kind not in "iu" for a in array_avals):
        return None
    return tuple(np.broadcast_shapes(*[a.shape for a in array_avals]))


def _positions(ctx, eqn, arrays, array_avals, batch_shape, index, x_shape):
    """Emit the position along each indexed axis for the element `index` of the index
    arrays' broadcast shape (negative positions count from the end); their names."""
    positions, arrays = [], iter(zip(arrays, array_avals))
    for axis, item in enumerate(eqn.params["index_spec"]):
        j = ctx.fresh("j")
        if item[0] == "int":
            ctx.emit(f"{j} = {int(item[1])}")
        else:
            a, aval = next(arrays)
            offset = len(batch_shape) - len(aval.shape)
            where = ["0" if n == 1 and batch_shape[offset + k] != 1 else index[offset + k]
                     for k, n in enumerate(aval.shape)]
            ctx.emit(f"{j} = np.int64({a}[{_index(where)}])" if aval.shape
                     else f"{j} = np.int64({a})")
        ctx.emit(f"if {j} < 0:")
        ctx.emit(f"    {j} += {x_shape[axis]}")
        positions.append(j)
    return positions


def _broadcast_read(name, shape, target, index):
    """`name` (of `shape`, broadcast NumPy-style to `target`) at `index`."""
    if not shape:
        return name
    offset = len(target) - len(shape)
    where = ["0" if n == 1 and target[offset + k] != 1 else index[offset + k]
             for k, n in enumerate(shape)]
    return f"{name}[{_index(where)}]"


def gather_code(ctx, eqn, ins, outs):
    """x[i, j] with leading integer indices, clamped into bounds as the implementation
    does, copied element by element."""
    x, arrays = ins[0], ins[1:]
    x_shape, out_aval = eqn.inputs[0].aval.shape, eqn.outputs[0].aval
    array_avals = [v.aval for v in eqn.inputs[1:]]
    batch_shape = _leading_indices(eqn, array_avals, x_shape)
    n_indexed = len(eqn.params["index_spec"]) if batch_shape is not None else 0
    trailing = tuple(x_shape[n_indexed:])
    if batch_shape is None or batch_shape + trailing != tuple(out_aval.shape):
        return False
    out = outs[0]
    if out_aval.shape:
        ctx.emit(f"{out} = np.empty({tuple(out_aval.shape)!r}, {dtype_code(out_aval.dtype)})")
        ctx.writable.add(out)
    with ctx.for_each(batch_shape) as index:
        positions = _positions(ctx, eqn, arrays, array_avals, batch_shape, index, x_shape)
        for j, n in zip(positions, x_shape):
            ctx.emit(f"{j} = min(max({j}, 0), {max(n - 1, 0)})")
        with ctx.for_each(trailing) as rest:
            value = f"{x}[{_index(positions + rest)}]"
            ctx.emit(f"{out}[{_index(index + rest)}] = {value}" if out_aval.shape
                     else f"{out} = {value}")
    return True


def scatter_code(ctx, eqn, ins, outs):
    """x.at[i, j].set(u) / .add(u) with leading integer indices: updates out of bounds
    are dropped, the others written in order (the last of duplicates wins a `set`; an
    `add` adds in the order np.add.at does: the same sums)."""
    mode = eqn.params["mode"]
    x, u, arrays = ins[0], ins[1], ins[2:]
    x_aval, u_aval = eqn.inputs[0].aval, eqn.inputs[1].aval
    array_avals = [v.aval for v in eqn.inputs[2:]]
    batch_shape = _leading_indices(eqn, array_avals, x_aval.shape)
    if mode not in ("set", "add") or batch_shape is None or (
            mode == "add" and x_aval.dtype.kind == "b"):
        return False
    trailing = tuple(x_aval.shape[len(eqn.params["index_spec"]):])
    target = batch_shape + trailing
    if len(u_aval.shape) > len(target) or any(
            n not in (1, t) for n, t in zip(u_aval.shape[::-1], target[::-1])):
        return False
    out = outs[0]
    ctx.emit(f"{out} = {x}.copy()")
    ctx.writable.add(out)
    with ctx.for_each(batch_shape) as index:
        positions = _positions(ctx, eqn, arrays, array_avals, batch_shape, index, x_aval.shape)
        inside = " and ".join(f"0 <= {j} < {n}" for j, n in zip(positions, x_aval.shape))
        ctx.emit(f"if {inside}:")
        with ctx.indent(), ctx.for_each(trailing) as rest:
            source = _broadcast_read(u, u_aval.shape, target, index + rest)
            operator = "=" if mode == "set" else "+="
            ctx.emit(f"{out}[{_index(positions + rest)}] {operator} {source}")
    return True
