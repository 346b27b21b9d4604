"""erfc and the normal CDF Φ as compositions of autograd ops, for the exact GELU.

autograd has no erf primitive, so erfc(z) for z ≥ 0 is written as
t·exp(-z² + P(t)) with t = 1/(1 + p·z), where P is a degree-21 polynomial fitted
to log(erfc(z)/t) + z² (docs/fit_erfc.py makes it). In float64 it is within about
1e-14 of erfc, relative, over every z where erfc(z) is a normal float, and its
derivative within about 2e-13 of -2/√π·e^(-z²): close, but not the last bit that
an erf primitive would give. The engine differentiates the formula, so gradients
of every order come with it.
"""

from __future__ import annotations

import numpy as np

import autograd
from autograd import Tensor

_P = 0.38
_COEFFICIENTS = (  # of P(t) in powers of t: t⁰, t¹, ..., from docs/fit_erfc.py
    -1.539948969186401,
    0.9999999999958631,
    0.42780000064998325,
    0.18893329103013187,
    0.04643357834787315,
    -0.03670343327363323,
    -0.0681947062955119,
    -0.06225259369898488,
    0.01606334587864635,
    -0.17948575800081262,
    0.933877605988584,
    -3.0232084580637415,
    8.279793471448937,
    -17.726674759731708,
    29.67264471154826,
    -38.8501830277335,
    38.755009422918725,
    -28.43257501585343,
    14.74095989518963,
    -5.099504802042804,
    1.0565126500742068,
    -0.09929644919030994,
)
# Past this, erfc is below the smallest float64 (erfc(27) ≈ 5e-319): clipping keeps inf out of z - h below.
_LARGEST = 30.0


def erfc_of_nonnegative(z: Tensor) -> Tensor:
    """erfc(z) = (2/√π)∫_z^∞ e^(-s²) ds for z ≥ 0, as t·e^(-z²+P(t)), t = 1/(1 + 0.38z); float64."""
    z = autograd.clip(z, None, _LARGEST)
    t = 1.0 / (1.0 + _P * z)
    poly = _COEFFICIENTS[-1] * t
    for c in _COEFFICIENTS[-2:0:-1]:
        poly = (poly + c) * t
    poly = poly + _COEFFICIENTS[0]
    # e^(-z²) loses digits when z² is large and rounded; with h = z rounded to 1/16, h² is exact and
    # z² = h² + (z - h)(z + h), so e^(-h²) is one correctly rounded constant and the rest is small.
    h = (z * 16.0).round() / 16.0  # a constant: rounding passes no gradient
    return t * (-h * h).exp() * autograd.exp(poly - (z - h) * (z + h))


def normal_cdf(x: Tensor) -> Tensor:
    """Φ(x) = ½·erfc(-x/√2), computed in float64 and returned in x's dtype."""
    x64 = x.astype(np.float64) if x.dtype != np.float64 else x
    negative = x64 < 0
    size = autograd.where(negative, -x64, x64)  # |x|, with slope +1 at 0 to match the branch taken there
    tail = 0.5 * erfc_of_nonnegative(size * np.sqrt(0.5))  # P(X > |x|), accurate even when tiny
    cdf = autograd.where(negative, tail, 1.0 - tail)
    return cdf if x.dtype == np.float64 else cdf.astype(x.dtype)
