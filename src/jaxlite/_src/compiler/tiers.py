"""Tiered compilation: the NumPy code runs at once; once an executable proves hot, a
compiled version is built in the background and swapped in: the whole program as one
Numba function (program.py) where that pays — it holds loops or branches, or many
equations on small arrays — else elementwise clusters as Numba loops (fusion.py and
kernels.py).

Tier 1 is the generated NumPy code: milliseconds to build. Tier 2 costs 0.2-1 s per
Numba kernel (plus ~1 s to import Numba, once per process; ~0.03 s a kernel from the
disk cache), so an executable gets it only when it has something to fuse (>=
`jaxlite_fusion_min_ops` fusible equations on >= `jaxlite_fusion_min_size` elements, or
on fewer elements enough of them to save `jaxlite_fusion_min_saved_calls` NumPy calls
per call: a quick test at compile time) and after `jaxlite_fusion_hot_calls` calls; the
clusters are found then, in the background. One background thread compiles tiers one at
a time; the swap is one attribute assignment, so calls running meanwhile finish on the
tier they started with. A fresh executable shaped like one whose tier this process built
(a function jitted again) whose kernels are all compiled in memory already runs its
fused tier from the first call (~0.5 ms to build); it never waits for Numba to compile.
If anything fails (Numba missing or broken, a kernel that does not compile or disagrees
with NumPy on a probe), the executable stays on tier 1; the error is logged under
`jax_log_compiles`.

Config (jaxlite.config.update):
  jaxlite_fusion              "auto" (the default; env JAXLITE_FUSION): use Numba when
                              importable; "off": NumPy only
  jaxlite_fusion_hot_calls    calls before the fused tier compiles (default 3; 0: at once)
  jaxlite_fusion_background   False: compile in the calling thread at the hot call (tests
                              and benchmarks: the tier is in place when that call returns)
  jaxlite_fusion_min_size     elements a cluster must have (default 65536)
  jaxlite_fusion_min_ops      equations a cluster must have (default 3)
  jaxlite_fusion_min_saved_calls  clusters on fewer elements are fused when together they
                              save this many NumPy calls per call (default 8; None: never)
  jaxlite_fusion_cache_dir    Numba's on-disk kernel cache (kernels.py); "" disables it
  jaxlite_program_tier        "auto" (env JAXLITE_PROGRAM_TIER): the whole-program tier
                              where it applies; "off": fused clusters only
  jaxlite_program_min_eqns    equations a loop-free program needs for it (default 16)

`wait_for_tiers()` blocks until every background compile requested so far is done.
"""
import logging
import queue
import threading
import time

from ..config import flags
from . import fusion, kernels, program

_logger = logging.getLogger("jaxlite")


