"""jax.example_libraries.stax: neural networks as pairs of functions.

A layer is a pair ``(init_fun, apply_fun)``:

- ``init_fun(rng, input_shape) -> (output_shape, params)`` draws the parameters
  from a PRNG key for inputs of a given shape (a tuple, batch dimension first;
  -1 may stand for an unknown batch size);
- ``apply_fun(params, inputs, **kwargs) -> outputs`` runs the layer. The only
  keyword layers read is ``rng`` (Dropout's key); combinators pass all keywords on.

Combinators (``serial``, ``parallel``, ``FanOut``, ``FanInSum``, ``FanInConcat``,
``shape_dependent``) build layers out of layers. Keys are split as JAX's stax splits
them, and the initializers are jax.nn.initializers' (bit-identical to JAX's), so a
network initialized with the same key has JAX's parameters.

    >>> from jaxlite.example_libraries import stax
    >>> init_fun, apply_fun = stax.serial(stax.Dense(16), stax.Relu, stax.Dense(3),
    ...                                   stax.LogSoftmax)
    >>> out_shape, params = init_fun(jax.random.key(0), (-1, 8))
    >>> out_shape, [tuple(p.shape for p in layer) for layer in params]
    ((-1, 3), [((8, 16), (16,)), (), ((16, 3), (3,)), ()])
    >>> apply_fun(params, jnp.ones((5, 8))).shape
    (5, 3)
"""
import functools
import math
import operator

from ..lax import lax
from ..lax.convolution import (conv_general_dilated, conv_general_shape_tuple, conv_transpose,
                               conv_transpose_shape_tuple)
from ..lax.windows import padtype_to_pads, reduce_window, reduce_window_shape_tuple
from ..nn.functions import (elu, gelu, leaky_relu, log_softmax, relu, selu, sigmoid, softmax,
                            softplus, standardize)
from ..nn.initializers import glorot_normal, normal, ones, zeros
from ..numpy_api import contractions, creation, shapes, ufuncs
from ..random import api as random

# The names stax has always exported for its default initializers.
glorot = glorot_normal
randn = normal
logsoftmax = log_softmax

__all__ = [
    "AvgPool", "BatchNorm", "Conv", "Conv1DTranspose", "ConvTranspose", "Dense", "Dropout",
    "Elu", "Exp", "FanInConcat", "FanInSum", "FanOut", "Flatten", "Gelu", "GeneralConv",
    "GeneralConvTranspose", "Identity", "LeakyRelu", "LogSoftmax", "MaxPool", "Relu", "Selu",
    "Sigmoid", "Softmax", "Softplus", "SumPool", "Tanh", "elementwise", "parallel", "serial",
    "shape_dependent", "glorot", "glorot_normal", "randn", "normal", "ones", "zeros", "relu",
    "elu", "gelu", "leaky_relu", "log_softmax", "logsoftmax", "selu", "sigmoid", "softmax",
    "softplus", "standardize"]


def _no_params(rng, input_shape):
    return input_shape, ()


# ---- layers with parameters -----------------------------------------------------------

def Dense(out_dim, W_init=glorot_normal(), b_init=normal()):
    """A fully connected layer: ``inputs @ W + b`` with W of shape (in_dim, out_dim)."""
    def init_fun(rng, input_shape):
        output_shape = tuple(input_shape[:-1]) + (out_dim,)
        weight_key, bias_key = random.split(rng)
        return output_shape, (W_init(weight_key, (input_shape[-1], out_dim)),
                              b_init(bias_key, (out_dim,)))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return contractions.dot(inputs, W) + b
    return init_fun, apply_fun


def _kernel_shape(rhs_spec, lhs_spec, input_shape, out_chan, filter_shape):
    """The kernel's shape in rhs_spec order: 'O' is out_chan, 'I' the input's channel
    count, the spatial letters take filter_shape in order."""
    spatial = iter(filter_shape)
    in_chan = input_shape[lhs_spec.index("C")]
    return tuple(out_chan if c == "O" else in_chan if c == "I" else next(spatial)
                 for c in rhs_spec)


