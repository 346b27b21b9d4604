"""log_softmax keeps full precision beside huge logits (found while testing nn's cross_entropy)."""

from __future__ import annotations

import numpy as np

from autograd import Tensor


def test_float32_log_softmax_is_precise_next_to_a_logit_of_ten_thousand():
    # log_softmax([1e4, 1e4, -1e4]) = [-log 2, -log 2, -2e4 - log 2]. Adding the max back
    # before subtracting (x - (m + log Σ)) rounds log 2 to float32's spacing at 1e4 (≈ 1e-3).
    x = Tensor(np.array([1e4, 1e4, -1e4], dtype=np.float32), requires_grad=True)
    y = x.log_softmax()
    np.testing.assert_allclose(y.numpy()[:2], -np.log(2), rtol=1e-6)
    y[0].backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, -0.5, 0.0], atol=1e-6)
