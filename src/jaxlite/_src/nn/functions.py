"""jax.nn: activation functions, softmax and friends, one_hot, standardize and
dot_product_attention, written on jax.numpy.

Values and dtypes follow JAX. Where JAX attaches a custom JVP to pin the
derivative at a kink (relu'(0) = 0, relu6'(6) = 0) or to keep it finite, the
same derivative comes from a select whose untaken side is a stop_gradient, so
eager calls stay as cheap as the jnp calls they are made of.

    >>> jax.nn.relu(jnp.array([-1.0, 0.0, 2.0]))
    Array([0., 0., 2.], dtype=float32)
    >>> jax.grad(jax.nn.relu)(0.0)   # as JAX
    Array(0., dtype=float32, weak_type=True)
    >>> print(jnp.round(jax.nn.softmax(jnp.array([1.0, 2.0, 3.0])), 5))
    [0.09003 0.24473 0.66524]
"""
import operator

import numpy as np

from .. import core, dtypes
from ..lax import lax
from ..numpy_api import ufuncs, reductions, shapes, creation, contractions
from ..conversion import asarray, promote_inexact, check_arraylike
from ..prims.special import erfc_p
from ..prims.util import const_like
from ..scipy.logsumexp import logsumexp as _logsumexp

_where = ufuncs.where


def _array(name, x):
    check_arraylike(name, x)
    return asarray(x)


def identity(x):
    """The identity activation: returns x."""
    return _array("identity", x)


def relu(x):
    """max(x, 0), with derivative 0 at x == 0 (as JAX)."""
    x = _array("relu", x)
    return _where(x > 0, x, lax.stop_gradient(ufuncs.maximum(x, 0)))


def relu6(x):
    """min(max(x, 0), 6), with derivative 0 at 0 and at 6 (as JAX)."""
    x = _array("relu6", x)
    inside = (x > 0) & (x < 6)
    return _where(inside, x, lax.stop_gradient(ufuncs.minimum(ufuncs.maximum(x, 0), 6.0)))


def squareplus(x, b=4):
    """(x + sqrt(x^2 + b)) / 2, a smooth relu."""
    check_arraylike("squareplus", x, b)
    y = x + ufuncs.sqrt(ufuncs.square(x) + b)
    return y / 2


def softplus(x):
    """log(1 + exp(x)), computed stably as logaddexp(x, 0)."""
    return ufuncs.logaddexp(_array("softplus", x), 0)


def sparse_plus(x):
    """0 for x <= -1, x for x >= 1, (x + 1)^2 / 4 between."""
    x = _array("sparse_plus", x)
    return _where(x <= -1.0, 0.0, _where(x >= 1.0, x, (x + 1.0) ** 2 / 4))


def soft_sign(x):
    """x / (|x| + 1)."""
    x = _array("soft_sign", x)
    return x / (ufuncs.abs(x) + 1)


def sigmoid(x):
    """The logistic sigmoid 1 / (1 + exp(-x))."""
    x = _array("sigmoid", x)
    if not dtypes.is_inexact(x.dtype):
        raise TypeError(f"logistic does not accept dtype {x.dtype.name}. Accepted dtypes are "
                        "subtypes of floating or complex.")
    return lax.logistic(x)


def sparse_sigmoid(x):
    """0.5 * clip(x + 1, 0, 2), a piecewise-linear sigmoid."""
    return 0.5 * ufuncs.clip(_array("sparse_sigmoid", x) + 1.0, 0.0, 2.0)


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = _array("silu", x)
    return x * sigmoid(x)


swish = silu