def _conv_layer(dimension_numbers, out_chan, filter_shape, strides, padding, W_init, b_init,
                output_shape_of, convolve):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    filter_shape = tuple(filter_shape)
    strides = tuple(strides) if strides else (1,) * len(filter_shape)
    if W_init is None:
        W_init = glorot_normal(rhs_spec.index("I"), rhs_spec.index("O"))

    def init_fun(rng, input_shape):
        kernel_shape = _kernel_shape(rhs_spec, lhs_spec, input_shape, out_chan, filter_shape)
        output_shape = output_shape_of(input_shape, kernel_shape, strides, padding,
                                       dimension_numbers)
        bias_shape = tuple(out_chan if c == "C" else 1 for c in out_spec)
        weight_key, bias_key = random.split(rng)
        return output_shape, (W_init(weight_key, kernel_shape), b_init(bias_key, bias_shape))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return convolve(inputs, W, strides, padding) + b
    return init_fun, apply_fun


def GeneralConv(dimension_numbers, out_chan, filter_shape, strides=None, padding="VALID",
                W_init=None, b_init=normal(1e-6)):
    """A convolution with explicit dimension numbers, e.g. ``('NHWC', 'HWIO', 'NHWC')``.

    The kernel defaults to glorot_normal over its 'I' and 'O' axes; the bias (one per
    output channel, broadcastable against the output) to normal(1e-6)."""
    one = (1,) * len(filter_shape)

    def convolve(inputs, W, strides, padding):
        return conv_general_dilated(inputs, W, strides, padding, one, one,
                                    dimension_numbers=dimension_numbers)
    return _conv_layer(dimension_numbers, out_chan, filter_shape, strides, padding, W_init,
                       b_init, conv_general_shape_tuple, convolve)


Conv = functools.partial(GeneralConv, ("NHWC", "HWIO", "NHWC"))
Conv.__doc__ = "A 2-D convolution on NHWC inputs with an HWIO kernel (GeneralConv)."


def GeneralConvTranspose(dimension_numbers, out_chan, filter_shape, strides=None,
                         padding="VALID", W_init=None, b_init=normal(1e-6)):
    """A transposed convolution (lax.conv_transpose) with explicit dimension numbers."""
    def convolve(inputs, W, strides, padding):
        return conv_transpose(inputs, W, strides, padding,
                              dimension_numbers=dimension_numbers)
    return _conv_layer(dimension_numbers, out_chan, filter_shape, strides, padding, W_init,
                       b_init, conv_transpose_shape_tuple, convolve)


Conv1DTranspose = functools.partial(GeneralConvTranspose, ("NHC", "HIO", "NHC"))
Conv1DTranspose.__doc__ = "A 1-D transposed convolution on NHC inputs (GeneralConvTranspose)."
ConvTranspose = functools.partial(GeneralConvTranspose, ("NHWC", "HWIO", "NHWC"))
ConvTranspose.__doc__ = "A 2-D transposed convolution on NHWC inputs (GeneralConvTranspose)."


def BatchNorm(axis=(0, 1, 2), epsilon=1e-5, center=True, scale=True, beta_init=zeros,
              gamma_init=ones):
    """Normalizes over `axis` with the batch's own statistics (no running averages),
    then scales by gamma and shifts by beta, each of the shape of the axes kept.

    With ``center=False`` (``scale=False``) beta (gamma) is ``()`` and not applied."""
    axis = (axis,) if isinstance(axis, int) else tuple(axis)

    def init_fun(rng, input_shape):
        shape = tuple(d for i, d in enumerate(input_shape) if i not in axis)
        beta_key, gamma_key = random.split(rng)
        beta = beta_init(beta_key, shape) if center else ()
        gamma = gamma_init(gamma_key, shape) if scale else ()
        return input_shape, (beta, gamma)

    def apply_fun(params, x, **kwargs):
        beta, gamma = params
        # Put the kept axes back in place, the normalized ones as size-1 axes.
        expand = tuple(None if i in axis else slice(None) for i in range(shapes.ndim(x)))
        z = standardize(x, axis, epsilon=epsilon)
        if scale:
            z = gamma[expand] * z
        if center:
            z = z + beta[expand]
        return z
    return init_fun, apply_fun


# ---- elementwise layers -----------------------------------------------------------------

def elementwise(fun, **fun_kwargs):
    """A layer without parameters applying ``fun(inputs, **fun_kwargs)``."""
    def apply_fun(params, inputs, **kwargs):
        return fun(inputs, **fun_kwargs)
    return _no_params, apply_fun


Tanh = elementwise(ufuncs.tanh)
Relu = elementwise(relu)
Exp = elementwise(ufuncs.exp)
LogSoftmax = elementwise(log_softmax, axis=-1)
Softmax = elementwise(softmax, axis=-1)
Softplus = elementwise(softplus)
Sigmoid = elementwise(sigmoid)
Elu = elementwise(elu)
LeakyRelu = elementwise(leaky_relu)
Selu = elementwise(selu)
Gelu = elementwise(gelu)


def _identity_layer():
    def apply_fun(params, inputs, **kwargs):
        return inputs
    return _no_params, apply_fun


Identity = _identity_layer()


def _flatten_layer():
    def init_fun(rng, input_shape):
        return (input_shape[0], functools.reduce(operator.mul, input_shape[1:], 1)), ()

    def apply_fun(params, inputs, **kwargs):
        return shapes.reshape(inputs, (inputs.shape[0], -1))
    return init_fun, apply_fun


Flatten = _flatten_layer()


# ---- pooling ----------------------------------------------------------------------------

def _non_spatial_axes(spec, ndim):
    """Batch and channel axes: spec's 'N' and 'C', else the first and the last."""
    return (0, ndim - 1) if spec is None else (spec.index("N"), spec.index("C"))


def _window_sizes(window_shape, strides, padding):
    """AvgPool's rescaling: each output divided by the number of input elements (padding
    excluded) in its window."""
    def rescale(outputs, inputs, spec):
        kept = _non_spatial_axes(spec, inputs.ndim)
        spatial_shape = tuple(d for i, d in enumerate(inputs.shape) if i not in kept)
        counts = reduce_window(creation.ones(spatial_shape, inputs.dtype), 0., lax.add,
                               window_shape, strides, padding)
        for i in sorted(kept):
            counts = shapes.expand_dims(counts, i)
        return outputs / counts
    return rescale


def _pooling_layer(reducer, init_val, rescaler=None):
    def PoolingLayer(window_shape, strides=None, padding="VALID", spec=None):
        window_shape = tuple(window_shape)
        strides = tuple(strides) if strides else (1,) * len(window_shape)
        rescale = rescaler(window_shape, strides, padding) if rescaler else None
        # Windows of size (and stride) 1 along the batch and channel axes.
        full_window, full_strides = window_shape, strides
        for i in sorted(_non_spatial_axes(spec, len(window_shape) + 2)):
            full_window = full_window[:i] + (1,) + full_window[i:]
            full_strides = full_strides[:i] + (1,) + full_strides[i:]

        def init_fun(rng, input_shape):
            pads = padtype_to_pads(input_shape, full_window, full_strides, padding)
            unit = (1,) * len(full_window)
            return reduce_window_shape_tuple(input_shape, full_window, full_strides, pads,
                                             unit, unit), ()

        def apply_fun(params, inputs, **kwargs):
            out = reduce_window(inputs, init_val, reducer, full_window, full_strides, padding)
            return rescale(out, inputs, spec) if rescale else out
        return init_fun, apply_fun
    return PoolingLayer


MaxPool = _pooling_layer(lax.max, -math.inf)
MaxPool.__name__ = MaxPool.__qualname__ = "MaxPool"
MaxPool.__doc__ = "Max pooling over `window_shape` (spatial axes; NHWC unless `spec`)."
SumPool = _pooling_layer(lax.add, 0.)
SumPool.__name__ = SumPool.__qualname__ = "SumPool"
SumPool.__doc__ = "Sum pooling over `window_shape` (spatial axes; NHWC unless `spec`)."
AvgPool = _pooling_layer(lax.add, 0., _window_sizes)
AvgPool.__name__ = AvgPool.__qualname__ = "AvgPool"
AvgPool.__doc__ = ("Average pooling over `window_shape`; with SAME padding each window is "
                   "averaged over its elements inside the input.")


# ---- dropout ----------------------------------------------------------------------------

def Dropout(rate, mode="train"):
    """Dropout. As in JAX's stax, `rate` is the probability of KEEPING an element: kept
    elements are divided by `rate`. Needs ``apply_fun(params, inputs, rng=key)`` in
    train mode; in any other mode it is the identity."""
    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.get("rng", None)
        if rng is None:
            raise ValueError(
                "Dropout layer requires apply_fun to be called with a PRNG key argument. "
                "That is, instead of `apply_fun(params, inputs)`, call it like "
                "`apply_fun(params, inputs, rng)` where `rng` is a PRNG key (e.g. from "
                "`jax.random.key`).")
        if mode != "train":
            return inputs
        keep = random.bernoulli(rng, rate, inputs.shape)
        return ufuncs.where(keep, inputs / rate, 0)
    return _no_params, apply_fun


# ---- combinators ------------------------------------------------------------------------

def _split_or_none(rng, count):
    return random.split(rng, count) if rng is not None else (None,) * count


def serial(*layers):
    """Layers applied one after the other; params is the list of each layer's params.

    init splits its key once per layer (a fresh key carried along, a subkey to the
    layer); apply splits ``rng`` (if given) into one key per layer."""
    init_funs, apply_funs = zip(*layers)

    def init_fun(rng, input_shape):
        params = []
        for layer_init in init_funs:
            rng, layer_rng = random.split(rng)
            input_shape, layer_params = layer_init(layer_rng, input_shape)
            params.append(layer_params)
        return input_shape, params

    def apply_fun(params, inputs, **kwargs):
        rngs = _split_or_none(kwargs.pop("rng", None), len(apply_funs))
        for layer_apply, layer_params, layer_rng in zip(apply_funs, params, rngs):
            inputs = layer_apply(layer_params, inputs, rng=layer_rng, **kwargs)
        return inputs
    return init_fun, apply_fun


def parallel(*layers):
    """Layers side by side: the i-th applies to the i-th of a sequence of inputs (input
    shapes) and gives the i-th output (output shape). Often between FanOut and FanInSum
    or FanInConcat."""
    init_funs, apply_funs = zip(*layers)

    def init_fun(rng, input_shape):
        rngs = random.split(rng, len(init_funs))
        return zip(*[layer_init(layer_rng, shape)
                     for layer_init, layer_rng, shape in zip(init_funs, rngs, input_shape)])

    def apply_fun(params, inputs, **kwargs):
        rngs = _split_or_none(kwargs.pop("rng", None), len(apply_funs))
        return [layer_apply(layer_params, x, rng=layer_rng, **kwargs)
                for layer_apply, layer_params, x, layer_rng
                in zip(apply_funs, params, inputs, rngs)]
    return init_fun, apply_fun


def shape_dependent(make_layer):
    """A layer chosen by the input's shape: ``make_layer(input_shape)`` returns the
    (init_fun, apply_fun) pair to use, at init and again at each apply."""
    def init_fun(rng, input_shape):
        return make_layer(input_shape)[0](rng, input_shape)

    def apply_fun(params, inputs, **kwargs):
        return make_layer(inputs.shape)[1](params, inputs, **kwargs)
    return init_fun, apply_fun


def FanOut(num):
    """A layer giving `num` copies of its input (a list)."""
    def init_fun(rng, input_shape):
        return [input_shape] * num, ()

    def apply_fun(params, inputs, **kwargs):
        return [inputs] * num
    return init_fun, apply_fun


def _fan_in_sum_layer():
    def init_fun(rng, input_shape):
        return input_shape[0], ()

    def apply_fun(params, inputs, **kwargs):
        return sum(inputs)
    return init_fun, apply_fun


FanInSum = _fan_in_sum_layer()


def FanInConcat(axis=-1):
    """A layer concatenating a sequence of inputs along `axis`."""
    def init_fun(rng, input_shape):
        first = tuple(input_shape[0])
        ax = axis % len(first)
        size = sum(shape[ax] for shape in input_shape)
        return first[:ax] + (size,) + first[ax + 1:], ()

    def apply_fun(params, inputs, **kwargs):
        return shapes.concatenate(inputs, axis)
    return init_fun, apply_fun
