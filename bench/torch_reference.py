#!/usr/bin/env python
"""torch.func reference implementations of the benchmark's jitted steady states.

The performance target is "jitted steady state at most 1.0x the best of JAX and
torch.func". This module writes the steady-state workloads of workloads.py
idiomatically in torch + torch.func (grad, vmap, jacfwd, jacrev, jvp,
functional_call), on the same NumPy-generated float32 inputs (workloads.py's own
input builders, given a `jnp` stand-in that makes torch tensors), so that run.py
can time torch next to jaxlite and JAX in the same run (`run.py --torch`).

Each reference has two forms:

  eager    the torch.func composition, called as is (op-by-op dispatch);
  compile  the same function under `torch.compile` (TorchDynamo + Inductor,
           which generates C++ through gcc on CPU); its first call compiles.

torch is optional: nothing in jaxlite imports it, and run.py imports this module
only under `--torch`. torch runs on one thread (`torch.set_num_threads(1)`),
as jaxlite and JAX do in run.py.

Run alone, it prints each form's time, torch.compile's first-call (compile) time
and the agreement with jaxlite's output, per workload:

    /tmp/jaxref/bin/python bench/torch_reference.py [--only SUBSTRING] [--forms eager,compile]
"""
import os
import sys
import types
from dataclasses import dataclass
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if __name__ == "__main__":  # pin BLAS threads through the environment before NumPy loads
    import run  # noqa: F401

import numpy as np
import torch
import torch.nn.functional as F
from torch.func import functional_call, grad, grad_and_value, jacfwd, jacrev, jvp, vmap

import workloads as W  # noqa: E402

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:  # only settable before torch's first parallel work
    pass

FORMS = ("eager", "compile")


# --- inputs: workloads.py's builders, with torch tensors for jnp arrays ----------------------

def _tensor(value):
    array = np.asarray(value)
    if array.dtype == np.float64:  # JAX's default float (x64 off): Python floats are float32
        array = array.astype(np.float32)
    return torch.from_numpy(np.array(array, order="C", copy=True))  # 0-d stays 0-d


# Stands in for `jnp` in workloads.py's input builders (they use only these three).
TORCH_ARRAYS = types.SimpleNamespace(asarray=_tensor, array=_tensor,
                                     stack=lambda values: torch.stack(list(values)))


