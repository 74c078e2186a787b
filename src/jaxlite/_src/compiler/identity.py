"""Identity-matrix structure: the identity bases jacfwd/jacrev push through a program (and
any other identity constant, e.g. `jnp.eye` under jit) stop costing dense work.

A value is *diagonal* over a pair of equal-length axes (p, q) when

    value[idx] = (idx[p] == idx[q]) * x[idx with idx[q] -> 0]

for a factor x that broadcasts (NumPy-style, right-aligned) to a shape `xs` with
xs[q] == 1. An identity constant (possibly broadcast along other axes) is diagonal with
x = 1, any other diagonal constant with x its diagonal. Multiplying or dividing by an
array that is constant along q (or along p, after swapping the pair) keeps a value
diagonal, and so do neg, add/sub/mul of two diagonals, transposes, broadcasts and
reshapes that only add or drop unit axes. Contracting one axis of the pair collapses
the diagonal into a dense value of the useful size:

    reduce_sum over q              -> x
    dot_general contracting q      -> x * (the other operand, its contracted axis put at p)

so diag(d) @ W becomes d[:, None] * W and W @ I becomes W. Every collapsed value equals
the dense computation bit for bit on finite values: each dropped term is an exact zero,
and the diagonal's factors are multiplied in the dense program's order (but for the sign
of a zero: -0.0 + 0.0 is +0.0, which the rewrite keeps for a constant times the
identity, W @ I -> W + 0.0 folded at compile time, and not for a value computed at run
time, like simplify's x + 0 -> x). Non-finite values: a *constant* with an inf or NaN stays in
its dense product with the identity, whose 0 * inf spreads NaN along the contraction as
JAX's jit(jacfwd(lambda x: W @ x)) does (W is known at compile time: the check is free).
Where the dense program would spread 0 * inf or 0 / 0 from a value computed at run time,
the rewrite keeps the mathematical Jacobian's entries (JAX's jacfwd of W @ sqrt(x) at
x = 0 agrees; for a W passed as an argument with an inf, JAX's shows the NaNs).

Which law a primitive obeys is data on it (`Primitive.diagonal`, a role named in
`_rules` at the end of this module: "product", "sum", "transpose", ...), set where it is
defined. The dense equations stay where something else still reads them. The pass runs before
constant folding (so that W @ I for a closed-over W is not a GEMM at compile time) and
after it (for the identities folding makes, e.g. a basis scattered into zeros).
"""
import numpy as np

from ..core import ShapedArray
from ..jaxpr import Jaxpr, Eqn, Var, Literal
from ..prims.elementwise import add_any_p, add_p, div_p, mul_p, neg_p, sub_p
from ..prims.reduce import reduce_sum_p
from ..prims.shape import broadcast_in_dim_p, reshape_p, transpose_p
from .dce import dead_code_elimination


class _Diagonal:
    """value[idx] = (idx[p] == idx[q]) * x[idx with idx[q] -> 0]. x is an atom whose
    shape, padded with leading unit axes to the value's rank, is exactly xs (xs[q] == 1),
    or a scalar (a Literal, or None for 1) with xs all ones."""
    __slots__ = ("p", "q", "x", "xs")

    def __init__(self, p, q, x, xs):
        self.p, self.q, self.x, self.xs = p, q, x, tuple(xs)


_KINDS = "iufc"  # numeric dtypes: 0 * y == 0 and 1 * y == y exactly


