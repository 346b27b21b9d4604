"""Neural networks on top of autograd: modules, losses, optimizers, data loading, saving.

Nothing here writes a gradient: layers and losses are compositions of autograd
ops, and optimizers change parameters in place under `no_grad`.

    >>> import nn
    >>> from nn import functional as F
    >>> model = nn.MLP([2, 16, 16, 2], activation="relu")
    >>> opt = nn.optim.Adam(model.parameters(), lr=1e-2)
"""

from autograd import __version__

from . import data, functional, init, optim
from .activation import Identity, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .container import Sequential
from .dropout import Dropout
from .linear import Linear
from .losses import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    MSELoss,
    MultiMarginLoss,
    NLLLoss,
    SoftAUCLoss,
    TripletMarginLoss,
)
from .mlp import MLP
from .module import Module, ModuleList
from .parameter import Parameter
from .serialization import load, save

__all__ = [
    "Module", "Parameter", "Linear", "ReLU", "Tanh", "Sigmoid", "Identity", "Softmax", "LogSoftmax",
    "Dropout", "Sequential", "ModuleList", "MLP",
    "CrossEntropyLoss", "NLLLoss", "MSELoss", "BCEWithLogitsLoss", "MultiMarginLoss", "TripletMarginLoss",
    "SoftAUCLoss", "save", "load", "functional", "optim", "init", "data",
    "__version__",
]  # fmt: skip
