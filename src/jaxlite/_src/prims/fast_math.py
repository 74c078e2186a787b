"""Vectorizable float32 transcendentals for the fused tier (compiler/fusion.py): sin, cos,
exp, log, log1p, expm1, tanh and logistic written with arithmetic and bit operations only,
so that LLVM vectorizes the Numba loop they sit in (Numba's math.sin is a call to scalar
libm: no SVML in PyPI's llvmlite).

Each float32 function works in float64: Cody-Waite range reduction (by pi/2 in three
parts, by ln 2 in two), Taylor polynomials whose truncation error is below 3e-9
relative, and exponent arithmetic on the float64's bits; the result is rounded to float32
once. Measured against float64 libm rounded to float32 over dense samples
(tests/compiler/test_fast_math.py): sin and cos within 1 ULP (0.1% of their results are
1 ULP off: their polynomials are short), the others 0 ULP. NumPy's own float32 SIMD
functions are up to 3 ULP off that reference: the fused tier may differ from the NumPy
tier by these bounds, as XLA's fast paths do.

Special values come out of the same branch-free code (selects): exp's overflow to inf and
underflow to 0, log of 0 (-inf), of negatives (nan), of inf; nan propagates. Only sin and
cos have a rare path: beyond |x| = 2**24 the reduction by pi/2 would lose digits, so their
`guard` is true there (and for inf and nan) and the kernel runs again with the `exact`
helpers (libm in float64, rounded once): compiler/fusion.py's fallback pass.

The polynomials are the Taylor series of each function (1/n! for exp, (-1)^k/(2k+1)! and
(-1)^k/(2k)! for sin and cos to degrees 9 and 10, 2/(2k+1) for log's atanh form), summed
by Horner's rule.
"""
from fractions import Fraction

import numpy as np

# ---- constants ----------------------------------------------------------------------------
# pi to 60 digits; pi/2 split in two 28-bit parts and a float64 remainder: k * part is
# exact for |k| < 2**25, so x - k*P1 - k*P2 - k*P3 loses nothing for |x| <= 2**24.
_PI = Fraction("3.14159265358979323846264338327950288419716939937510582097494459")
_LN2 = Fraction("0.693147180559945309417232121458176568075500134360255254120680009")


def _split(value, bits):
    """`value` rounded to `bits` significant bits (a float64 whose products with integers
    below 2**(53 - bits) are exact), and what is left."""
    exponent = Fraction(2) ** (bits - 1 - int(np.floor(np.log2(float(value)))))
    head = Fraction(round(value * exponent)) / exponent
    return float(head), value - head


_P1, _rest = _split(_PI / 2, 28)
_P2, _rest = _split(_rest, 28)
_P3 = float(_rest)
_L1, _rest = _split(_LN2, 32)   # k * L1 exact for |k| < 2**21 (exp's k is below 2**10)
_L2 = float(_rest)
_MAGIC = 6755399441055744.0  # 1.5 * 2**52: adding it rounds a float64 below 2**51 to an integer

_CONSTANTS = {
    "TWO_OVER_PI": repr(float(2 / _PI)), "P1": repr(_P1), "P2": repr(_P2), "P3": repr(_P3),
    "LOG2E": repr(float(1 / _LN2)), "L1": repr(_L1), "L2": repr(_L2), "MAGIC": repr(_MAGIC),
    "SQRT_HALF_BITS": str(int(np.float64(np.sqrt(0.5)).view(np.int64))),
}


def _horner(name, coefficients, variable):
    """Python source of the polynomial sum(c[k] * variable**k), Horner's rule."""
    text = repr(float(coefficients[-1]))
    for c in reversed(coefficients[:-1]):
        text = f"({repr(float(c))} + {variable} * {text})"
    return f"{name} = {text}"


def _factorial(n):
    return Fraction(np.prod(range(1, n + 1), dtype=object) if n else 1)


