"""Fusion of elementwise clusters: the rewrite that the fused (Numba) tier compiles.

A *cluster* is a set of elementwise equations over arrays of one shape (float32,
float64, bool, uint32 or int32; operands of that shape, 0-d, of its trailing
dimensions, as a bias is, or one value per row, as a mean with keepdims is), each exact
when written
as a scalar expression: arithmetic, comparisons, select, max/min, abs, sqrt, integer powers,
bit operations, the PRNG's threefry2x32 and float32 fma (helper functions); and, with
jaxlite_fusion_fast_math (the default), float32 sin/cos/exp/log/log1p/expm1/tanh/logistic
as vectorizable code within 1 ULP of the correctly rounded result (prims/fast_math.py).
`fuse` reorders an optimized Jaxpr so that every other equation (other transcendental
ufuncs, which NumPy runs with SIMD, contractions, reductions) runs
as early as its operands allow, groups the elementwise equations that become ready
between them, and replaces each group worth it (>= `min_ops` equations on >= `min_size`
elements; on fewer, where the clusters together save `min_saved` NumPy calls) by one
`fused_elementwise` equation. Its implementation is one scalar loop compiled by Numba
(kernels.py) that reads each operand once and writes only the values used outside the
cluster. With row operands, biases or sums it loops over rows, then columns: values per
row are computed once per row, and a sum over the last axis (pairwise, as NumPy adds)
or the first (row after row) is added up in the loop (reduce_sum's `fused_reduction`).

    c = sin a; d = cos a; e = mul a a; f = mul e b; ...      ->
    c = sin a; d = cos a; g = fused_elementwise[18 equations] a b c d   (float64; float32's
                                                                     sin and cos join g)

A primitive that is not elementwise may bring a kernel of its own (`fused_kernel`:
max pooling and its gradient in prims/windows.py, convolutions in prims/conv.py):
`substitute_kernels` puts it in place of the NumPy code, after a check that it returns
the same bits (or, for kernels that add products in another order, `fused_kernel_rounding`,
agrees within float rounding).

Each exact scalar expression computes what NumPy's ufunc computes element by element, in
the same precision (constants are typed as their operands, no fast-math), so without
the approximate transcendentals the fused tier returns the NumPy tier's bits.
"""
import heapq

import numpy as np

from ..config import flags
from ..core import Primitive
from ..jaxpr import Jaxpr, Eqn, Literal, pretty_print
from ..prims.compiler_rules import constant
from ..prims.shape import broadcast_in_dim_p
from .dce import has_effects

_DTYPES = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.bool_),
           np.dtype(np.uint32), np.dtype(np.int32))  # integers: the PRNG's bits


# ---- scalar expressions ---------------------------------------------------------------
# Each fusible primitive carries its scalar expression (`Primitive.scalar_code`, set where
# it is defined; prims/compiler_rules.py): rule(operand expressions, params, input avals,
# output aval) -> expression or None (not fusible with these parameters).

# A broadcast of a 0-d operand costs nothing in a loop (the scalar itself): it is not
# counted towards min_ops, and where read outside the cluster it stays a view.
_FREE = {broadcast_in_dim_p}


def scalar_rule(primitive):
    """The scalar expression rule of `primitive`: its exact `scalar_code`, else its
    `approximate_scalar_code` (prims/fast_math.py's float32 transcendentals, within a
    measured ULP bound of NumPy's result; the whole-program tier does not read it) where
    the flag jaxlite_fusion_fast_math is on."""
    rule = primitive.scalar_code
    if rule is None and flags.jaxlite_fusion_fast_math:
        rule = getattr(primitive, "approximate_scalar_code", None)
    return rule


def _weight(eqn):
    """What an equation counts towards min_ops: 0 for a free broadcast; a primitive that
    is many operations in one (threefry2x32's twenty rounds) says so (`fusion_weight`)."""
    if eqn.primitive in _FREE:
        return 0
    return getattr(eqn.primitive, "fusion_weight", 1)


def _loop_shape(eqn, min_size, small=False):
    """The shape a fusible equation loops over, or None if it cannot join a cluster: one
    of >= `min_size` elements, or with `small`, of fewer. On few elements only exact
    scalar code joins: NumPy's SIMD transcendentals beat the fast_math loops on arrays
    in cache (tanh of 8192 float32: 1.6 us as a ufunc, ~5 us in a loop), and the small
    clusters keep the NumPy tier's bits."""
    if not eqn.outputs:
        return None
    if _reduction_kind(eqn) is not None:  # a sum the loop over its operand adds up
        loop = eqn.inputs[0].aval
        return loop.shape if loop.size >= max(2 if small else min_size, 2) else None
    out = eqn.outputs[0].aval
    if not out.shape or out.size < max(2 if small else min_size, 2) or any(
            v.aval.shape != out.shape or v.aval.dtype not in _DTYPES for v in eqn.outputs):
        return None
    rule = scalar_rule(eqn.primitive) if out.size >= min_size else eqn.primitive.scalar_code
    if rule is None:
        return None
    for v in eqn.inputs:
        a = v.aval
        if a.dtype not in _DTYPES or not _loop_operand(a.shape, out.shape):
            return None
    names = [f"x{i}" for i in range(len(eqn.inputs))]
    if rule(names, eqn.params, [v.aval for v in eqn.inputs], out) is None:
        return None
    return out.shape


