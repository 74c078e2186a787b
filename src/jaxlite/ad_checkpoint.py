"""jaxlite.ad_checkpoint: checkpoint, checkpoint_name, checkpoint_policies."""
from ._src.checkpoint import (checkpoint, remat, checkpoint_name, checkpoint_policies,
                              print_saved_residuals, saved_residuals)
