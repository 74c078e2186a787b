"""jax.random's other samplers: argument checks and dtype/shape rules as in JAX, the
elementwise algorithms of samplers.py (run by dispatch.py: jitted and cached per static
arguments for concrete keys, traced inline otherwise), and the samplers built from them with sorting, reductions or linear
algebra (categorical, choice, permutation, multivariate_normal, orthogonal, ...).

    >>> key = jax.random.key(0)
    >>> jax.random.exponential(key, (3,)).round(4)
    Array([2.9501, 3.8434, 0.4039], dtype=float32)
    >>> jax.random.categorical(key, jnp.log(jnp.array([0.2, 0.3, 0.5])), shape=(4,))
    Array([1, 1, 2, 1], dtype=int32)
"""
import math
import operator

import numpy as np

from .. import core, dtypes
from ..core import Tracer
from ..conversion import asarray, check_arraylike, promote_inexact
from ..lax.lax import stop_gradient
from ..lax.sorting import top_k, sort_key_val
from ..numpy_api import (contractions, creation, cumulative, indexing, linalg, reductions,
                         shapes, sorting, ufuncs)
from . import ops_lax, samplers, threefry
from .api import (_single_key, _shape, _float_dtype, _scalar_arg, split, randint, uniform,
                  normal)
from .dispatch import sample
from .gamma import random_gamma_p


def _params(*xs):
    """Sampler parameters as values the backends take (NumPy for concrete arrays)."""
    return [_scalar_arg(x) if not isinstance(x, (int, float)) else np.asarray(x)
            for x in xs]


def _check_shape(name, shape, *param_shapes):
    if param_shapes:
        try:
            broadcast = tuple(np.broadcast_shapes(tuple(shape), *param_shapes))
        except ValueError:
            raise ValueError(f"Incompatible shapes for broadcasting: shapes="
                             f"{[tuple(shape)] + [tuple(s) for s in param_shapes]}") from None
        if tuple(shape) != broadcast:
            raise ValueError(
                f"{name} parameter shapes must be broadcast-compatible with shape argument, "
                f"and the result of broadcasting the shapes must equal the shape argument, "
                f"but got result {broadcast} for shape argument {tuple(shape)}.")


def _check_broadcast_shapes(name, shape, *args):
    arg_shapes = [tuple(np.shape(a)) for a in args]
    if shape is None:
        return tuple(np.broadcast_shapes(*arg_shapes)) if arg_shapes else ()
    shape = _shape(shape, name)
    _check_shape(name, shape, *arg_shapes)
    return shape


TypePromotionError = dtypes.TypePromotionError  # a sampler parameter cannot be safely cast


def _check_all_safe_to_cast(name, dtype, *args):
    for arg in args:
        arg_dtype = dtypes.canonicalize_dtype(core.get_aval(arg).dtype)
        if arg_dtype != dtype and dtypes.result_type(arg, dtype) != dtype:
            raise TypePromotionError(f"In arguments to {name}, cannot safely cast argument of "
                                     f"type {arg_dtype} to {dtype}")


def _int_dtype(dtype, name):
    dtype = dtypes.canonicalize_dtype(dtypes.default_int_dtype() if dtype is None else dtype)
    return dtype


def _run(name, fn, key, *args, params=(), **kwargs):
    """fn(key data, *params, *args) of samplers.py on the right backend, wrapped."""
    data = _single_key(key, name)
    with np.errstate(all="ignore"):  # JAX is silent about inf/NaN intermediates
        return sample(fn, (data, *_params(*params)), args, kwargs)


# ---- elementwise transforms ---------------------------------------------------------------------
def exponential(key, shape=(), dtype=None):
    """Exponential(1) samples: -log1p(-u)."""
    dtype = _float_dtype(dtype, "exponential")
    return _run("exponential", samplers.exponential, key, _shape(shape, "exponential"), dtype)


def laplace(key, shape=(), dtype=None):
    """Laplace(0, 1) samples."""
    dtype = _float_dtype(dtype, "laplace")
    return _run("laplace", samplers.laplace, key, _shape(shape, "laplace"), dtype)


def logistic(key, shape=(), dtype=None):
    """Standard logistic samples: log(u) - log1p(-u)."""
    dtype = _float_dtype(dtype, "logistic")
    return _run("logistic", samplers.logistic, key, _shape(shape, "logistic"), dtype)


