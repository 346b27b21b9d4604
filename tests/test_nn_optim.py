"""Optimizers: several steps against PyTorch's documented update rules, written out in NumPy (float64)."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor

STEPS = 6
RTOL = 1e-6  # the bar; in practice the two agree to rounding


def problem(seed: int = 0):
    """A least-squares fit whose gradient NumPy can write down: ℓ = ½‖x Wᵀ + b - t‖²."""
    rng = np.random.default_rng(seed)
    x, t = rng.standard_normal((5, 2)), rng.standard_normal((5, 3))
    W0, b0 = rng.standard_normal((3, 2)), rng.standard_normal(3)
    return x, t, W0, b0


def numpy_grads(x, t, W, b):
    r = x @ W.T + b - t
    return [r.T @ x, r.sum(0)]


def run_engine(make_optimizer, seed: int = 0, steps: int = STEPS):
    """Train an nn.Linear with the optimizer; return its weights after each step."""
    x, t, W0, b0 = problem(seed)
    layer = nn.Linear(2, 3, dtype=np.float64)
    layer.load_state_dict({"weight": W0, "bias": b0})
    opt = make_optimizer(layer.parameters())
    history = []
    for _ in range(steps):
        r = layer(Tensor(x)) - t
        loss = (r * r).sum() * 0.5
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append([layer.weight.numpy().copy(), layer.bias.numpy().copy()])
    return history


def run_numpy(update, seed: int = 0, steps: int = STEPS):
    """The same training with `update(params, grads, state, t)` doing the step by hand."""
    x, t, W0, b0 = problem(seed)
    params = [W0.copy(), b0.copy()]
    state: dict = {}
    history = []
    for step in range(1, steps + 1):
        grads = numpy_grads(x, t, *params)
        params = update(params, grads, state, step)
        history.append([p.copy() for p in params])
    return history


def assert_same_trajectory(engine, reference):
    for step, (ours, theirs) in enumerate(zip(engine, reference), start=1):
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=1e-12, err_msg=f"step {step}")


# -- SGD ---------------------------------------------------------------------------------------


def sgd_reference(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    def update(params, grads, state, step):
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            g = g + weight_decay * p
            if momentum:
                if i not in state:
                    state[i] = g.copy()  # the first buffer is the gradient itself
                else:
                    state[i] = momentum * state[i] + (1 - dampening) * g
                g = g + momentum * state[i] if nesterov else state[i]
            out.append(p - lr * g)
        return out

    return update


SGD_SETTINGS = [
    dict(lr=0.05),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.8, nesterov=True),
    dict(lr=0.05, weight_decay=0.1),
    dict(lr=0.03, momentum=0.9, weight_decay=0.05, nesterov=True),
]


@pytest.mark.parametrize("settings", SGD_SETTINGS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_sgd_follows_pytorchs_update(settings):
    engine = run_engine(lambda params: nn.optim.SGD(params, **settings))
    assert_same_trajectory(engine, run_numpy(sgd_reference(**settings)))


# -- Adam and AdamW ---------------------------------------------------------------------------------


def adam_reference(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    beta1, beta2 = betas

    def update(params, grads, state, step):
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            if decoupled:
                p = p * (1 - lr * weight_decay)  # AdamW: decay the weights, not the gradient
            else:
                g = g + weight_decay * p  # Adam: L2 decay added to the gradient
            m, v = state.get(i, (np.zeros_like(p), np.zeros_like(p)))
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            state[i] = (m, v)
            m_hat = m / (1 - beta1**step)
            v_hat = v / (1 - beta2**step)
            out.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
        return out

    return update


ADAM_SETTINGS = [
    dict(lr=0.1),
    dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=0.1, weight_decay=0.1),
]


@pytest.mark.parametrize("settings", ADAM_SETTINGS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_adam_follows_pytorchs_update(settings):
    engine = run_engine(lambda params: nn.optim.Adam(params, **settings))
    assert_same_trajectory(engine, run_numpy(adam_reference(**settings)))


@pytest.mark.parametrize(
    "settings", [dict(lr=0.1), dict(lr=0.1, weight_decay=0.5), dict(lr=0.05, betas=(0.5, 0.9))]
)
def test_adamw_follows_pytorchs_update(settings):
    engine = run_engine(lambda params: nn.optim.AdamW(params, **settings))
    reference = adam_reference(**{"weight_decay": 0.01, **settings}, decoupled=True)
    assert_same_trajectory(engine, run_numpy(reference))


def test_adamw_decay_differs_from_adams():
    adam = run_engine(lambda params: nn.optim.Adam(params, lr=0.1, weight_decay=0.5))
    adamw = run_engine(lambda params: nn.optim.AdamW(params, lr=0.1, weight_decay=0.5))
    assert not np.allclose(adam[-1][0], adamw[-1][0])


# -- behaviour shared by all ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9), nn.optim.Adam, nn.optim.AdamW]
)
def test_step_changes_data_in_place_and_records_no_graph(make):
    layer = nn.Linear(2, 1)
    weight, array = layer.weight, layer.weight.numpy()
    opt = make(layer.parameters())
    layer(Tensor(np.ones((1, 2)))).sum().backward()
    before = array.copy()
    opt.step()
    assert layer.weight is weight and weight.numpy() is array and weight.is_leaf
    assert not np.array_equal(array, before)
    assert weight.dtype == np.float32  # float32 parameters stay float32


def test_zero_grad_sets_gradients_to_none():
    layer = nn.Linear(2, 1)
    opt = nn.optim.SGD(layer.parameters(), lr=0.1)
    layer(Tensor(np.ones((1, 2)))).sum().backward()
    opt.zero_grad()
    assert layer.weight.grad is None and layer.bias.grad is None


@pytest.mark.parametrize("make", [lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9), nn.optim.Adam])
def test_parameters_without_a_gradient_are_skipped_and_keep_no_state(make):
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    opt = make([a, b])
    (a * a).sum().backward()
    opt.step()
    np.testing.assert_array_equal(b.numpy(), 1.0)
    assert b not in opt.state and a in opt.state


def test_param_groups_take_their_own_hyperparameters():
    a, b = nn.Parameter(np.ones(1)), nn.Parameter(np.ones(1))
    opt = nn.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    (a + b).sum().backward()
    opt.step()
    assert a.numpy()[0] == pytest.approx(0.9) and b.numpy()[0] == pytest.approx(0.5)
    opt.param_groups[0]["lr"] = 1.0  # a schedule can change it between steps
    opt.step()
    assert a.numpy()[0] == pytest.approx(-0.1)


def test_step_with_a_closure_returns_its_loss():
    p = nn.Parameter(np.array([3.0]))
    opt = nn.optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0
    assert p.numpy()[0] == pytest.approx(1.5)  # 3 - 0.25·6


def test_optimizers_reject_bad_arguments():
    layer = nn.Linear(2, 1)
    with pytest.raises(ValueError, match="SGD: got an empty parameter list"):
        nn.optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Adam: got an empty parameter list"):
        nn.optim.Adam(iter([]))
    with pytest.raises(ValueError, match="learning rate lr must be >= 0, got -0.1"):
        nn.optim.SGD(layer.parameters(), lr=-0.1)
    with pytest.raises(ValueError, match="AdamW: learning rate lr must be >= 0, got -1"):
        nn.optim.AdamW(layer.parameters(), lr=-1)
    with pytest.raises(ValueError, match=r"betas\[1\] must be in \[0, 1\), got 1.0"):
        nn.optim.Adam(layer.parameters(), betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="eps must be >= 0, got -1e-08"):
        nn.optim.Adam(layer.parameters(), eps=-1e-8)
    with pytest.raises(ValueError, match="a parameter group has no parameters"):
        nn.optim.SGD([{"params": [layer.weight]}, {"params": []}], lr=0.1)
    with pytest.raises(ValueError, match="weight_decay must be >= 0"):
        nn.optim.Adam(layer.parameters(), weight_decay=-1)
    with pytest.raises(ValueError, match="nesterov needs momentum > 0"):
        nn.optim.SGD(layer.parameters(), lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="momentum must be >= 0"):
        nn.optim.SGD(layer.parameters(), lr=0.1, momentum=-0.5)
    with pytest.raises(TypeError, match="got a single Tensor; wrap it in a list"):
        nn.optim.SGD(layer.weight, lr=0.1)
    with pytest.raises(TypeError, match="parameter 0 is a ndarray"):
        nn.optim.SGD([np.zeros(2)], lr=0.1)
    with pytest.raises(ValueError, match=r"parameter 0 \(shape \(1, 2\)\) is not a leaf"):
        nn.optim.SGD([layer.weight * 2], lr=0.1)
    with pytest.raises(ValueError, match=r"parameter 1 \(shape \(1, 2\)\) appears more than once"):
        nn.optim.SGD([layer.weight, layer.weight], lr=0.1)


def test_repr_lists_the_hyperparameters():
    text = repr(nn.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.1, momentum=0.9))
    assert text.startswith("SGD (\nParameter Group 0\n    lr: 0.1\n    momentum: 0.9")
