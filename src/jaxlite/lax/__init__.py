"""jaxlite.lax: the jax.lax API."""
from .._src.lax_api import *  # noqa: F401,F403
from .._src.lax_api import (abs, max, min, pow, round, slice)  # names shadowing builtins
from .._src.prims.elementwise import (add_p, sub_p, mul_p, div_p, neg_p, exp_p, log_p, sin_p,
                                      cos_p, tanh_p, max_p, min_p, integer_pow_p, pow_p,
                                      select_n_p, convert_element_type_p, stop_gradient_p)
from .._src.prims.linalg import dot_general_p
from .._src.prims.reduce import reduce_sum_p, reduce_max_p, reduce_min_p
from .._src.prims.shape import (broadcast_in_dim_p, reshape_p, transpose_p, squeeze_p,
                                concatenate_p)
# control flow (issue 4)
from .._src.lax_control import (cond, switch, while_loop, fori_loop, scan, map,
                                associative_scan)
from .._src.prims.control import cond_p, scan_p, while_p