def _reduction_kind(eqn):
    """"rows" or "columns" for a sum a loop can add up in NumPy's order (the primitive's
    `fused_reduction`, prims/reduce.py), else None."""
    rule = getattr(eqn.primitive, "fused_reduction", None)
    if rule is None or type(eqn.inputs[0]) is Literal:
        return None
    return rule(eqn)


def _loop_operand(shape, loop_shape):
    """Whether a loop over `loop_shape` reads an operand of `shape`: the loop's own, 0-d,
    its trailing dimensions (NumPy's broadcast of a bias: element i reads i % size) or a
    row operand (_is_row)."""
    return shape == loop_shape or (len(shape) <= len(loop_shape)
                                   and shape == loop_shape[len(loop_shape) - len(shape):]
                                   ) or _is_row(shape, loop_shape)


def _is_row(shape, loop_shape):
    """Whether `shape` is one value per row of a loop over `loop_shape`: its dimensions
    but the last, trailing ones of those, then 1 (a statistic reduced over the last axis
    with keepdims: layer norm's mean, softmax's max). The kernel loops over rows and
    columns then, and reads it once per row."""
    return (bool(shape) and shape[-1] == 1 and loop_shape[-1] != 1
            and len(shape) <= len(loop_shape) and len(loop_shape) >= 2
            and shape[:-1] == loop_shape[len(loop_shape) - len(shape):-1])


# ---- clusters ---------------------------------------------------------------------------

def may_fuse(jaxpr, min_size=65536, min_ops=3, min_saved=None):
    """Whether `jaxpr` has at least `min_ops` fusible equations on `min_size` elements,
    `min_saved` on fewer (plan_fusion), or one with a kernel of its own (a quick test at
    compile time; plan_fusion and substitute_kernels, run only once the executable is
    hot, find the clusters and kernels)."""
    if any(_kernel_rule(eqn, min_size) is not None for eqn in jaxpr.eqns):
        return True
    count = small = 0
    for eqn in jaxpr.eqns:
        if _loop_shape(eqn, min_size) is not None:
            count += _weight(eqn)
            if count >= min_ops:
                return True
        elif min_saved is not None and _loop_shape(eqn, min_size, True) is not None:
            small += _weight(eqn)
            if small >= min_saved:
                return True
    return False


class Plan:
    """A schedule of an optimized Jaxpr: items are equations or clusters (lists of them)."""

    def __init__(self, items, clusters, loop_shapes=None):
        self.items = items        # [Eqn | [Eqn, ...]] in execution order
        self.clusters = clusters  # the lists in `items` that become fused equations
        self.loop_shapes = loop_shapes or [  # what each cluster loops over
            max((e.outputs[0].aval.shape for e in group), key=lambda shape: np.prod(shape))
            for group in clusters]


