"""Containers: Sequential (modules called in order) and ModuleDict (modules by name).

Sequential's base, ModuleList, lives in module.py (assigning a list makes one).
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
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


class ModuleDict(Module):
    """Modules under names of your choosing, in insertion order: `ModuleDict({"enc": ..., "dec": ...})`.

    A dict whose values are registered children, so the parent finds their parameters
    (keyed "enc.weight", ...). Keys must be strings that are not already attributes
    (like "keys" or "training").
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        if isinstance(key, str) and hasattr(type(self), key):  # the child would hide a method
            raise KeyError(
                f"ModuleDict: the key {key!r} is taken by an attribute of ModuleDict; choose another"
            )
        if key in self._modules:
            self._forget(key)
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        if key not in self._modules:
            raise KeyError(key)
        self._forget(key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> KeysView[str]:
        return self._modules.keys()

    def items(self) -> ItemsView[str, Module]:
        return self._modules.items()

    def values(self) -> ValuesView[Module]:
        return self._modules.values()

    def pop(self, key: str) -> Module:
        """Remove the child under key and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every child."""
        for key in list(self._modules):
            del self[key]

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) children from a dict, a ModuleDict, or (key, module) pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for entry in pairs:
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                raise TypeError(f"ModuleDict.update: expected (key, module) pairs, got {entry!r}")
            self[entry[0]] = entry[1]
