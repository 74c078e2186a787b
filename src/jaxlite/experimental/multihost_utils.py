"""jax.experimental.multihost_utils: data between the processes of jax.distributed."""
from .._src.multihost_utils import (process_allgather, broadcast_one_to_all,
                                    sync_global_devices, host_local_array_to_global_array,
                                    global_array_to_host_local_array,
                                    reached_preemption_sync_point)
