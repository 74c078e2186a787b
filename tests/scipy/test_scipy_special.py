"""jax.scipy.special and jax.scipy.stats: one op-table row per function (values against
SciPy evaluated in float64, jit, vmap, JVP/VJP against finite differences), and
special.bernoulli. The lax primitives underneath are in tests/prims/test_special.py; JAX's
own values are in test_golden_expressions."""
import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as st

import jaxlite.scipy.special as special
from jaxlite.scipy import stats
from jaxlite.scipy.stats import norm

from op_table import Op, Arg, check_op, op_id


def _f64(fn):
    """A SciPy reference evaluated in float64, as the op table's reference."""
    def ref(*args, **kwargs):
        return fn(*[np.asarray(a, np.float64) if np.asarray(a).dtype.kind == "f" else a
                    for a in args], **kwargs)
    return ref


def _logsumexp_ref(a, axis=None, b=None, keepdims=False, return_sign=False):
    return sc.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)


F = Arg((3, 4))
POS = Arg((3, 4), kind="positive", low=0.5, high=4.0)
PROB = Arg((3, 4), kind="float", low=0.05, high=0.95)
OPS = [
    Op("special.erf", special.erf, sc.erf, (F,), diff=(0,)),
    Op("special.erfc", special.erfc, sc.erfc, (F,), diff=(0,)),
    Op("special.erfinv", special.erfinv, sc.erfinv, (Arg((3, 4), low=-0.9, high=0.9),),
       diff=(0,)),
    Op("special.erfcx", special.erfcx, sc.erfcx, (F,), diff=(0,)),
    Op("special.gammaln", special.gammaln, sc.gammaln, (POS,), diff=(0,)),
    Op("special.gamma", special.gamma, sc.gamma, (POS,), diff=(0,), rtol=1e-5),
    Op("special.gammasgn", special.gammasgn, sc.gammasgn, (Arg((3, 4), low=-3.7, high=3.7),)),
    Op("special.loggamma", special.loggamma, sc.loggamma, (POS,), diff=(0,)),
    Op("special.digamma", special.digamma, sc.digamma, (POS,), diff=(0,)),
    Op("special.polygamma", lambda x: special.polygamma(2, x), lambda x: sc.polygamma(2, x),
       (POS,), diff=(0,), rtol=1e-5),
    Op("special.multigammaln", lambda a: special.multigammaln(a, 3),
       lambda a: sc.multigammaln(a, 3), (Arg((3, 4), kind="positive", low=1.2, high=5),),
       diff=(0,), rtol=1e-5),
    Op("special.betaln", special.betaln, sc.betaln, (POS, Arg((3, 4), kind="positive",
       low=0.5, high=20)), diff=(0, 1), rtol=1e-5),
    Op("special.beta", special.beta, sc.beta, (POS, POS), diff=(0, 1), rtol=1e-5),
    Op("special.betainc", special.betainc, sc.betainc, (POS, POS, PROB), diff=(2,), rtol=1e-5),
    Op("special.gammainc", special.gammainc, sc.gammainc, (POS, POS), diff=(0, 1), rtol=1e-5),
    Op("special.gammaincc", special.gammaincc, sc.gammaincc, (POS, POS), diff=(0, 1),
       rtol=1e-5),
    Op("special.factorial", special.factorial, sc.factorial, (POS,), diff=(0,), rtol=1e-5),
    Op("special.comb", special.comb, sc.comb,
       (Arg((3, 4), kind="positive", low=4, high=9), Arg((3, 4), kind="positive", high=3)),
       diff=(0, 1), rtol=1e-5),
    Op("special.poch", special.poch, sc.poch, (POS, POS), diff=(0, 1), rtol=1e-5),
    Op("special.zeta", special.zeta, sc.zeta, (Arg((3, 4), kind="positive", low=1.5, high=5),
       POS), diff=(0, 1), rtol=1e-5),
    Op("special.expit", special.expit, sc.expit, (F,), diff=(0,)),
    Op("special.logit", special.logit, sc.logit, (PROB,), diff=(0,)),
    Op("special.xlogy", special.xlogy, sc.xlogy, (F, POS), diff=(0, 1)),
    Op("special.xlog1py", special.xlog1py, sc.xlog1py, (F, POS), diff=(0, 1)),
    Op("special.entr", special.entr, sc.entr, (POS,), diff=(0,)),
    Op("special.rel_entr", special.rel_entr, sc.rel_entr, (POS, POS), diff=(0, 1)),
    Op("special.kl_div", special.kl_div, sc.kl_div, (POS, POS), diff=(0, 1)),
    Op("special.boxcox", special.boxcox, sc.boxcox, (POS, F), diff=(0, 1), rtol=1e-5),
    Op("special.boxcox1p", special.boxcox1p, sc.boxcox1p, (POS, F), diff=(0, 1), rtol=1e-5),
    Op("special.ndtr", special.ndtr, sc.ndtr, (F,), diff=(0,)),
    Op("special.ndtri", special.ndtri, sc.ndtri, (PROB,), diff=(0,), rtol=1e-5),
    Op("special.log_ndtr", special.log_ndtr, sc.log_ndtr, (Arg((3, 4), low=-30, high=5),),
       diff=(0,)),
    Op("special.i0", special.i0, sc.i0, (F,), diff=(0,)),
    Op("special.i0e", special.i0e, sc.i0e, (F,), diff=(0,)),
    Op("special.i1", special.i1, sc.i1, (F,), diff=(0,)),
    Op("special.i1e", special.i1e, sc.i1e, (F,), diff=(0,)),
    Op("special.logsumexp", special.logsumexp, _logsumexp_ref, (F,), diff=(0,)),
    Op("special.logsumexp(axis, keepdims)", special.logsumexp, _logsumexp_ref, (F,),
       {"axis": 1, "keepdims": True}, diff=(0,)),
    Op("special.logsumexp(b)", lambda a, b: special.logsumexp(a, axis=0, b=b),
       lambda a, b: sc.logsumexp(a, axis=0, b=b), (F, POS), diff=(0, 1)),
    Op("special.logsumexp(return_sign)",
       lambda a, b: special.logsumexp(a, axis=1, b=b, return_sign=True),
       lambda a, b: sc.logsumexp(a, axis=1, b=b, return_sign=True), (F, F), diff=(0,)),
    Op("special.softmax", special.softmax, sc.softmax, (F,), diff=(0,)),
    Op("special.log_softmax", lambda x: special.log_softmax(x, axis=1),
       lambda x: sc.log_softmax(x, axis=1), (F,), diff=(0,)),
]

