"""lax's control flow: cond, switch, while_loop, fori_loop, scan, map, associative_scan.

Each traces its Python functions to Jaxprs (closed-over tracers become explicit
operands) and binds a primitive of higher_order/control.py, so loops and branches stay
loops and branches under every transformation, and inside jit.
"""
import operator
import threading
import weakref

import numpy as np

from .. import core, dtypes
from ..config import flags, _listeners as config_listeners
from ..core import Tracer
from ..errors import ConcretizationTypeError
from ..array import Array
from ..tree import tree_flatten, tree_unflatten, tree_map, tree_structure
from ..staging import trace_to_jaxpr, close_over_tracer_consts
from ..jaxpr import Jaxpr
from ..conversion import asarray
from ..higher_order.control import cond_p, scan_p, while_p, _with_unused_inputs
from ..api import vmap
from ..prims.elementwise import convert_element_type_p, ne_p
from ..prims.shape import reshape_p, rev_p
from .lax import _adopting
from .utils import concatenate, leading_index, leading_slice, moveaxis, stack


# Traced bodies by user function, as JAX caches them: calling scan or while_loop again
# with the same function and argument types reuses the trace (flax.nnx counts traces).
# A trace that closed over tracers of an enclosing transformation is not kept.
_traces_by_function = weakref.WeakKeyDictionary()
_traces_lock = threading.Lock()


def _forget_traces(name, value):
    if name not in ("jax_disable_jit", "jax_log_compiles", "jax_debug_nans", "jax_debug_infs"):
        with _traces_lock:
            _traces_by_function.clear()


config_listeners.append(_forget_traces)


def _trace(fun, in_tree, in_avals, what, lift_all=False, cache_key=None):
    """Trace fun(*unflatten(in_tree, args)) -> (jaxpr, out_tree, tracer_consts).

    Closed-over tracers of enclosing transformations become the jaxpr's leading
    inputs, passed as `tracer_consts`. `cache_key` is (user function, anything else the
    trace depends on beyond in_tree and in_avals): a trace is reused for the same key."""
    if cache_key is None:
        return _trace_now(fun, in_tree, in_avals, what, lift_all)
    key = (cache_key[1:], in_tree, tuple(in_avals), what, lift_all)
    try:
        with _traces_lock:
            cached = _traces_by_function.get(cache_key[0], {}).get(key)
    except TypeError:  # an unhashable or not weakly referenceable function
        return _trace_now(fun, in_tree, in_avals, what, lift_all)
    if cached is not None:
        return cached
    traced = _trace_now(fun, in_tree, in_avals, what, lift_all)
    if not any(isinstance(c, Tracer) for c in traced[2]):
        with _traces_lock:
            _traces_by_function.setdefault(cache_key[0], {})[key] = traced
    return traced


def _trace_now(fun, in_tree, in_avals, what, lift_all=False):
    store = {}

    def flat(*xs):
        out = fun(*tree_unflatten(in_tree, xs))
        leaves, tree = tree_flatten(out)
        store["tree"] = tree
        try:
            return [asarray(l) for l in leaves]
        except TypeError as e:
            raise TypeError(f"{what} must return arrays (or pytrees of arrays): {e}") from None

    jaxpr = trace_to_jaxpr(flat, in_avals, getattr(fun, "__name__", what))
    jaxpr, consts = close_over_tracer_consts(jaxpr, lift_all)
    return jaxpr, store["tree"], consts


def _avals(leaves):
    return [core.get_aval(x) for x in leaves]


def _type_str(avals):
    return "[" + ", ".join(a.str_short(short_dtypes=True) + ("{weak}" if a.weak_type else "") for a in avals) + "]"


def _check_same_types(what, avals_a, avals_b, tree_a, tree_b, name_a, name_b):
    if tree_a != tree_b:
        raise TypeError(f"{what}: {name_a} and {name_b} must have the same pytree structure, "
                        f"got {tree_a} and {tree_b}")
    for a, b in zip(avals_a, avals_b):
        if a.shape != b.shape or a.dtype != b.dtype:
            raise TypeError(f"{what}: {name_a} and {name_b} must have identical types, got "
                            f"{_type_str(avals_a)} and {_type_str(avals_b)}")