def collapse_identities(jaxpr):
    """Rewrite contractions and reductions of identity-structured values (see module doc)."""
    consts = {v: c for v, c in zip(jaxpr.constvars, jaxpr.consts)}
    if not any(_may_be_diagonal(c) for c in jaxpr.consts):
        return jaxpr  # nothing to start from: the common case costs one look per constant
    diagonal, checked, rename, eqns = {}, set(), {}, []
    constvars, constvalues = list(jaxpr.constvars), list(jaxpr.consts)

    def sub(v):
        return v if type(v) is Literal else rename.get(v, v)

    def structure(v):
        if type(v) is Literal:
            return None
        d = diagonal.get(v)
        if d is None and v in consts and v not in checked:
            checked.add(v)
            found = _diagonal_of(consts[v])
            if found is not None:
                p, q, values = found
                xs = [1] * v.aval.ndim
                x = None
                if values is not None:  # a diagonal constant: its diagonal is the factor
                    xs[p] = len(values)
                    x = Var(ShapedArray(xs, v.aval.dtype, v.aval.weak_type))
                    constvars.append(x)
                    constvalues.append(values.reshape(xs))
                d = diagonal[v] = _Diagonal(p, q, x, xs)
        return d

    kinds = {}

    def constant_kind(v):
        # What of a constant the identity's dense product would change: "nonfinite" (an
        # inf or NaN: 0 * inf spreads NaN along the contraction, as JAX's product does),
        # "negative zero" (-0.0 + 0.0 is +0.0), else None. Known at compile time.
        if type(v) is Literal or v not in consts:
            return None
        if v not in kinds:
            c = _array(consts[v])
            kind = None
            if c is not None and c.dtype.kind in "fc":
                if not np.isfinite(c).all():
                    kind = "nonfinite"
                elif any(np.signbit(part[part == 0]).any()
                         for part in ((c,) if c.dtype.kind == "f" else (c.real, c.imag))):
                    kind = "negative zero"
            kinds[v] = kind
        return kinds[v]

    changed = False
    for eqn in jaxpr.eqns:
        eqn = Eqn(eqn.primitive, [sub(v) for v in eqn.inputs], eqn.params, eqn.outputs,
                  eqn.source)
        rule = _rules.get(eqn.primitive.diagonal)
        structures = [structure(v) for v in eqn.inputs] if rule is not None else ()
        if not any(structures) or eqn.outputs[0].aval.dtype.kind not in _KINDS:
            eqns.append(eqn)
            continue
        build = _Builder(eqns, eqn.source, constant_kind)
        kind, result = rule(build, eqn, structures) or (None, None)
        if kind == "diagonal":
            eqns.append(eqn)  # still there for readers that need the dense value
            diagonal[eqn.outputs[0]] = result
        elif kind == "value":
            changed = True
            build.bind_output(result, eqn.outputs[0], rename)
        else:
            del eqns[build.start:]  # a rule that gave up may have emitted helpers
            eqns.append(eqn)
    if not changed:
        return jaxpr
    outvars = [sub(v) for v in jaxpr.outvars]
    # The dense equations nothing reads any more go now: run before constant folding,
    # this keeps folding from computing them (W @ I for a closed-over W) at compile time.
    return dead_code_elimination(Jaxpr(constvars, constvalues, jaxpr.invars, eqns, outvars))


# --- recognizing identity constants -----------------------------------------------------

def _array(c):
    if hasattr(c, "_trace"):
        return None  # a tracer of an enclosing transformation: no value yet
    c = getattr(c, "_value", c)
    return c if isinstance(c, np.ndarray) else None


def _may_be_diagonal(c):
    c = _array(c)
    return c is not None and c.ndim >= 2 and c.dtype.kind in _KINDS


def _diagonal_of(c):
    """(p, q, d) when the constant is diagonal over axes p, q (and broadcast along the
    others) with diagonal d; d is None for an identity."""
    c = _array(c)
    if c is None or c.ndim < 2 or c.size == 0 or c.dtype.kind not in _KINDS:
        return None
    # Axes a broadcast spans (stride 0) hold copies: one of them tells all.
    index = tuple(0 if (stride == 0 or size == 1) else slice(None)
                  for stride, size in zip(c.strides, c.shape))
    axes = [i for i, ix in enumerate(index) if type(ix) is slice]
    if len(axes) != 2 or c.shape[axes[0]] != c.shape[axes[1]]:
        return None
    m = c[index]
    if m[0, 1] != 0 or m[1, 0] != 0:  # a cheap rejection: most constants are dense
        return None
    if not m.flags.c_contiguous:
        m = m.T if m.flags.f_contiguous else np.ascontiguousarray(m)
    # Off the diagonal every bit must be zero (a -0.0 there is left alone): counting
    # nonzero words of an integer view is one pass over the memory, no temporaries.
    parts = 2 if m.dtype.kind == "c" else 1  # a complex entry: two words, real and imag
    words = m.view(np.dtype(f"i{m.dtype.itemsize // parts}")).reshape(m.shape + (parts,))
    on_diagonal = np.count_nonzero(words.diagonal(axis1=0, axis2=1))
    if on_diagonal == 0 or np.count_nonzero(words) != on_diagonal:
        return None
    d = m.diagonal()
    return axes[0], axes[1], (None if (d == 1).all() else d.copy())


def _identity_axes(c):
    """(p, q) when the constant is an identity over axes p, q broadcast along the others."""
    found = _diagonal_of(c)
    return found[:2] if found is not None and found[2] is None else None


# --- emitting equations -----------------------------------------------------------------