_SIN_POLY = _horner("p", [Fraction((-1) ** k) / _factorial(2 * k + 1) for k in range(1, 5)], "z")
_COS_POLY = _horner("p", [Fraction((-1) ** k) / _factorial(2 * k) for k in range(1, 6)], "z")
_EXP_POLY = _horner("p", [1 / _factorial(k) for k in range(2, 12)], "r")
_LOG_POLY = _horner("p", [Fraction(2, 2 * k + 1) for k in range(1, 8)], "z")

# ---- float64 cores (arguments in range) ---------------------------------------------------
# Not inlined by Numba but by LLVM, which keeps each instruction's flags: `contract` lets
# these helpers (only) fuse multiply-adds, without changing the kernel's own float32
# arithmetic, whose bits stay NumPy's.
_DECORATOR = "@numba.njit(nogil=True, error_model='numpy', fastmath={'contract'})"

_CORES = {
    # sin and cos of r in [-pi/4, pi/4]
    "fm_sin_core": f"""
{_DECORATOR}
def fm_sin_core(r):
    z = r * r
    {_SIN_POLY}
    return r * (1.0 + z * p)  # (keeps the sign of -0.0)
""",
    "fm_cos_core": f"""
{_DECORATOR}
def fm_cos_core(r):
    z = r * r
    {_COS_POLY}
    return 1.0 + z * p
""",
    # x reduced by pi/2: (r in [-pi/4, pi/4], the quadrant k mod 4); |x| <= 2**24
    "fm_reduce_half_pi": f"""
{_DECORATOR}
def fm_reduce_half_pi(x):
    j = x * {_CONSTANTS["TWO_OVER_PI"]} + {_CONSTANTS["MAGIC"]}
    k = j - {_CONSTANTS["MAGIC"]}
    r = ((x - k * {_CONSTANTS["P1"]}) - k * {_CONSTANTS["P2"]}) - k * {_CONSTANTS["P3"]}
    return r, np.float64(j).view(np.int64) & 3
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
    d = np.float64(x)
    r, q = fm_reduce_half_pi(d)
    v = fm_cos_core(r) if q & 1 else fm_sin_core(r)
    v = -v if q & 2 else v
    return np.float32(d if d == 0.0 else v)  # sin(-0.0) is -0.0 (the reduction gives +0.0)
""", ("fm_reduce_half_pi", "fm_sin_core", "fm_cos_core")),
    "cos": ("""
def fm_cos_float32(x):
    r, q = fm_reduce_half_pi(np.float64(x))
    v = fm_sin_core(r) if q & 1 else fm_cos_core(r)
    return np.float32(-v if (q + 1) & 2 else v)
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

# sin and cos: the reduction by pi/2 is exact up to |x| = 2**24; beyond (and for inf and
# nan) the fallback pass computes them with libm's float64 functions.
_GUARDS = {"sin": "not (abs({0}) <= np.float32(16777216.0))",
           "cos": "not (abs({0}) <= np.float32(16777216.0))"}


def _exact_source(name):
    # libm's float64 function, rounded once: correct for every float32 argument
    return f"""
@numba.njit(nogil=True, error_model='numpy')
def fm_{name}_float32(x):
    return np.float32(math.{name}(np.float64(x)))
"""


def helpers(name):
    """The fast helpers of float32 `name` (name -> source, decorated for Numba), with the
    float64 cores they call."""
    source, cores = _FLOAT32[name]
    out = {f"fm_{name}_float32": _DECORATOR + source}
    out.update({c: _CORES[c] for c in cores})
    return out


def exact_helpers(name):
    """Replacements of the fast helper for the fallback pass (None: no rare path)."""
    return {f"fm_{name}_float32": _exact_source(name)} if name in _GUARDS else None


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
    if text is None:
        return None
    return lambda x, params, avals, out: text.format(x[0])


NAMES = tuple(_FLOAT32)
