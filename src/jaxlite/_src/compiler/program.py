"""The whole-program tier's code generator: an optimized Jaxpr becomes the source of ONE
Numba (nopython) function, control flow included.

NumPy pays about a microsecond per operation; a loop of small operations (an RNN step
on 32-vectors, a gradient step on a 20x10 least-squares problem) spends nearly all its
time there. Here the whole Jaxpr, loops and branches too, becomes one function that
Numba compiles to machine code, as XLA compiles a whole program.

Values: a 0-d value is a Numba scalar of its dtype; any other value a C-contiguous
array. Arrays are never written after the statement that makes them, so results may
alias (a reshape is a view); branch results, whose Numba type must be one across
branches, are copied when they might be read-only (arguments are typed read-only).
The one exception: a loop copies its array carries once at entry, and the elementwise
loop that computes a carry's next value may write it into the carry's array when
nothing else in the body reads the carry (`_emit_loop`).

Equations become code through data each primitive carries (rules set where the
primitive is defined; this module knows no primitive):
  scalar_code / numba_scalar_code   elementwise: one element as a scalar expression
      (prims/compiler_rules.py). Consecutive elementwise equations of one output shape
      share one loop; a value read only inside the loop never becomes an array.
      numba_scalar_code is for expressions that may differ from NumPy's result in the
      last bits (the transcendental ufuncs: NumPy's SIMD kernels against libm, within
      2 ULP), used on up to 64 elements; larger arrays call NumPy's own ufunc from
      the compiled code (object mode: the NumPy tier's bits, at SIMD speed), unless
      the rule's `vectorized` dtypes say the expression is arithmetic only (float32
      exp, log, log1p, expm1, tanh, logistic: prims/fast_math.py's helpers, which the
      rule carries as `helpers`; correctly rounded where measured, ~1 ns an element).
  numba_code(ctx, eqn, ins, outs) -> bool   every other primitive (prims/program_rules.py
      and the control-flow primitives): emits statements through `ctx`; False if it
      cannot compile this equation, and the whole program stays on the other tiers.

Numerics: elementwise arithmetic computes what NumPy computes, bit for bit (same
dtype, same operations, no fast-math); sums and dot products add in another order
than NumPy's pairwise sums and BLAS (agreeing within float rounding, not bits).

`generate(jaxpr)` returns a `Program` (source, argument list) or raises Unsupported.
"""
import contextlib

import numpy as np

from ..core import QUIET_NUMPY as _QUIET
from ..jaxpr import Literal, jaxprs_in_params
from ..prims.compiler_rules import constant
from ..prims.program_rules import dtype_code
from . import passes


class Unsupported(Exception):
    """An equation without a rule: the program is not compiled (not an error)."""


def _elementwise_code(eqn, operand_names, exact_only=False):
    """The scalar expression of an elementwise equation, or None."""
    if eqn.primitive.multiple_results or len(eqn.outputs) != 1:
        return None
    out = eqn.outputs[0].aval
    avals = [v.aval for v in eqn.inputs]
    if any(len(a.shape) > len(out.shape) for a in avals):
        return None
    rules = (eqn.primitive.scalar_code,) if exact_only else (
        eqn.primitive.scalar_code, eqn.primitive.numba_scalar_code)
    for rule in rules:
        if rule is not None:
            expr = rule(operand_names, eqn.params, avals, out)
            if expr is not None:
                return expr
    return None


