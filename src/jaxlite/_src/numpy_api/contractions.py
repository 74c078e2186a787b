"""Contractions: dot, vdot, matmul, inner, outer, tensordot, einsum — all dot_general."""
import builtins

import numpy as np

from .. import dtypes
from ..prims.linalg import dot_general_p
from ..prims import elementwise as ew
from ..prims import reduce as red
from ..conversion import promote, check_arraylike
from ..lax.precision import canonicalize_precision
from .shapes import reshape, transpose, broadcast_to, ravel
from .ufuncs import conjugate, multiply
from .reductions import sum
from .indexing import diagonal


def _dot_general(x, y, contract, batch=((), ()), preferred_element_type=None, precision=None):
    # As JAX's jnp functions: the product names its result type (the operands' by default).
    if preferred_element_type is not None:
        preferred_element_type = dtypes.canonicalize_dtype(preferred_element_type)
    else:
        preferred_element_type = x.dtype
    return dot_general_p.bind(x, y, dimension_numbers=(tuple(map(tuple, contract)),
                                                       tuple(map(tuple, batch))),
                              precision=canonicalize_precision(precision),
                              preferred_element_type=preferred_element_type)


def dot(a, b, *, precision=None, preferred_element_type=None):
    """NumPy's dot: contract the last axis of a with the second-to-last of b."""
    check_arraylike("dot", a, b)
    x, y = promote(a, b)
    if x.ndim == 0 or y.ndim == 0:
        return ew.mul_p.bind(x, y)
    y_axis = 0 if y.ndim == 1 else y.ndim - 2
    if x.shape[-1] != y.shape[y_axis]:
        raise TypeError(f"dot: shapes {tuple(x.shape)} and {tuple(y.shape)} are not aligned: "
                        f"{x.shape[-1]} (dim {x.ndim - 1}) != {y.shape[y_axis]} (dim {y_axis})")
    return _dot_general(x, y, ((x.ndim - 1,), (y_axis,)), preferred_element_type=preferred_element_type,
                        precision=precision)


def vdot(a, b, *, precision=None, preferred_element_type=None):
    x, y = promote(a, b)
    x, y = ravel(conjugate(x)), ravel(y)
    if x.shape != y.shape:
        raise TypeError(f"vdot: arrays of sizes {x.size} and {y.size} differ")
    return _dot_general(x, y, ((0,), (0,)), preferred_element_type=preferred_element_type,
                        precision=precision)


def vecdot(x1, x2, /, *, axis=-1, precision=None, preferred_element_type=None):
    return sum(multiply(conjugate(x1), x2), axis=axis)


def inner(a, b, *, precision=None, preferred_element_type=None):
    x, y = promote(a, b)
    if x.ndim == 0 or y.ndim == 0:
        return ew.mul_p.bind(x, y)
    if x.shape[-1] != y.shape[-1]:
        raise TypeError(f"inner: last dimensions differ: {x.shape} and {y.shape}")
    return _dot_general(x, y, ((x.ndim - 1,), (y.ndim - 1,)),
                        preferred_element_type=preferred_element_type,
                        precision=precision)


def outer(a, b, out=None):
    x, y = promote(a, b)
    x, y = ravel(x), ravel(y)
    return ew.mul_p.bind(reshape(x, (x.shape[0], 1)), reshape(y, (1, y.shape[0])))


