"""Vectorizable float32 transcendentals for the fused tier (compiler/fusion.py): sin, cos,
exp, log, log1p, expm1, tanh and logistic written with arithmetic and bit operations only,
so that LLVM vectorizes the Numba loop they sit in (Numba's math.sin is a call to scalar
libm: no SVML in PyPI's llvmlite).

sin and cos work in float32 (16 lanes of an AVX-512 vector, twice the float64 lanes): a
Cody-Waite reduction by pi/2 whose steps are exact (below), the remainder kept as a pair
r - t of float32s, and minimax polynomials (degree 7 for sin, 8 for cos; fitted by
tools/fit_sincos.py). The others work in float64: Cody-Waite reduction by ln 2 in two
parts, Taylor polynomials whose truncation error is below 3e-9 relative, and exponent
arithmetic on the float64's bits; the result is rounded to float32 once.

Measured against float64 libm rounded to float32: sin and cos over EVERY float32 with
|x| <= 6400 (tools/fit_sincos.py --check, with and without fused multiply-adds) within
1 ULP (0.7% of results are 1 ULP off; their float64 pass up to 2**24: 0.02%); the
others over dense samples 0 ULP (tests/compiler/test_fast_math.py asserts the bounds on
samples, and over the hardest reductions of sin and cos). NumPy's own float32 SIMD
functions are up to 3 ULP off that reference: the fused tier may differ from the NumPy
tier by these bounds, as XLA's fast paths do.

Special values come out of the same branch-free code (selects): exp's overflow to inf and
underflow to 0, log of 0 (-inf), of negatives (nan), of inf; nan propagates. Only sin and
cos have a rare path: beyond |x| = 6400 the float32 reduction would lose digits, so their
`guard` is true there (and for inf and nan) and the kernel runs again (compiler/fusion.py's
fallback passes) with the `fallbacks`: first the wide helpers (float64 inside, half the
lanes, valid up to |x| = 2**24), then, beyond that, libm in float64, rounded once.

The polynomials of exp and log are the Taylor series (1/n! for exp, 2/(2k+1) for log's
atanh form), summed by Horner's rule.
"""
from fractions import Fraction

import numpy as np

# ---- constants ----------------------------------------------------------------------------
_PI = Fraction("3.14159265358979323846264338327950288419716939937510582097494459")
_LN2 = Fraction("0.693147180559945309417232121458176568075500134360255254120680009")


def _split(value, bits):
    """`value` rounded to `bits` significant bits (a float64 whose products with integers
    below 2**(53 - bits) are exact), and what is left."""
    exponent = Fraction(2) ** (bits - 1 - int(np.floor(np.log2(float(value)))))
    head = Fraction(round(value * exponent)) / exponent
    return float(head), value - head


