"""Sums of broadcast products become contractions: reduce_sum of x * y, where x and y
broadcast against each other into an array much larger than either (an outer product
summed over the axes they share), is dot_general(x, y) — no n^3 temporary, and BLAS
does the n^3 work. jacfwd(jacfwd(f)) leaves such sums: sum_k (c[j,k] q[k]) o[i,k] + ...

The summed expression may be a sum (add, sub, neg) of products (mul) of any number of
factors, as long as its intermediate results have no other reader. Each product is
split into two groups of factors, chosen for the least work, and contracted; the
products of the groups' factors and the sum of the terms then happen in the small
arrays. Values differ from the dense program only by rounding: the same contraction,
summed in another order (and its scalar factors associated differently).
"""
import math

import numpy as np

from ..core import ShapedArray
from ..jaxpr import Jaxpr, Eqn, Var, Literal
from ..prims.elementwise import add_any_p, add_p, mul_p, neg_p, sub_p
from ..prims.linalg import dot_general_p
from ..prims.reduce import reduce_sum_p
from ..prims.shape import reshape_p, transpose_p

_MAX_TERMS, _MAX_FACTORS = 4, 5
_BLAS_SPEEDUP = 16  # a multiply-add inside a GEMM costs about this much less than a NumPy pass


def contract_sums(jaxpr):
    """Rewrite reduce_sum of broadcast products into dot_general (see module doc)."""
    if not any(e.primitive is reduce_sum_p for e in jaxpr.eqns):
        return jaxpr
    uses, producer = {}, {}
    for eqn in jaxpr.eqns:
        for v in eqn.inputs:
            if type(v) is not Literal:
                uses[v] = uses.get(v, 0) + 1
        for v in eqn.outputs:
            producer[v] = eqn
    for v in jaxpr.outvars:
        if type(v) is not Literal:
            uses[v] = uses.get(v, 0) + 2  # an output is read outside: never a private node

    eqns, changed = [], False
    for eqn in jaxpr.eqns:
        if eqn.primitive is reduce_sum_p and eqn.outputs[0].aval.dtype.kind in "fc":
            terms = _terms(eqn.inputs[0], producer, uses, top=True)
            plan = _plan(terms, eqn) if terms else None
            if plan is not None:
                _emit(plan, eqn, eqns)
                changed = True
                continue
        eqns.append(eqn)
    if not changed:
        return jaxpr
    return Jaxpr(jaxpr.constvars, jaxpr.consts, jaxpr.invars, eqns, jaxpr.outvars)


# --- the summed expression as a sum of products ----------------------------------------

def _private(v, producer, uses, primitives):
    """The equation defining v, if it is one of `primitives` and only its consumer reads
    its result."""
    eqn = producer.get(v) if type(v) is not Literal else None
    if eqn is None or eqn.primitive not in primitives or uses.get(v, 0) != 1:
        return None
    return eqn


def _terms(v, producer, uses, top=False):
    """v as a list of products, each a list of factors (atoms; Literals are scalars)."""
    eqn = _private(v, producer, uses, (add_p, add_any_p, sub_p, neg_p, mul_p))
    if eqn is None:
        return None if top else [[v]]
    prim = eqn.primitive
    parts = [_terms(x, producer, uses) or [[x]] if type(x) is not Literal else [[x]]
             for x in eqn.inputs]
    if prim is mul_p:  # a product of sums distributes: (a + b) * c = a * c + b * c
        terms = [t + u for t in parts[0] for u in parts[1]]
    elif prim is neg_p:
        terms = [[_minus_one(v)] + t for t in parts[0]]
    elif prim is sub_p:
        terms = parts[0] + [[_minus_one(v)] + t for t in parts[1]]
    else:
        terms = parts[0] + parts[1]
    if len(terms) > _MAX_TERMS or any(len(t) > _MAX_FACTORS for t in terms):
        return None
    return terms


def _minus_one(v):
    dtype = v.aval.dtype
    return Literal(np.asarray(-1, dtype), ShapedArray((), dtype, True))


# --- choosing the contraction -----------------------------------------------------------

def _axes_of(atom, rank):
    shape = () if type(atom) is Literal else atom.aval.shape
    aligned = (1,) * (rank - len(shape)) + tuple(shape)
    return frozenset(i for i, s in enumerate(aligned) if s != 1)


