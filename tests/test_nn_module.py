"""Module: registration by assignment, walking the tree, modes, state dicts, repr, and scopes."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor


class Block(nn.Module):
    """A custom module with its own parameter, a submodule and a list of modules."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(3))
        self.fc1 = nn.Linear(3, 4)
        self.heads = [nn.Linear(4, 2), nn.Linear(4, 1)]

    def forward(self, x):
        h = self.fc1(x * self.scale).relu()
        return [head(h) for head in self.heads]


def test_named_parameters_follow_pytorchs_dotted_names_and_order():
    model = nn.MLP([2, 3, 3, 1])
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "layers.0.weight", "layers.0.bias",
        "layers.2.weight", "layers.2.bias",
        "layers.4.weight", "layers.4.bias",
    ]  # fmt: skip
    assert [p.shape for p in model.parameters()] == [(3, 2), (3,), (3, 3), (3,), (1, 3), (1,)]


def test_parameters_submodules_and_lists_of_modules_register_by_assignment():
    block = Block()
    names = [name for name, _ in block.named_parameters()]
    # the module's own parameters first, then each child's, in assignment order
    assert names == [
        "scale",
        "fc1.weight",
        "fc1.bias",
        "heads.0.weight",
        "heads.0.bias",
        "heads.1.weight",
        "heads.1.bias",
    ]
    assert isinstance(block.heads, nn.ModuleList) and len(block.heads) == 2
    assert [type(m).__name__ for m in block.children()] == ["Linear", "ModuleList"]
    assert [name for name, _ in block.named_modules()] == ["", "fc1", "heads", "heads.0", "heads.1"]
    assert list(block.modules())[0] is block


def test_parameters_are_in_the_same_order_every_time():
    model = Block()
    first = [id(p) for p in model.parameters()]
    assert first == [id(p) for p in model.parameters()]
    assert len(first) == 7


def test_a_shared_parameter_or_module_is_listed_once_but_saved_under_each_name():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(list(model.modules())) == 3  # Sequential, Linear, ReLU


def test_plain_attributes_are_not_registered():
    block = Block()
    block.note = "hello"
    block.numbers = [1, 2]
    block.tensor = Tensor([1.0, 2.0], requires_grad=True)
    assert len(list(block.parameters())) == 7
    assert block.note == "hello"


def test_reassigning_a_parameter_name_needs_a_parameter_or_none():
    layer = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="'weight'.*nn.Parameter"):
        layer.weight = Tensor(np.zeros((3, 2)))
    layer.bias = None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert layer(Tensor(np.ones((1, 2)))).shape == (1, 3)


def test_assigning_a_submodule_name_needs_a_module_or_none():
    model = nn.MLP([2, 2])
    with pytest.raises(TypeError, match="'layers'.*Module"):
        model.layers = 3
    model.layers = None
    assert list(model.parameters()) == []


def test_deleting_an_attribute_unregisters_it():
    block = Block()
    del block.fc1
    assert "fc1.weight" not in dict(block.named_parameters())
    assert not hasattr(block, "fc1")


def test_forgetting_super_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Broken()


def test_a_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="Module has no forward"):
        nn.Module()(1)


def test_registered_parameters_get_the_attribute_name_unless_already_named():
    layer = nn.Linear(2, 3)
    assert layer.weight.name == "weight" and layer.bias.name == "bias"
    module = nn.Module()
    module.w = nn.Parameter(np.zeros(2), name="my weight")
    assert module.w.name == "my weight"


def test_parameter_is_a_leaf_that_requires_grad():
    p = nn.Parameter([1.0, 2.0])
    assert p.requires_grad and p.is_leaf and p.dtype == autograd.get_default_dtype()
    assert repr(p).startswith("Parameter([1., 2.]")
    source = np.array([1.0, 2.0])
    assert nn.Parameter(source).numpy() is not source  # it owns its array
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad
    with pytest.raises(TypeError, match="floating-point.*int64"):
        nn.Parameter([1, 2])


