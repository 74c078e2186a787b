"""Record JAX's printed Jaxprs (`print(jax.make_jaxpr(f)(*args))`) for typical functions,
so tests/core/test_jaxpr_text.py can compare jaxlite's text with JAX's. Run with JAX:

    /tmp/jaxref/bin/python tools/record_jaxpr_text.py [--out tests/data/jaxpr_text_golden.json]

Each case is (name, function source, arguments source), evaluated with `jax`, `jnp`,
`lax` bound; the tests evaluate the same strings with jaxlite.
"""
import argparse
import json
import os

CASES = [
    ("ones_staged", "lambda x: x + jnp.ones(3)", "(jnp.ones(3),)"),
    ("zeros_full_staged", "lambda x: (jnp.zeros((2, 3), jnp.int32), jnp.full((2,), 3), x)",
     "(jnp.ones(3),)"),
    ("slice_static", "lambda x: x[1:3]", "(jnp.ones((6, 4)),)"),
    ("slice_strided", "lambda x: x[::2]", "(jnp.ones((6, 4)),)"),
    ("slice_reversed", "lambda x: x[::-1]", "(jnp.ones((6, 4)),)"),
    ("slice_negative_stride", "lambda x: x[:, ::-2]", "(jnp.ones((6, 4)),)"),
    ("index_int", "lambda x: x[-1]", "(jnp.ones((6, 4)),)"),
    ("index_ints", "lambda x: x[1, 2]", "(jnp.ones((6, 4)),)"),
    ("index_stride_int", "lambda x: x[1:5:2, 2]", "(jnp.ones((6, 4)),)"),
    ("index_newaxis", "lambda x: x[:, None]", "(jnp.ones((6, 4)),)"),
    ("index_newaxis_int", "lambda x: x[None, 1, ::-1, None]", "(jnp.ones((2, 3, 4)),)"),
    ("index_ellipsis_int", "lambda x: x[..., 1]", "(jnp.ones((6, 4)),)"),
    ("add_literal", "lambda x: x + 1", "(5,)"),
    ("sin_mul_add", "lambda x, y: jnp.sin(x) * y + 2", "(1.0, 3.0)"),
    ("tanh_exp", "lambda x: jnp.exp(jnp.tanh(x))", "(jnp.ones(5),)"),
    ("neg_sub_div", "lambda x, y: (-x - y) / y", "(jnp.ones(3), jnp.ones(3))"),
    ("integer_pow_sum", "lambda x: jnp.sum(x ** 2)", "(jnp.ones(3),)"),
    ("reduce_max_axis", "lambda x: jnp.max(x, axis=1)", "(jnp.ones((2, 3)),)"),
    ("dot_vectors", "lambda x, y: jnp.dot(x, y)", "(jnp.ones(3), jnp.ones(3))"),
    ("lax_dot_general", "lambda x, y: lax.dot_general(x, y, (((1,), (0,)), ((), ())))",
     "(jnp.ones((2, 3)), jnp.ones((3, 4)))"),
    ("where", "lambda x: jnp.where(x > 0, x, 0.0)", "(jnp.ones(3),)"),
    ("unused_outputs", "lambda x: lax.sort_key_val(x, x)[1]", "(jnp.ones(3),)"),
    ("eigh_unused", "lambda x: jnp.linalg.eigh(x)[0]", "(jnp.eye(3),)"),
    ("jit_inner", "lambda x: jax.jit(lambda y: y * 2)(x) + 1", "(jnp.ones(3),)"),
    ("jit_twice", "lambda x: jax.jit(jnp.sin)(x) + jax.jit(jnp.sin)(x)", "(jnp.ones(3),)"),
    ("cond", "lambda p, x: lax.cond(p, lambda a: a + 1, lambda a: a - 1, x)",
     "(True, jnp.ones(3))"),
    ("scan_cumsum", "lambda x: lax.scan(lambda c, a: (c + a, c * a), 0.0, x)", "(jnp.ones(3),)"),
    ("while_loop", "lambda x: lax.while_loop(lambda c: c[0] < 3, "
     "lambda c: (c[0] + 1, c[1] * 2), (0, x))", "(jnp.ones(3),)"),
    ("fori_loop", "lambda x: lax.fori_loop(0, 3, lambda i, c: c * 2.0, x)", "(jnp.ones(3),)"),
    ("broadcast_add", "lambda x, y: x + y", "(jnp.ones((2, 3)), jnp.ones(3))"),
    ("transpose_reshape", "lambda x: x.T.reshape(6)", "(jnp.ones((2, 3)),)"),
    ("convert_type", "lambda x: x.astype(jnp.int32) + 1", "(jnp.ones(3),)"),
    ("grad_sin", "jax.grad(jnp.sin)", "(1.0,)"),
    ("many_outputs", "lambda x: (x, x * 2, jnp.cos(x), jnp.sin(x))", "(1.0,)"),
    ("select_compare", "lambda x, y: lax.select(x < y, x, y)", "(jnp.ones(3), jnp.zeros(3))"),
    ("stop_gradient", "lambda x: lax.stop_gradient(x) * x", "(2.0,)"),
]


def main():
    import jax
    import jax.numpy as jnp
    from jax import lax
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests",
                                                      "data", "jaxpr_text_golden.json"))
    out = parser.parse_args().out
    scope = {"jax": jax, "jnp": jnp, "lax": lax}
    golden = {"jax_version": jax.__version__, "cases": {}}
    for name, fun, args in CASES:
        text = str(jax.make_jaxpr(eval(fun, scope))(*eval(args, scope)))
        golden["cases"][name] = {"fun": fun, "args": args, "text": text}
    with open(out, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
