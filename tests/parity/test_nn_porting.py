"""The layers, optimizers and schedulers PyTorch programs use, against PyTorch itself.

Layers: torch's module gets our weights; the forward values, the input's gradient and every
parameter's gradient must agree, as must the buffers, state-dict keys and reprs. Optimizers:
the parameter trajectory over 20 steps on the same problem, in float64 and float32.
Schedulers: the learning rate at each of 30 epochs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import autograd
import nn
from autograd import Tensor
from nn import functional as F

from .compare import assert_values_match, seed_gradient

RNG = np.random.default_rng(7)


def normal(*shape, dtype=np.float64) -> np.ndarray:
    return RNG.standard_normal(shape).astype(dtype)


def twin(ours: nn.Module, theirs: torch.nn.Module) -> torch.nn.Module:
    """torch's module holding our parameters and buffers (copied), in their dtypes."""
    state = ours.state_dict()
    floats = [v.dtype for v in state.values() if v.dtype.kind == "f"]
    if floats:
        theirs = theirs.to(torch.float64 if floats[0] == np.float64 else torch.float32)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in state.items()})
    return theirs


def compare_layer(ours, theirs, x: np.ndarray, rtol=1e-7, atol=1e-10, times=1):
    """Forward (times calls) and backward on both; values, input and parameter gradients, buffers agree."""
    theirs = twin(ours, theirs)
    for _ in range(times):
        a = Tensor(x.copy(), requires_grad=x.dtype.kind == "f")
        b = torch.from_numpy(x.copy()).requires_grad_(x.dtype.kind == "f")
        y, z = ours(a), theirs(b)
        assert_values_match(y, z, "forward", rtol, atol)
        g = seed_gradient(tuple(z.shape), z.detach().numpy().dtype)
        y.backward(Tensor(g))
        z.backward(torch.from_numpy(g))
        if x.dtype.kind == "f":
            assert_values_match(a.grad, b.grad, "input gradient", rtol, atol)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert_values_match(p.grad, q.grad, f"gradient of {name}", rtol, atol)
    theirs_state = theirs.state_dict()
    assert list(ours.state_dict()) == list(theirs_state)
    for name, value in ours.state_dict().items():
        assert_values_match(value, theirs_state[name], f"state {name}", rtol, atol)
    assert repr(ours) == repr(theirs)


# -- layers -------------------------------------------------------------------------------------


def test_flatten_and_unflatten():
    compare_layer(nn.Flatten(), torch.nn.Flatten(), normal(2, 3, 4))
    compare_layer(nn.Flatten(0, 1), torch.nn.Flatten(0, 1), normal(2, 3, 4))
    compare_layer(nn.Unflatten(1, (3, -1)), torch.nn.Unflatten(1, (3, -1)), normal(2, 12))


@pytest.mark.parametrize("padding_idx", [None, 1, -2])
def test_embedding_rows_and_accumulated_gradients(padding_idx):
    ours = nn.Embedding(6, 3, padding_idx=padding_idx, dtype=np.float64)
    index = np.array([[1, 4, 1], [4, 0, 1]])
    compare_layer(ours, torch.nn.Embedding(6, 3, padding_idx=padding_idx), index)


def test_embedding_with_max_norm_rescales_the_same_rows():
    table = normal(5, 3) * 3
    ours = nn.Embedding.from_pretrained(table, freeze=False, max_norm=1.5)
    theirs = torch.nn.Embedding.from_pretrained(torch.from_numpy(table.copy()), freeze=False, max_norm=1.5)
    compare_layer(ours, theirs, np.array([0, 2, 2, 4]))


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-7), (np.float32, 1e-5)], ids=["float64", "float32"])
@pytest.mark.parametrize("shape", [(8, 4), (5, 4, 3)], ids=["NC", "NCL"])
@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"momentum": None},
        {"affine": False},
        {"bias": False},
        {"track_running_stats": False},
        {"eps": 1e-3},
    ],
    ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "defaults",
)
def test_batch_norm_training_then_eval(settings, shape, dtype, rtol):
    ours = nn.BatchNorm1d(4, **settings, dtype=dtype)
    if ours.weight is not None:
        with autograd.no_grad():
            ours.weight.copy_(normal(4))
            if ours.bias is not None:
                ours.bias.copy_(normal(4))
    theirs = twin(ours, torch.nn.BatchNorm1d(4, **settings))
    x = normal(*shape, dtype=dtype) * 2 + 0.5
    # three batches, so the running statistics move; float32 gradients are sums that cancel, so
    # their error is float32's rounding of the largest term, not of the result
    compare_layer(ours, theirs, x, rtol=rtol, atol=rtol * 0.1, times=3)
    ours.eval()
    theirs.eval()
    compare_layer(ours, theirs, normal(*shape, dtype=dtype), rtol=rtol, atol=rtol * 0.1)


