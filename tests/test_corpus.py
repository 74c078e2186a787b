"""The corpus of real JAX programs: each program that prints what JAX prints today
(tools/corpus/matching.txt) keeps doing so. The programs are JAX's examples and docs,
so they and JAX's recorded output live outside the repository (../shared/corpus, or
JAXLITE_CORPUS); where that folder is absent the program runs skip, saying so. No JAX
is needed; the comparison and its tolerances are tools/corpus/corpus.py's."""
import importlib.util
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS_DIR = os.path.join(os.path.dirname(HERE), "tools", "corpus")


def _load_corpus():
    spec = importlib.util.spec_from_file_location("corpus", os.path.join(CORPUS_DIR, "corpus.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()
MATCHING = corpus.read_matching()
needs_corpus = pytest.mark.skipif(
    not os.path.isdir(corpus.PROGRAMS),
    reason="the corpus of JAX's programs lives outside the repository (../shared/corpus)")


@needs_corpus
def test_matching_programs_exist_and_are_recorded():
    names = set(corpus.program_names())
    assert len(names) >= 35
    for name in names:
        assert os.path.exists(os.path.join(corpus.EXPECTED, name + ".txt")), name
    assert set(MATCHING) <= names


def test_comparison_masks_timings_and_tolerates_float32_noise():
    assert corpus.mask("Epoch 0 in 0.41 sec") == corpus.mask("Epoch 0 in 12.07 sec")
    assert corpus.mask("<function f at 0x7f3a9c0b1d30>") == corpus.mask("<function f at 0x10ab>")
    assert corpus.lines_match("[0.1        0.2       ]", "[0.10000001 0.2]", 1e-5, 1e-6)
    assert not corpus.lines_match("[0.1 0.2]", "[0.1 0.3]", 1e-5, 1e-6)
    assert not corpus.lines_match("(3, 4)", "(3, 5)", 1e-5, 1e-6)   # integers exactly
    assert not corpus.lines_match("dtype=float32", "dtype=float64", 1e-5, 1e-6)
    # the array class's module differs by construction; its name is still compared
    assert corpus.mask("<class 'jaxlib._jax.ArrayImpl'>") == corpus.mask(
        "<class 'jaxlite._src.array.ArrayImpl'>")
    assert corpus.mask("<class 'jaxlib._jax.ArrayImpl'>") != corpus.mask(
        "<class 'jaxlite._src.array.Array'>")


@needs_corpus
@pytest.mark.needs_subprocess
@pytest.mark.parametrize("name", MATCHING)  # each takes under 2 s on jaxlite
def test_program_prints_what_jax_prints(name):
    rc, out, exc, _ = corpus.run(corpus.jaxlite_command(), name, timeout=300,
                                 env=corpus.jaxlite_env())
    status, first = corpus.compare(name, rc, out, exc)
    assert status.startswith("match"), f"{name}: {status}: {first}"
