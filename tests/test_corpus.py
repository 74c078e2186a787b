"""The corpus of real JAX programs (tools/corpus): each program that prints what
JAX prints today (tools/corpus/matching.txt) keeps doing so. JAX's output is
recorded in tools/corpus/expected/, so no JAX is needed here; the comparison and
its tolerances are tools/corpus/corpus.py's, as compare.py uses them."""
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


@pytest.mark.needs_subprocess
@pytest.mark.parametrize("name", MATCHING)  # each takes under 2 s on jaxlite
def test_program_prints_what_jax_prints(name):
    rc, out, exc, _ = corpus.run(corpus.jaxlite_command(), name, timeout=300,
                                 env=corpus.jaxlite_env())
    status, first = corpus.compare(name, rc, out, exc)
    assert status.startswith("match"), f"{name}: {status}: {first}"