class Tier:
    """The fused tier of one executable (a codegen.Compiled), from cold to fused."""

    def __init__(self, compiled, compile_fn):
        self.compiled = compiled
        self.compile_fn = compile_fn  # optimized Jaxpr -> Compiled (the code generator)
        self.numpy_fn = compiled.fn   # the NumPy code (dropped once the fused tier runs)
        self.fn = compiled.fn         # what calls run: swapped once the fused tier is built
        self.hot_calls = flags.jaxlite_fusion_hot_calls
        self.calls = 0                # calls counted while cold
        self.cold = True              # not yet requested
        self.state = "cold"  # cold | queued | compiling | program | fused | unfused | failed
        self.fused = None             # the fused executable (a Compiled)
        self.program = None           # or the whole program (a program.Program)
        self.program_error = None     # why not (program.Unsupported)
        self._fusion = None           # what _plan_fusion found, once it ran
        self.from_cache = False       # built at once from kernels already compiled
        self.clusters = []
        self.kernel_calls = []        # equations run by kernels of their own
        self.error = None
        self.compile_seconds = None
        self.done = threading.Event()
        self._lock = threading.Lock()

    def dispatcher(self):
        """The function that stands for the executable: counts calls while cold, then
        runs whichever tier is current."""
        tier, hot = self, self.hot_calls

        def jitted(*args):
            fn = tier.fn
            if tier.cold:
                tier.calls += 1
                if tier.calls >= hot:
                    return tier._hot_call(fn, args)
            return fn(*args)
        jitted.tier = self
        return jitted

    def _hot_call(self, fn, args):
        if not flags.jaxlite_fusion_background:
            self.request(background=False)
            return self.fn(*args)
        result = fn(*args)
        self.request()
        return result

    def request(self, background=True):
        """Build the fused tier: queue it for the background thread, or build it now."""
        with self._lock:
            if not self.cold:
                return
            self.cold = False
            if background:
                self.state = "queued"
        if background:
            _submit(self)
        else:
            self.build()

    def build(self, cached_only=False):
        """The whole program as one Numba function where it may pay (program.py); else
        fusion rewrite -> Numba kernels -> the NumPy code generator. Then the swap.
        `cached_only`: only with kernels this process has compiled already; if one is
        missing, nothing changes (the tier stays cold) and False is returned."""
        start = time.perf_counter()
        self.state = "compiling"
        try:
            if self._build_program(start, cached_only):
                return True
            if self._fusion is None:  # kept: a cached_only try may have made it
                self._fusion = self._plan_fusion()
            if not self._fusion:  # fusible equations, but none worth a loop
                self.state = "unfused"
                return True
            fused_jaxpr, clusters, calls = self._fusion
            for call in calls:
                kernels.compile_call(call, cached_only=cached_only)
            for cluster in clusters:
                kernels.compile_cluster(cluster, cached_only=cached_only)
            fused = self.compile_fn(fused_jaxpr)
            self.clusters = clusters
            self.kernel_calls = calls
            self.fused = fused
            self.compile_seconds = time.perf_counter() - start
            self.fn = fused.fn  # the swap: one assignment
            self.state = "fused"
            _built.add(_fingerprint(self.compiled.jaxpr))
            self.numpy_fn = None  # and the NumPy code's workspace goes once its calls end
            if flags.jax_log_compiles:
                _logger.warning("Fused tier (Numba) of a jitted function compiled in %.2f s: "
                                "%d clusters of %s equations, kernels for %s.",
                                self.compile_seconds, len(clusters),
                                ", ".join(str(len(c.jaxpr.eqns)) for c in clusters),
                                ", ".join(map(repr, calls)) or "none")
            return True
        except kernels.NotCached:  # a kernel to compile: left to the hot call, as ever
            self.state = "cold"
            return False
        except Exception as error:  # the NumPy tier stays; say why under jax_log_compiles
            self.error = error
            self.state = "failed"
            if isinstance(error, ImportError):
                kernels.mark_unavailable()
            if flags.jax_log_compiles:
                _logger.warning("Fused tier (Numba) not compiled; staying on NumPy: %s: %s",
                                type(error).__name__, error, exc_info=True)
            return True
        finally:
            if self.state != "cold":
                self.cold = False
                self.done.set()

    def _plan_fusion(self):
        """(fused Jaxpr, clusters, kernel calls), or () when nothing is worth a loop."""
        jaxpr, calls = fusion.substitute_kernels(self.compiled.jaxpr,
                                                 flags.jaxlite_fusion_min_size)
        plan = fusion.plan_fusion(jaxpr, flags.jaxlite_fusion_min_size,
                                  flags.jaxlite_fusion_min_ops,
                                  flags.jaxlite_fusion_min_saved_calls)
        if plan is None and not calls:
            return ()
        fused_jaxpr, clusters = fusion.fuse(jaxpr, plan) if plan else (jaxpr, [])
        return fused_jaxpr, clusters, calls

    def _build_program(self, start, cached_only=False):
        jaxpr = self.compiled.jaxpr
        if self.program_error is not None or not (
                flags.jaxlite_program_tier == "auto"
                and program.worth_compiling(jaxpr, flags.jaxlite_program_min_eqns)):
            return False
        if self.program is None:  # kept: a cached_only try may have made it
            try:
                self.program = program.generate(jaxpr)
            except program.Unsupported as why:  # the fused tier may still apply
                self.program_error = why
                if flags.jax_log_compiles:
                    _logger.warning("Whole-program tier (Numba) not compiled: no rule for %s.",
                                    why)
                return False
        whole = self.program
        whole.kernel = kernels.compile_program(whole, cached_only)
        self.compile_seconds = time.perf_counter() - start
        self.fn = whole  # the swap: one assignment
        self.state = "program"
        _built.add(_fingerprint(jaxpr))
        self.numpy_fn = None
        if flags.jax_log_compiles:
            _logger.warning("Whole-program tier (Numba) of a jitted function compiled in "
                            "%.2f s.", self.compile_seconds)
        return True

    def listing(self):
        """What `as_python()` appends: the fused tier's code and kernels, or its status."""
        if self.state in ("program", "fused"):
            since = ("from the first call (its kernels were compiled in this process "
                     f"already; built in {self.compile_seconds * 1e3:.1f} ms)"
                     if self.from_cache else f"after {self.hot_calls} calls (compiled in "
                     f"{self.compile_seconds:.2f} s)")
        if self.state == "program":
            return f"\n# Whole-program tier (Numba), in use {since}:\n{self.program.source}"
        if self.state != "fused":
            why = f" ({type(self.error).__name__}: {self.error})" if self.error else ""
            return (f"\n# Fused tier (Numba): {self.state}{why}; compiles after "
                    f"{self.hot_calls} calls.\n")
        parts = [f"\n# Fused tier (Numba), in use {since}:\n", self.fused.source]
        for k, cluster in enumerate(self.clusters):
            parts.append(f"\n# kernel of fused cluster {k} ({len(cluster.jaxpr.eqns)} "
                         f"equations), arguments {fusion.signature_text(cluster.signature)}:\n{cluster.source}")
        for call in self.kernel_calls:
            parts.append(f"\n# kernel of {call!r}, arguments "
                         f"{fusion.signature_text(call.signature)}:{call.source}")
        return "".join(parts)