def mish(x):
    """x * tanh(softplus(x))."""
    x = _array("mish", x)
    return x * ufuncs.tanh(softplus(x))


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x)."""
    x = _array("log_sigmoid", x)
    return -softplus(-x)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    x = _array("elu", x)
    return _where(x > 0, x, alpha * ufuncs.expm1(_where(x > 0, 0.0, x)))


def leaky_relu(x, negative_slope=0.01):
    """x for x >= 0, negative_slope * x otherwise."""
    x = _array("leaky_relu", x)
    return _where(x >= 0, x, negative_slope * x)


def hard_tanh(x):
    """clip(x, -1, 1)."""
    x = _array("hard_tanh", x)
    return _where(x > 1, 1, _where(x < -1, -1, x))


def celu(x, alpha=1.0):
    """max(x, 0) + alpha * expm1(min(x, 0) / alpha)."""
    check_arraylike("celu", x)
    return ufuncs.maximum(x, 0.0) + alpha * ufuncs.expm1(ufuncs.minimum(x, 0.0) / alpha)


def selu(x):
    """scale * elu(x, alpha) with the self-normalizing constants."""
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    return scale * elu(x, alpha)


def gelu(x, approximate=True):
    """The Gaussian error linear unit x * Phi(x); approximate=True uses the tanh form."""
    (x,) = promote_inexact(_array("gelu", x))
    if approximate:
        sqrt_2_over_pi = const_like(x, np.sqrt(2 / np.pi))
        cdf = 0.5 * (1.0 + ufuncs.tanh(sqrt_2_over_pi * (x + 0.044715 * (x ** 3))))
        return x * cdf
    sqrt_half = const_like(x, np.sqrt(0.5))
    return asarray(0.5 * x * erfc_p.bind(-x * sqrt_half), dtype=x.dtype)


def glu(x, axis=-1):
    """Gated linear unit: split x in two along `axis`, first * sigmoid(second)."""
    x = _array("glu", x)
    size = x.shape[axis]
    assert size % 2 == 0, "axis size must be divisible by 2"
    x1, x2 = shapes.split(x, 2, axis)
    return x1 * sigmoid(x2)


def tanh(x):
    """The hyperbolic tangent (jax.nn.tanh is jax.numpy.tanh)."""
    return ufuncs.tanh(x)


logsumexp = _logsumexp


def _count(x, axis, where, keepdims, dtype):
    ones = creation.ones_like(x, dtype=dtype)
    return reductions.sum(ones, axis=axis, where=where, keepdims=keepdims)


def logmeanexp(x, axis=None, where=None, keepdims=False):
    """log(mean(exp(x))) along `axis`, computed stably."""
    lse = _logsumexp(x, axis=axis, where=where, keepdims=keepdims)
    count = _count(asarray(x), axis, where, keepdims, lse.dtype)
    return lse - ufuncs.log(count)


def log1mexp(x):
    """log(1 - exp(-x)) for x > 0, accurate for small and large x."""
    x = _array("log1mexp", x)
    (x,) = promote_inexact(x)
    c = const_like(x, np.log(2.0))
    small = x < c
    # Each branch sees a safe argument, so the untaken one has a finite derivative.
    x_small = _where(small, x, c)
    x_large = _where(small, c, x)
    return _where(small, ufuncs.log(-ufuncs.expm1(-x_small)), ufuncs.log1p(-ufuncs.exp(-x_large)))


def log_softmax(x, axis=-1, where=None):
    """x - logsumexp(x) along `axis`; -inf where `where` is False."""
    x = _array("log_softmax", x)
    x_max = reductions.max(x, axis, where=where, initial=-np.inf, keepdims=True)
    x_safe = x if where is None else _where(where, x, -np.inf)
    shifted = x_safe - lax.stop_gradient(x_max)
    shifted_logsumexp = ufuncs.log(reductions.sum(ufuncs.exp(shifted), axis, where=where,
                                                  keepdims=True))
    result = shifted - shifted_logsumexp
    if where is not None:
        return _where(where, result, -np.inf)
    return result


def softmax(x, axis=-1, where=None):
    """exp(x) / sum(exp(x)) along `axis`; 0 where `where` is False.

    The derivative is JAX's: y * (dx - sum(y * dx)), never NaN for masked inputs."""
    x = _array("softmax", x)
    x_max = reductions.max(x, axis, where=where, initial=-np.inf, keepdims=True)
    x_safe = x if where is None else _where(where, x, -np.inf)
    unnormalized = ufuncs.exp(x_safe - lax.stop_gradient(x_max))
    result = unnormalized / reductions.sum(unnormalized, axis, where=where, keepdims=True)
    if where is not None:
        result = _where(where, result, 0)
    return result


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None, *,
                algorithm="fast"):
    """(x - mean) / sqrt(variance + epsilon) along `axis`."""
    check_arraylike("standardize", x)
    if mean is None:
        mean = reductions.mean(x, axis, keepdims=True, where=where)
    if variance is None:
        if algorithm == "stable":
            variance = reductions.mean(ufuncs.square(ufuncs.subtract(x, mean)), axis,
                                       keepdims=True, where=where)
        elif algorithm == "fast":
            variance = reductions.mean(ufuncs.square(x), axis, keepdims=True,
                                       where=where) - ufuncs.square(mean)
            variance = ufuncs.clip(variance, 0)
        else:
            raise ValueError(f"Unknown algorithm '{algorithm}'. Expected 'fast' or 'stable'.")
    return ufuncs.subtract(x, mean) * lax.rsqrt(variance + epsilon)