def gumbel(key, shape=(), dtype=None, mode=None):
    """Standard Gumbel samples: -log(-log(u)) (mode "high" for more resolution near 1)."""
    dtype = _float_dtype(dtype, "gumbel")
    mode = "low" if mode is None else mode
    if mode not in ("highest", "high", "low"):
        raise ValueError(f"Must provide valid mode for gumbel got: {mode}")
    if mode == "highest":
        mode = "high"  # jaxlite draws "highest" like "high" (see the README's differences)
    return _run("gumbel", samplers.gumbel, key, _shape(shape, "gumbel"), dtype, mode)


def cauchy(key, shape=(), dtype=None):
    """Standard Cauchy samples: tan(pi (u - 1/2))."""
    dtype = _float_dtype(dtype, "cauchy")
    return _run("cauchy", samplers.cauchy, key, _shape(shape, "cauchy"), dtype)


def truncated_normal(key, lower, upper, shape=None, dtype=None):
    """Standard normal samples truncated to (lower, upper)."""
    dtype = _float_dtype(dtype, "truncated_normal")
    if shape is None:
        shape = tuple(np.broadcast_shapes(np.shape(lower), np.shape(upper)))
    else:
        shape = _shape(shape, "truncated_normal")
        _check_shape("truncated_normal", shape, np.shape(lower), np.shape(upper))
    return _run("truncated_normal", samplers.truncated_normal, key, shape, dtype,
                params=(lower, upper))


def rademacher(key, shape=(), dtype=None):
    """-1 or +1 with equal probability, as integers (default int dtype)."""
    dtype = _int_dtype(dtype, "rademacher") if dtype is None else dtypes.canonicalize_dtype(dtype)
    return _run("rademacher", samplers.rademacher, key, _shape(shape, "rademacher"), dtype,
                dtypes.default_float_dtype())


def rayleigh(key, scale, shape=None, dtype=None):
    """Rayleigh samples with the given scale: scale * sqrt(-2 log u)."""
    dtype = _float_dtype(dtype, "rayleigh")
    shape = _check_broadcast_shapes("rayleigh", shape, scale)
    _check_all_safe_to_cast("rayleigh", dtype, scale)
    return _run("rayleigh", samplers.rayleigh, key, shape, dtype, params=(scale,))


def pareto(key, b, shape=None, dtype=None):
    """Pareto(b) samples: exp(e / b), e exponential."""
    dtype = _float_dtype(dtype, "pareto")
    shape = _check_broadcast_shapes("pareto", shape, b)
    _check_all_safe_to_cast("pareto", dtype, b)
    return _run("pareto", samplers.pareto, key, shape, dtype, params=(b,))


def lognormal(key, sigma=np.float32(1), shape=None, dtype=None):
    """Log-normal samples exp(sigma * n)."""
    dtype = _float_dtype(dtype, "lognormal")
    shape = _check_broadcast_shapes("lognormal", shape, sigma)
    _check_all_safe_to_cast("lognormal", dtype, sigma)
    return _run("lognormal", samplers.lognormal, key, shape, dtype, params=(sigma,))


def maxwell(key, shape=(), dtype=None):
    """Maxwell samples: the norm of three standard normals."""
    dtype = _float_dtype(dtype, "maxwell")
    return _run("maxwell", samplers.maxwell, key, _shape(shape, "maxwell"), dtype)


def double_sided_maxwell(key, loc, scale, shape=(), dtype=None):
    """Double-sided Maxwell samples: random sign * maxwell * scale + loc."""
    dtype = _float_dtype(dtype, "double_sided_maxwell")
    params_shape = tuple(np.broadcast_shapes(np.shape(loc), np.shape(scale)))
    shape = _shape(shape, "double_sided_maxwell")
    if not shape:
        shape = params_shape
    shape = shape + params_shape
    data = _single_key(key, "double_sided_maxwell")
    maxwell_key, sign_key = split_data(data)
    m = maxwell(maxwell_key, shape, dtype)
    sign = rademacher(sign_key, shape, dtype)
    return sign * m * scale + loc


def weibull_min(key, scale, concentration, shape=(), dtype=None):
    """Weibull samples: (-log1p(-u)) ** (1 / concentration) * scale."""
    dtype = _float_dtype(dtype, "weibull_min")
    e = exponential(key, _shape(shape, "weibull_min"), dtype)
    return ufuncs.power(e, 1.0 / concentration) * scale


def triangular(key, left, mode, right, shape=None, dtype=None):
    """Triangular samples on [left, right] with the given mode."""
    dtype = _float_dtype(dtype, "triangular")
    shape = _check_broadcast_shapes("triangular", shape, left, mode, right)
    _check_all_safe_to_cast("triangular", dtype, left, mode, right)
    return _run("triangular", samplers.triangular, key, shape, dtype,
                params=(left, mode, right))


def wald(key, mean, shape=None, dtype=None):
    """Wald (inverse Gaussian) samples with the given mean."""
    dtype = _float_dtype(dtype, "wald")
    shape = _check_broadcast_shapes("wald", shape, mean)
    _check_all_safe_to_cast("wald", dtype, mean)
    return _run("wald", samplers.wald, key, shape, dtype, params=(mean,))


def geometric(key, p, shape=None, dtype=None):
    """Geometric samples (number of trials to the first success), as integers."""
    dtype = _int_dtype(dtype, "geometric")
    if dtype.kind not in "iu":
        raise ValueError(f"dtype argument to `geometric` must be an int dtype, got {dtype}")
    (p,) = promote_inexact(p)
    shape = _check_broadcast_shapes("geometric", shape, p)
    return _run("geometric", samplers.geometric, key, shape, dtype, params=(p,))


def split_data(data):
    """Two raw keys from a raw key (or typed key: typed keys come back)."""
    keys = split(data)
    return keys[0], keys[1]


# ---- built on sorting, reductions, linear algebra -----------------------------------------------
def categorical(key, logits, axis=-1, shape=None, replace=True, mode=None):
    """Samples of category indices from unnormalized log-probabilities (Gumbel-max)."""
    check_arraylike("categorical", logits)
    logits = asarray(logits)
    ndim = logits.ndim
    axis = operator.index(axis)
    batch_shape = tuple(np.delete(logits.shape, axis))
    if shape is None:
        shape = batch_shape
    else:
        shape = _shape(shape, "categorical")
        _check_shape("categorical", shape, batch_shape)
    shape_prefix = shape[:len(shape) - len(batch_shape)]
    if replace:
        if axis >= 0:
            axis -= ndim
        logits_shape = list(shape[len(shape) - len(batch_shape):])
        logits_shape.insert(axis % ndim, logits.shape[axis])
        g = gumbel(key, (*shape_prefix, *logits_shape), logits.dtype, mode=mode)
        expanded = shapes.expand_dims(logits, tuple(range(len(shape_prefix))))
        return reductions.argmax(g + expanded, axis=axis)
    logits = logits + gumbel(key, logits.shape, logits.dtype, mode=mode)
    k = math.prod(shape_prefix)
    if k > logits.shape[axis]:
        raise ValueError(f"Number of samples without replacement ({k}) cannot exceed number "
                         f"of categories ({logits.shape[axis]}).")
    _, indices = top_k(shapes.moveaxis(logits, axis, -1), k)
    order = (indices.ndim - 1, *range(indices.ndim - 1))
    return shapes.reshape(shapes.transpose(indices, order), shape)


def _shuffle(key, x, axis):
    data = _single_key(key, "permutation")
    uint32max = np.iinfo(np.uint32).max
    num_rounds = int(np.ceil(3 * np.log(max(1, x.size)) / np.log(uint32max)))
    for _ in range(num_rounds):
        keys = sample(threefry.split, (data,), (2,))
        data, subkey = keys[0], keys[1]
        sort_keys = sample(threefry.random_bits, (subkey,), (32, tuple(x.shape)))
        _, x = sort_key_val(sort_keys, x, axis)
    return asarray(x)


def permutation(key, x, axis=0, independent=False):
    """A random permutation of arange(x) (int x) or of x along `axis`."""
    check_arraylike("permutation", x)
    x_ndim = np.ndim(x)
    axis = operator.index(axis)
    if not x_ndim:
        if not np.issubdtype(core.get_aval(x).dtype, np.integer):
            raise TypeError("x must be an integer or at least 1-dimensional")
        r = int(core.concrete_or_error(x, "argument x of jax.random.permutation()"))
        return _shuffle(key, creation.arange(r), 0)
    axis = axis % x_ndim if -x_ndim <= axis < x_ndim else _axis_error(axis, x_ndim)
    x = asarray(x)
    if independent or x_ndim == 1:
        return _shuffle(key, x, axis)
    indices = _shuffle(key, creation.arange(x.shape[axis]), 0)
    return indexing.take(x, indices, axis, unique_indices=True)


def _axis_error(axis, ndim):
    raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")