def test_zero_grad_sets_every_gradient_to_none():
    model = nn.MLP([2, 3, 1])
    model(Tensor(np.ones((4, 2)))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_train_and_eval_switch_every_module():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.Sequential(nn.Dropout(0.1)))
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_apply_visits_children_before_parents():
    model = nn.MLP([2, 3, 1])
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "MLP"]


def test_requires_grad_false_freezes_every_parameter():
    model = nn.MLP([2, 3, 1]).requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    assert not model(Tensor(np.ones((1, 2)))).requires_grad


def test_to_and_double_convert_parameters_in_place_and_drop_gradients():
    model = nn.MLP([2, 3, 1])
    weight = model.layers[0].weight
    model(Tensor(np.ones((1, 2), dtype=np.float32))).sum().backward()
    model.double()
    assert model.layers[0].weight is weight
    assert all(p.dtype == np.float64 and p.grad is None for p in model.parameters())
    assert model(Tensor(np.ones((1, 2)))).dtype == np.float64
    assert model.float().layers[0].weight.dtype == np.float32
    with pytest.raises(TypeError, match="floating point.*int32"):
        model.to(np.int32)


def test_deepcopy_gives_an_independent_model():
    model = nn.MLP([2, 3, 1])
    twin = copy.deepcopy(model)
    twin.layers[0].weight.numpy()[...] = 0.0
    assert not np.all(model.layers[0].weight.numpy() == 0.0)
    assert [n for n, _ in twin.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert twin(Tensor(np.ones((1, 2))))._scope == ("MLP", "layers (Sequential)", "2 (Linear)")


# -- state dicts ------------------------------------------------------------------


def test_state_dict_holds_copies_keyed_like_named_parameters():
    model = nn.MLP([2, 3, 1])
    state = model.state_dict()
    assert list(state) == [name for name, _ in model.named_parameters()]
    for name, p in model.named_parameters():
        assert isinstance(state[name], Tensor) and not state[name].requires_grad
        np.testing.assert_array_equal(state[name].numpy(), p.numpy())
    state["layers.0.weight"].numpy()[...] = 99.0  # a copy: the model is untouched
    assert not np.any(model.layers[0].weight.numpy() == 99.0)


def test_load_state_dict_copies_values_in_place():
    source, target = nn.MLP([2, 3, 1]), nn.MLP([2, 3, 1])
    weight = target.layers[0].weight
    array = weight.numpy()
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.layers[0].weight is weight and weight.numpy() is array  # optimizers keep their references
    for (_, a), (_, b) in zip(source.named_parameters(), target.named_parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_load_state_dict_takes_plain_arrays_and_keeps_the_parameter_dtype():
    model = nn.Linear(2, 1)  # float32
    model.load_state_dict({"weight": np.array([[1.0, 2.0]]), "bias": [0.5]})
    assert model.weight.dtype == np.float32
    np.testing.assert_array_equal(model.weight.numpy(), [[1.0, 2.0]])
    np.testing.assert_array_equal(model.bias.numpy(), [0.5])


def test_load_state_dict_names_a_missing_key_and_its_shape():
    model = nn.Linear(2, 3)
    with pytest.raises(RuntimeError, match=r"missing key 'bias' \(the model's parameter has shape \(3,\)\)"):
        model.load_state_dict({"weight": np.zeros((3, 2))})


def test_load_state_dict_names_an_unexpected_key_and_its_shape():
    model = nn.Linear(2, 3)
    state = {**model.state_dict(), "extra": np.zeros((4, 5))}
    with pytest.raises(RuntimeError, match=r"unexpected key 'extra' \(shape \(4, 5\)\)"):
        model.load_state_dict(state)


def test_load_state_dict_names_a_wrongly_shaped_key_and_both_shapes():
    model = nn.Linear(2, 3)
    before = model.weight.numpy().copy()
    state = {"weight": np.zeros((2, 3)), "bias": np.ones(3)}
    with pytest.raises(RuntimeError, match=r"'weight': the state dict has shape \(2, 3\).*shape \(3, 2\)"):
        model.load_state_dict(state)
    np.testing.assert_array_equal(model.weight.numpy(), before)  # nothing changed
    assert not np.any(model.bias.numpy() == 1.0)


def test_load_state_dict_not_strict_reports_but_skips_missing_and_unexpected_keys():
    model = nn.Linear(2, 3)
    result = model.load_state_dict({"weight": np.zeros((3, 2)), "other": np.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
    np.testing.assert_array_equal(model.weight.numpy(), 0.0)
    with pytest.raises(RuntimeError, match="size mismatch"):
        model.load_state_dict({"weight": np.zeros((1, 1))}, strict=False)


def test_load_state_dict_rejects_non_numeric_values():
    model = nn.Linear(1, 1)
    with pytest.raises(TypeError, match="'weight' holds <U1"):
        model.load_state_dict({"weight": np.array([["a"]]), "bias": np.zeros(1)})


# -- repr ------------------------------------------------------------------------


def test_repr_reads_like_pytorchs():
    assert repr(nn.MLP([2, 16, 2], activation="tanh")) == (
        "MLP(\n"
        "  (layers): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=16, bias=True)\n"
        "    (1): Tanh()\n"
        "    (2): Linear(in_features=16, out_features=2, bias=True)\n"
        "  )\n"
        ")"
    )
    assert repr(nn.Linear(3, 1, bias=False)) == "Linear(in_features=3, out_features=1, bias=False)"
    assert repr(nn.Dropout(0.25)) == "Dropout(p=0.25, inplace=False)"


# -- scopes: the contract with graph pictures -------------------------------------


def test_tensors_record_the_module_path_that_made_them():
    model = nn.MLP([2, 3, 3, 1])
    out = model(Tensor(np.ones((1, 2))))
    assert out._scope == ("MLP", "layers (Sequential)", "4 (Linear)")
    first_linear = out
    while first_linear._scope != ("MLP", "layers (Sequential)", "0 (Linear)"):
        first_linear = first_linear.parents[0]
    assert first_linear._scope == ("MLP", "layers (Sequential)", "0 (Linear)")


def test_scopes_use_the_attribute_name_of_custom_modules():
    block = Block()
    outs = block(Tensor(np.ones((1, 3))))
    assert outs[0]._scope == ("Block", "0 (Linear)")  # a ModuleList is never called itself
    hidden = outs[0].parents[0]  # linear(h, W, b) -> h
    assert hidden._scope == ("Block",)
    fc1_out = hidden.parents[0]
    assert fc1_out._scope == ("Block", "fc1 (Linear)")


def test_the_scope_is_closed_after_the_call_even_when_forward_raises():
    layer = nn.Linear(2, 1)
    with pytest.raises(ValueError):
        layer(Tensor(np.ones((1, 5))))
    x = Tensor(np.ones(2), requires_grad=True)
    assert (x * 2)._scope == ()


def test_registration_rejects_bad_names_and_values():
    module = nn.Module()
    with pytest.raises(KeyError, match="without '.', got 'a.b'"):
        module.register_parameter("a.b", nn.Parameter([1.0]))
    with pytest.raises(KeyError, match="non-empty string"):
        module.add_module("", nn.ReLU())
    with pytest.raises(TypeError, match="'w' must be an nn.Parameter or None, got Tensor"):
        module.register_parameter("w", Tensor([1.0]))
    with pytest.raises(TypeError, match="'m' must be a Module or None, got int"):
        module.add_module("m", 3)
    module.note = "plain"
    with pytest.raises(KeyError, match="already has an attribute 'note' that is not registered"):
        module.register_parameter("note", nn.Parameter([1.0]))
    module.note = nn.Parameter([1.0])  # assignment replaces the plain attribute, as in PyTorch
    assert [name for name, _ in module.named_parameters()] == ["note"]


def test_load_state_dict_needs_a_mapping():
    with pytest.raises(TypeError, match="expected a dict of name -> array, got list"):
        nn.Linear(1, 1).load_state_dict([np.zeros((1, 1))])


def test_load_state_dict_replaces_a_read_only_array():
    layer = nn.Linear(1, 1)
    layer.weight.data = np.broadcast_to(np.float32(0.0), (1, 1))  # a read-only view
    layer.load_state_dict({"weight": [[2.0]], "bias": [0.0]})
    assert layer.weight.numpy().flags.writeable and layer.weight.numpy()[0, 0] == 2.0
