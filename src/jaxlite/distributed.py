"""jax.distributed: several processes under `mpiexec -n K`, joined through mpi4py."""
from ._src.distributed import initialize, shutdown, is_initialized