def one_hot(x, num_classes, *, dtype=None, axis=-1):
    """One-hot encoding: x[..., None] == arange(num_classes), as `dtype` (default float).

    >>> jax.nn.one_hot(jnp.array([0, 2]), 3)
    Array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    num_classes = operator.index(core.concrete_or_error(
        num_classes, "The error arose in jax.nn.one_hot argument `num_classes`.").item()
        if not isinstance(num_classes, int) else num_classes)
    x = asarray(x)
    dtype = dtypes.default_float_dtype() if dtype is None else dtype
    out_ndim = x.ndim + 1
    axis = operator.index(axis)
    if not -out_ndim <= axis < out_ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {out_ndim}")
    position = axis % out_ndim
    lhs = shapes.expand_dims(x, position)
    rhs_shape = [1] * x.ndim
    rhs_shape.insert(position, num_classes)
    rhs = lax.broadcasted_iota(x.dtype, tuple(rhs_shape), position)
    return asarray(lhs == rhs, dtype=dtype)


# ---- attention ------------------------------------------------------------------------------
def _large_negative(dtype):
    dtype_max = min(float(np.finfo(dtype).max), float(np.finfo(np.float32).max))
    return asarray(np.asarray(-0.7 * dtype_max, dtype))


def _attention_mask(logits_shape, mask, is_causal, q_seqlen, kv_seqlen, local_window_size):
    """The boolean mask (broadcastable to B, N, T, S) of allowed query/key pairs, or None."""
    T, S = logits_shape[-2], logits_shape[-1]
    combined = None

    def both(a, b):
        return b if a is None else a & b

    if mask is not None:
        combined = both(combined, mask)
    query_pos = lax.broadcasted_iota(np.int32, (T, S), 0)
    key_pos = lax.broadcasted_iota(np.int32, (T, S), 1)
    if is_causal:
        combined = both(combined, (key_pos <= query_pos)[None, None])
    if local_window_size is not None:
        left, right = local_window_size
        window = (query_pos <= key_pos + left) & (query_pos >= key_pos - right)
        combined = both(combined, window[None, None])
    if q_seqlen is not None or kv_seqlen is not None:
        padding = None
        if q_seqlen is not None:
            padding = creation.arange(T)[None, :, None] < q_seqlen[:, None, None]
        if kv_seqlen is not None:
            kv = creation.arange(S)[None, None, :] < kv_seqlen[:, None, None]
            padding = kv if padding is None else padding & kv
        combined = both(combined, padding[:, None, :, :])
    return combined


def dot_product_attention(query, key, value, bias=None, mask=None, *, scale=None,
                          is_causal=False, query_seq_lengths=None, key_value_seq_lengths=None,
                          local_window_size=None, implementation=None, return_residual=False):
    """Scaled dot-product attention softmax(q k^T * scale + bias) v (JAX's 'xla' path).

    Shapes: query (B, T, N, H), key/value (B, S, K, H) with N a multiple of K
    (grouped-query attention); leading dims may be dropped (3-d or 2-d inputs)."""
    if implementation not in (None, "xla"):
        raise ValueError(f"Unsupported implementation option: {implementation}")
    output_shape = asarray(query).shape

    def ensure_4d(t):
        t = asarray(t)
        missing = 4 - t.ndim
        return shapes.expand_dims(t, tuple(range(missing))) if missing > 0 else t

    q, k, v = ensure_4d(query), ensure_4d(key), ensure_4d(value)
    bias = ensure_4d(bias) if bias is not None else None
    mask = ensure_4d(mask) if mask is not None else None
    if query_seq_lengths is not None:
        query_seq_lengths = asarray(query_seq_lengths)
    if key_value_seq_lengths is not None:
        key_value_seq_lengths = asarray(key_value_seq_lengths)
    if isinstance(local_window_size, int):
        local_window_size = (local_window_size, local_window_size)

    def check(t, shape, dtype, name):
        if t is None:
            return
        if t.ndim != len(shape):
            raise ValueError(f"{name} ndim should be {len(shape)}, but got {t.ndim}")
        if dtype is not None and t.dtype != dtype:
            raise ValueError(f"{name} dtype should be {dtype}, but got {t.dtype}")
        for i in range(t.ndim):
            if shape[i] != -1 and t.shape[i] != shape[i]:
                raise ValueError(f"{name} shape should be {shape}: but got {t.shape}")

    B, S, K, H = k.shape
    check(v, [B, S, K, H], k.dtype, "value")
    check(q, [B, -1, -1, H], k.dtype, "query")
    check(mask, [-1] * 4, np.dtype(bool), "mask")
    check(bias, [-1] * 4, None, "bias")
    check(query_seq_lengths, [B], np.dtype("int32"), "query_seq_lengths")
    check(key_value_seq_lengths, [B], np.dtype("int32"), "key_value_seq_lengths")
    N = q.shape[-2]
    if N % K != 0:
        raise ValueError(f"The number of query heads must be a multiple of key/value heads, "
                         f"but got {N} vs {K}")
    scale = (1.0 / np.sqrt(H)) if scale is None else scale
    T = q.shape[1]
    G = N // K
    logits_dtype = dtypes.promote_types(q.dtype, np.float32)
    # Heads grouped as (K, G): query head n uses key/value head n // G.
    qg = shapes.reshape(q, (B, T, K, G, H))
    logits = contractions.einsum("BTKGH,BSKH->BKGTS", qg, k,
                                 preferred_element_type=logits_dtype)
    logits = shapes.reshape(logits, (B, N, T, S))
    logits = logits * asarray(np.asarray(scale, logits.dtype))
    if bias is not None:
        logits = asarray(logits + bias, dtype=logits.dtype)
    combined = _attention_mask(logits.shape, mask, is_causal, query_seq_lengths,
                               key_value_seq_lengths, local_window_size)
    if combined is not None:
        logits = _where(combined, logits, _large_negative(logits.dtype))
    logits = asarray(logits, dtype=np.float32)
    probs = asarray(softmax(logits, axis=-1), dtype=k.dtype)
    probs = shapes.reshape(probs, (B, K, G, T, S))
    encoded = contractions.einsum("BKGTS,BSKH->BTKGH", probs, v)
    encoded = shapes.reshape(encoded, (B, T, N, H))
    if query_seq_lengths is not None:
        keep = creation.arange(T)[None, :] < query_seq_lengths[:, None]
        encoded = encoded * asarray(keep[:, :, None, None], dtype=encoded.dtype)
    encoded = shapes.reshape(encoded, output_shape)
    if return_residual:
        residual = asarray(_logsumexp(logits, axis=-1), dtype=k.dtype)  # B N T
        residual = lax.stop_gradient(shapes.transpose(residual, (0, 2, 1)))
        return encoded, shapes.reshape(residual, output_shape[:-1])
    return encoded


def scaled_dot_general(lhs, rhs, dimension_numbers, preferred_element_type=np.float32,
                       configs=None, implementation=None):
    """dot_general; block-scaled (quantized) configs are not supported on NumPy."""
    if configs is not None:
        raise NotImplementedError("scaled_dot_general with block-scale configs needs cuDNN")
    return lax.dot_general(lhs, rhs, dimension_numbers,
                           preferred_element_type=preferred_element_type)


def hard_sigmoid(x):
    """relu6(x + 3) / 6."""
    return relu6(x + 3.0) / 6.0


def hard_silu(x):
    """x * hard_sigmoid(x) (also called hard_swish)."""
    x = _array("hard_silu", x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu
