"""Random fuzz cases (see programs.py for their form), deterministic in (seed, index).

A case's body is a random expression tree over one or two arguments; a stack of up to
three transformations goes around it; vmap layers add a batch axis to the arguments they
map over. Inputs mix ordinary values with edge values (0, -0, +-inf, NaN, huge, tiny) and
shapes include empty and size-1 axes.

`generate(seed, index, accept)` draws until `accept(case)` (the driver passes a check that
the untransformed body runs eagerly), keeping an unaccepted draw now and then so that
error behaviour is compared too.
"""
import numpy as np

import programs

FLOAT_EDGES = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30, 1e-30, 1.0, -1.0, 0.5, 2.0]
INT_EDGES = [0, 1, -1, 2**31 - 1, -2**31, 7, -8]

# Ops by family, with weights: families are drawn evenly, so a large family is not favoured.
FAMILIES = {
    "unary": programs.UNARY + ["sigmoid", "relu", "softplus", "erf", "rsqrt", "integer_pow",
                               "clip", "astype"],
    "binary": programs.BINARY,
    "reduce": programs.REDUCTIONS + ["logsumexp", "softmax", "cummax"],
    "shape": ["ravel", "reshape", "transpose", "expand_dims", "flip", "roll", "tile", "pad",
              "concatenate", "stack", "index", "dynamic_slice"],
    "linear": ["dot", "matmul", "outer", "vdot", "einsum", "einsum1"],
    "select": ["where", "select"],
    "indexing": ["at", "take", "index"],
    "control": ["cond", "switch", "scan", "fori_loop", "while_loop", "checkpoint"],
}
INDEX_SPECS = [[0], [-1], [["s", 1, None, None]], [["s", None, None, -1]], [["a", [0, -1, 1]]],
               ["...", 0], [None, 0], [0, 1], [["a", [5]]], [["a", [0, 0]]], [["s", 0, 1, None]],
               [1, ["s", None, None, None]], [["a", [1, -3]]]]
EINSUM2 = ["i,i->", "ij,j->i", "ij,jk->ik", "i,j->ij", "ij,ij->i", "...,...->...", "ij,kj->ik"]
EINSUM1 = ["ij->ji", "ii->i", "ij->", "i->", "ijk->kji", "ij->j"]
CAST_DTYPES = ["float32", "int32", "bool", "float16", "bfloat16"]


def _choice(rng, items):
    return items[int(rng.integers(len(items)))]


def _params(rng, op, x64):
    axis = _choice(rng, [None, 0, -1, 1])
    if op in programs.REDUCTIONS or op == "logsumexp":
        return {"axis": axis}
    if op in ("softmax", "cummax", "concatenate", "stack", "flip", "expand_dims"):
        return {"axis": _choice(rng, [0, -1] if op != "flip" else [None, 0, -1])}
    if op == "integer_pow":
        return {"y": int(_choice(rng, [-2, -1, 0, 1, 2, 3]))}
    if op == "clip":
        return _choice(rng, [{"lo": -1.0, "hi": 1.0}, {"lo": 0, "hi": None}, {"lo": None, "hi": 2}])
    if op == "astype":
        return {"dtype": _choice(rng, CAST_DTYPES + (["float64", "int64"] if x64 else []))}
    if op == "reshape":
        return {"shape": _choice(rng, [[-1], [1, -1], [-1, 1]])}
    if op == "roll":
        return {"shift": int(_choice(rng, [1, -1, 2])), "axis": _choice(rng, [None, 0])}
    if op == "tile":
        return {"reps": _choice(rng, [2, [2, 1]])}
    if op == "pad":
        return {"width": int(_choice(rng, [0, 1]))}
    if op == "einsum":
        return {"spec": _choice(rng, EINSUM2)}
    if op == "einsum1":
        return {"spec": _choice(rng, EINSUM1)}
    if op == "index":
        return {"idx": _choice(rng, INDEX_SPECS)}
    if op == "take":
        return {"idx": _choice(rng, [[0, 2, 5, -1], [[0, 1], [1, 0]], [-4, 1]]),
                "axis": _choice(rng, [0, None]),
                "mode": _choice(rng, [None, "clip", "wrap", "fill"]),
                "fill": _choice(rng, [None, 7])}
    if op == "dynamic_slice":
        return _choice(rng, [{"start": [1], "size": [1]}, {"start": [0, 1], "size": [1, 1]},
                             {"start": [3], "size": [2]}])
    if op == "at":
        method = _choice(rng, ["set", "add", "multiply", "min", "max", "get"])
        modes = [None, "clip", "drop", "promise_in_bounds"] + (["fill"] if method == "get" else [])
        return {"idx": _choice(rng, INDEX_SPECS), "method": method, "mode": _choice(rng, modes),
                "fill": _choice(rng, [None, 9.0]) if method == "get" else None}
    return {}


def _leaf(rng, nargs, x64):
    if rng.random() < 0.12:
        value = _choice(rng, [0.0, 1.0, 2.0, -1.5, 0.5, 3])
        dtype = "int32" if isinstance(value, int) else "float32"
        return {"const": value, "dtype": dtype}
    return {"in": int(rng.integers(nargs))}


