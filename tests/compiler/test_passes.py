"""The jit compiler's passes (inline, fold, simplify, CSE, DCE), one at a time on
hand-built or traced Jaxprs, and the code generator: buffer reuse through `out=` that never
touches arguments, constants, views or buffers handed to callbacks; `del` of dead large
arrays; jit == eager on programs that go through every pass."""
import warnings

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.compiler.codegen import compile_jaxpr
from jaxlite._src.compiler.cse import common_subexpression_elimination
from jaxlite._src.compiler.dce import dead_code_elimination, has_effects
from jaxlite._src.compiler.fold import fold_constants
from jaxlite._src.compiler.inline import inline_calls
from jaxlite._src.compiler.passes import optimize
from jaxlite._src.compiler.simplify import simplify
from jaxlite._src.core import ShapedArray
from jaxlite._src.jaxpr import Eqn, Jaxpr, Literal, Var, eval_jaxpr
from jaxlite._src.prims import elementwise as ew
from jaxlite._src.prims import transcendental as tr
from jaxlite._src.prims.shape import broadcast_in_dim_p, reshape_p, transpose_p

F32 = np.float32
VEC = ShapedArray((3,), F32)
SCALAR = ShapedArray((), F32)


# --- helpers ---------------------------------------------------------------------------

def traced(f, *args):
    return jax.make_jaxpr(f)(*args).jaxpr


def names(jaxpr):
    return [e.primitive.name for e in jaxpr.eqns]


def run(jaxpr, *args):
    """Evaluate a Jaxpr eagerly (bind under the eval trace) to NumPy arrays."""
    return [np.asarray(v) for v in eval_jaxpr(jaxpr, jaxpr.consts, *args)]


def lit(value, dtype=F32, weak=True):
    return Literal(np.asarray(value, dtype), ShapedArray((), dtype, weak))


def eqn(prim, inputs, aval=VEC, **params):
    out = Var(aval)
    return Eqn(prim, list(inputs), params, [out]), out


def source(f, *args):
    return jax.jit(f).lower(*args).compile().as_python()


def optimized(f, *args):
    return compile_jaxpr(jax.jit(f).lower(*args).jaxpr().jaxpr).jaxpr


X = np.array([0.5, -1.25, 2.0], F32)


# --- dead-code elimination -------------------------------------------------------------

def test_dce_drops_unused_equations_and_constants():
    x = Var(VEC)
    e_sin, s = eqn(tr.sin_p, [x])
    e_cos, c = eqn(tr.cos_p, [x])  # unused
    const = Var(VEC)
    e_mul, m = eqn(ew.mul_p, [const, x])  # unused, and the only reader of const
    jaxpr = Jaxpr([const], [np.ones(3, F32)], [x], [e_sin, e_cos, e_mul], [s])
    out = dead_code_elimination(jaxpr)
    assert names(out) == ["sin"]
    assert out.constvars == [] and out.consts == []
    np.testing.assert_array_equal(run(out, X)[0], np.sin(X))


def test_dce_keeps_everything_live():
    jaxpr = traced(lambda x: jnp.sin(x) * jnp.cos(x), X)
    assert dead_code_elimination(jaxpr) is jaxpr


def test_dce_keeps_debug_callbacks():
    def f(x):
        jax.debug.callback(lambda v: None, x)
        unused = jnp.cos(x)  # noqa: F841
        return x * 2.0
    out = dead_code_elimination(traced(f, X))
    assert names(out) == ["debug_callback", "mul"]


def test_dce_keeps_scan_and_cond_with_callbacks_in_their_bodies():
    def f(x):
        def body(carry, y):
            jax.debug.callback(lambda v: None, y)
            return carry + y, y
        lax.scan(body, 0.0, x)  # results unused
        lax.cond(x[0] > 0, lambda v: (jax.debug.callback(lambda w: None, v), v)[1],
                 lambda v: v, x[1])  # result unused
        lax.scan(lambda c, y: (c * y, y), 1.0, x)  # no effects, unused: dropped
        return x + 1.0
    jaxpr = traced(f, X)
    assert names(jaxpr).count("scan") == 2
    out = dead_code_elimination(jaxpr)
    assert names(out).count("scan") == 1 and "cond" in names(out)
    scan = next(e for e in out.eqns if e.primitive.name == "scan")
    cond = next(e for e in out.eqns if e.primitive.name == "cond")
    assert has_effects(scan) and has_effects(cond)
    assert not any(has_effects(e) for e in jaxpr.eqns if e.primitive.name == "gt")


def test_dce_drops_a_scans_unread_ys_and_dead_carries():
    # A fori_loop's counter nobody reads and ys nobody reads: the pruned scan neither
    # carries nor stacks them; a carry a live output reads stays (its initial value too).
    def f(x):
        (i, total, trace), ys = lax.scan(
            lambda c, y: ((c[0] + 1, c[1] + y * c[2], c[2] * 0.5), (c[1] * y, y + 1.0)),
            (0, 0.0, 1.0), x)
        return total
    jaxpr = traced(f, X)
    out = dead_code_elimination(jaxpr)
    (scan,) = [e for e in out.eqns if e.primitive.name == "scan"]
    assert len(scan.outputs) == 2 and scan.params["num_carry"] == 2  # total, and c[2] it reads
    assert len(scan.params["jaxpr"].outvars) == 2
    # gone: the counter's add, and the ys' work (a convert, a mul, an add)
    (before,) = [e for e in jaxpr.eqns if e.primitive.name == "scan"]
    assert len(before.params["jaxpr"].eqns) - len(scan.params["jaxpr"].eqns) == 4
    assert all(v.aval.dtype == F32 for v in scan.params["jaxpr"].invars[:2])
    np.testing.assert_array_equal(run(out, X)[0], run(jaxpr, X)[0])
    np.testing.assert_array_equal(np.asarray(jax.jit(f)(X)), np.asarray(f(X)))
    expected = sum(float(v) * 0.5 ** k for k, v in enumerate(X))
    np.testing.assert_allclose(np.asarray(jax.jit(f)(X)), expected, rtol=1e-6)


def test_dce_keeps_a_scan_whose_outputs_are_all_read():
    jaxpr = traced(lambda x: lax.scan(lambda c, y: (c + y, c * y), 0.0, x), X)
    assert dead_code_elimination(jaxpr) is jaxpr