def choice(key, a, shape=(), replace=True, p=None, axis=0, mode=None):
    """Samples from a (an int n means arange(n)), with or without replacement, with
    optional probabilities p."""
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape argument of jax.random.choice must be a sequence, got {shape}")
    check_arraylike("choice", a)
    arr = asarray(a)
    if arr.ndim == 0:
        n_inputs = int(core.concrete_or_error(a, "The error occurred in jax.random.choice()"))
    else:
        axis = operator.index(axis)
        axis = axis % arr.ndim if -arr.ndim <= axis < arr.ndim else _axis_error(axis, arr.ndim)
        n_inputs = arr.shape[axis]
    shape = tuple(shape)
    n_draws = math.prod(shape)
    if n_draws == 0:
        return creation.zeros(shape, dtype=arr.dtype)
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(f"Cannot take a larger sample (size {n_draws}) than population "
                         f"(size {n_inputs}) when 'replace=False'")
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n_inputs)
            result = ind if arr.ndim == 0 else indexing.take(arr, ind, axis)
        else:
            slices = (slice(None),) * axis + (slice(n_draws),)
            result = permutation(key, n_inputs if arr.ndim == 0 else arr, axis)[slices]
    else:
        check_arraylike("choice", p)
        (p_arr,) = promote_inexact(p)
        if p_arr.shape != (n_inputs,):
            raise ValueError("p must be None or a 1D vector with the same size as a.shape[axis]. "
                             f"p has shape {p_arr.shape} and a.shape[axis] is {n_inputs}.")
        if replace:
            p_cuml = cumulative.cumsum(p_arr)
            r = p_cuml[-1] * (1 - uniform(key, shape, dtype=p_cuml.dtype))
            ind = sorting.searchsorted(p_cuml, r).astype(int)
        else:
            g = gumbel(key, (n_inputs,), dtype=p_arr.dtype, mode=mode) + ufuncs.log(p_arr)
            ind = top_k(g, n_draws)[1].astype(int)
        result = ind if arr.ndim == 0 else indexing.take(arr, ind, axis)
    return result.reshape(shape if arr.ndim == 0 else
                          arr.shape[0:axis] + tuple(shape) + arr.shape[axis + 1:])


def multivariate_normal(key, mean, cov, shape=None, dtype=None, method="cholesky"):
    """Samples mean + factor @ n, with factor from a Cholesky, SVD or eigh of cov."""
    mean, cov = promote_inexact(mean, cov)
    if method not in {"svd", "eigh", "cholesky"}:
        raise ValueError("method must be one of {'svd', 'eigh', 'cholesky'}")
    dtype = mean.dtype if dtype is None else dtypes.canonicalize_dtype(dtype)
    if not dtypes.is_float(dtype):
        raise ValueError(f"dtype argument to `multivariate_normal` must be a float dtype, "
                         f"got {dtype}")
    if not mean.ndim >= 1:
        raise ValueError(f"multivariate_normal requires mean.ndim >= 1, got mean.ndim == "
                         f"{mean.ndim}")
    if not cov.ndim >= 2:
        raise ValueError(f"multivariate_normal requires cov.ndim >= 2, got cov.ndim == "
                         f"{cov.ndim}")
    n = mean.shape[-1]
    if tuple(cov.shape[-2:]) != (n, n):
        raise ValueError(f"multivariate_normal requires cov.shape == (..., n, n) for n={n}, "
                         f"but got cov.shape == {tuple(cov.shape)}.")
    if shape is None:
        shape = tuple(np.broadcast_shapes(mean.shape[:-1], cov.shape[:-2]))
    else:
        shape = _shape(shape, "multivariate_normal")
        _check_shape("normal", shape, mean.shape[:-1], cov.shape[:-2])
    if method == "svd":
        u, s, _ = linalg.svd(cov)
        factor = u * ufuncs.sqrt(s[..., None, :])
    elif method == "eigh":
        w, v = linalg.eigh(cov)
        factor = v * ufuncs.sqrt(w[..., None, :])
    else:
        factor = linalg.cholesky(cov)
    samples = normal(key, shape + mean.shape[-1:], dtype)
    return mean + contractions.einsum("...ij,...j->...i", factor, samples)


def orthogonal(key, n, shape=(), dtype=None, m=None):
    """Uniformly (Haar) distributed orthogonal n x m matrices (m defaults to n)."""
    shape = _shape(shape, "orthogonal")
    dtype = _float_dtype(dtype, "orthogonal")
    n = operator.index(core.concrete_or_error(n, "The error occurred in jax.random.orthogonal()")
                       .item() if isinstance(n, Tracer) else n)
    m = n if m is None else operator.index(m)
    z = normal(key, (*shape, max(n, m), min(n, m)), dtype)
    q, r = linalg.qr(z)
    d = indexing.diagonal(r, axis1=-2, axis2=-1)
    x = q * shapes.expand_dims(ufuncs.sign(d), -2)
    return shapes.swapaxes(x, -1, -2) if n < m else x


