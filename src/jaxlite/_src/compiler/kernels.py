"""Numba kernels of fused clusters: compiled once per distinct source, optionally cached
on disk by Numba.

Numba is imported here, lazily, on the first kernel compile (in the fused tier's
background thread): `import jaxlite` never pays for it. Kernels are compiled eagerly for
one signature (1-D C-contiguous arrays, typed scalars), without fast-math, with NumPy's
error model (1/0 is inf, not an exception), releasing the GIL while they run.

On-disk cache: with `jaxlite_fusion_cache_dir` set (default `~/.cache/jaxlite/numba`,
`$XDG_CACHE_HOME` respected; "" disables it), each kernel's source is written there
once as `k_<hash>.py` and compiled with Numba's `cache=True`, so another process loads
the machine code instead of compiling it again (~0.2-1 s per kernel).
"""
import hashlib
import importlib.util
import os
import sys
import threading

import numpy as np

from ..config import flags
from ..jaxpr import Literal
from ..prims.shape import broadcast_in_dim_p, iota_p

_lock = threading.Lock()
_kernels = {}  # (source, signature) -> compiled dispatcher
_checked = set()  # clusters' and calls' kernels that passed their check
_numba = None
_importable = None  # cached answer of numba_importable()


def numba_importable():
    """Whether Numba can be imported, without importing it (the answer is cached)."""
    global _importable
    if _importable is None:
        try:
            _importable = _numba is not None or importlib.util.find_spec("numba") is not None
        except (ImportError, ValueError):
            _importable = False
    return _importable


def mark_unavailable():
    """Numba failed to import: no more fused tiers in this process."""
    global _importable
    _importable = False


def _import_numba():
    global _numba
    if _numba is None:
        import numba  # noqa: PLC0415 -- optional, ~1 s to import: only when a tier compiles
        _numba = numba
    return _numba