def test_jit_runs_callbacks_whose_results_are_unused():
    seen = []

    def f(x):
        def body(carry, y):
            jax.debug.callback(lambda v: seen.append(float(v)), y)
            return carry, y
        lax.scan(body, 0.0, x)
        return x * 2.0
    np.testing.assert_array_equal(jax.jit(f)(X), X * 2)
    assert seen == [float(v) for v in X]


# --- common-subexpression elimination --------------------------------------------------

def test_cse_merges_duplicates_and_what_depends_on_them():
    x = Var(VEC)
    e1, a = eqn(tr.sin_p, [x])
    e2, b = eqn(tr.sin_p, [x])
    e3, ca = eqn(tr.cos_p, [a])
    e4, cb = eqn(tr.cos_p, [b])  # same as e3 once b is renamed to a
    e5, out = eqn(ew.add_p, [ca, cb])
    jaxpr = Jaxpr([], [], [x], [e1, e2, e3, e4, e5], [out, b])
    merged = common_subexpression_elimination(jaxpr)
    assert names(merged) == ["sin", "cos", "add"]
    assert merged.outvars[1] is a  # an output that was a duplicate is renamed too
    expected = 2 * np.cos(np.sin(X))
    np.testing.assert_array_equal(run(merged, X)[0], expected)
    np.testing.assert_array_equal(run(merged, X)[1], np.sin(X))


def test_cse_keys_on_params_and_literal_values():
    x = Var(VEC)
    e1, a = eqn(ew.integer_pow_p, [x], y=2)
    e2, b = eqn(ew.integer_pow_p, [x], y=3)  # different params: kept
    e3, c = eqn(ew.mul_p, [x, lit(2.0)])
    e4, d = eqn(ew.mul_p, [x, lit(2.0)])  # same literal value: merged
    e5, e = eqn(ew.mul_p, [x, lit(3.0)])  # different literal: kept
    jaxpr = Jaxpr([], [], [x], [e1, e2, e3, e4, e5], [a, b, c, d, e])
    merged = common_subexpression_elimination(jaxpr)
    assert names(merged) == ["integer_pow", "integer_pow", "mul", "mul"]
    assert merged.outvars[2] is merged.outvars[3]
    for got, want in zip(run(merged, X), [X ** 2, X ** 3, X * 2, X * 2, X * 3]):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_cse_never_merges_effects():
    def f(x):
        jax.debug.print("x = {}", x)
        jax.debug.print("x = {}", x)
        return x
    jaxpr = traced(f, X)
    assert names(common_subexpression_elimination(jaxpr)).count("debug_callback") == 2


def test_jit_prints_duplicate_callbacks_twice():
    seen = []

    def f(x):
        jax.debug.callback(lambda v: seen.append(1), x)
        jax.debug.callback(lambda v: seen.append(1), x)
        return jnp.sin(x) + jnp.sin(x)
    jax.jit(f)(X)
    assert len(seen) == 2
    assert source(f, X).count("np.sin(") == 1


# --- constant folding ------------------------------------------------------------------

def test_fold_evaluates_constant_subexpressions():
    c = np.array([0.1, 0.2, 0.3], F32)
    jaxpr = traced(lambda x: x + jnp.sin(c) * 2.0, X)
    assert names(jaxpr) == ["sin", "mul", "add"]
    folded = fold_constants(jaxpr)
    assert names(folded) == ["add"]
    folded = dead_code_elimination(folded)
    assert len(folded.consts) == 1
    np.testing.assert_array_equal(folded.consts[0], np.sin(c) * F32(2))
    np.testing.assert_array_equal(run(folded, X)[0], X + np.sin(c) * F32(2))


def test_fold_turns_scalar_results_into_literals():
    c = np.array(0.5, F32)
    folded = fold_constants(traced(lambda x: x * jnp.exp(c), X))
    assert names(folded) == ["mul"]
    literal = folded.eqns[0].inputs[1]
    assert type(literal) is Literal and literal.aval.shape == ()
    assert np.asarray(literal.value) == np.exp(c)


def test_fold_keeps_broadcasts_of_scalars_symbolic():
    x = Var(VEC)
    e1, b = eqn(broadcast_in_dim_p, [lit(2.0, weak=False)], shape=(3,), broadcast_dimensions=())
    e2, m = eqn(ew.mul_p, [x, b])
    folded = fold_constants(Jaxpr([], [], [x], [e1, e2], [m]))
    assert names(folded) == ["broadcast_in_dim", "mul"]
    assert folded.consts == []


def test_fold_keeps_a_constant_of_one_value_as_a_broadcast_of_it():
    # jacrev of a scalar function starts from eye(1): its broadcast is all ones, and the
    # products with it vanish (x * 1 -> x) instead of costing a pass each.
    ones = np.ones(1, F32)
    twos = np.full(1, 2.0, F32)
    f = lambda x: x * jnp.broadcast_to(ones, (3,)) + x * jnp.broadcast_to(twos, (3,))  # noqa: E731
    folded = fold_constants(traced(f, X))
    assert names(folded) == ["broadcast_in_dim", "mul", "broadcast_in_dim", "mul", "add"]
    assert names(optimized(f, X)) == ["mul", "add"]  # x * 2 + x: the ones are gone
    np.testing.assert_array_equal(np.asarray(jax.jit(f)(X)), X + X * F32(2))
    # Read by a contraction, it stays a constant (a broadcast would run at every call).
    g = lambda x: jnp.broadcast_to(twos, (3, 3)) @ x  # noqa: E731
    assert names(fold_constants(traced(g, X))) == ["dot_general"]
    np.testing.assert_array_equal(np.asarray(jax.jit(g)(X)), np.full(3, 2 * X.sum(), F32))


def test_fold_lays_transposed_constants_out_in_c_order():
    # W.T of a closed-over W folds into a C-ordered copy, so that the loops reading it
    # (NumPy's ufuncs, the fused tier's kernels) walk memory in order.
    w = np.arange(6, dtype=F32).reshape(2, 3)
    f = lambda x: w.T * x[:2] + 1.0  # noqa: E731
    jaxpr = dead_code_elimination(fold_constants(traced(f, X)))
    assert len(jaxpr.consts) == 1
    const = np.asarray(jaxpr.consts[0])
    assert const.flags.c_contiguous
    np.testing.assert_array_equal(const, w.T)
    np.testing.assert_array_equal(np.asarray(jax.jit(f)(X)), w.T * X[:2] + F32(1))