def matmul(a, b, *, precision=None, preferred_element_type=None):
    """Matrix product with broadcasting batch dimensions (the `@` operator)."""
    check_arraylike("matmul", a, b)
    x, y = promote(a, b)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"matmul: operands must have at least 1 dimension, got shapes "
                         f"{tuple(x.shape)} and {tuple(y.shape)}")
    # Without batch dimensions matmul is a plain contraction (no reshapes to stage).
    if x.ndim <= 2 and y.ndim <= 2:
        y_axis = 0 if y.ndim == 1 else y.ndim - 2
        if x.shape[-1] != y.shape[y_axis]:
            raise TypeError(f"matmul: shapes {tuple(x.shape)} and {tuple(y.shape)} are "
                            f"incompatible: {x.shape[-1]} != {y.shape[y_axis]}")
        return _dot_general(x, y, ((x.ndim - 1,), (y_axis,)), preferred_element_type=preferred_element_type,
                        precision=precision)
    x_vec, y_vec = x.ndim == 1, y.ndim == 1
    if x_vec:
        x = reshape(x, (1, x.shape[0]))
    if y_vec:
        y = reshape(y, (y.shape[0], 1))
    if x.shape[-1] != y.shape[-2]:
        raise TypeError(f"matmul: shapes {tuple(a.shape if hasattr(a, 'shape') else ())} and "
                        f"{tuple(b.shape if hasattr(b, 'shape') else ())} are incompatible: "
                        f"{x.shape[-1]} != {y.shape[-2]}")
    batch = np.broadcast_shapes(tuple(x.shape[:-2]), tuple(y.shape[:-2]))
    nb = len(batch)
    if nb:
        if tuple(x.shape[:-2]) != batch:
            x = broadcast_to(x, batch + tuple(x.shape[-2:]))
        if tuple(y.shape[:-2]) != batch:
            y = broadcast_to(y, batch + tuple(y.shape[-2:]))
    out = _dot_general(x, y, ((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb))),
                       preferred_element_type=preferred_element_type,
                        precision=precision)
    if x_vec and y_vec:
        return reshape(out, batch)
    if x_vec:
        return reshape(out, batch + (out.shape[-1],))
    if y_vec:
        return reshape(out, batch + (out.shape[-2],))
    return out


def tensordot(a, b, axes=2, *, precision=None, preferred_element_type=None):
    x, y = promote(a, b)
    if isinstance(axes, int):
        xa = tuple(range(x.ndim - axes, x.ndim))
        ya = tuple(range(axes))
    else:
        xa, ya = axes
        xa = (xa,) if isinstance(xa, int) else tuple(xa)
        ya = (ya,) if isinstance(ya, int) else tuple(ya)
        xa = tuple(i % x.ndim for i in xa)
        ya = tuple(i % y.ndim for i in ya)
    return _dot_general(x, y, (xa, ya), preferred_element_type=preferred_element_type,
                        precision=precision)


def _parse_einsum(subscripts, operands):
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        inputs, output = subscripts.split("->")
    else:
        inputs, output = subscripts, None
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum: {len(terms)} operand subscripts for {len(operands)} operands")
    # Expand ellipses into fresh capital-letter-free names.
    spare = iter(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in subscripts)
    ell_rank = 0
    for t, op in zip(terms, operands):
        if "..." in t:
            ell_rank = builtins.max(ell_rank, op.ndim - (len(t) - 3))
    ell = "".join(next(spare) for _ in range(ell_rank))
    expanded = []
    for t, op in zip(terms, operands):
        if "..." in t:
            k = op.ndim - (len(t) - 3)
            t = t.replace("...", ell[ell_rank - k:])
        if len(t) != op.ndim:
            raise ValueError(f"einsum: subscript {t!r} has {len(t)} indices for an operand of "
                             f"shape {tuple(op.shape)}")
        expanded.append(t)
    sizes = {}
    for k, (t, op) in enumerate(zip(expanded, operands)):
        for c, n in zip(t, op.shape):
            seen = sizes.setdefault(c, n)
            if seen == 1:  # as JAX (opt_einsum): a size-1 label takes the next size seen
                sizes[c] = n
            elif n not in (1, seen):  # the stored size first, the new one second, as JAX
                raise ValueError(f"Size of label '{c}' for operand {k} ({seen}) does not "
                                 f"match previous terms ({n}).")
    if output is None:
        counts = {}
        for t in expanded:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        output = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        output = output.replace("...", ell)
        for c in output:
            if output.count(c) > 1:
                raise ValueError(f"einsum {subscripts!r}: output character {c!r} appeared "
                                 "more than once in the output.")
            if c not in sizes:
                raise ValueError(f"einsum {subscripts!r}: output character {c!r} did not "
                                 "appear in the input.")
    return expanded, output


