"""orbax-checkpoint's quick start: save a pytree of arrays with a StandardCheckpointer
and restore it (with an abstract target), then a CheckpointManager keeping the latest
steps of a small training loop."""
import tempfile

import jax
import jax.numpy as jnp
import numpy as np
import orbax.checkpoint as ocp


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


state = {"params": {"w": jax.random.normal(jax.random.PRNGKey(0), (3, 2)),
                    "b": jnp.arange(2, dtype=jnp.float32)},
         "step": jnp.array(7, jnp.int32),
         "counts": np.arange(4, dtype=np.int64).astype(np.int32)}

with tempfile.TemporaryDirectory() as root:
    path = ocp.test_utils.erase_and_create_empty(root + "/checkpoint")
    checkpointer = ocp.StandardCheckpointer()
    checkpointer.save(path / "state", state)
    checkpointer.wait_until_finished()
    abstract = jax.tree_util.tree_map(ocp.utils.to_shape_dtype_struct, state)
    restored = checkpointer.restore(path / "state", abstract)
    report("standard.w", restored["params"]["w"])
    report("standard.b", restored["params"]["b"])
    report("standard.step", restored["step"])
    report("standard.counts", restored["counts"])
    report("standard.is_array", float(isinstance(restored["params"]["w"], jax.Array)))
    checkpointer.close()

    options = ocp.CheckpointManagerOptions(max_to_keep=2, save_interval_steps=1)
    with ocp.CheckpointManager(root + "/manager", options=options) as manager:
        params = {"w": jnp.ones((2, 2))}
        for step in range(4):
            params = jax.tree_util.tree_map(lambda p: p * 0.5 + step, params)
            manager.save(step, args=ocp.args.StandardSave(params))
        manager.wait_until_finished()
        report("manager.steps", jnp.array(manager.all_steps()))
        report("manager.latest", manager.latest_step())
        back = manager.restore(manager.latest_step(), args=ocp.args.StandardRestore(params))
        report("manager.restored", back["w"])