def test_fold_forwards_stop_gradient_and_leaves_effects_and_arguments():
    c = np.array([1.0, 2.0, 3.0], F32)

    def f(x):
        jax.debug.callback(lambda v: None, c)  # constant input, but effectful
        return lax.stop_gradient(x) * 2.0
    folded = fold_constants(traced(f, X))
    assert names(folded) == ["debug_callback", "mul"]
    assert folded.eqns[1].inputs[0] is folded.invars[0]


# --- algebraic simplification ----------------------------------------------------------

@pytest.mark.parametrize("build", [
    lambda x: eqn(ew.integer_pow_p, [x], y=1),
    lambda x: eqn(ew.mul_p, [x, lit(1.0)]),
    lambda x: eqn(ew.mul_p, [lit(1.0), x]),
    lambda x: eqn(ew.add_p, [x, lit(0.0)]),
    lambda x: eqn(ew.add_p, [lit(0.0), x]),
    lambda x: eqn(ew.sub_p, [x, lit(0.0)]),
], ids=["x**1", "x*1", "1*x", "x+0", "0+x", "x-0"])
def test_simplify_removes_identities(build):
    x = Var(VEC)
    e, out = build(x)
    simplified = simplify(Jaxpr([], [], [x], [e], [out]))
    assert simplified.eqns == [] and simplified.outvars == [x]


def test_simplify_keeps_zero_minus_x():
    x = Var(VEC)
    e, out = eqn(ew.sub_p, [lit(0.0), x])
    simplified = simplify(Jaxpr([], [], [x], [e], [out]))
    assert names(simplified) == ["sub"]
    np.testing.assert_array_equal(run(simplified, X)[0], -X)


@pytest.mark.parametrize("add", [ew.add_p, ew.add_any_p])
@pytest.mark.parametrize("negated_first", [False, True])
def test_simplify_writes_a_plus_negated_x_as_a_difference(add, negated_first):
    # What the transpose of a difference leaves (neg, then add_any): one NumPy call, and
    # the same IEEE result (signed zeros, infinities, nan included).
    a, x = Var(VEC), Var(VEC)
    e1, n = eqn(ew.neg_p, [x])
    e2, out = eqn(add, [n, a] if negated_first else [a, n])
    jaxpr = Jaxpr([], [], [a, x], [e1, e2], [out])
    rewritten = dead_code_elimination(simplify(jaxpr))
    assert names(rewritten) == ["sub"]
    values = (np.array([0.0, -0.0, np.inf], F32), np.array([-0.0, 0.0, np.inf], F32))
    np.testing.assert_array_equal(run(rewritten, *values)[0], run(jaxpr, *values)[0])
    np.testing.assert_array_equal(np.signbit(run(rewritten, *values)[0]),
                                  np.signbit(run(jaxpr, *values)[0]))
    np.testing.assert_array_equal(run(rewritten, X, X[::-1])[0], X - X[::-1])


def test_simplify_keeps_identities_that_change_shape_or_weak_type():
    s = Var(SCALAR)
    e1, b = eqn(broadcast_in_dim_p, [lit(1.0, weak=False)], shape=(3,), broadcast_dimensions=())
    e2, m = eqn(ew.mul_p, [s, b])  # f32[] * ones(3): the result has shape (3,)
    kept = simplify(Jaxpr([], [], [s], [e1, e2], [m]))
    assert names(kept) == ["broadcast_in_dim", "mul"]
    np.testing.assert_array_equal(run(kept, np.float32(2.5))[0], np.full(3, 2.5, F32))
    weak = Var(ShapedArray((3,), F32, weak_type=True))
    out = Var(VEC)  # weak * strong 1.0 is strong: dropping the multiply would change it
    e3 = Eqn(ew.mul_p, [weak, lit(1.0, weak=False)], {}, [out])
    assert names(simplify(Jaxpr([], [], [weak], [e3], [out]))) == ["mul"]


def test_simplify_replaces_broadcast_scalars_by_the_scalar():
    x = Var(VEC)
    e1, b = eqn(broadcast_in_dim_p, [lit(2.0, weak=False)], shape=(3,), broadcast_dimensions=())
    e2, m = eqn(ew.mul_p, [x, b])
    out = dead_code_elimination(simplify(Jaxpr([], [], [x], [e1, e2], [m])))
    assert names(out) == ["mul"]
    assert [type(v) for v in out.eqns[0].inputs].count(Literal) == 1
    np.testing.assert_array_equal(run(out, X)[0], X * 2)


def _scaling_chain(c_inner, c_outer, negate=False):
    x = Var(VEC)
    e1, a = eqn(ew.mul_p, [lit(c_inner), x])
    e2, b = eqn(ew.mul_p, [lit(c_outer), a])
    eqns = [e1, e2]
    if negate:
        e3, b = eqn(ew.neg_p, [b])
        eqns.append(e3)
    return Jaxpr([], [], [x], eqns, [b])


@pytest.mark.parametrize("c_inner, c_outer, negate, factor", [
    (3.0, 2.0, False, 6.0), (0.5, -4.0, False, -2.0), (2.0, 0.25, True, -0.5)])
def test_simplify_folds_exact_scalar_scaling_chains(c_inner, c_outer, negate, factor):
    jaxpr = _scaling_chain(c_inner, c_outer, negate)
    out = dead_code_elimination(simplify(jaxpr))
    assert names(out) == ["mul"]
    assert np.asarray(out.eqns[0].inputs[0].value) == factor
    x = np.concatenate([[1e-30, 3.7, -1e30],
                        np.random.default_rng(2).standard_normal(1000)]).astype(F32)
    np.testing.assert_array_equal(run(out, x)[0], run(jaxpr, x)[0])


@pytest.mark.parametrize("c_inner, c_outer, negate", [
    (2.0, 0.5, False), (2.0, -0.5, True), (-0.5, 2.0, True)])
def test_simplify_drops_scaling_chains_that_cancel(c_inner, c_outer, negate):
    # -0.5 * (2 * d) negated: what the gradient of -0.5 * d**2 leaves
    jaxpr = _scaling_chain(c_inner, c_outer, negate)
    out = dead_code_elimination(simplify(jaxpr))
    assert names(out) == [] and out.outvars == out.invars
    x = np.array([0.0, -0.0, 1.5, -3.25, np.inf, np.nan], F32)
    np.testing.assert_array_equal(run(jaxpr, x)[0], x)