def _uneven_diagonals(x, term):
    """As JAX for a single operand: a label it repeats with sizes 1 and n keeps the axis of
    its last occurrence, masked to the diagonal (x[i, i], 0 elsewhere) and summed over the
    other: 'ii->i' of a (3, 1) array is [x[0, 0]], of a (1, 4) one [x[0, 0], 0, 0, 0].
    (With other operands JAX broadcasts the size-1 axis instead.)"""
    while True:
        pairs = [(i, j) for i, c in enumerate(term) for j in range(i + 1, len(term))
                 if term[j] == c and x.shape[i] != x.shape[j]]
        if not pairs:
            return x, term
        i, j = pairs[0]
        shape = [1] * x.ndim
        shape[i], shape[j] = x.shape[i], x.shape[j]
        mask = np.equal(*np.ogrid[:x.shape[i], :x.shape[j]]).reshape(shape)
        x = red.reduce_sum_p.bind(ew.select_n_p.bind(
            np.broadcast_to(mask, x.shape), np.zeros((), x.dtype), x), axes=(i,))
        term = term[:i] + term[i + 1:]


def _broadcast_size_one_labels(ops, terms):
    """As JAX: a label of size 1 in one operand and n in another is broadcast to n."""
    if len(ops) == 1:
        op, term = _uneven_diagonals(ops[0], terms[0])
        ops, terms = [op], [term]
    sizes = {}
    for t, op in zip(terms, ops):
        for c, n in zip(t, op.shape):
            sizes[c] = builtins.max(sizes.get(c, n), n)
    out = []
    for t, op in zip(terms, ops):
        shape = tuple(sizes[c] for c in t)
        out.append(op if shape == tuple(op.shape) else broadcast_to(op, shape))
    return out, terms


def _einsum_single(x, term, keep):
    """Reduce one operand to the indices in `keep` (diagonals taken, others summed)."""
    while len(set(term)) != len(term):  # repeated index: take the diagonal
        c = next(ch for ch in term if term.count(ch) > 1)
        i = term.index(c)
        j = term.index(c, i + 1)
        x = diagonal(x, axis1=i, axis2=j)
        term = "".join(ch for k, ch in enumerate(term) if k not in (i, j)) + c
    axes = tuple(i for i, c in enumerate(term) if c not in keep)
    if axes:
        x = red.reduce_sum_p.bind(x, axes=axes)
        term = "".join(c for c in term if c in keep)
    return x, term


def einsum(subscripts, *operands, out=None, optimize="optimal", precision=None,
           preferred_element_type=None, _dot_general=None, out_sharding=None):
    """Einstein summation, evaluated left to right as dot_general contractions."""
    if not isinstance(subscripts, str):
        raise NotImplementedError("einsum: only the subscripts-string form is supported")
    ops = promote(*operands)
    terms, output = _parse_einsum(subscripts, ops)
    ops, terms = _broadcast_size_one_labels(ops, terms)
    remaining = [set(t) for t in terms]

    def needed_later(i):
        s = set(output)
        for r in remaining[i + 1:]:
            s |= r
        return s

    x, tx = _einsum_single(ops[0], terms[0], needed_later(0) | set(terms[1] if len(terms) > 1 else ""))
    for i in range(1, len(ops)):
        y, ty = _einsum_single(ops[i], terms[i], needed_later(i) | set(tx))
        keep = needed_later(i)
        shared = [c for c in tx if c in ty]
        contract = [c for c in shared if c not in keep]
        batch = [c for c in shared if c in keep]
        x = dot_general_p.bind(
            x, y, dimension_numbers=((tuple(tx.index(c) for c in contract),
                                      tuple(ty.index(c) for c in contract)),
                                     (tuple(tx.index(c) for c in batch),
                                      tuple(ty.index(c) for c in batch))),
            precision=canonicalize_precision(precision), preferred_element_type=x.dtype)
        tx = "".join(batch) + "".join(c for c in tx if c not in shared) + \
            "".join(c for c in ty if c not in shared)
    x, tx = _einsum_single(x, tx, set(output))
    if tx != output:
        x = transpose(x, tuple(tx.index(c) for c in output))
    return x
