"""`.grad` never aliases, as in PyTorch.

Two tensors' gradients never share a buffer, a gradient passed to `backward(gradient=G)`
never becomes (or shares memory with) a `.grad`, and each `.grad` is a writable array of its
own with its tensor's shape and dtype. Otherwise an optimizer step on one parameter's grad,
or a user's edit of G, would silently change another gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autograd

from .compare import RG, TH, assert_grad_matches, assert_same_dtype, seed_gradient, values


def array_of(t) -> np.ndarray:
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.numpy()


def gradient(L, shape):
    g = seed_gradient(shape)
    return torch.from_numpy(g) if L.is_torch else autograd.Tensor(g)


# fn(L, x, y) -> output; x is (2, 3), y is (6,) or whatever shape is given
GRAPHS = {
    "reshape-plus": (lambda L, x, y: x.reshape(6) + y, (2, 3), (6,)),
    "add-same-shape": (lambda L, x, y: x + y, (2, 3), (2, 3)),
    "add-broadcast": (lambda L, x, y: x + y, (2, 3), (3,)),
    "sum-plus-sum": (lambda L, x, y: x.sum() + y.sum(), (2, 3), (6,)),
    "mean-plus-mean": (lambda L, x, y: x.mean() + y.mean(), (2, 3), (2, 3)),
    "expand-plus": (lambda L, x, y: x.expand(4, 3) + y, (1, 3), (4, 3)),
    "cat": (lambda L, x, y: L.cat([x.reshape(6), y]), (2, 3), (6,)),
    "stack": (lambda L, x, y: L.stack([x, y]), (2, 3), (2, 3)),
    "getitem-pieces": (lambda L, x, y: x[0] + y[1], (2, 3), (2, 3)),
    "transpose-plus": (lambda L, x, y: x.T + y, (2, 3), (3, 2)),
    "where": (lambda L, x, y: L.where(L.const(np.array([True, False, True])), x, y), (2, 3), (2, 3)),
    "linear": (lambda L, x, y: L.F.linear(L.const(np.ones((4, 3))), x, y), (2, 3), (2,)),
}


@pytest.mark.parametrize("name", list(GRAPHS))
def test_two_leaves_grads_never_share_a_buffer(name):
    fn, x_shape, y_shape = GRAPHS[name]
    results = []
    for L in (RG, TH):
        x = L.leaf(np.linspace(-1, 1, int(np.prod(x_shape))).reshape(x_shape))
        y = L.leaf(np.linspace(2, 3, int(np.prod(y_shape))).reshape(y_shape))
        out = fn(L, x, y)
        out.backward(gradient(L, tuple(out.shape)))
        assert not np.shares_memory(array_of(x.grad), array_of(y.grad)), (
            f"{L}: x.grad and y.grad share memory"
        )
        for t in (x, y):
            assert not np.shares_memory(array_of(t.grad), array_of(t)), (
                f"{L}: a .grad shares memory with its tensor"
            )
        y_before = values(y.grad)
        array_of(x.grad)[...] = 123.0  # an edit of one gradient (as an optimizer's in-place step)
        np.testing.assert_array_equal(values(y.grad), y_before, err_msg=f"{L}: editing x.grad changed y.grad")
        results.append((x, y))
    (rg_x, rg_y), (th_x, th_y) = results
    assert_grad_matches(rg_y, th_y, "y.grad")


GIVEN = {
    "leaf-itself": lambda x: x,
    "times-one": lambda x: x * 1,
    "plus-zero": lambda x: x + 0,
    "reshape": lambda x: x.reshape(6).reshape(2, 3),
    "transpose-twice": lambda x: x.T.T,
    "getitem-everything": lambda x: x[:],
    "view": lambda x: x.view(2, 3),
}


@pytest.mark.parametrize("name", list(GIVEN))
def test_grad_is_never_the_gradient_given_to_backward(name):
    """Stricter than PyTorch, whose x.grad can share G's memory through a chain of views
    (x.reshape(6).reshape(2, 3)); the values are PyTorch's."""
    fn = GIVEN[name]
    x = RG.leaf(np.zeros((2, 3)))
    g = gradient(RG, (2, 3))
    fn(x).backward(g)
    assert x.grad is not g, "x.grad is the gradient object passed to backward"
    assert not np.shares_memory(array_of(x.grad), array_of(g)), "x.grad shares G's memory"
    array_of(g)[...] = -1.0  # the caller reuses its buffer
    th_x = TH.leaf(np.zeros((2, 3)))
    fn(th_x).backward(gradient(TH, (2, 3)))
    assert_grad_matches(x, th_x)