def test_simplify_drops_conversions_to_the_own_dtype():
    weak = Var(ShapedArray((3,), F32, weak_type=True))
    e1, same = eqn(ew.convert_element_type_p, [weak], new_dtype=F32, weak_type=False)
    e2, wider = eqn(ew.convert_element_type_p, [weak], ShapedArray((3,), np.float64),
                    new_dtype=np.float64, weak_type=False)
    out = simplify(Jaxpr([], [], [weak], [e1, e2], [same, wider]))
    assert names(out) == ["convert_element_type"]  # only float32 -> float64 is work
    assert out.outvars[0] is weak


def test_td_gradient_has_no_scaling_or_conversion_left():
    # vmap(grad) of a TD(0) loss -0.5 * (stop_gradient(r + v(s_t)) - v(s_tm1))**2, with
    # r a weak scalar: two dots, the difference and the outer product; same bits as eager.
    def loss(theta, s_tm1, r, s_t):
        return -0.5 * ((lax.stop_gradient(r + theta @ s_t) - theta @ s_tm1) ** 2)
    theta = np.array([0.1, -0.1, 0.0], F32)
    s = np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 3.0]], F32)
    r = jnp.stack([jnp.array(1.0), jnp.array(-2.0)])
    f = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0, 0))
    assert sorted(names(optimized(f, theta, s, r, s[::-1]))) == [
        "add", "dot_general", "dot_general", "dot_general", "sub"]
    np.testing.assert_array_equal(np.asarray(jax.jit(f)(theta, s, r, s[::-1])),
                                  np.asarray(f(theta, s, r, s[::-1])))


@pytest.mark.parametrize("c_inner, c_outer", [
    (0.1, 0.3),  # 0.1 * 0.3 is not exact in float32
    (3.0, 3.0),  # 9 is exact, but 3 * (3 * x) rounds twice and 9 * x once
    (2.0 ** 30, 2.0 ** -30),  # the intermediate may overflow where the product does not
])
def test_simplify_keeps_inexact_or_extreme_scaling_chains(c_inner, c_outer):
    jaxpr = _scaling_chain(c_inner, c_outer)
    out = dead_code_elimination(simplify(jaxpr))
    assert names(out) == ["mul", "mul"]
    x = np.random.default_rng(1).standard_normal(1000).astype(F32)
    np.testing.assert_array_equal(run(out, x)[0], run(jaxpr, x)[0])


A234 = np.arange(24, dtype=F32).reshape(2, 3, 4) - 7.5


def _shape_chain(*steps, aval=ShapedArray((2, 3, 4), F32)):
    """A Jaxpr applying shape primitives one after another: steps are (primitive, params)."""
    x = Var(aval)
    eqns, v = [], x
    for prim, params in steps:
        out_aval = prim.abstract_eval(v.aval, **params)
        e, v = eqn(prim, [v], out_aval, **params)
        eqns.append(e)
    return Jaxpr([], [], [x], eqns, [v])


def test_simplify_composes_transposes_and_drops_identity_permutations():
    chain = _shape_chain((transpose_p, dict(permutation=(2, 0, 1))),
                         (transpose_p, dict(permutation=(0, 2, 1))))
    out = dead_code_elimination(simplify(chain))
    assert names(out) == ["transpose"]
    assert out.eqns[0].inputs == chain.invars
    np.testing.assert_array_equal(run(out, A234)[0], A234.transpose(2, 0, 1).transpose(0, 2, 1))
    np.testing.assert_array_equal(run(out, A234)[0], run(chain, A234)[0])
    # A permutation and its inverse compose to nothing; so does the identity permutation.
    inverse = _shape_chain((transpose_p, dict(permutation=(2, 0, 1))),
                           (transpose_p, dict(permutation=(1, 2, 0))))
    out = dead_code_elimination(simplify(inverse))
    assert out.eqns == [] and out.outvars == inverse.invars
    identity = _shape_chain((transpose_p, dict(permutation=(0, 1, 2))))
    assert simplify(identity).outvars == identity.invars


def test_simplify_drops_reshapes_that_do_nothing_and_merges_reshape_chains():
    chain = _shape_chain((reshape_p, dict(new_sizes=(6, 4), dimensions=None)),
                         (reshape_p, dict(new_sizes=(4, 6), dimensions=None)),
                         (reshape_p, dict(new_sizes=(24,), dimensions=None)))
    out = dead_code_elimination(simplify(chain))
    assert names(out) == ["reshape"]
    assert out.eqns[0].inputs == chain.invars
    np.testing.assert_array_equal(run(out, A234)[0], A234.reshape(24))
    back = _shape_chain((reshape_p, dict(new_sizes=(6, 4), dimensions=None)),
                        (reshape_p, dict(new_sizes=(2, 3, 4), dimensions=None)))
    out = dead_code_elimination(simplify(back))
    assert out.eqns == [] and out.outvars == back.invars
    same = _shape_chain((reshape_p, dict(new_sizes=(2, 3, 4), dimensions=None)))
    assert simplify(same).outvars == same.invars


def test_simplify_drops_broadcasts_that_do_nothing_and_composes_broadcasts():
    same = _shape_chain((broadcast_in_dim_p, dict(shape=(2, 3, 4),
                                                  broadcast_dimensions=(0, 1, 2))))
    assert simplify(same).outvars == same.invars
    v = np.array([1.0, -2.0, 3.5], F32)
    chain = _shape_chain((broadcast_in_dim_p, dict(shape=(3, 5), broadcast_dimensions=(0,))),
                         (broadcast_in_dim_p, dict(shape=(2, 3, 5), broadcast_dimensions=(1, 2))),
                         aval=VEC)
    out = dead_code_elimination(simplify(chain))
    assert names(out) == ["broadcast_in_dim"]
    assert out.eqns[0].inputs == chain.invars
    assert out.eqns[0].params["broadcast_dimensions"] == (1,)
    np.testing.assert_array_equal(run(out, v)[0], run(chain, v)[0])
    np.testing.assert_array_equal(run(out, v)[0], np.broadcast_to(v[None, :, None], (2, 3, 5)))