def plan_fusion(jaxpr, min_size=65536, min_ops=3, min_saved=None):
    """Find the clusters of `jaxpr` worth fusing; None if there are none.

    Equations that cannot be fused are scheduled as early as their operands allow;
    fusible ones of one shape that become ready between them form one cluster. A
    fusible equation whose every user sits in one later cluster moves there (its value
    then never leaves the loop).

    A cluster of >= `min_ops` equations on >= `min_size` elements saves memory traffic.
    On fewer elements, what a cluster saves is calls: NumPy's ufuncs take ~0.4-1 us each
    on a few thousand elements, the kernel's call about as much as one of them. With
    `min_saved` given, such clusters (of >= `min_ops` equations too) are fused when
    together they save at least `min_saved` calls: their equations, less one call each."""
    eqns = jaxpr.eqns
    shapes = [_loop_shape(e, min_size, min_saved is not None) for e in eqns]
    if min_saved is not None:
        # A small equation read by a large fusible one stays NumPy's and runs first, as
        # without small clusters: grouped on its own it would split the large loop.
        large = {v for e, shape in zip(eqns, shapes)
                 if shape is not None and np.prod(shape) >= min_size
                 for v in e.inputs if type(v) is not Literal}
        shapes = [None if shape is not None and np.prod(shape) < min_size
                  and any(v in large for v in e.outputs) else shape
                  for e, shape in zip(eqns, shapes)]
    fusible = [s is not None for s in shapes]
    if sum(_weight(e) for e, f in zip(eqns, fusible) if f) < min_ops:
        return None
    reductions = {i for i, (e, f) in enumerate(zip(eqns, fusible))
                  if f and _reduction_kind(e) is not None}
    producer = {}
    for i, e in enumerate(eqns):
        for v in e.outputs:
            producer[v] = i
    deps = [set() for _ in eqns]
    users = [[] for _ in eqns]
    previous_effect = None
    for i, e in enumerate(eqns):
        for v in e.inputs:
            j = producer.get(v) if type(v) is not Literal else None
            if j is not None:
                deps[i].add(j)
        if has_effects(e):  # effects keep their order
            if previous_effect is not None:
                deps[i].add(previous_effect)
            previous_effect = i
        for j in deps[i]:
            users[j].append(i)
    waiting = [len(d) for d in deps]

    ready_other, ready_fusible = [], []
    for i in range(len(eqns)):
        if waiting[i] == 0:
            heapq.heappush(ready_fusible if fusible[i] else ready_other, i)

    def finish(i, fusible_sink):
        for u in users[i]:
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(fusible_sink if fusible[u] else ready_other, u)

    stages = []  # ("eqn", i) | ("group", [i, ...])
    while ready_other or ready_fusible:
        while ready_other:
            i = heapq.heappop(ready_other)
            stages.append(("eqn", i))
            finish(i, ready_fusible)
        if not ready_fusible:
            continue
        shape = shapes[ready_fusible[0]]
        # Equations of one value per row join a loop over the whole: rows first.
        shape = next((shapes[i] for i in ready_fusible if _is_row(shape, shapes[i])), shape)
        group, later, sums = [], [], set()
        while ready_fusible:
            i = heapq.heappop(ready_fusible)
            if sums.intersection(deps[i]):
                # A sum is complete only when the loop ends: what reads it waits for a
                # later group (and so does all that depends on it).
                later.append(i)
                continue
            if _is_row(shape, shapes[i]) and not sums:
                shape = shapes[i]  # the rows so far, then the whole
            elif shapes[i] != shape and not _is_row(shapes[i], shape):
                later.append(i)
                continue
            group.append(i)
            if i in reductions:
                sums.add(i)
            finish(i, ready_fusible)
        for i in later:
            heapq.heappush(ready_fusible, i)
        stages.append(("group", group))
    assert sum(1 if k == "eqn" else len(g) for k, g in stages) == len(eqns)

    # Sink: an equation all of whose users are in one later group joins that group,
    # unless an operand made in its own group would then have to leave that group's loop
    # (an array written for it instead of its result: nothing saved, a cluster split).
    group_of = {}
    for s, (kind, members) in enumerate(stages):
        if kind == "group":
            for i in members:
                group_of[i] = s
    outputs = {v for v in jaxpr.outvars if type(v) is not Literal}

    def _leaves_group(j, mover, s):  # a value of j is read outside group s anyway
        return any(u != mover and group_of.get(u) != s for u in users[j]) or any(
            v in outputs for v in eqns[j].outputs)
    for s in range(len(stages) - 1, -1, -1):
        kind, members = stages[s]
        if kind != "group":
            continue
        for i in reversed(list(members)):
            if i in reductions:  # read only once complete: never inside a loop
                continue
            targets = {group_of.get(u) for u in users[i]}
            if (len(targets) == 1 and None not in targets and not any(
                    v in outputs for v in eqns[i].outputs)
                    and all(_leaves_group(j, i, s) for j in deps[i] if group_of.get(j) == s)):
                target = targets.pop()
                if target > s:
                    members.remove(i)
                    stages[target][1].append(i)
                    group_of[i] = target
    def loop_shape(members):  # the largest (an equation sunk there may be smaller)
        return max((shapes[i] for i in members), key=lambda shape: np.prod(shape))

    def large(members):
        return np.prod(loop_shape(members)) >= min_size
    saved = sum(sum(_weight(eqns[i]) for i in members) - 1 for kind, members in stages
                if kind == "group" and members and not large(members)
                and sum(_weight(eqns[i]) for i in members) >= min_ops)
    fuse_small = min_saved is not None and saved >= min_saved
    items, clusters, loop_shapes = [], [], []
    for kind, members in stages:
        if kind == "eqn":
            items.append(eqns[members])
            continue
        members.sort()  # original order is topological
        group = [eqns[i] for i in members]
        counted = sum(_weight(e) for e in group)
        if counted >= min_ops and (fuse_small or large(members)):
            items.append(group)
            clusters.append(group)
            loop_shapes.append(loop_shape(members))
        else:
            items.extend(group)
    if not clusters:
        return None
    return Plan(items, clusters, loop_shapes)