class Context:
    """What rules see: names, fresh names, emitting statements, nested Jaxprs."""

    def __init__(self):
        self.lines = []
        self.depth = 1
        self.counter = 0
        self.writable = set()   # names of arrays the program made (not read-only views)
        self.const_values = []  # values the program takes as extra arguments
        self.const_names = []
        self.helpers = {}       # name -> source of a helper function (prims/program_rules.py)

    # ---- names and statements ----
    def fresh(self, prefix="t"):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, line):
        self.lines.append("    " * self.depth + line)

    @contextlib.contextmanager
    def for_each(self, shape):
        """Nested loops over `shape` (C order); yields the index names."""
        indices = [self.fresh("i") for _ in shape]
        for i, n in zip(indices, shape):
            self.emit(f"for {i} in range({n}):")
            self.depth += 1
        try:
            yield indices
        finally:
            self.depth -= len(shape)

    @contextlib.contextmanager
    def indent(self):
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def helper(self, name, source):
        """Use a helper function (Numba-compiled with the program) by its name."""
        self.helpers[name] = source
        return name

    def view_of(self, out, operand):
        """`out` shares `operand`'s memory: it is writable only if `operand` is."""
        if operand in self.writable:
            self.writable.add(out)
        else:
            self.writable.discard(out)

    def owned(self, name):
        """An expression for `name`'s value that is certainly a writable array (a copy
        if it may be read-only), for values whose Numba type must be one."""
        return name if name in self.writable else f"{name}.copy()"

    # ---- Jaxprs ----
    def jaxpr(self, jaxpr, in_names, carries=None):
        """Emit a (nested) Jaxpr's equations with its inputs bound to `in_names`;
        returns the names or constant expressions of its outputs. `carries` (a loop
        body's): {input position: output position} of loop carries, whose arrays
        (new_carries': the loop's own copies, read by nothing but the body) an
        elementwise loop may overwrite with the carry's next value (`_emit_loop`)."""
        jaxpr = _optimized(jaxpr)
        names = dict(zip(jaxpr.invars, in_names))
        for v, value in zip(jaxpr.constvars, jaxpr.consts):
            names[v] = self._const(value, v.aval)
        in_place = {}  # output var -> the carry input var whose array it may take
        for i, o in (carries or {}).items():
            out, carry = jaxpr.outvars[o], jaxpr.invars[i]
            if (type(out) is not Literal and out not in jaxpr.invars and out.aval.shape
                    and sum(u is out for u in jaxpr.outvars) == 1
                    and (out.aval.shape, out.aval.dtype) == (carry.aval.shape, carry.aval.dtype)
                    and in_names[i] in self.writable):
                in_place[out] = carry
        _emit_equations(self, jaxpr, names, in_place)
        return [self.atom(v, names) for v in jaxpr.outvars]

    def _const(self, value, aval):
        if aval.shape == ():
            return constant(np.asarray(value).item(), aval.dtype)
        name = self.fresh("c")
        self.const_names.append(name)
        self.const_values.append(np.ascontiguousarray(value, aval.dtype))
        return name

    @staticmethod
    def atom(v, names):
        if type(v) is Literal:
            return constant(v.value, v.aval.dtype)
        return names[v]


def _optimized(jaxpr):
    optimized = jaxpr.cache.get("program_optimized")
    if optimized is None:
        optimized = jaxpr.cache["program_optimized"] = passes.optimize(jaxpr)
    return optimized


# What Numba computes in as NumPy does (no float16, bfloat16 or complex here).
_DTYPES = frozenset(np.dtype(t) for t in (np.float32, np.float64, np.bool_, np.int8, np.int16,
                                          np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                                          np.uint64))


def _emit_equations(ctx, jaxpr, names, in_place=None):
    eqns = jaxpr.eqns
    uses = {}  # var -> indices of the equations reading it (len(eqns): an output)
    for i, eqn in enumerate(eqns):
        for v in eqn.inputs:
            if type(v) is not Literal:
                uses.setdefault(v, set()).add(i)
    for v in jaxpr.outvars:
        if type(v) is not Literal:
            uses.setdefault(v, set()).add(len(eqns))
    for eqn in eqns:
        for v in (*eqn.inputs, *eqn.outputs):
            if v.aval.dtype not in _DTYPES:
                raise Unsupported(f"{eqn.primitive.name} on {v.aval.dtype}")
    i = 0
    while i < len(eqns):
        eqn = eqns[i]
        shape = _loop_shape(eqn)
        if shape is None:
            _emit_structured(ctx, eqn, names)
            i += 1
            continue
        group = [eqn]
        while i + len(group) < len(eqns) and _loop_shape(eqns[i + len(group)]) == shape:
            group.append(eqns[i + len(group)])
        _emit_loop(ctx, group, shape, names, uses, i, in_place or {})
        i += len(group)


