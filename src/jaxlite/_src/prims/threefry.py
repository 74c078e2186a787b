"""threefry2x32: the Threefry-2x32 block function (Salmon et al., "Parallel random
numbers: as easy as 1, 2, 3", SC'11; 20 rounds) as one primitive, as in JAX.

Written as ~120 separate uint32 ops, each a pass over a fresh array, hashing 10^6
counters costs ~80 ms in NumPy: every pass streams 4 MB arrays from memory and every
fresh result page-faults. One primitive lets the kernel below run all twenty rounds
on a block of counters that stays in the L2 cache, writing in place into two output
buffers: the same bits (integer arithmetic is exact) ~10x faster, eagerly and under
jit alike. The random layer (random/threefry.py) binds it through its ops namespace.

    >>> import numpy as np
    >>> from jaxlite._src.prims.threefry import threefry2x32_p
    >>> y0, y1 = threefry2x32_p.bind(np.uint32(0), np.uint32(0), np.uint32(0), np.uint32(1))
"""
import math

import numpy as np

from ..core import Primitive, ShapedArray
from ..ad import Zero
from ..jaxpr import Eqn
from .util import broadcast_shapes
from .elementwise import batch_elementwise, xor_p
from .shape import stack_p

UINT32 = np.dtype(np.uint32)
_MASK = 0xFFFFFFFF
# Five blocks of four rounds alternate between the two rotation schedules, with a key
# injection after each block.
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_KEY_SCHEDULE_PARITY = 0x1BD11BDA
_BLOCK = 1 << 16  # counters per pass: three uint32 blocks of 256 KB stay in L2
_SHIFTS = tuple(np.uint32(d) for d in range(33))


def _flat_operand(x, shape):
    """A NumPy uint32 scalar for a one-element operand, else a flat array of `shape`."""
    x = np.asarray(x, UINT32)
    if x.size == 1:
        return UINT32.type(x.reshape(()))
    return np.ascontiguousarray(np.broadcast_to(x, shape)).reshape(-1)


def _key_schedule(k0, k1):
    """The three key words; the third is k0 ^ k1 ^ parity."""
    if isinstance(k0, np.generic) and isinstance(k1, np.generic):
        return k0, k1, UINT32.type((int(k0) ^ int(k1) ^ _KEY_SCHEDULE_PARITY) & _MASK)
    return k0, k1, np.bitwise_xor(np.bitwise_xor(k0, k1), UINT32.type(_KEY_SCHEDULE_PARITY))


def _injection(word, count):
    """word + count for the second output word's key injection (modulo 2**32)."""
    if isinstance(word, np.generic):
        return UINT32.type((int(word) + count) & _MASK), None
    return word, UINT32.type(count)


def threefry2x32_kernel(k0, k1, x0, x1, output="pair", out=None):
    """(y0, y1): Threefry-2x32 of the counter pairs (x0, x1) under the key (k0, k1).

    All four operands are uint32 and broadcast against each other; results are fresh
    C-ordered arrays of the broadcast shape. Blocks of counters go through all twenty
    rounds while they sit in the cache, each op writing into the block in place.
    output "xor" returns y0 ^ y1 instead (random bits), "stacked" one array of shape
    (*shape, 2) holding y0 and y1 (keys): each block is combined while still in cache.
    `out`, for "xor": a C-ordered uint32 buffer of the shape to write the bits into.
    """
    shape = broadcast_shapes(*(np.shape(a) for a in (k0, k1, x0, x1)), name="threefry2x32")
    size = math.prod(shape)
    if size <= _SMALL:
        result = _threefry_small(k0, k1, x0, x1, shape, output)
        if out is None:
            return result
        out[...] = result
        return out
    k0, k1, x0, x1 = (_flat_operand(a, shape) for a in (k0, k1, x0, x1))
    n = min(size, _BLOCK)
    if output == "pair":
        y0, y1 = np.empty(size, UINT32), np.empty(size, UINT32)
    elif output == "xor":
        y0 = np.empty(size, UINT32) if out is None else out.reshape(-1)
        second = np.empty(n, UINT32)
    else:
        pairs, first, second = np.empty((size, 2), UINT32), np.empty(n, UINT32), np.empty(n, UINT32)
    scratch = np.empty(n, UINT32)
    for start in range(0, size, _BLOCK):
        stop = min(size, start + _BLOCK)

        def part(a):
            return a if isinstance(a, np.generic) else a[start:stop]
        m = stop - start
        a = first[:m] if output == "stacked" else y0[start:stop]
        b = y1[start:stop] if output == "pair" else second[:m]
        _rounds(a, b, scratch[:m], _key_schedule(part(k0), part(k1)), part(x0), part(x1))
        if output == "xor":
            np.bitwise_xor(a, b, out=a)
        elif output == "stacked":
            pairs[start:stop, 0] = a
            pairs[start:stop, 1] = b
    if output == "pair":
        return y0.reshape(shape), y1.reshape(shape)
    if output == "xor":
        return y0.reshape(shape)
    return pairs.reshape(tuple(shape) + (2,))


