"""jax.debug.breakpoint: a pdb-like prompt ("jdb") over the frames of the user's program,
at the point the program reaches, with traced values shown as their runtime values.

The frames are captured when the breakpoint is traced; their traced locals travel as the
arguments of a debug callback, so the prompt opens when (and each time) the callback runs:
at once in eager code, when the compiled program runs under jit, never in a cond branch
that is not taken. Commands are JAX's: p, pp, u(p), d(own), l(ist), w(here)/bt,
c(ontinue), q(uit)/exit, and any expression. They are read from `stdin` (the keyword
argument, else sys.stdin, interactive or piped); at the end of input the program exits
with status 0, as JAX's debugger does.
"""
import cmd
import inspect
import os
import pprint
import sys
import threading
import traceback

from .core import Tracer
from .array import Array
from .tree import tree_flatten, tree_unflatten
from .prims.debug import debug_callback_p

_package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_lock = threading.Lock()


class DebuggerFrame:
    """One frame of the user's program: file, line, source around it, locals and globals."""

    def __init__(self, filename, locals, globals, source, lineno, offset):
        self.filename, self.locals, self.globals = filename, locals, globals
        self.source, self.lineno, self.offset = source, lineno, offset

    @classmethod
    def from_frame(cls, frame):
        try:
            lines, start = inspect.getsourcelines(frame)
            source = "".join(lines).split("\n")
            offset = frame.f_lineno - max(start, 1)
            if offset >= len(source):
                source, offset = [], None
        except (OSError, TypeError):
            source, offset = [], None
        return cls(frame.f_code.co_filename, dict(frame.f_locals), {}, source, frame.f_lineno,
                   offset)


def _internal(filename):
    """jaxlite's own frames, and those of the runpy machinery `python -m jaxlite.run` uses."""
    return (filename.startswith(_package_dir) or filename == "<frozen runpy>"
            or os.path.basename(filename) == "runpy.py")


def _user_frames(filter_frames, num_frames):
    frame = sys._getframe(2)  # the caller of jax.debug.breakpoint
    frames = []
    while frame is not None:
        if not (filter_frames and _internal(frame.f_code.co_filename)):
            frames.append(DebuggerFrame.from_frame(frame))
        frame = frame.f_back
    return frames if num_frames is None else frames[:num_frames]


def _split_traced(frames):
    """(traced leaves, rebuild): the frames' traced values are the callback's arguments;
    everything else (concrete values, unflattenable objects) stays as it is."""
    entries = []  # per frame: (names, treedef or None, leaves or the raw values)
    traced = []
    for f in frames:
        names = list(f.locals)
        try:
            leaves, tree = tree_flatten([f.locals[n] for n in names])
        except Exception:  # a local that cannot be flattened is shown as it is
            leaves, tree = [f.locals[n] for n in names], None
        positions = [i for i, leaf in enumerate(leaves) if isinstance(leaf, Tracer)]
        traced.extend(leaves[i] for i in positions)
        entries.append((names, tree, leaves, positions))

    def rebuild(values):
        # Runtime values of traced locals arrive as NumPy arrays; shown as (strongly typed)
        # Arrays, as JAX shows them.
        values = iter(v if isinstance(v, Array) else Array(v, False) for v in values)
        out = []
        for f, (names, tree, leaves, positions) in zip(frames, entries):
            leaves = list(leaves)
            for i in positions:
                leaves[i] = next(values)
            local_values = leaves if tree is None else tree_unflatten(tree, leaves)
            out.append(DebuggerFrame(f.filename, dict(zip(names, local_values)), f.globals,
                                     f.source, f.lineno, f.offset))
        return out

    return traced, rebuild


