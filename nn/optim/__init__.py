"""Optimizers with PyTorch's update formulas, applied to the parameters in place, and learning-rate schedules.

    opt = nn.optim.Adam(model.parameters(), lr=1e-3)
    sched = nn.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)

Per-parameter state (momentum, moments, the step count) is made of Tensors on the
first step. Hyperparameters live in `param_groups`, as in PyTorch, so a schedule can
change `opt.param_groups[0]["lr"]` between steps. Everything that changes from step
to step is a Tensor read and written in place (each group's `lr_tensor`, each
parameter's `state[p]["step"]`), and assigning another hyperparameter bumps the
group's `version`: see optimizer.py.
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer, ParamGroup
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Optimizer", "ParamGroup", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "lr_scheduler",
]  # fmt: skip
