"""The float32 sin/cos of prims/fast_math.py: fit their polynomials, measure their error.

    python tools/fit_sincos.py            # the minimax coefficients (needs mpmath)
    python tools/fit_sincos.py --check    # every float32 up to the bounds (needs numba)

The fit: sin(r) = r + r*z*P(z) and cos(r) = 1 - z/2 + z*z*Q(z), z = r*r, |r| <= pi/4 (and
a little beyond: k is rounded in float32), minimizing the largest relative error of the
result (Lawson's iteration of weighted least squares on a dense grid, targets from
mpmath at 40 digits), the coefficients rounded to float32 one at a time, the later ones
refitted to what the rounding left.

The check: every non-negative float32 up to the fast helpers' bound (6400, about 1.2e9
of them, ~20 s) and up to the wide pass's (2**24, about 1.3e9) through the helpers as
the fused kernels compile them, against float64 libm rounded to float32, once as
compiled here (multiply-adds fused where the CPU has them) and once with the helpers'
`contract` flag off (as on a CPU without FMA); then every 7th negative float32 (the
functions are odd and even by construction). Prints the histogram of ULP distances;
exits 1 if any exceeds 1 ULP. Measured (AMD EPYC Zen 5): sin and cos within 1 ULP both
ways, both passes; 1 ULP off: fast 0.7% of results (with or without FMA), wide 0.02%.
"""
import argparse
import math
import sys
import time

import numpy as np

sys.path.insert(0, "src")

from jaxlite._src.prims import fast_math  # noqa: E402

RANGE = math.pi / 4 * 1.0005


def _targets(kind, zs):
    import mpmath
    mpmath.mp.dps = 40
    g, w = [], []
    for z in zs:
        r = mpmath.sqrt(mpmath.mpf(z))
        if kind == "sin":  # sin(r)/r = 1 + z*P(z); the error of P weighs z*r/sin(r)
            g.append(float((mpmath.sin(r) / r - 1) / z))
            w.append(float(z * r / mpmath.sin(r)))
        else:              # cos(r) = 1 - z/2 + z*z*Q(z); weight z*z/cos(r)
            g.append(float((mpmath.cos(r) - 1 + z / 2) / z ** 2))
            w.append(float(z * z / mpmath.cos(r)))
    return np.array(g), np.array(w)


def fit(kind, terms, points=3000, iterations=200):
    """float32 coefficients of P (or Q) and their largest relative error in ULPs."""
    zs = np.linspace(0, RANGE * RANGE, points + 1)[1:]
    g, w = _targets(kind, zs)
    fixed = []
    for m in range(terms):
        rest = g - sum(c * zs ** i for i, c in enumerate(fixed))
        basis = np.vander(zs, terms - m, increasing=True) * zs[:, None] ** m
        lawson = np.ones_like(zs)
        for _ in range(iterations):
            weight = w * np.sqrt(lawson)
            c = np.linalg.lstsq(basis * weight[:, None], rest * weight, rcond=None)[0]
            lawson *= np.abs((basis @ c - rest) * w)
            lawson /= lawson.sum()
        fixed.append(float(np.float32(c[0])))
    error = np.abs((np.vander(zs, terms, increasing=True) @ np.array(fixed) - g) * w).max()
    return fixed, error / 2.0 ** -24


_LOOPS = """
@numba.njit(nogil=True, error_model='numpy')
def fast(a, s, c):
    for i in range(a.shape[0]):
        s[i] = fm_sin_float32(a[i])
        c[i] = fm_cos_float32(a[i])


@numba.njit(nogil=True, error_model='numpy')
def order(v):
    b = np.int64(np.float32(v).view(np.int32))
    return -(b & 0x7FFFFFFF) if b < 0 else b


@numba.njit(nogil=True, error_model='numpy')
def sweep(stop, step, sign, histogram, worst):
    n = 1 << 16
    a = np.empty(n, np.float32)
    s = np.empty(n, np.float32)
    c = np.empty(n, np.float32)
    bits = 0
    while bits < stop:
        m = 0
        while m < n and bits < stop:
            a[m] = np.int32(bits).view(np.float32) * sign
            m += 1
            bits += step
        fast(a[:m], s[:m], c[:m])
        for i in range(m):
            d = np.float64(a[i])
            for f, got, want in ((0, s[i], np.float32(math.sin(d))),
                                 (1, c[i], np.float32(math.cos(d)))):
                u = min(abs(order(got) - order(want)), 15)
                if want == 0 and np.signbit(got) != np.signbit(want):
                    u = 15
                histogram[f, u] += 1
                if u > worst[f, 0]:
                    worst[f, 0] = u
                    worst[f, 1] = d
"""


def check():
    import numba
    fast = {**fast_math.helpers("sin"), **fast_math.helpers("cos")}
    wide = {**fast_math.fallbacks("sin")[0][0], **fast_math.fallbacks("cos")[0][0]}
    ok = True
    for label, helpers, bound in (("fast", fast, fast_math.SIN_COS_BOUND),
                                  ("wide", wide, fast_math.WIDE_BOUND)):
        stop = int(np.float32(bound).view(np.int32)) + 1
        for contract in (True, False):
            source = "\n".join(helpers[k] for k in sorted(helpers)) + _LOOPS
            if not contract:
                source = source.replace("fastmath={'contract'}", "fastmath=False")
            namespace = {"np": np, "numba": numba, "math": math}
            exec(source, namespace)
            for step, sign in ((1, 1.0), (7, -1.0)):
                histogram, worst = np.zeros((2, 16), np.int64), np.zeros((2, 2))
                start = time.perf_counter()
                namespace["sweep"](stop, step, np.float32(sign), histogram, worst)
                for f, name in enumerate(("sin", "cos")):
                    counts = np.trim_zeros(histogram[f], "b").tolist()
                    print(f"{label} {name} |x| <= {bound:g} fma={contract} "
                          f"x{'>=' if sign > 0 else '<='}0 step {step}: ULP histogram "
                          f"{counts}, worst {int(worst[f, 0])} at x={worst[f, 1]!r} "
                          f"({time.perf_counter() - start:.0f} s)")
                    ok &= len(counts) <= 2
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        sys.exit(0 if check() else 1)
    for kind, terms in (("sin", 3), ("cos", 3)):
        coefficients, ulps = fit(kind, terms)
        print(kind, coefficients, f"largest error {ulps:.3f} ULP")


if __name__ == "__main__":
    main()
