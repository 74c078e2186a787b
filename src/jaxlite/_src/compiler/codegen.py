"""Code generation: a Jaxpr becomes one Python function over NumPy.

Each equation becomes one line, either the primitive's `lower` expression
(e.g. `np.add(a, b)`) or a call of its NumPy implementation with the
parameters bound. The source is kept so users can read what runs
(`jit(f).lower(*args).compile().as_python()`), with the user's source line of
each equation as a comment.
"""
import functools
import threading
import weakref

import numpy as np

from .dce import has_effects
from ..core import QUIET_NUMPY as _QUIET
from ..jaxpr import Literal, Jaxpr
from ..config import flags
# This package; its attributes `passes` and `tiers` load those modules on first use.
from .. import compiler

_lock = threading.RLock()  # re-entrant: compiling a Jaxpr compiles the Jaxprs it holds


class Compiled:
    """An executable for one Jaxpr: call it with NumPy values, get a list back.

    `fn` is what runs. With a fused tier (tiers.py: Numba loops for elementwise
    clusters, compiled once the executable is hot) `fn` dispatches to the current tier,
    and `source` ends with the fused tier's code once it is built."""

    def __init__(self, fn, source, jaxpr):
        self.fn = fn
        self.numpy_source = source
        self.jaxpr = jaxpr
        self.tier = None

    @property
    def source(self):
        if self.tier is None:
            return self.numpy_source
        return self.numpy_source + self.tier.listing()

    def __call__(self, *args):
        return self.fn(*args)


def compile_jaxpr(jaxpr):
    """The cached Compiled executable of `jaxpr`."""
    compiled = jaxpr.cache.get("compiled")
    if compiled is None:
        with _lock:
            compiled = jaxpr.cache.get("compiled")
            if compiled is None:
                compiled = _compile(jaxpr)
                if flags.jaxlite_fusion != "off":
                    compiler.tiers.attach(compiled, _generate)
                jaxpr.cache["compiled"] = compiled
    return compiled


def generated_source(jaxpr):
    return compile_jaxpr(jaxpr).source


_DEL_THRESHOLD = 4096  # elements; deleting tiny arrays early is not worth a statement


def _last_uses(jaxpr):
    """Index of the last equation reading each variable (outputs never die)."""
    last = {}
    for i, eqn in enumerate(jaxpr.eqns):
        for v in eqn.inputs:
            if type(v) is not Literal:
                last[v] = i
    for v in jaxpr.outvars:
        if type(v) is not Literal:
            last[v] = len(jaxpr.eqns)
    return last


def _buffer_last_uses(jaxpr, last_use):
    """For each ufunc result (a fresh buffer), the last equation reading it or any variable
    that may view its memory. Other primitives (reshape, transpose, slicing, broadcast_to,
    control flow returning an operand, ...) may return views of their operands, so a
    buffer may be overwritten only once its views are dead too. A buffer handed to a
    callback is never overwritten: the callback may keep it (JAX hands it a copy)."""
    views = {}  # variable -> the buffers whose memory it may share
    buffer_last = {}
    for eqn in jaxpr.eqns:
        # fresh_results: a primitive whose results are new arrays, never views of its
        # operands (the fused tier's fused_elementwise).
        if eqn.primitive.ufunc_name is not None or getattr(eqn.primitive, "fresh_results", False):
            for v in eqn.outputs:
                views[v] = (v,)
                buffer_last[v] = last_use.get(v, -1)
            continue
        shared = {b for v in eqn.inputs if type(v) is not Literal for b in views.get(v, ())}
        if shared and has_effects(eqn):
            for b in shared:
                buffer_last[b] = float("inf")
        if shared:
            for v in eqn.outputs:
                views[v] = tuple(shared)
                for b in shared:
                    buffer_last[b] = max(buffer_last[b], last_use.get(v, -1))
    return buffer_last


def _dead_buffer(eqn, index, last_use, owned, buffer_last):
    """An input whose array this equation may overwrite: fresh, dying here with every view
    of it, same shape and dtype as the output."""
    out = eqn.outputs[0].aval
    for v in eqn.inputs:
        if (type(v) is not Literal and v in owned and last_use.get(v) == index
                and buffer_last.get(v) == index
                and v.aval.shape == out.shape and v.aval.dtype == out.dtype):
            return v
    return None


# Views keep their operand's memory order; a ufunc without out= lays its result out as
# its operands are laid out (order "K"). Writing such a result into a C-ordered buffer
# instead would change the order a later reduction adds in: jit would differ from eager
# in the last bit. So values that may be transposed in memory never get an out= buffer.
# Each primitive says how its results lie (`Primitive.layout`).
def _permuted_layout(eqn, transposed):
    """Whether this equation's results may be in a memory order other than C order."""
    prim = eqn.primitive
    if prim.layout == "permuted":
        return True
    if prim.ufunc_name is None and prim.layout != "operand":
        return False
    return any(type(v) is not Literal and v in transposed and len(v.aval.shape) > 1
               for v in eqn.inputs)


_WORKSPACE_BYTES = 1 << 15  # smaller arrays come cheaply from malloc's free lists


