"""jax.debug.breakpoint: the jdb prompt, eagerly, under jit and vmap, only in branches taken,
with commands from a given stdin or a piped sys.stdin (outputs as JAX 0.10.2 prints them)."""
import io
import re
import subprocess
import sys
import textwrap

import pytest

import jaxlite as jax
import jaxlite.numpy as jnp


def _session(fun, commands, *args):
    """Run fun(*args, stdin, stdout); return (result, what the prompt printed)."""
    out = io.StringIO()
    result = fun(*args, io.StringIO(commands), out)
    return result, out.getvalue()


def test_eager_breakpoint_sees_the_concrete_locals():
    def f(x, stdin, stdout):
        y = x * 2
        jax.debug.breakpoint(stdin=stdin, stdout=stdout)
        return y

    result, text = _session(f, "p y\np y + 1\nc\n", jnp.float32(1.5))
    assert float(result) == 3.0
    assert text == ("Entering jdb:\n(jdb) Array(3., dtype=float32)\n"
                    "(jdb) Array(4., dtype=float32)\n(jdb) ")


def test_under_jit_the_prompt_opens_at_run_time_with_runtime_values():
    def f(x, stdin, stdout):
        z = jnp.sin(x) * 0 + x * 3
        jax.debug.breakpoint(stdin=stdin, stdout=stdout)
        return z

    out = io.StringIO()
    stdin = io.StringIO("p z\nc\np z\nc\n")
    g = jax.jit(lambda x: f(x, stdin, out))
    assert float(g(1.0)) == 3.0
    assert float(g(2.0)) == 6.0  # the compiled program opens it again, with the new value
    assert out.getvalue().count("Entering jdb:") == 2
    assert "Array(3., dtype=float32)" in out.getvalue()
    assert "Array(6., dtype=float32)" in out.getvalue()


def test_only_branches_taken_open_the_prompt():
    out = io.StringIO()
    stdin = io.StringIO("p x\nc\n")

    def with_breakpoint(x):
        jax.debug.breakpoint(stdin=stdin, stdout=out)
        return -x

    g = jax.jit(lambda x: jax.lax.cond(x > 0, lambda x: x, with_breakpoint, x))
    assert float(g(3.0)) == 3.0
    assert out.getvalue() == ""  # traced, never run
    assert float(g(-2.0)) == 2.0
    assert out.getvalue() == "Entering jdb:\n(jdb) Array(-2., dtype=float32)\n(jdb) "


def test_vmap_opens_one_prompt_per_lane():
    out = io.StringIO()
    stdin = io.StringIO("p x\nc\np x\nc\n")

    def f(x):
        jax.debug.breakpoint(stdin=stdin, stdout=out)
        return x

    jax.vmap(f)(jnp.arange(2.0))
    assert "Array(0., dtype=float32)" in out.getvalue()
    assert "Array(1., dtype=float32)" in out.getvalue()


def test_frames_where_up_down_and_errors():
    def inner(x, stdin, stdout):
        z = x * 3
        jax.debug.breakpoint(stdin=stdin, stdout=stdout)
        return z

    def outer(x, stdin, stdout):
        w = x + 1
        return inner(w, stdin, stdout)

    _, text = _session(outer, "w\nu\np w\nd\np z\nundefined_name\nc\n", jnp.float32(1.0))
    assert "Traceback:" in text and "return inner(w, stdin, stdout)" in text
    assert re.search(r"^->\s+return inner\(w, stdin, stdout\)$", text, re.MULTILINE)
    assert "Array(2., dtype=float32)" in text and "Array(6., dtype=float32)" in text
    assert "*** NameError: name 'undefined_name' is not defined" in text
    assert "jaxlite" not in text  # jaxlite's own frames are filtered out


def test_end_of_input_and_quit_exit_the_program_with_status_zero():
    def f(x, stdin, stdout):
        jax.debug.breakpoint(stdin=stdin, stdout=stdout)
        return x

    for commands in ("", "q\n"):
        with pytest.raises(SystemExit) as info:
            _session(f, commands, 1.0)
        assert info.value.code == 0


@pytest.mark.needs_subprocess
def test_piped_stdin_as_jax():
    script = textwrap.dedent("""
        import jaxlite as jax, jaxlite.numpy as jnp
        def f(x):
            y = x + 1
            jax.debug.breakpoint()
            return y * 2
        print(jax.jit(f)(1.0))
        print("not reached")
        print(jax.jit(f)(2.0))
    """)
    run = subprocess.run([sys.executable, "-c", script], input="p y\nc\n", text=True,
                         capture_output=True)
    assert run.returncode == 0
    assert run.stdout == ("Entering jdb:\n(jdb) Array(2., dtype=float32)\n(jdb) 4.0\n"
                          "not reached\nEntering jdb:\n(jdb) ")


def test_bad_arguments():
    with pytest.raises(ValueError, match="only the 'cli' debugger"):
        jax.debug.breakpoint(backend="web")
    with pytest.raises(ValueError, match="mutually exclusive"):
        jax.debug.breakpoint(token=jnp.ones(1), ordered=True)
