"""What PyTorch programs ask of Module and its helpers: buffers, ModuleDict, ModuleList edits,
devices in `to()`, saving a state dict with buffers, and Dataset subclasses in a DataLoader."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn.data import DataLoader, Dataset, TensorDataset, default_collate

# -- buffers ----------------------------------------------------------------------------------


class Scaler(nn.Module):
    """A module with a parameter, a saved buffer and an unsaved one."""

    def __init__(self):
        super().__init__()
        self.gain = nn.Parameter(np.ones(2))
        self.register_buffer("shift", Tensor(np.zeros(2)))
        self.register_buffer("cache", Tensor(np.zeros(1)), persistent=False)
        self.register_buffer("count", Tensor(np.array(0)))


def test_buffers_are_listed_saved_and_loaded_but_not_optimized():
    model = nn.Sequential(Scaler(), nn.Linear(2, 1))
    assert [n for n, _ in model.named_buffers()] == ["0.shift", "0.cache", "0.count"]
    assert list(model.state_dict()) == ["0.gain", "0.shift", "0.count", "1.weight", "1.bias"]
    assert len(list(model.parameters())) == 3
    shift = model[0].shift
    state = model.state_dict()
    state["0.shift"] = np.array([1.0, 2.0])
    state["0.count"] = np.array(5)
    model.load_state_dict(state)
    assert model[0].shift is shift and shift.numpy().tolist() == [1.0, 2.0]  # in place
    assert model[0].count.item() == 5 and model[0].count.dtype == np.int64


def test_assigning_to_a_buffer_name_replaces_the_buffer():
    module = Scaler()
    module.shift = Tensor([3.0, 4.0])
    assert dict(module.named_buffers())["shift"].numpy().tolist() == [3.0, 4.0]
    module.shift = None
    assert "shift" not in dict(module.named_buffers()) and "shift" not in module.state_dict()
    with pytest.raises(TypeError, match="cannot assign str to 'count', a buffer of Scaler"):
        module.count = "three"
    del module.count
    assert "count" not in dict(module.named_buffers())


def test_register_buffer_names_what_is_wrong():
    module = Scaler()
    with pytest.raises(TypeError, match="'b' must be a Tensor or None, got ndarray"):
        module.register_buffer("b", np.zeros(2))
    with pytest.raises(KeyError, match="'gain' is already a parameter or a submodule"):
        module.register_buffer("gain", Tensor([1.0]))


def test_to_converts_floating_parameters_and_buffers_and_keeps_integer_ones():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    assert model.to(autograd.float64) is model
    assert model[1].running_mean.dtype == np.float64 and model[0].weight.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64
    model.to("cpu").to("cpu", np.float32).to(device="cpu")
    assert model[1].running_var.dtype == np.float32
    model.to(Tensor(np.zeros(1)))  # a tensor's dtype
    assert model[0].bias.dtype == np.float64
    assert model.cpu() is model
    with pytest.raises(RuntimeError, match="device 'cuda' is not available; this engine computes on the CPU"):
        model.to("cuda")
    with pytest.raises(RuntimeError, match="Linear: device 'cuda:0' is not available"):
        nn.Linear(2, 2, device="cuda:0")
    assert nn.Linear(2, 2, device="cpu").weight.shape == (2, 2)


def test_deepcopy_copies_buffers():
    bn = nn.BatchNorm1d(2)
    twin = copy.deepcopy(bn)
    twin(Tensor(np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)))
    assert bn.num_batches_tracked.item() == 0 and twin.num_batches_tracked.item() == 1


# -- saving -----------------------------------------------------------------------------------


def test_a_state_dict_with_buffers_saves_and_loads_into_a_fresh_model(tmp_path):
    def make():
        return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))

    model = make()
    model(Tensor(np.random.default_rng(1).standard_normal((8, 3)).astype(np.float32)))
    for what in (model, model.state_dict(), OrderedDict(model.state_dict())):
        path = tmp_path / "weights.npz"
        nn.save(what, path)
        loaded = nn.load(path)
        assert list(loaded) == list(model.state_dict())
        assert loaded["1.num_batches_tracked"].dtype == np.int64
        fresh = make()
        fresh.load_state_dict(loaded)
        for (name, a), b in zip(fresh.state_dict().items(), model.state_dict().values()):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)


# -- ModuleDict and ModuleList ----------------------------------------------------------------


def test_module_dict_registers_its_modules_under_their_keys_in_order():
    heads = nn.ModuleDict({"b": nn.Linear(2, 1), "a": nn.Linear(2, 3)})
    heads["c"] = nn.ReLU()
    assert list(heads) == ["b", "a", "c"] and len(heads) == 3 and "a" in heads
    assert [n for n, _ in heads.named_parameters()] == ["b.weight", "b.bias", "a.weight", "a.bias"]
    assert [k for k, _ in heads.items()] == list(heads.keys()) and isinstance(heads["a"], nn.Linear)
    assert heads.pop("b").out_features == 1 and list(heads) == ["a", "c"]
    del heads["c"]
    heads.update([("d", nn.Tanh())])
    assert list(heads) == ["a", "d"]
    assert (
        repr(heads)
        == "ModuleDict(\n  (a): Linear(in_features=2, out_features=3, bias=True)\n  (d): Tanh()\n)"
    )
    heads.clear()
    assert len(heads) == 0


def test_a_module_dict_attribute_is_found_by_its_parent():
    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleDict({"x": nn.Linear(2, 2)})

    model = TwoHeads()
    model.heads["y"] = nn.Linear(2, 1)
    assert list(model.state_dict()) == ["heads.x.weight", "heads.x.bias", "heads.y.weight", "heads.y.bias"]


def test_module_dict_names_bad_keys_and_values():
    heads = nn.ModuleDict()
    with pytest.raises(KeyError, match="the key 'keys' is taken by an attribute of ModuleDict"):
        heads["keys"] = nn.ReLU()
    with pytest.raises(KeyError, match="without '.', got 'a.b'"):
        heads["a.b"] = nn.ReLU()
    with pytest.raises(TypeError, match="'x' must be a Module or None, got int"):
        heads["x"] = 3
    with pytest.raises(KeyError):
        del heads["missing"]
    with pytest.raises(TypeError, match=r"expected \(key, module\) pairs"):
        heads.update([nn.ReLU()])


def test_module_list_insert_replace_and_delete_keep_positional_names():
    layers = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 2)])
    layers.insert(0, nn.ReLU())
    assert [type(m).__name__ for m in layers] == ["ReLU", "Linear", "Linear"]
    layers[-1] = nn.Linear(1, 3)
    assert layers[2].out_features == 3
    del layers[0]
    assert [n for n, _ in layers.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    with pytest.raises(IndexError):
        layers[5] = nn.ReLU()


def test_register_module_and_get_submodule():
    model = nn.Module()
    model.register_module("body", nn.Sequential(nn.Linear(2, 2), nn.ReLU()))
    assert model.get_submodule("body.1").__class__ is nn.ReLU and model.get_submodule("") is model
    with pytest.raises(AttributeError, match="Sequential has no submodule '7'"):
        model.get_submodule("body.7")


def test_zero_grad_can_zero_in_place_instead_of_forgetting():
    layer = nn.Linear(2, 1)
    layer(Tensor(np.ones((1, 2), dtype=np.float32))).sum().backward()
    grad = layer.weight.grad
    layer.zero_grad(set_to_none=False)
    assert layer.weight.grad is grad and np.all(grad.numpy() == 0)
    opt = nn.optim.SGD(layer.parameters(), lr=0.1)
    opt.zero_grad(set_to_none=False)
    assert layer.weight.grad is grad
    opt.zero_grad()
    assert layer.weight.grad is None


# -- Dataset ----------------------------------------------------------------------------------


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": np.array([i, i * i], dtype=np.float32), "y": i % 2}


def test_a_dataset_subclass_batches_through_the_data_loader():
    batches = list(DataLoader(Squares(5), batch_size=2))
    assert len(batches) == 3
    assert (
        batches[1]["x"].numpy().tolist() == [[2.0, 4.0], [3.0, 9.0]] and batches[1]["x"].dtype == np.float32
    )
    assert batches[1]["y"].tolist() == [0, 1] and batches[1]["y"].dtype == np.int64
    assert isinstance(TensorDataset(np.zeros(2)), Dataset)


def test_the_base_dataset_says_what_to_define():
    with pytest.raises(NotImplementedError, match="must define __getitem__"):
        Dataset()[0]


def test_default_collate_keeps_tuples_lists_and_dicts_and_stacks_the_rest():
    pairs = default_collate([(1.0, 2), (3.0, 4)])
    assert isinstance(pairs, tuple) and pairs[0].dtype == np.float64 and pairs[1].dtype == np.int64
    as_list = default_collate([[np.zeros(2), 1], [np.ones(2), 0]])
    assert isinstance(as_list, list) and as_list[0].shape == (2, 2)
    assert default_collate([Tensor([1.0]), Tensor([2.0])]).shape == (2, 1)
    with pytest.raises(ValueError, match="same number of fields"):
        default_collate([(1, 2), (3,)])


def test_data_loader_takes_pytorchs_collate_fn_and_worker_arguments():
    seen = []

    def collate(rows):
        seen.append(len(rows))
        return rows

    loader = DataLoader(Squares(3), batch_size=2, collate_fn=collate, num_workers=2, pin_memory=True)
    assert [len(b) for b in loader] == [2, 1] and seen == [2, 1]
    with pytest.raises(ValueError, match="num_workers must be a non-negative integer, got -1"):
        DataLoader(Squares(3), num_workers=-1)
