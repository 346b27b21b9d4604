"""detect_anomaly: the first NaN or inf, in forward or backward, names the op and the user's line."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd
import nn
from autograd import AnomalyError, Tensor, detect_anomaly
from nn import functional as F

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def test_forward_nan_names_the_op_shapes_and_this_line():
    x = Tensor([1.0, -1.0], requires_grad=True)
    with detect_anomaly(), pytest.raises(AnomalyError) as caught:
        x.log()  # the line the error must point at
    message = str(caught.value)
    assert "log produced nan in its forward output" in message
    assert "(2,)" in message
    assert f"{__file__}:" in message and "x.log()  # the line the error must point at" in message


def test_forward_inf_is_caught_too():
    with detect_anomaly(), pytest.raises(AnomalyError, match="div produced inf"):
        Tensor([1.0]) / Tensor([0.0])


def test_backward_nan_names_the_op_that_made_the_gradient():
    x = Tensor([4.0, 0.0], requires_grad=True)
    with detect_anomaly():
        y = x.sqrt()  # finite forward; its gradient at 0 is inf, times 0 gives nan
        z = (y * 0.0).sum()
        with pytest.raises(AnomalyError) as caught:
            z.backward()
    message = str(caught.value)
    assert message.startswith("backward of sqrt produced nan in the gradient of its input 0")
    assert "y = x.sqrt()" in message


def test_off_by_default_and_nan_flows_silently():
    assert not autograd.is_anomaly_enabled()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = Tensor([-1.0], requires_grad=True).log()
    assert np.isnan(y.numpy()).all()


def test_the_mode_is_restored_on_exit_even_after_an_error():
    with pytest.raises(AnomalyError):
        with detect_anomaly():
            Tensor([0.0]).log()
    assert not autograd.is_anomaly_enabled()


def test_as_a_decorator():
    @detect_anomaly()
    def risky(t):
        return t.log()

    with pytest.raises(AnomalyError, match="log"):
        risky(Tensor([-2.0]))
    assert not autograd.is_anomaly_enabled()


def test_finite_programs_run_unchanged_under_anomaly_mode():
    x = Tensor([0.5, 1.5], requires_grad=True)
    with detect_anomaly():
        (x.exp() * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.numpy()) * (1 + x.numpy()), rtol=1e-6)


# -- inside nn: the line reported is the user's, not nn's ------------------------------


def test_anomaly_inside_nn_code_points_at_the_users_line():
    layer = nn.Linear(3, 2)
    layer.weight.numpy()[:] = 3e38  # finite, but Linear's x Wᵀ overflows float32
    x = Tensor([[10.0, 10.0, 10.0]])  # float32, like the layer
    with autograd.detect_anomaly(), pytest.raises(autograd.AnomalyError) as caught:
        layer(x)  # the line the error must name
    message = str(caught.value)
    assert "linear produced inf in its forward output" in message
    assert f"{__file__}:" in message and "layer(x)  # the line the error must name" in message


def test_anomaly_in_the_backward_of_an_op_made_inside_nn_points_at_the_users_line():
    anchor = Tensor(np.zeros(2), requires_grad=True)
    positive = Tensor(np.full(2, 1e-6))  # anchor - positive + eps is exactly 0: √ of 0 inside nn
    with autograd.detect_anomaly():
        distance = F.pairwise_distance(anchor, positive)  # the line the error must name
        with pytest.raises(autograd.AnomalyError) as caught:
            distance.sum().backward()
    message = str(caught.value)
    assert message.startswith("backward of sqrt produced inf in the gradient of its input 0")
    assert f"{__file__}:" in message and "F.pairwise_distance(anchor, positive)  # the line" in message