# Up to this many elements a transcendental runs as libm calls in the loop (~15 ns each
# for tanh, where NumPy's SIMD kernel takes ~0.2 ns but the call out ~0.5 us); above,
# as NumPy's ufunc.
_LIBM_MAX_ELEMENTS = 64


def _loop_shape(eqn):
    """The output shape of an elementwise equation ((): a scalar statement), else None.
    A NumPy ufunc on arrays without an exact scalar expression (tanh, exp, log...) is
    not one unless small or its expression vectorizes (`vectorized` dtypes of the
    numba_scalar_code rule: float32 tanh): it runs as NumPy's ufunc (`_emit_ufunc`)."""
    names = [f"x{k}" for k in range(len(eqn.inputs))]
    if _elementwise_code(eqn, names) is None:
        return None
    shape = tuple(eqn.outputs[0].aval.shape)
    out = eqn.outputs[0].aval
    if (out.size > _LIBM_MAX_ELEMENTS and eqn.primitive.ufunc_name is not None
            and _elementwise_code(eqn, names, exact_only=True) is None
            and out.dtype not in getattr(eqn.primitive.numba_scalar_code, "vectorized", ())):
        return None
    return shape


def _wrap(expr, dtype):
    # Numba widens integer arithmetic to 64 bits and may compute float32 in float64:
    # every result is cast back to its dtype (exact for + - * / and sqrt).
    return f"{dtype_code(dtype)}({expr})"


def _emit_loop(ctx, group, shape, names, uses, start, in_place):
    """Consecutive elementwise equations of one output shape: one loop (a statement each
    for 0-d results). Arrays are made only for values read after the loop. A loop
    carry's next value goes into the carry's own array (`in_place`) when the carry is
    read by nothing but this loop: every read of it, at the element being computed,
    comes before that element's store (a gradient accumulator in a scan: no allocation
    and no copy per step)."""
    for eqn in group:  # helper functions the scalar code calls (fma, threefry's rounds, exp)
        ctx.helpers.update(getattr(eqn.primitive, "scalar_helpers", None) or {})
        ctx.helpers.update(getattr(eqn.primitive.numba_scalar_code, "helpers", None) or {})
    if shape == ():
        for eqn in group:
            ins = [ctx.atom(v, names) for v in eqn.inputs]
            out = names[eqn.outputs[0]] = ctx.fresh("s")
            ctx.emit(f"{out} = {_wrap(_elementwise_code(eqn, ins), eqn.outputs[0].aval.dtype)}")
        return
    end = start + len(group)
    size = int(np.prod(shape))
    index_names = [ctx.fresh("i") for _ in shape]
    flat = all(type(v) is Literal or v.aval.shape in ((), shape)
               for eqn in group for v in eqn.inputs)
    if flat and len(shape) > 1:
        index_names = [ctx.fresh("i")]
    if len(index_names) == 1:
        index_names = ["i"]  # the name iota's scalar code reads (one loop: never nested)
    produced = {}  # var -> scalar name inside the loop
    targets = {}   # var -> the array (or its flat view) the loop stores it in
    stored = []
    for eqn in group:
        v = eqn.outputs[0]
        if any(u >= end for u in uses.get(v, ())):
            carry = in_place.get(v)
            if carry is not None and carry.aval.shape == shape and all(
                    start <= u < end for u in uses.get(carry, ())):
                names[v] = names[carry]
            else:
                name = names[v] = ctx.fresh("v")
                ctx.emit(f"{name} = np.empty({shape!r}, {dtype_code(v.aval.dtype)})")
                ctx.writable.add(name)
            stored.append(v)
    loaded = {}
    for eqn in group:
        for v in eqn.inputs:
            if type(v) is not Literal and v not in loaded and v.aval.shape != () and \
                    not any(v is e.outputs[0] for e in group):
                loaded[v] = names[v]
    if flat and len(shape) > 1:  # flat views of full-shape operands: one loop
        for v, name in list(loaded.items()):
            loaded[v] = ctx.fresh("f")
            ctx.emit(f"{loaded[v]} = {name}.reshape({size})")
        flat_names = {names[v]: loaded[v] for v in loaded}
        for v in stored:
            if names[v] in flat_names:  # a carry updated in place: ONE view, read and
                targets[v] = flat_names[names[v]]  # written (two views of one memory
                continue  # fail LLVM's overlap check: the loop would not vectorize)
            flat_name = ctx.fresh("f")
            ctx.emit(f"{flat_name} = {names[v]}.reshape({size})")
            targets[v] = flat_name
    loop_dims = (size,) if flat else shape
    for i, n in zip(index_names, loop_dims):
        ctx.emit(f"for {i} in range({n}):")
        ctx.depth += 1
    try:
        for eqn in group:
            ins = []
            for v in eqn.inputs:
                if type(v) is Literal:
                    ins.append(constant(v.value, v.aval.dtype))
                elif v in produced:
                    ins.append(produced[v])
                elif v.aval.shape == ():
                    ins.append(names[v])
                else:
                    ins.append(f"{loaded[v]}[{_operand_index(v.aval.shape, shape, index_names, flat)}]")
            out = eqn.outputs[0]
            scalar = produced[out] = ctx.fresh("s")
            ctx.emit(f"{scalar} = {_wrap(_elementwise_code(eqn, ins), out.aval.dtype)}")
        for v in stored:
            target = targets.get(v, names[v])
            ctx.emit(f"{target}[{', '.join(index_names)}] = {produced[v]}")
    finally:
        ctx.depth -= len(loop_dims)


