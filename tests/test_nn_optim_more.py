"""Optimizers, continued: RMSprop, Adagrad and Adadelta against their formulas in NumPy; learning rates
and step counts held in Tensors written in place (ParamGroup), with the same bits as the Python-float
formulas; state dicts."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn.optim import ParamGroup

STEPS = 20
SHAPES = [(3, 2), (3,)]


def gradient(p: np.ndarray, step: int) -> np.ndarray:
    """A gradient that depends on the parameter and the step, the same bits in NumPy and in a Tensor."""
    return (np.sin(p * 3.0) + np.cos(np.arange(p.size, dtype=p.dtype) * 0.7 + step).reshape(p.shape)).astype(
        p.dtype
    )


def start(dtype) -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    return [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]


def run(make, dtype=np.float64, steps=STEPS, change_lr=None):
    """Step an optimizer over fixed gradients; return the parameters after each step."""
    params = [nn.Parameter(a) for a in start(dtype)]
    opt = make(params)
    history = []
    for step in range(1, steps + 1):
        if change_lr is not None and step == steps // 2:
            opt.param_groups[0]["lr"] = change_lr  # as a schedule does
        for p in params:
            p.grad = Tensor(gradient(p.numpy(), step))
        opt.step()
        history.append([p.numpy().copy() for p in params])
    return history


def run_numpy(update, dtype=np.float64, steps=STEPS, change_lr=None, lr=None):
    """The same steps with `update(p, g, state, step, lr)` written in NumPy."""
    params = start(dtype)
    states: list[dict] = [{} for _ in params]
    history = []
    for step in range(1, steps + 1):
        if change_lr is not None and step == steps // 2:
            lr = change_lr
        params = [update(p, gradient(p, step), s, step, lr) for p, s in zip(params, states)]
        history.append([p.copy() for p in params])
    return history


def assert_close(engine, reference, rtol=1e-12):
    for step, (ours, theirs) in enumerate(zip(engine, reference), start=1):
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-14, err_msg=f"step {step}")


def assert_same_bits(engine, reference):
    for step, (ours, theirs) in enumerate(zip(engine, reference), start=1):
        for a, b in zip(ours, theirs):
            assert a.dtype == b.dtype, f"step {step}: {a.dtype} vs {b.dtype}"
            np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8), err_msg=f"step {step}")


# -- the tensor learning rate and step count give the Python-float formulas' bits -------------------
#
# The references below are the formulas as they were written with Python floats for lr and integer step
# counts, operation for operation. The one thing taken from NumPy is β**t: NumPy's power (on the 0-d
# step-count Tensor) may differ from Python's ** in the last bit on CPUs where NumPy uses its own SIMD
# routine, and the Tensor formulation cannot avoid it.


def tensor_power(base: float, t: int) -> float:
    return float(np.power(base, np.array(float(t))))


def sgd_python_floats(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    def update(p, g, state, step, new_lr):
        rate = lr if new_lr is None else new_lr
        p = p.copy()
        if weight_decay:
            g = g + weight_decay * p
        if momentum:
            if "buf" not in state:
                state["buf"] = g.copy()
            else:
                state["buf"] *= momentum
                state["buf"] += (1.0 - dampening) * g
            g = g + momentum * state["buf"] if nesterov else state["buf"]
        p -= rate * g
        return p

    return update


def adam_python_floats(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    beta1, beta2 = betas

    def update(p, g, state, step, new_lr):
        rate = lr if new_lr is None else new_lr
        p = p.copy()
        if decoupled:
            p *= 1.0 - rate * weight_decay
        elif weight_decay:
            g = g + weight_decay * p
        m = state.setdefault("m", np.zeros_like(p))
        v = state.setdefault("v", np.zeros_like(p))
        m += (1.0 - beta1) * (g - m)
        v *= beta2
        v += (1.0 - beta2) * (g * g)
        step_size = rate / (1.0 - tensor_power(beta1, step))
        denom = np.sqrt(v) / math.sqrt(1.0 - tensor_power(beta2, step))
        denom += eps
        p -= step_size * (m / denom)
        return p

    return update


BIT_CASES = [
    ("SGD", dict(lr=0.05), sgd_python_floats),
    ("SGD", dict(lr=0.05, momentum=0.9), sgd_python_floats),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3), sgd_python_floats),
    ("SGD", dict(lr=0.03, momentum=0.8, nesterov=True, weight_decay=0.05), sgd_python_floats),
    ("SGD", dict(lr=0.05, weight_decay=0.1), sgd_python_floats),
    ("Adam", dict(lr=0.1), adam_python_floats),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), adam_python_floats),
    ("AdamW", dict(lr=0.1), lambda **kw: adam_python_floats(**{"weight_decay": 0.01, **kw}, decoupled=True)),
    ("AdamW", dict(lr=0.1, weight_decay=0.5), lambda **kw: adam_python_floats(**kw, decoupled=True)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize(
    "name, settings, reference", BIT_CASES, ids=lambda c: c if isinstance(c, str) else ""
)
def test_tensor_learning_rates_and_steps_give_the_python_float_bits(name, settings, reference, dtype):
    make = lambda params: getattr(nn.optim, name)(params, **settings)
    engine = run(make, dtype, change_lr=0.02)
    assert_same_bits(engine, run_numpy(reference(**settings), dtype, change_lr=0.02))


def test_step_counts_and_learning_rates_are_tensors_updated_in_place():
    p = nn.Parameter(np.ones(2))
    opt = nn.optim.Adam([p], lr=0.1)
    group = opt.param_groups[0]
    rate, array = group.lr_tensor, group.lr_tensor.numpy()
    assert rate.dtype == np.float64 and rate.shape == () and rate.item() == 0.1
    counts = []
    for _ in range(3):
        p.grad = Tensor(np.ones(2))
        opt.step()
        counts.append(opt.state[p]["step"])
    assert all(c is counts[0] for c in counts) and counts[0].item() == 3.0 and counts[0].dtype == np.float64
    group["lr"] = 0.5
    assert group["lr"] == 0.5 and isinstance(group["lr"], float)
    assert group.lr_tensor is rate and rate.numpy() is array and rate.item() == 0.5


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta"])
def test_every_optimizer_reads_the_learning_rate_tensor_at_each_step(name):
    p = nn.Parameter(np.ones(3))
    opt = getattr(nn.optim, name)([p], lr=0.1)
    opt.param_groups[0].lr_tensor.numpy()[...] = 0.0  # what a replayed record would see
    p.grad = Tensor(np.ones(3))
    opt.step()
    np.testing.assert_array_equal(p.numpy(), 1.0)  # AdamW's decay, p·(1 - lr·λ), is scaled by lr too
    opt.param_groups[0]["lr"] = 0.1
    opt.step()
    assert np.all(p.numpy() < 1.0)


def test_param_group_counts_changes_to_constants_but_not_to_lr_or_params():
    group = nn.optim.SGD([nn.Parameter(np.ones(1))], lr=0.1, momentum=0.9).param_groups[0]
    assert isinstance(group, ParamGroup) and isinstance(group, dict) and group.version == 0
    group["lr"] = 0.2
    group["params"] = list(group["params"])
    assert group.version == 0
    group["momentum"] = 0.5
    group.update(dampening=0.1, weight_decay=0.0)
    group.setdefault("initial_lr", 0.2)
    group.setdefault("initial_lr", 0.3)  # already there: no change
    assert group.version == 4 and group["initial_lr"] == 0.2
    del group["initial_lr"]
    assert group.version == 5


def test_param_group_lr_takes_numbers_and_refuses_the_rest():
    group = ParamGroup(params=[], lr=Tensor(0.25))
    assert group["lr"] == 0.25 and type(group["lr"]) is float and group.lr_tensor.item() == 0.25
    group["lr"] = np.float32(0.5)
    assert type(group["lr"]) is float and group.lr_tensor.item() == 0.5
    group["lr"] = 1
    assert group["lr"] == 1 and group.lr_tensor.item() == 1.0
    with pytest.raises(TypeError, match="lr must be a number, got str '0.1'"):
        group["lr"] = "0.1"
    with pytest.raises(TypeError, match=r"lr must be a single number, got an array of shape \(2,\)"):
        group["lr"] = np.ones(2)


def test_optimizers_and_their_groups_deepcopy():
    p = nn.Parameter(np.ones(2))
    opt = nn.optim.SGD([p], lr=0.1)
    twin = copy.deepcopy(opt)
    twin.param_groups[0]["lr"] = 0.7
    assert opt.param_groups[0].lr_tensor.item() == 0.1 and twin.param_groups[0].lr_tensor.item() == 0.7
    assert isinstance(twin.param_groups[0], ParamGroup)


# -- RMSprop, Adagrad, Adadelta against their formulas ---------------------------------------------


def rmsprop_reference(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    def update(p, g, state, step, _):
        g = g + weight_decay * p
        v = state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g * g
        if centered:
            mean = state["mean"] = alpha * state.get("mean", 0.0) + (1 - alpha) * g
            v = v - mean * mean
        denom = np.sqrt(v) + eps
        if momentum:
            buf = state["buf"] = momentum * state.get("buf", 0.0) + g / denom
            return p - lr * buf
        return p - lr * g / denom

    return update


def adagrad_reference(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    def update(p, g, state, step, _):
        g = g + weight_decay * p
        total = state["sum"] = state.get("sum", initial_accumulator_value) + g * g
        return p - lr / (1 + (step - 1) * lr_decay) * g / (np.sqrt(total) + eps)

    return update


def adadelta_reference(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    def update(p, g, state, step, _):
        g = g + weight_decay * p
        v = state["v"] = rho * state.get("v", 0.0) + (1 - rho) * g * g
        delta = np.sqrt(state.get("u", 0.0) + eps) / np.sqrt(v + eps) * g
        state["u"] = rho * state.get("u", 0.0) + (1 - rho) * delta * delta
        return p - lr * delta

    return update


FORMULA_CASES = [
    ("RMSprop", dict(), rmsprop_reference),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.8), rmsprop_reference),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True, weight_decay=0.1), rmsprop_reference),
    ("RMSprop", dict(lr=0.003, alpha=0.3, centered=True, momentum=0.5), rmsprop_reference),
    ("Adagrad", dict(), adagrad_reference),
    (
        "Adagrad",
        dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3),
        adagrad_reference,
    ),
    ("Adadelta", dict(), adadelta_reference),
    ("Adadelta", dict(lr=0.5, rho=0.6, eps=1e-4, weight_decay=0.2), adadelta_reference),
]


@pytest.mark.parametrize(
    "name, settings, reference", FORMULA_CASES, ids=lambda c: c if isinstance(c, str) else ""
)
def test_new_optimizers_follow_pytorchs_formulas(name, settings, reference):
    engine = run(lambda params: getattr(nn.optim, name)(params, **settings))
    assert_close(engine, run_numpy(reference(**settings)))


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad", "Adadelta"])
def test_new_optimizers_keep_float32_parameters_float32(name):
    history = run(lambda params: getattr(nn.optim, name)(params), np.float32, steps=3)
    assert all(a.dtype == np.float32 for a in history[-1])


def test_defaults_are_pytorchs():
    p = [nn.Parameter(np.ones(1))]
    assert {k: v for k, v in nn.optim.RMSprop(p).param_groups[0].items() if k != "params"} == dict(
        lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False
    )
    assert {k: v for k, v in nn.optim.Adagrad(p).param_groups[0].items() if k != "params"} == dict(
        lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10
    )
    assert {k: v for k, v in nn.optim.Adadelta(p).param_groups[0].items() if k != "params"} == dict(
        lr=1.0, rho=0.9, eps=1e-6, weight_decay=0
    )


def test_new_optimizers_name_bad_hyperparameters():
    p = [nn.Parameter(np.ones(1))]
    with pytest.raises(ValueError, match="RMSprop: alpha must be >= 0, got -0.5"):
        nn.optim.RMSprop(p, alpha=-0.5)
    with pytest.raises(ValueError, match="RMSprop: momentum must be >= 0, got -1"):
        nn.optim.RMSprop(p, momentum=-1)
    with pytest.raises(ValueError, match="Adagrad: lr_decay must be >= 0, got -0.1"):
        nn.optim.Adagrad(p, lr_decay=-0.1)
    with pytest.raises(ValueError, match="Adagrad: initial_accumulator_value must be >= 0"):
        nn.optim.Adagrad(p, initial_accumulator_value=-1)
    with pytest.raises(ValueError, match=r"Adadelta: rho must be in \[0, 1\], got 1.5"):
        nn.optim.Adadelta(p, rho=1.5)
    with pytest.raises(ValueError, match="Adadelta: learning rate lr must be >= 0, got -1"):
        nn.optim.Adadelta(p, lr=-1)
    with pytest.raises(ValueError, match="Adadelta: eps must be >= 0"):
        nn.optim.Adadelta(p, eps=-1e-6)


# -- state dicts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad", "Adadelta"])
def test_a_restored_optimizer_continues_with_the_same_bits(name):
    settings = dict(lr=0.05, momentum=0.9) if name in ("SGD", "RMSprop") else dict(lr=0.05)
    params = [nn.Parameter(a) for a in start(np.float32)]
    opt = getattr(nn.optim, name)(params, **settings)
    for step in range(1, 4):
        for p in params:
            p.grad = Tensor(gradient(p.numpy(), step))
        opt.step()
    saved = copy.deepcopy(opt.state_dict())
    twins = [nn.Parameter(p.numpy().copy()) for p in params]
    twin = getattr(nn.optim, name)(twins, lr=1.0)
    twin.load_state_dict(saved)
    assert twin.param_groups[0]["lr"] == 0.05 and twin.param_groups[0].lr_tensor.item() == 0.05
    for step in range(4, 8):
        for ps in (params, twins):
            for p in ps:
                p.grad = Tensor(gradient(p.numpy(), step))
        opt.step()
        twin.step()
    for a, b in zip(params, twins):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_state_dict_numbers_parameters_and_copies_state():
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(3))
    opt = nn.optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad = Tensor(np.ones(2))
    opt.step()
    state = opt.state_dict()
    assert state["param_groups"][0]["params"] == [0] and state["param_groups"][1]["params"] == [1]
    assert state["param_groups"][1]["lr"] == 0.5 and list(state["state"]) == [0]
    assert set(state["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    assert state["state"][0]["exp_avg"] is not opt.state[a]["exp_avg"]


def test_load_state_dict_writes_into_existing_state_tensors_and_groups():
    p = nn.Parameter(np.ones(2))
    opt = nn.optim.Adam([p], lr=0.1)
    p.grad = Tensor(np.ones(2))
    opt.step()
    saved = opt.state_dict()
    moment, count, group = opt.state[p]["exp_avg"], opt.state[p]["step"], opt.param_groups[0]
    opt.step()
    opt.load_state_dict(saved)
    assert opt.state[p]["exp_avg"] is moment and opt.state[p]["step"] is count and count.item() == 1.0
    assert opt.param_groups[0] is group and group.version == 0  # nothing but lr differed, and lr was equal


def test_load_state_dict_names_a_mismatch():
    opt = nn.optim.SGD([nn.Parameter(np.ones(1))], lr=0.1)
    other = nn.optim.SGD([nn.Parameter(np.ones(1)), nn.Parameter(np.ones(1))], lr=0.1)
    with pytest.raises(ValueError, match="parameter group 0 has 2 parameters in the state dict and 1"):
        opt.load_state_dict(other.state_dict())
    two_groups = nn.optim.SGD(
        [{"params": [nn.Parameter(np.ones(1))]}, {"params": [nn.Parameter(np.ones(1))]}], lr=1
    )
    with pytest.raises(ValueError, match="the state dict has 2 parameter groups, the optimizer 1"):
        opt.load_state_dict(two_groups.state_dict())


def test_a_custom_optimizer_written_as_for_pytorch_runs():
    class SignDescent(nn.optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        @autograd.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    state = self.state[p]  # starts as an empty dict, as in PyTorch
                    state["count"] = state.get("count", 0) + 1
                    p -= group["lr"] * p.grad.sign()

    p = nn.Parameter(np.array([1.0, -2.0]))
    opt = SignDescent([p])
    (p * p).sum().backward()
    opt.step()
    np.testing.assert_allclose(p.numpy(), [0.9, -1.9])
    assert opt.state[p]["count"] == 1