def to_numpy(tree):
    """Tensors -> NumPy arrays, through dicts, lists and tuples."""
    if isinstance(tree, dict):
        return {key: to_numpy(value) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(to_numpy(item) for item in tree)
    return tree.detach().numpy() if isinstance(tree, torch.Tensor) else tree


# --- registry ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    name: str  # the workloads.py workload it stands beside
    make: Callable  # make() -> (function, args): function(*args) is one call
    to_reference: Callable = to_numpy  # output -> NumPy, in the workload's layout

    def build(self, form):
        """A thunk doing one call in `form` ('eager' or 'compile'); the first call of a
        'compile' thunk compiles."""
        function, args = self.make()
        if form == "compile":
            # Dynamo caches compiled code per code object, and every torch.func wrapper
            # (vmap's, grad's, ...) shares one: without a reset, a later workload would
            # recompile the same code with dynamic shapes, and past the recompile limit
            # fall back to eager. Static shapes, as the jits beside it specialize.
            torch._dynamo.reset()
            function = torch.compile(function, dynamic=False)
        elif form != "eager":
            raise ValueError(form)

        return lambda: function(*args)


REFERENCES = {}
_WORKLOAD_NAMES = {work.name for work in W.WORKLOADS}


def reference(name, to_reference=to_numpy):
    assert name in _WORKLOAD_NAMES, f"no workload named {name!r} in workloads.py"

    def register(make):
        REFERENCES[name] = Reference(name, make, to_reference)
        return make
    return register


def _name_of(build):
    return next(work.name for work in W.WORKLOADS if work.build is build)


# --- 1. TD(0) per-example gradients ------------------------------------------------------------

@reference(_name_of(W.td_jit))
def td():
    def td_loss(theta, s_tm1, r_t, s_t):
        v_tm1 = theta @ s_tm1
        target = r_t + theta @ s_t
        return -0.5 * (target.detach() - v_tm1) ** 2
    return vmap(grad(td_loss), in_dims=(None, 0, 0, 0)), W._td_inputs(TORCH_ARRAYS)


# --- 3. MLP 784-512-10 per-example gradients ---------------------------------------------------

class MLP(torch.nn.Module):
    """784-512-10, tanh; parameters named and shaped as workloads.py's dict (x @ W1)."""

    def __init__(self):
        super().__init__()
        self.W1 = torch.nn.Parameter(torch.empty(784, 512))
        self.b1 = torch.nn.Parameter(torch.empty(512))
        self.W2 = torch.nn.Parameter(torch.empty(512, 10))
        self.b2 = torch.nn.Parameter(torch.empty(10))

    def forward(self, x):
        return torch.tanh(x @ self.W1 + self.b1) @ self.W2 + self.b2


@reference(_name_of(W.mlp_jit))
def mlp():
    model = MLP()

    def loss(params, x, y):  # one example, as in torch's per-sample-gradients tutorial
        logits = functional_call(model, params, (x,))
        return -(y * F.log_softmax(logits, dim=-1)).sum()
    return vmap(grad(loss), in_dims=(None, 0, 0)), W._mlp_inputs(TORCH_ARRAYS)


# --- 4. Hessians -------------------------------------------------------------------------------

def _hessian_reference(outer, inner):
    transforms = {"jacfwd": jacfwd, "jacrev": jacrev}
    name = f"Hessian {outer}({inner}(f)), x in R^{W.HESSIAN_SIZE}, jit steady state"

    @reference(name)
    def make():
        f_jax, x = W._hessian_problem(TORCH_ARRAYS)
        A = f_jax.__closure__[f_jax.__code__.co_freevars.index("A")].cell_contents

        def f(x):
            return torch.tanh(A @ x).pow(2).sum()
        return transforms[outer](transforms[inner](f)), (x,)


for _outer, _inner in (("jacfwd", "jacrev"), ("jacrev", "jacrev"), ("jacrev", "jacfwd")):
    _hessian_reference(_outer, _inner)


# --- 5. Hessian-vector products at n = 10^6 ----------------------------------------------------

def _hvp_reference(kind):
    name = f"HVP {kind} (`{W.HVP_KINDS[kind]}`), n = 10^6, jit steady state"

    def f(x):
        return (torch.sin(x) * x ** 2).sum() + 0.5 * (x @ x)

    if kind == "rev-over-rev":
        def hvp(x, v):
            return grad(lambda x: torch.vdot(grad(f)(x), v))(x)
    else:
        def hvp(x, v):
            return jvp(grad(f), (x,), (v,))[1]

    @reference(name)
    def make():
        return hvp, W.hvp_inputs(TORCH_ARRAYS)


for _kind in W.HVP_KINDS:
    _hvp_reference(_kind)


# --- 6. Jacobians of tanh(W @ x) ---------------------------------------------------------------

def _jacobian_reference(mode_name, n_in, n_out):
    transform = {"jacfwd": jacfwd, "jacrev": jacrev}[mode_name]

    @reference(f"{mode_name} of tanh(W @ x), R^{n_in} -> R^{n_out}, jit steady state")
    def make():
        return (transform(lambda x, W: torch.tanh(W @ x)),
                W._jacobian_inputs(TORCH_ARRAYS, n_in, n_out))


for _n_in, _n_out in W.JACOBIAN_SHAPES:
    for _mode_name in ("jacfwd", "jacrev"):
        _jacobian_reference(_mode_name, _n_in, _n_out)


# --- 7. MAML meta-gradient ---------------------------------------------------------------------

@reference(_name_of(W.maml_jit))
def maml():
    def net(params, x):
        h = x
        for weight, bias in params[:-1]:
            h = torch.relu(h @ weight + bias)
        weight, bias = params[-1]
        return h @ weight + bias

    def loss_fn(params, data):
        x, y = data
        return ((net(params, x) - y) ** 2).mean()

    def meta_loss_fn(params, data):
        grads = grad(loss_fn)(params, data)
        updated = [(w - W.MAML_INNER_LR * gw, b - W.MAML_INNER_LR * gb)
                   for (w, b), (gw, gb) in zip(params, grads)]
        return loss_fn(updated, data)
    return grad(meta_loss_fn), W._maml_inputs(TORCH_ARRAYS)


# --- 8. CNN training step ----------------------------------------------------------------------
#
# torch's native layouts: NCHW images, OIHW conv weights, and dense rows in the (c, h, w)
# order of an NCHW flatten. Inputs are converted once, outside the timed call; gradients are
# converted back to workloads.py's NHWC/HWIO layout only for the comparison.

_POOLED = (W.CNN_FILTERS, 13, 13)  # (c, h, w) after the 2x2 pool


def _cnn_to_reference(output):
    value, grads = to_numpy(output)
    c, h, w = _POOLED
    grads = dict(grads)
    grads["conv_w"] = np.ascontiguousarray(grads["conv_w"].transpose(2, 3, 1, 0))  # -> HWIO
    grads["dense_w"] = np.ascontiguousarray(  # (c, h, w) rows -> (h, w, c) rows
        grads["dense_w"].reshape(c, h, w, 10).transpose(1, 2, 0, 3).reshape(c * h * w, 10))
    return value, grads


@reference(_name_of(W.cnn_jit), to_reference=_cnn_to_reference)
def cnn():
    params, images, labels = W._cnn_inputs(TORCH_ARRAYS)
    c, h, w = _POOLED
    params = {
        "conv_w": params["conv_w"].permute(3, 2, 0, 1).contiguous(),  # HWIO -> OIHW
        "conv_b": params["conv_b"],
        "dense_w": params["dense_w"].reshape(h, w, c, 10).permute(2, 0, 1, 3)
                                    .reshape(c * h * w, 10).contiguous(),
        "dense_b": params["dense_b"],
    }
    images = images.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW

    def loss(params, images, labels):
        h = F.relu(F.conv2d(images, params["conv_w"], params["conv_b"]))
        h = F.max_pool2d(h, 2, 2).flatten(1)
        logits = h @ params["dense_w"] + params["dense_b"]
        return -(labels * F.log_softmax(logits, dim=1)).sum(dim=1).mean()

    def value_and_grad(params, images, labels):
        grads, value = grad_and_value(loss)(params, images, labels)
        return value, grads
    return value_and_grad, (params, images, labels)


# --- standalone report -------------------------------------------------------------------------

def main(argv=None):
    """Each reference in each form: time per call (median of repeats), the first call's
    time (for 'compile': the compile), and agreement with jaxlite's output."""
    import argparse
    import run
    parser = argparse.ArgumentParser(description=main.__doc__.split(":")[0])
    parser.add_argument("--only", action="append", metavar="SUBSTRING")
    parser.add_argument("--forms", default=",".join(FORMS))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    forms = args.forms.split(",")
    jaxlite = run.load_libraries(with_jax=False)[0]
    print("| workload | " + " | ".join(forms) + " | torch.compile first call | "
          "agrees with jaxlite |")
    print("| --- |" + " ---: |" * (len(forms) + 1) + " --- |")
    for name, ref in REFERENCES.items():
        if args.only and not any(s.lower() in name.lower() for s in args.only):
            continue
        work = next(w for w in W.WORKLOADS if w.name == name)
        expected = run.leaves(jaxlite.jax.block_until_ready(work.build(jaxlite.jax,
                                                                       jaxlite.jnp)()))
        cells, compile_cell, agree = [], "—", []
        for form in forms:
            library = run.Library(**library_fields(form))
            measurement = run.prepare(library, work)
            for _ in range(args.repeats if not measurement.error else 0):
                measurement.samples.append(run.take_sample(library, work, measurement))
            if measurement.error:
                cells.append("FAIL: " + measurement.error)
                continue
            cells.append(run.format_seconds(measurement.median))
            if form == "compile":
                compile_cell = run.format_seconds(measurement.first_call_seconds)
            got = run.leaves(measurement.output)
            same = len(got) == len(expected) and all(
                np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=work.rtol, atol=work.atol)
                for a, b in zip(got, expected))
            agree.append(f"{form}: {'ok' if same else 'MISMATCH'}")
        print(f"| {name} | " + " | ".join(cells) + f" | {compile_cell} | {', '.join(agree)} |",
              flush=True)
    return 0


def library_fields(form):
    """run.py's Library fields for one torch form: builds from REFERENCES (None where a
    workload has none), outputs converted to NumPy in the workload's layout."""
    version = torch.__version__ if form == "eager" else "(Inductor, C++ via gcc)"
    namespace = types.SimpleNamespace(block_until_ready=lambda tree: tree,  # CPU: synchronous
                                      __version__=version)
    return dict(
        name="torch.func" if form == "eager" else "torch.compile",
        jax=namespace, jnp=None,
        build=lambda work: REFERENCES[work.name].build(form) if work.name in REFERENCES else None,
        convert=lambda work, output: REFERENCES[work.name].to_reference(output))


if __name__ == "__main__":
    sys.exit(main())
