"""Fusion of elementwise clusters: the rewrite that the fused (Numba) tier compiles.

A *cluster* is a set of elementwise equations over arrays of one shape (float32,
float64, bool, uint32 or int32; operands of that shape, 0-d, or of its trailing
dimensions, as a bias is), each exact when written
as a scalar expression: arithmetic, comparisons, select, max/min, abs, sqrt, `x**2`,
bit operations, the PRNG's threefry2x32 and float32 fma (helper functions); and, with
jaxlite_fusion_fast_math (the default), float32 sin/cos/exp/log/log1p/expm1/tanh/logistic
as vectorizable code within 1 ULP of the correctly rounded result (prims/fast_math.py).
`fuse` reorders an optimized Jaxpr so that every other equation (other transcendental
ufuncs, which NumPy runs with SIMD, contractions, reductions) runs
as early as its operands allow, groups the elementwise equations that become ready
between them, and replaces each group worth it (>= `min_ops` equations on >= `min_size`
elements) by one `fused_elementwise` equation. Its implementation is one scalar loop
compiled by Numba (kernels.py) that reads each operand once and writes only the
values used outside the cluster.

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
_MIN_PERIOD = 256  # the shortest row of a loop with tiled operands (LLVM's cost model)


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


def _loop_shape(eqn, min_size):
    """The shape a fusible equation loops over, or None if it cannot join a cluster."""
    if not eqn.outputs:
        return None
    out = eqn.outputs[0].aval
    if not out.shape or out.size < max(min_size, 2) or any(
            v.aval.shape != out.shape or v.aval.dtype not in _DTYPES for v in eqn.outputs):
        return None
    rule = scalar_rule(eqn.primitive)
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


def _loop_operand(shape, loop_shape):
    """Whether a loop over `loop_shape` reads an operand of `shape`: the loop's own, 0-d,
    or its trailing dimensions (NumPy's broadcast of a bias: element i reads i % size)."""
    return shape == loop_shape or (len(shape) <= len(loop_shape)
                                   and shape == loop_shape[len(loop_shape) - len(shape):])


# ---- clusters ---------------------------------------------------------------------------

def may_fuse(jaxpr, min_size=65536, min_ops=3):
    """Whether `jaxpr` has at least `min_ops` fusible equations, or one with a kernel of
    its own (a quick test at compile time; plan_fusion and substitute_kernels, run only
    once the executable is hot, find the clusters and kernels)."""
    if any(_kernel_rule(eqn, min_size) is not None for eqn in jaxpr.eqns):
        return True
    count = 0
    for eqn in jaxpr.eqns:
        if _loop_shape(eqn, min_size) is not None:
            count += _weight(eqn)
            if count >= min_ops:
                return True
    return False


class Plan:
    """A schedule of an optimized Jaxpr: items are equations or clusters (lists of them)."""

    def __init__(self, items, clusters):
        self.items = items        # [Eqn | [Eqn, ...]] in execution order
        self.clusters = clusters  # the lists in `items` that become fused equations


def plan_fusion(jaxpr, min_size=65536, min_ops=3):
    """Find the clusters of `jaxpr` worth fusing; None if there are none.

    Equations that cannot be fused are scheduled as early as their operands allow;
    fusible ones of one shape that become ready between them form one cluster. A
    fusible equation whose every user sits in one later cluster moves there (its value
    then never leaves the loop)."""
    eqns = jaxpr.eqns
    shapes = [_loop_shape(e, min_size) for e in eqns]
    fusible = [s is not None for s in shapes]
    if sum(_weight(e) for e, f in zip(eqns, fusible) if f) < min_ops:
        return None
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
        group, later = [], []
        while ready_fusible:
            i = heapq.heappop(ready_fusible)
            if shapes[i] != shape:
                later.append(i)
                continue
            group.append(i)
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
            targets = {group_of.get(u) for u in users[i]}
            if (len(targets) == 1 and None not in targets and not any(
                    v in outputs for v in eqns[i].outputs)
                    and all(_leaves_group(j, i, s) for j in deps[i] if group_of.get(j) == s)):
                target = targets.pop()
                if target > s:
                    members.remove(i)
                    stages[target][1].append(i)
                    group_of[i] = target
    items, clusters = [], []
    for kind, members in stages:
        if kind == "eqn":
            items.append(eqns[members])
            continue
        members.sort()  # original order is topological
        group = [eqns[i] for i in members]
        counted = sum(_weight(e) for e in group)
        if counted >= min_ops:
            items.append(group)
            clusters.append(group)
        else:
            items.extend(group)
    if not clusters:
        return None
    return Plan(items, clusters)


class FusedCluster:
    """The parameter of a `fused_elementwise` equation: the cluster as a Jaxpr (its inputs
    and the values used outside it), its loop shape, and the Numba kernel that runs it."""

    def __init__(self, jaxpr, shape):
        self.jaxpr = jaxpr
        self.shape = tuple(shape)
        self.size = int(np.prod(self.shape, dtype=np.int64))
        self.array_inputs = [v.aval.shape == self.shape for v in jaxpr.invars]
        # Operands of the loop's trailing dimensions (a bias): read at i % size.
        self.tiled_inputs = [v.aval.shape not in (self.shape, ()) for v in jaxpr.invars]
        # A load at i % size keeps LLVM from vectorizing the loop (~4x slower): where the
        # loop is long enough it runs as rows of `period` elements (a multiple of every
        # tile, >= _MIN_PERIOD), tiles expanded to that length at each call (_run).
        tiles = [v.aval.size for v, t in zip(jaxpr.invars, self.tiled_inputs) if t]
        period = int(np.lcm.reduce(tiles)) if tiles else 0
        period *= -(-_MIN_PERIOD // period) if period else 0
        self.period = period if period <= self.size else 0
        self.in_dtypes = [v.aval.dtype for v in jaxpr.invars]
        self.out_dtypes = [v.aval.dtype for v in jaxpr.outvars]
        self.source, self.signature = kernel_source(self)
        self.kernel = None  # set by kernels.compile_cluster
        # Fast float32 transcendentals (prims/fast_math.py): results within their ULP
        # bounds of NumPy's, not its bits. With a rare path (sin, cos), the kernel returns
        # a flag, and where it is set the loop runs again with the next pass's helpers
        # (`fallback_kernels`: sin and cos in float64, then libm), until one is clear.
        self.approximate = any(e.primitive.scalar_code is None for e in jaxpr.eqns)
        self.fallback_sources = []  # [(source, signature)] of the later passes
        signature = self.signature
        while signature[-1][1] == "flag":
            source, signature = kernel_source(self, len(self.fallback_sources) + 1)
            self.fallback_sources.append((source, signature))
        self.has_fallback = bool(self.fallback_sources)
        self.fallback_kernels = []  # set by kernels.compile_cluster

    def __call__(self, *args, out=None):
        """Run the kernel. `out`: optional buffers, one per result (None: allocate), of
        the loop's shape and dtype, C-contiguous; they may be inputs dying here (the
        kernel reads every operand of an element before writing it)."""
        if len(self.shape) > 1:
            order = _memory_order(args, self.array_inputs)
            if order is not None and any(self.tiled_inputs):
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
        flat = []
        for a, is_array, tiled, dtype in zip(args, self.array_inputs, self.tiled_inputs,
                                             self.in_dtypes):
            if is_array or tiled:
                if (type(a) is not np.ndarray or a.dtype != dtype
                        or not (a.flags.c_contiguous and a.flags.aligned)):
                    a = np.require(a, dtype, ["C", "A"])
                if a.ndim != 1:
                    a = a.reshape(-1)
                if tiled and a.size < self.period:
                    a = np.resize(a, self.period)  # the tile repeated: one row's operand
            else:
                a = dtype.type(a)
            flat.append(a)
        results = []
        for k, dtype in enumerate(self.out_dtypes):
            buffer = out[k] if out is not None else None
            if (buffer is None or buffer.dtype != dtype or buffer.shape != shape
                    or not buffer.flags.c_contiguous):
                buffer = np.empty(shape, dtype)  # (a strided buffer would be copied)
            results.append(buffer)
        flat_results = results if len(shape) == 1 else [r.reshape(self.size) for r in results]
        if self.kernel(*flat, *flat_results):  # an element took a rare path (sin(1e30))
            for kernel in self.fallback_kernels:
                if not kernel(*flat, *flat_results):  # (the last pass returns None)
                    break
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
        cluster = FusedCluster(Jaxpr([], [], inputs, item, outputs),
                               item[-1].outputs[0].aval.shape)
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
    """(Python source of the cluster's scalar loop, its arguments' (dtype name, kind) with
    kind "in" (a read-only array), "scalar", "out" (an array written) or "flag" (the
    kernel returns it)).
    Names depend only on the cluster's structure, so identical clusters share a kernel.

    An approximation whose fast helper has a rare path it does not cover (sin and cos
    beyond |x| = 6400: `approximate_scalar_guard`) makes the kernel return whether any
    element took it; `level=n` gives the kernel of the n-th pass that then runs instead,
    with the primitives' `approximate_scalar_fallbacks[n - 1]` (helpers, guard rule or
    None; a primitive with fewer passes keeps its last) in place of the fast helpers."""
    jaxpr = cluster.jaxpr
    names, params, loads, constants = {}, [], [], {}
    row_loads = []  # the loads of a loop over rows of cluster.period elements
    signature = []
    for j, (v, is_array) in enumerate(zip(jaxpr.invars, cluster.array_inputs)):
        dtype = v.aval.dtype
        if is_array or cluster.tiled_inputs[j]:
            params.append(f"a{j}")
            # A literal size: a power of two's remainder is a mask, and the loop vectorizes.
            index = "i" if is_array else f"i % {v.aval.size}"
            loads.append(f"        x{j} = a{j}[{index}]")
            row_loads.append(f"        x{j} = a{j}[{'i' if is_array else 'k'}]")
            names[v] = f"x{j}"
            signature.append((dtype.name, "in"))
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

    body, helpers, guards = [], {}, []
    for n, eqn in enumerate(jaxpr.eqns):
        out = eqn.outputs[0].aval
        operands = [operand(v) for v in eqn.inputs]
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
            body.append(f"        {', '.join(names[v] for v in eqn.outputs)}, = {expr}")
            continue
        if out.dtype.kind in "iu":  # Numba widens integer arithmetic: wrap like NumPy
            expr = f"np.{out.dtype.name}({expr})"
        names[eqn.outputs[0]] = f"t{n}"
        body.append(f"        t{n} = {expr}")
    if guards:  # an integer or-reduction: the loop still vectorizes
        body += [f"        slow |= np.int32({g})" for g in dict.fromkeys(guards)]
    stores = []
    for m, v in enumerate(jaxpr.outvars):
        params.append(f"o{m}")
        stores.append(f"        o{m}[i] = {names[v]}")
        signature.append((v.aval.dtype.name, "out"))
    lines = ["import numpy as np", ""]
    if helpers:  # their sources, decorated for Numba by the primitives that define them
        lines[1:1] = ["import numba", "import numba.extending"] + (["import math"] if level else [])
        for name in sorted(helpers):
            lines += ["", "", helpers[name].strip(), ""]
    lines += [f"{name} = {text}" for text, name in constants.items()]
    lines += ["", "", f"def kernel({', '.join(params)}):"]
    if guards:
        lines.append("    slow = np.int32(0)")
        signature.append(("int32", "flag"))
    if cluster.period:  # rows, then the elements after the last whole row
        period = cluster.period
        lines += [f"    rows = o0.shape[0] // {period}", "    for j in range(rows):",
                  f"        for k in range({period}):", f"            i = j * {period} + k"]
        lines += ["    " + line for line in row_loads + body + stores]
        lines.append(f"    for i in range(rows * {period}, o0.shape[0]):")
    else:
        lines.append("    for i in range(o0.shape[0]):")
    lines += loads + body + stores
    if guards:
        lines.append("    return slow")
    return "\n".join(lines) + "\n", tuple(signature)


def signature_text(signature):
    """The kernel's argument types as text: read-only arrays, scalars, output arrays."""
    spell = {"in": "{}[::1] (read)", "scalar": "{}", "out": "{}[::1]"}
    text = "(" + ", ".join(spell[kind].format(dtype) for dtype, kind in signature
                           if kind != "flag") + ")"
    return text + " -> int32 (1: run the next pass)" if signature[-1][1] == "flag" else text