def _operands(values):
    leaves, tree = tree_flatten(values)
    return [asarray(l) for l in leaves], tree


# ---- cond / switch -------------------------------------------------------------------

# `operand=None` passes None as the operand (jaxopt's projections write
# cond(pred, lambda _: ..., lambda _: ..., operand=None)): absence is this sentinel.
_NO_OPERAND = object()


def switch(index, branches, *operands, operand=_NO_OPERAND):
    """Apply branches[index](*operands), index clamped to [0, len(branches) - 1]."""
    if operand is not _NO_OPERAND:
        operands = (operand,)
    branches = list(branches)
    if not branches:
        raise ValueError("switch: at least one branch is required")
    index = asarray(index)
    if index.shape != ():
        raise TypeError(f"switch: the index must be a scalar, got shape {index.shape}")
    if index.dtype.kind not in "iub":
        raise TypeError(f"switch: the index must be an integer, got {index.dtype}")
    index = convert_element_type_p.bind(index, new_dtype=np.dtype(np.int32), weak_type=False) \
        if index.dtype != np.int32 or index.weak_type else index
    index = _adopting.clamp(np.int32(0), index, np.int32(len(branches) - 1))
    if flags.jax_disable_jit and core.is_concrete(index):
        return branches[int(index)](*operands)  # as JAX: only the chosen branch runs
    return _cond(index, branches, operands, "switch")


def cond(pred, true_fun, false_fun, *operands, operand=_NO_OPERAND):
    """true_fun(*operands) if pred else false_fun(*operands); both branches are traced.

    The old form `cond(pred, true_operand, true_fun, false_operand, false_fun)`, which
    numpyro still calls, is accepted too."""
    if operand is not _NO_OPERAND:
        operands = (operand,)
    if (not callable(true_fun) and callable(false_fun) and len(operands) == 2
            and callable(operands[1])):
        true_operand, true_branch, false_operand, false_branch = (
            true_fun, false_fun, operands[0], operands[1])
        true_fun = lambda ops: true_branch(ops[0])
        false_fun = lambda ops: false_branch(ops[1])
        operands = ((true_operand, false_operand),)
    pred = asarray(pred)
    if pred.shape != ():
        raise TypeError(f"cond: the predicate must be a scalar (shape ()), got shape "
                        f"{pred.shape}; use jnp.where for elementwise selection")
    if pred.dtype.kind not in "biuf":
        raise TypeError(f"cond: the predicate must be boolean or a number, got {pred.dtype}")
    if flags.jax_disable_jit and core.is_concrete(pred):
        return true_fun(*operands) if pred else false_fun(*operands)  # as JAX: one branch
    if pred.dtype != np.bool_:
        pred = ne_p.bind(pred, np.zeros((), pred.dtype))
    index = convert_element_type_p.bind(pred, new_dtype=np.dtype(np.int32), weak_type=False)
    return _cond(index, [false_fun, true_fun], operands, "cond", ["false_fun", "true_fun"])


