"""Eager jax.random calls run as jitted functions cached per static arguments
(random/dispatch.py): the first call of a combination runs NumPy directly, later ones
the compiled executable. Both must give JAX's bits; under transformations the samplers
still trace inline."""
import threading
from collections import OrderedDict

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import random
from jaxlite._src.jit_api import PjitFunction
from jaxlite._src.random import dispatch

from test_random_reference import GOLDEN, bits_of, decode_arg, decode_out


def _public_call(case):
    """The recorded case through the public API (x32), or None for kinds it lacks."""
    args = {k: decode_arg(v) for k, v in case["args"].items()}
    fn = case["fn"]
    if fn in ("seed", "threefry_2x32") or "error" in case:
        return None
    key = jnp.asarray(np.asarray(args["key"], np.uint32))
    if key.shape != (2,) and fn not in ("split", "fold_in"):
        return None
    if fn == "split":
        num = args["num"]
        return lambda: random.split(key, tuple(num) if isinstance(num, list) else num)
    if fn == "fold_in":
        return lambda: random.fold_in(key, args["data"])
    if fn == "bits":
        return lambda: random.bits(key, tuple(args["shape"]), args["dtype"])
    if fn == "uniform":
        return lambda: random.uniform(key, tuple(args["shape"]), args["dtype"],
                                      args["minval"], args["maxval"])
    if fn == "normal":
        return lambda: random.normal(key, tuple(args["shape"]), args["dtype"])
    if fn == "randint":
        return lambda: random.randint(key, tuple(args["shape"]), args["minval"],
                                      args["maxval"], args["dtype"])
    if fn == "bernoulli":
        shape = args["shape"]
        return lambda: random.bernoulli(key, args["p"], None if shape is None else tuple(shape),
                                        args.get("mode", "low"))
    return None


CASES = [(i, case) for i, case in enumerate(GOLDEN["x32"]["cases"]) if _public_call(case)]


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[f"{c['fn']}-{i}" for i, c in CASES])
def test_direct_and_compiled_calls_give_jaxs_bits(case):
    call = _public_call(case)
    dtype, shape, expected = decode_out(case["out"])
    try:
        first, second, third = call(), call(), call()
    except OverflowError:  # bounds beyond int32 are x64 cases for the public API
        return
    for out in (first, second, third):
        out = random.key_data(out) if str(out.dtype).startswith("key") else out
        assert np.asarray(out).dtype == dtype and out.shape == shape
        np.testing.assert_array_equal(bits_of(out), expected)


def test_second_eager_call_runs_a_cached_jitted_function():
    key = random.key(11)
    shape = (3, 7)  # a shape no other test draws
    first = random.normal(key, shape)
    assert not any(isinstance(e, PjitFunction) and k[1][0] == shape
                   for k, e in dispatch._entries.items() if k[0].__name__ == "normal")
    second = random.normal(key, shape)
    jitted = [e for k, e in dispatch._entries.items()
              if k[0].__name__ == "normal" and k[1] == (shape, np.dtype(np.float32))]
    assert len(jitted) == 1 and isinstance(jitted[0], PjitFunction)
    assert jitted[0]._cache_size() == 1
    np.testing.assert_array_equal(first, second)
    assert not first.weak_type and not second.weak_type and second.dtype == np.float32
    random.normal(random.key(12), shape)  # another key: the same executable
    assert jitted[0]._cache_size() == 1


def test_integer_bounds_are_constants_arrays_are_operands():
    key = random.PRNGKey(5)
    for _ in range(3):
        a = random.randint(key, (6,), 3, 50)
        b = random.randint(key, (6,), jnp.int32(3), jnp.asarray(50))
        c = random.randint(key, (6,), 3, np.int32(50))
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    statics = [dict(k[2]) for k in dispatch._entries if k[0].__name__ == "_randint"]
    statics = [s for s in statics if s["shape"] == (6,)]
    assert any(s["dynamic"] == () and (s["minval"], s["maxval"]) == (3, 50) for s in statics)
    assert any(s["dynamic"] == ("minval", "maxval") for s in statics)
    assert any(s["dynamic"] == ("maxval",) and s["minval"] == 3 for s in statics)