def _rounds(a, b, t, keys, x0, x1):
    """The twenty rounds on one block, in place: (a, b) <- the hash of (x0, x1)."""
    np.add(x1, keys[1], out=b)
    first = None
    if isinstance(x0, np.generic) and isinstance(keys[0], np.generic):
        # one counter word and key (random bits' high word is 0): x0 + k0 is a scalar the
        # first round adds to b, one pass fewer than filling `a` with it
        first = UINT32.type((int(x0) + int(keys[0])) & _MASK)
    else:
        np.add(x0, keys[0], out=a)
    for block in range(5):
        for distance in _ROTATIONS[block % 2]:
            if first is not None:
                np.add(b, first, a)
                first = None
            else:
                np.add(a, b, a)
            # b = rotate_left(b, distance) ^ a
            np.left_shift(b, _SHIFTS[distance], t)
            np.right_shift(b, _SHIFTS[32 - distance], b)
            np.bitwise_or(b, t, b)
            np.bitwise_xor(b, a, b)
        np.add(a, keys[(block + 1) % 3], a)
        word, extra = _injection(keys[(block + 2) % 3], block + 1)
        np.add(b, word, b)
        if extra is not None:
            np.add(b, extra, b)


# Up to this many counter pairs, Python integers beat NumPy's ~115 calls on small arrays
# (~50 us each time): a split or a scalar draw in the body of an eager while_loop
# (numpyro's rejection samplers) costs ~10 us instead (32 pairs: 14 us, 128: 33 us).
_SMALL = 128


# (left shift, right shift, key word indices and count of each block's injection)
_SMALL_SCHEDULE = tuple((tuple((d, 32 - d) for d in _ROTATIONS[block % 2]),
                         (block + 1) % 3, (block + 2) % 3, block + 1) for block in range(5))
_LITTLE_U32, _LITTLE_U64 = np.dtype("<u4"), np.dtype("<u8")


def _lanes(x, shape, ones):
    """A uint32 operand as one Python int holding each element in its own 64-bit lane
    (row-major order of `shape`, element 0 lowest)."""
    if isinstance(x, np.uint32):  # a key word or the high counter word: the usual case
        return int(x) * ones
    x = np.asarray(x, UINT32)
    if x.size == 1:
        return int(x.reshape(())) * ones
    return int.from_bytes(np.broadcast_to(x, shape).astype(_LITTLE_U64).tobytes(), "little")


def _threefry_small(k0, k1, x0, x1, shape, output):
    """The kernel's rounds on Python ints used as vectors: every counter pair in a 64-bit
    lane of two big integers, so each round is a few integer operations for all of them.
    A lane's upper 32 bits take the carries and the bits shifted out, and one mask per
    step clears them; rotating right by 32 - d moves a lane's low bits into the upper half
    of the lane below, which that mask clears too."""
    size = math.prod(shape)
    ones = ((1 << (64 * size)) - 1) // ((1 << 64) - 1)  # 1 in every lane
    mask = _MASK * ones
    key0, key1, a, b = (_lanes(w, shape, ones) for w in (k0, k1, x0, x1))
    keys = (key0, key1, key0 ^ key1 ^ (_KEY_SCHEDULE_PARITY * ones))
    a, b = (a + key0) & mask, (b + key1) & mask
    for rotations, i, j, count in _SMALL_SCHEDULE:
        for left, right in rotations:
            a = (a + b) & mask
            b = ((b << left | b >> right) & mask) ^ a
        a = (a + keys[i]) & mask
        b = (b + keys[j] + count * ones) & mask

    def unpack(lanes, dtype):  # a fresh uint32 array of the lanes (or of their halves)
        return np.frombuffer(lanes.to_bytes(8 * size, "little"), dtype).astype(UINT32)
    if output == "xor":
        return unpack(a ^ b, _LITTLE_U64).reshape(shape)
    if output == "stacked":  # y1 in each lane's upper half: the (..., 2) layout as it is
        return unpack(a | b << 32, _LITTLE_U32).reshape(tuple(shape) + (2,))
    return unpack(a, _LITTLE_U64).reshape(shape), unpack(b, _LITTLE_U64).reshape(shape)