for _name, _ref in [("pdf", st.norm.pdf), ("logpdf", st.norm.logpdf), ("cdf", st.norm.cdf),
                    ("logcdf", st.norm.logcdf), ("sf", st.norm.sf), ("logsf", st.norm.logsf)]:
    OPS.append(Op(f"norm.{_name}", getattr(norm, _name), _f64(_ref), (F, F, POS),
                  diff=(0, 1, 2), rtol=2e-5))
for _name, _ref in [("ppf", st.norm.ppf), ("isf", st.norm.isf)]:
    OPS.append(Op(f"norm.{_name}", getattr(norm, _name), _f64(_ref), (PROB, F, POS),
                  diff=(0, 1, 2), rtol=2e-5))

_DISTRIBUTIONS = [
    ("uniform", ["pdf", "logpdf", "cdf", "ppf"], ()),
    ("expon", ["pdf", "logpdf", "cdf", "logcdf", "sf", "logsf", "ppf"], ()),
    ("logistic", ["pdf", "logpdf", "cdf", "sf", "ppf", "isf"], ()),
    ("laplace", ["pdf", "logpdf", "cdf"], ()),
    ("cauchy", ["pdf", "logpdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"], ()),
    ("gamma", ["pdf", "logpdf", "cdf", "sf"], (POS,)),
    ("beta", ["pdf", "logpdf", "cdf", "sf"], (POS, POS)),
    ("t", ["pdf", "logpdf"], (POS,)),
    ("chi2", ["pdf", "logpdf", "cdf", "sf"], (POS,)),
]
for _dist, _fns, _shape_args in _DISTRIBUTIONS:
    for _fn in _fns:
        _x = PROB if _fn in ("ppf", "isf") or _dist in ("beta", "uniform") else POS
        OPS.append(Op(f"stats.{_dist}.{_fn}", getattr(getattr(stats, _dist), _fn),
                      _f64(getattr(getattr(st, _dist), _fn)), (_x,) + _shape_args,
                      diff=tuple(range(1 + len(_shape_args))) if _dist not in
                      ("gamma", "beta", "chi2") or _fn in ("pdf", "logpdf") else (0,),
                      rtol=2e-5))
OPS += [
    Op("stats.poisson.logpmf", stats.poisson.logpmf, _f64(st.poisson.logpmf),
       (Arg((3, 4), kind="int", low=0, high=8, dtype="float32"), POS), diff=(1,), rtol=2e-5),
    Op("stats.poisson.pmf", stats.poisson.pmf, _f64(st.poisson.pmf),
       (Arg((3, 4), kind="int", low=0, high=8, dtype="float32"), POS), diff=(1,), rtol=2e-5),
    Op("stats.poisson.cdf", stats.poisson.cdf, _f64(st.poisson.cdf),
       (Arg((3, 4), kind="int", low=0, high=8, dtype="float32"), POS), diff=(1,), rtol=2e-5),
    Op("stats.bernoulli.logpmf", stats.bernoulli.logpmf, _f64(st.bernoulli.logpmf),
       (Arg((3, 4), kind="int", low=0, high=2, dtype="float32"), PROB), diff=(1,)),
    Op("stats.bernoulli.pmf", stats.bernoulli.pmf, _f64(st.bernoulli.pmf),
       (Arg((3, 4), kind="int", low=0, high=2, dtype="float32"), PROB), diff=(1,)),
    Op("stats.bernoulli.cdf", stats.bernoulli.cdf, _f64(st.bernoulli.cdf),
       (Arg((3, 4), kind="int", low=-1, high=3, dtype="float32"), PROB)),
    Op("stats.bernoulli.ppf", stats.bernoulli.ppf, _f64(st.bernoulli.ppf), (PROB, PROB)),
]


@pytest.mark.parametrize("op", OPS, ids=op_id)
def test_op(op):
    check_op(op)


def test_bernoulli_numbers():
    np.testing.assert_allclose(special.bernoulli(10), sc.bernoulli(10), rtol=1e-6)
    np.testing.assert_allclose(special.bernoulli(1), [1.0, -0.5])
    with pytest.raises(ValueError):
        special.bernoulli(-1)
