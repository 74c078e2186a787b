"""Fuzz programs as data, and the one interpreter that runs them.

A case is a JSON object:

    {"body": NODE, "inputs": [VALUE, ...], "transforms": [[name, {params}], ...],
     "x64": bool}

    NODE  = {"in": i}                                    the i-th argument
          | {"const": number, "dtype": name}             a scalar constant
          | {"op": name, "args": [NODE, ...], "p": {...}}
    VALUE = {"dtype": name, "shape": [...], "data": [flat values]}  (NaN/inf as strings)

Control-flow nodes carry their bodies as NODEs in "p", read with their own arguments
({"in": 0} is the branch operand / loop carry, {"in": 1} a scan's slice).

`build(case, ns)` turns a case into a Python function over a namespace `ns` that holds
`jax`, `jnp`, `lax`, `nn` and `special` of either real JAX or jaxlite, so the same
description runs under both. This module imports neither: the fuzz worker, the
generator and tests/test_fuzz_regressions.py pass in what they have.
"""
import math

import numpy as np


# ---- values ---------------------------------------------------------------------------------

def encode_scalar(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def decode_scalar(v):
    return float(v) if isinstance(v, str) else v


def encode_array(x):
    """A (real) array of any backend as a VALUE."""
    x = np.asarray(x)
    name = x.dtype.name
    if x.dtype.kind in "fV" or name in ("bfloat16", "float16"):
        flat = [encode_scalar(v) for v in x.astype(np.float64).ravel()]
    elif x.dtype.kind == "c":
        flat = [[encode_scalar(v.real), encode_scalar(v.imag)] for v in x.ravel()]
    else:
        flat = [encode_scalar(v) for v in x.ravel().tolist()]
    return {"dtype": name, "shape": list(x.shape), "data": flat}


def decode_array(value, jnp):
    """A VALUE as an array of the backend whose numpy module is `jnp`."""
    dtype = value["dtype"]
    if dtype == "bool":
        host = np.array(value["data"], dtype=bool)
    elif dtype.startswith(("int", "uint")):
        host = np.array(value["data"], dtype=np.int64)
    else:
        host = np.array([decode_scalar(v) for v in value["data"]], dtype=np.float64)
    host = host.reshape(value["shape"])
    return jnp.asarray(host, dtype=getattr(jnp, dtype))


# ---- the operations ---------------------------------------------------------------------------

def _unary(name):
    return lambda ns, a, p: getattr(ns.jnp, name)(a[0])


def _binary(name):
    return lambda ns, a, p: getattr(ns.jnp, name)(a[0], a[1])


UNARY = ["sin", "cos", "tan", "tanh", "exp", "expm1", "log", "log1p", "sqrt", "cbrt", "abs",
         "negative", "sign", "floor", "ceil", "round", "square", "reciprocal", "arcsin",
         "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "sinh", "cosh", "exp2", "log2",
         "isnan", "isinf", "isfinite", "logical_not", "sinc", "deg2rad", "trunc", "signbit"]
BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "remainder", "power",
          "maximum", "minimum", "arctan2", "hypot", "fmod", "copysign", "logaddexp", "equal",
          "less", "greater_equal", "logical_and", "heaviside", "float_power", "fmax",
          "nextafter", "bitwise_and", "not_equal"]
REDUCTIONS = ["sum", "prod", "max", "min", "mean", "var", "argmax", "argmin", "any", "all",
              "cumsum", "cumprod", "sort", "argsort", "nanmax", "nansum", "median", "ptp"]

OPS = {}
for _n in UNARY:
    OPS[_n] = (1, _unary(_n))
for _n in BINARY:
    OPS[_n] = (2, _binary(_n))
for _n in REDUCTIONS:
    OPS[_n] = (1, (lambda n: lambda ns, a, p: getattr(ns.jnp, n)(a[0], axis=p.get("axis")))(_n))


def _op(name, arity):
    def register(fn):
        OPS[name] = (arity, fn)
        return fn
    return register


