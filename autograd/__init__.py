"""A reverse-mode automatic differentiation engine over NumPy.

>>> from autograd import Tensor
>>> a = Tensor(-4.0, requires_grad=True)
>>> y = (a * a).tanh()
>>> y.backward()
"""

# tensor first: it defines Tensor, then pulls in the ops that build on it.
from .tensor import Tensor, get_default_dtype, set_default_dtype  # isort: skip
from ._version import __version__
from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .engine import backward_order, grad, toposort
from .factories import arange, full, ones, ones_like, rand, randn, zeros, zeros_like
from .gradcheck import gradcheck, gradgradcheck
from .graph import REGISTRY, enable_grad, is_grad_enabled, no_grad, scope, set_grad_enabled
from .ops.composite import log_softmax, logsumexp, mean, softmax, std, var
from .ops.elementwise import (
    abs,
    add,
    clip,
    cos,
    div,
    exp,
    log,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    relu,
    sigmoid,
    sign,
    sin,
    sqrt,
    sub,
    tanh,
    where,
)
from .ops.linalg import linear, matmul
from .ops.reduce import argmax, argmin, broadcast_to, max, min, sum, sum_to
from .ops.shape import (
    cat,
    concatenate,
    expand,
    flatten,
    getitem,
    permute,
    reshape,
    squeeze,
    stack,
    swapaxes,
    transpose,
    unsqueeze,
)
from .random import default_generator, manual_seed

clamp = clip


def __getattr__(name: str):
    """draw_graph and backward_steps, imported on first use: `import autograd` never imports graphviz."""
    if name == "draw_graph":
        from .draw import draw_graph

        return draw_graph
    if name == "backward_steps":
        from .steps import backward_steps

        return backward_steps
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = [
    "__version__",
    "Tensor",
    "detect_anomaly",
    "AnomalyError",
    "is_anomaly_enabled",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "set_default_dtype",
    "get_default_dtype",
    "manual_seed",
    "default_generator",
    "scope",
    "toposort",
    "backward_order",
    "REGISTRY",
    "draw_graph",
    "backward_steps",
    "zeros",
    "ones",
    "full",
    "zeros_like",
    "ones_like",
    "arange",
    "randn",
    "rand",
    "abs",
    "add",
    "clip",
    "clamp",
    "cos",
    "div",
    "exp",
    "log",
    "maximum",
    "minimum",
    "mul",
    "neg",
    "pow",
    "relu",
    "sigmoid",
    "sign",
    "sin",
    "sqrt",
    "sub",
    "tanh",
    "where",
    "matmul",
    "linear",
    "sum",
    "mean",
    "max",
    "min",
    "var",
    "std",
    "logsumexp",
    "softmax",
    "log_softmax",
    "argmax",
    "argmin",
    "broadcast_to",
    "sum_to",
    "concatenate",
    "cat",
    "stack",
    "reshape",
    "transpose",
    "permute",
    "swapaxes",
    "squeeze",
    "unsqueeze",
    "flatten",
    "expand",
    "getitem",
]
