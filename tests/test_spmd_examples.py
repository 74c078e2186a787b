"""The multi-device examples (examples/data_parallel_mlp.py, model_parallel_matmul.py) on
the eight devices of the `cpu_devices` fixture: data-parallel training follows the
single-device loss trajectory, model-parallel products equal the unsplit ones."""
import importlib.util
import os

import numpy as np

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_parallel_training_follows_the_single_device_losses(cpu_devices, capsys):
    from jaxlite._src import sharding
    example = load("data_parallel_mlp")
    for n in (2, 4, 8):
        sharding._devices.reset(n)  # as jax_num_cpu_devices=n (the fixture restores it)
        runs = example.main(steps=8)
        assert f"pmap on {n}" in runs and f"jit(shard_map) on {n}" in runs
        single = np.array(runs["one device"])
        assert single[-1] < 0.6 * single[0]  # it trains
        for losses in runs.values():
            np.testing.assert_allclose(losses, single, rtol=2e-6)
    # recorded from JAX 0.10.2 (4 devices; all four runs print these)
    np.testing.assert_allclose(runs["one device"][:3], [0.703227, 0.475633, 0.429591],
                               rtol=1e-5)
    assert "largest relative difference" in capsys.readouterr().out


def test_model_parallel_products_equal_the_unsplit_ones(cpu_devices, capsys):
    C, R, y, g, g_dense = load("model_parallel_matmul").main()
    assert repr(C.sharding.spec) == "P('x',)"  # as JAX reports jit(shard_map)'s result
    assert float(np.max(np.abs(np.asarray(C) - np.asarray(R)))) < 1e-5
    for a, b in zip(g, g_dense):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert "Megatron MLP gradients" in capsys.readouterr().out
