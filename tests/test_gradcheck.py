"""gradcheck and gradgradcheck, as a user calls them on their own functions."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Tensor, apply, gradcheck, gradgradcheck
from autograd.ops.op import primitive


def test_gradcheck_passes_a_correct_user_function():
    x = Tensor(np.random.default_rng(0).normal(size=(3, 2)), requires_grad=True)
    w = Tensor(np.random.default_rng(1).normal(size=(2, 4)), requires_grad=True)
    assert gradcheck(lambda x, w: (x @ w).tanh().sum(axis=0), [x, w])
    assert gradgradcheck(lambda x, w: (x @ w).tanh().sum(axis=0), [x, w])


def test_gradcheck_works_in_float64_even_for_float32_inputs():
    x = Tensor(np.array([0.3, -0.2], dtype=np.float32), requires_grad=True)
    assert gradcheck(lambda t: (t * t).exp(), [x])


# An op with a deliberately wrong VJP (its true derivative is 3x²).
@primitive(lambda g, out, x: g * 2.0 * x, name="wrong_cube", register=False)
def wrong_cube(x):
    """x³ with a wrong gradient, for the test below."""
    return x**3


def test_gradcheck_names_the_input_and_the_worst_element():
    good = Tensor([1.0], requires_grad=True)
    bad = Tensor([0.1, 2.0, 0.5], requires_grad=True)
    with pytest.raises(AssertionError, match=r"input 1 \(shape \(3,\)\) at element \(1,\)"):
        gradcheck(lambda a, b: a * apply(wrong_cube, b), [good, bad])


def test_gradgradcheck_catches_a_vjp_that_is_not_differentiable():
    @primitive(
        lambda g, out, x: g * (1.0 - out.detach() * out.detach()),
        name="frozen_tanh",
        reads=(("out",),),
        register=False,
    )
    def frozen_tanh(x):
        """tanh whose VJP hides its dependence on x from second derivatives."""
        return np.tanh(x)

    x = Tensor([0.3, -0.7], requires_grad=True)
    assert gradcheck(lambda t: apply(frozen_tanh, t), [x])
    with pytest.raises(AssertionError, match="input 0"):
        gradgradcheck(lambda t: apply(frozen_tanh, t), [x])


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        gradcheck(lambda t: t * 2, [Tensor([1.0])])