def cache_dir():
    """The directory kernels are cached in, or None (disabled or not writable)."""
    path = flags.jaxlite_fusion_cache_dir
    if path is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = os.path.join(base, "jaxlite", "numba")
    if not path:
        return None
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def _load_python(source):
    """The kernel's Python function, from a file in the cache directory (so Numba can
    cache its machine code next to it), or exec'd in memory."""
    directory = cache_dir()
    if directory is not None:
        digest = hashlib.sha1(source.encode()).hexdigest()[:20]
        path = os.path.join(directory, f"k_{digest}.py")
        try:
            if not os.path.exists(path):
                temporary = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
                with open(temporary, "w") as file:
                    file.write(source)
                os.replace(temporary, path)  # atomic: other processes see all or nothing
            name = f"jaxlite_kernel_{digest}"
            module = sys.modules.get(name)
            if module is None:
                spec = importlib.util.spec_from_file_location(name, path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                # Numba's cached code names its module: loading it imports that name.
                sys.modules[name] = module
            with open(path) as file:
                if file.read() == source:  # not a hash collision or a damaged file
                    return module.kernel, True
        except OSError:
            pass
    namespace = {}
    exec(compile(source, "<jaxlite-fused-kernel>", "exec"), namespace)
    return namespace["kernel"], False


def _numba_signature(numba, signature):
    types = numba.types
    scalar = {"float32": types.float32, "float64": types.float64, "bool": types.boolean,
              "uint32": types.uint32, "int32": types.int32, "int64": types.int64}
    args, result = [], types.void
    for dtype, kind, *ndim in signature:  # arrays: 1-D unless an ndim follows
        if kind == "flag":  # what the kernel returns
            result = scalar[dtype]
        elif kind == "scalar":
            args.append(scalar[dtype])
        else:  # inputs are typed read-only: jaxlite's arrays are; writable ones convert
            args.append(types.Array(scalar[dtype], ndim[0] if ndim else 1, "C",
                                    readonly=kind == "in"))
    return result(*args)


class NotCached(LookupError):
    """A kernel asked for with `cached_only` is not compiled in this process yet."""


def _compiled(source, signature, options, program_globals=None, cached_only=False):
    """The Numba dispatcher of `source` for `signature` (a Numba signature), compiled once
    per (source, signature) even when two tiers want it at once; cached on disk where
    Numba can (`options` may say cache=False). With `cached_only`, only one compiled in
    this process already, else NotCached: a first call must never wait for Numba."""
    key = (source, signature)
    kernel = _kernels.get(key)
    if kernel is not None:
        return kernel
    if cached_only:
        raise NotCached(key)
    numba = _import_numba()
    with _lock:
        kernel = _kernels.get(key)
        if kernel is None:
            function, on_disk = _load_python(source)
            if program_globals:
                function.__globals__.update(program_globals)
            on_disk = on_disk and options.pop("cache", True)
            try:
                kernel = numba.njit(signature(numba), cache=on_disk, **options)(function)
            except Exception:
                if not on_disk:
                    raise
                # A damaged or incompatible cache entry: compile afresh, not cached.
                kernel = numba.njit(signature(numba), **options)(function)
            _kernels[key] = kernel
    return kernel


def compile_kernel(source, signature, cached_only=False):
    """The compiled kernel of `source` (one per distinct source and signature, as
    fusion.kernel_source gives them)."""
    return _compiled(source, _KernelSignature(signature),
                     dict(nogil=True, error_model="numpy", fastmath=False),
                     cached_only=cached_only)


class _KernelSignature(tuple):
    """A fusion signature (hashable, the cache key) that makes its Numba signature."""

    def __call__(self, numba):
        return _numba_signature(numba, self)


class _ProgramSignature(tuple):
    """A whole program's argument avals, typed for Numba: arrays C-contiguous and
    read-only (writable ones convert), 0-d values as scalars."""

    def __call__(self, numba):
        return tuple(numba.types.Array(numba.from_dtype(dtype), ndim, "C", readonly=True)
                     if ndim else numba.from_dtype(dtype) for dtype, ndim in self)


def compile_program(program, cached_only=False):
    """The Numba-compiled `kernel` of a whole program (compiler/program.py)."""
    avals = list(program.arg_avals) + [np.asarray(c) for c in program.const_values]
    signature = _ProgramSignature((np.dtype(a.dtype), len(a.shape)) for a in avals)
    # Object-mode calls (NumPy's ufuncs) are lifted code, which Numba does not cache on
    # disk (it would warn on every compile), and hold the GIL (nogil would only warn).
    lifted = "numba.objmode" in program.source
    return _compiled(program.source, signature,
                     dict(nogil=not lifted, error_model="numpy", fastmath=False,
                          cache=not lifted), program.globals, cached_only)


def compile_cluster(cluster, cached_only=False):
    """Compile `cluster`'s kernel and check it on a few elements against the NumPy
    implementation of its equations (a kernel that disagrees is an error: the tier
    falls back to NumPy)."""
    cluster.kernel = compile_kernel(cluster.source, cluster.signature, cached_only)
    # the later passes (sin and cos of |x| > 6400): the self-check's inf and nan run them
    cluster.fallback_kernels = [compile_kernel(source, signature, cached_only)
                                for source, signature in cluster.fallback_sources]
    # The same source is the same computation: one check per kernel, not per executable.
    key = (cluster.source, cluster.signature, tuple(cluster.fallback_sources))
    if key not in _checked:
        _self_check(cluster)
        _checked.add(key)


_PROBE = np.array([0.0, -0.0, 1.5, -2.25, 3.0e-3, 7.0, np.inf, np.nan])
_INTEGER_PROBE = np.array([0, 1, 7, 31, 33, 0x3F800000, 0x7FFFFFFF, 0xFFFFFFFF], np.uint32)


def _probe_shape(cluster):
    """The loop shape the check runs on: the cluster's trailing dimensions that its bias
    and row operands depend on (their indices are literals in the kernel), a few rows
    before them; else 8 elements."""
    shape, n = cluster.shape, len(cluster.shape)
    keep = max([len(v.aval.shape) for v, tiled in zip(cluster.jaxpr.invars,
                                                       cluster.tiled_inputs) if tiled]
               + [1 if any(cluster.row_inputs) or cluster.reductions or cluster.row_eqns
                  else 0])
    if keep == 0:
        return (1,) * (n - 1) + (len(_PROBE),)
    lead, kept = shape[:n - keep], shape[n - keep:]
    if lead:  # a few rows, one of a large bias
        lead = (1,) * (len(lead) - 1) + (min(lead[-1], 3 if np.prod(kept) <= 65536 else 1),)
    return lead + kept


def _self_check(cluster):
    _check_on_probe(cluster, finite=False)
    if cluster.reductions:
        # the special values make every sum inf or NaN, whatever the order of its terms:
        # finite ones of one magnitude show an order other than NumPy's in the bits
        _check_on_probe(cluster, finite=True)


def _check_on_probe(cluster, finite):
    shape = _probe_shape(cluster)
    env, args = {}, []
    for j, v in enumerate(cluster.jaxpr.invars):
        dtype = v.aval.dtype
        if dtype.kind == "f" and finite:
            rng = np.random.default_rng(j)
            values = rng.standard_normal(64).astype(dtype)
        elif dtype.kind == "f":
            values = np.roll(_PROBE, j).astype(dtype)
        elif dtype.kind in "iu":
            values = np.roll(_INTEGER_PROBE, j).astype(dtype)
        else:
            values = (np.arange(len(_PROBE)) + j) % 3 == 0
        if cluster.tiled_inputs[j]:  # read at i % size: the probe sees it repeat
            value = np.resize(values, v.aval.shape)
        elif cluster.row_inputs[j]:  # one per row of the probe
            value = np.resize(values, shape[len(shape) - len(v.aval.shape):-1] + (1,))
        elif cluster.array_inputs[j]:
            value = np.resize(values, shape)
        else:
            value = values[1]
        env[v] = value
        args.append(value)
    with np.errstate(all="ignore"):
        for eqn in cluster.jaxpr.eqns:
            ins = [np.asarray(v.value) if type(v) is Literal else env[v] for v in eqn.inputs]
            if eqn.primitive is broadcast_in_dim_p:  # to the probe's shape, not the loop's
                out = np.broadcast_to(ins[0], shape)
            elif eqn.primitive is iota_p:  # the probe's indices
                out = np.arange(shape[-1])
            else:
                out = eqn.primitive.impl(*ins, **eqn.params)
            outs = out if eqn.primitive.multiple_results else [out]
            for v, value in zip(eqn.outputs, outs):
                value = np.asarray(value, v.aval.dtype)  # a sum keeps its own shape
                env[v] = np.broadcast_to(value, shape) if v.aval.shape == cluster.shape else value
    results = cluster._run(args, shape, None)
    for v, got in zip(cluster.jaxpr.outvars, results):
        want = env[v]
        if got.dtype.kind == "f" and cluster.approximate:
            # Fast transcendentals (prims/fast_math.py) round differently from NumPy's in
            # the last bits, which later arithmetic may amplify: a loose check, which
            # catches a wrong kernel, not a last-bit difference.
            tolerance = 1e-4 if got.dtype == np.float32 else 1e-10
            with np.errstate(all="ignore"):
                same = np.allclose(got, want, rtol=tolerance, atol=tolerance, equal_nan=True)
        elif got.dtype.kind == "f":  # the same bits, NaNs aside (their payloads may differ)
            nan = np.isnan(got)
            same = np.array_equal(nan, np.isnan(want)) and np.array_equal(
                got[~nan].view(f"u{got.itemsize}"), want[~nan].view(f"u{got.itemsize}"))
        else:
            same = np.array_equal(got, want)
        if not same:
            raise AssertionError(f"fused kernel disagrees with NumPy: {got} != {want}\n"
                                 + cluster.source)


def compile_call(call, seed=0, cached_only=False):
    """Compile a KernelCall's kernel (fusion.substitute_kernels) and check it on operands
    of its own shapes against the equation's NumPy implementation: the bits must agree
    (these kernels compare and move values, or do one IEEE operation per element). Values
    drawn from a few, so that ties, signed zeros, infinities and NaN occur. A primitive
    whose kernel sums products in another order than NumPy's (`fused_kernel_rounding`:
    convolutions) must agree within float rounding, on those values and on normally
    distributed ones. Once per kernel and equation: the check runs at full size (~150 ms
    for a 205 MB product)."""
    call.kernel = compile_kernel(call.source, call.signature, cached_only)
    eqn = call.eqn
    key = (call.source, call.signature, call.run.__code__, tuple(v.aval for v in eqn.inputs),
           eqn.outputs[0].aval, repr(sorted(eqn.params.items())))
    if key in _checked:
        return
    rng = np.random.default_rng(seed)
    pool = np.array([0.0, -0.0, 1.5, -2.25, 7.0, -np.inf, np.inf, np.nan, 3.0, 3.0])
    rounding = getattr(eqn.primitive, "fused_kernel_rounding", False)
    for values in [pool, None] if rounding else [pool]:
        # integer operands (threefry2x32_stacked's words) from their whole range, wrapped
        args = [rng.integers(0, 2 ** 32, v.aval.shape).astype(v.aval.dtype)
                if np.dtype(v.aval.dtype).kind in "iu" else
                (values[rng.integers(0, len(values), v.aval.shape)] if values is not None
                 else rng.standard_normal(v.aval.shape)).astype(v.aval.dtype)
                for v in eqn.inputs]
        with np.errstate(all="ignore"):  # inf * 0 and inf - inf: NaN, as in NumPy
            want = np.asarray(eqn.primitive.impl(*args, **eqn.params))
            got = np.asarray(call(*args))
        if got.dtype != want.dtype or got.shape != want.shape or not _agree(got, want, rounding):
            raise RuntimeError(f"the fused kernel of {eqn.primitive.name} disagrees with "
                               "its NumPy implementation")
    _checked.add(key)


def _agree(got, want, rounding):
    if not rounding:
        return np.array_equal(got.view(np.uint8), np.ascontiguousarray(want).view(np.uint8))
    tolerance = 1e-5 if got.dtype.itemsize <= 4 else 1e-13
    finite = np.isfinite(want)
    scale = float(np.max(np.abs(want[finite]), initial=0.0))
    return np.allclose(got, want, rtol=tolerance, atol=tolerance * scale, equal_nan=True)
