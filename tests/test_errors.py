"""Error paths the other tests leave out: each bad input gives an error whose text says what was wrong.

The engine's main errors (matmul and broadcast mismatches, reshape, integer tensors
that require grad, backward without `gradient` or with a wrong one, indexing out of
range, a second backward) are pinned in test_tensor.py and test_engine.py; nn's in
the test_nn_*.py files. This file fills the gaps between them.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor, grad
from nn import functional as F


@pytest.fixture
def x23():
    return Tensor(np.ones((2, 3)), requires_grad=True)


# -- engine ------------------------------------------------------------------------------


def test_reductions_name_the_op_and_the_bad_axis(x23):
    with pytest.raises(
        ValueError, match=r"sum: axis 2 is out of bounds for array of dimension 2 \(input shapes: \(2, 3\)\)"
    ):
        x23.sum(axis=2)
    with pytest.raises(ValueError, match=r"max: axis 4 is out of bounds.*\(2, 3\)"):
        x23.max(axis=4)
    with pytest.raises(ValueError, match=r"sum: axis 2 is out of bounds"):
        x23.mean(dim=2)


def test_a_bad_axis_for_a_shape_op_is_named(x23):
    for call in (
        lambda: x23.unsqueeze(5),
        lambda: x23.squeeze(4),
        lambda: x23.swapaxes(0, 3),
        lambda: x23.flatten(4),
    ):
        with pytest.raises(ValueError, match=r"axis \d is out of bounds for array of dimension \d"):
            call()
    with pytest.raises(ValueError, match=r"transpose: repeated axis in transpose \(input shapes: \(2, 3\)\)"):
        x23.permute(0, 0)
    with pytest.raises(TypeError, match=r"unsqueeze: missing the axis \(dim\) to insert"):
        x23.unsqueeze()


def test_expand_and_broadcast_to_name_both_shapes(x23):
    with pytest.raises(ValueError, match=r"expand: cannot expand shape \(2, 3\) to fewer dimensions \(3,\)"):
        x23.expand(3)
    with pytest.raises(ValueError, match=r"broadcast_to: .*\(2,3\) +and requested shape \(4,3\)"):
        x23.expand(4, 3)


def test_joining_names_the_mismatched_shapes(x23):
    with pytest.raises(ValueError, match=r"stack: all tensors must have one shape, got \[\(2, 3\), \(3,\)\]"):
        autograd.stack([x23, Tensor(np.ones(3))])
    with pytest.raises(
        ValueError, match=r"concatenate: .*along dimension 0.*\(input shapes: \(2, 3\), \(3, 3\)\)"
    ):
        autograd.concatenate([x23, Tensor(np.ones((3, 3)))], axis=1)
    with pytest.raises(ValueError, match="stack: expected at least one tensor"):
        autograd.stack([])
    with pytest.raises(ValueError, match="concatenate: expected at least one tensor"):
        autograd.concatenate([])


def test_where_maximum_and_matmul_mismatches_name_the_op_and_shapes(x23):
    with pytest.raises(ValueError, match=r"where: operands could not be broadcast.*\(4,\) \(2,3\)"):
        autograd.where(np.ones(4, bool), x23, 0.0)
    with pytest.raises(ValueError, match=r"maximum: .*\(input shapes: \(2, 3\), \(4,\)\)"):
        autograd.maximum(x23, Tensor(np.ones(4)))
    with pytest.raises(
        ValueError, match=r"matmul: \(2, 3\) @ \(\): both operands need at least one dimension"
    ):
        x23 @ Tensor(2.0)


def test_indexing_errors_name_the_index_and_the_shape(x23):
    with pytest.raises(
        IndexError, match=r"getitem: too many indices.*3 were indexed \(input shapes: \(2, 3\)\)"
    ):
        x23[0, 0, 0]
    with pytest.raises(IndexError, match=r"getitem: index 5 is out of bounds for axis 0 with size 2"):
        x23[[0, 5]]
    with pytest.raises(IndexError, match=r"getitem: .*\(input shapes: \(2, 3\)\)"):
        x23[np.ones(3, bool)]


def test_integer_tensors_cannot_require_grad_however_made():
    message = "only floating-point tensors can require grad; this one is int64"
    with pytest.raises(TypeError, match=message):
        autograd.arange(5, requires_grad=True)
    with pytest.raises(TypeError, match=message):
        autograd.zeros(2, dtype=np.int64, requires_grad=True)
    with pytest.raises(TypeError, match=message):
        Tensor([1, 2]).requires_grad_()
    with pytest.raises(TypeError, match="this one is bool"):
        Tensor([True]).requires_grad_()


def test_graph_only_calls_on_tensors_without_a_graph_say_so():
    with pytest.raises(RuntimeError, match="register_hook: this tensor does not require grad"):
        Tensor(1.0).register_hook(print)
    with pytest.raises(RuntimeError, match="retain_grad: this tensor does not require grad"):
        Tensor(1.0).retain_grad()
    with pytest.raises(RuntimeError, match=r"requires_grad_\(False\) on a non-leaf: use .detach\(\) instead"):
        (Tensor(1.0, requires_grad=True) * 2).requires_grad_(False)
    with autograd.no_grad():
        y = Tensor(1.0, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"does not require grad.*made under no_grad"):
        y.backward()


def test_grad_names_the_argument_that_is_wrong(x23):
    y = (x23 * 2).sum()
    with pytest.raises(ValueError, match="grad: 2 outputs but 1 grad_outputs"):
        grad([y, y], x23, grad_outputs=[None])
    with pytest.raises(RuntimeError, match="grad: input 1 does not require grad"):
        grad(y, [x23, Tensor(1.0)])
    with pytest.raises(
        RuntimeError, match=r"grad: output 0 does not require grad \(it does not depend on any input\)"
    ):
        grad(Tensor(1.0), x23)
    with pytest.raises(
        RuntimeError, match=r"backward: gradient has shape \(3,\) but the output has shape \(2, 3\)"
    ):
        grad(x23 * 2, x23, grad_outputs=Tensor(np.ones(3)))
    with pytest.raises(
        RuntimeError, match=r"the output has shape \(2, 3\).*pass gradient= a tensor of shape \(2, 3\)"
    ):
        grad(x23 * 2, x23)


def test_a_graph_freed_by_another_roots_backward_names_the_op():
    x = Tensor(2.0, requires_grad=True)
    shared = x.exp()
    first, second = shared * 2, shared * 3
    first.backward()  # frees the graph behind `shared` too
    with pytest.raises(
        RuntimeError, match=r"backward through exp: the graph behind this tensor was freed.*retain_graph=True"
    ):
        second.backward()


def test_a_second_functional_grad_without_retain_graph_is_refused():
    x = Tensor(2.0, requires_grad=True)
    y = x.sin() * x
    grad(y, x)
    with pytest.raises(RuntimeError, match="freed by an earlier backward.*retain_graph=True"):
        grad(y, x)


def test_bad_constructor_data_names_what_numpy_saw():
    with pytest.raises(TypeError, match="got dict that NumPy reads as dtype object"):
        Tensor({"a": 1})
    with pytest.raises(TypeError, match="got NoneType that NumPy reads as dtype object"):
        Tensor(None)
    with pytest.raises(TypeError, match="Tensor: unsupported dtype <U1"):
        Tensor(np.array(["a"]))
    with pytest.raises(TypeError, match="set_default_dtype: expected a floating dtype, got int32"):
        autograd.set_default_dtype(np.int32)


# -- nn ----------------------------------------------------------------------------------


LOGITS = Tensor(np.zeros((3, 4)))


@pytest.mark.parametrize(
    "loss, name",
    [
        (nn.CrossEntropyLoss(), "cross_entropy"),
        (nn.NLLLoss(), "nll_loss"),
        (nn.MultiMarginLoss(), "multi_margin_loss"),
    ],
    ids=lambda v: v if isinstance(v, str) else type(v).__name__,
)
def test_loss_modules_reject_bad_class_targets_with_the_functions_message(loss, name):
    with pytest.raises(
        ValueError, match=rf"{name}: target values must be class indices in \[0, 4\) .*got \[4\]"
    ):
        loss(LOGITS, np.array([0, 4, 1]))
    with pytest.raises(
        ValueError, match=rf"{name}: target has shape \(2,\), but input of shape \(3, 4\) needs \(3,\)"
    ):
        loss(LOGITS, np.array([0, 1]))
    with pytest.raises(
        TypeError, match=rf"{name}: target must hold integer class indices, got dtype float32"
    ):
        loss(LOGITS, Tensor([0.0, 1.0, 2.0]))
    with pytest.raises(
        ValueError, match=rf"{name}: target has shape \(\), but input of shape \(3, 4\) needs \(3,\)"
    ):
        loss(LOGITS, 1)


def test_regression_loss_modules_reject_bad_targets():
    with pytest.raises(
        ValueError, match=r"mse_loss: target has shape \(4, 3\) but input has shape \(3, 4\); they must match"
    ):
        nn.MSELoss()(LOGITS, np.zeros((4, 3)))
    bce = nn.BCEWithLogitsLoss()
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy_with_logits: target has shape \(3,\) but input has shape \(3, 4\)",
    ):
        bce(LOGITS, np.zeros(3))
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy_with_logits: target must lie in \[0.0, 1.0\], got values from 2.0 to 2.0",
    ):
        bce(LOGITS, np.full((3, 4), 2.0))
    with pytest.raises(ValueError, match=r"triplet_margin_loss: .*negative \(3, 5\)"):
        nn.TripletMarginLoss()(LOGITS, LOGITS, Tensor(np.zeros((3, 5))))
    with pytest.raises(
        ValueError,
        match="soft_auc_loss: AUC needs at least one positive and one negative label; got 3 positive and 0 negative",
    ):
        F.soft_auc_loss(Tensor(np.zeros(3)), np.array([1, 1, 1]))


def test_a_layer_inside_an_mlp_names_its_own_width_when_fed_the_wrong_one():
    model = nn.MLP([4, 8, 2])
    with pytest.raises(
        ValueError,
        match=r"Linear\(in_features=4, out_features=8\): the input's last axis must have 4 features, got input of shape \(2, 5\)",
    ):
        model(Tensor(np.zeros((2, 5))))


def test_optimizers_refuse_no_parameters_and_bad_learning_rates():
    with pytest.raises(ValueError, match=r"SGD: got an empty parameter list; pass model.parameters\(\)"):
        nn.optim.SGD(nn.Sequential().parameters(), lr=0.1)  # an empty generator, not just []
    params = list(nn.Linear(2, 2).parameters())
    with pytest.raises(ValueError, match="SGD: learning rate lr must be >= 0, got nan"):
        nn.optim.SGD(params, lr=float("nan"))
    with pytest.raises(ValueError, match="Adam: learning rate lr must be >= 0, got -1"):
        nn.optim.Adam(params, lr=-1)


def test_a_data_loader_over_arrays_of_different_lengths_is_refused():
    with pytest.raises(
        ValueError,
        match=r"TensorDataset: all arrays must have the same first dimension, got array 0: \(5, 2\), array 1: \(4,\)",
    ):
        nn.data.DataLoader(nn.data.TensorDataset(np.zeros((5, 2)), np.zeros(4)), batch_size=2)


def test_load_state_dict_names_nested_keys_and_shapes():
    model = nn.MLP([4, 8, 2])
    state = model.state_dict()
    del state["layers.2.bias"]
    state["layers.9.weight"] = np.zeros(2)
    state["layers.0.weight"] = np.zeros((4, 8))
    with pytest.raises(RuntimeError) as caught:
        model.load_state_dict(state)
    message = str(caught.value)
    assert message.startswith("load_state_dict: error(s) loading into MLP:")
    assert "missing key 'layers.2.bias' (the model's parameter has shape (2,))" in message
    assert "unexpected key 'layers.9.weight' (shape (2,))" in message
    assert (
        "size mismatch for 'layers.0.weight': the state dict has shape (4, 8), the model's parameter has shape (8, 4)"
        in message
    )


def test_an_op_name_numpy_already_gave_is_not_repeated(x23):
    with pytest.raises(ValueError) as caught:
        x23 @ x23
    assert str(caught.value) == "matmul: (2, 3) @ (2, 3): inner dimensions 3 and 2 differ"


def test_linear_rejects_non_integer_sizes_and_integer_input():
    with pytest.raises(ValueError, match="in_features must be a non-negative integer, got 2.5"):
        nn.Linear(2.5, 2)
    with pytest.raises(TypeError, match="floating-point input.*int64"):
        nn.Linear(2, 2)(Tensor([[1, 2]]))


def test_optimizer_hyperparameters_given_as_strings_are_named():
    with pytest.raises(TypeError, match="SGD: lr must be a number, got the string '0.1'"):
        nn.optim.SGD([nn.Parameter([1.0])], lr="0.1")


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda x: x.softmax(axis=3), "softmax"),
        (lambda x: x.logsumexp(3), "logsumexp"),
        (lambda x: x.unsqueeze(5), "unsqueeze"),
        (lambda x: x.squeeze(4), "squeeze"),
        (lambda x: x.swapaxes(0, 4), "swapaxes"),
        (lambda x: x.flatten(3), "flatten"),
        (lambda x: autograd.concatenate([x, x], axis=3), "concatenate"),
    ],
)
def test_axis_errors_of_composite_ops_name_the_op_and_shape(call, name):
    with pytest.raises(np.exceptions.AxisError, match=rf"{name}: axis \d is out of bounds.*\(2, 3\)"):
        call(Tensor(np.ones((2, 3))))