# What the rewrites compute on literals at compile time, as the program would.
_NUMPY_OPS = {mul_p: np.multiply, add_p: np.add, add_any_p: np.add, sub_p: np.subtract,
              div_p: np.true_divide}


def _shape(atom):
    return () if atom is None or type(atom) is Literal else atom.aval.shape


def _aligned(shape, rank):
    return (1,) * (rank - len(shape)) + tuple(shape)


def _scalar(atom):
    return atom is None or type(atom) is Literal


def _literal(value, dtype):
    return Literal(np.asarray(value, dtype), ShapedArray((), dtype, True))


def _nonunit(shape, order):
    return [i for i in order if shape[i] != 1]


class _Builder:
    """Appends the equations one rewrite needs to `eqns`, with the user's source line."""

    def __init__(self, eqns, source, constant_kind=lambda v: None):
        self.eqns, self.source, self.start = eqns, source, len(eqns)
        self.constant_kind = constant_kind

    def emit(self, primitive, inputs, params, shape, dtype, weak_type=False):
        var = Var(ShapedArray(shape, dtype, weak_type))
        self.eqns.append(Eqn(primitive, list(inputs), params, [var], self.source))
        return var

    def reshape(self, atom, shape):
        """`atom` with exactly `shape` (same non-unit axes, in order)."""
        shape = tuple(shape)
        if atom.aval.shape == shape:
            return atom
        return self.emit(reshape_p, [atom], {"new_sizes": shape}, shape, atom.aval.dtype,
                         atom.aval.weak_type)

    def arrange(self, atom, shape, perm, target):
        """`atom` (broadcasting to `shape`) with its axes permuted by `perm`, reshaped to
        `target` (the permuted shape with unit axes added or dropped); a reshape alone when
        the permutation only moves unit axes."""
        if _scalar(atom):
            return atom
        rank = len(shape)
        full = _aligned(atom.aval.shape, rank)
        if _nonunit(full, perm) == _nonunit(full, range(rank)):
            return self.reshape(atom, target)
        moved = self.emit(transpose_p, [self.reshape(atom, full)],
                          {"permutation": tuple(perm)}, tuple(full[i] for i in perm),
                          atom.aval.dtype, atom.aval.weak_type)
        return self.reshape(moved, target)

    def binary(self, primitive, a, b, dtype, weak_type):
        """a (op) b for atoms (None: the scalar 1); literal pairs are computed here."""
        one = _literal(1, dtype)
        a, b = (one if a is None else a), (one if b is None else b)
        if type(a) is Literal and type(b) is Literal:
            op = _NUMPY_OPS[primitive]
            with np.errstate(all="ignore"):  # 1 / 0 is inf here as at run time
                value = op(np.asarray(a.value, dtype), np.asarray(b.value, dtype))
            return _literal(value, dtype)
        shape = np.broadcast_shapes(_shape(a), _shape(b))
        return self.emit(primitive, [a, b], {}, shape, dtype, weak_type)

    def bind_output(self, atom, out, rename):
        """Make `out` (the rewritten equation's result) hold `atom`."""
        if len(self.eqns) > self.start and self.eqns[-1].outputs[0] is atom \
                and atom.aval.shape == out.aval.shape and atom.aval.dtype == out.aval.dtype:
            self.eqns[-1].outputs[0] = out  # the last helper writes the result directly
        elif type(atom) is not Literal and atom.aval == out.aval:
            rename[out] = atom
        else:
            self.eqns.append(Eqn(broadcast_in_dim_p, [atom],
                                 {"shape": out.aval.shape,
                                  "broadcast_dimensions": tuple(range(
                                      len(out.aval.shape) - len(_shape(atom)),
                                      len(out.aval.shape)))},
                                 [out], self.source))

    def swap(self, d):
        """The same value, described with p and q exchanged."""
        rank = len(d.xs)
        perm = list(range(rank))
        perm[d.p], perm[d.q] = d.q, d.p
        xs = tuple(d.xs[i] for i in perm)
        return _Diagonal(d.q, d.p, self.arrange(d.x, d.xs, perm, xs), xs)


def _shift(d, rank):
    """`d` seen at a higher rank (leading unit axes, as NumPy broadcasting adds them)."""
    s = rank - len(d.xs)
    return d if s == 0 else _Diagonal(d.p + s, d.q + s, d.x, (1,) * s + d.xs)


# --- rules: each returns ("diagonal", _Diagonal), ("value", atom) or None ----------------

def _same_pair(build, a, b):
    if (b.p, b.q) == (a.q, a.p):
        b = build.swap(b)
    return b if (b.p, b.q) == (a.p, a.q) else None