def _cond(index, branches, operands, what, names=None):
    names = names or [f"branch {i}" for i in range(len(branches))]
    leaves, in_tree = _operands(operands)
    in_avals = _avals(leaves)
    # A function given for several branches is traced once, as in JAX (haiku counts).
    by_id = {}
    for b in branches:
        if id(b) not in by_id:
            by_id[id(b)] = _trace(b, in_tree, in_avals, f"{what} branch", lift_all=True)
    traced = [by_id[id(b)] for b in branches]
    out_tree, out_avals = traced[0][1], traced[0][0].out_avals
    for i, (j, tree, _) in enumerate(traced[1:], 1):
        if tree != out_tree:  # JAX's wording, which libraries' tests match
            raise TypeError(f"{what} branch outputs must have the same pytree structure, but "
                            f"they differ: {names[0]} output is {out_tree}, {names[i]} output "
                            f"is {tree}")
        _check_same_types(what, out_avals, j.out_avals, out_tree, tree, names[0], names[i])
    # Every branch takes the closed-over tracers of all branches.
    all_consts = [c for _, _, consts in traced for c in consts]
    const_avals = [[core.get_aval(c) for c in consts] for _, _, consts in traced]
    jaxprs = []
    for i, (j, _, consts) in enumerate(traced):
        before = [a for avals in const_avals[:i] for a in avals]
        after = [a for avals in const_avals[i + 1:] for a in avals]
        j = _with_unused_inputs(j, after, len(consts))
        j = _with_unused_inputs(j, before, 0)
        jaxprs.append(j)
    # As JAX: an output that every branch forwards from the same operand is that operand,
    # not an output of the cond (so under vmap it stays unbatched when the operand is).
    n_consts = len(all_consts)
    forwarded = []
    for k in range(len(out_avals)):
        sources = {next((i for i, v in enumerate(j.invars) if v is j.outvars[k]), None)
                   for j in jaxprs}
        source = sources.pop() if len(sources) == 1 else None
        forwarded.append(source - n_consts if source is not None and source >= n_consts
                         else None)
    if any(f is not None for f in forwarded):
        jaxprs = [Jaxpr(j.constvars, j.consts, j.invars, j.eqns,
                        [v for v, f in zip(j.outvars, forwarded) if f is None])
                  for j in jaxprs]
    outs = iter(cond_p.bind(index, *all_consts, *leaves, branches=tuple(jaxprs)))
    return tree_unflatten(out_tree, [next(outs) if f is None else leaves[f]
                                     for f in forwarded])


# ---- while / fori --------------------------------------------------------------------

def _promote_weak_carry(leaves, avals, out_avals):
    """JAX's rule for loop carries: a weakly typed initial value whose dtype the body
    changes is converted to the promoted dtype (so `fori_loop(0, n, lambda i, c: c + 0.5,
    0)` carries a float32). Returns (leaves, avals, changed)."""
    leaves, avals, changed = list(leaves), list(avals), False
    for i, (a, o) in enumerate(zip(avals, out_avals)):
        if a.weak_type and (a.shape != o.shape or a.dtype != o.dtype):
            dtype, _ = dtypes.promote(a.dtype, True, o.dtype, o.weak_type)
            if dtype != a.dtype:
                # a concrete initial value (a Python number) converts concretely: JAX's
                # jaxpr shows the converted literal, not a convert_element_type
                leaves[i] = (Array(np.asarray(leaves[i]._value, dtype), False)
                             if type(leaves[i]) is Array else
                             convert_element_type_p.bind(leaves[i], new_dtype=dtype,
                                                         weak_type=False))
                avals[i] = a.update(dtype=dtype, weak_type=False)
                changed = True
    return leaves, avals, changed


def _trace_loop_body(fun, in_tree, leaves, extra_avals, what, carry_out_avals, cache_key=None):
    """Trace a loop body over (carry leaves + extra_avals) until the carry types are a
    fixed point, as in JAX: a weak initial carry is promoted where the body changes its
    dtype. A weak carry whose body output is strong of the same dtype stays weak on the
    way in (the body converts it, as JAX's jaxprs show); the loop's output is strong.
    Returns (jaxpr, out_tree, consts, carry leaves, carry avals)."""
    avals = _avals(leaves)
    for _ in range(3):
        jaxpr, tree, consts = _trace(fun, in_tree, avals + list(extra_avals), what,
                                     cache_key=cache_key)
        outs = carry_out_avals(jaxpr, tree)
        if len(outs) != len(avals):
            break  # a structure mismatch, reported by the caller
        leaves, avals, changed = _promote_weak_carry(leaves, avals, outs)
        if not changed:
            break
    return jaxpr, tree, consts, leaves, avals