class FusedCluster:
    """The parameter of a `fused_elementwise` equation: the cluster as a Jaxpr (its inputs
    and the values used outside it), its loop shape, and the Numba kernel that runs it."""

    def __init__(self, jaxpr, shape):
        self.jaxpr = jaxpr
        self.shape = tuple(shape)
        self.size = int(np.prod(self.shape, dtype=np.int64))
        self.array_inputs = [v.aval.shape == self.shape for v in jaxpr.invars]
        # One value per row (_is_row): the loop runs over rows, then columns.
        self.row_inputs = [v.aval.shape != self.shape and _is_row(v.aval.shape, self.shape)
                           for v in jaxpr.invars]
        # Operands of the loop's trailing dimensions (a bias): read at i % size.
        self.tiled_inputs = [v.aval.shape not in (self.shape, ()) and not row
                             for v, row in zip(jaxpr.invars, self.row_inputs)]
        self.scalar_inputs = [v.aval.shape == () for v in jaxpr.invars]
        self.in_dtypes = [v.aval.dtype for v in jaxpr.invars]
        self.out_dtypes = [v.aval.dtype for v in jaxpr.outvars]
        # Sums the loop adds up as it goes ("rows" or "columns": _reduction_kind).
        self.reductions = {id(e): _reduction_kind(e) for e in jaxpr.eqns
                           if getattr(e.primitive, "fused_reduction", None) is not None}
        kinds = {e.outputs[0]: self.reductions[id(e)] for e in jaxpr.eqns
                 if id(e) in self.reductions}
        # Equations of one value per row, computed once per row.
        self.row_eqns = {id(e) for e in jaxpr.eqns if id(e) not in self.reductions
                         and e.outputs[0].aval.shape != self.shape
                         and _is_row(e.outputs[0].aval.shape, self.shape)}
        kinds.update((v, "row") for e in jaxpr.eqns if id(e) in self.row_eqns
                     for v in e.outputs)
        self.out_kinds = [kinds.get(v) for v in jaxpr.outvars]
        self.out_shapes = self.result_shapes(self.shape)
        self.source, self.signature = kernel_source(self)
        self.kernel = None  # set by kernels.compile_cluster
        # Fast float32 transcendentals (prims/fast_math.py): results within their ULP
        # bounds of NumPy's, not its bits. With a rare path (sin, cos), the kernel returns
        # a flag, and where it is set the loop runs again with the next pass's helpers
        # (`fallback_kernels`: sin and cos in float64, then libm), until one is clear.
        self.approximate = any(e.primitive.scalar_code is None for e in jaxpr.eqns
                               if id(e) not in self.reductions)  # (sums are exact)
        self.fallback_sources = []  # [(source, signature)] of the later passes
        signature = self.signature
        while signature[-1][1] == "flag":
            source, signature = kernel_source(self, len(self.fallback_sources) + 1)
            self.fallback_sources.append((source, signature))
        self.has_fallback = bool(self.fallback_sources)
        self.fallback_kernels = []  # set by kernels.compile_cluster

    def result_shapes(self, shape):
        """The shapes of the results for a loop over `shape`: it, a sum's, or a row's."""
        return [shape[:-1] if kind == "rows" else shape[1:] if kind == "columns"
                else shape[len(shape) - len(v.aval.shape):-1] + (1,) if kind == "row"
                else shape for v, kind in zip(self.jaxpr.outvars, self.out_kinds)]

    def bound(self):
        """The cluster as the function the generated code calls (its kernel compiled):
        C-ordered operands of the kernel's dtypes go straight in, cheaply enough for
        small arrays; any other operand fails Numba's dispatch (TypeError, raised before
        the loop runs) and takes the general path, `__call__`. That error costs ~1 ms
        (Numba explains it): after one, calls take the general path at once (an
        equation's operands are laid out alike from call to call)."""
        ins = ", ".join(f"a{j}" for j in range(len(self.in_dtypes)))
        outs = ", ".join(f"o{m}" for m in range(len(self.out_dtypes)))
        allocate = "".join(f"    o{m} = _empty(_s{m}, _d{m})\n"
                           for m in range(len(self.out_dtypes)))
        rerun = (f"            _cluster.fallback({ins}, {outs}, {self.size})\n"
                 if self.has_fallback else "            pass\n")
        source = (f"def call({ins}):\n    if _general:\n        return _cluster({ins})\n"
                  f"{allocate}    try:\n"
                  f"        if _kernel({ins}, {outs}, {self.size}):  # a rare path taken\n"
                  f"{rerun}    except TypeError:\n        _general.append(True)\n"
                  f"        return _cluster({ins})\n    return [{outs}]\n")
        namespace = {"_empty": np.empty, "_kernel": self.kernel, "_general": [],
                     "_cluster": self}
        namespace.update((f"_d{m}", dtype) for m, dtype in enumerate(self.out_dtypes))
        namespace.update((f"_s{m}", shape) for m, shape in enumerate(self.out_shapes))
        exec(compile(source, "<jaxlite-fused-call>", "exec"), namespace)
        return namespace["call"]

    def fallback(self, *arrays):
        """The later passes over the loop (operands, results, size), each where the one
        before flagged an element, until one is clear."""
        for kernel in self.fallback_kernels:
            if not kernel(*arrays):  # (the last pass returns None)
                break

    def __call__(self, *args, out=None):
        """Run the kernel. `out`: optional buffers, one per result (None: allocate), of
        the loop's shape and dtype, C-contiguous; they may be inputs dying here (the
        kernel reads every operand of an element before writing it)."""
        if len(self.shape) > 1:
            order = _memory_order(args, self.array_inputs)
            if order is not None and (any(self.tiled_inputs) or any(self.row_inputs)
                                      or self.reductions or self.row_eqns):
                # A tiled operand's index is not i % size in another order: NumPy's
                # ufuncs, equation by equation (the NumPy tier itself; rare: operands
                # are C-ordered unless a transpose made a view).
                return _numpy_evaluate(self.jaxpr, args)
            if order is not None:
                # NumPy lays a ufunc's result out as its operands are (order "K"); a
                # C-ordered result would change the order later reductions add in.
                # Run the loop over the operands' own memory order and hand back views
                # in the logical order: the layout the NumPy tier would have made.
                args = [np.transpose(a, order) if is_array else a
                        for a, is_array in zip(args, self.array_inputs)]
                shape = tuple(self.shape[i] for i in order)
                inverse = np.argsort(order)
                return [r.transpose(inverse) for r in self._run(args, shape, None)]
        return self._run(args, self.shape, out)

    def _run(self, args, shape, out):
        if self.has_fallback:
            out = None  # a later pass reads the operands again: none may be overwritten
        operands = []
        for a, is_scalar, dtype in zip(args, self.scalar_inputs, self.in_dtypes):
            if not is_scalar:
                if (type(a) is not np.ndarray or a.dtype != dtype
                        or not (a.flags.c_contiguous and a.flags.aligned)):
                    a = np.require(a, dtype, ["C", "A"])
            else:
                a = dtype.type(a)
            operands.append(a)
        results = []
        for k, (dtype, result_shape) in enumerate(zip(self.out_dtypes,
                                                      self.result_shapes(shape))):
            buffer = out[k] if out is not None else None
            if (buffer is None or buffer.dtype != dtype or buffer.shape != result_shape
                    or not buffer.flags.c_contiguous):
                buffer = np.empty(result_shape, dtype)  # (a strided buffer would be copied)
            results.append(buffer)
        size = int(np.prod(shape, dtype=np.int64))
        if self.kernel(*operands, *results, size):  # an element took a rare path (sin(1e30))
            self.fallback(*operands, *results, size)
        return results

    def __repr__(self):
        return "\n" + pretty_print(self.jaxpr, indent=8)


