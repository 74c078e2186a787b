"""The IR: a Jaxpr is input variables, equations, output variables and constants.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> print(jax.make_jaxpr(jnp.dot)(jnp.ones(3), jnp.ones(3)))
    { lambda ; a:f32[3] b:f32[3]. let
        c:f32[] = dot_general[
          dimension_numbers=(([0], [0]), ([], []))
          preferred_element_type=float32
        ] a b
      in (c,) }

`constvars` name values captured while tracing (weights, closed-over arrays);
`consts` holds those values. `eval_jaxpr` replays the equations with `bind`,
so evaluating a Jaxpr under any trace applies that trace's rules.

The classes have JAX's public attributes, so interpreters written against
JAX's documented API walk jaxlite's Jaxprs unchanged: `Jaxpr.invars`,
`.outvars`, `.constvars`, `.eqns`, `.effects`; `JaxprEqn.primitive`,
`.invars`, `.outvars`, `.params`; `Var.aval`; `Literal.val` and `.aval`;
`ClosedJaxpr.jaxpr`, `.consts` (also `.literals`), `.in_avals`, `.out_avals`.
Printing follows JAX's layout and naming (see `pretty_print`).
"""
import enum
import itertools
import re

import numpy as np

from . import core
from . import pretty as pp
from .source_info_util import SourceInfo
from .errors import _replaying


class Var:
    """A variable of a Jaxpr; identity is the variable."""
    __slots__ = ("aval",)

    def __init__(self, aval):
        self.aval = aval

    def __repr__(self):
        return f"Var(id={id(self)}):{self.aval.str_short()}"


class DropVar(Var):
    """An equation output nobody reads (printed `_`)."""
    __slots__ = ()

    def __repr__(self):
        return "_"


class Literal:
    """A scalar constant written inline in a Jaxpr."""
    __slots__ = ("value", "aval")

    def __init__(self, value, aval):
        self.value = value
        self.aval = aval

    @property
    def val(self):
        """The value, as `bind` takes it (a weak-typed literal stays weak)."""
        if self.aval.weak_type:
            return core.Array(np.asarray(self.value, self.aval.dtype), True)
        return self.value

    def __repr__(self):
        # As JAX shows its literals: a weakly typed Python int or complex as the typed
        # scalar JAX keeps (`TypedInt(1, dtype=int32)`), any other value as it prints.
        value = np.asarray(self.value)
        if value.dtype != self.aval.dtype and value.dtype.kind == self.aval.dtype.kind:
            value = value.astype(self.aval.dtype)  # a float32 literal prints as float32
        scalar = value[()] if not value.shape else value
        if self.aval.weak_type and not value.shape and value.dtype.kind in "iuc":
            kind = "TypedComplex" if value.dtype.kind == "c" else "TypedInt"
            python = complex(scalar) if value.dtype.kind == "c" else int(scalar)
            return f"Literal({kind}({python!r}, dtype={value.dtype.name}))"
        return f"Literal({str(scalar)})"

    def pretty_print(self, print_dtype=True):
        if np.shape(self.value):
            text = "[...]"
        else:
            text = str(np.asarray(self.value).item())
        return f"{text}:{self.aval.str_short(short_dtypes=True)}" if print_dtype else text


class Eqn:
    """One equation: `outputs = primitive[params] inputs` (JAX's JaxprEqn)."""
    __slots__ = ("primitive", "inputs", "params", "outputs", "source")

    def __init__(self, primitive, inputs, params, outputs, source=None):
        self.primitive = primitive
        self.inputs = inputs
        self.params = params
        self.outputs = outputs
        self.source = source  # "file:line (function)" of the user's code, for comments

    # JAX's names for the operands and results
    invars = property(lambda self: self.inputs)
    outvars = property(lambda self: self.outputs)
    effects = property(lambda self: frozenset())
    source_info = property(lambda self: SourceInfo(self.source))

    def replace(self, primitive=None, invars=None, params=None, outvars=None, **unused):
        return Eqn(self.primitive if primitive is None else primitive,
                   self.inputs if invars is None else list(invars),
                   self.params if params is None else dict(params),
                   self.outputs if outvars is None else list(outvars), self.source)

    def __repr__(self):
        return pp.format_doc(_pp_eqn(self, _Context({}), []))


