"""Learning-rate schedules: the rates they set, in the optimizer's groups and their lr Tensors, against
the closed forms; PyTorch's conventions (initial_lr, last_epoch, get_last_lr, state dicts, warnings)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR, LRScheduler, MultiStepLR, StepLR

EPOCHS = 30


def optimizer(lr=0.1, groups=1):
    params = [{"params": [nn.Parameter(np.ones(1))], "lr": lr * (k + 1)} for k in range(groups)]
    return nn.optim.SGD(params, lr=lr)


def rates(scheduler, epochs=EPOCHS):
    """The first group's lr at epoch 0, 1, ..., checking that the lr Tensor follows it."""
    opt = scheduler.optimizer
    seen = [opt.param_groups[0]["lr"]]
    for _ in range(epochs - 1):
        opt.step()
        scheduler.step()
        group = opt.param_groups[0]
        assert group.lr_tensor.item() == group["lr"] and scheduler.get_last_lr()[0] == group["lr"]
        seen.append(group["lr"])
    return seen


def test_constructing_a_scheduler_records_initial_lr_and_takes_epoch_zero():
    opt = optimizer(0.1, groups=2)
    sched = StepLR(opt, step_size=3)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.2] and sched.base_lrs == [0.1, 0.2]
    assert sched.last_epoch == 0 and sched.get_last_lr() == [0.1, 0.2]
    StepLR(opt, step_size=3, gamma=0.5)  # a second scheduler keeps the first initial_lr
    assert opt.param_groups[1]["initial_lr"] == 0.2


def test_step_lr_multiplies_by_gamma_every_step_size_epochs():
    seen = rates(StepLR(optimizer(0.1), step_size=4, gamma=0.5))
    np.testing.assert_allclose(seen, [0.1 * 0.5 ** (e // 4) for e in range(EPOCHS)], rtol=1e-14)
    assert seen[3] == 0.1 and seen[4] == 0.05


def test_multi_step_lr_multiplies_at_each_milestone_counting_repeats():
    seen = rates(MultiStepLR(optimizer(1.0), milestones=[5, 12, 12], gamma=0.1))
    expected = [1.0 * 0.1 ** sum(m <= e for m in (5, 12, 12)) for e in range(EPOCHS)]
    np.testing.assert_allclose(seen, expected, rtol=1e-14)


def test_exponential_lr_multiplies_every_epoch():
    seen = rates(ExponentialLR(optimizer(0.3), gamma=0.9))
    np.testing.assert_allclose(seen, [0.3 * 0.9**e for e in range(EPOCHS)], rtol=1e-13)


@pytest.mark.parametrize("eta_min", [0.0, 0.01])
def test_cosine_annealing_follows_the_cosine_and_rises_again_past_t_max(eta_min):
    seen = rates(CosineAnnealingLR(optimizer(0.1), T_max=10, eta_min=eta_min))
    closed = [eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * e / 10)) / 2 for e in range(EPOCHS)]
    np.testing.assert_allclose(seen, closed, rtol=1e-12, atol=1e-16)
    assert seen[10] == pytest.approx(eta_min, abs=1e-15) and seen[20] == pytest.approx(0.1, rel=1e-12)


def test_lambda_lr_takes_one_function_or_one_per_group():
    opt = optimizer(0.1, groups=2)
    sched = LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 0.5**e])
    opt.step()
    sched.step()
    opt.step()
    sched.step()
    assert sched.get_last_lr() == pytest.approx([0.1 / 3, 0.2 * 0.25])
    single = LambdaLR(optimizer(0.1, groups=2), lambda e: 2.0)
    assert single.get_last_lr() == [0.2, 0.4]
    with pytest.raises(ValueError, match="expected 2 lr_lambdas .one per group., got 1"):
        LambdaLR(optimizer(0.1, groups=2), [lambda e: 1.0])


def test_the_scheduled_rate_reaches_the_update():
    p = nn.Parameter(np.zeros(1))
    opt = nn.optim.SGD([p], lr=1.0)
    sched = StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        p.grad = Tensor(np.ones(1))
        opt.step()
        sched.step()
    assert p.numpy()[0] == -(1.0 + 0.5 + 0.25)


def test_scheduler_lr_writes_do_not_count_as_changed_constants():
    opt = optimizer(0.1)
    sched = ExponentialLR(opt, gamma=0.5)
    version = opt.param_groups[0].version  # initial_lr was added: one change
    rates(sched, 5)
    assert opt.param_groups[0].version == version == 1


def test_state_dict_resumes_a_schedule():
    sched = StepLR(optimizer(0.1), step_size=2, gamma=0.5)
    rates(sched, 4)
    saved = sched.state_dict()
    assert "optimizer" not in saved and saved["last_epoch"] == 3
    resumed = StepLR(optimizer(0.1), step_size=7)
    resumed.load_state_dict(saved)
    assert resumed.step_size == 2 and resumed.last_epoch == 3 and resumed.get_last_lr() == sched.get_last_lr()


def test_lambda_lr_state_dict_leaves_out_plain_functions_but_keeps_callable_objects():
    class Halve:
        def __init__(self):
            self.factor = 0.5

        def __call__(self, epoch):
            return self.factor**epoch

    halve = Halve()
    sched = LambdaLR(optimizer(0.1, groups=2), [lambda e: 1.0, halve])
    halve.factor = 0.25
    saved = sched.state_dict()
    assert saved["lr_lambdas"] == [None, {"factor": 0.25}]
    other = Halve()
    LambdaLR(optimizer(0.1, groups=2), [lambda e: 1.0, other]).load_state_dict(saved)
    assert other.factor == 0.25


def test_stepping_to_an_epoch_uses_the_closed_form_with_a_warning():
    sched = CosineAnnealingLR(optimizer(0.1), T_max=10)
    sched.optimizer.step()
    with pytest.warns(UserWarning, match="step\\(epoch\\) is deprecated"):
        sched.step(5)
    assert sched.get_last_lr()[0] == pytest.approx(0.05, rel=1e-14)


def test_a_scheduler_stepped_before_the_optimizer_warns_once():
    opt = optimizer()
    sched = StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match="before optimizer.step"):
        sched.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()  # only the first step is checked, as in PyTorch
        fresh = optimizer()
        later = StepLR(fresh, step_size=1)
        fresh.step()
        later.step()


def test_schedulers_name_bad_arguments():
    with pytest.raises(TypeError, match="StepLR: expected an optimizer, got list"):
        StepLR([], step_size=1)
    with pytest.raises(ValueError, match="step_size must be a positive integer, got 0"):
        StepLR(optimizer(), step_size=0)
    with pytest.raises(ValueError, match="T_max must be positive, got 0"):
        CosineAnnealingLR(optimizer(), T_max=0)
    with pytest.raises(KeyError, match=r"resuming at last_epoch=4 needs param_groups\[0\]\['initial_lr'\]"):
        StepLR(optimizer(), step_size=2, last_epoch=4)
    with pytest.raises(NotImplementedError, match="must define get_lr"):
        LRScheduler(optimizer())


def test_a_custom_scheduler_subclasses_the_base():
    class Halving(LRScheduler):
        def get_lr(self):
            return [base * 0.5**self.last_epoch for base in self.base_lrs]

    assert rates(Halving(optimizer(1.0)), 4) == [1.0, 0.5, 0.25, 0.125]


def test_both_import_paths_reach_the_schedulers():
    import nn.optim.lr_scheduler as by_path

    assert nn.optim.lr_scheduler.StepLR is StepLR is by_path.StepLR