def _numpy_evaluate(jaxpr, args):
    """The cluster's equations run by their NumPy implementations."""
    env = dict(zip(jaxpr.invars, args))
    for eqn in jaxpr.eqns:
        ins = [np.asarray(v.value, v.aval.dtype)[()] if type(v) is Literal else env[v]
               for v in eqn.inputs]
        out = eqn.primitive.impl(*ins, **eqn.params)
        env.update(zip(eqn.outputs, out if eqn.primitive.multiple_results else [out]))
    return [np.asarray(env[v]) for v in jaxpr.outvars]


def _memory_order(args, array_inputs):
    """The axis order (slowest first) of the first operand not in C order, if any."""
    for a, is_array in zip(args, array_inputs):
        if is_array and isinstance(a, np.ndarray) and not a.flags.c_contiguous:
            order = sorted(range(a.ndim), key=lambda i: -abs(a.strides[i]))
            return None if order == list(range(a.ndim)) else order
    return None


def _fused_impl(*args, cluster, out=None):
    return cluster(*args, out=out)


fused_elementwise_p = Primitive("fused_elementwise", multiple_results=True)
fused_elementwise_p.impl = _fused_impl
fused_elementwise_p.abstract_eval = lambda *avals, cluster: [v.aval for v in cluster.jaxpr.outvars]
# Its results are new arrays, never views of its operands: operands may live in the
# executable's workspace (codegen reads this attribute).
fused_elementwise_p.fresh_results = True
# The implementation also takes `out=` (a tuple of buffers, None entries allocate), which
# may alias operands that die at this equation; code generation does not use it yet.
fused_elementwise_p.accepts_out = True
# What the generated code calls (codegen.py): the cluster's own function.
fused_elementwise_p.bind_impl = lambda cluster: cluster.bound()