def while_loop(cond_fun, body_fun, init_val):
    """Repeat body_fun while cond_fun(carry) holds (forward-mode differentiable only)."""
    if flags.jax_disable_jit:
        # as JAX: a plain Python loop, unless a traced predicate needs the primitive
        try:
            val = tree_map(asarray, init_val)
            while cond_fun(val):
                val = tree_map(asarray, body_fun(val))
            return val
        except ConcretizationTypeError:
            pass
    leaves, in_tree = _operands((init_val,))  # the functions take the carry as one argument
    carry_tree = in_tree.children()[0]
    body, body_tree, body_consts, leaves, avals = _trace_loop_body(
        body_fun, in_tree, leaves, (), "while body", lambda jaxpr, _: jaxpr.out_avals,
        cache_key=(body_fun,))
    _check_same_types("while_loop", avals, body.out_avals, carry_tree, body_tree,
                      "the initial carry", "body_fun's output")
    cond_jaxpr, cond_tree, cond_consts = _trace(cond_fun, in_tree, avals, "while cond",
                                                cache_key=(cond_fun,))
    pred = cond_jaxpr.out_avals
    if len(pred) != 1 or pred[0].shape != () or pred[0].dtype != np.bool_:
        raise TypeError(f"while_loop: cond_fun must return a boolean scalar, got "
                        f"{_type_str(pred)}")
    outs = while_p.bind(*cond_consts, *body_consts, *leaves, cond_jaxpr=cond_jaxpr,
                        body_jaxpr=body, cond_nconsts=len(cond_consts),
                        body_nconsts=len(body_consts))
    return tree_unflatten(carry_tree, outs)


def _static_int(x):
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, Tracer):
        value = x.to_concrete_value()
        return None if value is None else int(np.asarray(value))
    if isinstance(x, (Array, np.ndarray)) and np.ndim(x) == 0:
        return int(np.asarray(x))
    return None


def _fori_index_dtype(lower, upper):
    """JAX's rule: the bounds share a dtype, except that a weak (Python) integer bound
    takes the other bound's signed integer dtype."""
    (dl, wl), (du, wu) = dtypes.dtype_and_weak(lower), dtypes.dtype_and_weak(upper)
    if dl == du:
        return dl
    if np.issubdtype(dl, np.signedinteger) and np.issubdtype(du, np.signedinteger) and wl != wu:
        return du if wl else dl
    raise TypeError(f"fori_loop: lower and upper must have equal types, got {dl.name} and "
                    f"{du.name}")


def fori_loop(lower, upper, body_fun, init_val, *, unroll=None):
    """for i in range(lower, upper): val = body_fun(i, val).

    Static (concrete) bounds lower to scan, so reverse mode works and the index is a
    weakly typed int32, as in JAX; traced bounds lower to while_loop (forward mode only).

    >>> lax.fori_loop(0, 4, lambda i, total: total + i, 0)
    Array(6, dtype=int32, weak_type=True)
    """
    if not callable(body_fun):
        raise TypeError("lax.fori_loop: body_fun argument should be callable.")
    dtype = _fori_index_dtype(lower, upper)
    lo, hi = _static_int(lower), _static_int(upper)
    if lo is not None and hi is not None:
        def step(carry, _):
            i, x = carry
            return (i + 1, body_fun(i, x)), None
        if flags.jax_disable_jit and hi <= lo:
            return init_val  # scan cannot run zero steps in Python (no output type)
        (_, out), _ = scan(step, (lo, init_val), None, length=max(hi - lo, 0),
                           unroll=1 if unroll is None else unroll)
        return out
    if unroll not in (None, False, 1):
        raise ValueError("fori_loop: unroll is only supported when the loop bounds are "
                         "static (Python ints or concrete values)")

    def cond_fun(carry):
        i, stop, _ = carry
        return i < stop

    def body(carry):
        i, stop, x = carry
        return i + 1, stop, body_fun(i, x)

    if dtypes.dtype_and_weak(lower)[0] != dtype:
        lower = convert_element_type_p.bind(asarray(lower), new_dtype=dtype, weak_type=False)
    if dtypes.dtype_and_weak(upper)[0] != dtype:
        upper = convert_element_type_p.bind(asarray(upper), new_dtype=dtype, weak_type=False)
    _, _, out = while_loop(cond_fun, body, (lower, upper, init_val))
    return out