def test_bad_arguments_raise_at_every_call():
    key = random.key(0)
    for _ in range(3):
        with pytest.raises(ValueError, match="negative dimensions"):
            random.normal(key, (-1,))
        with pytest.raises(ValueError, match="float dtype"):
            random.uniform(key, (2,), jnp.int32)
        with pytest.raises(TypeError, match="integer dtypes"):
            random.randint(key, (2,), 0, 3, jnp.float32)
        with pytest.raises(TypeError, match="floating dtype"):
            random.bernoulli(key, jnp.int32(1), (2,))
        with pytest.raises(OverflowError):
            random.fold_in(key, 2 ** 32)


def test_transformations_trace_inline_and_disable_jit_runs_directly():
    before = dict(dispatch._entries)

    def draw(k):
        return random.uniform(k, (9, 2)) + random.randint(k, (9, 2), 0, 4)
    keys = random.split(random.key(2), 4)
    batched = jax.vmap(draw)(keys)
    for i in range(4):
        np.testing.assert_array_equal(batched[i], draw(keys[i]))
    jaxpr = jax.make_jaxpr(draw)(random.key(2))
    assert "pjit" not in str(jaxpr) and "threefry2x32" in str(jaxpr)
    grad = jax.grad(lambda x: (x * random.normal(random.key(1), (9, 2))).sum())(1.0)
    np.testing.assert_allclose(grad, np.asarray(random.normal(random.key(1), (9, 2))).sum(),
                               rtol=1e-6)
    with jax.disable_jit():
        direct = [random.exponential(random.key(3), (9, 2)) for _ in range(3)]
    assert not [k for k in dispatch._entries if k not in before and k[0].__name__ == "exponential"]
    np.testing.assert_array_equal(direct[0], random.exponential(random.key(3), (9, 2)))
    np.testing.assert_array_equal(direct[2], random.exponential(random.key(3), (9, 2)))


def test_other_samplers_agree_between_direct_and_compiled_calls():
    key = random.key(4)
    draws = {
        "gamma": lambda: random.gamma(key, 2.5, (5,)),
        "poisson": lambda: random.poisson(key, 3.0, (5,)),
        "truncated_normal": lambda: random.truncated_normal(key, -1.0, 2.0, (5,)),
        "permutation": lambda: random.permutation(key, 7),
        "choice": lambda: random.choice(key, 9, (4,), replace=False),
        "categorical": lambda: random.categorical(key, jnp.log(jnp.array([0.2, 0.3, 0.5])),
                                                  shape=(6,)),
    }
    for name, draw in draws.items():
        first, second = draw(), draw()
        np.testing.assert_array_equal(first, second, err_msg=name)
        np.testing.assert_array_equal(jax.jit(draw)(), first, err_msg=name)


def test_compiled_samplers_of_large_results_give_way(monkeypatch):
    # Executables keep their NumPy workspace between calls: past a budget of result bytes
    # the least recently used compiled samplers go back to direct calls (small ones stay).
    monkeypatch.setattr(dispatch, "_MAX_COMPILED_RESULT_BYTES", 3 * 4 * 1000)
    monkeypatch.setattr(dispatch, "_entries", OrderedDict())
    monkeypatch.setattr(dispatch, "_result_bytes", OrderedDict())
    key = random.key(21)
    draws = {}
    for n in (1001, 1002, 1003, 1004, 1005):
        draws[n] = [random.uniform(key, (n,)) for _ in range(3)]
    assert [dict(k[2])["shape"] for k in dispatch._result_bytes] == [(1004,), (1005,)]
    assert sum(dispatch._result_bytes.values()) <= 3 * 4 * 1000
    for n, (a, b, c) in draws.items():
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(random.uniform(key, (n,)), a)  # evicted: direct again


@pytest.mark.needs_threads
def test_threads_drawing_at_once_get_the_same_bits():
    key = random.key(8)
    expected = {n: np.asarray(random.normal(key, (n,))) for n in (7, 300, 5000)}
    failures = []

    def draw():
        for _ in range(15):
            for n, want in expected.items():
                if not np.array_equal(np.asarray(random.normal(key, (n,))), want):
                    failures.append(n)
    threads = [threading.Thread(target=draw) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