@pytest.mark.parametrize(
    "shape, settings",
    [(5, {}), ((3, 5), {}), (5, {"elementwise_affine": False}), (5, {"bias": False}), (5, {"eps": 0.1})],
    ids=["last", "last-two", "no-affine", "no-bias", "eps"],
)
def test_layer_norm(shape, settings):
    ours = nn.LayerNorm(shape, **settings, dtype=np.float64)
    for p in ours.parameters():
        with autograd.no_grad():
            p.copy_(normal(*p.shape))
    compare_layer(ours, torch.nn.LayerNorm(shape, **settings), normal(2, 3, 5))


ACTIVATION_POINTS = np.array([-40.0, -9.0, -3.0, -1.0, -1e-4, 0.0, 1e-4, 0.5, 2.0, 7.0, 40.0])


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (nn.LeakyReLU(), torch.nn.LeakyReLU()),
        (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
        (nn.GELU(), torch.nn.GELU()),
        (nn.GELU("tanh"), torch.nn.GELU("tanh")),
        (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
        (nn.LogSoftmax(dim=0), torch.nn.LogSoftmax(dim=0)),
    ],
    ids=lambda m: repr(m),
)
def test_activations(ours, theirs):
    compare_layer(ours, theirs, np.stack([ACTIVATION_POINTS, ACTIVATION_POINTS[::-1] * 0.3]))
    compare_layer(ours, theirs, normal(3, 4).astype(np.float32), rtol=1e-6, atol=1e-7)


def test_reprs_of_layers_that_take_pytorchs_inplace_flag():
    for ours, theirs in [
        (nn.ReLU(inplace=True), torch.nn.ReLU(inplace=True)),
        (nn.ReLU(), torch.nn.ReLU()),
        (nn.LeakyReLU(0.1, inplace=True), torch.nn.LeakyReLU(0.1, inplace=True)),
        (nn.Dropout(0.3), torch.nn.Dropout(0.3)),
        (nn.Dropout(0.3, inplace=True), torch.nn.Dropout(0.3, inplace=True)),
    ]:
        assert repr(ours) == repr(theirs)


def test_gelu_second_derivative():
    x = ACTIVATION_POINTS
    a = Tensor(x.copy(), requires_grad=True)
    b = torch.from_numpy(x.copy()).requires_grad_()
    for approximate in ("none", "tanh"):
        (ga,) = autograd.grad(F.gelu(a, approximate).sum(), [a], create_graph=True)
        (gb,) = torch.autograd.grad(
            torch.nn.functional.gelu(b, approximate=approximate).sum(), [b], create_graph=True
        )
        (gga,) = autograd.grad(ga.sum(), [a])
        (ggb,) = torch.autograd.grad(gb.sum(), [b])
        assert_values_match(gga, ggb, f"second derivative ({approximate})")


def test_one_hot():
    index = np.array([[0, 3], [2, 2]])
    assert_values_match(F.one_hot(Tensor(index)), torch.nn.functional.one_hot(torch.from_numpy(index)))
    assert_values_match(F.one_hot(Tensor(index), 6), torch.nn.functional.one_hot(torch.from_numpy(index), 6))
    assert F.one_hot(Tensor(index)).dtype == np.int64


def test_module_dict_and_a_torch_state_dict_load_into_the_same_model():
    def build(layers):
        return layers.ModuleDict(
            {
                "embed": layers.Embedding(10, 4, padding_idx=0),
                "body": layers.Sequential(
                    layers.Flatten(),
                    layers.Linear(12, 8),
                    layers.BatchNorm1d(8),
                    layers.GELU(),
                    layers.LayerNorm(8),
                ),
                "head": layers.Linear(8, 3),
            }
        )

    ours, theirs = build(nn), build(torch.nn)
    assert list(ours.state_dict()) == list(theirs.state_dict()) and repr(ours) == repr(theirs)
    theirs.train()
    index = np.array([[1, 2, 3], [4, 0, 9], [7, 7, 1], [2, 5, 6]])
    theirs["body"](theirs["embed"](torch.from_numpy(index)))  # move torch's running statistics
    ours.load_state_dict(theirs.state_dict())
    ours.eval()
    theirs.eval()
    y = ours["head"](ours["body"](ours["embed"](Tensor(index))))
    with torch.no_grad():
        z = theirs["head"](theirs["body"](theirs["embed"](torch.from_numpy(index))))
    assert_values_match(y, z, "output", rtol=1e-5, atol=1e-6)


# -- optimizers -------------------------------------------------------------------------------------


