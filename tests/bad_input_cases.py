"""The bad-input battery: each public function family called with wrong shapes, dtypes,
axes, argnums and types. Shared by tests/test_bad_inputs.py (jaxlite) and
tools/fuzz/record_bad_inputs.py (records what real JAX raises into
tests/data/bad_inputs_golden.json).

A case is (name, call, mention): `call(ns)` makes the bad call with `ns.jax`, `ns.jnp`,
`ns.lax`, `ns.random`; `mention` is a regular expression that the message must match
(case-insensitive): it names the function or the argument at fault.
"""
def _f1(x):
    return x * 2


def _sum(x):
    return (x * x).sum()


def _scan(ns, body, init, xs, **kw):
    return ns.lax.scan(body, init, xs, **kw)


def cases():
    return [
        # ---- jax.numpy elementwise ----
        ("add shapes", lambda ns: ns.jnp.add(ns.jnp.ones(2), ns.jnp.ones(3)),
         r"shape|broadcast"),
        ("add None", lambda ns: ns.jnp.add(1.0, None), r"None|add|type"),
        ("sin string", lambda ns: ns.jnp.sin("a"), r"sin|str|type"),
        ("sin dict", lambda ns: ns.jnp.sin({"a": 1.0}), r"sin|dict|type"),
        ("bitwise_and floats", lambda ns: ns.jnp.bitwise_and(1.0, 2.0), r"bitwise_and|float"),
        ("bitwise_and float traced", lambda ns: ns.jax.jit(lambda x: ns.jnp.bitwise_and(x, 3))(
            1.0), r"and|float"),
        ("invert float", lambda ns: ns.jnp.invert(ns.jnp.ones(2)), r"not|invert|float"),
        ("float & operator", lambda ns: ns.jnp.ones(2) & 1, r"and|float"),
        ("left_shift float", lambda ns: ns.jnp.left_shift(ns.jnp.ones(2), 1), r"shift|float"),
        ("arctan2 shapes", lambda ns: ns.jnp.arctan2(ns.jnp.ones(2), ns.jnp.ones(3)),
         r"shape|broadcast"),
        ("where shapes", lambda ns: ns.jnp.where(ns.jnp.ones(2) > 0, ns.jnp.ones(3), 0.0),
         r"shape|broadcast"),
        ("clip object", lambda ns: ns.jnp.clip(ns.jnp.ones(2), object()), r"object|type"),
        # ---- reductions and axes ----
        ("sum axis 2 of 2-d", lambda ns: ns.jnp.sum(ns.jnp.ones((2, 3)), axis=2), r"axis 2"),
        ("sum axis -2 of 1-d", lambda ns: ns.jnp.sum(ns.jnp.ones(3), axis=-2), r"axis -2"),
        ("sum axis 0 of 0-d", lambda ns: ns.jnp.sum(ns.jnp.float32(1.0), axis=0), r"axis 0"),
        ("max repeated axis", lambda ns: ns.jnp.max(ns.jnp.ones((2, 2)), axis=(0, 0)),
         r"repeated|duplicate|axis"),
        ("mean float axis", lambda ns: ns.jnp.mean(ns.jnp.ones(3), axis=1.5),
         r"axis|integer|float"),
        ("argmax axis 1 of 1-d", lambda ns: ns.jnp.argmax(ns.jnp.ones(3), axis=1), r"axis"),
        ("cumsum axis 1 of 1-d", lambda ns: ns.jnp.cumsum(ns.jnp.ones(3), axis=1), r"axis"),
        ("var axis 3", lambda ns: ns.jnp.var(ns.jnp.ones((2, 2)), axis=3), r"axis"),
        ("sort axis 2", lambda ns: ns.jnp.sort(ns.jnp.ones(3), axis=2), r"axis"),
        ("max of empty", lambda ns: ns.jnp.max(ns.jnp.ones(0)), r"max|empty|zero-size|identity"),
        ("argmax of empty", lambda ns: ns.jnp.argmax(ns.jnp.ones(0)),
         r"argmax|empty|zero-size"),
        ("any axis 2", lambda ns: ns.jnp.any(ns.jnp.ones((2, 2)) > 0, axis=2), r"axis"),
        ("median axis 0 of 0-d", lambda ns: ns.jnp.median(ns.jnp.float32(1.0), axis=0),
         r"axis"),
        ("flip axis 0 of 0-d", lambda ns: ns.jnp.flip(ns.jnp.float32(1.0), axis=0), r"axis"),
        ("take axis 0 of 0-d", lambda ns: ns.jnp.take(ns.jnp.float32(1.0), ns.jnp.array([0]),
                                                      axis=0), r"axis"),
        # ---- shapes: reshape, concatenate, stack, transpose ----
        ("reshape size", lambda ns: ns.jnp.reshape(ns.jnp.ones(6), (4, 2)), r"reshape|size"),
        ("reshape two -1", lambda ns: ns.jnp.reshape(ns.jnp.ones(6), (-1, -1)),
         r"-1|unknown"),
        ("concatenate ranks", lambda ns: ns.jnp.concatenate([ns.jnp.ones(2),
                                                             ns.jnp.ones((2, 2))]),
         r"concatenate|dimension|rank"),
        ("concatenate shapes", lambda ns: ns.jnp.concatenate([ns.jnp.ones((2, 3)),
                                                              ns.jnp.ones((2, 4))], axis=0),
         r"concatenate|shape"),
        ("concatenate axis 2 [sem16]", lambda ns: ns.jnp.concatenate(
            [ns.jnp.ones(2), ns.jnp.ones(3)], axis=2), r"axis"),
        ("concatenate nothing", lambda ns: ns.jnp.concatenate([]), r"concatenate|at least|zero"),
        ("stack shapes", lambda ns: ns.jnp.stack([ns.jnp.ones(2), ns.jnp.ones(3)]),
         r"shape|stack"),
        ("stack nothing", lambda ns: ns.jnp.stack([]), r"stack|at least|need"),
        ("transpose repeated", lambda ns: ns.jnp.transpose(ns.jnp.ones((2, 3)), (0, 0)),
         r"axes|permutation|repeated"),
        ("transpose short", lambda ns: ns.jnp.transpose(ns.jnp.ones((2, 3)), (0,)),
         r"axes|permutation"),
        ("broadcast_to", lambda ns: ns.jnp.broadcast_to(ns.jnp.ones(3), (2, 4)),
         r"broadcast|shape"),
        ("squeeze non-1 axis", lambda ns: ns.jnp.squeeze(ns.jnp.ones((2, 3)), axis=0),
         r"squeeze|axis|size"),
        ("expand_dims axis 3", lambda ns: ns.jnp.expand_dims(ns.jnp.ones(2), 3), r"axis"),
        ("swapaxes axis 3", lambda ns: ns.jnp.swapaxes(ns.jnp.ones(2), 0, 3), r"axis"),
        ("split unequal", lambda ns: ns.jnp.split(ns.jnp.ones(5), 2), r"split|equal|divide"),
        ("moveaxis out of range", lambda ns: ns.jnp.moveaxis(ns.jnp.ones(2), 0, 2),
         r"axis|destination"),
        ("tile float reps", lambda ns: ns.jnp.tile(ns.jnp.ones(2), 1.5), r"reps|int|float"),
        # ---- indexing ----
        ("float index", lambda ns: ns.jnp.ones(3)[1.5], r"ind"),
        ("too many indices", lambda ns: ns.jnp.ones(3)[0, 0], r"too many|indices|index"),
        ("float array index", lambda ns: ns.jnp.ones(3)[ns.jnp.array([1.0])], r"ind"),
        ("string index", lambda ns: ns.jnp.ones(3)["a"], r"ind"),
        ("two ellipses", lambda ns: ns.jnp.ones((2, 3))[..., ..., 0], r"ellipsis|\.\.\."),
        ("static index out of bounds", lambda ns: ns.jnp.ones(3)[5], r"index|bounds"),
        ("take float indices", lambda ns: ns.jnp.take(ns.jnp.ones(3), 1.5), r"ind|integer"),
        ("at float index", lambda ns: ns.jnp.ones(3).at[1.5].set(0.0), r"ind"),
        ("at set sequence [sem16]", lambda ns: ns.jnp.zeros(3).at[0].set(ns.jnp.ones(2)),
         r"shape|broadcast"),
        ("boolean index under jit", lambda ns: ns.jax.jit(lambda x: x[x > 0])(ns.jnp.ones(3)),
         r"bool|NonConcrete|concrete"),
        ("take_along_axis float", lambda ns: ns.jnp.take_along_axis(
            ns.jnp.ones((2, 3)), ns.jnp.zeros((2, 3)), axis=1), r"ind|integer"),
        # ---- linalg and products ----
        ("inv non-square", lambda ns: ns.jnp.linalg.inv(ns.jnp.ones((2, 3))),
         r"square|inv|shape"),
        ("det 1-d", lambda ns: ns.jnp.linalg.det(ns.jnp.ones(3)), r"square|det|dim|shape"),
        ("cholesky non-square", lambda ns: ns.jnp.linalg.cholesky(ns.jnp.ones((2, 3))),
         r"square|cholesky|shape"),
        ("solve shapes", lambda ns: ns.jnp.linalg.solve(ns.jnp.eye(2), ns.jnp.ones(3)),
         r"solve|shape|dimension|incompatible"),
        ("eigh non-square", lambda ns: ns.jnp.linalg.eigh(ns.jnp.ones((2, 3))),
         r"square|eigh|shape"),
        ("matmul shapes", lambda ns: ns.jnp.matmul(ns.jnp.ones((2, 3)), ns.jnp.ones((2, 3))),
         r"matmul|shape|dimension|contract"),
        ("dot shapes", lambda ns: ns.jnp.dot(ns.jnp.ones(2), ns.jnp.ones(3)),
         r"dot|shape|dimension|contract"),
        ("matmul scalar", lambda ns: ns.jnp.matmul(ns.jnp.float32(1.0), ns.jnp.ones(2)),
         r"matmul|scalar|0-d|dimension"),
        ("einsum output letter [sem16]", lambda ns: ns.jnp.einsum("ij,jk->il", ns.jnp.ones(
            (2, 2)), ns.jnp.ones((2, 2))), r"einsum|output|subscript|l"),
        ("einsum operand count", lambda ns: ns.jnp.einsum("ij,jk->ik", ns.jnp.ones((2, 2))),
         r"einsum|operand|subscript"),
        ("einsum rank", lambda ns: ns.jnp.einsum("ij->i", ns.jnp.ones(2)),
         r"einsum|dimension|subscript|operand"),
        # ---- random ----
        ("random int key", lambda ns: ns.random.normal(1, (2,)), r"key"),
        ("random negative shape", lambda ns: ns.random.normal(ns.random.PRNGKey(0), (-1,)),
         r"shape|negative|dimension"),
        ("random float key", lambda ns: ns.random.uniform(ns.jnp.ones(2), (2,)), r"key"),
        ("random int dtype for normal", lambda ns: ns.random.normal(
            ns.random.PRNGKey(0), (2,), dtype=ns.jnp.int32), r"dtype|float"),
        ("random randint float dtype", lambda ns: ns.random.randint(
            ns.random.PRNGKey(0), (2,), 0, 10, dtype=ns.jnp.float32), r"dtype|int"),
        ("random choice no replace", lambda ns: ns.random.choice(
            ns.random.PRNGKey(0), 5, (10,), replace=False), r"replace|sample|larger|shape"),
        ("PRNGKey float seed", lambda ns: ns.random.PRNGKey(1.5), r"seed|int|float"),
        ("random split negative", lambda ns: ns.random.split(ns.random.PRNGKey(0), -1),
         r"negative|shape|dimension|num"),
        ("random shape of key batch", lambda ns: ns.random.normal(
            ns.random.split(ns.random.PRNGKey(0), 3), (2,)), r"key|shape|batch"),
        # ---- lax ----
        ("lax.add int and float", lambda ns: ns.lax.add(1, 1.0), r"add|dtype"),
        ("lax.add dtypes", lambda ns: ns.lax.add(ns.jnp.ones(2), ns.jnp.ones(2, ns.jnp.int32)),
         r"add|dtype"),
        ("lax.add shapes", lambda ns: ns.lax.add(ns.jnp.ones(2), ns.jnp.ones(3)),
         r"add|shape"),
        ("lax.reshape size", lambda ns: ns.lax.reshape(ns.jnp.ones(6), (4,)), r"reshape|size"),
        ("lax.slice bounds", lambda ns: ns.lax.slice(ns.jnp.ones(3), (0,), (5,)),
         r"slice|limit|bound"),
        ("lax.dynamic_slice rank", lambda ns: ns.lax.dynamic_slice(ns.jnp.ones(3), (0, 0),
                                                                   (1,)),
         r"dynamic_slice|indices|rank|length"),
        ("lax.concatenate ranks", lambda ns: ns.lax.concatenate(
            [ns.jnp.ones(2), ns.jnp.ones((2, 2))], 0), r"concatenate|rank|dimension"),
        ("lax.broadcast_in_dim", lambda ns: ns.lax.broadcast_in_dim(ns.jnp.ones(3), (2, 4),
                                                                    (1,)),
         r"broadcast_in_dim|shape|dimension"),
        ("lax.transpose permutation", lambda ns: ns.lax.transpose(ns.jnp.ones((2, 3)), (0,)),
         r"transpose|permutation"),
        ("lax.pad config", lambda ns: ns.lax.pad(ns.jnp.ones(2), 0.0, [(1, 1, 0), (1, 1, 0)]),
         r"pad|padding|rank|config"),
        ("lax.integer_pow float", lambda ns: ns.lax.integer_pow(ns.jnp.ones(2), 1.5),
         r"integer|int|exponent|y"),
        ("lax.select shapes", lambda ns: ns.lax.select(ns.jnp.ones(3) > 0, ns.jnp.ones(3),
                                                       ns.jnp.ones(2)), r"select|shape"),
        ("lax.select float predicate", lambda ns: ns.lax.select(
            ns.jnp.ones(3), ns.jnp.ones(3), ns.jnp.ones(3)), r"select|bool"),
        ("lax.cummax axis out of range", lambda ns: ns.lax.cummax(ns.jnp.ones(3), axis=1),
         r"axis"),
        ("lax.dot_general contracting", lambda ns: ns.lax.dot_general(
            ns.jnp.ones((2, 3)), ns.jnp.ones((2, 3)), (((1,), (1,)), ((), ()))) + ns.lax.
         dot_general(ns.jnp.ones((2, 3)), ns.jnp.ones((2, 3)), (((1,), (0,)), ((), ()))),
         r"dot_general|contract|shape"),
        ("lax.convert_element_type string", lambda ns: ns.lax.convert_element_type(
            ns.jnp.ones(2), "not-a-dtype"), r"dtype|type|not-a-dtype"),
        # ---- grad ----
        ("grad argnums out of range", lambda ns: ns.jax.grad(_sum, argnums=2)(ns.jnp.ones(2)),
         r"argnums|argument"),
        ("grad int input", lambda ns: ns.jax.grad(_sum)(1), r"grad|int|float|real"),
        ("grad int array input", lambda ns: ns.jax.grad(_sum)(ns.jnp.arange(3)),
         r"grad|int|float|real"),
        ("grad non-scalar output", lambda ns: ns.jax.grad(_f1)(ns.jnp.ones(2)),
         r"scalar|shape"),
        ("grad integer output", lambda ns: ns.jax.grad(lambda x: (x > 0).astype(int).sum())(
            1.0), r"grad|real|float|int"),
        ("grad has_aux not a pair", lambda ns: ns.jax.grad(_sum, has_aux=True)(ns.jnp.ones(2)),
         r"aux|pair|tuple"),
        ("grad not callable", lambda ns: ns.jax.grad(1), r"callable|function"),
        ("jacrev int input", lambda ns: ns.jax.jacrev(_f1)(ns.jnp.arange(2)),
         r"int|float|real|jacrev"),
        ("jvp tangent dtype", lambda ns: ns.jax.jvp(_f1, (ns.jnp.ones(2),),
                                                    (ns.jnp.ones(2, ns.jnp.int32),)),
         r"tangent|dtype"),
        ("jvp tangent shape", lambda ns: ns.jax.jvp(_f1, (ns.jnp.ones(2),), (ns.jnp.ones(3),)),
         r"tangent|shape"),
        ("jvp not tuples", lambda ns: ns.jax.jvp(_f1, ns.jnp.ones(2), ns.jnp.ones(2)),
         r"tuple|list|primal"),
        ("vjp cotangent shape", lambda ns: ns.jax.vjp(_f1, ns.jnp.ones(2))[1](ns.jnp.ones(3)),
         r"cotangent|shape"),
        # ---- vmap ----
        ("vmap in_axes length", lambda ns: ns.jax.vmap(_f1, in_axes=(0, 0))(ns.jnp.ones(2)),
         r"in_axes|argument|length"),
        ("vmap in_axes out of range", lambda ns: ns.jax.vmap(_f1, in_axes=2)(ns.jnp.ones(3)),
         r"in_axes|axis|rank|dimension"),
        ("vmap inconsistent sizes", lambda ns: ns.jax.vmap(lambda a, b: a + b)(
            ns.jnp.ones(2), ns.jnp.ones(3)), r"size|inconsistent"),
        ("vmap out_axes out of range [sem16]", lambda ns: ns.jax.vmap(_f1, out_axes=3)(
            ns.jnp.ones((2, 2))), r"out_axes|axis|dimension|rank"),
        ("vmap of a scalar", lambda ns: ns.jax.vmap(_f1)(1.0), r"axis|rank|scalar|0"),
        ("vmap float in_axes", lambda ns: ns.jax.vmap(_f1, in_axes=1.5)(ns.jnp.ones(2)),
         r"in_axes|int"),
        ("vmap no arguments", lambda ns: ns.jax.vmap(lambda: 1.0)(), r"argument|axis|vmap"),
        ("vmap not callable", lambda ns: ns.jax.vmap("f"), r"callable|function"),
        # ---- jit ----
        ("jit static_argnums out of range", lambda ns: ns.jax.jit(_f1, static_argnums=3)(
            ns.jnp.ones(2)), r"static_argnums|3"),
        ("jit static_argnames unknown", lambda ns: ns.jax.jit(_f1, static_argnames="z")(
            ns.jnp.ones(2)), r"static_argnames|z"),
        ("jit non-hashable static", lambda ns: ns.jax.jit(
            lambda x, n: x * len(n), static_argnums=1)(1.0, [1, 2]), r"hash|static"),
        ("jit string argument", lambda ns: ns.jax.jit(_f1)("abc"), r"str|type|argument"),
        ("jit object argument", lambda ns: ns.jax.jit(_f1)(object()), r"object|type|argument"),
        ("jit not callable", lambda ns: ns.jax.jit(1), r"callable|function"),
        # ---- control flow ----
        ("scan carry dtype", lambda ns: _scan(ns, lambda c, x: (c.astype(ns.jnp.int32), x),
                                              0.0, ns.jnp.ones(3)), r"carry|dtype|type"),
        ("scan carry shape", lambda ns: _scan(ns, lambda c, x: (ns.jnp.stack([c, c]), x),
                                              0.0, ns.jnp.ones(3)), r"carry|shape"),
        ("scan xs lengths", lambda ns: _scan(ns, lambda c, x: (c, x), 0.0,
                                             (ns.jnp.ones(3), ns.jnp.ones(4))),
         r"length|size|leading|axis"),
        ("scan body not a pair", lambda ns: _scan(ns, lambda c, x: c, 0.0, ns.jnp.ones(3)),
         r"scan|pair|tuple|carry|body"),
        ("scan length mismatch", lambda ns: _scan(ns, lambda c, x: (c, x), 0.0, ns.jnp.ones(3),
                                                  length=4), r"length|size|leading|axis"),
        ("cond branch shapes", lambda ns: ns.lax.cond(True, lambda x: x, lambda x: x[:1],
                                                      ns.jnp.ones(2)),
         r"branch|shape|true_fun|false_fun|output"),
        ("cond branch dtypes", lambda ns: ns.lax.cond(True, lambda x: x,
                                                      lambda x: x.astype(ns.jnp.int32),
                                                      ns.jnp.ones(2)),
         r"branch|dtype|type|true_fun|false_fun|output"),
        ("cond non-scalar predicate", lambda ns: ns.lax.cond(ns.jnp.ones(2) > 0, _f1, _f1,
                                                             ns.jnp.ones(2)),
         r"pred|scalar|shape"),
        ("switch float index", lambda ns: ns.lax.switch(1.5, [_f1, _f1], ns.jnp.ones(2)),
         r"index|int"),
        ("switch no branches", lambda ns: ns.lax.switch(0, [], ns.jnp.ones(2)),
         r"branch|empty|at least"),
        ("while_loop carry dtype", lambda ns: ns.lax.while_loop(
            lambda c: c < 3, lambda c: c + 1.5, 0), r"carry|body|dtype|type"),
        ("while_loop non-scalar cond", lambda ns: ns.lax.while_loop(
            lambda c: c < 3, lambda c: c + 1, ns.jnp.zeros(2)), r"cond|scalar|shape|bool"),
        ("while_loop float cond", lambda ns: ns.lax.while_loop(
            lambda c: c * 1.0, lambda c: c - 1, 3.0), r"cond|bool|type"),
        ("fori_loop carry dtype", lambda ns: ns.lax.fori_loop(
            0, 3, lambda i, c: c + 0.5, 0), r"carry|body|dtype|type"),
        # ---- array construction ----
        ("string array [sem16]", lambda ns: ns.jnp.array(["a", "b"]), r"str|type|dtype"),
        ("bytes array [sem16]", lambda ns: ns.jnp.array([b"a", b"b"]), r"bytes|type|dtype|S"),
        ("ragged array", lambda ns: ns.jnp.asarray([1.0, [2.0, 3.0]]),
         r"sequence|shape|ragged|inhomogeneous|setting"),
        ("object array", lambda ns: ns.jnp.asarray(object()), r"object|type"),
        ("zeros negative", lambda ns: ns.jnp.zeros((-1,)), r"negative|dimension|shape"),
        ("zeros float shape", lambda ns: ns.jnp.zeros(1.5), r"shape|int|float"),
        ("ones bad dtype", lambda ns: ns.jnp.ones((2,), dtype="foo"), r"dtype|type|foo"),
        ("linspace negative num", lambda ns: ns.jnp.linspace(0.0, 1.0, -1), r"num|negative"),
        ("arange zero step", lambda ns: ns.jnp.arange(0, 10, 0), r"step|zero|division"),
        ("full shape mismatch", lambda ns: ns.jnp.full((2,), ns.jnp.ones(3)),
         r"broadcast|shape"),
        # ---- nn ----
        ("softmax axis", lambda ns: ns.jax.nn.softmax(ns.jnp.ones(3), axis=2), r"axis"),
        ("one_hot float classes", lambda ns: ns.jax.nn.one_hot(ns.jnp.ones(3), 2.5),
         r"num_classes|int|concrete|float"),
    ]


def as_json_safe(exc):
    """What the golden file records of an exception: its class, its builtin bases, the
    message (for reading; tests compare classes and check their own patterns)."""
    return {"error": type(exc).__name__,
            "mro": [k.__name__ for k in type(exc).__mro__ if k is not object],
            "message": str(exc)[:500]}

