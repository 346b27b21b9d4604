"""Fit the polynomial that nn/special.py uses for erfc, and print it as Python.

    python docs/fit_erfc.py     # needs mpmath (installed with torch, or `pip install mpmath`)

erfc(z) for z >= 0 is written as t·exp(-z² + P(t)), with t = 1/(1 + p·z) in (0, 1].
P(t) = log(erfc(z)/t) + z² is smooth on all of [0, 1] (at t = 0, z = ∞, it tends to
log(p/√π)), so a polynomial fits it closely. The targets are computed by mpmath at 40
digits on 600 Chebyshev points of [0, 1]; the fit is least squares in the Chebyshev
basis, converted to powers of t for Horner's rule. p and the degree were chosen by
trying p in 0.30 ... 0.45 and degrees 18 ... 22 and keeping the pair with the smallest
largest relative error of erfc and of its derivative in float64 on [0, 26.5] (about
1e-14 and 2e-13).
"""

from __future__ import annotations

import mpmath
import numpy as np

P = 0.38
DEGREE = 21
POINTS = 600


def target(t: float) -> float:
    """log(erfc(z)/t) + z² at z = (1/t - 1)/p, in 40-digit arithmetic."""
    t = mpmath.mpf(t)
    if t == 0:
        return float(mpmath.log(P / mpmath.sqrt(mpmath.pi)))
    z = (1 / t - 1) / P
    return float(mpmath.log(mpmath.erfc(z) / t) + z * z)


def fit() -> np.ndarray:
    """The coefficients of P in powers of t, lowest first."""
    mpmath.mp.dps = 40
    k = np.arange(POINTS)
    ts = 0.5 - 0.5 * np.cos(np.pi * (k + 0.5) / POINTS)
    ys = np.array([target(t) for t in ts])
    chebyshev = np.polynomial.chebyshev.Chebyshev.fit(ts, ys, DEGREE, domain=[0, 1])
    return chebyshev.convert(kind=np.polynomial.Polynomial).coef


if __name__ == "__main__":
    print(f"_P = {P}")
    print("_COEFFICIENTS = (  # of t⁰, t¹, ...")
    for c in fit():
        print(f"    {float(c)!r},")
    print(")")
