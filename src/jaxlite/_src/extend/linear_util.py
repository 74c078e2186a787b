"""Functions with a stack of transformations (`jax.extend.linear_util`).

A WrappedFun is a function plus transformations added with `transformation2`
(a function `gen(f, *static_args, *args)` that calls the inner `f`) or
`transformation_with_aux2` (which also stores a side output), as JAX's own
interpreters are written. jaxlite's transformations do not use it; it is here so
that code written against JAX's extension API runs.

    >>> from jaxlite.extend.linear_util import transformation2, wrap_init
    >>> def double_inputs(f, *args):
    ...     return f(*[2 * a for a in args])
    >>> wrapped = transformation2(double_inputs, wrap_init(lambda x, y: x + y))
    >>> wrapped.call_wrapped(1, 2)
    6
"""
import functools
import weakref


class StoreException(Exception):
    pass


class _Empty:
    pass


class Store:
    """A write-once box for a transformation's side output."""
    __slots__ = ("_val",)

    def __init__(self):
        self._val = _Empty

    def store(self, val):
        if self._val is not _Empty:
            raise StoreException("Store occupied")
        self._val = val

    def reset(self):
        self._val = _Empty

    @property
    def val(self):
        if self._val is _Empty:
            raise StoreException("Store empty")
        return self._val

    def __bool__(self):
        return self._val is not _Empty


class EqualStore(Store):
    """A Store that accepts the same value again."""
    __slots__ = ()

    def store(self, val):
        if self._val is not _Empty and self._val == val:
            return
        super().store(val)


class WrappedFun:
    """`f` with `transforms` applied; `call_wrapped` runs the transformed function."""
    __slots__ = ("f", "f_transformed", "transforms", "stores", "params", "in_type",
                 "debug_info")

    def __init__(self, f, f_transformed, transforms, stores, params, in_type, debug_info):
        self.f = f
        self.f_transformed = f_transformed
        self.transforms = transforms
        self.stores = stores
        self.params = params
        self.in_type = in_type
        self.debug_info = debug_info

    @property
    def __name__(self):
        return getattr(self.f, "__name__", "<unnamed wrapped function>")

    def wrap(self, gen, gen_static_args, out_store):
        inner = ((self.f_transformed,) if out_store is None
                 else (self.f_transformed, out_store))
        return WrappedFun(self.f, functools.partial(gen, *inner, *gen_static_args),
                          ((gen, gen_static_args),) + self.transforms,
                          (out_store,) + self.stores, self.params, None, self.debug_info)

    def populate_stores(self, stores):
        for mine, theirs in zip(self.stores, stores):
            if mine is not None:
                mine.store(theirs.val)

    def call_wrapped(self, *args, **kwargs):
        return self.f_transformed(*args, **kwargs)

    def __repr__(self):
        lines = [f"{i}   : {getattr(g, '__name__', g)}   {a}"
                 for i, (g, a) in enumerate(self.transforms)]
        return "Wrapped function:\n" + "\n".join(lines) + f"\nCore: {self.__name__}\n"

    def __hash__(self):
        return hash((self.f, self.transforms, self.params, self.in_type))

    def __eq__(self, other):
        return (isinstance(other, WrappedFun) and self.f == other.f
                and self.transforms == other.transforms and self.params == other.params
                and self.in_type == other.in_type)


def wrap_init(f, params=None, *, debug_info=None):
    """A WrappedFun of `f` with no transformations (`params` become keyword args)."""
    params = () if params is None else tuple(sorted(params.items()))
    call = functools.partial(f, **dict(params)) if params else f
    return WrappedFun(f, call, (), (), params, None, debug_info)


def transformation2(gen, fun, *gen_static_args):
    """Add `gen(f, *gen_static_args, *args)` on top of `fun`."""
    return fun.wrap(gen, gen_static_args, None)


def transformation_with_aux2(gen, fun, *gen_static_args, use_eq_store=False):
    """Add `gen(f, store, *gen_static_args, *args)`; returns (fun, thunk of the store)."""
    out_store = EqualStore() if use_eq_store else Store()
    return fun.wrap(gen, gen_static_args, out_store), lambda: out_store.val


def transformation(gen, fun=None, *gen_static_args):
    """The older generator form: `gen(*static, *args)` yields (args, kwargs), gets the
    result, and yields the transformed result. Used as a decorator, it is curried."""
    if fun is None:
        return functools.partial(transformation, gen)
    def gen2(f, *args, **kwargs):
        instance = gen(*args, **kwargs)
        inner_args, inner_kwargs = next(instance)
        return instance.send(f(*inner_args, **inner_kwargs))
    return transformation2(gen2, fun, *gen_static_args)


def transformation_with_aux(gen, fun=None, *gen_static_args):
    """The generator form of `transformation_with_aux2`: the last yield is (ans, aux)."""
    if fun is None:
        return functools.partial(transformation_with_aux, gen)
    def gen2(f, store, *args, **kwargs):
        instance = gen(*args, **kwargs)
        inner_args, inner_kwargs = next(instance)
        ans, aux = instance.send(f(*inner_args, **inner_kwargs))
        store.store(aux)
        return ans
    return transformation_with_aux2(gen2, fun, *gen_static_args)


def cache(call, *, explain=None):
    """Memoize `call(fun, *args)` on fun's function, transformations and args."""
    caches = weakref.WeakKeyDictionary()

    def memoized(fun, *args):
        table = caches.setdefault(fun.f, {})
        key = (fun.transforms, fun.params, fun.in_type, args)
        hit = table.get(key)
        if hit is not None:
            ans, stores = hit
            fun.populate_stores(stores)
            return ans
        ans = call(fun, *args)
        table[key] = (ans, fun.stores)
        return ans

    memoized.cache_clear = caches.clear
    return memoized


def merge_linear_aux(aux1, aux2):
    """The one of two stores that was filled, tagged with which (True: the first)."""
    if aux1:
        if aux2:
            raise StoreException("both stores occupied")
        return True, aux1.val
    if aux2:
        return False, aux2.val
    raise StoreException("neither store occupied")
