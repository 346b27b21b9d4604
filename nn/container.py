"""Sequential: modules called in order. Its base, ModuleList, lives in module.py (assigning a list makes one)."""

from __future__ import annotations

from typing import Any

from .module import Module, ModuleList


class Sequential(ModuleList):
    """Modules applied one after another: `Sequential(Linear(2, 8), ReLU(), Linear(8, 1))(x)`.

    Also `Sequential(OrderedDict(name=module, ...))` to choose the children's names.
    """

    def __init__(self, *modules: Module):
        if len(modules) == 1 and isinstance(modules[0], dict):
            Module.__init__(self)
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            super().__init__(modules)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):  # a slice keeps the children's names, as in PyTorch
            return Sequential(dict(list(self._modules.items())[index]))
        return super().__getitem__(index)

    def forward(self, x: Any) -> Any:
        """x passed through each child in order."""
        for module in self._modules.values():
            x = module(x)
        return x