# Buffers of executables that died, for the next executable's first call: a fresh
# workspace of large arrays costs page faults (the kernel zeroes every page: ~10 ms for
# the 36 MB of an HVP at n = 10^6, more than its run) where reused memory costs
# nothing. A jit created again (a closure re-jitted, a function redefined) finds them.
# Bounded: at most _SPARE_BYTES stay allocated for executables that do not exist.
_SPARE_BYTES = 1 << 26
_spare = {}  # (shape, dtype) -> [arrays]
_spare_bytes = 0
_spare_lock = threading.Lock()


def _spare_buffer(shape, dtype):
    global _spare_bytes
    with _spare_lock:
        free = _spare.get((shape, dtype))
        if free:
            buffer = free.pop()
            _spare_bytes -= buffer.nbytes
            return buffer
    return np.empty(shape, dtype)


def _keep_spare(pool):
    """An executable died: keep its workspaces' buffers, up to the bound."""
    global _spare_bytes
    with _spare_lock:
        for workspace in pool:
            for buffer in workspace:
                if _spare_bytes + buffer.nbytes <= _SPARE_BYTES:
                    _spare.setdefault((buffer.shape, buffer.dtype), []).append(buffer)
                    _spare_bytes += buffer.nbytes
        pool.clear()


class _Workspace:
    """Buffer assignment by liveness (as XLA assigns buffers): ufunc results that never
    leave the call (no view of them is an output or reaches a callback) are written
    into buffers allocated once per executable and kept across calls. Large fresh
    arrays cost page faults on every call; a slot is reused as soon as the value in
    it, and every view of it, is dead."""

    def __init__(self, n_eqns):
        self.n_eqns = n_eqns
        self.specs = []      # slot -> (shape, dtype)
        self.slot_of = {}    # var -> slot
        self.free = {}       # (shape, dtype) -> free slots
        self.dies = {}       # equation index -> vars whose slot frees after it

    def assign(self, var, inplace, last):
        """The slot `var` goes to (None: a fresh array). `inplace` is the dead input
        buffer the ufunc may overwrite, if any; its slot then passes to `var`."""
        aval = var.aval
        if not (last < self.n_eqns and aval.size * aval.dtype.itemsize >= _WORKSPACE_BYTES):
            return None
        if inplace in self.slot_of:
            slot = self.slot_of.pop(inplace)
        else:
            key = (aval.shape, aval.dtype)
            free = self.free.get(key)
            if free:
                slot = free.pop()
            else:
                slot = len(self.specs)
                self.specs.append(key)
        self.slot_of[var] = slot
        self.dies.setdefault(last, []).append(var)
        return slot

    def release(self, index):
        for var in self.dies.pop(index, ()):
            slot = self.slot_of.pop(var, None)
            if slot is not None:
                self.free.setdefault(self.specs[slot], []).append(slot)


def _compile(jaxpr):
    return _generate(compiler.passes.optimize(jaxpr))


