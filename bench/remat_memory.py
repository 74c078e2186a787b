"""Peak memory of the gradient of a deep MLP, with and without jax.checkpoint.

    PYTHONPATH=src python bench/remat_memory.py                 # 50 layers, width 512, batch 64
    PYTHONPATH=src python bench/remat_memory.py --batch 512     # activations dominate
    PYTHONPATH=src python bench/remat_memory.py --jit           # jit(grad(...)) instead

Reverse mode keeps every residual of the forward pass (here, per layer, the layer's
input and tanh's derivative) until the backward pass uses it, so the plain gradient's
memory grows with depth. `jax.checkpoint` keeps only a block's inputs and recomputes
the rest during the backward pass: less memory, one more forward pass of compute.

Each variant runs in its own subprocess (so one's caches and freed-but-kept memory
cannot flatter another) and measures, with tracemalloc (NumPy reports its array
allocations to it), the peak of memory allocated during one gradient call, after an
untimed one (a jit's compile and jaxlite's modules loaded on first use excluded). The
parameters and the input exist before tracing starts and are not counted; the
gradient itself (the same size in every variant) is. Every variant's gradient is
checked against the plain one with np.allclose.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np

VARIANTS = {
    "plain": "no checkpoint",
    "blocks": "checkpoint every block of {block} layers",
    "per_layer": "checkpoint every layer",
    "per_layer_dots": "checkpoint every layer, policy dots_saveable",
}


def build(variant, layers, width, batch, block, jit):
    import jaxlite as jax
    import jaxlite.numpy as jnp

    rng = np.random.RandomState(0)
    params = [(jnp.asarray((rng.randn(width, width) / np.sqrt(width)).astype(np.float32)),
               jnp.asarray((0.1 * rng.randn(width)).astype(np.float32))) for _ in range(layers)]
    x = jnp.asarray(rng.randn(batch, width).astype(np.float32))

    def layer(W, b, h):
        return jnp.tanh(h @ W + b)

    def block_fn(block_params, h):
        for W, b in block_params:
            h = layer(W, b, h)
        return h

    if variant == "plain":
        forward = lambda params, h: block_fn(params, h)
    elif variant == "blocks":
        checkpointed_block = jax.checkpoint(block_fn)

        def forward(params, h):
            for start in range(0, len(params), block):
                h = checkpointed_block(params[start:start + block], h)
            return h
    else:
        policy = jax.checkpoint_policies.dots_saveable if variant == "per_layer_dots" else None
        checkpointed_layer = jax.checkpoint(layer, policy=policy)

        def forward(params, h):
            for W, b in params:
                h = checkpointed_layer(W, b, h)
            return h

    loss = lambda params, h: jnp.mean(forward(params, h) ** 2)
    gradient = jax.grad(loss)
    if jit:
        gradient = jax.jit(gradient)
    return gradient, params, x


def run_child(args):
    gradient, params, x = build(args.child, args.layers, args.width, args.batch, args.block,
                                args.jit)
    # One untimed call first: it compiles a jit, and loads the modules jaxlite loads on first
    # use (the pass pipeline, ...), whose code and data tracemalloc would otherwise count.
    gradient(params, x)
    tracemalloc.start()
    grads = gradient(params, x)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # timed separately (tracing every allocation slows Python code down several times);
    # the best of 3 calls, as this machine is shared
    seconds = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        gradient(params, x)
        seconds = min(seconds, time.perf_counter() - start)
    leaves = [np.asarray(leaf) for pair in grads for leaf in pair]
    np.savez(args.out, *leaves)
    print(json.dumps({"peak": peak, "result": sum(l.nbytes for l in leaves),
                      "seconds": seconds}))


def run_variant(variant, args, out):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", variant, "--out", out,
           "--layers", str(args.layers), "--width", str(args.width), "--batch", str(args.batch),
           "--block", str(args.block)] + (["--jit"] if args.jit else [])
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")  # one BLAS thread, as bench/run.py: comparable timings
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{variant} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", type=int, default=50)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--block", type=int, default=5, help="layers per checkpointed block")
    parser.add_argument("--jit", action="store_true", help="measure jit(grad(loss))")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args)

    mib = 2.0 ** 20
    activation = args.batch * args.width * 4
    print(f"{'jit(grad)' if args.jit else 'grad'} of a {args.layers}-layer tanh MLP, width "
          f"{args.width}, batch {args.batch} (one activation: {activation / mib:.2f} MiB; "
          f"parameters: {args.layers * (args.width + 1) * args.width * 4 / mib:.0f} MiB)\n")
    print("| variant | peak traced memory | peak minus the gradient itself | time | "
          "same gradient |")
    print("| --- | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        reference = None
        for variant, label in VARIANTS.items():
            out = os.path.join(tmp, f"{variant}.npz")
            result = run_variant(variant, args, out)
            with np.load(out) as data:
                grads = [data[k] for k in sorted(data.files, key=lambda k: int(k.split("_")[1]))]
            if reference is None:
                reference, same = grads, "(reference)"
            else:
                same = "yes" if all(np.allclose(a, b, rtol=1e-4, atol=1e-7)
                                    for a, b in zip(grads, reference)) else "NO"
            print(f"| {label.format(block=args.block)} | {result['peak'] / mib:.1f} MiB | "
                  f"{(result['peak'] - result['result']) / mib:.1f} MiB | "
                  f"{result['seconds']:.2f} s | {same} |", flush=True)


if __name__ == "__main__":
    main()