# ---- built on the Gamma sampler (a primitive: gamma.py) ------------------------------
def _gamma(name, key, a, shape, dtype, log_space):
    data = _single_key(key, name)
    dtype = _float_dtype(dtype, name)
    if shape is None:
        shape = tuple(np.shape(a))
    else:
        shape = _shape(shape, name)
        _check_shape(name, shape, np.shape(a))
    a = asarray(a, dtype=dtype)
    if tuple(a.shape) != shape:
        a = shapes.broadcast_to(a, shape)
    return random_gamma_p.bind(asarray(data), a, log_space=log_space)


def gamma(key, a, shape=None, dtype=None):
    """Gamma(a) samples (unit scale), differentiable in a (implicit reparameterization)."""
    return _gamma("gamma", key, a, shape, dtype, False)


def loggamma(key, a, shape=None, dtype=None):
    """log of Gamma(a) samples, accurate for small a where the samples underflow."""
    return _gamma("loggamma", key, a, shape, dtype, True)


def _lax_ops():
    return ops_lax.ops


def _exp(x):
    """XLA's exp (bit-identical to JAX's) on jaxlite arrays."""
    return samplers.xla_exp(_lax_ops(), x)


def beta(key, a, b, shape=None, dtype=None):
    """Beta(a, b) samples from two log-Gamma draws."""
    dtype = _float_dtype(dtype, "beta")
    shape = _check_broadcast_shapes("beta", shape, a, b)
    _check_all_safe_to_cast("beta", dtype, a, b)
    key_a, key_b = split_data(_single_key(key, "beta"))
    a = shapes.broadcast_to(asarray(a, dtype=dtype), shape)
    b = shapes.broadcast_to(asarray(b, dtype=dtype), shape)
    log_gamma_a = loggamma(key_a, a, shape, dtype)
    log_gamma_b = loggamma(key_b, b, shape, dtype)
    log_max = ufuncs.maximum(log_gamma_a, log_gamma_b)
    gamma_a = _exp(log_gamma_a - log_max)
    gamma_b = _exp(log_gamma_b - log_max)
    return gamma_a / (gamma_a + gamma_b)


def _softmax_last(x):
    """softmax over the last axis as XLA computes it (exp, and the sum's reciprocal)."""
    unnormalized = _exp(x - stop_gradient(reductions.max(x, -1, keepdims=True)))
    total = reductions.sum(unnormalized, -1, keepdims=True)
    return unnormalized * (1 / total)


def dirichlet(key, alpha, shape=None, dtype=None):
    """Dirichlet(alpha) samples (alpha's last axis is the simplex's)."""
    dtype = _float_dtype(dtype, "dirichlet")
    if not np.ndim(alpha) >= 1:
        raise ValueError(f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == "
                         f"{np.ndim(alpha)}")
    if shape is None:
        shape = tuple(np.shape(alpha)[:-1])
    else:
        shape = _shape(shape, "dirichlet")
        _check_shape("dirichlet", shape, np.shape(alpha)[:-1])
    alpha = asarray(alpha, dtype=dtype)
    log_gamma_samples = loggamma(key, alpha, shape + tuple(np.shape(alpha)[-1:]), dtype)
    return _softmax_last(log_gamma_samples)


def chisquare(key, df, shape=None, dtype=None):
    """Chi-squared samples with df degrees of freedom: 2 * Gamma(df / 2)."""
    dtype = _float_dtype(dtype, "chisquare")
    shape = _check_broadcast_shapes("chisquare", shape, df)
    _check_all_safe_to_cast("chisquare", dtype, df)
    df = asarray(df, dtype=dtype)
    log_g = loggamma(key, df / 2, shape, dtype)
    return _exp(log_g) * 2


def f(key, dfnum, dfden, shape=None, dtype=None):
    """F-distribution samples: (chi2(dfnum)/dfnum) / (chi2(dfden)/dfden)."""
    dtype = _float_dtype(dtype, "f")
    shape = _check_broadcast_shapes("f", shape, dfnum, dfden)
    _check_all_safe_to_cast("f", dtype, dfnum, dfden)
    dfden = asarray(dfden, dtype=dtype)
    dfnum = asarray(dfnum, dtype=dtype)
    key_dfd, key_dfn = split_data(_single_key(key, "f"))
    chi2_dfn = chisquare(key_dfn, dfnum, shape, dtype)
    chi2_dfd = chisquare(key_dfd, dfden, shape, dtype)
    # (chi2_dfn / dfnum) / (chi2_dfd / dfden), which XLA rewrites as below.
    return (chi2_dfn * dfden) / (dfnum * chi2_dfd)