def _plan(terms, eqn):
    """Per term: (scalars, left factors, right factors, left axes, right axes); None
    unless every term gains by the split."""
    shape = eqn.inputs[0].aval.shape
    rank = len(shape)
    reduced = frozenset(a for a in eqn.params["axes"] if shape[a] != 1)
    kept = frozenset(a for a in range(rank) if shape[a] != 1) - reduced
    if not reduced:
        return None
    full = math.prod(shape)

    def size(axes):
        return math.prod(shape[a] for a in axes)

    plans = []
    for term in terms:
        scalars = [f for f in term if type(f) is Literal or f.aval.shape == ()]
        arrays = [f for f in term if f not in scalars]
        axes = [_axes_of(f, rank) for f in arrays]
        if len(arrays) < 2 or frozenset().union(*axes) != reduced | kept:
            return None  # one factor, or an axis no factor spans (a sum of copies)
        best = None
        for mask in range(1, 2 ** (len(arrays) - 1)):
            left = [i for i in range(len(arrays)) if mask >> i & 1]
            right = [i for i in range(len(arrays)) if not mask >> i & 1]
            la = frozenset().union(*(axes[i] for i in left))
            ra = frozenset().union(*(axes[i] for i in right))
            if not reduced <= (la & ra):
                continue  # a reduced axis on one side only: not one contraction
            cost = (size(la) * len(left) + size(ra) * len(right)
                    + size(la | ra) / _BLAS_SPEEDUP)
            if best is None or cost < best[0]:
                best = (cost, left, right, la, ra)
        # Worth it only where the dense product is much larger than the operands.
        if best is None or full < 4 * max(size(best[3]), size(best[4])) \
                or best[0] * 2 > full * len(arrays):
            return None
        _, left, right, la, ra = best
        plans.append((scalars, [arrays[i] for i in left], [arrays[i] for i in right], la, ra))
    return plans, reduced, kept


def _emit(plan, eqn, eqns):
    plans, reduced, kept = plan
    shape = eqn.inputs[0].aval.shape
    out = eqn.outputs[0]
    dtype, weak = out.aval.dtype, out.aval.weak_type
    source = eqn.source

    def emit(prim, inputs, params, out_shape, var=None):
        var = var or Var(ShapedArray(out_shape, dtype, weak))
        eqns.append(Eqn(prim, list(inputs), params, [var], source))
        return var

    def product(factors, axes):
        """The factors multiplied in order, then shaped to their axes alone."""
        value = factors[0]
        for f in factors[1:]:
            value = emit(mul_p, [value, f], {},
                         np.broadcast_shapes(_shape(value), _shape(f)))
        target = tuple(shape[a] for a in sorted(axes))
        if _shape(value) != target:
            value = emit(reshape_p, [value], {"new_sizes": target}, target)
        return value

    total = None
    for scalars, left, right, la, ra in plans:
        lhs = product(scalars + left, la)  # scalings (-1, 2, ...) ride on the left group
        rhs = product(right, ra)
        lfree, rfree = sorted(la - ra - reduced), sorted(ra - la - reduced)
        if lfree and rfree and lfree[0] > rfree[-1]:  # the output's axes come in order
            lhs, rhs, la, ra = rhs, lhs, ra, la
        lsorted, rsorted = sorted(la), sorted(ra)
        contract = sorted(reduced)
        batch = sorted((la & ra) - reduced)
        dims = ((tuple(lsorted.index(a) for a in contract),
                 tuple(rsorted.index(a) for a in contract)),
                (tuple(lsorted.index(a) for a in batch), tuple(rsorted.index(a) for a in batch)))
        order = batch + sorted(la - ra - reduced) + sorted(ra - la - reduced)
        value = emit(dot_general_p, [lhs, rhs], {"dimension_numbers": dims,
                                                 "preferred_element_type": None},
                     tuple(shape[a] for a in order))
        if order != sorted(order):
            perm = tuple(order.index(a) for a in sorted(order))
            value = emit(transpose_p, [value], {"permutation": perm},
                         tuple(shape[a] for a in sorted(order)))
        total = value if total is None else emit(
            add_p, [total, value], {}, value.aval.shape)
    if total.aval.shape != out.aval.shape:
        emit(reshape_p, [total], {"new_sizes": out.aval.shape}, out.aval.shape,
             var=out)
    else:
        eqns[-1].outputs[0] = out


def _shape(atom):
    return () if type(atom) is Literal else atom.aval.shape