def test_grads_stay_separate_after_accumulating_over_two_backwards():
    for L in (RG, TH):
        x, y = L.leaf(np.zeros(3)), L.leaf(np.zeros(3))
        for _ in range(2):
            (x + y).backward(gradient(L, (3,)))
        assert not np.shares_memory(array_of(x.grad), array_of(y.grad)), f"{L}"
        np.testing.assert_array_equal(values(x.grad), 2 * seed_gradient((3,)))


def test_a_retained_nonleaf_grad_and_its_leaf_grad_do_not_share():
    for L in (RG, TH):
        x = L.leaf(np.zeros((2, 3)))
        y = x.reshape(6)
        y.retain_grad()
        y.backward(gradient(L, (6,)))
        assert not np.shares_memory(array_of(x.grad), array_of(y.grad)), f"{L}"


@pytest.mark.parametrize(
    "name, fn",
    [
        ("sum", lambda L, x: x.sum()),
        ("mean", lambda L, x: x.mean()),
        ("expand", lambda L, x: x.expand(4, 2, 3).sum()),
        ("max-ties", lambda L, x: L.amax(x) if L.is_torch else x.max()),
    ],
)
def test_grad_is_a_writable_array_of_its_own(name, fn):
    for L in (RG, TH):
        x = L.leaf(np.ones((2, 3)))
        fn(L, x).backward()
        grad = array_of(x.grad)
        assert grad.flags.writeable and grad.flags.owndata or grad.base is not None and grad.flags.writeable
        grad[0, 0] = 7.0  # a read-only or stride-0 broadcast view would refuse, or write every element
        assert values(x.grad)[0, 0] == 7.0 and values(x.grad)[1, 2] != 7.0, f"{L}: .grad is a broadcast view"


SHAPES_AND_DTYPES = {
    "broadcast-row": (lambda L, x, y: x + y, np.zeros(3), np.zeros((2, 3))),
    "broadcast-column": (lambda L, x, y: x * y, np.ones((2, 1)), np.ones((2, 3))),
    "float32-times-float64": (lambda L, x, y: x * y, np.ones(3, np.float32), np.ones(3)),
    "float32-plus-float64-constant": (
        lambda L, x, y: x + L.const(np.ones(3)) * y,
        np.ones(3, np.float32),
        np.ones(3),
    ),
    "0d-times-matrix": (lambda L, x, y: x * y, np.array(2.0), np.ones((2, 3))),
}


@pytest.mark.parametrize("name", list(SHAPES_AND_DTYPES))
def test_grad_has_the_leaf_shape_and_dtype(name):
    fn, a, b = SHAPES_AND_DTYPES[name]
    grads = []
    for L in (RG, TH):
        x, y = L.leaf(a), L.leaf(b)
        out = fn(L, x, y)
        out.backward(gradient(L, tuple(out.shape)))
        for t in (x, y):
            assert tuple(t.grad.shape) == tuple(t.shape), (
                f"{L}: grad shape {tuple(t.grad.shape)} for {tuple(t.shape)}"
            )
        grads.append((x, y))
    for r, t in zip(grads[0], grads[1]):
        assert_same_dtype(r.grad, t.grad, "grad dtype")
        assert_grad_matches(r, t, rtol=1e-6)