_op("sigmoid", 1)(lambda ns, a, p: ns.nn.sigmoid(a[0]))
_op("relu", 1)(lambda ns, a, p: ns.nn.relu(a[0]))
_op("softplus", 1)(lambda ns, a, p: ns.nn.softplus(a[0]))
_op("softmax", 1)(lambda ns, a, p: ns.nn.softmax(a[0], axis=p.get("axis", -1)))
_op("logsumexp", 1)(lambda ns, a, p: ns.special.logsumexp(a[0], axis=p.get("axis")))
_op("erf", 1)(lambda ns, a, p: ns.special.erf(a[0]))
_op("rsqrt", 1)(lambda ns, a, p: ns.lax.rsqrt(a[0]))
_op("integer_pow", 1)(lambda ns, a, p: ns.lax.integer_pow(a[0], p["y"]))
_op("clip", 1)(lambda ns, a, p: ns.jnp.clip(a[0], p["lo"], p["hi"]))
_op("astype", 1)(lambda ns, a, p: a[0].astype(getattr(ns.jnp, p["dtype"])))
_op("cummax", 1)(lambda ns, a, p: ns.lax.cummax(a[0], axis=p.get("axis", 0)))
_op("where", 3)(lambda ns, a, p: ns.jnp.where(a[0], a[1], a[2]))
_op("select", 3)(lambda ns, a, p: ns.lax.select(a[0], a[1], a[2]))
_op("ravel", 1)(lambda ns, a, p: ns.jnp.ravel(a[0]))
_op("reshape", 1)(lambda ns, a, p: ns.jnp.reshape(a[0], p["shape"]))
_op("transpose", 1)(lambda ns, a, p: ns.jnp.transpose(a[0]))
_op("expand_dims", 1)(lambda ns, a, p: ns.jnp.expand_dims(a[0], p["axis"]))
_op("flip", 1)(lambda ns, a, p: ns.jnp.flip(a[0], axis=p.get("axis")))
_op("roll", 1)(lambda ns, a, p: ns.jnp.roll(a[0], p["shift"], axis=p.get("axis")))
_op("tile", 1)(lambda ns, a, p: ns.jnp.tile(a[0], p["reps"]))
_op("pad", 1)(lambda ns, a, p: ns.jnp.pad(a[0], p["width"]))
_op("concatenate", 2)(lambda ns, a, p: ns.jnp.concatenate([a[0], a[1]], axis=p.get("axis", 0)))
_op("stack", 2)(lambda ns, a, p: ns.jnp.stack([a[0], a[1]], axis=p.get("axis", 0)))
_op("dot", 2)(lambda ns, a, p: ns.jnp.dot(a[0], a[1]))
_op("matmul", 2)(lambda ns, a, p: ns.jnp.matmul(a[0], a[1]))
_op("outer", 2)(lambda ns, a, p: ns.jnp.outer(a[0], a[1]))
_op("vdot", 2)(lambda ns, a, p: ns.jnp.vdot(a[0], a[1]))
_op("einsum", 2)(lambda ns, a, p: ns.jnp.einsum(p["spec"], a[0], a[1]))
_op("einsum1", 1)(lambda ns, a, p: ns.jnp.einsum(p["spec"], a[0]))
_op("index", 1)(lambda ns, a, p: a[0][_index(ns, p["idx"])])
_op("take", 1)(lambda ns, a, p: ns.jnp.take(a[0], ns.jnp.asarray(p["idx"]), axis=p.get("axis"),
                                            mode=p.get("mode"), fill_value=p.get("fill")))
_op("dynamic_slice", 1)(lambda ns, a, p: ns.lax.dynamic_slice(a[0], p["start"], p["size"]))


def _index(ns, spec):
    """An index spec: a list of ints, ["s", start, stop, step] slices, ["a", [ints]] arrays,
    and "..." / None."""
    out = []
    for item in spec:
        if isinstance(item, list) and item and item[0] == "s":
            out.append(slice(*item[1:]))
        elif isinstance(item, list) and item and item[0] == "a":
            out.append(ns.jnp.asarray(item[1], dtype=ns.jnp.int32))
        elif item == "...":
            out.append(Ellipsis)
        else:
            out.append(item)
    return tuple(out)


@_op("at", 2)
def _at(ns, a, p):
    ref = a[0].at[_index(ns, p["idx"])]
    method = p["method"]
    kwargs = {} if p.get("mode") is None else {"mode": p["mode"]}
    if method == "get":
        if p.get("fill") is not None:
            kwargs["fill_value"] = p["fill"]
        return ref.get(**kwargs)
    return getattr(ref, method)(a[1], **kwargs)


# Control flow: bodies are NODEs over their own arguments.

@_op("cond", 2)
def _cond(ns, a, p):
    pred = ns.jnp.sum(a[0]) > 0
    return ns.lax.cond(pred, lambda v: _fit(ns, evaluate(ns, p["t"], [v]), v),
                       lambda v: _fit(ns, evaluate(ns, p["f"], [v]), v), a[1])


@_op("switch", 2)
def _switch(ns, a, p):
    index = ns.jnp.asarray(ns.jnp.sum(a[0]), ns.jnp.float32).astype(ns.jnp.int32)
    branches = [(lambda b: lambda v: _fit(ns, evaluate(ns, b, [v]), v))(b) for b in p["bodies"]]
    return ns.lax.switch(index, branches, a[1])


@_op("scan", 1)
def _scan(ns, a, p):
    xs = a[0]

    def body(carry, x):
        new = _fit(ns, evaluate(ns, p["body"], [carry, x]), carry)
        return new, new * 2 if p.get("double") else new
    init = ns.jnp.zeros_like(xs[0]) if p.get("zero", True) else xs[0]
    last, ys = ns.lax.scan(body, init, xs, reverse=p.get("reverse", False))
    return ys if p.get("ys", True) else last


@_op("fori_loop", 1)
def _fori(ns, a, p):
    return ns.lax.fori_loop(0, p["n"], lambda i, v: _fit(ns, evaluate(ns, p["body"], [v]), v),
                            a[0])