def _operand_index(operand_shape, shape, index_names, flat):
    """The index of an operand broadcast NumPy-style (trailing axes aligned) to `shape`."""
    if flat:
        return index_names[0]
    offset = len(shape) - len(operand_shape)
    return ", ".join("0" if n == 1 and shape[offset + k] != 1 else index_names[offset + k]
                     for k, n in enumerate(operand_shape))


def _emit_structured(ctx, eqn, names):
    rule = eqn.primitive.numba_code
    if rule is None and eqn.primitive.ufunc_name is not None:
        rule = _emit_ufunc
    if rule is None:
        raise Unsupported(eqn.primitive.name)
    ins = [ctx.atom(v, names) for v in eqn.inputs]
    outs = []
    for v in eqn.outputs:
        names[v] = ctx.fresh("v")
        outs.append(names[v])
    if not rule(ctx, eqn, ins, outs):
        raise Unsupported(f"{eqn.primitive.name} with these parameters")


# A loop-free program compiles whole only if no value has more elements than this: up to
# here NumPy's time goes to dispatch (about 1 us an operation, the time NumPy takes for
# a few thousand elements); beyond, to the arithmetic, where NumPy's SIMD kernels and
# BLAS beat these scalar loops (measured: a transformer block on 32x256 arrays ran
# 1.1-2x slower compiled whole than on NumPy). Programs with loops always compile
# whole: their dispatch cost is paid on every iteration.
_MAX_ELEMENTS = 4096


def worth_compiling(jaxpr, min_eqns):
    """Whether the whole-program tier may pay: control flow, or >= `min_eqns` equations
    on small arrays (a quick test; `generate` decides whether every rule exists)."""
    if any(next(jaxprs_in_params(eqn.params), None) is not None for eqn in jaxpr.eqns):
        return True
    if len(jaxpr.eqns) < min_eqns:
        return False
    return all(v.aval.size <= _MAX_ELEMENTS for eqn in jaxpr.eqns for v in eqn.outputs)