def test_simplify_feeds_elementwise_operations_what_their_broadcasts_broadcast():
    m = Var(ShapedArray((2, 3), F32))
    row = Var(VEC)
    col = Var(ShapedArray((2,), F32))
    e1, b_row = eqn(broadcast_in_dim_p, [row], ShapedArray((2, 3), F32), shape=(2, 3),
                    broadcast_dimensions=(1,))  # trailing axes: NumPy broadcasts it alike
    e2, b_col = eqn(broadcast_in_dim_p, [col], ShapedArray((2, 3), F32), shape=(2, 3),
                    broadcast_dimensions=(0,))  # leading axis: as a (2, 1) column it does
    e3, s = eqn(ew.add_p, [m, b_row], ShapedArray((2, 3), F32))
    e4, t = eqn(ew.mul_p, [s, b_col], ShapedArray((2, 3), F32))
    e5, u = eqn(ew.sub_p, [b_row, b_row], ShapedArray((2, 3), F32))  # nothing else is (2, 3)
    jaxpr = Jaxpr([], [], [m, row, col], [e1, e2, e3, e4, e5], [t, u])
    out = dead_code_elimination(simplify(jaxpr))
    assert names(out) == ["broadcast_in_dim", "add", "reshape", "mul", "sub"]
    add = out.eqns[names(out).index("add")]
    assert add.inputs == [m, row]
    reshape = out.eqns[names(out).index("reshape")]
    assert reshape.inputs == [col] and reshape.params["new_sizes"] == (2, 1)
    mul = out.eqns[names(out).index("mul")]
    assert mul.inputs[1] is reshape.outputs[0]
    sub = out.eqns[names(out).index("sub")]
    assert sub.inputs[0] is row and sub.inputs[1] is b_row  # one of the two is enough
    args = (np.arange(6, dtype=F32).reshape(2, 3), np.array([1.0, -2.0, 0.5], F32),
            np.array([3.0, -1.0], F32))
    for got, want in zip(run(out, *args), run(jaxpr, *args)):
        np.testing.assert_array_equal(got, want)
        assert got.shape == (2, 3)


def test_simplify_keeps_broadcasts_that_transpose_or_that_give_the_shape():
    col = Var(ShapedArray((2, 3), F32))
    e1, b_t = eqn(broadcast_in_dim_p, [col], ShapedArray((3, 4, 2), F32), shape=(3, 4, 2),
                  broadcast_dimensions=(2, 0))  # the axes change order: not a reshape
    other = Var(ShapedArray((3, 4, 2), F32))
    e2, t = eqn(ew.add_p, [other, b_t], ShapedArray((3, 4, 2), F32))
    jaxpr = Jaxpr([], [], [col, other], [e1, e2], [t])
    assert names(dead_code_elimination(simplify(jaxpr))) == ["broadcast_in_dim", "add"]


def test_simplify_turns_a_broadcast_of_a_squeezed_column_back_into_the_column():
    """log_softmax's gradient: reshape (5, 1) -> (5,), broadcast along axis 0 to (5, 4)
    for a multiply: the multiply can take the (5, 1) column itself."""
    def f(x, w):
        return jnp.broadcast_to(w.reshape(5)[:, None], (5, 4)) * x
    x = np.arange(20, dtype=F32).reshape(5, 4)
    w = np.linspace(-1, 1, 5, dtype=F32).reshape(5, 1)
    jaxpr = traced(lambda x, w: lax.broadcast_in_dim(w.reshape(5), (5, 4), (0,)) * x, x, w)
    out = dead_code_elimination(simplify(jaxpr))
    assert names(out) == ["mul"] and out.eqns[0].inputs[0] is jaxpr.invars[1]
    np.testing.assert_array_equal(run(out, x, w)[0], x * w)
    np.testing.assert_array_equal(np.asarray(jax.jit(f)(x, w)), x * w)
    assert "broadcast_to" not in source(f, x, w)


def test_simplify_drops_max_with_minus_infinity_and_min_with_infinity():
    jaxpr = traced(lambda x: (jnp.maximum(x, -jnp.inf), jnp.minimum(jnp.inf, x),
                              jnp.maximum(x, 0.0)), SPECIAL)
    out = dead_code_elimination(simplify(jaxpr))
    assert names(out) == ["max"]
    for got, want in zip(run(out, SPECIAL), run(jaxpr, SPECIAL)):
        np.testing.assert_array_equal(got, want)


def test_simplify_reduces_jax_nn_relu_forward_to_its_max():
    """jax.nn.relu is select_n(x > 0, max(x, 0), x) (a where that fixes its derivative);
    where x > 0 the max is x, so the select always gives the max."""
    jaxpr = inline_calls(traced(jax.nn.relu, SPECIAL))  # jnp.where stages an inner jit
    assert "select_n" in names(jaxpr)
    out = dead_code_elimination(simplify(fold_constants(jaxpr)))  # fold: stop_gradient
    assert names(out) == ["max"]
    np.testing.assert_array_equal(run(out, SPECIAL)[0], run(jaxpr, SPECIAL)[0])
    np.testing.assert_array_equal(np.asarray(jax.jit(jax.nn.relu)(SPECIAL)),
                                  np.asarray(jax.nn.relu(SPECIAL)))
    g = jax.grad(lambda x: jnp.sum(jax.nn.relu(x) * x))  # the derivative keeps its select
    np.testing.assert_array_equal(np.asarray(jax.jit(g)(SPECIAL)), np.asarray(g(SPECIAL)))
    # A select between the max and something else stays.
    other = inline_calls(traced(lambda x: jnp.where(x > 0.0, x * 2.0, jnp.maximum(x, 0.0)),
                                SPECIAL))
    assert "select_n" in names(dead_code_elimination(simplify(fold_constants(other))))


SPECIAL = np.array([0.0, -0.0, 1.5, -1.5, np.nan, np.inf, -np.inf, 1e-45, -1e-45, 2.0], F32)
OTHER = np.array([0.0, 0.0, 1.5, 2.0, 1.0, np.inf, 0.0, 0.0, np.nan, -np.inf], F32)


@pytest.mark.parametrize("f", [
    lambda x, y: jnp.maximum(x, 0.0), lambda x, y: jnp.maximum(0.0, x),
    lambda x, y: jnp.minimum(x, 0.0), lambda x, y: jnp.maximum(x, y),
    lambda x, y: jnp.minimum(y, x), lambda x, y: jnp.maximum(x, x)],
    ids=["max(x,0)", "max(0,x)", "min(x,0)", "max(x,y)", "min(y,x)", "max(x,x)"])
