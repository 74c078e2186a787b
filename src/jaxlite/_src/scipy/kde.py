"""jax.scipy.stats.gaussian_kde: a kernel density estimate with Gaussian kernels, as
SciPy defines it (Scott's or Silverman's bandwidth, optional weights). A pytree, so it
passes through jit and vmap.

    >>> from jaxlite.scipy.stats import gaussian_kde
    >>> kde = gaussian_kde(jnp.array([0.0, 1.0, 2.0]))
    >>> print(kde.evaluate(jnp.array([1.0])).round(4))
    [0.3182]
"""
import numpy as np

from ..conversion import asarray, promote_inexact
from ..numpy_api import ufuncs, reductions, shapes, linalg, linalg_products, creation
from ..random import sampler_api
from ..tree import register_pytree_node
from . import special
from .logsumexp import logsumexp


def _weighted_covariance(dataset, weights):
    """Weighted covariance of the columns of `dataset` (d, n), with SciPy's
    unbiased-for-weights correction 1 / (1 - sum w^2)."""
    mean = linalg_products.matmul(dataset, weights)
    centered = dataset - mean[:, None]
    cov = linalg_products.matmul(centered * weights[None, :], centered.T)
    return cov / (1 - reductions.sum(weights ** 2))


class gaussian_kde:
    """Gaussian kernel density estimate of `dataset` (shape (d, n), or (n,) for d = 1)."""

    def __init__(self, dataset, bw_method=None, weights=None):
        (dataset,) = promote_inexact(dataset)
        dataset = shapes.atleast_2d(dataset)
        if dataset.dtype.kind == "c":
            raise NotImplementedError("gaussian_kde does not support complex data")
        if not dataset.size > 1:
            raise ValueError("`dataset` input should have multiple elements.")
        d, n = dataset.shape
        if weights is not None:
            (weights,) = promote_inexact(weights)
            weights = shapes.atleast_1d(weights).astype(dataset.dtype)
            weights = weights / reductions.sum(weights)
            if weights.ndim != 1:
                raise ValueError("`weights` input should be one-dimensional.")
            if len(weights) != n:
                raise ValueError("`weights` input should be of length n")
        else:
            weights = creation.full_like(dataset[0], 1.0 / n)
        neff = 1 / reductions.sum(weights ** 2)
        if bw_method is None or bw_method == "scott":
            factor = ufuncs.power(neff, -1.0 / (d + 4))
        elif bw_method == "silverman":
            factor = ufuncs.power(neff * (d + 2) / 4.0, -1.0 / (d + 4))
        elif np.isscalar(bw_method) and not isinstance(bw_method, str):
            factor = bw_method
        elif callable(bw_method):
            self.dataset, self.weights, self.neff = dataset, weights, neff
            factor = bw_method(self)
        else:
            raise ValueError("`bw_method` should be 'scott', 'silverman', a scalar, or a "
                             "callable.")
        covariance = _weighted_covariance(dataset, weights) * factor ** 2
        self._set(neff, dataset, weights, covariance, linalg.inv(covariance))

    def _set(self, neff, dataset, weights, covariance, inv_cov):
        self.neff, self.dataset, self.weights = neff, dataset, weights
        self.covariance, self.inv_cov = covariance, inv_cov

    d = property(lambda self: self.dataset.shape[0])
    n = property(lambda self: self.dataset.shape[1])

    def tree_flatten(self):
        return (self.neff, self.dataset, self.weights, self.covariance, self.inv_cov), None

    @classmethod
    def tree_unflatten(cls, aux_data, children):
        kde = object.__new__(cls)
        kde._set(*children)
        return kde

    def _points(self, points):
        (points,) = promote_inexact(points)
        points = shapes.atleast_2d(points).astype(self.dataset.dtype)
        d, m = points.shape
        if d != self.d:
            if d == 1 and m == self.d:
                points = points.reshape((self.d, 1))
            else:
                raise ValueError(f"points have dimension {d}, dataset has dimension "
                                 f"{self.d}")
        return points

    def _log_kernel_sums(self, points, cov, inv_cov, weights):
        """log sum_i weights_i N(points_j; dataset_i, cov), for each point j."""
        diff = self.dataset[:, :, None] - points[:, None, :]          # (d, n, m)
        tdiff = linalg_products.tensordot(inv_cov, diff, axes=1)
        energy = reductions.sum(diff * tdiff, axis=0) / 2              # (n, m)
        _, logdet = linalg.slogdet(cov * (2 * np.pi))
        return logsumexp(-energy, axis=0, b=weights[:, None]) - logdet / 2

    def evaluate(self, points):
        """The estimated density at `points` (shape (d, m))."""
        points = self._points(points)
        return ufuncs.exp(self._log_kernel_sums(points, self.covariance, self.inv_cov,
                                                self.weights))

    __call__ = evaluate

    def pdf(self, x):
        return self.evaluate(x)

    def logpdf(self, x):
        points = self._points(x)
        return self._log_kernel_sums(points, self.covariance, self.inv_cov, self.weights)

    def integrate_gaussian(self, mean, cov):
        """The integral of the density times the Gaussian N(mean, cov)."""
        mean = shapes.atleast_1d(asarray(mean, dtype=self.dataset.dtype))
        cov = shapes.atleast_2d(asarray(cov, dtype=self.dataset.dtype))
        total = self.covariance + cov
        log = self._log_kernel_sums(mean[:, None], total, linalg.inv(total), self.weights)
        return ufuncs.exp(log[0])

    def integrate_box_1d(self, low, high):
        """The integral of a one-dimensional density between `low` and `high`."""
        if self.d != 1:
            raise ValueError("integrate_box_1d() only handles 1D pdfs")
        std = ufuncs.sqrt(self.covariance[0, 0])
        low = (low - self.dataset[0]) / std
        high = (high - self.dataset[0]) / std
        return reductions.sum(self.weights * (special.ndtr(high) - special.ndtr(low)))

    def integrate_kde(self, other):
        """The integral of the product of this density and another gaussian_kde's."""
        if other.d != self.d:
            raise ValueError("KDEs are not the same dimensionality")
        total = self.covariance + other.covariance
        log = self._log_kernel_sums(other.dataset, total, linalg.inv(total), self.weights)
        return reductions.sum(ufuncs.exp(log) * other.weights)

    def resample(self, key, shape=()):
        """Draws from the estimated density: `shape + (d,)` samples, transposed to
        (d,) + shape as SciPy returns them."""
        ind_key, eps_key = sampler_api.split_data(key)
        eps = sampler_api.multivariate_normal(eps_key, creation.zeros_like(self.dataset[:, 0]),
                                              self.covariance, shape=shape)
        indices = sampler_api.choice(ind_key, self.n, shape=shape, p=self.weights)
        points = self.dataset[:, indices]
        return points + shapes.moveaxis(eps, -1, 0)

    def integrate_box(self, low_bounds, high_bounds, maxpts=None):
        raise NotImplementedError("gaussian_kde.integrate_box: JAX does not implement it "
                                  "either (a multivariate normal CDF)")

    def set_bandwidth(self, bw_method=None):
        raise NotImplementedError("gaussian_kde.set_bandwidth: a gaussian_kde is immutable "
                                  "here, as in JAX: make a new one")


register_pytree_node(gaussian_kde, gaussian_kde.tree_flatten,
                     lambda aux, children: gaussian_kde.tree_unflatten(aux, children))