def _truncated(value, exponent):
    """`value` (positive) rounded down to a multiple of 2**exponent, and what is left."""
    step = Fraction(2) ** exponent
    head = (value // step) * step
    return head, value - head


# sin and cos: x = k * pi/2 + r in float32, for |x| <= SIN_COS_BOUND (so |k| < 2**12).
# pi/2 = P1 + P2 + P3 + P4 + P5, P1..P4 truncated to multiples of 2**-11, 2**-23, 2**-34,
# 2**-46 (at most 12 bits each) and P5 the float32 rest, so that every k * Pi is an exact
# float32. x - k*P1 is exact (Sterbenz), and so is minus k*P2 (a multiple of 2**-24 below
# 1). Minus c = k*P3 rounds: its error is recovered exactly (Fast2Sum where |r| >= |c|;
# else |r - c| < 2**-10 is a multiple of 2**-34, no rounding), and takes k*P4 and k*P5.
# The result is a pair r - t, |t| <= ulp(r)/2, exact to about 2**-60, which the closest
# approach of a float32 below the bound to a multiple of pi/2 (2**-28) needs: a plain
# float32 remainder is only good to 1 ulp(r). Every part is positive, so x = -0.0 stays
# -0.0 through the subtractions (-0.0 - +0.0), and sin(-0.0) needs no select.
SIN_COS_BOUND = 6400.0
_HALF_PI_PARTS, _rest = [], _PI / 2
for _exponent in (-11, -23, -34, -46):
    _head, _rest = _truncated(_rest, _exponent)
    _HALF_PI_PARTS.append(_head)
_HALF_PI_PARTS.append(_rest)

# The wide pass (|x| <= 2**24, when some |x| exceeds SIN_COS_BOUND): float64, pi/2 in two
# 28-bit parts and a float64 rest; k * part is exact for |k| < 2**25, so
# x - k*P1 - k*P2 - k*P3 loses nothing there.
_P1, _rest = _split(_PI / 2, 28)
_P2, _rest = _split(_rest, 28)
_P3 = float(_rest)
WIDE_BOUND = 16777216.0

_L1, _rest = _split(_LN2, 32)   # k * L1 exact for |k| < 2**21 (exp's k is below 2**10)
_L2 = float(_rest)
_MAGIC = 6755399441055744.0  # 1.5 * 2**52: adding it rounds a float64 below 2**51 to an integer


def _float32(value):
    """Source of the float32 nearest `value` (a Fraction or float)."""
    return f"np.float32({float(np.float32(float(value)))!r})"


_CONSTANTS = {
    "TWO_OVER_PI": repr(float(2 / _PI)), "P1": repr(_P1), "P2": repr(_P2), "P3": repr(_P3),
    "LOG2E": repr(float(1 / _LN2)), "L1": repr(_L1), "L2": repr(_L2), "MAGIC": repr(_MAGIC),
    "SQRT_HALF_BITS": str(int(np.float64(np.sqrt(0.5)).view(np.int64))),
    # 1.5 * 2**23: adding it rounds a float32 below 2**22 to an integer, in the low bits
    "MAGIC32": _float32(12582912), "TWO_OVER_PI32": _float32(2 / _PI),
    **{f"HALF_PI{n}": _float32(part) for n, part in enumerate(_HALF_PI_PARTS, 1)},
}


def _horner(name, coefficients, variable, constant=lambda c: repr(float(c))):
    """Python source of the polynomial sum(c[k] * variable**k), Horner's rule."""
    text = constant(coefficients[-1])
    for c in reversed(coefficients[:-1]):
        text = f"({constant(c)} + {variable} * {text})"
    return f"{name} = {text}"


def _factorial(n):
    return Fraction(np.prod(range(1, n + 1), dtype=object) if n else 1)


# Minimax on |r| <= pi/4 (a little beyond, for the float32 rounding of k), of the relative
# error, coefficients rounded to float32 one at a time (tools/fit_sincos.py):
# sin(r) = r + r*z*(s1 + s2*z + s3*z**2) (0.07 ULP), cos(r) = 1 + z*(-1/2 + c2*z + ...)
# (0.002 ULP), z = r*r; Taylor series would need one more term each.
_SIN_COEFFICIENTS = (-0.16666655242443085, 0.008332188241183758, -0.00019518096814863384)
_COS_COEFFICIENTS = (-0.5, 0.04166664555668831, -0.0013887310633435845, 2.4432552891084924e-05)
_SIN_POLY = _horner("p", _SIN_COEFFICIENTS, "z", _float32)
_COS_POLY = _horner("p", _COS_COEFFICIENTS, "z", _float32)
# the wide pass's: Taylor series to degrees 9 and 10, in float64
_SIN64_POLY = _horner("p", [Fraction((-1) ** k) / _factorial(2 * k + 1) for k in range(1, 5)],
                      "z")
_COS64_POLY = _horner("p", [Fraction((-1) ** k) / _factorial(2 * k) for k in range(1, 6)], "z")
_EXP_POLY = _horner("p", [1 / _factorial(k) for k in range(2, 12)], "r")
_LOG_POLY = _horner("p", [Fraction(2, 2 * k + 1) for k in range(1, 8)], "z")

# ---- cores (arguments in range) -----------------------------------------------------------
# Not inlined by Numba but by LLVM, which keeps each instruction's flags: `contract` lets
# these helpers (only) fuse multiply-adds, without changing the kernel's own float32
# arithmetic, whose bits stay NumPy's. (Fused or not, the reduction's exact steps stay
# exact; the measured bound holds both ways.)
_DECORATOR = "@numba.njit(nogil=True, error_model='numpy', fastmath={'contract'})"

_CORES = {
    # float32 sin and cos of r - t, r in [-pi/4, pi/4] (slightly beyond), |t| <= ulp(r)/2:
    # t enters to first order, sin' = cos ~ 1 and cos' = -sin ~ -r (what this drops is
    # below 0.2 ULP; the bound is measured with it). sin subtracts a term that is +0.0
    # where r is -0.0 (x = -0.0): sin(-0.0) = -0.0.
    "fm_sin_core": f"""
{_DECORATOR}
def fm_sin_core(r, t):
    z = r * r
    {_SIN_POLY}
    return r - (t - r * (z * p))
""",
    "fm_cos_core": f"""
{_DECORATOR}
def fm_cos_core(r, t):
    z = r * r
    {_COS_POLY}
    return np.float32(1.0) + (z * p + r * t)
""",
    # float32 x reduced by pi/2 (|x| <= SIN_COS_BOUND, see _HALF_PI_PARTS): (r, t, j),
    # x = k * pi/2 + r - t, j = 1.5 * 2**23 + k (k mod 4 in its low bits)
    "fm_reduce_half_pi": f"""
{_DECORATOR}
def fm_reduce_half_pi(x):
    j = x * {_CONSTANTS["TWO_OVER_PI32"]} + {_CONSTANTS["MAGIC32"]}
    k = j - {_CONSTANTS["MAGIC32"]}
    r = (x - k * {_CONSTANTS["HALF_PI1"]}) - k * {_CONSTANTS["HALF_PI2"]}
    c = k * {_CONSTANTS["HALF_PI3"]}
    h = r - c
    t = ((c - (r - h)) + k * {_CONSTANTS["HALF_PI4"]}) + k * {_CONSTANTS["HALF_PI5"]}
    return h, t, j
""",
    # exp of x in [-708, 708] (nan propagates)
    "fm_exp_core": f"""
{_DECORATOR}
def fm_exp_core(x):
    j = x * {_CONSTANTS["LOG2E"]} + {_CONSTANTS["MAGIC"]}
    k = j - {_CONSTANTS["MAGIC"]}
    r = (x - k * {_CONSTANTS["L1"]}) - k * {_CONSTANTS["L2"]}
    {_EXP_POLY}
    e = 1.0 + (r + r * (r * p))
    n = np.float64(j).view(np.int64) - np.float64({_CONSTANTS["MAGIC"]}).view(np.int64)
    return e * np.int64((n + 1023) << 52).view(np.float64)
""",
    # log of a positive normal float64 x
    "fm_log_core": f"""
{_DECORATOR}
def fm_log_core(x):
    bits = np.float64(x).view(np.int64)
    e = (bits - {_CONSTANTS["SQRT_HALF_BITS"]}) >> 52
    m = np.int64(bits - (e << 52)).view(np.float64)
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    {_LOG_POLY}
    return e * {_CONSTANTS["L1"]} + (e * {_CONSTANTS["L2"]} + (s * 2.0 + s * (z * p)))
""",
}

# ---- float32 functions --------------------------------------------------------------------
# name -> (source of the fast helper, the cores it calls, guard template or None, exact source)
_FLOAT32 = {
    "sin": ("""
def fm_sin_float32(x):
    r, t, j = fm_reduce_half_pi(x)
    q = np.float32(j).view(np.int32)
    v = fm_cos_core(r, t) if q & 1 else fm_sin_core(r, t)
    return -v if q & 2 else v
""", ("fm_reduce_half_pi", "fm_sin_core", "fm_cos_core")),
    "cos": ("""
def fm_cos_float32(x):
    r, t, j = fm_reduce_half_pi(x)
    v = fm_sin_core(r, t) if np.float32(j).view(np.int32) & 1 else fm_cos_core(r, t)
    # negative in quadrants 1 and 2: bit 1 of k + 1 (computed on j: int32 all along)
    return -v if np.float32(j + np.float32(1.0)).view(np.int32) & 2 else v
""", ("fm_reduce_half_pi", "fm_sin_core", "fm_cos_core")),
    "exp": ("""
def fm_exp_float32(x):
    d = np.float64(x)
    d = 200.0 if d > 200.0 else d   # beyond float32's range either way; nan stays
    d = -200.0 if d < -200.0 else d
    return np.float32(fm_exp_core(d))
""", ("fm_exp_core",)),
    "log": ("""
def fm_log_float32(x):
    d = np.float64(x)  # float32 subnormals are normal float64s
    v = fm_log_core(d)
    v = v if d < np.inf else d        # inf -> inf, nan -> nan
    v = -np.inf if d == 0.0 else v
    return np.float32(np.nan if d < 0.0 else v)
""", ("fm_log_core",)),
    "log1p": ("""
def fm_log1p_float32(x):
    d = np.float64(x)
    u = 1.0 + d
    # log(u) corrected by the rounding of 1 + d: log(1 + d) = log(u) + (d - (u - 1)) / u
    v = fm_log_core(u) + (d - (u - 1.0)) / u
    v = d if abs(d) < 1e-9 else v     # (and -0.0 stays -0.0)
    v = v if d < np.inf else d
    v = -np.inf if d == -1.0 else v
    return np.float32(np.nan if d < -1.0 else v)
""", ("fm_log_core",)),
    "expm1": ("""
def fm_expm1_float32(x):
    d = np.float64(x)
    d = 200.0 if d > 200.0 else d
    d = -200.0 if d < -200.0 else d
    small = d * (1.0 + d * (0.5 + d * (1.0 / 6 + d * (1.0 / 24 + d * (1.0 / 120)))))
    v = fm_exp_core(d) - 1.0
    return np.float32(small if abs(d) < 1e-3 else v)
""", ("fm_exp_core",)),
    "tanh": ("""
def fm_tanh_float32(x):
    d = np.float64(x)
    a = abs(d)
    a = 20.0 if a > 20.0 else a       # tanh(20) rounds to 1 in float32; nan stays
    e = fm_exp_core(2.0 * a)
    t = (e - 1.0) / (e + 1.0)
    t = -t if d < 0.0 else t
    z = d * d
    small = d * (1.0 + z * (-1.0 / 3 + z * (2.0 / 15 + z * (-17.0 / 315))))
    return np.float32(small if a < 1e-2 else t)
""", ("fm_exp_core",)),
    "logistic": ("""
def fm_logistic_float32(x):
    d = np.float64(x)
    d = 200.0 if d > 200.0 else d
    d = -200.0 if d < -200.0 else d
    return np.float32(1.0 / (1.0 + fm_exp_core(-d)))
""", ("fm_exp_core",)),
}

# sin and cos: the float32 reduction by pi/2 holds up to |x| = SIN_COS_BOUND; beyond (and
# for inf and nan) the fallback passes (`fallbacks`) compute them.
_GUARDS = {"sin": f"not (abs({{0}}) <= np.float32({SIN_COS_BOUND!r}))",
           "cos": f"not (abs({{0}}) <= np.float32({SIN_COS_BOUND!r}))"}


# The wide pass of sin and cos: float64 inside (8 lanes a vector; x = k * pi/2 + r exact
# up to 2**24), Taylor polynomials, rounded once; measured within 1 ULP (0.02% of
# results) over every float32 up to 2**24 (tools/fit_sincos.py --check).
_WIDE_CORES = {
    "fm_sin_core64": f"""
{_DECORATOR}
def fm_sin_core64(r):
    z = r * r
    {_SIN64_POLY}
    return r * (1.0 + z * p)
""",
    "fm_cos_core64": f"""
{_DECORATOR}
def fm_cos_core64(r):
    z = r * r
    {_COS64_POLY}
    return 1.0 + z * p
""",
    "fm_reduce_half_pi64": f"""
{_DECORATOR}
def fm_reduce_half_pi64(x):
    j = x * {_CONSTANTS["TWO_OVER_PI"]} + {_CONSTANTS["MAGIC"]}
    k = j - {_CONSTANTS["MAGIC"]}
    r = ((x - k * {_CONSTANTS["P1"]}) - k * {_CONSTANTS["P2"]}) - k * {_CONSTANTS["P3"]}
    return r, np.float64(j).view(np.int64) & 3
""",
}
_WIDE = {
    "sin": """
def fm_sin_float32(x):
    d = np.float64(x)
    r, q = fm_reduce_half_pi64(d)
    v = fm_cos_core64(r) if q & 1 else fm_sin_core64(r)
    v = -v if q & 2 else v
    return np.float32(d if d == 0.0 else v)
""",
    "cos": """
def fm_cos_float32(x):
    r, q = fm_reduce_half_pi64(np.float64(x))
    v = fm_sin_core64(r) if q & 1 else fm_cos_core64(r)
    return np.float32(-v if (q + 1) & 2 else v)
""",
}
_WIDE_GUARD = f"not (abs({{0}}) <= np.float32({WIDE_BOUND!r}))"


def _exact_source(name):
    # libm's float64 function, rounded once: correct for every float32 argument
    return f"""
@numba.njit(nogil=True, error_model='numpy')
def fm_{name}_float32(x):
    return np.float32(math.{name}(np.float64(x)))
"""


def helpers(name):
    """The fast helpers of float32 `name` (name -> source, decorated for Numba), with the
    cores they call."""
    source, cores = _FLOAT32[name]
    out = {f"fm_{name}_float32": _DECORATOR + source}
    out.update({c: _CORES[c] for c in cores})
    return out


def _guard_rule(text):
    return lambda x, params, avals, out: text.format(x[0])


def fallbacks(name):
    """The later passes of a kernel whose fast pass raised the flag (`scalar_guard`), in
    order: (helpers replacing the fast ones, the rule of their own guard or None). sin
    and cos: the wide pass (float64, vectorized; |x| <= 2**24), then libm (every x).
    () where the fast helper has no rare path."""
    if name not in _GUARDS:
        return ()
    wide = {f"fm_{name}_float32": _DECORATOR + _WIDE[name], **_WIDE_CORES}
    return ((wide, _guard_rule(_WIDE_GUARD)),
            ({f"fm_{name}_float32": _exact_source(name)}, None))


def scalar_code(name):
    """The fused tier's rule of float32 `name`: a call of its fast helper."""
    def rule(x, params, avals, out):
        if avals[0].dtype != np.float32 or out.dtype != np.float32:
            return None
        return f"fm_{name}_float32({x[0]})"
    return rule


def scalar_guard(name):
    """The rule of the expression true where the fast helper is not valid (None: always
    valid), for the kernel's fallback flag."""
    text = _GUARDS.get(name)
    return None if text is None else _guard_rule(text)


NAMES = tuple(_FLOAT32)
