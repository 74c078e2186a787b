"""The Jaxpr as a public object: interpreters written against JAX's documented API
(jax.core, jax.extend, the "Writing custom Jaxpr interpreters" tutorial) run."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import core as jcore
from jaxlite.extend import core as xcore
from jaxlite.extend import linear_util as lu
from jaxlite.extend import source_info_util
from jaxlite.extend.core import primitives

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "src")


def test_closed_jaxpr_and_equation_attributes():
    closed = jaxlite.make_jaxpr(lambda x: x * jnp.arange(3.0) + 1)(jnp.ones(3))
    jaxpr = closed.jaxpr
    assert closed.consts is closed.literals and closed.eqns is jaxpr.eqns
    assert len(jaxpr.constvars) == len(closed.consts)
    assert [str(a) for a in closed.in_avals] == ["float32[3]"]
    assert closed.effects == jaxpr.effects == frozenset()
    mul, add = jaxpr.eqns
    assert mul.primitive is primitives.mul_p and add.primitive is primitives.add_p
    assert mul.primitive.name == "mul" and not mul.primitive.multiple_results
    assert mul.invars[0] is jaxpr.invars[0] and add.outvars == jaxpr.outvars
    literal = add.invars[1]
    assert type(literal) is xcore.Literal and float(literal.val) == 1.0
    assert literal.aval.str_short() == "float32[]" and isinstance(jaxpr.invars[0], jcore.Var)
    assert repr(jaxpr.invars[0]).endswith(":float32[3]")
    assert mul.params == {} and add.effects == frozenset()
    assert str(mul) == "a:f32[3] = mul b c"


def test_eval_jaxpr_and_jaxpr_as_fun():
    closed = jaxlite.make_jaxpr(lambda x, y: jnp.sin(x) * y)(1.0, 2.0)
    out, = jcore.eval_jaxpr(closed.jaxpr, closed.consts, 1.0, 2.0)
    assert np.allclose(out, np.sin(1.0) * 2.0)
    assert np.allclose(xcore.jaxpr_as_fun(closed)(1.0, 2.0)[0], out)
    rebuilt = xcore.ClosedJaxpr(closed.jaxpr, closed.consts)
    assert str(rebuilt) == str(closed)
    xcore.check_jaxpr(closed.jaxpr)


def test_user_primitive_eager_jit_and_errors():
    cube_p = xcore.Primitive("cube")
    cube_p.def_impl(lambda x: x * x * x)
    cube_p.def_abstract_eval(lambda x: jcore.ShapedArray(x.shape, x.dtype))
    x = jnp.arange(3.0)
    assert np.array_equal(cube_p.bind(x), [0.0, 1.0, 8.0])
    assert np.array_equal(jaxlite.jit(lambda x: cube_p.bind(x) + 1)(x), [1.0, 2.0, 9.0])
    assert "b:f32[3] = cube a" in str(jaxlite.make_jaxpr(cube_p.bind)(x))
    with pytest.raises(NotImplementedError, match="Differentiation rule for 'cube'"):
        jaxlite.grad(cube_p.bind)(1.0)
    with pytest.raises(NotImplementedError, match="Batching rule for 'cube'"):
        jaxlite.vmap(cube_p.bind)(x)


def test_user_primitive_abstract_eval_may_return_shape_dtype_struct():
    p = xcore.Primitive("halve")
    p.def_impl(lambda x: np.asarray(x) / 2)  # float64 from NumPy: canonicalized
    p.def_abstract_eval(lambda x: jaxlite.ShapeDtypeStruct(x.shape, np.float64))
    out = jaxlite.jit(p.bind)(jnp.ones(2))
    assert out.dtype == np.float32 and np.array_equal(out, [0.5, 0.5])


def test_primitives_by_jax_names():
    assert primitives.pjit_p is primitives.jit_p
    assert primitives.cond_p.name == "cond" and primitives.while_p.name == "while"
    assert primitives.psum_p is jaxlite.lax.psum_p and primitives.psum_p.name == "psum"
    with pytest.raises(NotImplementedError, match="ragged_all_to_all"):
        primitives.ragged_all_to_all_p
    with pytest.raises(AttributeError):
        primitives.not_a_primitive_p
    assert jaxlite.lax.exp_p is primitives.exp_p


def test_core_names_and_unsupported_ones():
    for name in ["AbstractValue", "Atom", "ParamDict", "ShapedArray", "Trace", "Tracer",
                 "Value", "ensure_compile_time_eval", "eval_context", "eval_jaxpr", "max_dim",
                 "min_dim", "Jaxpr", "ClosedJaxpr", "JaxprEqn", "Var", "Literal", "DropVar",
                 "Primitive", "get_aval", "concrete_aval", "raise_to_shaped", "new_jaxpr_eqn"]:
        assert hasattr(jcore, name), name
    assert jcore.get_aval(1.0) == jcore.ShapedArray((), np.float32, weak_type=True)
    assert jcore.max_dim(2, 3) == 3
    with pytest.raises(NotImplementedError, match="tokens"):
        jcore.Token
    with pytest.raises(NotImplementedError, match="XLA backend"):
        jaxlite.extend.mlir


def test_new_jaxpr_eqn_builds_an_evaluable_jaxpr():
    aval = jcore.ShapedArray((2,), np.float32)
    x, y = xcore.Var(aval), xcore.Var(aval)
    eqn = xcore.new_jaxpr_eqn([x, x], [y], primitives.add_p, {}, xcore.no_effects)
    jaxpr = xcore.Jaxpr([], [], [x], [eqn], [y])
    out, = jcore.eval_jaxpr(jaxpr, [], jnp.ones(2))
    assert np.array_equal(out, [2.0, 2.0])


def test_linear_util_transformations():
    def scale(f, factor, *args):
        return f(*[a * factor for a in args])

    def count(f, store, *args):
        store.store(len(args))
        return f(*args)
    fun = lu.transformation2(scale, lu.wrap_init(lambda a, b: a - b), 3)
    fun, n_args = lu.transformation_with_aux2(count, fun)
    assert fun.call_wrapped(2, 1) == 3 and n_args() == 2

    @lu.transformation
    def negate(*args):
        out = yield tuple(-a for a in args), {}
        yield -out
    assert negate(lu.wrap_init(lambda a: a * 2)).call_wrapped(5) == 10


def test_source_info_name_stack():
    with source_info_util.extend_name_stack("outer"):
        with source_info_util.extend_name_stack("inner"):
            assert str(source_info_util.current_name_stack()) == "outer/inner"
    assert str(source_info_util.current_name_stack()) == ""
    eqn = jaxlite.make_jaxpr(jnp.sin)(1.0).eqns[0]
    assert eqn.source_info.traceback is None or "test_jaxpr_public.py" in eqn.source_info.traceback


# An inverse-function interpreter in the style of JAX's "Writing custom Jaxpr
# interpreters" tutorial, run as a JAX program with `python -m jaxlite.run`: it uses
# `from jax import core` (older JAX; JAX 0.10 has these in jax.extend.core), Literal.val,
# jax._src.util.safe_map and the lax.*_p primitives as the tutorial does.
INVERSE_PROGRAM = """
    from functools import wraps
    import jax
    import jax.numpy as jnp
    from jax import core, lax
    from jax._src.util import safe_map
    from jax.extend import core as ext_core

    INVERSES = {lax.exp_p: jnp.log, lax.tanh_p: jnp.arctanh}

    def run_backwards(jaxpr, consts, *outputs):
        values = {}
        def get(v):
            return v.val if type(v) is core.Literal else values[v]
        def put(v, x):
            values[v] = x
        safe_map(put, jaxpr.outvars, outputs)
        safe_map(put, jaxpr.constvars, consts)
        for eqn in reversed(jaxpr.eqns):
            if eqn.primitive not in INVERSES:
                raise NotImplementedError(f"no inverse for {eqn.primitive}")
            safe_map(put, eqn.invars, [INVERSES[eqn.primitive](*safe_map(get, eqn.outvars))])
        return safe_map(get, jaxpr.invars)

    def inverse(fun):
        @wraps(fun)
        def inverted(*args):
            closed = jax.make_jaxpr(fun)(*args)
            return run_backwards(closed.jaxpr, closed.literals, *args)[0]
        return inverted

    def f(x):
        return jnp.exp(jnp.tanh(x))

    closed = jax.make_jaxpr(f)(jnp.ones(5))
    print(closed.jaxpr)
    print(closed.literals)
    assert ext_core.Literal is core.Literal
    assert jnp.allclose(inverse(f)(f(1.0)), 1.0)
    print(jax.make_jaxpr(inverse(f))(f(1.)))
    print(jax.jit(jax.vmap(jax.grad(inverse(f))))((jnp.arange(5) + 1.) / 5.))
