"""Compares two fuzz results (programs.run_case): JAX's, the expected one, and jaxlite's.

Agreement means: both raise an exception of the same class (jaxlite's may be a subclass
of JAX's; where JAX fails inside its own code with a bare "tuple index out of range",
any exception agrees), or both return the same dtype,
shape, NaN and infinity positions, and finite values within a tolerance per dtype.

The tolerance is for last-bit differences of transcendental functions (NumPy's ufuncs and
XLA's approximations round differently), which a chain of operations and derivatives
grows by a small factor: float32 values agree to a relative 2e-4 (about 16 ulps times
a chain's growth); float16 and bfloat16 to 4 and 2 ulps of their precision; integers and
booleans exactly. Absolute differences below 1e-6 (float32) of the largest magnitude in
the result also agree, so that a value that cancels to near zero may differ in sign.
"""
import numpy as np

from programs import decode_scalar

RTOL = {"float64": 1e-9, "float32": 2e-4, "float16": 4e-3, "bfloat16": 3.2e-2,
        "complex64": 2e-4, "complex128": 1e-9}
ATOL = {"float64": 1e-12, "float32": 1e-6, "float16": 1e-3, "bfloat16": 1e-2}


def _values(result):
    data = result["data"]
    if result["dtype"].startswith("complex"):
        data = [complex(decode_scalar(re), decode_scalar(im)) for re, im in data]
        return np.array(data, dtype=np.complex128)
    return np.array([decode_scalar(v) for v in data], dtype=np.float64)


PRECISION = ["bfloat16", "float16", "float32", "float64"]


def narrowest_float(case):
    """The narrowest float dtype a case computes in (inputs, constants, casts): a float64
    result computed through float32 is compared at float32's tolerance."""
    names = {v["dtype"] for v in case["inputs"]}
    stack = [case["body"]]
    while stack:
        node = stack.pop()
        names.add(node.get("dtype"))
        names.add(node.get("p", {}).get("dtype") if isinstance(node.get("p"), dict) else None)
        stack.extend(node.get("args", []))
        for value in node.get("p", {}).values():
            if isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, dict))
    if not case.get("x64"):
        names = {n.replace("64", "32") if n else n for n in names}
    floats = [n for n in PRECISION if n in names]
    return floats[0] if floats else None


def disagreement(expected, got, floor=None):
    """None when the results agree, else a short description of how they differ. `floor`
    (a dtype name) loosens the tolerance to that precision's where it is narrower."""
    if expected.get("error") in ("Timeout", "Crash"):
        return None  # JAX did not finish (in time): nothing to compare (counted apart)
    if "error" in expected or "error" in got:
        if "error" not in got:
            return f"JAX raises {expected['error']}, jaxlite returns"
        if "error" not in expected:
            return f"jaxlite raises {got['error']}, JAX returns"
        if expected["error"] in got.get("mro", [got["error"]]):
            return None  # the same class, or a more specific subclass of it
        if expected["error"] == "IndexError" and "index out of range" in expected["message"]:
            return None  # JAX failed inside its own code (a bare "tuple index out of range")
        return f"error class: JAX {expected['error']}, jaxlite {got['error']}"
    a, b = expected["ok"], got["ok"]
    if a["dtype"] != b["dtype"]:
        return f"dtype: JAX {a['dtype']}, jaxlite {b['dtype']}"
    if a["shape"] != b["shape"]:
        return f"shape: JAX {a['shape']}, jaxlite {b['shape']}"
    x, y = _values(a), _values(b)
    if a["dtype"].startswith("complex"):
        x = np.concatenate([x.real, x.imag])
        y = np.concatenate([y.real, y.imag])
    if not np.array_equal(np.isnan(x), np.isnan(y)):
        return "NaN positions"
    finite_x, finite_y = np.isfinite(x), np.isfinite(y)
    if not np.array_equal(finite_x, finite_y) or not np.array_equal(x[~finite_x & ~np.isnan(x)],
                                                                  y[~finite_y & ~np.isnan(y)]):
        return "infinity positions"
    x, y = x[finite_x], y[finite_y]
    if a["dtype"] not in RTOL:
        return None if np.array_equal(x, y) else "values"
    name = a["dtype"].replace("complex64", "float32").replace("complex128", "float64")
    if floor in PRECISION and name in PRECISION and PRECISION.index(floor) < PRECISION.index(
            name):
        name = floor
    scale = np.max(np.abs(x)) if x.size else 0.0
    tolerance = ATOL[name] * max(scale, 1.0) + RTOL[name] * np.abs(x)
    return None if np.all(np.abs(x - y) <= tolerance) else "values"