def fuse(jaxpr, plan):
    """`jaxpr` rescheduled by `plan`, each cluster one `fused_elementwise` equation.
    Returns (the new Jaxpr, its FusedClusters)."""
    cluster_of = {}
    for k, group in enumerate(plan.clusters):
        for e in group:
            cluster_of[id(e)] = k
    used_outside = {}  # var -> True if read outside its cluster (or a result)
    for item in plan.items:
        group = item if isinstance(item, list) else [item]
        for e in group:
            k = cluster_of.get(id(e))
            for v in e.inputs:
                if type(v) is not Literal:
                    used_outside.setdefault(id(v), set()).add(k)
    results = {id(v) for v in jaxpr.outvars if type(v) is not Literal}
    eqns, fused = [], []
    for item in plan.items:
        if not isinstance(item, list):
            eqns.append(item)
            continue
        k = cluster_of[id(item[0])]
        produced = {id(v) for e in item for v in e.outputs}
        inputs, seen = [], set()
        for e in item:
            for v in e.inputs:
                if type(v) is not Literal and id(v) not in produced and id(v) not in seen:
                    seen.add(id(v))
                    inputs.append(v)
        outputs = []
        for e in item:
            for v in e.outputs:
                if id(v) in results or (used_outside.get(id(v), set()) - {k}):
                    if e.primitive in _FREE:
                        # A broadcast scalar read outside stays a view there (and the
                        # scalar inside the loop): not an array the loop writes.
                        eqns.append(e)
                    else:
                        outputs.append(v)
        cluster = FusedCluster(Jaxpr([], [], inputs, item, outputs), plan.loop_shapes[k])
        fused.append(cluster)
        sources = list(dict.fromkeys(e.source for e in item if e.source))
        source = f"{len(item)} fused equations" + (f" from {', '.join(sources[:3])}"
                                                   if sources else "")
        if len(sources) > 3:
            source += ", ..."
        eqns.append(Eqn(fused_elementwise_p, inputs, {"cluster": cluster}, outputs, source))
    return Jaxpr(jaxpr.constvars, jaxpr.consts, jaxpr.invars, eqns, jaxpr.outvars), fused


# ---- primitives with a kernel of their own ----------------------------------------------
# A primitive that is not elementwise may carry `fused_kernel(eqn)` (set where it is
# defined): (Numba source of `kernel`, its signature as kernel_source gives one, and
# run(kernel, *operands, out=None) -> result, a new C-order array or `out`, a C-order
# buffer of the result's shape and dtype: a jit workspace slot, so that steady-state
# calls do not fault in fresh pages), or None where its NumPy code stays. The fused tier
# compiles the source (kernels.compile_call), checks it against the NumPy implementation,
# and runs it in place of that code.

def _kernel_rule(eqn, min_size):
    rule = getattr(eqn.primitive, "fused_kernel", None)
    # the work grows with the operands too (a convolution's kernel gradient is small)
    sizes = [v.aval.size for v in [*eqn.inputs, *eqn.outputs] if hasattr(v.aval, "size")]
    if rule is None or not eqn.outputs or max(sizes) < max(min_size, 2):
        return None
    return rule


class KernelCall:
    """The parameter of a `kernel_call` equation: one equation run by its own kernel."""

    def __init__(self, eqn, source, signature, run):
        self.eqn = eqn  # the equation it replaces (its NumPy implementation: the check)
        self.source, self.signature, self.run = source, signature, run
        self.kernel = None  # set by kernels.compile_call

    def __call__(self, *args, out=None):
        return self.run(self.kernel, *args, out=out)

    def __repr__(self):
        return self.eqn.primitive.name


kernel_call_p = Primitive("kernel_call")
kernel_call_p.impl = lambda *args, call, out=None: call(*args, out=out)
kernel_call_p.abstract_eval = lambda *avals, call: call.eqn.outputs[0].aval
# a new C-order array, never a view of an operand, or written into a workspace buffer
kernel_call_p.fresh_results = kernel_call_p.writable_results = kernel_call_p.impl_out = True


def substitute_kernels(jaxpr, min_size=65536):
    """`jaxpr` with each equation whose primitive has a kernel for it (on >= `min_size`
    elements) replaced by a `kernel_call` equation; and those KernelCalls."""
    eqns, calls = [], []
    for eqn in jaxpr.eqns:
        rule = _kernel_rule(eqn, min_size)
        spec = rule(eqn) if rule is not None else None
        if spec is None:
            eqns.append(eqn)
            continue
        call = KernelCall(eqn, *spec)
        calls.append(call)
        eqns.append(Eqn(kernel_call_p, eqn.inputs, {"call": call}, eqn.outputs, eqn.source))
    if not calls:
        return jaxpr, calls
    return Jaxpr(jaxpr.constvars, jaxpr.consts, jaxpr.invars, eqns, jaxpr.outvars), calls