threefry2x32_p = Primitive("threefry2x32", multiple_results=True)
threefry2x32_p.fresh_results = True  # new arrays, never views of the operands


def _abstract_eval(*avals):
    for aval in avals:
        if aval.dtype != UINT32:
            raise TypeError(f"threefry2x32 requires uint32 operands, got {aval.dtype}")
    shape = broadcast_shapes(*(a.shape for a in avals), name="threefry2x32")
    return [ShapedArray(shape, UINT32), ShapedArray(shape, UINT32)]


def _jvp(primals, tangents):
    outs = threefry2x32_p.bind(*primals)
    return outs, [Zero(o) for o in outs]


_batch_elementwise = batch_elementwise(threefry2x32_p)


def _batch(values, dims):
    outs, dim = _batch_elementwise(values, dims)
    return outs, [dim, dim]


threefry2x32_p.impl = lambda k0, k1, x0, x1: list(threefry2x32_kernel(k0, k1, x0, x1))
threefry2x32_p.abstract_eval = _abstract_eval
threefry2x32_p.jvp = _jvp
threefry2x32_p.batch = _batch


def _scalar_source():
    """The fused tier's threefry2x32 of one counter pair (compiler/fusion.py): the same
    rounds as the kernel above, unrolled; Numba widens uint32 arithmetic, so every word
    is wrapped back to uint32."""
    lines = ["@numba.njit(nogil=True)", "def threefry2x32(k0, k1, x0, x1):",
             f"    k2 = np.uint32(k0 ^ k1 ^ np.uint32({_KEY_SCHEDULE_PARITY}))",
             "    a = np.uint32(x0 + k0)", "    b = np.uint32(x1 + k1)"]
    keys = ("k0", "k1", "k2")
    for block in range(5):
        for distance in _ROTATIONS[block % 2]:
            lines += ["    a = np.uint32(a + b)",
                      f"    b = np.uint32(((b << np.uint32({distance})) | "
                      f"(b >> np.uint32({32 - distance}))) ^ a)"]
        lines += [f"    a = np.uint32(a + {keys[(block + 1) % 3]})",
                  f"    b = np.uint32(b + {keys[(block + 2) % 3]} + np.uint32({block + 1}))"]
    lines.append("    return a, b")
    return "\n".join(lines) + "\n"


def _scalar_code(x, params, avals, out):
    return f"threefry2x32({', '.join(x)})"


threefry2x32_p.scalar_code = _scalar_code
threefry2x32_p.scalar_helpers = {"threefry2x32": _scalar_source()}
threefry2x32_p.fusion_weight = 20  # a fused loop is worth it even for a bare split


# ---- random bits: the two words' xor, one pass per block ---------------------------------
# Random bits are y0 ^ y1. As separate equations the NumPy tier writes both words to fresh
# whole arrays and xors them in another pass (~1.5x the kernel's time at 10^6, fresh 4 MB
# arrays page-faulting); the compiler's simplification rewrites xor(threefry2x32) into
# this primitive, which xors each block while it is in the cache. It only appears in
# optimized Jaxprs (traced ones keep JAX's threefry2x32 and xor).
threefry2x32_xor_p = Primitive("threefry2x32_xor")


def _xor_jvp(primals, tangents):
    out = threefry2x32_xor_p.bind(*primals)
    return out, Zero(out)



threefry2x32_xor_p.fresh_results = True
threefry2x32_xor_p.impl_out = True  # into a workspace buffer: no fresh pages per call
threefry2x32_xor_p.impl = lambda k0, k1, x0, x1, out=None: threefry2x32_kernel(
    k0, k1, x0, x1, "xor", out)
threefry2x32_xor_p.abstract_eval = lambda *avals: _abstract_eval(*avals)[0]
threefry2x32_xor_p.jvp = _xor_jvp
threefry2x32_xor_p.batch = batch_elementwise(threefry2x32_xor_p)
threefry2x32_xor_p.scalar_code = lambda x, params, avals, out: \
    f"threefry2x32_xor({', '.join(x)})"