JaxprEqn = Eqn


def new_jaxpr_eqn(invars, outvars, primitive, params, effects=None, source_info=None,
                  ctx=None):
    """An equation, as JAX's `jax.extend.core.new_jaxpr_eqn` builds it."""
    return Eqn(primitive, list(invars), dict(params), list(outvars))


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

    effects = property(lambda self: frozenset())  # effects are not tracked in types here
    debug_info = property(lambda self: None)

    def replace(self, constvars=None, invars=None, eqns=None, outvars=None, consts=None,
                **unused):
        pick = lambda new, old: old if new is None else new
        return Jaxpr(pick(constvars, self.constvars), pick(consts, self.consts),
                     pick(invars, self.invars), pick(eqns, self.eqns),
                     pick(outvars, self.outvars))

    def __repr__(self):
        return pretty_print(self)

    def pretty_print(self, **kwargs):
        return pretty_print(self, **kwargs)


class ClosedJaxpr:
    """What `make_jaxpr` returns: a Jaxpr with the values of its constvars.

    `ClosedJaxpr(jaxpr, consts)` builds one as in JAX; here a Jaxpr carries its
    constants itself, so `consts` replaces them."""

    def __init__(self, jaxpr, consts=None):
        if consts is not None:
            consts = list(consts)
            if len(consts) != len(jaxpr.consts) or any(
                    a is not b for a, b in zip(consts, jaxpr.consts)):
                jaxpr = jaxpr.replace(consts=consts)
        self.jaxpr = jaxpr

    consts = property(lambda self: self.jaxpr.consts)
    literals = consts  # JAX's newer name for the constants' values
    in_avals = property(lambda self: self.jaxpr.in_avals)
    out_avals = property(lambda self: self.jaxpr.out_avals)
    eqns = property(lambda self: self.jaxpr.eqns)
    effects = property(lambda self: self.jaxpr.effects)

    def map_jaxpr(self, f):
        return ClosedJaxpr(f(self.jaxpr))

    def replace(self, *, jaxpr=None, consts=None):
        return ClosedJaxpr(self.jaxpr if jaxpr is None else jaxpr, consts)

    def __repr__(self):
        return pretty_print(self.jaxpr)

    __str__ = __repr__

    def pretty_print(self, **kwargs):
        return pretty_print(self.jaxpr, **kwargs)


# ---- printing ----------------------------------------------------------------
# The layout, names and parameter text follow JAX's printer: variables are named
# a, b, ..., z, ba, bb, ... in order of appearance, across nested Jaxprs; outputs
# of the printed Jaxpr's equations that nothing reads print as `_`; a Jaxpr used
# more than once (or with more than 10 equations, when nested) is printed once,
# first, as `let name = { ... } in`. A primitive may set `print_rule(eqn, context)`
# returning the (name, value) params to print (JAX's pp_eqn_rules).

def _alphabetic(n):
    s = ""
    while not s or n:
        n, i = divmod(n, 26)
        s = chr(97 + i) + s
    return s


class _Context:
    """Names of variables and of shared Jaxprs, for one printing."""

    def __init__(self, names):
        self.names = dict(names)
        self.shared = {}      # Jaxpr -> name
        self.shared_names = set()
        self._fresh = (name for i in itertools.count()
                       if (name := _alphabetic(i)) not in self.shared_names)

    def name(self, v):
        if isinstance(v, DropVar):
            return "_"
        name = self.names.get(v)
        if name is None:
            name = self.names[v] = next(self._fresh)
        return name

    def suggest_same_names(self, for_vars, like_vars):
        """Name `for_vars` (an inner Jaxpr's binders) like the `like_vars` they alias."""
        if len(for_vars) != len(like_vars):
            return
        used = set()
        for v, like in zip(for_vars, like_vars):
            if (isinstance(like, Var) and like not in used and isinstance(v, Var)
                    and v not in self.names):
                used.add(like)
                self.names[v] = self.name(like)


