"""jaxlite's primitives under JAX's names (`jax.extend.core.primitives`).

Custom interpreters key their rule tables by these objects, as they are the
`eqn.primitive` of jaxlite's Jaxprs:

    >>> from jaxlite.extend.core.primitives import mul_p
    >>> jaxpr = jax.make_jaxpr(lambda x: x * 2.0)(1.0)
    >>> jaxpr.eqns[0].primitive is mul_p
    True

JAX's `pjit_p` is jaxlite's `jit` primitive. JAX primitives jaxlite does not
have (its operations are expressed with others here, or the feature does not
exist on one CPU) are listed in MISSING with the reason; using one raises
NotImplementedError.
"""
# ruff: noqa: F401 (the imports are the table: PRIMITIVES collects them from globals())
from ..higher_order.control import cond_p, scan_p, while_p
from ..higher_order.custom import custom_jvp_call_p, custom_lin_p, custom_vjp_call_p
from ..higher_order.jit import jit_p, call_p, closed_call_p
from ..higher_order.remat import checkpoint_p, name_p
from ..higher_order.solves import linear_solve_p
from ..prims.bits import bitcast_convert_type_p, clz_p, reduce_precision_p
from ..prims.callback import pure_callback_p
from ..prims.complex import complex_p, conj_p, imag_p, real_p
from ..prims.conv import conv_general_dilated_p
from ..prims.cumulative import cumlogsumexp_p, cummax_p, cummin_p, cumprod_p, cumsum_p
from ..prims.debug import debug_callback_p
from ..prims.elementwise import (add_any_p, add_p, and_p, atan2_p, ceil_p, clamp_p,
                                 convert_element_type_p, div_p, eq_p, floor_p, ge_p, gt_p,
                                 integer_pow_p, is_finite_p, le_p, lt_p, max_p, min_p, mul_p,
                                 ne_p, neg_p, nextafter_p, not_p, or_p, population_count_p,
                                 round_p, select_n_p, shift_left_p,
                                 square_p, shift_right_arithmetic_p,
                                 shift_right_logical_p, sign_p, stop_gradient_p, sub_p, xor_p)
from ..prims.fft import fft_p
from ..prims.index import gather_p, scatter_p
from ..prims.linalg import dot_general_p
from ..prims.linalg_decomp import (cholesky_p, eig_p, eigh_p, hessenberg_p, lu_p, qr_p, svd_p,
                                   triangular_solve_p)
from ..prims.reduce import (argmax_p, argmin_p, reduce_and_p, reduce_max_p, reduce_min_p,
                            reduce_or_p, reduce_prod_p, reduce_sum_p, reduce_xor_p)
from ..prims.rng import rng_uniform_p
from ..prims.shape import (broadcast_in_dim_p, concatenate_p, iota_p, pad_p, reshape_p, rev_p,
                           slice_p, squeeze_p, transpose_p)
from ..prims.sort import sort_p, top_k_p
from ..prims.special import (bessel_i0e_p, bessel_i1e_p, digamma_p, erf_inv_p, erf_p, erfc_p,
                             igamma_grad_a_p, igamma_p, igammac_p, lgamma_p, polygamma_p,
                             regularized_incomplete_beta_p, zeta_p)
from ..prims.transcendental import (abs_p, acos_p, acosh_p, asin_p, asinh_p, atan_p, atanh_p,
                                    cbrt_p, cos_p, cosh_p, exp2_p, exp_p, expm1_p, log1p_p,
                                    log_p, logistic_p, pow_p, rem_p, rsqrt_p, sin_p, sinh_p,
                                    sqrt_p, tan_p, tanh_p)
from ..prims.windows import (reduce_window_max_p, reduce_window_min_p, reduce_window_sum_p,
                             select_and_gather_add_p, select_and_scatter_add_p)
from ..random.gamma import random_gamma_p
from ..prims.collectives import (all_gather_p, all_to_all_p, axis_index_p, pmax_p, pmin_p,
                                 ppermute_p, psum_p, psum_scatter_p, pbroadcast_p)
from ..prims.placement import sharding_constraint_p

PRIMITIVES = {name: value for name, value in globals().items() if name.endswith("_p")}
PRIMITIVES["pjit_p"] = jit_p          # JAX's older name of its jit primitive
PRIMITIVES["remat_p"] = checkpoint_p  # jax.checkpoint's primitive
PRIMITIVES["add_jaxvals_p"] = add_any_p  # JAX: add_jaxvals_p, printed add_any

_EXPRESSED = "jaxlite expresses {} with other primitives"
MISSING = {
    **{name: _EXPRESSED.format(what) for name, what in {
        "copy_p": "copies (arrays are immutable)", "dynamic_slice_p": "lax.dynamic_slice (as gather)",
        "dynamic_update_slice_p": "lax.dynamic_update_slice (as scatter)",
        "scatter_add_p": "scatter-add (one scatter primitive with a mode)",
        "scatter_mul_p": "scatter-mul (one scatter primitive with a mode)",
        "scatter_min_p": "scatter-min (one scatter primitive with a mode)",
        "scatter_max_p": "scatter-max (one scatter primitive with a mode)",
        "reduce_p": "lax.reduce (as the specific reductions or a loop)",
        "reduce_window_p": "lax.reduce_window with a custom computation",
        "select_and_scatter_p": "select_and_scatter (as select_and_scatter_add)",
        "eq_to_p": "eq_to", "le_to_p": "le_to", "lt_to_p": "lt_to",
        "empty2_p": "empty", "name_p": "names",
        "cumlogsumexp_p": "cumlogsumexp",
        "householder_product_p": "householder_product (as qr)", "schur_p": "schur",
        "tridiagonal_p": "tridiagonal", "tridiagonal_solve_p": "tridiagonal_solve",
        "approx_top_k_p": "approx_max_k (as top_k)", "exp2_p": "exp2",
        "random_bits_p": "random bits (threefry on integer arrays)",
        "random_seed_p": "random keys (threefry on integer arrays)",
        "random_split_p": "key splitting (threefry on integer arrays)",
        "random_fold_in_p": "fold_in (threefry on integer arrays)",
        "threefry2x32_p": "threefry2x32 (as integer primitives)",
        "rng_bit_generator_p": "rng_bit_generator",
        "get_p": "state references", "swap_p": "state references",
        "device_put_p": "device_put (arrays are host arrays)",
        "create_token_p": "tokens", "after_all_p": "tokens",
    }.items()},
    "ragged_all_to_all_p": "ragged_all_to_all is not implemented",
}
for _name in PRIMITIVES:
    MISSING.pop(_name, None)


def primitive(name):
    """The primitive JAX calls `name` (e.g. "add_p"), or NotImplementedError saying why
    jaxlite has none, or AttributeError for a name JAX does not have either."""
    if name in PRIMITIVES:
        return PRIMITIVES[name]
    if name in MISSING:
        raise NotImplementedError(f"jax.extend.core.primitives.{name}: {MISSING[name]}, "
                                  "so it has no such primitive.")
    raise AttributeError(f"module 'jax.extend.core.primitives' has no attribute {name!r}")