def trajectory(lib, make, dtype, steps=20, schedule=None):
    """Fit y = tanh(x W1ᵀ) W2ᵀ by least squares with the optimizer; parameters after each step."""
    rng = np.random.default_rng(3)
    x, t = rng.standard_normal((6, 3)).astype(dtype), rng.standard_normal((6, 2)).astype(dtype)
    starts = [rng.standard_normal((4, 3)).astype(dtype), rng.standard_normal((2, 4)).astype(dtype) * 0.5]
    if lib is torch:
        params = [torch.nn.Parameter(torch.from_numpy(w)) for w in starts]
        x, t = torch.from_numpy(x), torch.from_numpy(t)
        opt = make(torch.optim, params)
    else:
        params = [nn.Parameter(w) for w in starts]
        x, t = Tensor(x), Tensor(t)
        opt = make(nn.optim, params)
    scheduler = schedule(lib, opt) if schedule else None
    history = []
    for _ in range(steps):
        w1, w2 = params
        r = (x @ w1.T).tanh() @ w2.T - t
        loss = (r * r).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if scheduler:
            scheduler.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history


OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.2, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, betas=(0.85, 0.95), weight_decay=0.3)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.05)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.005, alpha=0.95, centered=True)),
    ("RMSprop", dict(lr=0.005, alpha=0.8, centered=True, momentum=0.5, weight_decay=0.1)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1, eps=1e-8)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.6, eps=1e-4, weight_decay=0.1)),
]


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-10), (np.float32, 2e-5)], ids=["float64", "float32"])
@pytest.mark.parametrize(
    "name, settings",
    OPTIMIZERS,
    ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()),
)
def test_optimizer_trajectory(name, settings, dtype, rtol):
    make = lambda lib_optim, params: getattr(lib_optim, name)(params, **settings)
    ours, theirs = trajectory(nn, make, dtype), trajectory(torch, make, dtype)
    for step, (a, b) in enumerate(zip(ours, theirs), start=1):
        for p, q in zip(a, b):
            assert p.dtype == q.dtype
            np.testing.assert_allclose(p, q, rtol=rtol, atol=rtol * 1e-2, err_msg=f"{name} step {step}")


def test_optimizer_with_param_groups_and_a_scheduler():
    def make(lib_optim, params):
        return lib_optim.Adam([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.01}], lr=0.05)

    def schedule(lib, opt):
        return (nn.optim if lib is nn else torch.optim).lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)

    ours = trajectory(nn, make, np.float64, schedule=schedule)
    theirs = trajectory(torch, make, np.float64, schedule=schedule)
    for a, b in zip(ours, theirs):
        for p, q in zip(a, b):
            np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)


# -- schedulers -------------------------------------------------------------------------------------

SCHEDULERS = [
    ("StepLR", dict(step_size=4)),
    ("StepLR", dict(step_size=3, gamma=0.7)),
    ("MultiStepLR", dict(milestones=[3, 10, 10, 21], gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=10)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.003)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 1.0 / (1.0 + 0.3 * epoch))),
    ("LambdaLR", dict(lr_lambda=[lambda epoch: 0.95**epoch, lambda epoch: math.cos(epoch / 9)])),
]


def learning_rates(lib, name, settings, epochs=30):
    """Every group's lr at each epoch, with two parameter groups."""
    if lib is torch:
        params = [torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))]
        optim = torch.optim
    else:
        params = [nn.Parameter(np.zeros(1)), nn.Parameter(np.zeros(1))]
        optim = nn.optim
    opt = optim.SGD([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.37}], lr=0.1)
    scheduler = getattr(optim.lr_scheduler, name)(opt, **settings)
    seen = []
    for _ in range(epochs):
        seen.append([group["lr"] for group in opt.param_groups] + scheduler.get_last_lr())
        opt.step()
        scheduler.step()
    return seen


@pytest.mark.parametrize(
    "name, settings", SCHEDULERS, ids=lambda v: v if isinstance(v, str) else ",".join(sorted(v))
)
def test_scheduler_learning_rates_are_pytorchs_to_the_last_bit(name, settings):
    assert learning_rates(nn, name, settings) == learning_rates(torch, name, settings)


@pytest.mark.parametrize(
    "name, settings", [s for s in SCHEDULERS if s[0] != "LambdaLR"], ids=lambda v: str(v)
)
def test_stepping_to_an_epoch_gives_pytorchs_closed_form(name, settings):
    results = []
    for lib, optim in ((nn, nn.optim), (torch, torch.optim)):
        param = nn.Parameter(np.zeros(1)) if lib is nn else torch.nn.Parameter(torch.zeros(1))
        opt = optim.SGD([param], lr=0.1)
        scheduler = getattr(optim.lr_scheduler, name)(opt, **settings)
        opt.step()
        with pytest.warns(UserWarning):
            scheduler.step(13)
        results.append(scheduler.get_last_lr())
    assert results[0] == results[1]