def t(key, df, shape=None, dtype=None):
    """Student's t samples: n * sqrt((df/2) / Gamma(df/2))."""
    dtype = _float_dtype(dtype, "t")
    shape = _check_broadcast_shapes("t", shape, df)
    _check_all_safe_to_cast("t", dtype, df)
    df = asarray(df, dtype=dtype)
    key_n, key_g = split_data(_single_key(key, "t"))
    n = normal(key_n, shape, dtype)
    half_df = df / 2
    g = gamma(key_g, half_df, shape, dtype)
    return n * ufuncs.sqrt(half_df / g)


def generalized_normal(key, p, shape=(), dtype=None):
    """Generalized normal samples with density proportional to exp(-|x|^p)."""
    shape = _shape(shape, "generalized_normal")
    dtype = _float_dtype(dtype, "generalized_normal")
    keys = split_data(_single_key(key, "generalized_normal"))
    g = gamma(keys[0], 1 / p, shape, dtype)
    r = rademacher(keys[1], shape, dtype)
    return r * g ** (1 / p)


def ball(key, d, p=2, shape=(), dtype=None):
    """Samples uniform in the unit p-norm ball of dimension d."""
    shape = _shape(shape, "ball")
    dtype = _float_dtype(dtype, "ball")
    d = operator.index(d)
    k1, k2 = split_data(_single_key(key, "ball"))
    g = generalized_normal(k1, p, (*shape, d), dtype)
    e = exponential(k2, shape, dtype)
    return g / (((ufuncs.abs(g) ** p).sum(-1) + e) ** (1 / p))[..., None]


def poisson(key, lam, shape=None, dtype=None):
    """Poisson(lam) samples as integers (lam is evaluated in float32, as in JAX)."""
    dtype = _int_dtype(dtype, "poisson")
    shape = tuple(np.shape(lam)) if shape is None else _shape(shape, "poisson")
    lam = asarray(shapes.broadcast_to(lam, shape), dtype=np.float32)
    return _run("poisson", samplers.poisson, key, shape, dtype, params=(lam,))


def binomial(key, n, p, shape=None, dtype=None):
    """Binomial(n, p) samples, as floats of `dtype` (default float)."""
    check_arraylike("binomial", n, p)
    dtype = _float_dtype(dtype, "binomial")
    if shape is None:
        shape = tuple(np.broadcast_shapes(np.shape(n), np.shape(p)))
    else:
        shape = _shape(shape, "binomial")
        _check_shape("binomial", shape, np.shape(n), np.shape(p))
    (prob,) = promote_inexact(p)
    prob_broadcast = tuple(prob.shape) != shape
    count = shapes.broadcast_to(asarray(n, dtype=prob.dtype), shape)
    prob = shapes.broadcast_to(prob, shape)
    return _run("binomial", samplers.binomial, key, shape, dtype, prob_broadcast,
                params=(count, prob))


def multinomial(key, n, p, *, shape=None, dtype=None, unroll=1):
    """Multinomial counts of n draws over the categories of p's last axis, by a chain of
    binomial draws (one per category, as JAX's scan)."""
    check_arraylike("multinomial", n, p)
    n, p = promote_inexact(n, p)
    dtype = _float_dtype(dtype, "multinomial")
    if shape is None:
        shape = tuple(p.shape)
    shape = tuple(shape)
    n = shapes.broadcast_to(n, shape[:-1])
    p = shapes.broadcast_to(p, shape)
    p = shapes.moveaxis(p, -1, 0)
    remaining = shapes.flip(cumulative.cumsum(shapes.flip(p, 0), 0), 0)
    ratios = p / ufuncs.where(remaining == 0, 1, remaining)
    keys = split(key, ratios.shape[0])
    remainder, counts = n, []
    for i in range(ratios.shape[0]):
        count = binomial(keys[i], remainder, ufuncs.clip(ratios[i], 0, 1), dtype=remainder.dtype)
        remainder = remainder - count
        counts.append(count)
    return shapes.moveaxis(shapes.stack(counts), 0, -1).astype(dtype)
