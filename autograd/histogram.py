"""Histograms of a tensor's values: PyTorch's `histc` and `histogram` (counts carry no gradient)."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ._tensor import Tensor

histogram_result = namedtuple("histogram", ["hist", "bin_edges"])


def _values(input, where: str) -> np.ndarray:
    array = input.numpy() if isinstance(input, Tensor) else np.asarray(input)
    if array.dtype.kind != "f":
        raise TypeError(f"{where}: expected a floating-point tensor, got {array.dtype}")
    return array


def histc(input, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002  (PyTorch's names)
    """Counts of input's values in `bins` equal bins over [min, max], in input's dtype.

    Values outside the range are not counted; the last bin includes max. With
    min == max (the default 0, 0) the range is the data's own, widened by 1 each side
    when all values are equal.
    """
    array = _values(input, "histc")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins <= 0:
        raise ValueError(f"histc: bins must be a positive int, got {bins!r}")
    lo, hi = float(min), float(max)
    if lo == hi and array.size:
        lo, hi = float(array.min()), float(array.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"histc: the range [{lo}, {hi}] is not finite")
    if lo > hi:
        raise ValueError(f"histc: max ({hi}) must be larger than min ({lo})")
    counts, _ = np.histogram(array, bins=int(bins), range=(lo, hi))
    return Tensor._lift(counts.astype(array.dtype))


def histogram(input, bins=100, *, range=None, weight=None, density: bool = False) -> histogram_result:  # noqa: A002
    """(hist, bin_edges): counts (or summed weights) of input's values per bin, and the bins' edges.

    `bins` is a number of equal bins over `range` (by default the data's min to max) or a
    1-d tensor of increasing edges; the last bin includes its right edge. `density`
    divides by the total and the bin widths, so the histogram integrates to 1.
    """
    array = _values(input, "histogram")
    if isinstance(bins, (Tensor, np.ndarray, list, tuple)):
        edges = np.asarray(bins._data if isinstance(bins, Tensor) else bins, dtype=np.float64)
        if edges.ndim != 1 or edges.size < 2 or (np.diff(edges) < 0).any():
            raise ValueError("histogram: bins given as edges must be a 1-d increasing sequence of 2 or more")
        bins = edges
    elif isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins <= 0:
        raise ValueError(f"histogram: bins must be a positive int or a tensor of edges, got {bins!r}")
    weights = None
    if weight is not None:
        weights = np.asarray(weight._data if isinstance(weight, Tensor) else weight)
        if weights.shape != array.shape:
            raise ValueError(f"histogram: weight has shape {weights.shape} but input has shape {array.shape}")
    if range is not None:
        range = tuple(float(v) for v in range)
    hist, edges = np.histogram(array, bins=bins, range=range, weights=weights, density=density)
    return histogram_result(Tensor._lift(hist.astype(array.dtype)), Tensor._lift(edges.astype(array.dtype)))
