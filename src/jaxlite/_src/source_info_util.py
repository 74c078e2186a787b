"""Where an equation comes from: source info and name stacks (JAX's
`jax.extend.source_info_util`).

jaxlite records each staged equation's user source line as text (see
`Eqn.source`); this module gives it JAX's shape for code that reads it, and
keeps the name stack that `named_scope`-like code pushes.

    >>> from jaxlite.extend.source_info_util import extend_name_stack, current_name_stack
    >>> with extend_name_stack("layer1"):
    ...     print(current_name_stack())
    layer1
"""
import contextlib
import threading

from .errors import user_source_line


class NameStack:
    """A path of scope names, printed joined by '/'."""

    def __init__(self, stack=()):
        self.stack = tuple(stack)

    def extend(self, name):
        names = name if isinstance(name, tuple) else (name,)
        return NameStack(self.stack + names)

    def wrap_name(self, name):
        return "/".join(self.stack + (name,))

    def transform(self, name):
        return self.extend(name)

    def __len__(self):
        return len(self.stack)

    def __str__(self):
        return "/".join(self.stack)

    __repr__ = __str__


class SourceInfo:
    """The user's source location (`traceback`: its text here) and the name stack."""
    __slots__ = ("traceback", "name_stack")

    def __init__(self, traceback=None, name_stack=None):
        self.traceback = traceback
        self.name_stack = NameStack() if name_stack is None else name_stack

    def replace(self, traceback=None, name_stack=None):
        return SourceInfo(self.traceback if traceback is None else traceback,
                          self.name_stack if name_stack is None else name_stack)


class _State(threading.local):
    def __init__(self):
        self.name_stack = NameStack()


_state = _State()
_exclusions = []


def new_source_info():
    return SourceInfo()


def current():
    """The source info of the code running now: the user's line and the name stack."""
    return SourceInfo(user_source_line(), _state.name_stack)


def summarize(source_info, num_frames=1):
    return source_info.traceback or "unknown"


def register_exclusion(path):
    """Frames from files under `path` are not the user's (kept for JAX's API)."""
    _exclusions.append(path)


def include_frame(frame):
    """Whether a Python frame is the user's: its file is not under a registered exclusion."""
    filename = frame.f_code.co_filename
    return not any(filename.startswith(path) for path in _exclusions)


def new_name_stack(name=""):
    return NameStack((name,) if name else ())


def current_name_stack():
    return _state.name_stack


@contextlib.contextmanager
def set_name_stack(name_stack):
    previous = _state.name_stack
    _state.name_stack = name_stack
    try:
        yield
    finally:
        _state.name_stack = previous


def extend_name_stack(name):
    return set_name_stack(_state.name_stack.extend(name))


def transform_name_stack(name):
    return set_name_stack(_state.name_stack.transform(name))


def reset_name_stack():
    return set_name_stack(NameStack())


@contextlib.contextmanager
def user_context(traceback, *, name_stack=None):
    """Attribute errors raised inside to `traceback`. Tracebacks are not filtered
    here, so errors already show the user's frames; only the name stack applies."""
    if name_stack is None:
        yield
    else:
        with set_name_stack(name_stack):
            yield
