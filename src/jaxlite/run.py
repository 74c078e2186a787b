"""Run a program written for JAX on jaxlite, unchanged.

    python -m jaxlite.run SCRIPT.py [ARGS...]
    python -m jaxlite.run -m PACKAGE.MODULE [ARGS...]

The script runs as ``__main__`` with ``sys.argv = [SCRIPT, *ARGS]`` and its
directory first on ``sys.path``, as ``python SCRIPT.py`` would. Every import of
``jax`` or ``jax.X`` (``jax.numpy``, ``jax.lax``, ``jax.random``, ...) gives the
jaxlite module ``jaxlite`` / ``jaxlite.X`` itself: an alias, not a copy, so
``jax.numpy is jaxlite.numpy``.

This module owns the import hook. It is a ``sys.meta_path`` finder placed first,
so a real JAX installed in the same environment is never picked up. For use
from Python (a notebook, a test harness) call :func:`install_jax_alias`::

    import jaxlite.run
    jaxlite.run.install_jax_alias()
    import jax.numpy as jnp          # this is jaxlite.numpy
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import runpy
import sys
import types

from ._compat import PRIVATE_MODULES

__all__ = ["install_jax_alias", "uninstall_jax_alias", "main"]

_ALIAS = "jax"
_TARGET = "jaxlite"


_PRIVATE = _ALIAS + "._src"


def _target_name(alias_name):
    """'jax' -> 'jaxlite', 'jax.numpy.linalg' -> 'jaxlite.numpy.linalg'; JAX's private
    'jax._src.X' -> the module jaxlite._compat.PRIVATE_MODULES names for it (None if
    no library needs it)."""
    if alias_name.startswith(_PRIVATE + "."):
        return PRIVATE_MODULES.get(alias_name[len(_PRIVATE) + 1:])
    return _TARGET + alias_name[len(_ALIAS):]


class _JaxAliasLoader(importlib.abc.Loader):
    """Loads `jax.X` by importing `jaxlite.X` and putting that very module in
    sys.modules under the alias.

    The import system creates a placeholder module, runs exec_module, then
    returns whatever sys.modules holds under the name. Replacing the
    placeholder there (instead of handing back the jaxlite module from
    create_module) keeps the import system from overwriting the jaxlite
    module's __spec__ with the alias's spec."""

    def create_module(self, spec):
        return types.ModuleType(spec.name)

    def exec_module(self, module):
        alias_name = module.__name__
        if alias_name == _PRIVATE:
            _make_private_package(module)
            return
        target_name = _target_name(alias_name)
        if target_name is None:
            raise ModuleNotFoundError(
                f"jaxlite has no counterpart of JAX's private module {alias_name} (only "
                "those libraries need are aliased: see jaxlite/_compat)", name=alias_name)
        try:
            target = importlib.import_module(target_name)
        except ModuleNotFoundError as error:
            # Only translate "this jaxlite module does not exist"; an import
            # failing inside an existing jaxlite module keeps its own error.
            if error.name is None or not (target_name == error.name
                                          or target_name.startswith(error.name + ".")):
                raise
            raise ModuleNotFoundError(
                f"jaxlite has no module {target_name} (needed for {alias_name})",
                name=alias_name) from None
        sys.modules[alias_name] = target
        if alias_name == _ALIAS:
            # `jax._src.X` reached by attribute (orbax: jax._src.tree_util.flatten_one_level)
            # must find the aliases too, not only `import jax._src.X`: importing the
            # private package makes it the attribute `_src` of jax from the start.
            importlib.import_module(_PRIVATE)


def _make_private_package(module):
    """Fill the module `jax._src`: its submodules are the entries of
    jaxlite._compat.PRIVATE_MODULES (through this hook). The import system also makes it
    the attribute `_src` of `jax`, that is of jaxlite, so every other attribute is
    looked up on jaxlite's own `_src` package, which code reaching `jaxlite._src.X`
    by attribute still finds."""
    real = importlib.import_module(_TARGET + "._src")

    def __getattr__(name):
        target = PRIVATE_MODULES.get(name)
        if target is not None:
            return importlib.import_module(target)
        if not name.startswith("__"):
            try:
                return getattr(real, name)
            except AttributeError:
                if importlib.util.find_spec(f"{real.__name__}.{name}") is not None:
                    return importlib.import_module(f"{real.__name__}.{name}")
        raise AttributeError(f"module {_PRIVATE!r} has no attribute {name!r}")

    module.__getattr__ = __getattr__


class _JaxAliasFinder(importlib.abc.MetaPathFinder):
    """Answers for `jax` and every `jax.*` name; nothing else."""

    def __init__(self):
        self._loader = _JaxAliasLoader()

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + "."):
            return None
        # The spec only names the alias; the loader swaps in the jaxlite module,
        # whose own __path__ then decides whether jax.X.Y can be imported.
        return importlib.machinery.ModuleSpec(fullname, self._loader, is_package=True)


def _installed_finder():
    for finder in sys.meta_path:
        if isinstance(finder, _JaxAliasFinder):
            return finder
    return None


def install_jax_alias():
    """Make `import jax` / `import jax.X` give `jaxlite` / `jaxlite.X`.

    Idempotent. Raises RuntimeError if a real JAX has already been imported in
    this interpreter (its modules would be mixed with jaxlite's).

        >>> import jaxlite.run
        >>> jaxlite.run.install_jax_alias()
        >>> import jax, jaxlite
        >>> jax is jaxlite
        True
    """
    for name, module in list(sys.modules.items()):
        if name != _ALIAS and not name.startswith(_ALIAS + "."):
            continue
        if module is None or getattr(module, "__name__", "") != _target_name(name):
            raise RuntimeError(
                f"install_jax_alias(): module {name!r} is already imported and is not "
                f"jaxlite's; call install_jax_alias() before anything imports jax")
    if _installed_finder() is None:
        sys.meta_path.insert(0, _JaxAliasFinder())


def uninstall_jax_alias():
    """Undo install_jax_alias(): remove the finder and the `jax*` aliases."""
    finder = _installed_finder()
    if finder is not None:
        sys.meta_path.remove(finder)
    for name in [n for n in sys.modules if n == _ALIAS or n.startswith(_ALIAS + ".")]:
        del sys.modules[name]


_USAGE = ("usage: python -m jaxlite.run SCRIPT.py [ARGS...]\n"
          "       python -m jaxlite.run -m MODULE [ARGS...]\n"
          "Runs a JAX program with `jax` and `jax.*` imports resolved to jaxlite.")


def main(argv=None):
    """Entry point of `python -m jaxlite.run`; argv excludes the program name."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE, file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    install_jax_alias()
    if argv[0] == "-m":
        if len(argv) < 2:
            print(_USAGE, file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return 0
    script = argv[0]
    if not os.path.exists(script):
        print(f"jaxlite.run: can't open file {script!r}: no such file", file=sys.stderr)
        return 2
    sys.argv = argv
    # `python SCRIPT.py` puts the script's directory first on sys.path, so the
    # script's sibling modules import; `python -m jaxlite.run` put the cwd there.
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    # Use the importable jaxlite.run, not this __main__ copy, so a script that
    # itself calls jaxlite.run.install_jax_alias() sees the same finder class.
    from jaxlite.run import main as _main
    sys.exit(_main())