def _unused_outputs(jaxpr):
    names = {}
    used = {v for v in jaxpr.outvars if isinstance(v, Var)}
    for eqn in reversed(jaxpr.eqns):
        for v in eqn.outputs:
            if v not in used:
                names[v] = "_"
        used.update(v for v in eqn.inputs if isinstance(v, Var))
    return names


def jaxprs_in_params(params):
    for value in params.values():
        for v in (value if isinstance(value, (tuple, list)) else (value,)):
            if isinstance(v, Jaxpr):
                yield v
            elif isinstance(v, ClosedJaxpr):
                yield v.jaxpr


def _pp_vars(vs, context, separator="", shapes=False):
    def one(v):
        if isinstance(v, Literal):
            return pp.text(v.pretty_print())
        name = context.name(v)
        return pp.text(f"{name}:{v.aval.str_short(short_dtypes=True)}" if shapes else name)
    return pp.nest(2, pp.group(pp.join(pp.concat([pp.text(separator), pp.group(pp.brk())]),
                                       [one(v) for v in vs])))


def _item_text(value):
    """An item of a tuple param: enum members and NumPy scalars by their repr, as Python
    prints a tuple (`(Precision.HIGH, Precision.HIGH)`, `(0, np.int64(2))`)."""
    if isinstance(value, (enum.Enum, np.generic)) and not isinstance(value, enum.IntEnum):
        return repr(value)
    return _param_text(value)