# ---- the kernel's source ----------------------------------------------------------------

def kernel_source(cluster, level=0):
    """(Python source of the cluster's scalar loop, its arguments' (dtype name, kind,
    ndim of an array) with kind "in" (a read-only array, in its own shape), "scalar",
    "out" (an array written) or "flag" (the kernel returns it); the last argument is the
    loop's element count).
    Names depend only on the cluster's structure, so identical clusters share a kernel.

    An approximation whose fast helper has a rare path it does not cover (sin and cos
    beyond |x| = 6400: `approximate_scalar_guard`) makes the kernel return whether any
    element took it; `level=n` gives the kernel of the n-th pass that then runs instead,
    with the primitives' `approximate_scalar_fallbacks[n - 1]` (helpers, guard rule or
    None; a primitive with fewer passes keeps its last) in place of the fast helpers."""
    jaxpr = cluster.jaxpr
    names, params, loads, constants = {}, [], [], {}
    row_loads, views = [], []
    signature = []
    # With row or bias operands the loop is nested, rows then columns: a row operand is
    # read once per row, a bias contiguously (read at i % size, it would be a gather,
    # and LLVM would not vectorize the loop). Columns: the last dimension with rows,
    # else the smallest bias (the larger ones, of more trailing dimensions, repeat it).
    tiled = [v.aval.size for v, t in zip(jaxpr.invars, cluster.tiled_inputs) if t]
    columns = (cluster.shape[-1] if any(cluster.row_inputs) or cluster.reductions
               or cluster.row_eqns else min(tiled) if tiled else None)
    rows = cluster.size // columns if columns else None
    for j, v in enumerate(jaxpr.invars):
        dtype, ndim = v.aval.dtype, len(v.aval.shape)
        if ndim:
            params.append(f"a{j}")
            # Arrays come in their own shapes; the loop reads them flat (a view).
            array = f"a{j}" if ndim == 1 else f"b{j}"
            if ndim > 1:
                views.append(f"    b{j} = a{j}.reshape(a{j}.size)")
            if cluster.row_inputs[j]:
                index = "r" if v.aval.size == rows else f"r % {v.aval.size}"
                row_loads.append(f"x{j} = {array}[{index}]")
            else:
                index = ("i" if cluster.array_inputs[j] else "c" if v.aval.size == columns
                         else f"i % {v.aval.size}")
                loads.append(f"x{j} = {array}[{index}]")
            names[v] = f"x{j}"
            signature.append((dtype.name, "in", ndim))
        else:
            params.append(f"s{j}")
            names[v] = f"s{j}"
            signature.append((dtype.name, "scalar"))

    def operand(v):
        if type(v) is Literal:
            text = constant(v.value, v.aval.dtype)
            if text not in constants:
                constants[text] = f"k{len(constants)}"
            return constants[text]
        return names[v]

    body, helpers, guards, sums = [], {}, [], {}
    row_level = set()  # values computed once per row
    for n, eqn in enumerate(jaxpr.eqns):
        if id(eqn) in cluster.row_eqns:
            row_level.update(eqn.outputs)
            body, row_loads = row_loads, body  # (swapped back below)
        out = eqn.outputs[0].aval
        operands = [operand(v) for v in eqn.inputs]
        if id(eqn) in cluster.reductions:  # added up below, in NumPy's order
            sums[eqn.outputs[0]] = (cluster.reductions[id(eqn)], operands[0], n)
            continue
        avals = [v.aval for v in eqn.inputs]
        expr = scalar_rule(eqn.primitive)(operands, eqn.params, avals, out)
        helpers.update(getattr(eqn.primitive, "scalar_helpers", None) or {})
        if eqn.primitive.scalar_code is None:  # an approximation, its helpers and guard
            helpers.update(eqn.primitive.approximate_scalar_helpers)
            guard = getattr(eqn.primitive, "approximate_scalar_guard", None)
            if level and guard is not None:  # a guarded helper has its later passes
                passes = eqn.primitive.approximate_scalar_fallbacks
                pass_helpers, guard = passes[min(level, len(passes)) - 1]
                helpers.update(pass_helpers)
            if guard is not None:
                guards.append(guard(operands, eqn.params, avals, out))
        if eqn.primitive.multiple_results:  # a helper returning a tuple
            for j, v in enumerate(eqn.outputs):
                names[v] = f"t{n}_{j}"
            body.append(f"{', '.join(names[v] for v in eqn.outputs)}, = {expr}")
        else:
            if out.dtype.kind in "iu":  # Numba widens integer arithmetic: wrap like NumPy
                expr = f"np.{out.dtype.name}({expr})"
            names[eqn.outputs[0]] = f"t{n}"
            body.append(f"t{n} = {expr}")
        if id(eqn) in cluster.row_eqns:
            body, row_loads = row_loads, body
    if guards:  # an integer or-reduction: the loop still vectorizes
        body += [f"slow |= np.int32({g})" for g in dict.fromkeys(guards)]
    stores, before, after = [], [], []
    for m, v in enumerate(jaxpr.outvars):
        params.append(f"o{m}")
        ndim = len(v.aval.shape)
        target = f"p{m}" if ndim > 1 else f"o{m}"
        if ndim > 1:
            views.append(f"    p{m} = o{m}.reshape(o{m}.size)")
        signature.append((v.aval.dtype.name, "out", ndim))
        if v in row_level:
            index = "r" if v.aval.size == rows else f"r % {v.aval.size}"
            row_loads.append(f"{target}[{index}] = {names[v]}")
            continue
        if v not in sums:
            stores.append(f"{target}[i] = {names[v]}")
            continue
        kind, value, n = sums[v]
        zero = f"np.{v.aval.dtype.name}(0.0)"  # NumPy's sums start at +0.0
        if kind == "columns":  # row after row into the result
            before += [f"    for c in range({columns}):", f"        {target}[c] = {zero}"]
            stores.append(f"{target}[c] += {value}")
        else:  # the row's values kept, then added pairwise
            before.append(f"    w{n} = np.empty({columns}, np.{v.aval.dtype.name})")
            stores.append(f"w{n}[c] = {value}")
            total = _pairwise_sum(f"w{n}", 0, columns, f"s{n}", after)
            after.append(f"{target}[r] = {zero} + {total}")
    params.append("n")  # the loop's elements
    signature.append(("int64", "scalar"))
    lines = ["import numpy as np", ""]
    if helpers:  # their sources, decorated for Numba by the primitives that define them
        lines[1:1] = ["import numba", "import numba.extending"] + (["import math"] if level else [])
        for name in sorted(helpers):
            lines += ["", "", helpers[name].strip(), ""]
    lines += [f"{name} = {text}" for text, name in constants.items()]
    lines += ["", "", f"def kernel({', '.join(params)}):"] + views + before
    if guards:
        lines.append("    slow = np.int32(0)")
        signature.append(("int32", "flag"))
    if columns:
        lines.append(f"    for r in range(n // {columns}):")
        lines += [f"        {line}" for line in row_loads]
        lines.append(f"        for c in range({columns}):")
        lines.append(f"            i = r * {columns} + c")
        indent = " " * 12
    else:
        lines.append("    for i in range(n):")
        indent = " " * 8
    lines += [indent + line for line in loads + body + stores]
    lines += [f"        {line}" for line in after]
    if guards:
        lines.append("    return slow")
    return "\n".join(lines) + "\n", tuple(signature)