_built = set()  # _fingerprint of each executable whose fused tier this process built


def _fingerprint(jaxpr):
    """What an executable that may find its kernels compiled already has in common with
    the one they were compiled for: its equations' primitives and its inputs' avals
    (cheap: microseconds; the sources decide, when they are made)."""
    return (tuple(e.primitive for e in jaxpr.eqns), tuple(v.aval for v in jaxpr.invars))


def attach(compiled, compile_fn):
    """Give `compiled` a fused tier if it has enough fusible equations and Numba may be
    importable; its `fn` then becomes the tier's dispatcher."""
    if flags.jaxlite_fusion != "auto" or not kernels.numba_importable():
        return None
    if not (fusion.may_fuse(compiled.jaxpr, flags.jaxlite_fusion_min_size,
                            flags.jaxlite_fusion_min_ops, flags.jaxlite_fusion_min_saved_calls)
            or flags.jaxlite_program_tier == "auto"
            and program.worth_compiling(compiled.jaxpr, flags.jaxlite_program_min_eqns)):
        return None
    tier = Tier(compiled, compile_fn)
    compiled.tier = tier
    compiled.fn = tier.dispatcher()
    if tier.hot_calls <= 0:
        tier.request(background=flags.jaxlite_fusion_background)
    elif _fingerprint(compiled.jaxpr) in _built:
        # Kernels are compiled once per distinct source: a fresh jit of code this process
        # has run hot before (the same function jitted again) finds them all in memory,
        # and its first call runs fused (~0.5 ms to plan and check here). If one is
        # missing, nothing is compiled now: the tier stays cold until the hot call. Other
        # executables skip the try (planning costs ~1 ms): a cold first call pays nothing.
        tier.from_cache = tier.build(cached_only=True) and tier.state in ("program", "fused")
    return tier


# ---- the background compiler --------------------------------------------------------------

_queue = queue.Queue()
_pending = 0
_condition = threading.Condition()
_worker = None


def _submit(tier):
    global _pending, _worker
    with _condition:
        _pending += 1
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="jaxlite-fusion", daemon=True)
            _worker.start()
    _queue.put(tier)


def _work():
    global _pending
    while True:
        tier = _queue.get()
        try:
            tier.build()
        finally:
            with _condition:
                _pending -= 1
                _condition.notify_all()


def wait_for_tiers(timeout=None):
    """Block until every fused tier requested so far is compiled (or failed); True
    unless the timeout passed first."""
    with _condition:
        return _condition.wait_for(lambda: _pending == 0, timeout)