"""


@pytest.mark.needs_subprocess
def test_inverse_interpreter_program_runs_as_in_jax(tmp_path):
    script = tmp_path / "inverse.py"
    script.write_text(textwrap.dedent(INVERSE_PROGRAM))
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, "-m", "jaxlite.run", str(script)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # JAX 0.10.2 prints (with jax.extend.core in place of jax.core):
    assert lines[0] == "{ lambda ; a:f32[5]. let b:f32[5] = tanh a; c:f32[5] = exp b in (c,) }"
    assert lines[1] == "[]"
    assert lines[2] == "{ lambda ; a:f32[]. let b:f32[] = log a; c:f32[] = atanh b in (c,) }"
    grads = np.array(lines[3].strip("[]").split(), dtype=np.float32)
    jax_grads = [-3.1440797, 15.584931, 2.2551253, 1.3155028, 1.0]
    np.testing.assert_allclose(grads, jax_grads, rtol=1e-6)  # float32 rounding of arctanh


def test_take_current_trace_yields_the_trace_and_runs_eagerly_inside():
    # haiku's to_dot trace (and JAX's own rules) take the current trace, so that code
    # run inside binds at the level below; afterwards the trace is current again.
    seen = []

    def f(x):
        with xcore.take_current_trace() as trace:
            seen.append(trace)
            inside = jcore.take_current_trace()
            with inside as eval_trace:
                seen.append(eval_trace)
            seen.append(jnp.ones(2) * 3.0)  # concrete: computed by the eval trace
        return x * 2.0

    out = jaxlite.jit(f)(1.0)
    assert float(out) == 2.0
    assert type(seen[0]).__name__ != type(seen[1]).__name__
    assert isinstance(seen[2], jaxlite.Array) and seen[2].tolist() == [3.0, 3.0]


def test_registered_array_like_types_convert_through_the_tables():
    # tensorflow-probability registers its variable type with the ndarray entries of
    # jax.interpreters.xla.canonicalize_dtype_handlers and jax.core.pytype_aval_mappings.
    from jaxlite.interpreters import xla

    class Offset:  # a proxy of an array whose registered handler decides its value
        def __init__(self, v):
            self.v, self.shape, self.dtype = v, v.shape, v.dtype

    xla.canonicalize_dtype_handlers[Offset] = lambda o: np.asarray(o.v, np.float64) + 1.0
    jcore.pytype_aval_mappings[Offset] = jcore.pytype_aval_mappings[np.ndarray]
    try:
        out = jnp.asarray(Offset(np.array([1.0, 2.0])))
        assert out.dtype == np.float32 and out.tolist() == [2.0, 3.0]
        aval = jcore.get_aval(Offset(np.zeros((2, 3), np.float64)))
        assert aval.shape == (2, 3) and aval.dtype == np.float32
    finally:
        del xla.canonicalize_dtype_handlers[Offset], jcore.pytype_aval_mappings[Offset]
    # names jaxlite has no counterpart for: NotImplementedError, and hasattr is False
    assert not hasattr(xla, "pytype_aval_mappings")
    with pytest.raises(NotImplementedError, match="no XLA backend"):
        xla.backend_specific_translations
    assert not hasattr(xcore, "call_impl")