def _emit_ufunc(ctx, eqn, ins, outs):
    """NumPy's own ufunc (the NumPy tier's code, so the same bits), called from the
    compiled code in object mode: NumPy's SIMD tanh/exp/log of 8192 float32 take ~2 us
    where a scalar libm loop takes ~100 us; the call out costs ~0.4 us."""
    out = eqn.outputs[0].aval
    kind = "boolean" if out.dtype.kind == "b" else out.dtype.name
    if out.shape:
        spec = f"{kind}[{', '.join([':'] * (len(out.shape) - 1) + ['::1'])}]"
        call = f"np.ascontiguousarray({eqn.primitive.ufunc_name}({', '.join(ins)}))"
    else:
        spec = kind
        call = f"{dtype_code(out.dtype)}({eqn.primitive.ufunc_name}({', '.join(ins)}))"
    ctx.emit(f'with numba.objmode({outs[0]}="{spec}"):')
    with ctx.indent():
        if _QUIET is not None:  # NumPy's warnings off, as in the NumPy tier
            ctx.emit("_token = _quiet(_IGNORE)")
            ctx.emit(f"{outs[0]} = {call}")
            ctx.emit("_unquiet(_token)")
        else:
            ctx.emit("with np.errstate(all='ignore'):")
            ctx.emit(f"    {outs[0]} = {call}")
    if out.shape:
        ctx.writable.add(outs[0])
    return True


class Program:
    """The generated function: `source` (a module defining `kernel`), the avals of its
    arguments (the Jaxpr's inputs, then `const_values`). Call it once `kernel` is set
    (kernels.compile_program): NumPy values in, a list of NumPy values out."""

    def __init__(self, source, arg_avals, const_values, out_avals):
        self.source = source
        self.arg_avals = arg_avals
        self.const_values = const_values
        self.out_avals = out_avals
        self.kernel = None
        # Python objects the object-mode calls read (kernels.compile_program adds them)
        self.globals = {} if _QUIET is None else dict(zip(("_quiet", "_unquiet", "_IGNORE"),
                                                          _QUIET))
        self._in = [(a.dtype, a.shape == ()) for a in arg_avals]
        self._out = [(a.dtype.type, a.shape == ()) for a in out_avals]

    def __call__(self, *args):
        converted = []
        for a, (dtype, scalar) in zip(args, self._in):
            if scalar:
                a = dtype.type(a)
            elif type(a) is not np.ndarray or a.dtype != dtype or not a.flags.c_contiguous:
                a = np.ascontiguousarray(a, dtype)
            converted.append(a)
        results = self.kernel(*converted, *self.const_values)
        # Numba returns 0-d results as Python scalars: give them their dtype back.
        return [make(r) if scalar else r for r, (make, scalar) in zip(results, self._out)]


def generate(jaxpr):
    """The whole-program source of an optimized Jaxpr. Raises Unsupported, naming the
    primitive, if some equation (at any depth) has no rule."""
    ctx = Context()
    names = {}
    args = []
    for v in jaxpr.invars:
        names[v] = ctx.fresh("a")
        args.append(names[v])
    for v, value in zip(jaxpr.constvars, jaxpr.consts):
        names[v] = ctx._const(value, v.aval)
    _emit_equations(ctx, jaxpr, names)
    results = [ctx.atom(v, names) for v in jaxpr.outvars]
    ctx.emit(f"return ({''.join(r + ', ' for r in results)})")
    lines = ["import numpy as np", "import numba", "import numba.extending", ""]
    for name in sorted(ctx.helpers):
        lines += [ctx.helpers[name].strip(), "", ""]
    lines.append(f"def kernel({', '.join(args + ctx.const_names)}):")
    source = "\n".join(lines + ctx.lines) + "\n"
    arg_avals = [v.aval for v in jaxpr.invars]
    return Program(source, arg_avals, ctx.const_values, [v.aval for v in jaxpr.outvars])
