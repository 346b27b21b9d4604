"""A reverse-mode automatic differentiation engine over NumPy.

>>> from autograd import Tensor
>>> a = Tensor(-4.0, requires_grad=True)
>>> y = (a * a).tanh()
>>> y.backward()

PyTorch scripts run with `import autograd as torch`: `torch.nn`, `torch.optim` and
`torch.utils.data` then reach the `nn` package, which is imported on first use.
"""

import importlib as _importlib
import sys as _sys

from . import accelerator, backends, cuda, utils
from ._tensor import Tensor, apply
from ._version import __version__
from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .devices import device, get_default_device, set_default_device
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
from .factories import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from .function import Function, FunctionCtx
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
from .generator import Generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .gradcheck import gradcheck, gradgradcheck
from .histogram import histc, histogram
from .ops.op import REGISTRY
from .random import default_generator
from .sampling import (
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
)
from .state import enable_grad, is_grad_enabled, no_grad, scope, set_grad_enabled
from .tracing import Traced, TraceError, TraceMismatch, is_recording, trace

float = float32  # noqa: A001  (PyTorch's alias: torch.float is float32)
int = int32  # noqa: A001  (torch.int is int32)
bool = bool_  # noqa: A001

# PyTorch's namespaces that are the nn package here: forwarding aliases for scripts that
# use `import autograd as torch`, not dependencies of the engine (nn imports autograd;
# autograd reaches nn only when a script asks for one of these).
_NN_ALIASES = {
    "nn": ("nn", None),
    "optim": ("nn.optim", None),
    "save": ("nn", "save"),
    "load": ("nn", "load"),
}


def __getattr__(name: str):
    """Imported on first use: draw_graph and backward_steps (so `import autograd` never imports
    graphviz), and PyTorch's namespaces that nn provides (so it never imports nn)."""
    if name == "draw_graph":
        from .draw import draw_graph

        return draw_graph
    if name == "backward_steps":
        from .steps import backward_steps

        return backward_steps
    if name == "autograd":  # torch.autograd.Function, torch.autograd.grad: this package itself
        return _sys.modules[__name__]
    if name in _NN_ALIASES:
        module, attribute = _NN_ALIASES[name]
        found = _importlib.import_module(module)
        return found if attribute is None else getattr(found, attribute)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = [
    "__version__",
    "Tensor", "tensor", "as_tensor", "apply", "REGISTRY",
    "detect_anomaly", "AnomalyError", "is_anomaly_enabled",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "scope",
    "grad", "gradcheck", "gradgradcheck", "toposort", "backward_order",
    "trace", "Traced", "TraceError", "TraceMismatch", "is_recording",
    "set_default_dtype", "get_default_dtype", "manual_seed", "default_generator",
    "Generator", "seed", "initial_seed", "get_rng_state", "set_rng_state",
    "device", "set_default_device", "get_default_device", "cuda", "accelerator", "backends", "utils",
    "Function", "FunctionCtx",
    "float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool_",
    "float", "double", "half", "long", "int", "short", "bool",
    "draw_graph", "backward_steps",
    "from_numpy", "zeros", "ones", "full", "empty", "eye", "zeros_like", "ones_like",
    "full_like", "empty_like", "arange", "linspace", "logspace",
    "randn", "rand", "randint", "randperm", "multinomial", "normal", "rand_like", "randn_like",
    "randint_like", "histc", "histogram",
    "abs", "add", "clip", "clamp", "cos", "div", "exp", "log", "log2", "log10", "maximum", "minimum",
    "mul", "neg", "nll_loss", "pow", "relu", "sigmoid", "sign", "sin", "sqrt", "sub", "tanh", "where",
    "matmul", "linear", "sum", "mean", "max", "min", "amax", "amin", "var", "std", "logsumexp",
    "softmax", "log_softmax", "argmax", "argmin", "broadcast_to", "sum_to",
    "concatenate", "cat", "stack", "reshape", "transpose", "permute", "swapaxes", "squeeze",
    "unsqueeze", "flatten", "expand", "getitem", "numel", "is_tensor",
]  # fmt: skip