def _pairwise_sum(buffer, start, count, name, lines):
    """Straight-line code adding buffer[start:start + count] as NumPy's pairwise sum does
    (fewer than 8: one after another; up to 128: 8 running sums, combined as a tree,
    then the rest; more: the two halves, split at a multiple of 8), appended to `lines`;
    returns the expression of the sum."""
    if count < 8:
        terms = [f"{buffer}[{start + k}]" for k in range(count)]
        expr = terms[0]
        for term in terms[1:]:
            expr = f"({expr} + {term})"
        return expr
    if count <= 128:
        whole = count - count % 8
        lines += [f"{name}_{j} = {buffer}[{start + j}]" for j in range(8)]
        lines.append(f"for k in range({start + 8}, {start + whole}, 8):")
        lines += [f"    {name}_{j} += {buffer}[k + {j}]" for j in range(8)]
        expr = (f"((({name}_0 + {name}_1) + ({name}_2 + {name}_3)) + "
                f"(({name}_4 + {name}_5) + ({name}_6 + {name}_7)))")
        for k in range(start + whole, start + count):
            expr = f"({expr} + {buffer}[{k}])"
        return expr
    half = count // 2
    half -= half % 8
    first = _pairwise_sum(buffer, start, half, f"{name}a", lines)
    lines.append(f"{name}a = {first}")
    second = _pairwise_sum(buffer, start + half, count - half, f"{name}b", lines)
    return f"({name}a + {second})"


def signature_text(signature):
    """The kernel's argument types as text: read-only arrays, scalars, output arrays."""
    def spell(dtype, kind, ndim=1):
        dims = ", ".join([":"] * (ndim - 1) + ["::1"])
        return {"in": f"{dtype}[{dims}] (read)", "scalar": dtype, "out": f"{dtype}[{dims}]"}[kind]
    text = "(" + ", ".join(spell(*spec) for spec in signature if spec[1] != "flag") + ")"
    return text + " -> int32 (1: run the next pass)" if signature[-1][1] == "flag" else text