class CliDebugger(cmd.Cmd):
    """The text debugger: JAX's "jdb" commands over a list of frames (innermost first)."""
    prompt = "(jdb) "

    def __init__(self, frames, thread_id=None, stdin=None, stdout=None, completekey="tab"):
        super().__init__(stdin=stdin, stdout=stdout, completekey=completekey)
        self.use_rawinput = stdin is None
        self.frames = frames
        self.frame_index = 0
        self.thread_id = thread_id
        self.intro = "Entering jdb:"

    def _say(self, text):
        print(text, file=self.stdout)

    def evaluate(self, expr):
        frame = self.frames[self.frame_index]
        env = {**frame.globals, **frame.locals}
        return eval(expr, {}, env)

    def _error_message(self):
        kind, value = sys.exc_info()[:2]
        self._say("*** " + traceback.format_exception_only(kind, value)[-1].strip())

    def default(self, line):
        """Evaluate an expression and print its repr."""
        self.do_p(line)

    def do_p(self, arg):
        """p expression: evaluate and print the value of an expression."""
        try:
            self._say(repr(self.evaluate(arg)))
        except Exception:
            self._error_message()

    def do_pp(self, arg):
        """pp expression: evaluate and pretty-print the value of an expression."""
        try:
            self._say(pprint.pformat(self.evaluate(arg)))
        except Exception:
            self._error_message()

    def print_context(self, num_lines=2):
        frame = self.frames[self.frame_index]
        lines = [f"> {frame.filename}({frame.lineno})"]
        if frame.offset is not None:
            for i, line in enumerate(frame.source):
                if frame.offset - 1 - num_lines <= i <= frame.offset + num_lines:
                    lines.append(("->  " if i == frame.offset else "    ") + line)
        self._say("\n".join(lines))

    def do_up(self, arg):
        """u(p): move up a stack frame."""
        if self.frame_index == len(self.frames) - 1:
            self._say("At topmost frame.")
        else:
            self.frame_index += 1
        self.print_context()

    do_u = do_up

    def do_down(self, arg):
        """d(own): move down a stack frame."""
        if self.frame_index == 0:
            self._say("At bottommost frame.")
        else:
            self.frame_index -= 1
        self.print_context()

    do_d = do_down

    def do_list(self, arg):
        """l(ist): list the source around the current line."""
        self.print_context(num_lines=5)

    do_l = do_list

    def do_where(self, arg):
        """w(here): print the stack, most recent frame last ('bt' too)."""
        lines = ["Traceback:"]
        for frame in self.frames[::-1]:
            lines.append(f'  File "{frame.filename}", line {frame.lineno}')
            lines.append("    <no source>" if frame.offset is None
                         else "    " + frame.source[frame.offset].strip())
        self._say("\n".join(lines))

    do_w = do_bt = do_where

    def do_continue(self, arg):
        """c(ont(inue)): continue the program."""
        return True

    do_c = do_cont = do_continue

    def do_quit(self, arg):
        """q(uit) / exit: quit the debugger; the program exits (status 0)."""
        sys.exit(0)

    do_q = do_EOF = do_exit = do_quit

    def run(self):
        while True:
            try:
                self.cmdloop()
                break
            except KeyboardInterrupt:
                print("--KeyboardInterrupt--", file=sys.stdout)


def breakpoint(*, backend=None, filter_frames=True, num_frames=None, ordered=False,
               token=None, **kwargs):
    """Stop at this point of the program and open the jdb prompt over its frames (see the
    module docstring); `stdin=`/`stdout=` redirect the prompt. Under jit it opens when the
    compiled program runs, with the runtime values of traced locals.

    >>> import io, sys
    >>> def f(x):
    ...     y = jnp.sin(x)
    ...     jax.debug.breakpoint(stdin=io.StringIO("p y\\nc\\n"), stdout=sys.stdout)
    ...     return y
    >>> _ = jax.jit(f)(0.5)
    Entering jdb:
    (jdb) Array(0.47942555, dtype=float32)
    (jdb)
    """
    if backend not in (None, "cli"):
        raise ValueError(f"jax.debug.breakpoint: jaxlite has only the 'cli' debugger, not "
                         f"{backend!r}")
    if token is not None and ordered:
        raise ValueError("`ordered` and `token` are mutually exclusive arguments.")
    frames = _user_frames(filter_frames, num_frames)
    traced, rebuild = _split_traced(frames)

    def open_prompt(*values):
        thread_id = (None if threading.current_thread() is threading.main_thread()
                     else threading.get_ident())
        with _lock:
            CliDebugger(rebuild(values), thread_id, **kwargs).run()

    debug_callback_p.bind(*traced, callback=open_prompt, ordered=bool(ordered))
    return token