def _elementwise(build, eqn, structures):
    out = eqn.outputs[0].aval
    role, rank = eqn.primitive.diagonal, out.ndim
    a, b = eqn.inputs
    da, db = structures
    if da is not None and db is not None:
        da, db = _shift(da, rank), _shift(db, rank)
        db = _same_pair(build, da, db)
        if db is None:
            return None
        if role == "product" and (da.x is None or db.x is None):
            x = da.x if db.x is None else db.x
        else:  # off the diagonal 0 op 0 == 0 for mul, add and sub
            x = build.binary(eqn.primitive, da.x, db.x, out.dtype, out.weak_type)
        return "diagonal", _Diagonal(da.p, da.q, x, np.broadcast_shapes(da.xs, db.xs))
    k = 0 if da is not None else 1
    if role not in ("product", "quotient") or (
            role == "quotient" and (k == 1 or out.dtype.kind not in "fc")):
        return None  # diagonal + dense is dense; y / diagonal is mostly 1 / 0
    d, y = _shift(structures[k], rank), (a, b)[1 - k]
    ys = _aligned(_shape(y), rank)
    if ys[d.q] != 1:
        if ys[d.p] != 1:
            return None  # y varies along both axes of the pair: only its diagonal counts
        d = build.swap(d)
    if role == "product" and d.x is None and type(y) is not Literal and y.aval.dtype == out.dtype:
        x = y
    else:  # the diagonal is x * y or x / y (1 / y: the same division the dense program does)
        pair = (d.x, y) if k == 0 else (y, d.x)
        x = build.binary(eqn.primitive, *pair, out.dtype, out.weak_type)
    return "diagonal", _Diagonal(d.p, d.q, x, np.broadcast_shapes(d.xs, ys))


def _neg(build, eqn, structures):
    (d,), out = structures, eqn.outputs[0].aval
    if d.x is None or type(d.x) is Literal:
        value = 1 if d.x is None else d.x.value
        x = _literal(np.negative(np.asarray(value, out.dtype)), out.dtype)
    else:
        x = build.emit(neg_p, [d.x], {}, d.x.aval.shape, out.dtype, out.weak_type)
    return "diagonal", _Diagonal(d.p, d.q, x, d.xs)


def _transpose(build, eqn, structures):
    (d,), perm = structures, tuple(eqn.params["permutation"])
    xs = tuple(d.xs[i] for i in perm)
    return "diagonal", _Diagonal(perm.index(d.p), perm.index(d.q),
                                 build.arrange(d.x, d.xs, perm, xs), xs)


def _relabel(build, d, old_shape, new_shape):
    """`d` after a reshape that only adds or drops unit axes (None for any other)."""
    old = _nonunit(old_shape, range(len(old_shape)))
    new = _nonunit(new_shape, range(len(new_shape)))
    if [old_shape[i] for i in old] != [new_shape[j] for j in new]:
        return None
    where = dict(zip(old, new))
    xs = [1] * len(new_shape)
    for i, j in where.items():
        xs[j] = d.xs[i]
    x = d.x if _scalar(d.x) else build.reshape(d.x, xs)
    return "diagonal", _Diagonal(where[d.p], where[d.q], x, xs)


def _reshape(build, eqn, structures):
    return _relabel(build, structures[0], eqn.inputs[0].aval.shape, eqn.outputs[0].aval.shape)


def _broadcast_in_dim(build, eqn, structures):
    (d,), dims = structures, tuple(eqn.params["broadcast_dimensions"])
    shape = tuple(eqn.params["shape"])
    if list(dims) != sorted(set(dims)):
        return None
    xs = [1] * len(shape)
    for i, j in enumerate(dims):
        xs[j] = d.xs[i]
    x = d.x if _scalar(d.x) else build.reshape(d.x, xs)
    return "diagonal", _Diagonal(dims[d.p], dims[d.q], x, xs)


def _dense(build, x, xs, shape, dtype, weak_type):
    """The factor x (broadcasting to xs) materialized at `shape`."""
    if _scalar(x):
        x = _literal(1, dtype) if x is None else x
        return build.emit(broadcast_in_dim_p, [x], {"shape": shape, "broadcast_dimensions": ()},
                          shape, dtype, weak_type)
    x = build.reshape(x, xs)
    if tuple(xs) == tuple(shape):
        return x
    return build.emit(broadcast_in_dim_p, [x], {"shape": shape,
                                                 "broadcast_dimensions": tuple(range(len(shape)))},
                      shape, dtype, weak_type)


