"""A reverse-mode automatic differentiation engine over NumPy.

>>> from autograd import Tensor
>>> a = Tensor(-4.0, requires_grad=True)
>>> y = (a * a).tanh()
>>> y.backward()
"""

from ._tensor import Tensor, apply
from ._version import __version__
from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .dtypes import (
    bool_,
    double,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from .engine import backward_order, grad, toposort
from .factories import arange, as_tensor, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .functions import (
    abs,
    add,
    amax,
    amin,
    argmax,
    argmin,
    broadcast_to,
    cat,
    clamp,
    clip,
    concatenate,
    cos,
    div,
    exp,
    expand,
    flatten,
    getitem,
    is_tensor,
    linear,
    log,
    log2,
    log10,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mul,
    neg,
    nll_loss,
    numel,
    permute,
    pow,
    relu,
    reshape,
    sigmoid,
    sign,
    sin,
    softmax,
    sqrt,
    squeeze,
    stack,
    std,
    sub,
    sum,
    sum_to,
    swapaxes,
    tanh,
    transpose,
    unsqueeze,
    var,
    where,
)
from .gradcheck import gradcheck, gradgradcheck
from .ops.op import REGISTRY
from .random import default_generator, manual_seed
from .state import enable_grad, is_grad_enabled, no_grad, scope, set_grad_enabled
from .tracing import Traced, TraceError, TraceMismatch, is_recording, trace

float = float32  # noqa: A001  (PyTorch's alias: torch.float is float32)
bool = bool_  # noqa: A001


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
    "Tensor", "tensor", "as_tensor", "apply", "REGISTRY",
    "detect_anomaly", "AnomalyError", "is_anomaly_enabled",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "scope",
    "grad", "gradcheck", "gradgradcheck", "toposort", "backward_order",
    "trace", "Traced", "TraceError", "TraceMismatch", "is_recording",
    "set_default_dtype", "get_default_dtype", "manual_seed", "default_generator",
    "float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool_",
    "float", "double", "half", "long", "short", "bool",
    "draw_graph", "backward_steps",
    "zeros", "ones", "full", "zeros_like", "ones_like", "arange", "randn", "rand",
    "abs", "add", "clip", "clamp", "cos", "div", "exp", "log", "log2", "log10", "maximum", "minimum",
    "mul", "neg", "nll_loss", "pow", "relu", "sigmoid", "sign", "sin", "sqrt", "sub", "tanh", "where",
    "matmul", "linear", "sum", "mean", "max", "min", "amax", "amin", "var", "std", "logsumexp",
    "softmax", "log_softmax", "argmax", "argmin", "broadcast_to", "sum_to",
    "concatenate", "cat", "stack", "reshape", "transpose", "permute", "swapaxes", "squeeze",
    "unsqueeze", "flatten", "expand", "getitem", "numel", "is_tensor",
]  # fmt: skip
