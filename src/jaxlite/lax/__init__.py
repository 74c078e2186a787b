"""jaxlite.lax: the jax.lax API, re-exported family by family from jaxlite._src.lax."""
import importlib as _importlib

from .._src.lax.lax import *  # noqa: F401,F403
from .._src.lax.lax import (abs, max, min, pow, round, slice)  # names shadowing builtins
from .._src.lax.slicing import *  # noqa: F401,F403
from .._src.lax.solves import *  # noqa: F401,F403
from .._src.lax.structure import *  # noqa: F401,F403
from .._src.lax.dot import *  # noqa: F401,F403
from .._src.lax.reduce import *  # noqa: F401,F403
from .._src.lax.effects import *  # noqa: F401,F403
from .._src.lax.parallel import *  # noqa: F401,F403
from .._src.prims.collectives import (psum_p, pmax_p, pmin_p, all_gather_p, psum_scatter_p,
                                     all_to_all_p, ppermute_p, axis_index_p, pbroadcast_p)
from .._src.prims.elementwise import add_p, sub_p, mul_p, div_p, neg_p, max_p, min_p, integer_pow_p, select_n_p, convert_element_type_p, stop_gradient_p
from .._src.prims.transcendental import exp_p, log_p, sin_p, cos_p, tanh_p, pow_p
from .._src.prims.linalg import dot_general_p
from .._src.prims.reduce import reduce_sum_p, reduce_max_p, reduce_min_p
from .._src.prims.shape import (broadcast_in_dim_p, reshape_p, transpose_p, squeeze_p,
                                concatenate_p)
# control flow
from .._src.lax.control_flow import (cond, switch, while_loop, fori_loop, scan, map,
                                     associative_scan)
from .._src.higher_order.control import cond_p, scan_p, while_p
# special functions
from .._src.lax.special import (erf, erfc, erf_inv, lgamma, digamma, bessel_i0e, bessel_i1e,
                                polygamma, zeta, igamma, igammac, igamma_grad_a, betainc,
                                random_gamma_grad)
from .._src.prims.special import (erf_p, erfc_p, erf_inv_p, lgamma_p, digamma_p, polygamma_p,
                                  zeta_p, igamma_p, igammac_p, igamma_grad_a_p,
                                  random_gamma_grad_p, regularized_incomplete_beta_p,
                                  bessel_i0e_p, bessel_i1e_p)
# cumulative reductions, sorting, windowed reductions, convolutions
from .._src.lax.cumulative import cumsum, cumprod, cummax, cummin, cumlogsumexp
from .._src.lax.sorting import sort, sort_key_val, top_k, approx_max_k, approx_min_k
from .._src.lax.windows import reduce_window, reduce_window_shape_tuple, padtype_to_pads
from .._src.lax.convolution import (conv_general_dilated, conv, conv_with_general_padding,
                                    conv_transpose, conv_dimension_numbers,
                                    conv_general_permutations, conv_shape_tuple,
                                    conv_general_shape_tuple, conv_transpose_shape_tuple,
                                    conv_general_dilated_patches, conv_general_dilated_local,
                                    ConvDimensionNumbers, ConvGeneralDilatedDimensionNumbers)
from .._src.prims.cumulative import cumsum_p, cumprod_p, cummax_p, cummin_p, cumlogsumexp_p
from .._src.prims.sort import sort_p, top_k_p
from .._src.prims.windows import (reduce_window_sum_p, reduce_window_max_p, reduce_window_min_p,
                                  select_and_gather_add_p, select_and_scatter_add_p)
from .._src.prims.conv import conv_general_dilated_p
# complex numbers and FFTs
from .._src.lax.complex import real, imag, conj, complex
from .._src.prims.complex import real_p, imag_p, conj_p, complex_p
from .._src.lax.fft import fft
from .._src.prims.fft import FftType, fft_p

# Loaded on first use (keeps `import jaxlite.lax` light): the jax.lax.linalg submodule, and
# rng_bit_generator, whose threefry stream lives in the random layer above lax.
_lazy = {"linalg": ("jaxlite.lax.linalg", None),
         "rng_bit_generator": ("jaxlite._src.random.bit_generator", "rng_bit_generator")}


def __getattr__(name):
    if name in _lazy:
        module, attribute = _lazy[name]
        module = _importlib.import_module(module)
        return module if attribute is None else getattr(module, attribute)
    if name.endswith("_p"):
        # Every primitive JAX's lax exports (atanh_p, sqrt_p, ...): jax.extend's table of
        # jaxlite's primitives by JAX's names, which also says why one is missing.
        primitives = _importlib.import_module("jaxlite._src.extend.primitives")
        return primitives.primitive(name)
    raise AttributeError(f"module 'jaxlite.lax' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"rng_bit_generator"})