threefry2x32_xor_p.scalar_helpers = {
    **threefry2x32_p.scalar_helpers,
    "threefry2x32_xor": "@numba.njit(nogil=True)\ndef threefry2x32_xor(k0, k1, x0, x1):\n"
                        "    a, b = threefry2x32(k0, k1, x0, x1)\n    return np.uint32(a ^ b)\n"}
threefry2x32_xor_p.fusion_weight = 20


def _xor_of_the_words(eqn, ctx):
    """xor(y0, y1) of one threefry2x32 equation -> threefry2x32_xor of its operands."""
    words = [ctx.producer(v) for v in eqn.inputs]
    hash_eqn = words[0]
    if hash_eqn is None or hash_eqn.primitive is not threefry2x32_p or words[1] is not hash_eqn \
            or {id(v) for v in eqn.inputs} != {id(v) for v in hash_eqn.outputs}:
        return None
    return Eqn(threefry2x32_xor_p, list(hash_eqn.inputs), {}, eqn.outputs, eqn.source)


xor_p.simplify_rules = (*xor_p.simplify_rules, _xor_of_the_words)


# ---- keys: the two words stacked, one pass per block ---------------------------------------
# A split's keys are stack([y0, y1], -1): as two equations the NumPy tier writes both words
# to fresh arrays and copies them into the stack, 2x the kernel's time in back-to-back
# calls (fresh pages each time). stack(threefry2x32) becomes this primitive, which fills
# each block's pairs while the block is in the cache; the fused tier runs it as a Numba
# loop of its own (`fused_kernel`) over the same scalar rounds.
threefry2x32_stacked_p = Primitive("threefry2x32_stacked")
threefry2x32_stacked_p.fresh_results = True
threefry2x32_stacked_p.impl = lambda k0, k1, x0, x1: threefry2x32_kernel(
    k0, k1, x0, x1, "stacked")


def _stacked_abstract_eval(*avals):
    word = _abstract_eval(*avals)[0]
    return ShapedArray(tuple(word.shape) + (2,), UINT32)


def _stacked_jvp(primals, tangents):
    out = threefry2x32_stacked_p.bind(*primals)
    return out, Zero(out)


threefry2x32_stacked_p.abstract_eval = _stacked_abstract_eval
threefry2x32_stacked_p.jvp = _stacked_jvp


def _stack_of_the_words(eqn, ctx):
    """stack([y0, y1], axis=-1) of one threefry2x32 equation -> threefry2x32_stacked."""
    if len(eqn.inputs) != 2 or eqn.params["axis"] != len(eqn.inputs[0].aval.shape):
        return None
    hash_eqn = ctx.producer(eqn.inputs[0])
    if hash_eqn is None or hash_eqn.primitive is not threefry2x32_p or \
            list(eqn.inputs) != list(hash_eqn.outputs):
        return None
    return Eqn(threefry2x32_stacked_p, list(hash_eqn.inputs), {}, eqn.outputs, eqn.source)


stack_p.simplify_rules = (*stack_p.simplify_rules, _stack_of_the_words)

_STACKED_KERNEL = """import numpy as np
import numba

{rounds}

def kernel({arguments}, out):
    for i in range(out.shape[0] // 2):
        a, b = threefry2x32({operands})
        out[2 * i] = a
        out[2 * i + 1] = b
"""


def _stacked_fused_kernel(eqn):
    """(kernel source, signature, run) for the fused tier (compiler/fusion.py's
    substitute_kernels), where every operand is one element or of the result's shape."""
    shape = tuple(eqn.outputs[0].aval.shape[:-1])
    if any(v.aval.size != 1 and tuple(v.aval.shape) != shape for v in eqn.inputs):
        return None
    scalar = [v.aval.size == 1 for v in eqn.inputs]
    names = ("k0", "k1", "x0", "x1")
    source = _STACKED_KERNEL.format(
        rounds=_scalar_source(), arguments=", ".join(names),
        operands=", ".join(n if one else f"{n}[i]" for n, one in zip(names, scalar)))
    signature = tuple(("uint32", "scalar" if one else "in") for one in scalar) + \
        (("uint32", "out"),)

    def run(kernel, *operands, out=None):
        out = np.empty(shape + (2,), UINT32) if out is None else out
        kernel(*[UINT32.type(np.reshape(x, ())) if one else
                 np.ascontiguousarray(x, UINT32).reshape(-1)
                 for x, one in zip(operands, scalar)], out.reshape(-1))
        return out
    return source, signature, run


threefry2x32_stacked_p.fused_kernel = _stacked_fused_kernel
