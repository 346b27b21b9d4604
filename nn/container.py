"""Containers: Sequential (calls its modules in order) and ModuleList (just holds them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .module import Module


class ModuleList(Module):
    """A list of modules whose parameters the parent finds; children are named "0", "1", ....

    Assigning a plain list of Modules to a Module attribute makes one of these.
    """

    def __init__(self, modules: Iterable[Module] = ()):
        super().__init__()
        self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        """Add module as the next child, named by its position."""
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each module in turn."""
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(items[index])
        return items[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


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
