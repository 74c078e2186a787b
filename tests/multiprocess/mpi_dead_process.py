"""A process that dies must not leave the others waiting: run under `mpiexec -n 2` with
JAXLITE_COLLECTIVE_TIMEOUT=2. Process 1 exits before the collective; process 0's psum
raises JaxRuntimeError after the time-out, prints it, and the MPI job ends (aborted)
instead of hanging. The CI checks the message and that the job stops."""
import sys

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite.errors import JaxRuntimeError

jax.distributed.initialize()
if jax.process_index() == 1:
    sys.exit(0)  # leaves early
try:
    jax.pmap(lambda v: lax.psum(v, "i"), axis_name="i")(jnp.ones((1, 3)))
except JaxRuntimeError as error:
    print("process 0:", error, flush=True)
    sys.exit(3)
print("process 0: the collective finished without process 1", flush=True)
