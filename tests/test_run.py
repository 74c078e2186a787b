"""`python -m jaxlite.run SCRIPT.py`: a JAX program runs unchanged on jaxlite."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

# Every test here runs `python -m jaxlite.run` or `python -c` in a child process.
pytestmark = pytest.mark.needs_subprocess

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def run_jaxlite(*args, cwd):
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "jaxlite.run", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def write(path, source):
    path.write_text(textwrap.dedent(source))
    return path


def test_jax_script_runs_on_jaxlite(tmp_path):
    script = write(tmp_path / "prog.py", """
        import sys
        import jax
        import jax.numpy as jnp
        from jax import lax

        def td_loss(theta, s_tm1, r_t, s_t):
            v_tm1 = jnp.dot(theta, s_tm1)
            target = r_t + jnp.dot(theta, s_t)
            return -0.5 * ((lax.stop_gradient(target) - v_tm1) ** 2)

        theta = jnp.array([0.1, -0.1, 0.])
        s_tm1, r_t, s_t = jnp.array([1., 2., -1.]), jnp.array(1.), jnp.array([2., 1., 0.])
        batched = [jnp.stack([v, v]) for v in (s_tm1, r_t, s_t)]
        perex_grads = jax.jit(jax.vmap(jax.grad(td_loss), in_axes=(None, 0, 0, 0)))
        print("argv", sys.argv[1:])
        print("name", __name__)
        print("grads", perex_grads(theta, *batched).tolist())
    """)
    result = run_jaxlite(str(script), "--flag", "7", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "argv ['--flag', '7']"
    assert lines[1] == "name __main__"
    assert lines[2].startswith("grads ")
    grads = np.array(eval(lines[2][len("grads "):]))
    np.testing.assert_allclose(grads, [[1.2, 2.4, -1.2], [1.2, 2.4, -1.2]], rtol=1e-6)


def test_jax_modules_are_jaxlite_modules_not_copies(tmp_path):
    script = write(tmp_path / "prog.py", """
        import jax
        import jax.numpy
        import jax.lax as lax
        from jax import numpy as jnp
        from jax import tree_util
        import jaxlite, jaxlite.numpy, jaxlite.lax, jaxlite.tree_util
        print(jax is jaxlite)
        print(jax.numpy is jaxlite.numpy, jnp is jaxlite.numpy)
        print(lax is jaxlite.lax, tree_util is jaxlite.tree_util)
        # the alias must not rename the jaxlite modules
        print(jaxlite.__name__, jaxlite.__spec__.name, jaxlite.numpy.__spec__.name)
    """)
    result = run_jaxlite(str(script), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "True", "True True", "True True", "jaxlite jaxlite jaxlite.numpy"]


def test_script_directory_is_on_path(tmp_path):
    (tmp_path / "pkgdir").mkdir()
    write(tmp_path / "pkgdir" / "helper.py", "VALUE = 42\n")
    script = write(tmp_path / "pkgdir" / "prog.py", """
        import helper
        print(helper.VALUE)
    """)
    result = run_jaxlite(str(script), cwd=tmp_path)  # run from elsewhere
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "42"


def test_missing_submodule_is_a_clear_import_error(tmp_path):
    script = write(tmp_path / "prog.py", """
        try:
            import jax.no_such_module_here
        except ImportError as error:
            print(type(error).__name__, "|", error)
        import jax.also_missing
    """)
    result = run_jaxlite(str(script), cwd=tmp_path)
    assert result.stdout.strip() == (
        "ModuleNotFoundError | jaxlite has no module jaxlite.no_such_module_here "
        "(needed for jax.no_such_module_here)")
    assert result.returncode != 0
    assert "jaxlite has no module jaxlite.also_missing (needed for jax.also_missing)" \
        in result.stderr


def test_script_errors_and_exit_codes_propagate(tmp_path):
    script = write(tmp_path / "prog.py", """
        import sys
        sys.exit(3)
    """)
    assert run_jaxlite(str(script), cwd=tmp_path).returncode == 3
    script = write(tmp_path / "bad.py", "raise ValueError('boom from script')\n")
    result = run_jaxlite(str(script), cwd=tmp_path)
    assert result.returncode == 1
    assert "ValueError: boom from script" in result.stderr


def test_usage_errors(tmp_path):
    result = run_jaxlite(cwd=tmp_path)
    assert result.returncode == 2 and "usage:" in result.stderr
    result = run_jaxlite("does_not_exist.py", cwd=tmp_path)
    assert result.returncode == 2 and "does_not_exist.py" in result.stderr


def test_run_module_form(tmp_path):
    write(tmp_path / "mymod.py", """
        import sys, jax, jaxlite
        print(__name__, jax is jaxlite, sys.argv[1:])
    """)
    result = run_jaxlite("-m", "mymod", "x", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "__main__ True ['x']"


def test_install_jax_alias_programmatic(tmp_path):
    # In a subprocess: the alias is process-wide and must not leak into this one.
    code = textwrap.dedent("""
        import sys
        import jaxlite.run
        jaxlite.run.install_jax_alias()
        jaxlite.run.install_jax_alias()  # idempotent
        finders = [f for f in sys.meta_path if type(f).__name__ == '_JaxAliasFinder']
        import jax.numpy as jnp, jaxlite
        print(len(finders), jnp is jaxlite.numpy, float(jnp.sum(jnp.arange(4.0))))
        jaxlite.run.uninstall_jax_alias()
        print('jax' in sys.modules)
    """)
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["1 True 6.0", "False"]