@_op("while_loop", 1)
def _while(ns, a, p):
    def body(state):
        i, v = state
        return i + 1, _fit(ns, evaluate(ns, p["body"], [v]), v)
    return ns.lax.while_loop(lambda s: s[0] < p["n"], body, (0, a[0]))[1]


@_op("checkpoint", 1)
def _checkpoint_op(ns, a, p):
    return ns.jax.checkpoint(lambda v: evaluate(ns, p["body"], [v]))(a[0])


def _fit(ns, value, like):
    """A body's result made the carry's shape and dtype, so any body is a valid loop body."""
    value = ns.jnp.asarray(value)
    if value.shape != like.shape:
        value = ns.jnp.broadcast_to(ns.jnp.sum(value), like.shape)
    return value.astype(like.dtype)


def evaluate(ns, node, env):
    if "in" in node:
        return env[node["in"]]
    if "const" in node:
        return ns.jnp.asarray(decode_scalar(node["const"]), dtype=getattr(ns.jnp, node["dtype"]))
    _, fn = OPS[node["op"]]
    return fn(ns, [evaluate(ns, arg, env) for arg in node["args"]], node.get("p", {}))


# ---- transformations ------------------------------------------------------------------------
# Each maps a function of the argument list (differentiated in argument 0) returning one
# array to another such function.

def _pattern(ns, like):
    """A deterministic tangent/cotangent of `like`'s shape: -1, 0, 1, ... repeating."""
    jnp = ns.jnp
    return ((jnp.arange(like.size) % 3 - 1).reshape(like.shape)).astype(like.dtype)


def _real(ns, y):
    y = ns.jnp.asarray(y)
    if not ns.jnp.issubdtype(y.dtype, ns.jnp.inexact):
        y = y.astype(ns.jnp.float32)
    return y


def _partial0(f, rest):
    return lambda x: f(x, *rest)


def transform(ns, name, params, f):
    jax, jnp = ns.jax, ns.jnp
    if name == "jit":
        return jax.jit(f)
    if name == "checkpoint":
        return jax.checkpoint(f)
    if name == "vmap":
        in_axes = params.get("in_axes", 0)
        return jax.vmap(f, in_axes=tuple(in_axes) if isinstance(in_axes, list) else in_axes,
                        out_axes=params.get("out_axes", 0))
    if name == "grad":
        return lambda x, *rest: jax.grad(lambda v: jnp.sum(_real(ns, f(v, *rest))))(x)
    if name == "hessian":
        return lambda x, *rest: jax.hessian(lambda v: jnp.sum(_real(ns, f(v, *rest))))(x)
    if name == "jacfwd":
        return lambda x, *rest: jax.jacfwd(lambda v: _real(ns, f(v, *rest)))(x)
    if name == "jacrev":
        return lambda x, *rest: jax.jacrev(lambda v: _real(ns, f(v, *rest)))(x)
    if name == "jvp":
        def jvp_fn(x, *rest):
            return jax.jvp(lambda v: _real(ns, f(v, *rest)), (x,), (_pattern(ns, x),))[1]
        return jvp_fn
    if name == "vjp":
        def vjp_fn(x, *rest):
            out, pullback = jax.vjp(lambda v: _real(ns, f(v, *rest)), x)
            return pullback(_pattern(ns, out))[0]
        return vjp_fn
    if name == "linearize":
        def linearize_fn(x, *rest):
            _, linear = jax.linearize(lambda v: _real(ns, f(v, *rest)), x)
            return linear(_pattern(ns, x))
        return linearize_fn
    raise ValueError(f"unknown transformation {name!r}")


TRANSFORMS = ["jit", "checkpoint", "vmap", "grad", "hessian", "jacfwd", "jacrev", "jvp", "vjp",
              "linearize"]
DIFFERENTIATING = {"grad", "hessian", "jacfwd", "jacrev", "jvp", "vjp", "linearize"}


def build(case, ns):
    """The case's function of its inputs, the transformations applied innermost first."""
    body = case["body"]
    f = lambda *args: evaluate(ns, body, list(args))  # noqa: E731
    for name, params in case["transforms"]:
        f = transform(ns, name, params, f)
    return f


def run_case(case, ns):
    """("ok", VALUE) or ("error", class name, builtin base name, message)."""
    try:
        ns.jax.config.update("jax_enable_x64", bool(case.get("x64")))
        args = [decode_array(v, ns.jnp) for v in case["inputs"]]
        out = build(case, ns)(*args)
        return {"ok": encode_array(out)}
    except Exception as e:  # noqa: BLE001 - the class is the result being compared
        return {"error": type(e).__name__, "base": builtin_base(type(e)),
                "mro": [k.__name__ for k in type(e).__mro__], "message": str(e)[:300]}


def builtin_base(cls):
    for klass in cls.__mro__:
        if klass.__module__ == "builtins":
            return klass.__name__
    return "Exception"
