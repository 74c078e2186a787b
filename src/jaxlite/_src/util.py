"""Small list helpers JAX's own code and its tutorials use (`jax._src.util`).

The "Writing custom Jaxpr interpreters" tutorial imports `safe_map` from
`jax._src.util`; `python -m jaxlite.run` resolves that to this module.

    >>> from jaxlite._src.util import safe_map, split_list
    >>> safe_map(lambda a, b: a + b, [1, 2], [10, 20])
    [11, 22]
    >>> split_list([1, 2, 3, 4, 5], [1, 2])
    [[1], [2, 3], [4, 5]]
"""


def safe_map(f, *args):
    """map over lists of equal length, as a list; unequal lengths raise."""
    args = list(map(list, args))
    n = len(args[0])
    for arg in args[1:]:
        if len(arg) != n:
            raise ValueError(f"safe_map: length mismatch: {list(map(len, args))}")
    return list(map(f, *args))


def safe_zip(*args):
    """zip of sequences of equal length, as a list; unequal lengths raise."""
    args = list(map(list, args))
    n = len(args[0])
    for arg in args[1:]:
        if len(arg) != n:
            raise ValueError(f"safe_zip: length mismatch: {list(map(len, args))}")
    return list(zip(*args))


def unzip2(pairs):
    firsts, seconds = [], []
    for a, b in pairs:
        firsts.append(a)
        seconds.append(b)
    return tuple(firsts), tuple(seconds)


def unzip3(triples):
    a, b, c = [], [], []
    for x, y, z in triples:
        a.append(x)
        b.append(y)
        c.append(z)
    return tuple(a), tuple(b), tuple(c)


def split_list(args, ns):
    """Split `args` into pieces of lengths `ns`, and the rest."""
    args = list(args)
    pieces = []
    for n in ns:
        pieces.append(args[:n])
        args = args[n:]
    pieces.append(args)
    return pieces


def partition_list(bs, xs):
    """(the xs where bs is False, the xs where it is True)."""
    falses, trues = [], []
    for b, x in safe_zip(bs, xs):
        (trues if b else falses).append(x)
    return falses, trues


def merge_lists(bs, falses, trues):
    falses, trues = iter(falses), iter(trues)
    return [next(trues) if b else next(falses) for b in bs]


def curry(f):
    """curry(f)(*args)(*more) == f(*args, *more)."""
    return lambda *args, **kwargs: lambda *more, **more_kwargs: f(
        *args, *more, **kwargs, **more_kwargs)


def prod(xs):
    out = 1
    for x in xs:
        out *= x
    return out