@pytest.mark.parametrize("dtype", [F32, np.float64, np.float16])
def test_simplify_turns_the_jvp_weights_of_max_and_min_into_one_equation(f, dtype, request):
    """JAX's rule for max/min writes each operand's weight as two comparisons and two
    selects; simplify makes it one extremum_weight: same bits at ties, signed zeros,
    infinities, NaN in either operand, subnormals."""
    if dtype == np.float64:
        request.getfixturevalue("x64")
    x, y = SPECIAL.astype(dtype), OTHER.astype(dtype)
    jvp = lambda x, y, tx, ty: jax.jvp(f, (x, y), (tx, ty))[1]  # noqa: E731
    tx, ty = np.linspace(-2, 3, 10).astype(dtype), np.linspace(5, -1, 10).astype(dtype)
    jaxpr = traced(jvp, x, y, tx, ty)
    out = dead_code_elimination(simplify(jaxpr))
    assert "select_n" in names(jaxpr) and "select_n" not in names(out)
    assert "eq" not in names(out)
    assert names(out).count("extremum_weight") == names(jaxpr).count("select_n") // 2 >= 1
    for got, want in zip(run(out, x, y, tx, ty), run(jaxpr, x, y, tx, ty)):
        assert got.dtype == want.dtype == dtype
        np.testing.assert_array_equal(got, want)
    got = np.asarray(jax.jit(jvp)(x, y, tx, ty))  # the lowering: the same bits again
    np.testing.assert_array_equal(got, run(jaxpr, x, y, tx, ty)[0])
    assert "np.where" not in source(jvp, x, y, tx, ty)


def test_extremum_weight_needs_the_whole_pattern():
    """A select between 0 and a tie value that is not max's rule stays as written."""
    def f(x):
        z = jnp.maximum(x, 0.0)
        return jnp.where(x == z, jnp.where(z == 1.0, 0.5, 1.0), 0.0)  # compares z with 1
    jaxpr = traced(f, SPECIAL)
    out = simplify(jaxpr)
    assert "extremum_weight" not in names(out)
    np.testing.assert_array_equal(run(out, SPECIAL)[0], run(jaxpr, SPECIAL)[0])


def test_relu_network_meta_gradient_keeps_its_values():
    rng = np.random.default_rng(3)
    params = [(rng.standard_normal((1, 16)).astype(F32), rng.standard_normal(16).astype(F32)),
              (rng.standard_normal((16, 1)).astype(F32), rng.standard_normal(1).astype(F32))]
    x = np.concatenate([rng.uniform(-2, 2, (9, 1)), np.zeros((1, 1))]).astype(F32)

    def loss(params):
        (w1, b1), (w2, b2) = params
        h = jnp.maximum(x @ w1 + b1, 0.0)
        return jnp.mean((h @ w2 + b2 - 1.0) ** 2)
    meta = jax.grad(lambda p: loss(jax.tree_util.tree_map(lambda a, g: a - 0.1 * g, p,
                                                          jax.grad(loss)(p))))
    assert names(optimized(meta, params)).count("extremum_weight") == 2  # one per forward
    jaxpr = traced(meta, params)
    flat = jax.tree_util.tree_leaves(params)
    for got, want in zip(run(simplify(jaxpr), *flat), run(jaxpr, *flat)):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(jax.tree_util.tree_leaves(jax.jit(meta)(params)),
                         jax.tree_util.tree_leaves(meta(params))):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-7)