def _node(rng, depth, nargs, x64):
    if depth <= 0 or rng.random() < 0.2:
        return _leaf(rng, nargs, x64)
    family = _choice(rng, list(FAMILIES))
    op = _choice(rng, FAMILIES[family])
    arity, _ = programs.OPS[op]
    args = [_node(rng, depth - 1, nargs, x64) for _ in range(arity)]
    p = _params(rng, op, x64)
    if op in ("where", "select"):
        args[0] = {"op": "less", "args": [args[0], {"const": 0.5, "dtype": "float32"}]}
    if op == "at" and rng.random() < 0.5:
        args[1] = {"const": _choice(rng, [5.0, -1.0, 0.0]), "dtype": "float32"}
    if op in ("cond", "switch", "fori_loop", "while_loop", "checkpoint", "scan"):
        inner = 2 if op == "scan" else 1
        body = lambda: _node(rng, min(depth - 1, 2), inner, x64)  # noqa: E731
        if op == "cond":
            p = {"t": body(), "f": body()}
        elif op == "switch":
            p = {"bodies": [body() for _ in range(int(rng.integers(2, 4)))]}
        elif op == "scan":
            p = {"body": body(), "reverse": bool(rng.random() < 0.3),
                 "zero": bool(rng.random() < 0.7), "ys": bool(rng.random() < 0.7),
                 "double": bool(rng.random() < 0.3)}
        else:
            p = {"body": body(), "n": int(rng.integers(0, 4))}
    node = {"op": op, "args": args}
    if p:
        node["p"] = p
    return node


def _dtype(rng, x64):
    r = rng.random()
    if r < 0.55:
        return "float64" if x64 and rng.random() < 0.6 else "float32"
    if r < 0.65:
        return "bfloat16"
    if r < 0.73:
        return "float16"
    if r < 0.92:
        return "int64" if x64 and rng.random() < 0.3 else "int32"
    return "bool"


def _shape(rng):
    rank = int(_choice(rng, [0, 1, 1, 2, 2, 3]))
    return [int(_choice(rng, [1, 2, 3, 3, 4, 0] if rng.random() < 0.3 else [1, 2, 3, 4]))
            for _ in range(rank)]


def _values(rng, dtype, shape):
    size = int(np.prod(shape)) if shape else 1
    if dtype == "bool":
        data = [bool(v) for v in rng.random(size) < 0.5]
    elif dtype.startswith("int"):
        data = [int(_choice(rng, INT_EDGES)) if rng.random() < 0.1 else int(v)
                for v in rng.integers(-4, 7, size)]
    else:
        scale = _choice(rng, [1.0, 3.0])
        data = [programs.encode_scalar(_choice(rng, FLOAT_EDGES)) if rng.random() < 0.12
                else round(float(v) * scale, 3) for v in rng.standard_normal(size)]
    return {"dtype": dtype, "shape": shape, "data": data}


def _transforms(rng):
    stack = []
    for _ in range(int(_choice(rng, [0, 1, 1, 2, 2, 3]))):
        name = _choice(rng, programs.TRANSFORMS)
        params = {}
        if name == "vmap":
            params = {"in_axes": _choice(rng, [0, [0, None], [0, 0], -1, [1, 0], [None, 0]]),
                      "out_axes": _choice(rng, [0, 0, -1, 1])}
        stack.append([name, params])
    return stack


def _outer_shapes(shapes, stack, rng):
    """The argument shapes outside the stack: each vmap inserts a batch axis."""
    shapes = [list(s) for s in shapes]
    n = len(shapes)
    for name, params in stack:
        if name != "vmap":
            continue
        size = int(_choice(rng, [1, 2, 3, 2, 0] if rng.random() < 0.2 else [1, 2, 3]))
        in_axes = params["in_axes"]
        if isinstance(in_axes, list):
            in_axes = (in_axes + [None] * n)[:n]
            if all(axis is None for axis in in_axes):
                in_axes[0] = 0
            params["in_axes"] = in_axes
            axes = in_axes
        else:
            axes = [in_axes] * n
        for i, axis in enumerate(axes):
            if axis is not None:
                where = axis if axis >= 0 else len(shapes[i]) + 1 + axis
                shapes[i].insert(min(max(where, 0), len(shapes[i])), size)
    return shapes


def draw(rng):
    x64 = bool(rng.random() < 0.2)
    stack = _transforms(rng)
    nargs = 1 if rng.random() < 0.45 else 2
    dtypes = [_dtype(rng, x64) for _ in range(nargs)]
    differentiating = any(name in programs.DIFFERENTIATING for name, _ in stack)
    if differentiating and dtypes[0] not in ("float32", "float64", "float16", "bfloat16") \
            and rng.random() < 0.9:
        dtypes[0] = "float64" if x64 else "float32"
    if nargs == 2 and rng.random() < 0.6:
        dtypes[1] = dtypes[0]
    shapes = [_shape(rng)]
    if nargs == 2:
        shapes.append(_choice(rng, [list(shapes[0])] * 3 + [[], shapes[0][-1:], _shape(rng)]))
    body = _node(rng, int(_choice(rng, [1, 2, 2, 3, 3])), nargs, x64)
    outer = _outer_shapes(shapes, stack, rng)
    inputs = [_values(rng, d, s) for d, s in zip(dtypes, outer)]
    inner = [_values(rng, d, s) for d, s in zip(dtypes, shapes)]
    return {"body": body, "inputs": inputs, "transforms": stack, "x64": x64}, inner


def generate(seed, index, accept, tries=30, keep_failing=0.05):
    rng = np.random.default_rng([seed, index])
    for _ in range(tries):
        case, inner_inputs = draw(rng)
        if accept(case, inner_inputs) or rng.random() < keep_failing:
            return case
    return case
