"""lax.custom_root and lax.custom_linear_solve: solvers differentiated implicitly at their
solution rather than through their iterations (JAX's API and derivative rules).

custom_linear_solve traces matvec, solve, transpose_solve (and vecmat, the transpose of
matvec) to Jaxprs for the linear_solve primitive (higher_order/solves.py). custom_root is a
custom_jvp function of f's, solve's and the tangent solver's closed-over values: its JVP
follows the implicit function theorem, dx = -tangent_solve(J_x f, J_params f . dparams).
"""
import functools

from .. import core
from ..ad import jvp_flat, instantiate
from ..api import linearize
from ..custom_derivatives import custom_jvp
from ..higher_order.solves import linear_solve_p
from ..jaxpr import eval_jaxpr
from ..misc import linear_transpose
from ..tree import tree_flatten, tree_unflatten, tree_structure
from ..conversion import asarray
from ..staging import trace_to_jaxpr, close_over_tracer_consts
from .lax import neg

__all__ = ["custom_root", "custom_linear_solve"]


def _trace(fun, in_tree, in_avals, name, pair=False):
    """(jaxpr, tracer consts, out tree) of `fun` of one argument of structure `in_tree` (or,
    with pair=True, of the two arguments of a pair)."""
    store = {}

    def flat(*xs):
        arg = tree_unflatten(in_tree, list(xs))
        out = fun(*arg) if pair else fun(arg)
        leaves, store["tree"] = tree_flatten(out)
        return [asarray(o) for o in leaves]

    jaxpr, consts = close_over_tracer_consts(trace_to_jaxpr(flat, in_avals, name))
    return jaxpr, consts, store["tree"]


def _check_tree(what, expected_what, tree, expected, has_aux):
    if has_aux:
        children = tree.children() if hasattr(tree, "children") else None
        if children is None or len(children) != 2:
            raise TypeError(f"{what}() with has_aux=True must return a pair (value, aux), got "
                            f"a value of structure {tree}")
        tree = children[0]
    if tree != expected:
        raise TypeError(f"{what}() output pytree structure must match {expected_what}, got "
                        f"{tree} and {expected}.")


def _check_shapes(what, values, expected):
    shapes = [core.get_aval(asarray(v)).shape for v in values]
    want = [core.get_aval(asarray(v)).shape for v in expected]
    if shapes != want:
        raise ValueError(f"{what}() output shapes must match b, got {shapes} and {want}")


def custom_linear_solve(matvec, b, solve, transpose_solve=None, symmetric=False,
                        has_aux=False):
    """x = solve(matvec, b) with derivatives given by the linear equation matvec(x) == b:
    dx = solve(matvec, db - dmatvec(x)); reverse mode needs `transpose_solve` (or
    symmetric=True, which reuses `solve`). Neither solver needs to be differentiable.

    >>> A = jnp.array([[2., 1.], [1., 3.]])
    >>> lax.custom_linear_solve(lambda x: A @ x, jnp.ones(2),
    ...                         lambda mv, b: jnp.linalg.solve(A, b), symmetric=True)
    Array([0.4, 0.2], dtype=float32)
    """
    if transpose_solve is None and symmetric:
        transpose_solve = solve
    b_leaves, tree = tree_flatten(b)
    b_leaves = [asarray(v) for v in b_leaves]
    avals = [core.get_aval(v) for v in b_leaves]

    def checked(fun, what, aux):
        def f(x):
            y = fun(x)
            _check_shapes(what, tree_flatten(y[0] if aux else y)[0], b_leaves)
            return y
        return f

    matvec_jaxpr, matvec_consts, out_tree = _trace(checked(matvec, "matvec", False), tree,
                                                   avals, "matvec")
    _check_tree("matvec", "b", out_tree, tree, False)
    solve_jaxpr, solve_consts, out_tree = _trace(
        checked(functools.partial(solve, matvec), "solve", has_aux), tree, avals, "solve")
    _check_tree("solve", "b", out_tree, tree, has_aux)
    solution_tree = out_tree
    vecmat_jaxpr = tr_solve_jaxpr = None
    vecmat_consts = tr_solve_consts = []
    if transpose_solve is not None:
        if symmetric:
            vecmat, (vecmat_jaxpr, vecmat_consts) = matvec, (matvec_jaxpr, matvec_consts)
        else:
            def vecmat(x):
                (y,) = linear_transpose(matvec, b)(x)
                return y
            vecmat_jaxpr, vecmat_consts, _ = _trace(vecmat, tree, avals, "vecmat")
        tr_solve_jaxpr, tr_solve_consts, out_tree = _trace(
            checked(functools.partial(transpose_solve, vecmat), "transpose_solve", has_aux),
            tree, avals, "transpose_solve")
        _check_tree("transpose_solve", "b", out_tree, tree, has_aux)
    consts = [matvec_consts, vecmat_consts, solve_consts, tr_solve_consts]
    jaxprs = (matvec_jaxpr, vecmat_jaxpr, solve_jaxpr, tr_solve_jaxpr)
    outs = linear_solve_p.bind(*[c for group in consts for c in group], *b_leaves,
                               const_lengths=tuple(len(c) for c in consts), jaxprs=jaxprs)
    return tree_unflatten(solution_tree, outs)


