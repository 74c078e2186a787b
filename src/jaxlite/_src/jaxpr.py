"""The IR: a Jaxpr is input variables, equations, output variables and constants.

    { lambda a:f32[3]; b:f32[3]. let
        c:f32[] = dot_general[dimension_numbers=(([0], [0]), ([], []))] a b
      in (c,) }

`constvars` name values captured while tracing (weights, closed-over arrays);
`consts` holds those values. `eval_jaxpr` replays the equations with `bind`,
so evaluating a Jaxpr under any trace applies that trace's rules.
"""
import numpy as np

from . import core


class Var:
    """A variable of a Jaxpr; identity is the variable."""
    __slots__ = ("aval",)

    def __init__(self, aval):
        self.aval = aval


class Literal:
    """A scalar constant written inline in a Jaxpr."""
    __slots__ = ("value", "aval")

    def __init__(self, value, aval):
        self.value = value
        self.aval = aval

    def __repr__(self):
        v = np.asarray(self.value).item()
        return f"{v!r}:{self.aval.str_short()}"


class Eqn:
    __slots__ = ("primitive", "inputs", "params", "outputs", "source")

    def __init__(self, primitive, inputs, params, outputs, source=None):
        self.primitive = primitive
        self.inputs = inputs
        self.params = params
        self.outputs = outputs
        self.source = source  # "file:line (function)" of the user's code, for comments


class Jaxpr:
    __slots__ = ("constvars", "consts", "invars", "eqns", "outvars", "__weakref__", "cache")

    def __init__(self, constvars, consts, invars, eqns, outvars):
        self.constvars = list(constvars)
        self.consts = list(consts)
        self.invars = list(invars)
        self.eqns = list(eqns)
        self.outvars = list(outvars)
        self.cache = {}  # derived artifacts (compiled code, transformed jaxprs)

    @property
    def in_avals(self):
        return [v.aval for v in self.invars]

    @property
    def out_avals(self):
        return [v.aval for v in self.outvars]

    def __repr__(self):
        return pretty_print(self)

    def pretty_print(self, **kwargs):
        return pretty_print(self, **kwargs)


class ClosedJaxpr:
    """What `make_jaxpr` returns: prints as the Jaxpr, exposes JAX's attributes."""

    def __init__(self, jaxpr):
        self.jaxpr = jaxpr

    consts = property(lambda self: self.jaxpr.consts)
    in_avals = property(lambda self: self.jaxpr.in_avals)
    out_avals = property(lambda self: self.jaxpr.out_avals)
    eqns = property(lambda self: self.jaxpr.eqns)

    def __repr__(self):
        return pretty_print(self.jaxpr)

    __str__ = __repr__

    def pretty_print(self, **kwargs):
        return pretty_print(self.jaxpr, **kwargs)


# ---- printing ----------------------------------------------------------------

def _names():
    letters = "abcdefghijklmnopqrstuvwxyz"
    n = 0
    while True:
        name, k = "", n
        while True:
            name = letters[k % 26] + name
            k = k // 26 - 1
            if k < 0:
                break
        yield name
        n += 1


def _format_param(value, indent):
    if isinstance(value, Jaxpr):
        inner = pretty_print(value, indent=indent + 4)
        return "\n" + inner
    if isinstance(value, np.dtype):
        return value.name
    if isinstance(value, int) and type(value) is not bool:  # IntEnums print as numbers, as in JAX
        return str(int(value))
    if isinstance(value, tuple):
        return "(" + ", ".join(_format_param(v, indent) for v in value) + ("," if len(value) == 1 else "") + ")"
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    return repr(value)


def pretty_print(jaxpr, indent=0, source_comments=False):
    names = {}
    gen = _names()

    def name(v):
        if isinstance(v, Literal):
            return repr(v)
        if v not in names:
            names[v] = next(gen)
        return names[v]

    def decl(v):
        return f"{name(v)}:{v.aval.str_short()}"

    pad = " " * indent
    consts = " ".join(decl(v) for v in jaxpr.constvars)
    ins = " ".join(decl(v) for v in jaxpr.invars)
    eqn_lines = []
    for eqn in jaxpr.eqns:
        outs = " ".join(decl(v) for v in eqn.outputs) or "_"
        params = ""
        if eqn.params:
            params = "[" + " ".join(f"{k}={_format_param(v, indent + 4)}"
                                     for k, v in sorted(eqn.params.items())) + "]"
        args = " ".join(name(v) for v in eqn.inputs)
        comment = f"  # {eqn.source}" if source_comments and eqn.source else ""
        eqn_lines.append((f"{outs} = {eqn.primitive.name}{params} {args}".rstrip(), comment))
    outs = ", ".join(name(v) for v in jaxpr.outvars)
    result = f"({outs}{',' if len(jaxpr.outvars) == 1 else ''})"
    # Like JAX: one line when it fits, otherwise one equation per line.
    one_line = (f"{pad}{{ lambda {consts}; {ins}. let "
                + "".join(f"{e}; " for e, _ in eqn_lines[:-1])
                + (eqn_lines[-1][0] + " " if eqn_lines else "") + f"in {result} }}")
    if len(one_line) <= 80 and "\n" not in one_line and not source_comments:
        return one_line
    lines = [f"{pad}{{ lambda {consts}; {ins}. let"]
    lines += [f"{pad}    {e}{c}" for e, c in eqn_lines]
    lines.append(f"{pad}  in {result} }}")
    return "\n".join(lines)


# ---- evaluation ----------------------------------------------------------------

def eval_jaxpr(jaxpr, consts, *args):
    """Replay `jaxpr` with `bind`: under the current trace, this applies its rules."""
    env = {}
    for v, x in zip(jaxpr.constvars, consts):
        env[v] = x
    for v, x in zip(jaxpr.invars, args):
        env[v] = x

    def read(v):
        if type(v) is Literal:  # a weak literal must stay weak when replayed
            return core.Array(v.value, True) if v.aval.weak_type else v.value
        return env[v]

    for eqn in jaxpr.eqns:
        out = eqn.primitive.bind(*[read(v) for v in eqn.inputs], **eqn.params)
        if eqn.primitive.multiple_results:
            for v, x in zip(eqn.outputs, out):
                env[v] = x
        else:
            env[eqn.outputs[0]] = out
    return [read(v) for v in jaxpr.outvars]