# ---- scan / map --------------------------------------------------------------------------

def scan(f, init, xs=None, length=None, reverse=False, unroll=1, _split_transpose=False):
    """Loop f(carry, x) -> (carry, y) over the leading axis of xs; returns (carry, stacked ys)."""
    x_leaves, x_tree = _operands(xs)
    lengths = {int(x.shape[0]) for x in x_leaves if x.ndim} if x_leaves else set()
    if any(x.ndim == 0 for x in x_leaves):
        raise ValueError("scan: every leaf of xs needs a leading axis to scan over, got a "
                         "scalar")
    if length is not None:
        length = operator.index(length)
        if lengths and lengths != {length}:
            raise ValueError(f"scan: length={length} does not match the leading axis sizes of "
                             f"xs: {sorted(lengths)}")
    elif len(lengths) > 1:
        raise ValueError(f"scan: xs leaves have different leading axis sizes: "
                         f"{[tuple(x.shape) for x in x_leaves]}")
    elif not lengths:
        raise ValueError("scan: got no xs to scan over and no length=; pass length=N")
    else:
        length = lengths.pop()
    if flags.jax_disable_jit:
        return _python_scan(f, init, x_leaves, x_tree, length, reverse)
    c_leaves, c_tree = _operands(init)
    x_avals = [a.update(shape=a.shape[1:]) for a in _avals(x_leaves)]
    n_c = len(c_leaves)

    def body(*args):
        carry = tree_unflatten(c_tree, args[:n_c])
        x = tree_unflatten(x_tree, args[n_c:])
        return f(carry, x)  # a (carry, y) pair, checked by _split_out_tree

    flat_tree = tree_structure(tuple(range(n_c + len(x_leaves))))
    jaxpr, out_tree, consts, c_leaves, c_avals = _trace_loop_body(
        body, flat_tree, c_leaves, x_avals, "scan body",
        lambda jaxpr, tree: jaxpr.out_avals[:_split_out_tree(tree)[0].num_leaves],
        cache_key=(f, c_tree, x_tree))
    carry_tree, y_tree = _split_out_tree(out_tree)
    _check_same_types("scan", c_avals, jaxpr.out_avals[:n_c], c_tree, carry_tree,
                      "the initial carry", "the carry output of f")
    # As JAX does when tracing: a y that is its step's x is xs itself, not a scan output
    # (so differentiation sees it as the input, e.g. in a while_loop body under grad).
    x_invars = {id(v): i for i, v in enumerate(jaxpr.invars[len(consts) + n_c:])}
    forwarded = [x_invars.get(id(v)) for v in jaxpr.outvars[n_c:]]
    if any(i is not None for i in forwarded):
        kept = [v for v, i in zip(jaxpr.outvars[n_c:], forwarded) if i is None]
        jaxpr = Jaxpr(jaxpr.constvars, jaxpr.consts, jaxpr.invars, jaxpr.eqns,
                      jaxpr.outvars[:n_c] + kept)
    outs = scan_p.bind(*consts, *c_leaves, *x_leaves, jaxpr=jaxpr, length=length,
                       reverse=bool(reverse), num_consts=len(consts), num_carry=n_c,
                       unroll=unroll if isinstance(unroll, int) else 1)
    ys = iter(outs[n_c:])
    ys = [next(ys) if i is None else asarray(x_leaves[i]) for i in forwarded]
    return tree_unflatten(carry_tree, outs[:n_c]), tree_unflatten(y_tree, ys)


