"""A weight used transposed (x @ W.T, as Linear does) gets a row-major gradient, like the weight itself.

A column-major gradient holds the same numbers, but an in-place update of a
row-major weight by it (p.data -= lr * g) runs many times slower.
"""

import numpy as np

import autograd
from autograd import Tensor


def _data(rng, *shape):
    return Tensor(rng.standard_normal(shape), requires_grad=True)


def test_weight_used_as_W_T_on_the_right_gets_a_row_major_gradient():
    rng = np.random.default_rng(0)
    W, x = _data(rng, 5, 3), _data(rng, 4, 3)
    g = rng.standard_normal((4, 5))
    (x @ W.T).backward(g)
    assert W.grad.numpy().flags.c_contiguous
    np.testing.assert_allclose(W.grad.numpy(), g.T @ x.numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), g @ W.numpy(), rtol=1e-12)


def test_matrix_used_as_A_T_on_the_left_gets_a_row_major_gradient():
    rng = np.random.default_rng(1)
    A, B = _data(rng, 5, 3), _data(rng, 5, 4)
    g = rng.standard_normal((3, 4))
    (A.T @ B).backward(g)
    assert A.grad.numpy().flags.c_contiguous
    np.testing.assert_allclose(A.grad.numpy(), B.numpy() @ g.T, rtol=1e-12)
    np.testing.assert_allclose(B.grad.numpy(), A.numpy() @ g, rtol=1e-12)


def test_transposed_operands_keep_first_and_second_derivatives():
    rng = np.random.default_rng(2)
    W, x = _data(rng, 5, 3), _data(rng, 4, 3)
    A, B = _data(rng, 5, 3), _data(rng, 5, 4)
    assert autograd.gradcheck(lambda x, W: (x @ W.T).tanh(), (x, W))
    assert autograd.gradgradcheck(lambda x, W: (x @ W.T).tanh(), (x, W))
    assert autograd.gradgradcheck(lambda A, B: (A.T @ B).tanh(), (A, B))