def test_jitted_gradients_lose_their_broadcasts_and_keep_their_values():
    """grad of a bias add transposes to a sum; grad through the bias broadcasts the cotangent
    back: after simplification no broadcast is left for NumPy to materialize."""
    w = _RNG_SHAPES.standard_normal((4, 3)).astype(F32)
    b = _RNG_SHAPES.standard_normal(3).astype(F32)
    x = _RNG_SHAPES.standard_normal((5, 4)).astype(F32)

    def f(w, b):
        def loss(w, b):
            return jnp.sum(jnp.tanh(x @ w + b) ** 2)
        gw, gb = jax.grad(loss, argnums=(0, 1))(w, b)
        return loss(w - 0.1 * gw, b - 0.1 * gb)
    g = jax.grad(f, argnums=(0, 1))
    assert "broadcast_in_dim" in str(jax.make_jaxpr(g)(w, b))
    assert "broadcast_in_dim" not in names(optimized(g, w, b))
    for got, want in zip(jax.jit(g)(w, b), g(w, b)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


_RNG_SHAPES = np.random.default_rng(7)


# --- inlining --------------------------------------------------------------------------

def test_inline_nested_jit_calls():
    c = np.array([1.0, 2.0, 3.0], F32)
    inner = jax.jit(lambda y: jnp.sin(y) * c)  # closes over a constant
    middle = jax.jit(lambda y: inner(y) + inner(y * 2.0))
    identity = jax.jit(lambda y: y)
    f = lambda x: middle(x) + identity(x)  # noqa: E731
    jaxpr = traced(f, X)
    assert "jit" in names(jaxpr)
    flat = inline_calls(jaxpr)
    assert "jit" not in names(flat)
    assert names(flat).count("sin") == 2
    assert len(flat.consts) == 2  # the inner constant, once per inlined call
    outputs = [v for e in flat.eqns for v in e.outputs]
    assert len(outputs) == len(set(outputs))  # every inlined call got fresh variables
    expected = np.sin(X) * c + np.sin(X * 2) * c + X
    np.testing.assert_allclose(run(flat, X)[0], expected, rtol=1e-6)
    np.testing.assert_allclose(jax.jit(f)(X), expected, rtol=1e-6)
    assert "jit" not in jax.jit(f).lower(X).as_text()


def test_inline_without_calls_is_the_identity():
    jaxpr = traced(lambda x: x * 2.0, X)
    assert inline_calls(jaxpr) is jaxpr


# --- code generation -------------------------------------------------------------------

BIG = np.linspace(-3, 3, 8192, dtype=F32)


def test_codegen_reuses_dying_buffers_and_deletes_dead_arrays():
    text = source(lambda x: jnp.sin(x) * 2.0 + jnp.cos(x), BIG)
    assert "out=" in text
    assert "del " in text
    np.testing.assert_allclose(jax.jit(lambda x: jnp.sin(x) * 2.0 + jnp.cos(x))(BIG),
                               np.sin(BIG) * 2 + np.cos(BIG), rtol=1e-6)


def test_codegen_deletes_only_large_arrays():
    small = np.ones(16, F32)
    assert "del " not in source(lambda x: jnp.sin(x) * 2.0 + jnp.cos(x), small)


def _check_inputs_untouched(f, *args, consts=()):
    """jit(f) agrees with f and leaves its arguments and the given constants unchanged,
    on two calls (a second call would see an overwritten constant)."""
    before = [np.array(a, copy=True) for a in args]
    consts_before = [np.array(c, copy=True) for c in consts]
    expected = jax.tree_util.tree_map(np.asarray, f(*args))
    jitted = jax.jit(f)
    for _ in range(2):
        got = jitted(*args)
        jax.tree_util.tree_map(
            lambda g, e: np.testing.assert_allclose(np.asarray(g), e, rtol=1e-6, atol=1e-6),
            got, expected)
        for a, b in zip(args, before):
            np.testing.assert_array_equal(np.asarray(a), b)
        for c, b in zip(consts, consts_before):
            np.testing.assert_array_equal(c, b)


def test_codegen_never_overwrites_arguments():
    x, y = BIG.copy(), BIG[::-1].copy()
    _check_inputs_untouched(lambda a, b: (a * 2.0 + b) * a, x, y)
    text = source(lambda a, b: (a * 2.0 + b) * a, x, y)
    assert "out=a" not in text
    _check_inputs_untouched(lambda a: -a, jnp.asarray(x))  # a jaxlite Array argument


def test_codegen_never_overwrites_constants():
    c = np.cos(BIG)
    f = lambda x: jnp.sin(x) + c  # noqa: E731
    _check_inputs_untouched(f, BIG, consts=[c])
    assert "out=c" not in source(f, BIG)
    g = lambda x: (c * 3.0) * x  # noqa: E731  (c * 3.0 is folded to a new constant)
    _check_inputs_untouched(g, BIG, consts=[c])


@pytest.mark.parametrize("f", [
    lambda x: jnp.sin(x) * 2.0 + jnp.sin(x).T,
    lambda x: (lambda a: a * 2.0 + a.reshape(-1)[::-1].reshape(a.shape))(jnp.sin(x)),
    lambda x: (lambda a: a * 2.0 + a[:, :1])(jnp.sin(x)),
    lambda x: (lambda a: (a * 2.0, a.T))(jnp.sin(x)),  # the view is an output
    lambda x: (lambda a: a * 2.0 + jnp.broadcast_to(a[0], a.shape))(jnp.sin(x)),
    lambda x: (lambda a: a * 2.0 + lax.cond(True, lambda v: v, lambda v: v + 1, a))(
        jnp.sin(x)),
], ids=["transpose", "reshape-rev", "slice", "view-output", "broadcast", "cond-passthrough"])
def test_codegen_never_overwrites_a_buffer_a_view_still_reads(f):
    x = np.arange(64 * 64, dtype=F32).reshape(64, 64) / 100
    _check_inputs_untouched(f, x)


@pytest.mark.parametrize("lc, rc", [(1, 0), (1, 1), (0, 0), (0, 1)])
@pytest.mark.parametrize("m, k, n", [(5, 4, 3), (25, 40, 1), (1, 40, 25), (6, 1, 7)])
def test_matrix_contractions_lower_to_one_dot_bit_for_bit(lc, rc, m, k, n):
    rng = np.random.default_rng(m * 100 + k * 10 + n)
    x = rng.standard_normal((m, k) if lc == 1 else (k, m)).astype(F32)
    y = rng.standard_normal((k, n) if rc == 0 else (n, k)).astype(F32)
    f = lambda a, b: lax.dot_general(a, b, (((lc,), (rc,)), ((), ())))  # noqa: E731
    text = source(f, x, y)
    # (k = 1 contracts nothing but size-1 axes: a broadcasting multiply, no BLAS call)
    assert ("np.multiply(" if k == 1 else "np.dot(") in text
    assert "tensordot" not in text and "einsum" not in text
    got, want = np.asarray(jax.jit(f)(x, y)), np.asarray(f(x, y))
    assert got.shape == want.shape == (m, n)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(got, (x if lc == 1 else x.T).astype(np.float64)
                               @ (y if rc == 0 else y.T), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reduce, ufunc", [
    (jnp.sum, "np.add.reduce"), (jnp.prod, "np.multiply.reduce"),
    (jnp.max, "np.maximum.reduce"), (jnp.min, "np.minimum.reduce")])
@pytest.mark.parametrize("dtype", [F32, np.int8, np.float16])
def test_reductions_lower_to_the_ufunc_reduce_bit_for_bit(reduce, ufunc, dtype):
    x = (np.arange(24).reshape(2, 3, 4) % 7 - 3).astype(dtype)
    x[0, 1, 2] = dtype(0.5) if np.dtype(dtype).kind == "f" else 1
    f = lambda a: (reduce(a, axis=1), reduce(a), reduce(a, axis=(0, 2)))  # noqa: E731
    assert ufunc in source(f, x)
    for got, want in zip(jax.jit(f)(x), f(x)):
        got, want = np.asarray(got), np.asarray(want)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


def test_transposes_and_reshapes_lower_to_ndarray_methods():
    f = lambda a: (jnp.sin(a[1]).T, jnp.transpose(jnp.cos(a), (2, 0, 1)),  # noqa: E731
                   jnp.tanh(a).reshape(4, 6), jnp.sum(a).reshape(1, 1))
    text = source(f, A234)
    assert "np.transpose" not in text and ".T" in text and ".transpose((2, 0, 1))" in text
    assert "np.reshape" not in text and ".reshape((4, 6))" in text
    want = (np.sin(A234[1]).T, np.cos(A234).transpose(2, 0, 1), np.tanh(A234).reshape(4, 6),
            np.sum(A234).reshape(1, 1))
    for got, w in zip(jax.jit(f)(A234), want):
        assert np.asarray(got).shape == w.shape
        np.testing.assert_array_equal(np.asarray(got), w)


