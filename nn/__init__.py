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
from .activation import GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .container import ModuleDict, Sequential
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten, Unflatten
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
from .normalization import BatchNorm1d, LayerNorm
from .parameter import Parameter
from .serialization import load, save

__all__ = [
    "Module", "Parameter", "Linear", "ReLU", "Tanh", "Sigmoid", "Identity", "Softmax", "LogSoftmax",
    "LeakyReLU", "GELU", "Flatten", "Unflatten", "Embedding", "BatchNorm1d", "LayerNorm",
    "Dropout", "Sequential", "ModuleList", "ModuleDict", "MLP",
    "CrossEntropyLoss", "NLLLoss", "MSELoss", "BCEWithLogitsLoss", "MultiMarginLoss", "TripletMarginLoss",
    "SoftAUCLoss", "save", "load", "functional", "optim", "init", "data",
    "__version__",
]  # fmt: skip