def custom_root(f, initial_guess, solve, tangent_solve, has_aux=False):
    """solve(f, initial_guess), a root of f, differentiable with respect to the values f
    closes over through the implicit function theorem (not through solve's iterations).
    tangent_solve(g, y) must solve the linear system g(x) = y, e.g. `lambda g, y: y / g(1.0)`
    for scalars.

    >>> def newton(f, x):   # the solver's iterations are not differentiated
    ...     for _ in range(10):
    ...         x = x - f(x) / jax.grad(f)(x)
    ...     return x
    >>> def sqrt(a):   # the root of x**2 - a
    ...     return lax.custom_root(lambda x: x ** 2 - a, 1.0, newton, lambda g, y: y / g(1.0))
    >>> print(round(float(sqrt(2.0)), 5), round(float(jax.grad(sqrt)(2.0)), 5))
    1.41421 0.35355
    """
    guess_leaves, tree = tree_flatten(initial_guess)
    guess_leaves = [asarray(v) for v in guess_leaves]
    avals = [core.get_aval(v) for v in guess_leaves]
    f_jaxpr, f_consts, out_tree = _trace(f, tree, avals, "custom_root f")
    _check_tree("f", "initial_guess", out_tree, tree, False)
    solve_jaxpr, solve_consts, solution_tree = _trace(functools.partial(solve, f), tree, avals,
                                                      "custom_root solve")
    _check_tree("solve", "initial_guess", solution_tree, tree, has_aux)

    def linearize_and_solve(x, b):
        _, f_jvp = linearize(f, x)
        return tangent_solve(f_jvp, b)

    pair_tree = tree_structure((initial_guess, initial_guess))
    l_and_s_jaxpr, l_and_s_consts, out_tree = _trace(
        linearize_and_solve, pair_tree, avals + avals, "custom_root tangent_solve", pair=True)
    _check_tree("tangent_solve", "x", out_tree, tree, False)
    lengths = (len(f_consts), len(solve_consts), len(l_and_s_consts))
    jaxprs = (f_jaxpr, solve_jaxpr, l_and_s_jaxpr)
    outs = _custom_root(lengths, jaxprs, *f_consts, *solve_consts, *l_and_s_consts,
                        *guess_leaves)
    return tree_unflatten(solution_tree, outs)


def _split_root_args(args, lengths):
    groups, start = [], 0
    for n in lengths:
        groups.append(list(args[start:start + n]))
        start += n
    return groups, list(args[start:])


def _root(lengths, jaxprs, *args):
    (_, solve_consts, _), guess = _split_root_args(args, lengths)
    solve = jaxprs[1]
    return eval_jaxpr(solve, solve.consts, *solve_consts, *guess)


def _root_jvp(lengths, jaxprs, primals, tangents):
    (f_consts, _, l_and_s_consts), _ = _split_root_args(primals, lengths)
    (f_dots, _, _), _ = _split_root_args(tangents, lengths)
    solution_and_aux = _custom_root(lengths, jaxprs, *primals)
    f_jaxpr, _, l_and_s = jaxprs
    n = len(f_jaxpr.outvars)
    solution, aux = solution_and_aux[:n], solution_and_aux[n:]
    # F(m, u*(m)) = 0  =>  du* = -(d_u F)^-1 (d_m F . dm)
    _, rhs = jvp_flat(lambda *c: eval_jaxpr(f_jaxpr, f_jaxpr.consts, *c, *solution),
                      list(f_consts), list(f_dots))
    rhs = [instantiate(r) for r in rhs]
    step = eval_jaxpr(l_and_s, l_and_s.consts, *l_and_s_consts, *solution, *rhs)
    return solution_and_aux, [neg(s) for s in step] + [None] * len(aux)


# The root as a custom_jvp function of (lengths, jaxprs, *consts, *guess): its derivative
# is the implicit function theorem's, not the solver's.
_custom_root = custom_jvp(_root, nondiff_argnums=(0, 1))
_custom_root.defjvp(_root_jvp)