def test_conversions_lower_to_the_astype_method_except_from_complex():
    # Float -> integer conversions saturate (XLA): they call the primitive's
    # implementation, the one place that knows how.
    f = lambda a: ((a > 0).astype(jnp.float32), a.astype(jnp.int32),  # noqa: E731
                   jnp.sum(a).astype(jnp.int8), (a > 0).astype(jnp.int32))
    text = source(f, A234)
    assert ".astype(np.float32)" in text and ".astype(np.int32)" in text
    assert "convert_element_type_" in text
    assert "np.asarray" not in text
    want = ((A234 > 0).astype(F32), A234.astype(np.int32), np.int8(A234.sum()),
            (A234 > 0).astype(np.int32))
    for got, w in zip(jax.jit(f)(A234), want):
        assert np.asarray(got).dtype == w.dtype
        np.testing.assert_array_equal(np.asarray(got), w)
    z = (A234 + 2j * A234).astype(np.complex64)
    g = lambda a: lax.convert_element_type(a, jnp.float32)  # noqa: E731  (the real part)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # silently, as JAX's convert_element_type
        np.testing.assert_array_equal(np.asarray(jax.jit(g)(z)), A234)
    np.testing.assert_array_equal(np.asarray(jax.jit(g)(z)), np.asarray(g(z)))


def test_codegen_never_overwrites_a_buffer_handed_to_a_callback():
    kept = []

    def f(x):
        a = jnp.sin(x)
        jax.debug.callback(kept.append, a)
        return a * 2.0
    jax.jit(f)(BIG)
    np.testing.assert_array_equal(np.asarray(kept[0]), np.sin(BIG))


# --- jit == eager after every pass -----------------------------------------------------

def _mlp_loss(params, x):
    h = jnp.tanh(x @ params["W"] + params["b"])
    return jnp.sum(h ** 2) + 0.0 * jnp.sum(params["b"])


_RNG = np.random.default_rng(0)
_M = _RNG.standard_normal((6, 6)).astype(F32)
_V = _RNG.standard_normal(6).astype(F32)
_PARAMS = {"W": _RNG.standard_normal((6, 4)).astype(F32), "b": np.zeros(4, F32)}

PROGRAMS = {
    "elementwise chain": (lambda x: jnp.tanh(0.5 * x + 0.1) * x + jnp.sin(x), (_V,)),
    "identities": (lambda x: (x ** 1 * 1.0 + 0.0 - 0.0) * 2.0 * 3.0, (_V,)),
    "grad mlp": (jax.grad(_mlp_loss), (_PARAMS, _M)),
    "hessian": (jax.hessian(lambda x: jnp.sum(jnp.tanh(_M @ x) ** 2)), (_V,)),
    "hvp fwd-over-rev": (lambda x, v: jax.jvp(jax.grad(
        lambda y: jnp.sum(jnp.sin(y) * y ** 2) + 0.5 * (y @ y)), (x,), (v,))[1], (_V, _V[::-1])),
    "hvp rev-over-rev": (lambda x, v: jax.grad(lambda y: jnp.vdot(jax.grad(
        lambda z: jnp.sum(jnp.sin(z) * z ** 2))(y), v))(x), (_V, _V[::-1])),
    "vmap grad": (jax.vmap(jax.grad(lambda w, x: jnp.sum(jnp.tanh(w * x))), (None, 0)),
                  (_V, _M)),
    "softmax": (lambda x: jnp.exp(x - jnp.max(x)) / jnp.sum(jnp.exp(x - jnp.max(x))), (_M,)),
    "scan": (lambda x: lax.scan(lambda c, y: (c * 0.9 + y, jnp.sin(c)), 0.0, x), (_V,)),
    "cond": (lambda x: lax.cond(jnp.sum(x) > 0, jnp.sin, jnp.cos, x), (_V,)),
    "duplicates": (lambda x: jnp.sin(x) * jnp.sin(x) + jnp.cos(x) * jnp.cos(x), (_V,)),
    "constants": (lambda x: x @ (_M * 2.0) + jnp.sum(jnp.exp(_V)), (_V,)),
    "integers": (lambda i: (i * 3 + 1) // 2 - i % 5, (np.arange(-6, 6, dtype=np.int32),)),
    "nested jit": (lambda x: jax.jit(lambda y: jnp.sin(y) * 2.0)(x) + jax.jit(jnp.cos)(x),
                   (_V,)),
}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_jit_equals_eager(name):
    f, args = PROGRAMS[name]
    expected = f(*args)
    got = jax.jit(f)(*args)
    jax.tree_util.tree_map(
        lambda g, e: np.testing.assert_allclose(np.asarray(g), np.asarray(e),
                                                rtol=2e-6, atol=1e-6), got, expected)
    before = jax.tree_util.tree_map(lambda a: np.array(a, copy=True), args)
    jax.jit(f)(*args)  # the cached executable: still leaves its inputs alone
    jax.tree_util.tree_map(np.testing.assert_array_equal, args, before)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_each_pass_preserves_values(name):
    f, args = PROGRAMS[name]
    jaxpr = jax.jit(f).lower(*args).jaxpr().jaxpr
    flat_args = jax.tree_util.tree_leaves(args)
    expected = run(jaxpr, *flat_args)
    for step in (inline_calls, fold_constants, simplify, common_subexpression_elimination,
                 dead_code_elimination):
        jaxpr = step(jaxpr)
        for got, want in zip(run(jaxpr, *flat_args), expected):
            np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6,
                                       err_msg=f"after {step.__name__}")
    # The same equations (independent ones may be ordered differently: the identity
    # pass, which only optimize() runs, re-emits what it reads)
    assert sorted(names(optimize(jax.jit(f).lower(*args).jaxpr().jaxpr))) == sorted(names(jaxpr))


def test_squares_and_scalar_dot_products_become_muls_that_reuse_buffers():
    """x ** 2 and dot_general(scalar, x) compute x * x and s * x; as muls they may be
    written into dead or workspace buffers. Same bits as eager."""
    x = jnp.asarray(np.linspace(-3, 3, 50_000, dtype=F32))

    def f(x):
        return jnp.sum(jnp.sin(x) * x ** 2) + 0.5 * x @ x
    hvp = lambda x: jax.grad(lambda y: jnp.vdot(jax.grad(f)(y), x))(x)
    names = [e.primitive.name for e in optimize(jax.make_jaxpr(hvp)(x).jaxpr).eqns]
    assert "integer_pow" not in names and "dot_general" not in names
    np.testing.assert_array_equal(np.asarray(jax.jit(hvp)(x)), np.asarray(hvp(x)))