def _param_text(value):
    if isinstance(value, np.dtype):
        return value.name
    if isinstance(value, int) and type(value) is not bool and type(value) is not int:
        return str(int(value))  # IntEnums print as numbers, as in JAX
    if isinstance(value, tuple):
        return "(" + ", ".join(_item_text(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if callable(value) and hasattr(value, "__name__") and not isinstance(value, type):
        return value.__name__
    # JAX prints params with str(), hiding addresses
    return re.sub(r" at 0x([0-9a-fA-F]+)", lambda m: " at 0x" + "X" * len(m.group(1)), str(value))


def _pp_param(key, value, context):
    if isinstance(value, (tuple, list)) and value and all(
            isinstance(j, (Jaxpr, ClosedJaxpr)) for j in value):
        inner = [_pp_jaxpr(j.jaxpr if isinstance(j, ClosedJaxpr) else j, context) for j in value]
        doc = pp.group(pp.concat([pp.nest(2, pp.concat([pp.text("("), pp.brk(""),
                                                        pp.join(pp.brk(), inner)])),
                                  pp.brk(""), pp.text(")")]))
    elif isinstance(value, Jaxpr):
        with core.nested_call():
            doc = _pp_jaxpr(value, context)
    elif isinstance(value, ClosedJaxpr):
        doc = _pp_jaxpr(value.jaxpr, context)
    else:
        doc = pp.text(_param_text(value))
    return pp.concat([pp.text(f"{key}="), doc])


def _pp_eqn(eqn, context, comments):
    rule = getattr(eqn.primitive, "print_rule", None)
    params = rule(eqn, context) if rule is not None else sorted(eqn.params.items())
    lhs = _pp_vars(eqn.outputs, context, shapes=True)
    rhs = [pp.text(eqn.primitive.name)]
    if params:
        pairs = pp.join(pp.brk(), [_pp_param(k, v, context) for k, v in params])
        rhs.append(pp.group(pp.concat([pp.nest(2, pp.concat([pp.text("["), pp.brk(""), pairs])),
                                       pp.brk(""), pp.text("]")])))
    rhs.append(pp.concat([pp.text(" "), _pp_vars(eqn.inputs, context)]))
    if comments and eqn.source:
        rhs += [pp.text(f"  # {eqn.source}"), pp.FORCE_BREAK]
    if not eqn.outputs:
        return pp.concat(rhs)
    return pp.concat([lhs, pp.text(" = ")] + rhs)


def _pp_jaxpr(jaxpr, context, comments=False):
    name = context.shared.get(jaxpr)
    if name is not None:
        return pp.text(name)
    constvars = _pp_vars(jaxpr.constvars, context, shapes=True)
    invars = _pp_vars(jaxpr.invars, context, shapes=True)
    eqns = pp.join(pp.brk("; "), [_pp_eqn(e, context, comments) for e in jaxpr.eqns])
    outvars = pp.concat([pp.text("("), _pp_vars(jaxpr.outvars, context, separator=","),
                         pp.text(",)" if len(jaxpr.outvars) == 1 else ")")])
    body = pp.concat([pp.text("{ lambda "), constvars, pp.text("; "), invars, pp.text(". let"),
                      pp.nest(2, pp.concat([pp.brk(), eqns])), pp.brk(), pp.text("in "),
                      outvars])
    return pp.concat([pp.group(pp.nest(2, body)), pp.text(" }")])


def pretty_print(jaxpr, indent=0, source_comments=False, width=80, **unused_settings):
    """JAX's text of a Jaxpr (`source_comments`: each equation's user source line).

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> print(jax.make_jaxpr(lambda x: jnp.sin(x) * 2.0)(1.0))
    { lambda ; a:f32[]. let b:f32[] = sin a; c:f32[] = mul b 2.0:f32[] in (c,) }
    """
    # Nested Jaxprs recurse (each one level of core.nested_call, which raises the
    # recursion limit for deep nestings until this outermost level returns).
    with core.nested_call():
        return _pretty_print(jaxpr, indent, source_comments, width)


def _pretty_print(jaxpr, indent, source_comments, width):
    context = _Context(_unused_outputs(jaxpr))
    # Jaxprs met more than once, or large nested ones, are printed once, first.
    names, counts, queue = {}, {}, [jaxpr]
    while queue:
        j = queue.pop(0)
        counts[j] = counts.get(j, 0) + (2 if j is not jaxpr and len(j.eqns) > 10 else 1)
        for eqn in j.eqns:
            name = eqn.params.get("name")
            for inner in jaxprs_in_params(eqn.params):
                queue.append(inner)
                if isinstance(name, str):
                    names.setdefault(inner, name.strip("<>"))
    docs, name_counts = [], {}
    for j, count in counts.items():
        if count == 1:
            continue
        name = names.get(j, "jaxpr")
        seen = name_counts.get(name, 0)
        name_counts[name] = seen + 1
        if seen:
            name += str(seen)
            name_counts[name] = name_counts.get(name, 0) + 1
        context.shared_names.add(name)
        context.shared[j] = name
        docs.append((name, j))
    parts = []
    for name, j in docs:
        del context.shared[j]  # print its body here
        parts += [pp.text(f"let {name} = "), _pp_jaxpr(j, context), pp.text(" in"), pp.brk()]
        context.shared[j] = name
    parts.append(_pp_jaxpr(jaxpr, context, source_comments))
    text = pp.format_doc(pp.concat(parts), width)
    if indent:
        text = "\n".join(" " * indent + line for line in text.split("\n"))
    return text


# ---- evaluation ----------------------------------------------------------------

def eval_jaxpr(jaxpr, consts, *args, propagate_source_info=True):
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

    replaying, previous = _replaying, getattr(_replaying, "source", None)
    try:
        for eqn in jaxpr.eqns:
            if propagate_source_info:
                replaying.source = eqn.source or previous
            out = eqn.primitive.bind(*[read(v) for v in eqn.inputs], **eqn.params)
            if eqn.primitive.multiple_results:
                for v, x in zip(eqn.outputs, out):
                    env[v] = x
            else:
                env[eqn.outputs[0]] = out
    finally:
        replaying.source = previous
    return [read(v) for v in jaxpr.outvars]


def jaxpr_as_fun(closed_jaxpr):
    """The function a ClosedJaxpr computes, returning a list (JAX's `jaxpr_as_fun`)."""
    jaxpr = closed_jaxpr.jaxpr if isinstance(closed_jaxpr, ClosedJaxpr) else closed_jaxpr
    return lambda *args: eval_jaxpr(jaxpr, jaxpr.consts, *args)