def _python_scan(f, init, x_leaves, x_tree, length, reverse):
    """scan under disable_jit, as in JAX: f runs once per step on concrete slices."""
    if length == 0:
        raise ValueError("zero-length scan is not supported in disable_jit() mode because "
                         "the output type is unknown.")
    carry, ys = init, []
    steps = range(length)
    for i in (reversed(steps) if reverse else steps):
        carry, y = f(carry, tree_unflatten(x_tree, [leading_index(x, i) for x in x_leaves]))
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, tree_map(lambda *y: stack(y), *ys)


def _reshape(x, shape):
    return x if tuple(x.shape) == shape else reshape_p.bind(x, new_sizes=shape)


def _split_out_tree(tree):
    children = tree.children()
    if len(children) != 2:
        raise TypeError(f"scan: f must return a pair (carry, y), got a {tree}")
    return children[0], children[1]


def map(f, xs, *, batch_size=None):
    """[f(x) for x in xs] along the leading axis, stacked; batch_size maps in vmapped chunks."""
    if batch_size is None:
        _, ys = scan(lambda _, x: (None, f(x)), None, xs)
        return ys
    leaves, tree = tree_flatten(xs)
    n = int(leaves[0].shape[0])
    batch_size = min(int(batch_size), n)
    full = n // batch_size * batch_size
    main = tree_unflatten(tree, [_reshape(leading_slice(asarray(l), None, full),
                                          (n // batch_size, batch_size) + tuple(l.shape[1:]))
                                 for l in leaves])
    _, ys = scan(lambda _, x: (None, vmap(f)(x)), None, main)
    ys = tree_map(lambda y: _reshape(y, (full,) + tuple(y.shape[2:])), ys)
    if full == n:
        return ys
    rest = vmap(f)(tree_unflatten(tree, [leading_slice(asarray(l), full) for l in leaves]))
    return tree_map(lambda a, b: concatenate([a, b]), ys, rest)


def associative_scan(fn, elems, reverse=False, axis=0):
    """Inclusive prefix scan with an associative fn, by the parallel odd/even recursion."""
    leaves, tree = tree_flatten(elems)
    leaves = [asarray(l) for l in leaves]
    if not leaves:
        return elems
    ndim = leaves[0].ndim
    axis = axis % ndim
    leaves = [moveaxis(l, axis, 0) for l in leaves]
    if reverse:
        leaves = [rev_p.bind(l, dimensions=(0,)) for l in leaves]
    n = int(leaves[0].shape[0])
    if any(int(l.shape[0]) != n for l in leaves):
        raise ValueError("associative_scan: all leaves must have the same size along axis")

    def combine(a, b):
        out = fn(tree_unflatten(tree, a), tree_unflatten(tree, b))
        return [asarray(l) for l in tree_flatten(out)[0]]

    def prefix(xs):
        k = int(xs[0].shape[0])
        if k < 2:
            return xs
        reduced = combine([leading_slice(x, 0, k - 1, 2) for x in xs],
                          [leading_slice(x, 1, None, 2) for x in xs])
        odd = prefix(reduced)
        if k % 2 == 0:
            even = combine([leading_slice(o, None, -1) for o in odd],
                           [leading_slice(x, 2, None, 2) for x in xs])
        else:
            even = combine(odd, [leading_slice(x, 2, None, 2) for x in xs])
        even = [concatenate([leading_slice(x, None, 1), e]) for x, e in zip(xs, even)]
        out = []
        for e, o in zip(even, odd):
            m = int(o.shape[0])
            pairs = _reshape(stack([leading_slice(e, None, m), o], axis=1),
                             (2 * m,) + tuple(o.shape[1:]))
            out.append(concatenate([pairs, leading_slice(e, m)]) if int(e.shape[0]) > m
                       else pairs)
        return out

    result = prefix(leaves)
    if reverse:
        result = [rev_p.bind(r, dimensions=(0,)) for r in result]
    result = [moveaxis(r, 0, axis) for r in result]
    return tree_unflatten(tree, result)
