"""PyTorch's `torch.utils` namespace, for scripts ported by their imports: `utils.data` is `nn.data`.

A forwarding alias for PyTorch's namespace, not a dependency of the engine: `nn` is
imported only when `data` is first read.
"""

from __future__ import annotations

import importlib


def __getattr__(name: str):
    if name == "data":
        return importlib.import_module("nn.data")
    raise AttributeError(f"module 'autograd.utils' has no attribute {name!r}")