def _reduce_sum(build, eqn, structures):
    (d,), axes = structures, set(eqn.params["axes"])
    if (d.p in axes) == (d.q in axes):
        return None
    if d.p in axes:
        d = build.swap(d)
    in_shape, out = eqn.inputs[0].aval.shape, eqn.outputs[0].aval
    kept = [i for i in range(len(in_shape)) if i != d.q]
    full = tuple(in_shape[i] for i in kept)
    xs = tuple(d.xs[i] for i in kept)
    rest = tuple(kept.index(a) for a in sorted(axes - {d.q}))
    if not rest:  # the sum over q of one nonzero term: exactly x
        return "value", _dense(build, d.x, xs, full, out.dtype, out.weak_type)
    dense = _dense(build, d.x, xs, full, out.dtype, out.weak_type)
    return "value", build.emit(reduce_sum_p, [dense], {"axes": rest}, out.shape, out.dtype,
                               out.weak_type)


def _dot_general(build, eqn, structures):
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    out = eqn.outputs[0].aval
    pet = eqn.params.get("preferred_element_type")
    if lb or rb or len(lc) != 1 or (pet is not None and np.dtype(pet) != out.dtype) \
            or any(v.aval.dtype != out.dtype for v in eqn.inputs):
        return None
    for k in (0, 1):
        d = structures[k]
        if d is None:
            continue
        axis, other, other_axis = (lc[0], eqn.inputs[1], rc[0]) if k == 0 else \
            (rc[0], eqn.inputs[0], lc[0])
        if axis not in (d.p, d.q) or build.constant_kind(other) == "nonfinite":
            continue
        if axis == d.p:
            d = build.swap(d)
        t_shape = eqn.inputs[k].aval.shape
        t_free = [i for i in range(len(t_shape)) if i != d.q]
        ip, n = t_free.index(d.p), t_shape[d.p]
        b_shape = other.aval.shape
        b_free = [j for j in range(len(b_shape)) if j != other_axis]
        b_sizes = tuple(b_shape[j] for j in b_free)
        at_p = (1,) * ip + (n,) + (1,) * (len(t_free) - 1 - ip)
        xs = tuple(d.xs[i] for i in t_free)
        if k == 0:  # out = (T's free axes, B's free axes)
            b = build.arrange(other, b_shape, [other_axis] + b_free, at_p + b_sizes)
            xs = xs + (1,) * len(b_free)
        else:       # out = (B's free axes, T's free axes)
            b = build.arrange(other, b_shape, b_free + [other_axis], b_sizes + at_p)
            xs = (1,) * len(b_free) + xs
        if d.x is None:
            result = b
            if build.constant_kind(other) == "negative zero":  # folded: W + 0.0, once
                result = build.binary(add_p, b, _literal(0, out.dtype), out.dtype,
                                      out.weak_type)
        else:
            x = d.x if _scalar(d.x) else build.reshape(d.x, xs)
            result = build.binary(mul_p, *((x, b) if k == 0 else (b, x)), out.dtype,
                                  out.weak_type)
        if _shape(result) != out.shape:
            result = build.emit(broadcast_in_dim_p, [result],
                                {"shape": out.shape,
                                 "broadcast_dimensions": tuple(range(len(out.shape)))},
                                out.shape, out.dtype, out.weak_type)
        return "value", result
    return None


def _convert_element_type(build, eqn, structures):
    (d,), out = structures, eqn.outputs[0].aval
    if d.x is None:
        return "diagonal", d
    if type(d.x) is Literal:
        value = eqn.primitive.impl(np.asarray(d.x.value), **eqn.params)  # XLA's conversion
        return "diagonal", _Diagonal(d.p, d.q, _literal(value, out.dtype), d.xs)
    x = Var(ShapedArray(d.x.aval.shape, out.dtype, out.weak_type))
    build.eqns.append(Eqn(eqn.primitive, [d.x], eqn.params, [x], eqn.source))
    return "diagonal", _Diagonal(d.p, d.q, x, d.xs)


# The algebra of identity structure, by the role a primitive declares (`Primitive.diagonal`,
# set where it is defined).
_rules = {"sum": _elementwise, "product": _elementwise, "quotient": _elementwise,
          "negation": _neg, "transpose": _transpose, "unit_reshape": _reshape,
          "broadcast": _broadcast_in_dim, "sum_reduction": _reduce_sum,
          "contraction": _dot_general, "conversion": _convert_element_type}
