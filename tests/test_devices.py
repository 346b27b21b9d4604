"""Devices: "cpu" and device("cpu") work wherever PyTorch takes a device; any other device is a clear error."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Tensor

OTHER_DEVICES = ["cuda", "cuda:0", "mps", autograd.device("cuda"), autograd.device("cuda", 1), 0]


def test_a_device_reads_and_compares_as_pytorch_s():
    cpu = autograd.device("cpu")
    assert cpu.type == "cpu" and cpu.index is None
    assert repr(cpu) == "device(type='cpu')" and str(cpu) == "cpu"
    assert repr(autograd.device("cpu:0")) == "device(type='cpu', index=0)"
    assert autograd.device("cpu", 0) == autograd.device("cpu:0") and str(autograd.device("cpu", 0)) == "cpu:0"
    assert cpu == "cpu" and cpu == autograd.device(cpu) and cpu != "cuda" and cpu != autograd.device("cpu:0")
    assert len({cpu, autograd.device("cpu")}) == 1


def test_another_device_can_be_named_and_compared_but_not_used():
    cuda = autograd.device("cuda:1")
    assert cuda.type == "cuda" and cuda.index == 1 and cuda != "cpu"
    with pytest.raises(RuntimeError, match="'cuda:1'.*CPU with NumPy"):
        autograd.zeros(2, device=cuda)


@pytest.mark.parametrize("spec", ["", "cpu:x", "2cpu", "cpu:0:1"])
def test_a_malformed_device_name_is_an_error(spec):
    with pytest.raises(RuntimeError, match="not a device name"):
        autograd.device(spec)


def test_a_device_index_given_twice_or_negative_is_an_error():
    with pytest.raises(RuntimeError, match="given twice"):
        autograd.device("cpu:0", 0)
    with pytest.raises(RuntimeError, match="non-negative"):
        autograd.device("cpu", -1)
    with pytest.raises(TypeError, match="device name"):
        autograd.device(3)


def test_tensors_live_on_the_cpu():
    x = Tensor([1.0, 2.0])
    assert x.device == "cpu" and x.device == autograd.device("cpu") and x.device.type == "cpu"
    assert x.is_cuda is False
    assert x.cpu() is x


@pytest.mark.parametrize(
    "make",
    [
        lambda d: autograd.zeros(2, device=d),
        lambda d: autograd.ones((2,), device=d),
        lambda d: autograd.empty(2, device=d),
        lambda d: autograd.full((2,), 1.0, device=d),
        lambda d: autograd.eye(2, device=d),
        lambda d: autograd.arange(3, device=d),
        lambda d: autograd.linspace(0, 1, 3, device=d),
        lambda d: autograd.logspace(0, 1, 3, device=d),
        lambda d: autograd.randn(2, device=d),
        lambda d: autograd.rand(2, device=d),
        lambda d: autograd.randint(0, 3, (2,), device=d),
        lambda d: autograd.randperm(3, device=d),
        lambda d: autograd.normal(0.0, 1.0, (2,), device=d),
        lambda d: autograd.zeros_like(Tensor([1.0]), device=d),
        lambda d: autograd.ones_like(Tensor([1.0]), device=d),
        lambda d: autograd.full_like(Tensor([1.0]), 2.0, device=d),
        lambda d: autograd.rand_like(Tensor([1.0]), device=d),
        lambda d: autograd.randn_like(Tensor([1.0]), device=d),
        lambda d: autograd.tensor([1.0], device=d),
        lambda d: autograd.as_tensor([1.0], device=d),
        lambda d: Tensor([1.0], device=d),
        lambda d: Tensor([1.0]).new_zeros(2, device=d),
        lambda d: Tensor([1.0]).new_tensor([2.0], device=d),
        lambda d: Tensor([1.0]).to(d),
        lambda d: Tensor([1.0]).to(device=d),
        lambda d: autograd.Generator(device=d),
    ],
)
def test_every_factory_takes_the_cpu_and_refuses_another_device(make):
    for cpu in ("cpu", "cpu:0", autograd.device("cpu"), None):
        made = make(cpu)
        assert getattr(made, "device", "cpu") == "cpu"
    for other in OTHER_DEVICES:
        with pytest.raises(RuntimeError, match="only device is 'cpu'") as error:
            make(other)
        asked = "cuda:0" if other == 0 else str(other)
        assert repr(asked) in str(error.value) and "CPU with NumPy" in str(error.value)


def test_cuda_method_is_a_clear_error():
    with pytest.raises(RuntimeError, match="'cuda'.*CPU with NumPy"):
        Tensor([1.0]).cuda()
    with pytest.raises(RuntimeError, match="'cuda:1'"):
        Tensor([1.0]).cuda(1)


def test_a_device_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="device must be"):
        autograd.zeros(2, device=1.5)


def test_default_device_is_the_cpu_and_can_be_set_to_it():
    autograd.set_default_device("cpu")
    autograd.set_default_device(None)
    assert autograd.get_default_device() == "cpu"
    with pytest.raises(RuntimeError, match="set_default_device: device 'mps'"):
        autograd.set_default_device("mps")


def test_no_cuda_no_accelerator_no_mps():
    assert autograd.cuda.is_available() is False and autograd.cuda.device_count() == 0
    autograd.cuda.manual_seed(0)  # ignored, as PyTorch ignores it without CUDA
    autograd.cuda.manual_seed_all(0)
    autograd.cuda.empty_cache()
    assert autograd.accelerator.is_available() is False and autograd.accelerator.device_count() == 0
    assert autograd.accelerator.current_accelerator() is None
    assert autograd.backends.mps.is_available() is False and autograd.backends.mps.is_built() is False
    assert autograd.backends.cudnn.is_available() is False
    autograd.backends.cudnn.deterministic = True  # scripts set it; nothing changes
    autograd.backends.cudnn.deterministic = False


def test_the_usual_device_choice_of_a_script_picks_the_cpu():
    use_cuda = autograd.cuda.is_available()
    device = autograd.device("cuda" if use_cuda else "cpu")
    x = autograd.randn(3, device=device).to(device)
    assert x.device == device


def test_to_with_none_is_a_no_op():
    x = Tensor(np.arange(3.0))  # float64 stays float64
    assert x.to(None) is x and x.to(None).dtype == np.float64
    assert x.to(None, None) is x and x.to(dtype=None, device=None) is x
