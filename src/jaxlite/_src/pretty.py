"""A small pretty printer (documents of text, breaks, groups and nesting).

It lays out documents as JAX's pretty printer does, so printed Jaxprs break
lines where JAX's do: a *group* prints on one line when all of it fits in the
width left on the current line (only the group itself is measured, not the
text after it); otherwise each break directly inside it becomes a newline
indented to the enclosing *nest* level.

    >>> from jaxlite._src.pretty import group, nest, concat, text, brk, format_doc
    >>> doc = group(nest(2, concat([text("f["), brk(""), text("a=1"), brk(), text("b=2"),
    ...                             brk(""), text("]")])))
    >>> format_doc(doc)
    'f[a=1 b=2]'
    >>> print(format_doc(doc, width=6))
    f[
      a=1
      b=2
      ]
"""

# A document is a tuple: ("text", str) | ("brk", str) | ("concat", [docs]) |
# ("group", doc) | ("nest", indent, doc) | FORCE_BREAK.
_FLAT, _BREAK = 0, 1
NIL = ("concat", ())
FORCE_BREAK = ("force",)  # prints nothing; the groups around it cannot be flat


def text(s):
    return ("text", s)


def brk(s=" "):
    """A break: prints as `s` when its group is flat, else as a newline."""
    return ("brk", s)


def concat(docs):
    return ("concat", tuple(docs))


def group(doc):
    return ("group", doc)


def nest(indent, doc):
    return ("nest", indent, doc)


def join(separator, docs):
    docs = list(docs)
    parts = []
    for i, doc in enumerate(docs):
        if i:
            parts.append(separator)
        parts.append(doc)
    return concat(parts)


def _fits(doc, width):
    """Whether `doc` printed flat takes at most `width` columns."""
    stack = [doc]
    while stack:
        d = stack.pop()
        kind = d[0]
        if kind == "text" or kind == "brk":
            width -= len(d[1])
            if width < 0:
                return False
        elif kind == "concat":
            stack.extend(reversed(d[1]))
        elif kind == "group":
            stack.append(d[1])
        elif kind == "nest":
            stack.append(d[2])
        else:  # FORCE_BREAK
            return False
    return True


def format_doc(doc, width=80):
    out = []
    column = 0
    agenda = [(0, _BREAK, doc)]
    while agenda:
        indent, mode, d = agenda.pop()
        kind = d[0]
        if kind == "text":
            out.append(d[1])
            column += len(d[1])
        elif kind == "brk":
            if mode == _FLAT:
                out.append(d[1])
                column += len(d[1])
            else:
                out.append("\n" + " " * indent)
                column = indent
        elif kind == "concat":
            agenda.extend((indent, mode, child) for child in reversed(d[1]))
        elif kind == "group":
            flat = mode == _FLAT or _fits(d[1], width - column)
            agenda.append((indent, _FLAT if flat else _BREAK, d[1]))
        elif kind == "nest":
            agenda.append((indent + d[1], mode, d[2]))
    return "".join(out)