def _generate(optimized):
    """The executable of an optimized Jaxpr (the fused tier's rewrite comes here too)."""
    namespace = {"np": np, "_errstate": np.errstate}
    if _QUIET is not None:
        namespace["_quiet"], namespace["_unquiet"], namespace["_IGNORE"] = _QUIET
    names = {}
    counter = [0]

    def fresh(prefix):
        counter[0] += 1
        return f"{prefix}{counter[0]}"

    const_set = set(optimized.constvars)
    for v, c in zip(optimized.constvars, optimized.consts):
        name = fresh("c")
        namespace[name] = c
        names[v] = name

    def ref(v):
        if type(v) is Literal:
            name = fresh("k")
            namespace[name] = v.value
            return name
        return names[v]

    args = []
    for v in optimized.invars:
        name = fresh("a")
        names[v] = name
        args.append(name)
    last_use = _last_uses(optimized)
    buffer_last = _buffer_last_uses(optimized, last_use)
    owned = set()  # variables holding fresh arrays this function may overwrite
    transposed = set()  # variables whose memory order may not be C order
    workspace = _Workspace(len(optimized.eqns)) if flags.jaxlite_jit_workspace else None
    body = []
    for index, eqn in enumerate(optimized.eqns):
        ins = [ref(v) for v in eqn.inputs]
        outs = []
        for v in eqn.outputs:
            name = fresh("v")
            names[v] = name
            outs.append(name)
        prim = eqn.primitive
        expr = None
        permuted = _permuted_layout(eqn, transposed)
        if permuted:
            transposed.update(eqn.outputs)
        if prim.ufunc_name is not None:
            out_aval = eqn.outputs[0].aval
            if out_aval.shape and not permuted:  # 0-d results are NumPy scalars
                out = eqn.outputs[0]
                owned.add(out)
                buffer = _dead_buffer(eqn, index, last_use, owned, buffer_last)
                target = names[buffer] if buffer is not None else None
                if workspace is not None:
                    # An in-place write into a workspace slot keeps the result in that
                    # slot, which must then outlive no call: reuse it only if the result
                    # itself may live in the workspace; else take a free slot.
                    in_slot = buffer in workspace.slot_of
                    slot = workspace.assign(out, buffer, buffer_last.get(out, -1))
                    if slot is None and in_slot:
                        target = None
                    elif slot is not None and not in_slot:
                        target = f"_w[{slot}]"
                if target is not None:
                    expr = f"{prim.ufunc_name}({', '.join(ins)}, out={target})"
        if expr is None:
            expr = (prim.lower(ins, eqn.params, [v.aval for v in eqn.inputs])
                    if prim.lower is not None else None)
            if expr is not None and getattr(prim, "writable_results", False) \
                    and eqn.outputs[0].aval.shape \
                    and not any(type(v) is not Literal and v in transposed for v in eqn.inputs):
                owned.add(eqn.outputs[0])  # a fresh C-order array: later ufuncs may reuse it
        if expr is None:
            fname = fresh(f"{prim.name}_")
            impl = prim.numpy_impl or prim.impl  # NumPy values, not Arrays, between lines
            bind = getattr(prim, "bind_impl", None)  # a function made for these params
            namespace[fname] = (bind(**eqn.params) if bind is not None
                                else functools.partial(impl, **eqn.params) if eqn.params
                                else impl)
            expr = f"{fname}({', '.join(ins)})"
            # Operands in C order: the implementation's result is too (writable_results).
            plain = not prim.multiple_results and eqn.outputs[0].aval.shape and not permuted \
                and not any(type(v) is not Literal and v in transposed for v in eqn.inputs)
            if plain and getattr(prim, "writable_results", False):
                owned.add(eqn.outputs[0])  # its impl returns a fresh C-order array
            # An implementation that can write its result into a given C-order buffer
            # (`impl_out`) gets a workspace slot where the result stays in the call.
            if plain and getattr(prim, "impl_out", False) \
                    and getattr(prim, "fresh_results", False) and workspace is not None:
                out = eqn.outputs[0]
                slot = workspace.assign(out, None, buffer_last.get(out, -1))
                if slot is not None:  # (iota has no operands)
                    expr = f"{fname}({', '.join([*ins, f'out=_w[{slot}]'])})"
        target = ", ".join(outs) if prim.multiple_results else outs[0]
        if prim.multiple_results and len(outs) == 1:
            target += ","
        if prim.multiple_results and not outs:
            target = "_"
        comment = f"  # {eqn.source}" if eqn.source else ""
        body.append(f"        {target} = {expr}{comment}")
        # Release large arrays as soon as they are dead: peak memory stays low.
        dead = [names[v] for v in dict.fromkeys(eqn.inputs)
                if type(v) is not Literal and v in names and last_use.get(v) == index
                and v.aval.size >= _DEL_THRESHOLD and v not in const_set]
        if dead:
            body.append(f"        del {', '.join(dead)}")
        if workspace is not None:
            workspace.release(index)
    results = ", ".join(ref(v) for v in optimized.outvars)
    head, tail = [], []
    if workspace is not None and workspace.specs:
        # One set of buffers per concurrent call: a call takes a workspace from the
        # pool (or makes one) and returns it, so threads and re-entrant calls never
        # share buffers, and steady-state calls allocate nothing but their outputs.
        specs = tuple(workspace.specs)
        pool = []
        namespace["_pool"] = pool
        namespace["_new_workspace"] = lambda: [_spare_buffer(shape, dtype)
                                               for shape, dtype in specs]
        head = ["    try:", "        _w = _pool.pop()", "    except IndexError:",
                "        _w = _new_workspace()"]
        tail = ["        _pool.append(_w)"]
    if _QUIET is not None:
        lines = [f"def jitted({', '.join(args)}):", *head, "    _token = _quiet(_IGNORE)", "    try:"]
        lines += body
        lines += [f"        return [{results}]", "    finally:", "        _unquiet(_token)", *tail]
    else:
        lines = [f"def jitted({', '.join(args)}):", *head, "    try:",
                 "        with _errstate(all='ignore'):"]
        lines += ["    " + line for line in body]
        lines += [f"            return [{results}]", "    finally:", "        pass", *tail]
    source = "\n".join(lines) + "\n"
    exec(compile(source, "<jaxlite-jit>", "exec"), namespace)
    if head:
        weakref.finalize(namespace["jitted"], _keep_spare, namespace["_pool"]).atexit = False
    return Compiled(namespace["jitted"], source + _nested_sources(optimized), optimized)


def _nested_sources(jaxpr):
    """The generated code of Jaxprs held by control-flow equations (loop bodies,
    branches), appended to the listing so `as_python()` shows everything that runs."""
    parts = []
    for eqn in jaxpr.eqns:
        for key, value in sorted(eqn.params.items()):
            held = value if isinstance(value, tuple) else (value,)
            for i, j in enumerate(held):
                if isinstance(j, Jaxpr) and eqn.primitive.name != "jit":
                    label = f"{eqn.primitive.name} {key}" + (f"[{i}]" if len(held) > 1 else "")
                    parts.append(f"\n# {label}, called by the {eqn.primitive.name} above:\n"
                                 + compile_jaxpr(j).source)
    return "".join(parts)
